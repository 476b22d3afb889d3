/* The ELF images of test_elf.c (see elf_fixture.h). */
#include <string.h>

#include "elf.h"
#include "elf_fixture.h"

uint8_t img[IMG_SIZE];
/* Names at the N_* offsets of elf_fixture.h. */
static const char fixture_strtab[] = "\0start\0helper\0data_obj\0ext\0absval";

void put16(uint8_t *p, size_t off, uint32_t v)
{
	p[off] = (uint8_t)v;
	p[off + 1] = (uint8_t)(v >> 8);
}

void put32(uint8_t *p, size_t off, uint32_t v)
{
	put16(p, off, v & 0xffff);
	put16(p, off + 2, v >> 16);
}

void ehdr(uint8_t *p, uint32_t entry, uint32_t phnum)
{
	memcpy(p, "\177ELF", 4);
	p[E_CLASS] = 1;
	p[E_DATA] = 1;
	p[E_IVERSION] = 1;
	put16(p, E_TYPE, 2);
	put16(p, E_MACHINE, 3);
	put32(p, E_VERSION, 1);
	put32(p, E_ENTRY, entry);
	put32(p, E_PHOFF, EHDR);
	put16(p, E_EHSIZE, EHDR);
	put16(p, E_PHENTSIZE, PHDR);
	put16(p, E_PHNUM, phnum);
	put16(p, E_SHENTSIZE, SHDR);
}

void phdr(uint8_t *p, size_t at, uint32_t type, uint32_t off, uint32_t va, uint32_t filesz,
	  uint32_t memsz, uint32_t flags)
{
	put32(p, at + P_TYPE, type);
	put32(p, at + P_OFFSET, off);
	put32(p, at + P_VADDR, va);
	put32(p, at + P_PADDR, va);
	put32(p, at + P_FILESZ, filesz);
	put32(p, at + P_MEMSZ, memsz);
	put32(p, at + P_FLAGS, flags);
	put32(p, at + P_ALIGN, 0x1000);
}

static void shdr(uint8_t *p, int i, uint32_t type, uint32_t off, uint32_t size, uint32_t link,
		 uint32_t entsize)
{
	size_t at = SHOFF + (size_t)i * SHDR;

	put32(p, at + S_TYPE, type);
	put32(p, at + S_OFFSET, off);
	put32(p, at + S_SIZE, size);
	put32(p, at + S_LINK, link);
	put32(p, at + S_ENTSIZE, entsize);
}

static void sym(uint8_t *p, int i, uint32_t name, uint32_t value, uint32_t size, int type,
		uint32_t shndx)
{
	size_t at = SYMTAB_OFF + (size_t)i * SYM;

	put32(p, at + Y_NAME, name);
	put32(p, at + Y_VALUE, value);
	put32(p, at + Y_SIZE, size);
	p[at + Y_INFO] = (uint8_t)(0x10 | type); /* STB_GLOBAL */
	put16(p, at + Y_SHNDX, shndx);
}

void build(void)
{
	memset(img, 0, sizeof(img));
	ehdr(img, TEXT_VA, 3);
	put32(img, E_SHOFF, SHOFF);
	put16(img, E_SHNUM, 4);
	phdr(img, PH0, PT_LOAD, TEXT_OFF, TEXT_VA, 0x40, 0x40, ELF_PF_R | ELF_PF_X);
	phdr(img, PH0 + PHDR, PT_NOTE, 0, 0, 0, 0, ELF_PF_R);
	phdr(img, PH_DATA, PT_LOAD, DATA_OFF, DATA_VA, 0x10, 0x100, ELF_PF_R | ELF_PF_W);
	memset(img + TEXT_OFF, 0x90, 0x40);

	sym(img, 1, N_START, TEXT_VA, 0x40, STT_FUNC, 1);
	sym(img, 2, N_HELPER, TEXT_VA + 0x20, 8, STT_FUNC, 1);
	sym(img, 3, N_DATA, DATA_VA, 4, STT_OBJECT, 2);
	sym(img, 4, 0, TEXT_VA, 0, STT_SECTION, 1);
	sym(img, 5, N_EXT, TEXT_VA + 0x10, 0, STT_FUNC, 0); /* undefined */
	sym(img, 6, N_ABS, TEXT_VA + 0x30, 0, STT_NOTYPE, SHN_ABS);
	memcpy(img + STRTAB_OFF, fixture_strtab, sizeof(fixture_strtab));

	shdr(img, 1, SHT_PROGBITS, TEXT_OFF, 0x40, 0, 0);
	shdr(img, 2, SHT_SYMTAB, SYMTAB_OFF, NSYMS * SYM, 3, SYM);
	shdr(img, 3, SHT_STRTAB, STRTAB_OFF, sizeof(fixture_strtab), 0, 0);
}

size_t build_many(uint8_t *p, int n)
{
	int i;

	memset(p, 0, EHDR + (size_t)n * PHDR);
	ehdr(p, 0x10000, (uint32_t)n);
	for (i = 0; i < n; i++)
		phdr(p, EHDR + (size_t)i * PHDR, PT_LOAD, 0, 0x10000 * (uint32_t)(i + 1), 0, 0x1000,
		     ELF_PF_R | ELF_PF_X);
	return EHDR + (size_t)n * PHDR;
}
