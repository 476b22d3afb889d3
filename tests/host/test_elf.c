/* Host unit tests of the ELF32 parser (common/lib/elf.c).
 *
 * The images are built here, byte by byte, from the System V ABI's layouts,
 * then broken one field at a time. Every parse works on an exact-size heap
 * copy, so that AddressSanitizer catches a read even one byte past the end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "abi/errno.h"
#include "elf.h"
#include "elf_fixture.h"

/* Parses an exact-size copy of p[0, size). */
static int parse(const uint8_t *p, size_t size, struct elf_image *out)
{
	uint8_t *copy = malloc(size ? size : 1);
	int r;

	assert_non_null(copy);
	memcpy(copy, p, size);
	r = elf_parse(copy, size, out);
	free(copy);
	return r;
}

static int parse_img(void)
{
	struct elf_image out;

	return parse(img, sizeof(img), &out);
}

/* Looks up addr in an exact-size copy; returns the name copied into
 * name[] (or NULL), so the copy can be freed. */
static const char *lookup(const uint8_t *p, size_t size, uint32_t addr, uint32_t *off,
			  char name[64])
{
	uint8_t *copy = malloc(size ? size : 1);
	const char *n;

	assert_non_null(copy);
	memcpy(copy, p, size);
	n = elf_symbol(copy, size, addr, off);
	if (n) {
		/* The name must lie in the image and end inside it. */
		assert_true(n >= (const char *)copy && n < (const char *)copy + size);
		assert_non_null(memchr(n, '\0', (size_t)((const char *)copy + size - n)));
		snprintf(name, 64, "%s", n);
		n = name;
	}
	free(copy);
	return n;
}

static int setup(void **state)
{
	(void)state;
	build();
	return 0;
}

static void test_valid(void **state)
{
	struct elf_image out;

	(void)state;
	assert_int_equal(parse(img, sizeof(img), &out), 0);
	assert_int_equal(out.entry, TEXT_VA);
	assert_int_equal(out.nsegments, 2); /* the note is not loaded */
	assert_int_equal(out.seg[0].vaddr, TEXT_VA);
	assert_int_equal(out.seg[0].offset, TEXT_OFF);
	assert_int_equal(out.seg[0].filesz, 0x40);
	assert_int_equal(out.seg[0].memsz, 0x40);
	assert_int_equal(out.seg[0].flags, ELF_PF_R | ELF_PF_X);
	assert_int_equal(out.seg[1].vaddr, DATA_VA);
	assert_int_equal(out.seg[1].offset, DATA_OFF);
	assert_int_equal(out.seg[1].filesz, 0x10);
	assert_int_equal(out.seg[1].memsz, 0x100);
	assert_int_equal(out.seg[1].flags, ELF_PF_R | ELF_PF_W);
}

static void test_truncated(void **state)
{
	size_t n;

	(void)state;
	assert_int_equal(elf_parse(NULL, 0, &(struct elf_image){ 0 }), -ENOEXEC);
	for (n = 0; n < EHDR; n++)
		assert_int_equal(parse(img, n, &(struct elf_image){ 0 }), -ENOEXEC);
	/* The header fits but the program headers do not. */
	for (n = EHDR; n < PH0 + 3 * PHDR; n++)
		assert_int_equal(parse(img, n, &(struct elf_image){ 0 }), -ENOEXEC);
	/* The headers fit, the data segment's bytes do not. */
	assert_int_equal(parse(img, DATA_OFF + 0x0f, &(struct elf_image){ 0 }), -ENOEXEC);
	assert_int_equal(parse(img, DATA_OFF + 0x10, &(struct elf_image){ 0 }), 0);
}

/* The valid image with one byte changed must be refused. */
static void refused_with_byte(size_t off, uint8_t value)
{
	build();
	img[off] = value;
	assert_int_equal(parse_img(), -ENOEXEC);
}

