/* The Multiboot 1 information structure, as GRUB hands it to the kernel.
 * Facts from the Multiboot Specification version 0.6.96, section 3.3. */
#ifndef MULTIBOOT_H
#define MULTIBOOT_H

#include <stdint.h>

#define MULTIBOOT_BOOTLOADER_MAGIC 0x2BADB002

#define MB_INFO_MEMORY  0x001
#define MB_INFO_CMDLINE 0x004
#define MB_INFO_MODS    0x008
#define MB_INFO_MEM_MAP 0x040

struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower, mem_upper; /* KiB below 1 MiB and above it */
	uint32_t boot_device;
	uint32_t cmdline; /* physical address of a C string */
	uint32_t mods_count, mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length, mmap_addr;
	/* later fields unused */
} __attribute__((packed));

struct multiboot_module {
	uint32_t mod_start, mod_end; /* physical, end exclusive */
	uint32_t string;             /* physical address of the module's command line */
	uint32_t reserved;
} __attribute__((packed));

/* `size` does not count itself: the next entry is at (char *)e + e->size + 4. */
struct multiboot_mmap_entry {
	uint32_t size;
	uint64_t addr, len;
	uint32_t type; /* 1 = available RAM */
} __attribute__((packed));

#endif
