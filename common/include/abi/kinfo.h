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

#define KINFO_KERNEL 1 /* struct kinfo */

struct kinfo {
	char flavour[8];        /* "mono" or "micro" */
	uint32_t hz;            /* timer ticks per second */
	uint32_t ticks;         /* ticks since boot */
	uint32_t mem_total_kib; /* physical memory managed */
	uint32_t mem_free_kib;
	uint32_t nprocs;
	uint32_t restarts; /* servers restarted by the reincarnation server */
};

#endif
