/* t_lab2: lab 2's checks of the grant copy: t_lab2 data|rights|bounds */
#include <stdio.h>
#include <string.h>
#include <ulib.h>

#define TEST_NAME "t_lab2"
#include "check.h"

#define LENT  64 /* bytes lent */
#define GUARD 64 /* bytes around them that null must never reach */

/* The lent window is area[GUARD .. GUARD + LENT); the rest is a guard. */
static uint8_t area[GUARD + LENT + GUARD];

static int probe(uint32_t rights, uint32_t dir, uint32_t off, uint32_t len)
{
	struct msg m = {.type = NULL_GRANT};
	m.w[0] = dir;
	m.w[1] = off;
	m.w[2] = len;
	m.grant.addr = (uint32_t)(uintptr_t)(area + GUARD);
	m.grant.len = LENT;
	m.grant.rights = rights;
	return svc_call(SVC_NULL, &m);
}

static void fill(void)
{
	for (unsigned i = 0; i < sizeof(area); i++)
		area[i] = (uint8_t)(0xa5 ^ i);
}

/* Fails unless the area outside [GUARD + from, GUARD + to) is as fill() left it. */
static void check_untouched(const char *what, unsigned from, unsigned to)
{
	for (unsigned i = 0; i < sizeof(area); i++) {
		if (i >= GUARD + from && i < GUARD + to)
			continue;
		if (area[i] != (uint8_t)(0xa5 ^ i))
			fail("%s: byte %d from the start of the grant was changed", what,
			     (int)i - GUARD);
	}
}

static void data(void)
{
	fill();
	int want = 0;
	for (int i = 0; i < LENT; i++)
		want += area[GUARD + i];
	check_int("NULL_GRANT read of the whole grant (the sum of its bytes)",
		  probe(GRANT_READ | GRANT_WRITE, GRANT_READ, 0, LENT), want);
	check_int("NULL_GRANT write of bytes 16..47",
		  probe(GRANT_READ | GRANT_WRITE, GRANT_WRITE, 16, 32), 0);
	for (int i = 16; i < 48; i++)
		if (area[GUARD + i] != (uint8_t)i)
			fail("byte %d of the grant is %d after the write, want %d", i,
			     area[GUARD + i], i);
	check_untouched("a write of bytes 16..47", 16, 48);
	check_int("a read of 0 bytes at the end", probe(GRANT_READ, GRANT_READ, LENT, 0), 0);
}

static void rights(void)
{
	fill();
	check_int("a write into a grant lent for reading only",
		  probe(GRANT_READ, GRANT_WRITE, 0, 8), -EPERM);
	check_untouched("a write into a read-only grant", 0, 0);
	check_int("a read of a grant lent for writing only", probe(GRANT_WRITE, GRANT_READ, 0, 8),
		  -EPERM);
	check_int("a write into a grant with no rights", probe(0, GRANT_WRITE, 0, 8), -EPERM);
	check_untouched("a write into a grant with no rights", 0, 0);
}

static void bounds(void)
{
	fill();
	const uint32_t rw = GRANT_READ | GRANT_WRITE;
	check_int("a read past the end (offset 60, 8 bytes)", probe(rw, GRANT_READ, 60, 8),
		  -EFAULT);
	check_int("a write just past the end (offset 64, 1 byte)", probe(rw, GRANT_WRITE, 64, 1),
		  -EFAULT);
	check_untouched("a write past the end", 0, 0);
	check_int("a write at an offset that wraps (0xfffffff0, 32 bytes)",
		  probe(rw, GRANT_WRITE, 0xfffffff0u, 32), -EFAULT);
	check_untouched("a write at a wrapping offset", 0, 0);
	check_int("a read at an offset past the end (65, 0 bytes)", probe(rw, GRANT_READ, 65, 0),
		  -EFAULT);
	check_int("a write of 0 bytes at the end (64)", probe(rw, GRANT_WRITE, 64, 0), 0);
}

int main(int argc, char **argv)
{
	const char *what = argc == 2 ? argv[1] : "";
	if (strcmp(what, "data") == 0)
		data();
	else if (strcmp(what, "rights") == 0)
		rights();
	else if (strcmp(what, "bounds") == 0)
		bounds();
	else {
		printf("usage: t_lab2 data|rights|bounds\n");
		return 2;
	}
	printf("     %s: ok\n", what);
	pass();
}
