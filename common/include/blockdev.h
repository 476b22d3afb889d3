/* The block-device library (after MINIX's libblockdriver): the disk
 * protocol of abi/fs.h (ATA_READ, ATA_WRITE, ATA_FLUSH, ATA_INFO) decoded once for
 * any block driver. It checks every request (range, count, the grant's
 * size and rights) before the device is touched, moves the data between
 * the driver's sectors and the caller's grant through a bounce buffer (a
 * grant is the only way into another component's memory), and tells
 * requests meant for an earlier instance of the driver from current ones.
 * Component-side code (common/comp/blockdev.c), linked into the driver. */
#ifndef BLOCKDEV_H
#define BLOCKDEV_H

#include "component.h"

struct blockdev_io; /* one request's data in flight */

struct blockdev_ops {
	/* Sectors on the device; 0: no device (every request answers -EIO). */
	uint32_t (*sectors)(void);
	/* Moves count sectors from lba, one at a time: for each, take
	 * blockdev_sector() and fill it (read) or send it (write), then
	 * blockdev_next(). 0 or -errno; on an error the rest is abandoned. */
	int (*read)(uint32_t lba, uint32_t count, struct blockdev_io *io);
	int (*write)(uint32_t lba, uint32_t count, struct blockdev_io *io);
	/* Returns once every sector written is on the medium. 0 or -errno. */
	int (*flush)(void);
};

/* Before the first request: the instance's number comes from the clock,
 * so a restarted driver has a new one. */
void blockdev_init(const struct blockdev_ops *ops);
/* The handler of the disk service. */
void blockdev_handle(struct msg *m);
/* The 512 bytes of the sector in turn: to fill (read) or to send (write). */
uint8_t *blockdev_sector(struct blockdev_io *io);
/* Done with that sector: hands a full bounce buffer to the caller (read)
 * or fetches the next one (write). 0, or the grant's error. */
int blockdev_next(struct blockdev_io *io);

#endif
