/* SYS_CALL in the mono kernel: the message goes straight to the linked-in
 * component's handler on the caller's own kernel stack. This is the whole
 * "IPC" of a monolithic kernel, and the baseline the micro kernel's IPC is
 * measured against. */
#include "abi/errno.h"
#include "abi/syscall.h"
#include "cpu.h"
#include "flavour.h"
#include "kernel.h"
#include "mono.h"
#include "proc.h"

const char flavour_name[] = "mono";

static void run_handle(struct mcomp *mc, void *arg)
{
	struct msg *m = arg;
	if (!comp_control(mc->c, m))
		mc->c->handle(m);
}

/* Delivers m to the service and leaves the reply in m. Used by user
 * programs through SYS_CALL and by components through call(). */
static int32_t deliver(int svc, struct msg *m, int kgrant)
{
	struct mcomp *mc = &mcomps[svc];
	if (!mc->c)
		return -ENOENT;
	struct proc *me = current;
	/* Only one call per thread at a time: a component calling another
	 * service does so from its caller's thread, so save the outer call. */
	int o_svc = me->call_svc, o_done = me->call_done, o_kgrant = me->call_kgrant;
	struct grant o_grant = me->call_grant;
	struct msg *o_reply = me->call_reply;
	me->call_svc = svc;
	me->call_grant = m->grant;
	me->call_reply = m;
	me->call_done = 1;
	me->call_kgrant = kgrant;
	m->sender = (uint32_t)me->pid;

	lock_comp(mc);
	enter_comp(mc, run_handle, m);
	unlock_comp(mc);
	while (!me->call_done) /* deferred: reply() fills m and wakes us */
		sleep_on(&me->call_done);

	me->call_svc = o_svc;
	me->call_grant = o_grant;
	me->call_reply = o_reply;
	me->call_done = o_done;
	me->call_kgrant = o_kgrant;
	return m->type;
}

int32_t flavour_call(struct trapframe *tf)
{
	int svc = (int)tf->ebx;
	if (svc <= 0 || svc >= SVC_MAX)
		return -EINVAL;
	/* One page walk resolves the caller's message for the copy in and
	 * the reply out; a message straddling two pages takes the slow way. */
	struct msg m, *um = user_msg_kva(current->pgdir, tf->ecx, 1);
	if (um)
		m = *um;
	else if (!user_range_mapped(current->pgdir, tf->ecx, sizeof(m), 1) ||
		 copy_from_user(current->pgdir, &m, tf->ecx, sizeof(m)) < 0)
		return -EFAULT;
	if (m.grant.len && !user_range_mapped(current->pgdir, m.grant.addr, m.grant.len,
					      m.grant.rights & GRANT_WRITE))
		return -EFAULT;
	int32_t r = deliver(svc, &m, 0);
	if (r == -ENOENT && !mcomps[svc].c)
		return r;
	if (um)
		*um = m;
	else
		copy_to_user(current->pgdir, tf->ecx, &m, sizeof(m));
	return r;
}

/* A component's own call() to another service: the grant refers to the
 * component's memory, which in ring 0 is kernel memory, so it is passed as
 * a kernel buffer rather than a user one. */
int call(int service, struct msg *m)
{
	if (service <= 0 || service >= SVC_MAX)
		return -EINVAL;
	uint32_t f = irq_save();
	int32_t r = deliver(service, m, 1);
	irq_restore(f);
	return r;
}

int32_t flavour_syscall(struct trapframe *tf)
{
	(void)tf;
	return -ENOSYS; /* the server calls exist only in micro */
}

void flavour_proc_exit(struct proc *p)
{
	(void)p;
}
void flavour_user_fault(struct proc *p, struct trapframe *tf)
{
	(void)p;
	(void)tf;
}
uint32_t flavour_restarts(void)
{
	return 0;
}
void flavour_poweroff(void)
{
}
