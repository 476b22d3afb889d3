/* The physical memory manager: the frame bitmap (common/lib/frames.c) fed
 * from the Multiboot memory map. Frames that hold the kernel, the boot
 * modules or the BIOS stay reserved. */
#include "abi/errno.h"
#include "frames.h"
#include "kernel.h"
#include "mm.h"
#include "multiboot.h"

#define MAX_FRAMES (DIRECT_MAP_BYTES / PAGE_SIZE)

extern char __kernel_end[];

static uint32_t bitmap[FRAMES_BITMAP_BYTES(MAX_FRAMES) / 4];
static struct frames frames;
static uint32_t managed;  /* frames free after boot: the memory we manage */
static uint32_t reserved; /* frames kept for reserve_enter() work */
static int reserve_depth;

void pmm_set_reserve(uint32_t n)
{
	reserved = n;
}

void reserve_enter(void)
{
	reserve_depth++;
}

void reserve_leave(void)
{
	reserve_depth--;
}

int reserve_active(void)
{
	return reserve_depth > 0;
}

/* Whether n more frames may go, leaving the reserve for those entitled. */
static int may_take(uint32_t n)
{
	return reserve_depth > 0 || (frames.nfree >= n && frames.nfree - n >= reserved);
}

static void reserve_phys(uint32_t start, uint32_t end)
{
	uint32_t first = start / PAGE_SIZE;
	frames_reserve_range(&frames, first, PGROUNDUP(end) / PAGE_SIZE - first);
}

void pmm_init(const struct multiboot_info *mbi)
{
	frames_init(&frames, bitmap, MAX_FRAMES);
	if (mbi->flags & MB_INFO_MEM_MAP) {
		uint32_t p = mbi->mmap_addr, end = mbi->mmap_addr + mbi->mmap_length;
		while (p < end) {
			const struct multiboot_mmap_entry *e = P2V(p);
			if (e->type == 1 && e->addr < DIRECT_MAP_BYTES) {
				uint64_t top = e->addr + e->len;
				if (top > DIRECT_MAP_BYTES)
					top = DIRECT_MAP_BYTES;
				/* Only whole frames inside the region are usable. */
				uint32_t first = (uint32_t)((e->addr + PAGE_SIZE - 1) / PAGE_SIZE);
				uint32_t last = (uint32_t)(top / PAGE_SIZE);
				if (last > first)
					frames_free_range(&frames, first, last - first);
			}
			p += e->size + 4;
		}
	} else if (mbi->flags & MB_INFO_MEMORY) {
		uint32_t top = 0x100000 + mbi->mem_upper * 1024;
		if (top > DIRECT_MAP_BYTES)
			top = DIRECT_MAP_BYTES;
		frames_free_range(&frames, 0x100000 / PAGE_SIZE, (top - 0x100000) / PAGE_SIZE);
	} else {
		panic("pmm: the boot loader gave no memory map");
	}

	reserve_phys(0, 0x100000); /* BIOS, IVT, VGA memory */
	reserve_phys(KERNLOAD, V2P(__kernel_end));
	for (int i = 0; i < nbootmods; i++)
		reserve_phys(bootmods[i].start, bootmods[i].end);
	managed = frames.nfree;
}

uint32_t pmm_alloc(void)
{
	if (!may_take(1))
		return 0;
	int32_t f = frames_alloc(&frames);
	return f < 0 ? 0 : (uint32_t)f * PAGE_SIZE;
}

uint32_t pmm_alloc_zeroed(void)
{
	uint32_t pa = pmm_alloc();
	if (pa)
		memset(P2V(pa), 0, PAGE_SIZE);
	return pa;
}

uint32_t pmm_alloc_contig(uint32_t n, uint32_t align)
{
	if (!may_take(n))
		return 0;
	int32_t f = frames_alloc_contig(&frames, n, align);
	return f < 0 ? 0 : (uint32_t)f * PAGE_SIZE;
}

void pmm_free(uint32_t pa)
{
	if (frames_free(&frames, pa / PAGE_SIZE) < 0)
		panic("pmm: freeing frame %#x that is not allocated", pa);
}

void pmm_free_contig(uint32_t pa, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		pmm_free(pa + i * PAGE_SIZE);
}

/* What the kernel holds in kpages buffers, for the leak check (kinfo). */
static uint32_t kpages_bytes, kpages_blocks;

void *kpages_alloc(uint32_t bytes)
{
	uint32_t pa = pmm_alloc_contig(PGROUNDUP(bytes) / PAGE_SIZE, 1);
	if (!pa)
		return NULL;
	kpages_bytes += PGROUNDUP(bytes);
	kpages_blocks++;
	return P2V(pa);
}

void kpages_free(void *p, uint32_t bytes)
{
	pmm_free_contig(V2P(p), PGROUNDUP(bytes) / PAGE_SIZE);
	kpages_bytes -= PGROUNDUP(bytes);
	kpages_blocks--;
}

void kpages_usage(uint32_t *bytes, uint32_t *blocks)
{
	*bytes = kpages_bytes;
	*blocks = kpages_blocks;
}

uint32_t pmm_total_frames(void)
{
	return managed;
}
uint32_t pmm_free_frames(void)
{
	return frames.nfree;
}
