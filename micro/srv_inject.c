/* The server host's half of SYS_INJECT (common/kern/inject.c): where a
 * server keeps its component's code. A server's ELF (its boot module,
 * micro/runtime/server.ld) puts the component's text first, between
 * __comp_NAME_text_start and __comp_NAME_text_end (the link's aliases,
 * micro/servers.mk), found by name in the image's symbol table.
 *
 * The fault is written into the live instance's own text page through the
 * kernel's direct map of its frame: the page is read-only to the server,
 * not to the kernel. A restart loads the server again from its pristine
 * ELF into fresh frames, so the fault is gone after a restart, as in
 * MINIX. */
#include "abi/errno.h"
#include "elf.h"
#include "kernel.h"
#include "micro.h"
#include "mm.h"

static int bound(const struct server *s, const char *kind, const char *end, uint32_t *value)
{
	char name[48];
	snprintf(name, sizeof(name), "__comp_%s_%s_%s", s->name, kind, end);
	return elf_symbol_value(s->image, s->image_size, name, value) < 0 ? -ENOENT : 0;
}

int micro_inject_target(int comp, uint32_t *text, uint32_t *size, uint32_t *lo, uint32_t *hi)
{
	const struct server *s = &servers[comp];
	const struct proc *p = s->proc;
	uint32_t end;
	if (!s->image || !p || p->state == P_ZOMBIE || s->retired || !ipc_of(p)->registered)
		return -ESRCH;
	if (bound(s, "text", "start", text) < 0 || bound(s, "text", "end", &end) < 0 ||
	    end < *text || bound(s, "data", "start", lo) < 0)
		return -ENOENT;
	*size = end - *text;
	/* What a server can write: its data, bss and heap. */
	*hi = p->brk > *lo ? p->brk : *lo;
	return 0;
}

uint8_t *micro_inject_byte(int comp, uint32_t va)
{
	const struct proc *p = servers[comp].proc;
	if (!p)
		return NULL;
	uint32_t *pte = vm_pte(p->pgdir, va);
	/* Only a frame of its own: a borrowed one (device or shared memory)
	 * is not the server's code. */
	if (!pte || (*pte & (PTE_P | PTE_U | PTE_BORROWED)) != (PTE_P | PTE_U))
		return NULL;
	return (uint8_t *)P2V(PTE_ADDR(*pte)) + (va & (PAGE_SIZE - 1));
}
