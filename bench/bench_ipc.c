/* bench_ipc: the null service round trip (MSG_PING to SVC_NULL), in memory and in registers */
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

/* The same request as SYS_CALLR, the message in registers: the trap and
 * the kernel's work only (abi/syscall.h). micro carries it on its register
 * fast path (micro/fastipc.c); the other kernels build a kernel message
 * from the registers. Registers in and out are the timed region's own, as
 * in bench_time_trap, which this mirrors for six registers. */
static inline uint32_t time_callr(void)
{
	uint32_t start, end, svc = SVC_NULL, type = MSG_PING, a = 0, b = 0;

	asm volatile("rdtsc\n\t"
		     "movl %%eax, %%edi\n\t"
		     "movl %[nr], %%eax\n\t"
		     "pushl %%edi\n\t"
		     "xorl %%edi, %%edi\n\t"
		     "int $0x80\n\t"
		     "popl %%edi\n\t"
		     "rdtsc"
		     : "=a"(end), "=D"(start), "+b"(svc), "+c"(type), "=d"(a), "+S"(b)
		     : [nr] "i"(SYS_CALLR)
		     : "memory");
	return end - start;
}

/* The cost of time_callr's region without the trap. */
static inline uint32_t time_callr_none(void)
{
	uint32_t start, end;

	asm volatile("rdtsc\n\t"
		     "movl %%eax, %%edi\n\t"
		     "movl %[nr], %%eax\n\t"
		     "pushl %%edi\n\t"
		     "xorl %%edi, %%edi\n\t"
		     "popl %%edi\n\t"
		     "rdtsc"
		     : "=a"(end), "=D"(start)
		     : [nr] "i"(SYS_CALLR)
		     : "edx", "memory");
	return end - start;
}

static void measure_callr(uint64_t *v, int runs)
{
	uint32_t base = ~0u, w[3] = {0, 0, 0};
	int r = svc_callr(SVC_NULL, MSG_PING, w);

	if (r != 0)
		bench_fail("SYS_CALLR to the null service answered %d", r);
	for (int i = 0; i < 200; i++) {
		uint32_t t = time_callr_none();

		base = t < base ? t : base;
	}
	for (int i = 0; i < 100; i++)
		time_callr();
	for (int i = 0; i < runs; i++) {
		uint32_t t = time_callr();

		v[i] = t > base ? t - base : 0;
	}
	bench_report("nullipc", 0, v, runs);
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
	measure_callr(v, runs);
	return 0;
}
