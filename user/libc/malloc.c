/* malloc and friends: the shared first-fit heap (common/lib/heap.c) grown
 * by sbrk. The heap is set up on first use, so a program that never
 * allocates never moves its break. */
#include <heap.h>
#include <stdio.h>
#include <stdlib.h>

static struct heap user_heap;
static int user_heap_ready;

static void *grow_by_sbrk(size_t bytes, void *ctx)
{
	void *p;

	(void)ctx;
	if (bytes > (size_t)INTPTR_MAX)
		return NULL;
	p = sbrk((intptr_t)bytes);
	return ptr_err(p) ? NULL : p;
}

static struct heap *heap(void)
{
	if (!user_heap_ready) {
		heap_init(&user_heap, grow_by_sbrk, NULL);
		user_heap_ready = 1;
	}
	return &user_heap;
}

void *malloc(size_t n)
{
	return heap_alloc(heap(), n);
}

void *calloc(size_t count, size_t size)
{
	return heap_calloc(heap(), count, size);
}

void *realloc(void *p, size_t n)
{
	return heap_realloc(heap(), p, n);
}

int malloc_check(void)
{
	return heap_check(heap());
}

void free(void *p)
{
	/* A bad free means the heap or the program is already broken; stop
	 * here, where the culprit is still on the stack, not at a later
	 * allocation that trips over the damage. */
	if (heap_free(heap(), p) < 0) {
		dprintf(STDERR_FILENO, "free: %p was not allocated or is already free\n", p);
		abort();
	}
}
