/* The direct transport: a call is a function call. The message goes
 * straight to the component's handler on the caller's own kernel stack,
 * under the component's sleep lock, so the component sees one request at a
 * time exactly as a single-threaded server would. This is the whole "IPC"
 * of a monolithic kernel, and the baseline the l4 transport is measured
 * against. It serves every caller: a user program or a server (SYS_CALL)
 * and a component in ring 0 (call()). */
#include "abi/errno.h"
#include "cpu.h"
#include "kernel.h"
#include "mono.h"
#include "proc.h"

struct handle_args {
	int svc;
	struct msg *m;
};

static inline __attribute__((always_inline)) void run_handler(struct mcomp *mc, void *arg)
{
	struct handle_args *a = arg;
	if (!mc->rec->control(mc->c, a->m))
		services[a->svc].handle(a->m);
}

/* A deferred request: reply() fills the reply and wakes us. A program's
 * own call (the outermost) may be ended by a kill meanwhile: the
 * component's token then finds no frame (reply() says -ESRCH). A call
 * nested in a ring-0 handler waits on: that handler must finish before
 * its thread may die. Out of line, so the common path of every call,
 * which answers at once, stays as short as it was. */
static __attribute__((noinline)) void wait_deferred(struct proc *me, struct call_frame *f)
{
	int intr = !f->outer;
	while (!f->done) {
		me->intr = intr;
		sleep_on(&f->done);
		me->intr = 0;
		/* The program's own call, from direct_syscall: the lock is
		 * released and nothing else is held. */
		if (intr && me->killed) {
			me->call = f->outer;
			proc_exit(me->killed);
		}
	}
	/* A component that waited for this reply made progress by it. */
	struct comp_ctx *cx = comp_ctx_of(me);
	if (cx->comp)
		cx->since = ticks;
}

/* The caller's call frame goes on its thread's chain: what it lent, for
 * the handler's grant copies, where a deferred reply goes, and the
 * service it waits on (the cycle check walks the chain). */
static inline __attribute__((always_inline)) void push_frame(struct proc *me, struct call_frame *f,
							     struct msg *m)
{
	f->outer = me->call;
	f->reply = m;
	f->done = 1;
	me->call = f;
	m->sender = (uint32_t)me->pid;
}

/* With the component's lock held: runs the request and leaves the reply
 * in m, waiting if the handler deferred it. */
static inline __attribute__((always_inline)) int32_t
run_locked(struct mcomp *mc, struct proc *me, struct call_frame *f, struct msg *m, int from_user)
{
	struct handle_args a = {f->svc, m};
	if (from_user) /* a system call: no component's code is running on this thread */
		enter_comp_outermost(mc, run_handler, &a);
	else
		enter_comp(mc, run_handler, &a);
	unlock_comp(mc);
	if (!f->done)
		wait_deferred(me, f);
	me->call = f->outer;
	/* An interface fault armed for this component corrupts its reply
	 * here, outside the component (common/kern/inject.c). */
	inject_iface(mc->comp, m);
	return m->type;
}

/* Runs the request in the component serving f->svc, once its lock is
 * free. Inlined into each entry, so that each pays only for what it uses. */
static inline __attribute__((always_inline)) int32_t run_in_component(struct call_frame *f,
								      struct msg *m, int from_user)
{
	struct mcomp *mc = &mcomps[services[f->svc].comp];
	struct proc *me = current;
	push_frame(me, f, m);
	lock_comp(mc);
	if (mc->dead) {
		unlock_comp(mc);
		me->call = f->outer;
		return -EDEADSRCDST;
	}
	return run_locked(mc, me, f, m, from_user);
}

