/* Synchronous rendezvous IPC in the L4 tradition. A call blocks the caller
 * until the server replies; the message (64 bytes) is copied once into the
 * kernel at the call and once out to the receiver. When the server is
 * already waiting, the kernel switches straight to it (the fast path): no
 * run queue, no scheduler decision. A reply-and-receive that finds nothing
 * else to do switches straight back to the caller the same way. */
#include "abi/errno.h"
#include "cpu.h"
#include "kernel.h"
#include "micro.h"
#include "proc.h"
#include "abi/syscall.h"
#include "server_abi.h"

static struct ipc ipcs[NPROC];
struct service services[SVC_MAX];

struct ipc *ipc_of(const struct proc *p)
{
	return &ipcs[p - procs];
}

/* Hands a request to a server blocked in receive. */
static void deliver(struct proc *srv, struct proc *caller)
{
	struct ipc *si = ipc_of(srv), *ci = ipc_of(caller);
	si->receiving = 0;
	ci->state = IPC_REPLY_WAIT;
	services[si->svc].busy_since = ticks ? ticks : 1;
	/* The receive buffer was checked writable when the server blocked. */
	if (si->recv_kva)
		memcpy(si->recv_kva, &ci->msg, sizeof(ci->msg));
	else if (copy_to_user(srv->pgdir, si->recv_umsg, &ci->msg, sizeof(ci->msg)) < 0)
		srv->killed = 1;
	srv->tf->eax = 0;
}

int32_t ipc_call(struct trapframe *tf)
{
	struct proc *me = current;
	struct ipc *mi = ipc_of(me);
	int svc = (int)tf->ebx;
	if (svc <= 0 || svc >= SVC_MAX)
		return -EINVAL;
	if (!(me->caps & SVC_BIT(svc)))
		return -EPERM;
	struct service *s = &services[svc];
	/* At boot a server may call another that has not registered yet (the
	 * file system mounting through the disk driver): wait for the boot
	 * servers, then decide. */
	while (!s->bound && servers_unregistered)
		sleep_on(services);
	if (!s->bound)
		return -ENOENT;
	if (s->retired)
		return -EDEADSRCDST; /* its server died for good */
	/* Written by the reply, so checked writable now. */
	mi->reply_kva = user_msg_kva(me->pgdir, tf->ecx, 1);
	if (mi->reply_kva)
		mi->msg = *mi->reply_kva;
	else if (!user_range_mapped(me->pgdir, tf->ecx, sizeof(mi->msg), 1) ||
		 copy_from_user(me->pgdir, &mi->msg, tf->ecx, sizeof(mi->msg)) < 0)
		return -EFAULT;
	struct grant *g = &mi->msg.grant;
	if (g->len && !user_range_mapped(me->pgdir, g->addr, g->len, g->rights & GRANT_WRITE))
		return -EFAULT;
	mi->msg.sender = (uint32_t)me->pid;
	mi->reply_umsg = tf->ecx;
	me->call_svc = svc;
	me->call_grant = *g;

	struct proc *srv = s->server;
	me->state = P_SLEEPING;
	if (srv && ipc_of(srv)->receiving) {
		deliver(srv, me);
		sched_switch_to(srv); /* the fast path */
	} else {
		mi->state = IPC_QUEUED;
		mi->queue_next = NULL;
		if (s->queue_tail)
			ipc_of(s->queue_tail)->queue_next = me;
		else
			s->queue_head = me;
		s->queue_tail = me;
		sched_yield();
	}
	/* Back here once replied to (or the server died): the reply is
	 * already in our buffer. */
	me->call_svc = 0;
	proc_exit_if_killed();
	return mi->result;
}

/* kva: umsg already resolved by the caller, or NULL to resolve it here. */
int32_t ipc_recv(struct proc *srv, uint32_t umsg, struct msg *kva)
{
	struct ipc *si = ipc_of(srv);
	struct service *s = &services[si->svc];
	if (!kva && !(kva = user_msg_kva(srv->pgdir, umsg, 1)) &&
	    !user_range_mapped(srv->pgdir, umsg, sizeof(struct msg), 1))
		return -EFAULT;
	s->busy_since = 0;
	if (si->notify) { /* handling it is work too: a hang there is a hang */
		struct msg n = {.type = MSG_NOTIFY, .w = {si->notify}};
		si->notify = 0;
		s->busy_since = ticks ? ticks : 1;
		return copy_to_user(srv->pgdir, umsg, &n, sizeof(n));
	}
	struct proc *caller = s->queue_head;
	si->recv_umsg = umsg;
	si->recv_kva = kva;
	if (caller) {
		s->queue_head = ipc_of(caller)->queue_next;
		if (!s->queue_head)
			s->queue_tail = NULL;
		deliver(srv, caller);
		return 0;
	}
	si->receiving = 1;
	srv->state = P_SLEEPING;
	return 1; /* the caller blocks; deliver() sets the result */
}

/* r: the server's reply, already in kernel reach (its resolved buffer or a
 * kernel copy). */
int32_t ipc_reply(struct proc *srv, int pid, const struct msg *r, struct proc **woken)
{
	struct ipc *si = ipc_of(srv);
	struct proc *caller = proc_by_pid(pid);
	*woken = NULL;
	if (!caller || caller->state == P_ZOMBIE || caller->call_svc != si->svc ||
	    ipc_of(caller)->state != IPC_REPLY_WAIT)
		return -ESRCH;
	struct ipc *ci = ipc_of(caller);
	/* The caller's buffer was checked at the call and cannot have gone
	 * away: the caller has been blocked ever since. */
	if (ci->reply_kva) {
		memcpy(ci->reply_kva, r, sizeof(*r));
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

void ipc_notify(struct proc *srv, int line)
{
	struct ipc *si = ipc_of(srv);
	if (si->irq_wait_line == line) {
		si->irq_wait_line = -1;
		sched_ready(srv);
		return;
	}
	si->notify |= 1u << line;
	if (si->receiving) {
		struct msg n = {.type = MSG_NOTIFY, .w = {si->notify}};
		si->notify = 0;
		si->receiving = 0;
		services[si->svc].busy_since = ticks ? ticks : 1;
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
		if (p->state != P_UNUSED && p->call_svc == si->svc && pi->state == IPC_REPLY_WAIT) {
			pi->state = IPC_NONE;
			pi->result = -EDEADSRCDST;
			sched_ready(p);
		}
	}
	services[si->svc].busy_since = 0;
	si->receiving = 0;
}

void ipc_kill(struct proc *p)
{
	struct ipc *pi = ipc_of(p);
	p->killed = 1;
	if (p->state != P_SLEEPING)
		return;                /* running or runnable: it dies at its next tick or trap */
	if (pi->state == IPC_QUEUED) { /* unlink from the service's queue */
		struct service *s = &services[p->call_svc];
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
	pi->state = IPC_NONE;
	p->call_svc = 0;
	pi->receiving = 0;
	pi->irq_wait_line = -1;
	sched_ready(p);
}
