/* Threads of control and the scheduler both kernels share.
 *
 * A proc is one thread; user processes also own an address space (pgdir).
 * Kernel threads (the idle thread, mono's component interrupt threads) run
 * in the kernel's directory. Everything here runs with interrupts off: the
 * kernel is not preemptible (docs/01-boot-and-syscalls.md explains why). */
#ifndef PROC_H
#define PROC_H

#include <stdint.h>

#include "abi/errno.h"
#include "abi/kinfo.h"
#include "abi/syscall.h"
#include "abi/msg.h"
#include "arch.h"
#include "mm.h"
#include "service.h"

#define NPROC             64
#define PROC_MAX_IORANGES 8

/* Kernel-internal flags beside the PROC_F_* that ps shows. */
#define PROC_F_COMPONENT 0x100 /* mono: a component's interrupt thread */

struct io_range {
	uint16_t base, count;
};

enum pstate { P_UNUSED, P_EMBRYO, P_RUNNABLE, P_RUNNING, P_SLEEPING, P_ZOMBIE };

struct proc {
	int slot; /* its index in procs[]: per-thread tables of the hosts use it */
	int pid, ppid;
	enum pstate state;
	char name[PROC_NAME_LEN];
	pde_t *pgdir;          /* user space; the kernel's for kernel threads */
	uint8_t *kstack;       /* KSTACK_SIZE bytes */
	uint32_t kesp;         /* saved kernel esp while switched out */
	struct trapframe *tf;  /* the user registers, at the top of kstack */
	uint32_t brk, brk_min; /* the heap's end, and where it started */
	const void *wchan;     /* what a sleeping thread waits for */
	uint32_t wake_tick;    /* a timed sleep ends here (0: none) */
	int exit_status;
	/* Marked to die, with the status it will report (0: not marked):
	 * it exits where it next leaves the kernel (a system call's return,
	 * or its next timer tick in ring 3), or where a sleep that a kill
	 * may end (intr) resumes. A field of the slot, so a new process
	 * given the slot starts unmarked. */
	int killed;
	int intr; /* in a sleep a kill may end: sleep(), wait(), an outermost service call */
	uint32_t ticks;        /* time slices used */
	uint32_t caps;         /* services it may call: SVC_BIT() mask */
	uint32_t privs;        /* PRIV_* beyond its services */
	uint32_t flags;        /* PROC_F_* */
	struct proc *run_next; /* run queue link */
	/* Ports this thread may use from ring 3 (a micro server's manifest). */
	struct io_range ioports[PROC_MAX_IORANGES];
	int nioports;
	/* The ELF it was loaded from, while that stays in memory (initrd,
	 * boot modules), to name functions in fault messages. */
	const void *image;
	uint32_t image_size;
	int image_owned; /* a kpages_alloc'd copy (programs from the file system) */
	/* The service calls it is making, innermost first (service.h). */
	struct call_frame *call;
	/* A server: the component it hosts (-1: none). */
	int comp;
};

/* The service the thread's innermost call waits on (0: none). */
static inline int proc_calling(const struct proc *p)
{
	return p->call ? p->call->svc : 0;
}

/* The checks of every SYS_CALL, the system-call layer's policy in every
 * kernel: a process may call only the services it holds a capability for
 * (user programs: the public ones; servers: their table row's, and a
 * server's refusal is logged). Only a thread that can itself be serving
 * something (a server) can close a cycle, so ordinary programs skip that
 * walk. 0 or -errno. */
static inline int32_t service_admit(uint32_t svc, const struct proc *p)
{
	if (svc - 1 >= SVC_MAX - 1)
		return -EINVAL;
	int have = services[svc].transport != NULL;
	if (!(p->caps & SVC_BIT(svc)) || !have) {
		/* A server's refusal is logged, as a ring-0 component's is
		 * (service_call_from); an ordinary program's is not. */
		if (have && (p->flags & PROC_F_SERVER) && p->comp >= 0)
			rights_refused(p->comp, "calls to service %u", svc);
		return have ? -EPERM : -ENOENT;
	}
	if ((p->flags & PROC_F_SERVER) && service_would_cycle((int)svc))
		return -EDEADLK;
	return 0;
}

	/* Every service admitted here is a component's: this is the entry
	 * only where every service is direct (mono, which has no servers),
	 * and the kernel's own process service is granted to no program
	 * (tools/gen-services.py refuses calls=proc in a program row). A
	 * hybrid's entry, service_syscall, routes each service to its own
	 * transport first. */
extern struct proc procs[NPROC];
extern struct proc *current;
extern struct proc *initproc; /* inherits orphans; its exit is fatal */

