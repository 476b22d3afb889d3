/* The component API (component.h) for components placed in the kernel.
 * Every function runs inside component code, which has interrupts on, so
 * each turns them off before it touches kernel state. The component is
 * known from the thread's context (comp_ctx), never from an argument. */
#include <stdarg.h>

#include "abi/errno.h"
#include "component.h"
#include "cpu.h"
#include "kernel.h"
#include "mono.h"
#include "proc.h"

static struct mcomp *me(void)
{
	return comp_ctx_of(current)->comp;
}

int call(int service, struct msg *m)
{
	uint32_t f = irq_save();
	int32_t r = service_call_from(me()->comp, service, m);
	comp_ctx_of(current)->since = ticks; /* waiting on a call is progress */
	irq_restore(f);
	return r;
}

int notify(int service)
{
	uint32_t f = irq_save();
	int r = service_notify_from(me()->comp, service);
	irq_restore(f);
	return r;
}

int timer_set(uint32_t ms)
{
	uint32_t f = irq_save();
	struct mcomp *mc = me();
	mc->timer_due = 0;
	mc->timer_at = ms ? (ticks + (ms * HZ + 999) / 1000) | 1 : 0;
	irq_restore(f);
	return 0;
}

/* The caller's innermost call, if it is a call to mc: the frame a reply
 * or a grant copy refers to. A forged token (a pid that is not calling
 * us) finds nothing. */
static inline struct call_frame *frame_of(uint32_t pid, const struct mcomp *mc)
{
	struct proc *caller = proc_by_pid((int)pid);
	if (!caller || !caller->call || services[caller->call->svc].comp != mc->comp)
		return NULL;
	return caller->call;
}

reply_token defer(struct msg *m)
{
	uint32_t f = irq_save();
	struct call_frame *fr = frame_of(m->sender, me());
	if (fr)
		fr->done = 0;
	m->type = MONO_DEFERRED;
	irq_restore(f);
	return m->sender;
}

int reply(reply_token t, struct msg *r)
{
	uint32_t f = irq_save();
	struct call_frame *fr = frame_of(t, me());
	int ret = -ESRCH;
	if (fr && !fr->done && fr->reply) {
		*fr->reply = *r;
		fr->done = 1;
		wakeup(&fr->done);
		ret = 0;
	}
	irq_restore(f);
	return ret;
}

/* A copy against the grant the kernel recorded at call time: the copy in
 * the message the component holds is not trusted. */
static int copy(uint32_t pid, uint32_t off, void *kbuf, uint32_t len, uint32_t dir)
{
	uint32_t f = irq_save();
	struct call_frame *fr = frame_of(pid, me());
	int r = fr ? grant_copy(&fr->grant, off, NULL, (uint32_t)kbuf, len, dir) : -ESRCH;
	irq_restore(f);
	return r;
}

int grant_read(const struct msg *m, uint32_t off, void *dst, uint32_t len)
{
	return copy(m->sender, off, dst, len, GRANT_READ);
}

int grant_write(const struct msg *m, uint32_t off, const void *src, uint32_t len)
{
	return copy(m->sender, off, (void *)src, len, GRANT_WRITE);
}

int grant_read_deferred(reply_token t, uint32_t off, void *dst, uint32_t len)
{
	return copy(t, off, dst, len, GRANT_READ);
}

int grant_write_deferred(reply_token t, uint32_t off, const void *src, uint32_t len)
{
	return copy(t, off, (void *)src, len, GRANT_WRITE);
}

int irq_wait(int line, uint32_t timeout_ms)
{
	uint32_t f = irq_save();
	struct mcomp *mc = me();
	if (line <= 0 || line >= NIRQ || !rights_irq(mc->comp, line)) {
		irq_restore(f);
		return -EPERM;
	}
	uint32_t bit = 1u << line, deadline = 0;
	if (timeout_ms)
		deadline = (ticks + (timeout_ms * HZ + 999) / 1000) | 1;
	int r = 0;
	mc->irq_waiting |= bit;
	while (!(mc->irq_fired & bit)) {
		if (deadline && (int32_t)(ticks - deadline) >= 0) {
			r = -ETIMEDOUT;
			break;
		}
		sleep_on_until(&mc->irq_fired, deadline);
	}
	if (!r)
		mc->irq_fired &= ~bit;
	mc->irq_waiting &= ~bit;
	/* Waiting is not spinning: the watchdog's clock starts again. */
	comp_ctx_of(current)->since = ticks;
	irq_restore(f);
	return r;
}

void irq_ack(int line)
{
	uint32_t f = irq_save();
	if (line > 0 && line < NIRQ && rights_irq(me()->comp, line))
		pic_unmask(line);
	irq_restore(f);
}

int pci_find(uint16_t vendor, uint16_t device, struct pci_dev *out)
{
	uint32_t f = irq_save();
	int r = pci_find_for(me()->comp, vendor, device, out);
	irq_restore(f);
	return r;
}

void *mmio_map(uint32_t pa, uint32_t len)
{
	uint32_t f = irq_save();
	void *va = rights_mmio(me()->comp, pa, len) ? vm_map_device(pa, len) : NULL;
	irq_restore(f);
	return va;
}

void *dma_alloc(uint32_t len, uint32_t *pa)
{
	uint32_t f = irq_save();
	uint32_t n = PGROUNDUP(len) / PAGE_SIZE, p = 0;
	if (len && rights_dma_take(me()->comp, n * PAGE_SIZE) == 0 &&
	    !(p = pmm_alloc_contig(n, 1)))
		comp_grants[me()->comp].dma_used -= n * PAGE_SIZE; /* none taken after all */
	irq_restore(f);
	if (!p)
		return NULL;
	memset(P2V(p), 0, n * PAGE_SIZE);
	*pa = p;
	return P2V(p);
}

/* In ring 0 a component is never restarted (a fault is a panic), so kept
 * memory is memory taken once, under the table's keep= budget as in a
 * server; the same length asked again gets the same memory. */
void *comp_keep(uint32_t len)
{
	uint32_t f = irq_save();
	struct mcomp *mc = me();
	void *va = NULL;
	if (mc->keep) {
		va = len == mc->keep_len ? mc->keep : NULL;
	} else if (len && len <= comp_grants[mc->comp].r.keep_bytes) {
		uint32_t n = PGROUNDUP(len) / PAGE_SIZE, p = pmm_alloc_contig(n, 1);
		if (p) {
			memset(P2V(p), 0, n * PAGE_SIZE);
			mc->keep = va = P2V(p);
			mc->keep_len = len;
		}
	}
	irq_restore(f);
	return va;
}

int comp_restartable(void)
{
	return 0; /* a fault here is a panic (mono/host.c) */
}

void comp_log(const char *fmt, ...)
{
	uint32_t f = irq_save();
	va_list ap;
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	irq_restore(f);
}

uint32_t comp_uptime_ms(void)
{
	return (uint32_t)((uint64_t)ticks * 1000 / HZ);
}

int comp_pid_alive(uint32_t pid)
{
	uint32_t f = irq_save();
	struct proc *p = proc_by_pid((int)pid);
	int alive = p && p->state != P_ZOMBIE;
	irq_restore(f);
	return alive;
}
