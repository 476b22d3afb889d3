/* The 16550 UART on COM1: interrupt-driven input, and output that waits
 * for the transmitter the way a driver waits for any device. Facts from
 * the PC16550D datasheet: registers at base+0..7; LSR bit 0 = data ready,
 * bit 5 = transmit holding register empty (THRE); IER bit 0 = interrupt
 * on received data, bit 1 = on THRE; reading IIR acknowledges a THRE
 * interrupt.
 *
 * When the far end stops reading (QEMU's host side full), THRE stays 0
 * for as long as it likes. That is flow control, not a hang: the driver
 * waits in irq_wait (the kernels do not count waiting for a device as
 * being stuck), in short slices, so a THRE interrupt that came while the
 * line was masked is never waited for in vain. Input that arrives
 * meanwhile is taken off the UART (or it would hold the interrupt) and
 * kept here until the console feeds it to the line discipline. */
#include "component.h"
#include "console.h"
#include "x86.h"

#define RBR 0 /* receive buffer (read) / transmit holding (write) */
#define IER 1
#define IIR 2 /* read: interrupt identification; write: FCR */
#define FCR 2
#define LCR 3
#define MCR 4
#define LSR 5

#define IER_RX   0x01
#define IER_THRE 0x02

/* Polls of LSR before waiting for the THRE interrupt: a free transmitter
 * answers on the first. */
#define THRE_POLLS 64
/* The slice of one wait for THRE, in ms. */
#define THRE_WAIT_MS 10

#define HELD 512
static uint8_t held[HELD];
static uint32_t held_head, held_tail;

void uart_init(void (*early_input)(int c))
{
	outb(COM1_BASE + LCR, 0x80); /* DLAB: divisor follows */
	outb(COM1_BASE + 0, 1);      /* 115200 baud */
	outb(COM1_BASE + 1, 0);
	outb(COM1_BASE + LCR, 0x03); /* 8N1 */
	/* The FIFOs stay off. Switching them on empties them, and input may
	 * already be waiting (a script piped in before boot); with them off
	 * the UART holds one byte and the sender waits until we take it, so
	 * nothing is ever dropped, at the price of one interrupt per byte. */
	outb(COM1_BASE + FCR, 0x00);
	while (inb(COM1_BASE + LSR) & 0x01)
		early_input(inb(COM1_BASE + RBR));
	outb(COM1_BASE + MCR, 0x0B); /* DTR, RTS, OUT2: OUT2 connects the IRQ line */
	outb(COM1_BASE + IER, IER_RX);
}

/* Takes what the UART has received into the held queue; when the queue
 * is full, the byte stays in the UART (and the sender waits). */
void uart_service(void)
{
	(void)inb(COM1_BASE + IIR); /* acknowledges a THRE interrupt */
	while (held_head - held_tail < HELD && (inb(COM1_BASE + LSR) & 0x01))
		held[held_head++ % HELD] = inb(COM1_BASE + RBR);
}

void uart_putc(char c)
{
	for (int i = 0; i < THRE_POLLS; i++) {
		if (inb(COM1_BASE + LSR) & 0x20) {
			outb(COM1_BASE + RBR, (uint8_t)c);
			return;
		}
	}
	/* The far end is not reading: wait for the transmitter. */
	outb(COM1_BASE + IER, IER_RX | IER_THRE);
	while (!(inb(COM1_BASE + LSR) & 0x20)) {
		if (irq_wait(COM1_IRQ, THRE_WAIT_MS) == 0) {
			uart_service();
			irq_ack(COM1_IRQ);
		}
	}
	outb(COM1_BASE + IER, IER_RX);
	outb(COM1_BASE + RBR, (uint8_t)c);
}

int uart_getc(void)
{
	if (held_tail != held_head)
		return held[held_tail++ % HELD];
	if (!(inb(COM1_BASE + LSR) & 0x01))
		return -1;
	return inb(COM1_BASE + RBR);
}
