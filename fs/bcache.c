/* The block cache: every block the file service reads or writes passes
 * through here. A fixed pool (BCACHE_BYTES, so 1024 buffers of 1 KiB or
 * 256 of 4 KiB), found by a hash of the block number, replaced least
 * recently used first, written back lazily (a dirty bit) when a buffer is
 * reused or on bcache_sync(). What each request changed is listed for
 * the write log (wlog.c), which keeps it until the disk has it: each
 * block once, with the byte range the request changed in it (the union of
 * its bdirty_range calls), so that the log copies an inode's 128 bytes or
 * a bitmap's byte rather than the whole block.
 *
 * The disk is reached only through the disk driver's protocol (abi/fs.h,
 * SVC_ATA), granting it this component's own memory. Runs of adjacent
 * blocks travel in one request. A read-ahead run goes straight into
 * buffers that lie side by side in the pool: the next window of a ring
 * over the pool (ring_next), so that a sequential stream replaces its own
 * oldest blocks, as LRU would, and file.c can hand a whole request's bytes
 * to the caller in one grant copy from the pool. Only when a buffer of
 * that window is held does the run go through the staging buffer instead,
 * and write-back of contiguous dirty blocks always does. (The staging
 * copy used to be taken by every read-ahead: with the bounce buffer of
 * file.c, three copies of each byte, about half of the file service's
 * extra instructions over the driver's in bench_seq; docs/03-benchmarks.md.)
 *
 * A buffer in use (bread .. brelse) is pinned and never evicted, so a
 * caller may hold a few at once (an inode block, an indirect block and a
 * bitmap) however many others it touches meanwhile. */
#include "fs.h"

#define NHASH     2048 /* power of two, >= buffers: short chains */
#define NIL       (-1)
#define RUN_BYTES (ATA_MAX_SECTORS * ATA_SECTOR)

static uint8_t pool[BCACHE_BYTES] __attribute__((aligned(4096)));
static uint8_t staging[RUN_BYTES] __attribute__((aligned(4096)));
static struct buf bufs[BCACHE_MAX_BUFS];
static int16_t hash[NHASH];
static int16_t lru_head, lru_tail; /* head: most recently used */
static uint32_t nbufs, bsize, spb, limit, ndirty;
static uint32_t ring_next; /* the buffer the next read-ahead window starts at */
/* Blocks were written back (DISK_CACHED) since the last flush: a write-back
 * need not be on the medium until a sync says so, and a sync of many runs
 * then waits for one CACHE FLUSH, not one a run (docs/03-benchmarks.md,
 * write_sync). */
static uint8_t unflushed;
/* The buffers the current request changed, each once (its txn flag), for
 * the write log (wlog.c); changed_lost: one of them left the cache before
 * the request's end, or the list was full, so the log cannot have the
 * request's every change. */
static int16_t changed[BCACHE_MAX_BUFS];
static uint32_t nchanged;
static uint8_t changed_lost;
uint8_t bcache_tracking; /* the write log wants the list (not in ring 0); fs.h */

/* How often a request is sent again when the driver died under it or was
 * restarted since we last asked it about the disk. */
#define DISK_TRIES 4

int disk_info(uint32_t *sectors)
{
	for (int tries = 0; tries < DISK_TRIES; tries++) {
		struct msg m = {0};
		m.type = ATA_INFO;
		int r = call(SVC_ATA, &m);
		if (r == -EDEADSRCDST)
			continue;
		if (r == 0) {
			*sectors = m.w[0];
			fs.disk_sectors = m.w[0];
			fs.disk_instance = m.w[1];
		}
		return r;
	}
	return -EIO;
}

/* The driver was restarted since the mount: before trusting it with the
 * request again, check it still sees the same disk. */