static void test_bad_ident(void **state)
{
	(void)state;
	refused_with_byte(0, 0x7e);
	refused_with_byte(1, 'e');
	refused_with_byte(2, 'l');
	refused_with_byte(3, 'f');
	refused_with_byte(E_CLASS, 2); /* ELFCLASS64 */
	refused_with_byte(E_CLASS, 0);
	refused_with_byte(E_DATA, 2); /* big-endian */
	refused_with_byte(E_IVERSION, 0);
}

static void test_bad_type_machine(void **state)
{
	(void)state;
	put16(img, E_TYPE, 3); /* ET_DYN */
	assert_int_equal(parse_img(), -ENOEXEC);
	build();
	put16(img, E_TYPE, 1); /* ET_REL */
	assert_int_equal(parse_img(), -ENOEXEC);
	build();
	put16(img, E_MACHINE, 62); /* EM_X86_64 */
	assert_int_equal(parse_img(), -ENOEXEC);
	build();
	put32(img, E_VERSION, 0);
	assert_int_equal(parse_img(), -ENOEXEC);
	build();
	put16(img, E_PHENTSIZE, PHDR + 8);
	assert_int_equal(parse_img(), -ENOEXEC);
}

static void test_phdr_table_bounds(void **state)
{
	(void)state;
	put32(img, E_PHOFF, IMG_SIZE - PHDR); /* table runs past the end */
	assert_int_equal(parse_img(), -ENOEXEC);
	build();
	put32(img, E_PHOFF, 0xfffffff0u); /* offset + size would wrap */
	assert_int_equal(parse_img(), -ENOEXEC);
	build();
	put16(img, E_PHNUM, 0xffff);
	assert_int_equal(parse_img(), -ENOEXEC);
	build();
	put16(img, E_PHNUM, 0); /* nothing to run */
	assert_int_equal(parse_img(), -ENOEXEC);
}

static void test_segment_bounds(void **state)
{
	(void)state;
	put32(img, PH_DATA + P_FILESZ, IMG_SIZE - DATA_OFF + 1);
	put32(img, PH_DATA + P_MEMSZ, 0x1000);
	assert_int_equal(parse_img(), -ENOEXEC);
	build();
	put32(img, PH_DATA + P_FILESZ, IMG_SIZE - DATA_OFF); /* exactly to the end */
	put32(img, PH_DATA + P_MEMSZ, 0x1000);
	assert_int_equal(parse_img(), 0);
	build();
	put32(img, PH_DATA + P_OFFSET, 0xfffffff0u); /* offset + filesz wraps */
	assert_int_equal(parse_img(), -ENOEXEC);
	build();
	put32(img, PH_DATA + P_FILESZ, 0x101); /* filesz > memsz */
	assert_int_equal(parse_img(), -ENOEXEC);
}

static void test_vaddr_wrap(void **state)
{
	(void)state;
	put32(img, PH_DATA + P_VADDR, 0xfffff000u);
	put32(img, PH_DATA + P_MEMSZ, 0x2000);
	assert_int_equal(parse_img(), -ENOEXEC);
	/* Ending exactly at 4 GiB does not wrap. */
	put32(img, PH_DATA + P_MEMSZ, 0x1000);
	assert_int_equal(parse_img(), 0);
	put32(img, PH_DATA + P_MEMSZ, 0x1001);
	assert_int_equal(parse_img(), -ENOEXEC);
}

/* The loader's range check: the case was a second segment at
 * 0xC0000000, where "memsz > USER_HEAP_MAX - vaddr" wrapped and let it
 * through. Every boundary, and sizes chosen to make a careless sum wrap. */
