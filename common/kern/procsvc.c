/* The kernel's process service (SVC_PROC), the same in every placement:
 * how a component asks for a program to be stopped without ever touching
 * the process table itself. Its one client is the console, whose Ctrl-C
 * stops the foreground program (docs/02-components.md, "Ctrl-C"). Who may
 * call it is the system's table (common/system.conf, calls=proc): the
 * capability check of every other service, in service_admit() for a
 * server and in service_call_from() for a component in ring 0. What it
 * stops is what the ordinary rule of SYS_KILL lets the named process
 * stop, its descendants (proc_interrupt). It trusts its caller to name
 * the process truthfully (the console names the sender of CON_FG, whose
 * pid the kernel wrote), which is why no program may hold it
 * (tools/gen-services.py refuses calls=proc in a program row).
 *
 * A call is answered at once on the caller's stack: nothing here sleeps,
 * so the call-cycle check has nothing to follow (it has no holder). */
#include "abi/errno.h"
#include "kernel.h"
#include "proc.h"
#include "service.h"

static int32_t answer(struct msg *m)
{
	switch (m->type) {
	case MSG_PING:
		return 0;
	case PROC_INTR:
		return proc_interrupt((int)m->w[0]);
	default:
		return -ENOSYS;
	}
}

/* SYS_CALL from ring 3 (a console server): through service_syscall in a
 * hybrid, or handed over by l4_syscall in micro. */
static int32_t kernel_syscall(struct trapframe *tf)
{
	struct proc *me = current;
	int32_t r = service_admit(tf->ebx, me);
	if (r)
		return r;
	struct msg m;
	if (copy_from_user(me->pgdir, &m, tf->ecx, sizeof(m)) < 0)
		return -EFAULT;
	if (!msg_type_allowed(m.type, me->privs))
		return -EPERM;
	m.type = answer(&m);
	m.sender = 0;
	if (copy_to_user(me->pgdir, tf->ecx, &m, sizeof(m)) < 0)
		return -EFAULT;
	return m.type;
}

static int32_t kernel_call_kernel(int svc, struct msg *m)
{
	(void)svc;
	m->type = answer(m);
	m->sender = 0;
	return m->type;
}

const struct transport transport_kernel = {
	.name = "kernel",
	.syscall = kernel_syscall,
	.call_kernel = kernel_call_kernel,
};

void procsvc_init(void)
{
	service_bind(SVC_PROC, &transport_kernel);
}
