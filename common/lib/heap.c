/* First-fit heap with boundary tags (declared in heap.h).
 *
 * The classic design of Knuth (TAOCP vol. 1, 2.5, "boundary tag method")
 * with the refinement of Bryant and O'Hallaron (CS:APP, 9.9): every block
 * starts with a header holding its size and flags; only free blocks carry a
 * footer (a copy of the size in their last word), and a block's header
 * records whether the block before it is free. That is enough to find both
 * neighbours of a block in O(1) and merge them when it is freed, so no two
 * free blocks are ever adjacent.
 *
 * Layout: [block][block]...[epilogue], each block a multiple of 16 bytes
 * starting on a 16-byte boundary, the payload 16 bytes after the start. The
 * epilogue is a used, zero-sized header at the end of the memory, so the
 * last block has a "next" and the merge code needs no special case. Free
 * blocks sit on a doubly linked list (links in their payload), newest
 * first; allocation takes the first one that is big enough.
 *
 * Each header carries a magic number XORed with the block's own address,
 * so a pointer that was never returned by heap_alloc, or that was already
 * freed, or a header copied elsewhere, is recognised and refused. */
#include "heap.h"
#include "klib.h"

#define ALIGN 16
#define HDR   16 /* header bytes, padded so the payload stays aligned */

#define F_USED      1u
#define F_PREV_FREE 2u
#define F_MASK      ((size_t)(ALIGN - 1))

#define MAGIC_USED ((uintptr_t)0xa110ca7e)
#define MAGIC_FREE ((uintptr_t)0xf4eeb10c)

struct blk {
	size_t size_flags; /* block bytes (multiple of 16) | F_* */
	uintptr_t magic;   /* MAGIC_USED or MAGIC_FREE ^ (uintptr_t)this */
};

struct links {
	struct blk *next, *prev;
};

_Static_assert(sizeof(struct blk) <= HDR, "header must fit in HDR bytes");

/* The smallest block that can be free: header, links and footer. */
#define MIN_BLOCK (((HDR + sizeof(struct links) + sizeof(size_t)) + ALIGN - 1) & ~F_MASK)

#define DEFAULT_GROW (16 * 1024)

static size_t bsize(const struct blk *b)
{
	return b->size_flags & ~F_MASK;
}

static struct blk *next_blk(const struct blk *b)
{
	return (struct blk *)((uint8_t *)b + bsize(b));
}

static struct links *links(struct blk *b)
{
	return (struct links *)((uint8_t *)b + HDR);
}

static size_t *footer(struct blk *b)
{
	return (size_t *)((uint8_t *)b + bsize(b) - sizeof(size_t));
}

/* Only valid when b's F_PREV_FREE is set: then the word before b is the
 * previous block's footer. */
static struct blk *prev_blk(struct blk *b)
{
	return (struct blk *)((uint8_t *)b - ((size_t *)b)[-1]);
}

static uintptr_t magic_for(const struct blk *b, uintptr_t kind)
{
	return kind ^ (uintptr_t)b;
}

static struct blk *first_blk(const struct heap *h)
{
	return (struct blk *)(((uintptr_t)h->start + ALIGN - 1) & ~(uintptr_t)F_MASK);
}

static struct blk *epilogue(const struct heap *h)
{
	return (struct blk *)(((uintptr_t)h->end & ~(uintptr_t)F_MASK) - HDR);
}

static void list_insert(struct heap *h, struct blk *b)
{
	struct blk *head = h->free_list;

	links(b)->next = head;
	links(b)->prev = NULL;
	if (head)
		links(head)->prev = b;
	h->free_list = b;
}

static void list_remove(struct heap *h, struct blk *b)
{
	struct links *l = links(b);

	if (l->prev)
		links(l->prev)->next = l->next;
	else
		h->free_list = l->next;
	if (l->next)
		links(l->next)->prev = l->prev;
}

/* Writes b as a free block of `size` bytes (its F_PREV_FREE kept), tells
 * the next block, and puts b on the list. The caller has merged already. */
static void make_free(struct heap *h, struct blk *b, size_t size)
{
	b->size_flags = size | (b->size_flags & F_PREV_FREE);
	b->magic = magic_for(b, MAGIC_FREE);
	*footer(b) = size;
	next_blk(b)->size_flags |= F_PREV_FREE;
	list_insert(h, b);
}

