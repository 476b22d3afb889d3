/* The mach transport (IPC=mach): a model of Mach 3's message passing, for
 * the comparison with l4's rendezvous (docs/03-benchmarks.md says which of
 * Mach's costs it reproduces and which it leaves out).
 *
 * What Mach does, and this file does too (after Draves, "The Revised IPC
 * Interface", USENIX Mach Workshop 1990, and Mach 3's ipc/ sources as the
 * OSF MK documentation describes them):
 *  - A send is asynchronous: the message is copied into a kernel message
 *    buffer (a kmsg, from a zone) and put on the destination port's message
 *    queue. The sender does not wait for the receiver.
 *  - Every port name a message uses is translated through the sending
 *    task's name space (its ipc_space: a table of entries, each a port and
 *    the rights the task holds to it), and the right is checked on every
 *    message: a send right to the destination, the receive right of the
 *    reply port, from which the kernel makes a send-once right that
 *    travels in the message.
 *  - The receiver, when the message is received, gets the send-once right
 *    inserted into its own name space (the kmsg's "copyout"), and the
 *    message copied out of the kernel buffer into its memory.
 *  - A reply is a send too: to the send-once right, which the send
 *    consumes. The client's call is a send followed by a receive on its
 *    reply port (mach_msg with MACH_SEND_MSG | MACH_RCV_MSG).
 *  - A thread blocked in receive is woken through the scheduler: it is
 *    made runnable and runs when the run queue comes to it; it dequeues
 *    and copies out the message itself. No direct switch, no hand-off.
 *
 * The servers, their runtime and the user programs are the very ELF files
 * the l4 kernel runs: the same system calls with the same meaning. A
 * server's reply token stays the caller's pid; here it names the
 * send-once right the server holds (NAME_SO below). */
#include "abi/errno.h"
#include "abi/syscall.h"
#include "kernel.h"
#include "micro.h"
#include "proc.h"

/* --- Kernel messages (Mach's ipc_kmsg) ---
 * Each thread has at most one request (queued, or received and freed) and
 * one reply (in its reply port) at a time, so 2 * NPROC never run out. */
#define NKMSG (2 * NPROC)

struct mport;

struct kmsg {
	struct kmsg *next;
	int svc;             /* the service it was sent to (Mach: msgh_id) */
	int sender_pid;      /* the sender (Mach: the trailer's sender) */
	struct mport *reply; /* the send-once right it carries, or NULL */
	int32_t result;      /* a reply: what the call returns */
	int has_body;        /* 0: an error reply (the server died), no body */
	struct msg body;
};

static struct kmsg kmsgs[NKMSG], *kmsg_free_list;
static int kmsgs_ready;

static struct kmsg *kmsg_alloc(void)
{
	if (!kmsgs_ready) {
		for (int i = 0; i < NKMSG; i++) {
			kmsgs[i].next = kmsg_free_list;
			kmsg_free_list = &kmsgs[i];
		}
		kmsgs_ready = 1;
	}
	struct kmsg *k = kmsg_free_list;
	KASSERT(k);
	kmsg_free_list = k->next;
	k->next = NULL;
	k->reply = NULL;
	k->has_body = 1;
	return k;
}

static void kmsg_free(struct kmsg *k)
{
	k->next = kmsg_free_list;
	kmsg_free_list = k;
}

/* --- Ports: a message queue and who waits on it --- */
struct mport {
	struct kmsg *head, *tail;
	struct proc *receiver; /* a thread blocked receiving on it, or NULL */
	uint32_t sorights;     /* send-once rights to it outstanding */
	int owner_pid;         /* a reply port: the pid of the thread it is */
};

/* One port per server: Mach would give each service a port and put them
 * in a port set; here a server's services share one queue, as on l4. */
static struct mport srv_ports[NSERVERS];
static struct mport reply_ports[NPROC]; /* each thread's reply port */

static void enqueue(struct mport *port, struct kmsg *k)
{
	k->next = NULL;
	if (port->tail)
		port->tail->next = k;
	else
		port->head = k;
	port->tail = k;
}

static struct kmsg *dequeue(struct mport *port)
{
	struct kmsg *k = port->head;
	if (k) {
		port->head = k->next;
		if (!port->head)
			port->tail = NULL;
	}
	return k;
}

