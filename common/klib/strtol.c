/* strtol, strtoul and atoi of klib (declared in klib.h), following
 * ISO C11 7.22.1.4: leading white space, an optional sign, an optional 0x
 * for base 16 (and base detection for base 0), then as many digits as
 * are valid. Out-of-range values saturate. There is no errno in klib, so a
 * caller that must tell overflow apart compares with the limits. */
#include "klib.h"

/* <limits.h> is not on klib's list of allowed headers; these are exact
 * for two's complement, which C23 and every target of ours mandate. */
#define KULONG_MAX ((unsigned long)-1)
#define KLONG_MAX  ((long)(KULONG_MAX >> 1))
#define KLONG_MIN  (-KLONG_MAX - 1)

static int is_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* The value of c as a digit in bases up to 36, or 36 if it is none. */
static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 36;
}

/* Parses the magnitude; *neg tells the sign and *ovf whether the
 * magnitude exceeded KULONG_MAX (then it is KULONG_MAX). */
static unsigned long parse(const char *s, char **end, int base, int *neg, int *ovf)
{
	const char *p = s;
	const char *digits;
	unsigned long v = 0;

	*neg = 0;
	*ovf = 0;
	if (base < 0 || base == 1 || base > 36) {
		if (end)
			*end = (char *)s;
		return 0;
	}
	while (is_space(*p))
		p++;
	if (*p == '+' || *p == '-')
		*neg = *p++ == '-';
	/* The prefix belongs to the number only if a hex digit follows it;
	 * otherwise "0x" parses as the number 0 followed by "x". */
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    digit_value(p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = p[0] == '0' ? 8 : 10;
	}
	digits = p;
	for (;; p++) {
		int d = digit_value(*p);

		if (d >= base)
			break;
		if (v > (KULONG_MAX - (unsigned long)d) / (unsigned long)base)
			*ovf = 1;
		else
			v = v * (unsigned long)base + (unsigned long)d;
	}
	if (end)
		*end = (char *)(p == digits ? s : p);
	if (p == digits)
		*neg = 0;
	return *ovf ? KULONG_MAX : v;
}

long strtol(const char *s, char **end, int base)
{
	int neg, ovf;
	unsigned long v = parse(s, end, base, &neg, &ovf);

	if (neg) {
		if (ovf || v > (unsigned long)KLONG_MAX + 1)
			return KLONG_MIN;
		/* Negating in unsigned and converting back avoids the overflow
		 * that -(long)v would have for KLONG_MIN. */
		return v == (unsigned long)KLONG_MAX + 1 ? KLONG_MIN : -(long)v;
	}
	return v > (unsigned long)KLONG_MAX ? KLONG_MAX : (long)v;
}

/* C11 says a minus sign negates the converted value in the unsigned
 * type, so strtoul("-1") is ULONG_MAX; saturation comes first. */
unsigned long strtoul(const char *s, char **end, int base)
{
	int neg, ovf;
	unsigned long v = parse(s, end, base, &neg, &ovf);

	if (ovf)
		return KULONG_MAX;
	return neg ? 0 - v : v;
}

int atoi(const char *s)
{
	return (int)strtol(s, NULL, 10);
}
