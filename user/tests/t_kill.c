/* t_kill: kill stops descendants only, wherever they are blocked; EPERM for the rest */
#define TEST_NAME "t_kill"
#include <stdlib.h>

#include "check.h"

#define SELF "/bin/t_kill"
#define MAXP 64

static int spawn_mode(const char *mode, const char *arg)
{
	const char *argv[] = {"t_kill", mode, arg, NULL};
	int pid = spawn(SELF, argv);

	if (pid < 0)
		fail("spawn %s: %s", mode, strerror(pid));
	return pid;
}

/* The state ps shows for pid, or 0 if it is not listed. */
static int state_of(int pid, int *ppid)
{
	static struct procinfo pi[MAXP];
	int n = ps(pi, MAXP);

	for (int i = 0; i < n; i++)
		if (pi[i].pid == pid) {
			if (ppid)
				*ppid = pi[i].ppid;
			return pi[i].state;
		}
	return 0;
}

/* Waits (up to 2 s) until pid sleeps in the kernel, where we want it. */
static void until_sleeping(int pid, const char *what)
{
	for (int i = 0; i < 200; i++) {
		if (state_of(pid, NULL) == PSTATE_SLEEPING)
			return;
		sleep_ms(10);
	}
	fail("%s (pid %d) never blocked", what, pid);
}

/* Kills pid, reaps it and checks that it was stopped, promptly. */
static void kill_and_reap(int pid, const char *what)
{
	int status = 0;
	unsigned t0 = uptime_ms();

	check_err(what, kill(pid), 0);
	check_int("wait returns the killed child", wait(pid, &status), pid);
	if (status != WAIT_STOPPED)
		fail("%s: status %#x, want WAIT_STOPPED (%#x)", what, status, WAIT_STOPPED);
	unsigned ms = uptime_ms() - t0;

	if (ms > 3000) /* of a 60 s sleep: only a kill ends it this soon */
		fail("%s: took %u ms to stop", what, ms);
	printf("ok   stopped with WAIT_STOPPED in %u ms\n", ms);
}

static int child(const char *mode, const char *arg)
{
	char buf[64];
	struct msg m;

	if (strcmp(mode, "--spin") == 0)
		for (volatile int n = 0;; n++)
			;
	if (strcmp(mode, "--sleep") == 0)
		return sleep_ms((unsigned)atoi(arg)) < 0 ? 3 : 0;
	if (strcmp(mode, "--wait") == 0) {
		/* A grandchild that sleeps arg ms, and we wait for it. */
		int g = spawn_mode("--sleep", arg), status;

		return wait(g, &status) == g && status == WAIT_STOPPED ? 0 : 4;
	}
	if (strcmp(mode, "--read") == 0)
		return read(STDIN_FILENO, buf, sizeof(buf)) >= 0 ? 5 : 6;
	if (strcmp(mode, "--timer") == 0) {
		memset(&m, 0, sizeof(m));
		m.type = NULL_TIMER;
		m.w[0] = (uint32_t)atoi(arg);
		return svc_call(SVC_NULL, &m) >= 0 ? 7 : 8;
	}
	if (strcmp(mode, "--say") == 0) {
		/* For ^C from the test runner: once this is printed, the
		 * shell has told the console we are in the foreground. */
		printf("t_kill: blocking in %s\n", arg);
		return strcmp(arg, "read") == 0 ? child("--read", arg) : child("--sleep", "60000");
	}
	if (strcmp(mode, "--sibling") == 0)
		/* A sibling is not a descendant. */
		return kill(atoi(arg)) == -EPERM ? 0 : 9;
	return 10;
}

