/* PCI configuration space, for the kernel: the devices found at boot and
 * their decoding. Components reach a device only through pci_find of the
 * component API, which checks the system's table first (rights.c). Facts
 * from the PCI Local Bus Specification 3.0: configuration mechanism #1
 * (3.2.2.3.2), the type 0 header (6.1) and base address registers (6.2.5). */
#ifndef PCI_H
#define PCI_H

#include <stdint.h>

#include "component.h"

#define PCI_CMD_IO     0x1 /* respond to I/O BARs */
#define PCI_CMD_MEMORY 0x2 /* respond to memory BARs */
#define PCI_CMD_MASTER 0x4 /* may start bus cycles: DMA */

/* Scans the buses and sizes every device's BARs. */
void pci_init(void);
/* The index-th device with this vendor and device id, or NULL. */
const struct pci_dev *pci_lookup(uint16_t vendor, uint16_t device, int index);
/* Sets and clears bits of the device's command register. */
void pci_command(const struct pci_dev *d, uint16_t set, uint16_t clear);
int pci_count(void);

#endif
