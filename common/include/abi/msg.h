/* The message: the unit of every service request, in both kernels.
 *
 * A message is fixed size and passed by value (design.md "The component API").
 * Bulk data never travels inside it: a message may carry one grant, a window of
 * the caller's memory that the callee may copy into or out of. No raw pointer
 * crosses from one address space to another. */
#ifndef ABI_MSG_H
#define ABI_MSG_H

#include <stdint.h>

#define MSG_WORDS 11

/* Rights of a grant, from the callee's point of view. */
#define GRANT_READ  1 /* callee may copy out of the caller's buffer */
#define GRANT_WRITE 2 /* callee may copy into the caller's buffer */

struct grant {
	uint32_t addr;   /* caller's virtual address */
	uint32_t len;    /* bytes; 0 means no grant */
	uint32_t rights; /* GRANT_READ | GRANT_WRITE */
};

struct msg {
	int32_t type;    /* request: operation; reply: result (>= 0) or -errno */
	uint32_t sender; /* set by the kernel on delivery: the caller's pid */
	uint32_t w[MSG_WORDS];
	struct grant grant;
};

_Static_assert(sizeof(struct msg) == 64, "a message is 64 bytes");

/* Well-known services. A process may call a service only if it holds the
 * capability for it; user programs get the public ones (SVC_PUBLIC_MASK). */
#define SVC_CONSOLE 1 /* console: serial, VGA text, PS/2 keyboard */
#define SVC_NULL    2 /* answers every request at once; for benchmarks */
#define SVC_FS      3 /* files: the ext2 file service */
#define SVC_NET     4 /* the network stack: sockets (abi/net.h) */
#define SVC_ATA     5 /* disk driver (private) */
#define SVC_RS      6 /* reincarnation server (micro) / fault control */
#define SVC_NULL2   7 /* null's second service: tests of several services, notify, cycles */
#define SVC_ETH     8 /* Ethernet driver (private: the network stack's) */
#define SVC_PROC    9 /* the kernel's process service (private: the console's ^C) */
#define SVC_EVIL    10 /* the malicious-driver demo (private: the instructor's tool's) */
#define SVC_RTC     11 /* real-time clock (private: the fs's, and date's; abi/rtc.h) */
#define SVC_MAX     16

#define SVC_BIT(s) (1u << (s))
#define SVC_PUBLIC_MASK                                                                            \
	(SVC_BIT(SVC_CONSOLE) | SVC_BIT(SVC_NULL) | SVC_BIT(SVC_FS) | SVC_BIT(SVC_NET) |           \
	 SVC_BIT(SVC_RS) | SVC_BIT(SVC_NULL2))

/* Requests every component understands (handled by the component runtime).
 * Types from MSG_SYS_FIRST to MSG_SYS_LAST are the system's: a program may
 * send them only if it holds PRIV_FAULT (the deliberate faults of the
 * labs), and MSG_NOTIFY only the kernel makes. */
#define MSG_PING      0x7f00 /* reply 0 at once: heartbeats and the null round trip */
#define MSG_SYS_FIRST 0x7f01
#define MSG_CRASH     0x7f01 /* w[0] = CRASH_*: inject a fault inside the component */
#define MSG_NOTIFY    0x7f10 /* to a server: w[0] IRQ lines, w[1] notifiers, w[2] NOTIFY_* */
#define MSG_SYS_LAST  0x7fff

/* Privileges a program may hold beyond its services (common/system.conf). */
#define PRIV_FAULT 0x1 /* deliberate faults: MSG_CRASH, fault injection, null's misbehaviour */

/* Kernel events in w[2] of a MSG_NOTIFY. */
#define NOTIFY_TIMER 0x1 /* the timer of timer_set() (for rs: its alarm) */

#define CRASH_NULL 1 /* dereference NULL */
#define CRASH_LOOP 2 /* spin forever */

