/* Services as the kernel sees them: the system's table of components
 * (generated at build time from common/system.conf and the placement),
 * the transports that carry a call to a component, and the hosts that run
 * components. Components never include this; common/, mono/ and micro/ do.
 *
 * Where a component runs is data: each row of the table names its
 * placement (kernel or server), the host that runs it there and the
 * transport that reaches it. KERNEL=mono is the table with every row
 * "kernel" (host kernel_host of mono/, transport direct), KERNEL=micro the
 * one with every row "server" (host server_host of micro/, transport l4);
 * a hybrid is any other table, with both hosts linked in. A call from any
 * thread to any service goes through services[svc].transport, so a ring-0
 * component can call a server and a server a ring-0 component. */
#ifndef SERVICE_H
#define SERVICE_H

#include <stdint.h>

#include "abi/msg.h"
#include "arch.h"
#include "component.h"
#include "mm.h"

struct proc;

enum placement { PLACE_NONE, PLACE_KERNEL, PLACE_SERVER };

/* What the system grants a component: the authority. A manifest asking for
 * more is told so in the log and gets only this. */
struct comp_rights {
	struct comp_ports ports[COMP_MAX_PORTS];
	int irqs[COMP_MAX_IRQS];
	struct comp_mmio mmio[COMP_MAX_MMIO];
	struct comp_pci_id pci[COMP_MAX_PCI];
	uint32_t dma_bytes;
	uint32_t keep_bytes; /* memory it may keep across its restarts (comp_keep) */
	uint32_t calls;      /* SVC_BIT()s it may call and notify */
};

/* One row of the table: one component. */
struct svc_entry {
	const char *name;
	int services[COMP_MAX_SERVICES]; /* 0 ends the list */
	enum placement place;
	const struct host *host;
	const struct transport *transport;
	struct comp_rights rights;
};

/* A program that holds more than the public services (its own row in
 * common/system.conf): the rights of the image the system was built with. */
struct prog_rights {
	const char *name;
	uint32_t calls; /* SVC_BIT()s beyond SVC_PUBLIC_MASK */
	uint32_t privs; /* PRIV_* */
};

/* Generated (build/<kernel>/services.c). */
extern const struct svc_entry svc_table[];
extern const int svc_table_len;
extern const struct prog_rights prog_table[];
extern const int prog_table_len;
extern const char kernel_name[];         /* "mono", "micro", "hybrid" */
extern const char ipc_name[];            /* the servers' transport: "l4", ... */
extern const struct host *const hosts[]; /* the hosts linked in, NULL-terminated */

#define MAX_COMPS 12

/* A lent buffer as the kernel records it when the call is made. The
 * lender's address space comes with it, so one copy routine serves every
 * pair of placements; NULL is ring-0 memory, which only a component placed
 * in the kernel can lend (a ring-3 caller's grant always names its own
 * space, checked when it calls). */
struct grant_rec {
	uint32_t addr, len, rights;
	pde_t *space;
};

/* A call a thread is making, innermost first: a component in ring 0 calls
 * on from its caller's thread, so calls nest. Lives on the caller's kernel
 * stack for as long as the call does. */
struct call_frame {
	int svc;
	struct grant_rec grant;
	struct call_frame *outer;
	/* direct transport: where the reply goes, and whether it came (a
	 * handler may defer its answer) */
	struct msg *reply;
	int done;
};

/* The transport of a service: how a call reaches it and its reply comes
 * back. direct (mono/) runs the handler on the caller's stack; l4 (micro/)
 * is rendezvous IPC to a server, mach (micro/, IPC=mach) queued, copying
 * messages to ports. The server-side operations are NULL for
 * direct. */
struct transport {
	const char *name;
	/* SYS_CALL from ring 3: tf->ebx the service, tf->ecx the message. It
	 * begins with service_admit() (proc.h), the policy every transport
	 * shares. A kernel with one transport puts this straight into its
	 * dispatch table: the call path has no extra hop. */
	int32_t (*syscall)(struct trapframe *tf);
	/* call() from a component in ring 0: m and its grant in kernel memory. */
	int32_t (*call_kernel)(int svc, struct msg *m);
	/* SYS_CALLR from ring 3 (abi/syscall.h), or NULL: service_callr_slow
	 * then carries it as a kernel message through call_regs or call_kernel.
	 * A transport with a shortcut for messages in registers (l4's fast
	 * path) puts it here. */
	int32_t (*callr)(struct trapframe *tf);
	/* The call of a ring-3 caller whose message the kernel holds (SYS_CALLR),
	 * or NULL when call_kernel serves: a transport that charges a caller
	 * by its own state (mach's name space) needs to know it is not ring 0. */
	int32_t (*call_regs)(int svc, struct msg *m);
	/* Carries a call to a waiting server straight into it, without the
	 * scheduler (l4's fast path: kinfo's ipc_fastpath, ipc_fast counts
	 * those calls). */
	int switches_direct;
};

