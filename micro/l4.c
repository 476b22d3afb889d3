/* The l4 transport: synchronous rendezvous IPC in the L4 tradition. A call
 * blocks the caller until the server replies; the 64-byte message is
 * copied once into the kernel at the call and once out to the receiver.
 * When the server is already waiting, the kernel hands the message over
 * and switches straight to it (fastpath.h). Callers may be ring-3
 * programs and servers (SYS_CALL) or components placed in the kernel
 * (call()), whose message and buffers are kernel memory. */
#include "abi/errno.h"
#include "abi/syscall.h"
#include "cpu.h"
#include "fastpath.h"
#include "kernel.h"
#include "micro.h"
#include "proc.h"

/* Hands the caller's request m (in kernel reach) to a server blocked in
 * receive; the server's SYS_RECV returns the service it was sent to. */
static void hand_to_server(struct proc *srv, struct proc *caller, const struct msg *m)
{
	struct ipc *si = ipc_of(srv);
	si->receiving = 0;
	ipc_of(caller)->state = IPC_REPLY_WAIT;
	si->srv->busy_since = ticks ? ticks : 1;
	/* The receive buffer was checked writable when the server blocked. */
	if (si->recv_kva) {
		msg_copy(si->recv_kva, m);
		si->recv_kva->sender = (uint32_t)caller->pid;
	} else {
		struct msg copy = *m;
		copy.sender = (uint32_t)caller->pid;
		if (copy_to_user(srv->pgdir, si->recv_umsg, &copy, sizeof(copy)) < 0)
			proc_mark_killed(srv, WAIT_KILLED | T_IRQ0);
	}
	srv->tf->eax = (uint32_t)caller->call->svc;
}

/* The caller's message is m (its own resolved buffer, or its kernel copy)
 * and its frame is ready: hand it straight to a waiting server, or keep a
 * copy in the queue, and block until the reply or the server's death.
 * user: the call is a program's SYS_CALL (its trap frame is its own). */
static int32_t block_on(struct proc *me, struct server *s, struct call_frame *f,
			const struct msg *m, int user)
{
	struct ipc *mi = ipc_of(me);
	/* A program marked killed while it ran (proc_kill found it awake, so
	 * woke nothing) must not block now: a server that defers its reply
	 * (the console's read) would leave it asleep for good. Its outermost
	 * call ends before it begins. */
	if (!f->outer && me->killed)
		proc_exit(me->killed);
	me->call = f;
	me->state = P_SLEEPING;
	struct proc *srv = s->proc;
	if (srv && ipc_of(srv)->receiving) {
		hand_to_server(srv, me, m);
		/* A program's own call has nothing left on this stack but the
		 * way back: the fast path enters the server in ring 3. */
		if (user && !f->outer && !(me->flags & PROC_F_SERVER))
			fast_call_enter(me, srv, f);
		fast_switch(srv);
	} else {
		if (m != &mi->msg)
			msg_copy(&mi->msg, m);
		mi->state = IPC_QUEUED;
		mi->queue_next = NULL;
		if (s->queue_tail)
			ipc_of(s->queue_tail)->queue_next = me;
		else
			s->queue_head = me;
		s->queue_tail = me;
		sched_yield();
	}
	/* Back here once replied to (or the server died, or we were
	 * killed): the reply is already in our buffer. A call nested in a
	 * ring-0 handler (a hybrid's) returns even so: that handler must
	 * finish before the thread may die. */
	me->call = f->outer;
	if (!me->call)
		proc_exit_if_killed();
	return mi->result;
}

int32_t l4_syscall(struct trapframe *tf)
{
	struct proc *me = current;
	int svc = (int)tf->ebx;
	int32_t r = service_admit((uint32_t)svc, me);
	if (r)
		return r;
	struct ipc *mi = ipc_of(me);
	struct server *s = server_of_svc(svc);
	/* No server: a service the kernel answers itself (SVC_PROC, which
	 * the console server calls for Ctrl-C). The test costs nothing on
	 * the way to a server: server_of_svc has just found one. */
	if (!s)
		return services[svc].transport->syscall(tf);
	if ((r = server_reachable(s)) < 0)
		return r;
	/* Written by the reply, so checked writable now. A buffer in one page
	 * is read in place: the message is copied once, straight to a waiting
	 * server (or into the queue); one across pages is copied in first. */
	const struct msg *m = mi->reply_kva = user_msg_kva(me->pgdir, tf->ecx, 1);
	if (!m) {
		if (!user_range_mapped(me->pgdir, tf->ecx, sizeof(mi->msg), 1) ||
		    copy_from_user(me->pgdir, &mi->msg, tf->ecx, sizeof(mi->msg)) < 0)
			return -EFAULT;
		m = &mi->msg;
	}
	if (!msg_type_allowed(m->type, me->privs))
		return -EPERM;
	/* An interface fault armed for a server corrupts what it sends, in
	 * its own buffer (checked writable above) or the kernel's copy. */
	if (me->flags & PROC_F_SERVER)
		inject_iface(me->comp, (struct msg *)m);
	const struct grant *g = &m->grant;
	if (g->len && !user_range_mapped(me->pgdir, g->addr, g->len, g->rights & GRANT_WRITE))
		return -EFAULT;
	mi->reply_umsg = tf->ecx;
	struct call_frame f = {svc, {g->addr, g->len, g->rights, me->pgdir}, me->call, NULL, 0};
	return block_on(me, s, &f, m, 1);
}