/* Takes k off port's queue, wherever it is; 1 if it was there. */
static int unlink_kmsg(struct mport *port, struct kmsg *k)
{
	struct kmsg **pp = &port->head, *prev = NULL;
	while (*pp && *pp != k) {
		prev = *pp;
		pp = &(*pp)->next;
	}
	if (!*pp)
		return 0;
	*pp = k->next;
	if (port->tail == k)
		port->tail = prev;
	return 1;
}

/* --- Name spaces (Mach's ipc_space), one per task ---
 * An open-addressed table: a name's entry is at its hash or after it. A
 * removed entry keeps its name with no rights, so chains stay whole. */
enum { MR_SEND = 1, MR_RECEIVE = 2, MR_SEND_ONCE = 4 };
#define NAME_RECV    0x40u /* a server's receive right to its port */
#define NAME_REPLY   0x41u /* the thread's receive right to its reply port */
#define NAME_SO_BASE 0x1000u
#define NAME_SO(pid) (NAME_SO_BASE + (uint32_t)(pid)) /* a send-once right to pid */
#define NENTRIES     128                              /* a power of 2, above SVC_MAX + 2 + NPROC */

struct mentry {
	uint32_t name; /* 0: never used */
	uint32_t bits; /* MR_*; 0: removed */
	struct mport *port;
};

struct mspace {
	int pid; /* the task it belongs to; another pid in the slot: stale */
	struct mentry e[NENTRIES];
};

static struct mspace spaces[NPROC];
/* The kernel's own space: where components placed in ring 0 hold their
 * send rights (Mach's ipc_space_kernel). */
static struct mspace kernel_space;

struct mthread {
	struct kmsg *request;       /* its request, while still queued */
	struct mport *request_port; /* where */
	int awaiting;               /* in a call: its reply port takes a reply */
};
static struct mthread mthreads[NPROC];

static struct mentry *lookup(struct mspace *sp, uint32_t name)
{
	for (uint32_t i = 0; i < NENTRIES; i++) {
		struct mentry *e = &sp->e[(name + i) & (NENTRIES - 1)];
		if (e->name == name && e->bits)
			return e;
		if (!e->name)
			return NULL;
	}
	return NULL;
}

/* At the first slot without rights in name's chain: a name is inserted
 * only when the task holds no right of that name. */
static struct mentry *insert(struct mspace *sp, uint32_t name, uint32_t bits, struct mport *port)
{
	for (uint32_t i = 0; i < NENTRIES; i++) {
		struct mentry *e = &sp->e[(name + i) & (NENTRIES - 1)];
		if (!e->bits) {
			*e = (struct mentry){name, bits, port};
			return e;
		}
	}
	return NULL;
}

static struct mport *server_port(const struct server *s)
{
	return &srv_ports[s - servers];
}

/* p's space, made afresh for a new task in the slot: its reply port's
 * receive right and, for a server, its port's. Send rights come later,
 * one per service at its first call (see send_request). */
static struct mspace *space_of(struct proc *p)
{
	struct mspace *sp = &spaces[p->slot];
	if (sp->pid == p->pid)
		return sp;
	memset(sp, 0, sizeof(*sp));
	sp->pid = p->pid;
	struct mport *rp = &reply_ports[p->slot];
	while (rp->head) /* what an earlier thread of the slot left */
		kmsg_free(dequeue(rp));
	*rp = (struct mport){.owner_pid = p->pid};
	insert(sp, NAME_REPLY, MR_RECEIVE, rp);
	if (ipc_of(p)->srv)
		insert(sp, NAME_RECV, MR_RECEIVE, server_port(ipc_of(p)->srv));
	mthreads[p->slot] = (struct mthread){0};
	return sp;
}

/* --- Sending --- */

/* Makes a thread blocked receiving on port runnable: the scheduler runs it
 * when its turn comes. */
static void wake_receiver(struct mport *port)
{
	struct proc *r = port->receiver;
	if (r) {
		port->receiver = NULL;
		sched_ready(r);
	}
}

/* The send half of a call: svc translated in space sp (a send right to
 * its port), the sender's reply port translated in its own space (a
 * receive right, from which a send-once right is made), and k queued. */
