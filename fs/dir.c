/* Directories: a file of blocks, each holding a chain of variable-length
 * entries ("Linked Directory Entry Structure" in the spec). Every entry is
 * checked before it is used (de_len): rec_len a multiple of 4, at least
 * 8 + name_len, inside its block and not 0, so walking a block always ends
 * and never leaves it. A directory has no holes and whole blocks only.
 *
 * Removing an entry merges it into the one before it in its block (the
 * first of a block is marked unused, inode 0). A new entry takes the slack
 * after an entry, or an unused entry, or a new block at the end.
 *
 * Directories with the dir_index hash tree (EXT2_INDEX_FL) read correctly
 * this way too: the tree's blocks look like empty entries. A change here
 * does not maintain the tree, so it clears the flag, as ext2 drivers
 * without hash-tree support do. */
#include "fs.h"

static struct ext2_dirent *de_at(struct buf *b, uint32_t off)
{
	return (struct ext2_dirent *)(b->data + off);
}

/* rec_len of the entry at off if it is well formed, else 0. */
static uint32_t de_len(struct buf *b, uint32_t off)
{
	if (off + EXT2_DIRENT_HDR > fs.bs)
		return 0;
	struct ext2_dirent *de = de_at(b, off);
	uint32_t rl = de->rec_len;
	if (rl < EXT2_DIRENT_HDR || (rl & 3) || rl > fs.bs - off)
		return 0;
	if (de->inode &&
	    (!de->name_len || EXT2_DIRENT_HDR + de->name_len > rl || de->inode > fs.inodes))
		return 0;
	return rl;
}

/* The directory's block count; -EIO unless its size is whole blocks. */
static int dir_nblocks(struct inode *dp, uint32_t *n)
{
	if (!is_dir(dp))
		return -ENOTDIR;
	uint32_t size = inode_size(dp);
	if ((size & (fs.bs - 1)) || (size >> fs.bs_shift) > fs.blocks) {
		fs_corrupt("directory size of inode", dp->ino);
		return -EIO;
	}
	*n = size >> fs.bs_shift;
	return 0;
}

static struct buf *dir_block(struct inode *dp, uint32_t lblk, int *err)
{
	uint32_t p;
	struct buf *b = NULL;
	if ((*err = bmap(dp, lblk, 0, &p)) < 0)
		return NULL;
	if (!p) {
		fs_corrupt("hole in directory", dp->ino);
		*err = -EIO;
	} else if (!(b = bread(p))) {
		*err = -EIO;
	}
	return b;
}

static void bad_entry(struct inode *dp, struct buf *b)
{
	fs_corrupt("directory entry in directory", dp->ino);
	brelse(b);
}

int dir_lookup(struct inode *dp, const char *name, uint32_t len, uint32_t *ino,
	       struct dir_slot *slot)
{
	uint32_t nb;
	int err = dir_nblocks(dp, &nb);
	if (err < 0)
		return err;
	for (uint32_t lb = 0; lb < nb; lb++) {
		struct buf *b = dir_block(dp, lb, &err);
		if (!b)
			return err;
		for (uint32_t off = 0, prev = 0, rl; off < fs.bs; prev = off, off += rl) {
			if (!(rl = de_len(b, off))) {
				bad_entry(dp, b);
				return -EIO;
			}
			struct ext2_dirent *de = de_at(b, off);
			if (de->inode && de->name_len == len && !memcmp(de->name, name, len)) {
				*ino = de->inode;
				if (slot)
					*slot = (struct dir_slot){lb, off, prev, de->inode};
				brelse(b);
				return 0;
			}
		}
		brelse(b);
	}
	return -ENOENT;
}

