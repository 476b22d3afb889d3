/* Control messages every component answers, whichever kernel hosts it.
 * This file is component-side code: in mono it runs in ring 0 as part of
 * the component, in micro inside the server. So a fault injected here is a
 * fault *in the component*, which is the point of the exercise. */
#include "component.h"

/* Kept out of line and behind a volatile pointer so the compiler cannot
 * prove the fault away. */
static int *volatile null_ptr;

__attribute__((noinline)) static void crash_null(void)
{
	*null_ptr = 0xDEAD;
}

__attribute__((noinline)) static void crash_loop(void)
{
	for (volatile int spin = 1; spin;)
		;
}

/* Out of line, so that the test every request makes (below) needs no
 * frame of its own; noipa, so that gcc makes no clone of it with a
 * suffixed name (".isra.0"): the fault planner names sites by function. */
__attribute__((noipa)) static void crash_as_asked(const struct component *c, struct msg *m)
{
	comp_log("%s: injecting fault '%s' as asked\n", c->name,
		 m->w[0] == CRASH_NULL   ? "null"
		 : m->w[0] == CRASH_LOOP ? "loop"
					 : "?");
	if (m->w[0] == CRASH_NULL)
		crash_null();
	else if (m->w[0] == CRASH_LOOP)
		crash_loop();
	m->type = -EINVAL;
}

int comp_control(const struct component *c, struct msg *m)
{
	int32_t type = m->type;
	if (type == MSG_PING) {
		m->type = 0;
		return 1;
	}
	if (type == MSG_CRASH) {
		crash_as_asked(c, m);
		return 1;
	}
	return 0;
}
