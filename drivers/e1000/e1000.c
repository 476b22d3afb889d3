/* The e1000 component (SVC_ETH, private: only the network stack calls it):
 * an Intel 82540EM found on the PCI bus, its registers through mmio_map,
 * its descriptor rings and frame buffers in dma_alloc memory.
 *
 * Reception: the device writes frames into the buffers of the receive
 * ring and raises an interrupt; the driver does not decode anything, it
 * only notify()s the stack, which then asks for the frames (ETH_RECV) in
 * batches. So the driver never calls the stack, and no call cycle can
 * arise between them. Transmission: ETH_SEND copies a batch of frames into
 * the buffers of the transmit ring and moves its tail. Descriptors the
 * device has finished with (DD) are taken back as the ring is walked.
 *
 * Everything the device reads or writes is in this component's DMA memory:
 * a grant is copied through a bounce buffer, never handed to the device.
 * With no IOMMU the device could still reach any frame (docs/02b); when a
 * server placement of this driver dies, the kernel turns off the device's
 * bus mastering before its memory is freed, and the next instance resets
 * the device before it trusts the rings again.
 *
 * Without the device the component still starts (the system runs without
 * a network) and every request answers -ENETDOWN. */
#include "abi/eth.h"
#include "component.h"
#include "e1000.h"
#include "klib.h"

#define NRX         64   /* receive descriptors (a multiple of 8) */
#define NTX         64   /* transmit descriptors */
#define BUF         2048 /* per descriptor: RCTL's buffer size */
#define RESET_POLLS 100000

static volatile uint8_t *regs;
static volatile struct rx_desc *rx;
static volatile struct tx_desc *tx;
static uint8_t *rxbuf, *txbuf;
static uint32_t rx_next;          /* the next receive descriptor to look at */
static uint32_t tx_tail, tx_free; /* the next one to fill; how many are free */
static uint32_t tx_clean;         /* the oldest one the device may still own */
static uint8_t mac[6];
static int present;
static uint32_t frames_in, frames_out, drops_out, interrupts;
/* Frames the device missed for want of a free receive descriptor. MPC
 * (13.7.5) clears when it is read, as every statistics register of 13.7
 * does, so each read is added here: the count is the device's since this
 * instance reset it, not since the last ETH_INFO. */
static uint32_t missed;
static uint32_t bad_in;              /* frames the device flagged or that make no sense: dropped */
static uint8_t batch[ETH_BATCH_MAX]; /* the bounce buffer of ETH_SEND/ETH_RECV */

static uint32_t rd(uint32_t reg)
{
	return *(volatile uint32_t *)(regs + reg);
}

static void wr(uint32_t reg, uint32_t v)
{
	*(volatile uint32_t *)(regs + reg) = v;
}

/* Descriptors the device has written back: free for new frames. */
static void tx_reclaim(void)
{
	while (tx_free < NTX && (tx[tx_clean].status & TXD_DD)) {
		tx[tx_clean].status = 0;
		tx_clean = (tx_clean + 1) % NTX;
		tx_free++;
	}
}

static int send_one(const uint8_t *frame, uint32_t len)
{
	if (len < 14 || len > ETH_FRAME_MAX)
		return -EINVAL;
	if (!tx_free)
		tx_reclaim();
	if (!tx_free)
		return -ENOBUFS;
	uint32_t i = tx_tail;
	memcpy(txbuf + i * BUF, frame, len);
	tx[i].length = (uint16_t)len;
	tx[i].cmd = TXD_EOP | TXD_IFCS | TXD_RS;
	tx[i].status = 0;
	tx_tail = (i + 1) % NTX;
	tx_free--;
	frames_out++;
	return 0;
}

/* How many of at most max records lie in batch[off..len): the frames of
 * a batch that a full ring turns away, each counted (not the batch). */
static uint32_t records_left(uint32_t off, uint32_t len, uint32_t max)
{
	uint32_t n = 0;
	while (n < max && off + 2 <= len) {
		uint32_t flen = batch[off] | (uint32_t)batch[off + 1] << 8;
		if (flen > len - off - 2)
			break;
		n++;
		off += eth_record_size(flen);
	}
	return n;
}

