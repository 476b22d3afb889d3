/* Function names for addresses, from ELF symbol tables: the kernel's own
 * (GRUB loads the kernel file a second time as the module "ksyms", since
 * Multiboot does not promise to load .symtab) and a user program's. */
#include "elf.h"
#include "kernel.h"
#include "mm.h"
#include "proc.h"

const char *ksym(uint32_t addr, uint32_t *offset)
{
	const struct bootmod *m = bootmod_find("ksyms");
	*offset = 0;
	if (!m)
		return "?";
	const char *s = elf_symbol(P2V(m->start), m->end - m->start, addr, offset);
	return s ? s : "?";
}

const char *user_symbol(struct proc *p, uint32_t eip, uint32_t *off)
{
	*off = 0;
	if (!p->image)
		return NULL;
	return elf_symbol(p->image, p->image_size, eip, off);
}
