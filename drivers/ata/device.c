/* The ATA drive protocol on the primary channel, master only: selecting
 * the drive, issuing commands, waiting for it, and moving sectors with PIO.
 *
 * Waiting comes in two kinds. Before a command, and for the first sector
 * of a write, the drive raises no interrupt, so we poll its status; every
 * poll is bounded in time, so a drive that never gets ready costs an EIO,
 * never a hang. For each sector of a read, each sector of a write after the
 * first, and a cache flush, the drive raises IRQ 14, and we sleep in
 * irq_wait until it comes. */
#include "ata.h"
#include "component.h"
#include "klib.h"
#include "x86.h"

/* How long a poll may wait for BSY to clear or DRQ to come. Below the
 * watchdog of the mono kernel (2 s) and the hang detection of micro, so
 * that a dead drive ends as an EIO rather than as a "hung component". */
#define POLL_TIMEOUT_MS 1000
/* Status reads between two looks at the clock: in a micro server the
 * clock is a system call, a status read is one instruction. */
#define POLLS_PER_CLOCK_READ 256
/* Interrupts a wait may take that find the drive still busy (left over
 * from an earlier command) before it gives up. */
#define MAX_EARLY_WAKEUPS 16
/* How long a command may take to raise its interrupt. A drive that spins
 * up may take seconds (ATA-6 leaves it to the device); past this the
 * request fails with EIO and the drive is reset, so a dead drive never
 * holds the driver (component.h: waits on a device carry a timeout). */
#define IRQ_TIMEOUT_MS 5000

/* At least 400 ns for the status to become valid after a command or a
 * drive selection (ATA-6 9.2): four reads of the alternate status, each of
 * which takes at least 100 ns on the ISA bus. It does not acknowledge the
 * interrupt, unlike the status register. */
static void settle(void)
{
	for (int i = 0; i < 4; i++)
		(void)inb(ATA_REG_CONTROL);
}

/* Polls until BSY is clear and (status & want) is not zero, or until any
 * non-busy status if want is 0. Returns the status, or -EIO on timeout. */
static int poll_status(uint8_t want)
{
	uint32_t start = comp_uptime_ms();

	for (;;) {
		for (int i = 0; i < POLLS_PER_CLOCK_READ; i++) {
			uint8_t st = inb(ATA_REG_CONTROL);

			if (!(st & ATA_ST_BSY) && (!want || (st & want)))
				return st;
		}
		if (comp_uptime_ms() - start > POLL_TIMEOUT_MS)
			return -EIO;
	}
}

static int drive_error(const char *what, uint8_t st)
{
	comp_log("ata: %s failed: status %#x, error %#x\n", what, st, inb(ATA_REG_ERROR));
	return -EIO;
}

/* Waits for the drive's interrupt and returns the status it reports.
 * Reading the status register acknowledges the drive (it drops INTRQ);
 * irq_ack then opens the line at the PIC again. An interrupt left over
 * from before can wake us while the drive is still busy with this
 * command: then we wait for the next one. */
static int wait_interrupt(const char *what)
{
	for (int i = 0; i < MAX_EARLY_WAKEUPS; i++) {
		int r = irq_wait(ATA_IRQ, IRQ_TIMEOUT_MS);

		if (r == -ETIMEDOUT) {
			comp_log("ata: %s: no interrupt from the drive in %d ms\n", what,
				 IRQ_TIMEOUT_MS);
			return -EIO;
		}
		if (r < 0) {
			comp_log("ata: cannot wait for IRQ %d (error %d)\n", ATA_IRQ, r);
			return -EIO;
		}
		uint8_t st = inb(ATA_REG_STATUS);

		irq_ack(ATA_IRQ);
		if (!(st & ATA_ST_BSY))
			return (st & (ATA_ST_ERR | ATA_ST_DF)) ? drive_error(what, st) : st;
	}
	comp_log("ata: %s: the drive stays busy\n", what);
	return -EIO;
}

int ata_start(uint8_t command, uint32_t lba, uint32_t count)
{
	/* The command block may be written only while the drive is idle. */
	if (poll_status(0) < 0) {
		comp_log("ata: the drive stays busy; command %#x not sent\n", command);
		return -EIO;
	}
	outb(ATA_REG_DEVICE, (uint8_t)(ATA_DEVICE_LBA | ((lba >> 24) & 0x0F)));
	settle();
	outb(ATA_REG_COUNT, (uint8_t)count); /* 256 is written as 0 */
	outb(ATA_REG_LBA_LOW, (uint8_t)lba);
	outb(ATA_REG_LBA_MID, (uint8_t)(lba >> 8));
	outb(ATA_REG_LBA_HIGH, (uint8_t)(lba >> 16));
	outb(ATA_REG_COMMAND, command);
	settle();
	return 0;
}

int ata_read_sector(void *buf)
{
	int st = wait_interrupt("read");

	if (st < 0)
		return st;
	if (!(st & ATA_ST_DRQ))
		return drive_error("read (no data)", (uint8_t)st);
	insw(ATA_REG_DATA, buf, ATA_SECTOR_WORDS);
	return 0;
}

