/* t_lab6: acknowledged writes survive a restart of the file service (lab 6) */
/*   t_lab6 write K   sync, then trial K's records, each acknowledged, none synced
 *   t_lab6 check K   after `crash fs null`: count the acknowledged records lost
 *   t_lab6 clean K   remove what trial K wrote
 *
 * A trial's records: NREC lines appended one write each to /lab6-K.log
 * (its data blocks and its inode change), every 8th also a new file in
 * /lab6-K.d (an inode, a bitmap bit, a directory entry), and one 24 KiB
 * write of a pattern (several data blocks, an indirect block at 1 KiB
 * blocks). `write` syncs first, so that nothing of the trial reaches the
 * disk by the fs's own write-back (5 s after a sync, at the end of a
 * request) before the crash; each record counts as acknowledged once its
 * request answered success. `check` reads every one back and fails with
 * how many were lost. */
#include <files.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ulib.h>

#define TEST_NAME "t_lab6"
#include "check.h"

#define NREC       48
#define RECLEN     32
#define EVERY      8 /* a new file every EVERY records */
#define BLOB_BYTES (24 * 1024)

static char dir[32], logpath[32];
static uint8_t blob[BLOB_BYTES], back[BLOB_BYTES];

static void record(int k, int i, char *out)
{
	/* RECLEN bytes with the newline: "trial K record NN" padded with '.' */
	int n = snprintf(out, RECLEN + 1, "trial %d record %02d ", k, i);
	memset(out + n, '.', (size_t)(RECLEN - 1 - n));
	out[RECLEN - 1] = '\n';
	out[RECLEN] = 0;
}

static void small_path(int i, char *out, size_t size)
{
	snprintf(out, size, "%s/r%02d", dir, i);
}

static void fill_blob(int k)
{
	uint32_t x = 2166136261u ^ (uint32_t)k;
	for (int i = 0; i < BLOB_BYTES; i++) {
		x = x * 1103515245u + 12345u;
		blob[i] = (uint8_t)(x >> 16);
	}
}

static int write_file(const char *path, const void *data, int len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC);
	if (fd < 0)
		return fd;
	int w = write(fd, data, (size_t)len);
	close(fd);
	return w;
}

static void do_write(int k)
{
	char rec[RECLEN + 1], p[48];
	int acked = 0;
	check_int("sync first", sync(), 0);
	check_int("mkdir", mkdir(dir), 0);
	int fd = open(logpath, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND);
	check(fd >= 0, "open the trial's log");
	for (int i = 0; i < NREC; i++) {
		record(k, i, rec);
		if (write(fd, rec, RECLEN) != RECLEN)
			fail("record %d: the write was not acknowledged", i);
		acked++;
		if (i % EVERY == 0) {
			small_path(i, p, sizeof(p));
			if (write_file(p, rec, RECLEN) != RECLEN)
				fail("record %d: %s was not written", i, p);
			acked++;
		}
	}
	close(fd);
	fill_blob(k);
	snprintf(p, sizeof(p), "%s/blob", dir);
	check_int("the 24 KiB write", write_file(p, blob, BLOB_BYTES), BLOB_BYTES);
	acked++;
	printf("t_lab6: trial %d: %d records acknowledged, none synced\n", k, acked);
	pass();
}

static int read_file(const char *path, void *buf, int size)
{
	int fd = open(path, O_RDONLY), got = 0, r;
	if (fd < 0)
		return fd;
	while (got < size && (r = read(fd, (char *)buf + got, (size_t)(size - got))) > 0)
		got += r;
	close(fd);
	return got;
}

static void do_check(int k)
{
	static char log[NREC * RECLEN + 1];
	char rec[RECLEN + 1], got[RECLEN + 1], p[48];
	int lost = 0, total = 0;
	int n = read_file(logpath, log, (int)sizeof(log));
	for (int i = 0; i < NREC; i++) {
		record(k, i, rec);
		total++;
		if (n < (i + 1) * RECLEN || memcmp(log + i * RECLEN, rec, RECLEN) != 0)
			lost++;
		if (i % EVERY == 0) {
			small_path(i, p, sizeof(p));
			total++;
			if (read_file(p, got, RECLEN) != RECLEN || memcmp(got, rec, RECLEN) != 0)
				lost++;
		}
	}
	if (n > NREC * RECLEN)
		fail("%s is longer than the %d records written", logpath, NREC);
	fill_blob(k);
	snprintf(p, sizeof(p), "%s/blob", dir);
	total++;
	if (read_file(p, back, BLOB_BYTES) != BLOB_BYTES || memcmp(back, blob, BLOB_BYTES) != 0)
		lost++;
	printf("t_lab6: trial %d: lost %d of %d acknowledged records\n", k, lost, total);
	if (lost)
		fail("lost %d of %d acknowledged records", lost, total);
	pass();
}

static void do_clean(void)
{
	char p[48];
	for (int i = 0; i < NREC; i += EVERY) {
		small_path(i, p, sizeof(p));
		unlink(p);
	}
	snprintf(p, sizeof(p), "%s/blob", dir);
	unlink(p);
	check_int("rmdir", rmdir(dir), 0);
	check_int("unlink the log", unlink(logpath), 0);
	pass();
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		printf("usage: t_lab6 write|check|clean K\n");
		return 2;
	}
	int k = atoi(argv[2]);
	snprintf(dir, sizeof(dir), "/lab6-%d.d", k);
	snprintf(logpath, sizeof(logpath), "/lab6-%d.log", k);
	if (strcmp(argv[1], "write") == 0)
		do_write(k);
	else if (strcmp(argv[1], "check") == 0)
		do_check(k);
	else if (strcmp(argv[1], "clean") == 0)
		do_clean();
	printf("usage: t_lab6 write|check|clean K\n");
	return 2;
}
