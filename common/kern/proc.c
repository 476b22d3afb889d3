/* Process and thread lifecycle: creation from an ELF image, exit, wait. */
#include "abi/errno.h"
#include "abi/msg.h"
#include "abi/syscall.h"
#include "cpu.h"
#include "elf.h"
#include "initrd.h"
#include "kernel.h"
#include "proc.h"
#include "service.h"

struct proc procs[NPROC];
struct proc *current;
struct proc *initproc;
static int next_pid; /* the idle thread is created first: pid 0 */

/* pid -> proc in one probe: every reply and grant copy names its caller by
 * pid, so this is on the IPC path. Pids only grow, so two live processes
 * rarely share a slot; when they do, the scan below finds the other. */
#define PIDHASH 256
static struct proc *pidhash[PIDHASH];

static int reserved_slots;

void proc_set_reserve(int n)
{
	reserved_slots = n;
}

/* A free slot with a kernel stack, or NULL with *err -EAGAIN (no slot
 * left for this caller) or -ENOMEM. */
static struct proc *alloc_proc(const char *name, int *err)
{
	*err = -EAGAIN;
	if (!reserve_active()) {
		int used = 0;
		for (struct proc *p = procs; p < procs + NPROC; p++)
			used += p->state != P_UNUSED;
		if (NPROC - used <= reserved_slots)
			return NULL;
	}
	for (struct proc *p = procs; p < procs + NPROC; p++) {
		if (p->state != P_UNUSED)
			continue;
		uint32_t ks = pmm_alloc_contig(KSTACK_SIZE / PAGE_SIZE, 1);
		if (!ks) {
			*err = -ENOMEM;
			return NULL;
		}
		memset(p, 0, sizeof(*p));
		p->slot = (int)(p - procs);
		p->kstack = P2V(ks);
		p->comp = -1;
		p->state = P_EMBRYO;
		p->pid = next_pid++;
		pidhash[(unsigned)p->pid % PIDHASH] = p;
		p->ppid = current ? current->pid : 0;
		strlcpy(p->name, name, sizeof(p->name));
		p->tf = (struct trapframe *)(p->kstack + KSTACK_SIZE) - 1;
		return p;
	}
	return NULL;
}

/* The first switch into a thread "returns" from swtch into `entry` with
 * the four callee-saved registers popped: ebx and esi carry arguments. */
static void prime_stack(struct proc *p, void (*entry)(void), uint32_t ebx, uint32_t esi)
{
	uint32_t *sp = (uint32_t *)p->tf;
	*--sp = (uint32_t)entry;
	*--sp = 0;   /* ebp */
	*--sp = ebx; /* ebx */
	*--sp = esi; /* esi */
	*--sp = 0;   /* edi */
	p->kesp = (uint32_t)sp;
}

extern void kthread_entry(void);
__asm__(".text\n"
	"kthread_entry:\n\t"
	"pushl %esi\n\t"
	"call *%ebx\n\t"
	"ud2\n");

struct proc *kthread_create(const char *name, void (*fn)(void *), void *arg)
{
	int err;
	struct proc *p = alloc_proc(name, &err);
	if (!p)
		return NULL;
	p->pgdir = vm_kernel_pgdir();
	p->flags = PROC_F_KERNEL;
	prime_stack(p, kthread_entry, (uint32_t)fn, (uint32_t)arg);
	return p;
}

/* Copies a NULL-terminated string vector onto the new stack below *sp;
 * stores the user addresses of the strings in ptrs. */
static int push_strings(struct proc *p, uint32_t *sp, const char *const *v, int n, uint32_t *ptrs)
{
	for (int i = n - 1; i >= 0; i--) {
		uint32_t len = (uint32_t)strlen(v[i]) + 1;
		*sp -= len;
		if (copy_to_user(p->pgdir, *sp, v[i], len) < 0)
			return -EFAULT;
		ptrs[i] = *sp;
	}
	ptrs[n] = 0;
	return 0;
}

/* Builds argc, argv, envp and their strings at the top of the user stack:
 * esp -> argc, argv, envp (the layout crt0 expects). */
