/* ps: list the processes with their state, memory and CPU ticks */
#include <stdio.h>
#include <string.h>
#include <ulib.h>

#define MAX_PROCS 64

static const char *state_name(int state)
{
	switch (state) {
	case PSTATE_RUNNABLE:
		return "runnable";
	case PSTATE_RUNNING:
		return "running";
	case PSTATE_SLEEPING:
		return "sleeping";
	case PSTATE_ZOMBIE:
		return "zombie";
	default:
		return "?";
	}
}

int main(void)
{
	static struct procinfo procs[MAX_PROCS];
	int n = ps(procs, MAX_PROCS);

	if (n < 0) {
		dprintf(STDERR_FILENO, "ps: %s\n", strerror(n));
		return 1;
	}
	printf("  PID  PPID STATE     MEM(KiB)    TICKS NAME\n");
	for (int i = 0; i < n; i++) {
		const struct procinfo *p = &procs[i];
		/* The kernel fills the whole name field; it need not end in NUL. */
		int len = (int)strnlen(p->name, PROC_NAME_LEN);
		const char *kind = "";

		if (p->flags & PROC_F_KERNEL)
			kind = " [kernel]";
		else if (p->flags & PROC_F_SERVER)
			kind = " [server]";

		printf("%5d %5d %-9s %8u %8u %.*s%s\n", (int)p->pid, (int)p->ppid,
		       state_name(p->state), (unsigned)p->mem_kib, (unsigned)p->ticks, len, p->name,
		       kind);
	}
	return 0;
}
