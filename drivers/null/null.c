/* The null service: answers at once. It is the far end of the benchmarks'
 * null round trip (design.md "Measuring") and the subject of the isolation
 * tests, which ask it to misbehave in ways each kernel treats differently. */
#include "component.h"
#include "klib.h"
#include "x86.h"

/* A port this component does not declare: the CMOS/RTC index register. */
#define FOREIGN_PORT 0x71

static void null_handle(struct msg *m)
{
	switch (m->type) {
	case NULL_ECHO: /* a round trip that carries data both ways */
		m->type = (int32_t)m->w[0];
		break;
	case NULL_TOUCH_PORT:
		/* micro: the TSS I/O bitmap traps this and the server dies;
		 * mono: ring 0 may touch any port. */
		m->type = inb(FOREIGN_PORT);
		break;
	case NULL_PEEK_RAW:
		/* A raw pointer from another address space. micro: it means
		 * something else (or nothing) here; mono: the caller's own
		 * memory is mapped, so this reads it. */
		m->type = *(volatile int32_t *)m->w[0];
		break;
	case NULL_PEEK_GRANT: {
		/* Reading a process that is not calling us, by forging its pid
		 * as a grant's owner: refused in both kernels. */
		struct msg forged = {.sender = m->w[0]};
		int32_t v = 0;
		int r = grant_read(&forged, 0, &v, sizeof(v));
		m->type = r < 0 ? r : v;
		break;
	}
	default:
		m->type = -ENOSYS;
	}
}

static const struct component null_component = {
	.name = "null",
	.serves = {{SVC_NULL, null_handle}},
};
COMPONENT(null_component);
