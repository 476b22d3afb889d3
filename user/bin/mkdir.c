/* mkdir: make directories (-p: with their parents, and no error if they exist) */
#include <files.h>
#include <stdio.h>
#include <string.h>
#include <ulib.h>

/* mkdir -p: every prefix of the absolute path in turn. */
static int make_parents(const char *path)
{
	char abs[FS_PATH_MAX];
	struct fs_stat st;
	int r = abspath(path, abs, sizeof(abs));

	if (r < 0)
		return r;
	for (char *slash = abs + 1;; slash++) {
		if (*slash != '/' && *slash != '\0')
			continue;
		char saved = *slash;

		*slash = '\0';
		r = mkdir(abs);
		if (r == -EEXIST && stat(abs, &st) == 0)
			r = S_ISDIR(st.mode) ? 0 : -ENOTDIR;
		*slash = saved;
		if (r < 0 || saved == '\0')
			return r;
	}
}

int main(int argc, char **argv)
{
	int parents = argc > 1 && strcmp(argv[1], "-p") == 0;
	int status = 0;

	if (argc < 2 + parents) {
		dprintf(STDERR_FILENO, "usage: mkdir [-p] dir...\n");
		return 2;
	}
	for (int i = 1 + parents; i < argc; i++) {
		int r = parents ? make_parents(argv[i]) : mkdir(argv[i]);

		if (r < 0) {
			dprintf(STDERR_FILENO, "mkdir: %s: %s\n", argv[i], strerror(r));
			status = 1;
		}
	}
	return status;
}
