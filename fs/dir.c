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

/* One entry as dir_walk hands it to its callback, already checked. */
struct dir_ent {
	struct buf *b;          /* its block: pinned during the call only */
	uint32_t lb, off, prev; /* as in struct dir_slot */
	struct ext2_dirent *de; /* at b->data + off */
};

/* A walk's callback: 0 to go on, > 0 to stop with that answer, < 0 to stop
 * with that error. It may change the block (and bdirty it), not keep it. */
typedef int (*dir_fn)(const struct dir_ent *e, void *ctx);

/* Calls fn on each entry of dp, in order, from block *lb on. The one loop
 * over a directory's entries, so that every operation checks each entry
 * before it is used and releases each block whatever happens; it reads the
 * blocks it walks and nothing else. Returns fn's first nonzero answer, with
 * *lb the block it stopped in (also after an error in a block), or 0 with
 * *lb the block count: where the next block would go. */
static int dir_walk(struct inode *dp, uint32_t *lb, dir_fn fn, void *ctx)
{
	uint32_t nb;
	int r = dir_nblocks(dp, &nb);
	if (r < 0)
		return r;
	for (; *lb < nb; ++*lb) {
		struct dir_ent e = {.lb = *lb};
		if (!(e.b = dir_block(dp, *lb, &r)))
			return r;
		for (uint32_t rl; e.off < fs.bs; e.prev = e.off, e.off += rl) {
			if (!(rl = de_len(e.b, e.off))) {
				bad_entry(dp, e.b);
				return -EIO;
			}
			e.de = de_at(e.b, e.off);
			if ((r = fn(&e, ctx)) != 0) {
				brelse(e.b);
				return r;
			}
		}
		brelse(e.b);
	}
	return 0;
}

struct lookup {
	const char *name;
	uint32_t len;
	struct dir_slot slot; /* the entry found */
};

static int lookup_fn(const struct dir_ent *e, void *ctx)
{
	struct lookup *l = ctx;
	if (!e->de->inode || e->de->name_len != l->len || memcmp(e->de->name, l->name, l->len))
		return 0;
	l->slot = (struct dir_slot){e->lb, e->off, e->prev, e->de->inode};
	return 1;
}

int dir_lookup(struct inode *dp, const char *name, uint32_t len, uint32_t *ino,
	       struct dir_slot *slot)
{
	struct lookup l = {name, len, {0}};
	uint32_t lb = 0;
	int r = dir_walk(dp, &lb, lookup_fn, &l);
	if (r <= 0)
		return r < 0 ? r : -ENOENT;
	*ino = l.slot.ino;
	if (slot)
		*slot = l.slot;
	return 0;
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

struct new_entry {
	const char *name;
	uint32_t len, ino;
	uint16_t mode;
};

/* Puts the new entry in the first entry with room for it. */
static int add_fn(const struct dir_ent *e, void *ctx)
{
	const struct new_entry *n = ctx;
	struct ext2_dirent *de = e->de;
	uint32_t rl = de->rec_len, used = de->inode ? EXT2_DIRENT_LEN(de->name_len) : 0;
	if (rl - used < EXT2_DIRENT_LEN(n->len))
		return 0;
	if (used) { /* split: the new entry takes the slack */
		de->rec_len = (uint16_t)used;
		de = de_at(e->b, e->off + used);
		de->rec_len = (uint16_t)(rl - used);
	}
	de_fill(de, n->name, n->len, n->ino, n->mode);
	/* The old entry's rec_len (if split) through the new entry's name. */
	bdirty_range(e->b, e->de, used + EXT2_DIRENT_LEN(n->len));
	return 1;
}

int dir_add(struct inode *dp, const char *name, uint32_t len, uint32_t ino, uint16_t mode)
{
	struct new_entry n = {name, len, ino, mode};
	uint32_t nb = 0, p;
	int err = dir_walk(dp, &nb, add_fn, &n);
	if (err)
		return err < 0 ? err : dir_changed(dp);
	/* Full (nb is now the block count): one more block, holding just the
	 * new entry. */
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
		bdirty_range(b, &de->inode, sizeof(de->inode));
	} else {
		struct ext2_dirent *pde = de_at(b, s->prev);
		uint32_t prl = de_len(b, s->prev);
		if (!prl || s->prev + prl != s->off) {
			bad_entry(dp, b);
			return -EIO;
		}
		pde->rec_len = (uint16_t)(prl + de->rec_len);
		bdirty_range(b, &pde->rec_len, sizeof(pde->rec_len));
	}
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
	bdirty_range(b, de, EXT2_DIRENT_HDR); /* inode .. file_type */
	brelse(b);
	return dir_changed(dp);
}

static int is_dot(const struct ext2_dirent *de)
{
	return (de->name_len == 1 && de->name[0] == '.') ||
	       (de->name_len == 2 && de->name[0] == '.' && de->name[1] == '.');
}

static int not_dot_fn(const struct dir_ent *e, void *ctx)
{
	(void)ctx;
	return e->de->inode && !is_dot(e->de);
}

int dir_is_empty(struct inode *dp)
{
	uint32_t lb = 0;
	int r = dir_walk(dp, &lb, not_dot_fn, NULL);
	return r < 0 ? r : !r;
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

struct next {
	uint32_t pos; /* in: where to look from; out: after the entry found */
	struct fs_dirent *ent;
	uint32_t *namelen;
};

/* The walk starts at the beginning of pos's block: entries may have merged
 * since pos was handed out, so it may now point inside one. */
static int next_fn(const struct dir_ent *e, void *ctx)
{
	struct next *n = ctx;
	const struct ext2_dirent *de = e->de;
	uint32_t at = (e->lb << fs.bs_shift) + e->off;
	if (at < n->pos || !de->inode)
		return 0;
	n->ent->ino = de->inode;
	n->ent->type = ft_mode(de->file_type);
	memcpy(n->ent->name, de->name, de->name_len);
	n->ent->name[de->name_len] = 0;
	*n->namelen = de->name_len;
	n->pos = at + de->rec_len;
	return 1;
}

int dir_next(struct inode *dp, uint32_t *pos, struct fs_dirent *ent, uint32_t *namelen)
{
	struct next n = {*pos, ent, namelen};
	uint32_t first = *pos >> fs.bs_shift, lb = first;
	int r = dir_walk(dp, &lb, next_fn, &n);
	if (r > 0)
		*pos = n.pos;
	else if (lb != first) /* past the blocks walked through without a find */
		*pos = lb << fs.bs_shift;
	return r;
}
