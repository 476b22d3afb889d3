/* t_lab1: lab 1's checks: getppid (SYS_GETPPID) and the null service's NULL_COUNT */
#include <stdio.h>
#include <string.h>
#include <ulib.h>

#define TEST_NAME "t_lab1"
#include "check.h"

/* The parent's pid as the process table shows it (SYS_PS), to compare
 * with what the new system call says. */
static int ppid_from_ps(void)
{
	static struct procinfo pi[64];
	int n = ps(pi, 64), me = getpid();
	for (int i = 0; i < n; i++)
		if (pi[i].pid == me)
			return pi[i].ppid;
	fail("ps does not list this process (pid %d)", me);
}

static int ask(int type, uint32_t w0)
{
	struct msg m = {.type = type};
	m.w[0] = w0;
	return svc_call(SVC_NULL, &m);
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "ppid") == 0) {
		int want = ppid_from_ps(), got = getppid();
		check_int("getppid()", got, want);
		check_int("the raw SYS_GETPPID", syscall(SYS_GETPPID, 0, 0, 0, 0, 0), want);
		printf("     getppid() = %d\n", got);
		pass();
	}
	if (argc == 2 && strcmp(argv[1], "count") == 0) {
		int c0 = ask(NULL_COUNT, 0);
		if (c0 < 1)
			fail("NULL_COUNT = %d, want at least 1 (it counts itself)", c0);
		for (int i = 0; i < 5; i++)
			check_int("NULL_ECHO", ask(NULL_ECHO, 100 + i), 100 + i);
		/* SVC_NULL2 has its own handler: not counted. */
		struct msg m = {.type = NULL_ECHO};
		svc_call(SVC_NULL2, &m);
		int c1 = ask(NULL_COUNT, 0);
		check_int("NULL_COUNT after 5 echoes (and the first NULL_COUNT)", c1 - c0, 6);
		printf("     NULL_COUNT went from %d to %d\n", c0, c1);
		pass();
	}
	printf("usage: t_lab1 ppid|count\n");
	return 2;
}