static int push_args(struct proc *p, const char *const *argv, int argc, const char *const *envp,
		     int envc)
{
	uint32_t aptrs[ARG_MAX_COUNT + 1], eptrs[ARG_MAX_COUNT + 1];
	uint32_t sp = USER_STACK_TOP;
	if (push_strings(p, &sp, envp, envc, eptrs) < 0 ||
	    push_strings(p, &sp, argv, argc, aptrs) < 0)
		return -EFAULT;
	sp &= ~3u;
	sp -= (uint32_t)(envc + 1) * 4;
	uint32_t uenvp = sp;
	sp -= (uint32_t)(argc + 1) * 4;
	uint32_t uargv = sp;
	uint32_t frame[3] = {(uint32_t)argc, uargv, uenvp};
	sp -= sizeof(frame);
	if (copy_to_user(p->pgdir, uenvp, eptrs, (uint32_t)(envc + 1) * 4) < 0 ||
	    copy_to_user(p->pgdir, uargv, aptrs, (uint32_t)(argc + 1) * 4) < 0 ||
	    copy_to_user(p->pgdir, sp, frame, sizeof(frame)) < 0)
		return -EFAULT;
	p->tf->esp = sp;
	return 0;
}

static int load_segments(struct proc *p, const uint8_t *image, const struct elf_image *ei)
{
	uint32_t top = USER_BASE;
	/* The heap grows up to USER_HEAP_MAX and servers map devices above
	 * it: no segment may start or end outside [USER_BASE, USER_HEAP_MAX). */
	if (!elf_within(ei, USER_BASE, USER_HEAP_MAX))
		return -ENOEXEC;
	for (int i = 0; i < ei->nsegments; i++) {
		const struct elf_segment *s = &ei->seg[i];
		/* Writable while we fill it; text is made read-only below. */
		if (vm_alloc_range(p->pgdir, s->vaddr, s->memsz, PTE_U | PTE_W) < 0)
			return -ENOMEM;
		if (copy_to_user(p->pgdir, s->vaddr, image + s->offset, s->filesz) < 0)
			return -ENOEXEC;
		if (s->vaddr + s->memsz > top)
			top = s->vaddr + s->memsz;
	}
	for (int i = 0; i < ei->nsegments; i++) {
		const struct elf_segment *s = &ei->seg[i];
		if (s->flags & ELF_PF_W)
			continue;
		for (uint32_t a = PGROUNDDOWN(s->vaddr); a < s->vaddr + s->memsz; a += PAGE_SIZE) {
			uint32_t *pte = vm_pte(p->pgdir, a);
			int shared_with_writable = 0;
			for (int j = 0; j < ei->nsegments; j++) {
				const struct elf_segment *w = &ei->seg[j];
				if ((w->flags & ELF_PF_W) && a < w->vaddr + w->memsz &&
				    PGROUNDDOWN(w->vaddr) <= a)
					shared_with_writable = 1;
			}
			if (pte && !shared_with_writable)
				*pte &= ~PTE_W;
		}
	}
	p->brk = p->brk_min = PGROUNDUP(top);
	return 0;
}

struct proc *proc_create_user(const char *name, const void *image, uint32_t size,
			      const struct spawn_args *a, int *err)
{
	struct elf_image ei;
	*err = elf_parse(image, size, &ei);
	if (*err < 0)
		return NULL;
	struct proc *p = alloc_proc(name, err);
	if (!p)
		return NULL;
	p->pgdir = vm_new_space();
	if (!p->pgdir) {
		*err = -ENOMEM;
		goto fail;
	}
	if ((*err = load_segments(p, image, &ei)) < 0)
		goto fail;
	if (vm_alloc_range(p->pgdir, USER_STACK_TOP - USER_STACK_PAGES * PAGE_SIZE,
			   USER_STACK_PAGES * PAGE_SIZE, PTE_U | PTE_W) < 0) {
		*err = -ENOMEM;
		goto fail;
	}
	memset(p->tf, 0, sizeof(*p->tf));
	p->tf->cs = USER_CS;
	p->tf->ss = USER_DS;
	p->tf->eflags = EFLAGS_IF;
	p->tf->eip = ei.entry;
	static const char *const no_env[] = {NULL};
	if ((*err = push_args(p, a->argv, a->argc, a->envp ? a->envp : no_env, a->envc)) < 0)
		goto fail;
	p->caps = SVC_PUBLIC_MASK;
	p->image = image;
	p->image_size = size;
	prime_stack(p, trapret, 0, 0);
	return p;
fail:
	/* Everything alloc_proc and the loading took, its kernel stack too
	 * (found by the leak check, user/tests/t_leak.c: every spawn of an
	 * image that parsed but did not load lost two frames). */
	proc_release(p);
	pmm_free_contig(V2P(p->kstack), KSTACK_SIZE / PAGE_SIZE);
	p->kstack = NULL;
	p->state = P_UNUSED;
	return NULL;
}

struct proc *proc_by_pid(int pid)
{
	struct proc *p = pidhash[(unsigned)pid % PIDHASH];
	if (p && p->pid == pid && p->state != P_UNUSED)
		return p;
	for (p = procs; p < procs + NPROC; p++)
		if (p->state != P_UNUSED && p->pid == pid)
			return p;
	return NULL;
}

