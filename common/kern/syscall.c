/* The system calls the kernel answers itself (design.md Rule 3): process
 * management, time and memory. Everything else is SYS_CALL, a message to a
 * service (service.c), which the service's transport delivers. Arguments
 * arrive in the trap frame: ebx, ecx, edx, esi, edi. */
#include "abi/errno.h"
#include "abi/fs.h"
#include "abi/kinfo.h"
#include "abi/syscall.h"
#include "initrd.h"
#include "kernel.h"
#include "proc.h"
#include "service.h"

typedef int32_t (*syscall_fn)(struct trapframe *tf);
/* common/kern/inject.c: the fault injector's call. */
int32_t sys_inject(struct trapframe *tf);
/* Read by the entry stub in vectors.S. */
syscall_fn syscall_table[SYSCALL_SLOTS];

static int32_t sys_enosys(struct trapframe *tf)
{
	(void)tf;
	return -ENOSYS;
}

static int32_t sys_exit(struct trapframe *tf)
{
	proc_exit((int)(tf->ebx & 0xFF));
}

static int32_t sys_getpid(struct trapframe *tf)
{
	(void)tf;
	return current->pid;
}

/* Lab 1's system call: the kernel answers it itself, from the process
 * table, in every kernel (labs/lab1-syscall/README.md). */
static int32_t sys_getppid(struct trapframe *tf)
{
	/* LAB 1: BEGIN
	 * Return the pid of the calling process's parent. The caller is
	 * `current` (common/include/proc.h shows what struct proc holds).
	 * STUB: (void)tf;
	 * STUB: return -ENOSYS;
	 */
	(void)tf;
	return current->ppid;
	/* LAB 1: END */
}

static int32_t sys_yield(struct trapframe *tf)
{
	(void)tf;
	sched_yield();
	return 0;
}

static int32_t sys_wait(struct trapframe *tf)
{
	int pid = (int)tf->ebx, status = 0;
	uint32_t ustatus = tf->ecx;
	/* Check the pointer before reaping, so a bad one loses no child. */
	if (ustatus && copy_to_user(current->pgdir, ustatus, &status, sizeof(status)) < 0)
		return -EFAULT;
	int r = proc_wait(pid, &status);
	proc_exit_if_killed(); /* -EINTR: a kill ended the wait */
	if (r > 0 && ustatus)
		copy_to_user(current->pgdir, ustatus, &status, sizeof(status));
	return r;
}

/* Copies a user string vector into buf (strings) and v (pointers): the
 * count, or -EFAULT / -E2BIG. */
static int gather(uint32_t uvec, const char **v, char *buf, uint32_t *used)
{
	int n = 0;
	for (; uvec; n++) {
		uint32_t u;
		if (copy_from_user(current->pgdir, &u, uvec + (uint32_t)n * 4, 4) < 0)
			return -EFAULT;
		if (!u)
			break;
		if (n == ARG_MAX_COUNT)
			return -E2BIG;
		int r = copy_str_from_user(current->pgdir, buf + *used, u, ARG_MAX_BYTES - *used);
		if (r == -ENAMETOOLONG)
			return -E2BIG;
		if (r < 0)
			return r;
		v[n] = buf + *used;
		*used += (uint32_t)r + 1;
	}
	v[n] = NULL;
	return n;
}

static int32_t sys_spawn(struct trapframe *tf)
{
	/* Static, like the argument buffers below: FS_PATH_MAX is too big
	 * for the 8 KiB kernel stack, and nothing sleeps while it is used. */
	static char path[FS_PATH_MAX];
	int r = copy_str_from_user(current->pgdir, path, tf->ebx, sizeof(path));
	if (r < 0)
		return r;
	/* One buffer holds argv's and envp's strings, as ARG_MAX_BYTES says.
	 * Static is safe: the kernel is not preemptible and nothing below
	 * sleeps before the strings are on the new stack. */
	static char strbuf[ARG_MAX_BYTES];
	static const char *argv[ARG_MAX_COUNT + 1], *envp[ARG_MAX_COUNT + 1];
	uint32_t used = 0;
	struct spawn_args a = {argv, 0, envp, 0};
	if ((a.argc = gather(tf->ecx, argv, strbuf, &used)) < 0)
		return a.argc;
	if ((a.envc = gather(tf->edx, envp, strbuf, &used)) < 0)
		return a.envc;
	if (a.argc == 0) {
		argv[a.argc++] = path; /* a program always sees its name */
		argv[1] = NULL;
	}

	const void *image;
	uint32_t size = tf->edi;
	void *copy = NULL;
	if (tf->esi) { /* an ELF in the caller's memory, read from a file */
		if (size == 0 || size > SPAWN_IMAGE_MAX)
			return size ? -EFBIG : -ENOEXEC;
		if (!(copy = kpages_alloc(size)))
			return -ENOMEM;
		if (copy_from_user(current->pgdir, copy, tf->esi, size) < 0) {
			kpages_free(copy, size);
			return -EFAULT;
		}
		image = copy;
	} else if ((r = initrd_find(path, &image, &size)) < 0) {
		return r;
	}
	const char *base = strrchr(path, '/');
	struct proc *p = proc_create_user(base ? base + 1 : path, image, size, &a, &r);
	if (!p) {
		if (copy)
			kpages_free(copy, size);
		return r;
	}
	p->image_owned = copy != NULL;
	rights_for_program(p, p->name, image, size);
	sched_ready(p);
	return p->pid;
}

