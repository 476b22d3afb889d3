/* Block and inode allocation: the bitmaps ("Block Bitmap", "Inode Bitmap"
 * in the spec), one block each per group, bit i of byte i/8 standing for
 * the group's i-th block or inode. Every change updates the bitmap, the
 * group descriptor's free count and the file system's total together, so
 * the three always agree, as e2fsck demands.
 *
 * A bitmap that disagrees with itself (freeing a free block, a count that
 * says free where the bitmap is full) means a corrupt disk: the operation
 * is refused with -EIO, and nothing is counted twice. */
#include "fs.h"

/* First clear bit in [from, to), or to. */
static uint32_t find_zero(const uint8_t *map, uint32_t from, uint32_t to)
{
	uint32_t i = from;
	while (i < to) {
		if (!(i & 7) && map[i >> 3] == 0xFF) { /* a full byte at once */
			i += 8;
			continue;
		}
		if (!(map[i >> 3] & (1u << (i & 7))))
			return i;
		i++;
	}
	return to;
}

static uint32_t group_blocks(uint32_t g)
{
	uint32_t first = fs.first_data_block + g * fs.bpg;
	return fs.blocks - first < fs.bpg ? fs.blocks - first : fs.bpg;
}

/* The group's own bitmaps and inode table: a bitmap that calls them free
 * lies, and handing them out would overwrite them. */
static int is_meta(const struct ext2_group_desc *gd, uint32_t blk)
{
	return blk == gd->bg_block_bitmap || blk == gd->bg_inode_bitmap ||
	       (blk >= gd->bg_inode_table && blk - gd->bg_inode_table < fs.itable_blocks);
}

/* Searches group g's bitmap in [from, to) for a free block. 1: found. */
static int take_block(uint32_t g, uint32_t from, uint32_t to, uint32_t *out)
{
	struct buf *gb, *bm;
	struct ext2_group_desc *gd = gd_get(g, &gb);
	if (!gd)
		return -EIO;
	if (!gd->bg_free_blocks_count || !(bm = bread(gd->bg_block_bitmap))) {
		int r = gd->bg_free_blocks_count ? -EIO : 0;
		brelse(gb);
		return r;
	}
	int found = 0;
	for (uint32_t bit; (bit = find_zero(bm->data, from, to)) < to; from = bit + 1) {
		uint32_t blk = fs.first_data_block + g * fs.bpg + bit;
		if (is_meta(gd, blk))
			continue;
		bm->data[bit >> 3] |= (uint8_t)(1u << (bit & 7));
		bdirty_range(bm, &bm->data[bit >> 3], 1);
		gd->bg_free_blocks_count--;
		bdirty_range(gb, gd, sizeof(*gd));
		fs.free_blocks--;
		*out = blk;
		found = 1;
		break;
	}
	brelse(bm);
	brelse(gb);
	return found;
}

int balloc(uint32_t goal, uint32_t *blk)
{
	if (fs.free_blocks == 0)
		return -ENOSPC;
	if (!fs_block_ok(goal))
		goal = fs.first_data_block;
	/* From the goal to the end of its group, then the other groups, then
	 * the goal's group from its start: the first free block after the
	 * goal keeps a file's blocks together. */
	uint32_t g0 = (goal - fs.first_data_block) / fs.bpg;
	uint32_t bit0 = (goal - fs.first_data_block) % fs.bpg;
	for (uint32_t i = 0; i <= fs.ngroups; i++) {
		uint32_t g = (g0 + i) % fs.ngroups;
		uint32_t from = i == 0 ? bit0 : 0;
		uint32_t to = i == fs.ngroups ? bit0 : group_blocks(g);
		int r = take_block(g, from, to, blk);
		if (r)
			return r < 0 ? r : 0;
	}
	return -ENOSPC;
}