/* Console requests. */
#define CON_WRITE 1 /* grant READ: bytes to print -> bytes written */
#define CON_READ  2 /* grant WRITE: room for a line -> bytes read (cooked, echoes) */
/* w[0] = 1: what the caller starts is in the foreground from now on, so
 * Ctrl-C stops the caller's descendants (children, theirs, ...), through
 * SVC_PROC, as the caller's own kill() could; w[0] = 0: nothing is. -> 0.
 * A shell says 1 before it spawns (so no ^C can come before the console
 * knows) and 0 after its wait. */
#define CON_FG 3

/* Process service requests (SVC_PROC, answered by the kernel itself).
 * PROC_INTR: w[0] a pid -> how many of its descendants were stopped (0:
 * none), or -ESRCH if it is gone. The caller names the pid, so this
 * service is granted to the console alone (common/system.conf). */
#define PROC_INTR 1

/* Reincarnation server requests (micro only; mono has no servers to
 * restart and answers -ENOENT). */
#define RS_RESTARTS 1 /* -> total restarts; w[s] = restarts of service s (s < MSG_WORDS) */

/* Null service requests (the benchmarks use MSG_PING). The others are for
 * the isolation tests and answer differently by placement: misbehaviour,
 * so system types that need PRIV_FAULT. */
#define NULL_ECHO       1      /* -> w[0] (+1 on SVC_NULL2: which service answered) */
#define NULL_TIMER      2      /* w[0] ms: answers when timer_set(w[0]) fires -> ms waited */
#define NULL_NOTIFY     3      /* notify(SVC_NULL2) -> 0; null counts what it receives */
#define NULL_NOTIFIED   4      /* -> notifications received so far */
#define NULL_CALL       5      /* call(w[0], MSG_PING) from inside null -> its result */
#define NULL_COUNT      6      /* -> SVC_NULL requests null answered, this one included */
#define NULL_MIX        7      /* -> w[0]+w[1]+w[2], w[] rotated (w[2],w[0],w[1]); -EINVAL if
				* any other word or the grant is not 0 (SYS_CALLR's test) */
#define NULL_TOUCH_PORT 0x7f20 /* reads a port outside the manifest */
#define NULL_PEEK_RAW   0x7f21 /* reads *(int32_t *)w[0] inside the component */
#define NULL_PEEK_GRANT 0x7f22 /* grant_read from pid w[0], which is not calling */
/* Lab 2's probe of the grant copy: w[0] GRANT_READ or _WRITE, w[1] offset, w[2] length
 * (null.c). A system type: the fuzzer must not get a writer into its own memory. */
#define NULL_GRANT 0x7f23

/* Requests of the malicious-driver demo (drivers/evil): each wakes it to
 * attack, so each is a system type that needs PRIV_FAULT, and the service
 * itself is private (only the instructor's tool, user/bin/evil.c, holds
 * it). The results come back in the reply's words; stolen bytes go into
 * the caller's grant. */
#define EVIL_LEND    0x7f30 /* keeps this request's grant, for EVIL_API's stale-grant try */
#define EVIL_API     0x7f31 /* w[0] a pid that is not calling: the refusals, w[EVIL_*] */
#define EVIL_PORTS   0x7f32 /* w[1..4] a name in /: reads it by PIO -> bytes, w[0] sector */
#define EVIL_PEEK    0x7f33 /* scans RAM for the marker in w[1..4] -> bytes, w[0] physical */
#define EVIL_NAME_AT 1      /* a name starts at w[1]: 16 bytes, NUL-padded */
/* Where EVIL_API's results are, one word each (a result or -errno). */
#define EVIL_ATA    0 /* call(SVC_ATA, ATA_READ of sector 0) */
#define EVIL_FORGED 1 /* grant_read naming pid w[0] as the caller */
#define EVIL_STALE  2 /* grant_read of EVIL_LEND's grant, after its reply */
#define EVIL_SCREEN 3 /* mmio_map of the console's screen (0: refused) */
#define EVIL_LOWMEM 4 /* mmio_map of RAM from 1 MiB, where the kernel and its caches are */
#define EVIL_DMA    5 /* dma_alloc beyond its row's budget (0: refused) */
#define EVIL_PCI    6 /* pci_find of the IDE controller */
#define EVIL_NAPI   7

#endif
