/* File service: the write log (fs/wlog.c). A restart of the service
 * (fs_restart: its init run again, with the memory comp_keep kept, as
 * micro's kernel keeps it across a server's death) must find every change
 * an earlier request acknowledged, though the cache that held it is gone
 * and nothing was synced; a boot (fs_boot: no memory kept) finds only the
 * disk. Normal writes stay lazy: the log costs no disk write, full or not
 * (it is compacted to the dirty blocks); with no kept memory every change
 * is written through before its reply. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs_test.h"

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

/* Many small requests fill the live area, which is compacted, with no
 * disk write; every one of them survives the restart that follows. */
static void test_log_fills(void)
{
	stage();
	make_image("f.img", "-b 1024", "8M");
	int h = t_open("/many", O_WRONLY | O_CREAT | O_APPEND);
	CHECK(h >= 0);
	char rec[16];
	uint32_t writes = disk.writes;
	for (int i = 0; i < 1500; i++) { /* 2 blocks a request: the area fills, is compacted */
		snprintf(rec, sizeof(rec), "%014d\n", i);
		CHECK_EQ(t_write(h, rec, 15), 15);
	}
	CHECK_EQ(disk.writes, writes);
	CHECK_EQ(t_close(h), 0);
	fs_restart();
	uint8_t *buf;
	CHECK_EQ(read_all("/many", &buf), 1500 * 15);
	for (int i = 0; i < 1500; i++) {
		snprintf(rec, sizeof(rec), "%014d\n", i);
		CHECK(memcmp(buf + i * 15, rec, 15) == 0);
	}
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

int main(void)
{
	static const struct fs_test tests[] = {
		FS_TEST(test_restart_keeps_acknowledged),
		FS_TEST(test_restart_without_log_loses),
		FS_TEST(test_bigger_than_cache),
		FS_TEST(test_no_log_writes_through),
		FS_TEST(test_log_fills),
		FS_TEST(test_other_disk_drops_log),
	};
	return fs_run_tests(tests, sizeof(tests) / sizeof(tests[0]));
}
