/* ELF32 i386 executable parser and symbol lookup (declared in elf.h).
 *
 * Layouts and constants come from the System V ABI, chapter 4 ("Object
 * Files") and chapter 5 ("Program Loading"), and its Intel386 supplement.
 *
 * The image is hostile until proven otherwise: it may come from a user's
 * file system. So fields are read byte by byte at checked offsets rather
 * than by casting the buffer to structs; this needs no alignment (a buffer
 * or a table offset may be odd), works on any host byte order, and keeps
 * every read visibly inside [0, size). Bounds are compared as "len <= size
 * - off" after "off <= size", which cannot overflow. */
#include "elf.h"
#include "abi/errno.h"

/* e_ident indexes and values (ABI 4, "ELF Identification"). */
#define EI_CLASS    4
#define EI_DATA     5
#define EI_VERSION  6
#define ELFCLASS32  1
#define ELFDATA2LSB 1
#define EV_CURRENT  1

#define ET_EXEC 2
#define EM_386  3

/* Offsets of the fields we use in Elf32_Ehdr, Elf32_Phdr, Elf32_Shdr and
 * Elf32_Sym, and the sizes of those structures. */
#define EH_TYPE      16
#define EH_MACHINE   18
#define EH_VERSION   20
#define EH_ENTRY     24
#define EH_PHOFF     28
#define EH_SHOFF     32
#define EH_PHENTSIZE 42
#define EH_PHNUM     44
#define EH_SHENTSIZE 46
#define EH_SHNUM     48
#define EHDR_SIZE    52

#define PH_TYPE   0
#define PH_OFFSET 4
#define PH_VADDR  8
#define PH_FILESZ 16
#define PH_MEMSZ  20
#define PH_FLAGS  24
#define PHDR_SIZE 32

#define SH_TYPE    4
#define SH_OFFSET  16
#define SH_SIZE    20
#define SH_LINK    24
#define SH_ENTSIZE 36
#define SHDR_SIZE  40

#define ST_NAME  0
#define ST_VALUE 4
#define ST_SIZE  8
#define ST_INFO  12
#define ST_SHNDX 14
#define SYM_SIZE 16

#define PT_LOAD       1
#define PT_DYNAMIC    2
#define PT_INTERP     3
#define SHT_SYMTAB    2
#define SHT_STRTAB    3
#define SHN_UNDEF     0
#define SHN_LORESERVE 0xff00 /* SHN_ABS, SHN_COMMON...: not a code address */
#define STT_FUNC      2
#define STT_SECTION   3
#define STT_FILE      4

/* ELF data is little-endian here (ELFDATA2LSB is checked first). */
static uint32_t rd16(const uint8_t *p, size_t off)
{
	return (uint32_t)p[off] | (uint32_t)p[off + 1] << 8;
}

static uint32_t rd32(const uint8_t *p, size_t off)
{
	return rd16(p, off) | rd16(p, off + 2) << 16;
}

/* Whether [off, off + len) lies inside an image of `size` bytes. */
static int in_image(size_t size, size_t off, size_t len)
{
	return off <= size && len <= size - off;
}

/* The checks shared by both entry points: an ELF32 little-endian file of
 * the current version, big enough for its header. */
static int ident_ok(const uint8_t *p, size_t size)
{
	return size >= EHDR_SIZE && p[0] == 0x7f && p[1] == 'E' && p[2] == 'L' && p[3] == 'F' &&
	       p[EI_CLASS] == ELFCLASS32 && p[EI_DATA] == ELFDATA2LSB &&
	       p[EI_VERSION] == EV_CURRENT;
}

/* Reads and checks one PT_LOAD entry. Segments must not wrap around the
 * address space and must come in ascending, non-overlapping order: the
 * ABI requires "loadable segment entries ... appear in ascending order,
 * sorted on the p_vaddr member", and a loader that maps them one by one
 * relies on it. *next_free is the lowest address the segment may use;
 * 64 bits hold an end of exactly 4 GiB. */
