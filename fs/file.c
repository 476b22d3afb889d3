/* Reading and writing a file's bytes. Data moves between the block cache
 * and the caller's grant through a bounce buffer, in chunks of up to
 * BOUNCE bytes: one grant copy per chunk (a system call in micro), never
 * one per block or per byte.
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
 * long as they are contiguous on the disk and not cached, before end. */
static void read_run(struct inode *ip, uint32_t lblk, uint32_t p, uint32_t end)
{
	uint32_t n = 1, max = bcache_max_run(), q;
	while (n < max && lblk + n < end) {
		if (bmap(ip, lblk + n, 0, &q) < 0 || q != p + n || bcache_cached(q))
			break;
		n++;
	}
	bcache_readahead(p, n); /* on failure the bread that follows reports it */
}

int file_read(struct inode *ip, uint32_t off, uint32_t len, const struct msg *m, int ra)
{
	uint32_t size = inode_size(ip);
	if (off >= size || !len)
		return 0;
	if (len > size - off)
		len = size - off;
	uint32_t nblocks = ((size - 1) >> fs.bs_shift) + 1;
	uint32_t last = ((off + len - 1) >> fs.bs_shift) + 1; /* past the request */
	uint32_t done = 0, fill = 0; /* granted; waiting in the bounce buffer */
	int err = 0;
	while (done + fill < len) {
		uint32_t pos = off + done + fill;
		uint32_t lblk = pos >> fs.bs_shift, boff = pos & (fs.bs - 1);
		uint32_t n = fs.bs - boff < len - done - fill ? fs.bs - boff : len - done - fill;
		if (fill + n > BOUNCE) {
			if ((err = grant_write(m, done, bounce, fill)) < 0)
				break;
			done += fill;
			fill = 0;
		}
		uint32_t p;
		if ((err = bmap(ip, lblk, 0, &p)) < 0)
			break;
		if (!p) { /* a hole reads as zeros */
			memset(bounce + fill, 0, n);
		} else {
			if (!bcache_cached(p)) {
				uint32_t end = last;
				if (ra) /* sequential: a whole request ahead */
					end = lblk + bcache_max_run();
				read_run(ip, lblk, p, end < nblocks ? end : nblocks);
			}
			struct buf *b = bread(p);
			if (!b) {
				err = -EIO;
				break;
			}
			memcpy(bounce + fill, b->data + boff, n);
			brelse(b);
		}
		fill += n;
	}
	if (fill && !err) {
		if ((err = grant_write(m, done, bounce, fill)) == 0)
			done += fill;
	}
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
