/* rm: remove files (-r: directories with everything in them; -f: no error if missing) */
#include <files.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ulib.h>

static int recursive, force;

static void complain(const char *path, int err)
{
	dprintf(STDERR_FILENO, "rm: %s: %s\n", path, strerror(err));
}

static int remove_tree(const char *path);

/* Removes what is in the directory, then the directory. The names are
 * read first and removed afterwards, so that removing never disturbs the
 * reading of the directory. */
static int remove_dir(const char *path)
{
	struct fs_dirent ent;
	char *names = NULL;
	size_t used = 0, room = 0;
	int fd = opendir(path), r, status = 0;

	if (fd < 0)
		return fd;
	while ((r = readdir(fd, &ent)) > 0) {
		size_t n = strlen(ent.name) + 1;

		if (strcmp(ent.name, ".") == 0 || strcmp(ent.name, "..") == 0)
			continue;
		if (used + n > room) {
			char *more = realloc(names, room = 2 * (room + n));

			if (!more) {
				r = -ENOMEM;
				break;
			}
			names = more;
		}
		memcpy(names + used, ent.name, n);
		used += n;
	}
	closedir(fd);
	if (r < 0) {
		free(names);
		return r;
	}
	for (size_t off = 0; off < used; off += strlen(names + off) + 1) {
		char *child = path_join(path, names + off);

		if (!child) {
			complain(names + off, -ENOMEM);
			status = 1;
		} else if (remove_tree(child) != 0) {
			status = 1;
		}
		free(child);
	}
	free(names);
	if (status)
		return 1; /* already reported; the directory cannot be empty */
	return rmdir(path);
}

/* 0, or 1 after reporting what could not be removed. */
static int remove_tree(const char *path)
{
	int r = unlink(path);

	if (r == -EISDIR && recursive)
		r = remove_dir(path);
	if (r == -ENOENT && force)
		return 0;
	if (r < 0) {
		complain(path, r);
		return 1;
	}
	return r;
}

int main(int argc, char **argv)
{
	int i = 1, status = 0;

	for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		for (const char *o = argv[i] + 1; *o; o++) {
			if (*o == 'r') {
				recursive = 1;
			} else if (*o == 'f') {
				force = 1;
			} else {
				dprintf(STDERR_FILENO, "usage: rm [-rf] path...\n");
				return 2;
			}
		}
	}
	if (i == argc && !force) {
		dprintf(STDERR_FILENO, "usage: rm [-rf] path...\n");
		return 2;
	}
	for (; i < argc; i++)
		if (remove_tree(argv[i]) != 0)
			status = 1;
	return status;
}