static int32_t sys_sleep(struct trapframe *tf)
{
	uint32_t ms = tf->ebx;
	if (ms > 24u * 3600 * 1000)
		return -EINVAL;
	/* A kill ends the sleep, and the caller dies here (it came in
	 * through the plain gate, which looks for no kill on the way out). */
	current->intr = 1;
	sleep_ticks((ms * HZ + 999) / 1000);
	current->intr = 0;
	proc_exit_if_killed();
	return 0;
}

static int32_t sys_kill(struct trapframe *tf)
{
	int pid = (int)tf->ebx;
	struct proc *p = pid > 0 ? proc_by_pid(pid) : NULL;
	if (!p || p->state == P_ZOMBIE || p->state == P_EMBRYO)
		return -ESRCH;
	if (!proc_may_kill(p, current->pid))
		return -EPERM;
	proc_kill(p, WAIT_STOPPED);
	return 0;
}

static int32_t sys_sbrk(struct trapframe *tf)
{
	struct proc *p = current;
	int32_t incr = (int32_t)tf->ebx;
	uint32_t old = p->brk;
	if (incr > 0) {
		if ((uint32_t)incr > USER_HEAP_MAX - old)
			return -ENOMEM;
		uint32_t from = PGROUNDUP(old), to = PGROUNDUP(old + (uint32_t)incr);
		if (to > from && vm_alloc_range(p->pgdir, from, to - from, PTE_U | PTE_W) < 0) {
			vm_unmap_range(p->pgdir, from, to - from);
			return -ENOMEM;
		}
	} else if (incr < 0) {
		if ((uint32_t)-incr > old - p->brk_min)
			return -EINVAL;
		uint32_t to = PGROUNDUP(old + (uint32_t)incr);
		vm_unmap_range(p->pgdir, to, PGROUNDUP(old) - to);
	}
	p->brk = old + (uint32_t)incr;
	return (int32_t)old;
}

static int32_t sys_uptime(struct trapframe *tf)
{
	(void)tf;
	return (int32_t)((uint64_t)ticks * 1000 / HZ);
}

static int32_t sys_ps(struct trapframe *tf)
{
	uint32_t ubuf = tf->ebx;
	int32_t max = (int32_t)tf->ecx, n = 0;
	if (max < 0)
		return -EINVAL;
	static const int state_of[] = {
		[P_RUNNABLE] = PSTATE_RUNNABLE,
		[P_RUNNING] = PSTATE_RUNNING,
		[P_SLEEPING] = PSTATE_SLEEPING,
		[P_ZOMBIE] = PSTATE_ZOMBIE,
	};
	for (struct proc *p = procs; p < procs + NPROC && n < max; p++) {
		if (p->state == P_UNUSED || p->state == P_EMBRYO)
			continue;
		struct procinfo pi = {
			.pid = p->pid,
			.ppid = p->ppid,
			.state = state_of[p->state],
			.mem_kib = (p->pgdir && p->pgdir != vm_kernel_pgdir())
					   ? vm_user_bytes(p->pgdir) / 1024
					   : 0,
			.ticks = p->ticks,
			.flags = p->flags & (PROC_F_SERVER | PROC_F_KERNEL),
		};
		strlcpy(pi.name, p->name, sizeof(pi.name));
		uint32_t dst = ubuf + (uint32_t)n * sizeof(pi);
		if (copy_to_user(current->pgdir, dst, &pi, sizeof(pi)) < 0)
			return -EFAULT;
		n++;
	}
	return n;
}

