/* The mono kernel's start and fault policy. Every component is linked into
 * this image, so a fault in one is a fault in the kernel: it panics, and
 * the message names the component. That contrast with micro is the lesson. */
#include "abi/syscall.h"
#include "flavour.h"
#include "kernel.h"
#include "mono.h"
#include "proc.h"

/* A component running this many ticks without returning is hung. */
#define WATCHDOG_TICKS (2 * HZ)

void flavour_start(void)
{
	/* init first, so it is pid 1; it blocks on the console until the
	 * console's thread has run init. */
	proc_start_init();
	mono_components_start();
}

void flavour_tick(struct trapframe *tf)
{
	(void)tf;
	/* Only the running thread can be spinning. */
	struct comp_ctx *cx = comp_ctx_of(current);
	if (cx->comp && ticks - cx->since > WATCHDOG_TICKS)
		panic("component %s hung: no return for %u ms (watchdog)", cx->comp->c->name,
		      (ticks - cx->since) * 1000 / HZ);
	/* A component waiting for an interrupt that never comes holds its
	 * lock (and its callers) forever: in mono that is a hung kernel too. */
	for (int i = 1; i < SVC_MAX; i++) {
		struct mcomp *mc = &mcomps[i];
		if (mc->irq_waiting && ticks - mc->irq_wait_since > WATCHDOG_TICKS)
			panic("component %s hung: no interrupt for %u ms (watchdog)", mc->c->name,
			      (ticks - mc->irq_wait_since) * 1000 / HZ);
	}
}

void flavour_kernel_fault(struct trapframe *tf)
{
	struct mcomp *mc = comp_ctx_of(current)->comp;
	if (!mc)
		return;
	kprintf("\ncomponent %s crashed: %s in ring 0\n", mc->c->name, trap_name(tf->trapno));
	trap_dump(tf);
	panic("component %s crashed (mono: a driver fault is a kernel fault)", mc->c->name);
}
