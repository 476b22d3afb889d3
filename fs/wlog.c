/* The write log: a restart of the file service loses no write it
 * acknowledged.
 *
 * The block cache writes back lazily (bcache.c), so at any moment the
 * disk lacks what the requests since the last write-back changed. Where
 * the fs is a server, a crash kills it, and its restarted instance mounts
 * the disk as the disk is: every acknowledged change still in the old
 * cache is gone (docs/04-storage.md). Writing each change through before
 * the reply would fix that at the price of a disk write per request.
 * Instead, before each reply, the images of the blocks the request changed
 * are appended to a log in memory the kernel keeps for the component
 * across its restarts (comp_keep: the same frames are mapped into the next
 * instance). The new instance writes the log's blocks to the disk before
 * it mounts, then starts a new log. Memory is the log's medium, so the
 * cost on the normal path is a memcpy per changed block; a disk write
 * comes only when the log is full. This is a redo journal in the sense of
 * ext3's (whole blocks, a commit point per transaction, replay at mount),
 * kept in memory: it survives the server, not a power cut or a panic.
 *
 * Layout: a head (below), then WLOG_DATA bytes of block images, record i
 * at image(i). A request is one transaction: its records are written
 * first, then `committed` moves past them in one aligned store, the commit
 * point. An instance that dies in the middle of a request (its reply not
 * sent) leaves records past `committed`, which are ignored.
 *
 * When the log cannot hold a request's changes (the log is full, or one of
 * the changed blocks left the cache before the request ended), the request
 * is written through instead: a sync before the reply, after which the
 * disk has everything and the log is empty. Every full write-back
 * (bcache_sync) empties it too.
 *
 * Replaying an old image is safe because it is not old: a block's latest
 * record is its content at the last acknowledged request that changed it,
 * and any later change of it is either in a later record or, if its image
 * left the cache first, the log was emptied by the write-through. A record
 * of a block freed since is written to a free block, which no one reads. */
#include "fs.h"

#define WLOG_MAGIC 0x474f4c57u /* "WLOG" */
#define WLOG_HEAD  8192u
#define WLOG_DATA  BCACHE_BYTES
#define WLOG_BYTES (WLOG_HEAD + WLOG_DATA) /* the table's keep= for fs */

struct wlog_head {
	uint32_t magic;        /* WLOG_MAGIC once a read-write mount set it up */
	uint32_t bsize;        /* of the images */
	uint32_t disk_sectors; /* the disk they belong to: its size and s_uuid */
	uint8_t uuid[16];
	uint32_t committed; /* records of acknowledged requests: the commit point */
	uint32_t blk[];     /* record i: the block its image is of */
};

#define HEAD_RECS ((WLOG_HEAD - offsetof(struct wlog_head, blk)) / sizeof(uint32_t))

static struct wlog_head *head; /* NULL: no kept memory, every change goes through */
static uint32_t cap;           /* records the log holds at this mount (0: none) */

static uint8_t *image(uint32_t i)
{
	return (uint8_t *)head + WLOG_HEAD + i * head->bsize;
}

static uint32_t records(uint32_t bs)
{
	return WLOG_DATA / bs < HEAD_RECS ? WLOG_DATA / bs : HEAD_RECS;
}

/* The log's disk is this one: the same size and the same s_uuid. */
static int same_disk(uint32_t sectors)
{
	static uint8_t sb[EXT2_SB_SIZE] __attribute__((aligned(4)));
	if (sectors != head->disk_sectors ||
	    disk_io(ATA_READ, EXT2_SB_OFFSET / ATA_SECTOR, EXT2_SB_SIZE / ATA_SECTOR, sb) < 0)
		return 0;
	const struct ext2_super *s = (const struct ext2_super *)sb;
	return s->s_magic == EXT2_MAGIC && memcmp(s->s_uuid, head->uuid, sizeof(head->uuid)) == 0;
}

