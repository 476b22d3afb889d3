/* A bitmap allocator of page frames. Pure bookkeeping, no hardware: the
 * kernel's physical memory manager (common/mm/pmm.c) feeds it from the
 * Multiboot memory map, and the host tests feed it invented maps. */
#ifndef FRAMES_H
#define FRAMES_H

#include <stdint.h>

struct frames {
	uint32_t *bits;   /* one bit per frame, 1 = in use; storage from the caller */
	uint32_t nframes; /* frames the bitmap covers */
	uint32_t nfree;   /* frames currently free */
	uint32_t hint;    /* a word index at or below the first free frame (speeds search) */
};

/* Size in bytes of the bitmap for nframes frames. */
#define FRAMES_BITMAP_BYTES(n) ((((n) + 31) / 32) * 4)

/* Starts with every frame in use; then free what the memory map offers. */
void frames_init(struct frames *f, uint32_t *bits, uint32_t nframes);
/* Marks [first, first+count) free or in use. Ranges past nframes are clipped.
 * Freeing an already free frame or reserving a used one leaves it as is and
 * keeps nfree exact. */
void frames_free_range(struct frames *f, uint32_t first, uint32_t count);
void frames_reserve_range(struct frames *f, uint32_t first, uint32_t count);
/* Returns a free frame number and marks it used, or -1 if none. */
int32_t frames_alloc(struct frames *f);
/* `count` consecutive free frames whose first is a multiple of `align`
 * (a power of two, in frames; 0 or 1 for none), marked used; -1 if none. */
int32_t frames_alloc_contig(struct frames *f, uint32_t count, uint32_t align);
/* Returns 0, or -1 for a frame out of range or already free (a double free
 * is a bug the caller should hear about). */
int frames_free(struct frames *f, uint32_t frame);
/* 1 for a used frame, and for one beyond nframes (it cannot be handed out). */
int frames_is_used(const struct frames *f, uint32_t frame);

#endif
