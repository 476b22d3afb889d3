/* The file service (SVC_FS): the component's manifest and its handler,
 * answering the protocol of abi/fs.h over the ext2 code of this folder.
 *
 * Open files are handles in a table of NHANDLE; each belongs to the
 * process that opened it (the request's sender) and names nothing for any
 * other. A handle's number carries this instance's epoch above the slot:
 * after the service is restarted (micro), a number handed out by the old
 * instance is -EBADF, not silently some new file that took its slot. A process that dies without closing leaves its handles behind;
 * when the table is full, those of dead owners are reclaimed before the
 * answer is -EMFILE.
 *
 * Paths and data come in grants, copied in and out with grant_read and
 * grant_write; no pointer from a message is ever dereferenced.
 *
 * The cache is written back on FS_SYNC, when buffers are reused, and at
 * most SYNC_MS after a change otherwise (checked when requests arrive;
 * the fs sets no timer). Before each reply the request's changes go into
 * the write log (wlog.c), which a restarted instance replays. The volume is marked not clean on
 * the disk from the mount on; FS_UNMOUNT (poweroff's last request) marks it
 * clean, until the next request that may change it (super.c explains). */
#include "fs.h"

#define NHANDLE 64
#define SYNC_MS 5000

struct handle {
	struct inode *ip; /* NULL: free */
	uint32_t owner;   /* pid */
	uint32_t flags;   /* O_ACCMODE and O_APPEND */
	uint32_t pos;
	uint32_t ra_next; /* where a sequential read would continue */
};

static struct handle handles[NHANDLE];
static uint32_t epoch; /* this instance's, set at init; never 0 */

#define HANDLE_SLOT_BITS 8
static char pathbuf[2 * FS_PATH_MAX + 1]; /* "old\0new\0" for rename and link */
static uint32_t last_sync;

static void close_handle(struct handle *h)
{
	iput(h->ip);
	h->ip = NULL;
}

/* Closes what dead processes left open, so that a file they unlinked
 * while it was open is freed now, not when the table next fills (found by
 * sysfuzz: at poweroff such files were still allocated with no name, and
 * e2fsck wanted to free them). Each liveness check is a call to the
 * kernel, so this runs at a sync, not at every request. */
static void reap_dead_handles(void)
{
	for (int i = 0; i < NHANDLE; i++)
		if (handles[i].ip && !comp_pid_alive(handles[i].owner))
			close_handle(&handles[i]);
}

static int new_handle(uint32_t owner, struct inode *ip, uint32_t flags)
{
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < NHANDLE; i++) {
			struct handle *h = &handles[i];
			if (!h->ip) {
				*h = (struct handle){ip, owner, flags & (O_ACCMODE | O_APPEND), 0,
						     0};
				return (int)(epoch << HANDLE_SLOT_BITS) | i;
			}
		}
		reap_dead_handles(); /* full: take back what dead processes left open */
	}
	return -EMFILE;
}

static struct handle *get_handle(const struct msg *m)
{
	uint32_t i = m->w[0] & ((1u << HANDLE_SLOT_BITS) - 1);
	if (m->w[0] >> HANDLE_SLOT_BITS != epoch || i >= NHANDLE || !handles[i].ip ||
	    handles[i].owner != m->sender)
		return NULL;
	return &handles[i];
}

/* A symbolic link's target, as FS_SYMLINK sends it first: any bytes but
 * NUL, at least one, shorter than FS_PATH_MAX; relative ones stay so. */
static int target_check(const char *p, uint32_t max)
{
	uint32_t n = strnlen(p, max);
	if (n == max)
		return max >= FS_PATH_MAX ? -ENAMETOOLONG : -EINVAL;
	return n ? 0 : -ENOENT; /* as Linux's symlink(2) for "" */
}

/* Copies the grant's path(s) into pathbuf and checks them. npaths 2: two
 * strings one after the other, as FS_RENAME, FS_LINK and FS_SYMLINK send
 * (the first a link's target for FS_SYMLINK). *second points to the
 * second. */