static int disk_revalidate(void)
{
	uint32_t mounted = fs.disk_sectors, sectors;
	if (disk_info(&sectors) < 0)
		return -EIO;
	if (sectors != mounted) {
		comp_log("fs: the restarted disk driver sees %u sectors, not %u: refusing the "
			 "disk\n",
			 sectors, mounted);
		fs.disk_sectors = mounted;
		return -EIO;
	}
	comp_log("fs: the disk driver was restarted; the disk is the same, going on\n");
	return 0;
}

int disk_io(int op, uint32_t lba, uint32_t count, void *buf)
{
	/* A driver that dies under a request answers -EDEADSRCDST, and its
	 * next instance answers a request meant for the old one -ESTALE. A
	 * whole-block read or write is idempotent: send it again, a fresh
	 * message with a fresh grant, a bounded number of times. */
	for (int tries = 0; tries < DISK_TRIES; tries++) {
		struct msg m = {0};
		m.type = op & ~DISK_CACHED;
		m.w[0] = lba;
		m.w[1] = count;
		m.w[2] = fs.disk_instance;
		m.w[3] = op & DISK_CACHED ? ATA_WRITE_CACHED : 0;
		if (buf) {
			m.grant.addr = (uint32_t)(uintptr_t)buf;
			m.grant.len = count * ATA_SECTOR;
			m.grant.rights = op == ATA_READ ? GRANT_WRITE : GRANT_READ;
		}
		int r = call(SVC_ATA, &m);
		/* LAB 4: BEGIN
		 * Recovery: -EDEADSRCDST (the driver died under the request)
		 * and -ESTALE (a restarted driver refuses a request meant for
		 * the instance before) are worth another try; before trusting
		 * a restarted driver, disk_revalidate() checks it sees the
		 * same disk. Any other answer is final.
		 * STUB: (void)disk_revalidate;
		 * STUB: return r < 0 ? r : 0;
		 */
		if (r == -ESTALE && disk_revalidate() < 0)
			return -EIO;
		if (r != -EDEADSRCDST && r != -ESTALE)
			return r < 0 ? r : 0;
		/* LAB 4: END */
	}
	return -EIO;
}

int disk_flush(void)
{
	return disk_io(ATA_FLUSH, 0, 0, NULL);
}

static void lru_unlink(int i)
{
	struct buf *b = &bufs[i];
	if (b->prev != NIL)
		bufs[b->prev].next = b->next;
	else
		lru_head = b->next;
	if (b->next != NIL)
		bufs[b->next].prev = b->prev;
	else
		lru_tail = b->prev;
}

static void lru_front(int i)
{
	bufs[i].prev = NIL;
	bufs[i].next = lru_head;
	if (lru_head != NIL)
		bufs[lru_head].prev = (int16_t)i;
	lru_head = (int16_t)i;
	if (lru_tail == NIL)
		lru_tail = (int16_t)i;
}

static void lru_back(int i)
{
	bufs[i].next = NIL;
	bufs[i].prev = lru_tail;
	if (lru_tail != NIL)
		bufs[lru_tail].next = (int16_t)i;
	lru_tail = (int16_t)i;
	if (lru_head == NIL)
		lru_head = (int16_t)i;
}

static struct buf *find(uint32_t blk)
{
	for (int i = hash[blk & (NHASH - 1)]; i != NIL; i = bufs[i].hnext)
		if (bufs[i].blk == blk)
			return &bufs[i];
	return NULL;
}

static void hash_insert(struct buf *b)
{
	int16_t *h = &hash[b->blk & (NHASH - 1)];
	b->hnext = *h;
	*h = (int16_t)(b - bufs);
}

static void hash_remove(struct buf *b)
{
	int16_t *p = &hash[b->blk & (NHASH - 1)];
	while (*p != NIL && &bufs[*p] != b)
		p = &bufs[*p].hnext;
	if (*p != NIL)
		*p = b->hnext;
}

/* Bytes [lo, hi) of a block the current request changed (only while
 * bcache_tracking): the block on the list once, its range the union of the
 * request's (the bytes between two changed ones are logged too: they are
 * current, so that is harmless). */
