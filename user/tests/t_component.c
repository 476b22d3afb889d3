/* t_component: the component API alike in every placement: two services, timers, notify, call cycles */
#include <stdio.h>
#include <ulib.h>

#define TEST_NAME "t_component"
#include "check.h"

static int ask(int svc, int type, uint32_t w0, struct msg *out)
{
	struct msg m = {.type = type};
	m.w[0] = w0;
	int r = svc_call(svc, &m);
	if (out)
		*out = m;
	return r;
}

int main(void)
{
	struct svcinfo si;
	check_int("kinfo of null", syscall(SYS_KINFO, KINFO_SERVICE, (uint32_t)&si, SVC_NULL, 0, 0),
		  0);
	printf("     null runs %s\n", si.placement == SVCINFO_SERVER ? "as a server" : "in ring 0");

	/* One component, two services: each has its own handler. */
	check_int("NULL_ECHO on SVC_NULL", ask(SVC_NULL, NULL_ECHO, 41, NULL), 41);
	check_int("NULL_ECHO on SVC_NULL2 (its other handler)", ask(SVC_NULL2, NULL_ECHO, 41, NULL),
		  42);
	check_int("MSG_PING on SVC_NULL2", ask(SVC_NULL2, MSG_PING, 0, NULL), 0);

	/* A timer: the reply is deferred until timer() runs. */
	unsigned t0 = uptime_ms();
	int waited = ask(SVC_NULL, NULL_TIMER, 100, NULL);
	unsigned took = uptime_ms() - t0;
	printf("     the timer of 100 ms answered after %d ms (we waited %u ms)\n", waited, took);
	check(waited >= 90 && waited < 1000, "the component's timer fired after about 100 ms");
	check(took >= 90, "the caller waited for it");
	check_err("a timer of 0 ms", ask(SVC_NULL, NULL_TIMER, 0, NULL), -EINVAL);

	/* Notifications: asynchronous, so wait (bounded) for the count. */
	struct msg m;
	int before = ask(SVC_NULL, NULL_NOTIFIED, 0, NULL);
	check_int("notify(SVC_NULL2) from inside null", ask(SVC_NULL, NULL_NOTIFY, 0, NULL), 0);
	int after = before;
	for (int i = 0; i < 100 && after == before; i++) {
		sleep_ms(10);
		after = ask(SVC_NULL, NULL_NOTIFIED, 0, &m);
	}
	check(after == before + 1, "the notification arrived");
	check_int("it names the sender", (int)m.w[0], (int)SVC_BIT(SVC_NULL));

	/* A call that would wait on itself is refused, never a deadlock. */
	check_err("null calls its own service from a handler",
		  ask(SVC_NULL, NULL_CALL, SVC_NULL2, NULL), -EDEADLK);
	check_err("null calls a service its row does not grant",
		  ask(SVC_NULL, NULL_CALL, SVC_CONSOLE, NULL), -EPERM);
	check_int("and it still answers", ask(SVC_NULL, NULL_ECHO, 7, NULL), 7);
	pass();
}
