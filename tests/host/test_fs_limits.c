/* File service: limits and errors. A full disk (-ENOSPC for blocks and for
 * inodes, then reuse), the handle table (-EMFILE, and reclaiming the
 * handles of dead processes), long names, every wrong-kind error, special
 * files made by mke2fs -d, and a read-only mount. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs_test.h"

static struct fs_statfs statfs_now(void)
{
	struct fs_statfs st;
	CHECK_EQ(t_statfs(&st), 0);
	return st;
}

static void fill_disk(const char *opts)
{
	static uint8_t chunk[65536];
	make_image("full.img", opts, "2M");
	struct fs_statfs s0 = statfs_now();
	pattern(chunk, sizeof(chunk), 1);
	int h = t_open("/fill", O_WRONLY | O_CREAT);
	CHECK(h >= 0);
	uint32_t total = 0;
	int r;
	while ((r = t_write(h, chunk, sizeof(chunk))) == (int)sizeof(chunk))
		total += (uint32_t)r;
	CHECK(r >= 0); /* the last write is short */
	total += (uint32_t)r;
	CHECK_EQ(t_write(h, chunk, 1), -ENOSPC);
	CHECK_EQ(statfs_now().free_blocks, 0);
	CHECK(total > 1500000);
	CHECK_EQ(t_close(h), 0);
	/* nothing more fits, and a failed create or mkdir leaves nothing */
	struct fs_statfs s1 = statfs_now();
	write_file("/empty", "", 0); /* an inode, no block: fine */
	CHECK_EQ(t_mkdir("/dir"), -ENOSPC);
	h = t_open("/more", O_WRONLY | O_CREAT);
	CHECK(h >= 0);
	CHECK_EQ(t_write(h, "x", 1), -ENOSPC);
	CHECK_EQ(t_close(h), 0);
	CHECK_EQ(statfs_now().free_inodes, s1.free_inodes - 2);
	/* A new name needing a new directory block */
	char name[128];
	int created = 0;
	for (int i = 0; i < 200; i++) {
		snprintf(name, sizeof(name), "/name-long-enough-to-fill-the-root-%04d", i);
		h = t_open(name, O_WRONLY | O_CREAT);
		if (h < 0) {
			CHECK_EQ(h, -ENOSPC);
			break;
		}
		CHECK_EQ(t_close(h), 0);
		created++;
	}
	CHECK(created < 200);
	save_and_fsck("full.img");
	size_t n;
	uint8_t *got = debugfs_cat("full.img", "/fill", &n);
	CHECK_EQ(n, total);
	free(got);
	/* away with it: everything free again, and usable */
	CHECK_EQ(t_unlink("/fill"), 0);
	CHECK_EQ(statfs_now().free_blocks, s0.free_blocks);
	h = t_open("/again", O_WRONLY | O_CREAT);
	CHECK_EQ(t_write(h, chunk, sizeof(chunk)), sizeof(chunk));
	CHECK_EQ(t_close(h), 0);
	CHECK_EQ(t_mkdir("/dir"), 0);
	save_and_fsck("full.img");
}

static void test_enospc_1k(void)
{
	fill_disk("-b 1024");
}
static void test_enospc_4k(void)
{
	fill_disk("-b 4096");
}

static void test_out_of_inodes(void)
{
	char p[64];
	make_image("ino.img", "-b 1024 -N 64", "2M");
	struct fs_statfs s0 = statfs_now();
	int n = 0, r;
	for (;; n++) {
		snprintf(p, sizeof(p), "/f%d", n);
		if ((r = t_open(p, O_WRONLY | O_CREAT)) < 0)
			break;
		CHECK_EQ(t_close(r), 0);
	}
	CHECK_EQ(r, -ENOSPC);
	CHECK_EQ((uint32_t)n, s0.free_inodes);
	CHECK_EQ(t_mkdir("/d"), -ENOSPC);
	CHECK_EQ(statfs_now().free_blocks, s0.free_blocks);
	save_and_fsck("ino.img");
	for (int i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "/f%d", i);
		CHECK_EQ(t_unlink(p), 0);
	}
	CHECK_EQ(t_mkdir("/d"), 0);
	CHECK_EQ(statfs_now().free_inodes, s0.free_inodes - 1);
	save_and_fsck("ino.img");
}

