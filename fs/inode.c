/* In-memory inodes, as in xv6: at most one copy of each inode, with a
 * reference count, so two names for one file (or a directory and its
 * parent's view of it) never disagree. Every change is written through
 * to the inode table's cached block by iupdate(), so an unreferenced
 * entry can be dropped at any time.
 *
 * An inode whose last link is gone stays until its last reference (an
 * open handle) is put: then its blocks and its number are freed, as
 * POSIX wants for a file unlinked while open. */
#include "fs.h"

static struct inode icache[NINODE];
static uint32_t hand; /* clock hand for reusing unreferenced entries */
static uint32_t generation;

void icache_init(void)
{
	memset(icache, 0, sizeof(icache));
	hand = 0;
}

/* "Inode Table": inode n is entry (n-1) % ipg of group (n-1) / ipg. */
static int inode_loc(uint32_t ino, uint32_t *blk, uint32_t *off)
{
	struct buf *gb;
	struct ext2_group_desc *gd = gd_get((ino - 1) / fs.ipg, &gb);
	if (!gd)
		return -EIO;
	uint32_t byte = ((ino - 1) % fs.ipg) * fs.isz;
	*blk = gd->bg_inode_table + (byte >> fs.bs_shift);
	*off = byte & (fs.bs - 1);
	brelse(gb);
	return 0;
}

static struct inode *free_slot(void)
{
	for (uint32_t n = 0; n < NINODE; n++) {
		struct inode *ip = &icache[hand];
		hand = (hand + 1) % NINODE;
		if (!ip->ref) {
			ip->valid = 0;
			return ip;
		}
	}
	comp_log("fs: no free in-memory inode\n");
	return NULL;
}

static int mode_ok(uint16_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
	case S_IFDIR:
	case S_IFLNK:
	case EXT2_S_IFCHR:
	case EXT2_S_IFBLK:
	case EXT2_S_IFIFO:
	case EXT2_S_IFSOCK:
		return 1;
	}
	return 0;
}

int iget(uint32_t ino, struct inode **out)
{
	if (ino < 1 || ino > fs.inodes) {
		fs_corrupt("inode number", ino);
		return -EIO;
	}
	for (uint32_t i = 0; i < NINODE; i++) {
		if (icache[i].valid && icache[i].ino == ino) {
			icache[i].ref++;
			*out = &icache[i];
			return 0;
		}
	}
	struct inode *ip = free_slot();
	uint32_t blk, off;
	struct buf *b;
	if (!ip)
		return -ENOMEM;
	if (inode_loc(ino, &blk, &off) < 0 || !(b = bread(blk)))
		return -EIO;
	memcpy(&ip->d, b->data + off, sizeof(ip->d));
	brelse(b);
	/* A name leading to a free inode, an unknown type, or an ext4
	 * extent tree where ext2 block pointers belong: corrupt. */
	if (!ip->d.i_links_count || !mode_ok(ip->d.i_mode) || (ip->d.i_flags & EXT4_EXTENTS_FL)) {
		fs_corrupt("bad or free inode", ino);
		return -EIO;
	}
	ip->ino = ino;
	ip->ref = 1;
	ip->valid = 1;
	ip->goal = 0;
	*out = ip;
	return 0;
}

void idup(struct inode *ip)
{
	ip->ref++;
}

uint32_t icache_refs(void)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < NINODE; i++)
		n += icache[i].ref;
	return n;
}

int iupdate(struct inode *ip)
{
	uint32_t blk, off;
	struct buf *b;
	if (inode_loc(ip->ino, &blk, &off) < 0 || !(b = bread(blk)))
		return -EIO;
	memcpy(b->data + off, &ip->d, sizeof(ip->d));
	bdirty_range(b, b->data + off, sizeof(ip->d));
	brelse(b);
	return 0;
}

void inode_touch(struct inode *ip)
{
	ip->d.i_mtime = ip->d.i_ctime = fs_now();
}

uint32_t inode_size(const struct inode *ip)
{
	return ip->d.i_size;
}

/* "i_dir_acl": in revision 1, the upper 32 bits of a regular file's size
 * (i_size_high, with the large_file feature); Linux's ext2_iget reads it
 * so for regular files only. */
