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
 * them). micro/fastenter.S has both halves again in assembly, for the
 * common case; this C is the reference, and takes what the assembly
 * leaves. */
#include "abi/errno.h"
#include "arch.h"
#include "fastipc_layout.h"
#include "fastpath.h"
#include "kernel.h"
#include "micro.h"
#include "proc.h"

/* fastenter.S reads these as numbers (fastipc_layout.h). */
#define AT(type, field, v) _Static_assert(__builtin_offsetof(type, field) == (v), #type "." #field)
AT(struct proc, slot, P_SLOT);
AT(struct proc, pid, P_PID);
AT(struct proc, state, P_STATE);
AT(struct proc, pgdir, P_PGDIR);
AT(struct proc, kstack, P_KSTACK);
AT(struct proc, kesp, P_KESP);
AT(struct proc, tf, P_TF);
AT(struct proc, brk_min, P_BRK_MIN);
AT(struct proc, killed, P_KILLED);
AT(struct proc, caps, P_CAPS);
AT(struct proc, flags, P_FLAGS);
AT(struct proc, nioports, P_NIOPORTS);
AT(struct proc, call, P_CALL);
AT(struct ipc, state, I_STATE);
AT(struct ipc, reply_umsg, I_REPLY_UMSG);
AT(struct ipc, reply_kva, I_REPLY_KVA);
AT(struct ipc, reply_regs, I_REPLY_REGS);
AT(struct ipc, fast_frame, I_FAST_FRAME);
AT(struct ipc, srv, I_SRV);
AT(struct ipc, receiving, I_RECEIVING);
AT(struct ipc, recv_umsg, I_RECV_UMSG);
AT(struct ipc, recv_kva, I_RECV_KVA);
AT(struct ipc, registered, I_REGISTERED);
AT(struct ipc, fast_client, I_FAST_CLIENT);
AT(struct ipc, notes, I_NOTES);
AT(struct call_frame, svc, 0);
AT(struct server, proc, S_PROC);
AT(struct server, comp, S_COMP);
AT(struct server, queue_head, S_QUEUE_HEAD);
AT(struct server, busy_since, S_BUSY_SINCE);
AT(struct service, comp, SV_COMP);
AT(struct tss, esp0, TSS_ESP0);
AT(struct tss, iomap_base, TSS_IOMAP);
AT(struct trapframe, edi, TF_EDI);
AT(struct trapframe, esi, TF_ESI);
AT(struct trapframe, ebx, TF_EBX);
AT(struct trapframe, edx, TF_EDX);
AT(struct trapframe, ecx, TF_ECX);
AT(struct trapframe, eax, TF_EAX);
AT(struct msg, type, M_TYPE);
AT(struct msg, sender, M_SENDER);
AT(struct msg, w, M_W);
AT(struct msg, grant, M_GRANT);
AT(struct grant, addr, 0);
AT(struct grant, len, 4);
AT(struct grant, rights, 8);
AT(struct call_frame, grant, F_GRANT);
AT(struct grant_rec, addr, 0);
AT(struct grant_rec, len, 4);
AT(struct grant_rec, rights, 8);
AT(struct grant_rec, space, 12);
AT(struct call_frame, outer, F_OUTER);
_Static_assert(sizeof(struct call_frame) == F_SIZE, "struct call_frame");
_Static_assert(sizeof(struct ipc) == 1u << I_SHIFT, "struct ipc");
_Static_assert(sizeof(struct server) == 1u << S_SHIFT, "struct server");
_Static_assert(sizeof(struct service) == 1u << SV_SHIFT, "struct service");
_Static_assert(sizeof(struct msg) == M_SIZE && MSG_WORDS == 11, "struct msg");
_Static_assert(IOMAP_OFF == IOMAP_OFF_V && KSTACK_SIZE == KSTACK_SIZE_V && KERNBASE == KERNBASE_V &&
		       SVC_MAX == SVC_MAX_V && USER_TOP == USER_TOP_V &&
		       (PTE_P | PTE_U | PTE_W) == PTE_PUW_V && GRANT_WRITE == GRANT_WRITE_V,
	       "constants");
_Static_assert(P_RUNNING == P_RUNNING_V && P_SLEEPING == P_SLEEPING_V &&
		       IPC_REPLY_WAIT == IPC_REPLY_WAIT_V && PROC_F_SERVER == PROC_F_SERVER_V,
	       "states");
_Static_assert(MSG_SYS_FIRST == MSG_SYS_FIRST_V && MSG_SYS_LAST - MSG_SYS_FIRST == MSG_SYS_SPAN_V,
	       "message types");

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
	/* Refusals, every call of a server (which wants the call-cycle check
	 * and may carry an armed interface fault) and a caller marked killed
	 * (whose call block_on ends) take the slow way, which says why. */
	if (svc - 1 >= SVC_MAX - 1 || !(me->caps & SVC_BIT(svc)) || (me->flags & PROC_F_SERVER) ||
	    me->killed)
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

void fast_call_enter(struct proc *me, struct proc *srv, const struct call_frame *f)
{
	/* LAB 5: BEGIN
	 * (Further, after fast_switch.) The caller is a program whose call
	 * frame f lives on the kernel stack it is about to give up: keep a
	 * copy in its struct ipc (fast_frame) and point me->call at it, leave
	 * the hint for the reply (the server's fast_client), count the call
	 * (ipc_fast_calls), and enter the server in ring 3 with
	 * sched_enter_user, naming fast_resume_client as where the caller
	 * continues if it is woken the ordinary way. The stub returns, and
	 * block_on goes on to fast_switch.
	 * STUB: (void)me;
	 * STUB: (void)srv;
	 * STUB: (void)f;
	 */
	struct ipc *mi = ipc_of(me);
	mi->fast_frame = *f;
	me->call = &mi->fast_frame;
	ipc_of(srv)->fast_client = me;
	ipc_fast_calls++;
	sched_enter_user(srv, fast_resume_client);
	/* LAB 5: END */
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
	if (c->call != &ci->fast_frame || ci->state != IPC_REPLY_WAIT || c->state != P_SLEEPING ||
	    c->killed || server_of_svc(c->call->svc) != s || (!ci->reply_regs && !ci->reply_kva))
		return;

	/* The reply, into the caller's saved registers, or into its buffer
	 * (resolved at the call, and mapped since: it has been blocked). */
	struct trapframe *ct = c->tf;
	ct->eax = (uint32_t)kva->type;
	if (ci->reply_regs) {
		ct->edx = kva->w[0];
		ct->esi = kva->w[1];
		ct->edi = kva->w[2];
	} else {
		msg_copy(ci->reply_kva, kva);
		ci->reply_kva->sender = (uint32_t)p->pid;
	}
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
