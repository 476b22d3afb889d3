/* The mono kernel's side of the component API: components are linked into
 * ring 0 and a call is a function call, made under the callee's sleep lock
 * so it sees one request at a time, exactly as a single-threaded server
 * does. Interrupts reach a component through a kernel thread of its own,
 * which runs its irq() callback under the same lock.
 *
 * Component code runs with interrupts enabled (the rest of the kernel does
 * not), so the watchdog in mono_tick can catch a component that spins. Every
 * function here that touches kernel state therefore turns them off first. */
#include <stdarg.h>

#include "abi/errno.h"
#include "component.h"
#include "cpu.h"
#include "flavour.h"
#include "kernel.h"
#include "mono.h"
#include "proc.h"

struct mcomp mcomps[SVC_MAX];
static struct comp_ctx comp_ctx[NPROC];

struct comp_ctx *comp_ctx_of(const struct proc *p)
{
	return &comp_ctx[p - procs];
}

static struct mcomp *irq_owner[NIRQ];

void lock_comp(struct mcomp *mc)
{
	while (mc->locked) {
		mc->waiters++;
		sleep_on(mc);
		mc->waiters--;
	}
	mc->locked = 1;
}

void unlock_comp(struct mcomp *mc)
{
	mc->locked = 0;
	if (mc->waiters) /* wakeup scans every thread: not on the common path */
		wakeup(mc);
}

/* Runs component code with interrupts on and the fault attribution set;
 * nests (a component calling another). */
void enter_comp(struct mcomp *mc, void (*fn)(struct mcomp *, void *), void *arg)
{
	struct comp_ctx *cx = comp_ctx_of(current), outer = *cx;
	cx->comp = mc;
	cx->since = ticks;
	sti();
	fn(mc, arg);
	cli();
	/* The outer component, if any, made progress: its call returned. So
	 * the watchdog times each stretch without progress, not the whole of
	 * a long request made of many nested calls. */
	*cx = outer;
	cx->since = ticks;
}

/* --- The API, as components see it --- */

reply_token defer(struct msg *m)
{
	uint32_t f = irq_save();
	struct proc *caller = proc_by_pid((int)m->sender);
	if (caller)
		caller->call_done = 0;
	m->type = MONO_DEFERRED;
	irq_restore(f);
	return m->sender;
}

int reply(reply_token t, struct msg *r)
{
	uint32_t f = irq_save();
	struct proc *caller = proc_by_pid((int)t);
	int ret = -ESRCH;
	if (caller && caller->call_svc && !caller->call_done && caller->call_reply) {
		*caller->call_reply = *r;
		caller->call_done = 1;
		wakeup(&caller->call_done);
		ret = 0;
	}
	irq_restore(f);
	return ret;
}

/* The caller's grant as the kernel recorded it at call time: the copy in
 * the message the component holds is not trusted. */
static int grant_copy(uint32_t pid, uint32_t off, void *kbuf, uint32_t len, int to_caller)
{
	struct proc *caller = proc_by_pid((int)pid);
	if (!caller || !caller->call_svc)
		return -ESRCH;
	const struct grant *g = &caller->call_grant;
	if (!(g->rights & (to_caller ? GRANT_WRITE : GRANT_READ)))
		return -EPERM;
	if (off > g->len || len > g->len - off)
		return -EFAULT;
	if (caller->call_kgrant) { /* a component's buffer, in ring 0 */
		if (to_caller)
			memcpy((uint8_t *)g->addr + off, kbuf, len);
		else
			memcpy(kbuf, (const uint8_t *)g->addr + off, len);
		return 0;
	}
	if (to_caller)
		return copy_to_user(caller->pgdir, g->addr + off, kbuf, len);
	return copy_from_user(caller->pgdir, kbuf, g->addr + off, len);
}

int grant_read(const struct msg *m, uint32_t off, void *dst, uint32_t len)
{
	uint32_t f = irq_save();
	int r = grant_copy(m->sender, off, dst, len, 0);
	irq_restore(f);
	return r;
}

int grant_write(const struct msg *m, uint32_t off, const void *src, uint32_t len)
{
	return grant_write_deferred(m->sender, off, src, len);
}

int grant_write_deferred(reply_token t, uint32_t off, const void *src, uint32_t len)
{
	uint32_t f = irq_save();
	int r = grant_copy(t, off, (void *)src, len, 1);
	irq_restore(f);
	return r;
}

