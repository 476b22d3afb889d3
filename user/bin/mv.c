/* mv: rename files: mv FROM TO, or mv FROM... DIR */
#include <files.h>
#include <stdio.h>
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
		char path[FS_PATH_MAX];
		const char *to = target;
		int r = 0;

		if (into_dir) {
			const char *base = strrchr(argv[i], '/');

			base = base ? base + 1 : argv[i];
			if (snprintf(path, sizeof(path), "%s/%s", target, base) >=
			    (int)sizeof(path))
				r = -ENAMETOOLONG;
			to = path;
		}
		if (r == 0)
			r = rename(argv[i], to);
		if (r < 0) {
			/* Blame the source if it is not there, else the target. */
			const char *culprit = stat(argv[i], &st) < 0 ? argv[i] : to;

			dprintf(STDERR_FILENO, "mv: %s: %s\n", culprit, strerror(r));
			status = 1;
		}
	}
	return status;
}
