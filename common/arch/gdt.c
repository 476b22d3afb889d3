/* The GDT and the one TSS. A flat model: every segment spans 4 GiB, so
 * protection comes from paging alone and the segments only set the ring. */
#include <stdint.h>

#include "arch.h"
#include "cpu.h"
#include "klib.h"

struct gdt_entry {
	uint16_t limit_lo, base_lo;
	uint8_t base_mid, access, flags_limit_hi, base_hi;
} __attribute__((packed));

struct tss tss __attribute__((aligned(16)));
static struct gdt_entry gdt[6];

static struct gdt_entry seg(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
	return (struct gdt_entry){
		.limit_lo = limit & 0xFFFF,
		.base_lo = base & 0xFFFF,
		.base_mid = (base >> 16) & 0xFF,
		.access = access,
		.flags_limit_hi = (uint8_t)((flags << 4) | ((limit >> 16) & 0x0F)),
		.base_hi = (base >> 24) & 0xFF,
	};
}

void gdt_init(void)
{
	/* Access bytes (SDM 3A 3.4.5): present, DPL, code/data, type. Flags:
	 * 4 KiB granularity, 32-bit. */
	gdt[0] = seg(0, 0, 0, 0);
	gdt[1] = seg(0, 0xFFFFF, 0x9A, 0xC); /* ring-0 code */
	gdt[2] = seg(0, 0xFFFFF, 0x92, 0xC); /* ring-0 data (stack) */
	gdt[3] = seg(0, 0xFFFFF, 0xFA, 0xC); /* ring-3 code */
	gdt[4] = seg(0, 0xFFFFF, 0xF2, 0xC); /* ring-3 data */
	/* An available 32-bit TSS, byte granular, limit covering the I/O bitmap
	 * and its closing 0xFF byte. */
	gdt[5] = seg((uint32_t)&tss, sizeof(tss) - 1, 0x89, 0x0);

	memset(&tss, 0, sizeof(tss));
	tss.ss0 = KERNEL_DS;
	tss.iomap_base = IOMAP_OFF;
	memset(tss.iopb, 0xFF, sizeof(tss.iopb));

	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) gdtr = {sizeof(gdt) - 1, (uint32_t)gdt};

	__asm__ volatile("lgdt %0\n\t"
			 "ljmp %1, $1f\n"
			 "1:\n\t"
			 "movw %w2, %%ss\n\t"
			 "movw %w3, %%ds\n\t"
			 "movw %w3, %%es\n\t"
			 "movw %w3, %%fs\n\t"
			 "movw %w3, %%gs"
			 :
			 : "m"(gdtr), "i"(KERNEL_CS), "r"(KERNEL_DS), "r"(USER_DS)
			 : "memory");
	ltr(TSS_SEL);
}
