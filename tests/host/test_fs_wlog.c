/* File service: the write log (fs/wlog.c). A restart of the service
 * (fs_restart: its init run again, with the memory comp_keep kept, as
 * micro's kernel keeps it across a server's death) must find every change
 * an earlier request acknowledged, though the cache that held it is gone
 * and nothing was synced; a boot (fs_boot: no memory kept) finds only the
 * disk. Normal writes stay lazy: the log costs no disk write, full or not
 * (it is compacted to the dirty blocks); with no kept memory every change
 * is written through before its reply. Records are byte ranges: the tests
 * of them below make their own requests on a free block with the cache's
 * calls (bread, bdirty_range, wlog_commit, as fs_handle ends a request),
 * and look at the log and the disk directly. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs_test.h"
#include "../../fs/fs.h"

#define BIG (2u << 20) /* more than the cache and a log area hold (1 MiB) */

static uint8_t data[BIG], back[BIG];

/* Changes of every kind, none synced: data blocks of a new and of an
 * existing file, inodes, bitmaps, directory entries, an indirect block. */
static void change_things(void)
{
	pattern(data, 40 * 1024, 1);
	write_file("/a", data, 40 * 1024);
	CHECK_EQ(t_mkdir("/d"), 0);
	write_file("/d/b", "bee\n", 4);
	CHECK_EQ(t_rename("/old", "/d/renamed"), 0);
	CHECK_EQ(t_unlink("/gone"), 0);
	int h = t_open("/kept", O_WRONLY | O_APPEND);
	CHECK(h >= 0);
	CHECK_EQ(t_write(h, "more\n", 5), 5);
	CHECK_EQ(t_close(h), 0);
}

static void check_things(void)
{
	struct fs_stat st;
	uint8_t *buf;
	CHECK_EQ(read_all("/a", &buf), 40 * 1024);
	CHECK(memcmp(buf, data, 40 * 1024) == 0);
	free(buf);
	CHECK_EQ(read_all("/d/b", &buf), 4);
	CHECK(memcmp(buf, "bee\n", 4) == 0);
	free(buf);
	CHECK_EQ(t_stat("/d/renamed", &st), 0);
	CHECK_EQ(t_stat("/old", &st), -ENOENT);
	CHECK_EQ(t_stat("/gone", &st), -ENOENT);
	CHECK_EQ(read_all("/kept", &buf), 10);
	CHECK(memcmp(buf, "kept\nmore\n", 10) == 0);
	free(buf);
}

static void stage(void)
{
	stage_file("old", "old\n", 4);
	stage_file("gone", "gone\n", 5);
	stage_file("kept", "kept\n", 5);
}

/* The log is replayed: every change is there after the restart, and the
 * disk as the replay and the mount leave it (no sync) is consistent. */
static void test_restart_keeps_acknowledged(void)
{
	stage();
	make_image("w.img", "-b 1024", "8M");
	uint32_t writes = disk.writes;
	change_things();
	CHECK_EQ(disk.writes, writes); /* lazy: nothing written through */
	host_log[0] = 0;
	fs_restart();
	CHECK(strstr(host_log, "fs: write log:") != NULL);
	host_disk_save(tpath("w.img"));
	CHECK_EQ(fsck_status("w.img"), 0);
	check_things();
	save_and_fsck("w.img");
	/* the next restart replays nothing: the sync emptied the log */
	host_log[0] = 0;
	fs_restart();
	CHECK(strstr(host_log, "fs: write log:") == NULL);
	check_things();
}

/* Without the kept memory the same restart loses the changes: what the
 * test above sees is the log's work, not some write-back. */
static void test_restart_without_log_loses(void)
{
	struct fs_stat st;
	stage();
	make_image("n.img", "-b 1024", "8M");
	change_things();
	host_keep_wipe();
	fs_restart();
	CHECK_EQ(t_stat("/a", &st), -ENOENT);
	CHECK_EQ(t_stat("/old", &st), 0);
}

/* A request larger than the cache: what left the cache is on the disk,
 * the log (compacted to the dirty blocks) has the rest; a restart finds
 * all of it. 4 KiB blocks too. */
static void test_bigger_than_cache(void)
{
	stage();
	make_image("b.img", "-b 4096", "16M");
	pattern(data, BIG, 7);
	write_file("/big", data, BIG);
	fs_restart();
	int h = t_open("/big", O_RDONLY);
	CHECK(h >= 0);
	CHECK_EQ(t_read(h, back, BIG), BIG);
	CHECK(memcmp(back, data, BIG) == 0);
	CHECK_EQ(t_close(h), 0);
	save_and_fsck("b.img");
}

