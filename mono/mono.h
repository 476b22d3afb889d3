/* The ring-0 host: how components placed in the kernel run. Used by the
 * host (host.c), the direct transport (direct.c) and the component API
 * implementation for ring 0 (api.c). */
#ifndef MONO_H
#define MONO_H

#include <stdint.h>

#include "abi/msg.h"
#include "component.h"
#include "cpu.h"
#include "kernel.h"
#include "proc.h"
#include "service.h"

/* A reply type no real reply uses: the handler deferred its answer. */
#define MONO_DEFERRED ((int32_t)0x80000001)

/* One ring-0 component, indexed like svc_table. */
struct mcomp {
	const struct component *c; /* its manifest, from the kernel's components section */
	const struct comp_record *rec;
	int comp;             /* its row */
	struct proc *owner;   /* the thread holding its sleep lock (NULL: free) */
	int waiters;          /* threads sleeping for the lock */
	int ready;            /* init has finished */
	int dead;             /* init failed: every call answers -EDEADSRCDST */
	uint32_t irq_fired;   /* lines that fired and were not yet handled */
	uint32_t irq_waiting; /* lines a handler blocks on in irq_wait */
	uint32_t notified;    /* SVC_BIT()s of notify() calls not yet delivered */
	uint32_t timer_at;    /* tick its timer expires (0: none) */
	int timer_due;
	struct proc *thread; /* runs init and the callbacks */
	void *keep;          /* comp_keep's memory (never restarted here: taken once) */
	uint32_t keep_len;
};

extern struct mcomp mcomps[MAX_COMPS];

/* Whose component code each thread is running, and since when: a thread
 * may sleep inside a component (irq_wait, a deferred call) while another
 * runs a different one, so this is per thread, indexed like procs[]. */
struct comp_ctx {
	struct mcomp *comp;
	uint32_t since;
};
extern struct comp_ctx comp_ctxs[NPROC];

/* Inline: these are on the path of every call. */
static inline struct comp_ctx *comp_ctx_of(const struct proc *p)
{
	return &comp_ctxs[p->slot];
}

static inline void lock_comp(struct mcomp *mc)
{
	while (mc->owner) {
		mc->waiters++;
		sleep_on(mc);
		mc->waiters--;
	}
	mc->owner = current;
}

static inline void unlock_comp(struct mcomp *mc)
{
	mc->owner = NULL;
	if (mc->waiters) /* wakeup scans every thread: not on the common path */
		wakeup(mc);
}

/* Runs fn(mc, arg) as component code: interrupts on, the fault and the
 * watchdog attributed to mc. Nests (a component calling another). */
static inline void enter_comp(struct mcomp *mc, void (*fn)(struct mcomp *, void *), void *arg)
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

/* enter_comp for a thread that runs no component's code yet (it came in
 * by a system call from ring 3): there is no outer component to restore
 * or to credit with progress, which saves the call path their loads and
 * stores. */
static inline void enter_comp_outermost(struct mcomp *mc, void (*fn)(struct mcomp *, void *),
					void *arg)
{
	struct comp_ctx *cx = comp_ctx_of(current);
	cx->comp = mc;
	cx->since = ticks;
	sti();
	fn(mc, arg);
	cli();
	cx->comp = NULL;
}

/* inject.c: SYS_INJECT's view of a ring-0 component's code. */
int mono_inject_target(int comp, uint32_t *text, uint32_t *size, uint32_t *lo, uint32_t *hi);
uint8_t *mono_inject_byte(int comp, uint32_t va);

#endif
