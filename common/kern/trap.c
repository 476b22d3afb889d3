/* Where every exception and IRQ lands. A fault in ring 3 kills that
 * process with a readable message; a fault in ring 0 goes to the hosts'
 * fault policy (a component in the kernel panics, naming itself) and
 * otherwise panics. */
#include "abi/syscall.h"
#include "arch.h"
#include "cpu.h"
#include "elf.h"
#include "kernel.h"
#include "proc.h"
#include "service.h"

static const char *const exc_names[32] = {
	"divide error",
	"debug",
	"NMI",
	"breakpoint",
	"overflow",
	"bound range exceeded",
	"invalid opcode",
	"device not available (no FPU support)",
	"double fault",
	"reserved",
	"invalid TSS",
	"segment not present",
	"stack-segment fault",
	"general protection fault",
	"page fault",
	"reserved",
	"x87 floating-point error",
	"alignment check",
	"machine check",
	"SIMD floating-point error",
};

const char *trap_name(uint32_t n)
{
	if (n < 32 && exc_names[n])
		return exc_names[n];
	return n < 48 ? "unexpected interrupt" : "unknown trap";
}

/* The page-fault error code in words (SDM 3A 4.7). */
static void describe_pf(uint32_t err, char *buf, size_t n)
{
	snprintf(buf, n, "%s, %s%s", (err & 2) ? "write" : "read",
		 (err & 1) ? "protection violation" : "page not present",
		 (err & 16) ? ", instruction fetch" : "");
}

void trap_dump(const struct trapframe *tf)
{
	uint32_t off;
	const char *fn = tf_from_user(tf) ? "user" : ksym(tf->eip, &off);
	kprintf("  eip %08x", tf->eip);
	if (!tf_from_user(tf))
		kprintf(" <%s+%#x>", fn, off);
	kprintf("  err %08x  eflags %08x  cs %04x\n", tf->err, tf->eflags, tf->cs & 0xFFFF);
	kprintf("  eax %08x  ebx %08x  ecx %08x  edx %08x\n", tf->eax, tf->ebx, tf->ecx, tf->edx);
	kprintf("  esi %08x  edi %08x  ebp %08x  esp %08x\n", tf->esi, tf->edi, tf->ebp,
		tf_from_user(tf) ? tf->esp : (uint32_t)&tf->esp);
	if (tf->trapno == T_PGFLT)
		kprintf("  cr2 %08x\n", read_cr2());
	if (!tf_from_user(tf)) {
		/* Walk the frame pointers (the kernel keeps them) for context. */
		uint32_t *bp = (uint32_t *)tf->ebp;
		for (int i = 0; i < 8 && (uint32_t)bp >= KERNBASE && ((uint32_t)bp & 3) == 0; i++) {
			const char *s = ksym(bp[1], &off);
			kprintf("  called from %08x <%s+%#x>\n", bp[1], s, off);
			bp = (uint32_t *)bp[0];
		}
	}
}

/* Names the function in the user program around eip, from its ELF, so a
 * student sees `main+0x12` rather than a bare address. */
const char *user_symbol(struct proc *p, uint32_t eip, uint32_t *off);

static void user_fault(struct trapframe *tf)
{
	struct proc *p = current;
	char detail[80] = "";
	if (tf->trapno == T_PGFLT) {
		char what[64];
		describe_pf(tf->err, what, sizeof(what));
		snprintf(detail, sizeof(detail), " at 0x%08x (%s)", read_cr2(), what);
	}
	uint32_t off;
	const char *fn = user_symbol(p, tf->eip, &off);
	kprintf("pid %d (%s): %s%s, eip 0x%08x <%s+%#x> -- killed\n", p->pid, p->name,
		trap_name(tf->trapno), detail, tf->eip, fn ? fn : "?", fn ? off : 0);
	hosts_user_fault(p, tf);
	proc_exit(WAIT_KILLED | (int)tf->trapno);
}

void trap(struct trapframe *tf)
{
	uint32_t n = tf->trapno;
	if (n >= T_IRQ0 && n < T_IRQ0 + NIRQ) {
		int irq = (int)(n - T_IRQ0);
		if (irq == IRQ_TIMER) {
			pic_eoi(irq);
			sched_tick(tf);
			return;
		}
		if (pic_spurious(irq))
			return;
		pic_mask(irq);
		pic_eoi(irq);
		service_irq(irq);
		/* Let a woken driver run first: after an interrupt from ring 3,
		 * and after one that came while ring 0 had interrupts on, which
		 * is a ring-0 component's code (the rest of the kernel runs with
		 * them off) or the idle loop (which yields by itself once its
		 * hlt is over, and counts its halted time, so it is left to
		 * that). Without the second, a component
		 * that works without sleeping (the file system and the disk
		 * driver, whose interrupt has come before it waits for it)
		 * kept the CPU for a whole request, and the console took one
		 * byte of input per request: keys queued up in the emulator and
		 * were dropped when its buffer filled (Bochs: 16 scancodes). */
		int preemptible =
			tf_from_user(tf) || ((tf->eflags & EFLAGS_IF) && !sched_idle_running());
		if (preemptible && current->state == P_RUNNING)
			sched_yield();
		return;
	}
	if (tf_from_user(tf))
		user_fault(tf);
	hosts_kernel_fault(tf);
	kprintf("\nkernel fault: %s in ring 0 (pid %d, %s)\n", trap_name(n), current->pid,
		current->name);
	trap_dump(tf);
	panic("unrecoverable fault in the kernel");
}
