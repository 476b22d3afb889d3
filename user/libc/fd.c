/* File descriptors: a small table from descriptor to the functions that
 * serve it. Only the console exists for now; files (SVC_FS) will add
 * entries here without changing read() and write(). */
#include <ulib.h>

#include "console.h"

struct fd_ops {
	int (*read)(void *buf, size_t n);
	int (*write)(const void *buf, size_t n);
};

static const struct fd_ops fd_table[] = {
	[STDIN_FILENO] = { .read = console_read },
	[STDOUT_FILENO] = { .write = console_write },
	[STDERR_FILENO] = { .write = console_write },
};

#define FD_COUNT ((int)(sizeof(fd_table) / sizeof(fd_table[0])))

int read(int fd, void *buf, size_t n)
{
	if (fd < 0 || fd >= FD_COUNT || !fd_table[fd].read)
		return -EBADF;
	return fd_table[fd].read(buf, n);
}

int write(int fd, const void *buf, size_t n)
{
	if (fd < 0 || fd >= FD_COUNT || !fd_table[fd].write)
		return -EBADF;
	return fd_table[fd].write(buf, n);
}
