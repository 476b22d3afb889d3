/* The file service's internal interfaces. Private to fs/; like every file
 * here it includes only the component API, klib and abi/ (design.md,
 * Rule 1), so the same sources build into both kernels and the host tests.
 *
 * Layers, bottom up (one file each):
 *   bcache.c  block cache over the disk driver (SVC_ATA)
 *   wlog.c    write log: what a restarted instance must not lose
 *   super.c   mount: superblock and group descriptors, free counts
 *   alloc.c   block and inode bitmaps
 *   inode.c   in-memory inodes (one copy per inode), free on last put
 *   bmap.c    file block -> disk block through the indirect blocks; truncate
 *   file.c    read and write of file contents (read-ahead)
 *   dir.c     directory entries: lookup, add, remove, iterate
 *   namei.c   path names
 *   ops.c     create, mkdir, rmdir, unlink, rename, link
 *   service.c the component: open handles and the SVC_FS protocol */
#ifndef FS_FS_H
#define FS_FS_H

#include "abi/fs.h"
#include "component.h"
#include "ext2.h"
#include "klib.h"

/* --- bcache.c ----------------------------------------------------------- */

#define BCACHE_BYTES    (1u << 20) /* buffer memory: 1024 x 1 KiB ... 256 x 4 KiB */
#define BCACHE_MAX_BUFS (BCACHE_BYTES / 1024)
#define BLOCK_MAX       4096

struct buf {
	uint32_t blk;
	uint8_t *data;
	uint16_t ref; /* pinned while > 0: never evicted */
	uint8_t valid, dirty;
	uint8_t txn;        /* changed by the current request: on the changed list */
	uint16_t lo, hi;    /* with txn: the bytes [lo, hi) the request changed */
	int16_t hnext;      /* hash chain */
	int16_t prev, next; /* LRU list, most recent first */
};

/* The disk: ATA_READ/ATA_WRITE of count sectors at lba into/out of buf
 * (this component's own memory), retried if the driver was restarted. An
 * ATA_WRITE is on the medium when it returns; DISK_CACHED, only once
 * disk_flush() has returned since. */
#define DISK_CACHED 0x100 /* | ATA_WRITE: ATA_WRITE_CACHED */
int disk_io(int op, uint32_t lba, uint32_t count, void *buf);
int disk_flush(void); /* ATA_FLUSH */
/* ATA_INFO: the disk's size, and which driver instance answers. */
int disk_info(uint32_t *sectors);

/* Forgets every buffer and sets the block size; blocks >= nblocks are
 * refused (they lie outside the file system). */
void bcache_init(uint32_t block_size, uint32_t nblocks);
struct buf *bread(uint32_t blk);     /* pinned, contents read; NULL: I/O error or bad block */
struct buf *bget_zero(uint32_t blk); /* pinned, zero-filled, dirty: a block just allocated */
void bdirty(struct buf *b);          /* the whole block changed: bdirty_range of all of it */
void bdirty_slow(struct buf *b, uint32_t off, uint32_t len); /* for bdirty_range */
extern uint8_t bcache_tracking; /* the write log wants the changed list (not in ring 0) */
/* len bytes at p (inside b->data) changed: only those go into the write
 * log. The caller must name every byte it changed (a range too short
 * loses a write at a restart); a wider one only costs a copy. Inline:
 * it runs thousands of times a macro run (each block allocated changes a
 * bitmap and a descriptor, each write an inode), mostly on a buffer that
 * is dirty and, where changes are tracked, already listed with a range
 * that covers this one; then there is nothing to do. */
static inline void bdirty_range(struct buf *b, const void *p, uint32_t len)
{
	uint32_t off = (uint32_t)((const uint8_t *)p - b->data);
	if (!b->dirty || (bcache_tracking &&
			  (!b->txn || off < b->lo || off > b->hi || len > (uint32_t)(b->hi - off))))
		bdirty_slow(b, off, len);
}
int bwrite(struct buf *b); /* writes b to the disk now, whether dirty or not */
void brelse(struct buf *b);
int bcache_cached(uint32_t blk);
/* Reads the uncached blocks [blk, blk+n) in one disk request (the caller
 * checked they are uncached). Returns how many were read, or -EIO. */
int bcache_readahead(uint32_t blk, uint32_t n);
uint32_t bcache_max_run(void);     /* blocks per disk request */
void bcache_discard(uint32_t blk); /* a freed block: its contents need no write */
int bcache_sync(void);             /* writes every dirty block */
uint32_t bcache_ndirty(void);
uint32_t bcache_pinned(void); /* buffers held: 0 between requests (tests check) */
/* The blocks the current request changed (bdirty, bdirty_range, bget_zero,
 * bwrite): how many at most (more than BCACHE_MAX_BUFS if one of them
 * already left the cache), and each in turn, taken off the list (its
 * changed bytes: b->lo .. b->hi); NULL at its end. */
void bcache_track_changes(int on); /* off (the default after bcache_init): no list */
uint32_t bcache_changed(void);
struct buf *bcache_next_changed(void);
struct buf *bcache_next_dirty(uint32_t *i); /* from buffer *i on (start at 0); NULL: no more */

