/* The kernel's own output: polled writes to COM1 and to port 0xE9.
 *
 * This is deliberately separate from the console component: kernel
 * messages (boot, faults, panics) must work before any component exists,
 * with interrupts off, and in micro while the console server is dead. */
#include <stdarg.h>

#include "kernel.h"
#include "x86.h"

#define COM1     0x3F8
#define BOCHS_E9 0xE9

void early_serial_init(void)
{
	outb(COM1 + 1, 0x00); /* no interrupts until the console component asks */
	outb(COM1 + 3, 0x80); /* DLAB on to set the divisor */
	outb(COM1 + 0, 0x01); /* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03); /* 8N1, DLAB off */
	/* The FIFOs are left to the console component: switching them on
	 * clears them, and input may already be waiting (a pasted script). */
	outb(COM1 + 4, 0x0B); /* DTR, RTS, OUT2 (OUT2 gates the IRQ line on PCs) */
}

void kputc(char c)
{
	if (c == '\n')
		kputc('\r');
	/* Wait for the transmit holding register (LSR bit 5), but not forever:
	 * a missing UART must not hang a panic. */
	for (int i = 0; i < 100000 && !(inb(COM1 + 5) & 0x20); i++)
		;
	outb(COM1, (uint8_t)c);
	outb(BOCHS_E9, (uint8_t)c);
}

void kputs(const char *s)
{
	while (*s)
		kputc(*s++);
}

static void put_cb(char c, void *ctx)
{
	(void)ctx;
	kputc(c);
}

int kvprintf(const char *fmt, va_list ap)
{
	return vcbprintf(put_cb, NULL, fmt, ap);
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}
