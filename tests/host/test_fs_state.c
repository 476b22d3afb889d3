/* File service: the volume's state on the disk, as e2fsck -p reads it.
 * "s_state" (ext2 documentation, "Superblock") has EXT2_VALID_FS when the
 * volume was cleanly unmounted and EXT2_ERROR_FS when errors were found;
 * e2fsck -p skips a volume that says clean. Like Linux's ext2, the fs
 * clears VALID_FS on the disk at once at a read-write mount, puts back
 * what it found at FS_UNMOUNT (poweroff), sets ERROR_FS when it meets
 * corruption, and counts mounts (s_mnt_count, s_max_mnt_count). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs_test.h"

#define SB_MNT_COUNT 52
#define SB_MAX_MNT   54
#define SB_STATE     58
#define VALID        1 /* EXT2_VALID_FS */
#define ERRORS       2 /* EXT2_ERROR_FS */

/* A 16-bit field of the superblock as it is on the disk now, not in the
 * fs's cache: always at byte 1024 of the volume. */
static uint16_t disk_sb16(uint32_t off)
{
	uint16_t v;
	memcpy(&v, disk.img + 1024 + off, 2);
	return v;
}

/* What e2fsck -p (the boot-time check) prints about the image; its output
 * in a static buffer. The image is saved from memory first; e2fsck may
 * change the file, not the disk in memory. */
static const char *preen(const char *name)
{
	static char out[4096];
	host_disk_save(tpath(name));
	run("e2fsck -p '%s' > '%s.p' 2>&1", tpath(name), tpath(name));
	char path[512];
	snprintf(path, sizeof(path), "%s.p", tpath(name));
	FILE *f = fopen(path, "r");
	CHECK(f != NULL);
	size_t n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = 0;
	fclose(f);
	return out;
}

static void debugfs_set(const char *name, const char *request)
{
	CHECK_EQ(run("debugfs -w -R '%s' '%s' >/dev/null 2>&1", request, tpath(name)), 0);
}

/* Mounted: not clean on the disk at once, before any sync; a sync leaves it
 * so; the unmount marks it clean. e2fsck -p checks the first and skips
 * the second, which is what it was missing. */
static void test_clean_only_after_unmount(void)
{
	stage_file("f", "x", 1);
	make_image("s.img", "-b 1024", "8M");
	CHECK_EQ(disk_sb16(SB_STATE), 0);
	CHECK_EQ(disk_sb16(SB_MNT_COUNT), 1);
	write_file("/new", "data", 4);
	CHECK_EQ(t_sync(), 0);
	CHECK_EQ(disk_sb16(SB_STATE), 0);
	CHECK(strstr(preen("s.img"), "was not cleanly unmounted, check forced"));
	CHECK_EQ(t_unmount(), 0);
	CHECK_EQ(disk_sb16(SB_STATE), VALID);
	CHECK(strstr(preen("s.img"), "s.img: clean,"));
	save_and_fsck("s.img");
	/* another mount of the same disk counts */
	fs_boot();
	CHECK_EQ(disk_sb16(SB_MNT_COUNT), 2);
	CHECK_EQ(disk_sb16(SB_STATE), 0);
	CHECK_EQ(disk_sb16(SB_MAX_MNT), 0xFFFF); /* mke2fs's -1: no limit, kept */
}

/* After the unmount, what only reads leaves the disk alone; anything that
 * may change it first writes the superblock, not clean, and nothing else. */