/* --- wlog.c ------------------------------------------------------------- */

/* The write log, in memory that outlives the instance (comp_keep): the
 * blocks every acknowledged request changed, until the disk has them. */
void wlog_recover(void); /* at init, before the mount: replays the last instance's log */
void wlog_mounted(const struct ext2_super *sb); /* a new, empty log for this disk */
int wlog_commit(void); /* at a request's end; -ENOSPC: write it through instead */
void wlog_clear(void); /* every dirty block is on the disk */
/* Its layout in the kept memory (wlog.c says why it is so), here for the
 * host tests, which damage a log on purpose. A head, then two areas, each
 * a sequence of records: a header, then len bytes, padded to 4. */
#define WLOG_MAGIC 0x474f4c57u /* "WLOG" */
#define WLOG_HEAD  4096u
struct wlog_rec {
	uint32_t blk;      /* the block */
	uint16_t off, len; /* the bytes [off, off + len) of it that follow */
};
#define WLOG_REC_SIZE(len) ((uint32_t)sizeof(struct wlog_rec) + (((uint32_t)(len) + 3u) & ~3u))
/* An area: room for a whole-block record of every buffer of the cache
 * (a compaction always fits), and as much again for the records that
 * follow it, so that a compaction, a copy of every dirty block, comes
 * half as often as with room for the cache alone (docs/03-benchmarks.md
 * has what that saves the macro workload). */
#define WLOG_AREA  (2 * BCACHE_BYTES + BCACHE_MAX_BUFS * (uint32_t)sizeof(struct wlog_rec))
#define WLOG_BYTES (WLOG_HEAD + 2 * WLOG_AREA) /* the table's keep= for fs: 4116K */
struct wlog_head {
	uint32_t magic;        /* WLOG_MAGIC once a read-write mount set it up */
	uint32_t bsize;        /* of the file system */
	uint32_t disk_sectors; /* the disk the records belong to: its size and s_uuid */
	uint8_t uuid[16];
	uint32_t live;         /* the area appended to and replayed: 0 or 1 */
	uint32_t committed[2]; /* bytes of records of acknowledged requests: the commit point */
};

/* --- super.c ------------------------------------------------------------ */

enum fs_state { FS_UNMOUNTED, FS_REFUSED, FS_RO, FS_RW };

struct fs_info {
	enum fs_state state;
	uint32_t bs, bs_shift;    /* block size and its log2 */
	uint32_t ptrs, ptr_shift; /* block numbers per indirect block and log2 */
	uint32_t blocks, inodes, first_data_block;
	uint32_t bpg, ipg, ngroups;
	uint32_t isz, first_ino;
	uint32_t itable_blocks;            /* per group */
	uint32_t gdt_block;                /* first block of the descriptor table */
	uint32_t free_blocks, free_inodes; /* always the sums of the groups' counts */
	int filetype;                      /* directory entries carry a file type */
	int dir_index;                     /* hashed directories may exist */
	uint16_t mount_state;   /* s_state found at mount, | EXT2_ERROR_FS once one is met */
	uint8_t sb_clean;       /* the disk says EXT2_VALID_FS (after fs_unmount) */
	uint8_t errors_unsaved; /* EXT2_ERROR_FS is not on the disk yet */
	uint32_t disk_sectors;  /* the disk's size, as its driver said at mount */
	uint32_t disk_instance; /* the driver instance that said it (abi/fs.h, ATA_INFO) */
};
extern struct fs_info fs;

int fs_mount(void);    /* 0, or -EIO (fs.state says why) */
uint32_t fs_now(void); /* seconds for i_mtime: the RTC's Unix time, or an epoch plus uptime */
/* A group descriptor, pinned in its buffer; checked again at every use,
 * because a corrupt file could have overwritten it since the mount. */
struct ext2_group_desc *gd_get(uint32_t g, struct buf **bp);
int fs_sync(void); /* superblock counts, then every dirty block; the volume stays not clean */
/* fs_sync, then the volume marked clean on the disk, as at an unmount;
 * it stays usable, and fs_changing() marks it not clean again. */
int fs_unmount(void);
int fs_changing(void);     /* before a request that may change the volume */
void fs_save_errors(void); /* after a request: EXT2_ERROR_FS to the disk if just set */
/* Logs and marks the volume as having errors; the caller returns -EIO. */
void fs_corrupt(const char *what, uint32_t n);
int fs_block_ok(uint32_t blk); /* inside the data area */

/* --- alloc.c ------------------------------------------------------------ */

int balloc(uint32_t goal, uint32_t *blk); /* -ENOSPC, -EIO */
int bfree(uint32_t blk);
int ialloc_bit(uint32_t near_group, int is_dir, uint32_t *ino);
int ifree_bit(uint32_t ino, int is_dir);

/* --- inode.c ------------------------------------------------------------ */

#define NINODE 96 /* open handles (64) hold one each, operations a few */