static int eth_send(struct msg *m)
{
	uint32_t len = m->grant.len < sizeof(batch) ? m->grant.len : sizeof(batch);
	int r = grant_read(m, 0, batch, len);
	if (r < 0)
		return r;
	uint32_t off = 0, sent = 0;
	for (uint32_t n = 0; n < m->w[0] && off + 2 <= len; n++) {
		uint32_t flen = batch[off] | (uint32_t)batch[off + 1] << 8;
		if (flen > len - off - 2) {
			/* A record past the grant: what came before it is on the
			 * ring and must still be handed to the device below. */
			r = -EINVAL;
			break;
		}
		if ((r = send_one(batch + off + 2, flen)) < 0) {
			if (r == -ENOBUFS)
				drops_out += records_left(off, len, m->w[0] - n);
			break;
		}
		sent++;
		off += eth_record_size(flen);
	}
	if (sent)
		wr(REG_TDT, tx_tail); /* the device sends up to here */
	return sent ? (int)sent : r < 0 ? r : 0;
}

/* Hands over as many received frames as fit in the caller's grant; each
 * descriptor goes back to the device at once. */
static int eth_recv(struct msg *m)
{
	uint32_t room = m->grant.len < sizeof(batch) ? m->grant.len : sizeof(batch);
	uint32_t used = 0, count = 0;
	while (rx[rx_next].status & RXD_DD) {
		volatile struct rx_desc *d = &rx[rx_next];
		uint32_t len = d->length;
		/* A frame in several descriptors cannot happen with 2 KiB buffers
		 * and long packets off; drop anything odd rather than guess. */
		int good = (d->status & RXD_EOP) && !d->errors && len >= 14 && len <= ETH_FRAME_MAX;
		if (good && used + eth_record_size(len) > room)
			break; /* the next batch takes it */
		if (good) {
			batch[used] = (uint8_t)len;
			batch[used + 1] = (uint8_t)(len >> 8);
			memcpy(batch + used + 2, rxbuf + rx_next * BUF, len);
			used += eth_record_size(len);
			count++;
			frames_in++;
		} else {
			bad_in++;
		}
		d->status = 0;
		wr(REG_RDT, rx_next); /* this buffer is the device's again */
		rx_next = (rx_next + 1) % NRX;
	}
	if (used) {
		int r = grant_write(m, 0, batch, used);
		if (r < 0)
			return r;
	}
	m->w[0] = used;
	return (int)count;
}

static void e1000_handle(struct msg *m)
{
	uint32_t type = (uint32_t)m->type;
	if (type != ETH_SEND && type != ETH_RECV && type != ETH_INFO) {
		m->type = -ENOSYS;
		return;
	}
	if (type == ETH_INFO) {
		memset(m->w, 0, sizeof(m->w));
		memcpy(&m->w[0], mac, 4);
		memcpy(&m->w[1], mac + 4, 2);
		m->w[2] = present && (rd(REG_STATUS) & STATUS_LU);
		m->w[3] = frames_in;
		m->w[4] = frames_out;
		if (present)
			missed += rd(REG_MPC);
		m->w[5] = missed;
		m->w[6] = drops_out;
		m->w[7] = interrupts;
		m->w[8] = present;
		m->w[9] = bad_in;
		m->type = 0;
		return;
	}
	if (!present) {
		m->type = -ENETDOWN;
		return;
	}
	m->type = type == ETH_SEND ? eth_send(m) : eth_recv(m);
}

static void e1000_irq(int line)
{
	interrupts++;
	uint32_t cause = rd(REG_ICR); /* reading it clears it: the line drops */
	if (cause & ICR_TXDW)
		tx_reclaim();
	if (cause & ICR_LSC)
		comp_log("e1000: link %s\n", (rd(REG_STATUS) & STATUS_LU) ? "up" : "down");
	if (cause & ICR_RX)
		notify(SVC_NET);
	irq_ack(line);
}

/* The address the EEPROM holds (words 0-2, 13.4.4), if the device did not
 * load it into RAL0/RAH0 at reset. */
static void read_mac(void)
{
	uint32_t lo = rd(REG_RAL0), hi = rd(REG_RAH0);
	if (hi & RAH_AV) {
		memcpy(mac, &lo, 4);
		mac[4] = (uint8_t)hi;
		mac[5] = (uint8_t)(hi >> 8);
		return;
	}
	for (uint32_t w = 0; w < 3; w++) {
		wr(REG_EERD, EERD_START | w << EERD_ADDR_SHIFT);
		uint32_t v = 0;
		for (int i = 0; i < RESET_POLLS && !((v = rd(REG_EERD)) & EERD_DONE); i++)
			;
		mac[2 * w] = (uint8_t)(v >> EERD_DATA_SHIFT);
		mac[2 * w + 1] = (uint8_t)(v >> (EERD_DATA_SHIFT + 8));
	}
}

