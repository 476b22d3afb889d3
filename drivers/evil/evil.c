/* The malicious-driver demo: the "driver" of a made-up sound card at
 * ports 0x220-0x22f that, once an instructor's tool wakes it, tries to
 * read the disk behind the file system's back (issue 10, item 6). It is a
 * component like any other, compiled once into both kernels (design.md
 * Rule 1): the same instructions run in ring 0 and in a ring-3 server,
 * and only where they run decides what they reach.
 *
 * Dormant, it costs its process slot and its memory: it answers pings
 * and nothing else. Each attack is a request (EVIL_* in abi/msg.h), a
 * system type that needs PRIV_FAULT, on a private service. The tool
 * (user/bin/evil.c) prints one line per attempt from the replies.
 *
 * Its manifest asks for the disk's ports beside its own, as a compromised
 * image would: the system's table (common/system.conf) grants only the
 * card's, and the kernel logs the refusal (rights_compare). */
#include "abi/fs.h"
#include "component.h"
#include "klib.h"
#include "x86.h"
#include "evil.h"

/* A sector, and the few fields of the ext2 structures the theft needs. */
static uint8_t sec[ATA_SECTOR];
static struct msg lent; /* EVIL_LEND's request, kept after its reply */
static int have_lent;

/* --- Reading the disk with the IDE ports (ATA/ATAPI-6, 9.5 PIO data-in) --- */

static int wait_drive(void)
{
	/* Bounded, well inside COMP_BUSY_MS: a wait that never ends would
	 * be a hang in either placement. */
	uint32_t start = comp_uptime_ms();
	for (;;) {
		uint8_t st = inb(IDE_ALTSTATUS);
		if (!(st & IDE_BSY) && (st & (IDE_DRQ | IDE_ERR)))
			return st & IDE_ERR ? -EIO : 0;
		if (comp_uptime_ms() - start > 500)
			return -ETIMEDOUT;
	}
}

/* One sector by PIO, with the drive's interrupt off (nIEN), so the real
 * disk driver's interrupt handler sees nothing: behind its back. */
