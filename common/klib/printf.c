/* The printf family of klib (declared in klib.h).
 *
 * One formatter, vcbprintf, hands each output character to a callback, so
 * the kernel console, the serial log and snprintf share it. Conversions
 * follow ISO C11 7.21.6.1 for the subset listed in klib.h, so the host
 * tests can compare the output with the C library's. Deliberate
 * differences: %p prints "0x" and all hex digits of a pointer (NULL is
 * 0x00000000 on i386), and an unknown conversion is printed as written. */
#include "klib.h"

/* The i386 has no instruction that divides 64 bits by 32 into a 64-bit
 * quotient, so GCC calls __udivdi3 from libgcc for a 64-bit '/', and the
 * kernel does not link libgcc. This is schoolbook long division, one bit
 * at a time, using only 32-bit operations. */
uint64_t udivmod64_32(uint64_t n, uint32_t d, uint32_t *rem)
{
	uint32_t hi = (uint32_t)(n >> 32), lo = (uint32_t)n;
	uint32_t qhi, qlo = 0, r;
	int i;

	if (d == 0) {
		/* No trap to raise here; a defined answer beats UB. */
		if (rem)
			*rem = 0;
		return 0;
	}
	qhi = hi / d;
	r = hi % d;
	for (i = 31; i >= 0; i--) {
		/* r < d <= 2^32 - 1, so 2r + 1 may need 33 bits: keep the 33rd. */
		uint32_t carry = r >> 31;

		r = (r << 1) | ((lo >> i) & 1);
		qlo <<= 1;
		if (carry || r >= d) {
			r -= d; /* wraps back below d when carry was set */
			qlo |= 1;
		}
	}
	if (rem)
		*rem = r;
	return ((uint64_t)qhi << 32) | qlo;
}

enum {
	F_LEFT = 1,   /* '-' */
	F_ZERO = 2,   /* '0' */
	F_PLUS = 4,   /* '+' */
	F_SPACE = 8,  /* ' ' */
	F_ALT = 16,   /* '#' */
	F_UPPER = 32, /* %X */
	F_PTR = 64,   /* %p: "0x" even for zero */
};

struct out {
	kputc_fn put;
	void *ctx;
	int count; /* characters produced, saturating at INT_MAX */
};

#define KINT_MAX ((int)(~0u >> 1))

static void emit(struct out *o, char c)
{
	o->put(c, o->ctx);
	if (o->count < KINT_MAX)
		o->count++;
}

static void emit_n(struct out *o, char c, int n)
{
	while (n-- > 0)
		emit(o, c);
}

/* A conversion is laid out as: [spaces] prefix [zeros] body [spaces], where
 * the zeros come from the precision or from the '0' flag. */
static void emit_field(struct out *o, const char *prefix, int plen, int zeros, const char *body,
		       int blen, int width, int flags)
{
	int pad = width - plen - zeros - blen;
	int i;

	if (pad < 0)
		pad = 0;
	if (!(flags & F_LEFT) && (flags & F_ZERO)) {
		zeros += pad;
		pad = 0;
	}
	if (!(flags & F_LEFT))
		emit_n(o, ' ', pad);
	for (i = 0; i < plen; i++)
		emit(o, prefix[i]);
	emit_n(o, '0', zeros);
	for (i = 0; i < blen; i++)
		emit(o, body[i]);
	if (flags & F_LEFT)
		emit_n(o, ' ', pad);
}