static void test_emfile(void)
{
	make_image("m.img", "-b 1024", "8M");
	write_file("/f", "x", 1);
	int h[64];
	for (int i = 0; i < 64; i++) {
		h[i] = t_open("/f", O_RDONLY);
		CHECK(h[i] >= 0);
	}
	CHECK_EQ(t_open("/f", O_RDONLY), -EMFILE);
	t_pid = 101;
	CHECK_EQ(t_open("/f", O_RDONLY), -EMFILE);
	/* the owner dies without closing: its handles are reclaimed */
	host_pid_kill(100);
	int k = t_open("/f", O_RDONLY);
	CHECK(k >= 0);
	CHECK_EQ(t_close(k), 0);
	t_pid = 100;
	host_pids_revive();
	CHECK_EQ(t_close(h[0]), -EBADF); /* gone with the reclaim */
	/* an unlinked file held only by a dead process's handle is freed */
	struct fs_statfs s0 = statfs_now();
	write_file("/g", "data", 4);
	t_pid = 102;
	CHECK(t_open("/g", O_RDONLY) >= 0);
	t_pid = 100;
	CHECK_EQ(t_unlink("/g"), 0);
	CHECK_EQ(statfs_now().free_inodes, s0.free_inodes - 1);
	host_pid_kill(102);
	for (int i = 0; i < 64; i++)
		CHECK(t_open("/f", O_RDONLY) >= 0);
	CHECK_EQ(statfs_now().free_inodes, s0.free_inodes);
	CHECK_EQ(t_open("/f", O_RDONLY), -EMFILE);
	save_and_fsck("m.img");
}

static void test_wrong_kinds(void)
{
	struct fs_stat st;
	make_image("k.img", "-b 1024", "8M");
	write_file("/file", "abc", 3);
	CHECK_EQ(t_mkdir("/dir"), 0);
	CHECK_EQ(t_open("/dir", O_WRONLY), -EISDIR);
	CHECK_EQ(t_open("/dir", O_RDWR), -EISDIR);
	CHECK_EQ(t_open("/dir", O_RDONLY | O_TRUNC), -EISDIR);
	CHECK_EQ(t_open("/", O_WRONLY), -EISDIR);
	CHECK_EQ(t_open("/file", O_RDONLY | O_DIRECTORY), -ENOTDIR);
	CHECK_EQ(t_open("/file/", O_RDONLY), -ENOTDIR);
	CHECK_EQ(t_open("/file/x", O_RDONLY | O_CREAT), -ENOTDIR);
	CHECK_EQ(t_open("/nothere", O_RDONLY), -ENOENT);
	CHECK_EQ(t_open("/nodir/x", O_RDWR | O_CREAT), -ENOENT);
	CHECK_EQ(t_open("/new/", O_RDWR | O_CREAT), -EISDIR);
	CHECK_EQ(t_open("/file", 3), -EINVAL);
	CHECK_EQ(t_open("/dir", O_RDONLY | O_CREAT | O_EXCL), -EEXIST);
	CHECK_EQ(t_open("/dir", O_RDONLY | O_CREAT), -EISDIR);
	CHECK_EQ(t_open("/", O_RDONLY | O_CREAT), -EISDIR);
	CHECK_EQ(t_unlink("/dir"), -EISDIR);
	CHECK_EQ(t_unlink("/"), -EISDIR);
	CHECK_EQ(t_unlink("/file/"), -ENOTDIR);
	CHECK_EQ(t_rmdir("/file"), -ENOTDIR);
	CHECK_EQ(t_mkdir("/file"), -EEXIST);
	CHECK_EQ(t_stat("/file/..", &st), -ENOTDIR);
	int h = t_open("/dir", O_RDONLY);
	CHECK(h >= 0);
	CHECK_EQ(t_truncate(h, 0), -EISDIR);
	CHECK_EQ(t_write(h, "x", 1), -EBADF);
	CHECK_EQ(t_close(h), 0);
	h = t_open("/file", O_RDWR);
	CHECK_EQ(t_truncate(h, 0x80000000u), -EFBIG);
	CHECK_EQ(t_seek(h, 0x7FFFFFFF, SEEK_SET), 0x7FFFFFFF);
	CHECK_EQ(t_write(h, "x", 1), -EFBIG);
	CHECK_EQ(t_close(h), 0);
	/* names: 255 is the limit of one component */
	char name[300] = "/";
	memset(name + 1, 'n', 256);
	name[257] = 0;
	CHECK_EQ(t_open(name, O_RDWR | O_CREAT), -ENAMETOOLONG);
	CHECK_EQ(t_mkdir(name), -ENAMETOOLONG);
	name[255] = 0; /* 254 characters: fits */
	h = t_open(name, O_RDWR | O_CREAT);
	CHECK(h >= 0);
	CHECK_EQ(t_close(h), 0);
	CHECK_EQ(t_stat(name, &st), 0);
	CHECK_EQ(t_unlink(name), 0);
	/* empty grant, no grant */
	struct msg m = {.type = FS_MKDIR};
	CHECK_EQ(fs_req(&m, NULL, 0, 0), -EINVAL);
	/* a rename whose second path is missing */
	m = (struct msg){.type = FS_RENAME};
	CHECK_EQ(fs_req(&m, "/file", 6, GRANT_READ), -EINVAL);
	save_and_fsck("k.img");
}

/* Symlinks and device files made by mke2fs -d: a link is lstat'ed as
 * itself and followed by open (test_fs_symlink has the rest); a fifo is
 * not opened; unlinking them frees what they own. */
