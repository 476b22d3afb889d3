/* Rights come from the system, not from the component (design.md, "The
 * micro core"): the table generated from common/system.conf says what each
 * component may touch and which programs hold more than the public
 * services. A manifest is a request, compared with the table and logged
 * where it asks for more. Both hosts check here, so a ring-0 component and a
 * server are held to the same table (in ring 0 the check is honest but
 * cannot be enforced: any instruction may touch anything). */
#include <stdarg.h>

#include "abi/errno.h"
#include "initrd.h"
#include "kernel.h"
#include "pci.h"
#include "proc.h"
#include "service.h"

struct comp_grant comp_grants[MAX_COMPS];

static int within(uint32_t base, uint32_t len, uint32_t rbase, uint32_t rlen)
{
	return rlen && base >= rbase && len <= rlen && base - rbase <= rlen - len;
}

int rights_port_range(int comp, int i, struct comp_ports *out)
{
	const struct comp_grant *g = &comp_grants[comp];
	for (int k = 0; k < COMP_MAX_PORTS; k++) {
		if (!g->r.ports[k].count)
			continue;
		if (i-- == 0) {
			*out = g->r.ports[k];
			return 1;
		}
	}
	if (i < g->npci_ports) {
		*out = g->pci_ports[i];
		return 1;
	}
	return 0;
}

int rights_irq(int comp, int line)
{
	const struct comp_grant *g = &comp_grants[comp];
	if (line <= 0)
		return 0;
	for (int i = 0; i < COMP_MAX_IRQS; i++)
		if (g->r.irqs[i] == line)
			return 1;
	for (int i = 0; i < g->ndevs; i++)
		if (g->devs[i].irq == line)
			return 1;
	return 0;
}

/* A request at run time beyond the table: refused, and said in the log
 * (a component is trusted code, so this is a bug or an attack, and rare;
 * ordinary programs' refusals are not logged, or a fuzzer would flood it). */
void rights_refused(int comp, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kprintf("rights: %s asks for ", svc_table[comp].name);
	kvprintf(fmt, ap);
	kprintf(", which its row of the table does not grant: refused\n");
	va_end(ap);
}

int rights_mmio(int comp, uint32_t pa, uint32_t len)
{
	const struct comp_grant *g = &comp_grants[comp];
	for (int i = 0; i < COMP_MAX_MMIO; i++)
		if (within(pa, len, g->r.mmio[i].base, g->r.mmio[i].len))
			return 1;
	for (int i = 0; i < g->npci_mmio; i++)
		if (within(pa, len, g->pci_mmio[i].base, g->pci_mmio[i].len))
			return 1;
	rights_refused(comp, "device memory %#x+%#x", pa, len);
	return 0;
}

int rights_dma_take(int comp, uint32_t bytes)
{
	struct comp_grant *g = &comp_grants[comp];
	if (bytes > g->r.dma_bytes || g->dma_used > g->r.dma_bytes - bytes) {
		rights_refused(comp, "%u bytes of DMA memory (%u left)", bytes,
			       g->r.dma_bytes - g->dma_used);
		return -EPERM;
	}
	g->dma_used += bytes;
	return 0;
}

static int refuse(const char *name, const char *what, uint32_t a, uint32_t b)
{
	kprintf("rights: %s asks for %s %#x+%#x, which the table does not grant: refused\n", name,
		what, a, b);
	return 1;
}

/* What the manifest asks for and the table does not grant, one line each. */
int rights_compare(int comp, const struct component *m)
{
	const struct comp_rights *r = &svc_table[comp].rights;
	const char *name = svc_table[comp].name;
	int n = 0;
	for (int i = 0; i < COMP_MAX_PORTS; i++) {
		int ok = !m->ports[i].count;
		for (int k = 0; k < COMP_MAX_PORTS; k++)
			ok |= within(m->ports[i].base, m->ports[i].count, r->ports[k].base,
				     r->ports[k].count);
		n += ok ? 0 : refuse(name, "ports", m->ports[i].base, m->ports[i].count);
	}
	for (int i = 0; i < COMP_MAX_IRQS; i++) {
		int ok = m->irqs[i] <= 0;
		for (int k = 0; k < COMP_MAX_IRQS; k++)
			ok |= r->irqs[k] == m->irqs[i];
		n += ok ? 0 : refuse(name, "IRQ line", (uint32_t)m->irqs[i], 0);
	}
	for (int i = 0; i < COMP_MAX_MMIO; i++) {
		int ok = !m->mmio[i].len;
		for (int k = 0; k < COMP_MAX_MMIO; k++)
			ok |= within(m->mmio[i].base, m->mmio[i].len, r->mmio[k].base,
				     r->mmio[k].len);
		n += ok ? 0 : refuse(name, "device memory", m->mmio[i].base, m->mmio[i].len);
	}
	for (int i = 0; i < COMP_MAX_PCI; i++) {
		int ok = !m->pci[i].vendor;
		for (int k = 0; k < COMP_MAX_PCI; k++)
			ok |= r->pci[k].vendor == m->pci[i].vendor &&
			      r->pci[k].device == m->pci[i].device;
		n += ok ? 0 : refuse(name, "PCI device", m->pci[i].vendor, m->pci[i].device);
	}
	n += m->dma_bytes > r->dma_bytes ? refuse(name, "DMA bytes", m->dma_bytes, 0) : 0;
	n += m->calls & ~r->calls ? refuse(name, "calls to services", m->calls & ~r->calls, 0) : 0;
	return n;
}