static int get_paths(const struct msg *m, int npaths, const char **second)
{
	uint32_t max = (uint32_t)npaths * FS_PATH_MAX, len = m->grant.len;
	if (len > max)
		len = max;
	if (!len)
		return -EINVAL;
	int r = grant_read(m, 0, pathbuf, len);
	if (r < 0)
		return r;
	pathbuf[len] = 0;
	uint32_t lim = m->grant.len < FS_PATH_MAX ? m->grant.len : FS_PATH_MAX;
	r = m->type == FS_SYMLINK ? target_check(pathbuf, lim) : path_check(pathbuf, lim);
	if (r < 0 || npaths == 1)
		return r;
	uint32_t first = strlen(pathbuf) + 1;
	if (first >= len)
		return -EINVAL;
	lim = m->grant.len - first < FS_PATH_MAX ? m->grant.len - first : FS_PATH_MAX;
	*second = pathbuf + first;
	return path_check(pathbuf + first, lim);
}

static void put_stat(struct msg *m, const struct inode *ip)
{
	struct fs_stat st = {.ino = ip->ino,
			     .mode = ip->d.i_mode,
			     .nlink = ip->d.i_links_count,
			     .blocks512 = ip->d.i_blocks,
			     .size = inode_size64(ip),
			     .mtime = ip->d.i_mtime,
			     .uid = ip->d.i_uid,
			     .gid = ip->d.i_gid};
	_Static_assert(sizeof(st) <= sizeof(m->w), "fs_stat fits in a reply");
	memcpy(m->w, &st, sizeof(st));
}

static int do_open(struct msg *m)
{
	struct inode *ip;
	uint32_t flags = m->w[0];
	int r = get_paths(m, 1, NULL);
	if (r < 0 || (r = op_open(pathbuf, flags, &ip)) < 0)
		return r;
	if ((r = new_handle(m->sender, ip, flags)) < 0)
		iput(ip);
	return r;
}

static int do_read(struct msg *m, struct handle *h)
{
	if (is_dir(h->ip))
		return -EISDIR;
	if ((h->flags & O_ACCMODE) == O_WRONLY)
		return -EBADF;
	int r = file_read(h->ip, h->pos, m->grant.len, m, h->pos == h->ra_next);
	if (r > 0)
		h->ra_next = h->pos += (uint32_t)r;
	return r;
}

