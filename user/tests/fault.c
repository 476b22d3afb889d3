/* fault: crash on purpose: fault null|kwrite|priv|div|ud|fpu|stack */
#include <stdio.h>
#include <string.h>
#include <ulib.h>

/* Volatile, so that the compiler cannot see through the crash and replace
 * it with a trap of its own choosing (gcc turns a known NULL dereference
 * into ud2, for one). */
static int *volatile null_pointer;
static uint32_t *volatile kernel_pointer = (uint32_t *)0xC0100000u;
static volatile int zero;
static volatile int one = 1;
static volatile int stop_depth = -1;

static void read_null(void)
{
	printf("reading address 0\n");
	printf("read %d\n", *null_pointer);
}

static void write_kernel(void)
{
	printf("writing to kernel address %p\n", (void *)kernel_pointer);
	*kernel_pointer = 0xdeadbeef;
}

static void privileged(void)
{
	/* cli faults in ring 3 only while IOPL is 0; hlt always does. */
	printf("executing cli in ring 3\n");
	asm volatile("cli");
	printf("FAIL fault: cli did not fault in ring 3 (is IOPL 3?)\n");
	printf("executing hlt in ring 3\n");
	asm volatile("hlt");
}

static void divide(void)
{
	printf("dividing by zero\n");
	/* Both operands volatile: gcc computes 1 / x without dividing. */
	printf("quotient %d\n", one / zero);
}

static void undefined(void)
{
	printf("executing ud2\n");
	asm volatile("ud2");
}

/* The kernels keep no FPU state, so CR0.EM makes x87 instructions trap
 * (device not available) instead of sharing one FPU between programs. */
static void fpu(void)
{
	printf("executing fld1\n");
	asm volatile("fld1");
}

/* Each level keeps a frame of over 256 bytes alive across the call, so
 * this can become neither a loop nor a tail call. */
static int recurse(int depth)
{
	volatile char frame[256];

	frame[0] = (char)depth;
	if (depth == stop_depth)
		return 0;
	return recurse(depth + 1) + frame[0];
}

static void overflow_stack(void)
{
	printf("recursing until the stack overflows\n");
	printf("recursion returned %d\n", recurse(0));
}

static const struct fault {
	const char *name;
	void (*cause)(void);
} faults[] = {
	{"null", read_null},       {"kwrite", write_kernel}, {"priv", privileged},
	{"div", divide},           {"ud", undefined},        {"fpu", fpu},
	{"stack", overflow_stack},
};

int main(int argc, char **argv)
{
	for (size_t i = 0; argc == 2 && i < sizeof(faults) / sizeof(faults[0]); i++) {
		if (strcmp(argv[1], faults[i].name) == 0) {
			faults[i].cause();
			printf("FAIL fault: survived %s\n", faults[i].name);
			return 1;
		}
	}
	dprintf(STDERR_FILENO, "usage: fault null|kwrite|priv|div|ud|fpu|stack\n");
	return 2;
}
