/* Formatted output. klib's vcbprintf produces the characters; we collect
 * them in a buffer on the stack and hand write() whole chunks, so a line
 * costs one service call (console or file) instead of one per character. */
#include <stdio.h>

#define OUT_CHUNK 256

struct out {
	int fd;
	int err; /* first write error, -errno */
	size_t len;
	char buf[OUT_CHUNK];
};

static void out_flush(struct out *o)
{
	if (o->len > 0 && o->err == 0)
		o->err = write_all(o->fd, o->buf, o->len);
	o->len = 0;
}

static void out_put(char c, void *ctx)
{
	struct out *o = ctx;

	if (o->len == sizeof(o->buf))
		out_flush(o);
	o->buf[o->len++] = c;
}

int vdprintf(int fd, const char *fmt, va_list ap)
{
	struct out o = { .fd = fd };
	int n = vcbprintf(out_put, &o, fmt, ap);

	out_flush(&o);
	return o.err < 0 ? o.err : n;
}

int dprintf(int fd, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vdprintf(fd, fmt, ap);
	va_end(ap);
	return n;
}

int vprintf(const char *fmt, va_list ap)
{
	return vdprintf(STDOUT_FILENO, fmt, ap);
}

int printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vdprintf(STDOUT_FILENO, fmt, ap);
	va_end(ap);
	return n;
}

int puts(const char *s)
{
	return printf("%s\n", s);
}

int putchar(int c)
{
	char ch = (char)c;
	int r = write(STDOUT_FILENO, &ch, 1);

	return r < 0 ? r : (unsigned char)ch;
}