int bfree(uint32_t blk)
{
	if (!fs_block_ok(blk)) {
		fs_corrupt("freeing a block outside the file system:", blk);
		return -EIO;
	}
	uint32_t g = (blk - fs.first_data_block) / fs.bpg;
	uint32_t bit = (blk - fs.first_data_block) % fs.bpg;
	struct buf *gb, *bm;
	struct ext2_group_desc *gd = gd_get(g, &gb);
	if (!gd)
		return -EIO;
	if (!(bm = bread(gd->bg_block_bitmap))) {
		brelse(gb);
		return -EIO;
	}
	int r = 0;
	uint8_t mask = (uint8_t)(1u << (bit & 7));
	if (!(bm->data[bit >> 3] & mask) || is_meta(gd, blk)) {
		fs_corrupt("freeing a free or metadata block", blk);
		r = -EIO;
	} else {
		bm->data[bit >> 3] &= (uint8_t)~mask;
		bdirty_range(bm, &bm->data[bit >> 3], 1);
		if (gd->bg_free_blocks_count < group_blocks(g)) {
			gd->bg_free_blocks_count++;
			fs.free_blocks++;
			bdirty_range(gb, gd, sizeof(*gd));
		}
		bcache_discard(blk); /* its contents no longer matter */
	}
	brelse(bm);
	brelse(gb);
	return r;
}

int ialloc_bit(uint32_t near_group, int is_dir, uint32_t *ino)
{
	if (fs.free_inodes == 0)
		return -ENOSPC;
	for (uint32_t i = 0; i < fs.ngroups; i++) {
		uint32_t g = (near_group + i) % fs.ngroups;
		struct buf *gb, *bm;
		struct ext2_group_desc *gd = gd_get(g, &gb);
		if (!gd)
			return -EIO;
		if (!gd->bg_free_inodes_count) {
			brelse(gb);
			continue;
		}
		if (!(bm = bread(gd->bg_inode_bitmap))) {
			brelse(gb);
			return -EIO;
		}
		/* Inodes below s_first_ino are reserved ("Defined Reserved
		 * Inodes"); inode n is bit n-1. */
		uint32_t base = g * fs.ipg, from = 0;
		if (fs.first_ino - 1 > base)
			from = fs.first_ino - 1 - base < fs.ipg ? fs.first_ino - 1 - base : fs.ipg;
		uint32_t bit = find_zero(bm->data, from, fs.ipg);
		if (bit < fs.ipg) {
			bm->data[bit >> 3] |= (uint8_t)(1u << (bit & 7));
			bdirty_range(bm, &bm->data[bit >> 3], 1);
			gd->bg_free_inodes_count--;
			if (is_dir)
				gd->bg_used_dirs_count++;
			bdirty_range(gb, gd, sizeof(*gd));
			fs.free_inodes--;
			*ino = base + bit + 1;
		}
		brelse(bm);
		brelse(gb);
		if (bit < fs.ipg)
			return 0;
	}
	return -ENOSPC;
}

int ifree_bit(uint32_t ino, int is_dir)
{
	if (ino < 1 || ino > fs.inodes)
		return -EIO;
	uint32_t g = (ino - 1) / fs.ipg, bit = (ino - 1) % fs.ipg;
	struct buf *gb, *bm;
	struct ext2_group_desc *gd = gd_get(g, &gb);
	if (!gd)
		return -EIO;
	if (!(bm = bread(gd->bg_inode_bitmap))) {
		brelse(gb);
		return -EIO;
	}
	int r = 0;
	uint8_t mask = (uint8_t)(1u << (bit & 7));
	if (!(bm->data[bit >> 3] & mask)) {
		fs_corrupt("freeing a free inode", ino);
		r = -EIO;
	} else {
		bm->data[bit >> 3] &= (uint8_t)~mask;
		bdirty_range(bm, &bm->data[bit >> 3], 1);
		if (gd->bg_free_inodes_count < fs.ipg) {
			gd->bg_free_inodes_count++;
			fs.free_inodes++;
		}
		if (is_dir && gd->bg_used_dirs_count)
			gd->bg_used_dirs_count--;
		bdirty_range(gb, gd, sizeof(*gd));
	}
	brelse(bm);
	brelse(gb);
	return r;
}
