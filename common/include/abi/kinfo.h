/* Process listing and kernel information for user programs (ps, uptime). */
#ifndef ABI_KINFO_H
#define ABI_KINFO_H

#include <stdint.h>

#define PROC_NAME_LEN 16

/* States as ps shows them. */
#define PSTATE_RUNNABLE 1
#define PSTATE_RUNNING  2
#define PSTATE_SLEEPING 3 /* sleep(), wait() or a service call */
#define PSTATE_ZOMBIE   4

struct procinfo {
	int32_t pid;
	int32_t ppid;
	int32_t state;    /* PSTATE_* */
	uint32_t mem_kib; /* user memory mapped */
	uint32_t ticks;   /* timer ticks spent running */
	uint32_t flags;   /* PROC_F_* */
	char name[PROC_NAME_LEN];
};

#define PROC_F_SERVER 1 /* a ring-3 server (micro) */
#define PROC_F_KERNEL 2 /* a kernel thread */

#define KINFO_KERNEL  1 /* struct kinfo */
#define KINFO_SERVICE 2 /* SYS_KINFO(KINFO_SERVICE, struct svcinfo *, svc) */

struct kinfo {
	char flavour[8];        /* the kernel: "mono", "micro" or "hybrid" */
	char ipc[8];            /* how servers are reached: "l4" (or none) */
	uint32_t hz;            /* timer ticks per second */
	uint32_t ticks;         /* ticks since boot */
	uint32_t mem_total_kib; /* physical memory managed */
	uint32_t mem_free_kib;
	uint32_t nprocs;
	uint32_t restarts; /* servers restarted by the reincarnation server */
	uint32_t privs;    /* the caller's PRIV_* (abi/msg.h) */
	uint64_t idle_tsc; /* rdtsc ticks the CPU spent halted, waiting for an interrupt */
	/* The leak check's figures (user/tests/t_leak.c, after xv6's
	 * countfree): free frames, and what the kernel holds in its
	 * multi-page buffers (kpages_alloc: it keeps no other heap). */
	uint32_t frames_free;
	uint32_t heap_used;   /* bytes in kpages buffers, rounded to pages */
	uint32_t heap_blocks; /* how many such buffers are live */
	uint32_t ipc_fast;     /* calls (SYS_CALL, SYS_CALLR) micro's fast path carried */
	uint32_t ipc_fastpath; /* 1: some service has that fast path (micro's l4) */
};

/* Where a service runs, so that a program (a test) can ask what it may
 * expect of it rather than which kernel it is on. */
#define SVCINFO_NONE   0 /* no such service in this system */
#define SVCINFO_KERNEL 1 /* its component is in ring 0: no isolation, a fault panics */
#define SVCINFO_SERVER 2 /* a ring-3 server: isolated, restarted when it fails */
#define SVCINFO_SYSTEM 3 /* the kernel's own (the reincarnation server) */

struct svcinfo {
	char name[16];     /* its component, or "" */
	int32_t placement; /* SVCINFO_* */
	int32_t pid;       /* the server's pid, or 0 */
};

#endif
