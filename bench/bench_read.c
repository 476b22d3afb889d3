/* bench_read: cached file read, from 1 byte to 1 MiB, one FS_READ each */
#include "bench.h"

/* The file is /bench/read.dat, which make bench puts on its disk image
 * (the pattern of bench_pattern, 1 MiB); elsewhere one as large as the
 * largest size is written first and left in the cache, unsynced. It is
 * brought into the cache in small requests (bench_warm says why), then
 * read from its start again and again: one sample is one FS_READ request of `param` bytes at offset 0
 * (the seek before it is not timed). After the warm-up the blocks are in
 * the file service's buffer cache, so no disk is touched: the figure is
 * the request's round trip, the cache lookups and the copy of the bytes
 * into the caller's buffer through the grant. mono copies from ring-0
 * memory into the caller's; micro asks the kernel to copy from the file
 * server's address space into the caller's.
 *
 * The cache holds 1 MiB of blocks (fs/fs.h BCACHE_BYTES), and the file's
 * own metadata needs a few blocks more, so a 1 MiB read does not fit: its
 * figure includes disk reads, and docs/03-benchmarks.md says so. */
#define GIVEN    "/bench/read.dat"
#define MADE     "/work/bench_read.dat"
#define MAX_SIZE (4u << 20)

static uint8_t buf[MAX_SIZE];

static uint64_t once(int h, uint32_t size, uint64_t overhead)
{
	int r = bench_seek(h, 0);

	if (r != 0)
		bench_fail("seek: %d", r);
	uint64_t t0 = bench_rdtsc();
	r = bench_read(h, buf, size);
	uint64_t t1 = bench_rdtsc();

	if (r != (int)size)
		bench_fail("read of %u bytes: %d (%s)", (unsigned)size, r,
			   r < 0 ? strerror(r) : "short");
	return bench_elapsed(t0, t1, overhead);
}

int main(int argc, char **argv)
{
	static const uint32_t full[] = {1, 16, 256, 4096, 16384, 65536, 262144, 1u << 20};
	static const uint32_t quick[] = {1, 256, 4096, 65536, 1u << 20};
	uint64_t *v = bench_samples();
	uint64_t overhead = bench_overhead();
	uint32_t sizes[BENCH_MAX_SIZES];
	int first = bench_args(argc, argv);
	int nsizes = BENCH_SIZES(argc, argv, first, full, quick, sizes);
	uint32_t largest = bench_largest(sizes, nsizes);

	if (largest > MAX_SIZE)
		bench_fail("at most %u bytes", (unsigned)MAX_SIZE);
	bench_need_fs("/work");
	/* A file given, not written here: nothing is dirty in the cache, so
	 * the file service's own write-back (every 5 s) never lands in a
	 * sample, and both kernels read the same blocks of the same image. */
	const char *path = GIVEN;
	int made = bench_warm(path, largest) < (int)largest;

	if (made) {
		path = MADE;
		bench_make_file(path, largest, buf, 65536, 0);
	}
	int h = bench_open(path, O_RDONLY);

	if (h < 0)
		bench_fail("open %s: %s", path, strerror(h));
	for (int s = 0; s < nsizes; s++) {
		uint32_t size = sizes[s];
		int runs = size <= 4096    ? bench_pick(1000, 200)
			   : size <= 65536 ? bench_pick(200, 40)
					   : bench_pick(30, 8);

		for (int i = 0; i < 5; i++)
			once(h, size, overhead);
		/* The bytes must be the file's: a fast read of the wrong ones
		 * would be no figure at all. */
		for (uint32_t i = 0; i < size; i++)
			if (buf[i] != bench_pattern(i))
				bench_fail("byte %u of %s is wrong", (unsigned)i, path);
		for (int i = 0; i < runs; i++)
			v[i] = once(h, size, overhead);
		bench_report("read_cached", size, v, runs);
	}
	bench_close(h);
	if (made)
		bench_path_op(FS_UNLINK, MADE);
	return 0;
}
