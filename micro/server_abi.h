/* The system calls only servers make, on the micro kernel: the kernel side
 * of the component API. Shared by the core (the .c files of micro/) and the server
 * runtime (micro/runtime/). Numbers sit above the user ABI's SYS_MAX;
 * the mono kernel answers them with -ENOSYS. */
#ifndef MICRO_SERVER_ABI_H
#define MICRO_SERVER_ABI_H

#include <stdint.h>

#define SYS_SRV_REGISTER 20 /* (const struct component *) -> 0: bind to its service */
#define SYS_RECV         21 /* (struct msg *) -> 0: next request or notification */
#define SYS_REPLY        22 /* (int pid, const struct msg *) -> 0 or -ESRCH */
#define SYS_REPLY_RECV   23 /* (int pid, struct msg *) reply, then receive into it */
#define SYS_GRANT_COPY   24 /* (int pid, off, void *local, len, GRANT_READ|WRITE) */
#define SYS_IRQ_ACK      25 /* (int line) -> 0: open the line again */
#define SYS_IRQ_WAIT     26 /* (int line) -> 0 when it has fired */
#define SYS_MMIO_MAP     27 /* (uint32_t pa, uint32_t len) -> address in the server */
#define SYS_DMA_ALLOC    28 /* (uint32_t len, uint32_t *pa) -> address in the server */
#define SYS_KLOG         29 /* (const char *s, uint32_t len) -> 0: straight to the kernel log */
#define SYS_PID_ALIVE    30 /* (int pid) -> 1 if that process exists, else 0 */

/* Only the reincarnation server (the boot module srv:rs) makes these. */
#define SYS_RS_REGISTER 31 /* () -> 0: I am the reincarnation server; serve SVC_RS */
#define SYS_SRV_INFO    32 /* (int svc, struct srv_info *) -> 0, or -ENOENT */
#define SYS_SRV_RESTART 33 /* (int svc) -> pid of a new instance from its boot image */
#define SYS_SRV_KILL    34 /* (int svc) -> 0: the server dies at once */
#define SYS_ALARM       35 /* (unsigned ms) -> 0: notification bit NOTIFY_ALARM later */
#define SYS_SRV_RETIRE  36 /* (int svc) -> 0: give up on it; its callers get an error */

/* Notification bits beyond the 16 IRQ lines. */
#define NOTIFY_DEATH(svc) (16 + (svc)) /* to RS: that service's server died */
#define NOTIFY_ALARM      31           /* to RS: its alarm went off */

struct srv_info {
	int32_t pid;        /* the live instance, or 0 */
	int32_t bound;      /* the service has been registered by a boot server */
	uint32_t busy_ms;   /* how long it has held its current request (0: waiting) */
	int32_t waiting_on; /* the service it is itself calling, or 0 */
	uint32_t started_ms;
	char name[16];
};

/* A notification arrives as a message of this type; w[0] holds the bits
 * (bit n: IRQ line n fired). It needs no reply. */
#define MSG_NOTIFY 0x7f10

#endif
