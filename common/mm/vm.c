/* Address spaces: two-level i386 page tables (SDM 3A 4.3). The kernel half
 * of every directory points at the same 4 MiB direct-map entries, so they
 * never need copying after creation. User pages are 4 KiB and owned by
 * their space unless marked PTE_BORROWED. */
#include "abi/errno.h"
#include "cpu.h"
#include "kernel.h"
#include "mm.h"

#define PDX(va)          ((va) >> 22)
#define PTX(va)          (((va) >> 12) & 0x3FF)
#define KERNEL_PDE_FIRST PDX(KERNBASE)

extern pde_t boot_pgdir[1024];
static pde_t *kpgdir;
static uint32_t devwin_used; /* bytes of the device window handed out */

void vm_init(void)
{
	/* The boot directory becomes the kernel's; the identity map of the
	 * first 4 MiB was only for the jump to the higher half. Global pages
	 * keep the kernel's TLB entries across CR3 loads. */
	kpgdir = boot_pgdir;
	kpgdir[0] = 0;
	uint32_t cr4;
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	cr4 |= 0x80; /* PGE */
	__asm__ volatile("mov %0, %%cr4" : : "r"(cr4));
	for (uint32_t i = KERNEL_PDE_FIRST; i < 1024; i++)
		if (kpgdir[i] & PTE_P)
			kpgdir[i] |= PTE_G;
	/* The device window's page tables, before any address space copies
	 * the kernel's directory entries. */
	for (uint32_t va = DEVWIN_BASE; va < DEVWIN_BASE + DEVWIN_BYTES; va += 1u << 22) {
		uint32_t pt = pmm_alloc_zeroed();
		if (!pt)
			panic("vm: no memory for the device window");
		kpgdir[PDX(va)] = pt | PTE_P | PTE_W;
	}
	write_cr3(V2P(kpgdir));
}

void *vm_map_device(uint32_t pa, uint32_t len)
{
	uint32_t first = PGROUNDDOWN(pa);
	uint64_t span = (uint64_t)pa + len - first;
	if (!len || (uint64_t)pa + len > (1ull << 32) || span > DEVWIN_BYTES)
		return NULL;
	uint32_t bytes = (uint32_t)((span + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE);
	if (bytes > DEVWIN_BYTES - devwin_used)
		return NULL;
	uint32_t va = DEVWIN_BASE + devwin_used;
	devwin_used += bytes;
	for (uint32_t off = 0; off < bytes; off += PAGE_SIZE) {
		pde_t e = kpgdir[PDX(va + off)];
		uint32_t *pte = (uint32_t *)P2V(PTE_ADDR(e)) + PTX(va + off);
		*pte = (first + off) | PTE_P | PTE_W | PTE_PCD | PTE_PWT | PTE_G;
		invlpg(va + off);
	}
	return (void *)(va + (pa - first));
}

pde_t *vm_kernel_pgdir(void)
{
	return kpgdir;
}

pde_t *vm_new_space(void)
{
	uint32_t pa = pmm_alloc_zeroed();
	if (!pa)
		return NULL;
	pde_t *pd = P2V(pa);
	for (uint32_t i = KERNEL_PDE_FIRST; i < 1024; i++)
		pd[i] = kpgdir[i];
	return pd;
}

void vm_free_space(pde_t *pd)
{
	for (uint32_t i = 0; i < KERNEL_PDE_FIRST; i++) {
		if (!(pd[i] & PTE_P))
			continue;
		uint32_t *pt = P2V(PTE_ADDR(pd[i]));
		for (int j = 0; j < 1024; j++)
			if ((pt[j] & PTE_P) && !(pt[j] & PTE_BORROWED))
				pmm_free(PTE_ADDR(pt[j]));
		pmm_free(PTE_ADDR(pd[i]));
	}
	pmm_free(V2P(pd));
}

void vm_switch(pde_t *pd)
{
	uint32_t pa = V2P(pd);
	if (read_cr3() != pa)
		write_cr3(pa);
}

uint32_t *vm_pte(pde_t *pd, uint32_t va)
{
	pde_t e = pd[PDX(va)];
	if (!(e & PTE_P) || (e & PTE_PS))
		return NULL;
	return (uint32_t *)P2V(PTE_ADDR(e)) + PTX(va);
}

int vm_map(pde_t *pd, uint32_t va, uint32_t pa, uint32_t flags)
{
	KASSERT(va < KERNBASE);
	if (!(pd[PDX(va)] & PTE_P)) {
		uint32_t pt = pmm_alloc_zeroed();
		if (!pt)
			return -ENOMEM;
		/* Directory entries are permissive; the PTE decides. */
		pd[PDX(va)] = pt | PTE_P | PTE_W | PTE_U;
	}
	uint32_t *pte = vm_pte(pd, va);
	if ((*pte & PTE_P) && !(*pte & PTE_BORROWED))
		pmm_free(PTE_ADDR(*pte));
	*pte = PTE_ADDR(pa) | flags | PTE_P;
	if (read_cr3() == V2P(pd))
		invlpg(va);
	return 0;
}

int vm_alloc_range(pde_t *pd, uint32_t va, uint32_t len, uint32_t flags)
{
	for (uint32_t a = PGROUNDDOWN(va); a < va + len; a += PAGE_SIZE) {
		uint32_t *pte = vm_pte(pd, a);
		if (pte && (*pte & PTE_P))
			continue; /* segments may share a page */
		uint32_t pa = pmm_alloc_zeroed();
		if (!pa)
			return -ENOMEM;
		if (vm_map(pd, a, pa, flags) < 0) {
			pmm_free(pa);
			return -ENOMEM;
		}
	}
	return 0;
}

void vm_unmap_range(pde_t *pd, uint32_t va, uint32_t len)
{
	for (uint32_t a = PGROUNDDOWN(va); a < va + len; a += PAGE_SIZE) {
		uint32_t *pte = vm_pte(pd, a);
		if (!pte || !(*pte & PTE_P))
			continue;
		if (!(*pte & PTE_BORROWED))
			pmm_free(PTE_ADDR(*pte));
		*pte = 0;
		if (read_cr3() == V2P(pd))
			invlpg(a);
	}
}

uint32_t vm_user_bytes(pde_t *pd)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < KERNEL_PDE_FIRST; i++) {
		if (!(pd[i] & PTE_P))
			continue;
		uint32_t *pt = P2V(PTE_ADDR(pd[i]));
		for (int j = 0; j < 1024; j++)
			n += (pt[j] & PTE_P) ? PAGE_SIZE : 0;
	}
	return n;
}

