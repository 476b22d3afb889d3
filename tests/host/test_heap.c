/* Host unit tests of the boundary-tag heap (common/lib/heap.c). The heap
 * grows inside an arena handed out by a test callback that behaves like
 * sbrk, can be told to refuse, and counts its calls. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "heap.h"

#define ARENA (4u << 20)

struct arena {
	uint8_t *base; /* where the break starts (deliberately misaligned) */
	size_t used;   /* bytes handed out */
	size_t limit;  /* refuse beyond this */
	int calls;     /* successful growths */
	int refuse;    /* refuse every request */
};

static uint8_t *arena_mem;
static struct arena ar;
static struct heap h;

static void *more(size_t bytes, void *ctx)
{
	struct arena *a = ctx;
	void *p;

	if (a->refuse || bytes > a->limit - a->used)
		return NULL;
	p = a->base + a->used;
	a->used += bytes;
	a->calls++;
	return p;
}

static int setup(void **state)
{
	(void)state;
	arena_mem = malloc(ARENA + 64);
	assert_non_null(arena_mem);
	/* Dirty memory, so that calloc must really clear it. */
	memset(arena_mem, 0xaa, ARENA + 64);
	memset(&ar, 0, sizeof(ar));
	ar.base = arena_mem + 8; /* an odd break, as sbrk may give */
	ar.limit = ARENA;
	heap_init(&h, more, &ar);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(arena_mem);
	return 0;
}

static void test_basic(void **state)
{
	uint8_t *p[10];
	int i, j;

	(void)state;
	assert_int_equal(heap_check(&h), 0); /* empty heap */
	assert_null(heap_alloc(&h, 0));
	for (i = 0; i < 10; i++) {
		p[i] = heap_alloc(&h, (size_t)(1 + i * 37));
		assert_non_null(p[i]);
		assert_int_equal((uintptr_t)p[i] % 16, 0);
		assert_true(p[i] >= h.start && p[i] + 1 + i * 37 <= h.end);
		memset(p[i], i, (size_t)(1 + i * 37));
	}
	/* No two allocations overlap: every one still holds its pattern. */
	for (i = 0; i < 10; i++) {
		for (j = 0; j < 1 + i * 37; j++)
			assert_int_equal(p[i][j], i);
	}
	assert_true(h.in_use >= 10 * 1 + 37 * 45);
	assert_int_equal(heap_check(&h), 0);
	for (i = 0; i < 10; i++)
		assert_int_equal(heap_free(&h, p[i]), 0);
	assert_int_equal(h.in_use, 0);
	assert_int_equal(heap_check(&h), 0);
	assert_int_equal(heap_free(&h, NULL), 0);
}

static void test_huge_and_calloc(void **state)
{
	uint8_t *p;
	size_t i;

	(void)state;
	assert_null(heap_alloc(&h, SIZE_MAX));
	assert_null(heap_alloc(&h, SIZE_MAX - 8));
	assert_null(heap_alloc(&h, ARENA));	       /* the arena refuses */
	assert_null(heap_calloc(&h, SIZE_MAX / 2, 3)); /* count * size overflows */
	assert_null(heap_calloc(&h, 3, SIZE_MAX / 2));
	p = heap_calloc(&h, 100, 10);
	assert_non_null(p);
	for (i = 0; i < 1000; i++)
		assert_int_equal(p[i], 0);
	assert_null(heap_calloc(&h, 0, 10));
	assert_int_equal(heap_check(&h), 0);
}

static void test_heap_realloc(void **state)
{
	uint8_t *p, *q, *r;
	int i;

	(void)state;
	p = heap_realloc(&h, NULL, 40); /* like malloc */
	assert_non_null(p);
	for (i = 0; i < 40; i++)
		p[i] = (uint8_t)i;
	/* Grows, in place or not, keeping the contents. */
	q = heap_alloc(&h, 16); /* a neighbour, so growth must move */
	assert_non_null(q);
	p = heap_realloc(&h, p, 4000);
	assert_non_null(p);
	for (i = 0; i < 40; i++)
		assert_int_equal(p[i], i);
	/* Shrinks in place. */
	r = heap_realloc(&h, p, 10);
	assert_ptr_equal(r, p);
	for (i = 0; i < 10; i++)
		assert_int_equal(r[i], i);
	assert_int_equal(heap_check(&h), 0);
	/* Grows in place into the space the shrink freed. */
	assert_ptr_equal(heap_realloc(&h, r, 3000), r);
	for (i = 0; i < 10; i++)
		assert_int_equal(r[i], i);
	/* Refused growth leaves the block alone. */
	assert_null(heap_realloc(&h, r, ARENA));
	assert_int_equal(r[9], 9);
	/* Foreign pointers are refused. */
	assert_null(heap_realloc(&h, r + 16, 10));
	assert_null(heap_realloc(&h, &i, 10));
	/* Size 0 frees. */
	assert_null(heap_realloc(&h, r, 0));
	assert_int_equal(heap_free(&h, r), -1);
	assert_int_equal(heap_free(&h, q), 0);
	assert_int_equal(h.in_use, 0);
	assert_int_equal(heap_check(&h), 0);
}

