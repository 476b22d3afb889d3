/* bench_null: the null system call (SYS_GETPID): trap, dispatch, return */
#include "bench.h"

/* The region is bench_time_trap's (bench.h): the trap, the kernel's work
 * and the iret, with the overhead of reading the counter taken off. */
int main(int argc, char **argv)
{
	uint64_t *v = bench_samples();
	uint32_t base;
	int runs;

	bench_args(argc, argv);
	runs = bench_pick(2000, 500);
	base = bench_time_base(SYS_GETPID);
	for (int i = 0; i < 100; i++) /* warm-up: caches, TLB, QEMU's translations */
		bench_time_trap(SYS_GETPID, 0, 0);
	for (int i = 0; i < runs; i++) {
		uint32_t t = bench_time_trap(SYS_GETPID, 0, 0);

		v[i] = t > base ? t - base : 0;
	}
	bench_report("nullcall", 0, v, runs);
	return 0;
}