static void changed_add(struct buf *b, uint32_t lo, uint32_t hi)
{
	if (b->txn) {
		if (lo < b->lo)
			b->lo = (uint16_t)lo;
		if (hi > b->hi)
			b->hi = (uint16_t)hi;
		return;
	}
	if (nchanged == BCACHE_MAX_BUFS) {
		changed_lost = 1;
		return;
	}
	b->txn = 1;
	b->lo = (uint16_t)lo;
	b->hi = (uint16_t)hi;
	changed[nchanged++] = (int16_t)(b - bufs);
}

void bcache_track_changes(int on)
{
	bcache_tracking = (uint8_t) !!on;
}

uint32_t bcache_changed(void)
{
	return changed_lost ? BCACHE_MAX_BUFS + 1 : nchanged;
}

struct buf *bcache_next_changed(void)
{
	while (nchanged) {
		struct buf *b = &bufs[changed[--nchanged]];
		if (b->txn) {
			b->txn = 0;
			if (b->valid)
				return b;
		}
	}
	changed_lost = 0; /* the list is empty: the next request starts afresh */
	return NULL;
}

struct buf *bcache_next_dirty(uint32_t *i)
{
	for (; *i < nbufs; (*i)++)
		if (bufs[*i].valid && bufs[*i].dirty)
			return &bufs[(*i)++];
	return NULL;
}

void bcache_init(uint32_t block_size, uint32_t nblocks)
{
	bsize = block_size;
	spb = block_size / ATA_SECTOR;
	limit = nblocks;
	nbufs = BCACHE_BYTES / block_size;
	ndirty = 0;
	ring_next = 0;
	unflushed = 0;
	nchanged = 0;
	changed_lost = 0;
	bcache_tracking = 0; /* until the write log asks (wlog_mounted) */
	lru_head = lru_tail = NIL;
	for (int i = 0; i < NHASH; i++)
		hash[i] = NIL;
	for (uint32_t i = 0; i < nbufs; i++) {
		bufs[i] = (struct buf){.data = pool + i * block_size, .hnext = NIL};
		lru_back((int)i);
	}
}

uint32_t bcache_max_run(void)
{
	return RUN_BYTES / bsize;
}
uint32_t bcache_ndirty(void)
{
	return ndirty;
}
int bcache_cached(uint32_t blk)
{
	return find(blk) != NULL;
}

uint32_t bcache_pinned(void)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < nbufs; i++)
		n += bufs[i].ref;
	return n;
}

/* Writes b and the dirty blocks that follow it on the disk in one request. */
static int flush_run(struct buf *b)
{
	static struct buf *run[RUN_BYTES / 1024]; /* static: the stack is small (mono) */
	uint32_t n = 1, max = bcache_max_run();
	run[0] = b;
	while (n < max && b->blk + n < limit) {
		struct buf *c = find(b->blk + n);
		if (!c || !c->dirty)
			break;
		run[n++] = c;
	}
	int r;
	unflushed = 1; /* even if it fails: part of it may be in the drive's cache */
	if (n == 1) {
		r = disk_io(ATA_WRITE | DISK_CACHED, b->blk * spb, spb, b->data);
	} else {
		for (uint32_t i = 0; i < n; i++)
			memcpy(staging + i * bsize, run[i]->data, bsize);
		r = disk_io(ATA_WRITE | DISK_CACHED, b->blk * spb, n * spb, staging);
	}
	if (r < 0) {
		comp_log("fs: writing block %u failed (%d)\n", (unsigned)b->blk, r);
		return -EIO;
	}
	for (uint32_t i = 0; i < n; i++)
		run[i]->dirty = 0;
	ndirty -= n;
	return 0;
}

int bwrite(struct buf *b)
{
	if (bcache_tracking) /* the log's image must not be older than the disk's */
		changed_add(b, 0, bsize);
	if (disk_io(ATA_WRITE, b->blk * spb, spb, b->data) < 0) {
		comp_log("fs: writing block %u failed\n", (unsigned)b->blk);
		return -EIO;
	}
	if (b->dirty) {
		b->dirty = 0;
		ndirty--;
	}
	return 0;
}

