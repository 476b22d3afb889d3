/* Physical frames, address spaces, checked copies, and the few multi-page
 * buffers the kernel allocates (kpages_alloc; it keeps no heap). */
#ifndef MM_H
#define MM_H

#include <stddef.h>
#include <stdint.h>

#include "memlayout.h"

struct multiboot_info;

/* Physical frames (4 KiB). Returns physical addresses; 0 means none (frame 0
 * is never handed out: it holds the real-mode IVT and BIOS data). */
void pmm_init(const struct multiboot_info *mbi);
uint32_t pmm_alloc(void);
uint32_t pmm_alloc_zeroed(void);
/* n physically contiguous frames aligned to align frames, for kernel stacks
 * and DMA. */
uint32_t pmm_alloc_contig(uint32_t n, uint32_t align);
void pmm_free(uint32_t pa);
void pmm_free_contig(uint32_t pa, uint32_t n);
uint32_t pmm_total_frames(void);
uint32_t pmm_free_frames(void);
/* A reserve that ordinary allocations leave alone, so that restarting a
 * server never fails because programs took all memory (micro sets one at
 * boot; mono keeps none). Frames and process slots (proc_set_reserve) come
 * out of it only between reserve_enter() and reserve_leave(). */
void pmm_set_reserve(uint32_t frames);
void reserve_enter(void);
void reserve_leave(void);
int reserve_active(void);

/* Page table entry bits (SDM 3A 4.3). */
#define PTE_P   0x001
#define PTE_W   0x002
#define PTE_U   0x004
#define PTE_PWT 0x008 /* write-through */
#define PTE_PCD 0x010 /* cache disabled: device registers */
#define PTE_PS  0x080
#define PTE_G   0x100
/* Software bit: the frame is not ours to free (device or shared memory). */
#define PTE_BORROWED 0x200
#define PTE_ADDR(e)  ((e) & ~0xFFFu)

/* A page directory, as a kernel virtual address. The kernel's half (from
 * KERNBASE up) is the same in every directory. */
typedef uint32_t pde_t;

void vm_init(void);
pde_t *vm_kernel_pgdir(void);
pde_t *vm_new_space(void);        /* NULL if out of memory */
void vm_free_space(pde_t *pgdir); /* frees every owned user page */
void vm_switch(pde_t *pgdir);     /* loads CR3 if it differs */
/* Maps one page; allocates the page table. 0 or -ENOMEM. */
int vm_map(pde_t *pgdir, uint32_t va, uint32_t pa, uint32_t flags);
/* Maps fresh zeroed frames over [va, va+len). 0 or -ENOMEM (partial maps
 * stay and are freed with the space). */
int vm_alloc_range(pde_t *pgdir, uint32_t va, uint32_t len, uint32_t flags);
void vm_unmap_range(pde_t *pgdir, uint32_t va, uint32_t len);
/* The PTE of va, or NULL when no page table covers it. */
uint32_t *vm_pte(pde_t *pgdir, uint32_t va);
/* Bytes of user memory mapped. */
uint32_t vm_user_bytes(pde_t *pgdir);
/* Maps device memory at physical pa (anywhere in the 4 GiB, above the
 * direct map too) into the kernel's device window, uncached, in every
 * address space at once. NULL when the window is full. */
void *vm_map_device(uint32_t pa, uint32_t len);

/* Checked copies between the kernel and any address space, current or not,
 * through the direct map: every page is looked up with the user bit (and
 * the write bit for copies into user memory), so a bad pointer is -EFAULT,
 * never a kernel fault. */
int copy_from_user(pde_t *pgdir, void *dst, uint32_t usrc, uint32_t len);
int copy_to_user(pde_t *pgdir, uint32_t udst, const void *src, uint32_t len);
/* Copies between two address spaces (grants in micro), page by page. */
int copy_between(pde_t *dpg, uint32_t udst, pde_t *spg, uint32_t usrc, uint32_t len);
/* Any of the four: a NULL space is ring-0 memory (an address the kernel
 * trusts), any other is checked as user memory. Inline: every grant copy
 * of every placement goes through it. */
void *memcpy(void *dst, const void *src, size_t n);
static inline int space_copy(pde_t *dst_space, uint32_t dst, pde_t *src_space, uint32_t src,
			     uint32_t len)
{
	if (!dst_space && !src_space) {
		memcpy((void *)dst, (const void *)src, len);
		return 0;
	}
	if (!dst_space)
		return copy_from_user(src_space, (void *)dst, src, len);
	if (!src_space)
		return copy_to_user(dst_space, dst, (const void *)src, len);
	return copy_between(dst_space, dst, src_space, src, len);
}
/* A user C string of at most max bytes including the NUL: its length, or
 * -EFAULT, or -ENAMETOOLONG. */
int copy_str_from_user(pde_t *pgdir, char *dst, uint32_t usrc, uint32_t max);
/* Whether every page of [uaddr, uaddr+len) is mapped for the user, and
 * writable if write is set: how both kernels check a grant when the call
 * is made, so that a bad buffer fails the call before anything happens. */
int user_range_mapped(pde_t *pgdir, uint32_t uaddr, uint32_t len, int write);
/* The kernel address of a user message buffer (struct msg, 64 bytes) if
 * it lies in one page mapped for the user (writable if write), else NULL:
 * the IPC path resolves each buffer once, with one page walk, and then
 * copies straight into it. A buffer that straddles pages gets NULL and the
 * caller falls back to copy_to_user/copy_from_user. */
/* The kernel address of user address uaddr if its page is present, user
 * accessible and (for writes) writable; NULL otherwise. Inline: every
 * message and every grant copy walks this, and calls of a function that
 * called vm_pte cost as much again as the walk. */
static inline uint8_t *user_page_kva(pde_t *pgdir, uint32_t uaddr, int write)
{
	uint32_t need = PTE_P | PTE_U | (write ? PTE_W : 0);
	pde_t e = pgdir[uaddr >> 22];
	if (!(e & PTE_P) || (e & PTE_PS))
		return NULL;
	uint32_t pte = ((const uint32_t *)P2V(PTE_ADDR(e)))[(uaddr >> 12) & 0x3FF];
	if ((pte & need) != need)
		return NULL;
	return (uint8_t *)P2V(PTE_ADDR(pte)) + (uaddr & (PAGE_SIZE - 1));
}

static inline void *user_msg_kva(pde_t *pgdir, uint32_t uaddr, int write)
{
	if (uaddr >= USER_TOP || (uaddr & (PAGE_SIZE - 1)) > PAGE_SIZE - 64)
		return NULL;
	return user_page_kva(pgdir, uaddr, write);
}
/* Whether [uaddr, uaddr+len) lies inside user space without wrapping. */
static inline int user_range_ok(uint32_t uaddr, uint32_t len)
{
	return uaddr < USER_TOP && len <= USER_TOP - uaddr;
}

/* Kernel memory of a few pages or more, physically contiguous and reached
 * through the direct map: what the kernel itself allocates (copies of
 * program images). The kernel keeps no general heap: the little it holds
 * besides is static. NULL if no run of frames is free. */
void *kpages_alloc(uint32_t bytes);
void kpages_free(void *p, uint32_t bytes);
/* Bytes (whole pages) and buffers kpages_alloc has out now. */
void kpages_usage(uint32_t *bytes, uint32_t *blocks);

#endif
