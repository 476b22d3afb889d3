/* stdio.h: formatted output and line input on file descriptors: the
 * console, or files when the descriptors are redirected or opened.
 *
 * There is no FILE and no buffering between calls: each printf formats into
 * a small buffer and writes it with as few write requests as it can
 * (usually one), so output is never lost when a program dies. Formats are
 * those of klib's vcbprintf (klib.h). */
#ifndef STDIO_H
#define STDIO_H

#include <stdarg.h>
#include <stddef.h>

#include <klib.h> /* snprintf, vsnprintf */
#include <ulib.h> /* STDOUT_FILENO, STDERR_FILENO */

#define EOF (-1)

/* Return the number of bytes written, or -errno. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int dprintf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vprintf(const char *fmt, va_list ap);
int vdprintf(int fd, const char *fmt, va_list ap);
/* Writes s and a newline. */
int puts(const char *s);
/* Returns c as an unsigned char, or -errno. */
int putchar(int c);

/* Returns the next input byte as an unsigned char, or EOF at end of input
 * or on an error. */
int getchar(void);
/* Reads one line into buf (at most n-1 bytes, NUL-terminated), keeping the
 * '\n' like fgets. The rest of a line that does not fit is discarded, so
 * a truncated line is one that has no '\n' and n-1 bytes. Returns the number
 * of bytes stored: 0 only at end of input; or -errno. */
int readline(char *buf, size_t n);

#endif
