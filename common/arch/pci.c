/* The PCI bus through configuration mechanism #1: an address written to
 * port 0xCF8 selects a register of one function, port 0xCFC reads or
 * writes it (PCI Local Bus 3.0, 3.2.2.3.2). The kernel scans once at boot
 * and sizes each BAR; drivers get what they are granted from this list. */
#include "kernel.h"
#include "pci.h"
#include "x86.h"

#define CONFIG_ADDRESS 0xCF8
#define CONFIG_DATA    0xCFC
#define MAX_DEVS       16
#define MAX_BUSES      8 /* QEMU's and Bochs' PCs put every device on bus 0 */

/* Type 0 header offsets (6.1). */
#define REG_VENDOR  0x00
#define REG_COMMAND 0x04
#define REG_HEADER  0x0C /* byte 2 of this dword: header type, bit 7 multi-function */
#define REG_BAR0    0x10
#define REG_IRQ     0x3C

static struct pci_dev devs[MAX_DEVS];
static int ndevs;

static uint32_t cfg_addr(int bus, int slot, int func, int off)
{
	return 0x80000000u | (uint32_t)bus << 16 | (uint32_t)slot << 11 | (uint32_t)func << 8 |
	       (uint32_t)(off & 0xFC);
}

static uint32_t cfg_read(int bus, int slot, int func, int off)
{
	outl(CONFIG_ADDRESS, cfg_addr(bus, slot, func, off));
	return inl(CONFIG_DATA);
}

static void cfg_write(int bus, int slot, int func, int off, uint32_t v)
{
	outl(CONFIG_ADDRESS, cfg_addr(bus, slot, func, off));
	outl(CONFIG_DATA, v);
}

/* A BAR's size: write all ones, read back which bits stick (the device
 * hardwires the low address bits of its size to 0), restore (6.2.5.1).
 * Decoding is off meanwhile, so the probe address is never decoded. */
static void size_bars(struct pci_dev *d)
{
	uint32_t cmd = cfg_read(d->bus, d->slot, d->func, REG_COMMAND);
	cfg_write(d->bus, d->slot, d->func, REG_COMMAND, cmd & ~0x3u);
	for (int i = 0; i < 6; i++) {
		int off = REG_BAR0 + 4 * i;
		uint32_t orig = cfg_read(d->bus, d->slot, d->func, off);
		cfg_write(d->bus, d->slot, d->func, off, 0xFFFFFFFFu);
		uint32_t probe = cfg_read(d->bus, d->slot, d->func, off);
		cfg_write(d->bus, d->slot, d->func, off, orig);
		if (!probe || probe == 0xFFFFFFFFu)
			continue; /* not implemented */
		struct pci_bar *b = &d->bar[i];
		if (orig & 1) { /* I/O space: bits 1:0 are flags */
			b->io = 1;
			b->base = orig & ~0x3u;
			b->len = (~(probe & ~0x3u) + 1) & 0xFFFF;
		} else {
			b->base = orig & ~0xFu;
			b->len = ~(probe & ~0xFu) + 1;
			if (((orig >> 1) & 3) == 2)
				i++; /* 64-bit: the next BAR is the high half (left alone) */
		}
	}
	cfg_write(d->bus, d->slot, d->func, REG_COMMAND, cmd);
}

static void add(int bus, int slot, int func, uint32_t id)
{
	if (ndevs == MAX_DEVS)
		return;
	struct pci_dev *d = &devs[ndevs++];
	*d = (struct pci_dev){.vendor = (uint16_t)id, .device = (uint16_t)(id >> 16)};
	d->bus = (uint8_t)bus;
	d->slot = (uint8_t)slot;
	d->func = (uint8_t)func;
	d->irq = (uint8_t)cfg_read(bus, slot, func, REG_IRQ);
	size_bars(d);
}

void pci_init(void)
{
	for (int bus = 0; bus < MAX_BUSES; bus++) {
		for (int slot = 0; slot < 32; slot++) {
			uint32_t id = cfg_read(bus, slot, 0, REG_VENDOR);
			if ((id & 0xFFFF) == 0xFFFF)
				continue; /* no device: the bus reads as ones */
			int multi = (cfg_read(bus, slot, 0, REG_HEADER) >> 16) & 0x80;
			for (int func = 0; func < (multi ? 8 : 1); func++) {
				if (func)
					id = cfg_read(bus, slot, func, REG_VENDOR);
				if ((id & 0xFFFF) != 0xFFFF)
					add(bus, slot, func, id);
			}
		}
	}
}

const struct pci_dev *pci_lookup(uint16_t vendor, uint16_t device, int index)
{
	for (int i = 0; i < ndevs; i++)
		if (devs[i].vendor == vendor && devs[i].device == device && index-- == 0)
			return &devs[i];
	return NULL;
}

void pci_command(const struct pci_dev *d, uint16_t set, uint16_t clear)
{
	uint32_t v = cfg_read(d->bus, d->slot, d->func, REG_COMMAND);
	uint16_t cmd = (uint16_t)(((v & 0xFFFF) | set) & ~clear);
	/* The upper half is the status register, whose bits are cleared by
	 * writing ones: write back zeros there. */
	cfg_write(d->bus, d->slot, d->func, REG_COMMAND, cmd);
}

int pci_count(void)
{
	return ndevs;
}
