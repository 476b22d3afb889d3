/* The server host's internals: servers, the per-thread IPC state, and the
 * interface of the servers' transport. The transport is chosen at build
 * time (IPC in config.mk): micro/l4.c or micro/mach.c defines every ipc_*
 * function below, and the Makefile links exactly one of them. */
#ifndef MICRO_H
#define MICRO_H

#include <stdint.h>

#include "abi/msg.h"
#include "component.h"
#include "proc.h"
#include "service.h"

/* One server: a component placed as a server (indexed like svc_table),
 * or the reincarnation server (RS_SLOT). Its rights are its table row;
 * what it keeps across restarts is its image, its queue and its counts
 * (and, in srv_calls.c, the memory it asked to keep: comp_keep). */
#define RS_SLOT  MAX_COMPS
#define NSERVERS (MAX_COMPS + 1)

struct server {
	struct proc *proc; /* the live instance, or NULL */
	int comp;          /* its table row (-1: the reincarnation server) */
	int bound;         /* it has registered once (at boot) */
	char name[16];
	const void *image; /* its ELF, a boot module, for restarts */
	uint32_t image_size;
	struct proc *queue_head, *queue_tail; /* callers not yet received */
	uint32_t busy_since;                  /* tick it took a request; 0: idle */
	uint32_t started_at;                  /* tick the live instance started */
	int retired;                          /* given up: its callers get an error */
	uint32_t timer_at;                    /* tick of its pending timer (0: none) */
	uint32_t next_map_va;                 /* where its next MMIO or DMA mapping goes */
};

/* Where a server's device mappings and DMA buffers go: above the heap's
 * limit (USER_HEAP_MAX), below the stack. */
#define SERVER_MAP_BASE 0x90000000u
#define SERVER_MAP_TOP  0xA0000000u

enum ipc_state { IPC_NONE, IPC_QUEUED, IPC_REPLY_WAIT };

/* The words of a MSG_NOTIFY (abi/msg.h), pending per server thread. */
enum { NOTE_IRQ, NOTE_FROM, NOTE_EVENT, NOTE_DEATH, NOTE_WORDS };

/* Per thread, indexed like procs[]. */
struct ipc {
	enum ipc_state state;
	struct msg msg;        /* the request, copied in at call time */
	uint32_t reply_umsg;   /* where the reply goes in the caller */
	struct msg *reply_kva; /* the same, resolved (NULL: use reply_umsg) */
	int32_t result;        /* the reply's type, or -EDEADSRCDST */
	struct proc *queue_next;
	/* A SYS_CALLR on the fast path (fastipc.c): the reply goes into the
	 * caller's saved registers, and the call's frame lives here, since
	 * the caller's kernel stack was given up. */
	int reply_regs;
	struct call_frame fast_frame;
	/* As a server: */
	struct server *srv; /* the server it is (NULL: none) */
	int receiving;      /* blocked in SYS_RECV */
	uint32_t recv_umsg;
	struct msg *recv_kva;     /* the same, resolved (NULL: use recv_umsg) */
	int registered;           /* this instance has said it is ready */
	struct proc *fast_client; /* the last caller fast_callr handed it (a hint) */
	uint32_t notes;           /* some note[] word is not 0 */
	uint32_t note[NOTE_WORDS];
	int irq_wait_line;       /* blocked in SYS_IRQ_WAIT on this line, or -1 */
} __attribute__((aligned(256))); /* ipc_of is a shift, not a multiply, on the IPC path */

extern struct server servers[NSERVERS];
extern uint32_t total_restarts;
extern int servers_unregistered; /* boot servers started but not yet registered */
extern struct ipc ipcs[NPROC];

static inline struct ipc *ipc_of(const struct proc *p)
{
	return &ipcs[p->slot];
}

/* The server of service svc, or NULL. */
static inline struct server *server_of_svc(int svc)
{
	int c = services[svc].comp;
	if (c >= 0)
		return &servers[c];
	return svc == SVC_RS ? &servers[RS_SLOT] : NULL;
}

/* The transport (l4.c or mach.c). */
extern const struct transport *const server_transport; /* SVC_RS is bound to it */
#define RECV_BLOCKED ((int32_t)0x80000000)
/* kva: umsg already resolved by the caller, or NULL. Returns the service of
 * the request received, 0 for a notification, -errno, or RECV_BLOCKED: the
 * server must block (the transport sets its result in tf->eax later). */
int32_t ipc_recv(struct proc *srv, uint32_t umsg, struct msg *kva);
/* *woken: a caller the transport left for srv_calls.c to run (NULL if it
 * woke it itself, or woke nobody). */
int32_t ipc_reply(struct proc *srv, int pid, const struct msg *r, struct proc **woken);
void ipc_notify(struct proc *srv, int word, uint32_t bits);
void ipc_server_died(struct proc *srv);
/* Makes a server that is blocked in the kernel die as soon as it runs. */
void ipc_kill(struct proc *p);
/* The host's proc_kill hook: ends a killed program's own call. */
void ipc_proc_kill(struct proc *p);
/* The server is given up: callers waiting for its next instance get an
 * error. */
void ipc_retire(struct server *s);
/* The caller pid's innermost call, if it waits on server s: what a grant
 * copy or a reply refers to; *caller (if not NULL) is set to the caller. */
struct call_frame *ipc_frame_of(int pid, const struct server *s, struct proc **caller);

/* Whether a call may go to server s now: 0, or -ENOENT / -EDEADSRCDST. At
 * boot a server may call another that has not registered yet (the file
 * system mounting through the disk driver): server_unreachable waits for
 * the boot servers, then decides (srv_life.c). */
int server_unreachable(struct server *s);
static inline int server_reachable(struct server *s)
{
	return s->bound && !s->retired ? 0 : server_unreachable(s);
}

/* srv_life.c: starting and losing servers. */
struct proc *server_start(struct server *s, const char *name, const void *image, uint32_t size,
			  int *err);
void server_grant_ports(struct proc *p);

/* srv_calls.c and rs_calls.c: the system calls of servers. */
int32_t srv_register(struct proc *p, uint32_t umanifest);

/* The calling thread, if it is a server that has registered; else NULL. */
static inline struct proc *registered_server(void)
{
	struct proc *p = current;
	return (p->flags & PROC_F_SERVER) && ipc_of(p)->registered ? p : NULL;
}
int32_t sys_rs_register(struct trapframe *tf);
int32_t sys_srv_info(struct trapframe *tf);
int32_t sys_srv_restart(struct trapframe *tf);
int32_t sys_srv_kill(struct trapframe *tf);
int32_t sys_srv_retire(struct trapframe *tf);

/* srv_inject.c: SYS_INJECT's view of a server's code. */
int micro_inject_target(int comp, uint32_t *text, uint32_t *size, uint32_t *lo, uint32_t *hi);
uint8_t *micro_inject_byte(int comp, uint32_t va);

/* Writes the servers' log lines held while the console server was busy
 * (srv_calls.c), if it is idle now or force is set. */
void klog_flush(int force);

#endif
