/* The reincarnation server (after MINIX 3's): the policy half of fault
 * tolerance, in ring 3. The kernel only reports (a server died; an alarm
 * went off) and acts when asked (restart a service from its boot image;
 * kill a server). What to do about a fault is decided here:
 *
 *  - a dead server is restarted at once; one that keeps dying right after
 *    starting is restarted after a growing delay (back-off), and given up
 *    on after MAX_QUICK_DEATHS, because it is broken rather than unlucky;
 *  - a restart that fails (the kernel could not start it) is tried again
 *    after a growing delay, and the service is retired after
 *    MAX_START_FAILURES: its callers then get an error instead of waiting;
 *  - every HEARTBEAT_MS the server's progress is checked: one that has held
 *    a request for HANG_MS without answering or waiting for anything (not
 *    even another service) is hung, and is killed, and so restarted.
 *
 * It answers RS_RESTARTS so that a person can see the count. */
#include <stdarg.h>

#include "../server_abi.h"
#include "abi/errno.h"
#include "abi/msg.h"
#include "abi/syscall.h"
#include "klib.h"
#include "string.h"
#include "ulib.h"

#define HEARTBEAT_MS       250
#define HANG_MS            2000
#define QUICK_DEATH_MS     500 /* dying this soon after starting counts as quick */
#define MAX_QUICK_DEATHS   4
#define MAX_START_FAILURES 5

static uint32_t restarts[SVC_MAX], quick_deaths[SVC_MAX], total;
static uint32_t start_failures[SVC_MAX];
static uint32_t retry_at[SVC_MAX]; /* a delayed restart is due then (0: none) */
static int given_up[SVC_MAX];

/* A server call with up to two arguments, through libc's trap. */
#define sc(nr, a, b) syscall((nr), (uint32_t)(a), (uint32_t)(b), 0, 0, 0)

static void say(const char *fmt, ...)
{
	char buf[160];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	sc(SYS_KLOG, (uint32_t)buf, n < (int)sizeof(buf) ? (uint32_t)n : sizeof(buf) - 1);
}

static uint32_t now_ms(void)
{
	return (uint32_t)sc(SYS_UPTIME, 0, 0);
}

/* Retires the service: the kernel answers its waiting and future callers
 * with -EDEADSRCDST rather than keep them waiting for a server that will
 * not come. */
static void give_up(int svc, const char *name, const char *why)
{
	say("rs: giving up on %s: %s; its callers get an error from now on\n", name, why);
	given_up[svc] = 1;
	retry_at[svc] = 0;
	sc(SYS_SRV_RETIRE, (uint32_t)svc, 0);
}

static void try_start(int svc, const char *name)
{
	retry_at[svc] = 0;
	int pid = sc(SYS_SRV_RESTART, (uint32_t)svc, 0);
	if (pid < 0) {
		char why[80];
		if (++start_failures[svc] >= MAX_START_FAILURES) {
			snprintf(why, sizeof(why), "%u restarts failed (last: %s)",
				 start_failures[svc], strerror(pid));
			give_up(svc, name, why);
			return;
		}
		uint32_t delay = HEARTBEAT_MS << (start_failures[svc] - 1);
		say("rs: cannot restart %s: %s (error %d); trying again in %u ms\n", name,
		    strerror(pid), pid, delay);
		retry_at[svc] = (now_ms() + delay) | 1;
		return;
	}
	start_failures[svc] = 0;
	restarts[svc]++;
	total++;
	say("rs: restarted %s as pid %d (restart #%u)\n", name, pid, restarts[svc]);
}

/* The server of svc died. */
static void restart(int svc)
{
	struct srv_info in;
	if (sc(SYS_SRV_INFO, (uint32_t)svc, (uint32_t)&in) < 0 || given_up[svc])
		return;
	uint32_t now = now_ms();
	quick_deaths[svc] = now - in.started_ms < QUICK_DEATH_MS ? quick_deaths[svc] + 1 : 0;
	if (quick_deaths[svc] >= MAX_QUICK_DEATHS) {
		char why[80];
		snprintf(why, sizeof(why), "it died %u times in a row right after starting",
			 quick_deaths[svc]);
		give_up(svc, in.name, why);
		return;
	}
	if (quick_deaths[svc] == 0) {
		try_start(svc, in.name);
		return;
	}
	/* Back-off: each quick death doubles the wait before the next try. */
	uint32_t delay = HEARTBEAT_MS << (quick_deaths[svc] - 1);
	say("rs: %s died %u ms after starting; restarting it in %u ms\n", in.name,
	    now - in.started_ms, delay);
	retry_at[svc] = (now + delay) | 1;
}

/* The heartbeat: is every server either waiting or making progress? */
static void heartbeat(void)
{
	uint32_t now = now_ms();
	int seen[SVC_MAX], nseen = 0; /* a server of two services is checked once */
	for (int svc = 1; svc < SVC_MAX; svc++) {
		struct srv_info in;
		if (svc == SVC_RS || sc(SYS_SRV_INFO, (uint32_t)svc, (uint32_t)&in) < 0)
			continue;
		if (retry_at[svc] && (int32_t)(now - retry_at[svc]) >= 0 && !in.pid)
			try_start(svc, in.name);
		int again = 0;
		for (int i = 0; i < nseen; i++)
			again |= seen[i] == in.pid;
		if (!in.pid || again)
			continue;
		seen[nseen++] = in.pid;
		/* Waiting on another service or on its device is not a hang
		 * (a driver bounds its device waits itself: component.h). */
		if (in.busy_ms > HANG_MS && !in.waiting_on && !in.device_wait) {
			say("rs: %s (pid %d) missed its heartbeat: busy %u ms; killing it\n",
			    in.name, in.pid, in.busy_ms);
			sc(SYS_SRV_KILL, (uint32_t)svc, 0);
		}
	}
	sc(SYS_TIMER_SET, HEARTBEAT_MS, 0);
}

int main(void)
{
	if (sc(SYS_RS_REGISTER, 0, 0) < 0) {
		say("rs: cannot register as the reincarnation server\n");
		return 1;
	}
	sc(SYS_TIMER_SET, HEARTBEAT_MS, 0);
	static struct msg m __attribute__((aligned(64)));
	for (;;) {
		int got = sc(SYS_RECV, (uint32_t)&m, 0);
		if (got < 0)
			continue;
		if (got == 0) { /* a notification, from the kernel only */
			for (int svc = 1; svc < SVC_MAX; svc++)
				if (m.w[3] & SVC_BIT(svc))
					restart(svc);
			if (m.w[2] & NOTIFY_TIMER)
				heartbeat();
			continue;
		}
		uint32_t client = m.sender;
		if (m.type == RS_RESTARTS) {
			memset(m.w, 0, sizeof(m.w));
			for (int s = 0; s < SVC_MAX && s < MSG_WORDS; s++)
				m.w[s] = restarts[s];
			m.type = (int32_t)total;
		} else if (m.type == MSG_PING) {
			m.type = 0;
		} else {
			m.type = -ENOSYS;
		}
		sc(SYS_REPLY, client, (uint32_t)&m);
	}
}
