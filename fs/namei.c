/* Path names. Every path is absolute (libc resolves the working directory)
 * and walked from the root, one directory lookup per component. "." stays
 * put; ".." is an ordinary entry of every directory (the root's names the
 * root itself), so it needs no special case. Symbolic links are not
 * followed. A path has at most FS_PATH_MAX bytes, so a walk has a bounded
 * number of steps whatever the disk says. */
#include "fs.h"

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

/* Walks from the root through the components in [p, end). */
static int walk(const char *p, const char *end, struct inode **out)
{
	struct inode *cur;
	int r = iget(EXT2_ROOT_INO, &cur);
	if (r < 0)
		return r;
	while (p < end) {
		if (*p == '/') {
			p++;
			continue;
		}
		const char *q = p;
		while (q < end && *q != '/')
			q++;
		uint32_t ino;
		if (!is_dir(cur)) {
			r = -ENOTDIR;
		} else if (q - p == 1 && *p == '.') {
			p = q;
			continue;
		} else if ((r = dir_lookup(cur, p, (uint32_t)(q - p), &ino, NULL)) == 0) {
			struct inode *next;
			r = iget(ino, &next);
			if (r == 0) {
				iput(cur);
				cur = next;
				p = q;
				continue;
			}
		}
		iput(cur);
		return r;
	}
	*out = cur;
	return 0;
}

int namei_parent(const char *path, struct inode **dp, struct path_last *last)
{
	const char *end = path + strlen(path), *t = end, *s;
	while (t > path && t[-1] == '/')
		t--;
	for (s = t; s > path && s[-1] != '/'; s--)
		;
	last->name = s;
	last->len = (uint32_t)(t - s);
	last->slash = last->len && t != end;
	int r = walk(path, s, dp);
	if (r == 0 && !is_dir(*dp)) {
		iput(*dp);
		r = -ENOTDIR;
	}
	return r;
}

int name_is_dot(const struct path_last *l)
{
	return (l->len == 1 && l->name[0] == '.') ||
	       (l->len == 2 && l->name[0] == '.' && l->name[1] == '.');
}

int namei(const char *path, struct inode **ip)
{
	struct inode *dp;
	struct path_last last;
	uint32_t ino;
	int r = namei_parent(path, &dp, &last);
	if (r < 0)
		return r;
	if (!last.len || (last.len == 1 && last.name[0] == '.')) {
		*ip = dp;
		return 0;
	}
	r = dir_lookup(dp, last.name, last.len, &ino, NULL);
	iput(dp);
	if (r == 0)
		r = iget(ino, ip);
	if (r == 0 && last.slash && !is_dir(*ip)) {
		iput(*ip);
		r = -ENOTDIR;
	}
	return r;
}
