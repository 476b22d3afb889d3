/* ulib.h: the system calls of the user ABI, one C function each.
 *
 * Error convention: a function that can fail returns a negative errno
 * (-ENOENT, -EFAULT, ... from abi/errno.h) instead of setting a global
 * errno, exactly as the kernel returns it. strerror() (string.h) turns the
 * code into a short message. Functions that return a pointer (sbrk) return
 * the error encoded as a pointer in the top 4095 bytes of the address space;
 * ptr_err() extracts it. */
#ifndef ULIB_H
#define ULIB_H

#include <stddef.h>
#include <stdint.h>

#include <abi/errno.h>
#include <abi/kinfo.h>
#include <abi/msg.h>
#include <abi/syscall.h>

/* Processes. */
void exit(int status) __attribute__((noreturn));
/* Waits for the child `pid`, or for any child when pid is -1; stores its
 * status (see WAIT_KILLED and WAIT_EXITCODE in abi/syscall.h) in *status
 * unless status is NULL. Returns the child's pid, or -ECHILD. */
int wait(int pid, int *status);
/* Starts the program at `path` with a NULL-terminated argv (argv[0] is by
 * convention the program's name). Returns the new pid. A relative path is
 * resolved against the working directory. The program is read from the
 * file system; if it cannot be opened there, the kernel's initial ramdisk
 * is asked for the same path. The child gets our environment with PWD set
 * to our working directory. */
int spawn(const char *path, const char *const argv[]);
/* The same with exactly the environment envp (NULL-terminated NAME=value
 * strings; NULL for none). */
int spawn_env(const char *path, const char *const argv[], const char *const envp[]);
/* The same with the environment spawn passes, plus the entries of extra
 * (NULL-terminated, or NULL), which replace inherited ones of the same
 * name: how the shell passes STDOUT=<path> and the like. */
int spawn_with_env(const char *path, const char *const argv[], const char *const extra[]);
/* The environment: NAME=value strings, NULL-terminated (see getenv). */
extern char **environ;
int getpid(void);
/* The parent's pid (SYS_GETPPID, lab 1). */
int getppid(void);
int yield(void);
int sleep_ms(unsigned ms);
/* Fills up to `max` entries; returns how many were filled. */
int ps(struct procinfo *buf, int max);
/* `what` is KINFO_KERNEL for now. */
int kinfo(int what, struct kinfo *out);
/* Stops process pid, a descendant of ours (abi/syscall.h, SYS_KILL): 0,
 * -EPERM (not ours to stop, or init, a server, a kernel thread) or
 * -ESRCH. Its parent's wait() then reports WAIT_STOPPED. */
int kill(int pid);
/* on = 1: what we start is in the foreground, so Ctrl-C at the console
 * stops our descendants, as our kill() could; on = 0: nothing is (only
 * the process that said 1 can say 0). 0 or -errno. */
int console_foreground(int on);
/* Stops the machine with exit code `code` (QEMU's exit status where the
 * kernel supports it). Returns only if the kernel refuses: -errno. */
int poweroff(int code);

/* Memory: moves the break by `increment` bytes and returns the old break. */
void *sbrk(intptr_t increment);

/* Time. */
unsigned uptime_ms(void);

/* Services: sends *m to `service` and waits; the reply replaces *m and its
 * type is returned (>= 0, or -errno). */
int svc_call(int service, struct msg *m);
/* The same for a request that fits in its type and three words and lends
 * nothing: they travel in registers (SYS_CALLR), and so does the reply,
 * whose w[0..2] replace w[]. Cheaper than svc_call where a kernel has a
 * fast path for it (micro); the same answers everywhere. */
int svc_callr(int service, int type, uint32_t w[3]);

/* File descriptors: 0 reads console lines, 1 and 2 write to the console,
 * unless the environment redirected them to files; others come from open()
 * (files.h). A read from the console returns at most one line. */
#define STDIN_FILENO 0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2

int read(int fd, void *buf, size_t n);
int write(int fd, const void *buf, size_t n);
/* Writes all n bytes, however many write() calls it takes: 0 or -errno. */
int write_all(int fd, const void *buf, size_t n);

/* The raw trap, for tests that must pass what the wrappers would not.
 * Unused arguments may be anything. */
int syscall(int number, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4, uint32_t a5);

/* The trap itself, inline, for hot paths (the micro server runtime's
 * receive loop) and for libc's own wrappers: abi/syscall.h's convention,
 * with "memory" because the kernel may read or write any buffer passed. */
static inline int syscall_trap(int number, uint32_t a1, uint32_t a2, uint32_t a3, uint32_t a4,
			       uint32_t a5)
{
	int result;

	asm volatile("int $0x80"
		     : "=a"(result)
		     : "a"(number), "b"(a1), "c"(a2), "d"(a3), "S"(a4), "D"(a5)
		     : "memory");
	return result;
}

/* 0 if p is a valid pointer result, else the -errno it encodes. */
static inline int ptr_err(const void *p)
{
	uintptr_t v = (uintptr_t)p;

	return v >= (uintptr_t)-4095 ? (int)v : 0;
}

#endif