static void test_within(void **state)
{
	const uint32_t lo = 0x00400000u, hi = 0x90000000u;
	struct elf_image out;

	(void)state;
	assert_int_equal(parse_img(), 0);
	put32(img, PH_DATA + P_VADDR, 0xc0000000u);
	put32(img, PH_DATA + P_MEMSZ, 0x1000);
	put32(img, PH_DATA + P_FILESZ, 0);
	assert_int_equal(parse(img, sizeof(img), &out), 0); /* a valid ELF... */
	assert_false(elf_within(&out, lo, hi));             /* ...but not for us */
	put32(img, PH_DATA + P_VADDR, hi);
	assert_int_equal(parse(img, sizeof(img), &out), 0);
	assert_false(elf_within(&out, lo, hi));
	put32(img, PH_DATA + P_VADDR, hi - 0x1000); /* ends exactly at hi */
	assert_int_equal(parse(img, sizeof(img), &out), 0);
	assert_true(elf_within(&out, lo, hi));
	put32(img, PH_DATA + P_MEMSZ, 0x1001); /* one byte past hi */
	assert_int_equal(parse(img, sizeof(img), &out), 0);
	assert_false(elf_within(&out, lo, hi));
	put32(img, PH_DATA + P_VADDR, 0x10000000u);
	put32(img, PH_DATA + P_MEMSZ, 0xefffffffu); /* vaddr + memsz is 2^32 - 1 */
	assert_int_equal(parse(img, sizeof(img), &out), 0);
	assert_false(elf_within(&out, lo, hi));
	/* The text below lo. */
	build();
	assert_int_equal(parse(img, sizeof(img), &out), 0);
	assert_false(elf_within(&out, TEXT_VA + 1, hi));
	assert_true(elf_within(&out, TEXT_VA, hi));
}

static void test_segment_order(void **state)
{
	(void)state;
	/* Overlapping the text segment's last byte. */
	put32(img, PH_DATA + P_VADDR, TEXT_VA + 0x3f);
	assert_int_equal(parse_img(), -ENOEXEC);
	/* Directly after it is fine. */
	put32(img, PH_DATA + P_VADDR, TEXT_VA + 0x40);
	assert_int_equal(parse_img(), 0);
	/* Below it: not in ascending order. */
	put32(img, PH_DATA + P_VADDR, TEXT_VA - 0x1000);
	assert_int_equal(parse_img(), -ENOEXEC);
}

static void test_interp_rejected(void **state)
{
	(void)state;
	put32(img, PH0 + PHDR + P_TYPE, PT_INTERP);
	assert_int_equal(parse_img(), -ENOEXEC);
}

static void test_too_many_segments(void **state)
{
	uint8_t p[EHDR + 16 * PHDR];
	struct elf_image out;
	size_t n;

	(void)state;
	n = build_many(p, ELF_MAX_SEGMENTS);
	assert_int_equal(parse(p, n, &out), 0);
	assert_int_equal(out.nsegments, ELF_MAX_SEGMENTS);
	n = build_many(p, ELF_MAX_SEGMENTS + 1);
	assert_int_equal(parse(p, n, &out), -ENOEXEC);
	/* Empty PT_LOADs occupy nothing and do not count. */
	n = build_many(p, ELF_MAX_SEGMENTS + 2);
	put32(p, EHDR + 3 * PHDR + P_MEMSZ, 0);
	put32(p, EHDR + 5 * PHDR + P_MEMSZ, 0);
	assert_int_equal(parse(p, n, &out), 0);
	assert_int_equal(out.nsegments, ELF_MAX_SEGMENTS);
}

static void test_entry(void **state)
{
	(void)state;
	put32(img, E_ENTRY, TEXT_VA + 0x3f); /* last byte of text */
	assert_int_equal(parse_img(), 0);
	put32(img, E_ENTRY, TEXT_VA + 0x40); /* just past it */
	assert_int_equal(parse_img(), -ENOEXEC);
	put32(img, E_ENTRY, TEXT_VA - 1);
	assert_int_equal(parse_img(), -ENOEXEC);
	put32(img, E_ENTRY, DATA_VA); /* inside a segment, but not executable */
	assert_int_equal(parse_img(), -ENOEXEC);
	put32(img, E_ENTRY, 0);
	assert_int_equal(parse_img(), -ENOEXEC);
}

