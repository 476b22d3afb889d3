/* bench_ipc: the null service round trip (MSG_PING to SVC_NULL) */
#include "bench.h"

/* SYS_CALL of an empty message to the null service, which answers at once.
 * mono: a trap and a direct call of the null component's handler under its
 * lock. micro: a trap, an IPC call to the null server (a switch of address
 * space), its reply (and the switch back). The region and its baseline are
 * those of user/tests/nullipc.c. */
static inline uint32_t time_call(struct msg *m)
{
	uint32_t start, end;

	m->type = MSG_PING;
	asm volatile("rdtsc\n\t"
		     "movl %%eax, %%esi\n\t"
		     "movl %[nr], %%eax\n\t"
		     "int $0x80\n\t"
		     "rdtsc"
		     : "=a"(end), "=S"(start)
		     : [nr] "i"(SYS_CALL), "b"(SVC_NULL), "c"(m)
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
		     : [nr] "i"(SYS_CALL)
		     : "edx", "memory");
	return end - start;
}

int main(int argc, char **argv)
{
	/* Aligned so that the message never straddles two pages (that would
	 * take the kernels' slower copy path). */
	static struct msg m __attribute__((aligned(64)));
	uint64_t *v = bench_samples();
	uint32_t base = ~0u;
	int runs, r;

	bench_args(argc, argv);
	runs = bench_pick(2000, 500);
	m.type = MSG_PING;
	r = svc_call(SVC_NULL, &m);
	if (r == -ENOENT)
		bench_skip("no null service");
	if (r != 0)
		bench_fail("the null service answered %d", r);
	for (int i = 0; i < 200; i++) {
		uint32_t t = time_nothing();

		base = t < base ? t : base;
	}
	for (int i = 0; i < 100; i++)
		time_call(&m);
	for (int i = 0; i < runs; i++) {
		uint32_t t = time_call(&m);

		v[i] = t > base ? t - base : 0;
	}
	if (m.type != 0)
		bench_fail("the null service answered %d", m.type);
	bench_report("nullsvc", 0, v, runs);
	return 0;
}
