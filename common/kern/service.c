/* The service table at run time, and what every placement shares: the
 * system call that sends a message (with the capability check that is the
 * system-call layer's policy in every kernel), calls and notifications
 * from ring-0 components, the call-cycle check, IRQ routing, and the hooks
 * the shared layer fans out to the hosts linked in. */
#include "abi/errno.h"
#include "abi/syscall.h"
#include "kernel.h"
#include "proc.h"
#include "service.h"

struct service services[SVC_MAX];
uint32_t ipc_fast_calls;
static int irq_owner[NIRQ]; /* component index + 1; 0: nobody's */

int comp_by_name(const char *name)
{
	for (int i = 0; i < svc_table_len; i++)
		if (strcmp(svc_table[i].name, name) == 0)
			return i;
	return -1;
}

void service_init(void)
{
	if (svc_table_len > MAX_COMPS)
		panic("service table: %d components, at most %d", svc_table_len, MAX_COMPS);
	for (int s = 0; s < SVC_MAX; s++)
		services[s].comp = -1;
	for (int c = 0; c < svc_table_len; c++) {
		const struct svc_entry *e = &svc_table[c];
		comp_grants[c].r = e->rights;
		for (int i = 0; i < COMP_MAX_SERVICES && e->services[i]; i++) {
			int svc = e->services[i];
			if (svc <= 0 || svc >= SVC_MAX || services[svc].entry)
				panic("service table: %s: bad or duplicate service %d", e->name,
				      svc);
			services[svc] = (struct service){e, e->transport, c, NULL};
		}
		for (int i = 0; i < COMP_MAX_IRQS; i++) {
			int line = e->rights.irqs[i];
			if (line > 0 && line < NIRQ)
				irq_owner[line] = c + 1;
		}
	}
	procsvc_init();
}

void service_bind(int svc, const struct transport *t)
{
	KASSERT(svc > 0 && svc < SVC_MAX && !services[svc].transport);
	services[svc] = (struct service){NULL, t, -1, NULL};
}

void service_start(void)
{
	for (const struct host *const *h = hosts; *h; h++)
		if ((*h)->start)
			(*h)->start();
}

/* SYS_CALL in a kernel with more than one transport (a hybrid): routes
 * the call to the service's transport, which admits it (service_admit)
 * and delivers it. */
int32_t service_syscall(struct trapframe *tf)
{
	uint32_t svc = tf->ebx;
	if (svc - 1 >= SVC_MAX - 1)
		return -EINVAL;
	const struct transport *t = services[svc].transport;
	return t ? t->syscall(tf) : -ENOENT;
}

int32_t (*service_syscall_entry(void))(struct trapframe *tf)
{
	const struct transport *one = NULL;
	for (int s = 1; s < SVC_MAX; s++) {
		const struct transport *t = services[s].transport;
		/* The kernel's own service does not count: where a server may
		 * call it, l4_syscall hands the call over, and no program may
		 * (mono/direct.c says why). */
		if (t == &transport_kernel)
			continue;
		if (t && one && t != one)
			return service_syscall;
		one = t ? t : one;
	}
	return one ? one->syscall : service_syscall;
}

/* SYS_CALLR (abi/syscall.h) where the transport has no shortcut for it:
 * the same checks as SYS_CALL, then the message, built from the
 * registers, goes as a kernel message. It lends nothing, so nothing of the
 * caller's memory is looked at. On a refusal the words stay as they came. */
int32_t service_callr_slow(struct trapframe *tf)
{
	struct proc *me = current;
	uint32_t svc = tf->ebx;
	int32_t r = service_admit(svc, me);
	if (r)
		return r;
	struct msg m = {.type = (int32_t)tf->ecx, .w = {tf->edx, tf->esi, tf->edi}};
	if (!msg_type_allowed(m.type, me->privs))
		return -EPERM;
	if (me->flags & PROC_F_SERVER)
		inject_iface(me->comp, &m); /* an armed interface fault: what it sends */
	const struct transport *t = services[svc].transport;
	r = t->call_regs ? t->call_regs((int)svc, &m) : t->call_kernel((int)svc, &m);
	/* A reply overwrote m; a call that ended without one left its words. */
	tf->edx = m.w[0];
	tf->esi = m.w[1];
	tf->edi = m.w[2];
	return r;
}

/* SYS_CALLR in a kernel with several transports (a hybrid). */
int32_t service_callr(struct trapframe *tf)
{
	uint32_t svc = tf->ebx;
	if (svc - 1 >= SVC_MAX - 1 || !services[svc].transport)
		return service_callr_slow(tf); /* which says why not */
	const struct transport *t = services[svc].transport;
	return t->callr ? t->callr(tf) : service_callr_slow(tf);
}

