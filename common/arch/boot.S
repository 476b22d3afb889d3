/* The Multiboot entry. GRUB jumps here in 32-bit protected mode with paging
 * off, EAX = magic, EBX = physical address of the multiboot info
 * (Multiboot Specification 0.6.96, section 3.2). We switch on paging with a
 * static page directory of 4 MiB pages that maps physical memory both at 0
 * (so the next instruction still runs) and at KERNBASE, jump to the higher
 * half, and call the C entry. */
#include "memlayout.h"

#define MB_MAGIC 0x1BADB002
#define MB_FLAGS 0x00000003 /* page-align modules; give us the memory map */

.section .multiboot, "a"
.align 4
	.long MB_MAGIC
	.long MB_FLAGS
	.long -(MB_MAGIC + MB_FLAGS)

/* PDE bits: present, writable, 4 MiB page (PS). */
#define PDE_4M 0x83
#define DIRECT_PDES (DIRECT_MAP_BYTES >> 22)

.section .data
.align 4096
.globl boot_pgdir
boot_pgdir:
	.long PDE_4M                      /* identity map of the first 4 MiB, dropped by vm_init */
	.fill (KERNBASE >> 22) - 1, 4, 0
	.set i, 0
	.rept DIRECT_PDES
	.long (i << 22) | PDE_4M
	.set i, i + 1
	.endr
	.fill 1024 - (KERNBASE >> 22) - DIRECT_PDES, 4, 0

.section .bss
.align 16
boot_stack:
	.skip KSTACK_SIZE
.globl boot_stack_top
boot_stack_top:

.section .text
/* GRUB finds the segment holding the ELF entry address and jumps to its
 * physical twin, so the entry is given as the (virtual) label itself; the
 * code below runs at the physical address until paging is on. */
.globl _start
_start:
	/* Page-size extension for the 4 MiB boot pages. */
	movl %cr4, %ecx
	orl $0x10, %ecx
	movl %ecx, %cr4
	movl $(boot_pgdir - KERNBASE), %ecx
	movl %ecx, %cr3
	/* PG and WP: WP so that ring 0 honours read-only pages too. EM: no
	 * thread's FPU state is saved, so x87 and SSE instructions must trap
	 * (#NM, #UD) and kill their program rather than corrupt another's
	 * registers (SDM 3A 2.5, 13.1). Everything is built without them. */
	movl %cr0, %ecx
	orl $0x80010004, %ecx
	andl $~0x2, %ecx
	movl %ecx, %cr0
	lea higher_half, %ecx
	jmp *%ecx
higher_half:
	movl $boot_stack_top, %esp
	xorl %ebp, %ebp  /* ends backtraces here */
	pushl %ebx       /* multiboot info (physical) */
	pushl %eax       /* magic */
	call kmain
1:	cli
	hlt
	jmp 1b
