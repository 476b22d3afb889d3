/* The system calls only servers make, on the micro kernel: the kernel side
 * of the component API. Shared by the core (the .c files of micro/) and the server
 * runtime (micro/runtime/). Numbers sit above the user ABI's SYS_MAX;
 * the mono kernel answers them with -ENOSYS. */
#ifndef MICRO_SERVER_ABI_H
#define MICRO_SERVER_ABI_H

#define SYS_SRV_REGISTER 20 /* (const struct component *) -> 0: bind to its service */
#define SYS_RECV 21         /* (struct msg *) -> 0: next request or notification */
#define SYS_REPLY 22        /* (int pid, const struct msg *) -> 0 or -ESRCH */
#define SYS_REPLY_RECV 23   /* (int pid, struct msg *) reply, then receive into it */
#define SYS_GRANT_COPY 24   /* (int pid, off, void *local, len, GRANT_READ|WRITE) */
#define SYS_IRQ_ACK 25      /* (int line) -> 0: open the line again */
#define SYS_IRQ_WAIT 26     /* (int line) -> 0 when it has fired */
#define SYS_MMIO_MAP 27     /* (uint32_t pa, uint32_t len) -> address in the server */
#define SYS_DMA_ALLOC 28    /* (uint32_t len, uint32_t *pa) -> address in the server */
#define SYS_KLOG 29         /* (const char *s, uint32_t len) -> 0: straight to the kernel log */
#define SYS_PID_ALIVE 30    /* (int pid) -> 1 if that process exists, else 0 */

/* A notification arrives as a message of this type; w[0] holds the bits
 * (bit n: IRQ line n fired). It needs no reply. */
#define MSG_NOTIFY 0x7f10

#endif
