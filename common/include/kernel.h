/* Kernel-wide services of the shared layer: console output, panic, the
 * boot information and the tick count. (What the hosts of mono/ and
 * micro/ provide to the shared code is in service.h.) Components never
 * include this. */
#ifndef KERNEL_H
#define KERNEL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "klib.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define NORETURN      __attribute__((noreturn))

/* Early console: COM1 (polled) and Bochs' port 0xE9, usable from the first
 * instruction of kmain and from any context, including a panic. */
void early_serial_init(void);
void kputc(char c);
void kputs(const char *s);
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);

NORETURN void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define KASSERT(c)                                                                                 \
	do {                                                                                       \
		if (!(c))                                                                          \
			panic("assertion failed: %s at %s:%d", #c, __FILE__, __LINE__);            \
	} while (0)

/* Stops the machine: QEMU's isa-debug-exit (status (code << 1) | 1), then
 * QEMU's ACPI port, then Bochs' shutdown port. */
NORETURN void machine_poweroff(int code);
#define POWEROFF_CLEAN 0 /* QEMU exits with status 1 */
#define POWEROFF_PANIC 1 /* QEMU exits with status 3 */

/* A loaded Multiboot module. */
struct bootmod {
	uint32_t start, end; /* physical */
	const char *name;    /* its command line, e.g. "initrd" */
};
#define MAX_BOOTMODS 16
extern struct bootmod bootmods[MAX_BOOTMODS];
extern int nbootmods;
const struct bootmod *bootmod_find(const char *name);

/* Names the kernel function containing addr ("?" if unknown), from the
 * kernel's own ELF, which GRUB loads as the module "ksyms". */
const char *ksym(uint32_t addr, uint32_t *offset);

extern volatile uint32_t ticks; /* timer interrupts since boot */
extern uint64_t idle_tsc;       /* time-stamp counter ticks spent halted (sched.c) */

#endif
