/* The calls only servers make, and starting (and restarting) servers.
 * Each is checked against the manifest the service registered first:
 * a server gets exactly its own ports, IRQ lines and device memory. */
#include "abi/errno.h"
#include "abi/syscall.h"
#include "cpu.h"
#include "kernel.h"
#include "micro.h"
#include "proc.h"
#include "server_abi.h"

/* Where a server's device mappings and DMA buffers go. */
#define SERVER_MAP_BASE 0x90000000u
#define SERVER_MAP_TOP  0xA0000000u

struct proc *server_start(struct service *s, const char *name, const void *image, uint32_t size,
			  int *err)
{
	static const char *argv[2];
	argv[0] = name;
	struct spawn_args a = {argv, 1, NULL, 0};
	/* What a start needs comes out of the reserve that ordinary programs
	 * cannot take (mm.h), so a full process table or memory filled by
	 * programs never stops a restart. */
	reserve_enter();
	struct proc *p = proc_create_user(name, image, size, &a, err);
	reserve_leave();
	if (!p) {
		kprintf("micro: cannot start server %s (error %d)\n", name, *err);
		return NULL;
	}
	p->flags |= PROC_F_SERVER;
	p->caps = 0; /* until it registers: then exactly its manifest's calls */
	p->ppid = initproc ? initproc->pid : 0;
	struct ipc *pi = ipc_of(p);
	memset(pi, 0, sizeof(*pi));
	pi->irq_wait_line = -1;
	pi->next_map_va = SERVER_MAP_BASE;
	if (s) { /* a restart: the service and its rights are known */
		pi->svc = (int)(s - services);
		s->server = p;
		s->started_at = ticks;
	}
	sched_ready(p);
	return p;
}

static void grant_manifest(struct proc *p, const struct component *m)
{
	p->nioports = 0;
	for (int i = 0; i < COMP_MAX_PORTS && p->nioports < PROC_MAX_IORANGES; i++)
		if (m->ports[i].count)
			p->ioports[p->nioports++] =
				(struct io_range){m->ports[i].base, m->ports[i].count};
	p->caps = m->calls;
	sched_ioports_changed();
}

static int32_t srv_register(struct proc *p, uint32_t um)
{
	struct ipc *pi = ipc_of(p);
	struct component m;
	if (copy_from_user(p->pgdir, &m, um, sizeof(m)) < 0)
		return -EFAULT;
	if (pi->svc) { /* a restarted instance: keep the first manifest */
		grant_manifest(p, &services[pi->svc].manifest);
		return 0;
	}
	if (m.service <= 0 || m.service >= SVC_MAX || services[m.service].bound)
		return -EBUSY;
	struct service *s = &services[m.service];
	s->bound = 1;
	s->manifest = m;
	s->server = p;
	strlcpy(s->name, p->name, sizeof(s->name));
	s->image = p->image;
	s->image_size = p->image_size;
	s->started_at = ticks;
	pi->svc = m.service;
	grant_manifest(p, &m);
	servers_unregistered--;
	wakeup(services);
	kprintf("micro: server %s (pid %d) serves service %d\n", s->name, p->pid, m.service);
	return 0;
}

static int owns_irq(const struct component *m, int line)
{
	for (int i = 0; i < COMP_MAX_IRQS; i++)
		if (m->irqs[i] == line && line > 0)
			return 1;
	return 0;
}

static int32_t srv_grant_copy(struct proc *srv, struct trapframe *tf)
{
	struct proc *caller = proc_by_pid((int)tf->ebx);
	uint32_t off = tf->ecx, local = tf->edx, len = tf->esi, dir = tf->edi;
	if (!caller || caller->call_svc != ipc_of(srv)->svc ||
	    ipc_of(caller)->state != IPC_REPLY_WAIT)
		return -ESRCH;
	const struct grant *g = &caller->call_grant;
	if ((dir != GRANT_READ && dir != GRANT_WRITE) || !(g->rights & dir))
		return -EPERM;
	if (off > g->len || len > g->len - off)
		return -EFAULT;
	if (dir == GRANT_WRITE)
		return copy_between(caller->pgdir, g->addr + off, srv->pgdir, local, len);
	return copy_between(srv->pgdir, local, caller->pgdir, g->addr + off, len);
}

