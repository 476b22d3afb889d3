/* System call numbers: the one user ABI of both kernels (design.md Rule 3).
 *
 * Convention: `int 0x80` with the number in eax and arguments in ebx, ecx,
 * edx, esi, edi. The result comes back in eax: >= 0 on success, -errno on
 * failure. All other registers are preserved.
 *
 * Most work is a message to a named service (SYS_CALL); the kernel answers
 * only the calls below that manage processes, time and memory itself. */
#ifndef ABI_SYSCALL_H
#define ABI_SYSCALL_H

#define SYS_EXIT     1  /* (int status) -> does not return */
#define SYS_WAIT     2  /* (int pid or -1, int *status) -> pid of the child reaped */
#define SYS_SPAWN    3  /* (path, argv[], envp[], image, image_size) -> pid; see below */
#define SYS_GETPID   4  /* () -> pid; also the null system call of the benchmarks */
#define SYS_YIELD    5  /* () -> 0 */
#define SYS_SLEEP    6  /* (unsigned ms) -> 0 */
#define SYS_SBRK     7  /* (int increment) -> previous break, or -ENOMEM */
#define SYS_UPTIME   8  /* () -> milliseconds since boot */
#define SYS_PS       9  /* (struct procinfo *buf, int max) -> number of entries */
#define SYS_CALL     10 /* (int service, struct msg *m) -> reply type; reply in *m */
#define SYS_POWEROFF 11 /* (int code) -> does not return */
#define SYS_KINFO    12 /* (int what, struct kinfo *out) -> 0; see abi/kinfo.h */
#define SYS_KILL     13 /* (int pid) -> 0; see below */
#define SYS_INJECT   14 /* (struct inject_req *) -> 0; PRIV_FAULT only: see abi/inject.h */
#define SYS_GETPPID  15 /* () -> the parent's pid (labs/lab1-syscall) */
#define SYS_CALLR    16 /* (int service, int type, w0, w1, w2) -> reply type; see below */
#define SYS_MAX      17

/* Size of the kernel's dispatch table: numbers at or above it are
 * unknown (-ENOSYS). Server-only calls of the micro kernel sit above SYS_MAX. */
#define SYSCALL_SLOTS 64

/* SYS_CALLR is SYS_CALL with the message in registers, for requests that
 * fit in three words and lend nothing (no grant): ebx the service, ecx the
 * request's type, edx, esi, edi its w[0], w[1], w[2]; every other field of
 * the message the service sees is 0. The reply comes back the same way:
 * eax its type, edx, esi, edi its w[0..2] (the rest of the reply is
 * dropped). When the kernel refuses or ends the call (-EPERM, -EDEADSRCDST,
 * ...), edx, esi and edi keep the request's words. ebx, ecx and ebp are
 * preserved. It exists because a message in memory costs the kernel a page
 * walk and two 64-byte copies per round trip: micro's fast path carries
 * such a call to a waiting server without either (docs/02b). */

/* SYS_SPAWN starts a program. With image == NULL the kernel finds path in
 * its initial ramdisk; otherwise image points to image_size bytes of ELF
 * in the caller's memory (libc reads programs from the file system and
 * passes them this way, so the kernel never calls the file service). argv
 * and envp are NULL-terminated; envp may be NULL. The new process starts
 * with esp pointing at argc, then argv, then envp.
 *
 * The largest argv plus envp a program can be spawned with, counted in
 * bytes of the strings with their terminators, and in entries of each. */
#define ARG_MAX_BYTES   4096
#define ARG_MAX_COUNT   32
#define SPAWN_IMAGE_MAX (4u << 20)

/* The status wait() reports: the exit code (0..255), or, for a process the
 * kernel killed because of a fault, 0x100 | the x86 exception vector. A
 * process stopped by SYS_KILL or by Ctrl-C at the console reports
 * WAIT_STOPPED (255 is no exception's vector). */
#define WAIT_KILLED      0x100
#define WAIT_STOPPED     (WAIT_KILLED | 0xff)
#define WAIT_EXITCODE(s) ((s)&0xff)

/* SYS_KILL stops a process: it ends where it next leaves the kernel (a
 * process blocked in sleep, wait or a service call is woken for it) and
 * its parent reaps it with status WAIT_STOPPED. A program may stop only
 * its own descendants (children, their children, ...): anything else is
 * -EPERM, and so are init, the servers and the kernel's threads, for
 * every caller (a server is stopped only through the deliberate faults,
 * which need PRIV_FAULT). -ESRCH: no such live process. */

#endif
