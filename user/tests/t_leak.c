/* t_leak: free frames and kernel heap bytes come back after 1000 processes, restarts and the fuzzer */
#define TEST_NAME "t_leak"
#include <stdlib.h>

#include "check.h"

/* After xv6's countfree: count what is free, do a lot, count again. The
 * work comes twice: a warm-up round first, because some memory is taken
 * once and kept (this program's own heap, which spawn uses to read
 * images; the page tables of the kernel's device window), then the round
 * that is measured, after which every frame and every byte of the
 * kernel's multi-page buffers must be back. Each server is restarted
 * through the deliberate faults (PRIV_FAULT, this program's row in
 * common/system.conf), where servers run at all. */

struct usage {
	uint32_t frames, heap, blocks;
};

static struct usage usage(void)
{
	struct kinfo k;

	if (kinfo(KINFO_KERNEL, &k) < 0)
		fail("kinfo");
	return (struct usage){k.frames_free, k.heap_used, k.heap_blocks};
}

static void run(const char *path, const char *const argv[], int want)
{
	int status = -1, pid = spawn(path, argv);

	if (pid < 0)
		fail("spawn %s: %s", path, strerror(pid));
	if (wait(pid, &status) != pid)
		fail("wait for %s", path);
	if (status != want)
		fail("%s: status %#x, want %#x", path, status, want);
}

static void spawn_and_reap(int n)
{
	static const char *const argv[] = {"true", NULL};

	for (int i = 0; i < n; i++)
		run("/bin/true", argv, 0);
	printf("ok   %d processes spawned and reaped\n", n);
}

static void spawn_and_kill(int n)
{
	static const char *const argv[] = {"spin", NULL};

	for (int i = 0; i < n; i++) {
		int status = -1, pid = spawn("/bin/spin", argv);

		if (pid < 0)
			fail("spawn spin: %s", strerror(pid));
		sleep_ms(i % 3 ? 0 : 20);
		if (kill(pid) < 0 || wait(pid, &status) != pid || status != WAIT_STOPPED)
			fail("kill of spin %d: status %#x", pid, status);
	}
	printf("ok   %d spinning processes killed and reaped\n", n);
}

static int ping(int svc)
{
	struct msg m = {.type = MSG_PING};

	return svc_call(svc, &m);
}

/* The pid of the server of svc, or 0 if it is no live server. */
static int server_pid(int svc)
{
	struct svcinfo si;

	if (syscall(SYS_KINFO, KINFO_SERVICE, (uint32_t)&si, (uint32_t)svc, 0, 0) < 0 ||
	    si.placement != SVCINFO_SERVER)
		return 0;
	return si.pid;
}

/* Crashes each live server `rounds` times and waits until it answers
 * again from a new instance. Returns the restarts done. */
static int restart_servers(int rounds)
{
	static const int svcs[] = {SVC_CONSOLE, SVC_NULL, SVC_ATA, SVC_FS, SVC_ETH, SVC_NET};
	int done = 0;

	for (unsigned i = 0; i < sizeof(svcs) / sizeof(svcs[0]); i++) {
		int svc = svcs[i];

		for (int r = 0; r < rounds; r++) {
			int old = server_pid(svc);

			if (!old || ping(svc) != 0)
				break; /* not a server here, or not running (no device) */
			/* A server that dies soon after it started counts as
			 * broken to the reincarnation server (rs.c): wait. */
			sleep_ms(600);
			struct msg m = {.type = MSG_CRASH};

			m.w[0] = CRASH_NULL;
			svc_call(svc, &m);
			unsigned t0 = uptime_ms();

			while ((server_pid(svc) == old || ping(svc) != 0) &&
			       uptime_ms() - t0 < 10000)
				sleep_ms(20);
			if (server_pid(svc) == old || ping(svc) != 0)
				fail("service %d did not come back after a crash", svc);
			done++;
		}
	}
	printf("ok   %d server restarts\n", done);
	return done;
}

static void fuzz(const char *calls)
{
	const char *const argv[] = {"sysfuzz", "-n", calls, "-p", "2", "-s", "7", NULL};

	run("/bin/sysfuzz", argv, 0);
	printf("ok   sysfuzz -n %s -p 2 -s 7 passed\n", calls);
}

/* Which parts run: s(pawn), k(ill), r(estart), f(uzz); all by default.
 * One part alone tells which leaks. */
static const char *parts = "skrf";

static void round(int spawns, int kills, int restarts, const char *calls)
{
	if (strchr(parts, 's'))
		spawn_and_reap(spawns);
	if (strchr(parts, 'k'))
		spawn_and_kill(kills);
	if (strchr(parts, 'r'))
		restart_servers(restarts);
	if (strchr(parts, 'f'))
		fuzz(calls);
}

int main(int argc, char **argv)
{
	int spawns = argc > 1 ? atoi(argv[1]) : 1000;

	if (argc > 2)
		parts = argv[2];
	if (spawns <= 0 || argc > 3)
		fail("usage: t_leak [SPAWNS [PARTS]] (default 1000 skrf)");
	round(20, 5, 1, "2000");
	struct usage before = usage(), after;

	printf("t_leak: before: %u frames free, kernel heap %u bytes in %u buffers\n",
	       (unsigned)before.frames, (unsigned)before.heap, (unsigned)before.blocks);
	round(spawns, 50, 2, "20000");
	/* Dead servers are init's to reap, which it does when it next runs:
	 * give it a moment before calling a difference a leak. */
	for (int i = 0; i < 50; i++) {
		after = usage();
		if (after.frames == before.frames && after.heap == before.heap &&
		    after.blocks == before.blocks)
			break;
		sleep_ms(100);
	}
	printf("t_leak: after:  %u frames free, kernel heap %u bytes in %u buffers\n",
	       (unsigned)after.frames, (unsigned)after.heap, (unsigned)after.blocks);
	check_int("free frames as before", (int)after.frames, (int)before.frames);
	check_int("kernel heap bytes as before", (int)after.heap, (int)before.heap);
	check_int("kernel heap buffers as before", (int)after.blocks, (int)before.blocks);
	pass();
}
