/* The system calls only servers make: the kernel side of the component API
 * for a component placed as a server. Shared by the server host (the .c
 * files of micro/), the server runtime (micro/runtime/) and the
 * reincarnation server. Numbers sit above the user ABI's SYS_MAX; a kernel
 * without servers answers them with -ENOSYS. */
#ifndef MICRO_SERVER_ABI_H
#define MICRO_SERVER_ABI_H

#include <stdint.h>

#define SYS_SRV_BASE     20
#define SYS_SRV_REGISTER 20 /* (const struct component *) -> 0: I am the server of my row */
#define SYS_RECV         21 /* (struct msg *) -> service the request is for, 0: a MSG_NOTIFY */
#define SYS_REPLY        22 /* (int pid, const struct msg *) -> 0 or -ESRCH */
#define SYS_REPLY_RECV   23 /* (int pid, struct msg *) reply, then receive into it */
#define SYS_GRANT_COPY   24 /* (int pid, off, void *local, len, GRANT_READ|WRITE) */
#define SYS_IRQ_ACK      25 /* (int line) -> 0: open the line again */
#define SYS_IRQ_WAIT     26 /* (int line, unsigned timeout_ms) -> 0 or -ETIMEDOUT */
#define SYS_MMIO_MAP     27 /* (uint32_t pa, uint32_t len) -> address in the server */
#define SYS_DMA_ALLOC    28 /* (uint32_t len, uint32_t *pa) -> address in the server */
#define SYS_KLOG         29 /* (const char *s, uint32_t len) -> 0: straight to the kernel log */
#define SYS_PID_ALIVE    30 /* (int pid) -> 1 if that process exists, else 0 */
#define SYS_TIMER_SET    31 /* (unsigned ms) -> 0: NOTIFY_TIMER in w[2] of a MSG_NOTIFY later */
#define SYS_NOTIFY       32 /* (int svc) -> 0: that service's component is notified */
#define SYS_PCI_FIND     33 /* (vendor, device, struct pci_dev *) -> 0, -ENODEV, -EPERM */
#define SYS_KEEP         34 /* (uint32_t len) -> address of the row's kept memory */

/* Only the reincarnation server (the boot module srv:rs) makes these. */
#define SYS_RS_REGISTER 40 /* () -> 0: I am the reincarnation server; serve SVC_RS */
#define SYS_SRV_INFO    41 /* (int svc, struct srv_info *) -> 0, or -ENOENT */
#define SYS_SRV_RESTART 42 /* (int svc) -> pid of a new instance from its boot image */
#define SYS_SRV_KILL    43 /* (int svc) -> 0: the server dies at once */
#define SYS_SRV_RETIRE  44 /* (int svc) -> 0: give up on it; its callers get an error */
#define SYS_SRV_LAST    44

/* A MSG_NOTIFY to the reincarnation server carries in w[3] the SVC_BIT()
 * of each service whose server died, and NOTIFY_TIMER in w[2] when its
 * timer (SYS_TIMER_SET) went off. */

struct srv_info {
	int32_t pid;        /* the live instance, or 0 */
	int32_t bound;      /* the service has been registered by a boot server */
	uint32_t busy_ms;   /* how long it has held its current request (0: waiting) */
	int32_t waiting_on; /* the service it is itself calling, or 0 */
	uint32_t started_ms;
	int32_t device_wait; /* 1: blocked in irq_wait, waiting for its device */
	char name[16];
};

#endif
