/* stdlib.h: the heap, the environment and ways to end a program. */
#ifndef STDLIB_H
#define STDLIB_H

#include <stddef.h>

#include <klib.h> /* strtol, strtoul, atoi */
#include <ulib.h> /* exit */

void *malloc(size_t n);
void free(void *p);
void *calloc(size_t count, size_t size);
void *realloc(void *p, size_t n);
/* Walks the whole heap checking its bookkeeping: 0 if consistent. For tests
 * and for hunting memory corruption. */
int malloc_check(void);

/* The value of the environment variable name, or NULL if it is not set. */
char *getenv(const char *name);

/* Ends the program with exit code 134 (128 + SIGABRT, as Unix shells show
 * it) after saying so on stderr. */
void abort(void) __attribute__((noreturn));

#endif
