/* init: the first process: keeps a shell running and reaps orphans */
#include <files.h>
#include <stdio.h>
#include <string.h>
#include <ulib.h>

/* A shell that ends sooner than this after starting (for example because
 * its input is already at its end) is restarted only after the same delay,
 * so that init does not spin starting shells. */
#define RESPAWN_DELAY_MS 1000

/* QEMU's exit status is (code << 1) | 1: 1 is a clean poweroff, 3 a kernel
 * panic, and this code (status 5) says "no shell could be started". */
#define POWEROFF_NO_SHELL 2

static int start_shell(void)
{
	static const char *const argv[] = {"sh", NULL};
	int pid = spawn("/bin/sh", argv);

	if (pid >= 0)
		return pid;
	/* The disk's /bin/sh may be broken (overwritten, say) while the copy
	 * in the kernel's ramdisk is fine: the ramdisk is what spawn falls
	 * back to only when the disk has no such file at all, so ask it
	 * directly (no image: the kernel looks the path up in its ramdisk). */
	dprintf(STDERR_FILENO, "init: cannot start /bin/sh: %s; trying the ramdisk's copy\n",
		strerror(pid));
	pid = syscall(SYS_SPAWN, (uint32_t) "/bin/sh", (uint32_t)argv, (uint32_t)environ, 0, 0);
	if (pid >= 0)
		return pid;
	/* Without a shell nothing can ever happen: stop the machine so that
	 * an unattended run ends instead of hanging, but write what the file
	 * service holds first, as /bin/poweroff does. */
	dprintf(STDERR_FILENO,
		"init: cannot start the ramdisk's /bin/sh either: %s; "
		"syncing and powering off\n",
		strerror(pid));
	sync();
	poweroff(POWEROFF_NO_SHELL);
	exit(1);
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