/* A new thread in the kernel's address space that runs fn(arg) in ring 0.
 * fn must never return; it is not on the run queue until sched_ready. */
struct proc *kthread_create(const char *name, void (*fn)(void *), void *arg);
struct spawn_args {
	const char *const *argv; /* argc entries, then NULL */
	int argc;
	const char *const *envp; /* envc entries, then NULL; may be NULL */
	int envc;
};

/* Loads the ELF image into a fresh address space with argv and envp on
 * its stack. Returns the new process, not yet runnable, or NULL with *err
 * set. The image must stay in memory while the process lives (it names
 * functions in fault reports); set image_owned to have it kpages_free'd. */
struct proc *proc_create_user(const char *name, const void *image, uint32_t size,
			      const struct spawn_args *a, int *err);
struct proc *proc_by_pid(int pid);
/* Keeps the last n process slots for work inside reserve_enter() (a
 * server's restart): ordinary spawns get -EAGAIN before they are used. */
void proc_set_reserve(int n);
/* Starts /bin/init from the initial ramdisk and makes it initproc. */
void proc_start_init(void);
/* Ends the current process: wakes its parent, gives its children to init. */
__attribute__((noreturn)) void proc_exit(int status);
/* Exits if the current process has been marked killed. */
static inline void proc_exit_if_killed(void)
{
	if (current->killed)
		proc_exit(current->killed);
}
/* Marks p to die with status (a no-op if it is marked already). While
 * some process is marked, every system call that enters the kernel looks
 * at its caller on the way out (vector128_kill in vectors.S); one that
 * was already blocked came in through the plain gate, so each sleep a
 * kill may end (intr) checks for itself where it resumes. */
void proc_mark_killed(struct proc *p, int status);
/* Stopping a program (SYS_KILL, Ctrl-C): marks p and wakes it from a
 * sleep that a kill may end; the hosts wake it from a service call. */
void proc_kill(struct proc *p, int status);
/* Whether p may be stopped at all (a user program, not init, not a server
 * or kernel thread) and is a proper descendant of the process pid. */
int proc_may_kill(const struct proc *p, int pid);
/* PROC_INTR: stops every process proc_may_kill lets owner stop (its
 * descendants): how many, or -ESRCH if owner is gone. */
int proc_interrupt(int owner);
/* vector128_kill's call on the way back to ring 3 (vectors.S). */
void syscall_return_killed(void);
/* Reaps a zombie child; pid -1 for any. Blocks. */
int proc_wait(int pid, int *status);
/* Frees a zombie's memory (not its slot, which the parent reaps). */
void proc_release(struct proc *p);

/* The scheduler: a FIFO run queue, one tick per slice. */
void sched_ready(struct proc *p);
/* Gives up the CPU; the caller has set current->state (RUNNABLE re-queues). */
void sched_yield(void);
/* Whether the idle thread is running (it yields by itself after its hlt). */
int sched_idle_running(void);
/* Switches to the given runnable thread at once, bypassing the queue (the
 * IPC fast path); the caller has set current's state. */
void sched_switch_to(struct proc *next);
/* The same, for a thread that blocks with nothing on its kernel stack but
 * its trap frame (the IPC fast path, micro/fastipc.c): next resumes in
 * ring 3 at once, through its trap frame as it stands, so next must have
 * nothing pending in the kernel either but the return (whatever frames it
 * had are dropped). The current thread, when something later switches to
 * it the ordinary way, continues at resume with esp at its trap frame: an
 * assembly stub that ends in trapret. */
__attribute__((noreturn)) void sched_enter_user(struct proc *next, void (*resume)(void));
/* Sleeps until wakeup(chan); sleep_ticks sleeps for n timer ticks. */
void sleep_on(const void *chan);
/* The same, but also wakes at tick `deadline` (0: never); the caller
 * checks which happened. */
void sleep_on_until(const void *chan, uint32_t deadline);
void sleep_ticks(uint32_t n);
void wakeup(const void *chan);
void sched_tick(struct trapframe *tf);
/* Drops every reference the scheduler holds to a dying thread. */
void sched_forget(struct proc *p);
void sched_ioports_changed(void);
void sched_init(void);
__attribute__((noreturn)) void sched_start(void);

/* Context switch (common/kern/swtch.S): saves callee-saved registers on the
 * old stack, stores its esp in *old, loads new_esp and returns there. */
void swtch(uint32_t *old, uint32_t new_esp);
/* sched_enter_user's end: moves to next_tf, writes resume where swtch will
 * return to for prev, and leaves through trapret. */
__attribute__((noreturn)) void enter_user(struct trapframe *prev_tf, void (*resume)(void),
					  struct trapframe *next_tf);

#endif
