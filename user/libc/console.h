/* The client side of the console service (SVC_CONSOLE), private to libc:
 * the fd layer uses it for descriptors 0, 1 and 2. */
#ifndef LIBC_CONSOLE_H
#define LIBC_CONSOLE_H

#include <stddef.h>

/* Return the byte count, or -errno. */
int console_write(const void *buf, size_t n);
int console_read(void *buf, size_t n);

#endif
