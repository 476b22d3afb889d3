/* ln: make a hard link: ln EXISTING NEW, or ln EXISTING DIR */
#include <files.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ulib.h>

int main(int argc, char **argv)
{
	const char *to;
	char *path = NULL;
	struct fs_stat st;
	int r;

	if (argc != 3) {
		dprintf(STDERR_FILENO, "usage: ln EXISTING NEW | ln EXISTING DIR\n");
		return 2;
	}
	to = argv[2];
	if (stat(to, &st) == 0 && S_ISDIR(st.mode)) {
		const char *base = strrchr(argv[1], '/');

		if (!(path = path_join(to, base ? base + 1 : argv[1]))) {
			dprintf(STDERR_FILENO, "ln: %s\n", strerror(ENOMEM));
			return 1;
		}
		to = path;
	}
	r = link(argv[1], to);
	if (r < 0) {
		/* Blame the existing file if it is not there; else either may
		 * be at fault (an immutable file, a name that exists). */
		if (stat(argv[1], &st) < 0)
			dprintf(STDERR_FILENO, "ln: %s: %s\n", argv[1], strerror(r));
		else
			dprintf(STDERR_FILENO, "ln: %s to %s: %s\n", argv[1], to, strerror(r));
		return 1;
	}
	return 0;
}
