/* The two 8259A PICs, remapped so IRQ 0-15 arrive as vectors 32-47 and do
 * not collide with CPU exceptions. Facts from the Intel 8259A datasheet
 * (ICW1-ICW4, OCW1-OCW2). */
#include "arch.h"
#include "x86.h"

#define PIC1_CMD  0x20
#define PIC1_DATA 0x21
#define PIC2_CMD  0xA0
#define PIC2_DATA 0xA1
#define PIC_EOI   0x20

/* Every line starts masked but the cascade; a line opens when its owner asks. */
static uint16_t mask = 0xFFFB;

static void apply(void)
{
	outb(PIC1_DATA, mask & 0xFF);
	outb(PIC2_DATA, mask >> 8);
}

void pic_init(void)
{
	outb(PIC1_CMD, 0x11); /* ICW1: edge triggered, cascade, ICW4 follows */
	outb(PIC2_CMD, 0x11);
	outb(PIC1_DATA, T_IRQ0); /* ICW2: vector base */
	outb(PIC2_DATA, T_IRQ0 + 8);
	outb(PIC1_DATA, 1 << 2); /* ICW3: slave on IRQ 2 */
	outb(PIC2_DATA, 2);      /* ICW3: slave identity */
	outb(PIC1_DATA, 0x01);   /* ICW4: 8086 mode */
	outb(PIC2_DATA, 0x01);
	apply();
}

void pic_mask(int irq)
{
	mask |= (uint16_t)(1u << irq);
	apply();
}

void pic_unmask(int irq)
{
	mask &= (uint16_t) ~(1u << irq);
	apply();
}

void pic_eoi(int irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, PIC_EOI);
	outb(PIC1_CMD, PIC_EOI);
}

/* A spurious IRQ 7 or 15 (a request withdrawn before the CPU took it) has
 * no in-service bit; it must not be acknowledged, except that a spurious
 * 15 still needs an EOI at the master for the cascade. (8259A datasheet,
 * OCW3 reads the ISR.) */
int pic_spurious(int irq)
{
	if (irq != 7 && irq != 15)
		return 0;
	uint16_t cmd = irq == 7 ? PIC1_CMD : PIC2_CMD;
	outb(cmd, 0x0B);
	if (inb(cmd) & 0x80)
		return 0;
	if (irq == 15)
		outb(PIC1_CMD, PIC_EOI);
	return 1;
}
