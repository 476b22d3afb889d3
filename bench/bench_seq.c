/* bench_seq: uncached sequential read, through the file service and from the raw driver */
#include "bench.h"

/* read_seq: one sample is one pass over the first `param` bytes of a file
 * (as large as the largest size) in FS_READ requests of 64 KiB. Every pass
 * is longer than the file service's 1 MiB buffer cache, and the cache
 * evicts the least recently used block, so a sequential pass finds none of
 * its blocks there: each comes from the disk, in read-ahead runs of up to
 * 128 KiB (fs/file.c).
 *
 * read_raw: the yardstick, the same number of bytes read straight from the
 * disk driver (SVC_ATA), in requests of ATA_MAX_SECTORS (128 KiB, the most
 * the driver takes, as long as a read-ahead run), from sector 0 on. The
 * two kinds of pass alternate, so that both see the same host: under TCG
 * the emulated disk's speed drifts with the host's load, and a ratio of
 * figures taken minutes apart would measure that drift.
 *
 * SVC_ATA is private: a user program gets -EPERM in every kernel. This
 * benchmark's row in common/system.conf (calls=ata) lets it, and only the
 * image the system was built with, call the driver, read-only, so the raw
 * figure is measured in every placement.
 *
 * read_seq_cpu, read_raw_cpu: the same passes less the time the CPU was
 * halted in them (struct kinfo's idle_tsc), as bench_net's *_cpu: under
 * -icount, the instructions every thread on the way ran. The rest of a
 * pass is time spent waiting for the emulated disk. */
#define PATH        "/work/bench_seq.dat"
#define CHUNK       (64u * 1024)
#define RAW_CHUNK   (ATA_MAX_SECTORS * ATA_SECTOR)
#define MAX_FILE    (16u << 20)
#define CACHE_BYTES (1u << 20) /* fs/fs.h, BCACHE_BYTES */
#define MAX_RUNS    9

static uint8_t buf[RAW_CHUNK];
static uint64_t busy; /* the last pass's part not halted */

/* A pass's elapsed time; busy gets its part the CPU was not halted. */
static uint64_t took(uint64_t t0, uint64_t t1, uint64_t idle0, uint64_t overhead)
{
	uint64_t e = bench_elapsed(t0, t1, overhead), idle = bench_idle() - idle0;

	busy = e > idle ? e - idle : 0;
	return e;
}

static uint64_t pass_fs(int h, uint32_t size, uint64_t overhead, int check)
{
	int r = bench_seek(h, 0);

	if (r != 0)
		bench_fail("seek: %d", r);
	uint64_t idle0 = bench_idle(), t0 = bench_rdtsc();
	for (uint32_t done = 0; done < size; done += CHUNK) {
		r = bench_read(h, buf, CHUNK);
		if (r != (int)CHUNK)
			bench_fail("read at %u: %d (%s)", (unsigned)done, r,
				   r < 0 ? strerror(r) : "short");
		/* Only outside the timed passes: the check would cost as
		 * much as the copy it checks. */
		if (check)
			for (uint32_t i = 0; i < CHUNK; i += 509)
				if (buf[i] != bench_pattern(done + i))
					bench_fail("byte %u of %s is wrong", (unsigned)(done + i),
						   PATH);
	}
	return took(t0, bench_rdtsc(), idle0, overhead);
}

static int ata(int type, uint32_t lba, uint32_t count, struct msg *m)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->w[0] = lba;
	m->w[1] = count;
	if (count) {
		m->grant.addr = (uint32_t)buf;
		m->grant.len = count * ATA_SECTOR;
		m->grant.rights = GRANT_WRITE;
	}
	return svc_call(SVC_ATA, m);
}

static uint64_t pass_raw(uint32_t size, uint64_t overhead)
{
	struct msg m;
	uint64_t idle0 = bench_idle(), t0 = bench_rdtsc();

	for (uint32_t done = 0; done < size; done += RAW_CHUNK) {
		int r = ata(ATA_READ, done / ATA_SECTOR, ATA_MAX_SECTORS, &m);

		if (r < 0)
			bench_fail("ATA_READ at sector %u: %s", (unsigned)(done / ATA_SECTOR),
				   strerror(r));
	}
	return took(t0, bench_rdtsc(), idle0, overhead);
}

/* 1 if the raw driver can be read here; otherwise prints why not. */
static int raw_usable(uint32_t largest)
{
	struct msg m;
	int r = ata(ATA_INFO, 0, 0, &m);

	if (r == -EPERM)
		printf("SKIP %s: read_raw: no path to the disk driver: SVC_ATA is private and "
		       "this kernel enforces it (EPERM)\n",
		       bench_opt()->prog);
	else if (r < 0)
		printf("SKIP %s: read_raw: no disk driver (SVC_ATA: %s)\n", bench_opt()->prog,
		       strerror(r));
	else if (m.w[0] < largest / ATA_SECTOR)
		printf("SKIP %s: read_raw: the disk has only %u sectors\n", bench_opt()->prog,
		       (unsigned)m.w[0]);
	return r >= 0 && m.w[0] >= largest / ATA_SECTOR;
}

int main(int argc, char **argv)
{
	static const uint32_t full[] = {2u << 20, 4u << 20, 8u << 20};
	static const uint32_t quick[] = {2u << 20};
	static uint64_t raw[MAX_RUNS], seq_cpu[MAX_RUNS], raw_cpu[MAX_RUNS];
	uint64_t *v = bench_samples();
	uint64_t overhead = bench_overhead();
	uint32_t sizes[BENCH_MAX_SIZES];
	int first = bench_args(argc, argv);
	int nsizes = BENCH_SIZES(argc, argv, first, full, quick, sizes);
	uint32_t largest = bench_largest(sizes, nsizes);
	int runs = bench_pick(9, 3);

	for (int s = 0; s < nsizes; s++)
		if (sizes[s] % RAW_CHUNK || sizes[s] <= CACHE_BYTES || sizes[s] > MAX_FILE)
			bench_fail("sizes must be multiples of 128 KiB, above the cache's 1 MiB "
				   "and at most %u MiB",
				   (unsigned)(MAX_FILE >> 20));
	bench_need_fs("/work");
	bench_make_file(PATH, largest, buf, CHUNK, 1);
	int h = bench_open(PATH, O_RDONLY);
	int with_raw = raw_usable(largest);

	if (h < 0)
		bench_fail("open %s: %s", PATH, strerror(h));
	pass_fs(h, sizes[0], overhead, 1); /* warm-up, and the contents are checked */
	if (with_raw)
		pass_raw(sizes[0], overhead);
	for (int s = 0; s < nsizes; s++) {
		for (int i = 0; i < runs; i++) {
			v[i] = pass_fs(h, sizes[s], overhead, 0);
			seq_cpu[i] = busy;
			if (with_raw) {
				raw[i] = pass_raw(sizes[s], overhead);
				raw_cpu[i] = busy;
			}
		}
		bench_report("read_seq", sizes[s], v, runs);
		bench_report("read_seq_cpu", sizes[s], seq_cpu, runs);
		if (with_raw) {
			bench_report("read_raw", sizes[s], raw, runs);
			bench_report("read_raw_cpu", sizes[s], raw_cpu, runs);
		}
	}
	bench_close(h);
	bench_path_op(FS_UNLINK, PATH);
	bench_sync();
	return 0;
}
