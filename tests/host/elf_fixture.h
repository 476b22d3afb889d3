/* A hand-built ELF32 i386 executable for test_elf.c, and the helpers that
 * build and patch it. Offsets and values are those of the System V ABI
 * (Elf32_Ehdr, Elf32_Phdr, Elf32_Shdr, Elf32_Sym), written down here
 * independently of common/lib/elf.c so that the test does not inherit the
 * parser's mistakes. */
#ifndef ELF_FIXTURE_H
#define ELF_FIXTURE_H

#include <stddef.h>
#include <stdint.h>

/* Fields of Elf32_Ehdr (E_), Elf32_Phdr (P_), Elf32_Shdr (S_) and Elf32_Sym
 * (Y_), and the sizes of those structures. */
enum {
	E_CLASS = 4,
	E_DATA = 5,
	E_IVERSION = 6,
	E_TYPE = 16,
	E_MACHINE = 18,
	E_VERSION = 20,
	E_ENTRY = 24,
	E_PHOFF = 28,
	E_SHOFF = 32,
	E_EHSIZE = 40,
	E_PHENTSIZE = 42,
	E_PHNUM = 44,
	E_SHENTSIZE = 46,
	E_SHNUM = 48,
	EHDR = 52,

	P_TYPE = 0,
	P_OFFSET = 4,
	P_VADDR = 8,
	P_PADDR = 12,
	P_FILESZ = 16,
	P_MEMSZ = 20,
	P_FLAGS = 24,
	P_ALIGN = 28,
	PHDR = 32,

	S_TYPE = 4,
	S_OFFSET = 16,
	S_SIZE = 20,
	S_LINK = 24,
	S_ENTSIZE = 36,
	SHDR = 40,

	Y_NAME = 0,
	Y_VALUE = 4,
	Y_SIZE = 8,
	Y_INFO = 12,
	Y_SHNDX = 14,
	SYM = 16,
};

enum {
	PT_LOAD = 1,
	PT_INTERP = 3,
	PT_NOTE = 4,
	SHT_PROGBITS = 1,
	SHT_SYMTAB = 2,
	SHT_STRTAB = 3,
	STT_NOTYPE = 0,
	STT_OBJECT = 1,
	STT_FUNC = 2,
	STT_SECTION = 3,
	SHN_ABS = 0xfff1,
};

/* The valid image: program headers for text, a note, and data with bss;
 * sections .text, .symtab (7 symbols) and .strtab. */
#define TEXT_OFF 0x100
#define TEXT_VA 0x08048100u
#define DATA_OFF 0x140
#define DATA_VA 0x08049140u
#define PH0 EHDR
#define PH_DATA (EHDR + 2 * PHDR)
#define SYMTAB_OFF 0x150
#define NSYMS 7
#define STRTAB_OFF 0x1c0
#define SHOFF 0x200
#define SH_SYMTAB (SHOFF + 2 * SHDR)
#define SH_STRTAB (SHOFF + 3 * SHDR)
#define IMG_SIZE (SHOFF + 4 * SHDR)

/* Offsets of the symbol names in .strtab. Symbols: 1 "start", a function
 * over all of text; 2 "helper", a function of 8 bytes at text + 0x20;
 * 3 "data_obj", an object; 4 a section symbol; 5 "ext", undefined; 6
 * "absval", SHN_ABS. */
enum { N_START = 1, N_HELPER = 7, N_DATA = 14, N_EXT = 23, N_ABS = 27 };

extern uint8_t img[IMG_SIZE];

/* Little-endian stores, as ELFDATA2LSB files hold them. */
void put16(uint8_t *p, size_t off, uint32_t v);
void put32(uint8_t *p, size_t off, uint32_t v);
/* An executable's header with phnum program headers right after it. */
void ehdr(uint8_t *p, uint32_t entry, uint32_t phnum);
void phdr(uint8_t *p, size_t at, uint32_t type, uint32_t off, uint32_t va, uint32_t filesz,
	  uint32_t memsz, uint32_t flags);
/* (Re)builds the valid image in img. */
void build(void);
/* An image of n loadable 4 KiB segments, entry in the first; returns
 * its size. p must hold EHDR + n * PHDR bytes. */
size_t build_many(uint8_t *p, int n);

#endif
