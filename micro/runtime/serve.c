/* The server runtime: wraps one component as a ring-3 server. It registers
 * the component's manifest, runs its init, then loops: receive a request
 * or a notification, run the handler of the service the request was sent
 * to, reply and receive again in one system call. The component itself is
 * the same object the kernel placement links into ring 0. */
#include <stdarg.h>

#include "../server_abi.h"
#include "abi/syscall.h"
#include "component.h"
#include "klib.h"
#include "ulib.h"

extern const struct comp_record __start_components[], __stop_components[];

static int deferred;      /* the handler called defer() for this request */
static uint32_t irq_seen; /* lines that fired while no irq_wait was waiting */

/* Every server call is a plain trap, inline: this loop is the IPC path. */
#define sc(nr, a, b, c, d, e) syscall_trap((nr), (a), (b), (c), (d), (e))

int call(int service, struct msg *m)
{
	return sc(SYS_CALL, (uint32_t)service, (uint32_t)m, 0, 0, 0);
}

int notify(int service)
{
	return sc(SYS_NOTIFY, (uint32_t)service, 0, 0, 0, 0);
}

int timer_set(uint32_t ms)
{
	return sc(SYS_TIMER_SET, ms, 0, 0, 0, 0);
}

reply_token defer(struct msg *m)
{
	deferred = 1;
	return m->sender;
}

int reply(reply_token t, struct msg *r)
{
	return sc(SYS_REPLY, t, (uint32_t)r, 0, 0, 0);
}

int grant_read(const struct msg *m, uint32_t off, void *dst, uint32_t len)
{
	return sc(SYS_GRANT_COPY, m->sender, off, (uint32_t)dst, len, GRANT_READ);
}

int grant_write(const struct msg *m, uint32_t off, const void *src, uint32_t len)
{
	return grant_write_deferred(m->sender, off, src, len);
}

int grant_read_deferred(reply_token t, uint32_t off, void *dst, uint32_t len)
{
	return sc(SYS_GRANT_COPY, t, off, (uint32_t)dst, len, GRANT_READ);
}

int grant_write_deferred(reply_token t, uint32_t off, const void *src, uint32_t len)
{
	return sc(SYS_GRANT_COPY, t, off, (uint32_t)src, len, GRANT_WRITE);
}

/* An interrupt that arrived as a notification while the server was
 * waiting for requests is remembered in irq_seen, so that a later irq_wait
 * for it returns at once rather than wait for one that already came. */
int irq_wait(int line, uint32_t timeout_ms)
{
	if (line >= 0 && line < 16 && (irq_seen & (1u << line))) {
		irq_seen &= ~(1u << line);
		return 0;
	}
	return sc(SYS_IRQ_WAIT, (uint32_t)line, timeout_ms, 0, 0, 0);
}

void irq_ack(int line)
{
	sc(SYS_IRQ_ACK, (uint32_t)line, 0, 0, 0, 0);
}

int pci_find(uint16_t vendor, uint16_t device, struct pci_dev *out)
{
	return sc(SYS_PCI_FIND, vendor, device, (uint32_t)out, 0, 0);
}

void *mmio_map(uint32_t pa, uint32_t len)
{
	int32_t va = sc(SYS_MMIO_MAP, pa, len, 0, 0, 0);
	return va < 0 && va > -4096 ? NULL : (void *)va;
}

void *dma_alloc(uint32_t len, uint32_t *pa)
{
	int32_t va = sc(SYS_DMA_ALLOC, len, (uint32_t)pa, 0, 0, 0);
	return va < 0 && va > -4096 ? NULL : (void *)va;
}

void *comp_keep(uint32_t len)
{
	int32_t va = sc(SYS_KEEP, len, 0, 0, 0, 0);
	return va < 0 && va > -4096 ? NULL : (void *)va;
}

int comp_restartable(void)
{
	return 1; /* a fault kills this server alone, and it is started again */
}

void comp_log(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	sc(SYS_KLOG, (uint32_t)buf, (uint32_t)n, 0, 0, 0);
}

uint32_t comp_uptime_ms(void)
{
	return (uint32_t)sc(SYS_UPTIME, 0, 0, 0, 0, 0);
}

int comp_pid_alive(uint32_t pid)
{
	return sc(SYS_PID_ALIVE, pid, 0, 0, 0, 0) == 1;
}

/* A MSG_NOTIFY: the component's callbacks, in the order a driver wants
 * them (its device first). */
static void dispatch_notes(const struct component *c, const struct msg *m)
{
	for (int line = 0; line < 16; line++) {
		if (!(m->w[0] & (1u << line)))
			continue;
		if (c->irq)
			c->irq(line);
		else
			irq_seen |= 1u << line;
	}
	if (m->w[1] && c->notified)
		c->notified(m->w[1]);
	if ((m->w[2] & NOTIFY_TIMER) && c->timer)
		c->timer();
}

static void (*handler_of(const struct component *c, int svc))(struct msg *)
{
	for (int i = 1; i < COMP_MAX_SERVICES; i++)
		if (c->serves[i].svc == svc)
			return c->serves[i].handle;
	return c->serves[0].handle;
}

int main(void)
{
	if (__stop_components - __start_components != 1) {
		comp_log("server: expected exactly one component in this image\n");
		return 1;
	}
	const struct component *c = __start_components[0].c;
	int (*control)(const struct component *, struct msg *) = __start_components[0].control;
	int r = sc(SYS_SRV_REGISTER, (uint32_t)c, 0, 0, 0, 0);
	if (r < 0) {
		comp_log("server %s: cannot register (error %d)\n", c->name, r);
		return 1;
	}
	if (c->init && (r = c->init()) < 0) {
		comp_log("server %s: init failed (error %d)\n", c->name, r);
		return 1;
	}
	static struct msg m __attribute__((aligned(64)));
	int svc = sc(SYS_RECV, (uint32_t)&m, 0, 0, 0, 0);
	for (;;) {
		if (svc <= 0) { /* a notification (0), or a receive that failed */
			if (svc == 0 && m.type == MSG_NOTIFY)
				dispatch_notes(c, &m);
			svc = sc(SYS_RECV, (uint32_t)&m, 0, 0, 0, 0);
			continue;
		}
		deferred = 0;
		uint32_t client = m.sender;
		if (!control(c, &m))
			handler_of(c, svc)(&m);
		if (deferred)
			svc = sc(SYS_RECV, (uint32_t)&m, 0, 0, 0, 0);
		else
			svc = sc(SYS_REPLY_RECV, client, (uint32_t)&m, 0, 0, 0);
	}
}