static void test_symbol_nearest(void **state)
{
	char name[64];
	uint32_t off = 0xdead;

	(void)state;
	assert_string_equal(lookup(img, IMG_SIZE, TEXT_VA, &off, name), "start");
	assert_int_equal(off, 0);
	/* The undefined "ext" at +0x10 must not be chosen. */
	assert_string_equal(lookup(img, IMG_SIZE, TEXT_VA + 0x12, &off, name), "start");
	assert_int_equal(off, 0x12);
	/* Inside both start (0x40 bytes) and helper: the closer one wins. */
	assert_string_equal(lookup(img, IMG_SIZE, TEXT_VA + 0x24, &off, name), "helper");
	assert_int_equal(off, 4);
	/* Past helper's 8 bytes but inside start: containment wins, and the
	 * SHN_ABS "absval" at +0x30 is not a code address. */
	assert_string_equal(lookup(img, IMG_SIZE, TEXT_VA + 0x30, &off, name), "start");
	assert_int_equal(off, 0x30);
	/* Past every function's range: the nearest one below. */
	assert_string_equal(lookup(img, IMG_SIZE, TEXT_VA + 0x1000, &off, name), "helper");
	assert_int_equal(off, 0x1000 - 0x20);
	/* With functions present, objects are not candidates. */
	assert_string_equal(lookup(img, IMG_SIZE, DATA_VA, &off, name), "helper");
	/* offset may be NULL. */
	assert_string_equal(lookup(img, IMG_SIZE, TEXT_VA + 1, NULL, name), "start");
}

static void test_symbol_below_all(void **state)
{
	char name[64];
	uint32_t off = 0xdead;

	(void)state;
	assert_null(lookup(img, IMG_SIZE, TEXT_VA - 1, &off, name));
	assert_null(lookup(img, IMG_SIZE, 0, &off, name));
	assert_int_equal(off, 0xdead); /* untouched when nothing is found */
	/* An object below the functions does not stand in for them. */
	put32(img, SYMTAB_OFF + 3 * SYM + Y_VALUE, TEXT_VA - 0x100);
	assert_null(lookup(img, IMG_SIZE, TEXT_VA - 0x10, &off, name));
}

static void test_symbol_untyped(void **state)
{
	char name[64];
	uint32_t off;

	(void)state;
	/* Hand-written assembly: labels without STT_FUNC. */
	img[SYMTAB_OFF + 1 * SYM + Y_INFO] = 0x10 | STT_NOTYPE;
	img[SYMTAB_OFF + 2 * SYM + Y_INFO] = 0x10 | STT_NOTYPE;
	assert_string_equal(lookup(img, IMG_SIZE, TEXT_VA + 0x24, &off, name), "helper");
	/* Now the object is a candidate too. */
	assert_string_equal(lookup(img, IMG_SIZE, DATA_VA + 2, &off, name), "data_obj");
	assert_int_equal(off, 2);
	/* A label at address 0 is not one. */
	put32(img, SYMTAB_OFF + 1 * SYM + Y_VALUE, 0);
	put32(img, SYMTAB_OFF + 2 * SYM + Y_VALUE, 0);
	put32(img, SYMTAB_OFF + 3 * SYM + Y_VALUE, 0);
	assert_null(lookup(img, IMG_SIZE, 0x10, &off, name));
}

static void test_symbol_no_symtab(void **state)
{
	char name[64];

	(void)state;
	put32(img, SH_SYMTAB + S_TYPE, SHT_PROGBITS);
	assert_null(lookup(img, IMG_SIZE, TEXT_VA, NULL, name));
	build();
	put16(img, E_SHNUM, 0);
	assert_null(lookup(img, IMG_SIZE, TEXT_VA, NULL, name));
	build();
	/* Cut off before the section headers. */
	assert_null(lookup(img, SHOFF + 2 * SHDR, TEXT_VA, NULL, name));
	/* But a symbol table is no reason to refuse to load. */
	assert_int_equal(parse(img, SHOFF, &(struct elf_image){ 0 }), 0);
}

