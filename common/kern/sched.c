/* Round-robin scheduling with a FIFO run queue. A thread runs until it
 * blocks, yields, or (in ring 3) its tick runs out. The idle thread runs
 * only when the queue is empty and is never on it. */
#include "arch.h"
#include "cpu.h"
#include "kernel.h"
#include "x86.h"
#include "proc.h"
#include "service.h"

static struct proc *runq_head, *runq_tail;
static struct proc *idle;
uint64_t idle_tsc;
volatile uint32_t ticks;

void sched_ready(struct proc *p)
{
	p->state = P_RUNNABLE;
	p->run_next = NULL;
	if (runq_tail)
		runq_tail->run_next = p;
	else
		runq_head = p;
	runq_tail = p;
}

static struct proc *runq_pop(void)
{
	struct proc *p = runq_head;
	if (p) {
		runq_head = p->run_next;
		if (!runq_head)
			runq_tail = NULL;
	}
	return p;
}

/* Takes p off the run queue if it is there (a thread being killed). */
static void runq_remove(struct proc *p)
{
	struct proc **pp = &runq_head, *prev = NULL;
	while (*pp && *pp != p) {
		prev = *pp;
		pp = &(*pp)->run_next;
	}
	if (!*pp)
		return;
	*pp = p->run_next;
	if (runq_tail == p)
		runq_tail = prev;
}

/* The I/O bitmap in the TSS holds the ports of whichever thread last ran
 * with port rights (micro servers). Switching to another such thread closes
 * the old ranges and opens the new ones, a few bits each; threads without
 * rights run with the bitmap switched off, one store. */
static const struct proc *iopb_owner;

static void iopb_set(const struct proc *p, int deny)
{
	for (int i = 0; i < p->nioports; i++) {
		uint32_t first = p->ioports[i].base, end = first + p->ioports[i].count;
		for (uint32_t port = first; port < end && port < IOPB_BYTES * 8; port++) {
			if (deny)
				tss.iopb[port / 8] |= (uint8_t)(1u << (port % 8));
			else
				tss.iopb[port / 8] &= (uint8_t) ~(1u << (port % 8));
		}
	}
}

/* Everything a switch to next changes but the stack: the thread to run,
 * the kernel stack its next trap lands on, the address space (CR3 only
 * when it changes) and the I/O bitmap. */
static inline void switch_prepare(struct proc *prev, struct proc *next)
{
	if (prev == idle)
		prev->state = P_RUNNABLE; /* idle is never queued, but is ready */
	current = next;
	next->state = P_RUNNING;
	tss.esp0 = (uint32_t)next->kstack + KSTACK_SIZE;
	if (next->pgdir)
		vm_switch(next->pgdir);
	if (next->nioports) {
		if (iopb_owner != next) {
			if (iopb_owner)
				iopb_set(iopb_owner, 1);
			iopb_set(next, 0);
			iopb_owner = next;
		}
		tss.iomap_base = IOMAP_ON;
	} else {
		tss.iomap_base = IOMAP_OFF;
	}
}

void sched_switch_to(struct proc *next)
{
	struct proc *prev = current;
	if (next == prev) {
		prev->state = P_RUNNING;
		return;
	}
	switch_prepare(prev, next);
	swtch(&prev->kesp, next->kesp);
}

void sched_enter_user(struct proc *next, void (*resume)(void))
{
	struct proc *prev = current;
	/* What swtch pops when something switches back to prev: four
	 * callee-saved registers nobody needs, then resume as the return
	 * address, which leaves esp at prev's trap frame. enter_user writes
	 * the address once it has left prev's stack, where this call's own
	 * frames still are. */
	prev->kesp = (uint32_t)prev->tf - 5 * sizeof(uint32_t);
	switch_prepare(prev, next);
	enter_user(prev->tf, resume, next->tf);
}

/* The running thread's port rights changed (a server registered): load
 * them now rather than at its next switch. */
void sched_ioports_changed(void)
{
	if (iopb_owner)
		iopb_set(iopb_owner, 1);
	iopb_owner = NULL;
	if (current->nioports) {
		iopb_set(current, 0);
		iopb_owner = current;
		tss.iomap_base = IOMAP_ON;
	}
}

void sched_forget(struct proc *p)
{
	if (iopb_owner == p) {
		iopb_set(p, 1);
		iopb_owner = NULL;
	}
	runq_remove(p);
}

int sched_idle_running(void)
{
	return current == idle;
}

void sched_yield(void)
{
	if (current->state == P_RUNNING && current != idle)
		sched_ready(current);
	struct proc *next = runq_pop();
	if (!next)
		next = idle;
	sched_switch_to(next);
}

void sleep_on(const void *chan)
{
	/* A kill that came before an interruptible sleep ends it as one that
	 * comes during it: proc_kill wakes only a thread already asleep, and
	 * every interruptible caller looks at killed when this returns. */
	if (current->intr && current->killed)
		return;
	current->wchan = chan;
	current->state = P_SLEEPING;
	sched_yield();
	current->wchan = NULL;
}

void sleep_on_until(const void *chan, uint32_t deadline)
{
	current->wake_tick = deadline;
	sleep_on(chan);
	current->wake_tick = 0;
}

void sleep_ticks(uint32_t n)
{
	sleep_on_until(&current->wake_tick, ticks + (n ? n : 1));
}

void wakeup(const void *chan)
{
	for (struct proc *p = procs; p < procs + NPROC; p++)
		if (p->state == P_SLEEPING && p->wchan == chan)
			sched_ready(p);
}

void sched_tick(struct trapframe *tf)
{
	ticks++;
	current->ticks++;
	for (struct proc *p = procs; p < procs + NPROC; p++)
		if (p->state == P_SLEEPING && p->wake_tick && (int32_t)(ticks - p->wake_tick) >= 0)
			sched_ready(p);
	hosts_tick(tf);
	/* A process marked killed while spinning in ring 3 dies here. */
	if (tf_from_user(tf))
		proc_exit_if_killed();
	/* Preempt only ring 3: kernel code is not preemptible, so a tick in
	 * ring 0 (the idle loop, or a mono component running with interrupts
	 * on) just counts. */
	if (tf_from_user(tf) && runq_head)
		sched_yield();
}

static void idle_loop(void *arg)
{
	(void)arg;
	for (;;) {
		if (runq_head) {
			sched_yield();
			continue;
		}
		/* sti takes effect after the next instruction, so no interrupt
		 * slips in between the check above and the hlt. The halted
		 * time is counted, with the interrupt entry that ends it, so
		 * that a benchmark can tell the CPU's work from its waiting
		 * (under -icount, the instructions it ran). */
		uint64_t t0 = rdtsc();
		__asm__ volatile("sti; hlt; cli" ::: "memory");
		idle_tsc += rdtsc() - t0;
	}
}

void sched_init(void)
{
	/* Created first, so it is pid 0 and init is pid 1. */
	idle = kthread_create("idle", idle_loop, NULL);
	KASSERT(idle && idle->pid == 0);
	idle->state = P_RUNNABLE;
}

void sched_start(void)
{
	/* The boot stack is abandoned: this stand-in is never resumed. */
	static struct proc boot;
	current = &boot;
	struct proc *first = runq_pop();
	sched_switch_to(first ? first : idle);
	panic("sched_start returned");
}