/* A component in ring 0 calls a server (a hybrid placement): the message
 * and what it lends are kernel memory, which the server reaches only
 * through the kernel's copies. */
static int32_t l4_call_kernel(int svc, struct msg *m)
{
	struct proc *me = current;
	struct ipc *mi = ipc_of(me);
	struct server *s = server_of_svc(svc);
	int r = server_reachable(s);
	if (r < 0)
		return r;
	mi->reply_kva = m;
	struct grant *g = &m->grant;
	struct call_frame f = {svc, {g->addr, g->len, g->rights, NULL}, me->call, NULL, 0};
	return block_on(me, s, &f, m, 0);
}

const struct transport transport_l4 = {
	.name = "l4",
	.syscall = FAST_CALL, /* l4_syscall, or its fast path first */
	.call_kernel = l4_call_kernel,
	.callr = FAST_CALLR, /* else service_callr_slow, through l4_call_kernel */
	.switches_direct = FASTPATH,
};
const struct transport *const server_transport = &transport_l4;

struct call_frame *ipc_frame_of(int pid, const struct server *s, struct proc **out)
{
	struct proc *caller = proc_by_pid(pid);
	if (!caller || !caller->call || server_of_svc(caller->call->svc) != s ||
	    ipc_of(caller)->state != IPC_REPLY_WAIT || caller->state == P_ZOMBIE)
		return NULL;
	if (out)
		*out = caller;
	return caller->call;
}

/* A pending notification, as the message the server receives. */
static void take_notes(struct ipc *si, struct msg *n)
{
	*n = (struct msg){.type = MSG_NOTIFY};
	for (int i = 0; i < NOTE_WORDS; i++) {
		n->w[i] = si->note[i];
		si->note[i] = 0;
	}
	si->notes = 0;
}

/* kva: umsg already resolved by the caller, or NULL to resolve it here.
 * RECV_BLOCKED: hand_to_server or ipc_notify sets the result later. */
int32_t ipc_recv(struct proc *srv, uint32_t umsg, struct msg *kva)
{
	struct ipc *si = ipc_of(srv);
	struct server *s = si->srv;
	if (!kva && !(kva = user_msg_kva(srv->pgdir, umsg, 1)) &&
	    !user_range_mapped(srv->pgdir, umsg, sizeof(struct msg), 1))
		return -EFAULT;
	s->busy_since = 0;
	if (si->notes) { /* handling it is work too: a hang there is a hang */
		struct msg n;
		take_notes(si, &n);
		s->busy_since = ticks ? ticks : 1;
		int r = copy_to_user(srv->pgdir, umsg, &n, sizeof(n));
		return r < 0 ? r : 0;
	}
	struct proc *caller = s->queue_head;
	si->recv_umsg = umsg;
	si->recv_kva = kva;
	if (caller) {
		s->queue_head = ipc_of(caller)->queue_next;
		if (!s->queue_head)
			s->queue_tail = NULL;
		hand_to_server(srv, caller, &ipc_of(caller)->msg);
		return (int32_t)srv->tf->eax;
	}
	si->receiving = 1;
	srv->state = P_SLEEPING;
	return RECV_BLOCKED;
}

/* r: the server's reply, already in kernel reach (its resolved buffer or a
 * kernel copy). */
int32_t ipc_reply(struct proc *srv, int pid, const struct msg *r, struct proc **woken)
{
	struct proc *caller;
	*woken = NULL;
	if (!ipc_frame_of(pid, ipc_of(srv)->srv, &caller))
		return -ESRCH;
	struct ipc *ci = ipc_of(caller);
	/* An armed interface fault corrupts this reply (a copy: r may be
	 * the server's own buffer). */
	struct msg bad;
	if (inject_iface_armed(srv->comp)) {
		bad = *r;
		inject_iface(srv->comp, &bad);
		r = &bad;
	}
	/* The caller's buffer was checked at the call and cannot have gone
	 * away: the caller has been blocked ever since. A SYS_CALLR of the
	 * fast path takes its reply in its saved registers. */
	if (ci->reply_regs) {
		caller->tf->edx = r->w[0];
		caller->tf->esi = r->w[1];
		caller->tf->edi = r->w[2];
	} else if (ci->reply_kva) {
		msg_copy(ci->reply_kva, r);
		ci->reply_kva->sender = (uint32_t)srv->pid;
	} else {
		struct msg copy = *r;
		copy.sender = (uint32_t)srv->pid;
		copy_to_user(caller->pgdir, ci->reply_umsg, &copy, sizeof(copy));
	}
	ci->result = r->type;
	ci->state = IPC_NONE;
	*woken = caller;
	return 0;
}

