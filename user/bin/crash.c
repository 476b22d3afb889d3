/* crash: inject a fault into a component: crash <service> null|loop */
#include <stdio.h>
#include <string.h>
#include <ulib.h>

/* The same request reaches the component in either kernel. In mono the
 * component is ring-0 code, so the kernel panics; in micro only its server
 * dies and is restarted. */
static const struct {
	const char *name;
	int svc;
} services[] = {
	{"console", SVC_CONSOLE}, {"null", SVC_NULL}, {"fs", SVC_FS},   {"net", SVC_NET},
	{"ata", SVC_ATA},         {"e1000", SVC_ETH}, {"rtc", SVC_RTC},
};

/* How long to wait for a restarted service to answer again: the
 * reincarnation server's back-off and a file system's mount fit well
 * inside it. */
#define BACK_TIMEOUT_MS 10000

/* After the fault, a ping waits in the kernel for the next instance, so
 * this returns once the service is back (or has been given up), and the
 * prompt that follows means the system is whole again. */
static int wait_until_back(int svc)
{
	unsigned start = uptime_ms();
	int r;

	do {
		struct msg m = {.type = MSG_PING};

		r = svc_call(svc, &m);
		if (r != -EDEADSRCDST)
			return r;
		sleep_ms(50);
	} while (uptime_ms() - start < BACK_TIMEOUT_MS);
	return r;
}

int main(int argc, char **argv)
{
	if (argc != 3 || (strcmp(argv[2], "null") != 0 && strcmp(argv[2], "loop") != 0)) {
		printf("usage: crash <service> null|loop\n");
		return 2;
	}
	int svc = 0;
	for (size_t i = 0; i < sizeof(services) / sizeof(services[0]); i++)
		if (strcmp(argv[1], services[i].name) == 0)
			svc = services[i].svc;
	if (!svc) {
		printf("crash: unknown service '%s'\n", argv[1]);
		return 2;
	}
	struct msg m = {.type = MSG_CRASH};
	m.w[0] = strcmp(argv[2], "null") == 0 ? CRASH_NULL : CRASH_LOOP;
	int r = svc_call(svc, &m);
	if (r == -ENOENT) {
		printf("crash: there is no %s service in this kernel\n", argv[1]);
		return 1;
	}
	if (r == -EPERM) {
		/* Either right may be missing: the service (a private one) or
		 * the fault privilege itself (a copy of this program). */
		printf("crash: refused: this program may not call the %s service, or holds no "
		       "fault privilege\n",
		       argv[1]);
		return 1;
	}
	/* In micro the call fails once the server dies; the next call goes to
	 * the restarted server, so this very printf shows the console is back. */
	printf("crash: the %s service answered %d (%s)\n", argv[1], r, r < 0 ? strerror(-r) : "ok");
	if (r == -EDEADSRCDST) {
		int back = wait_until_back(svc);
		if (back == 0)
			printf("crash: the %s service answers again\n", argv[1]);
		else
			printf("crash: the %s service is gone: %s\n", argv[1], strerror(back));
	}
	struct kinfo k;
	if (kinfo(KINFO_KERNEL, &k) == 0)
		printf("crash: %u server restart(s) so far\n", k.restarts);
	return 0;
}