/* A buffer to reuse: the least recently used one nobody holds, written
 * back first if dirty. It leaves the hash; the caller files it again. */
/* Empties b (nobody holds it) for another block: written back first if
 * dirty; it leaves the hash. 0, or -EIO if the write-back failed. */
static int evict(struct buf *b)
{
	if (b->valid && b->dirty && flush_run(b) < 0)
		return -EIO;
	if (b->valid)
		hash_remove(b);
	if (b->txn) { /* changed by this request: its image is gone */
		b->txn = 0;
		changed_lost = 1;
	}
	b->valid = 0;
	return 0;
}

static struct buf *get_free(void)
{
	for (int i = lru_tail; i != NIL; i = bufs[i].prev) {
		struct buf *b = &bufs[i];
		if (b->ref)
			continue;
		return evict(b) < 0 ? NULL : b;
	}
	comp_log("fs: every cache buffer is in use\n");
	return NULL;
}

struct buf *bread(uint32_t blk)
{
	if (blk >= limit)
		return NULL;
	struct buf *b = find(blk);
	if (b) { /* the hot path: a hit */
		if (lru_head != b - bufs) {
			lru_unlink((int)(b - bufs));
			lru_front((int)(b - bufs));
		}
		b->ref++;
		return b;
	}
	if (!(b = get_free()))
		return NULL;
	lru_unlink((int)(b - bufs));
	if (disk_io(ATA_READ, blk * spb, spb, b->data) < 0) {
		comp_log("fs: reading block %u failed\n", (unsigned)blk);
		lru_back((int)(b - bufs));
		return NULL;
	}
	lru_front((int)(b - bufs));
	b->blk = blk;
	b->valid = 1;
	b->ref = 1;
	hash_insert(b);
	return b;
}

struct buf *bget_zero(uint32_t blk)
{
	if (blk >= limit)
		return NULL;
	struct buf *b = find(blk);
	if (b) {
		lru_unlink((int)(b - bufs));
	} else {
		if (!(b = get_free()))
			return NULL;
		lru_unlink((int)(b - bufs));
		b->blk = blk;
		b->valid = 1;
		hash_insert(b);
	}
	lru_front((int)(b - bufs));
	memset(b->data, 0, bsize);
	b->ref++;
	bdirty(b);
	return b;
}

static void mark_dirty(struct buf *b)
{
	if (!b->dirty) {
		b->dirty = 1;
		ndirty++;
	}
}

/* What bdirty_range (fs.h) does not do inline: the buffer is not dirty
 * yet, or the range is not on the changed list yet. */
void bdirty_slow(struct buf *b, uint32_t off, uint32_t len)
{
	if (bcache_tracking) {
		/* A range outside the block is a caller's bug: logging the
		 * whole block then costs a copy, a range too short would
		 * lose a write. */
		if (off > bsize || len > bsize - off) {
			off = 0;
			len = bsize;
		}
		changed_add(b, off, off + len);
	}
	mark_dirty(b);
}

void bdirty(struct buf *b)
{
	if (bcache_tracking)
		changed_add(b, 0, bsize);
	mark_dirty(b);
}

void brelse(struct buf *b)
{
	if (b && b->ref)
		b->ref--;
}

/* n (2 or more) empty buffers side by side in the pool, out of the LRU
 * list, for a read-ahead run: the ring's next window of buffers nobody
 * holds and that are clean, or NIL. A dirty buffer is passed over, not
 * written back: the ring takes buffers whatever their age, and writing
 * back a block changed a moment ago, ahead of the others its request
 * changed (a directory block but not the inode it names), would leave the
 * disk inconsistent should the system stop before the next sync (a first
 * version did, and the disk check after the guest tests' kernel panic
 * found an "unattached inode"). LRU writes back the oldest changes first,
 * as before. */
