/* cat: print files (or the standard input) one after another */
#include <files.h>
#include <stdio.h>
#include <string.h>
#include <ulib.h>

#define CHUNK 4096

/* Copies fd to the standard output: 0, -errno of a read, or 1 once a write
 * failed. The output is then broken, and libc reports it at exit, naming
 * it ("cat: write to /file: no space left"): the input is not to blame. */
static int copy_out(int fd)
{
	static char buf[CHUNK];

	for (;;) {
		int n = read(fd, buf, sizeof(buf));

		if (n <= 0)
			return n;
		if (write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
			return 1;
	}
}

int main(int argc, char **argv)
{
	int status = 0;

	if (argc < 2)
		return copy_out(STDIN_FILENO) != 0;
	for (int i = 1; i < argc; i++) {
		int stdin_arg = strcmp(argv[i], "-") == 0;
		int fd = stdin_arg ? STDIN_FILENO : open(argv[i], O_RDONLY);
		int r = fd;

		if (fd >= 0) {
			r = copy_out(fd);
			if (!stdin_arg)
				close(fd);
		}
		if (r == 1)
			return 1; /* no use writing the rest */
		if (r < 0) {
			dprintf(STDERR_FILENO, "cat: %s: %s\n", argv[i], strerror(r));
			status = 1;
		}
	}
	return status;
}
