/* The server host (server_host): components placed as servers run as
 * ring-3 processes, started from the boot modules GRUB loaded (srv:NAME).
 * Its fault policy is the opposite of the kernel placement's: a server
 * that faults or hangs dies alone, its callers get an error, and it is
 * started again from its image, by the reincarnation server's decision or,
 * without one, by the kernel. A server gets exactly its table row's rights
 * (rights.c); what its manifest asks beyond that is logged and refused. */
#include "abi/errno.h"
#include "abi/syscall.h"
#include "elf.h"
#include "kernel.h"
#include "micro.h"
#include "proc.h"
#include "server_abi.h"

struct ipc ipcs[NPROC];
struct server servers[NSERVERS];
uint32_t total_restarts;
int servers_unregistered;

void server_grant_ports(struct proc *p)
{
	p->nioports = 0;
	struct comp_ports r;
	for (int i = 0; p->nioports < PROC_MAX_IORANGES && rights_port_range(p->comp, i, &r); i++)
		p->ioports[p->nioports++] = (struct io_range){r.base, r.count};
	sched_ioports_changed();
}

struct proc *server_start(struct server *s, const char *name, const void *image, uint32_t size,
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
	p->caps = 0; /* until it registers: then exactly its row's calls */
	p->comp = s->comp;
	p->ppid = initproc ? initproc->pid : 0;
	struct ipc *pi = ipc_of(p);
	memset(pi, 0, sizeof(*pi));
	pi->irq_wait_line = -1;
	pi->srv = s;
	s->proc = p;
	s->started_at = ticks;
	s->busy_since = 0;
	s->next_map_va = SERVER_MAP_BASE;
	sched_ready(p);
	return p;
}

/* SYS_SRV_REGISTER: the server says it is ready to serve its row. A
 * restarted instance registers again; the row's rights are the same. */
int32_t srv_register(struct proc *p, uint32_t umanifest)
{
	struct server *s = ipc_of(p)->srv;
	if (s->comp < 0)
		return -EPERM;
	const struct svc_entry *e = &svc_table[s->comp];
	struct component m;
	if (copy_from_user(p->pgdir, &m, umanifest, sizeof(m)) < 0)
		return -EFAULT;
	for (int i = 0; i < COMP_MAX_SERVICES; i++)
		if (m.serves[i].svc != e->services[i]) {
			kprintf("micro: server %s: its manifest and the table disagree on its "
				"services; refused\n",
				s->name);
			return -EPERM;
		}
	rights_compare(s->comp, &m);
	server_grant_ports(p);
	p->caps = comp_grants[s->comp].r.calls;
	if (!s->bound) {
		s->bound = 1;
		servers_unregistered--;
		wakeup(servers);
		kprintf("micro: server %s (pid %d) serves service %d\n", s->name, p->pid,
			e->services[0]);
	}
	return 0;
}

int server_unreachable(struct server *s)
{
	while (!s->bound && servers_unregistered)
		sleep_on(servers);
	if (!s->bound)
		return -ENOENT;
	return s->retired ? -EDEADSRCDST : 0; /* given up: its server is gone for good */
}

/* Frames a server needs to start from this image: its segments, its
 * stack, a kernel stack, the page directory and tables, and room for the
 * device memory and DMA buffers it maps later. */
static uint32_t server_footprint(const void *image, uint32_t size, int comp)
{
	struct elf_image ei;
	if (elf_parse(image, size, &ei) < 0)
		return 0;
	uint32_t pages = USER_STACK_PAGES + KSTACK_SIZE / PAGE_SIZE + 1 + 8;
	if (comp >= 0)
		pages += PGROUNDUP(svc_table[comp].rights.dma_bytes) / PAGE_SIZE;
	for (int i = 0; i < ei.nsegments; i++)
		pages += PGROUNDUP(ei.seg[i].memsz) / PAGE_SIZE + 1;
	return pages;
}

