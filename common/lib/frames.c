/* Bitmap frame allocator (declared in frames.h).
 *
 * One bit per frame, 1 = in use. A bitmap is the simplest structure that
 * can also hand out physically contiguous, aligned runs (for DMA rings),
 * which a free list cannot do cheaply. Bits past nframes in the last word
 * are set at init and never cleared, so a whole-word test "all ones" is
 * also correct for the partial last word. */
#include "frames.h"

#define FULL 0xffffffffu

static int bit(const struct frames *f, uint32_t frame)
{
	return (f->bits[frame / 32] >> (frame % 32)) & 1;
}

static void set_bit(struct frames *f, uint32_t frame)
{
	f->bits[frame / 32] |= 1u << (frame % 32);
}

static void clear_bit(struct frames *f, uint32_t frame)
{
	f->bits[frame / 32] &= ~(1u << (frame % 32));
}

void frames_init(struct frames *f, uint32_t *bits, uint32_t nframes)
{
	uint32_t i, words = FRAMES_BITMAP_BYTES(nframes) / 4;

	f->bits = bits;
	f->nframes = nframes;
	f->nfree = 0;
	f->hint = 0;
	for (i = 0; i < words; i++)
		bits[i] = FULL;
}

/* The part of [first, first + count) below nframes, without overflow:
 * returns the clipped count. */
static uint32_t clip(const struct frames *f, uint32_t first, uint32_t count)
{
	if (first >= f->nframes)
		return 0;
	return count < f->nframes - first ? count : f->nframes - first;
}

void frames_free_range(struct frames *f, uint32_t first, uint32_t count)
{
	uint32_t i, n = clip(f, first, count);

	for (i = first; i < first + n; i++) {
		if (bit(f, i)) {
			clear_bit(f, i);
			f->nfree++;
		}
	}
	if (n && first / 32 < f->hint)
		f->hint = first / 32;
}

void frames_reserve_range(struct frames *f, uint32_t first, uint32_t count)
{
	uint32_t i, n = clip(f, first, count);

	/* The hint may now point at a full word; that is allowed (it only
	 * has to be at or below the first free frame). */
	for (i = first; i < first + n; i++) {
		if (!bit(f, i)) {
			set_bit(f, i);
			f->nfree--;
		}
	}
}

int32_t frames_alloc(struct frames *f)
{
	uint32_t w, words = FRAMES_BITMAP_BYTES(f->nframes) / 4;

	for (w = f->hint; w < words; w++) {
		uint32_t b = 0;

		if (f->bits[w] == FULL)
			continue;
		while ((f->bits[w] >> b) & 1)
			b++;
		/* Every word below w is full, so the hint may skip them. */
		f->hint = w;
		f->bits[w] |= 1u << b;
		f->nfree--;
		return (int32_t)(w * 32 + b);
	}
	f->hint = words;
	return -1;
}

int32_t frames_alloc_contig(struct frames *f, uint32_t count, uint32_t align)
{
	uint32_t start, i;

	if (align == 0)
		align = 1;
	if (count == 0 || (align & (align - 1)) || count > f->nfree)
		return -1;
	/* The hint bounds the first free frame, so no run starts below it. */
	start = (f->hint * 32 + align - 1) & ~(align - 1);
	if (start < f->hint * 32)
		return -1; /* rounding wrapped */
	while (start < f->nframes && count <= f->nframes - start) {
		for (i = 0; i < count && !bit(f, start + i); i++)
			;
		if (i == count) {
			for (i = 0; i < count; i++)
				set_bit(f, start + i);
			f->nfree -= count;
			return (int32_t)start;
		}
		/* Frame start + i is used: no run can begin at or before
		 * it, so jump to the next aligned frame past it. */
		i += start + 1;
		start = (i + align - 1) & ~(align - 1);
		if (start < i)
			return -1;
	}
	return -1;
}

int frames_free(struct frames *f, uint32_t frame)
{
	if (frame >= f->nframes || !bit(f, frame))
		return -1;
	clear_bit(f, frame);
	f->nfree++;
	if (frame / 32 < f->hint)
		f->hint = frame / 32;
	return 0;
}

int frames_is_used(const struct frames *f, uint32_t frame)
{
	/* Frames beyond the bitmap do not exist, so none can be handed out. */
	return frame >= f->nframes || bit(f, frame);
}