int irq_wait(int line)
{
	uint32_t f = irq_save();
	struct mcomp *mc = irq_owner[line];
	if (!mc || mc != comp_ctx_of(current)->comp) {
		irq_restore(f);
		return -EPERM;
	}
	mc->irq_waiting |= 1u << line;
	mc->irq_wait_since = ticks;
	/* Waiting is not spinning: the watchdog's clock restarts after it
	 * (flavour_tick times the wait itself). */
	while (!(mc->irq_fired & (1u << line)))
		sleep_on(&mc->irq_fired);
	comp_ctx_of(current)->since = ticks;
	mc->irq_fired &= ~(1u << line);
	mc->irq_waiting &= ~(1u << line);
	irq_restore(f);
	return 0;
}

void irq_ack(int line)
{
	uint32_t f = irq_save();
	if (line >= 0 && line < NIRQ && irq_owner[line])
		pic_unmask(line);
	irq_restore(f);
}

void *mmio_map(uint32_t pa, uint32_t len)
{
	if (pa + len > DIRECT_MAP_BYTES || pa + len < pa)
		return NULL;
	return P2V(pa);
}

void *dma_alloc(uint32_t len, uint32_t *pa)
{
	uint32_t f = irq_save();
	uint32_t n = PGROUNDUP(len) / PAGE_SIZE;
	uint32_t p = pmm_alloc_contig(n, 1);
	irq_restore(f);
	if (!p)
		return NULL;
	memset(P2V(p), 0, n * PAGE_SIZE);
	*pa = p;
	return P2V(p);
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

/* --- Interrupts --- */

void flavour_irq(int irq)
{
	struct mcomp *mc = irq_owner[irq];
	if (!mc) {
		kprintf("mono: IRQ %d has no owner; left masked\n", irq);
		return;
	}
	mc->irq_fired |= 1u << irq;
	if ((mc->irq_waiting & (1u << irq)) || !mc->c->irq)
		wakeup(&mc->irq_fired); /* a handler in irq_wait takes it */
	else
		wakeup(&mc->irq_thread);
}

static void run_irq(struct mcomp *mc, void *arg)
{
	mc->c->irq((int)(uintptr_t)arg);
}

static void run_init(struct mcomp *mc, void *arg)
{
	*(int *)arg = mc->c->init ? mc->c->init() : 0;
}

/* Each component's kernel thread: it runs init, then its irq() callback
 * for every interrupt nobody is waiting for in irq_wait. */
static void comp_thread(void *arg)
{
	struct mcomp *mc = arg;
	int r;
	enter_comp(mc, run_init, &r);
	if (r < 0)
		panic("component %s failed to start (error %d)", mc->c->name, r);
	mc->ready = 1;
	unlock_comp(mc);
	for (;;) {
		uint32_t pending = mc->c->irq ? mc->irq_fired & ~mc->irq_waiting : 0;
		if (!pending) {
			sleep_on(&mc->irq_thread);
			continue;
		}
		int line = __builtin_ctz(pending);
		mc->irq_fired &= ~(1u << line);
		lock_comp(mc);
		if (mc->c->irq)
			enter_comp(mc, run_irq, (void *)(uintptr_t)line);
		unlock_comp(mc);
	}
}

/* GNU ld names the bounds of a section called like a C identifier. */
extern const struct component *const __start_components[], *const __stop_components[];

void mono_components_start(void)
{
	for (const struct component *const *cp = __start_components; cp < __stop_components; cp++) {
		const struct component *c = *cp;
		if (c->service <= 0 || c->service >= SVC_MAX || mcomps[c->service].c)
			panic("component %s: bad or duplicate service %d", c->name, c->service);
		struct mcomp *mc = &mcomps[c->service];
		mc->c = c;
		mc->locked = 1; /* until init is done */
		for (int i = 0; i < COMP_MAX_IRQS; i++)
			if (c->irqs[i] > 0 && c->irqs[i] < NIRQ)
				irq_owner[c->irqs[i]] = mc;
		struct proc *t = kthread_create(c->name, comp_thread, mc);
		if (!t)
			panic("no thread for component %s", c->name);
		t->flags |= PROC_F_COMPONENT;
		mc->irq_thread = t;
		sched_ready(t);
		kprintf("mono: component %s linked in (service %d)\n", c->name, c->service);
	}
}

int comp_pid_alive(uint32_t pid)
{
	uint32_t f = irq_save();
	struct proc *p = proc_by_pid((int)pid);
	int alive = p && p->state != P_ZOMBIE;
	irq_restore(f);
	return alive;
}
