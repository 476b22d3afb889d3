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
 * Where the fs runs in ring 0 (mono) a crash of it is a kernel panic and
 * no instance would ever replay a log, so there it keeps none
 * (comp_restartable) and costs nothing.
 *
 * Layout: a head (below), then two areas of WLOG_AREA bytes of block
 * images; one is live. A request is one transaction: its records are
 * appended to the live area first, then the area's `committed` moves past
 * them in one aligned store, the commit point. An instance that dies in
 * the middle of a request (its reply not sent) leaves records past
 * `committed`, which are ignored.
 *
 * A block changed by many requests has a record for each, so the live
 * area fills. Then the log is compacted: the other area gets one record
 * of each block that is dirty in the cache (only those are not on the
 * disk yet, and the cache has their latest content), and becomes the live
 * one in one store. Only if the dirty blocks do not fit either is the
 * request written through: a sync before the reply, after which the disk
 * has everything and the log is empty. Every full write-back
 * (bcache_sync) empties it too. So a workload that changes and frees the
 * same few blocks costs memcpys, never disk writes the fs did not make
 * before (a sync when full did: the blocks of files deleted before any
 * write-back were written).
 *
 * Replaying an old image is safe because it is not old: a block's latest
 * record is its content at the last acknowledged request that changed it,
 * and any later change of it is either in a later record or, if its image
 * left the cache first, the log was compacted from the cache or emptied by
 * the write-through. A record of a block freed since is written to a free
 * block, which no one reads. */
#include "fs.h"

#define WLOG_MAGIC 0x474f4c57u /* "WLOG" */
#define WLOG_HEAD  12288u
#define WLOG_AREA  BCACHE_BYTES                /* of images, each of the two areas */
#define WLOG_BYTES (WLOG_HEAD + 2 * WLOG_AREA) /* the table's keep= for fs */
#define AREA_RECS  (WLOG_AREA / 1024)

struct wlog_area {
	uint32_t committed;      /* records of acknowledged requests: the commit point */
	uint32_t blk[AREA_RECS]; /* record i: the block its image (image()) is of */
};

struct wlog_head {
	uint32_t magic;        /* WLOG_MAGIC once a read-write mount set it up */
	uint32_t bsize;        /* of the images */
	uint32_t disk_sectors; /* the disk they belong to: its size and s_uuid */
	uint8_t uuid[16];
	uint32_t live; /* the area appended to and replayed: 0 or 1 */
	struct wlog_area area[2];
};
_Static_assert(sizeof(struct wlog_head) <= WLOG_HEAD, "the log's head fits");

static struct wlog_head *head; /* NULL: no kept memory, every change goes through */
static uint32_t cap;           /* records an area holds at this mount (0: none) */
static int restartable;        /* a server: a restart can follow a crash */

/* Record i of area a: its image, bsize bytes. */
static uint8_t *image(uint32_t a, uint32_t i)
{
	return (uint8_t *)head + WLOG_HEAD + a * WLOG_AREA + i * head->bsize;
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

/* Writes the latest image of each block the live area holds to the disk. */
static int replay(const struct wlog_area *a, uint32_t n, uint32_t sectors)
{
	uint32_t written = 0;
	/* LAB 6: BEGIN
	 * Replay: for each of the n committed records of area a, write its
	 * image (image(head->live, i), head->bsize bytes) to its block
	 * (a->blk[i]) with disk_io(ATA_WRITE, ...) (sectors of ATA_SECTOR
	 * bytes), so that the disk holds, for every block the log has, the
	 * image of its latest record. A record a later one of the same block
	 * supersedes need not be written (but writing all of them in order is
	 * correct too). A block number the disk cannot hold (the log may be
	 * damaged) is refused with a comp_log line, not written. Returns how
	 * many blocks were written, or -EIO if a write failed.
	 * STUB: (void)a;
	 * STUB: (void)n;
	 * STUB: (void)sectors;
	 */
	uint32_t spb = head->bsize / ATA_SECTOR;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t blk = a->blk[i], later = 0;
		for (uint32_t j = i + 1; j < n && !later; j++)
			later = a->blk[j] == blk;
		if (later)
			continue; /* a newer image of the block follows */
		if (blk >= sectors / spb) {
			comp_log("fs: write log: block %u is not on the disk; skipped\n",
				 (unsigned)blk);
			continue;
		}
		if (disk_io(ATA_WRITE, blk * spb, spb, image(head->live, i)) < 0)
			return -EIO;
		written++;
	}
	/* LAB 6: END */
	return (int)written;
}