/* With no memory kept (the table grants no keep=), every change is
 * written through before its reply: on the disk with no sync. */
static void test_no_log_writes_through(void)
{
	stage();
	host_keep_none = 1;
	make_image("t.img", "-b 1024", "8M");
	write_file("/through", "written through\n", 16);
	host_keep_none = 0;
	size_t len;
	host_disk_save(tpath("t.img"));
	uint8_t *on_disk = debugfs_cat("t.img", "/through", &len);
	CHECK(on_disk != NULL);
	CHECK_EQ(len, 16);
	CHECK(memcmp(on_disk, "written through\n", 16) == 0);
	free(on_disk);
	CHECK_EQ(fsck_status("t.img"), 0);
}

/* Many requests fill the live area, which is compacted, with no disk
 * write; every one of them survives the restart that follows. Small
 * appends first (two small records a request), then overwrites of whole
 * blocks of a 64 KiB file (a block and an inode each), until the areas
 * have been switched a few times. */
static void test_log_fills(void)
{
	stage();
	make_image("f.img", "-b 1024", "8M");
	int h = t_open("/many", O_WRONLY | O_CREAT | O_APPEND);
	CHECK(h >= 0);
	char rec[16];
	uint32_t writes = disk.writes;
	for (int i = 0; i < 1500; i++) {
		snprintf(rec, sizeof(rec), "%014d\n", i);
		CHECK_EQ(t_write(h, rec, 15), 15);
	}
	CHECK_EQ(t_close(h), 0);
	pattern(data, 64 * 1024, 5);
	write_file("/over", data, 64 * 1024);
	const struct wlog_head *lh = comp_keep(WLOG_BYTES);
	uint32_t live = lh->live, switches = 0;
	CHECK((h = t_open("/over", O_WRONLY)) >= 0);
	for (uint32_t i = 0; i < 5000; i++) {
		uint32_t at = (i * 7 % 64) * 1024;
		memset(data + at, (int)(i & 0xff), 1024);
		CHECK_EQ(t_seek(h, (int32_t)at, 0), (int)at);
		CHECK_EQ(t_write(h, data + at, 1024), 1024);
		switches += lh->live != live;
		live = lh->live;
	}
	CHECK_EQ(t_close(h), 0);
	CHECK(switches >= 2);
	CHECK_EQ(disk.writes, writes);
	fs_restart();
	uint8_t *buf;
	CHECK_EQ(read_all("/many", &buf), 1500 * 15);
	for (int i = 0; i < 1500; i++) {
		snprintf(rec, sizeof(rec), "%014d\n", i);
		CHECK(memcmp(buf + i * 15, rec, 15) == 0);
	}
	free(buf);
	CHECK_EQ(read_all("/over", &buf), 64 * 1024);
	CHECK(memcmp(buf, data, 64 * 1024) == 0);
	free(buf);
	save_and_fsck("f.img");
}

/* A log is of one disk: after a restart on another, it is dropped. */
static void test_other_disk_drops_log(void)
{
	struct fs_stat st;
	stage();
	make_image("x.img", "-b 1024", "8M");
	change_things();
	CHECK_EQ(run("mke2fs -q -F -t ext2 -b 1024 '%s' 8M", tpath("z.img")), 0);
	host_disk_load(tpath("z.img")); /* another file system, another s_uuid */
	host_log[0] = 0;
	fs_restart();
	CHECK(strstr(host_log, "another disk") != NULL);
	CHECK_EQ(t_stat("/a", &st), -ENOENT);
	save_and_fsck("z.img");
}

/* Every step of a mix of operations survives a restart right after it,
 * and the disk as the replay leaves it is consistent each time: the
 * ranges each call site declares cover what it changed. */
