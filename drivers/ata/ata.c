/* The ATA disk component (SVC_ATA, private: only the file service may call
 * it): reads and writes 512-byte sectors of the primary IDE master by PIO,
 * one interrupt per sector, with the protocol of abi/fs.h.
 *
 * Data goes through a bounce buffer here, never straight from the drive
 * into the caller: grants are the only way into another component's
 * memory (design.md, "Bulk data: grants"). A request of up to 256 sectors
 * is one ATA command; the buffer is copied to or from the caller's grant
 * each time it fills.
 *
 * Without a disk the component still starts (the system runs without
 * files) and answers every request with EIO. */
#include "abi/fs.h"
#include "ata.h"
#include "component.h"
#include "klib.h"
#include "x86.h"

#define BOUNCE_SECTORS 32 /* 16 KiB */

static uint8_t bounce[BOUNCE_SECTORS * ATA_SECTOR];
static struct ata_drive drive;
static int present;

/* After a failed command the drive may still want data or hold some:
 * reset it, so that the next request starts from an idle drive. */
static int abandon(int err)
{
	ata_reset();
	return err;
}

static int read_sectors(const struct msg *m, uint32_t lba, uint32_t count)
{
	int grant_err = 0;
	int r = ata_start(ATA_CMD_READ_SECTORS, lba, count);

	if (r < 0)
		return abandon(r);
	for (uint32_t i = 0; i < count; i++) {
		uint32_t slot = i % BOUNCE_SECTORS;

		if ((r = ata_read_sector(bounce + slot * ATA_SECTOR)) < 0)
			return abandon(r);
		if (slot + 1 < BOUNCE_SECTORS && i + 1 < count)
			continue;
		/* The buffer is full or the request complete: hand it over.
		 * If the grant fails we still take every sector the drive
		 * has ready, so the command ends normally. */
		if (!grant_err)
			grant_err = grant_write(m, (i - slot) * ATA_SECTOR, bounce,
						(slot + 1) * ATA_SECTOR);
	}
	return grant_err < 0 ? grant_err : 0;
}

static int write_sectors(const struct msg *m, uint32_t lba, uint32_t count)
{
	int r = ata_start(ATA_CMD_WRITE_SECTORS, lba, count);

	if (r < 0)
		return abandon(r);
	for (uint32_t i = 0; i < count; i++) {
		uint32_t slot = i % BOUNCE_SECTORS;

		if (slot == 0) {
			uint32_t n = count - i < BOUNCE_SECTORS ? count - i : BOUNCE_SECTORS;

			/* A grant that fails halfway (its owner was killed)
			 * leaves the drive waiting for data: the reset
			 * abandons the command, so the rest of the sectors
			 * keep their old contents rather than garbage. */
			if ((r = grant_read(m, i * ATA_SECTOR, bounce, n * ATA_SECTOR)) < 0)
				return abandon(r);
		}
		if ((r = ata_write_sector(bounce + slot * ATA_SECTOR, i == 0)) < 0)
			return abandon(r);
	}
	if ((r = ata_write_done()) < 0)
		return abandon(r);
	/* The file service counts a block as written once we answer; with the
	 * drive's write cache on, that is only true after a flush. */
	if ((r = ata_flush()) < 0)
		return abandon(r);
	return 0;
}

/* The checks every transfer passes before the drive is touched. */
static int check_transfer(const struct msg *m, uint32_t right, uint32_t *lba, uint32_t *count)
{
	*lba = m->w[0];
	*count = m->w[1];
	if (*count == 0 || *count > ATA_MAX_SECTORS)
		return -EINVAL;
	if (*lba >= drive.sectors || *count > drive.sectors - *lba)
		return -EINVAL;
	/* The kernel checks each copy against the grant it recorded; this
	 * check only makes sure we never start a command we cannot finish. */
	if (!(m->grant.rights & right) || m->grant.len / ATA_SECTOR < *count)
		return -EFAULT;
	return 0;
}

static void ata_handle(struct msg *m)
{
	uint32_t lba, count;
	int r;

	if (m->type != ATA_READ && m->type != ATA_WRITE && m->type != ATA_INFO) {
		m->type = -ENOSYS;
		return;
	}
	if (!present) {
		m->type = -EIO;
		return;
	}
	switch (m->type) {
	case ATA_READ:
		r = check_transfer(m, GRANT_WRITE, &lba, &count);
		m->type = r < 0 ? r : read_sectors(m, lba, count);
		break;
	case ATA_WRITE:
		r = check_transfer(m, GRANT_READ, &lba, &count);
		m->type = r < 0 ? r : write_sectors(m, lba, count);
		break;
	case ATA_INFO:
		m->type = 0;
		m->w[0] = drive.sectors;
		break;
	}
}

/* An interrupt that no request waited for (left over from an earlier
 * command). Acknowledge it at the drive and open the line again: in
 * micro, a line left masked would swallow the next command's interrupt. */
static void ata_irq(int line)
{
	(void)inb(ATA_REG_STATUS);
	irq_ack(line);
}

static int ata_init(void)
{
	const char *why = "";

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
	.serves = {{SVC_ATA, ata_handle}},
	.init = ata_init,
	.irq = ata_irq,
	.ports = {{ATA_PORT_BASE, ATA_PORT_COUNT}, {ATA_REG_CONTROL, 1}},
	.irqs = {ATA_IRQ},
	.calls = 0,
};
COMPONENT(ata_component);