static void micro_start(void)
{
	uint32_t biggest = 0;
	int nservers = 0, err;
	service_bind(SVC_RS, server_transport);
	for (int i = 0; i < NSERVERS; i++)
		servers[i].comp = i < svc_table_len ? i : -1;
	for (int i = 0; i < nbootmods; i++) {
		const struct bootmod *m = &bootmods[i];
		if (strncmp(m->name, "srv:", 4) != 0)
			continue;
		const char *name = m->name + 4;
		int comp = strcmp(name, "rs") == 0 ? -1 : comp_by_name(name);
		if (comp < 0 && strcmp(name, "rs") != 0) {
			kprintf("micro: boot module %s has no row in the system's table; not "
				"started\n",
				m->name);
			continue;
		}
		if (comp >= 0 && svc_table[comp].place != PLACE_SERVER) {
			kprintf("micro: %s is placed in the kernel; module %s not started\n", name,
				m->name);
			continue;
		}
		struct server *s = &servers[comp < 0 ? RS_SLOT : comp];
		strlcpy(s->name, name, sizeof(s->name));
		s->image = P2V(m->start);
		s->image_size = m->end - m->start;
		uint32_t need = server_footprint(s->image, s->image_size, comp);
		biggest = need > biggest ? need : biggest;
		nservers++;
		if (server_start(s, name, s->image, s->image_size, &err))
			servers_unregistered++;
	}
	for (int c = 0; c < svc_table_len; c++)
		if (svc_table[c].place == PLACE_SERVER && !servers[c].image)
			kprintf("micro: no boot module srv:%s: its services are missing\n",
				svc_table[c].name);
	/* Enough for two servers to restart at once (the fs and its disk
	 * driver, say), and a slot for each server: a dead one stays a
	 * zombie until init reaps it, beside its new instance. */
	pmm_set_reserve(2 * biggest);
	proc_set_reserve(nservers + 1);
}

static void micro_irq(int comp, int line)
{
	struct proc *p = servers[comp].proc;
	/* No live instance (it is restarting): the line stays masked until
	 * the new one acknowledges it. */
	if (p)
		ipc_notify(p, NOTE_IRQ, 1u << line);
}

static void micro_notify(int comp, uint32_t from)
{
	struct proc *p = servers[comp].proc;
	if (p)
		ipc_notify(p, NOTE_FROM, from);
}

static void micro_tick(struct trapframe *tf)
{
	(void)tf;
	klog_flush(0);
	for (int i = 0; i < NSERVERS; i++) {
		struct server *s = &servers[i];
		if (s->timer_at && (int32_t)(ticks - s->timer_at) >= 0 && s->proc) {
			s->timer_at = 0;
			ipc_notify(s->proc, NOTE_EVENT, NOTIFY_TIMER);
		}
	}
}

static void micro_user_fault(struct proc *p, struct trapframe *tf)
{
	(void)tf;
	if (p->flags & PROC_F_SERVER)
		kprintf("micro: server %s died; the system goes on\n", p->name);
}

/* A server died. The reincarnation server decides what happens next; the
 * kernel only tells it. If the reincarnation server itself died, or there
 * is none, the kernel restarts a dead server itself, so the system never
 * loses its console for want of a policy. */
static void micro_proc_exit(struct proc *p)
{
	if (!(p->flags & PROC_F_SERVER))
		return;
	struct ipc *pi = ipc_of(p);
	struct server *s = pi->srv, *rs = &servers[RS_SLOT];
	if (!s->bound) { /* a boot server that died before it registered */
		servers_unregistered--;
		wakeup(servers);
		kprintf("micro: boot server %s died before registering\n", p->name);
	}
	if (s->comp >= 0) {
		/* Its DMA memory is freed with its address space: stop its
		 * devices from writing there first. */
		pci_quiesce(s->comp);
		comp_grants[s->comp].dma_used = 0;
	}
	ipc_server_died(p);
	sched_forget(p);
	s->proc = NULL;
	s->timer_at = 0;
	if (!s->bound)
		return;
	if (s != rs && rs->proc && rs->proc->state != P_ZOMBIE) {
		ipc_notify(rs->proc, NOTE_DEATH, SVC_BIT(svc_table[s->comp].services[0]));
		return;
	}
	kprintf("micro: no reincarnation server; the kernel restarts %s itself\n", s->name);
	total_restarts++;
	int err;
	server_start(s, s->name, s->image, s->image_size, &err);
}

static uint32_t micro_restarts(void)
{
	return total_restarts;
}

/* A server serves svc right now unless it is waiting for a request. */
static struct proc *micro_holder(int svc)
{
	struct server *s = server_of_svc(svc);
	struct proc *p = s ? s->proc : NULL;
	return p && !ipc_of(p)->receiving ? p : NULL;
}

static void micro_rights_changed(int comp)
{
	if (servers[comp].proc)
		server_grant_ports(servers[comp].proc);
}

extern const struct host_call server_calls[];

const struct host server_host = {
	.name = "server",
	.start = micro_start,
	.irq = micro_irq,
	.notify = micro_notify,
	.tick = micro_tick,
	.user_fault = micro_user_fault,
	.proc_exit = micro_proc_exit,
	.calls = server_calls,
	.restarts = micro_restarts,
	.holder = micro_holder,
	.rights_changed = micro_rights_changed,
	.proc_kill = ipc_proc_kill,
	.inject_target = micro_inject_target,
	.inject_byte = micro_inject_byte,
};
