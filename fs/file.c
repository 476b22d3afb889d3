/* Reading and writing a file's bytes. Data moves between the block cache
 * and the caller's grant in chunks of up to BOUNCE bytes: one grant copy
 * per chunk (a system call in micro), never one per block or per byte.
 * A read copies straight from the cache while the blocks it takes lie side
 * by side in the pool (a read-ahead run is put so, bcache.c), holding them
 * until their copy; other bytes (holes, scattered blocks) are gathered in
 * a bounce buffer first. Writes always go through the bounce buffer.
 *
 * Reads fetch a missing block together with the file blocks that follow
 * it on the disk in one request (read-ahead): up to the end of the request,
 * or, for a sequential stream, up to one full disk request ahead. That is
 * what lets a sequential read approach the driver's own throughput.
 *
 * Writes copy the caller's bytes in first, then allocate: a grant that
 * cannot be read leaves no block allocated past the end of the file. */
#include "fs.h"

#define BOUNCE (64 * 1024)

static uint8_t bounce[BOUNCE] __attribute__((aligned(64)));

/* Reads the blocks from file block lblk (disk block p, not cached) on, as
 * long as they are contiguous on the disk and not cached, before end; the
 * first n of them are known to be contiguous already (bmap_run). */
static void read_run(struct inode *ip, uint32_t lblk, uint32_t p, uint32_t n, uint32_t end)
{
	uint32_t max = bcache_max_run(), q;
	if (end - lblk < max)
		max = end - lblk;
	while (n < max) { /* the run may go on in the next indirect block */
		int r = bmap_run(ip, lblk + n, max - n, &q);
		if (r <= 0 || q != p + n)
			break;
		n += (uint32_t)r;
	}
	/* It stops at the first block already cached; on failure the bread
	 * that follows reports it. */
	bcache_readahead(p, n < max ? n : max);
}

/* The bytes of a read not yet granted to the caller: fill bytes, either
 * in the bounce buffer (span NULL) or in the cache from span on, in the
 * buffers held[], which stay pinned until they are copied. */
struct pending {
	const uint8_t *span;
	uint32_t fill, nheld;
	struct buf *held[BOUNCE / 1024 + 1];
};

static void release(struct pending *q)
{
	while (q->nheld)
		brelse(q->held[--q->nheld]);
	q->span = NULL;
}

/* Grants the pending bytes to the caller at *done. */
static int flush(struct pending *q, const struct msg *m, uint32_t *done)
{
	int err = q->fill ? grant_write(m, *done, q->span ? q->span : bounce, q->fill) : 0;
	release(q);
	if (err == 0)
		*done += q->fill;
	q->fill = 0;
	return err;
}

/* The pending bytes moved into the bounce buffer, so that a read that
 * meets a hole or a scattered block still costs one grant copy per chunk. */
static void to_bounce(struct pending *q)
{
	if (q->span) {
		memcpy(bounce, q->span, q->fill);
		release(q);
	}
}

/* Adds n bytes of block b from boff: to the span if they follow it in
 * memory (b stays held), else to the bounce buffer. */
static void take(struct pending *q, struct buf *b, uint32_t boff, uint32_t n)
{
	const uint8_t *src = b->data + boff;
	if (!q->fill || (q->span && q->span + q->fill == src)) {
		if (!q->fill)
			q->span = src;
		q->held[q->nheld++] = b;
	} else {
		to_bounce(q);
		memcpy(bounce + q->fill, src, n);
		brelse(b);
	}
	q->fill += n;
}

int file_read(struct inode *ip, uint32_t off, uint32_t len, const struct msg *m, int ra)
{
	static struct pending q;
	uint32_t size = inode_size(ip);
	if (off >= size || !len)
		return 0;
	if (len > size - off)
		len = size - off;
	uint32_t nblocks = ((size - 1) >> fs.bs_shift) + 1;
	uint32_t last = ((off + len - 1) >> fs.bs_shift) + 1; /* past the request */
	uint32_t done = 0;                                    /* granted */
	uint32_t el = 0, ep = 0, en = 0; /* file blocks el.. map to ep.. (en of them) */
	int err = 0;
	q.fill = 0;
	while (done + q.fill < len) {
		uint32_t pos = off + done + q.fill;
		uint32_t lblk = pos >> fs.bs_shift, boff = pos & (fs.bs - 1);
		uint32_t n =
			fs.bs - boff < len - done - q.fill ? fs.bs - boff : len - done - q.fill;
		if (q.fill + n > BOUNCE && (err = flush(&q, m, &done)) < 0)
			break;
		if (lblk - el >= en) { /* past the run last mapped */
			/* No further than the request: a look costs a step a
			 * block, and read_run looks further itself. */
			int r = bmap_run(ip, lblk, last - lblk, &ep);
			if (r < 0) {
				err = r;
				break;
			}
			el = lblk;
			en = (uint32_t)r;
		}
		uint32_t p = ep ? ep + (lblk - el) : 0;
		if (!p) { /* a hole reads as zeros */
			to_bounce(&q);
			memset(bounce + q.fill, 0, n);
			q.fill += n;
			continue;
		}
		if (!bcache_cached(p)) {
			/* The held buffers first: the read-ahead may want
			 * their place in the pool. */
			if (q.span && (err = flush(&q, m, &done)) < 0)
				break;
			uint32_t end = last;
			if (ra) /* sequential: a whole request ahead */
				end = lblk + bcache_max_run();
			read_run(ip, lblk, p, el + en - lblk, end < nblocks ? end : nblocks);
		}
		struct buf *b = bread(p);
		if (!b) {
			err = -EIO;
			break;
		}
		take(&q, b, boff, n);
	}
	if (q.fill && !err)
		err = flush(&q, m, &done);
	release(&q);
	q.fill = 0;
	return done ? (int)done : err;
}

int file_write(struct inode *ip, uint32_t off, uint32_t len, const struct msg *m)
{
	if (!len)
		return 0;
	if (off >= FS_MAX_FILE)
		return -EFBIG;
	if (len > FS_MAX_FILE - off)
		len = FS_MAX_FILE - off;
	uint32_t done = 0;
	int err = 0;
	while (done < len) {
		uint32_t chunk = len - done < BOUNCE ? len - done : BOUNCE, c = 0;
		if ((err = grant_read(m, done, bounce, chunk)) < 0)
			break;
		while (c < chunk) {
			uint32_t pos = off + done + c;
			uint32_t lblk = pos >> fs.bs_shift, boff = pos & (fs.bs - 1);
			uint32_t n = fs.bs - boff < chunk - c ? fs.bs - boff : chunk - c;
			uint32_t p;
			struct buf *b;
			if ((err = bmap(ip, lblk, 1, &p)) < 0)
				break;
			/* A whole block overwritten need not be read first. */
			b = n == fs.bs ? bget_zero(p) : bread(p);
			if (!b) {
				err = -EIO;
				break;
			}
			memcpy(b->data + boff, bounce + c, n);
			bdirty_range(b, b->data + boff, n);
			brelse(b);
			c += n;
			if (pos + n > ip->d.i_size)
				ip->d.i_size = pos + n;
		}
		done += c;
		if (err)
			break;
	}
	if (done)
		inode_touch(ip);
	iupdate(ip);
	return done ? (int)done : err;
}
