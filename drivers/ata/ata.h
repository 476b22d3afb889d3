/* The ATA disk component's insides: the register map of the primary IDE
 * channel and the drive protocol (device.c) that the request handler
 * (ata.c) is built on. Facts from the ATA/ATAPI-6 specification (T13
 * 1410D): the command block registers (7.x), the status bits (7.15), the
 * PIO data-in and data-out protocols (9.5, 9.6) and software reset (9.2). */
#ifndef DRIVERS_ATA_H
#define DRIVERS_ATA_H

#include <stdint.h>

/* The primary channel's command block (8 ports) and control block (1). */
#define ATA_PORT_BASE    0x1F0
#define ATA_PORT_COUNT   8
#define ATA_REG_DATA     0x1F0 /* 16-bit PIO data */
#define ATA_REG_ERROR    0x1F1 /* read: why ERR is set */
#define ATA_REG_COUNT    0x1F2 /* sector count; 0 means 256 */
#define ATA_REG_LBA_LOW  0x1F3 /* LBA bits 0-7 */
#define ATA_REG_LBA_MID  0x1F4 /* LBA bits 8-15 */
#define ATA_REG_LBA_HIGH 0x1F5 /* LBA bits 16-23 */
#define ATA_REG_DEVICE   0x1F6 /* 0xE0 | LBA bits 24-27: master, LBA mode */
#define ATA_REG_STATUS   0x1F7 /* read: status; reading it acknowledges INTRQ */
#define ATA_REG_COMMAND  0x1F7 /* write: starts a command */
#define ATA_REG_CONTROL  0x3F6 /* write: device control; read: alternate status */
#define ATA_IRQ          14

/* Status register bits. */
#define ATA_ST_BSY  0x80 /* busy: no other bit is valid */
#define ATA_ST_DRDY 0x40
#define ATA_ST_DF   0x20 /* device fault */
#define ATA_ST_DRQ  0x08 /* ready to move a sector of data */
#define ATA_ST_ERR  0x01 /* the command failed; see the error register */

/* Device control register bits. */
#define ATA_CTL_NIEN 0x02 /* no interrupts from the drive */
#define ATA_CTL_SRST 0x04 /* software reset of the channel */

#define ATA_DEVICE_LBA 0xE0 /* master drive, LBA addressing (obsolete bits 7, 5 set) */

/* Commands. */
#define ATA_CMD_READ_SECTORS  0x20
#define ATA_CMD_WRITE_SECTORS 0x30
#define ATA_CMD_CACHE_FLUSH   0xE7
#define ATA_CMD_IDENTIFY      0xEC

#define ATA_SECTOR_WORDS 256
#define ATA_LBA28_LIMIT  (1u << 28)

/* What IDENTIFY DEVICE told us about the drive. */
struct ata_drive {
	uint32_t sectors; /* LBA28 sectors, words 60-61 */
	char model[41];   /* words 27-46, trimmed */
};

/* Looks for an ATA disk on the primary master with interrupts from the
 * drive off, and leaves them on afterwards. 0 and *d filled in, or a
 * negative errno with *why saying what was found instead. */
int ata_identify(struct ata_drive *d, const char **why);

/* Starts a READ SECTORS or WRITE SECTORS command for count (1..256)
 * sectors from lba. 0, or -EIO if the drive does not get ready. */
int ata_start(uint8_t command, uint32_t lba, uint32_t count);

/* The next sector of a read: waits for its interrupt, then copies the 512
 * bytes into buf. */
int ata_read_sector(void *buf);

/* The next sector of a write: waits until the drive asks for it (by DRQ
 * for the first one, by an interrupt for the rest), then sends it. */
int ata_write_sector(const void *buf, int first);

/* After the last sector of a write: waits for the interrupt that says the
 * drive has taken it. */
int ata_write_done(void);

/* CACHE FLUSH: returns once the drive's write cache is on the medium. */
int ata_flush(void);

/* Software reset: abandons whatever command is in progress, so that the
 * next request finds the drive idle. 0, or -EIO if it stays busy. */
int ata_reset(void);

#endif
