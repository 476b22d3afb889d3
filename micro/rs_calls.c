/* The calls only the reincarnation server makes: the mechanisms its
 * policy needs (micro/rs/rs.c decides; the kernel reports and acts). It
 * names servers by a service they serve. */
#include "abi/errno.h"
#include "kernel.h"
#include "micro.h"
#include "proc.h"
#include "server_abi.h"

int32_t sys_rs_register(struct trapframe *tf)
{
	(void)tf;
	struct proc *p = current;
	struct server *rs = &servers[RS_SLOT];
	if (!(p->flags & PROC_F_SERVER) || ipc_of(p)->srv != rs)
		return -EPERM; /* only the boot module srv:rs */
	if (!rs->bound) {
		rs->bound = 1;
		servers_unregistered--;
		wakeup(servers);
	}
	ipc_of(p)->registered = 1;
	p->caps = 0;
	kprintf("micro: reincarnation server (pid %d) watching the servers\n", p->pid);
	return 0;
}

/* The server a reincarnation-server call names, if the caller is it. */
static struct server *target(int svc)
{
	struct proc *p = registered_server();
	if (!p || ipc_of(p)->srv != &servers[RS_SLOT] || svc <= 0 || svc >= SVC_MAX ||
	    svc == SVC_RS)
		return NULL;
	struct server *s = server_of_svc(svc);
	return s && s->bound ? s : NULL;
}

int32_t sys_srv_info(struct trapframe *tf)
{
	struct server *s = target((int)tf->ebx);
	if (!s)
		return -ENOENT;
	struct srv_info in = {0};
	in.bound = 1;
	strlcpy(in.name, s->name, sizeof(in.name));
	/* When the last instance started, kept after it died: how the
	 * reincarnation server tells a quick death from a late one. */
	in.started_ms = s->started_at * 1000 / HZ;
	if (s->proc) {
		in.pid = s->proc->pid;
		in.busy_ms = s->busy_since ? (ticks - s->busy_since) * 1000 / HZ : 0;
		in.waiting_on = proc_calling(s->proc);
		in.device_wait = ipc_of(s->proc)->irq_wait_line >= 0;
	}
	return copy_to_user(current->pgdir, tf->ecx, &in, sizeof(in));
}

int32_t sys_srv_kill(struct trapframe *tf)
{
	struct server *s = target((int)tf->ebx);
	if (!s)
		return -ENOENT;
	if (!s->proc)
		return -ESRCH;
	ipc_kill(s->proc);
	return 0;
}

int32_t sys_srv_retire(struct trapframe *tf)
{
	struct server *s = target((int)tf->ebx);
	if (!s)
		return -ENOENT;
	if (s->proc)
		return -EBUSY;
	s->retired = 1;
	/* Callers queued for the next instance will not get one. */
	ipc_retire(s);
	return 0;
}

int32_t sys_srv_restart(struct trapframe *tf)
{
	struct server *s = target((int)tf->ebx);
	if (!s)
		return -ENOENT;
	if (s->proc)
		return -EBUSY;
	int err;
	struct proc *n = server_start(s, s->name, s->image, s->image_size, &err);
	if (!n)
		return err;
	total_restarts++;
	return n->pid;
}
