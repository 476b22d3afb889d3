/* The register fast path of the l4 transport: SYS_CALLR (abi/syscall.h)
 * to a server that waits in receive, and that server's SYS_REPLY_RECV
 * back to such a caller when nothing else waits for it. Each half is one
 * trap in and one return to ring 3 in the other address space, with what
 * L4's fast IPC does and nothing more (Liedtke, "Improving IPC by Kernel
 * Design", SOSP 1993): the message in registers, written straight into
 * the receiver (its buffer's kernel address was resolved when it began to
 * wait, or its saved registers), no scheduler, no swtch, and CR3 written
 * only when it changes (sched_enter_user).
 *
 * The trick that allows it: a thread blocked here has nothing pending in
 * the kernel but its return to ring 3, so its kernel stack is given up and
 * the other thread is entered through its trap frame. Whatever wakes such
 * a thread the ordinary way (a queued request, a notification, a kill, a
 * server's death, a reply the fast half did not take) switches to it with
 * swtch as always, and lands in fast_resume_client or fast_resume_server
 * (fastenter.S), which end in trapret. Every case this half does not take
 * goes to the slow path, which gives the same results (t_callr compares
 * them). */
#include "abi/errno.h"
#include "fastpath.h"
#include "kernel.h"
#include "micro.h"
#include "proc.h"

/* fastenter.S: swtch's way back into a thread that blocked here. */
void fast_resume_client(void);
void fast_resume_server(void);

/* A caller woken the ordinary way: the reply's words (if a reply came) are
 * in its saved registers already; its result goes into eax. */
void fastipc_client_resumed(void)
{
	struct proc *me = current;
	struct ipc *mi = ipc_of(me);
	mi->reply_regs = 0;
	me->call = NULL;
	me->tf->eax = (uint32_t)mi->result;
	proc_exit_if_killed();
}

/* A server woken the ordinary way: its waker set eax (the service of the
 * request, or 0 for a notification), as for every receive. */
void fastipc_server_resumed(void)
{
	proc_exit_if_killed();
}

int32_t fast_callr(struct trapframe *tf)
{
	struct proc *me = current;
	uint32_t svc = tf->ebx;
	/* Refusals, and every call of a server (which wants the call-cycle
	 * check and may carry an armed interface fault), take the slow way,
	 * which says why. */
	if (svc - 1 >= SVC_MAX - 1 || !(me->caps & SVC_BIT(svc)) || (me->flags & PROC_F_SERVER))
		return service_callr_slow(tf);
	struct server *s = server_of_svc((int)svc);
	struct proc *srv = s ? s->proc : NULL;
	if (!srv)
		return service_callr_slow(tf);
	struct ipc *si = ipc_of(srv);
	struct msg *d = si->recv_kva;
	int32_t type = (int32_t)tf->ecx;
	if (!si->receiving || !d || srv->killed || !msg_type_allowed(type, me->privs))
		return service_callr_slow(tf);

	/* Deliver: the server's SYS_RECV returns svc with the request in its
	 * buffer, the words not sent zero, as the slow path leaves them. */
	d->type = type;
	d->sender = (uint32_t)me->pid;
	d->w[0] = tf->edx;
	d->w[1] = tf->esi;
	d->w[2] = tf->edi;
	for (int i = 3; i < MSG_WORDS; i++)
		d->w[i] = 0;
	d->grant = (struct grant){0};
	si->receiving = 0;
	si->fast_client = me;
	s->busy_since = ticks ? ticks : 1;
	srv->tf->eax = svc;

	/* Block for the reply. The frame lends nothing: its grant and the
	 * rest stay 0 (nothing else writes them), and a program's call is its
	 * outermost. */
	struct ipc *mi = ipc_of(me);
	mi->fast_frame.svc = (int)svc;
	me->call = &mi->fast_frame;
	mi->reply_regs = 1;
	mi->state = IPC_REPLY_WAIT;
	me->state = P_SLEEPING;
	ipc_fast_calls++;
	sched_enter_user(srv, fast_resume_client);
}

void fast_reply_to(struct proc *p, struct trapframe *tf)
{
	struct ipc *si = ipc_of(p);
	struct server *s = si->srv;
	/* The hint names the caller fast_callr handed us last; it is used
	 * once, and everything it implies is checked again below. */
	struct proc *c = si->fast_client;
	si->fast_client = NULL;
	uint32_t umsg = tf->ecx;
	/* The buffer of the last receive, resolved then: still mapped if it
	 * lies in the program's image (below brk_min nothing is ever
	 * unmapped), as the server runtime's static buffer does. */
	struct msg *kva = si->recv_kva;
	if (c->pid != (int)tf->ebx || umsg != si->recv_umsg || !kva || umsg >= p->brk_min ||
	    s->queue_head || si->notes || inject_iface_armed(p->comp))
		return;
	struct ipc *ci = ipc_of(c);
	if (!ci->reply_regs || ci->state != IPC_REPLY_WAIT || c->state != P_SLEEPING || c->killed ||
	    server_of_svc(c->call->svc) != s)
		return;

	/* The reply, into the caller's saved registers. */
	struct trapframe *ct = c->tf;
	ct->eax = (uint32_t)kva->type;
	ct->edx = kva->w[0];
	ct->esi = kva->w[1];
	ct->edi = kva->w[2];
	ci->state = IPC_NONE;
	ci->reply_regs = 0;
	c->call = NULL;

	/* Receive, as ipc_recv would with nothing queued: into the same
	 * buffer, already resolved. */
	s->busy_since = 0;
	si->receiving = 1;
	p->state = P_SLEEPING;
	sched_enter_user(c, fast_resume_server);
}