static int setup_rings(void)
{
	uint32_t rings_pa, rx_pa, tx_pa;
	uint8_t *rings = dma_alloc(NRX * sizeof(*rx) + NTX * sizeof(*tx), &rings_pa);
	rxbuf = dma_alloc(NRX * BUF, &rx_pa);
	txbuf = dma_alloc(NTX * BUF, &tx_pa);
	if (!rings || !rxbuf || !txbuf)
		return -ENOMEM;
	rx = (volatile struct rx_desc *)rings;
	tx = (volatile struct tx_desc *)(rings + NRX * sizeof(*rx));
	for (uint32_t i = 0; i < NRX; i++)
		rx[i] = (struct rx_desc){.addr = rx_pa + i * BUF};
	for (uint32_t i = 0; i < NTX; i++)
		tx[i] = (struct tx_desc){.addr = tx_pa + i * BUF};
	wr(REG_RDBAL, rings_pa);
	wr(REG_RDBAH, 0);
	wr(REG_RDLEN, NRX * sizeof(*rx));
	wr(REG_RDH, 0);
	wr(REG_RDT, NRX - 1); /* all but one: head == tail means empty */
	rx_next = 0;
	uint32_t tx_ring = rings_pa + NRX * sizeof(*rx);
	wr(REG_TDBAL, tx_ring);
	wr(REG_TDBAH, 0);
	wr(REG_TDLEN, NTX * sizeof(*tx));
	wr(REG_TDH, 0);
	wr(REG_TDT, 0);
	tx_tail = tx_clean = 0;
	tx_free = NTX;
	return 0;
}

static int e1000_init(void)
{
	struct pci_dev d;
	int r = pci_find(E1000_VENDOR, E1000_DEVICE, &d);
	if (r < 0) {
		comp_log("e1000: no Intel 82540EM on the PCI bus (error %d); the network has no "
			 "device\n",
			 r);
		return 0;
	}
	if (d.bar[0].io || !d.bar[0].len || !(regs = mmio_map(d.bar[0].base, d.bar[0].len))) {
		comp_log("e1000: cannot map its registers (BAR 0 %#x+%#x)\n", d.bar[0].base,
			 d.bar[0].len);
		return 0;
	}
	/* A reset first: after a restart the rings of the instance before
	 * are gone, and the device must forget them (13.4.1). */
	wr(REG_IMC, 0xFFFFFFFFu);
	wr(REG_CTRL, rd(REG_CTRL) | CTRL_RST);
	for (int i = 0; i < RESET_POLLS && (rd(REG_CTRL) & CTRL_RST); i++)
		;
	wr(REG_IMC, 0xFFFFFFFFu);
	(void)rd(REG_ICR);
	read_mac();
	wr(REG_RAL0, (uint32_t)mac[0] | mac[1] << 8 | mac[2] << 16 | (uint32_t)mac[3] << 24);
	wr(REG_RAH0, mac[4] | mac[5] << 8 | RAH_AV);
	for (uint32_t i = 0; i < 128; i++)
		wr(REG_MTA + 4 * i, 0);
	if ((r = setup_rings()) < 0) {
		comp_log("e1000: no DMA memory for its rings (error %d)\n", r);
		return 0;
	}
	wr(REG_CTRL, rd(REG_CTRL) | CTRL_SLU);
	wr(REG_RCTL, RCTL_EN | RCTL_BAM | RCTL_SECRC);
	wr(REG_TIPG, TIPG_VALUE);
	wr(REG_TCTL, TCTL_EN | TCTL_PSP | 0x10u << TCTL_CT_SHIFT | 0x40u << TCTL_COLD_SHIFT);
	wr(REG_IMS, ICR_RX | ICR_TXDW | ICR_LSC);
	present = 1;
	irq_ack(d.irq);
	comp_log("e1000: %02x:%02x:%02x:%02x:%02x:%02x, IRQ %d, link %s\n", mac[0], mac[1], mac[2],
		 mac[3], mac[4], mac[5], d.irq, (rd(REG_STATUS) & STATUS_LU) ? "up" : "down");
	/* Frames may have come before the stack was told it can ask. */
	notify(SVC_NET);
	return 0;
}

static const struct component e1000_component = {
	.name = "e1000",
	.serves = {{SVC_ETH, e1000_handle}},
	.init = e1000_init,
	.irq = e1000_irq,
	.pci = {{E1000_VENDOR, E1000_DEVICE}},
	.dma_bytes = NRX * BUF + NTX * BUF + 4096,
	.calls = SVC_BIT(SVC_NET),
};
COMPONENT(e1000_component);
