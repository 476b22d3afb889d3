/* The kernel heap: common/lib/heap.c over a physically contiguous arena
 * taken from the frame allocator at boot and reached through the direct
 * map, so kmalloc'd memory needs no page-table work. */
#include "heap.h"
#include "kernel.h"
#include "mm.h"

#define KHEAP_FRAMES 4096 /* 16 MiB: it also holds programs read from files */

static struct heap kheap;
static uint8_t *arena, *arena_brk, *arena_end;

static void *kheap_more(size_t bytes, void *ctx)
{
	(void)ctx;
	if (bytes > (size_t)(arena_end - arena_brk))
		return NULL;
	void *p = arena_brk;
	arena_brk += bytes;
	return p;
}

void kheap_init(void)
{
	uint32_t pa = pmm_alloc_contig(KHEAP_FRAMES, 1);
	if (!pa)
		panic("kheap: no memory for the kernel heap");
	arena = arena_brk = P2V(pa);
	arena_end = arena + KHEAP_FRAMES * PAGE_SIZE;
	heap_init(&kheap, kheap_more, NULL);
}

void *kmalloc(size_t n)
{
	return heap_alloc(&kheap, n);
}

void *kzalloc(size_t n)
{
	void *p = heap_alloc(&kheap, n);
	if (p)
		memset(p, 0, n);
	return p;
}

void kfree(void *p)
{
	if (heap_free(&kheap, p) < 0)
		panic("kfree: %p was not allocated by kmalloc", p);
}
