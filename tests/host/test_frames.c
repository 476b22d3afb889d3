/* Host unit tests of the bitmap frame allocator (common/lib/frames.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "frames.h"

#define MAXF 1024

static uint32_t bits[FRAMES_BITMAP_BYTES(MAXF) / 4];
static struct frames f;

/* Counts free frames the slow way, to check f.nfree against. */
static uint32_t count_free(void)
{
	uint32_t i, n = 0;

	for (i = 0; i < f.nframes; i++)
		n += !frames_is_used(&f, i);
	return n;
}

static void test_init(void **state)
{
	uint32_t i;

	(void)state;
	memset(bits, 0, sizeof(bits));
	frames_init(&f, bits, 100);
	assert_int_equal(f.nframes, 100);
	assert_int_equal(f.nfree, 0);
	for (i = 0; i < 100; i++)
		assert_true(frames_is_used(&f, i));
	/* Frames past the end do not exist and are never free. */
	assert_true(frames_is_used(&f, 100));
	assert_true(frames_is_used(&f, UINT32_MAX));
	assert_int_equal(frames_alloc(&f), -1);
	assert_int_equal(frames_alloc_contig(&f, 1, 1), -1);
}

static void test_free_range_and_exhaust(void **state)
{
	int32_t i;

	(void)state;
	frames_init(&f, bits, 100);
	frames_free_range(&f, 10, 20);
	assert_int_equal(f.nfree, 20);
	assert_true(frames_is_used(&f, 9));
	assert_false(frames_is_used(&f, 10));
	assert_false(frames_is_used(&f, 29));
	assert_true(frames_is_used(&f, 30));
	/* Lowest first, each once, then -1. */
	for (i = 10; i < 30; i++) {
		assert_int_equal(frames_alloc(&f), i);
		assert_true(frames_is_used(&f, (uint32_t)i));
	}
	assert_int_equal(f.nfree, 0);
	assert_int_equal(frames_alloc(&f), -1);
	assert_int_equal(frames_alloc(&f), -1);
}

static void test_nfree_exact(void **state)
{
	(void)state;
	frames_init(&f, bits, 100);
	frames_free_range(&f, 0, 50);
	frames_free_range(&f, 10, 20); /* already free */
	frames_free_range(&f, 40, 20); /* half already free */
	assert_int_equal(f.nfree, 60);
	assert_int_equal(count_free(), 60);
	frames_reserve_range(&f, 55, 10); /* half already used */
	frames_reserve_range(&f, 55, 10);
	assert_int_equal(f.nfree, 55);
	assert_int_equal(count_free(), 55);
	frames_free_range(&f, 0, 0); /* empty */
	frames_reserve_range(&f, 0, 0);
	assert_int_equal(f.nfree, 55);
}

static void test_clipping(void **state)
{
	(void)state;
	frames_init(&f, bits, 100);
	frames_free_range(&f, 90, 50);
	assert_int_equal(f.nfree, 10);
	frames_free_range(&f, 200, 5); /* wholly outside */
	assert_int_equal(f.nfree, 10);
	/* first + count overflows 32 bits: still clipped, not wrapped. */
	frames_free_range(&f, 50, UINT32_MAX);
	assert_int_equal(f.nfree, 50);
	assert_true(frames_is_used(&f, 49));
	frames_reserve_range(&f, 95, UINT32_MAX);
	assert_int_equal(f.nfree, 45);
	assert_int_equal(count_free(), 45);
}

static void test_partial_last_word(void **state)
{
	uint32_t seen[2] = { 0, 0 };
	int i;

	(void)state;
	/* 33 frames: one bit used in the second word. */
	frames_init(&f, bits, 33);
	frames_free_range(&f, 0, 33);
	assert_int_equal(f.nfree, 33);
	for (i = 0; i < 33; i++) {
		int32_t fr = frames_alloc(&f);

		assert_in_range(fr, 0, 32);
		assert_false(seen[fr / 32] & (1u << (fr % 32)));
		seen[fr / 32] |= 1u << (fr % 32);
	}
	assert_int_equal(frames_alloc(&f), -1);
}

static void test_frames_free(void **state)
{
	(void)state;
	frames_init(&f, bits, 100);
	frames_free_range(&f, 0, 100);
	assert_int_equal(frames_alloc(&f), 0);
	assert_int_equal(frames_alloc(&f), 1);
	assert_int_equal(frames_free(&f, 0), 0);
	assert_int_equal(f.nfree, 99);
	assert_int_equal(frames_free(&f, 0), -1);   /* double free */
	assert_int_equal(frames_free(&f, 50), -1);  /* never allocated */
	assert_int_equal(frames_free(&f, 100), -1); /* out of range */
	assert_int_equal(frames_free(&f, UINT32_MAX), -1);
	assert_int_equal(f.nfree, 99);
	/* The freed frame is found again, below the search hint. */
	assert_int_equal(frames_alloc(&f), 0);
}