/* prec < 0 means no precision was given. */
static void emit_number(struct out *o, uint64_t v, int neg, unsigned base, int flags, int width,
			int prec)
{
	const char *digits = (flags & F_UPPER) ? "0123456789ABCDEF" : "0123456789abcdef";
	char buf[24]; /* 2^64 has 22 octal digits */
	char prefix[3];
	int len = 0, plen = 0, zeros;
	int nonzero = v != 0;

	/* Digits are produced backwards into the end of buf. */
	while (v) {
		uint32_t r;

		if (base == 10) {
			v = udivmod64_32(v, 10, &r);
		} else {
			r = (uint32_t)v & (base - 1);
			v >>= base == 16 ? 4 : 3;
		}
		buf[sizeof(buf) - 1 - len++] = digits[r];
	}
	/* C11: a zero with precision 0 produces no characters; otherwise zero
	 * is the digit "0". */
	if (!nonzero && prec != 0)
		buf[sizeof(buf) - 1 - len++] = '0';

	if (neg)
		prefix[plen++] = '-';
	else if (flags & F_PLUS)
		prefix[plen++] = '+';
	else if (flags & F_SPACE)
		prefix[plen++] = ' ';
	if (((flags & F_ALT) && base == 16 && nonzero) || (flags & F_PTR)) {
		prefix[plen++] = '0';
		prefix[plen++] = (flags & F_UPPER) ? 'X' : 'x';
	}

	zeros = prec > len ? prec - len : 0;
	/* '#' with %o: "the precision is increased to force the first digit
	 * of the result to be a zero". */
	if ((flags & F_ALT) && base == 8 && zeros == 0 &&
	    (len == 0 || buf[sizeof(buf) - len] != '0'))
		zeros = 1;
	/* With a precision, the '0' flag is ignored for integers. */
	if (prec >= 0)
		flags &= ~F_ZERO;
	emit_field(o, prefix, plen, zeros, buf + sizeof(buf) - len, len, width, flags);
}

/* Reads a decimal field, saturating rather than overflowing. */
static int read_decimal(const char **fmt)
{
	int v = 0;

	while (**fmt >= '0' && **fmt <= '9') {
		int d = *(*fmt)++ - '0';

		v = v > (KINT_MAX - d) / 10 ? KINT_MAX : v * 10 + d;
	}
	return v;
}

enum length { LEN_INT, LEN_CHAR, LEN_SHORT, LEN_LONG, LEN_LLONG, LEN_SIZE, LEN_MAX, LEN_PTRDIFF };

static enum length read_length(const char **fmt)
{
	switch (**fmt) {
	case 'h':
		if (*++*fmt != 'h')
			return LEN_SHORT;
		++*fmt;
		return LEN_CHAR;
	case 'l':
		if (*++*fmt != 'l')
			return LEN_LONG;
		++*fmt;
		return LEN_LLONG;
	case 'z':
		++*fmt;
		return LEN_SIZE;
	case 'j':
		++*fmt;
		return LEN_MAX;
	case 't':
		++*fmt;
		return LEN_PTRDIFF;
	default:
		return LEN_INT;
	}
}

/* Arguments narrower than int arrive promoted to int (C11 6.5.2.2), so
 * h and hh read an int and convert it back. va_list is passed by pointer
 * because C11 7.16 leaves a va_list used by a callee indeterminate. */
static int64_t signed_arg(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_CHAR:
		return (signed char)va_arg(*ap, int);
	case LEN_SHORT:
		return (short)va_arg(*ap, int);
	case LEN_LONG:
		return va_arg(*ap, long);
	case LEN_LLONG:
		return va_arg(*ap, long long);
	case LEN_MAX:
		return va_arg(*ap, intmax_t);
	/* size_t and ptrdiff_t have the same width on every target. */
	case LEN_SIZE:
	case LEN_PTRDIFF:
		return va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, int);
	}
}

