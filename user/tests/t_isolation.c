/* t_isolation: what a component can reach, by where it runs */
#include <stdio.h>
#include <string.h>
#include <ulib.h>

#define TEST_NAME "t_isolation"
#include "check.h"

#define CHECK(c, ...)                                                                          \
	do {                                                                                   \
		if (!(c))                                                                      \
			fail(__VA_ARGS__);                                                     \
		printf("ok   " __VA_ARGS__);                                               \
		printf("\n");                                                                 \
	} while (0)

static volatile int32_t secret = 0x5ec2e7;

static int ask(int type, uint32_t w0)
{
	struct msg m = {.type = type};
	m.w[0] = w0;
	return svc_call(SVC_NULL, &m);
}

int main(void)
{
	struct kinfo k;
	struct svcinfo si;
	CHECK(kinfo(KINFO_KERNEL, &k) == 0, "kinfo");
	/* What to expect depends on where the null component runs, not on
	 * the kernel's name: ask. */
	CHECK(syscall(SYS_KINFO, KINFO_SERVICE, (uint32_t)&si, SVC_NULL, 0, 0) == 0,
	      "kinfo of the null service");
	int isolated = si.placement == SVCINFO_SERVER;
	printf("kernel: %s; null runs %s\n", k.flavour, isolated ? "as a server" : "in ring 0");
	CHECK(k.privs & PRIV_FAULT, "this test holds the fault privilege (common/system.conf)");

	CHECK(ask(NULL_ECHO, 1234) == 1234, "the null service echoes");

	/* A user program may not call a driver: SVC_ATA is private, whatever
	 * the placement (the system-call layer checks, in every kernel). */
	struct msg m = {.type = 0};
	int r = svc_call(SVC_ATA, &m);
	CHECK(r == -EPERM, "user -> private driver refused with EPERM (got %d)", r);

	/* Forged grant: reading a process that is not calling. */
	r = ask(NULL_PEEK_GRANT, (uint32_t)getpid() + 1000);
	CHECK(r == -ESRCH, "forged grant refused with ESRCH everywhere (got %d)", r);

	/* A raw pointer into our memory, dereferenced by the component. */
	r = ask(NULL_PEEK_RAW, (uint32_t)&secret);
	if (isolated)
		CHECK(r != (int)secret, "server: it cannot see our memory (read %#x)", r);
	else
		CHECK(r == (int)secret, "ring 0: the component reads our memory (read %#x)", r);

	/* A port outside the manifest. */
	unsigned before = k.restarts;
	r = ask(NULL_TOUCH_PORT, 0);
	CHECK(kinfo(KINFO_KERNEL, &k) == 0, "kinfo again");
	if (isolated) {
		CHECK(r == -EDEADSRCDST, "server: a foreign port kills it (got %d)", r);
		/* The reincarnation server restarts it after our call failed:
		 * wait for that, up to 2 s, rather than assume an order. */
		for (int i = 0; i < 200 && k.restarts == before; i++) {
			sleep_ms(10);
			kinfo(KINFO_KERNEL, &k);
		}
		CHECK(k.restarts == before + 1, "server: it was restarted (%u -> %u)", before,
		      k.restarts);
		CHECK(ask(NULL_ECHO, 77) == 77, "server: the restarted one answers");
	} else {
		CHECK(r >= 0, "ring 0: it reads any port (got %d)", r);
	}
	pass();
}
