/* A first-fit heap with boundary tags and coalescing. Pure bookkeeping: it
 * asks a callback for more memory, so one source serves the user malloc
 * (sbrk) and the host tests. (The kernel keeps no heap.) */
#ifndef HEAP_H
#define HEAP_H

#include <stddef.h>
#include <stdint.h>

/* Must return `bytes` of new memory directly after the previous region it
 * returned (the heap grows upward like a break), or NULL if it cannot. The
 * first call's result becomes the heap's start. */
typedef void *(*heap_more_fn)(size_t bytes, void *ctx);

struct heap {
	heap_more_fn more;
	void *ctx;
	uint8_t *start, *end; /* the memory obtained so far */
	void *free_list;      /* private */
	size_t in_use;        /* bytes handed out, for statistics */
	size_t grow_unit;     /* minimum growth; default 16 KiB */
};

void heap_init(struct heap *h, heap_more_fn more, void *ctx);
/* 16-byte aligned; NULL when n is 0 or memory is exhausted. */
void *heap_alloc(struct heap *h, size_t n);
void *heap_calloc(struct heap *h, size_t count, size_t size); /* checks overflow */
/* As C11: NULL p allocates; n == 0 frees p and returns NULL; on failure
 * (or a p this heap did not hand out) returns NULL and leaves p alone. */
void *heap_realloc(struct heap *h, void *p, size_t n);
/* NULL is ignored. Returns 0, or -1 when p was not handed out by this heap
 * or is already free (detected by its header), so corruption is reported
 * rather than spread. */
int heap_free(struct heap *h, void *p);
/* Walks every block checking the tags; returns 0 if consistent. For tests
 * and for the kernel's debug command. */
int heap_check(const struct heap *h);

#endif
