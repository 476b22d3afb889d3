/* The operations on names: open (and create), mkdir, rmdir, unlink,
 * rename and link. Each takes what it needs first and undoes it if a later
 * step fails (a full disk while adding the directory entry frees the inode
 * just taken), so the bitmaps, counts and links stay consistent whatever
 * the outcome.
 *
 * Link counts ("i_links_count"): a file has one per name; a directory has
 * its name in the parent, its own "." and one ".." per subdirectory. */
#include "fs.h"

#define FILE_MODE (S_IFREG | 0644) /* the ABI has no mode argument */
#define DIR_MODE  (S_IFDIR | 0755)
#define LINK_MODE (S_IFLNK | 0777) /* as Linux makes them: a link's mode is not used */

static int rw(void)
{
	return fs.state == FS_RW ? 0 : -EROFS;
}

/* The immutable and append-only flags, as Linux's VFS applies the ones
 * ext2 keeps in i_flags (may_create, may_delete, may_open, vfs_link):
 * -EPERM, since no permission would allow it. A name may be added to a
 * directory unless it is immutable; removed (unlink, rmdir, rename away
 * or over) unless the directory or the inode is immutable or append-only. */
#define NO_REMOVE (EXT2_IMMUTABLE_FL | EXT2_APPEND_FL)

static int may_create(const struct inode *dp)
{
	return dp->d.i_flags & EXT2_IMMUTABLE_FL ? -EPERM : 0;
}

static int cannot_delete(const struct inode *dp, const struct inode *ip)
{
	return !!((dp->d.i_flags | ip->d.i_flags) & NO_REMOVE);
}

/* Opening ip with flags: an immutable file cannot be written or
 * truncated; an append-only one written only with O_APPEND, never
 * truncated. */
static int may_open(const struct inode *ip, uint32_t flags)
{
	int writing = (flags & O_ACCMODE) != O_RDONLY;
	if (ip->d.i_flags & EXT2_IMMUTABLE_FL && (writing || (flags & O_TRUNC)))
		return -EPERM;
	if (ip->d.i_flags & EXT2_APPEND_FL &&
	    ((writing && !(flags & O_APPEND)) || (flags & O_TRUNC)))
		return -EPERM;
	return 0;
}

/* The last component's entry in dp: its inode, referenced. */
static int lookup_last(struct inode *dp, const struct path_last *l, struct inode **ip,
		       struct dir_slot *slot)
{
	uint32_t ino;
	int r = dir_lookup(dp, l->name, l->len, &ino, slot);
	return r < 0 ? r : iget(ino, ip);
}

/* 0 if dp has no entry named l, so one may be added; -EEXIST if it has
 * (".", ".." and "/" always exist), or the lookup's error. */
static int name_free(struct inode *dp, const struct path_last *l)
{
	uint32_t ino;
	if (!l->len || name_is_dot(l))
		return -EEXIST;
	int r = dir_lookup(dp, l->name, l->len, &ino, NULL);
	return r == 0 ? -EEXIST : r == -ENOENT ? 0 : r;
}

static int create_file(struct inode *dp, const struct path_last *l, struct inode **out)
{
	struct inode *ip;
	int r = inode_new(dp, FILE_MODE, &ip);
	if (r < 0)
		return r;
	if ((r = dir_add(dp, l->name, l->len, ip->ino, FILE_MODE)) < 0) {
		ip->d.i_links_count = 0; /* iput frees it */
		iput(ip);
		return r;
	}
	*out = ip;
	return 0;
}

