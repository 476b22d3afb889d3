/* touch: create empty files (existing ones are left as they are) */
#include <files.h>
#include <stdio.h>
#include <string.h>
#include <ulib.h>

int main(int argc, char **argv)
{
	int status = 0;

	if (argc < 2) {
		dprintf(STDERR_FILENO, "usage: touch file...\n");
		return 2;
	}
	/* The file service has no request to set times, so an existing file
	 * keeps its; O_CREAT without O_TRUNC leaves its contents alone. */
	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_WRONLY | O_CREAT);

		if (fd >= 0)
			fd = close(fd);
		if (fd < 0) {
			dprintf(STDERR_FILENO, "touch: %s: %s\n", argv[i], strerror(fd));
			status = 1;
		}
	}
	return status;
}
