/* init: the first process: keeps a shell running and reaps orphans */
#include <stdio.h>
#include <string.h>
#include <ulib.h>

/* A shell that ends sooner than this after starting (for example because
 * its input is already at its end) is restarted only after the same delay,
 * so that init does not spin starting shells. */
#define RESPAWN_DELAY_MS 1000

static int start_shell(void)
{
	static const char *const argv[] = { "sh", NULL };
	int pid = spawn("/bin/sh", argv);

	if (pid < 0) {
		/* Without a shell nothing can ever happen: stop the machine so
		 * that an unattended run ends instead of hanging. */
		dprintf(STDERR_FILENO, "init: cannot start /bin/sh: %s\n", strerror(pid));
		poweroff(1);
		exit(1);
	}
	return pid;
}

int main(void)
{
	int shell = start_shell();
	unsigned started = uptime_ms();

	/* As pid 1, init inherits every orphan; waiting for any child reaps
	 * them as well as noticing when the shell ends. */
	for (;;) {
		int pid = wait(-1, NULL);

		if (pid < 0) {
			/* Only if the kernel lost track of the shell. */
			dprintf(STDERR_FILENO, "init: wait: %s\n", strerror(pid));
			sleep_ms(RESPAWN_DELAY_MS);
			shell = start_shell();
			started = uptime_ms();
			continue;
		}
		if (pid != shell)
			continue;
		if (uptime_ms() - started < RESPAWN_DELAY_MS)
			sleep_ms(RESPAWN_DELAY_MS);
		shell = start_shell();
		started = uptime_ms();
	}
}
