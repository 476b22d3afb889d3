/* The Intel 82540EM (QEMU's -nic model=e1000, Bochs' e1000 plugin): the
 * registers and descriptors the driver uses. Facts from the PCI/PCI-X
 * Family of Gigabit Ethernet Controllers Software Developer's Manual
 * (Intel 8254x), sections 13 (registers) and 3.2, 3.3 (descriptors). */
#ifndef DRIVERS_E1000_H
#define DRIVERS_E1000_H

#include <stdint.h>

#define E1000_VENDOR 0x8086
#define E1000_DEVICE 0x100E /* 82540EM */

/* Registers: byte offsets into BAR 0 (13.4). */
#define REG_CTRL   0x0000
#define REG_STATUS 0x0008
#define REG_EERD   0x0014 /* EEPROM read */
#define REG_ICR    0x00C0 /* interrupt cause: reading clears it */
#define REG_IMS    0x00D0 /* interrupt mask set */
#define REG_IMC    0x00D8 /* interrupt mask clear */
#define REG_RCTL   0x0100
#define REG_TCTL   0x0400
#define REG_TIPG   0x0410
#define REG_RDBAL  0x2800
#define REG_RDBAH  0x2804
#define REG_RDLEN  0x2808
#define REG_RDH    0x2810
#define REG_RDT    0x2818
#define REG_TDBAL  0x3800
#define REG_TDBAH  0x3804
#define REG_TDLEN  0x3808
#define REG_TDH    0x3810
#define REG_TDT    0x3818
#define REG_MPC    0x4010 /* missed packets: no receive descriptor was free */
#define REG_MTA    0x5200 /* multicast table, 128 words */
#define REG_RAL0   0x5400
#define REG_RAH0   0x5404

#define CTRL_SLU  (1u << 6)  /* set link up */
#define CTRL_RST  (1u << 26) /* device reset, self-clearing */
#define STATUS_LU (1u << 1)  /* link up */

#define EERD_START      (1u << 0)
#define EERD_DONE       (1u << 4) /* 82540EM: bit 4 (later parts use bit 1) */
#define EERD_ADDR_SHIFT 8
#define EERD_DATA_SHIFT 16

#define RAH_AV (1u << 31) /* the address is valid */

/* Interrupt causes (13.4.17). */
#define ICR_TXDW   (1u << 0) /* a transmit descriptor was written back */
#define ICR_LSC    (1u << 2) /* link status changed */
#define ICR_RXSEQ  (1u << 3)
#define ICR_RXDMT0 (1u << 4) /* receive descriptors running low */
#define ICR_RXO    (1u << 6) /* receiver overrun */
#define ICR_RXT0   (1u << 7) /* a frame was received */
#define ICR_RX     (ICR_RXSEQ | ICR_RXDMT0 | ICR_RXO | ICR_RXT0)

#define RCTL_EN    (1u << 1)
#define RCTL_BAM   (1u << 15) /* accept broadcasts (ARP needs them) */
#define RCTL_SECRC (1u << 26) /* strip the FCS */
/* BSIZE 00 with BSEX 0: 2048-byte receive buffers. */

#define TCTL_EN         (1u << 1)
#define TCTL_PSP        (1u << 3) /* pad short packets to 64 bytes */
#define TCTL_CT_SHIFT   4         /* collision threshold: 0x10 (13.4.33) */
#define TCTL_COLD_SHIFT 12        /* collision distance: 0x40 for full duplex */
/* The 82540EM's inter-packet gap for IEEE 802.3: IPGT 10, IPGR1 8, IPGR2 6. */
#define TIPG_VALUE (10u | 8u << 10 | 6u << 20)

/* Legacy descriptors (3.2.3, 3.3.3): 16 bytes, rings a multiple of 128
 * bytes, 16-byte aligned. */
struct rx_desc {
	uint64_t addr;
	uint16_t length;
	uint16_t csum;
	uint8_t status;
	uint8_t errors;
	uint16_t special;
} __attribute__((packed));

struct tx_desc {
	uint64_t addr;
	uint16_t length;
	uint8_t cso;
	uint8_t cmd;
	uint8_t status;
	uint8_t css;
	uint16_t special;
} __attribute__((packed));

#define RXD_DD   0x01 /* descriptor done */
#define RXD_EOP  0x02 /* end of packet */
#define TXD_EOP  0x01
#define TXD_IFCS 0x02 /* insert the FCS */
#define TXD_RS   0x08 /* report status (DD) */
#define TXD_DD   0x01

#endif
