/* Where things are in every address space. The kernel is mapped in the top
 * quarter of each one (a higher-half kernel), so a system call needs no
 * address-space switch, and user programs own [USER_BASE, USER_TOP). */
#ifndef MEMLAYOUT_H
#define MEMLAYOUT_H

#define KERNBASE 0xC0000000u /* physical 0 appears here */
#define KERNLOAD 0x00100000u /* GRUB loads the kernel at 1 MiB */
/* Physical memory mapped at KERNBASE with 4 MiB pages. The boot code maps
 * this much; pmm ignores RAM above it. */
#define DIRECT_MAP_BYTES (256u << 20)
/* Device memory mapped for components in ring 0 (mmio_map), right above
 * the direct map: its page tables exist from boot, so every address space
 * shares them. */
#define DEVWIN_BASE  (KERNBASE + DIRECT_MAP_BYTES)
#define DEVWIN_BYTES (16u << 20)

#define PAGE_SIZE      4096u
#define PAGE_SHIFT     12
#define PGROUNDUP(a)   (((a) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1))
#define PGROUNDDOWN(a) ((a) & ~(PAGE_SIZE - 1))

#define USER_BASE        0x00400000u /* user programs are linked here (user/user.ld) */
#define USER_TOP         0xBF000000u /* first address above user memory */
#define USER_STACK_TOP   0xBF000000u
#define USER_STACK_PAGES 32          /* 128 KiB, mapped at spawn */
#define USER_HEAP_MAX    0x90000000u /* sbrk may not pass this (servers map devices above) */

#define KSTACK_SIZE 8192u /* per-thread kernel stack */

#ifndef __ASSEMBLER__
#include <stdint.h>
#define P2V(pa) ((void *)((uint32_t)(pa) + KERNBASE))
#define V2P(va) ((uint32_t)(va)-KERNBASE)
#endif

#endif
