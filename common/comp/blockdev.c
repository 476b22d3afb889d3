/* The block-device library (blockdev.h).
 *
 * Data goes through a bounce buffer, never straight from the device into
 * the caller: grants are the only way into another component's memory
 * (design.md, "Bulk data: grants"). A request of up to ATA_MAX_SECTORS is
 * one transfer for the driver; the buffer is copied to or from the
 * caller's grant each time it fills.
 *
 * Every answer to ATA_INFO carries this instance's number (w[1]), and a
 * request may name the instance it was meant for (w[2], 0 for any): after
 * the driver has been restarted, a request built for the one before is
 * answered -ESTALE, so the caller checks the device again (that it is the
 * same size) before it goes on, rather than trust what it knew. */
#include "abi/fs.h"
#include "blockdev.h"
#include "klib.h"

#define BOUNCE_SECTORS 32 /* 16 KiB */

struct blockdev_io {
	const struct msg *m;
	uint32_t count;  /* sectors in the request */
	uint32_t done;   /* sectors moved so far */
	int writing;     /* ATA_WRITE: the bounce buffer is filled from the grant */
	int grant_error; /* a read's copy out failed: keep reading, report it */
};

static const struct blockdev_ops *dev;
static uint8_t bounce[BOUNCE_SECTORS * ATA_SECTOR];
static uint32_t instance;

uint8_t *blockdev_sector(struct blockdev_io *io)
{
	return bounce + (io->done % BOUNCE_SECTORS) * ATA_SECTOR;
}

/* For a write: the chunk the next sectors come from, out of the grant. */
static int fetch(struct blockdev_io *io)
{
	uint32_t n = io->count - io->done < BOUNCE_SECTORS ? io->count - io->done : BOUNCE_SECTORS;
	return grant_read(io->m, io->done * ATA_SECTOR, bounce, n * ATA_SECTOR);
}

int blockdev_next(struct blockdev_io *io)
{
	uint32_t slot = io->done % BOUNCE_SECTORS;
	io->done++;
	if (io->writing)
		return io->done < io->count && slot + 1 == BOUNCE_SECTORS ? fetch(io) : 0;
	if (slot + 1 < BOUNCE_SECTORS && io->done < io->count)
		return 0;
	/* The buffer is full or the request complete: hand it over. If the
	 * grant fails the driver still takes every sector the device has
	 * ready, so its command ends normally. */
	if (!io->grant_error)
		io->grant_error = grant_write(io->m, (io->done - slot - 1) * ATA_SECTOR, bounce,
					      (slot + 1) * ATA_SECTOR);
	return 0;
}

/* The checks every transfer passes before the device is touched. */
static int check_transfer(const struct msg *m, uint32_t right, uint32_t sectors)
{
	uint32_t lba = m->w[0], count = m->w[1];
	if (count == 0 || count > ATA_MAX_SECTORS)
		return -EINVAL;
	if (lba >= sectors || count > sectors - lba)
		return -EINVAL;
	/* The kernel checks each copy against the grant it recorded; this
	 * check only makes sure we never start a transfer we cannot finish. */
	if (!(m->grant.rights & right) || m->grant.len / ATA_SECTOR < count)
		return -EFAULT;
	return 0;
}

static int transfer(const struct msg *m, int writing, uint32_t sectors)
{
	int r = check_transfer(m, writing ? GRANT_READ : GRANT_WRITE, sectors);
	if (r < 0)
		return r;
	struct blockdev_io io = {m, m->w[1], 0, writing, 0};
	if (writing && (r = fetch(&io)) < 0)
		return r;
	r = (writing ? dev->write : dev->read)(m->w[0], m->w[1], &io);
	if (r < 0)
		return r;
	if (io.grant_error < 0)
		return io.grant_error;
	/* The caller counts the sectors as written once we answer: with the
	 * drive's write cache on, that is true only after a flush, unless it
	 * asked to flush later itself (abi/fs.h). */
	return writing && !(m->w[3] & ATA_WRITE_CACHED) ? dev->flush() : 0;
}

void blockdev_handle(struct msg *m)
{
	if (m->type != ATA_READ && m->type != ATA_WRITE && m->type != ATA_INFO &&
	    m->type != ATA_FLUSH) {
		m->type = -ENOSYS;
		return;
	}
	uint32_t sectors = dev->sectors();
	if (!sectors) {
		m->type = -EIO;
		return;
	}
	if (m->type != ATA_INFO && m->w[2] && m->w[2] != instance) {
		m->type = -ESTALE; /* meant for the instance before a restart */
		return;
	}
	switch (m->type) {
	case ATA_READ:
		m->type = transfer(m, 0, sectors);
		break;
	case ATA_WRITE:
		m->type = transfer(m, 1, sectors);
		break;
	case ATA_FLUSH:
		m->type = dev->flush();
		break;
	case ATA_INFO:
		m->type = 0;
		m->w[0] = sectors;
		m->w[1] = instance;
		break;
	}
}

void blockdev_init(const struct blockdev_ops *ops)
{
	dev = ops;
	/* The start time in ms, never 0: two instances share a number only if
	 * they started exactly 2^32 ms (49 days) apart. */
	instance = comp_uptime_ms() | 0x80000000u;
}
