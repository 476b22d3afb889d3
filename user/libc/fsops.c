/* The operations of the file service that name files by path, and the
 * ones about the whole file system. */
#include <files.h>
#include <string.h>
#include <ulib.h>

#include "fsclient.h"

_Static_assert(sizeof(struct fs_stat) <= sizeof(((struct msg *)0)->w), "fs_stat fits a reply");
_Static_assert(sizeof(struct fs_statfs) <= sizeof(((struct msg *)0)->w), "fs_statfs fits a reply");

/* A request that carries nothing but a path. */
static int path_request(int type, const char *path)
{
	struct msg m;

	libc_fs_msg(&m, type, NULL, 0, 0);
	return libc_fs_path_call(&m, path);
}

int stat(const char *path, struct fs_stat *st)
{
	struct msg m;
	int r;

	libc_fs_msg(&m, FS_STAT, NULL, 0, 0);
	r = libc_fs_path_call(&m, path);
	if (r < 0)
		return r;
	memcpy(st, m.w, sizeof(*st));
	return 0;
}

int lstat(const char *path, struct fs_stat *st)
{
	struct msg m;
	int r;

	libc_fs_msg(&m, FS_LSTAT, NULL, 0, 0);
	r = libc_fs_path_call(&m, path);
	if (r < 0)
		return r;
	memcpy(st, m.w, sizeof(*st));
	return 0;
}

int symlink(const char *target, const char *link_path)
{
	/* The target goes as it is, not made absolute: a relative one is
	 * read from the link's directory when followed, not from ours. */
	char both[2 * FS_PATH_MAX];
	size_t n = strnlen(target, FS_PATH_MAX);
	struct msg m;
	int r;

	if (n == FS_PATH_MAX)
		return -ENAMETOOLONG;
	if (n == 0)
		return -ENOENT;
	memcpy(both, target, n + 1);
	if ((r = abspath(link_path, both + n + 1, FS_PATH_MAX)) < 0)
		return r;
	libc_fs_msg(&m, FS_SYMLINK, both, n + 1 + strlen(both + n + 1) + 1, GRANT_READ);
	return libc_fs_call(&m);
}

int readlink(const char *path, char *buf, size_t size)
{
	/* One buffer lent both ways: the path in, the target out. */
	char io[FS_PATH_MAX];
	struct msg m;
	int r = abspath(path, io, sizeof(io));

	if (r < 0)
		return r;
	libc_fs_msg(&m, FS_READLINK, io, sizeof(io), GRANT_READ | GRANT_WRITE);
	if ((r = libc_fs_call(&m)) < 0)
		return r;
	size_t n = (size_t)r < size ? (size_t)r : size;

	memcpy(buf, io, n);
	if (n < size)
		buf[n] = '\0';
	return (int)n;
}

int mkdir(const char *path)
{
	return path_request(FS_MKDIR, path);
}

int rmdir(const char *path)
{
	return path_request(FS_RMDIR, path);
}

int unlink(const char *path)
{
	return path_request(FS_UNLINK, path);
}

int rename(const char *from, const char *to)
{
	struct msg m;

	libc_fs_msg(&m, FS_RENAME, NULL, 0, 0);
	return libc_fs_two_path_call(&m, from, to);
}

int link(const char *existing, const char *new_path)
{
	struct msg m;

	libc_fs_msg(&m, FS_LINK, NULL, 0, 0);
	return libc_fs_two_path_call(&m, existing, new_path);
}

int sync(void)
{
	struct msg m;

	libc_fs_msg(&m, FS_SYNC, NULL, 0, 0);
	return libc_fs_call(&m);
}

int unmount(void)
{
	struct msg m;

	libc_fs_msg(&m, FS_UNMOUNT, NULL, 0, 0);
	return libc_fs_call(&m);
}

int statfs(struct fs_statfs *st)
{
	struct msg m;
	int r;

	libc_fs_msg(&m, FS_STATFS, NULL, 0, 0);
	r = libc_fs_call(&m);
	if (r < 0)
		return r;
	memcpy(st, m.w, sizeof(*st));
	return 0;
}
