/* The malicious-driver demo's constants: its made-up card, the IDE
 * registers it has no right to (ATA/ATAPI-6, T13 1410D, 7.x), the few
 * ext2 fields it needs to find a file on the raw disk (the ext2 layout as
 * Linux's Documentation/filesystems/ext2 and "The Second Extended File
 * System" by Dave Poirier give it: offsets in bytes), and what it asks the
 * kernel for. Its own copy, not drivers/ata's or fs/'s: a component
 * includes no other component's headers. */
#ifndef DRIVERS_EVIL_H
#define DRIVERS_EVIL_H

/* The card it claims to drive: a Sound Blaster's usual base. Nothing is
 * there; the driver never touches it. */
#define EVIL_CARD_PORT  0x220
#define EVIL_CARD_PORTS 16

/* The primary IDE channel, which belongs to drivers/ata. */
#define IDE_DATA         0x1F0
#define IDE_COUNT        0x1F2
#define IDE_LBA0         0x1F3
#define IDE_LBA1         0x1F4
#define IDE_LBA2         0x1F5
#define IDE_DEVICE       0x1F6
#define IDE_STATUS       0x1F7 /* reading it acknowledges the drive's interrupt */
#define IDE_COMMAND      0x1F7
#define IDE_CONTROL      0x3F6 /* write: device control */
#define IDE_ALTSTATUS    0x3F6 /* read: status, without acknowledging */
#define IDE_NIEN         0x02
#define IDE_BSY          0x80
#define IDE_DRQ          0x08
#define IDE_ERR          0x01
#define IDE_READ_SECTORS 0x20

/* ext2: superblock fields (from the superblock's start), the group
 * descriptor's inode table, the inode's size and blocks. */
#define EXT2_S_FIRST_DATA_BLOCK 20
#define EXT2_S_LOG_BLOCK_SIZE   24
#define EXT2_S_INODES_PER_GROUP 40
#define EXT2_S_MAGIC            56
#define EXT2_S_REV_LEVEL        76
#define EXT2_S_INODE_SIZE       88
#define EXT2_MAGIC              0xEF53
#define EXT2_BG_INODE_TABLE     8
#define EXT2_I_SIZE             4
#define EXT2_I_BLOCK            40
#define EXT2_ROOT_INO           2

/* What it steals: at most this many bytes, of a name of at most 16. */
#define EVIL_MAX_BYTES  128
#define EVIL_NAME_BYTES 16
#define EVIL_MAX_BLOCK  4096 /* the largest ext2 block it parses */

/* What it asks the kernel for that its row does not grant. */
#define EVIL_SCREEN_PA  0xB8000u /* the console's VGA text memory */
#define EVIL_SCREEN_LEN 0xFA0u
#define EVIL_LOWMEM_PA  0x100000u /* RAM from 1 MiB: the kernel, its caches */
#define EVIL_LOWMEM_LEN (16u << 20)
#define EVIL_DMA_BYTES  (64u << 10)
#define EVIL_IDE_VENDOR 0x8086 /* the PIIX3's IDE function (QEMU and Bochs) */
#define EVIL_IDE_DEVICE 0x7010

/* Where EVIL_PEEK looks: RAM as the kernel maps it at 3 GiB, from 1 MiB
 * (where GRUB loads the kernel) on. */
#define EVIL_SCAN_FROM    0xC0100000u
#define EVIL_SCAN_FROM_PA 0x00100000u
#define EVIL_SCAN_BYTES   (127u << 20)

#endif
