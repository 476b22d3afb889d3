/* t_callr: SYS_CALLR, the message in registers, gives what SYS_CALL gives */
#define TEST_NAME "t_callr"
#include <stdlib.h>

#include "check.h"

#define CALLS 100

/* SYS_CALL of the same request, for comparison: type and w[0..2]. */
static int call_mem(int svc, int type, uint32_t w[3])
{
	struct msg m = {.type = type};
	for (int i = 0; i < 3; i++)
		m.w[i] = w[i];
	int r = svc_call(svc, &m);
	for (int i = 0; i < 3; i++)
		w[i] = m.w[i];
	return r;
}

static void check_words(const char *what, const uint32_t got[3], uint32_t a, uint32_t b, uint32_t c)
{
	if (got[0] != a || got[1] != b || got[2] != c)
		fail("%s: words %x %x %x, want %x %x %x", what, got[0], got[1], got[2], a, b, c);
}

/* Both calls, one request: the same reply type and words. */
static void same(const char *what, int svc, int type, uint32_t a, uint32_t b, uint32_t c)
{
	uint32_t wr[3] = {a, b, c}, wm[3] = {a, b, c};
	int rr = svc_callr(svc, type, wr), rm = call_mem(svc, type, wm);
	if (rr != rm)
		fail("%s: SYS_CALLR answered %d, SYS_CALL %d", what, rr, rm);
	check_words(what, wr, wm[0], wm[1], wm[2]);
}

/* ebx and ecx come back as they went (abi/syscall.h). */
static void check_preserved(void)
{
	uint32_t svc = SVC_NULL, type = NULL_MIX, a = 1, b = 2, c = 3;
	int r;
	asm volatile("int $0x80"
		     : "=a"(r), "+b"(svc), "+c"(type), "+d"(a), "+S"(b), "+D"(c)
		     : "0"(SYS_CALLR)
		     : "memory");
	check_int("NULL_MIX in asm", r, 6);
	if (svc != SVC_NULL || type != NULL_MIX)
		fail("ebx, ecx = %u, %u after the call, want %u, %u", svc, type, SVC_NULL,
		     NULL_MIX);
	uint32_t w[3] = {a, b, c};
	check_words("NULL_MIX in asm", w, 3, 1, 2);
	printf("ok registers ebx and ecx preserved\n");
}

/* A child blocked in a SYS_CALLR (a deferred NULL_TIMER) is killed. */
static void check_killed_caller(void)
{
	const char *argv[] = {"t_callr", "wait", NULL};
	int pid = spawn("/bin/t_callr", argv), status = 0;
	if (pid < 0)
		fail("spawn: %s", strerror(pid));
	sleep_ms(50);
	check_int("kill of the waiting child", kill(pid), 0);
	check_int("wait", wait(pid, &status), pid);
	check_int("its status", status, WAIT_STOPPED);
	/* The null service is not left waiting on it: its timer answers
	 * nobody, and the service answers the next caller. */
	sleep_ms(350);
	uint32_t w[3] = {0};
	check_int("NULL_ECHO after the kill", svc_callr(SVC_NULL, NULL_ECHO, w), 0);
	printf("ok a caller killed while it waits\n");
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "wait") == 0) {
		uint32_t w[3] = {300, 0, 0};
		svc_callr(SVC_NULL, NULL_TIMER, w);
		printf("FAIL t_callr: the killed child's call returned\n");
		return 1;
	}
	struct kinfo k0, k1;

	/* The words travel both ways, and nothing else travels. */
	uint32_t w[3] = {10, 200, 3000};
	check_int("NULL_MIX", svc_callr(SVC_NULL, NULL_MIX, w), 3210);
	check_words("NULL_MIX", w, 3000, 10, 200);
	same("NULL_MIX", SVC_NULL, NULL_MIX, 0xffffffffu, 7, 0x80000000u);
	same("NULL_ECHO", SVC_NULL, NULL_ECHO, 42, 43, 44);
	same("an unknown request", SVC_NULL, 0x1234, 1, 2, 3);
	same("MSG_PING", SVC_NULL, MSG_PING, 0, 0, 0);
	printf("ok words both ways, as SYS_CALL\n");

	/* Refusals: the same errors, and the words stay as they went. */
	same("service 0", 0, MSG_PING, 1, 2, 3);
	same("service 200", 200, MSG_PING, 1, 2, 3);
	same("the private disk service", SVC_ATA, MSG_PING, 1, 2, 3);
	same("a deliberate fault without the privilege", SVC_NULL, NULL_TOUCH_PORT, 1, 2, 3);
	w[0] = 4, w[1] = 5, w[2] = 6;
	check_err("SVC_ATA", svc_callr(SVC_ATA, MSG_PING, w), -EPERM);
	check_words("a refused call", w, 4, 5, 6);
	printf("ok refusals as SYS_CALL, words kept\n");

	check_preserved();

	/* A deferred reply, which the server sends later with SYS_REPLY. */
	w[0] = 20, w[1] = w[2] = 0;
	int r = svc_callr(SVC_NULL, NULL_TIMER, w);
	if (r < 20)
		fail("NULL_TIMER of 20 ms answered %d", r);
	printf("ok a deferred reply\n");

	check_killed_caller();

	/* The file service answers a short request too (FS_* requests that
	 * lend no buffer). */
	same("an unknown file request", SVC_FS, 0x4321, 0, 0, 0);

	check_int("kinfo", kinfo(KINFO_KERNEL, &k0), 0);
	for (int i = 0; i < CALLS; i++) {
		w[0] = (uint32_t)i, w[1] = 1, w[2] = 2;
		if (svc_callr(SVC_NULL, NULL_MIX, w) != i + 3)
			fail("call %d of %d answered wrong", i, CALLS);
	}
	check_int("kinfo", kinfo(KINFO_KERNEL, &k1), 0);
	unsigned fast = k1.ipc_fast - k0.ipc_fast;
	printf("ok the fast path carried %u calls during %d SYS_CALLRs (kernel %s, ipc %s, fast "
	       "path %s; the check's own output counts too)\n",
	       fast, CALLS, k1.flavour, k1.ipc, k1.ipc_fastpath ? "yes" : "no");
	if (!k1.ipc_fastpath && fast)
		fail("a kernel without a fast path counted %u fast calls", fast);
	/* With one: nothing else runs here, so the null server waits in
	 * receive for each of our calls. */
	if (k1.ipc_fastpath && fast < CALLS)
		fail("the fast path carried %u of %d calls to a waiting server", fast, CALLS);

	/* A program's SYS_CALL to a waiting server takes the same road back
	 * and forth (fast_call_enter, fast_reply_to), its message in memory. */
	check_int("kinfo", kinfo(KINFO_KERNEL, &k0), 0);
	for (int i = 0; i < CALLS; i++) {
		uint32_t v[3] = {(uint32_t)i, 4, 5};
		if (call_mem(SVC_NULL, NULL_MIX, v) != i + 9 || v[0] != 5 || v[1] != (uint32_t)i)
			fail("SYS_CALL %d of %d answered wrong", i, CALLS);
	}
	check_int("kinfo", kinfo(KINFO_KERNEL, &k1), 0);
	fast = k1.ipc_fast - k0.ipc_fast;
	printf("ok the fast path carried %u calls during %d SYS_CALLs\n", fast, CALLS);
	if (k1.ipc_fastpath && fast < CALLS)
		fail("the fast path carried %u of %d SYS_CALLs to a waiting server", fast, CALLS);
	pass();
}
