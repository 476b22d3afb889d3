/* The system calls only servers make: the kernel side of the component
 * API for a server. One small function each, installed in the kernel's
 * dispatch table at boot (server_calls[], as xv6 lists its calls). Each
 * checks its caller: a server, registered, and acting within its row of
 * the system's table. */
#include "abi/errno.h"
#include "abi/syscall.h"
#include "cpu.h"
#include "fastpath.h"
#include "kernel.h"
#include "micro.h"
#include "proc.h"
#include "server_abi.h"

static int32_t sys_srv_register(struct trapframe *tf)
{
	struct proc *p = current;
	if (!(p->flags & PROC_F_SERVER))
		return -ENOSYS;
	int32_t r = srv_register(p, tf->ebx);
	if (r == 0)
		ipc_of(p)->registered = 1;
	return r;
}

/* After a block in the kernel: the result the waker left in eax. */
static int32_t resume(struct proc *p)
{
	proc_exit_if_killed();
	return (int32_t)p->tf->eax;
}

static int32_t sys_recv(struct trapframe *tf)
{
	struct proc *p = registered_server();
	if (!p)
		return -EPERM;
	int32_t r = ipc_recv(p, tf->ebx, NULL);
	if (r != RECV_BLOCKED)
		return r;
	sched_yield();
	return resume(p);
}

static int32_t sys_reply(struct trapframe *tf)
{
	struct proc *p = registered_server(), *woken;
	struct msg rep;
	if (!p)
		return -EPERM;
	if (copy_from_user(p->pgdir, &rep, tf->ecx, sizeof(rep)) < 0)
		return -EFAULT;
	int32_t r = ipc_reply(p, (int)tf->ebx, &rep, &woken);
	if (woken)
		sched_ready(woken);
	return r;
}

/* The server loop's one trap per request: reply to the last caller, then
 * take the next request. If none is queued, switch straight back to the
 * caller just answered (the fast path's second half). */
int32_t sys_reply_recv(struct trapframe *tf)
{
	struct proc *p = registered_server(), *woken;
	if (!p)
		return -EPERM;
	fast_reply_recv(p, tf); /* the fast path's caller, nothing else to do: no return */
	/* One buffer holds the reply and then the next request: resolve it
	 * once for both. */
	struct msg *kva = user_msg_kva(p->pgdir, tf->ecx, 1), rep;
	if (!kva && copy_from_user(p->pgdir, &rep, tf->ecx, sizeof(rep)) < 0)
		return -EFAULT;
	ipc_reply(p, (int)tf->ebx, kva ? kva : &rep, &woken);
	int32_t r = ipc_recv(p, tf->ecx, kva);
	if (r != RECV_BLOCKED) {
		if (woken)
			sched_ready(woken);
		return r;
	}
	if (woken)
		fast_switch(woken);
	else
		sched_yield();
	return resume(p);
}

int32_t sys_grant_copy(struct trapframe *tf)
{
	struct proc *p = registered_server();
	if (!p)
		return -EPERM;
	struct call_frame *f = ipc_frame_of((int)tf->ebx, ipc_of(p)->srv, NULL);
	if (!f)
		return -ESRCH;
	return grant_copy(&f->grant, tf->ecx, p->pgdir, tf->edx, tf->esi, tf->edi);
}

static int32_t sys_irq_ack(struct trapframe *tf)
{
	struct proc *p = registered_server();
	int line = (int)tf->ebx;
	if (!p || line >= NIRQ || !rights_irq(p->comp, line))
		return -EPERM;
	pic_unmask(line);
	return 0;
}

static int32_t sys_irq_wait(struct trapframe *tf)
{
	struct proc *p = registered_server();
	int line = (int)tf->ebx;
	if (!p || line >= NIRQ || !rights_irq(p->comp, line))
		return -EPERM;
	struct ipc *pi = ipc_of(p);
	if (pi->note[NOTE_IRQ] & (1u << line)) {
		pi->note[NOTE_IRQ] &= ~(1u << line);
		pi->notes = pi->note[NOTE_IRQ] | pi->note[NOTE_FROM] | pi->note[NOTE_EVENT] |
			    pi->note[NOTE_DEATH];
		return 0;
	}
	uint32_t ms = tf->ecx;
	pi->irq_wait_line = line;
	p->state = P_SLEEPING;
	p->wake_tick = ms ? (ticks + (ms * HZ + 999) / 1000) | 1 : 0;
	sched_yield();
	p->wake_tick = 0;
	proc_exit_if_killed();
	int32_t r = 0;
	if (pi->irq_wait_line >= 0) { /* woken by the clock, not the line */
		pi->irq_wait_line = -1;
		r = -ETIMEDOUT;
	}
	/* Waiting for the device is not a hang: the heartbeat's clock for
	 * this request starts again. */
	if (pi->srv->busy_since)
		pi->srv->busy_since = ticks ? ticks : 1;
	return r;
}