int32_t (*service_callr_entry(void))(struct trapframe *tf)
{
	int32_t (*one)(struct trapframe *) = service_syscall_entry();
	/* One transport serves every program's call: its shortcut, or none. */
	for (int s = 1; s < SVC_MAX; s++) {
		const struct transport *t = services[s].transport;
		if (t && t != &transport_kernel && t->syscall == one)
			return t->callr ? t->callr : service_callr_slow;
	}
	return service_callr;
}

int32_t service_call_from(int comp, int svc, struct msg *m)
{
	if (svc <= 0 || svc >= SVC_MAX)
		return -EINVAL;
	if (!(comp_grants[comp].r.calls & SVC_BIT(svc))) {
		rights_refused(comp, "calls to service %d", svc);
		return -EPERM;
	}
	const struct transport *t = services[svc].transport;
	if (!t)
		return -ENOENT;
	if (service_would_cycle(svc))
		return -EDEADLK;
	inject_iface(comp, m); /* an armed interface fault: what it sends */
	return t->call_kernel(svc, m);
}

int service_notify_from(int comp, int svc)
{
	if (svc <= 0 || svc >= SVC_MAX)
		return -EINVAL;
	if (comp < 0)
		return -EPERM;
	if (!(comp_grants[comp].r.calls & SVC_BIT(svc))) {
		rights_refused(comp, "notifications of service %d", svc);
		return -EPERM;
	}
	int to = services[svc].comp;
	if (to < 0 || !svc_table[to].host->notify)
		return -ENOENT;
	/* The receiver learns who notified by our first service's bit. */
	svc_table[to].host->notify(to, SVC_BIT(svc_table[comp].services[0]));
	return 0;
}

static struct proc *holder_of(int svc)
{
	int c = service_comp(svc);
	if (c < 0 || !svc_table[c].host->holder)
		return NULL;
	return svc_table[c].host->holder(svc);
}

/* Follows "svc is being served by thread t, which waits on svc2, served
 * by ..." and reports a cycle if the chain comes back to us. A thread that
 * runs a ring-0 component's handler is in a call to it without waiting on
 * it (its innermost call is that service): the walk stops there. */
int service_would_cycle(int svc)
{
	for (int hops = 0; hops < SVC_MAX; hops++) {
		struct proc *t = holder_of(svc);
		if (!t)
			return 0;
		if (t == current)
			return 1;
		int next = proc_calling(t);
		if (!next || holder_of(next) == t)
			return 0;
		svc = next;
	}
	return 0;
}

void service_irq(int line)
{
	int c = irq_owner[line] - 1;
	if (c < 0) {
		kprintf("kernel: IRQ %d belongs to no component; left masked\n", line);
		return;
	}
	svc_table[c].host->irq(c, line);
}

/* A line granted at run time (a PCI device's). */
int service_take_irq(int comp, int line)
{
	if (line <= 0 || line >= NIRQ || line == IRQ_TIMER)
		return -EINVAL;
	if (irq_owner[line] && irq_owner[line] != comp + 1)
		return -EBUSY;
	irq_owner[line] = comp + 1;
	return 0;
}

/* --- The hooks of the shared layer, fanned out to each host --- */

void hosts_tick(struct trapframe *tf)
{
	for (const struct host *const *h = hosts; *h; h++)
		if ((*h)->tick)
			(*h)->tick(tf);
}

void hosts_kernel_fault(struct trapframe *tf)
{
	for (const struct host *const *h = hosts; *h; h++)
		if ((*h)->kernel_fault)
			(*h)->kernel_fault(tf);
}

void hosts_user_fault(struct proc *p, struct trapframe *tf)
{
	for (const struct host *const *h = hosts; *h; h++)
		if ((*h)->user_fault)
			(*h)->user_fault(p, tf);
}

void hosts_proc_exit(struct proc *p)
{
	for (const struct host *const *h = hosts; *h; h++)
		if ((*h)->proc_exit)
			(*h)->proc_exit(p);
}

void hosts_proc_kill(struct proc *p)
{
	for (const struct host *const *h = hosts; *h; h++)
		if ((*h)->proc_kill)
			(*h)->proc_kill(p);
}

uint32_t hosts_restarts(void)
{
	uint32_t n = 0;
	for (const struct host *const *h = hosts; *h; h++)
		if ((*h)->restarts)
			n += (*h)->restarts();
	return n;
}
