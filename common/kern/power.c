/* Stopping the machine, and panic. */
#include <stdarg.h>

#include "cpu.h"
#include "kernel.h"
#include "x86.h"

void machine_poweroff(int code)
{
	cli();
	/* QEMU's isa-debug-exit device (present when started with
	 * -device isa-debug-exit,iobase=0xf4): exit status (code << 1) | 1. */
	outb(0xF4, (uint8_t)code);
	/* QEMU's PIIX4 ACPI PM1a control: SLP_TYPa 0 | SLP_EN. */
	outw(0x604, 0x2000);
	/* Bochs (and old QEMU): the string "Shutdown" on port 0x8900. */
	for (const char *s = "Shutdown"; *s; s++)
		outb(0x8900, (uint8_t)*s);
	outw(0xB004, 0x2000);
	kputs("poweroff: no way to power off found; halted\n");
	for (;;)
		hlt();
}

void panic(const char *fmt, ...)
{
	static int nested;
	cli();
	if (nested++)
		machine_poweroff(POWEROFF_PANIC);
	va_list ap;
	va_start(ap, fmt);
	kputs("\nkernel panic: ");
	kvprintf(fmt, ap);
	kputs("\n");
	va_end(ap);
	machine_poweroff(POWEROFF_PANIC);
}