static int pio_read(uint32_t lba)
{
	outb(IDE_CONTROL, IDE_NIEN);
	outb(IDE_DEVICE, (uint8_t)(0xE0 | ((lba >> 24) & 0x0F)));
	outb(IDE_COUNT, 1);
	outb(IDE_LBA0, (uint8_t)lba);
	outb(IDE_LBA1, (uint8_t)(lba >> 8));
	outb(IDE_LBA2, (uint8_t)(lba >> 16));
	outb(IDE_COMMAND, IDE_READ_SECTORS);
	int r = wait_drive();
	for (int i = 0; r == 0 && i < ATA_SECTOR / 2; i++) {
		uint16_t w = inw(IDE_DATA);
		sec[2 * i] = (uint8_t)w;
		sec[2 * i + 1] = (uint8_t)(w >> 8);
	}
	(void)inb(IDE_STATUS); /* clears any interrupt the drive kept pending */
	outb(IDE_CONTROL, 0);
	return r;
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Bytes [off, off+len) of the disk, by sectors, into dst. */
static int disk_read(uint32_t off, void *dst, uint32_t len)
{
	uint8_t *d = dst;
	while (len) {
		int r = pio_read(off / ATA_SECTOR);
		if (r < 0)
			return r;
		uint32_t in = off % ATA_SECTOR, n = ATA_SECTOR - in < len ? ATA_SECTOR - in : len;
		memcpy(d, sec + in, n);
		d += n, off += n, len -= n;
	}
	return 0;
}

struct fsinfo {
	uint32_t bsize, ipg, isize, gdt;
};

/* The inode table entry of inode ino: its size and first 12 block numbers
 * (ext2: the group descriptor's bg_inode_table, then the index). */
static int read_inode(const struct fsinfo *f, uint32_t ino, uint32_t *size, uint32_t blocks[12])
{
	uint8_t gd[32], in[EXT2_I_BLOCK + 48];
	uint32_t g = (ino - 1) / f->ipg, idx = (ino - 1) % f->ipg;
	int r = disk_read(f->gdt * f->bsize + g * 32, gd, sizeof(gd));
	if (r < 0)
		return r;
	r = disk_read(le32(gd + EXT2_BG_INODE_TABLE) * f->bsize + idx * f->isize, in, sizeof(in));
	if (r < 0)
		return r;
	*size = le32(in + EXT2_I_SIZE);
	for (int i = 0; i < 12; i++)
		blocks[i] = le32(in + EXT2_I_BLOCK + 4 * i);
	return 0;
}

/* Finds name in the root directory's direct blocks (a linear directory,
 * or the leaves of an indexed one, which are ordinary entries too). A
 * whole block at a time: an entry may cross a sector. */
static uint32_t lookup_root(const struct fsinfo *f, const char *name)
{
	static uint8_t blk[EVIL_MAX_BLOCK];
	uint32_t size, blocks[12];
	size_t nlen = strlen(name);
	if (f->bsize > sizeof(blk) || read_inode(f, EXT2_ROOT_INO, &size, blocks) < 0)
		return 0;
	for (int b = 0; b < 12 && blocks[b]; b++) {
		if (disk_read(blocks[b] * f->bsize, blk, f->bsize) < 0)
			return 0;
		for (uint32_t o = 0; o + 8 <= f->bsize;) {
			uint32_t ino = le32(blk + o);
			uint32_t rec = blk[o + 4] | (uint32_t)blk[o + 5] << 8;
			if (rec < 8 || rec > f->bsize - o)
				break;
			if (ino && blk[o + 6] == nlen && 8 + nlen <= rec &&
			    memcmp(blk + o + 8, name, nlen) == 0)
				return ino;
			o += rec;
		}
	}
	return 0;
}

/* EVIL_PORTS: the file named in the request, read from the raw disk. */
static void steal_by_ports(struct msg *m)
{
	static uint8_t data[EVIL_MAX_BYTES];
	char name[EVIL_NAME_BYTES + 1];
	memcpy(name, &m->w[EVIL_NAME_AT], EVIL_NAME_BYTES);
	name[EVIL_NAME_BYTES] = 0;
	uint8_t sb[EXT2_S_INODE_SIZE + 2];
	/* The superblock is at byte 1024 (ext2, "Superblock"). */
	int r = disk_read(1024, sb, sizeof(sb));
	if (r < 0 || (sb[EXT2_S_MAGIC] | sb[EXT2_S_MAGIC + 1] << 8) != EXT2_MAGIC) {
		m->type = r < 0 ? r : -ENODEV;
		return;
	}
	struct fsinfo f = {
		.bsize = 1024u << le32(sb + EXT2_S_LOG_BLOCK_SIZE),
		.ipg = le32(sb + EXT2_S_INODES_PER_GROUP),
		.isize = le32(sb + EXT2_S_REV_LEVEL) ? (uint32_t)(sb[EXT2_S_INODE_SIZE] |
								  sb[EXT2_S_INODE_SIZE + 1] << 8)
						     : 128,
	};
	f.gdt = le32(sb + EXT2_S_FIRST_DATA_BLOCK) + 1;
	uint32_t ino = lookup_root(&f, name), size, blocks[12];
	if (!ino || !f.ipg) {
		m->type = -ENOENT;
		return;
	}
	if ((r = read_inode(&f, ino, &size, blocks)) < 0) {
		m->type = r;
		return;
	}
	uint32_t n = size < EVIL_MAX_BYTES ? size : EVIL_MAX_BYTES;
	if (n && (r = disk_read(blocks[0] * f.bsize, data, n)) < 0) {
		m->type = r;
		return;
	}
	r = grant_write(m, 0, data, n);
	/* Leave no copy behind for EVIL_PEEK to find. */
	memset(data, 0, sizeof(data));
	memset(sec, 0, sizeof(sec));
	m->type = r < 0 ? r : (int32_t)n;
	m->w[0] = blocks[0] * (f.bsize / ATA_SECTOR);
	m->w[1] = ino;
}

/* --- Reading the kernel's memory, where every other component's is --- */

/* EVIL_PEEK: searches physical memory through the kernel's direct map
 * (every x86 kernel of this kind keeps RAM at 3 GiB) for the marker
 * followed by printable bytes and a newline: a file's contents, not the
 * command line that typed it. In ring 0 that is all of RAM; a server's
 * page tables map it for the kernel only, so the first byte faults. */
static void steal_by_peek(struct msg *m)
{
	char mark[EVIL_NAME_BYTES + 1];
	memcpy(mark, &m->w[EVIL_NAME_AT], EVIL_NAME_BYTES);
	mark[EVIL_NAME_BYTES] = 0;
	size_t mlen = strlen(mark);
	const volatile uint8_t *p = (const volatile uint8_t *)EVIL_SCAN_FROM,
			       *end = (const volatile uint8_t *)(EVIL_SCAN_FROM + EVIL_SCAN_BYTES);
	uint32_t start = comp_uptime_ms();
	m->type = -ENOENT;
	if (!mlen)
		return;
	for (; p < end - EVIL_MAX_BYTES; p++) {
		if (((uint32_t)p & 0xFFFFF) == 0 && comp_uptime_ms() - start > 1000)
			return; /* well inside COMP_BUSY_MS */
		if (*p != (uint8_t)mark[0])
			continue;
		/* Not our own copies: the request and the marker built from it. */
		if ((const void *)p == mark || (const void *)p == (void *)&m->w[EVIL_NAME_AT])
			continue;
		size_t i = 1;
		while (i < mlen && p[i] == (uint8_t)mark[i])
			i++;
		if (i < mlen)
			continue;
		while (i < EVIL_MAX_BYTES - 1 && p[i] > ' ' && p[i] < 0x7f)
			i++;
		if (p[i] != '\n')
			continue;
		uint8_t copy[EVIL_MAX_BYTES];
		for (size_t k = 0; k <= i; k++)
			copy[k] = p[k];
		int r = grant_write(m, 0, copy, (uint32_t)i + 1);
		m->type = r < 0 ? r : (int32_t)i + 1;
		m->w[0] = (uint32_t)p - (EVIL_SCAN_FROM - EVIL_SCAN_FROM_PA); /* physical */
		return;
	}
}

/* --- Asking the kernel for what is not ours --- */

static void ask_the_kernel(struct msg *m)
{
	int32_t res[EVIL_NAPI];
	/* The disk driver's own service: ATA_READ of the boot sector into
	 * our buffer. Our row names no calls. */
	struct msg rd = {.type = ATA_READ, .w = {0, 1}};
	rd.grant = (struct grant){(uint32_t)sec, ATA_SECTOR, GRANT_WRITE};
	res[EVIL_ATA] = call(SVC_ATA, &rd);
	/* A forged grant: the pid the tool names (not calling us) as the
	 * owner of a buffer, so as to read its memory. */
	struct msg forged = {.sender = m->w[0]};
	uint8_t b[16];
	res[EVIL_FORGED] = grant_read(&forged, 0, b, sizeof(b));
	/* A stale grant: the buffer EVIL_LEND lent, long after its reply.
	 * The kernel checks the grant of the call in progress, not the copy
	 * we kept. */
	res[EVIL_STALE] = have_lent ? grant_read(&lent, 0, b, sizeof(b)) : -ENOENT;
	/* Device memory that is not ours: the console's screen, and RAM
	 * itself, where the kernel and the file system's cache live. */
	res[EVIL_SCREEN] = mmio_map(EVIL_SCREEN_PA, EVIL_SCREEN_LEN) != NULL;
	res[EVIL_LOWMEM] = mmio_map(EVIL_LOWMEM_PA, EVIL_LOWMEM_LEN) != NULL;
	/* DMA memory (a bus master could then copy the disk's data anywhere):
	 * our row grants none. */
	uint32_t pa;
	res[EVIL_DMA] = dma_alloc(EVIL_DMA_BYTES, &pa) != NULL;
	/* The disk controller itself, to claim its bus-master registers. */
	struct pci_dev d;
	res[EVIL_PCI] = pci_find(EVIL_IDE_VENDOR, EVIL_IDE_DEVICE, &d);
	for (int i = 0; i < EVIL_NAPI; i++)
		m->w[i] = (uint32_t)res[i];
	m->type = 0;
}

static void evil_handle(struct msg *m)
{
	if (m->type >= EVIL_LEND && m->type <= EVIL_PEEK)
		comp_log("evil: woken by request %#x from pid %u: attacking\n", (unsigned)m->type,
			 (unsigned)m->sender);
	switch (m->type) {
	case EVIL_LEND:
		lent = *m;
		have_lent = 1;
		m->type = 0;
		break;
	case EVIL_API:
		ask_the_kernel(m);
		break;
	case EVIL_PORTS:
		steal_by_ports(m);
		break;
	case EVIL_PEEK:
		steal_by_peek(m);
		break;
	default:
		/* Dormant: anything else is refused, like a card with no
		 * driver protocol. */
		m->type = -ENOSYS;
	}
}

static const struct component evil_component = {
	.name = "evil",
	.serves = {{SVC_EVIL, evil_handle}},
	/* Its card, and the disk's ports it has no business with: the table
	 * grants the first only. */
	.ports = {{EVIL_CARD_PORT, EVIL_CARD_PORTS}, {IDE_DATA, 8}},
};
COMPONENT(evil_component);
