/* Path names. Every path is absolute (libc resolves the working directory)
 * and walked from the root, one directory lookup per component. "." stays
 * put; ".." is an ordinary entry of every directory (the root's names the
 * root itself), so it needs no special case.
 *
 * Symbolic links are followed as Linux's path walk does: a link met on the
 * way is replaced by its target and the rest of the path, read again from
 * the root if the target is absolute, else from the directory holding the
 * link. A link as the last component is followed only when the caller asks
 * (open, stat) or a '/' follows it (POSIX reads "link/" as "link/."); the
 * calls that act on a name itself (unlink, rename, lstat, readlink, link's
 * existing name) see the link. At most SYMLOOP_MAX links are followed per
 * lookup, so a loop ends in -ELOOP; every path, expanded or not, has at
 * most FS_PATH_MAX bytes, so a walk takes a bounded number of steps
 * whatever the disk says. */
#include "fs.h"

#define SYMLOOP_MAX 8 /* POSIX's _POSIX_SYMLOOP_MAX: a chain of 8 resolves */

/* A path with its links expanded, one per path a request carries (rename
 * has two): a path_last may point into it until the next lookup of that
 * slot. Static: the stack is small in mono. */
static char expanded[NAMEI_SLOTS][FS_PATH_MAX];
static char target[FS_PATH_MAX];

int path_check(const char *p, uint32_t max)
{
	uint32_t n = strnlen(p, max);
	if (n == max)
		return max >= FS_PATH_MAX ? -ENAMETOOLONG : -EINVAL;
	if (n >= FS_PATH_MAX)
		return -ENAMETOOLONG;
	if (p[0] != '/')
		return -EINVAL;
	for (uint32_t i = 0, len = 0; i <= n; i++) {
		if (p[i] == '/' || !p[i])
			len = 0;
		else if (++len > FS_NAME_MAX)
			return -ENAMETOOLONG;
	}
	return 0;
}

static int is_link(const struct inode *ip)
{
	return (ip->d.i_mode & S_IFMT) == S_IFLNK;
}

int symlink_read(struct inode *ip, char *buf, uint32_t size)
{
	uint32_t len = inode_size(ip);
	if (len >= size)
		return -ENAMETOOLONG;
	if (!inode_has_blocks(ip)) {
		/* A fast link: the target is in i_block itself, with room for
		 * its NUL (Linux's ext2_symlink makes one when it fits). */
		if (len >= sizeof(ip->d.i_block)) {
			fs_corrupt("fast symbolic link size of inode", ip->ino);
			return -EIO;
		}
		memcpy(buf, ip->d.i_block, len);
	} else if (len) {
		/* A slow one: the target is in the first data block. */
		uint32_t p;
		struct buf *b;
		int r;
		if (len >= fs.bs || (r = bmap(ip, 0, 0, &p)) < 0 || !p) {
			fs_corrupt("symbolic link of inode", ip->ino);
			return -EIO;
		}
		if (!(b = bread(p)))
			return -EIO;
		memcpy(buf, b->data, len);
		brelse(b);
	}
	buf[len] = 0;
	if (strlen(buf) != len) { /* a NUL inside: not a path */
		fs_corrupt("symbolic link target of inode", ip->ino);
		return -EIO;
	}
	return (int)len;
}

/* Puts link's target in front of rest (which may lie in buf itself),
 * with a '/' between them if rest is not empty or slash is set. */
static int expand(struct inode *link, char *buf, const char *rest, int slash)
{
	int tl = symlink_read(link, target, sizeof(target));
	if (tl <= 0)
		return tl ? tl : -ENOENT; /* an empty target names nothing */
	uint32_t rl = strlen(rest), sep = rl || slash;
	if ((uint32_t)tl + sep + rl >= FS_PATH_MAX)
		return -ENAMETOOLONG;
	memmove(buf + tl + sep, rest, rl + 1);
	memcpy(buf, target, (uint32_t)tl);
	if (sep)
		buf[tl] = '/';
	return 0;
}

/* Walks path to its last component. Returns 0 with *dp, referenced, the
 * directory that holds the last component and *last its name (length 0
 * for "/"), which may lie in expanded[slot]. With ip, the last component is
 * looked up too, and followed if it is a link and follow is set: *ip is
 * then its inode, referenced ("." and "/" give *dp again), or NULL if the
 * directory has no such entry, so that the caller may create it. */
static int resolve(const char *path, int slot, int follow, struct inode **dp,
		   struct path_last *last, struct inode **ip)
{
	struct inode *cur, *next;
	uint32_t links = 0, ino;
	const char *p = path;
	int r = iget(EXT2_ROOT_INO, &cur);
	if (r < 0)
		return r;
	for (;;) {
		while (*p == '/')
			p++;
		const char *q = p, *rest;
		while (*q && *q != '/')
			q++;
		for (rest = q; *rest == '/'; rest++)
			;
		uint32_t len = (uint32_t)(q - p);
		int final = !*rest;
		if (!is_dir(cur)) {
			r = -ENOTDIR;
			break;
		}
		if (len == 1 && *p == '.' && !final) {
			p = rest;
			continue;
		}
		if (final) {
			*last = (struct path_last){p, len, len && q != rest};
			if (!ip || !len || (len == 1 && *p == '.')) {
				if (ip) {
					idup(cur);
					*ip = cur;
				}
				*dp = cur;
				return 0;
			}
		}
		r = dir_lookup(cur, p, len, &ino, NULL);
		if (r == -ENOENT && final) {
			*ip = NULL;
			*dp = cur;
			return 0;
		}
		if (r < 0 || (r = iget(ino, &next)) < 0)
			break;
		if (!is_link(next) || (final && !follow && !last->slash)) {
			if (final) {
				*ip = next;
				*dp = cur;
				return 0;
			}
			iput(cur);
			cur = next;
			p = rest;
			continue;
		}
		r = ++links > SYMLOOP_MAX
			    ? -ELOOP
			    : expand(next, expanded[slot], rest, final && last->slash);
		iput(next);
		if (r < 0)
			break;
		p = expanded[slot];
		if (*p == '/') { /* an absolute target: from the root again */
			iput(cur);
			if ((r = iget(EXT2_ROOT_INO, &cur)) < 0)
				return r;
		}
	}
	iput(cur);
	return r;
}

int namei_parent(const char *path, int slot, struct inode **dp, struct path_last *last)
{
	return resolve(path, slot, 0, dp, last, NULL);
}

int namei_last(const char *path, int follow, struct inode **dp, struct path_last *last,
	       struct inode **ip)
{
	return resolve(path, 0, follow, dp, last, ip);
}

int name_is_dot(const struct path_last *l)
{
	return (l->len == 1 && l->name[0] == '.') ||
	       (l->len == 2 && l->name[0] == '.' && l->name[1] == '.');
}

static int lookup(const char *path, int follow, struct inode **ip)
{
	struct inode *dp;
	struct path_last last;
	int r = namei_last(path, follow, &dp, &last, ip);
	if (r < 0)
		return r;
	iput(dp);
	if (!*ip)
		return -ENOENT;
	if (last.slash && !is_dir(*ip)) {
		iput(*ip);
		return -ENOTDIR;
	}
	return 0;
}

int namei(const char *path, struct inode **ip)
{
	return lookup(path, 1, ip);
}

int namei_nofollow(const char *path, struct inode **ip)
{
	return lookup(path, 0, ip);
}
