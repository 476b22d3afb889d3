/* The injector's planner (user/inject/plan.c) on small hand-made tables:
 * each fault type's site and bytes, the bounds it keeps to, and that a
 * plan depends only on the component, the type and the seed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "plan.h"

/* Unused here: the planner takes its table as an argument. */
const struct fs_comp fs_comps[1];
const int fs_ncomps = 0;

#define I(len, cls, first, opos) (uint8_t)((len) | (cls) << 4 | ((first) ? 0x80 : 0)), (opos)
#define REG3(at)                                                                                   \
	{                                                                                          \
		(uint8_t)((at) | FS_REG3 << 4), 0xFE                                               \
	}
#define VAL4(at)                                                                                   \
	{                                                                                          \
		(uint8_t)((at) | FS_VALUE << 4 | 2 << 6), 0                                        \
	}
#define NONE                                                                                       \
	{                                                                                          \
		0, 0                                                                               \
	}

/* f: push %ebp (1); mov 0x8(%ebp),%eax (3); jne +6 (2); mov $imm32,%edx (5);
 * je rel32 (6); ret (1); then 2 bytes of padding; g: nop (1), ret (1). */
static const struct fs_insn insns[] = {
	{I(1, FS_PLAIN, 1, 0), NONE, NONE, NONE},
	{I(3, FS_PLAIN, 0, 0),
	 {(uint8_t)(2 | FS_VALUE << 4), 0},
	 REG3(1),
	 {(uint8_t)(2 | FS_VALUE << 4), 0}},
	{I(2, FS_JCC8, 0, 0), NONE, NONE, NONE},
	{I(5, FS_PLAIN, 0, 0), VAL4(1), {(uint8_t)(0 | FS_REG0 << 4), 0xFE}, NONE},
	{I(6, FS_JCC32, 0, 0), NONE, NONE, NONE},
	{I(1, FS_PLAIN, 0, 0), NONE, NONE, NONE},
	{I(2, FS_PAD, 0, 0), NONE, NONE, NONE},
	{I(1, FS_PLAIN, 1, 0), NONE, NONE, NONE},
	{I(1, FS_PLAIN, 0, 0), NONE, NONE, NONE},
};
static const struct fs_func funcs[] = {{0, 18, "f"}, {20, 2, "g"}};
static const struct fs_comp comp = {"demo", 22, insns, 9, funcs, 2};

static const uint32_t starts[] = {0, 1, 4, 6, 11, 17, 18, 20, 21};

static int is_start(uint32_t off)
{
	for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++)
		if (starts[i] == off)
			return 1;
	return 0;
}

static void test_same_inputs_same_plan(void **state)
{
	(void)state;
	for (int t = 0; t < F_NTYPES; t++)
		for (uint32_t seed = 0; seed < 50; seed++) {
			struct fault_plan a, b;
			assert_int_equal(fault_plan(&comp, t, seed, NULL, &a), 0);
			assert_int_equal(fault_plan(&comp, t, seed, NULL, &b), 0);
			assert_memory_equal(&a, &b, sizeof(a));
		}
}

static void test_sites_are_boundaries_inside_functions(void **state)
{
	(void)state;
	for (int t = 0; t < F_NTYPES; t++) {
		if (t == F_INTERFACE)
			continue;
		for (uint32_t seed = 0; seed < 200; seed++) {
			struct fault_plan p;
			assert_int_equal(fault_plan(&comp, t, seed, NULL, &p), 0);
			assert_true(is_start(p.site));
			assert_true(p.site != 18); /* the padding */
			assert_true(p.req.len >= 1 && p.req.len <= INJ_PATCH_MAX);
			/* The patch stays in the site's function. */
			const struct fs_func *f = p.site < 20 ? &funcs[0] : &funcs[1];
			assert_true(p.req.offset >= f->off);
			assert_true(p.req.offset + p.req.len <= f->off + f->size);
			assert_string_equal(p.func, f->name);
			assert_int_equal(p.func_off, p.site - f->off);
			assert_string_equal(p.req.comp, "demo");
		}
	}
}

static void test_seeds_spread(void **state)
{
	(void)state;
	int seen[32] = {0}, kinds = 0;
	for (uint32_t seed = 0; seed < 500; seed++) {
		struct fault_plan p;
		assert_int_equal(fault_plan(&comp, F_NOP, seed, NULL, &p), 0);
		seen[p.site]++;
	}
	for (int i = 0; i < 32; i++)
		kinds += seen[i] > 0;
	assert_int_equal(kinds, 8); /* every instruction but the padding */
}

