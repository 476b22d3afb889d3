/* bench_write: file write plus sync, from 1 byte to 1 MiB */
#include "bench.h"

/* One sample: an FS_WRITE of `param` bytes at offset 0 of an existing file,
 * then FS_SYNC, which returns once every dirty block is on the disk. The
 * file already has its blocks (it was written once before the samples), so
 * no block is allocated: the figure is the copy into the buffer cache plus
 * the disk writes of the data blocks and of the inode (its mtime changed).
 * The disk is QEMU's IDE disk driven by PIO: sector by sector through an
 * I/O port, with an interrupt per sector of a write.
 *
 * write_sync_cpu: the same samples less the time the CPU was halted in
 * them (struct kinfo's idle_tsc, as bench_net's *_cpu): under -icount the
 * instructions every thread on the way ran; the rest is waiting for the
 * emulated disk, host time that differs from run to run. */
#define PATH     "/work/bench_write.dat"
#define MAX_SIZE (4u << 20)

static uint8_t buf[MAX_SIZE];
static uint64_t cpu[BENCH_MAX_SAMPLES];
static uint64_t busy; /* the last sample's part not halted */

static uint64_t once(int h, uint32_t size, uint64_t overhead)
{
	int r = bench_seek(h, 0);

	if (r != 0)
		bench_fail("seek: %d", r);
	uint64_t idle0 = bench_idle(), t0 = bench_rdtsc();
	int w = bench_write(h, buf, size);
	r = bench_sync();
	uint64_t t1 = bench_rdtsc(), idle = bench_idle() - idle0;

	if (w != (int)size)
		bench_fail("write of %u bytes: %d (%s)", (unsigned)size, w,
			   w < 0 ? strerror(w) : "short");
	if (r < 0)
		bench_fail("sync: %s", strerror(r));
	uint64_t e = bench_elapsed(t0, t1, overhead);
	busy = e > idle ? e - idle : 0;
	return e;
}

int main(int argc, char **argv)
{
	static const uint32_t full[] = {1, 256, 4096, 16384, 65536, 262144, 1u << 20};
	static const uint32_t quick[] = {1, 4096, 65536};
	uint64_t *v = bench_samples();
	uint64_t overhead = bench_overhead();
	uint32_t sizes[BENCH_MAX_SIZES];
	int first = bench_args(argc, argv);
	int nsizes = BENCH_SIZES(argc, argv, first, full, quick, sizes);
	uint32_t largest = bench_largest(sizes, nsizes);

	if (largest > MAX_SIZE)
		bench_fail("at most %u bytes", (unsigned)MAX_SIZE);
	bench_need_fs("/work");
	bench_make_file(PATH, largest, buf, 65536, 1);
	int h = bench_open(PATH, O_WRONLY);

	if (h < 0)
		bench_fail("open %s: %s", PATH, strerror(h));
	for (int s = 0; s < nsizes; s++) {
		uint32_t size = sizes[s];
		int runs = size <= 16384 ? bench_pick(100, 15) : bench_pick(25, 4);

		for (int i = 0; i < 2; i++)
			once(h, size, overhead);
		for (int i = 0; i < runs; i++) {
			v[i] = once(h, size, overhead);
			cpu[i] = busy;
		}
		bench_report("write_sync", size, v, runs);
		bench_report("write_sync_cpu", size, cpu, runs);
	}
	bench_close(h);
	bench_path_op(FS_UNLINK, PATH);
	bench_sync();
	return 0;
}