/* A system call a host adds at or above SYS_MAX (the server calls). */
struct host_call {
	int nr;
	int32_t (*fn)(struct trapframe *tf);
};

/* A host runs the components placed with it. Each hook may be NULL. */
struct host {
	const char *name; /* "kernel" or "server" */
	/* After init exists: start this host's components. */
	void (*start)(void);
	/* An IRQ line of component comp fired (masked and acknowledged at the
	 * PIC; its owner opens it again). */
	void (*irq)(int comp, int line);
	/* notify() from another component: bits are SVC_BIT()s of senders. */
	void (*notify)(int comp, uint32_t from);
	void (*tick)(struct trapframe *tf);
	/* A fault in ring 0; returns only if it was not this host's. */
	void (*kernel_fault)(struct trapframe *tf);
	/* A ring-3 process is about to die of a fault (its message printed). */
	void (*user_fault)(struct proc *p, struct trapframe *tf);
	void (*proc_exit)(struct proc *p);
	/* System calls at or above SYS_MAX (the server calls), installed in
	 * the kernel's dispatch table at boot as xv6 does; nr 0 ends it. */
	const struct host_call *calls;
	uint32_t (*restarts)(void);
	/* The thread serving svc right now, or NULL if none is (for the
	 * call-cycle check). */
	struct proc *(*holder)(int svc);
	/* A component's rights grew at run time (a PCI device was found). */
	void (*rights_changed)(int comp);
	/* Program p has just been marked killed (proc_kill): end a service
	 * call of this host's that it is blocked in, if it can end at once. */
	void (*proc_kill)(struct proc *p);
	/* SYS_INJECT (common/kern/inject.c): 0 if comp is running, with the
	 * linked address and size of its text and the range [lo, hi) that a
	 * wild store may hit; -ESRCH if it is not running now. */
	int (*inject_target)(int comp, uint32_t *text, uint32_t *size, uint32_t *lo,
			     uint32_t *hi);
	/* The kernel's address of the byte at linked address va of comp's
	 * text, to write the fault there; NULL if it is not mapped. */
	uint8_t *(*inject_byte)(int comp, uint32_t va);
};

extern const struct transport transport_direct, transport_l4, transport_mach;
/* The services the kernel answers itself in every placement (SVC_PROC,
 * common/kern/procsvc.c): a call runs at once, on the caller's stack. */
extern const struct transport transport_kernel;
void procsvc_init(void);
extern const struct host kernel_host, server_host;

/* The service table at run time. */
struct service {
	const struct svc_entry *entry; /* NULL: a host's own service (rs) */
	const struct transport *transport;
	int comp; /* index into svc_table and the hosts' state; -1 if no entry */
	/* In ring 0: the manifest's handler for it, found once at start. */
	void (*handle)(struct msg *m);
};
extern struct service services[SVC_MAX];

/* What a component has been granted so far: its table row, plus what
 * pci_find added. */
struct comp_grant {
	struct comp_rights r;
	struct comp_ports pci_ports[COMP_MAX_PCI * 6];
	struct comp_mmio pci_mmio[COMP_MAX_PCI * 6];
	int npci_ports, npci_mmio;
	struct pci_dev devs[COMP_MAX_PCI];
	int ndevs;
	uint32_t dma_used;
};
extern struct comp_grant comp_grants[MAX_COMPS];

/* common/kern/service.c */
void service_init(void);
void service_start(void);
/* A host binds a service of its own (micro's reincarnation server). */
void service_bind(int svc, const struct transport *t);
/* SYS_CALL of a kernel with several transports: picks the service's. */
int32_t service_syscall(struct trapframe *tf);
/* What the dispatch table holds for SYS_CALL. */
int32_t (*service_syscall_entry(void))(struct trapframe *tf);
/* SYS_CALLR (abi/syscall.h): the entry for the dispatch table (one
 * transport's callr where only one serves programs, else service_callr),
 * and the way every transport without a shortcut carries it. */
int32_t (*service_callr_entry(void))(struct trapframe *tf);
int32_t service_callr(struct trapframe *tf);
int32_t service_callr_slow(struct trapframe *tf);
/* SYS_CALLRs a fast path carried (kinfo's ipc_fast; 0 where there is none). */
extern uint32_t ipc_fast_calls;
/* Makes an IRQ line component comp's (a PCI device's, found at run time). */
int service_take_irq(int comp, int line);
/* The shared layer's hooks, passed to every host linked in. */
void hosts_tick(struct trapframe *tf);
void hosts_kernel_fault(struct trapframe *tf);
void hosts_user_fault(struct proc *p, struct trapframe *tf);
void hosts_proc_exit(struct proc *p);
void hosts_proc_kill(struct proc *p);
uint32_t hosts_restarts(void);
/* The component index serving svc, or -1. */
static inline int service_comp(int svc)
{
	return svc > 0 && svc < SVC_MAX ? services[svc].comp : -1;
}
int comp_by_name(const char *name);
/* call() of a ring-0 component: checks its rights and the cycle, then the
 * transport. */
