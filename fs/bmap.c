/* From a file's block number to the disk's ("Inode Table", i_block): the
 * first 12 blocks are named in the inode itself, the next ones through a
 * single indirect block (a block of block numbers), then a double and a
 * triple indirect one. Every block number read from the disk is checked to
 * lie inside the file system before it is followed.
 *
 * i_blocks counts every block the inode owns, indirect ones included, in
 * 512-byte units. */
#include "fs.h"

/* The route to file block lblk: depth levels of indirection (0: direct),
 * idx[0] the slot in i_block, idx[1..depth] the entry at each level. */
static int block_path(uint32_t lblk, uint32_t idx[4])
{
	uint32_t p = fs.ptrs, sh = fs.ptr_shift;
	if (lblk < EXT2_NDIR_BLOCKS) {
		idx[0] = lblk;
		return 0;
	}
	lblk -= EXT2_NDIR_BLOCKS;
	if (lblk < p) {
		idx[0] = EXT2_IND_BLOCK;
		idx[1] = lblk;
		return 1;
	}
	lblk -= p;
	if (lblk < p * p) {
		idx[0] = EXT2_DIND_BLOCK;
		idx[1] = lblk >> sh;
		idx[2] = lblk & (p - 1);
		return 2;
	}
	lblk -= p * p;
	if ((lblk >> sh >> sh) < p) {
		idx[0] = EXT2_TIND_BLOCK;
		idx[1] = lblk >> sh >> sh;
		idx[2] = (lblk >> sh) & (p - 1);
		idx[3] = lblk & (p - 1);
		return 3;
	}
	return -EFBIG;
}

/* A zeroed block for ip, near the last one it got. */
static int new_block(struct inode *ip, uint32_t *blk)
{
	uint32_t goal = ip->goal;
	if (!goal) /* the start of the inode's group */
		goal = fs.first_data_block + ((ip->ino - 1) / fs.ipg) * fs.bpg;
	int r = balloc(goal, blk);
	if (r < 0)
		return r;
	struct buf *b = bget_zero(*blk);
	if (!b) {
		bfree(*blk);
		return -EIO;
	}
	brelse(b);
	ip->d.i_blocks += fs.bs / 512;
	ip->goal = *blk + 1;
	return 0;
}

/* How many blocks mapping lblk would take: so that a full disk is
 * noticed before an indirect block is allocated for nothing. */
static int blocks_needed(struct inode *ip, const uint32_t *idx, int depth)
{
	uint32_t blk = ip->d.i_block[idx[0]];
	for (int lv = 1; lv <= depth; lv++) {
		if (!blk)
			return depth - lv + 2;
		if (!fs_block_ok(blk))
			return -EIO;
		struct buf *b = bread(blk);
		if (!b)
			return -EIO;
		blk = ((ext2_blkptr *)b->data)[idx[lv]];
		brelse(b);
	}
	return blk ? 0 : 1;
}

int bmap(struct inode *ip, uint32_t lblk, int alloc, uint32_t *pblk)
{
	uint32_t idx[4];
	int depth = block_path(lblk, idx);
	if (depth < 0)
		return depth;
	if (alloc) {
		int need = blocks_needed(ip, idx, depth);
		if (need < 0)
			return need;
		if ((uint32_t)need > fs.free_blocks)
			return -ENOSPC;
	}
	uint32_t blk = ip->d.i_block[idx[0]];
	if (!blk) {
		if (!alloc) {
			*pblk = 0;
			return 0;
		}
		int r = new_block(ip, &blk);
		if (r < 0)
			return r;
		ip->d.i_block[idx[0]] = blk; /* the caller writes the inode */
	}
	for (int lv = 1; lv <= depth; lv++) {
		if (!fs_block_ok(blk)) {
			fs_corrupt("block pointer", blk);
			return -EIO;
		}
		struct buf *b = bread(blk);
		if (!b)
			return -EIO;
		ext2_blkptr *e = (ext2_blkptr *)b->data + idx[lv];
		blk = *e;
		if (!blk) {
			if (!alloc) {
				brelse(b);
				*pblk = 0;
				return 0;
			}
			int r = new_block(ip, &blk);
			if (r < 0) {
				brelse(b);
				return r;
			}
			*e = blk;
			bdirty_range(b, e, sizeof(*e));
		}
		brelse(b);
	}
	if (!fs_block_ok(blk)) {
		fs_corrupt("block pointer", blk);
		return -EIO;
	}
	*pblk = blk;
	return 0;
}

