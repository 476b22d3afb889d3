/* restarts: how often the reincarnation server restarted each service */
#include <stdio.h>
#include <string.h>
#include <ulib.h>

static const char *const names[SVC_MAX] = {
	[SVC_CONSOLE] = "console", [SVC_NULL] = "null", [SVC_FS] = "fs",     [SVC_NET] = "net",
	[SVC_ATA] = "ata",         [SVC_ETH] = "e1000", [SVC_EVIL] = "evil", [SVC_RTC] = "rtc",
};

int main(void)
{
	struct msg m = {.type = RS_RESTARTS};
	int total = svc_call(SVC_RS, &m);
	if (total == -ENOENT) {
		/* mono has no servers: a component fault is a kernel panic. */
		printf("no reincarnation server in this kernel: nothing is ever restarted\n");
		return 0;
	}
	if (total < 0) {
		printf("restarts: %s\n", strerror(total));
		return 1;
	}
	printf("%d restart(s) in all\n", total);
	for (int s = 1; s < SVC_MAX && s < MSG_WORDS; s++)
		if (names[s] && m.w[s])
			printf("  %-8s %u\n", names[s], m.w[s]);
	return 0;
}
