/* write: write a line of words to a file: write [-a] FILE words... (-a appends) */
#include <files.h>
#include <stdio.h>
#include <string.h>
#include <ulib.h>

int main(int argc, char **argv)
{
	static char line[ARG_MAX_BYTES + 1];
	int append = argc > 1 && strcmp(argv[1], "-a") == 0;
	int first = 1 + append;
	size_t len = 0;

	if (argc < first + 1) {
		dprintf(STDERR_FILENO, "usage: write [-a] FILE words...\n");
		return 2;
	}
	/* The words and their separators fit: the kernel passed them in at
	 * most ARG_MAX_BYTES with their terminators. */
	for (int i = first + 1; i < argc; i++) {
		size_t n = strnlen(argv[i], sizeof(line) - 1 - len);

		memcpy(line + len, argv[i], n);
		len += n;
		if (i + 1 < argc)
			line[len++] = ' ';
	}
	line[len++] = '\n';
	int flags = O_WRONLY | O_CREAT | (append ? O_APPEND : O_TRUNC);
	int fd = open(argv[first], flags);
	int r = fd;

	if (fd >= 0) {
		r = write_all(fd, line, len);
		int c = close(fd);

		if (r == 0)
			r = c;
	}
	if (r < 0) {
		dprintf(STDERR_FILENO, "write: %s: %s\n", argv[first], strerror(r));
		return 1;
	}
	return 0;
}