static int32_t srv_map(struct proc *srv, uint32_t pa, uint32_t len, int dma)
{
	struct ipc *si = ipc_of(srv);
	const struct component *m = &services[si->svc].manifest;
	if (!len || len > SERVER_MAP_TOP - SERVER_MAP_BASE)
		return -EINVAL;
	uint32_t first = PGROUNDDOWN(pa), n = (PGROUNDUP(pa + len) - first) / PAGE_SIZE;
	if (!dma) {
		int ok = 0;
		for (int i = 0; i < COMP_MAX_MMIO; i++)
			if (m->mmio[i].len && pa >= m->mmio[i].base &&
			    pa + len <= m->mmio[i].base + m->mmio[i].len)
				ok = 1;
		if (!ok)
			return -EPERM;
	} else if (!(first = pmm_alloc_contig(n, 1))) {
		return -ENOMEM;
	}
	uint32_t va = si->next_map_va;
	if (va + n * PAGE_SIZE > SERVER_MAP_TOP)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		if (dma)
			memset(P2V(first + i * PAGE_SIZE), 0, PAGE_SIZE);
		if (vm_map(srv->pgdir, va + i * PAGE_SIZE, first + i * PAGE_SIZE,
			   PTE_U | PTE_W | (dma ? 0 : PTE_BORROWED)) < 0)
			return -ENOMEM;
	}
	si->next_map_va = va + n * PAGE_SIZE;
	if (dma)
		return (int32_t)va;
	return (int32_t)(va + (pa & (PAGE_SIZE - 1)));
}

/* The reincarnation server's calls: the mechanisms its policy needs. */
static int32_t rs_syscall(struct proc *p, struct trapframe *tf)
{
	uint32_t nr = tf->eax;
	if (nr == SYS_RS_REGISTER) {
		if (rs_proc && rs_proc != p && rs_proc->state != P_ZOMBIE)
			return -EBUSY;
		rs_proc = p;
		struct service *s = &services[SVC_RS];
		s->server = p;
		strlcpy(s->name, "rs", sizeof(s->name));
		s->image = p->image;
		s->image_size = p->image_size;
		if (!s->bound)
			servers_unregistered--; /* the first registration, at boot */
		s->bound = 1;
		ipc_of(p)->svc = SVC_RS;
		p->caps = 0;
		kprintf("micro: reincarnation server (pid %d) watching the servers\n", p->pid);
		return 0;
	}
	if (p != rs_proc)
		return -EPERM;
	int svc = (int)tf->ebx;
	if (nr == SYS_ALARM) {
		rs_alarm = ticks + (tf->ebx * HZ + 999) / 1000;
		return 0;
	}
	if (svc <= 0 || svc >= SVC_MAX || svc == SVC_RS || !services[svc].bound)
		return -ENOENT;
	struct service *s = &services[svc];
	switch (nr) {
	case SYS_SRV_INFO: {
		struct srv_info in = {0};
		in.bound = 1;
		strlcpy(in.name, s->name, sizeof(in.name));
		/* When the last instance started, kept after it died: how the
		 * reincarnation server tells a quick death from a late one. */
		in.started_ms = s->started_at * 1000 / HZ;
		if (s->server) {
			in.pid = s->server->pid;
			in.busy_ms = s->busy_since ? (ticks - s->busy_since) * 1000 / HZ : 0;
			in.waiting_on = s->server->call_svc;
		}
		return copy_to_user(p->pgdir, tf->ecx, &in, sizeof(in));
	}
	case SYS_SRV_KILL:
		if (!s->server)
			return -ESRCH;
		ipc_kill(s->server);
		return 0;
	case SYS_SRV_RETIRE:
		if (s->server)
			return -EBUSY;
		s->retired = 1;
		/* Callers queued for the next instance will not get one. */
		while (s->queue_head) {
			struct proc *c = s->queue_head;
			s->queue_head = ipc_of(c)->queue_next;
			ipc_of(c)->state = IPC_NONE;
			ipc_of(c)->result = -EDEADSRCDST;
			sched_ready(c);
		}
		s->queue_tail = NULL;
		return 0;
	case SYS_SRV_RESTART: {
		if (s->server)
			return -EBUSY;
		int err;
		struct proc *n = server_start(s, s->name, s->image, s->image_size, &err);
		if (!n)
			return err;
		total_restarts++;
		return n->pid;
	}
	}
	return -ENOSYS;
}