int bmap_run(struct inode *ip, uint32_t lblk, uint32_t max, uint32_t *pblk)
{
	uint32_t idx[4];
	int depth = block_path(lblk, idx);
	if (depth < 0)
		return depth;
	/* The walk of bmap, keeping the last level: the entries that follow
	 * lblk's in it map the blocks after lblk, so one look at a leaf
	 * (the inode's direct slots or an indirect block) maps a whole run. */
	const ext2_blkptr *leaf = ip->d.i_block;
	uint32_t at = idx[0], slots = EXT2_NDIR_BLOCKS, blk = leaf[at];
	struct buf *b = NULL;
	for (int lv = 1; lv <= depth && blk; lv++) {
		brelse(b);
		if (!fs_block_ok(blk)) {
			fs_corrupt("block pointer", blk);
			return -EIO;
		}
		if (!(b = bread(blk)))
			return -EIO;
		leaf = (const ext2_blkptr *)b->data;
		at = idx[lv];
		slots = fs.ptrs;
		blk = leaf[at];
	}
	uint32_t n = 1;
	if (blk && !fs_block_ok(blk)) {
		brelse(b);
		fs_corrupt("block pointer", blk);
		return -EIO;
	}
	while (blk && n < max && at + n < slots && leaf[at + n] == blk + n && fs_block_ok(blk + n))
		n++;
	brelse(b);
	*pblk = blk;
	return (int)n;
}

struct trunc {
	int err;
	uint32_t budget; /* blocks the inode can own: bounds a corrupt tree's walk */
};

/* Frees, in the subtree under blk (depth levels of indirection above the
 * data), every block that maps a file block >= keep (counted from the
 * subtree's start), and blk itself if keep is 0. Returns 1 if blk was
 * freed, so the caller clears its pointer. */
static int free_tree(struct inode *ip, uint32_t blk, int depth, uint32_t keep, struct trunc *t)
{
	if (!t->budget) {
		t->err = -EIO; /* more blocks than i_blocks says: corrupt */
		return 0;
	}
	t->budget--;
	if (!fs_block_ok(blk)) {
		fs_corrupt("block pointer", blk);
		t->err = -EIO;
		return 1; /* drop the bad pointer; there is nothing to free */
	}
	if (depth > 0) {
		struct buf *b = bread(blk);
		if (!b) {
			t->err = -EIO;
			return 0;
		}
		uint32_t csh = (uint32_t)(depth - 1) * fs.ptr_shift; /* a child spans 1 << csh */
		ext2_blkptr *e = (ext2_blkptr *)b->data;
		for (uint32_t i = keep >> csh; i < fs.ptrs; i++) {
			uint32_t ck = i == keep >> csh ? keep & ((1u << csh) - 1) : 0;
			if (e[i] && free_tree(ip, e[i], depth - 1, ck, t)) {
				e[i] = 0;
				bdirty_range(b, &e[i], sizeof(e[i]));
			}
		}
		brelse(b);
	}
	if (keep)
		return 0;
	if (bfree(blk) < 0) {
		t->err = -EIO;
		return 1;
	}
	if (ip->d.i_blocks >= fs.bs / 512)
		ip->d.i_blocks -= fs.bs / 512;
	return 1;
}

int itruncate(struct inode *ip, uint32_t size)
{
	uint32_t keep = (size >> fs.bs_shift) + !!(size & (fs.bs - 1));
	struct trunc t = {0, (ip->d.i_blocks >> (fs.bs_shift - 9)) + 1};
	if (t.budget > fs.blocks)
		t.budget = fs.blocks;

	if (!inode_has_blocks(ip)) {
		ip->d.i_size = size;
		return 0;
	}
	for (uint32_t i = keep; i < EXT2_NDIR_BLOCKS; i++)
		if (ip->d.i_block[i] && free_tree(ip, ip->d.i_block[i], 0, 0, &t))
			ip->d.i_block[i] = 0;
	/* Level L's tree maps the file blocks [base, base + ptrs^L). */
	uint32_t base = EXT2_NDIR_BLOCKS;
	for (int lv = 1; lv <= 3; lv++) {
		uint32_t span = 1u << (lv * fs.ptr_shift);
		uint32_t k = keep > base ? keep - base : 0;
		uint32_t *slot = &ip->d.i_block[EXT2_IND_BLOCK + lv - 1];
		if (k < span && *slot && free_tree(ip, *slot, lv, k, &t))
			*slot = 0;
		base += span;
	}
	/* The bytes past the new end in its last block read as zeros if the
	 * file grows again. */
	uint32_t blk;
	if ((size & (fs.bs - 1)) && bmap(ip, keep - 1, 0, &blk) == 0 && blk) {
		struct buf *b = bread(blk);
		if (b) {
			uint32_t o = size & (fs.bs - 1);
			memset(b->data + o, 0, fs.bs - o);
			bdirty_range(b, b->data + o, fs.bs - o);
			brelse(b);
		}
	}
	ip->d.i_size = size;
	if (is_reg(ip))
		ip->d.i_dir_acl = 0; /* i_size_high: size is 32-bit here */
	if (!size)
		ip->goal = 0;
	return t.err;
}