static void test_change_after_unmount(void)
{
	struct fs_stat st;
	struct fs_statfs sf;
	struct fs_dirent ent;
	char buf[8];
	stage_file("f", "abc", 3);
	stage_dir("d");
	make_image("c.img", "-b 4096", "8M");
	int h = t_open("/f", O_RDWR);
	CHECK(h >= 0);
	int dh = t_open("/d", O_RDONLY);
	CHECK(dh >= 0);
	CHECK_EQ(t_unmount(), 0);
	uint32_t w = disk.writes;
	CHECK_EQ(t_read(h, buf, 3), 3);
	CHECK_EQ(t_seek(h, 0, SEEK_SET), 0);
	CHECK_EQ(t_stat("/f", &st), 0);
	CHECK_EQ(t_fstat(h, &st), 0);
	CHECK_EQ(t_readdir(dh, &ent), 1);
	CHECK_EQ(t_statfs(&sf), 0);
	CHECK_EQ(t_sync(), 0);
	CHECK_EQ(t_unmount(), 0);
	CHECK_EQ(disk.writes, w);
	CHECK_EQ(disk_sb16(SB_STATE), VALID);
	for (int i = 0; i < 8; i++) {
		CHECK_EQ(t_unmount(), 0);
		CHECK_EQ(disk_sb16(SB_STATE), VALID);
		w = disk.writes;
		switch (i) {
		case 0:
			CHECK_EQ(t_write(h, "more", 4), 4);
			break;
		case 1:
			CHECK_EQ(t_truncate(h, 1), 0);
			break;
		case 2:
			CHECK_EQ(t_mkdir("/d2"), 0);
			break;
		case 3:
			CHECK_EQ(t_rename("/d2", "/d/d2"), 0);
			break;
		case 4:
			CHECK_EQ(t_link("/f", "/g"), 0);
			break;
		case 5:
			CHECK_EQ(t_unlink("/g"), 0);
			break;
		case 6:
			CHECK_EQ(t_rmdir("/d/d2"), 0);
			break;
		case 7:
			CHECK(t_close(t_open("/n", O_WRONLY | O_CREAT)) == 0);
			break;
		}
		CHECK_EQ(disk.writes, w + 1);
		CHECK_EQ(disk.last_write_lba, 0); /* 4 KiB blocks: the superblock's is 0 */
		CHECK_EQ(disk_sb16(SB_STATE), 0);
	}
	CHECK_EQ(t_close(h), 0);
	CHECK_EQ(t_close(dh), 0);
	save_and_fsck("c.img");
}

/* A volume that was not clean when mounted (a crash, or a file service
 * that died and was restarted on micro) stays not clean after a clean
 * unmount: only e2fsck may say it is clean again. Likewise one with
 * errors. */
static void test_not_clean_stays(void)
{
	make_image("n.img", "-b 1024", "8M");
	write_file("/f", "x", 1);
	CHECK_EQ(t_sync(), 0);
	/* a crash: the next instance mounts what the disk has */
	host_log[0] = 0;
	fs_boot();
	CHECK(strstr(host_log, "not cleanly unmounted"));
	CHECK_EQ(disk_sb16(SB_MNT_COUNT), 2);
	CHECK_EQ(t_unmount(), 0);
	CHECK_EQ(disk_sb16(SB_STATE), 0);
	CHECK(strstr(preen("n.img"), "was not cleanly unmounted, check forced"));
	/* e2fsck -p marked the saved image clean; with errors instead */
	host_disk_free();
	debugfs_set("n.img", "ssv state 3");
	host_disk_load(tpath("n.img"));
	host_log[0] = 0;
	fs_boot();
	CHECK(strstr(host_log, "with errors"));
	CHECK_EQ(disk_sb16(SB_STATE), ERRORS);
	CHECK_EQ(t_unmount(), 0);
	CHECK_EQ(disk_sb16(SB_STATE), VALID | ERRORS);
	CHECK(strstr(preen("n.img"), "contains a file system with errors, check forced"));
}

/* Corruption met while mounted marks the volume as having errors on the
 * disk at once (as Linux's ext2_error), and the unmount keeps the mark. */
static void test_errors_marked(void)
{
	struct fs_stat st;
	stage_dir("d");
	stage_file("d/x", "x", 1);
	make_image("e.img", "-b 1024", "8M");
	host_disk_free();
	/* "."'s rec_len of /d made 13, not a multiple of 4 */
	CHECK_EQ(run("b=$(debugfs -R 'bmap /d 0' '%s' 2>/dev/null) && printf '\\015\\000' | "
		     "dd of='%s' bs=1 seek=$((b * 1024 + 4)) conv=notrunc 2>/dev/null",
		     tpath("e.img"), tpath("e.img")),
		 0);
	host_disk_load(tpath("e.img"));
	fs_boot();
	CHECK_EQ(disk_sb16(SB_STATE), 0);
	host_quiet = 1;
	CHECK_EQ(t_stat("/d/x", &st), -EIO);
	host_quiet = 0;
	CHECK_EQ(disk_sb16(SB_STATE), ERRORS);
	CHECK_EQ(t_unmount(), 0);
	CHECK_EQ(disk_sb16(SB_STATE), VALID | ERRORS);
	CHECK(strstr(preen("e.img"), "contains a file system with errors"));
}

