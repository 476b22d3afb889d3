/* cp: copy files: cp FROM TO, or cp FROM... DIR */
#include <files.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ulib.h>

#define CHUNK 16384

static int is_dir(const char *path)
{
	struct fs_stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.mode);
}

/* Copies the contents; 0 or -errno, *culprit set to the path at fault. */
static int copy_file(const char *from, const char *to, const char **culprit)
{
	static char buf[CHUNK];
	struct fs_stat src, dst;
	int in, out, r;

	*culprit = from;
	if ((r = stat(from, &src)) < 0)
		return r;
	if (S_ISDIR(src.mode))
		return -EISDIR;
	/* Opening the source as the destination would empty it first. */
	if (stat(to, &dst) == 0 && dst.ino == src.ino) {
		dprintf(STDERR_FILENO, "cp: %s and %s are the same file\n", from, to);
		return 1;
	}
	if ((in = open(from, O_RDONLY)) < 0)
		return in;
	*culprit = to;
	if ((out = open(to, O_WRONLY | O_CREAT | O_TRUNC)) < 0) {
		close(in);
		return out;
	}
	for (;;) {
		int n = read(in, buf, sizeof(buf));

		if (n <= 0) {
			*culprit = from;
			r = n;
			break;
		}
		if ((r = write_all(out, buf, (size_t)n)) < 0)
			break;
	}
	close(in);
	int c = close(out); /* the last chance to hear of a write error */

	if (r == 0 && c < 0) {
		*culprit = to;
		r = c;
	}
	return r;
}

int main(int argc, char **argv)
{
	const char *target = argv[argc - 1];
	int into_dir, status = 0;

	if (argc < 3) {
		dprintf(STDERR_FILENO, "usage: cp FROM TO | cp FROM... DIR\n");
		return 2;
	}
	into_dir = is_dir(target);
	if (argc > 3 && !into_dir) {
		dprintf(STDERR_FILENO, "cp: %s: %s\n", target, strerror(ENOTDIR));
		return 1;
	}
	for (int i = 1; i < argc - 1; i++) {
		const char *to = target, *culprit;
		char *path = NULL;
		int r;

		if (into_dir) {
			const char *base = strrchr(argv[i], '/');

			if (!(path = path_join(target, base ? base + 1 : argv[i]))) {
				dprintf(STDERR_FILENO, "cp: %s\n", strerror(ENOMEM));
				return 1;
			}
			to = path;
		}
		r = copy_file(argv[i], to, &culprit);
		if (r < 0)
			dprintf(STDERR_FILENO, "cp: %s: %s\n", culprit, strerror(r));
		if (r != 0)
			status = 1;
		free(path);
	}
	return status;
}