int32_t service_call_from(int comp, int svc, struct msg *m);
int service_notify_from(int comp, int svc);
/* Whether a call from the current thread to svc would close a cycle of
 * threads that wait on each other. */
int service_would_cycle(int svc);
void service_irq(int line);
/* Copies between a grant and the callee's own memory (local_space NULL:
 * ring-0 memory), after checking rights and bounds. dir GRANT_READ copies
 * out of the lender, GRANT_WRITE into it. The one grant copy of every
 * pair of placements; inline, as it is on every request's data path. */
static inline int grant_copy(const struct grant_rec *g, uint32_t off, pde_t *local_space,
			     uint32_t local, uint32_t len, uint32_t dir)
{
	/* LAB 2: BEGIN
	 * The checks that make a grant a capability: the copy must go the
	 * way the lender allowed (dir is GRANT_READ or GRANT_WRITE, and in
	 * g->rights), else -EPERM; and [off, off + len) must lie inside the
	 * g->len bytes lent, else -EFAULT. Mind that off + len can wrap
	 * around 2^32.
	 */
	if ((dir != GRANT_READ && dir != GRANT_WRITE) || !(g->rights & dir))
		return -EPERM;
	if (off > g->len || len > g->len - off)
		return -EFAULT;
	/* LAB 2: END */
	if (dir == GRANT_WRITE)
		return space_copy(g->space, g->addr + off, local_space, local, len);
	return space_copy(local_space, local, g->space, g->addr + off, len);
}
/* Fault injection (common/kern/inject.c): an INJ_IFACE fault armed for
 * component comp corrupts the next message it sends or replies. The
 * transports call this on each such message. It is on every call's path,
 * so it tests one word, the mask of armed components (bit comp), and
 * looks further only when some fault is armed. */
struct iface_fault {
	uint32_t armed, word, mask;
};
extern struct iface_fault iface_faults[MAX_COMPS];
extern uint32_t iface_armed;
void inject_iface_fire(int comp, struct msg *m);
static inline int inject_iface_armed(int comp)
{
	return __builtin_expect(iface_armed != 0, 0) && comp >= 0 && comp < MAX_COMPS &&
	       iface_faults[comp].armed;
}
static inline void inject_iface(int comp, struct msg *m)
{
	if (inject_iface_armed(comp))
		inject_iface_fire(comp, m);
}
/* The rights checks both hosts use. */
int rights_port_range(int comp, int i, struct comp_ports *out); /* i-th granted range */
int rights_irq(int comp, int line);
int rights_mmio(int comp, uint32_t pa, uint32_t len);
int rights_dma_take(int comp, uint32_t bytes);
/* Logs a request a component made at run time that its row does not grant:
 * "rights: NAME asks for <fmt>, which its row of the table does not grant". */
void rights_refused(int comp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Logs what a manifest asks for beyond the table; returns how many. */
int rights_compare(int comp, const struct component *m);
/* pci_find for component comp: grants and enables the device. */
int pci_find_for(int comp, uint16_t vendor, uint16_t device, struct pci_dev *out);
/* Stops DMA of the component's devices (its memory is about to be freed). */
void pci_quiesce(int comp);
/* Gives a new process the rights its program's row names, if the image is
 * the one the system was built with (the ramdisk's copy). */
void rights_for_program(struct proc *p, const char *name, const void *image, uint32_t size);

/* A whole message, as the IPC paths copy it in and out: sixteen steps of
 * one string instruction. gcc, without its builtins here, would copy a
 * struct assignment a word per loop iteration, four instructions each. */
static inline void msg_copy(struct msg *dst, const struct msg *src)
{
#if defined(__i386__)
	uint32_t words = sizeof(*dst) / 4;
	__asm__ volatile("cld; rep movsl" : "+D"(dst), "+S"(src), "+c"(words) : : "memory");
#else
	*dst = *src;
#endif
}

/* Message types from MSG_SYS_FIRST up are the system's own. Anyone may
 * send MSG_PING; the deliberate faults need PRIV_FAULT; a notification is
 * made only by the kernel. One compare on the call path. */
static inline int msg_type_allowed(int32_t type, uint32_t privs)
{
	if ((uint32_t)(type - MSG_SYS_FIRST) > (uint32_t)(MSG_SYS_LAST - MSG_SYS_FIRST))
		return 1;
	return (privs & PRIV_FAULT) && type != MSG_NOTIFY;
}

#endif