static int do_write(struct msg *m, struct handle *h)
{
	if ((h->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	/* op_open let no write handle open an immutable file, nor one
	 * without O_APPEND an append-only one; kept so here too. */
	if (h->ip->d.i_flags & EXT2_IMMUTABLE_FL)
		return -EPERM;
	if (h->flags & O_APPEND || h->ip->d.i_flags & EXT2_APPEND_FL)
		h->pos = inode_size(h->ip);
	int r = file_write(h->ip, h->pos, m->grant.len, m);
	if (r > 0)
		h->pos += (uint32_t)r;
	return r;
}

static int do_seek(struct msg *m, struct handle *h)
{
	int64_t base, off = (int32_t)m->w[1];
	switch (m->w[2]) {
	case SEEK_SET:
		base = 0;
		break;
	case SEEK_CUR:
		base = h->pos;
		break;
	case SEEK_END:
		base = inode_size(h->ip);
		break;
	default:
		return -EINVAL;
	}
	int64_t pos = base + off;
	if (pos < 0 || pos > (int64_t)FS_MAX_FILE)
		return -EINVAL;
	/* A directory's position is an entry's offset: only rewinding and
	 * asking where one is make sense. */
	if (is_dir(h->ip) && pos && pos != h->pos)
		return -EINVAL;
	h->pos = (uint32_t)pos;
	return (int)h->pos;
}

static int do_readdir(struct msg *m, struct handle *h)
{
	static struct fs_dirent ent;
	uint32_t pos = h->pos, namelen;
	if (!is_dir(h->ip))
		return -ENOTDIR;
	int r = dir_next(h->ip, &pos, &ent, &namelen);
	if (r <= 0)
		return r;
	uint32_t len = (uint32_t)offsetof(struct fs_dirent, name) + namelen + 1;
	if (m->grant.len < len)
		return -EINVAL; /* too small for this name: the position stays */
	if ((r = grant_write(m, 0, &ent, len)) < 0)
		return r;
	h->pos = pos;
	return 1;
}

static int do_truncate(struct msg *m, struct handle *h)
{
	uint32_t len = m->w[1];
	if (is_dir(h->ip))
		return -EISDIR;
	if ((h->flags & O_ACCMODE) == O_RDONLY)
		return -EBADF;
	if (h->ip->d.i_flags & (EXT2_IMMUTABLE_FL | EXT2_APPEND_FL))
		return -EPERM; /* as Linux's do_sys_ftruncate */
	if (len > FS_MAX_FILE)
		return -EFBIG;
	int r = 0;
	if (len < inode_size(h->ip))
		r = itruncate(h->ip, len);
	else
		h->ip->d.i_size = len; /* growing leaves a hole that reads as zeros */
	inode_touch(h->ip);
	iupdate(h->ip);
	return r;
}

/* Whether a live process holds a file that has no name any more: its
 * blocks are freed at its last close, so until then the volume cannot be
 * called clean. */
static int nameless_open(void)
{
	for (int i = 0; i < NHANDLE; i++)
		if (handles[i].ip && !handles[i].ip->d.i_links_count)
			return 1;
	return 0;
}

static int do_sync(void)
{
	last_sync = comp_uptime_ms();
	reap_dead_handles();
	return fs_sync();
}

/* The unmount of poweroff: written back and marked clean, unless a live
 * process still holds a nameless file (-EBUSY: written back but not
 * clean, so that the next e2fsck frees the file). */
static int do_unmount(void)
{
	last_sync = comp_uptime_ms();
	reap_dead_handles();
	if (fs.state == FS_RW && nameless_open()) {
		int r = fs_sync();
		return r < 0 ? r : -EBUSY;
	}
	return fs_unmount();
}

/* Whether a request may change the volume, and so must first mark it not
 * clean if an FS_UNMOUNT marked it clean. FS_OPEN may create, truncate or
 * free what a dead process left open; FS_CLOSE may free an unlinked file;
 * an unknown type is taken to change something. */
static int may_change(int type)
{
	switch (type) {
	case FS_READ:
	case FS_SEEK:
	case FS_STAT:
	case FS_FSTAT:
	case FS_LSTAT:
	case FS_READLINK:
	case FS_READDIR:
	case FS_STATFS:
	case FS_SYNC:
	case FS_UNMOUNT:
		return 0;
	}
	return 1;
}

/* FS_READLINK: the grant holds the path and then gets the target. */
static int do_readlink(struct msg *m)
{
	static char link[FS_PATH_MAX];
	struct inode *ip;
	int r = get_paths(m, 1, NULL);
	if (r < 0 || (r = namei_nofollow(pathbuf, &ip)) < 0)
		return r;
	r = (ip->d.i_mode & S_IFMT) == S_IFLNK ? symlink_read(ip, link, sizeof(link)) : -EINVAL;
	iput(ip);
	if (r < 0)
		return r;
	uint32_t n = (uint32_t)r < m->grant.len ? (uint32_t)r : m->grant.len;
	return (r = grant_write(m, 0, link, n)) < 0 ? r : (int)n;
}

static int do_stat(struct msg *m, int follow)
{
	struct inode *ip;
	int r = get_paths(m, 1, NULL);
	if (r < 0 || (r = follow ? namei(pathbuf, &ip) : namei_nofollow(pathbuf, &ip)) < 0)
		return r;
	put_stat(m, ip);
	iput(ip);
	return 0;
}

static int do_path_op(struct msg *m)
{
	const char *to = NULL;
	int two = m->type == FS_RENAME || m->type == FS_LINK || m->type == FS_SYMLINK;
	int r = get_paths(m, two ? 2 : 1, &to);
	if (r < 0)
		return r;
	switch (m->type) {
	case FS_MKDIR:
		return op_mkdir(pathbuf);
	case FS_RMDIR:
		return op_rmdir(pathbuf);
	case FS_UNLINK:
		return op_unlink(pathbuf);
	case FS_RENAME:
		return op_rename(pathbuf, to);
	case FS_SYMLINK:
		return op_symlink(pathbuf, to);
	default:
		return op_link(pathbuf, to);
	}
}

static int dispatch(struct msg *m)
{
	struct handle *h = NULL;
	switch (m->type) {
	case FS_CLOSE:
	case FS_READ:
	case FS_WRITE:
	case FS_SEEK:
	case FS_FSTAT:
	case FS_READDIR:
	case FS_TRUNCATE:
		if (!(h = get_handle(m)))
			return -EBADF;
	}
	switch (m->type) {
	case FS_OPEN:
		return do_open(m);
	case FS_CLOSE:
		close_handle(h);
		return 0;
	case FS_READ:
		return do_read(m, h);
	case FS_WRITE:
		return do_write(m, h);
	case FS_SEEK:
		return do_seek(m, h);
	case FS_READDIR:
		return do_readdir(m, h);
	case FS_TRUNCATE:
		return do_truncate(m, h);
	case FS_SYNC:
		return do_sync();
	case FS_UNMOUNT:
		return do_unmount();
	case FS_FSTAT:
		put_stat(m, h->ip);
		return 0;
	case FS_STAT:
		return do_stat(m, 1);
	case FS_LSTAT:
		return do_stat(m, 0);
	case FS_READLINK:
		return do_readlink(m);
	case FS_STATFS: {
		struct fs_statfs st = {fs.bs, fs.blocks, fs.free_blocks, fs.inodes, fs.free_inodes};
		memcpy(m->w, &st, sizeof(st));
		return 0;
	}
	case FS_MKDIR:
	case FS_RMDIR:
	case FS_UNLINK:
	case FS_RENAME:
	case FS_LINK:
	case FS_SYMLINK:
		return do_path_op(m);
	}
	return -ENOSYS;
}

static void fs_handle(struct msg *m)
{
	/* Not mounted because the disk was not there yet: try again. */
	if (fs.state == FS_UNMOUNTED)
		fs_mount();
	/* Why the disk was refused went to the log once, at the mount;
	 * every request says only that there is no file system, which is
	 * true, rather than -EIO, which would blame this request. */
	if (fs.state != FS_RW && fs.state != FS_RO) {
		m->type = -ENODEV;
		return;
	}
	int r = may_change(m->type) ? fs_changing() : 0;
	m->type = r < 0 ? r : dispatch(m);
	fs_save_errors();
	/* Before the reply: what the request changed goes into the write log
	 * (wlog.c), or, if the log cannot hold it, to the disk, so that a
	 * restart of this server loses nothing it acknowledged. */
	if (wlog_commit() < 0 && (r = do_sync()) < 0 && m->type >= 0)
		m->type = r;
	else if (bcache_ndirty() && comp_uptime_ms() - last_sync >= SYNC_MS)
		do_sync();
}

/* Also called again by the host tests to mount a new image: it forgets
 * everything, the open handles included. */
static int fs_init(void)
{
	memset(handles, 0, sizeof(handles));
	last_sync = comp_uptime_ms();
	/* The start time in ms, modulo 2^15: two instances share an epoch
	 * only if they started a multiple of 32.768 s apart, and a handle
	 * stays a positive int. */
	epoch = (last_sync & 0x7FFF) + 1;
	wlog_recover(); /* what the last instance acknowledged, to the disk first */
	fs_mount();
	return 0; /* never fail: a failed init leaves the service down; requests
		   * answer -ENODEV instead, and mount again if the disk comes */
}

static const struct component fs_component = {
	.name = "fs",
	.serves = {{SVC_FS, fs_handle}},
	.init = fs_init,
	.calls = SVC_BIT(SVC_ATA) | SVC_BIT(SVC_RTC),
};
COMPONENT(fs_component);
