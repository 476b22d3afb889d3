/* bench_ctx: context switch: two processes taking turns with SYS_YIELD */
#include "bench.h"

/* There is no pipe to pass a token through as lmbench's lat_ctx does, so
 * the token is the CPU itself: two processes, both always runnable, each
 * calling yield() in a loop. The scheduler is round-robin (sched_yield puts
 * the caller at the tail of the run queue), so every yield of one switches
 * to the other. One timed yield of the parent is a round trip:
 *
 *   parent traps -> switch to the child (its page directory) -> the child
 *   returns from its own yield, loops, traps -> switch back -> the parent
 *   returns.
 *
 * That is two yields and two switches; the figure `ctxsw` is half of it:
 * one yield system call plus one switch between two address spaces. The
 * figure `yield` is the same call with nobody else runnable, so it switches
 * to no one: ctxsw - yield is roughly what the switch itself costs. Other
 * processes (the shell, init, servers) are all blocked meanwhile; a timer
 * tick or the reincarnation server's alarm on micro can land in a sample,
 * which shows in p90, not in the median. */
#define WARMUP 100

int main(int argc, char **argv)
{
	uint64_t *v = bench_samples();
	uint32_t base;
	int i = bench_args(argc, argv);
	int runs = bench_pick(2000, 500);

	/* The partner: yields more often than the parent will, so that it is
	 * runnable for the whole measurement; once the parent waits, it
	 * finishes its loop alone, quickly. */
	if (i + 1 < argc && strcmp(argv[i], "child") == 0) {
		for (int n = atoi(argv[i + 1]); n > 0; n--)
			yield();
		return 0;
	}

	base = bench_time_base(SYS_YIELD);

	/* Alone. */
	for (int k = 0; k < WARMUP; k++)
		bench_time_trap(SYS_YIELD, 0, 0);
	for (int k = 0; k < runs; k++) {
		uint32_t t = bench_time_trap(SYS_YIELD, 0, 0);

		v[k] = t > base ? t - base : 0;
	}
	bench_report("yield", 0, v, runs);

	/* In pairs. The partner comes from the kernel's ramdisk (SYS_SPAWN
	 * with no image), so this needs no file system. */
	char count[16];
	snprintf(count, sizeof(count), "%d", 2 * (WARMUP + runs) + 1000);
	const char *cargv[] = {"bench_ctx", "child", count, NULL};
	int pid = syscall(SYS_SPAWN, (uint32_t) "/bin/bench_ctx", (uint32_t)cargv, 0, 0, 0);
	int status;

	if (pid < 0)
		bench_fail("spawn the partner: %s", strerror(pid));
	/* The first yields let the partner start up and reach its loop. */
	for (int k = 0; k < WARMUP; k++)
		bench_time_trap(SYS_YIELD, 0, 0);
	for (int k = 0; k < runs; k++) {
		uint32_t t = bench_time_trap(SYS_YIELD, 0, 0);

		v[k] = (t > base ? t - base : 0) / 2;
	}
	if (wait(pid, &status) != pid || status != 0)
		bench_fail("the partner ended with status %#x", (unsigned)status);
	bench_report("ctxsw", 0, v, runs);
	return 0;
}
