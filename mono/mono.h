/* The mono kernel's internals: how it hosts linked-in components. */
#ifndef MONO_H
#define MONO_H

#include <stdint.h>

#include "abi/msg.h"
#include "component.h"

struct proc;

/* A reply type no real reply uses: the handler deferred its answer. */
#define MONO_DEFERRED ((int32_t)0x80000001)

struct mcomp {
	const struct component *c;
	int locked;              /* the component's sleep lock */
	int waiters;             /* threads sleeping for the lock */
	int ready;               /* init has finished */
	uint32_t irq_fired;      /* lines that fired and were not yet handled */
	uint32_t irq_waiting;    /* lines a handler blocks on in irq_wait */
	uint32_t irq_wait_since; /* tick the current irq_wait began */
	struct proc *irq_thread;
};

extern struct mcomp mcomps[SVC_MAX];
/* Whose component code each thread is running, and since when: a thread
 * may sleep inside a component (irq_wait, a deferred call) while another
 * runs a different one, so this is per thread, indexed like procs[]. */
struct comp_ctx {
	struct mcomp *comp;
	uint32_t since;
};
struct comp_ctx *comp_ctx_of(const struct proc *p);

void lock_comp(struct mcomp *mc);
void unlock_comp(struct mcomp *mc);
void enter_comp(struct mcomp *mc, void (*fn)(struct mcomp *, void *), void *arg);
void mono_components_start(void);

#endif
