/* t_sched: the timer preempts two CPU-bound children that never yield */
#define TEST_NAME "t_sched"
#include <stdlib.h>

#include "check.h"

#define SELF "/bin/t_sched"
#define NCHILDREN 2
#define PARENT_SLEEP_MS 300
/* The children stop this long after the start: well after the parent's
 * look at them, even on a slow emulator. */
#define SPIN_MS 1500
#define MAX_PROCS 64

/* Child mode: burn CPU until the absolute uptime `deadline`. The busy loop
 * between clock readings keeps the child mostly in user mode, so that only
 * the timer can take the CPU away from it. */
static int spin_until(unsigned deadline)
{
	while (uptime_ms() < deadline)
		for (volatile int i = 0; i < 100000; i++)
			;
	return 0;
}

static const struct procinfo *find(const struct procinfo *procs, int n, int pid)
{
	for (int i = 0; i < n; i++)
		if (procs[i].pid == pid)
			return &procs[i];
	return NULL;
}

int main(int argc, char **argv)
{
	static struct procinfo procs[MAX_PROCS];
	char deadline_text[12];
	const char *child_argv[] = { "t_sched", "--spin", deadline_text, NULL };
	int pids[NCHILDREN];
	unsigned start, deadline, woke;
	int n;

	if (argc == 3 && strcmp(argv[1], "--spin") == 0)
		return spin_until((unsigned)strtoul(argv[2], NULL, 10));

	start = uptime_ms();
	deadline = start + SPIN_MS;
	snprintf(deadline_text, sizeof(deadline_text), "%u", deadline);
	for (int i = 0; i < NCHILDREN; i++) {
		pids[i] = spawn(SELF, child_argv);
		if (pids[i] < 0)
			fail("spawn: %s", strerror(pids[i]));
	}

	check_int("sleep_ms while the children spin", sleep_ms(PARENT_SLEEP_MS), 0);
	woke = uptime_ms();
	printf("     parent woke at +%u ms, children spin until +%u ms\n", woke - start, SPIN_MS);
	if (woke >= deadline)
		fail("the parent ran only after the children's deadline: no preemption?");

	n = ps(procs, MAX_PROCS);
	if (n < 0)
		fail("ps: %s", strerror(n));
	for (int i = 0; i < NCHILDREN; i++) {
		const struct procinfo *p = find(procs, n, pids[i]);

		if (!p)
			fail("child %d is missing from ps", pids[i]);
		if (p->state == PSTATE_ZOMBIE)
			fail("child %d already ended before its deadline", pids[i]);
		if (p->ticks == 0)
			fail("child %d has run 0 ticks while spinning", pids[i]);
		printf("ok   child %d has run %u ticks\n", pids[i], (unsigned)p->ticks);
	}

	for (int i = 0; i < NCHILDREN; i++) {
		int status;

		check_int("wait returns the child", wait(pids[i], &status), pids[i]);
		check_int("the child's status", status, 0);
	}
	pass();
}