static int read_load(const uint8_t *p, size_t size, size_t ph, struct elf_segment *s,
		     uint64_t *next_free)
{
	uint64_t end;

	s->offset = rd32(p, ph + PH_OFFSET);
	s->vaddr = rd32(p, ph + PH_VADDR);
	s->filesz = rd32(p, ph + PH_FILESZ);
	s->memsz = rd32(p, ph + PH_MEMSZ);
	s->flags = rd32(p, ph + PH_FLAGS) & (ELF_PF_R | ELF_PF_W | ELF_PF_X);

	end = (uint64_t)s->vaddr + s->memsz;
	if (s->filesz > s->memsz || !in_image(size, s->offset, s->filesz))
		return -1;
	if (end > (uint64_t)UINT32_MAX + 1 || s->vaddr < *next_free)
		return -1;
	*next_free = end;
	return 0;
}

int elf_parse(const void *image, size_t size, struct elf_image *out)
{
	const uint8_t *p = image;
	struct elf_image img;
	uint32_t phoff, phnum, entry;
	uint64_t next_free = 0;
	int entry_ok = 0;
	uint32_t i;

	if (!p || !ident_ok(p, size))
		return -ENOEXEC;
	if (rd16(p, EH_TYPE) != ET_EXEC || rd16(p, EH_MACHINE) != EM_386 ||
	    rd32(p, EH_VERSION) != EV_CURRENT)
		return -ENOEXEC;
	/* A different entry size would be a different (future) format. */
	if (rd16(p, EH_PHENTSIZE) != PHDR_SIZE)
		return -ENOEXEC;
	phoff = rd32(p, EH_PHOFF);
	phnum = rd16(p, EH_PHNUM);
	/* phnum <= 0xffff, so the product fits in 32 bits. */
	if (phnum == 0 || !in_image(size, phoff, (size_t)phnum * PHDR_SIZE))
		return -ENOEXEC;

	entry = rd32(p, EH_ENTRY);
	img.entry = entry;
	img.nsegments = 0;
	for (i = 0; i < phnum; i++) {
		size_t ph = phoff + (size_t)i * PHDR_SIZE;
		uint32_t type = rd32(p, ph + PH_TYPE);
		struct elf_segment *s;

		/* Only static executables: no dynamic linker to honour these. */
		if (type == PT_INTERP || type == PT_DYNAMIC)
			return -ENOEXEC;
		if (type != PT_LOAD)
			continue;
		if (rd32(p, ph + PH_MEMSZ) == 0)
			continue; /* occupies nothing; nothing to load or check */
		if (img.nsegments == ELF_MAX_SEGMENTS)
			return -ENOEXEC;
		s = &img.seg[img.nsegments];
		if (read_load(p, size, ph, s, &next_free) < 0)
			return -ENOEXEC;
		if ((s->flags & ELF_PF_X) && entry >= s->vaddr && entry - s->vaddr < s->memsz)
			entry_ok = 1;
		img.nsegments++;
	}
	if (!entry_ok)
		return -ENOEXEC;
	*out = img;
	return 0;
}

int elf_within(const struct elf_image *ei, uint32_t lo, uint32_t hi)
{
	for (int i = 0; i < ei->nsegments; i++) {
		const struct elf_segment *s = &ei->seg[i];

		if (s->vaddr < lo || s->vaddr >= hi || s->memsz > hi - s->vaddr)
			return 0;
	}
	return 1;
}

/* Where a section's contents lie in the image. */
struct table {
	size_t off, size;
};

/* Fills *t from the section header at sh if it has the wanted type and
 * its contents are inside the image. Returns 0 or -1. */
static int section(const uint8_t *p, size_t size, size_t sh, uint32_t want_type, struct table *t)
{
	if (rd32(p, sh + SH_TYPE) != want_type)
		return -1;
	t->off = rd32(p, sh + SH_OFFSET);
	t->size = rd32(p, sh + SH_SIZE);
	return in_image(size, t->off, t->size) ? 0 : -1;
}

/* The name of a symbol if it is a non-empty string terminated inside the
 * string table, else NULL. */
static const char *sym_name(const uint8_t *p, const struct table *str, uint32_t name)
{
	size_t i;

	if (name == 0 || name >= str->size)
		return NULL;
	for (i = str->off + name; i < str->off + str->size; i++) {
		if (p[i] == '\0')
			return i == str->off + name ? NULL : (const char *)p + str->off + name;
	}
	return NULL;
}

/* The best candidate of one kind so far: a symbol whose range contains
 * the address wins over one that merely lies below it. */
struct best {
	const char *name;
	uint32_t value;
	int contains;
};

