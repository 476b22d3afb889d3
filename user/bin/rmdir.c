/* rmdir: remove empty directories */
#include <files.h>
#include <stdio.h>
#include <string.h>
#include <ulib.h>

int main(int argc, char **argv)
{
	int status = 0;

	if (argc < 2) {
		dprintf(STDERR_FILENO, "usage: rmdir dir...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		int r = rmdir(argv[i]);

		if (r < 0) {
			dprintf(STDERR_FILENO, "rmdir: %s: %s\n", argv[i], strerror(r));
			status = 1;
		}
	}
	return status;
}
