/* The console component: one terminal made of COM1 (the main console), the
 * VGA text screen and the PS/2 keyboard. Output goes to both screens;
 * input from either device feeds the line discipline and the readers of
 * the character-device library (common/comp/chardev.c), which also
 * answers the console protocol. What is left here is the devices. */
#include "chardev.h"
#include "component.h"
#include "console.h"
#include "klib.h"
#include "x86.h"

static void put(const char *buf, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		if (buf[i] == '\n')
			uart_putc('\r');
		uart_putc(buf[i]);
		vga_putc(buf[i]);
	}
}

static const struct chardev_ops ops = {.put = put};

/* Input the UART took in while output waited for it (uart.c). */
static void drain_held_input(void)
{
	int c;
	while ((c = uart_getc()) >= 0)
		chardev_input(c);
}

static void console_irq(int line)
{
	if (line == COM1_IRQ) {
		uart_service();
		drain_held_input();
	} else if (line == KBD_IRQ) {
		while (inb(KBD_STATUS) & 0x01) {
			int c = kbd_translate(inb(KBD_DATA));
			if (c >= 0)
				chardev_input(c);
		}
	}
	irq_ack(line);
	chardev_input_done();
}

static void console_handle(struct msg *m)
{
	chardev_handle(m);
	/* A write that waited for the UART may have held input back. */
	drain_held_input();
	chardev_input_done();
}

static void early_input(int c)
{
	chardev_input(c);
}

static int console_init(void)
{
	chardev_init(&ops);
	uart_init(early_input);
	/* Empty the keyboard controller's output buffer. */
	while (inb(KBD_STATUS) & 0x01)
		(void)inb(KBD_DATA);
	int r = vga_init();
	irq_ack(COM1_IRQ);
	irq_ack(KBD_IRQ);
	return r;
}

static const struct component console = {
	.name = "console",
	.serves = {{SVC_CONSOLE, console_handle}},
	.init = console_init,
	.irq = console_irq,
	.ports = {{COM1_BASE, 8}, {KBD_DATA, 1}, {KBD_STATUS, 1}, {VGA_CRTC, 2}},
	.irqs = {COM1_IRQ, KBD_IRQ},
	.mmio = {{VGA_TEXT_PA, 80 * 25 * 2}},
	/* Ctrl-C asks the kernel's process service to stop the foreground
	 * program (common/comp/chardev.c). */
	.calls = SVC_BIT(SVC_PROC),
};
COMPONENT(console);
