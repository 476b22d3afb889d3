/* The write log: a restart of the file service loses no write it
 * acknowledged.
 *
 * The block cache writes back lazily (bcache.c), so at any moment the
 * disk lacks what the requests since the last write-back changed. Where
 * the fs is a server, a crash kills it, and its restarted instance mounts
 * the disk as the disk is: every acknowledged change still in the old
 * cache is gone (docs/04-storage.md). Writing each change through before
 * the reply would fix that at the price of a disk write per request.
 * Instead, before each reply, what the request changed is appended to a
 * log in memory the kernel keeps for the component across its restarts
 * (comp_keep: the same frames are mapped into the next instance). The new
 * instance applies the log to the disk before it mounts, then starts a
 * new log. Memory is the log's medium, so the cost on the normal path is
 * a memcpy of the changed bytes; a disk write comes only when the log is
 * full. This is a redo journal in the sense of ext3's (a commit point per
 * transaction, replay at mount), kept in memory: it survives the server,
 * not a power cut or a panic. Where the fs runs in ring 0 (mono) a crash
 * of it is a kernel panic and no instance would ever replay a log, so
 * there it keeps none (comp_restartable) and costs nothing.
 *
 * Records are byte ranges, not blocks. Most requests change a few bytes
 * of a few metadata blocks: an inode (128 bytes of a 1 KiB block), a
 * bitmap bit, a group descriptor's counts, a directory entry. The cache
 * knows, for each block the request changed, the range it changed
 * (bdirty_range; the union of the request's, the whole block for a plain
 * bdirty), and a record is (block, offset, length, those bytes). Whole
 * blocks cost 1.17 MB of copies a run of the macro benchmark, 53 % of it
 * unchanged bytes of metadata blocks (docs/03-benchmarks.md).
 *
 * Layout (fs.h): a head, then two areas of records; one is live. A
 * request is one transaction: its records are appended to the live area
 * first, then the area's `committed` moves past them in one aligned
 * store, the commit point. An instance that dies in the middle of a
 * request (its reply not sent) leaves records past `committed`, which are
 * ignored.
 *
 * A block changed by many requests has a record for each, so the live
 * area fills. Then the log is compacted: the other area gets a
 * whole-block record of each block that is dirty in the cache (only
 * those are not on the disk yet, and the cache has their latest
 * content), and becomes the live one in one store. A request one of
 * whose changed blocks left the cache before its end is compacted at
 * once too: that block's bytes are on the disk (the eviction wrote it),
 * and an older record of it could undo them. An area holds a whole-block
 * record of each buffer the cache has, so a compaction always fits, and
 * as much again, so that compactions (each a copy of every dirty block)
 * come about half as often as with room for the cache alone. Only if
 * one did not fit would the request be written through: a sync before
 * the reply, after which the disk has everything and the log is empty.
 * Every full write-back (bcache_sync) empties it too.
 *
 * The replay reads each logged block from the disk, applies its records
 * in log order (so for each byte the latest record that covers it wins),
 * and writes it back. Why that gives, for every byte x of a block B, its
 * content at the last acknowledged request:
 *  - x is covered by a record: the latest such record was taken at the
 *    end of the last acknowledged request that changed x (a later change
 *    of x would have made a later record that covers x), so it holds x's
 *    current value, whatever the disk has.
 *  - x is covered by none: no request changed x since the log's base,
 *    so x is what it was then. The base is a mount or a full sync (the
 *    disk had all of B) or a compaction (which logged all of B if B was
 *    dirty, and if B was clean the disk had it). Since the base, the disk
 *    got B only whole from the cache (a write-back, an eviction, bwrite),
 *    whose x was that same value. So the disk's x is right.
 * An eviction or bwrite in the middle of a request can put bytes of a
 * request that never answered on the disk; that is the same with whole
 * blocks, and the request was not acknowledged. A record of a block freed
 * since is applied to a free block, which no one reads. Records of
 * compactions stay whole blocks: they are rare, and need no range. */
#include "fs.h"