static void test_restart_after_each_step(void)
{
	static char target[100];
	uint8_t *buf;
	memset(target, 't', sizeof(target) - 1);
	stage();
	make_image("e.img", "-b 1024", "8M");
	pattern(data, 3000, 3);
	for (int step = 0; step < 10; step++) {
		int h;
		switch (step) {
		case 0:
			CHECK_EQ(t_mkdir("/s"), 0);
			break;
		case 1:
			write_file("/s/f", data, 100);
			break;
		case 2: /* an append that fills the first block and takes three more */
			CHECK((h = t_open("/s/f", O_WRONLY | O_APPEND)) >= 0);
			CHECK_EQ(t_write(h, data + 100, 2900), 2900);
			CHECK_EQ(t_close(h), 0);
			break;
		case 3: /* a few bytes in the middle of a block */
			CHECK((h = t_open("/s/f", O_WRONLY)) >= 0);
			CHECK_EQ(t_seek(h, 1500, 0), 1500);
			CHECK_EQ(t_write(h, "MID", 3), 3);
			CHECK_EQ(t_close(h), 0);
			memcpy(data + 1500, "MID", 3);
			break;
		case 4:
			CHECK_EQ(t_rename("/s/f", "/s/g"), 0);
			break;
		case 5:
			CHECK((h = t_open("/s/g", O_WRONLY)) >= 0);
			CHECK_EQ(t_truncate(h, 1100), 0);
			CHECK_EQ(t_close(h), 0);
			break;
		case 6: /* a slow symlink: a block of its own */
			CHECK_EQ(t_symlink(target, "/s/l"), 0);
			break;
		case 7:
			CHECK_EQ(t_link("/s/g", "/s/h"), 0);
			CHECK_EQ(t_unlink("/s/g"), 0);
			break;
		case 8:
			CHECK_EQ(t_mkdir("/s/e"), 0);
			break;
		case 9:
			CHECK_EQ(t_rmdir("/s/e"), 0);
			CHECK_EQ(t_unlink("/kept"), 0);
			break;
		}
		fs_restart();
		host_disk_save(tpath("e.img"));
		if (fsck_status("e.img") != 0)
			fs_test_fail(__FILE__, __LINE__, "e2fsck after the restart of step %d",
				     step);
	}
	CHECK_EQ(read_all("/s/h", &buf), 1100);
	CHECK(memcmp(buf, data, 1100) == 0);
	free(buf);
	char got[sizeof(target)];
	CHECK_EQ(t_readlink("/s/l", got, sizeof(got)), (int)strlen(target));
	CHECK(memcmp(got, target, strlen(target)) == 0);
	struct fs_stat st;
	CHECK_EQ(t_stat("/s/e", &st), -ENOENT);
	CHECK_EQ(t_stat("/kept", &st), -ENOENT);
	save_and_fsck("e.img");
}

/* --- range records ---------------------------------------------------- */

static struct wlog_head *log_head(void)
{
	return comp_keep(WLOG_BYTES); /* the host's: the same memory each time */
}

static uint32_t log_used(void)
{
	struct wlog_head *h = log_head();
	return h->committed[h->live];
}

static struct wlog_rec *log_rec(uint32_t pos)
{
	struct wlog_head *h = log_head();
	return (struct wlog_rec *)((uint8_t *)h + WLOG_HEAD + h->live * WLOG_AREA + pos);
}

/* A free block of an 8 MiB image with 1 KiB blocks, its bytes on the
 * disk set to 'o' behind the fs's back (it has never read it); the log
 * empty (a sync). */
static uint32_t range_block(const char *image)
{
	stage();
	make_image(image, "-b 1024", "8M");
	CHECK_EQ(t_sync(), 0);
	CHECK_EQ(log_used(), 0);
	uint32_t blk = fs.blocks - 1;
	memset(disk.img + blk * 1024, 'o', 1024);
	return blk;
}

/* Sets [off, off + len) of blk to c; with commit, ends the request as
 * fs_handle does (the log's append and commit point). */
static void set_bytes(uint32_t blk, uint32_t off, uint32_t len, int c, int commit)
{
	struct buf *b = bread(blk);
	CHECK(b != NULL);
	memset(b->data + off, c, len);
	bdirty_range(b, b->data + off, len);
	brelse(b);
	if (commit)
		CHECK_EQ(wlog_commit(), 0);
}

/* The disk's block blk from off on: len bytes of c. */
static void expect(uint32_t blk, uint32_t off, uint32_t len, int c)
{
	for (uint32_t i = off; i < off + len; i++)
		if (disk.img[blk * 1024 + i] != c)
			fs_test_fail(__FILE__, __LINE__, "byte %u is %#x, not '%c'", (unsigned)i,
				     disk.img[blk * 1024 + i], c);
}

/* Ranges of one request are one record, their union; records of later
 * requests win where they overlap earlier ones; a small change costs a
 * small record, not a block. */