static void test_coalescing(void **state)
{
	void *p[100];
	void *big;
	int i, calls;

	(void)state;
	h.grow_unit = 64 * 1024;
	for (i = 0; i < 100; i++) {
		p[i] = heap_alloc(&h, 500);
		assert_non_null(p[i]);
	}
	calls = ar.calls;
	assert_int_equal(calls, 1); /* 100 * 512 bytes fit in one growth */
	/* Free every other block, then the rest: each must merge with both
	 * neighbours, or the big block below would not fit. */
	for (i = 0; i < 100; i += 2)
		assert_int_equal(heap_free(&h, p[i]), 0);
	assert_int_equal(heap_check(&h), 0);
	for (i = 99; i > 0; i -= 2)
		assert_int_equal(heap_free(&h, p[i]), 0);
	assert_int_equal(heap_check(&h), 0);
	big = heap_alloc(&h, 64 * 1024 - 64);
	assert_non_null(big);
	assert_int_equal(ar.calls, calls);
	assert_int_equal(heap_free(&h, big), 0);
	assert_int_equal(heap_check(&h), 0);
}

static void test_bad_free(void **state)
{
	uint8_t *p, *q;
	int local;

	(void)state;
	assert_int_equal(heap_free(&h, &local), -1); /* before any growth */
	p = heap_alloc(&h, 64);
	q = heap_alloc(&h, 64);
	assert_non_null(p);
	assert_non_null(q);
	assert_int_equal(heap_free(&h, &local), -1);	  /* the stack */
	assert_int_equal(heap_free(&h, p + 16), -1);	  /* inside a block */
	assert_int_equal(heap_free(&h, p + 1), -1);	  /* misaligned */
	assert_int_equal(heap_free(&h, h.end + 64), -1);  /* past the heap */
	assert_int_equal(heap_free(&h, h.start + 8), -1); /* the first header */
	assert_int_equal(heap_free(&h, p), 0);
	assert_int_equal(heap_free(&h, p), -1); /* double free */
	assert_int_equal(heap_free(&h, q), 0);
	/* q merged with p and the rest: its header is gone, still refused. */
	assert_int_equal(heap_free(&h, q), -1);
	assert_int_equal(h.in_use, 0);
	assert_int_equal(heap_check(&h), 0);
}

static void test_check_detects_corruption(void **state)
{
	uint8_t *p;

	(void)state;
	p = heap_alloc(&h, 32);
	assert_non_null(p);
	assert_int_equal(heap_check(&h), 0);
	p[-16] ^= 0x10; /* an overflow from below hits the size field */
	assert_int_equal(heap_check(&h), -1);
	p[-16] ^= 0x10;
	assert_int_equal(heap_check(&h), 0);
	p[-16 + (int)sizeof(size_t)] ^= 1; /* the magic, after the size */
	assert_int_equal(heap_check(&h), -1);
	assert_int_equal(heap_free(&h, p), -1);
	p[-16 + (int)sizeof(size_t)] ^= 1;
	assert_int_equal(heap_free(&h, p), 0);
}

static void test_growth(void **state)
{
	void *p[64];
	int i;

	(void)state;
	h.grow_unit = 256; /* force many small growths */
	for (i = 0; i < 64; i++) {
		p[i] = heap_alloc(&h, 100 + (size_t)i * 10);
		assert_non_null(p[i]);
	}
	assert_true(ar.calls > 10);
	assert_int_equal(heap_check(&h), 0);
	for (i = 0; i < 64; i++)
		assert_int_equal(heap_free(&h, p[i]), 0);
	assert_int_equal(heap_check(&h), 0);
	/* Everything merged, across growth boundaries, into one block. */
	i = ar.calls;
	assert_non_null(heap_alloc(&h, ar.used - 64));
	assert_int_equal(ar.calls, i);
}

