/* kmain: brings up the shared hardware layer in dependency order, then
 * hands over to the flavour (mono/ or micro/) to start its services and
 * init, and finally starts scheduling. */
#include "arch.h"
#include "cpu.h"
#include "flavour.h"
#include "initrd.h"
#include "kernel.h"
#include "mm.h"
#include "multiboot.h"
#include "proc.h"

struct bootmod bootmods[MAX_BOOTMODS];
int nbootmods;

void syscall_init(void);

const struct bootmod *bootmod_find(const char *name)
{
	for (int i = 0; i < nbootmods; i++)
		if (strcmp(bootmods[i].name, name) == 0)
			return &bootmods[i];
	return NULL;
}

/* Copies the module list out of the Multiboot info, which lives in memory
 * the frame allocator would otherwise hand out. Module command lines are
 * short strings; they are copied too. */
static void collect_modules(const struct multiboot_info *mbi)
{
	static char names[MAX_BOOTMODS][32];
	if (!(mbi->flags & MB_INFO_MODS))
		return;
	const struct multiboot_module *m = P2V(mbi->mods_addr);
	for (uint32_t i = 0; i < mbi->mods_count && nbootmods < MAX_BOOTMODS; i++) {
		const char *s = m[i].string ? P2V(m[i].string) : "";
		/* GRUB passes the whole command line; the first word after the
		 * path is the module's name in our grub.cfg. */
		const char *sp = strchr(s, ' ');
		strlcpy(names[nbootmods], sp ? sp + 1 : s, sizeof(names[0]));
		bootmods[nbootmods] =
			(struct bootmod){m[i].mod_start, m[i].mod_end, names[nbootmods]};
		nbootmods++;
	}
}

void kmain(uint32_t magic, uint32_t mbi_pa)
{
	early_serial_init();
	kprintf("\nteachos (%s kernel) booting\n", flavour_name);
	if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
		panic("not started by a Multiboot loader (magic %#x)", magic);
	const struct multiboot_info *mbi = P2V(mbi_pa);

	gdt_init();
	idt_init();
	pic_init();
	collect_modules(mbi);
	pmm_init(mbi);
	vm_init();
	kheap_init();
	initrd_init();
	syscall_init();
	sched_init();
	kprintf("memory: %u KiB free of %u KiB; %d boot modules\n", pmm_free_frames() * 4,
		pmm_total_frames() * 4, nbootmods);

	flavour_start();
	pit_init(HZ);
	sched_start();
}
