/* t_giveup: a server that keeps dying right after it starts is given up, and its callers get an error, not a hang */
#include <stdio.h>
#include <ulib.h>

#define TEST_NAME "t_giveup"
#include "check.h"

/* More than the reincarnation server's limit of quick deaths in a row. */
#define MAX_ROUNDS 8

int main(void)
{
	int rounds = 0, r = 0;

	/* Each round kills the new instance as soon as it answers, so every
	 * death after the first comes right after a start. */
	while (rounds < MAX_ROUNDS) {
		struct msg m = {.type = MSG_CRASH};

		m.w[0] = CRASH_NULL;
		rounds++;
		r = svc_call(SVC_NULL, &m);
		if (r != -EDEADSRCDST)
			fail("round %d: crash null = %d, want -EDEADSRCDST", rounds, r);
		m = (struct msg){.type = MSG_PING};
		r = svc_call(SVC_NULL, &m);
		if (r == -EDEADSRCDST)
			break; /* given up: the kernel answers for it */
		if (r != 0)
			fail("round %d: ping = %d (%s)", rounds, r, strerror(r));
		printf("ok   round %d: null came back\n", rounds);
	}
	check(r == -EDEADSRCDST, "null is given up within the rounds");
	printf("ok   given up after %d quick deaths\n", rounds);
	unsigned t0 = uptime_ms();
	struct msg m = {.type = MSG_PING};
	check_err("a later call", svc_call(SVC_NULL, &m), -EDEADSRCDST);
	check(uptime_ms() - t0 < 100, "the later call answers at once");
	pass();
}