static void test_special_files(void)
{
	struct fs_stat st;
	stage_file("target", "t", 1);
	char longt[200];
	memset(longt, 'x', sizeof(longt) - 1);
	longt[sizeof(longt) - 1] = 0;
	CHECK_EQ(run("ln -s target '%s/stage/fast' && ln -s '%s' '%s/stage/slow' && "
		     "mkfifo '%s/stage/fifo'",
		     tmpdir(), longt, tmpdir(), tmpdir()),
		 0);
	make_image("s.img", "-b 1024", "8M");
	struct fs_statfs s0 = statfs_now();
	CHECK_EQ(t_lstat("/fast", &st), 0);
	CHECK_EQ(st.mode & S_IFMT, S_IFLNK);
	CHECK_EQ(st.size, 6);
	CHECK_EQ(st.blocks512, 0);
	CHECK_EQ(t_lstat("/slow", &st), 0);
	CHECK_EQ(st.size, sizeof(longt) - 1);
	CHECK_EQ(st.blocks512, 2);
	int h = t_open("/fast", O_RDONLY);
	CHECK(h >= 0);
	CHECK_EQ(t_fstat(h, &st), 0);
	CHECK_EQ(st.mode & S_IFMT, S_IFREG);
	CHECK_EQ(t_close(h), 0);
	CHECK_EQ(t_open("/slow", O_RDONLY), -ENOENT); /* its target is not there */
	CHECK_EQ(t_open("/fifo", O_RDONLY), -EINVAL);
	CHECK_EQ(t_stat("/fast/x", &st), -ENOTDIR);
	CHECK_EQ(t_rename("/fast", "/fast2"), 0);
	CHECK_EQ(t_link("/fifo", "/fifo2"), 0);
	CHECK_EQ(t_unlink("/fast2"), 0);
	CHECK_EQ(t_unlink("/slow"), 0);
	CHECK_EQ(t_unlink("/fifo"), 0);
	CHECK_EQ(t_unlink("/fifo2"), 0);
	struct fs_statfs s1 = statfs_now();
	CHECK_EQ(s1.free_blocks, s0.free_blocks + 1);
	CHECK_EQ(s1.free_inodes, s0.free_inodes + 3);
	save_and_fsck("s.img");
}

/* The link limit (32000), reached by setting the counts with debugfs
 * rather than by making 32000 names. */
static void test_link_max(void)
{
	stage_file("f", "x", 1);
	stage_dir("d");
	make_image("l.img", "-b 1024", "8M");
	host_disk_free();
	CHECK_EQ(run("debugfs -w -R 'sif /f links_count 31999' '%s' >/dev/null 2>&1 && "
		     "debugfs -w -R 'sif /d links_count 32000' '%s' >/dev/null 2>&1",
		     tpath("l.img"), tpath("l.img")),
		 0);
	host_disk_load(tpath("l.img"));
	fs_boot();
	CHECK_EQ(t_link("/f", "/f2"), 0);
	CHECK_EQ(t_link("/f", "/f3"), -EMLINK);
	CHECK_EQ(t_mkdir("/d/sub"), -EMLINK);
	CHECK_EQ(t_mkdir("/other"), 0);
	CHECK_EQ(t_rename("/other", "/d/other"), -EMLINK);
	CHECK_EQ(t_rename("/f2", "/d/f2"), 0); /* a file adds no link to d */
	CHECK_EQ(icache_refs(), 0);
}

/* An unknown read-only-compatible feature: mounted read-only. */
static void test_read_only(void)
{
	struct fs_stat st;
	stage_file("f", "ro", 2);
	make_image("ro.img", "-b 1024", "8M");
	host_disk_free();
	CHECK_EQ(run("debugfs -w -R 'feature huge_file' '%s' >/dev/null 2>&1", tpath("ro.img")), 0);
	host_disk_load(tpath("ro.img"));
	fs_boot();
	uint8_t *got;
	CHECK_EQ(read_all("/f", &got), 2);
	free(got);
	CHECK_EQ(t_stat("/f", &st), 0);
	CHECK_EQ(t_open("/f", O_RDWR), -EROFS);
	CHECK_EQ(t_open("/g", O_RDONLY | O_CREAT), -EROFS);
	CHECK_EQ(t_mkdir("/d"), -EROFS);
	CHECK_EQ(t_unlink("/f"), -EROFS);
	CHECK_EQ(t_rename("/f", "/g"), -EROFS);
	CHECK_EQ(icache_refs(), 0);
	CHECK_EQ(t_link("/f", "/g"), -EROFS);
	CHECK_EQ(t_rmdir("/lost+found"), -EROFS);
	uint32_t w = disk.writes;
	CHECK_EQ(t_sync(), 0);
	CHECK_EQ(disk.writes, w);
}

int main(void)
{
	static const struct fs_test tests[] = {
		FS_TEST(test_enospc_1k), FS_TEST(test_enospc_4k),   FS_TEST(test_out_of_inodes),
		FS_TEST(test_emfile),    FS_TEST(test_wrong_kinds), FS_TEST(test_special_files),
		FS_TEST(test_link_max),  FS_TEST(test_read_only),
	};
	return fs_run_tests(tests, sizeof(tests) / sizeof(tests[0]));
}
