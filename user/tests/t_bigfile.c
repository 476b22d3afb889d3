/* t_bigfile: a 1.5 MiB file (double indirect blocks) written and read back with a checksum */
#define TEST_NAME "t_bigfile"
#include <files.h>
#include <stdlib.h>

#include "check.h"

#include "pattern.h"

#define PATH "/t_bigfile.dat"
#define SIZE (3u << 19) /* 1.5 MiB: with 1 KiB blocks, past 12 + 256 blocks */
/* Odd chunk sizes, different for writing and reading, so that requests
 * straddle block boundaries in every way. */
#define WRITE_CHUNK 3001
#define READ_CHUNK  4999

static uint8_t buf[READ_CHUNK > WRITE_CHUNK ? READ_CHUNK : WRITE_CHUNK];

static uint32_t write_file(void)
{
	uint32_t sum = FNV1A_INIT;
	int fd = open(PATH, O_WRONLY | O_CREAT | O_TRUNC);

	if (fd < 0)
		fail("create " PATH ": %s", strerror(fd));
	for (uint32_t off = 0; off < SIZE;) {
		uint32_t n = SIZE - off < WRITE_CHUNK ? SIZE - off : WRITE_CHUNK;

		for (uint32_t i = 0; i < n; i++)
			buf[i] = pattern(0, off + i);
		int r = write_all(fd, buf, n);

		if (r < 0)
			fail("write at %u: %s", off, strerror(r));
		sum = fnv1a(sum, buf, n);
		off += n;
	}
	check_int("close after writing", close(fd), 0);
	return sum;
}

static uint32_t read_file(void)
{
	uint32_t sum = FNV1A_INIT, off = 0;
	int fd = open(PATH, O_RDONLY), n;

	if (fd < 0)
		fail("open " PATH ": %s", strerror(fd));
	while ((n = read(fd, buf, READ_CHUNK)) > 0) {
		for (int i = 0; i < n; i++)
			if (buf[i] != pattern(0, off + (uint32_t)i))
				fail("byte %u is %#x, want %#x", off + i, buf[i],
				     pattern(0, off + (uint32_t)i));
		sum = fnv1a(sum, buf, (uint32_t)n);
		off += (uint32_t)n;
	}
	if (n < 0)
		fail("read at %u: %s", off, strerror(n));
	check_int("bytes read back", (int)off, (int)SIZE);
	close(fd);
	return sum;
}

/* Reads a few bytes at offsets where the block mapping changes: the last
 * direct block, the single and the double indirect ranges (for 1, 2 and 4
 * KiB blocks). */
static void spot_checks(void)
{
	static const uint32_t offsets[] = {
		0,              /* the first byte */
		12 * 1024 - 1,  /* the last direct block (1 KiB blocks) */
		12 * 1024,      /* the first single indirect block */
		24 * 1024,      /* the same for 2 KiB blocks */
		268 * 1024 - 2, /* single to double indirect, straddled */
		268 * 1024,
		536 * 1024, /* the same for 2 KiB blocks */
		SIZE - 3,   /* the last bytes */
	};
	int fd = open(PATH, O_RDONLY);

	for (size_t i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++) {
		uint8_t b[3];
		uint32_t off = offsets[i];

		if (lseek(fd, (int32_t)off, SEEK_SET) != (int)off || read(fd, b, 3) != 3)
			fail("seek and read at %u", off);
		for (int j = 0; j < 3; j++)
			if (b[j] != pattern(0, off + (uint32_t)j))
				fail("byte %u after a seek is %#x, want %#x", off + j, b[j],
				     pattern(0, off + (uint32_t)j));
	}
	close(fd);
	printf("ok   bytes at the block-mapping boundaries, reached by lseek\n");
}

int main(void)
{
	struct fs_statfs before, after;
	struct fs_stat st;

	unlink(PATH); /* left by an earlier run that failed */
	check_int("statfs", statfs(&before), 0);
	uint32_t written = write_file();

	printf("ok   wrote %u bytes, fnv1a %#x\n", SIZE, written);
	check_int("stat", stat(PATH, &st), 0);
	check_int("size", (int)st.size, (int)SIZE);
	check(st.blocks512 >= SIZE / 512, "the blocks cover the size");
	check_int("sync", sync(), 0);
	uint32_t read_back = read_file();

	if (read_back != written)
		fail("checksum read %#x, written %#x", read_back, written);
	printf("ok   read back with the same fnv1a %#x\n", read_back);
	spot_checks();

	int fd = open(PATH, O_RDWR);

	check_int("ftruncate to 100000", ftruncate(fd, 100000), 0);
	fstat(fd, &st);
	check_int("size after truncating", (int)st.size, 100000);
	check(st.blocks512 < SIZE / 512, "truncating freed blocks");
	close(fd);
	check_int("unlink", unlink(PATH), 0);
	check_int("statfs again", statfs(&after), 0);
	check_int("every block came back", (int)after.free_blocks, (int)before.free_blocks);
	check_int("the inode came back", (int)after.free_inodes, (int)before.free_inodes);
	pass();
}
