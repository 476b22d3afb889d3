/* bench.h: what every benchmark in bench/ shares.
 *
 * A benchmark is an ordinary user program, the same ELF file on both
 * kernels (design.md, Rule 3). Each one warms up, repeats its operation
 * many times, and prints one line per figure:
 *
 *   BENCH name=<bench> param=<p> unit=<insn|ns|cycles> n=<reps> min=<> median=<> p90=<>
 *
 * or, when what it needs is not there, one line
 *
 *   SKIP <program>: <why>
 *
 * and no figure at all (tools/bench.py then records nothing: a missing
 * figure is never replaced by a made-up one); a program with several
 * figures may skip one with "SKIP <program>: <figure>: <why>" and go on.
 * An error prints
 * "FAIL <program>: <why>" and exits 1.
 *
 * Options every program takes: -q (quick: fewer repetitions and sizes, for
 * `make bench QUICK=1`) and -u UNIT, the label of what rdtsc counts. The
 * program cannot know it: under QEMU -icount one tick is one guest
 * instruction (insn); under plain TCG or KVM it is a cycle of the host's
 * time-stamp counter (cycles). The default is cycles, the right label when
 * a student runs a benchmark by hand under `make run`.
 *
 * Everything here is static inline so that a program that uses only part
 * of it compiles without "defined but not used" warnings. */
#ifndef BENCH_BENCH_H
#define BENCH_BENCH_H

#include <abi/fs.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ulib.h>

#define BENCH_MAX_SAMPLES 4000

struct bench_opts {
	int quick;
	const char *unit;
	const char *prog; /* argv[0], for SKIP and FAIL lines */
};

static inline struct bench_opts *bench_opt(void)
{
	static struct bench_opts o = {0, "cycles", "bench"};

	return &o;
}

/* Parses -q and -u UNIT; returns the index of the first other argument. */
static inline int bench_args(int argc, char **argv)
{
	struct bench_opts *o = bench_opt();
	int i = 1;

	if (argc > 0 && argv[0]) {
		const char *slash = strrchr(argv[0], '/');

		o->prog = slash ? slash + 1 : argv[0];
	}
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-q") == 0) {
			o->quick = 1;
		} else if (strcmp(argv[i], "-u") == 0 && i + 1 < argc) {
			o->unit = argv[++i];
		} else {
			printf("usage: %s [-q] [-u insn|ns|cycles] [what to run]\n", o->prog);
			exit(2);
		}
	}
	return i;
}

/* Full or quick, whichever this run is. */
static inline int bench_pick(int full, int quick)
{
	return bench_opt()->quick ? quick : full;
}

#define BENCH_MAX_SIZES 16

/* The sizes an I/O benchmark runs: the arguments from argv[first] on (bytes,
 * or with a K or M suffix: 4K, 1M), in the order given; or, with none, the
 * default list for a full or a quick run. tools/bench.py chooses them per
 * timing mode. Returns how many were stored in out. */
static inline int bench_sizes(int argc, char **argv, int first, const uint32_t *full, int nfull,
			      const uint32_t *quick, int nquick, uint32_t *out)
{
	int n = 0;

	if (first >= argc) {
		const uint32_t *d = bench_opt()->quick ? quick : full;
		int nd = bench_opt()->quick ? nquick : nfull;

		for (; n < nd && n < BENCH_MAX_SIZES; n++)
			out[n] = d[n];
		return n;
	}
	for (int i = first; i < argc && n < BENCH_MAX_SIZES; i++) {
		char *end;
		unsigned long v = strtoul(argv[i], &end, 10);

		if (*end == 'K' || *end == 'k')
			v <<= 10, end++;
		else if (*end == 'M' || *end == 'm')
			v <<= 20, end++;
		if (*end || v == 0 || v > (64ul << 20)) {
			printf("%s: bad size '%s' (bytes, or with K or M: 1, 4K, 1M)\n",
			       bench_opt()->prog, argv[i]);
			exit(2);
		}
		out[n++] = (uint32_t)v;
	}
	return n;
}