/* Frees b (not on the list), merging it with free neighbours. */
static void release(struct heap *h, struct blk *b)
{
	size_t size = bsize(b);
	struct blk *n = next_blk(b);

	if (!(n->size_flags & F_USED)) {
		list_remove(h, n);
		size += bsize(n);
		n->magic = 0; /* no longer a block: a stale pointer must fail */
	}
	if (b->size_flags & F_PREV_FREE) {
		struct blk *p = prev_blk(b);

		list_remove(h, p);
		size += bsize(p);
		b->magic = 0;
		b = p;
	}
	make_free(h, b, size);
}

/* Cuts b (marked used, not on the list) down to `need` bytes if the rest can
 * form a block of its own, and frees the rest. */
static void split(struct heap *h, struct blk *b, size_t need)
{
	size_t size = bsize(b);
	struct blk *rest;

	if (size - need < MIN_BLOCK)
		return;
	b->size_flags = need | (b->size_flags & F_MASK);
	rest = next_blk(b);
	rest->size_flags = (size - need) | F_USED; /* b is not free */
	release(h, rest);
}

static void mark_used(struct heap *h, struct blk *b)
{
	b->size_flags |= F_USED;
	b->magic = magic_for(b, MAGIC_USED);
	next_blk(b)->size_flags &= ~(size_t)F_PREV_FREE;
	h->in_use += bsize(b) - HDR;
}

static void write_epilogue(struct blk *e, int prev_free)
{
	e->size_flags = F_USED | (prev_free ? F_PREV_FREE : 0);
	e->magic = magic_for(e, MAGIC_USED);
}

/* Asks for enough memory to hold a block of `need` bytes: grow_unit if
 * possible, to call `more` less often, else just enough. Returns 0 or -1. */
static int grow(struct heap *h, size_t need)
{
	/* Room for alignment slack and the epilogue on the first call. */
	size_t least = (need + (h->start ? 0 : ALIGN + HDR) + ALIGN - 1) & ~F_MASK;
	size_t bytes = least < h->grow_unit ? (h->grow_unit + ALIGN - 1) & ~F_MASK : least;
	struct blk *b;
	uint8_t *p;

	p = h->more(bytes, h->ctx);
	if (!p && bytes > least) {
		bytes = least;
		p = h->more(bytes, h->ctx);
	}
	if (!p)
		return -1;
	if (!h->start) {
		h->start = p;
		h->end = p + bytes;
		/* bytes is a multiple of 16, so the alignment lost at both ends
		 * adds up to at most 16: the block gets at least need bytes. */
		b = first_blk(h);
		write_epilogue(epilogue(h), 0);
		b->size_flags = (size_t)((uint8_t *)epilogue(h) - (uint8_t *)b) | F_USED;
		release(h, b);
		return 0;
	}
	/* The contract is a contiguous break. Memory elsewhere cannot join
	 * the block chain; it is lost, but the heap stays consistent. */
	if (p != h->end)
		return -1;
	/* The old epilogue becomes the header of the new space, keeping its
	 * knowledge of whether its predecessor is free. */
	b = epilogue(h);
	h->end += bytes;
	write_epilogue(epilogue(h), 0);
	b->size_flags = bytes | F_USED | (b->size_flags & F_PREV_FREE);
	release(h, b);
	return 0;
}

void heap_init(struct heap *h, heap_more_fn more, void *ctx)
{
	h->more = more;
	h->ctx = ctx;
	h->start = h->end = NULL;
	h->free_list = NULL;
	h->in_use = 0;
	h->grow_unit = DEFAULT_GROW;
}

/* Block size for a payload of n bytes, or 0 if n is absurd. */
static size_t block_size(size_t n)
{
	size_t need;

	if (n == 0 || n > ((size_t)-1) / 2)
		return 0;
	need = (n + HDR + ALIGN - 1) & ~F_MASK;
	return need < MIN_BLOCK ? MIN_BLOCK : need;
}

static struct blk *find_fit(struct heap *h, size_t need)
{
	struct blk *b;

	for (b = h->free_list; b; b = links(b)->next) {
		if (bsize(b) >= need)
			return b;
	}
	return NULL;
}

void *heap_alloc(struct heap *h, size_t n)
{
	size_t need = block_size(n);
	struct blk *b;

	if (!need)
		return NULL;
	b = find_fit(h, need);
	if (!b) {
		if (grow(h, need) < 0)
			return NULL;
		b = find_fit(h, need);
		if (!b)
			return NULL;
	}
	list_remove(h, b);
	b->size_flags |= F_USED;
	split(h, b, need);
	mark_used(h, b);
	return (uint8_t *)b + HDR;
}

