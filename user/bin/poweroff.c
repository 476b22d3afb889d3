/* poweroff: unmount the disk (sync, mark it clean) and stop the machine (poweroff [QEMU exit code]) */
#include <files.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ulib.h>

int main(int argc, char **argv)
{
	struct fs_statfs fs;
	int r;

	/* The file service keeps changed blocks in memory and the machine
	 * stops at once, so they must be on the disk first, and the volume
	 * marked clean: this is the unmount. Without a usable file system (no
	 * file service, or no disk: statfs fails) there is nothing to write. */
	if (statfs(&fs) == 0 && (r = unmount()) < 0)
		dprintf(STDERR_FILENO, "poweroff: unmount: %s (stopping anyway)\n", strerror(r));
	r = poweroff(argc > 1 ? atoi(argv[1]) : 0);
	dprintf(STDERR_FILENO, "poweroff: %s\n", strerror(r));
	return 1;
}
