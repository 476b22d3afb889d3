/* The reincarnation server (after MINIX 3's): the policy half of fault
 * tolerance, in ring 3. The kernel only reports (a server died; an alarm
 * went off) and acts when asked (restart a service from its boot image;
 * kill a server). What to do about a fault is decided here:
 *
 *  - a dead server is restarted at once, unless it keeps dying right after
 *    starting, which means it is broken rather than unlucky;
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
#include "ulib.h"

#define HEARTBEAT_MS     250
#define HANG_MS          2000
#define QUICK_DEATH_MS   500 /* dying this soon after starting counts as quick */
#define MAX_QUICK_DEATHS 3

static uint32_t restarts[SVC_MAX], quick_deaths[SVC_MAX], started_ms[SVC_MAX], total;
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

static void restart(int svc)
{
	struct srv_info in;
	if (sc(SYS_SRV_INFO, (uint32_t)svc, (uint32_t)&in) < 0 || given_up[svc])
		return;
	uint32_t now = (uint32_t)sc(SYS_UPTIME, 0, 0);
	quick_deaths[svc] = now - started_ms[svc] < QUICK_DEATH_MS ? quick_deaths[svc] + 1 : 0;
	if (quick_deaths[svc] >= MAX_QUICK_DEATHS) {
		say("rs: %s died %u times right after starting; leaving it dead\n", in.name,
		    quick_deaths[svc]);
		given_up[svc] = 1;
		sc(SYS_SRV_RETIRE, (uint32_t)svc, 0);
		return;
	}
	int pid = sc(SYS_SRV_RESTART, (uint32_t)svc, 0);
	if (pid < 0) {
		say("rs: cannot restart %s (error %d)\n", in.name, pid);
		return;
	}
	restarts[svc]++;
	total++;
	started_ms[svc] = now;
	say("rs: restarted %s as pid %d (restart #%u)\n", in.name, pid, restarts[svc]);
}

/* The heartbeat: is every server either waiting or making progress? */
static void heartbeat(void)
{
	for (int svc = 1; svc < SVC_MAX; svc++) {
		struct srv_info in;
		if (svc == SVC_RS || sc(SYS_SRV_INFO, (uint32_t)svc, (uint32_t)&in) < 0 || !in.pid)
			continue;
		if (in.busy_ms > HANG_MS && !in.waiting_on) {
			say("rs: %s (pid %d) missed its heartbeat: busy %u ms; killing it\n",
			    in.name, in.pid, in.busy_ms);
			sc(SYS_SRV_KILL, (uint32_t)svc, 0);
		}
	}
	sc(SYS_ALARM, HEARTBEAT_MS, 0);
}

int main(void)
{
	if (sc(SYS_RS_REGISTER, 0, 0) < 0) {
		say("rs: cannot register as the reincarnation server\n");
		return 1;
	}
	sc(SYS_ALARM, HEARTBEAT_MS, 0);
	static struct msg m __attribute__((aligned(64)));
	for (;;) {
		if (sc(SYS_RECV, (uint32_t)&m, 0) < 0)
			continue;
		if (m.type == MSG_NOTIFY) {
			for (int svc = 1; svc < SVC_MAX; svc++)
				if (m.w[0] & (1u << NOTIFY_DEATH(svc)))
					restart(svc);
			if (m.w[0] & (1u << NOTIFY_ALARM))
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