int ata_write_sector(const void *buf, int first)
{
	int st = first ? poll_status(ATA_ST_DRQ | ATA_ST_ERR | ATA_ST_DF) : wait_interrupt("write");

	if (st < 0) {
		if (first)
			comp_log("ata: write: the drive never asked for data\n");
		return st;
	}
	if ((st & (ATA_ST_ERR | ATA_ST_DF)) || !(st & ATA_ST_DRQ))
		return drive_error("write", (uint8_t)st);
	outsw(ATA_REG_DATA, buf, ATA_SECTOR_WORDS);
	return 0;
}

int ata_write_done(void)
{
	int st = wait_interrupt("write");

	if (st < 0)
		return st;
	return (st & ATA_ST_DRQ) ? drive_error("write (wants more data)", (uint8_t)st) : 0;
}

int ata_flush(void)
{
	int r = ata_start(ATA_CMD_CACHE_FLUSH, 0, 0);

	if (r < 0)
		return r;
	r = wait_interrupt("cache flush");
	return r < 0 ? r : 0;
}

int ata_reset(void)
{
	/* SRST for at least 5 us, interrupts off meanwhile (ATA-6 9.2). */
	outb(ATA_REG_CONTROL, ATA_CTL_SRST | ATA_CTL_NIEN);
	for (int i = 0; i < 50; i++)
		(void)inb(ATA_REG_CONTROL);
	outb(ATA_REG_CONTROL, ATA_CTL_NIEN);
	settle();
	int st = poll_status(0);

	(void)inb(ATA_REG_STATUS); /* drop any interrupt the reset left pending */
	outb(ATA_REG_CONTROL, 0);
	if (st < 0) {
		comp_log("ata: the drive stays busy after a reset\n");
		return -EIO;
	}
	return 0;
}

/* The model name: ATA strings hold two characters per word, the first in
 * the high byte, padded with spaces. */
static void copy_model(char *dst, const uint16_t *words, int nwords)
{
	int n = 0;

	for (int i = 0; i < nwords; i++) {
		dst[n++] = (char)(words[i] >> 8);
		dst[n++] = (char)(words[i] & 0xFF);
	}
	while (n > 0 && (dst[n - 1] == ' ' || dst[n - 1] == '\0'))
		n--;
	dst[n] = '\0';
}

int ata_identify(struct ata_drive *d, const char **why)
{
	static uint16_t id[ATA_SECTOR_WORDS];

	/* Polled, with the drive's interrupt off: the line is still masked,
	 * and nobody would wait for this interrupt. */
	outb(ATA_REG_CONTROL, ATA_CTL_NIEN);
	outb(ATA_REG_DEVICE, ATA_DEVICE_LBA);
	settle();
	uint8_t st = inb(ATA_REG_STATUS);

	if (st == 0xFF) { /* nothing drives the bus: pull-ups read as ones */
		*why = "no controller or drive (status 0xff, floating bus)";
		return -EIO;
	}
	/* A driver restarted after dying in the middle of a command finds the
	 * drive still busy with it, or holding its data: IDENTIFY would then
	 * read garbage ("not an ATA disk", "cannot address by LBA") and the
	 * disk would be lost for good (found by make faultlab). A software
	 * reset returns the drive to idle first; an idle drive at boot is left
	 * alone. */
	if (st & (ATA_ST_BSY | ATA_ST_DRQ)) {
		comp_log("ata: the drive is busy with an earlier command; resetting it\n");
		if (ata_reset() < 0) {
			*why = "the drive stays busy after a reset";
			return -EIO;
		}
		outb(ATA_REG_CONTROL, ATA_CTL_NIEN);
		outb(ATA_REG_DEVICE, ATA_DEVICE_LBA);
		settle();
	}
	outb(ATA_REG_COUNT, 0);
	outb(ATA_REG_LBA_LOW, 0);
	outb(ATA_REG_LBA_MID, 0);
	outb(ATA_REG_LBA_HIGH, 0);
	outb(ATA_REG_COMMAND, ATA_CMD_IDENTIFY);
	settle();
	if (inb(ATA_REG_STATUS) == 0) {
		*why = "no drive (status 0 after IDENTIFY)";
		return -EIO;
	}
	if (poll_status(0) < 0) {
		*why = "the drive stays busy after IDENTIFY";
		return -EIO;
	}
	/* ATAPI and SATA devices abort IDENTIFY DEVICE and leave their
	 * signature in the LBA registers (ATA-6 9.12). */
	if (inb(ATA_REG_LBA_MID) != 0 || inb(ATA_REG_LBA_HIGH) != 0) {
		*why = "the device is not an ATA disk (ATAPI or SATA signature)";
		return -EIO;
	}
	int s = poll_status(ATA_ST_DRQ | ATA_ST_ERR);

	if (s < 0 || (s & ATA_ST_ERR)) {
		*why = "IDENTIFY DEVICE failed";
		return -EIO;
	}
	insw(ATA_REG_DATA, id, ATA_SECTOR_WORDS);
	(void)inb(ATA_REG_STATUS);
	if (!(id[49] & (1u << 9))) {
		*why = "the disk cannot address by LBA";
		return -EIO;
	}
	d->sectors = (uint32_t)id[60] | ((uint32_t)id[61] << 16);
	copy_model(d->model, &id[27], 20);
	if (d->sectors == 0) {
		*why = "the disk reports 0 LBA28 sectors";
		return -EIO;
	}
	/* From now on each command ends with an interrupt. */
	outb(ATA_REG_CONTROL, 0);
	irq_ack(ATA_IRQ);
	return 0;
}
