/* The IPC fast path (fastpath.c): a call to a server that is waiting for
 * one, and a reply to a caller when the server finds nothing else to do,
 * switch straight to the other thread: no run queue, no scheduler
 * decision. Built out with FASTPATH=0, which leaves the same rendezvous
 * going through the run queue, so `make bench` shows what the shortcut
 * buys. */
#ifndef MICRO_FASTPATH_H
#define MICRO_FASTPATH_H

#include "micro.h"
#include "proc.h"

#ifndef FASTPATH
#define FASTPATH 1
#endif

/* srv_calls.c: SYS_REPLY_RECV, the slow way (and fast_reply_to first);
 * l4.c: SYS_CALL, the same. The assembly entries fall back to them. */
int32_t sys_reply_recv(struct trapframe *tf);
int32_t sys_grant_copy(struct trapframe *tf);
int32_t l4_syscall(struct trapframe *tf);

#ifndef FASTASM
#define FASTASM 1
#endif

#if FASTPATH
/* The current thread has just blocked on (or for) `to`, which can run. */
void fast_switch(struct proc *to);
/* fastipc.c: SYS_CALLR to a server waiting in receive, and the server's
 * SYS_REPLY_RECV back to such a caller, each straight into the other
 * thread's ring 3 (sched_enter_user). fast_reply_recv returns only when
 * the reply is not one it can take; fast_callr falls back by itself. */
int32_t fast_callr(struct trapframe *tf);
/* The same for a program's SYS_CALL, from block_on once the message is in
 * the server's buffer: its frame f is kept in its struct ipc. Returns
 * only if it does not take the call (lab 5's starter). */
void fast_call_enter(struct proc *me, struct proc *srv, const struct call_frame *f);
void fast_reply_to(struct proc *srv, struct trapframe *tf);
/* fastenter.S: the same halves in assembly, for the common case.
 * fast_callr_asm is SYS_CALLR's entry and falls back to fast_callr;
 * fast_call_asm is a program's SYS_CALL's and falls back to l4_syscall
 * (whose block_on calls fast_call_enter); fast_reply_recv_asm is
 * SYS_REPLY_RECV's and falls back to sys_reply_recv, which then tries
 * fast_reply_to. FASTASM=0 leaves them out of the tables, so that the C
 * halves carry every fast call. */
int32_t fast_callr_asm(struct trapframe *tf);
int32_t fast_call_asm(struct trapframe *tf);
int32_t fast_reply_recv_asm(struct trapframe *tf);
/* And SYS_GRANT_COPY's, for a grant of the caller the hint names (the
 * data of every file request), falling back to sys_grant_copy. */
int32_t fast_grant_copy_asm(struct trapframe *tf);
static inline void fast_reply_recv(struct proc *srv, struct trapframe *tf)
{
	/* One test on the way of every other reply. */
	if (ipc_of(srv)->fast_client)
		fast_reply_to(srv, tf);
}
#if FASTASM
#define FAST_CALLR      fast_callr_asm
#define FAST_CALL       fast_call_asm
#define FAST_REPLY_RECV fast_reply_recv_asm
#define FAST_GRANT_COPY fast_grant_copy_asm
#else
#define FAST_CALLR      fast_callr
#define FAST_CALL       l4_syscall
#define FAST_REPLY_RECV sys_reply_recv
#define FAST_GRANT_COPY sys_grant_copy
#endif
#else
static inline void fast_switch(struct proc *to)
{
	sched_ready(to);
	sched_yield();
}
static inline void fast_call_enter(struct proc *me, struct proc *srv, const struct call_frame *f)
{
	(void)me;
	(void)srv;
	(void)f;
}
static inline void fast_reply_recv(struct proc *srv, struct trapframe *tf)
{
	(void)srv;
	(void)tf;
}
#define FAST_CALLR      NULL
#define FAST_CALL       l4_syscall
#define FAST_REPLY_RECV sys_reply_recv
#define FAST_GRANT_COPY sys_grant_copy
#endif

#endif
