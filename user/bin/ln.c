/* ln: make a hard link: ln EXISTING NEW, or ln EXISTING DIR */
#include <files.h>
#include <stdio.h>
#include <string.h>
#include <ulib.h>

int main(int argc, char **argv)
{
	char path[FS_PATH_MAX];
	const char *to;
	struct fs_stat st;
	int r = 0;

	if (argc != 3) {
		dprintf(STDERR_FILENO, "usage: ln EXISTING NEW | ln EXISTING DIR\n");
		return 2;
	}
	to = argv[2];
	if (stat(to, &st) == 0 && S_ISDIR(st.mode)) {
		const char *base = strrchr(argv[1], '/');

		base = base ? base + 1 : argv[1];
		if (snprintf(path, sizeof(path), "%s/%s", to, base) >= (int)sizeof(path))
			r = -ENAMETOOLONG;
		to = path;
	}
	if (r == 0)
		r = link(argv[1], to);
	if (r < 0) {
		/* Blame the existing file if it is not there, else the new name. */
		const char *culprit = stat(argv[1], &st) < 0 ? argv[1] : to;

		dprintf(STDERR_FILENO, "ln: %s: %s\n", culprit, strerror(r));
		return 1;
	}
	return 0;
}