int user_range_mapped(pde_t *pd, uint32_t ua, uint32_t len, int write)
{
	if (!user_range_ok(ua, len))
		return 0;
	if (!len)
		return 1;
	for (uint32_t a = PGROUNDDOWN(ua); a <= PGROUNDDOWN(ua + len - 1); a += PAGE_SIZE)
		if (!user_page_kva(pd, a, write))
			return 0;
	return 1;
}

/* One loop serves both directions: walk the user range page by page. */
static int copy_user(pde_t *pd, uint32_t ua, void *kbuf, uint32_t len, int to_user)
{
	if (!user_range_ok(ua, len))
		return -EFAULT;
	uint8_t *k = kbuf;
	while (len) {
		uint32_t chunk = PAGE_SIZE - (ua & (PAGE_SIZE - 1));
		if (chunk > len)
			chunk = len;
		uint8_t *p = user_page_kva(pd, ua, to_user);
		if (!p)
			return -EFAULT;
		if (to_user)
			memcpy(p, k, chunk);
		else
			memcpy(k, p, chunk);
		ua += chunk;
		k += chunk;
		len -= chunk;
	}
	return 0;
}

int copy_from_user(pde_t *pd, void *dst, uint32_t usrc, uint32_t len)
{
	return copy_user(pd, usrc, dst, len, 0);
}

int copy_to_user(pde_t *pd, uint32_t udst, const void *src, uint32_t len)
{
	return copy_user(pd, udst, (void *)src, len, 1);
}

int copy_between(pde_t *dpd, uint32_t udst, pde_t *spd, uint32_t usrc, uint32_t len)
{
	if (!user_range_ok(udst, len) || !user_range_ok(usrc, len))
		return -EFAULT;
	while (len) {
		uint32_t chunk = PAGE_SIZE - (udst & (PAGE_SIZE - 1));
		uint32_t schunk = PAGE_SIZE - (usrc & (PAGE_SIZE - 1));
		if (schunk < chunk)
			chunk = schunk;
		if (chunk > len)
			chunk = len;
		uint8_t *d = user_page_kva(dpd, udst, 1), *s = user_page_kva(spd, usrc, 0);
		if (!d || !s)
			return -EFAULT;
		memcpy(d, s, chunk);
		udst += chunk;
		usrc += chunk;
		len -= chunk;
	}
	return 0;
}

int copy_str_from_user(pde_t *pd, char *dst, uint32_t usrc, uint32_t max)
{
	for (uint32_t i = 0; i < max; i++) {
		if (!user_range_ok(usrc + i, 1))
			return -EFAULT;
		uint8_t *p = user_page_kva(pd, usrc + i, 0);
		if (!p)
			return -EFAULT;
		dst[i] = (char)*p;
		if (!*p)
			return (int)i;
	}
	return -ENAMETOOLONG;
}