int main(int argc, char **argv)
{
	static struct procinfo pi[MAXP];
	int status, ppid = 0;

	if (argc == 3)
		return child(argv[1], argv[2]);

	/* Not ours: init, ourselves, our parent (the shell), servers and
	 * kernel threads; nonexistent pids. */
	check_err("kill(1): init", kill(1), -EPERM);
	check_err("kill(self)", kill(getpid()), -EPERM);
	if (!state_of(getpid(), &ppid) || ppid <= 0)
		fail("ps does not list us");
	check_err("kill(our parent)", kill(ppid), -EPERM);
	check_err("kill(0)", kill(0), -ESRCH);
	check_err("kill(-1)", kill(-1), -ESRCH);
	check_err("kill(a pid never used)", kill(0x7ffffff0), -ESRCH);
	int n = ps(pi, MAXP), special = 0;

	for (int i = 0; i < n; i++)
		if (pi[i].pid > 0 && (pi[i].flags & (PROC_F_SERVER | PROC_F_KERNEL))) {
			int r = kill(pi[i].pid);

			if (r != -EPERM)
				fail("kill(%d), %s: %d, want -EPERM", pi[i].pid, pi[i].name, r);
			special++;
		}
	printf("ok   kill of each of %d servers and kernel threads = -EPERM\n", special);
	/* The console's way to stop a program is not ours: the process
	 * service is private (its row in common/system.conf). */
	struct msg pm;

	memset(&pm, 0, sizeof(pm));
	pm.type = PROC_INTR;
	pm.w[0] = 1;
	check_err("a program's call to the process service", svc_call(SVC_PROC, &pm), -EPERM);

	/* Ours, wherever it is. */
	int pid = spawn_mode("--spin", "x");

	sleep_ms(30);
	kill_and_reap(pid, "kill(a spinning child)");
	pid = spawn_mode("--sleep", "60000");
	until_sleeping(pid, "a sleeping child");
	kill_and_reap(pid, "kill(a child in sleep)");
	pid = spawn_mode("--read", "x");
	until_sleeping(pid, "a child reading the console");
	kill_and_reap(pid, "kill(a child in a console read)");

	/* A grandchild is ours too: its parent, waiting, sees it stopped. */
	pid = spawn_mode("--wait", "60000");
	until_sleeping(pid, "a waiting child");
	int g = 0;

	for (int i = 0; i < 200 && !g; i++) {
		n = ps(pi, MAXP);
		for (int j = 0; j < n; j++)
			if (pi[j].ppid == pid && pi[j].state == PSTATE_SLEEPING)
				g = pi[j].pid;
		if (!g)
			sleep_ms(10);
	}
	if (!g)
		fail("the grandchild never blocked");
	check_err("kill(a grandchild)", kill(g), 0);
	check_int("its parent reaped it as stopped", wait(pid, &status), pid);
	check_int("and exited 0", status, 0);

	/* A child in wait() is stopped too; its orphan is init's, not ours. */
	pid = spawn_mode("--wait", "1500");
	until_sleeping(pid, "a waiting child");
	g = 0;
	for (int i = 0; i < 200 && !g; i++) {
		n = ps(pi, MAXP);
		for (int j = 0; j < n; j++)
			if (pi[j].ppid == pid)
				g = pi[j].pid;
		if (!g)
			sleep_ms(10);
	}
	if (!g)
		fail("the grandchild never started");
	kill_and_reap(pid, "kill(a child in wait)");
	check_err("kill(the orphan, now init's)", kill(g), -EPERM);

	/* A sibling may not stop a sibling. */
	char arg[16];

	pid = spawn_mode("--spin", "x");
	snprintf(arg, sizeof(arg), "%d", pid);
	int sib = spawn_mode("--sibling", arg);

	check_int("the sibling's kill was refused", wait(sib, &status), sib);
	check_int("(its exit code)", status, 0);
	kill_and_reap(pid, "kill(the spinner)");

	/* A child waiting in a service whose server holds its call (null's
	 * deferred NULL_TIMER): stopped at once, and the server, which
	 * answers a caller that is gone, goes on serving. */
	pid = spawn_mode("--timer", "1200");
	until_sleeping(pid, "a child in a service call");
	kill_and_reap(pid, "kill(a child in a service call)");
	struct msg m;
	int r = -EBUSY;

	for (int i = 0; i < 40 && r == -EBUSY; i++) {
		memset(&m, 0, sizeof(m));
		m.type = NULL_TIMER;
		m.w[0] = 50;
		r = svc_call(SVC_NULL, &m);
		if (r == -EBUSY)
			sleep_ms(100);
	}
	if (r < 50)
		fail("null's timer after the kill: %d, want >= 50 ms", r);
	printf("ok   null answers a new timer request: %d ms\n", r);
	check_err("kill(a reaped child)", kill(pid), -ESRCH);
	pass();
}
