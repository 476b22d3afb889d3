/* klib: freestanding string and formatting functions.
 *
 * One source serves the kernel, the components, the user libc and the host
 * unit tests, so the same code is tested once and trusted everywhere. It
 * depends on nothing but the compiler's freestanding headers. */
#ifndef KLIB_H
#define KLIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strcpy(char *dst, const char *src);
char *strncpy(char *dst, const char *src, size_t n);
/* Copies at most size-1 bytes and always terminates; returns strlen(src). */
size_t strlcpy(char *dst, const char *src, size_t size);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
/* Parses an optionally signed number after leading white space, as C11
 * 7.22.1.4: base 0 detects 0x (hex) and 0 (octal), base 16 accepts 0x,
 * bases 2..36 are allowed. *end (if not NULL) points past the digits, or
 * to s when there were none. Out-of-range values saturate (no errno). */
long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
int atoi(const char *s);

/* The printf family. Supports %d %i %u %x %X %o %p %s %c %%, the flags
 * '-', '0', '+', ' ' and '#', a field width and a precision (also as '*'),
 * and the length modifiers l, ll (64-bit), h, hh, z, j and t, as in C11.
 * %p prints 0x and every hex digit of the pointer; %s of NULL prints
 * "(null)". snprintf returns the length the whole output would have. */
typedef void (*kputc_fn)(char c, void *ctx);
int vcbprintf(kputc_fn put, void *ctx, const char *fmt, va_list ap);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* 64-by-32 unsigned division (quotient returned, remainder in *rem if
 * not NULL) without libgcc's __udivdi3, which the kernel does not link. */
uint64_t udivmod64_32(uint64_t n, uint32_t d, uint32_t *rem);

#endif
