/* t_full: fill the disk to its last block (t_full [PATH], default /work/full), for the tests of write errors */
#include <files.h>
#include <stdio.h>
#include <string.h>
#include <ulib.h>

#define TEST_NAME "t_full"
#include "check.h"

int main(int argc, char **argv)
{
	static char chunk[64 * 1024];
	const char *path = argc > 1 ? argv[1] : "/work/full";
	struct fs_statfs st;
	unsigned total = 0;
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND), r;

	check(fd >= 0, "open the file to fill");
	memset(chunk, 'f', sizeof(chunk));
	/* Big writes until one is refused, then single bytes: the file then
	 * ends at the end of a block, so that not even one more byte fits. */
	while ((r = write(fd, chunk, sizeof(chunk))) > 0)
		total += (unsigned)r;
	check_err("a write once the disk is full", r, -ENOSPC);
	while ((r = write(fd, chunk, 1)) > 0)
		total += (unsigned)r;
	check_err("a 1-byte write once the disk is full", r, -ENOSPC);
	check_int("close", close(fd), 0);
	check_int("statfs", statfs(&st), 0);
	check_int("free blocks", (int)st.free_blocks, 0);
	printf("ok   %u bytes written\n", total);
	pass();
}