static int window(uint32_t n)
{
	/* Each buffer is looked at about once: a candidate that meets a
	 * held or dirty buffer is followed by one starting after it. */
	for (uint32_t looked = 0; looked < nbufs + n;) {
		if (ring_next + n > nbufs)
			ring_next = 0;
		uint32_t s = ring_next, k;
		for (k = 0; k < n; k++, looked++) {
			struct buf *b = &bufs[s + k];
			if (b->ref || (b->valid && b->dirty))
				break;
		}
		if (k < n) {
			ring_next = s + k + 1;
			looked++;
			continue;
		}
		for (k = 0; k < n; k++) {
			evict(&bufs[s + k]); /* clean: cannot fail */
			lru_unlink((int)(s + k));
		}
		ring_next = s + n;
		return (int)s;
	}
	return NIL;
}

int bcache_readahead(uint32_t blk, uint32_t n)
{
	static int16_t got[RUN_BYTES / 1024];
	uint32_t k;
	if (n > bcache_max_run())
		n = bcache_max_run();
	if (blk >= limit)
		return -EIO;
	if (n > limit - blk)
		n = limit - blk;
	for (k = 0; k < n && !find(blk + k); k++)
		;
	n = k;
	uint8_t *dst = staging;
	int s = n > 1 ? window(n) : NIL;
	if (s != NIL) {
		for (k = 0; k < n; k++)
			got[k] = (int16_t)(s + (int)k);
		dst = bufs[s].data;
	} else {
		/* Any buffers, off the LRU list as they are taken (so that the
		 * next get_free does not walk past them), pinned so that an
		 * eviction's write-back (flush_run) cannot reach them. */
		for (k = 0; k < n; k++) {
			struct buf *b = get_free();
			if (!b)
				break;
			b->ref = 1;
			lru_unlink((int)(b - bufs));
			got[k] = (int16_t)(b - bufs);
		}
		n = k;
		if (n == 1)
			dst = bufs[got[0]].data; /* one block: straight into its buffer */
	}
	int r = n ? disk_io(ATA_READ, blk * spb, n * spb, dst) : -EIO;
	for (k = 0; k < n; k++) {
		struct buf *b = &bufs[got[k]];
		b->ref = 0;
		if (r < 0) {
			lru_back(got[k]);
			continue;
		}
		if (dst == staging)
			memcpy(b->data, staging + k * bsize, bsize);
		b->blk = blk + k;
		b->valid = 1;
		hash_insert(b);
		lru_front(got[k]);
	}
	if (r < 0) {
		comp_log("fs: reading blocks %u+%u failed\n", (unsigned)blk, (unsigned)n);
		return -EIO;
	}
	return (int)n;
}

void bcache_discard(uint32_t blk)
{
	struct buf *b = find(blk);
	if (!b || b->ref)
		return;
	if (b->dirty)
		ndirty--;
	b->dirty = 0;
	b->txn = 0; /* freed: no image of it is needed */
	b->valid = 0;
	hash_remove(b);
	lru_unlink((int)(b - bufs));
	lru_back((int)(b - bufs));
}

int bcache_sync(void)
{
	/* Each pass writes, from every dirty block whose predecessor is
	 * clean, the run of dirty blocks after it: the lowest dirty block
	 * always qualifies, so every pass makes progress. */
	while (ndirty) {
		for (uint32_t i = 0; i < nbufs; i++) {
			struct buf *b = &bufs[i], *p;
			if (!b->valid || !b->dirty)
				continue;
			if (b->blk && (p = find(b->blk - 1)) && p->dirty)
				continue;
			if (flush_run(b) < 0)
				return -EIO;
		}
	}
	/* A failed flush leaves unflushed set: the next sync flushes again,
	 * and the drive still holds what it was given. */
	if (unflushed) {
		if (disk_flush() < 0) {
			comp_log("fs: flushing the disk's write cache failed\n");
			return -EIO;
		}
		unflushed = 0;
	}
	wlog_clear(); /* the disk has every change: the log holds nothing it lacks */
	return 0;
}
