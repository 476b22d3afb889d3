/* The micro kernel's internals: services, their servers, and the IPC
 * state of every thread. */
#ifndef MICRO_H
#define MICRO_H

#include <stdint.h>

#include "abi/msg.h"
#include "component.h"

struct proc;
struct trapframe;

/* One registered service and the server that provides it. The manifest is
 * taken once, when the boot image first starts, and kept across restarts:
 * a restarted server gets exactly the rights the first one had. */
struct service {
	struct proc *server;       /* the live instance, or NULL */
	int bound;                 /* a boot server has claimed this service */
	struct component manifest; /* function pointers are meaningless here */
	char name[16];
	const void *image; /* its ELF, a boot module, for restarts */
	uint32_t image_size;
	struct proc *queue_head, *queue_tail; /* callers not yet received */
	uint32_t busy_since;                  /* tick the server took a request; 0: idle */
	uint32_t started_at;                  /* tick the live instance started */
	int retired;                          /* the reincarnation server gave up on it */
};

enum ipc_state { IPC_NONE, IPC_QUEUED, IPC_REPLY_WAIT };

/* Per thread, indexed like procs[]. */
struct ipc {
	enum ipc_state state;
	struct msg msg;        /* the request, copied in at call time */
	uint32_t reply_umsg;   /* where the reply goes in the caller */
	struct msg *reply_kva; /* the same, resolved (NULL: use reply_umsg) */
	int32_t result;        /* the reply's type, or -EDEADSRCDST */
	struct proc *queue_next;
	/* As a server: */
	int svc;       /* the service it serves (0: none) */
	int receiving; /* blocked in SYS_RECV */
	uint32_t recv_umsg;
	struct msg *recv_kva; /* the same, resolved (NULL: use recv_umsg) */
	uint32_t notify;      /* pending notification bits */
	int irq_wait_line;    /* blocked in SYS_IRQ_WAIT on this line, or -1 */
	uint32_t next_map_va; /* where the next MMIO or DMA mapping goes */
};

extern struct service services[SVC_MAX];
extern struct proc *rs_proc; /* the reincarnation server, once registered */
extern uint32_t rs_alarm;    /* tick of its pending alarm, or 0 */
extern uint32_t total_restarts;
extern int servers_unregistered; /* boot servers started but not yet registered */
struct ipc *ipc_of(const struct proc *p);

int32_t ipc_call(struct trapframe *tf);
int32_t ipc_recv(struct proc *srv, uint32_t umsg, struct msg *kva);
int32_t ipc_reply(struct proc *srv, int pid, const struct msg *r, struct proc **woken);
void ipc_notify(struct proc *srv, int line);
void ipc_server_died(struct proc *srv);
/* Makes a server that is blocked in the kernel die as soon as it runs. */
void ipc_kill(struct proc *p);

int32_t server_syscall(struct trapframe *tf);
/* Starts a server from its ELF image: a restart of service s, or a boot
 * server (s NULL) that will register itself. NULL and *err on failure. */
struct proc *server_start(struct service *s, const char *name, const void *image, uint32_t size,
			  int *err);

#endif
