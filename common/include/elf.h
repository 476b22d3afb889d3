/* ELF32 for i386: just enough to load a static executable and to name the
 * function around an address. Facts from the System V ABI, ELF chapter, and
 * its Intel386 supplement. The parser trusts nothing in the file: every
 * offset and size is checked against the image before it is used. */
#ifndef ELF_H
#define ELF_H

#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS 8

#define ELF_PF_X 1
#define ELF_PF_W 2
#define ELF_PF_R 4

struct elf_segment {
	uint32_t vaddr;  /* where it goes */
	uint32_t memsz;  /* bytes in memory (>= filesz; the rest is zeroed) */
	uint32_t filesz; /* bytes taken from the file */
	uint32_t offset; /* where they are in the file */
	uint32_t flags;  /* ELF_PF_* */
};

struct elf_image {
	uint32_t entry;
	int nsegments;
	struct elf_segment seg[ELF_MAX_SEGMENTS];
};

/* Checks that `image` (size bytes) is a little-endian ELF32 i386 executable
 * and collects its PT_LOAD segments. Returns 0, or -ENOEXEC for anything
 * malformed: bad magic/class/machine/type, header tables out of bounds,
 * filesz > memsz, an address range that wraps, more than ELF_MAX_SEGMENTS
 * loadable segments, or an entry point outside every executable segment.
 * Also refused: segments not in ascending, non-overlapping address order
 * (the ABI requires it) and PT_INTERP/PT_DYNAMIC (static executables only).
 * PT_LOADs with memsz 0 are skipped. *out is written only on success. */
int elf_parse(const void *image, size_t size, struct elf_image *out);

/* Whether every segment of a parsed image lies inside [lo, hi): how the
 * loader keeps a program out of the kernel's quarter and out of the areas
 * it maps itself. Written so that no field can make a sum wrap. */
int elf_within(const struct elf_image *ei, uint32_t lo, uint32_t hi);

/* Finds the function (STT_FUNC, or any symbol with a nonzero address if the
 * file has no typed symbols) in .symtab whose range contains addr, or the
 * nearest one below it. Returns its name (pointing into image) and sets
 * *offset to addr minus the symbol's value; NULL when no symbol table or no
 * symbol fits. Never reads outside the image. */
const char *elf_symbol(const void *image, size_t size, uint32_t addr, uint32_t *offset);

/* The value of the symbol called name in .symtab (absolute symbols too,
 * such as the --defsym bounds of a server's component): 0, or -1 if there
 * is none. Never reads outside the image. */
int elf_symbol_value(const void *image, size_t size, const char *name, uint32_t *value);

#endif
