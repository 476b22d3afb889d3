/* The null service: answers at once. It is the far end of the benchmarks'
 * null round trip (design.md "Measuring") and the subject of the tests of
 * the component API itself: two services in one component, timers,
 * notifications and call cycles, and of the isolation tests, which ask it
 * to misbehave in ways each placement treats differently. */
#include "component.h"
#include "klib.h"
#include "x86.h"

/* A port this component does not declare: the CMOS/RTC index register. */
#define FOREIGN_PORT 0x71

static struct {
	reply_token t;
	uint32_t since, ms;
	int pending;
} waiter;                  /* the one NULL_TIMER request in progress */
static uint32_t notified;  /* notifications received */
static uint32_t last_from; /* their senders, as SVC_BIT()s */
/* LAB 1: BEGIN
 * The component's own state for NULL_COUNT: a counter of the requests
 * null_handle answered (static data: in a server it starts again at 0
 * when the reincarnation server restarts null).
 */
static uint32_t requests;
/* LAB 1: END */

static void misbehave(struct msg *m)
{
	switch (m->type) {
	case NULL_TOUCH_PORT:
		/* A server: the TSS I/O bitmap traps this and it dies; ring 0
		 * may touch any port. */
		m->type = inb(FOREIGN_PORT);
		break;
	case NULL_PEEK_RAW:
		/* A raw pointer from another address space. A server: it means
		 * something else (or nothing) here; ring 0: the caller's own
		 * memory is mapped, so this reads it. */
		m->type = *(volatile int32_t *)m->w[0];
		break;
	case NULL_PEEK_GRANT: {
		/* Reading a process that is not calling us, by forging its pid
		 * as a grant's owner: refused everywhere. */
		struct msg forged = {.sender = m->w[0]};
		int32_t v = 0;
		int r = grant_read(&forged, 0, &v, sizeof(v));
		m->type = r < 0 ? r : v;
		break;
	}
	}
}

/* NULL_GRANT: one grant copy at the offset and length the caller asks
 * for, so that lab 2's tests (user/tests/t_lab2.c) can try the checks of
 * the grant copy from outside. GRANT_READ copies out of the caller's
 * buffer and answers the sum of the bytes; GRANT_WRITE writes the bytes
 * (offset + i) & 0xff at the offset and answers 0. The copy's own result
 * (-EPERM, -EFAULT) is the reply otherwise. */
static int32_t grant_probe(const struct msg *m)
{
	static uint8_t buf[256];
	uint32_t off = m->w[1], len = m->w[2];
	if (len > sizeof(buf))
		return -EINVAL;
	if (m->w[0] == GRANT_WRITE) {
		for (uint32_t i = 0; i < len; i++)
			buf[i] = (uint8_t)(off + i);
		return grant_write(m, off, buf, len);
	}
	if (m->w[0] != GRANT_READ)
		return -EINVAL;
	int r = grant_read(m, off, buf, len);
	if (r < 0)
		return r;
	int32_t sum = 0;
	for (uint32_t i = 0; i < len; i++)
		sum += buf[i];
	return sum;
}

/* NULL_MIX: a reply whose words all differ from the request's, so a test
 * sees each travel both ways, and a check that nothing but the three words
 * came (a message in registers leaves the rest 0). */
static int32_t mix(struct msg *m)
{
	uint32_t rest = m->grant.addr | m->grant.len | m->grant.rights;
	for (int i = 3; i < MSG_WORDS; i++)
		rest |= m->w[i];
	if (rest)
		return -EINVAL;
	uint32_t a = m->w[0], b = m->w[1], c = m->w[2];
	m->w[0] = c;
	m->w[1] = a;
	m->w[2] = b;
	return (int32_t)(a + b + c);
}

static void null_handle(struct msg *m)
{
	/* LAB 1: BEGIN
	 * Count every request that reaches this handler.
	 */
	requests++;
	/* LAB 1: END */
	switch (m->type) {
	case NULL_ECHO: /* a round trip that carries data both ways */
		m->type = (int32_t)m->w[0];
		break;
	case NULL_TIMER:
		if (waiter.pending || m->w[0] == 0 || m->w[0] > 10000) {
			m->type = waiter.pending ? -EBUSY : -EINVAL;
			break;
		}
		waiter.pending = 1;
		waiter.ms = m->w[0];
		waiter.since = comp_uptime_ms();
		waiter.t = defer(m);
		timer_set(m->w[0]);
		break;
	case NULL_NOTIFY:
		m->type = notify(SVC_NULL2);
		break;
	case NULL_NOTIFIED:
		m->type = (int32_t)notified;
		m->w[0] = last_from;
		break;
	case NULL_CALL: {
		/* Calling from inside a handler: SVC_NULL2 is this very
		 * component, busy with this request, so the call would wait on
		 * itself for ever: the kernel must refuse it (-EDEADLK). */
		struct msg in = {.type = MSG_PING};
		m->type = call((int)m->w[0], &in);
		break;
	}
	case NULL_GRANT:
		m->type = grant_probe(m);
		break;
	case NULL_MIX:
		m->type = mix(m);
		break;
	case NULL_COUNT:
		/* LAB 1: BEGIN
		 * The reply's type is the result: the requests counted so far,
		 * this one included (abi/msg.h, NULL_COUNT).
		 * STUB: m->type = -ENOSYS;
		 */
		m->type = (int32_t)requests;
		/* LAB 1: END */
		break;
	case NULL_TOUCH_PORT:
	case NULL_PEEK_RAW:
	case NULL_PEEK_GRANT:
		misbehave(m);
		break;
	default:
		m->type = -ENOSYS;
	}
}

/* The second service: the same component, told apart by its handler. */
static void null2_handle(struct msg *m)
{
	m->type = m->type == NULL_ECHO ? (int32_t)m->w[0] + 1 : -ENOSYS;
}

static void null_timer(void)
{
	if (!waiter.pending)
		return;
	struct msg r = {.type = (int32_t)(comp_uptime_ms() - waiter.since)};
	waiter.pending = 0;
	reply(waiter.t, &r);
}

static void null_notified(uint32_t from)
{
	notified++;
	last_from = from;
}

static const struct component null_component = {
	.name = "null",
	.serves = {{SVC_NULL, null_handle}, {SVC_NULL2, null2_handle}},
	.timer = null_timer,
	.notified = null_notified,
	.calls = SVC_BIT(SVC_NULL2),
};
COMPONENT(null_component);