int op_open(const char *path, uint32_t flags, struct inode **out)
{
	uint32_t acc = flags & O_ACCMODE;
	int writing = acc != O_RDONLY, r;
	int excl = (flags & (O_CREAT | O_EXCL)) == (O_CREAT | O_EXCL);
	struct inode *dp, *ip = NULL;
	struct path_last l;
	if (acc == O_ACCMODE)
		return -EINVAL;
	if ((writing || (flags & (O_CREAT | O_TRUNC))) && (r = rw()) < 0)
		return r;
	/* A final link is followed, so that O_CREAT through a dangling one
	 * makes its target, as on Linux; but not with O_EXCL, which POSIX
	 * says fails on any link. */
	if ((r = namei_last(path, !excl, &dp, &l, &ip)) < 0)
		return r;
	if (ip && excl)
		r = -EEXIST;
	else if (!ip && !(flags & O_CREAT))
		r = -ENOENT;
	else if (!ip && !(r = may_create(dp)))
		r = l.slash ? -EISDIR : create_file(dp, &l, &ip);
	iput(dp);
	if (r == 0) {
		uint16_t t = ip->d.i_mode & S_IFMT;
		if (t == S_IFDIR && (writing || (flags & (O_TRUNC | O_CREAT))))
			r = -EISDIR;
		else if (t != S_IFDIR && ((flags & O_DIRECTORY) || l.slash))
			r = -ENOTDIR;
		else if (t != S_IFDIR && t != S_IFREG)
			r = -EINVAL; /* no device files here */
		else if (t == S_IFREG && inode_size64(ip) > FS_MAX_FILE)
			r = -EFBIG; /* offsets are int32: not all of it could be reached */
		else
			r = may_open(ip, flags);
	}
	if (r == 0 && (flags & O_TRUNC) && writing && ip->d.i_size) {
		r = itruncate(ip, 0);
		inode_touch(ip);
		iupdate(ip);
	}
	if (r < 0) {
		iput(ip);
		return r;
	}
	*out = ip;
	return 0;
}

int op_mkdir(const char *path)
{
	struct inode *dp, *ip;
	struct path_last l;
	int r = rw();
	if (r < 0 || (r = namei_parent(path, 0, &dp, &l)) < 0)
		return r;
	if ((r = name_free(dp, &l)) == 0 && (r = may_create(dp)) == 0 &&
	    dp->d.i_links_count >= EXT2_LINK_MAX)
		r = -EMLINK;
	if (r == 0 && (r = inode_new(dp, DIR_MODE, &ip)) == 0) {
		ip->d.i_links_count = 2; /* its name and its "." */
		if ((r = dir_init(ip, dp->ino)) == 0 && (r = iupdate(ip)) == 0)
			r = dir_add(dp, l.name, l.len, ip->ino, DIR_MODE);
		if (r == 0) {
			dp->d.i_links_count++; /* the new ".." */
			iupdate(dp);
		} else {
			ip->d.i_links_count = 0;
		}
		iput(ip);
	}
	iput(dp);
	return r;
}

/* rmdir (dir 1) and unlink (dir 0): the same steps, from checking the
 * name to dropping the inode's link, with their own error codes. The name
 * goes from its parent; a file loses that link, a directory all of them
 * (its "." goes with it) and the parent the link of its "..". */
static int remove_name(const char *path, int dir)
{
	struct inode *dp, *ip;
	struct path_last l;
	struct dir_slot slot;
	int r = rw();
	if (r < 0 || (r = namei_parent(path, 0, &dp, &l)) < 0)
		return r;
	if (!dir && (!l.len || name_is_dot(&l)))
		r = -EISDIR;
	else if (!l.len)
		r = -EBUSY; /* the root */
	else if (l.len == 1 && l.name[0] == '.')
		r = -EINVAL;
	else if (name_is_dot(&l))
		r = -ENOTEMPTY;
	else if ((r = lookup_last(dp, &l, &ip, &slot)) == 0) {
		if (cannot_delete(dp, ip))
			r = -EPERM;
		else if (is_dir(ip) != dir)
			r = dir ? -ENOTDIR : -EISDIR;
		else if (!dir && l.slash)
			r = -ENOTDIR;
		else if (dir && (r = dir_is_empty(ip)) <= 0)
			r = r < 0 ? r : -ENOTEMPTY;
		else
			r = dir_remove(dp, &slot);
		if (r == 0) {
			if (dir)
				ip->d.i_links_count = 0; /* freed when the last handle closes */
			else
				ip->d.i_links_count--;
			ip->d.i_ctime = fs_now();
			iupdate(ip);
		}
		if (r == 0 && dir) {
			if (dp->d.i_links_count > 2)
				dp->d.i_links_count--;
			iupdate(dp);
		}
		iput(ip);
	}
	iput(dp);
	return r;
}

