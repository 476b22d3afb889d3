/* echo: print the arguments, separated by single spaces */
#include <stdio.h>
#include <string.h>
#include <ulib.h>

int main(int argc, char **argv)
{
	/* The kernel limits the strings and their terminators to ARG_MAX_BYTES,
	 * and each terminator becomes a space or the newline: the whole line
	 * fits, and goes out in one console write that cannot interleave with
	 * other output. */
	static char line[ARG_MAX_BYTES + 1];
	size_t len = 0;

	for (int i = 1; i < argc && len < sizeof(line); i++) {
		size_t n = strnlen(argv[i], sizeof(line) - 1 - len);

		memcpy(line + len, argv[i], n);
		len += n;
		line[len++] = i + 1 < argc ? ' ' : '\n';
	}
	if (argc < 2)
		line[len++] = '\n';
	return write(STDOUT_FILENO, line, len) < 0;
}
