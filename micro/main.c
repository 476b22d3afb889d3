/* The micro kernel: start the boot servers (GRUB modules named srv:NAME),
 * then init. Its fault policy is the opposite of mono's: a server that
 * faults or hangs dies alone, its callers get an error, and the kernel
 * starts it again from its image. */
#include "abi/errno.h"
#include "abi/syscall.h"
#include "elf.h"
#include "flavour.h"
#include "kernel.h"
#include "micro.h"
#include "proc.h"
#include "server_abi.h"

const char flavour_name[] = "micro";

uint32_t total_restarts;
int servers_unregistered;
struct proc *rs_proc;
uint32_t rs_alarm;

/* Frames a server needs to start from this image: its segments, its
 * stack, a kernel stack, the page directory and tables, and room for the
 * device memory and DMA buffers it maps later. */
static uint32_t server_footprint(const void *image, uint32_t size)
{
	struct elf_image ei;
	if (elf_parse(image, size, &ei) < 0)
		return 0;
	uint32_t pages = USER_STACK_PAGES + KSTACK_SIZE / PAGE_SIZE + 1 + 8 + 64;
	for (int i = 0; i < ei.nsegments; i++)
		pages += PGROUNDUP(ei.seg[i].memsz) / PAGE_SIZE + 1;
	return pages;
}

void flavour_start(void)
{
	uint32_t biggest = 0;
	int nservers = 0, err;
	for (int i = 0; i < nbootmods; i++) {
		const struct bootmod *m = &bootmods[i];
		if (strncmp(m->name, "srv:", 4) != 0)
			continue;
		uint32_t need = server_footprint(P2V(m->start), m->end - m->start);
		biggest = need > biggest ? need : biggest;
		nservers++;
		if (server_start(NULL, m->name + 4, P2V(m->start), m->end - m->start, &err))
			servers_unregistered++;
	}
	/* Enough for two servers to restart at once (the fs and its disk
	 * driver, say), and a slot for each server: a dead one stays a
	 * zombie until init reaps it, beside its new instance. */
	pmm_set_reserve(2 * biggest);
	proc_set_reserve(nservers + 1);
	proc_start_init();
	for (struct proc *q = procs; q < procs + NPROC; q++)
		if (q->flags & PROC_F_SERVER)
			q->ppid = initproc->pid; /* init reaps dead servers */
}

int32_t flavour_call(struct trapframe *tf)
{
	return ipc_call(tf);
}

int32_t flavour_syscall(struct trapframe *tf)
{
	return server_syscall(tf);
}

void flavour_irq(int irq)
{
	for (int s = 1; s < SVC_MAX; s++) {
		const struct service *sv = &services[s];
		if (!sv->server)
			continue;
		for (int i = 0; i < COMP_MAX_IRQS; i++)
			if (sv->manifest.irqs[i] == irq) {
				ipc_notify(sv->server, irq);
				return;
			}
	}
	/* No live owner (its server is restarting): the line stays masked
	 * until the new instance acknowledges it. */
}

void flavour_tick(struct trapframe *tf)
{
	if (rs_alarm && (int32_t)(ticks - rs_alarm) >= 0 && rs_proc) {
		rs_alarm = 0;
		ipc_notify(rs_proc, NOTIFY_ALARM);
	}
	(void)tf;
}

void flavour_kernel_fault(struct trapframe *tf)
{
	(void)tf;
}

void flavour_user_fault(struct proc *p, struct trapframe *tf)
{
	(void)tf;
	if (p->flags & PROC_F_SERVER)
		kprintf("micro: server %s died; the system goes on\n", p->name);
}

/* A server died. The reincarnation server decides what happens next; the
 * kernel only tells it. If the reincarnation server itself died, or there
 * is none, the kernel restarts the dead server itself, so the system never
 * loses its console for want of a policy. */
void flavour_proc_exit(struct proc *p)
{
	struct ipc *pi = ipc_of(p);
	if (!(p->flags & PROC_F_SERVER))
		return;
	if (!pi->svc) { /* a boot server that died before it registered */
		servers_unregistered--;
		wakeup(services);
		kprintf("micro: boot server %s died before registering\n", p->name);
		return;
	}
	struct service *s = &services[pi->svc];
	ipc_server_died(p);
	sched_forget(p);
	s->server = NULL;
	int rs_alive = rs_proc && rs_proc != p && rs_proc->state != P_ZOMBIE;
	if (p == rs_proc)
		rs_proc = NULL;
	if (rs_alive) {
		ipc_notify(rs_proc, NOTIFY_DEATH(pi->svc));
		return;
	}
	kprintf("micro: no reincarnation server; the kernel restarts %s itself\n", s->name);
	total_restarts++;
	int err;
	server_start(s, s->name, s->image, s->image_size, &err);
}

uint32_t flavour_restarts(void)
{
	return total_restarts;
}

void flavour_poweroff(void)
{
}