/* Maps n pages from physical first (device memory, or fresh DMA frames)
 * at the server's next free mapping address: that address, or 0 when a
 * page table could not be had. (The area lies above 2 GiB: as an int32_t
 * an address there is negative, so errors are not told by their sign.) */
static uint32_t map_pages(struct proc *p, uint32_t first, uint32_t n, uint32_t flags)
{
	struct server *s = ipc_of(p)->srv;
	uint32_t va = s->next_map_va;
	for (uint32_t i = 0; i < n; i++)
		if (vm_map(p->pgdir, va + i * PAGE_SIZE, first + i * PAGE_SIZE, flags) < 0)
			return 0;
	s->next_map_va = va + n * PAGE_SIZE;
	return va;
}

static uint32_t map_room(struct proc *p)
{
	return SERVER_MAP_TOP - ipc_of(p)->srv->next_map_va;
}

static int32_t sys_mmio_map(struct trapframe *tf)
{
	struct proc *p = registered_server();
	uint32_t pa = tf->ebx, len = tf->ecx;
	if (!p)
		return -EPERM;
	if (!len || pa + len < pa)
		return -EINVAL;
	if (!rights_mmio(p->comp, pa, len))
		return -EPERM;
	uint32_t first = PGROUNDDOWN(pa);
	uint32_t n = (uint32_t)(((uint64_t)pa + len - first + PAGE_SIZE - 1) / PAGE_SIZE);
	if (n * PAGE_SIZE > map_room(p))
		return -ENOMEM;
	uint32_t va = map_pages(p, first, n, PTE_U | PTE_W | PTE_BORROWED | PTE_PCD | PTE_PWT);
	return va ? (int32_t)(va + (pa & (PAGE_SIZE - 1))) : -ENOMEM;
}

static int32_t sys_dma_alloc(struct trapframe *tf)
{
	struct proc *p = registered_server();
	uint32_t len = tf->ebx;
	if (!p)
		return -EPERM;
	if (!len || len > (64u << 20))
		return -EINVAL;
	uint32_t n = PGROUNDUP(len) / PAGE_SIZE;
	if (n * PAGE_SIZE > map_room(p))
		return -ENOMEM;
	if (rights_dma_take(p->comp, n * PAGE_SIZE) < 0)
		return -EPERM;
	uint32_t first = pmm_alloc_contig(n, 1);
	if (!first) {
		comp_grants[p->comp].dma_used -= n * PAGE_SIZE;
		return -ENOMEM;
	}
	memset(P2V(first), 0, n * PAGE_SIZE);
	/* Owned by the server's space: freed with it (pages mapped before a
	 * failure too). */
	uint32_t va = map_pages(p, first, n, PTE_U | PTE_W);
	if (!va)
		return -ENOMEM;
	if (copy_to_user(p->pgdir, tf->ecx, &first, sizeof(first)) < 0)
		return -EFAULT;
	return (int32_t)va;
}

/* SYS_KEEP (comp_keep): the row's kept memory, mapped into this instance.
 * The first ask takes zeroed frames and the row holds them from then on;
 * they are mapped borrowed, so the address space's teardown at the
 * server's death leaves them alone, and the next instance that asks for
 * the same length gets the same frames, with what the last one left. */
struct kept {
	uint32_t pa, pages; /* the frames: outlive every instance */
	int32_t mapped;     /* the instance (pid) that has them mapped */
};
/* Beside struct server, whose size the fast path fixes (fastipc_layout.h). */
static struct kept kept[NSERVERS];

static int32_t sys_keep(struct trapframe *tf)
{
	struct proc *p = registered_server();
	uint32_t len = tf->ebx;
	if (!p || p->comp < 0)
		return -EPERM;
	struct server *s = ipc_of(p)->srv;
	struct kept *k = &kept[s - servers];
	uint32_t n = PGROUNDUP(len) / PAGE_SIZE;
	if (!len || len > comp_grants[p->comp].r.keep_bytes)
		return -EPERM;
	if (k->pages && (k->pages != n || k->mapped == p->pid))
		return -EINVAL; /* one region, of one size, once an instance */
	if (n * PAGE_SIZE > map_room(p))
		return -ENOMEM;
	if (!k->pages) {
		uint32_t first = pmm_alloc_contig(n, 1);
		if (!first)
			return -ENOMEM;
		memset(P2V(first), 0, n * PAGE_SIZE);
		k->pa = first;
		k->pages = n;
	}
	/* Mapping them again is part of a restart: the page table it may
	 * need comes from the reserve, as the rest of the restart does. */
	reserve_enter();
	uint32_t va = map_pages(p, k->pa, n, PTE_U | PTE_W | PTE_BORROWED);
	reserve_leave();
	if (!va)
		return -ENOMEM;
	k->mapped = p->pid;
	return (int32_t)va;
}

