/* sync: write every changed block of the file system to the disk */
#include <files.h>
#include <stdio.h>
#include <string.h>
#include <ulib.h>

int main(void)
{
	int r = sync();

	if (r < 0) {
		dprintf(STDERR_FILENO, "sync: %s\n", strerror(r));
		return 1;
	}
	return 0;
}