static void consider(struct best *b, const uint8_t *p, const struct table *str, size_t sym,
		     uint32_t addr)
{
	uint32_t value = rd32(p, sym + ST_VALUE);
	const char *name;
	int contains;

	if (value > addr)
		return;
	contains = addr - value < rd32(p, sym + ST_SIZE);
	if (b->name && (b->contains > contains || (b->contains == contains && b->value >= value)))
		return;
	name = sym_name(p, str, rd32(p, sym + ST_NAME));
	if (!name)
		return;
	b->name = name;
	b->value = value;
	b->contains = contains;
}

/* Finds the symbol table and its string table; 0 or -1. */
static int find_symtab(const uint8_t *p, size_t size, struct table *symtab, struct table *strtab)
{
	uint32_t shoff, shnum, i, link;
	size_t sh = 0;

	if (!p || !ident_ok(p, size) || rd16(p, EH_SHENTSIZE) != SHDR_SIZE)
		return -1;
	shoff = rd32(p, EH_SHOFF);
	/* shnum 0 with a nonzero shoff means "more than 0xff00 sections,
	 * count in section 0" (ABI, "Sections"): not worth supporting. */
	shnum = rd16(p, EH_SHNUM);
	if (shnum == 0 || !in_image(size, shoff, (size_t)shnum * SHDR_SIZE))
		return -1;
	for (i = 0; i < shnum; i++) {
		sh = shoff + (size_t)i * SHDR_SIZE;
		if (rd32(p, sh + SH_TYPE) == SHT_SYMTAB)
			break;
	}
	if (i == shnum || section(p, size, sh, SHT_SYMTAB, symtab) < 0 ||
	    rd32(p, sh + SH_ENTSIZE) != SYM_SIZE)
		return -1;
	/* sh_link of a symbol table names its string table. */
	link = rd32(p, sh + SH_LINK);
	if (link >= shnum ||
	    section(p, size, shoff + (size_t)link * SHDR_SIZE, SHT_STRTAB, strtab) < 0)
		return -1;
	return 0;
}

int elf_symbol_value(const void *image, size_t size, const char *name, uint32_t *value)
{
	const uint8_t *p = image;
	struct table symtab, strtab;

	if (find_symtab(p, size, &symtab, &strtab) < 0)
		return -1;
	for (size_t i = 0; i < symtab.size / SYM_SIZE; i++) {
		size_t sym = symtab.off + i * SYM_SIZE;
		const char *n = sym_name(p, &strtab, rd32(p, sym + ST_NAME));

		size_t k = 0;

		if (rd16(p, sym + ST_SHNDX) == SHN_UNDEF || !n)
			continue;
		/* No libc here (the kernel, libc and the host tests share this
		 * file): compare by hand; n is terminated inside the image. */
		while (n[k] && n[k] == name[k])
			k++;
		if (n[k] != name[k])
			continue;
		*value = rd32(p, sym + ST_VALUE);
		return 0;
	}
	return -1;
}

const char *elf_symbol(const void *image, size_t size, uint32_t addr, uint32_t *offset)
{
	const uint8_t *p = image;
	struct table symtab, strtab;
	struct best func = {0}, other = {0};
	const struct best *b;
	uint32_t i;
	size_t nsyms;
	int have_func = 0;

	if (find_symtab(p, size, &symtab, &strtab) < 0)
		return NULL;

	nsyms = symtab.size / SYM_SIZE;
	for (i = 0; i < nsyms; i++) {
		size_t sym = symtab.off + (size_t)i * SYM_SIZE;
		uint32_t shndx = rd16(p, sym + ST_SHNDX);
		uint32_t type = p[sym + ST_INFO] & 0xf;

		if (shndx == SHN_UNDEF || shndx >= SHN_LORESERVE)
			continue;
		if (type == STT_FUNC) {
			have_func = 1;
			consider(&func, p, &strtab, sym, addr);
		} else if (type != STT_SECTION && type != STT_FILE && rd32(p, sym + ST_VALUE)) {
			consider(&other, p, &strtab, sym, addr);
		}
	}
	/* Typed files (compiler output) name functions precisely; untyped
	 * ones (hand-written assembly) only have labels. */
	b = have_func ? &func : &other;
	if (!b->name)
		return NULL;
	if (offset)
		*offset = addr - b->value;
	return b->name;
}