static void test_range_overlaps(void)
{
	uint32_t blk = range_block("r.img");
	set_bytes(blk, 10, 10, 'A', 1);
	CHECK_EQ(log_used(), WLOG_REC_SIZE(10));
	set_bytes(blk, 15, 15, 'B', 0); /* one request: [15, 30) and [100, 104) */
	set_bytes(blk, 100, 4, 'C', 1);
	CHECK_EQ(log_used(), WLOG_REC_SIZE(10) + WLOG_REC_SIZE(89));
	set_bytes(blk, 0, 12, 'D', 1);
	CHECK_EQ(disk.img[blk * 1024 + 10], 'o'); /* all of it only in the log */
	host_log[0] = 0;
	fs_restart();
	CHECK(strstr(host_log, "1 blocks written") != NULL);
	expect(blk, 0, 12, 'D');
	expect(blk, 12, 3, 'A');
	expect(blk, 15, 15, 'B');
	expect(blk, 30, 70, 'o');
	expect(blk, 100, 4, 'C');
	expect(blk, 104, 920, 'o');
	save_and_fsck("r.img");
}

/* A whole-block record after a range makes the range's bytes its own; a
 * range after it wins over it in turn. */
static void test_range_covered_by_later(void)
{
	uint32_t blk = range_block("c.img");
	set_bytes(blk, 40, 10, 'X', 1);
	struct buf *b = bread(blk);
	CHECK(b != NULL);
	memset(b->data, 'Y', 1024);
	bdirty(b);
	brelse(b);
	CHECK_EQ(wlog_commit(), 0);
	set_bytes(blk, 0, 4, 'Z', 1);
	fs_restart();
	expect(blk, 0, 4, 'Z');
	expect(blk, 4, 1020, 'Y');
	save_and_fsck("c.img");
}

/* The replay reads the block the disk has now and lays the records over
 * it: bytes no record covers are the disk's (as a write-back left them),
 * bytes a record covers are the record's. */
static void test_range_over_newer_disk(void)
{
	uint32_t blk = range_block("o.img");
	set_bytes(blk, 0, 8, 'R', 1);
	memset(disk.img + blk * 1024, 'S', 8);       /* under the record */
	memset(disk.img + blk * 1024 + 512, 'N', 8); /* beside it */
	fs_restart();
	expect(blk, 0, 8, 'R');
	expect(blk, 8, 504, 'o');
	expect(blk, 512, 8, 'N');
	expect(blk, 520, 504, 'o');
	save_and_fsck("o.img");
}

/* A record of a block past the disk is skipped, and the records after it
 * are applied; a record whose range does not fit a block is refused with
 * the rest of the log (the next record cannot be found), and nothing of
 * it reaches the disk. */
static void test_range_damaged(void)
{
	uint32_t blk = range_block("d.img");
	set_bytes(blk, 0, 8, 'P', 1);
	set_bytes(blk, 100, 8, 'Q', 1);
	set_bytes(blk, 200, 8, 'T', 1);
	set_bytes(blk, 300, 8, 'U', 1);
	uint32_t rs = WLOG_REC_SIZE(8);
	log_rec(rs)->blk = 0xFFFFFF00u; /* Q's record: a block past the disk */
	log_rec(3 * rs)->off = 1020;    /* U's: 8 bytes from 1020 do not fit */
	uint32_t bad = disk.bad_requests;
	host_log[0] = 0;
	fs_restart();
	CHECK(strstr(host_log, "not on the disk; skipped") != NULL);
	CHECK(strstr(host_log, "damaged") != NULL);
	CHECK_EQ(disk.bad_requests, bad);
	expect(blk, 0, 8, 'P');
	expect(blk, 100, 8, 'o');
	expect(blk, 200, 8, 'T');
	expect(blk, 300, 724, 'o');
	save_and_fsck("d.img");
}

int main(void)
{
	static const struct fs_test tests[] = {
		FS_TEST(test_restart_keeps_acknowledged),
		FS_TEST(test_restart_without_log_loses),
		FS_TEST(test_bigger_than_cache),
		FS_TEST(test_no_log_writes_through),
		FS_TEST(test_log_fills),
		FS_TEST(test_other_disk_drops_log),
		FS_TEST(test_restart_after_each_step),
		FS_TEST(test_range_overlaps),
		FS_TEST(test_range_covered_by_later),
		FS_TEST(test_range_over_newer_disk),
		FS_TEST(test_range_damaged),
	};
	return fs_run_tests(tests, sizeof(tests) / sizeof(tests[0]));
}