static void test_growth_refused(void **state)
{
	void *p;

	(void)state;
	ar.refuse = 1;
	assert_null(heap_alloc(&h, 16)); /* not even a first region */
	assert_int_equal(heap_check(&h), 0);
	ar.refuse = 0;
	h.grow_unit = 4096;
	p = heap_alloc(&h, 1000);
	assert_non_null(p);
	memset(p, 0x5a, 1000);
	ar.refuse = 1;
	assert_null(heap_alloc(&h, 8000));
	assert_int_equal(heap_check(&h), 0);
	assert_int_equal(((uint8_t *)p)[999], 0x5a);
	/* What is left still serves small requests. */
	assert_non_null(heap_alloc(&h, 100));
	assert_int_equal(heap_check(&h), 0);
}

static void test_growth_fallback(void **state)
{
	void *p;

	(void)state;
	/* grow_unit does not fit, the request itself does. */
	ar.limit = 8192;
	h.grow_unit = 64 * 1024;
	p = heap_alloc(&h, 1000);
	assert_non_null(p);
	assert_true(ar.used < 8192);
	assert_int_equal(heap_check(&h), 0);
	/* A break that jumps (not contiguous) cannot be used. */
	ar.limit = ARENA;
	ar.used += 4096;
	assert_null(heap_alloc(&h, 20000));
	assert_int_equal(heap_check(&h), 0);
	assert_int_equal(heap_free(&h, p), 0);
	assert_int_equal(heap_check(&h), 0);
}

static uint64_t rng_state = 12345;

static uint32_t rng(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng_state >> 33);
}

#define SLOTS 256

struct slot {
	uint8_t *p;
	size_t n;
	uint8_t seed;
};

static void fill(struct slot *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		s->p[i] = (uint8_t)(s->seed + i * 31);
}

static void verify(const struct slot *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		assert_int_equal(s->p[i], (uint8_t)(s->seed + i * 31));
}

/* Thousands of random allocations, frees and reallocations, checking
 * every block's contents and the heap's structure along the way. */
static void test_stress(void **state)
{
	static struct slot s[SLOTS];
	int iter, i;
	void *big;

	(void)state;
	memset(s, 0, sizeof(s));
	h.grow_unit = 8192;
	for (iter = 0; iter < 5000; iter++) {
		struct slot *x = &s[rng() % SLOTS];
		size_t n = rng() % 8 == 0 ? 1 + rng() % 20000 : 1 + rng() % 300;
		uint8_t *q;

		switch (rng() % 3) {
		case 0:
			if (x->p)
				break;
			x->p = heap_alloc(&h, n);
			assert_non_null(x->p);
			assert_int_equal((uintptr_t)x->p % 16, 0);
			x->n = n;
			x->seed = (uint8_t)rng();
			fill(x);
			break;
		case 1:
			if (!x->p)
				break;
			verify(x, x->n);
			assert_int_equal(heap_free(&h, x->p), 0);
			x->p = NULL;
			break;
		default:
			if (!x->p)
				break;
			q = heap_realloc(&h, x->p, n);
			assert_non_null(q);
			x->p = q;
			verify(x, n < x->n ? n : x->n);
			x->n = n;
			fill(x);
			break;
		}
		if (iter % 50 == 0) {
			assert_int_equal(heap_check(&h), 0);
			for (i = 0; i < SLOTS; i++) {
				if (s[i].p)
					verify(&s[i], s[i].n);
			}
		}
	}
	assert_int_equal(heap_check(&h), 0);
	for (i = 0; i < SLOTS; i++) {
		if (s[i].p) {
			verify(&s[i], s[i].n);
			assert_int_equal(heap_free(&h, s[i].p), 0);
		}
	}
	assert_int_equal(h.in_use, 0);
	assert_int_equal(heap_check(&h), 0);
	/* No fragmentation is left behind: the whole heap is one block. */
	i = ar.calls;
	big = heap_alloc(&h, ar.used - 64);
	assert_non_null(big);
	assert_int_equal(ar.calls, i);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_basic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_huge_and_calloc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_heap_realloc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_coalescing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_free, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_detects_corruption, setup, teardown),
		cmocka_unit_test_setup_teardown(test_growth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_growth_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_growth_fallback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stress, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
