/* mv: rename files: mv FROM TO, or mv FROM... DIR */
#include <files.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ulib.h>

int main(int argc, char **argv)
{
	const char *target = argv[argc - 1];
	struct fs_stat st;
	int into_dir, status = 0;

	if (argc < 3) {
		dprintf(STDERR_FILENO, "usage: mv FROM TO | mv FROM... DIR\n");
		return 2;
	}
	into_dir = stat(target, &st) == 0 && S_ISDIR(st.mode);
	if (argc > 3 && !into_dir) {
		dprintf(STDERR_FILENO, "mv: %s: %s\n", target, strerror(ENOTDIR));
		return 1;
	}
	for (int i = 1; i < argc - 1; i++) {
		const char *to = target;
		char *path = NULL;
		int r;

		if (into_dir) {
			const char *base = strrchr(argv[i], '/');

			if (!(path = path_join(target, base ? base + 1 : argv[i]))) {
				dprintf(STDERR_FILENO, "mv: %s\n", strerror(ENOMEM));
				return 1;
			}
			to = path;
		}
		r = rename(argv[i], to);
		if (r < 0) {
			/* Blame the source if it is not there; else either may be
			 * at fault (an immutable source, a full target directory). */
			if (lstat(argv[i], &st) < 0)
				dprintf(STDERR_FILENO, "mv: %s: %s\n", argv[i], strerror(r));
			else
				dprintf(STDERR_FILENO, "mv: %s to %s: %s\n", argv[i], to,
					strerror(r));
			status = 1;
		}
		free(path);
	}
	return status;
}
