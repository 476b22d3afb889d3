/* nullipc: cost of a null service round trip (MSG_PING to SVC_NULL) in rdtsc ticks */
#include <stdio.h>
#include <ulib.h>

#define WARMUP 100
#define RUNS 1000

/* The same shape as nullcall: rdtsc, the trap, rdtsc, with the baseline
 * (no trap) subtracted. The trap is SYS_CALL with an empty message: in
 * mono a direct call into the null component, in micro an IPC call to the
 * null server and its reply. Under -icount one tick is one instruction. */
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

static void sort(uint32_t *v, int n)
{
	for (int i = 1; i < n; i++) {
		uint32_t x = v[i];
		int j = i;

		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

int main(void)
{
	static uint32_t samples[RUNS];
	static struct msg m __attribute__((aligned(64)));

	for (int i = 0; i < RUNS; i++)
		samples[i] = time_nothing();
	sort(samples, RUNS);
	uint32_t base = samples[0];
	for (int i = 0; i < WARMUP; i++)
		time_call(&m);
	for (int i = 0; i < RUNS; i++) {
		uint32_t t = time_call(&m);

		samples[i] = t > base ? t - base : 0;
	}
	if (m.type != 0) {
		printf("FAIL nullipc: the null service answered %d\n", m.type);
		return 1;
	}
	sort(samples, RUNS);
	printf("MEASURE nullipc min=%u median=%u p90=%u unit=tsc\n", samples[0], samples[RUNS / 2],
	       samples[RUNS * 9 / 10]);
	return 0;
}