void wlog_recover(void)
{
	cap = 0;
	head = NULL;
	/* In ring 0 a crash of the fs is the kernel's: no instance would
	 * replay a log, so none is kept, and nothing is written through. */
	if (!(restartable = comp_restartable()))
		return;
	if (!(head = comp_keep(WLOG_BYTES))) { /* once an instance: at its init */
		comp_log("fs: no memory kept for a write log: every change is written through\n");
		return;
	}
	if (head->magic != WLOG_MAGIC || head->live > 1)
		return;
	const struct wlog_area *a = &head->area[head->live];
	uint32_t n = a->committed, sectors;
	if (!n)
		return;
	if ((head->bsize != 1024 && head->bsize != 2048 && head->bsize != 4096) ||
	    n > WLOG_AREA / head->bsize) {
		comp_log("fs: write log damaged (%u records of %u bytes); dropped\n", (unsigned)n,
			 (unsigned)head->bsize);
	} else if (disk_info(&sectors) < 0 || !same_disk(sectors)) {
		comp_log("fs: the write log is of another disk; dropped\n");
	} else {
		int r = replay(a, n, sectors);
		if (r < 0)
			comp_log("fs: replaying the write log failed: acknowledged writes are "
				 "lost\n");
		else
			comp_log("fs: write log: %u records of the last instance, %d blocks "
				 "written to the disk\n",
				 (unsigned)n, r);
	}
	head->magic = 0;
}

void wlog_mounted(const struct ext2_super *sb)
{
	cap = 0;
	bcache_track_changes(restartable); /* in ring 0 nothing needs the list */
	if (!head)
		return;
	head->magic = 0; /* not a valid log until the head says which disk */
	head->live = 0;
	head->area[0].committed = 0;
	if (fs.state != FS_RW)
		return;
	head->bsize = fs.bs;
	head->disk_sectors = fs.disk_sectors;
	memcpy(head->uuid, sb->s_uuid, sizeof(head->uuid));
	head->magic = WLOG_MAGIC;
	cap = WLOG_AREA / fs.bs;
}

/* The live area is full. The log needs only what the disk lacks, the
 * blocks dirty in the cache (the cache has their latest content; a block
 * no longer dirty was written back since its records): so start the other
 * area with one record of each, then make it the live one in one store.
 * A crash before that store replays the old area, after it the new. */
static int compact(void)
{
	uint32_t other = !head->live, m = 0, i = 0;
	struct wlog_area *a = &head->area[other];
	struct buf *b;
	while ((b = bcache_next_dirty(&i))) {
		if (m == cap)
			return -ENOSPC; /* more dirty blocks than an area holds */
		a->blk[m] = b->blk;
		memcpy(image(other, m), b->data, head->bsize);
		m++;
	}
	a->committed = m;
	__asm__ volatile("" ::: "memory"); /* the new area before the switch */
	head->live = other;
	return 0;
}

int wlog_commit(void)
{
	if (!bcache_changed())
		return 0;
	if (!cap) { /* no log: write through if a restart could lose it */
		while (bcache_next_changed())
			;
		return restartable ? -ENOSPC : 0;
	}
	struct wlog_area *a = &head->area[head->live];
	uint32_t n = a->committed;
	struct buf *b;
	if (n + bcache_changed() > cap) {
		/* It does not fit: the log becomes the dirty blocks, which
		 * this request's are among, or, if they do not fit either,
		 * the caller writes everything through. */
		while (bcache_next_changed())
			;
		return compact();
	}
	/* LAB 6: BEGIN
	 * The log append and its commit point: for each buffer
	 * bcache_next_changed() gives (each block this request changed), a
	 * record at index n, n+1, ... of the live area a: its block number in
	 * a->blk[] and a copy of its data (head->bsize bytes) in
	 * image(head->live, n). Then, and only then, move a->committed past
	 * them, in one store: a crash before it leaves the old commit point
	 * (the request was never acknowledged), after it the whole request.
	 * The compiler must not move the store before the copies:
	 * __asm__ volatile("" ::: "memory") between them.
	 * (The stub only empties the list, as any version must: nothing is
	 * logged, so a restart loses what the cache held.)
	 * STUB: for (b = bcache_next_changed(); b; b = bcache_next_changed()) {
	 * STUB: }
	 * STUB: (void)n;
	 */
	while ((b = bcache_next_changed())) {
		a->blk[n] = b->blk;
		memcpy(image(head->live, n), b->data, head->bsize);
		n++;
	}
	__asm__ volatile("" ::: "memory"); /* the images before the commit point */
	a->committed = n;
	/* LAB 6: END */
	return 0;
}

void wlog_clear(void)
{
	if (head)
		head->area[head->live].committed = 0;
}