int op_rmdir(const char *path)
{
	return remove_name(path, 1);
}

int op_unlink(const char *path)
{
	return remove_name(path, 0);
}

int op_link(const char *from, const char *to)
{
	struct inode *ip, *dp;
	struct path_last l;
	int r = rw();
	/* As Linux's link(2): a link named last is linked, not its target. */
	if (r < 0 || (r = namei_nofollow(from, &ip)) < 0)
		return r;
	if (is_dir(ip))
		r = -EPERM; /* no hard links to directories: they would make loops */
	else if (ip->d.i_flags & NO_REMOVE)
		r = -EPERM; /* as Linux's vfs_link: a new name is a change too */
	else if (ip->d.i_links_count >= EXT2_LINK_MAX)
		r = -EMLINK;
	else if ((r = namei_parent(to, 1, &dp, &l)) == 0) {
		if ((r = name_free(dp, &l)) == 0 && (r = may_create(dp)) == 0)
			r = l.slash ? -ENOENT : dir_add(dp, l.name, l.len, ip->ino, ip->d.i_mode);
		if (r == 0) {
			ip->d.i_links_count++;
			ip->d.i_ctime = fs_now();
			iupdate(ip);
		}
		iput(dp);
	}
	iput(ip);
	return r;
}

/* A symbolic link at path holding target, as Linux's ext2_symlink makes
 * one: a fast link (the target in i_block, no block) if the target and its
 * NUL fit the 60 bytes there, else a slow one (the target in one data
 * block, which bget_zero leaves NUL-padded, as e2fsck checks). */
int op_symlink(const char *target, const char *path)
{
	struct inode *dp, *ip;
	struct path_last l;
	uint32_t len = strlen(target), p;
	int r = rw();
	if (r < 0 || (r = namei_parent(path, 0, &dp, &l)) < 0)
		return r;
	if ((r = name_free(dp, &l)) == 0 && (r = may_create(dp)) == 0 && l.slash)
		r = -ENOENT;
	if (r == 0 && len >= fs.bs)
		r = -ENAMETOOLONG;
	if (r == 0 && (r = inode_new(dp, LINK_MODE, &ip)) == 0) {
		if (len < sizeof(ip->d.i_block)) {
			memcpy(ip->d.i_block, target, len);
		} else if ((r = bmap(ip, 0, 1, &p)) == 0) {
			struct buf *b = bread(p);
			if (b) {
				memcpy(b->data, target, len);
				bdirty(b);
				brelse(b);
			} else {
				r = -EIO;
			}
		}
		ip->d.i_size = len;
		if (r == 0 && (r = iupdate(ip)) == 0)
			r = dir_add(dp, l.name, l.len, ip->ino, LINK_MODE);
		if (r < 0)
			ip->d.i_links_count = 0; /* iput frees it, and its block */
		iput(ip);
	}
	iput(dp);
	return r;
}

/* Whether directory ino is d or one of d's ancestors: moving ino under d
 * would cut it off from the root. The walk up ".." is bounded, so a
 * corrupt loop of ".." entries ends in -EIO. */
static int is_ancestor(uint32_t ino, struct inode *d)
{
	uint32_t cur = d->ino;
	for (uint32_t steps = 0; steps < fs.inodes; steps++) {
		if (cur == ino)
			return 1;
		if (cur == EXT2_ROOT_INO)
			return 0;
		struct inode *ip;
		uint32_t up;
		int r = iget(cur, &ip);
		if (r < 0)
			return r;
		r = is_dir(ip) ? dir_lookup(ip, "..", 2, &up, NULL) : -EIO;
		iput(ip);
		if (r < 0)
			return r == -ENOENT ? -EIO : r;
		cur = up;
	}
	fs_corrupt("loop of .. entries above directory", d->ino);
	return -EIO;
}