/* The largest of n sizes. */
/* bench_sizes over two arrays, counting them itself. */
#define BENCH_SIZES(argc, argv, first, full, quick, out)                                           \
	bench_sizes((argc), (argv), (first), (full), sizeof(full) / sizeof((full)[0]), (quick),    \
		    sizeof(quick) / sizeof((quick)[0]), (out))

static inline uint32_t bench_largest(const uint32_t *s, int n)
{
	uint32_t m = 0;

	for (int i = 0; i < n; i++)
		m = s[i] > m ? s[i] : m;
	return m;
}

static inline __attribute__((noreturn)) void bench_skip(const char *why)
{
	printf("SKIP %s: %s\n", bench_opt()->prog, why);
	exit(0);
}

static inline __attribute__((noreturn, format(printf, 1, 2))) void bench_fail(const char *fmt, ...)
{
	char why[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	printf("FAIL %s: %s\n", bench_opt()->prog, why);
	exit(1);
}

/* --- Time ------------------------------------------------------------------
 * The whole 64-bit counter: a 1 MiB transfer or the macro workload can last
 * longer than 2^32 host cycles (about 1.5 s). No lfence or rdtscp: the
 * emulated CPU may lack them, and under -icount the count is exact anyway. */
/* One trap timed by the time-stamp counter: rdtsc; mov eax,esi; mov $nr,eax;
 * int $0x80; rdtsc, with ebx and ecx as the call's first two arguments.
 * bench_time_none() is the same region without the int: its minimum is the
 * overhead to subtract, so that what remains is the trap, the kernel's
 * work and the iret. Only the low half of the counter is kept: the region
 * is short, and an unsigned difference survives a wrap. No lfence: the
 * emulated CPU may lack SSE2, and under -icount the counter is exact. */
static inline uint32_t bench_time_trap(uint32_t nr, uint32_t ebx, uint32_t ecx)
{
	uint32_t start, end;

	asm volatile("rdtsc\n\t"
		     "movl %%eax, %%esi\n\t"
		     "movl %%edi, %%eax\n\t"
		     "int $0x80\n\t"
		     "rdtsc"
		     : "=a"(end), "=S"(start), "+b"(ebx), "+c"(ecx)
		     : "D"(nr)
		     : "edx", "memory");
	return end - start;
}

static inline uint32_t bench_time_none(uint32_t nr)
{
	uint32_t start, end;

	asm volatile("rdtsc\n\t"
		     "movl %%eax, %%esi\n\t"
		     "movl %%edi, %%eax\n\t"
		     "rdtsc"
		     : "=a"(end), "=S"(start)
		     : "D"(nr)
		     : "edx", "memory");
	return end - start;
}

/* The least overhead of the region, over many tries. */
static inline uint32_t bench_time_base(uint32_t nr)
{
	uint32_t base = ~0u;

	for (int i = 0; i < 200; i++) {
		uint32_t t = bench_time_none(nr);

		base = t < base ? t : base;
	}
	return base;
}

static inline uint64_t bench_rdtsc(void)
{
	uint32_t lo, hi;

	asm volatile("rdtsc" : "=a"(lo), "=d"(hi)::"memory");
	return ((uint64_t)hi << 32) | lo;
}

/* The CPU's halted time so far (struct kinfo's idle_tsc): a sample's
 * elapsed time less the halted time within it is the work of every thread
 * on the way (the driver's, the servers', this program's), which under
 * -icount is the instructions they ran; the rest waited for a device. */
static inline uint64_t bench_idle(void)
{
	struct kinfo k;

	if (kinfo(KINFO_KERNEL, &k) < 0)
		bench_fail("kinfo failed");
	return k.idle_tsc;
}

/* The cost of the timing itself, two bench_rdtsc() back to back: its
 * minimum is subtracted from every sample taken with bench_rdtsc(), so that
 * an empty region measures 0. (The asm-level benchmarks measure their own,
 * smaller, baseline.) */
static inline uint64_t bench_overhead(void)
{
	uint64_t best = ~0ull;

	for (int i = 0; i < 200; i++) {
		uint64_t t0 = bench_rdtsc();
		uint64_t t1 = bench_rdtsc();

		if (t1 - t0 < best)
			best = t1 - t0;
	}
	return best;
}

/* t1 - t0 less the overhead, never below zero (on real hardware a sample
 * can come out below the overhead's minimum by noise alone). */
static inline uint64_t bench_elapsed(uint64_t t0, uint64_t t1, uint64_t overhead)
{
	uint64_t d = t1 - t0;

	return d > overhead ? d - overhead : 0;
}

/* --- Statistics ------------------------------------------------------------ */

/* One shared buffer: a program reports one figure at a time. */
static inline uint64_t *bench_samples(void)
{
	static uint64_t s[BENCH_MAX_SAMPLES];

	return s;
}

/* Shell sort: a few thousand samples, no recursion, no heap. */
static inline void bench_sort(uint64_t *v, int n)
{
	for (int gap = n / 2; gap > 0; gap /= 2) {
		for (int i = gap; i < n; i++) {
			uint64_t x = v[i];
			int j = i;

			for (; j >= gap && v[j - gap] > x; j -= gap)
				v[j] = v[j - gap];
			v[j] = x;
		}
	}
}

/* Sorts the samples and prints the BENCH line. The median is the middle
 * sample (the upper one of an even count) and p90 the sample at 90% of the
 * sorted list, as in user/tests/nullcall.c, so the figures agree. */
static inline void bench_report(const char *name, uint32_t param, uint64_t *v, int n)
{
	if (n <= 0)
		bench_fail("%s: no samples", name);
	bench_sort(v, n);
	printf("BENCH name=%s param=%u unit=%s n=%d min=%llu median=%llu p90=%llu\n", name,
	       (unsigned)param, bench_opt()->unit, n, (unsigned long long)v[0],
	       (unsigned long long)v[n / 2], (unsigned long long)v[n * 9 / 10]);
}

/* --- The file service, spoken directly --------------------------------------
 * The file benchmarks send abi/fs.h requests with svc_call rather than go
 * through libc's open/read/write: each read is then exactly one FS_READ
 * round trip, on both kernels, with no descriptor table in between, and
 * the benchmarks build whatever state libc's file API is in. */
static inline int bench_fs(int type, uint32_t w0, uint32_t w1, uint32_t w2, const void *buf,
			   uint32_t len, uint32_t rights)
{
	struct msg m;

	memset(&m, 0, sizeof(m));
	m.type = type;
	m.w[0] = w0;
	m.w[1] = w1;
	m.w[2] = w2;
	if (len) {
		m.grant.addr = (uint32_t)buf;
		m.grant.len = len;
		m.grant.rights = rights;
	}
	return svc_call(SVC_FS, &m);
}

/* Paths are absolute and travel with their NUL. */
static inline int bench_open(const char *path, int flags)
{
	return bench_fs(FS_OPEN, (uint32_t)flags, 0, 0, path, strlen(path) + 1, GRANT_READ);
}

static inline int bench_read(int h, void *buf, uint32_t n)
{
	return bench_fs(FS_READ, (uint32_t)h, 0, 0, buf, n, GRANT_WRITE);
}

static inline int bench_write(int h, const void *buf, uint32_t n)
{
	return bench_fs(FS_WRITE, (uint32_t)h, 0, 0, buf, n, GRANT_READ);
}

static inline int bench_seek(int h, int32_t off)
{
	return bench_fs(FS_SEEK, (uint32_t)h, (uint32_t)off, SEEK_SET, NULL, 0, 0);
}

static inline int bench_close(int h)
{
	return bench_fs(FS_CLOSE, (uint32_t)h, 0, 0, NULL, 0, 0);
}

static inline int bench_sync(void)
{
	return bench_fs(FS_SYNC, 0, 0, 0, NULL, 0, 0);
}

static inline int bench_path_op(int type, const char *path)
{
	return bench_fs(type, 0, 0, 0, path, strlen(path) + 1, GRANT_READ);
}

/* Exits with a SKIP line unless a file service answers and has a file
 * system mounted; then makes sure the folder dir exists. */
static inline void bench_need_fs(const char *dir)
{
	struct msg m;
	int r;

	memset(&m, 0, sizeof(m));
	m.type = MSG_PING;
	r = svc_call(SVC_FS, &m);
	if (r == -ENOENT)
		bench_skip("no file system");
	if (r < 0) {
		char why[100];

		snprintf(why, sizeof(why), "no file system (SVC_FS: %s)", strerror(r));
		bench_skip(why);
	}
	r = bench_fs(FS_STATFS, 0, 0, 0, NULL, 0, 0);
	if (r < 0) {
		char why[100];

		snprintf(why, sizeof(why), "no file system mounted (FS_STATFS: %s)", strerror(r));
		bench_skip(why);
	}
	r = bench_path_op(FS_MKDIR, dir);
	if (r < 0 && r != -EEXIST)
		bench_fail("mkdir %s: %s", dir, strerror(r));
}

/* Reads the file at path (its first max bytes; all of it if max is 0) in
 * small requests, to bring it into the file service's cache before a
 * benchmark times reads of it. Small, so that no single request waits for
 * the disk for long: under QEMU -icount,sleep=off (tools/guest-test.py's
 * measuring boot) each wait for a disk interrupt moves the virtual clock on
 * by a whole timer tick, and a request of a few hundred sectors would
 * "last" long enough for mono's 2 s watchdog or micro's heartbeat to take
 * the disk for hung. Returns the bytes read, or -errno. */
static inline int bench_warm(const char *path, uint32_t max)
{
	static uint8_t chunk[4096];
	int h = bench_open(path, O_RDONLY), r = 0;
	uint32_t total = 0;

	if (h < 0)
		return h;
	while (!max || total < max) {
		uint32_t n = max && max - total < sizeof(chunk) ? max - total : sizeof(chunk);

		if ((r = bench_read(h, chunk, n)) <= 0)
			break;
		total += (uint32_t)r;
	}
	bench_close(h);
	return r < 0 ? r : (int)total;
}

/* A byte of the test pattern: position-dependent, so that a read that
 * returned the wrong block is caught. */
static inline uint8_t bench_pattern(uint32_t pos)
{
	return (uint8_t)(pos * 2654435761u >> 24);
}

/* Writes size bytes of the pattern to path (created or emptied) in chunks
 * from buf (room for chunk bytes); then, if sync, writes it to the disk. */
static inline void bench_make_file(const char *path, uint32_t size, uint8_t *buf, uint32_t chunk,
				   int sync)
{
	int h = bench_open(path, O_WRONLY | O_CREAT | O_TRUNC);

	if (h < 0)
		bench_fail("create %s: %s", path, strerror(h));
	for (uint32_t done = 0; done < size; done += chunk) {
		uint32_t n = size - done < chunk ? size - done : chunk;

		for (uint32_t i = 0; i < n; i++)
			buf[i] = bench_pattern(done + i);
		int r = bench_write(h, buf, n);

		if (r != (int)n)
			bench_fail("write %s at %u: %d (%s)", path, (unsigned)done, r,
				   r < 0 ? strerror(r) : "short");
	}
	bench_close(h);
	int r = sync ? bench_sync() : 0;

	if (r < 0)
		bench_fail("sync: %s", strerror(r));
}

#endif
