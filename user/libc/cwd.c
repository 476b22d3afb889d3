/* The working directory and path resolution. The directory is a string in
 * this process, not a reference the file service holds: resolution is by
 * text alone, so "a/../b" is "b" even if a does not exist, and the file
 * service receives only absolute paths without "." or "..". */
#include <files.h>
#include <stdlib.h>
#include <string.h>

#include "cwd.h"

/* Always absolute and normal: "/" or "/a/b". */
static char cwd[FS_PATH_MAX] = "/";

/* Appends the name of n bytes to the path of *len bytes in out, as
 * "/name"; or for "..", removes the last name. */
static int apply_name(char *out, size_t *len, size_t size, const char *name, size_t n)
{
	if (n == 1 && name[0] == '.')
		return 0;
	if (n == 2 && name[0] == '.' && name[1] == '.') {
		while (*len > 0 && out[*len - 1] != '/')
			(*len)--;
		if (*len > 0)
			(*len)--; /* the slash before the name */
		return 0;
	}
	if (n > FS_NAME_MAX || *len + 1 + n + 1 > size)
		return -ENAMETOOLONG;
	out[(*len)++] = '/';
	memcpy(out + *len, name, n);
	*len += n;
	return 0;
}

/* Applies every name of path (split at slashes) to out. */
static int apply_path(char *out, size_t *len, size_t size, const char *path)
{
	while (*path) {
		const char *end = path;

		while (*end && *end != '/')
			end++;
		if (end > path) {
			int r = apply_name(out, len, size, path, (size_t)(end - path));

			if (r < 0)
				return r;
		}
		path = *end ? end + 1 : end;
	}
	return 0;
}

int abspath(const char *path, char *out, size_t size)
{
	size_t len = 0;
	int r;

	if (!path || !out)
		return -EFAULT;
	if (path[0] == '\0')
		return -ENOENT; /* as POSIX says for an empty path */
	if (strnlen(path, FS_PATH_MAX) >= FS_PATH_MAX)
		return -ENAMETOOLONG;
	if (size > FS_PATH_MAX)
		size = FS_PATH_MAX;
	if (size < 2)
		return -ENAMETOOLONG;
	/* The root is kept as the empty string while names are applied, so
	 * that every name appends "/name". */
	if (path[0] != '/' && (r = apply_path(out, &len, size, cwd)) < 0)
		return r;
	if ((r = apply_path(out, &len, size, path)) < 0)
		return r;
	if (len == 0)
		out[len++] = '/';
	out[len] = '\0';
	return 0;
}

int libc_cwd_set(const char *path)
{
	char abs[FS_PATH_MAX];
	int r = abspath(path, abs, sizeof(abs));

	if (r < 0)
		return r;
	strlcpy(cwd, abs, sizeof(cwd));
	return 0;
}

char *path_join(const char *dir, const char *name)
{
	size_t d = strlen(dir), n = strlen(name);
	int slash = d > 0 && dir[d - 1] != '/';
	char *out = malloc(d + slash + n + 1);

	if (!out)
		return NULL;
	memcpy(out, dir, d);
	if (slash)
		out[d] = '/';
	memcpy(out + d + slash, name, n + 1);
	return out;
}

int getcwd(char *buf, size_t size)
{
	if (strlen(cwd) + 1 > size)
		return -ERANGE;
	strlcpy(buf, cwd, size);
	return 0;
}