static int32_t send_request(struct proc *me, struct mspace *sp, int svc, struct kmsg *k)
{
	struct mentry *e = lookup(sp, (uint32_t)svc);
	if (!e) {
		/* The first message to svc: the task's send right, given once
		 * from what it may call (Mach: a bootstrap look-up). The kernel
		 * space's callers were checked by service_call_from. */
		if (sp != &kernel_space && !(me->caps & SVC_BIT(svc)))
			return -EPERM;
		if (!(e = insert(sp, (uint32_t)svc, MR_SEND, server_port(server_of_svc(svc)))))
			return -ENOSPC;
	}
	if (!(e->bits & MR_SEND))
		return -EPERM;
	struct mentry *re = lookup(space_of(me), NAME_REPLY);
	if (!re || !(re->bits & MR_RECEIVE))
		return -EPERM;
	k->reply = re->port;
	re->port->sorights++;
	k->svc = svc;
	k->sender_pid = me->pid;
	enqueue(e->port, k);
	struct mthread *mt = &mthreads[me->slot];
	mt->request = k;
	mt->request_port = e->port;
	mt->awaiting = 1;
	if (e->port->receiver)
		ipc_of(e->port->receiver)->receiving = 0;
	wake_receiver(e->port);
	return 0;
}

/* A reply (or an error in place of one) to the send-once right port,
 * which pid made. A thread no longer waiting (killed) takes none. */
static int32_t send_reply(struct mport *port, int pid, struct kmsg *k)
{
	port->sorights--;
	struct proc *c = &procs[port - reply_ports];
	if (port->owner_pid != pid || c->pid != pid || c->state == P_ZOMBIE ||
	    !mthreads[c->slot].awaiting) {
		kmsg_free(k);
		return -ESRCH;
	}
	enqueue(port, k);
	wake_receiver(port);
	return 0;
}

static void error_reply(struct mport *port, int pid, struct kmsg *k, int32_t err)
{
	k->has_body = 0;
	k->result = err;
	send_reply(port, pid, k);
}

/* The receive half of a call: waits on the reply port for the reply,
 * copies it out to ureply in space (NULL: kernel memory) and returns its
 * result. A thread killed meanwhile takes its request back and exits. */
static int32_t await_reply(struct proc *me, struct call_frame *f, pde_t *space, uint32_t ureply)
{
	struct mthread *mt = &mthreads[me->slot];
	struct mentry *re = lookup(space_of(me), NAME_REPLY);
	struct mport *port = re->port;
	for (;;) {
		struct kmsg *k = dequeue(port);
		if (k) {
			mt->awaiting = 0;
			me->call = f->outer;
			int32_t r = k->result;
			if (k->has_body) {
				k->body.sender = (uint32_t)k->sender_pid;
				space_copy(space, ureply, NULL, (uint32_t)&k->body,
					   sizeof(k->body));
			}
			kmsg_free(k);
			proc_exit_if_killed();
			return r;
		}
		if (me->killed) {
			if (mt->request && unlink_kmsg(mt->request_port, mt->request)) {
				mt->request->reply->sorights--;
				kmsg_free(mt->request);
			}
			mt->request = NULL;
			mt->awaiting = 0;
			me->call = f->outer;
			proc_exit_if_killed();
		}
		port->receiver = me;
		me->state = P_SLEEPING;
		sched_yield();
	}
}

/* A whole call: k holds the request, already copied in. */
static int32_t rpc(struct proc *me, struct mspace *sp, int svc, struct call_frame *f,
		   struct kmsg *k, pde_t *space, uint32_t ureply)
{
	me->call = f;
	int32_t r = send_request(me, sp, svc, k);
	if (r < 0) {
		kmsg_free(k);
		me->call = f->outer;
		return r;
	}
	return await_reply(me, f, space, ureply);
}

static int32_t mach_syscall(struct trapframe *tf)
{
	struct proc *me = current;
	int svc = (int)tf->ebx;
	int32_t r = service_admit((uint32_t)svc, me);
	if (r)
		return r;
	struct server *s = server_of_svc(svc);
	if ((r = server_reachable(s)) < 0)
		return r;
	/* The reply goes where the request came from: writable now. */
	if (!user_range_mapped(me->pgdir, tf->ecx, sizeof(struct msg), 1))
		return -EFAULT;
	struct kmsg *k = kmsg_alloc(); /* copyin: into a kernel buffer */
	if (copy_from_user(me->pgdir, &k->body, tf->ecx, sizeof(k->body)) < 0) {
		kmsg_free(k);
		return -EFAULT;
	}
	const struct grant *g = &k->body.grant;
	if (!msg_type_allowed(k->body.type, me->privs) ||
	    (g->len && !user_range_mapped(me->pgdir, g->addr, g->len, g->rights & GRANT_WRITE))) {
		r = msg_type_allowed(k->body.type, me->privs) ? -EFAULT : -EPERM;
		kmsg_free(k);
		return r;
	}
	/* An interface fault armed for a server corrupts what it sends. */
	if (inject_iface_armed(me->comp) && (me->flags & PROC_F_SERVER))
		inject_iface_fire(me->comp, &k->body);
	struct call_frame f = {svc, {g->addr, g->len, g->rights, me->pgdir}, me->call, NULL, 0};
	return rpc(me, space_of(me), svc, &f, k, me->pgdir, tf->ecx);
}

