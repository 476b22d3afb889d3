/* The IPC fast path (fastpath.c): a call to a server that is waiting for
 * one, and a reply to a caller when the server finds nothing else to do,
 * switch straight to the other thread: no run queue, no scheduler
 * decision. Built out with FASTPATH=0, which leaves the same rendezvous
 * going through the run queue, so `make bench` shows what the shortcut
 * buys. */
#ifndef MICRO_FASTPATH_H
#define MICRO_FASTPATH_H

#include "proc.h"

#ifndef FASTPATH
#define FASTPATH 1
#endif

#if FASTPATH
/* The current thread has just blocked on (or for) `to`, which can run. */
void fast_switch(struct proc *to);
#else
static inline void fast_switch(struct proc *to)
{
	sched_ready(to);
	sched_yield();
}
#endif

#endif
