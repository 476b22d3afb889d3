/* The descriptor table, private to libc: what each descriptor is. fd.c
 * owns it; open.c, dir.c and start.c fill entries. */
#ifndef LIBC_FD_H
#define LIBC_FD_H

#include <files.h>

enum fd_kind {
	FD_FREE = 0,
	FD_CONSOLE, /* reads lines from, and writes to, the console service */
	FD_FILE,    /* a handle of the file service: a file or a directory */
	FD_SOCKET,  /* a socket of the network service */
};

struct fd_entry {
	enum fd_kind kind;
	int flags;       /* the O_* flags it was opened with */
	uint32_t handle; /* FD_FILE: the file service's handle; FD_SOCKET: the socket */
	uint32_t timeout_ms; /* FD_SOCKET: how long a receive waits (0: for ever) */
};

/* The entry of an open descriptor, or NULL (the caller answers -EBADF). */
struct fd_entry *libc_fd_get(int fd);
/* The lowest free descriptor, or -EMFILE. */
int libc_fd_lowest_free(void);
/* Makes fd (which the caller checked is in range) a file service handle,
 * closing what it was before. */
void libc_fd_set_file(int fd, uint32_t handle, int flags);
/* Makes the free descriptor fd a socket of the network service. */
void libc_fd_set_socket(int fd, uint32_t sock);
/* Closes every file service handle and socket: exit() calls it, so that
 * the services learn at once that they are free. */
void libc_fd_close_all(void);
/* socket.c: recv, send and close of a socket descriptor. */
int libc_sock_recv(struct fd_entry *e, void *buf, size_t n, int flags);
int libc_sock_send(struct fd_entry *e, const void *buf, size_t n, int flags);
int libc_sock_close(struct fd_entry *e);

/* The standard output's write errors. A program rarely checks what printf
 * returns, and a redirected one cannot tell its output from its input, so
 * libc keeps the first error a write to descriptor 1 met and exit()
 * reports it, naming the output: "prog: write to /file: no space left"
 * (as coreutils' close_stdout does). libc_stdout_is names the file it was
 * redirected to (start.c); libc_stdout_report prints the message if there
 * was an error and returns 1, else 0. */
void libc_stdout_is(const char *path);
int libc_stdout_report(void);
/* argv[0], or "?" (start.c). */
extern const char *libc_progname;

#endif
