/* t_isolation: what a component can reach, in each kernel */
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
	CHECK(kinfo(KINFO_KERNEL, &k) == 0, "kinfo");
	int micro = strcmp(k.flavour, "micro") == 0;
	printf("kernel: %s\n", k.flavour);

	CHECK(ask(NULL_ECHO, 1234) == 1234, "the null service echoes");

	/* A user program may not call a driver: SVC_ATA is private. */
	struct msg m = {.type = 0};
	int r = svc_call(SVC_ATA, &m);
	if (micro)
		CHECK(r == -EPERM, "user -> private driver refused with EPERM (got %d)", r);
	else
		printf("mono: user -> SVC_ATA = %d (no capabilities in mono)\n", r);

	/* Forged grant: reading a process that is not calling. */
	r = ask(NULL_PEEK_GRANT, (uint32_t)getpid() + 1000);
	CHECK(r == -ESRCH, "forged grant refused with ESRCH in both kernels (got %d)", r);

	/* A raw pointer into our memory, dereferenced by the component. */
	r = ask(NULL_PEEK_RAW, (uint32_t)&secret);
	if (micro)
		CHECK(r != (int)secret, "micro: the server cannot see our memory (read %#x)", r);
	else
		CHECK(r == (int)secret, "mono: the component reads our memory (read %#x)", r);

	/* A port outside the manifest. */
	unsigned before = k.restarts;
	r = ask(NULL_TOUCH_PORT, 0);
	CHECK(kinfo(KINFO_KERNEL, &k) == 0, "kinfo again");
	if (micro) {
		CHECK(r == -EDEADSRCDST, "micro: foreign port kills the server (got %d)", r);
		/* The reincarnation server restarts it after our call failed:
		 * wait for that, up to 2 s, rather than assume an order. */
		for (int i = 0; i < 200 && k.restarts == before; i++) {
			sleep_ms(10);
			kinfo(KINFO_KERNEL, &k);
		}
		CHECK(k.restarts == before + 1, "micro: the server was restarted (%u -> %u)", before,
		      k.restarts);
		CHECK(ask(NULL_ECHO, 77) == 77, "micro: the restarted server answers");
	} else {
		CHECK(r >= 0, "mono: ring 0 reads any port (got %d)", r);
	}
	pass();
}