/* --- PCI devices, found at run time and granted by the table --- */

static void grant_bars(struct comp_grant *g, const struct pci_dev *d)
{
	for (int i = 0; i < 6; i++) {
		const struct pci_bar *b = &d->bar[i];
		if (!b->len)
			continue;
		if (b->io && g->npci_ports < COMP_MAX_PCI * 6)
			g->pci_ports[g->npci_ports++] =
				(struct comp_ports){(uint16_t)b->base, (uint16_t)b->len};
		else if (!b->io && g->npci_mmio < COMP_MAX_PCI * 6)
			g->pci_mmio[g->npci_mmio++] = (struct comp_mmio){b->base, b->len};
	}
}

int pci_find_for(int comp, uint16_t vendor, uint16_t device, struct pci_dev *out)
{
	struct comp_grant *g = &comp_grants[comp];
	int named = 0;
	for (int k = 0; k < COMP_MAX_PCI; k++)
		named |= g->r.pci[k].vendor == vendor && g->r.pci[k].device == device;
	if (!vendor || !named) {
		rights_refused(comp, "PCI device %04x:%04x", vendor, device);
		return -EPERM;
	}
	for (int i = 0; i < g->ndevs; i++) {
		if (g->devs[i].vendor == vendor && g->devs[i].device == device) {
			/* A restarted driver finds it again: decoding back on. */
			pci_command(&g->devs[i],
				    PCI_CMD_IO | PCI_CMD_MEMORY |
					    (g->r.dma_bytes ? PCI_CMD_MASTER : 0),
				    0);
			*out = g->devs[i];
			return 0;
		}
	}
	const struct pci_dev *d = pci_lookup(vendor, device, 0);
	if (!d)
		return -ENODEV;
	if (g->ndevs == COMP_MAX_PCI)
		return -EBUSY;
	if (d->irq && d->irq < NIRQ && service_take_irq(comp, d->irq) < 0) {
		kprintf("rights: %s: IRQ %d of PCI device %04x:%04x belongs to another "
			"component\n",
			svc_table[comp].name, d->irq, vendor, device);
		return -EBUSY;
	}
	g->devs[g->ndevs++] = *d;
	grant_bars(g, d);
	pci_command(d, PCI_CMD_IO | PCI_CMD_MEMORY | (g->r.dma_bytes ? PCI_CMD_MASTER : 0), 0);
	if (svc_table[comp].host->rights_changed)
		svc_table[comp].host->rights_changed(comp);
	*out = *d;
	return 0;
}

void pci_quiesce(int comp)
{
	const struct comp_grant *g = &comp_grants[comp];
	for (int i = 0; i < g->ndevs; i++)
		pci_command(&g->devs[i], 0, PCI_CMD_MASTER);
}

/* --- Programs that hold more than the public services --- */

void rights_for_program(struct proc *p, const char *name, const void *image, uint32_t size)
{
	for (int i = 0; i < prog_table_len; i++) {
		const struct prog_rights *pr = &prog_table[i];
		if (strcmp(pr->name, name) != 0)
			continue;
		/* The right belongs to the program the system was built with:
		 * the ramdisk's copy, or a byte-identical one from the disk.
		 * Anyone may write a file called crash. */
		char path[PROC_NAME_LEN + 8];
		const void *ref;
		uint32_t ref_size;
		snprintf(path, sizeof(path), "/bin/%s", name);
		if (initrd_find(path, &ref, &ref_size) < 0 || ref_size != size ||
		    (ref != image && memcmp(ref, image, size) != 0))
			return;
		p->caps |= pr->calls;
		p->privs |= pr->privs;
		return;
	}
}