void ipc_notify(struct proc *srv, int word, uint32_t bits)
{
	struct ipc *si = ipc_of(srv);
	if (word == NOTE_IRQ && si->irq_wait_line >= 0 && (bits & (1u << si->irq_wait_line))) {
		bits &= ~(1u << si->irq_wait_line);
		si->irq_wait_line = -1;
		/* The clock may have woken it already (an irq_wait with a
		 * timeout that ran out): it is then on the run queue, and a
		 * second sched_ready would cut the queue after it, losing every
		 * process behind it for good (seen in Bochs: the reincarnation
		 * server "runnable" and never run, so no server restarted). It
		 * still sees the line: irq_wait_line is cleared. */
		if (srv->state == P_SLEEPING)
			sched_ready(srv);
	}
	if (!bits)
		return;
	si->note[word] |= bits;
	si->notes = 1;
	if (si->receiving) {
		struct msg n;
		take_notes(si, &n);
		si->receiving = 0;
		si->srv->busy_since = ticks ? ticks : 1;
		if (si->recv_kva) {
			*si->recv_kva = n;
			srv->tf->eax = 0;
		} else {
			srv->tf->eax =
				(uint32_t)copy_to_user(srv->pgdir, si->recv_umsg, &n, sizeof(n));
		}
		sched_ready(srv);
	}
}

/* A server is gone: whoever it was serving gets an error; callers still
 * queued stay queued for the next instance. */
void ipc_server_died(struct proc *srv)
{
	struct ipc *si = ipc_of(srv);
	for (struct proc *p = procs; p < procs + NPROC; p++) {
		struct ipc *pi = ipc_of(p);
		if (p->state != P_UNUSED && p->call && server_of_svc(p->call->svc) == si->srv &&
		    pi->state == IPC_REPLY_WAIT) {
			pi->state = IPC_NONE;
			pi->result = -EDEADSRCDST;
			sched_ready(p);
		}
	}
	si->srv->busy_since = 0;
	si->receiving = 0;
}

/* Takes a caller off its server's queue. */
static void unqueue(struct proc *p)
{
	struct ipc *pi = ipc_of(p);
	struct server *s = server_of_svc(p->call->svc);
	struct proc **pp = &s->queue_head, *prev = NULL;
	while (*pp && *pp != p) {
		prev = *pp;
		pp = &ipc_of(*pp)->queue_next;
	}
	if (*pp) {
		*pp = pi->queue_next;
		if (s->queue_tail == p)
			s->queue_tail = prev;
	}
}

/* A program was killed (proc_kill): if it waits in its own call to a
 * server, queued or being served, the call ends now. A server in the
 * middle of serving it is left no dangling reply: its reply and grant
 * copies name the caller by pid, and ipc_frame_of finds no call to them
 * any more (-ESRCH), the caller's memory untouched. A call nested in a
 * ring-0 handler (hybrid) is left to finish. */
void ipc_proc_kill(struct proc *p)
{
	struct ipc *pi = ipc_of(p);
	if ((p->flags & PROC_F_SERVER) || p->state != P_SLEEPING || !p->call || p->call->outer)
		return;
	if (pi->state == IPC_QUEUED)
		unqueue(p);
	else if (pi->state != IPC_REPLY_WAIT)
		return;
	pi->state = IPC_NONE;
	pi->result = -EINTR;
	sched_ready(p);
}

void ipc_retire(struct server *s)
{
	while (s->queue_head) {
		struct proc *c = s->queue_head;
		s->queue_head = ipc_of(c)->queue_next;
		ipc_of(c)->state = IPC_NONE;
		ipc_of(c)->result = -EDEADSRCDST;
		sched_ready(c);
	}
	s->queue_tail = NULL;
}

void ipc_kill(struct proc *p)
{
	struct ipc *pi = ipc_of(p);
	proc_mark_killed(p, WAIT_KILLED | T_IRQ0);
	if (p->state != P_SLEEPING)
		return; /* running or runnable: it dies at its next tick or trap */
	if (pi->state == IPC_QUEUED)
		unqueue(p);
	pi->state = IPC_NONE;
	pi->receiving = 0;
	pi->irq_wait_line = -1;
	sched_ready(p);
}
