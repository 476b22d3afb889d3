/* The ATA disk component (SVC_ATA, private: only the file service may call
 * it): reads and writes 512-byte sectors of the primary IDE master by PIO,
 * one interrupt per sector. The protocol of abi/fs.h (checks, grants,
 * bounce buffers, stale requests after a restart) is the block-device
 * library's (common/comp/blockdev.c); this file drives the drive: one ATA
 * command per request, up to 256 sectors.
 *
 * Without a disk the component still starts (the system runs without
 * files) and every request answers EIO. */
#include "abi/fs.h"
#include "ata.h"
#include "blockdev.h"
#include "component.h"
#include "klib.h"
#include "x86.h"

static struct ata_drive drive;
static int present;

/* After a failed command the drive may still want data or hold some:
 * reset it, so that the next request starts from an idle drive. */
static int abandon(int err)
{
	ata_reset();
	return err;
}

static int read_sectors(uint32_t lba, uint32_t count, struct blockdev_io *io)
{
	int r = ata_start(ATA_CMD_READ_SECTORS, lba, count);

	if (r < 0)
		return abandon(r);
	for (uint32_t i = 0; i < count; i++) {
		if ((r = ata_read_sector(blockdev_sector(io))) < 0)
			return abandon(r);
		blockdev_next(io);
	}
	return 0;
}

static int write_sectors(uint32_t lba, uint32_t count, struct blockdev_io *io)
{
	int r = ata_start(ATA_CMD_WRITE_SECTORS, lba, count);

	if (r < 0)
		return abandon(r);
	for (uint32_t i = 0; i < count; i++) {
		if ((r = ata_write_sector(blockdev_sector(io), i == 0)) < 0)
			return abandon(r);
		/* A grant that fails halfway (its owner was killed) leaves the
		 * drive waiting for data: the reset abandons the command, so
		 * the rest of the sectors keep their old contents rather than
		 * garbage. */
		if ((r = blockdev_next(io)) < 0)
			return abandon(r);
	}
	if ((r = ata_write_done()) < 0)
		return abandon(r);
	return 0;
}

/* CACHE FLUSH: after a write, unless its caller asked to flush later
 * (ATA_WRITE_CACHED), and for ATA_FLUSH (the library decides). */
static int flush_cache(void)
{
	int r = ata_flush();

	return r < 0 ? abandon(r) : 0;
}

static uint32_t sectors(void)
{
	return present ? drive.sectors : 0;
}

static const struct blockdev_ops ops = {
	.sectors = sectors,
	.read = read_sectors,
	.write = write_sectors,
	.flush = flush_cache,
};

/* An interrupt that no request waited for (left over from an earlier
 * command). Acknowledge it at the drive and open the line again: a line
 * left masked would swallow the next command's interrupt. */
static void ata_irq(int line)
{
	(void)inb(ATA_REG_STATUS);
	irq_ack(line);
}

static int ata_init(void)
{
	const char *why = "";

	blockdev_init(&ops);
	if (ata_identify(&drive, &why) < 0) {
		comp_log("ata: no disk on the primary IDE master: %s; every request will fail "
			 "with EIO\n",
			 why);
		present = 0;
		return 0;
	}
	present = 1;
	comp_log("ata: disk \"%s\", %u sectors (%u MiB)\n", drive.model, drive.sectors,
		 drive.sectors / 2048);
	return 0;
}

static const struct component ata_component = {
	.name = "ata",
	.serves = {{SVC_ATA, blockdev_handle}},
	.init = ata_init,
	.irq = ata_irq,
	.ports = {{ATA_PORT_BASE, ATA_PORT_COUNT}, {ATA_REG_CONTROL, 1}},
	.irqs = {ATA_IRQ},
	.calls = 0,
};
COMPONENT(ata_component);