/* A server's log line goes to COM1 from the kernel, while the console
 * server writes its clients' lines to the same UART from ring 3, byte by
 * byte, and may be preempted in the middle of one. A log line written
 * then would land inside a program's line (seen under Bochs: rs's
 * "restarted console" cut the line crash printed through the restarted
 * console). So while the console server is serving a request the line is
 * held, and written when it is idle again (klog_flush, at the next tick),
 * or after KLOG_HOLD_TICKS at most. */
#define KLOG_HOLD_TICKS 50
static char klog_held[1024];
static uint32_t klog_held_len, klog_held_since;

static int console_busy(void)
{
	const struct server *s = server_of_svc(SVC_CONSOLE);
	return s && s->proc && s->busy_since;
}

void klog_flush(int force)
{
	if (!klog_held_len || (!force && console_busy() &&
			       (int32_t)(ticks - klog_held_since) < KLOG_HOLD_TICKS))
		return;
	klog_held[klog_held_len] = 0;
	kputs(klog_held);
	klog_held_len = 0;
}

static int32_t sys_klog(struct trapframe *tf)
{
	struct proc *p = current;
	char buf[256];
	if (!(p->flags & PROC_F_SERVER))
		return -ENOSYS;
	uint32_t len = tf->ecx < sizeof(buf) - 1 ? tf->ecx : sizeof(buf) - 1;
	if (copy_from_user(p->pgdir, buf, tf->ebx, len) < 0)
		return -EFAULT;
	buf[len] = 0;
	if (!console_busy() && !klog_held_len) {
		kputs(buf);
		return 0;
	}
	if (klog_held_len + len >= sizeof(klog_held))
		klog_flush(1);
	if (!klog_held_len)
		klog_held_since = ticks;
	memcpy(klog_held + klog_held_len, buf, len);
	klog_held_len += len;
	return 0;
}

static int32_t sys_pid_alive(struct trapframe *tf)
{
	if (!(current->flags & PROC_F_SERVER))
		return -ENOSYS;
	struct proc *q = proc_by_pid((int)tf->ebx);
	return q && q->state != P_ZOMBIE;
}

static int32_t sys_timer_set(struct trapframe *tf)
{
	struct proc *p = registered_server();
	uint32_t ms = tf->ebx;
	if (!p)
		return -EPERM;
	if (ms > 24u * 3600 * 1000)
		return -EINVAL;
	struct server *s = ipc_of(p)->srv;
	struct ipc *pi = ipc_of(p);
	pi->note[NOTE_EVENT] &= ~NOTIFY_TIMER; /* a new timer replaces the old */
	pi->notes = pi->note[NOTE_IRQ] | pi->note[NOTE_FROM] | pi->note[NOTE_EVENT] |
		    pi->note[NOTE_DEATH];
	s->timer_at = ms ? (ticks + (ms * HZ + 999) / 1000) | 1 : 0;
	return 0;
}

static int32_t sys_notify(struct trapframe *tf)
{
	struct proc *p = registered_server();
	if (!p)
		return -EPERM;
	return service_notify_from(p->comp, (int)tf->ebx);
}

static int32_t sys_pci_find(struct trapframe *tf)
{
	struct proc *p = registered_server();
	struct pci_dev d;
	if (!p || p->comp < 0)
		return -EPERM;
	int r = pci_find_for(p->comp, (uint16_t)tf->ebx, (uint16_t)tf->ecx, &d);
	if (r < 0)
		return r;
	return copy_to_user(p->pgdir, tf->edx, &d, sizeof(d));
}

const struct host_call server_calls[] = {
	{SYS_SRV_REGISTER, sys_srv_register},
	{SYS_RECV, sys_recv},
	{SYS_REPLY, sys_reply},
	{SYS_REPLY_RECV, FAST_REPLY_RECV}, /* sys_reply_recv, or its fast path first */
	{SYS_GRANT_COPY, FAST_GRANT_COPY}, /* sys_grant_copy, or its fast path first */
	{SYS_IRQ_ACK, sys_irq_ack},
	{SYS_IRQ_WAIT, sys_irq_wait},
	{SYS_MMIO_MAP, sys_mmio_map},
	{SYS_DMA_ALLOC, sys_dma_alloc},
	{SYS_KLOG, sys_klog},
	{SYS_PID_ALIVE, sys_pid_alive},
	{SYS_TIMER_SET, sys_timer_set},
	{SYS_NOTIFY, sys_notify},
	{SYS_PCI_FIND, sys_pci_find},
	{SYS_KEEP, sys_keep},
	{SYS_RS_REGISTER, sys_rs_register},
	{SYS_SRV_INFO, sys_srv_info},
	{SYS_SRV_RESTART, sys_srv_restart},
	{SYS_SRV_KILL, sys_srv_kill},
	{SYS_SRV_RETIRE, sys_srv_retire},
	{0, NULL},
};
