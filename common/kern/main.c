/* kmain: brings up the shared hardware layer in dependency order, starts
 * init, then each host linked in (mono/'s for components in ring 0,
 * micro/'s for servers) starts the components placed with it, and
 * finally scheduling starts. */
#include "arch.h"
#include "cpu.h"
#include "initrd.h"
#include "kernel.h"
#include "mm.h"
#include "multiboot.h"
#include "pci.h"
#include "proc.h"
#include "service.h"

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
	kprintf("\nteachos (%s kernel) booting\n", kernel_name);
	if (magic != MULTIBOOT_BOOTLOADER_MAGIC)
		panic("not started by a Multiboot loader (magic %#x)", magic);
	const struct multiboot_info *mbi = P2V(mbi_pa);

	gdt_init();
	idt_init();
	pic_init();
	collect_modules(mbi);
	pmm_init(mbi);
	vm_init();
	initrd_init();
	pci_init();
	service_init();
	sched_init();
	kprintf("memory: %u KiB free of %u KiB; %d boot modules\n", pmm_free_frames() * 4,
		pmm_total_frames() * 4, nbootmods);

	proc_start_init();
	service_start();
	/* After the hosts have bound their own services (the reincarnation
	 * server's), so SYS_CALL's entry sees every transport. */
	syscall_init();
	pit_init(HZ);
	sched_start();
}
