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

static void run_handler(struct mcomp *mc, void *arg)
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

/* Runs the request in the component serving f->svc and leaves the reply
 * in m. The call frame records what the caller lent, for the handler's
 * grant copies, and waits for a deferred reply. */
static int32_t run_in_component(struct call_frame *f, struct msg *m)
{
	struct mcomp *mc = &mcomps[services[f->svc].comp];
	struct proc *me = current;
	f->outer = me->call;
	f->reply = m;
	f->done = 1;
	me->call = f;
	m->sender = (uint32_t)me->pid;

	lock_comp(mc);
	if (mc->dead) {
		unlock_comp(mc);
		me->call = f->outer;
		return -EDEADSRCDST;
	}
	struct handle_args a = {f->svc, m};
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
		m = *um;
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
	r = run_in_component(&f, &m);
	if (r == -EDEADSRCDST && mcomps[services[svc].comp].dead)
		return r;
	if (um)
		*um = m;
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
	return run_in_component(&f, m);
}

const struct transport transport_direct = {
	.name = "direct",
	.syscall = direct_syscall,
	.call_kernel = direct_call_kernel,
};