static int32_t direct_syscall(struct trapframe *tf)
{
	struct proc *me = current;
	int svc = (int)tf->ebx;
	int32_t r = service_admit((uint32_t)svc, me);
	if (r)
		return r;
	/* Every service admitted here is a component's: this is the entry
	 * only where every service is direct (mono, which has no servers),
	 * and the kernel's own process service is granted to no program
	 * (tools/gen-services.py refuses calls=proc in a program row). A
	 * hybrid's entry, service_syscall, routes each service to its own
	 * transport first. */
	/* One page walk resolves the caller's message for the copy in and
	 * the reply out; a message straddling two pages takes the slow way. */
	struct msg m, *um = user_msg_kva(me->pgdir, tf->ecx, 1);
	if (um)
		msg_copy(&m, um);
	else if (!user_range_mapped(me->pgdir, tf->ecx, sizeof(m), 1) ||
		 copy_from_user(me->pgdir, &m, tf->ecx, sizeof(m)) < 0)
		return -EFAULT;
	if (!msg_type_allowed(m.type, me->privs))
		return -EPERM;
	if (inject_iface_armed(me->comp) && (me->flags & PROC_F_SERVER))
		inject_iface_fire(me->comp, &m); /* a hybrid's server: its armed fault */
	if (m.grant.len &&
	    !user_range_mapped(me->pgdir, m.grant.addr, m.grant.len, m.grant.rights & GRANT_WRITE))
		return -EFAULT;
	struct call_frame f = {.svc = svc,
			       .grant = {m.grant.addr, m.grant.len, m.grant.rights, me->pgdir}};
	r = run_in_component(&f, &m, 1);
	if (r == -EDEADSRCDST && mcomps[services[svc].comp].dead)
		return r;
	if (um)
		msg_copy(um, &m);
	else
		copy_to_user(me->pgdir, tf->ecx, &m, sizeof(m));
	return r;
}

/* A ring-0 component's call: the message and the buffer it lends are
 * kernel memory (the lender's space is NULL). */
static int32_t direct_call_kernel(int svc, struct msg *m)
{
	struct call_frame f = {.svc = svc,
			       .grant = {m->grant.addr, m->grant.len, m->grant.rights, NULL}};
	return run_in_component(&f, m, 0);
}

/* SYS_CALLR, the message in registers (abi/syscall.h), from a program:
 * the message is built on this stack, so there is no page walk and no
 * 64-byte copy in either direction, and the call is run_in_component's
 * function call. Whatever needs more than the common checks (a service
 * the caller may not call or that is not a ring-0 component's, a server
 * calling, which may close a cycle or carry an armed fault, one of the
 * system's own message types) goes the general way, service_callr_slow,
 * which makes every check and says why. */
static int32_t direct_callr(struct trapframe *tf)
{
	struct proc *me = current;
	uint32_t svc = tf->ebx;
	int32_t type = (int32_t)tf->ecx;
	if (svc - 1 >= SVC_MAX - 1 || !(me->caps & SVC_BIT(svc)) ||
	    services[svc].transport != &transport_direct || (me->flags & PROC_F_SERVER) ||
	    !msg_type_allowed(type, 0))
		return service_callr_slow(tf);
	/* A component busy with another request (its lock is taken: this
	 * caller must sleep for it) or dead is the general way's too. */
	struct mcomp *mc = &mcomps[services[svc].comp];
	if (mc->owner || mc->dead)
		return service_callr_slow(tf);
	/* Every other field is 0 (abi/syscall.h): stores, not a loop. */
	struct msg m;
	m.type = type;
	m.w[0] = tf->edx;
	m.w[1] = tf->esi;
	m.w[2] = tf->edi;
	for (int i = 3; i < MSG_WORDS; i++)
		m.w[i] = 0;
	m.grant = (struct grant){0, 0, 0};
	struct call_frame f = {.svc = (int)svc};
	push_frame(me, &f, &m);
	mc->owner = me;
	int32_t r = run_locked(mc, me, &f, &m, 1);
	/* A reply overwrote the words; a call refused (-EDEADSRCDST) kept them. */
	tf->edx = m.w[0];
	tf->esi = m.w[1];
	tf->edi = m.w[2];
	return r;
}

const struct transport transport_direct = {
	.name = "direct",
	.syscall = direct_syscall,
	.call_kernel = direct_call_kernel,
	.callr = direct_callr,
};