/* s_max_mnt_count: reached, a warning in the log (a mount is not refused);
 * 0, Linux's default of 20 is written. A read-only mount writes nothing. */
static void test_mount_count(void)
{
	make_image("m.img", "-b 1024", "8M");
	CHECK_EQ(t_unmount(), 0);
	host_disk_save(tpath("m.img"));
	host_disk_free();
	debugfs_set("m.img", "ssv mnt_count 3");
	debugfs_set("m.img", "ssv max_mnt_count 3");
	host_disk_load(tpath("m.img"));
	host_log[0] = 0;
	fs_boot();
	CHECK(strstr(host_log, "maximal mount count reached (3)"));
	CHECK_EQ(disk_sb16(SB_MNT_COUNT), 4);
	CHECK_EQ(t_unmount(), 0);
	host_disk_save(tpath("m.img"));
	host_disk_free();
	debugfs_set("m.img", "ssv max_mnt_count 0");
	host_disk_load(tpath("m.img"));
	fs_boot();
	CHECK_EQ(disk_sb16(SB_MAX_MNT), 20);
	CHECK_EQ(disk_sb16(SB_MNT_COUNT), 5);
	CHECK_EQ(t_unmount(), 0);
	/* read-only: an unknown read-only feature */
	host_disk_save(tpath("m.img"));
	host_disk_free();
	debugfs_set("m.img", "feature huge_file");
	host_disk_load(tpath("m.img"));
	uint32_t w = disk.writes;
	fs_boot();
	CHECK_EQ(t_unmount(), 0);
	CHECK_EQ(disk.writes, w);
	CHECK_EQ(disk_sb16(SB_MNT_COUNT), 5);
	CHECK_EQ(disk_sb16(SB_STATE), VALID);
}

/* A file unlinked while open keeps its blocks until its last close. Left
 * open by a process that died, it is freed at the next sync; held by a
 * live one, the unmount writes everything back but does not call the
 * volume clean (-EBUSY), since e2fsck must free the file. */
static void test_nameless_open_files(void)
{
	make_image("o.img", "-b 1024", "8M");
	static uint8_t d[20000];
	memset(d, 'o', sizeof(d));
	write_file("/gone", d, sizeof(d));
	struct fs_statfs before;
	struct msg m = {.type = FS_STATFS};
	CHECK_EQ(fs_req(&m, NULL, 0, 0), 0);
	memcpy(&before, m.w, sizeof(before));
	t_pid = 200;
	int h = t_open("/gone", O_RDONLY);
	CHECK(h >= 0);
	CHECK_EQ(t_unlink("/gone"), 0);
	/* Held by a live process: written back, not clean. */
	CHECK_EQ(t_unmount(), -EBUSY);
	CHECK_EQ(disk_sb16(SB_STATE), 0);
	/* Its owner dies: the next sync frees the file, and the unmount is
	 * clean again, with every block back. */
	host_pid_kill(200);
	t_pid = 100;
	CHECK_EQ(t_sync(), 0);
	m = (struct msg){.type = FS_STATFS};
	CHECK_EQ(fs_req(&m, NULL, 0, 0), 0);
	struct fs_statfs after;
	memcpy(&after, m.w, sizeof(after));
	/* 20 data blocks of 1 KiB, 8 of them through one indirect block */
	CHECK_EQ(after.free_blocks, before.free_blocks + 20 + 1);
	CHECK_EQ(after.free_inodes, before.free_inodes + 1);
	CHECK_EQ(t_unmount(), 0);
	CHECK_EQ(disk_sb16(SB_STATE), VALID);
	save_and_fsck("o.img");
}

int main(void)
{
	static const struct fs_test tests[] = {
		FS_TEST(test_clean_only_after_unmount),
		FS_TEST(test_change_after_unmount),
		FS_TEST(test_not_clean_stays),
		FS_TEST(test_errors_marked),
		FS_TEST(test_mount_count),
		FS_TEST(test_nameless_open_files),
	};
	return fs_run_tests(tests, sizeof(tests) / sizeof(tests[0]));
}
