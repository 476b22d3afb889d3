/* t_wait: wait reports each child's pid and exit code; ECHILD without children */
#define TEST_NAME "t_wait"
#include <stdlib.h>

#include "check.h"

#define SELF "/bin/t_wait"

static const char *const codes[] = { "0", "7", "255" };
#define NCHILDREN ((int)(sizeof(codes) / sizeof(codes[0])))

static int spawn_exiting(const char *code)
{
	const char *argv[] = { "t_wait", "--exit", code, NULL };
	int pid = spawn(SELF, argv);

	if (pid < 0)
		fail("spawn: %s", strerror(pid));
	return pid;
}

int main(int argc, char **argv)
{
	int pids[NCHILDREN];
	int reaped[NCHILDREN] = { 0 };
	int pid, status;

	if (argc == 3 && strcmp(argv[1], "--exit") == 0)
		return atoi(argv[2]);

	for (int i = 0; i < NCHILDREN; i++)
		pids[i] = spawn_exiting(codes[i]);

	/* Any order is right; each child must come back once, with its code. */
	for (int n = 0; n < NCHILDREN; n++) {
		int i;

		pid = wait(-1, &status);
		if (pid < 0)
			fail("wait(-1) for child %d of %d: %s", n + 1, NCHILDREN, strerror(pid));
		for (i = 0; i < NCHILDREN && pids[i] != pid; i++)
			;
		if (i == NCHILDREN)
			fail("wait(-1) returned %d, which is none of our children", pid);
		if (reaped[i])
			fail("wait(-1) returned pid %d twice", pid);
		reaped[i] = 1;
		if (status != atoi(codes[i]))
			fail("child %d: status 0x%x, want exit code %s", pid, status, codes[i]);
		printf("ok   child %d exited with %s\n", pid, codes[i]);
	}

	pid = spawn_exiting("42");
	check_int("wait(pid) returns that pid", wait(pid, &status), pid);
	check_int("its status", status, 42);

	check_err("wait(-1) with no children", wait(-1, &status), -ECHILD);
	check_err("wait for a pid that is not our child", wait(getpid(), &status), -ECHILD);
	pass();
}
