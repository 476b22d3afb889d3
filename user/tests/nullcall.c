/* nullcall: cost of the null system call (SYS_GETPID) in rdtsc ticks */
#include <stdio.h>
#include <ulib.h>

#define WARMUP 100
#define RUNS 1000

struct stats {
	uint32_t min, median, p90;
};

/* The measured region is exactly: rdtsc; mov eax,esi; mov $nr,eax;
 * int $0x80; rdtsc. The baseline is the same without the int, so that the
 * difference is the trap, the kernel's work and the return. Only the low
 * half of the counter is kept: a region is far shorter than 2^32 ticks and
 * unsigned subtraction survives a wrap. No lfence: the emulated CPU may
 * lack SSE2, and under -icount the counter is exact anyway. */
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

static struct stats summarize(uint32_t *v, int n)
{
	struct stats s;

	sort(v, n);
	s.min = v[0];
	s.median = v[n / 2];
	s.p90 = v[n * 9 / 10];
	return s;
}

int main(void)
{
	static uint32_t samples[RUNS];
	struct stats base, call;

	for (int i = 0; i < WARMUP; i++)
		time_nothing();
	for (int i = 0; i < RUNS; i++)
		samples[i] = time_nothing();
	base = summarize(samples, RUNS);

	for (int i = 0; i < WARMUP; i++)
		time_getpid();
	for (int i = 0; i < RUNS; i++) {
		uint32_t t = time_getpid();

		/* The baseline's minimum is its exact cost under -icount; a
		 * sample below it can only be noise on real hardware. */
		samples[i] = t > base.min ? t - base.min : 0;
	}
	call = summarize(samples, RUNS);

	printf("MEASURE rdtsc_overhead min=%u median=%u p90=%u unit=tsc\n", (unsigned)base.min,
	       (unsigned)base.median, (unsigned)base.p90);
	printf("MEASURE nullcall min=%u median=%u p90=%u unit=tsc\n", (unsigned)call.min,
	       (unsigned)call.median, (unsigned)call.p90);
	return 0;
}
