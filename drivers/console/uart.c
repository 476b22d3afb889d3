/* The 16550 UART on COM1, interrupt-driven input and polled output. Facts
 * from the PC16550D datasheet: registers at base+0..7, LSR bit 0 = data
 * ready, bit 5 = transmit holding register empty; IER bit 0 = receive
 * interrupt. */
#include "console.h"
#include "x86.h"

#define RBR 0 /* receive buffer (read) / transmit holding (write) */
#define IER 1
#define FCR 2
#define LCR 3
#define MCR 4
#define LSR 5

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
	outb(COM1_BASE + IER, 0x01); /* interrupt when data arrives */
}

void uart_putc(char c)
{
	/* Bounded, so a stuck UART cannot wedge the console forever. */
	for (int i = 0; i < 100000 && !(inb(COM1_BASE + LSR) & 0x20); i++)
		;
	outb(COM1_BASE + RBR, (uint8_t)c);
}

int uart_getc(void)
{
	if (!(inb(COM1_BASE + LSR) & 0x01))
		return -1;
	return inb(COM1_BASE + RBR);
}