/* A call whose message is kernel memory, sent with the send rights of
 * name space sp; the reply is copied back into m. */
static int32_t call_kmsg(int svc, struct msg *m, struct mspace *sp)
{
	struct proc *me = current;
	struct server *s = server_of_svc(svc);
	int r = server_reachable(s);
	if (r < 0)
		return r;
	struct kmsg *k = kmsg_alloc();
	k->body = *m;
	struct grant *g = &m->grant;
	struct call_frame f = {svc, {g->addr, g->len, g->rights, NULL}, me->call, NULL, 0};
	return rpc(me, sp, svc, &f, k, NULL, (uint32_t)m);
}

/* A component in ring 0 calls a server (a hybrid placement), from its
 * caller's thread, with the kernel's send right. */
static int32_t mach_call_kernel(int svc, struct msg *m)
{
	return call_kmsg(svc, m, &kernel_space);
}

/* SYS_CALLR: the kernel holds the program's message (service_callr_slow
 * built it from its registers), but the program sends it with its own
 * rights, through its own name space, as mach_syscall does. */
static int32_t mach_call_regs(int svc, struct msg *m)
{
	return call_kmsg(svc, m, space_of(current));
}

const struct transport transport_mach = {
	.name = "mach",
	.syscall = mach_syscall,
	.call_kernel = mach_call_kernel,
	.call_regs = mach_call_regs,
};
const struct transport *const server_transport = &transport_mach;

/* --- The server's side --- */

struct call_frame *ipc_frame_of(int pid, const struct server *s, struct proc **out)
{
	struct proc *p = s->proc;
	if (!p || !lookup(space_of(p), NAME_SO(pid)))
		return NULL; /* it holds no reply right for pid: not its caller */
	struct proc *caller = proc_by_pid(pid);
	if (!caller || !caller->call || server_of_svc(caller->call->svc) != s ||
	    !mthreads[caller->slot].awaiting || caller->state == P_ZOMBIE)
		return NULL;
	if (out)
		*out = caller;
	return caller->call;
}

static void take_notes(struct ipc *si, struct msg *n)
{
	*n = (struct msg){.type = MSG_NOTIFY};
	for (int i = 0; i < NOTE_WORDS; i++) {
		n->w[i] = si->note[i];
		si->note[i] = 0;
	}
	si->notes = 0;
}

/* SYS_RECV, and the second half of SYS_REPLY_RECV: never RECV_BLOCKED, as
 * the server blocks here, and copies out what it receives itself. */
int32_t ipc_recv(struct proc *srv, uint32_t umsg, struct msg *kva)
{
	struct ipc *si = ipc_of(srv);
	struct server *s = si->srv;
	if (!kva && !user_range_mapped(srv->pgdir, umsg, sizeof(struct msg), 1))
		return -EFAULT;
	struct mspace *sp = space_of(srv);
	struct mentry *e = lookup(sp, NAME_RECV);
	if (!e || !(e->bits & MR_RECEIVE))
		return -EPERM;
	struct mport *port = e->port;
	s->busy_since = 0;
	for (;;) {
		if (si->notes) { /* handling it is work too: a hang there is a hang */
			struct msg n;
			take_notes(si, &n);
			s->busy_since = ticks ? ticks : 1;
			return space_copy(srv->pgdir, umsg, NULL, (uint32_t)&n, sizeof(n)) < 0
				       ? -EFAULT
				       : 0;
		}
		struct kmsg *k = dequeue(port);
		if (k) {
			mthreads[k->reply - reply_ports].request = NULL; /* slot-indexed */
			/* copyout: the reply right becomes a name of the server's */
			if (!insert(sp, NAME_SO(k->sender_pid), MR_SEND_ONCE, k->reply)) {
				error_reply(k->reply, k->sender_pid, k, -EAGAIN);
				continue;
			}
			k->body.sender = (uint32_t)k->sender_pid;
			space_copy(srv->pgdir, umsg, NULL, (uint32_t)&k->body, sizeof(k->body));
			int svc = k->svc;
			kmsg_free(k);
			s->busy_since = ticks ? ticks : 1;
			return svc;
		}
		port->receiver = srv;
		si->receiving = 1;
		srv->state = P_SLEEPING;
		sched_yield();
		si->receiving = 0;
		if (port->receiver == srv)
			port->receiver = NULL;
		proc_exit_if_killed();
	}
}

