/* File descriptors: a table per process from descriptor to what it names,
 * the console or a handle of the file service, and the calls that work on
 * any descriptor (read, write, close, lseek, ftruncate, fstat). The file
 * service knows only its handles; which number a program uses for one is
 * this table's business, so descriptors cost the kernel nothing. */
#include <files.h>
#include <stdio.h>
#include <string.h>
#include <ulib.h>

#include "console.h"
#include "fd.h"
#include "fsclient.h"

static int stdout_err;                /* the first failed write to descriptor 1 */
static char stdout_name[FS_PATH_MAX]; /* what it was redirected to; "" otherwise */

static struct fd_entry fd_table[OPEN_MAX] = {
	[STDIN_FILENO] = {.kind = FD_CONSOLE, .flags = O_RDWR},
	[STDOUT_FILENO] = {.kind = FD_CONSOLE, .flags = O_RDWR},
	[STDERR_FILENO] = {.kind = FD_CONSOLE, .flags = O_RDWR},
};

struct fd_entry *libc_fd_get(int fd)
{
	if (fd < 0 || fd >= OPEN_MAX || fd_table[fd].kind == FD_FREE)
		return NULL;
	return &fd_table[fd];
}

int libc_fd_lowest_free(void)
{
	for (int fd = 0; fd < OPEN_MAX; fd++)
		if (fd_table[fd].kind == FD_FREE)
			return fd;
	return -EMFILE;
}

void libc_fd_set_file(int fd, uint32_t handle, int flags)
{
	if (fd_table[fd].kind != FD_FREE)
		close(fd);
	fd_table[fd] = (struct fd_entry){.kind = FD_FILE, .flags = flags, .handle = handle};
	if (fd == STDOUT_FILENO) { /* a new output: its errors are its own */
		stdout_err = 0;
		stdout_name[0] = '\0';
	}
}

void libc_fd_set_socket(int fd, uint32_t sock)
{
	fd_table[fd] = (struct fd_entry){.kind = FD_SOCKET, .flags = O_RDWR, .handle = sock};
}

void libc_stdout_is(const char *path)
{
	strlcpy(stdout_name, path, sizeof(stdout_name));
}

int libc_stdout_report(void)
{
	if (!stdout_err)
		return 0;
	dprintf(STDERR_FILENO, "%s: write to %s: %s\n", libc_progname,
		stdout_name[0] ? stdout_name : "the standard output", strerror(stdout_err));
	stdout_err = 0;
	return 1;
}

void libc_fd_close_all(void)
{
	for (int fd = 0; fd < OPEN_MAX; fd++)
		if (fd_table[fd].kind == FD_FILE || fd_table[fd].kind == FD_SOCKET)
			close(fd);
}

/* Whether an entry was opened for reading, or for writing. */
static int can_read(const struct fd_entry *e)
{
	return (e->flags & O_ACCMODE) != O_WRONLY;
}

static int can_write(const struct fd_entry *e)
{
	return (e->flags & O_ACCMODE) != O_RDONLY;
}

int read(int fd, void *buf, size_t n)
{
	struct fd_entry *e = libc_fd_get(fd);
	struct msg m;

	if (!e || !can_read(e))
		return -EBADF;
	if (e->kind == FD_CONSOLE)
		return console_read(buf, n);
	if (e->kind == FD_SOCKET)
		return libc_sock_recv(e, buf, n, 0);
	if (n == 0) /* a zero-length grant means "no grant" */
		return 0;
	libc_fs_msg(&m, FS_READ, buf, n, GRANT_WRITE);
	m.w[0] = e->handle;
	return libc_fs_call(&m);
}

int write(int fd, const void *buf, size_t n)
{
	struct fd_entry *e = libc_fd_get(fd);
	struct msg m;
	int r;

	if (!e || !can_write(e))
		r = -EBADF;
	else if (e->kind == FD_CONSOLE)
		r = console_write(buf, n);
	else if (e->kind == FD_SOCKET)
		r = libc_sock_send(e, buf, n, 0);
	else if (n == 0)
		r = 0;
	else {
		libc_fs_msg(&m, FS_WRITE, buf, n, GRANT_READ);
		m.w[0] = e->handle;
		r = libc_fs_call(&m);
	}
	if (r < 0 && fd == STDOUT_FILENO && !stdout_err)
		stdout_err = r;
	return r;
}

int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n > 0) {
		int r = write(fd, p, n);

		if (r < 0)
			return r;
		if (r == 0)
			return -EIO; /* no progress: give up rather than spin */
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int close(int fd)
{
	struct fd_entry *e = libc_fd_get(fd);
	struct msg m;
	int r = 0;

	if (!e)
		return -EBADF;
	if (e->kind == FD_FILE) {
		libc_fs_msg(&m, FS_CLOSE, NULL, 0, 0);
		m.w[0] = e->handle;
		r = libc_fs_call(&m);
	} else if (e->kind == FD_SOCKET) {
		r = libc_sock_close(e);
	}
	/* The descriptor is free even if the service failed: it cannot be
	 * closed twice, and a dead service's handles are gone anyway. */
	e->kind = FD_FREE;
	return r < 0 ? r : 0;
}

int closedir(int fd)
{
	return close(fd);
}

int lseek(int fd, int32_t offset, int whence)
{
	struct fd_entry *e = libc_fd_get(fd);
	struct msg m;

	if (!e)
		return -EBADF;
	if (e->kind == FD_CONSOLE)
		return -ESPIPE;
	libc_fs_msg(&m, FS_SEEK, NULL, 0, 0);
	m.w[0] = e->handle;
	m.w[1] = (uint32_t)offset;
	m.w[2] = (uint32_t)whence;
	return libc_fs_call(&m);
}

int ftruncate(int fd, uint32_t length)
{
	struct fd_entry *e = libc_fd_get(fd);
	struct msg m;

	if (!e || e->kind != FD_FILE || !can_write(e))
		return e && e->kind == FD_CONSOLE ? -EINVAL : -EBADF;
	libc_fs_msg(&m, FS_TRUNCATE, NULL, 0, 0);
	m.w[0] = e->handle;
	m.w[1] = length;
	return libc_fs_call(&m);
}

int fstat(int fd, struct fs_stat *st)
{
	struct fd_entry *e = libc_fd_get(fd);
	struct msg m;
	int r;

	if (!e)
		return -EBADF;
	if (e->kind == FD_CONSOLE) {
		memset(st, 0, sizeof(*st));
		st->mode = S_IFCHR | 0620;
		st->nlink = 1;
		return 0;
	}
	libc_fs_msg(&m, FS_FSTAT, NULL, 0, 0);
	m.w[0] = e->handle;
	r = libc_fs_call(&m);
	if (r >= 0)
		memcpy(st, m.w, sizeof(*st));
	return r < 0 ? r : 0;
}

int readdir(int fd, struct fs_dirent *ent)
{
	struct fd_entry *e = libc_fd_get(fd);
	struct msg m;

	if (!e)
		return -EBADF;
	if (e->kind != FD_FILE)
		return -ENOTDIR;
	libc_fs_msg(&m, FS_READDIR, ent, sizeof(*ent), GRANT_WRITE);
	m.w[0] = e->handle;
	return libc_fs_call(&m);
}