static void test_symbol_bad_tables(void **state)
{
	char name[64];

	(void)state;
	put32(img, SH_SYMTAB + S_LINK, 99); /* no such section */
	assert_null(lookup(img, IMG_SIZE, TEXT_VA, NULL, name));
	build();
	put32(img, SH_SYMTAB + S_LINK, 1); /* not a string table */
	assert_null(lookup(img, IMG_SIZE, TEXT_VA, NULL, name));
	build();
	put32(img, SH_STRTAB + S_OFFSET, IMG_SIZE - 4);
	assert_null(lookup(img, IMG_SIZE, TEXT_VA, NULL, name));
	build();
	put32(img, SH_STRTAB + S_SIZE, 0xffffffffu);
	assert_null(lookup(img, IMG_SIZE, TEXT_VA, NULL, name));
	build();
	put32(img, SH_SYMTAB + S_OFFSET, 0xfffffff0u);
	assert_null(lookup(img, IMG_SIZE, TEXT_VA, NULL, name));
	build();
	put32(img, SH_SYMTAB + S_SIZE, IMG_SIZE);
	assert_null(lookup(img, IMG_SIZE, TEXT_VA, NULL, name));
	build();
	put32(img, SH_SYMTAB + S_ENTSIZE, 24);
	assert_null(lookup(img, IMG_SIZE, TEXT_VA, NULL, name));
	build();
	put32(img, E_SHOFF, IMG_SIZE - SHDR);
	assert_null(lookup(img, IMG_SIZE, TEXT_VA, NULL, name));
	build();
	put16(img, E_SHENTSIZE, 64);
	assert_null(lookup(img, IMG_SIZE, TEXT_VA, NULL, name));
}

static void test_symbol_bad_names(void **state)
{
	char name[64];

	(void)state;
	/* helper's name index beyond the string table: skip helper. */
	put32(img, SYMTAB_OFF + 2 * SYM + Y_NAME, 0x1000);
	assert_string_equal(lookup(img, IMG_SIZE, TEXT_VA + 0x24, NULL, name), "start");
	build();
	/* A string table cut inside "start": its name is not terminated. */
	put32(img, SH_STRTAB + S_SIZE, N_START + 3);
	assert_null(lookup(img, IMG_SIZE, TEXT_VA + 1, NULL, name));
	/* Cut inside "helper": start is fine, helper is skipped. */
	put32(img, SH_STRTAB + S_SIZE, N_HELPER + 2);
	assert_string_equal(lookup(img, IMG_SIZE, TEXT_VA + 0x24, NULL, name), "start");
}

static uint64_t rng_state = 42;

static uint32_t rng(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng_state >> 33);
}

/* Thousands of deterministic mutations of the valid image. The parser may
 * accept or refuse each, but must never read outside it (ASan watches)
 * and what it accepts must satisfy its promises. */
static void test_fuzz(void **state)
{
	uint8_t m[IMG_SIZE];
	int iter, accepted = 0, named = 0;

	(void)state;
	for (iter = 0; iter < 5000; iter++) {
		size_t size = IMG_SIZE;
		int k, nmut = 1 + (int)(rng() % 4);
		struct elf_image out;
		char name[64];
		uint32_t off;
		int r;

		memcpy(m, img, IMG_SIZE);
		for (k = 0; k < nmut; k++) {
			const uint32_t special[] = {
				0,	     1,	       0x7fffffff,   0x80000000u,  0xffffffffu,
				0xfffffff0u, IMG_SIZE, IMG_SIZE - 1, IMG_SIZE + 1, rng()
			};
			size_t at = rng() % (IMG_SIZE - 3);

			switch (rng() % 4) {
			case 0:
				m[at] = (uint8_t)rng();
				break;
			case 1:
				put32(m, at & ~(size_t)3, special[rng() % 10]);
				break;
			case 2:
				put16(m, at & ~(size_t)1, special[rng() % 10]);
				break;
			default:
				m[at] ^= (uint8_t)(1u << (rng() % 8));
				break;
			}
		}
		if (rng() % 8 == 0)
			size = rng() % IMG_SIZE;

		r = parse(m, size, &out);
		if (r == 0) {
			accepted++;
			assert_in_range(out.nsegments, 1, ELF_MAX_SEGMENTS);
			for (k = 0; k < out.nsegments; k++) {
				assert_true(out.seg[k].filesz <= out.seg[k].memsz);
				assert_true(out.seg[k].offset <= size);
				assert_true(out.seg[k].filesz <= size - out.seg[k].offset);
			}
		} else {
			assert_int_equal(r, -ENOEXEC);
		}
		if (lookup(m, size, TEXT_VA + rng() % 0x60, &off, name))
			named++;
		lookup(m, size, rng(), &off, name);
	}
	/* The mutations must be mild enough to reach past the first checks
	 * often, or the loop would test nothing but the magic number. */
	print_message("fuzz: %d of 5000 accepted, %d named\n", accepted, named);
	assert_true(accepted > 500 && accepted < 4500);
	assert_true(named > 500);
}