static void test_contig(void **state)
{
	int32_t a, b;
	uint32_t i;

	(void)state;
	frames_init(&f, bits, 256);
	frames_free_range(&f, 0, 256);
	frames_reserve_range(&f, 0, 3);
	a = frames_alloc_contig(&f, 8, 8);
	assert_int_equal(a, 8);
	for (i = 0; i < 8; i++)
		assert_true(frames_is_used(&f, (uint32_t)a + i));
	assert_int_equal(f.nfree, 256 - 3 - 8);
	/* No alignment: the first hole that fits, right after frame 2. */
	assert_int_equal(frames_alloc_contig(&f, 5, 0), 3);
	assert_int_equal(frames_alloc_contig(&f, 1, 1), 16);

	/* A used frame in the middle of a candidate run forces a later one. */
	frames_reserve_range(&f, 40, 1);
	b = frames_alloc_contig(&f, 16, 16);
	assert_int_equal(b, 48);
	assert_int_equal(count_free(), f.nfree);

	/* Impossible requests. */
	assert_int_equal(frames_alloc_contig(&f, 0, 1), -1);
	assert_int_equal(frames_alloc_contig(&f, 4, 3), -1);   /* not a power of two */
	assert_int_equal(frames_alloc_contig(&f, 300, 1), -1); /* more than exist */
	assert_int_equal(frames_alloc_contig(&f, 2, 1u << 31), -1);
	assert_int_equal(count_free(), f.nfree);
}

static void test_contig_at_end(void **state)
{
	(void)state;
	frames_init(&f, bits, 100);
	frames_free_range(&f, 96, 4);
	assert_int_equal(frames_alloc_contig(&f, 5, 4), -1); /* would run past the end */
	assert_int_equal(frames_alloc_contig(&f, 4, 4), 96);
	assert_int_equal(f.nfree, 0);
	frames_free_range(&f, 97, 3);
	assert_int_equal(frames_alloc_contig(&f, 2, 2), 98);
}

static uint64_t rng_state = 7;

static uint32_t rng(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng_state >> 33);
}

/* The lowest run of c free frames starting at a multiple of align in a
 * model array, or -1. */
static int32_t model_contig(const unsigned char *used, uint32_t n, uint32_t c, uint32_t align)
{
	uint32_t s, j;

	for (s = 0; s + c <= n; s += align) {
		for (j = 0; j < c && !used[s + j]; j++)
			;
		if (j == c)
			return (int32_t)s;
	}
	return -1;
}

/* Random operations against a plain array of flags. */
static void test_random_vs_model(void **state)
{
	static unsigned char used[MAXF];
	uint32_t n = 1000, i, j;
	int iter;

	(void)state;
	frames_init(&f, bits, n);
	memset(used, 1, sizeof(used));
	for (iter = 0; iter < 20000; iter++) {
		uint32_t a = rng() % (n + 20), c = rng() % 40;
		int32_t r;

		switch (rng() % 5) {
		case 0:
			frames_free_range(&f, a, c);
			for (i = a; i < a + c && i < n; i++)
				used[i] = 0;
			break;
		case 1:
			frames_reserve_range(&f, a, c);
			for (i = a; i < a + c && i < n; i++)
				used[i] = 1;
			break;
		case 2:
			r = frames_alloc(&f);
			if (r < 0) {
				for (i = 0; i < n; i++)
					assert_true(used[i]);
			} else {
				/* Always the lowest free frame. */
				for (i = 0; i < (uint32_t)r; i++)
					assert_true(used[i]);
				assert_false(used[r]);
				used[r] = 1;
			}
			break;
		case 3:
			assert_int_equal(frames_free(&f, a), a < n && used[a] ? 0 : -1);
			if (a < n)
				used[a] = 0;
			break;
		default:
			c = 1 + c % 8;
			a = 1u << (rng() % 4);
			r = frames_alloc_contig(&f, c, a);
			assert_int_equal(r, model_contig(used, n, c, a));
			if (r >= 0) {
				for (j = 0; j < c; j++) {
					assert_false(used[r + j]);
					used[r + j] = 1;
				}
			}
			break;
		}
		for (i = 0; i < n; i++)
			assert_int_equal(frames_is_used(&f, i), used[i]);
		assert_int_equal(f.nfree, count_free());
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_free_range_and_exhaust),
		cmocka_unit_test(test_nfree_exact),
		cmocka_unit_test(test_clipping),
		cmocka_unit_test(test_partial_last_word),
		cmocka_unit_test(test_frames_free),
		cmocka_unit_test(test_contig),
		cmocka_unit_test(test_contig_at_end),
		cmocka_unit_test(test_random_vs_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