/* Writes the latest image of each block the log holds to the disk. */
static int replay(uint32_t n, uint32_t sectors)
{
	uint32_t written = 0;
	/* LAB 6: BEGIN
	 * Replay: for each of the n committed records, write its image
	 * (image(i), head->bsize bytes) to its block (head->blk[i]) with
	 * disk_io(ATA_WRITE, ...) (sectors of ATA_SECTOR bytes), so that the
	 * disk holds, for every block the log has, the image of its latest
	 * record. A record a later one of the same block supersedes need not
	 * be written (but writing all of them in order is correct too). A
	 * block number the disk cannot hold (the log may be damaged) is
	 * refused with a comp_log line, not written. Returns how many blocks
	 * were written, or -EIO if a write failed.
	 * STUB: (void)n;
	 * STUB: (void)sectors;
	 * STUB: (void)image;
	 */
	uint32_t spb = head->bsize / ATA_SECTOR;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t blk = head->blk[i], later = 0;
		for (uint32_t j = i + 1; j < n && !later; j++)
			later = head->blk[j] == blk;
		if (later)
			continue; /* a newer image of the block follows */
		if (blk >= sectors / spb) {
			comp_log("fs: write log: block %u is not on the disk; skipped\n",
				 (unsigned)blk);
			continue;
		}
		if (disk_io(ATA_WRITE, blk * spb, spb, image(i)) < 0)
			return -EIO;
		written++;
	}
	/* LAB 6: END */
	return (int)written;
}

void wlog_recover(void)
{
	if (!head && !(head = comp_keep(WLOG_BYTES))) {
		comp_log("fs: no memory kept for a write log: every change is written through\n");
		return;
	}
	cap = 0;
	uint32_t n = head->committed, sectors;
	if (head->magic != WLOG_MAGIC || !n)
		return;
	if ((head->bsize != 1024 && head->bsize != 2048 && head->bsize != 4096) ||
	    n > records(head->bsize)) {
		comp_log("fs: write log damaged (%u records of %u bytes); dropped\n", (unsigned)n,
			 (unsigned)head->bsize);
	} else if (disk_info(&sectors) < 0 || !same_disk(sectors)) {
		comp_log("fs: the write log is of another disk; dropped\n");
	} else {
		int r = replay(n, sectors);
		if (r < 0)
			comp_log("fs: replaying the write log failed: acknowledged writes are "
				 "lost\n");
		else
			comp_log("fs: write log: %u records of the last instance, %d blocks "
				 "written to the disk\n",
				 (unsigned)n, r);
	}
	head->committed = 0;
	head->magic = 0;
}

void wlog_mounted(const struct ext2_super *sb)
{
	cap = 0;
	if (!head)
		return;
	head->magic = 0; /* not a valid log until the head says which disk */
	head->committed = 0;
	if (fs.state != FS_RW)
		return;
	head->bsize = fs.bs;
	head->disk_sectors = fs.disk_sectors;
	memcpy(head->uuid, sb->s_uuid, sizeof(head->uuid));
	head->magic = WLOG_MAGIC;
	cap = records(fs.bs);
}

int wlog_commit(void)
{
	uint32_t n = head ? head->committed : 0, more = bcache_changed();
	struct buf *b;
	if (!more)
		return 0;
	if (n + more > cap) { /* it does not fit: the caller writes it through */
		while (bcache_next_changed())
			;
		return -ENOSPC;
	}
	/* LAB 6: BEGIN
	 * The log append and its commit point: for each buffer
	 * bcache_next_changed() gives (each block this request changed), a
	 * record at index n, n+1, ...: its block number in head->blk[] and a
	 * copy of its data (head->bsize bytes) in image(). Then, and only
	 * then, move head->committed past them, in one store: a crash before
	 * it leaves the old commit point (the request was never acknowledged),
	 * after it the whole request. The compiler must not move the store
	 * before the copies: __asm__ volatile("" ::: "memory") between them.
	 * (The stub only empties the list, as any version must: nothing is
	 * logged, so a restart loses what the cache held.)
	 * STUB: for (b = bcache_next_changed(); b; b = bcache_next_changed()) {
	 * STUB: }
	 * STUB: (void)n;
	 */
	while ((b = bcache_next_changed())) {
		head->blk[n] = b->blk;
		memcpy(image(n), b->data, head->bsize);
		n++;
	}
	__asm__ volatile("" ::: "memory"); /* the images before the commit point */
	head->committed = n;
	/* LAB 6: END */
	return 0;
}

void wlog_clear(void)
{
	if (head)
		head->committed = 0;
}
