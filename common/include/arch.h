/* The x86 protected-mode structures both kernels share: segments, the TSS,
 * the IDT and the trap frame. Facts from the Intel SDM vol. 3A, chapters 3
 * (segments), 6 (interrupts) and 7 (task management). */
#ifndef ARCH_H
#define ARCH_H

#include <stdint.h>

/* Selectors. Every data segment register holds USER_DS, in ring 0 too: a
 * DPL-3 flat segment is usable by ring 0, so no trap ever reloads DS/ES and
 * an iret to ring 3 never finds a segment it must null (SDM 3A 5.8.6). */
#define KERNEL_CS 0x08
#define KERNEL_DS 0x10 /* only SS in ring 0 */
#define USER_CS   0x1B
#define USER_DS   0x23
#define TSS_SEL   0x28

/* The registers saved on a trap, in push order reversed: pushal, then the
 * stub's vector and error code, then what the CPU pushed. esp and ss are
 * present only when the trap came from ring 3. */
struct trapframe {
	uint32_t edi, esi, ebp, oesp, ebx, edx, ecx, eax;
	uint32_t trapno, err;
	uint32_t eip, cs, eflags;
	uint32_t esp, ss;
};

static inline int tf_from_user(const struct trapframe *tf)
{
	return (tf->cs & 3) == 3;
}

#define T_DIVIDE  0
#define T_DEBUG   1
#define T_NMI     2
#define T_BRKPT   3
#define T_OFLOW   4
#define T_BOUND   5
#define T_ILLOP   6
#define T_DEVICE  7
#define T_DBLFLT  8
#define T_TSS     10
#define T_SEGNP   11
#define T_STACK   12
#define T_GPFLT   13
#define T_PGFLT   14
#define T_FPERR   16
#define T_ALIGN   17
#define T_MCHK    18
#define T_SIMD    19
#define T_IRQ0    32
#define T_SYSCALL 0x80

#define NIRQ      16
#define IRQ_TIMER 0
#define IRQ_KBD   1
#define IRQ_COM1  4
#define IRQ_ATA   14

/* The I/O permission bitmap covers every port; one bit per port, 1 = denied
 * (SDM 3A 18.5.2). The byte after it must be 0xFF. */
#define IOPB_BYTES 8192

struct tss {
	uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2;
	uint32_t cr3, eip, eflags, eax, ecx, edx, ebx, esp, ebp, esi, edi;
	uint32_t es, cs, ss, ds, fs, gs, ldt;
	uint16_t trap, iomap_base;
	uint8_t iopb[IOPB_BYTES + 1];
} __attribute__((packed));

extern struct tss tss;
/* iomap_base values: the bitmap in force, or one past the TSS limit so that
 * every port is denied without touching the bitmap. */
#define IOMAP_ON  ((uint16_t) __builtin_offsetof(struct tss, iopb))
#define IOMAP_OFF ((uint16_t)sizeof(struct tss))

void gdt_init(void);
void idt_init(void);
/* Puts the system-call gate that looks for a killed caller on its way
 * back to ring 3 (on), or the plain one (vectors.S). */
void idt_syscall_kill_check(int on);
void pic_init(void);
void pic_mask(int irq);
void pic_unmask(int irq);
void pic_eoi(int irq);
int pic_spurious(int irq);
void pit_init(uint32_t hz);

/* Entered from the assembly stubs. */
void trap(struct trapframe *tf);
/* Returns to whatever tf describes; the tail of every trap. */
void trapret(void);
const char *trap_name(uint32_t trapno);
void trap_dump(const struct trapframe *tf);

#endif