_Static_assert(sizeof(struct wlog_head) <= WLOG_HEAD, "the log's head fits");
_Static_assert(sizeof(struct wlog_rec) == 8 && WLOG_HEAD % 4 == 0 && WLOG_AREA % 4 == 0,
	       "records stay 4-byte aligned");

static struct wlog_head *head; /* NULL: no kept memory, every change goes through */
static uint32_t cap;           /* bytes an area holds at this mount (0: no log) */
static int restartable;        /* a server: a restart can follow a crash */

/* The record at byte pos of area a. */
static struct wlog_rec *rec_at(uint32_t a, uint32_t pos)
{
	return (struct wlog_rec *)((uint8_t *)head + WLOG_HEAD + a * WLOG_AREA + pos);
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

/* Applies the committed records (the first `used` bytes of the live
 * area) to the disk, through a cache of its own (the mount starts
 * another): each block read once, its records applied in log order,
 * written back at the end. Counts the records applied in *nrec; returns
 * how many blocks were written. */
static int replay(uint32_t used, uint32_t sectors, uint32_t *nrec)
{
	uint32_t bs = head->bsize;
	bcache_init(bs, sectors / (bs / ATA_SECTOR)); /* bread refuses blocks past the disk */
	/* LAB 6: BEGIN
	 * Replay: walk the records of the live area from pos 0 to used
	 * (rec_at(head->live, pos); the next is WLOG_REC_SIZE(r->len) bytes
	 * further). Refuse a damaged record with a comp_log line: one that
	 * does not fit in the used bytes or whose bytes [r->off, r->off +
	 * r->len) do not fit in a block of bs bytes (len 0 included); the
	 * records after it cannot be found, so stop there. Skip, with a
	 * comp_log line, a record of a block the disk cannot hold (r->blk >=
	 * sectors / (bs / ATA_SECTOR)). Apply each other record to its
	 * block: bread, copy its bytes (they follow the header: r + 1) into
	 * b->data + r->off, bdirty, brelse, and count it in *nrec; in log
	 * order, the latest record of a byte wins. Then the cache holds
	 * every block to write, bcache_ndirty() of them, and bcache_sync()
	 * writes them. Returns how many blocks were written, or -EIO if a
	 * read or the write-back failed.
	 * STUB: (void)used;
	 * STUB: (void)nrec;
	 * STUB: (void)rec_at;
	 * STUB: return 0;
	 */
	for (uint32_t pos = 0; pos < used;) {
		const struct wlog_rec *r = rec_at(head->live, pos);
		if (used - pos < sizeof(*r) || !r->len || r->off + r->len > bs ||
		    WLOG_REC_SIZE(r->len) > used - pos) {
			comp_log("fs: write log: record at byte %u damaged; it and the rest "
				 "dropped\n",
				 (unsigned)pos);
			break;
		}
		pos += WLOG_REC_SIZE(r->len);
		if (r->blk >= sectors / (bs / ATA_SECTOR)) {
			comp_log("fs: write log: block %u is not on the disk; skipped\n",
				 (unsigned)r->blk);
			continue;
		}
		struct buf *b = bread(r->blk);
		if (!b)
			return -EIO;
		memcpy(b->data + r->off, r + 1, r->len);
		bdirty(b);
		brelse(b);
		(*nrec)++;
	}
	int n = (int)bcache_ndirty();
	return bcache_sync() < 0 ? -EIO : n;
	/* LAB 6: END */
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
	uint32_t used = head->committed[head->live], sectors, nrec = 0;
	if (!used)
		return;
	if ((head->bsize != 1024 && head->bsize != 2048 && head->bsize != 4096) ||
	    used > WLOG_AREA || used % 4) {
		comp_log("fs: write log damaged (%u bytes of records of %u-byte blocks); dropped\n",
			 (unsigned)used, (unsigned)head->bsize);
	} else if (disk_info(&sectors) < 0 || !same_disk(sectors)) {
		comp_log("fs: the write log is of another disk; dropped\n");
	} else {
		int r = replay(used, sectors, &nrec);
		if (r < 0)
			comp_log("fs: replaying the write log failed: acknowledged writes are "
				 "lost\n");
		else
			comp_log("fs: write log: %u records of the last instance, %d blocks "
				 "written to the disk\n",
				 (unsigned)nrec, r);
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
	head->committed[0] = 0;
	if (fs.state != FS_RW)
		return;
	head->bsize = fs.bs;
	head->disk_sectors = fs.disk_sectors;
	memcpy(head->uuid, sb->s_uuid, sizeof(head->uuid));
	head->magic = WLOG_MAGIC;
	cap = WLOG_AREA;
}

/* The live area is full. The log needs only what the disk lacks, the
 * blocks dirty in the cache (the cache has their latest content; a block
 * no longer dirty was written back since its records): so start the other
 * area with a whole-block record of each, then make it the live one in
 * one store. A crash before that store replays the old area, after it the
 * new. */
static int compact(void)
{
	uint32_t other = !head->live, pos = 0, i = 0, size = WLOG_REC_SIZE(fs.bs);
	struct buf *b;
	while ((b = bcache_next_dirty(&i))) {
		if (size > cap - pos)
			return -ENOSPC; /* cannot be: an area holds the whole cache */
		struct wlog_rec *r = rec_at(other, pos);
		r->blk = b->blk;
		r->off = 0;
		r->len = (uint16_t)fs.bs;
		memcpy(r + 1, b->data, fs.bs);
		pos += size;
	}
	head->committed[other] = pos;
	__asm__ volatile("" ::: "memory"); /* the new area before the switch */
	head->live = other;
	return 0;
}

/* What is left of the changed list, taken off it: the next request
 * starts afresh. */
static void drop_changed(void)
{
	while (bcache_next_changed())
		;
}

int wlog_commit(void)
{
	if (!bcache_changed())
		return 0;
	if (!cap) { /* no log: write through if a restart could lose it */
		drop_changed();
		return restartable ? -ENOSPC : 0;
	}
	if (bcache_changed() > BCACHE_MAX_BUFS) {
		/* A changed block left the cache before the request's end:
		 * the log cannot have its change, so it becomes the dirty
		 * blocks (a compaction), whose images are current. */
		drop_changed();
		return compact();
	}
	uint32_t pos = head->committed[head->live];
	struct buf *b;
	/* LAB 6: BEGIN
	 * The log append and its commit point: for each buffer
	 * bcache_next_changed() gives (each block this request changed), a
	 * record at byte pos, pos + its size, ... of the live area
	 * (rec_at(head->live, pos)): the block number, the changed range
	 * (b->lo .. b->hi: off and len), then those bytes of b->data, after
	 * the header (r + 1); a record takes WLOG_REC_SIZE(len) bytes. If the
	 * next one does not fit (more than cap - pos), the area is full:
	 * drop_changed() and return compact(). Then, and only then, move
	 * head->committed[head->live] past them, in one store: a crash
	 * before it leaves the old commit point (the request was never
	 * acknowledged), after it the whole request. The compiler must not
	 * move the store before the copies: __asm__ volatile("" ::: "memory")
	 * between them.
	 * (The stub only empties the list, as any version must: nothing is
	 * logged, so a restart loses what the cache held.)
	 * STUB: for (b = bcache_next_changed(); b; b = bcache_next_changed()) {
	 * STUB: }
	 * STUB: (void)pos;
	 */
	while ((b = bcache_next_changed())) {
		uint32_t len = (uint32_t)(b->hi - b->lo), size = WLOG_REC_SIZE(len);
		if (!len)
			continue; /* marked, but no byte changed */
		if (size > cap - pos) {
			drop_changed();
			return compact(); /* the dirty blocks, this request's among them */
		}
		struct wlog_rec *r = rec_at(head->live, pos);
		r->blk = b->blk;
		r->off = b->lo;
		r->len = (uint16_t)len;
		memcpy(r + 1, b->data + b->lo, len);
		pos += size;
	}
	__asm__ volatile("" ::: "memory"); /* the records before the commit point */
	head->committed[head->live] = pos;
	/* LAB 6: END */
	return 0;
}

void wlog_clear(void)
{
	if (head)
		head->committed[head->live] = 0;
}
