/* Memory and string functions of klib (declared in klib.h).
 *
 * Semantics are those of ISO C11 7.24 (and BSD strlcpy); the code is written
 * for clarity first. The only speed trick is copying and filling a machine
 * word at a time when the pointers allow it, because the kernel copies and
 * clears whole pages with these functions. */
#include "klib.h"

/* Word accesses to memory that the caller may type differently (a char
 * buffer, a struct): may_alias tells the compiler this is not a strict
 * aliasing violation (GCC manual, "Common Type Attributes"). */
typedef size_t __attribute__((may_alias)) word_t;

#define WORD            sizeof(word_t)
#define WORD_ALIGNED(p) (((uintptr_t)(p) & (WORD - 1)) == 0)

/* Older GCCs recognised byte loops like the ones below as "a memset" and
 * replaced them with a call to memset itself, recursing forever in a
 * freestanding kernel (GCC bug 56888, fixed in GCC 10). If an old compiler
 * must be used, build this file with -fno-tree-loop-distribute-patterns. */

void *memcpy(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

#if defined(__i386__)
	/* The string instructions move a word per step: on the IPC path every
	 * message is copied in and out, so this is where the time goes. (An
	 * architecture choice, not a kernel-flavour one; the host tests run
	 * the portable loop below.) */
	size_t words = n / 4, rest = n % 4;
	__asm__ volatile("cld; rep movsl" : "+D"(d), "+S"(s), "+c"(words) : : "memory");
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(s), "+c"(rest) : : "memory");
	return dst;
#endif
	if (WORD_ALIGNED(d) && WORD_ALIGNED(s)) {
		for (; n >= WORD; n -= WORD, d += WORD, s += WORD)
			*(word_t *)d = *(const word_t *)s;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	/* Copying forward is safe unless the destination starts inside the
	 * source; then the tail must be copied first. Comparing as integers
	 * avoids relational comparison of unrelated pointers (C11 6.5.8). */
	if ((uintptr_t)d <= (uintptr_t)s || (uintptr_t)d >= (uintptr_t)s + n)
		return memcpy(dst, src, n);
	d += n;
	s += n;
	while (n--)
		*--d = *--s;
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst;
	unsigned char b = (unsigned char)c;

#if defined(__i386__)
	uint32_t w = 0x01010101u * b;
	size_t words = n / 4, rest = n % 4;
	__asm__ volatile("cld; rep stosl" : "+D"(d), "+c"(words) : "a"(w) : "memory");
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(rest) : "a"(w) : "memory");
	return dst;
#endif

	if (WORD_ALIGNED(d) && n >= WORD) {
		/* (size_t)-1 / 0xff is 0x0101...01 whatever the word size. */
		word_t w = ((size_t)-1 / 0xff) * b;

		for (; n >= WORD; n -= WORD, d += WORD)
			*(word_t *)d = w;
	}
	while (n--)
		*d++ = b;
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++) {
		if (*x != *y)
			return *x - *y;
	}
	return 0;
}

size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return (size_t)(p - s);
}

size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

/* C11 7.24.4: the sign of a difference is that of the first differing
 * characters taken as unsigned char. */
int strcmp(const char *a, const char *b)
{
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;

	while (*x && *x == *y) {
		x++;
		y++;
	}
	return *x - *y;
}

int strncmp(const char *a, const char *b, size_t n)
{
	const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;

	for (; n; n--, x++, y++) {
		if (*x != *y || !*x)
			return *x - *y;
	}
	return 0;
}

char *strcpy(char *dst, const char *src)
{
	char *d = dst;

	while ((*d++ = *src++))
		;
	return dst;
}

/* Kept for compatibility; note it neither guarantees a terminator nor is
 * cheap (it pads the rest of dst with zeros, C11 7.24.2.4). Prefer strlcpy. */
char *strncpy(char *dst, const char *src, size_t n)
{
	size_t i = 0;

	for (; i < n && src[i]; i++)
		dst[i] = src[i];
	for (; i < n; i++)
		dst[i] = '\0';
	return dst;
}

/* Returning strlen(src) lets the caller detect truncation with one compare
 * (OpenBSD strlcpy(3)). */
size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t len = strlen(src);

	if (size) {
		size_t n = len < size - 1 ? len : size - 1;

		memcpy(dst, src, n);
		dst[n] = '\0';
	}
	return len;
}

/* The terminator counts as part of the string, so strchr(s, 0) finds it. */
char *strchr(const char *s, int c)
{
	char ch = (char)c;

	for (;; s++) {
		if (*s == ch)
			return (char *)s;
		if (!*s)
			return NULL;
	}
}

char *strrchr(const char *s, int c)
{
	char ch = (char)c;
	const char *last = NULL;

	for (;; s++) {
		if (*s == ch)
			last = s;
		if (!*s)
			return (char *)last;
	}
}