uint64_t inode_size64(const struct inode *ip)
{
	uint64_t high = is_reg(ip) ? ip->d.i_dir_acl : 0;
	return high << 32 | ip->d.i_size;
}

/* Whether i_block holds block numbers: not for a device (it holds the
 * device number) nor a fast symlink (it holds the target itself: a
 * symlink with no data block besides its attribute block). */
int inode_has_blocks(const struct inode *ip)
{
	uint16_t t = ip->d.i_mode & S_IFMT;
	if (t == S_IFREG || t == S_IFDIR)
		return 1;
	if (t != S_IFLNK)
		return 0;
	uint32_t ea = ip->d.i_file_acl ? fs.bs / 512 : 0;
	return ip->d.i_blocks > ea;
}

/* The extended attribute block: shared between inodes by a reference
 * count in its header ("Extended Attributes"). */
static void put_xattr(struct inode *ip)
{
	uint32_t blk = ip->d.i_file_acl;
	struct buf *b;
	ip->d.i_file_acl = 0;
	if (!blk || !fs_block_ok(blk) || !(b = bread(blk)))
		return;
	struct ext2_xattr_header *h = (struct ext2_xattr_header *)b->data;
	int free_it = 0;
	if (h->h_magic != EXT2_XATTR_MAGIC) {
		fs_corrupt("attribute block", blk);
	} else if (h->h_refcount > 1) {
		h->h_refcount--;
		bdirty_range(b, &h->h_refcount, sizeof(h->h_refcount));
	} else {
		free_it = 1;
	}
	brelse(b);
	if (free_it && bfree(blk) == 0 && ip->d.i_blocks >= fs.bs / 512)
		ip->d.i_blocks -= fs.bs / 512;
}

static void ifree(struct inode *ip)
{
	if (inode_has_blocks(ip) && itruncate(ip, 0) < 0)
		comp_log("fs: inode %u freed with errors\n", (unsigned)ip->ino);
	put_xattr(ip);
	ip->d.i_size = 0;
	ip->d.i_dtime = fs_now(); /* "i_dtime": set when deleted */
	iupdate(ip);
	ifree_bit(ip->ino, is_dir(ip));
}

void iput(struct inode *ip)
{
	if (!ip)
		return;
	if (ip->ref == 1 && ip->valid && !ip->d.i_links_count && fs.state == FS_RW) {
		ifree(ip);
		ip->valid = 0;
	}
	ip->ref--;
}

int inode_new(struct inode *dir, uint16_t mode, struct inode **out)
{
	uint32_t ino, blk, off;
	struct buf *b;
	struct inode *ip = free_slot();
	if (!ip)
		return -ENOMEM;
	uint32_t group = dir ? (dir->ino - 1) / fs.ipg : 0;
	int r = ialloc_bit(group, (mode & S_IFMT) == S_IFDIR, &ino);
	if (r < 0)
		return r;
	if (inode_loc(ino, &blk, &off) < 0 || !(b = bread(blk))) {
		ifree_bit(ino, (mode & S_IFMT) == S_IFDIR);
		return -EIO;
	}
	/* A fresh inode is all zeros, its large-inode tail included (stale
	 * extended attributes there would be read as this file's). */
	memset(b->data + off, 0, fs.isz);
	if (fs.isz >= EXT2_GOOD_OLD_INODE_SIZE + EXT2_EXTRA_ISIZE_DEFAULT) {
		uint16_t extra = EXT2_EXTRA_ISIZE_DEFAULT;
		memcpy(b->data + off + EXT2_EXTRA_ISIZE_OFF, &extra, sizeof(extra));
	}
	bdirty_range(b, b->data + off, fs.isz);
	brelse(b);
	memset(&ip->d, 0, sizeof(ip->d));
	ip->d.i_mode = mode;
	ip->d.i_links_count = 1;
	ip->d.i_atime = ip->d.i_ctime = ip->d.i_mtime = fs_now();
	ip->d.i_generation = ++generation;
	ip->ino = ino;
	ip->ref = 1;
	ip->valid = 1;
	ip->goal = 0;
	iupdate(ip);
	*out = ip;
	return 0;
}
