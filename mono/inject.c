/* The ring-0 host's half of SYS_INJECT (common/kern/inject.c): where a
 * component linked into the kernel keeps its code. Its text lies between
 * __comp_NAME_text_start and __comp_NAME_text_end of the kernel's own
 * link (common/arch/kernel.ld), found by name in the kernel's symbol
 * table (the "ksyms" boot module), so the host needs no list of them.
 *
 * The fault is written straight into the kernel's copy of the code: the
 * direct map that holds the kernel is made of writable 4 MiB pages
 * (common/arch/boot.S), so CR0.WP stops nothing here. That ring-0 code is
 * writable by any ring-0 code is the point of the lesson: a wild store of
 * any component can do the same. */
#include "abi/errno.h"
#include "elf.h"
#include "kernel.h"
#include "mm.h"
#include "mono.h"

static int bound(const char *comp, const char *end, uint32_t *value)
{
	const struct bootmod *m = bootmod_find("ksyms");
	char name[48];
	if (!m)
		return -ENOENT;
	snprintf(name, sizeof(name), "__comp_%s_text_%s", comp, end);
	return elf_symbol_value(P2V(m->start), m->end - m->start, name, value) < 0 ? -ENOENT : 0;
}

int mono_inject_target(int comp, uint32_t *text, uint32_t *size, uint32_t *lo, uint32_t *hi)
{
	const struct mcomp *mc = &mcomps[comp];
	uint32_t end;
	if (!mc->c || !mc->ready || mc->dead)
		return -ESRCH;
	if (bound(mc->c->name, "start", text) < 0 || bound(mc->c->name, "end", &end) < 0 ||
	    end < *text)
		return -ENOENT;
	*size = end - *text;
	/* What a ring-0 component can write: all of the kernel's memory, the
	 * kernel image and the direct map of the RAM above it. */
	uint64_t top = (uint64_t)KERNLOAD + (uint64_t)pmm_total_frames() * PAGE_SIZE;
	*lo = KERNBASE + KERNLOAD;
	*hi = KERNBASE + (uint32_t)(top < DIRECT_MAP_BYTES ? top : DIRECT_MAP_BYTES);
	return 0;
}

uint8_t *mono_inject_byte(int comp, uint32_t va)
{
	(void)comp;
	return (uint8_t *)va;
}