int32_t server_syscall(struct trapframe *tf)
{
	struct proc *p = current;
	struct ipc *pi = ipc_of(p);
	uint32_t nr = tf->eax;
	if (!(p->flags & PROC_F_SERVER))
		return -ENOSYS; /* these calls are for servers only */
	if (nr == SYS_SRV_REGISTER)
		return srv_register(p, tf->ebx);
	if (nr >= SYS_RS_REGISTER && nr <= SYS_SRV_RETIRE)
		return rs_syscall(p, tf);
	if (!pi->svc)
		return -EPERM; /* must register first */
	const struct component *m = &services[pi->svc].manifest;
	struct proc *woken;
	int32_t r;
	switch (nr) {
	case SYS_RECV:
		if ((r = ipc_recv(p, tf->ebx, NULL)) != 1)
			return r;
		sched_yield();
		proc_exit_if_killed();
		return (int32_t)p->tf->eax;
	case SYS_REPLY: {
		struct msg rep;
		if (copy_from_user(p->pgdir, &rep, tf->ecx, sizeof(rep)) < 0)
			return -EFAULT;
		r = ipc_reply(p, (int)tf->ebx, &rep, &woken);
		if (woken)
			sched_ready(woken);
		return r;
	}
	case SYS_REPLY_RECV: {
		/* One buffer holds the reply and then the next request: resolve
		 * it once for both. */
		struct msg *kva = user_msg_kva(p->pgdir, tf->ecx, 1), rep;
		if (!kva && copy_from_user(p->pgdir, &rep, tf->ecx, sizeof(rep)) < 0)
			return -EFAULT;
		ipc_reply(p, (int)tf->ebx, kva ? kva : &rep, &woken);
		if ((r = ipc_recv(p, tf->ecx, kva)) != 1) {
			if (woken)
				sched_ready(woken);
			return r;
		}
		if (woken)
			sched_switch_to(woken); /* the fast path back to the caller */
		else
			sched_yield();
		proc_exit_if_killed();
		return (int32_t)p->tf->eax;
	}
	case SYS_GRANT_COPY:
		return srv_grant_copy(p, tf);
	case SYS_IRQ_ACK:
		if (!owns_irq(m, (int)tf->ebx))
			return -EPERM;
		pic_unmask((int)tf->ebx);
		return 0;
	case SYS_IRQ_WAIT:
		if (!owns_irq(m, (int)tf->ebx))
			return -EPERM;
		if (pi->notify & (1u << tf->ebx)) {
			pi->notify &= ~(1u << tf->ebx);
			return 0;
		}
		pi->irq_wait_line = (int)tf->ebx;
		p->state = P_SLEEPING;
		sched_yield();
		proc_exit_if_killed();
		return 0;
	case SYS_MMIO_MAP:
		return srv_map(p, tf->ebx, tf->ecx, 0);
	case SYS_DMA_ALLOC: {
		int32_t va = srv_map(p, 0, tf->ebx, 1);
		if (va < 0)
			return va;
		uint32_t *pte = vm_pte(p->pgdir, (uint32_t)va);
		uint32_t pa = PTE_ADDR(*pte);
		if (copy_to_user(p->pgdir, tf->ecx, &pa, sizeof(pa)) < 0)
			return -EFAULT;
		return va;
	}
	case SYS_KLOG: {
		char buf[256];
		uint32_t len = tf->ecx < sizeof(buf) - 1 ? tf->ecx : sizeof(buf) - 1;
		if (copy_from_user(p->pgdir, buf, tf->ebx, len) < 0)
			return -EFAULT;
		buf[len] = 0;
		kputs(buf);
		return 0;
	}
	case SYS_PID_ALIVE: {
		struct proc *q = proc_by_pid((int)tf->ebx);
		return q && q->state != P_ZOMBIE;
	}
	default:
		return -ENOSYS;
	}
}
