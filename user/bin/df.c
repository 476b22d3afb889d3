/* df: space and inodes used and free on the file system */
#include <files.h>
#include <stdio.h>
#include <string.h>
#include <ulib.h>

int main(void)
{
	struct fs_statfs s;
	int r = statfs(&s);

	if (r < 0) {
		dprintf(STDERR_FILENO, "df: %s\n", strerror(r));
		return 1;
	}
	/* ext2 blocks are 1, 2 or 4 KiB, so KiB per block is a whole number
	 * and the sums stay within 32 bits for any disk LBA28 can address. */
	uint32_t kib = s.block_size / 1024;
	uint32_t total = s.blocks * kib, avail = s.free_blocks * kib;
	uint32_t used = total - avail;
	uint32_t percent = total ? (used * 100u + total - 1) / total : 0;

	printf("%-10s %10s %10s %10s %4s %8s %8s\n", "Filesystem", "1K-blocks", "Used", "Available",
	       "Use%", "Inodes", "IFree");
	printf("%-10s %10u %10u %10u %3u%% %8u %8u\n", "/", (unsigned)total, (unsigned)used,
	       (unsigned)avail, (unsigned)percent, (unsigned)s.inodes, (unsigned)s.free_inodes);
	printf("block size %u bytes\n", (unsigned)s.block_size);
	return 0;
}
