/* uptime: time since boot, kernel flavour, IPC and number of processes */
#include <stdio.h>
#include <string.h>
#include <ulib.h>

int main(void)
{
	unsigned ms = uptime_ms();
	struct kinfo k;
	int r = kinfo(KINFO_KERNEL, &k);

	if (r < 0) {
		dprintf(STDERR_FILENO, "uptime: kinfo: %s\n", strerror(r));
		return 1;
	}
	printf("up %u.%02u s, kernel %.*s, ipc %.*s, %u processes\n", ms / 1000, ms % 1000 / 10,
	       (int)strnlen(k.flavour, sizeof(k.flavour)), k.flavour,
	       (int)strnlen(k.ipc, sizeof(k.ipc)), k.ipc, (unsigned)k.nprocs);
	return 0;
}