void *heap_calloc(struct heap *h, size_t count, size_t size)
{
	void *p;

	if (count && size > ((size_t)-1) / count)
		return NULL;
	p = heap_alloc(h, count * size);
	if (p)
		memset(p, 0, count * size);
	return p;
}

/* The used block whose payload is p, or NULL if p is not one. Only reads
 * inside the heap's memory, whatever p is. */
static struct blk *lookup(const struct heap *h, const void *p)
{
	uintptr_t a = (uintptr_t)p;
	struct blk *b;

	if (!h->start || (a & F_MASK) || a < (uintptr_t)first_blk(h) + HDR ||
	    a >= (uintptr_t)epilogue(h))
		return NULL;
	b = (struct blk *)(a - HDR);
	if (b->magic != magic_for(b, MAGIC_USED) || !(b->size_flags & F_USED))
		return NULL;
	if (bsize(b) < MIN_BLOCK || bsize(b) > (uintptr_t)epilogue(h) - (uintptr_t)b)
		return NULL;
	return b;
}

int heap_free(struct heap *h, void *p)
{
	struct blk *b;

	if (!p)
		return 0;
	b = lookup(h, p);
	if (!b)
		return -1;
	h->in_use -= bsize(b) - HDR;
	release(h, b);
	return 0;
}

void *heap_realloc(struct heap *h, void *p, size_t n)
{
	struct blk *b, *nx;
	size_t need, old;
	void *q;

	if (!p)
		return heap_alloc(h, n);
	if (n == 0) {
		heap_free(h, p);
		return NULL;
	}
	b = lookup(h, p);
	need = block_size(n);
	if (!b || !need)
		return NULL;
	old = bsize(b);
	/* Grow in place by swallowing a free successor when it suffices. */
	nx = next_blk(b);
	if (old < need && !(nx->size_flags & F_USED) && old + bsize(nx) >= need) {
		list_remove(h, nx);
		nx->magic = 0;
		b->size_flags += bsize(nx);
		next_blk(b)->size_flags &= ~(size_t)F_PREV_FREE;
	}
	if (bsize(b) >= need) {
		split(h, b, need);
		h->in_use = h->in_use - old + bsize(b);
		return p;
	}
	q = heap_alloc(h, n);
	if (!q)
		return NULL; /* C11 7.22.3.5: the old object is left alone */
	memcpy(q, p, old - HDR);
	heap_free(h, p);
	return q;
}

int heap_check(const struct heap *h)
{
	struct blk *b, *e;
	size_t nfree = 0, used = 0, listed = 0;
	int prev_free = 0;

	if (!h->start)
		return h->free_list ? -1 : 0;
	e = epilogue(h);
	for (b = first_blk(h); b != e; b = next_blk(b)) {
		int is_free = !(b->size_flags & F_USED);
		uintptr_t want = magic_for(b, is_free ? MAGIC_FREE : MAGIC_USED);

		/* The size check keeps the next step at or before e. */
		if (b->magic != want || bsize(b) < MIN_BLOCK ||
		    bsize(b) > (uintptr_t)e - (uintptr_t)b)
			return -1;
		if (!!(b->size_flags & F_PREV_FREE) != prev_free)
			return -1;
		if (is_free) {
			/* Adjacent free blocks mean a merge was missed. */
			if (prev_free || *footer(b) != bsize(b))
				return -1;
			nfree++;
		} else {
			used += bsize(b) - HDR;
		}
		prev_free = is_free;
	}
	if (e->size_flags != (F_USED | (prev_free ? F_PREV_FREE : 0)) ||
	    e->magic != magic_for(e, MAGIC_USED) || used != h->in_use)
		return -1;
	/* Every listed block is a free block, linked both ways, and every free
	 * block is listed; the count bounds the walk if the list has a cycle. */
	for (b = h->free_list; b; b = links(b)->next) {
		struct blk *prev = links(b)->prev;

		if (++listed > nfree || (uintptr_t)b < (uintptr_t)first_blk(h) ||
		    (uintptr_t)b >= (uintptr_t)e || ((uintptr_t)b & F_MASK) ||
		    b->magic != magic_for(b, MAGIC_FREE) || (b->size_flags & F_USED))
			return -1;
		if (prev ? links(prev)->next != b : h->free_list != b)
			return -1;
	}
	return listed == nfree ? 0 : -1;
}