static void test_types(void **state)
{
	(void)state;
	struct fault_plan p;
	for (uint32_t seed = 0; seed < 100; seed++) {
		assert_int_equal(fault_plan(&comp, F_BRANCH, seed, NULL, &p), 0);
		assert_int_equal(p.req.op, INJ_XOR);
		assert_int_equal(p.req.len, 1);
		assert_int_equal(p.req.bytes[0], 1);
		assert_true(p.req.offset == 4 ||
			    p.req.offset == 12); /* 7x, or 0F 8x's second byte */

		assert_int_equal(fault_plan(&comp, F_LOOP, seed, NULL, &p), 0);
		assert_int_equal(p.req.op, INJ_WRITE);
		if (p.req.bytes[0] == 0xEB)
			assert_true(p.req.offset == 4 && p.req.len == 1);
		else if (p.req.len == 2 && p.req.bytes[1] == 0xE9)
			assert_true(p.req.offset == 11 && p.req.bytes[0] == 0x90);
		else
			assert_true(((p.req.offset == 4 && p.req.len == 2) ||
				     (p.req.offset == 11 && p.req.len == 6)) &&
				    p.req.bytes[0] == 0x90 && p.req.bytes[p.req.len - 1] == 0x90);

		assert_int_equal(fault_plan(&comp, F_TEXT, seed, NULL, &p), 0);
		assert_int_equal(p.req.op, INJ_XOR);
		assert_int_equal(__builtin_popcount(p.req.bytes[0]), 1);

		assert_int_equal(fault_plan(&comp, F_DST, seed, NULL, &p), 0);
		assert_int_equal(p.req.op, INJ_XOR);
		if (p.site == 1) /* the reg field of the ModRM byte at 2 */
			assert_true(p.req.offset == 2 && p.req.bytes[0] &&
				    !(p.req.bytes[0] & 0xC7));
		else /* the register in B8+r */
			assert_true(p.site == 6 && p.req.offset == 6 && p.req.bytes[0] &&
				    p.req.bytes[0] < 8);

		assert_int_equal(fault_plan(&comp, F_SRC, seed, NULL, &p), 0);
		assert_true((p.site == 1 && p.req.offset == 3) ||
			    (p.site == 6 && p.req.offset >= 7 && p.req.offset <= 10));

		/* crash and hang cover whole instructions, then NOPs. */
		assert_int_equal(fault_plan(&comp, F_CRASH, seed, NULL, &p), 0);
		assert_int_equal(p.req.bytes[0], 0xA3);
		assert_true(is_start(p.req.offset + p.req.len) || p.req.offset + p.req.len == 18);
		assert_int_equal(fault_plan(&comp, F_HANG, seed, NULL, &p), 0);
		assert_true(p.req.bytes[0] == 0xEB && p.req.bytes[1] == 0xFE);
		for (uint32_t k = 2; k < p.req.len; k++)
			assert_int_equal(p.req.bytes[k], 0x90);
		assert_int_equal(fault_plan(&comp, F_WILD, seed, NULL, &p), 0);
		assert_int_equal(p.req.op, INJ_WILD);
		assert_true(p.req.len >= 10);

		assert_int_equal(fault_plan(&comp, F_INTERFACE, seed, NULL, &p), 0);
		assert_int_equal(p.req.op, INJ_IFACE);
		assert_true(p.req.arg0 < INJ_IFACE_WORDS);
		assert_int_equal(__builtin_popcount(p.req.arg1), 1);
	}
}

static void test_only_func_and_refusals(void **state)
{
	(void)state;
	struct fault_plan p;
	for (uint32_t seed = 0; seed < 50; seed++) {
		assert_int_equal(fault_plan(&comp, F_NOP, seed, "g", &p), 0);
		assert_true(p.site == 20 || p.site == 21);
	}
	assert_int_equal(fault_plan(&comp, F_NOP, 1, "nosuch", &p), -1);
	assert_int_equal(fault_plan(&comp, F_BRANCH, 1, "g", &p), -1); /* no branch in g */
	assert_int_equal(fault_plan(&comp, F_CRASH, 1, "g", &p), -1);  /* 2 bytes: no room */
	assert_int_equal(fault_plan(&comp, F_NTYPES, 1, NULL, &p), -1);
	assert_int_equal(fault_plan(&comp, -1, 1, NULL, &p), -1);
}

static void test_line(void **state)
{
	(void)state;
	struct fault_plan p;
	char line[200];
	assert_int_equal(fault_plan(&comp, F_NOP, 3, "g", &p), 0);
	fault_line(line, sizeof(line), "plan", F_NOP, 3, &p);
	char want[200];
	snprintf(want, sizeof(want),
		 "plan: demo nop seed 3 at g+0x%x (offset 0x%x): replace a 1-byte instruction with "
		 "NOPs",
		 p.site - 20, p.site);
	assert_string_equal(line, want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_inputs_same_plan),
		cmocka_unit_test(test_sites_are_boundaries_inside_functions),
		cmocka_unit_test(test_seeds_spread),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_only_func_and_refusals),
		cmocka_unit_test(test_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
