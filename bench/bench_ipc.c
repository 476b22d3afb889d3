/* bench_ipc: the null service round trip (MSG_PING to SVC_NULL) */
#include "bench.h"

/* SYS_CALL of an empty message to the null service, which answers at once.
 * mono: a trap and a direct call of the null component's handler under its
 * lock. micro: a trap, an IPC call to the null server (a switch of address
 * space), its reply (and the switch back). The region is
 * bench_time_trap's (bench.h). */
static inline uint32_t time_ping(struct msg *m)
{
	m->type = MSG_PING; /* the reply overwrote it */
	return bench_time_trap(SYS_CALL, SVC_NULL, (uint32_t)m);
}

int main(int argc, char **argv)
{
	/* Aligned so that the message never straddles two pages (that would
	 * take the kernels' slower copy path). */
	static struct msg m __attribute__((aligned(64)));
	uint64_t *v = bench_samples();
	uint32_t base;
	int runs, r;

	bench_args(argc, argv);
	runs = bench_pick(2000, 500);
	m.type = MSG_PING;
	r = svc_call(SVC_NULL, &m);
	if (r == -ENOENT)
		bench_skip("no null service");
	if (r != 0)
		bench_fail("the null service answered %d", r);
	base = bench_time_base(SYS_CALL);
	for (int i = 0; i < 100; i++)
		time_ping(&m);
	for (int i = 0; i < runs; i++) {
		uint32_t t = time_ping(&m);

		v[i] = t > base ? t - base : 0;
	}
	if (m.type != 0)
		bench_fail("the null service answered %d", m.type);
	bench_report("nullsvc", 0, v, runs);
	return 0;
}