struct inode {
	uint32_t ino;
	uint16_t ref;
	uint8_t valid;
	uint32_t goal; /* where the next data block should go (contiguity) */
	struct ext2_inode d;
};

void icache_init(void);
int iget(uint32_t ino, struct inode **ip); /* -EIO: a bad number or a free inode */
void iput(struct inode *ip);               /* the last put of an unlinked inode frees it */
int iupdate(struct inode *ip);             /* writes d back into the inode table */
void idup(struct inode *ip);
uint32_t icache_refs(void); /* references held: one per open handle between requests */
int inode_new(struct inode *dir, uint16_t mode, struct inode **ip);
void inode_touch(struct inode *ip);            /* mtime = ctime = now */
int inode_has_blocks(const struct inode *ip);  /* i_block holds block numbers */
uint32_t inode_size(const struct inode *ip);   /* the low 32 bits: all an open file has */
uint64_t inode_size64(const struct inode *ip); /* with a regular file's i_size_high */

static inline int is_dir(const struct inode *ip)
{
	return (ip->d.i_mode & S_IFMT) == S_IFDIR;
}
static inline int is_reg(const struct inode *ip)
{
	return (ip->d.i_mode & S_IFMT) == S_IFREG;
}

/* --- bmap.c ------------------------------------------------------------- */

#define FS_MAX_FILE 0x7FFFFFFFu /* sizes and offsets are int32 in the ABI */

/* The disk block of file block lblk: 0 for a hole (alloc == 0), or a new
 * zeroed block (alloc != 0). -EIO: a pointer outside the fs; -EFBIG. */
int bmap(struct inode *ip, uint32_t lblk, int alloc, uint32_t *pblk);
/* As bmap without allocating, for the blocks from lblk on: how many (1 to
 * max) lie side by side on the disk from *pblk, as far as one indirect
 * block (or the inode's direct slots) says. A hole: *pblk 0, and 1. */
int bmap_run(struct inode *ip, uint32_t lblk, uint32_t max, uint32_t *pblk);
int itruncate(struct inode *ip, uint32_t size); /* frees blocks past size */

/* --- file.c ------------------------------------------------------------- */

/* Copies between a file and the grant of m, at grant offset 0. ra: the
 * read continues a sequential stream, so read ahead. */
int file_read(struct inode *ip, uint32_t off, uint32_t len, const struct msg *m, int ra);
int file_write(struct inode *ip, uint32_t off, uint32_t len, const struct msg *m);

/* --- dir.c -------------------------------------------------------------- */

struct dir_slot {                 /* where an entry lives, for changing or removing it */
	uint32_t lblk, off, prev; /* prev: offset of the entry before, or off if first */
	uint32_t ino;
};

int dir_lookup(struct inode *dp, const char *name, uint32_t len, uint32_t *ino,
	       struct dir_slot *slot);
int dir_add(struct inode *dp, const char *name, uint32_t len, uint32_t ino, uint16_t mode);
int dir_remove(struct inode *dp, const struct dir_slot *slot);
int dir_retarget(struct inode *dp, const struct dir_slot *slot, uint32_t ino, uint16_t mode);
int dir_is_empty(struct inode *dp);              /* 1, 0, or -EIO */
int dir_init(struct inode *dp, uint32_t parent); /* first block: "." and ".." */
/* Next used entry at or after *pos: 1 with ent filled, 0 at the end. */
int dir_next(struct inode *dp, uint32_t *pos, struct fs_dirent *ent, uint32_t *namelen);

/* --- namei.c ------------------------------------------------------------ */

struct path_last { /* the final component of a path */
	const char *name;
	uint32_t len; /* 0 for "/" */
	int slash;    /* followed by '/': must be a directory */
};

#define NAMEI_SLOTS 2 /* paths one request may carry (rename's two): see namei.c */

int path_check(const char *p, uint32_t max);             /* NUL within max, absolute, names short */
int namei(const char *path, struct inode **ip);          /* a final link is followed */
int namei_nofollow(const char *path, struct inode **ip); /* a final link is the inode */
/* The directory that holds path's last component, and its name (which
 * may lie in the slot's buffer until that slot's next lookup). */
int namei_parent(const char *path, int slot, struct inode **dp, struct path_last *last);
/* The same (slot 0), and the last component's inode, or *ip NULL if the
 * directory has no such name; follow: a final link is followed. */
int namei_last(const char *path, int follow, struct inode **dp, struct path_last *last,
	       struct inode **ip);
int name_is_dot(const struct path_last *l); /* "." or ".." */
/* A symbolic link's target, NUL-terminated, in buf: its length or -errno. */
int symlink_read(struct inode *ip, char *buf, uint32_t size);

/* --- ops.c -------------------------------------------------------------- */

int op_open(const char *path, uint32_t flags, struct inode **ip);
int op_mkdir(const char *path);
int op_rmdir(const char *path);
int op_unlink(const char *path);
int op_rename(const char *from, const char *to);
int op_link(const char *from, const char *to);
int op_symlink(const char *target, const char *path);

#endif
