/* bench_null: the null system call (SYS_GETPID): trap, dispatch, return */
#include "bench.h"

/* The measured region is exactly the one of user/tests/nullcall.c, so the
 * two agree: rdtsc; mov eax,esi; mov $nr,eax; int $0x80; rdtsc. The
 * baseline is the same region without the int, and its minimum is
 * subtracted, so what remains is the trap, the kernel's work and the iret.
 * Only the low half of the counter is needed: the region is short, and an
 * unsigned difference survives a wrap. */
static inline uint32_t time_getpid(void)
{
	uint32_t start, end;

	asm volatile("rdtsc\n\t"
		     "movl %%eax, %%esi\n\t"
		     "movl %[nr], %%eax\n\t"
		     "int $0x80\n\t"
		     "rdtsc"
		     : "=a"(end), "=S"(start)
		     : [nr] "i"(SYS_GETPID)
		     : "edx", "memory");
	return end - start;
}

static inline uint32_t time_nothing(void)
{
	uint32_t start, end;

	asm volatile("rdtsc\n\t"
		     "movl %%eax, %%esi\n\t"
		     "movl %[nr], %%eax\n\t"
		     "rdtsc"
		     : "=a"(end), "=S"(start)
		     : [nr] "i"(SYS_GETPID)
		     : "edx", "memory");
	return end - start;
}

int main(int argc, char **argv)
{
	uint64_t *v = bench_samples();
	uint32_t base = ~0u;
	int runs;

	bench_args(argc, argv);
	runs = bench_pick(2000, 500);
	for (int i = 0; i < 200; i++) {
		uint32_t t = time_nothing();

		base = t < base ? t : base;
	}
	for (int i = 0; i < 100; i++) /* warm-up: caches, TLB, QEMU's translations */
		time_getpid();
	for (int i = 0; i < runs; i++) {
		uint32_t t = time_getpid();

		v[i] = t > base ? t - base : 0;
	}
	bench_report("nullcall", 0, v, runs);
	return 0;
}