/* The sample program, linked by the real toolchain (see host.mk). */
static void test_real_elf(void **state)
{
	const char *path = getenv("SAMPLE_ELF") ? getenv("SAMPLE_ELF") : SAMPLE_ELF;
	struct elf_image out;
	uint8_t *buf;
	long size;
	FILE *f;
	char name[64];
	uint32_t off, a;
	int i, seen_main = 0, seen_helper = 0, has_bss = 0;

	(void)state;
	f = fopen(path, "rb");
	if (!f)
		print_message("cannot open %s (set SAMPLE_ELF)\n", path);
	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	size = ftell(f);
	assert_true(size > EHDR);
	rewind(f);
	buf = malloc((size_t)size);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	fclose(f);

	assert_int_equal(parse(buf, (size_t)size, &out), 0);
	assert_string_equal(lookup(buf, (size_t)size, out.entry, &off, name), "main");
	assert_int_equal(off, 0);
	for (i = 0; i < out.nsegments; i++) {
		const struct elf_segment *s = &out.seg[i];

		if (s->memsz > s->filesz && (s->flags & ELF_PF_W))
			has_bss = 1;
		if (!(s->flags & ELF_PF_X))
			continue;
		/* Every byte of code belongs to one of the two functions. */
		for (a = s->vaddr; a < s->vaddr + s->filesz; a++) {
			const char *n = lookup(buf, (size_t)size, a, &off, name);

			assert_non_null(n);
			if (strcmp(n, "main") == 0)
				seen_main = 1;
			else if (strcmp(n, "sample_helper") == 0)
				seen_helper = 1;
			else
				fail_msg("unexpected symbol %s", n);
		}
	}
	assert_true(seen_main && seen_helper && has_bss);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_valid, setup),
		cmocka_unit_test_setup(test_truncated, setup),
		cmocka_unit_test_setup(test_bad_ident, setup),
		cmocka_unit_test_setup(test_bad_type_machine, setup),
		cmocka_unit_test_setup(test_phdr_table_bounds, setup),
		cmocka_unit_test_setup(test_segment_bounds, setup),
		cmocka_unit_test_setup(test_vaddr_wrap, setup),
		cmocka_unit_test_setup(test_segment_order, setup),
		cmocka_unit_test_setup(test_within, setup),
		cmocka_unit_test_setup(test_interp_rejected, setup),
		cmocka_unit_test(test_too_many_segments),
		cmocka_unit_test_setup(test_entry, setup),
		cmocka_unit_test_setup(test_symbol_nearest, setup),
		cmocka_unit_test_setup(test_symbol_below_all, setup),
		cmocka_unit_test_setup(test_symbol_untyped, setup),
		cmocka_unit_test_setup(test_symbol_no_symtab, setup),
		cmocka_unit_test_setup(test_symbol_bad_tables, setup),
		cmocka_unit_test_setup(test_symbol_bad_names, setup),
		cmocka_unit_test_setup(test_fuzz, setup),
		cmocka_unit_test(test_real_elf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
