/* The IDT: exceptions and IRQs as interrupt gates (so the kernel runs with
 * interrupts off, see docs/), and the system call gate open to ring 3. */
#include <stdint.h>

#include "arch.h"

struct idt_gate {
	uint16_t off_lo, sel;
	uint8_t zero, type_attr;
	uint16_t off_hi;
} __attribute__((packed));

static struct idt_gate idt[256];
extern const uint32_t vector_table[48];
extern void vector128(void), vector128_kill(void);

static void set_gate(int n, uint32_t handler, int dpl)
{
	/* 0x8E: present, 32-bit interrupt gate (IF cleared on entry). */
	idt[n] = (struct idt_gate){
		.off_lo = handler & 0xFFFF,
		.sel = KERNEL_CS,
		.zero = 0,
		.type_attr = (uint8_t)(0x8E | (dpl << 5)),
		.off_hi = handler >> 16,
	};
}

/* The CPU reads a gate at each interrupt: the new one is in force for
 * the next int 0x80 (one CPU, interrupts off while we write it). */
void idt_syscall_kill_check(int on)
{
	set_gate(T_SYSCALL, (uint32_t)(on ? vector128_kill : vector128), 3);
}

void idt_init(void)
{
	for (int i = 0; i < 48; i++)
		set_gate(i, vector_table[i], 0);
	/* Breakpoints may come from user programs (int3) too. */
	set_gate(T_BRKPT, vector_table[T_BRKPT], 3);
	set_gate(T_SYSCALL, (uint32_t)vector128, 3);

	struct {
		uint16_t limit;
		uint32_t base;
	} __attribute__((packed)) idtr = {sizeof(idt) - 1, (uint32_t)idt};
	__asm__ volatile("lidt %0" : : "m"(idtr));
}
