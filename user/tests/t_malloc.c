/* t_malloc: malloc, free, realloc and calloc keep contents; sbrk moves the break */
#define TEST_NAME "t_malloc"
#include <stdlib.h>

#include "check.h"

#define NBLOCKS 200
#define MIB (1024 * 1024)

static unsigned char *blocks[NBLOCKS];
static size_t sizes[NBLOCKS];

/* A byte that depends on the block and the offset, so that two blocks that
 * overlap, or a block moved without its contents, show up. */
static unsigned char pattern(int block, size_t offset)
{
	return (unsigned char)(block * 31 + offset * 7 + 1);
}

static void fill(int i)
{
	for (size_t j = 0; j < sizes[i]; j++)
		blocks[i][j] = pattern(i, j);
}

static void verify(int i, size_t len, const char *when)
{
	for (size_t j = 0; j < len; j++)
		if (blocks[i][j] != pattern(i, j))
			fail("block %d byte %u changed %s", i, (unsigned)j, when);
}

static void check_heap(const char *when)
{
	if (malloc_check() != 0)
		fail("heap inconsistent %s", when);
}

static void test_sbrk(unsigned char **brk_start)
{
	unsigned char *before = sbrk(0);
	unsigned char *old;

	/* Before the first malloc: the heap takes over the break from here on,
	 * and would be corrupted by a later direct sbrk. */
	check(ptr_err(before) == 0, "sbrk(0) succeeds");
	check(((uintptr_t)before & 4095) == 0, "the initial break is page-aligned");
	old = sbrk(4096);
	check(old == before, "sbrk(4096) returns the old break");
	check(sbrk(0) == before + 4096, "sbrk(0) then is 4096 bytes higher");
	memset(old, 0x5a, 4096); /* the new memory is there and writable */
	*brk_start = before;
}

static void test_many(void)
{
	for (int i = 0; i < NBLOCKS; i++) {
		sizes[i] = (size_t)(i * 37 % 1000) + 1 + (i % 10 == 0 ? 5000 : 0);
		blocks[i] = malloc(sizes[i]);
		if (!blocks[i])
			fail("malloc(%u) returned NULL", (unsigned)sizes[i]);
		if ((uintptr_t)blocks[i] & 15)
			fail("malloc returned %p, not 16-byte aligned", blocks[i]);
		fill(i);
	}
	for (int i = 0; i < NBLOCKS; i++)
		verify(i, sizes[i], "after all allocations");
	printf("ok   %d blocks of 1..6000 bytes keep their contents\n", NBLOCKS);

	/* Free every third block, then the odd ones, leaving holes of all
	 * sizes, and make sure the survivors are untouched. */
	for (int i = 0; i < NBLOCKS; i += 3) {
		free(blocks[i]);
		blocks[i] = NULL;
	}
	for (int i = 1; i < NBLOCKS; i += 2) {
		free(blocks[i]);
		blocks[i] = NULL;
	}
	check_heap("after freeing in odd order");
	for (int i = 0; i < NBLOCKS; i++)
		if (blocks[i])
			verify(i, sizes[i], "after freeing others");
	printf("ok   survivors intact after freeing two thirds out of order\n");

	/* Refill the holes, then free everything from the end backwards. */
	for (int i = 0; i < NBLOCKS; i++) {
		if (!blocks[i]) {
			blocks[i] = malloc(sizes[i]);
			if (!blocks[i])
				fail("malloc(%u) into a hole returned NULL", (unsigned)sizes[i]);
			fill(i);
		}
	}
	for (int i = 0; i < NBLOCKS; i++)
		verify(i, sizes[i], "after refilling the holes");
	for (int i = NBLOCKS - 1; i >= 0; i--)
		free(blocks[i]);
	check_heap("after freeing everything");
	printf("ok   holes refilled, everything freed\n");
}

static void test_realloc(void)
{
	sizes[0] = 100;
	blocks[0] = malloc(sizes[0]);
	check(blocks[0] != NULL, "malloc(100)");
	fill(0);
	blocks[1] = malloc(64); /* a neighbour, so that growing must move */
	check(blocks[1] != NULL, "malloc(64)");

	blocks[0] = realloc(blocks[0], 10000);
	check(blocks[0] != NULL, "realloc to 10000 bytes");
	verify(0, 100, "by realloc growing");
	sizes[0] = 10000;
	fill(0);

	blocks[0] = realloc(blocks[0], 50);
	check(blocks[0] != NULL, "realloc down to 50 bytes");
	verify(0, 50, "by realloc shrinking");

	blocks[2] = realloc(NULL, 32);
	check(blocks[2] != NULL, "realloc(NULL, 32) allocates");
	free(blocks[2]);
	free(blocks[1]);
	free(blocks[0]);
	free(NULL);
	check_heap("after realloc");
}

static void test_calloc(void)
{
	unsigned char *dirty = malloc(4000);
	unsigned char *clean;

	check(dirty != NULL, "malloc(4000)");
	memset(dirty, 0xff, 4000);
	free(dirty); /* calloc may well get this memory back */
	clean = calloc(1000, 4);
	check(clean != NULL, "calloc(1000, 4)");
	for (int i = 0; i < 4000; i++)
		if (clean[i] != 0)
			fail("calloc memory not zero at byte %d", i);
	printf("ok   calloc memory is zero\n");
	free(clean);
	check(calloc((size_t)-1 / 2, 4) == NULL, "calloc whose size overflows fails");
}

static void test_big(unsigned char *brk_start)
{
	unsigned char *big = malloc(MIB);

	check(big != NULL, "malloc(1 MiB)");
	/* Touch every page: each must be mapped and writable. */
	for (size_t off = 0; off < MIB; off += 4096)
		big[off] = (unsigned char)(off >> 12);
	big[MIB - 1] = 0xee;
	for (size_t off = 0; off < MIB; off += 4096)
		if (big[off] != (unsigned char)(off >> 12))
			fail("1 MiB block: page at offset %u lost its byte", (unsigned)off);
	check(big[MIB - 1] == 0xee, "1 MiB block: last byte kept");
	check((unsigned char *)sbrk(0) >= brk_start + 4096 + MIB,
	      "the break moved by at least 1 MiB");
	free(big);
	check_heap("after the 1 MiB block");
}

int main(void)
{
	unsigned char *brk_start;

	test_sbrk(&brk_start);
	test_many();
	test_realloc();
	test_calloc();
	test_big(brk_start);
	pass();
}