static int32_t sys_poweroff(struct trapframe *tf)
{
	/* The code reaches QEMU's exit status as (code << 1) | 1; 0 is a
	 * clean poweroff, 1 is what a panic uses. The kernel flushes nothing:
	 * the file service's cache is its own, and /bin/poweroff asks it to
	 * sync first (a kernel of servers cannot wait on one here). */
	int code = (int)(tf->ebx & 0x7F);
	kprintf("poweroff: stopping the machine\n");
	machine_poweroff(code);
}

static int32_t kinfo_service(uint32_t uout, uint32_t svc)
{
	struct svcinfo si = {0};
	if (svc > 0 && svc < SVC_MAX && services[svc].transport) {
		int c = services[svc].comp;
		si.placement = c < 0                                ? SVCINFO_SYSTEM
			       : svc_table[c].place == PLACE_KERNEL ? SVCINFO_KERNEL
								    : SVCINFO_SERVER;
		strlcpy(si.name, c < 0 ? "" : svc_table[c].name, sizeof(si.name));
		for (struct proc *p = procs; c >= 0 && p < procs + NPROC; p++)
			if (p->state != P_UNUSED && p->state != P_ZOMBIE &&
			    (p->flags & PROC_F_SERVER) && p->comp == c)
				si.pid = p->pid;
	}
	return copy_to_user(current->pgdir, uout, &si, sizeof(si));
}

static int32_t sys_kinfo(struct trapframe *tf)
{
	if (tf->ebx == KINFO_SERVICE)
		return kinfo_service(tf->ecx, tf->edx);
	if (tf->ebx != KINFO_KERNEL)
		return -EINVAL;
	struct kinfo k = {
		.hz = HZ,
		.ticks = ticks,
		.mem_total_kib = pmm_total_frames() * (PAGE_SIZE / 1024),
		.mem_free_kib = pmm_free_frames() * (PAGE_SIZE / 1024),
		.restarts = hosts_restarts(),
		.privs = current->privs,
		.idle_tsc = idle_tsc,
		.frames_free = pmm_free_frames(),
		.ipc_fast = ipc_fast_calls,
	};
	kpages_usage(&k.heap_used, &k.heap_blocks);
	strlcpy(k.flavour, kernel_name, sizeof(k.flavour));
	strlcpy(k.ipc, ipc_name, sizeof(k.ipc));
	for (struct proc *p = procs; p < procs + NPROC; p++)
		k.nprocs += p->state != P_UNUSED;
	for (int s = 1; s < SVC_MAX; s++)
		k.ipc_fastpath |= services[s].transport && services[s].transport->switches_direct;
	return copy_to_user(current->pgdir, tf->ecx, &k, sizeof(k));
}

void syscall_init(void)
{
	for (int i = 0; i < SYSCALL_SLOTS; i++)
		syscall_table[i] = sys_enosys;
	syscall_table[SYS_EXIT] = sys_exit;
	syscall_table[SYS_WAIT] = sys_wait;
	syscall_table[SYS_SPAWN] = sys_spawn;
	syscall_table[SYS_GETPID] = sys_getpid;
	syscall_table[SYS_YIELD] = sys_yield;
	syscall_table[SYS_SLEEP] = sys_sleep;
	syscall_table[SYS_SBRK] = sys_sbrk;
	syscall_table[SYS_UPTIME] = sys_uptime;
	syscall_table[SYS_PS] = sys_ps;
	syscall_table[SYS_KILL] = sys_kill;
	syscall_table[SYS_GETPPID] = sys_getppid;
	syscall_table[SYS_CALL] = service_syscall_entry();
	syscall_table[SYS_CALLR] = service_callr_entry();
	/* The calls hosts add above SYS_MAX (the server calls). */
	for (const struct host *const *h = hosts; *h; h++)
		for (const struct host_call *c = (*h)->calls; c && c->nr; c++) {
			KASSERT(c->nr >= SYS_MAX && c->nr < SYSCALL_SLOTS);
			syscall_table[c->nr] = c->fn;
		}
	syscall_table[SYS_POWEROFF] = sys_poweroff;
	syscall_table[SYS_KINFO] = sys_kinfo;
	syscall_table[SYS_INJECT] = sys_inject;
}
