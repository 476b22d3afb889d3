/* kill: stop the processes PID... (only your own descendants) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ulib.h>

int main(int argc, char **argv)
{
	int failed = 0;

	if (argc < 2) {
		dprintf(STDERR_FILENO, "usage: kill PID... (ps shows the pids)\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		char *end;
		long pid = strtol(argv[i], &end, 10);

		if (*argv[i] == '\0' || *end != '\0' || pid <= 0 || pid > 0x7fffffffL) {
			dprintf(STDERR_FILENO, "kill: %s: not a process id (a number above 0)\n",
				argv[i]);
			failed = 1;
			continue;
		}
		int r = kill((int)pid);

		if (r == -EPERM)
			dprintf(STDERR_FILENO,
				"kill: %ld: not yours to stop (a program may stop only "
				"what it started; never init, a server or the kernel)\n",
				pid);
		else if (r == -ESRCH)
			dprintf(STDERR_FILENO, "kill: %ld: no such process\n", pid);
		else if (r < 0)
			dprintf(STDERR_FILENO, "kill: %ld: %s\n", pid, strerror(r));
		failed |= r < 0;
	}
	return failed;
}