/* r: the reply, in kernel reach (the server's resolved buffer or a kernel
 * copy of it): copied into a kernel buffer and sent. */
int32_t ipc_reply(struct proc *srv, int pid, const struct msg *r, struct proc **woken)
{
	*woken = NULL;
	struct mentry *e = lookup(space_of(srv), NAME_SO(pid));
	if (!e || !(e->bits & MR_SEND_ONCE))
		return -ESRCH;
	struct mport *port = e->port;
	e->bits = 0; /* a send-once right is consumed by its message */
	struct kmsg *k = kmsg_alloc();
	k->body = *r;
	/* An armed interface fault corrupts the reply, in the kernel's copy,
	 * as l4's ipc_reply does. */
	inject_iface(srv->comp, &k->body);
	k->result = k->body.type;
	k->sender_pid = srv->pid;
	return send_reply(port, pid, k);
}

void ipc_notify(struct proc *srv, int word, uint32_t bits)
{
	struct ipc *si = ipc_of(srv);
	if (word == NOTE_IRQ && si->irq_wait_line >= 0 && (bits & (1u << si->irq_wait_line))) {
		bits &= ~(1u << si->irq_wait_line);
		si->irq_wait_line = -1;
		sched_ready(srv);
	}
	if (!bits)
		return;
	si->note[word] |= bits;
	si->notes = 1;
	if (si->receiving) {
		si->receiving = 0;
		wake_receiver(server_port(si->srv));
	}
}

/* The server is gone: each caller whose request it had received (it holds
 * the send-once right) gets an error; requests still queued stay queued
 * for the next instance, which takes over the port. */
void ipc_server_died(struct proc *srv)
{
	struct ipc *si = ipc_of(srv);
	struct mspace *sp = space_of(srv);
	for (int i = 0; i < NENTRIES; i++) {
		struct mentry *e = &sp->e[i];
		if (e->bits & MR_SEND_ONCE) {
			e->bits = 0;
			error_reply(e->port, (int)(e->name - NAME_SO_BASE), kmsg_alloc(),
				    -EDEADSRCDST);
		}
	}
	struct mport *port = server_port(si->srv);
	if (port->receiver == srv)
		port->receiver = NULL;
	si->srv->busy_since = 0;
	si->receiving = 0;
}

void ipc_retire(struct server *s)
{
	struct mport *port = server_port(s);
	struct kmsg *k;
	while ((k = dequeue(port))) {
		mthreads[k->reply - reply_ports].request = NULL; /* slot-indexed */
		error_reply(k->reply, k->sender_pid, k, -EDEADSRCDST);
	}
}

/* A program was killed (proc_kill) while it waits for the reply to its
 * own call: wake it, and await_reply takes its request back (or, if the
 * server has it, leaves the reply to be dropped: the reply right names a
 * thread no longer waiting) and exits. A call nested in a ring-0 handler
 * (hybrid) is left to finish. */
void ipc_proc_kill(struct proc *p)
{
	if ((p->flags & PROC_F_SERVER) || p->state != P_SLEEPING || !p->call || p->call->outer ||
	    !mthreads[p->slot].awaiting)
		return;
	if (reply_ports[p->slot].receiver == p)
		reply_ports[p->slot].receiver = NULL;
	sched_ready(p);
}

void ipc_kill(struct proc *p)
{
	struct ipc *pi = ipc_of(p);
	/* Marked as l4's ipc_kill marks it: proc_mark_killed counts the
	 * kills pending for the system-call gate (common/kern/proc.c). */
	proc_mark_killed(p, WAIT_KILLED | T_IRQ0);
	if (p->state != P_SLEEPING)
		return; /* running or runnable: it dies at its next tick or trap */
	if (pi->srv && server_port(pi->srv)->receiver == p)
		server_port(pi->srv)->receiver = NULL;
	if (reply_ports[p->slot].receiver == p)
		reply_ports[p->slot].receiver = NULL;
	pi->receiving = 0;
	pi->irq_wait_line = -1;
	sched_ready(p); /* await_reply or ipc_recv sees the mark and exits */
}