static uint64_t unsigned_arg(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_CHAR:
		return (unsigned char)va_arg(*ap, unsigned int);
	case LEN_SHORT:
		return (unsigned short)va_arg(*ap, unsigned int);
	case LEN_LONG:
		return va_arg(*ap, unsigned long);
	case LEN_LLONG:
		return va_arg(*ap, unsigned long long);
	case LEN_MAX:
		return va_arg(*ap, uintmax_t);
	case LEN_SIZE:
	case LEN_PTRDIFF:
		return va_arg(*ap, size_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

static void emit_string(struct out *o, const char *s, int flags, int width, int prec)
{
	int len;

	if (!s)
		s = "(null)";
	/* strnlen: with a precision the array need not be terminated. */
	len = (int)strnlen(s, prec >= 0 ? (size_t)prec : (size_t)KINT_MAX);
	emit_field(o, "", 0, 0, s, len, width, flags & F_LEFT);
}

int vcbprintf(kputc_fn put, void *ctx, const char *fmt, va_list ap)
{
	struct out o = {put, ctx, 0};
	va_list args;

	/* Helpers take a va_list by pointer. Where va_list is an array type
	 * (x86-64), the parameter ap has decayed to a pointer and &ap has the
	 * wrong type; a local copy always has the right one. */
	va_copy(args, ap);
	while (*fmt) {
		const char *start = fmt;
		int flags = 0, width = 0, prec = -1;
		enum length len;
		char c;

		if (*fmt != '%') {
			emit(&o, *fmt++);
			continue;
		}
		fmt++;
		for (;; fmt++) {
			if (*fmt == '-')
				flags |= F_LEFT;
			else if (*fmt == '0')
				flags |= F_ZERO;
			else if (*fmt == '+')
				flags |= F_PLUS;
			else if (*fmt == ' ')
				flags |= F_SPACE;
			else if (*fmt == '#')
				flags |= F_ALT;
			else
				break;
		}
		if (*fmt == '*') {
			fmt++;
			width = va_arg(args, int);
			/* "A negative field width argument is taken as a '-'
			 * flag followed by a positive field width." */
			if (width < 0) {
				flags |= F_LEFT;
				width = width == -KINT_MAX - 1 ? KINT_MAX : -width;
			}
		} else {
			width = read_decimal(&fmt);
		}
		if (*fmt == '.') {
			fmt++;
			if (*fmt == '*') {
				fmt++;
				prec = va_arg(args, int);
				if (prec < 0) /* "taken as if the precision were omitted" */
					prec = -1;
			} else {
				prec = read_decimal(&fmt);
			}
		}
		len = read_length(&fmt);
		c = *fmt;
		if (c)
			fmt++;
		switch (c) {
		case 'd':
		case 'i': {
			int64_t v = signed_arg(&args, len);

			/* Negate in unsigned arithmetic so INT64_MIN works. */
			emit_number(&o, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, v < 0, 10, flags,
				    width, prec);
			break;
		}
		case 'u':
			emit_number(&o, unsigned_arg(&args, len), 0, 10,
				    flags & ~(F_PLUS | F_SPACE), width, prec);
			break;
		case 'X':
			flags |= F_UPPER;
			/* fall through */
		case 'x':
			emit_number(&o, unsigned_arg(&args, len), 0, 16,
				    flags & ~(F_PLUS | F_SPACE), width, prec);
			break;
		case 'o':
			emit_number(&o, unsigned_arg(&args, len), 0, 8, flags & ~(F_PLUS | F_SPACE),
				    width, prec);
			break;
		case 'p': {
			uintptr_t v = (uintptr_t)va_arg(args, void *);

			/* All digits of the pointer width, so kernel addresses
			 * line up in a table of them. */
			emit_number(&o, v, 0, 16, F_PTR | (flags & F_LEFT), width,
				    (int)sizeof(void *) * 2);
			break;
		}
		case 'c': {
			char ch = (char)va_arg(args, int);

			emit_field(&o, "", 0, 0, &ch, 1, width, flags & F_LEFT);
			break;
		}
		case 's':
			emit_string(&o, va_arg(args, const char *), flags, width, prec);
			break;
		case '%':
			emit(&o, '%');
			break;
		default:
			/* Unknown or truncated: show the directive as written so
			 * the mistake is visible in the output. */
			while (start < fmt)
				emit(&o, *start++);
			break;
		}
	}
	va_end(args);
	return o.count;
}

struct sbuf {
	char *buf;
	size_t size; /* including the terminator */
	size_t pos;
};

static void sbuf_put(char c, void *ctx)
{
	struct sbuf *b = ctx;

	/* Keep the last byte for the terminator; count the rest anyway so
	 * the caller learns the length it would have needed (C11 7.21.6.5). */
	if (b->pos + 1 < b->size)
		b->buf[b->pos] = c;
	b->pos++;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct sbuf b = {buf, size, 0};
	int n = vcbprintf(sbuf_put, &b, fmt, ap);

	if (size)
		buf[b.pos < size ? b.pos : size - 1] = '\0';
	return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