void proc_release(struct proc *p)
{
	if (p->image_owned) {
		kpages_free((void *)p->image, p->image_size);
		p->image = NULL;
		p->image_owned = 0;
	}
	if (p->pgdir && p->pgdir != vm_kernel_pgdir()) {
		if (current == p)
			vm_switch(vm_kernel_pgdir());
		vm_free_space(p->pgdir);
	}
	p->pgdir = NULL;
}

/* Processes marked killed that have not exited yet. While there are any,
 * the system-call gate is vector128_kill, which looks at each caller on
 * its way out; otherwise the plain one, which costs nothing. */
static int kill_pending;

void proc_mark_killed(struct proc *p, int status)
{
	if (p->killed)
		return;
	p->killed = status;
	if (kill_pending++ == 0)
		idt_syscall_kill_check(1);
}

/* Called by vector128_kill on the way back to ring 3. */
void syscall_return_killed(void)
{
	proc_exit_if_killed();
}

void proc_kill(struct proc *p, int status)
{
	if (p->state == P_UNUSED || p->state == P_ZOMBIE || p->killed)
		return;
	proc_mark_killed(p, status);
	hosts_proc_kill(p);
	if (p->state == P_SLEEPING && p->intr)
		sched_ready(p);
}

int proc_may_kill(const struct proc *p, int pid)
{
	if (p == initproc || (p->flags & (PROC_F_SERVER | PROC_F_KERNEL | PROC_F_COMPONENT)) ||
	    !p->pgdir || p->pgdir == vm_kernel_pgdir())
		return 0;
	/* Up the parent chain: orphans belong to init, so the walk ends
	 * there or at pid 0, within NPROC steps. */
	for (int hops = 0; p && hops < NPROC; hops++) {
		if (p->ppid == pid)
			return 1;
		if (p->ppid <= 0 || p->ppid == p->pid)
			return 0;
		p = proc_by_pid(p->ppid);
	}
	return 0;
}

int proc_interrupt(int owner)
{
	struct proc *o = owner > 0 ? proc_by_pid(owner) : NULL;
	if (!o || o->state == P_ZOMBIE)
		return -ESRCH;
	/* Everything it started, as a terminal's interrupt reaches its whole
	 * foreground process group. Nothing here sleeps, so the tree cannot
	 * change while it is walked; each is marked first, then woken. */
	int n = 0;
	for (struct proc *p = procs; p < procs + NPROC; p++)
		if (p->state != P_UNUSED && p->state != P_ZOMBIE && p->state != P_EMBRYO &&
		    !p->killed && proc_may_kill(p, owner)) {
			proc_kill(p, WAIT_STOPPED);
			n++;
		}
	return n;
}

void proc_exit(int status)
{
	struct proc *p = current;
	if (p == initproc)
		panic("init exited with status %#x", status);
	if (p->killed && --kill_pending == 0)
		idt_syscall_kill_check(0);
	hosts_proc_exit(p);
	proc_release(p);
	p->exit_status = status;
	for (struct proc *c = procs; c < procs + NPROC; c++) {
		if (c->state != P_UNUSED && c->ppid == p->pid) {
			c->ppid = initproc->pid;
			if (c->state == P_ZOMBIE)
				wakeup(initproc);
		}
	}
	p->state = P_ZOMBIE;
	wakeup(proc_by_pid(p->ppid));
	sched_yield();
	panic("a zombie ran again");
}

int proc_wait(int pid, int *status)
{
	for (;;) {
		int have = 0;
		for (struct proc *c = procs; c < procs + NPROC; c++) {
			if (c->state == P_UNUSED || c->ppid != current->pid)
				continue;
			if (pid != -1 && c->pid != pid)
				continue;
			have = 1;
			if (c->state != P_ZOMBIE)
				continue;
			int cpid = c->pid;
			*status = c->exit_status;
			pmm_free_contig(V2P(c->kstack), KSTACK_SIZE / PAGE_SIZE);
			c->state = P_UNUSED;
			return cpid;
		}
		if (!have)
			return -ECHILD;
		if (current->killed)
			return -EINTR; /* sys_wait then ends it */
		current->intr = 1;
		sleep_on(current);
		current->intr = 0;
	}
}

void proc_start_init(void)
{
	const void *image;
	uint32_t size;
	if (initrd_find("/bin/init", &image, &size) < 0)
		panic("no /bin/init in the initial ramdisk");
	static const char *const argv[] = {"init", NULL};
	static const struct spawn_args a = {argv, 1, NULL, 0};
	int err;
	struct proc *p = proc_create_user("init", image, size, &a, &err);
	if (!p)
		panic("cannot start init (error %d)", err);
	initproc = p;
	sched_ready(p);
}