/* Renames src (named by sl in sdp) to dl in ddp; dst is what dl named. */
static int do_rename(struct inode *sdp, const struct path_last *sl, struct inode *src,
		     struct inode *ddp, const struct path_last *dl)
{
	struct dir_slot ds, ss;
	struct inode *dst = NULL;
	uint32_t ino;
	int r, sdir = is_dir(src);
	if (sdir && (r = is_ancestor(src->ino, ddp)) != 0)
		return r < 0 ? r : -EINVAL;
	r = dir_lookup(ddp, dl->name, dl->len, &ino, &ds);
	if (r == 0 && ino == src->ino)
		return 0; /* two names of one file: nothing to do (POSIX) */
	if (r != 0 && r != -ENOENT)
		return r;
	if (cannot_delete(sdp, src))
		return -EPERM; /* its old name would go */
	if (r == 0 && (r = iget(ino, &dst)) == 0) {
		if (cannot_delete(ddp, dst))
			r = -EPERM; /* the name it replaces would go */
		else if (sdir && !is_dir(dst))
			r = -ENOTDIR;
		else if (!sdir && is_dir(dst))
			r = -EISDIR;
		else if (sdir && (r = dir_is_empty(dst)) >= 0)
			r = r ? 0 : -ENOTEMPTY;
		if (r == 0)
			r = dir_retarget(ddp, &ds, src->ino, src->d.i_mode);
		if (r == 0) {
			if (sdir) { /* the replaced directory and its ".." go */
				dst->d.i_links_count = 0;
				if (ddp->d.i_links_count > 2)
					ddp->d.i_links_count--;
			} else {
				dst->d.i_links_count--;
			}
			dst->d.i_ctime = fs_now();
			iupdate(dst);
		}
	} else if (r == -ENOENT) {
		if ((r = may_create(ddp)) < 0)
			return r;
		if (sdir && sdp != ddp && ddp->d.i_links_count >= EXT2_LINK_MAX)
			r = -EMLINK;
		else
			r = dir_add(ddp, dl->name, dl->len, src->ino, src->d.i_mode);
	}
	/* The old name goes; looked up again, as adding may have split the
	 * entry before it. */
	if (r == 0 && (r = dir_lookup(sdp, sl->name, sl->len, &ino, &ss)) == 0)
		r = ino == src->ino ? dir_remove(sdp, &ss) : -EIO;
	if (r == 0 && sdir && sdp != ddp) {
		if ((r = dir_lookup(src, "..", 2, &ino, &ss)) == 0)
			r = dir_retarget(src, &ss, ddp->ino, S_IFDIR);
		if (sdp->d.i_links_count > 2)
			sdp->d.i_links_count--;
		ddp->d.i_links_count++;
	}
	if (r == 0) {
		src->d.i_ctime = fs_now();
		iupdate(src);
	}
	iupdate(sdp);
	iupdate(ddp);
	iput(dst);
	return r;
}

int op_rename(const char *from, const char *to)
{
	struct inode *sdp, *ddp, *src;
	struct path_last sl, dl;
	int r = rw();
	if (r < 0 || (r = namei_parent(from, 0, &sdp, &sl)) < 0)
		return r;
	if (!sl.len)
		r = -EBUSY;
	else if (name_is_dot(&sl))
		r = -EINVAL;
	else if ((r = lookup_last(sdp, &sl, &src, NULL)) == 0) {
		if (sl.slash && !is_dir(src))
			r = -ENOTDIR;
		else if ((r = namei_parent(to, 1, &ddp, &dl)) == 0) {
			if (!dl.len)
				r = -EBUSY;
			else if (name_is_dot(&dl))
				r = -EINVAL;
			else if (dl.slash && !is_dir(src))
				r = -ENOTDIR;
			else
				r = do_rename(sdp, &sl, src, ddp, &dl);
			iput(ddp);
		}
		iput(src);
	}
	iput(sdp);
	return r;
}