static uint8_t file_type(uint16_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return EXT2_FT_REG_FILE;
	case S_IFDIR:
		return EXT2_FT_DIR;
	case S_IFLNK:
		return EXT2_FT_SYMLINK;
	case EXT2_S_IFCHR:
		return EXT2_FT_CHRDEV;
	case EXT2_S_IFBLK:
		return EXT2_FT_BLKDEV;
	case EXT2_S_IFIFO:
		return EXT2_FT_FIFO;
	case EXT2_S_IFSOCK:
		return EXT2_FT_SOCK;
	}
	return EXT2_FT_UNKNOWN;
}

static void de_fill(struct ext2_dirent *de, const char *name, uint32_t len, uint32_t ino,
		    uint16_t mode)
{
	de->inode = ino;
	de->name_len = (uint8_t)len;
	/* Without the filetype feature this byte is name_len's high byte. */
	de->file_type = fs.filetype ? file_type(mode) : 0;
	memcpy(de->name, name, len);
}

/* The directory changed: times, and no more hash index. */
static int dir_changed(struct inode *dp)
{
	inode_touch(dp);
	dp->d.i_flags &= ~EXT2_INDEX_FL;
	return iupdate(dp);
}

int dir_add(struct inode *dp, const char *name, uint32_t len, uint32_t ino, uint16_t mode)
{
	uint32_t nb, need = EXT2_DIRENT_LEN(len);
	int err = dir_nblocks(dp, &nb);
	if (err < 0)
		return err;
	for (uint32_t lb = 0; lb < nb; lb++) {
		struct buf *b = dir_block(dp, lb, &err);
		if (!b)
			return err;
		for (uint32_t off = 0, rl; off < fs.bs; off += rl) {
			if (!(rl = de_len(b, off))) {
				bad_entry(dp, b);
				return -EIO;
			}
			struct ext2_dirent *de = de_at(b, off);
			uint32_t used = de->inode ? EXT2_DIRENT_LEN(de->name_len) : 0;
			if (rl - used < need)
				continue;
			if (used) { /* split: the new entry takes the slack */
				de->rec_len = (uint16_t)used;
				de = de_at(b, off + used);
				de->rec_len = (uint16_t)(rl - used);
			}
			de_fill(de, name, len, ino, mode);
			bdirty(b);
			brelse(b);
			return dir_changed(dp);
		}
		brelse(b);
	}
	/* Full: one more block, holding just the new entry. */
	uint32_t p;
	if ((err = bmap(dp, nb, 1, &p)) < 0) {
		iupdate(dp);
		return err;
	}
	struct buf *b = bread(p);
	if (!b)
		return -EIO;
	memset(b->data, 0, fs.bs);
	struct ext2_dirent *de = de_at(b, 0);
	de->rec_len = (uint16_t)fs.bs;
	de_fill(de, name, len, ino, mode);
	bdirty(b);
	brelse(b);
	dp->d.i_size += fs.bs;
	return dir_changed(dp);
}

/* The slot's block, with its entry checked again (the directory may have
 * changed since the lookup that produced it). */
static struct buf *slot_block(struct inode *dp, const struct dir_slot *s, int *err)
{
	struct buf *b = dir_block(dp, s->lblk, err);
	if (b && (!de_len(b, s->off) || de_at(b, s->off)->inode != s->ino)) {
		bad_entry(dp, b);
		*err = -EIO;
		return NULL;
	}
	return b;
}

int dir_remove(struct inode *dp, const struct dir_slot *s)
{
	int err;
	struct buf *b = slot_block(dp, s, &err);
	if (!b)
		return err;
	struct ext2_dirent *de = de_at(b, s->off);
	if (s->prev == s->off) {
		de->inode = 0;
	} else {
		struct ext2_dirent *pde = de_at(b, s->prev);
		uint32_t prl = de_len(b, s->prev);
		if (!prl || s->prev + prl != s->off) {
			bad_entry(dp, b);
			return -EIO;
		}
		pde->rec_len = (uint16_t)(prl + de->rec_len);
	}
	bdirty(b);
	brelse(b);
	return dir_changed(dp);
}

