/* The ring-0 host (kernel_host): components placed in the kernel are
 * linked into this image, so a fault in one is a fault in the kernel: it
 * panics and the message names the component. That contrast with the
 * server placement is the lesson.
 *
 * Each component gets a kernel thread that runs its init and then its
 * callbacks (interrupts nobody waits for in irq_wait, notifications,
 * timers), under the same sleep lock as its handlers. Component code runs
 * with interrupts on (the rest of the kernel does not), so that the
 * watchdog in the tick can catch a component that spins. */
#include "abi/errno.h"
#include "cpu.h"
#include "kernel.h"
#include "mono.h"
#include "proc.h"

/* A component running this many ticks without returning or waiting is
 * hung (component.h: COMP_BUSY_MS). */
#define WATCHDOG_TICKS (COMP_BUSY_MS * HZ / 1000)

struct mcomp mcomps[MAX_COMPS];
struct comp_ctx comp_ctxs[NPROC];
static int nmcomps;

static void run_init(struct mcomp *mc, void *arg)
{
	*(int *)arg = mc->c->init ? mc->c->init() : 0;
}

static void run_irq(struct mcomp *mc, void *arg)
{
	mc->c->irq((int)(uintptr_t)arg);
}

static void run_notified(struct mcomp *mc, void *arg)
{
	mc->c->notified((uint32_t)(uintptr_t)arg);
}

static void run_timer(struct mcomp *mc, void *arg)
{
	(void)arg;
	mc->c->timer();
}

/* Each component's kernel thread: init, then a callback for every event. */
static void comp_thread(void *arg)
{
	struct mcomp *mc = arg;
	int r;
	enter_comp(mc, run_init, &r);
	if (r < 0) {
		/* component.h's contract: a failed init leaves the component
		 * down, and its callers get -EDEADSRCDST. */
		kprintf("mono: component %s failed to start (error %d); its services answer "
			"-EDEADSRCDST\n",
			mc->c->name, r);
		mc->dead = 1;
		unlock_comp(mc);
		for (;;)
			sleep_on(&mc->dead);
	}
	mc->ready = 1;
	unlock_comp(mc);
	for (;;) {
		uint32_t irqs = mc->c->irq ? mc->irq_fired & ~mc->irq_waiting : 0;
		uint32_t from = mc->c->notified ? mc->notified : 0;
		int timer = mc->timer_due && mc->c->timer;
		if (!irqs && !from && !timer) {
			sleep_on(&mc->thread);
			continue;
		}
		lock_comp(mc);
		if (irqs) {
			int line = __builtin_ctz(irqs);
			mc->irq_fired &= ~(1u << line);
			enter_comp(mc, run_irq, (void *)(uintptr_t)line);
		} else if (from) {
			mc->notified = 0;
			enter_comp(mc, run_notified, (void *)(uintptr_t)from);
		} else {
			mc->timer_due = 0;
			enter_comp(mc, run_timer, NULL);
		}
		unlock_comp(mc);
	}
}

/* GNU ld names the bounds of a section called like a C identifier. */
extern const struct comp_record __start_components[], __stop_components[];

static const struct comp_record *record_of(const char *name)
{
	for (const struct comp_record *r = __start_components; r < __stop_components; r++)
		if (strcmp(r->c->name, name) == 0)
			return r;
	return NULL;
}

static void mono_start(void)
{
	for (int i = 0; i < svc_table_len; i++) {
		const struct svc_entry *e = &svc_table[i];
		if (e->place != PLACE_KERNEL)
			continue;
		const struct comp_record *rec = record_of(e->name);
		if (!rec)
			panic("mono: component %s is placed in the kernel but not linked in",
			      e->name);
		const struct component *c = rec->c;
		for (int k = 0; k < COMP_MAX_SERVICES && e->services[k]; k++) {
			if (c->serves[k].svc != e->services[k])
				panic("mono: %s: its manifest and the table disagree on its "
				      "services",
				      e->name);
			services[e->services[k]].handle = c->serves[k].handle;
		}
		rights_compare(i, c);
		struct mcomp *mc = &mcomps[i];
		mc->c = c;
		mc->rec = rec;
		mc->comp = i;
		struct proc *t = kthread_create(c->name, comp_thread, mc);
		if (!t)
			panic("no thread for component %s", c->name);
		mc->owner = t; /* locked until init is done */
		t->flags |= PROC_F_COMPONENT;
		mc->thread = t;
		sched_ready(t);
		nmcomps++;
		kprintf("mono: component %s linked in (service %d)\n", c->name, e->services[0]);
	}
}

static void mono_irq(int comp, int line)
{
	struct mcomp *mc = &mcomps[comp];
	mc->irq_fired |= 1u << line;
	if ((mc->irq_waiting & (1u << line)) || !mc->c->irq)
		wakeup(&mc->irq_fired); /* a handler in irq_wait takes it */
	else
		wakeup(&mc->thread);
}

static void mono_notify(int comp, uint32_t from)
{
	struct mcomp *mc = &mcomps[comp];
	mc->notified |= from;
	wakeup(&mc->thread);
}

static void mono_tick(struct trapframe *tf)
{
	(void)tf;
	/* Only the running thread can be spinning. */
	struct comp_ctx *cx = comp_ctx_of(current);
	if (cx->comp && ticks - cx->since > WATCHDOG_TICKS)
		panic("component %s hung: no return for %u ms (watchdog)", cx->comp->c->name,
		      (ticks - cx->since) * 1000 / HZ);
	for (int i = 0; i < svc_table_len; i++) {
		struct mcomp *mc = &mcomps[i];
		if (mc->timer_at && (int32_t)(ticks - mc->timer_at) >= 0) {
			mc->timer_at = 0;
			mc->timer_due = 1;
			wakeup(&mc->thread);
		}
	}
}

static void mono_kernel_fault(struct trapframe *tf)
{
	struct mcomp *mc = comp_ctx_of(current)->comp;
	if (!mc)
		return;
	kprintf("\ncomponent %s crashed: %s in ring 0\n", mc->c->name, trap_name(tf->trapno));
	trap_dump(tf);
	panic("component %s crashed (in ring 0 a driver fault is a kernel fault)", mc->c->name);
}

static struct proc *mono_holder(int svc)
{
	return mcomps[services[svc].comp].owner;
}

const struct host kernel_host = {
	.name = "kernel",
	.start = mono_start,
	.irq = mono_irq,
	.notify = mono_notify,
	.tick = mono_tick,
	.kernel_fault = mono_kernel_fault,
	.holder = mono_holder,
	.inject_target = mono_inject_target,
	.inject_byte = mono_inject_byte,
};
