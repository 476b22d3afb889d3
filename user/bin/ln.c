/* ln: make a hard link (ln EXISTING NEW, or ln EXISTING DIR) or, with -s, a symbolic one */
#include <files.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ulib.h>

int main(int argc, char **argv)
{
	int soft = argc > 1 && strcmp(argv[1], "-s") == 0;
	const char *from = argv[1 + soft], *to;
	char *path = NULL;
	struct fs_stat st;
	int r;

	if (argc != 3 + soft) {
		dprintf(STDERR_FILENO, "usage: ln [-s] EXISTING NEW | ln [-s] EXISTING DIR\n");
		return 2;
	}
	to = argv[2 + soft];
	if (stat(to, &st) == 0 && S_ISDIR(st.mode)) {
		const char *base = strrchr(from, '/');

		if (!(path = path_join(to, base && base[1] ? base + 1 : from))) {
			dprintf(STDERR_FILENO, "ln: %s\n", strerror(ENOMEM));
			return 1;
		}
		to = path;
	}
	/* A symbolic link's target may be relative, or not exist (yet): it is
	 * stored as typed. */
	r = soft ? symlink(from, to) : link(from, to);
	if (r < 0) {
		/* Blame the existing file if it is not there; else either may
		 * be at fault (an immutable file, a name that exists). */
		if (!soft && lstat(from, &st) < 0)
			dprintf(STDERR_FILENO, "ln: %s: %s\n", from, strerror(r));
		else if (soft)
			dprintf(STDERR_FILENO, "ln: %s: %s\n", to, strerror(r));
		else
			dprintf(STDERR_FILENO, "ln: %s to %s: %s\n", from, to, strerror(r));
		return 1;
	}
	return 0;
}