int dir_retarget(struct inode *dp, const struct dir_slot *s, uint32_t ino, uint16_t mode)
{
	int err;
	struct buf *b = slot_block(dp, s, &err);
	if (!b)
		return err;
	struct ext2_dirent *de = de_at(b, s->off);
	de->inode = ino;
	if (fs.filetype)
		de->file_type = file_type(mode);
	bdirty(b);
	brelse(b);
	return dir_changed(dp);
}

static int is_dot(const struct ext2_dirent *de)
{
	return (de->name_len == 1 && de->name[0] == '.') ||
	       (de->name_len == 2 && de->name[0] == '.' && de->name[1] == '.');
}

int dir_is_empty(struct inode *dp)
{
	uint32_t nb;
	int err = dir_nblocks(dp, &nb);
	if (err < 0)
		return err;
	for (uint32_t lb = 0; lb < nb; lb++) {
		struct buf *b = dir_block(dp, lb, &err);
		if (!b)
			return err;
		for (uint32_t off = 0, rl; off < fs.bs; off += rl) {
			if (!(rl = de_len(b, off))) {
				bad_entry(dp, b);
				return -EIO;
			}
			struct ext2_dirent *de = de_at(b, off);
			if (de->inode && !is_dot(de)) {
				brelse(b);
				return 0;
			}
		}
		brelse(b);
	}
	return 1;
}

int dir_init(struct inode *dp, uint32_t parent)
{
	uint32_t p;
	int err = bmap(dp, 0, 1, &p);
	if (err < 0)
		return err;
	struct buf *b = bread(p);
	if (!b)
		return -EIO;
	memset(b->data, 0, fs.bs);
	struct ext2_dirent *de = de_at(b, 0);
	de->rec_len = (uint16_t)EXT2_DIRENT_LEN(1);
	de_fill(de, ".", 1, dp->ino, S_IFDIR);
	de = de_at(b, EXT2_DIRENT_LEN(1));
	de->rec_len = (uint16_t)(fs.bs - EXT2_DIRENT_LEN(1));
	de_fill(de, "..", 2, parent, S_IFDIR);
	bdirty(b);
	brelse(b);
	dp->d.i_size = fs.bs;
	return 0;
}

static uint32_t ft_mode(uint8_t ft)
{
	static const uint32_t modes[] = {
		0,      S_IFREG, S_IFDIR, EXT2_S_IFCHR, EXT2_S_IFBLK, EXT2_S_IFIFO, EXT2_S_IFSOCK,
		S_IFLNK};
	return fs.filetype && ft < sizeof(modes) / sizeof(modes[0]) ? modes[ft] : 0;
}

int dir_next(struct inode *dp, uint32_t *pos, struct fs_dirent *ent, uint32_t *namelen)
{
	uint32_t nb;
	int err = dir_nblocks(dp, &nb);
	if (err < 0)
		return err;
	while ((*pos >> fs.bs_shift) < nb) {
		uint32_t lb = *pos >> fs.bs_shift, want = *pos & (fs.bs - 1);
		struct buf *b = dir_block(dp, lb, &err);
		if (!b)
			return err;
		/* From the block's start: entries may have merged since *pos
		 * was handed out, so it may now point inside one. */
		for (uint32_t off = 0, rl; off < fs.bs; off += rl) {
			if (!(rl = de_len(b, off))) {
				bad_entry(dp, b);
				return -EIO;
			}
			struct ext2_dirent *de = de_at(b, off);
			if (off < want || !de->inode)
				continue;
			ent->ino = de->inode;
			ent->type = ft_mode(de->file_type);
			memcpy(ent->name, de->name, de->name_len);
			ent->name[de->name_len] = 0;
			*namelen = de->name_len;
			*pos = (lb << fs.bs_shift) + off + rl;
			brelse(b);
			return 1;
		}
		brelse(b);
		*pos = (lb + 1) << fs.bs_shift;
	}
	return 0;
}
