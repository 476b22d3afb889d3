/* File service: symbolic links, made by mke2fs -d from a tree that has
 * them and by FS_SYMLINK. Followed on the way and, by open and stat, at
 * the end; absolute targets from the root, relative ones from the link's
 * directory; fast links (the target in i_block) and slow ones (in a data
 * block); a chain of 8 resolves, a ninth link or a loop is -ELOOP; lstat,
 * readlink, unlink, rename and link act on the link itself. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs_test.h"

static uint32_t ino_of(const char *path)
{
	struct fs_stat st;
	CHECK_EQ(t_stat(path, &st), 0);
	return st.ino;
}

static void ln_s(const char *target, const char *rel)
{
	CHECK_EQ(run("ln -s '%s' '%s/stage/%s'", target, tmpdir(), rel), 0);
}

/* A target of n bytes that resolves to /t: "./" repeated, then "t". */
static const char *long_target(size_t n)
{
	static char buf[FS_PATH_MAX];
	size_t i = 0;
	for (; i + 1 < n - 1; i += 2)
		memcpy(buf + i, "./", 2);
	if (i < n - 1)
		buf[i++] = '/';
	buf[i++] = 't';
	buf[i] = 0;
	CHECK_EQ(strlen(buf), n);
	return buf;
}

static void stage_links(void)
{
	stage_file("t", "target", 6);
	stage_dir("d/e");
	stage_file("d/f", "in d", 4);
	ln_s("/t", "abs");
	ln_s("t", "rel");
	ln_s("d", "dlink");
	ln_s("/d/e", "elink");
	ln_s("../t", "d/up");
	ln_s("../../t", "d/e/upup");
	ln_s(long_target(120), "slow");
	ln_s("nowhere", "dangling");
	ln_s("self", "self");
	ln_s("loop_b", "loop_a");
	ln_s("loop_a", "loop_b");
	ln_s("x", "empty"); /* its size made 0 by test_errors */
	/* chain1 -> chain2 -> ... -> chain8 -> t: eight links */
	for (int i = 1; i <= 8; i++) {
		char target[32], name[32];
		snprintf(target, sizeof(target), i == 8 ? "t" : "chain%d", i + 1);
		snprintf(name, sizeof(name), "chain%d", i);
		ln_s(target, name);
	}
	ln_s("chain1", "chain0"); /* nine */
}

static void check_reads(const char *path, const char *want)
{
	uint8_t *got;
	CHECK_EQ(read_all(path, &got), (long)strlen(want));
	CHECK(memcmp(got, want, strlen(want)) == 0);
	free(got);
}

/* mke2fs -d made them: every way of reaching the target works. */
static void test_follow(void)
{
	struct fs_stat st;
	stage_links();
	make_image("f.img", "-b 1024", "8M");
	uint32_t t = ino_of("/t");
	check_reads("/abs", "target");
	check_reads("/rel", "target");
	check_reads("/d/up", "target");
	check_reads("/d/e/upup", "target");
	check_reads("/slow", "target");
	check_reads("/dlink/f", "in d");
	check_reads("/dlink/e/upup", "target");
	check_reads("/elink/upup", "target");
	check_reads("/dlink/up", "target"); /* relative to d, where up lives */
	check_reads("/dlink/../t", "target");
	check_reads("/chain1", "target");
	CHECK_EQ(ino_of("/abs"), t);
	CHECK_EQ(ino_of("/chain8"), t);
	CHECK_EQ(ino_of("/dlink/"), ino_of("/d"));
	CHECK_EQ(ino_of("/dlink/."), ino_of("/d"));
	/* directories through links: readdir, mkdir, create */
	int h = t_open("/dlink", O_RDONLY | O_DIRECTORY);
	CHECK(h >= 0);
	CHECK_EQ(t_close(h), 0);
	CHECK_EQ(t_mkdir("/dlink/new"), 0);
	CHECK_EQ(t_stat("/d/new", &st), 0);
	write_file("/elink/made", "m", 1);
	check_reads("/d/e/made", "m");
	/* a file opened for writing through a link is the target */
	write_file("/abs", "rewritten", 9);
	check_reads("/t", "rewritten");
	CHECK_EQ(icache_refs(), 0);
	save_and_fsck("f.img");
}

/* What does not resolve, and why. */
static void test_errors(void)
{
	struct fs_stat st;
	stage_links();
	make_image("e.img", "-b 4096", "8M");
	host_disk_free();
	/* no tool makes an empty link (Linux refuses one): debugfs does */
	CHECK_EQ(run("debugfs -w -R 'sif /empty size 0' '%s' >/dev/null 2>&1", tpath("e.img")), 0);
	host_disk_load(tpath("e.img"));
	fs_boot();
	CHECK_EQ(t_stat("/chain0", &st), -ELOOP); /* nine links */
	CHECK_EQ(t_stat("/self", &st), -ELOOP);
	CHECK_EQ(t_stat("/loop_a", &st), -ELOOP);
	CHECK_EQ(t_open("/loop_b/x", O_RDONLY), -ELOOP);
	CHECK_EQ(t_mkdir("/loop_a/x"), -ELOOP);
	CHECK_EQ(t_stat("/dangling", &st), -ENOENT);
	CHECK_EQ(t_stat("/empty", &st), -ENOENT);
	CHECK_EQ(t_stat("/abs/x", &st), -ENOTDIR);
	CHECK_EQ(t_stat("/abs/", &st), -ENOTDIR);
	CHECK_EQ(t_open("/dlink", O_WRONLY), -EISDIR);
	CHECK_EQ(t_rmdir("/dlink"), -ENOTDIR); /* a link, not a directory */
	/* an expansion longer than a path may be */
	char p[FS_PATH_MAX];
	memset(p, 'x', sizeof(p));
	p[0] = '/';
	memcpy(p + 1, "slow/", 5);
	for (size_t i = 6; i < sizeof(p) - 1; i += 8)
		p[i] = '/';
	p[FS_PATH_MAX - 1] = 0;
	CHECK_EQ(t_stat(p, &st), -ENAMETOOLONG);
	CHECK_EQ(t_unlink("/empty"), 0); /* e2fsck would fault it */
	CHECK_EQ(icache_refs(), 0);
	save_and_fsck("e.img");
}

/* lstat, readlink, unlink, rename and link see the link itself. */
static void test_the_link_itself(void)
{
	struct fs_stat st;
	char buf[FS_PATH_MAX];
	stage_links();
	make_image("i.img", "-b 1024", "8M");
	CHECK_EQ(t_lstat("/abs", &st), 0);
	CHECK_EQ(st.mode & S_IFMT, S_IFLNK);
	CHECK_EQ(st.size, 2);
	CHECK_EQ(t_lstat("/dlink/", &st), 0); /* a '/' after it: the directory */
	CHECK_EQ(st.mode & S_IFMT, S_IFDIR);
	CHECK_EQ(t_lstat("/dangling", &st), 0);
	CHECK_EQ(t_readlink("/d/up", buf, sizeof(buf)), 4);
	CHECK(memcmp(buf, "../t", 4) == 0);
	CHECK_EQ(t_readlink("/slow", buf, sizeof(buf)), 120);
	CHECK(memcmp(buf, long_target(120), 120) == 0);
	CHECK_EQ(t_readlink("/slow", buf, 10), 10); /* cut, as readlink(2) */
	CHECK_EQ(t_readlink("/t", buf, sizeof(buf)), -EINVAL);
	CHECK_EQ(t_readlink("/dlink/up", buf, sizeof(buf)), 4);
	/* a hard link to a link is a link */
	CHECK_EQ(t_link("/rel", "/rel2"), 0);
	CHECK_EQ(t_lstat("/rel2", &st), 0);
	CHECK_EQ(st.mode & S_IFMT, S_IFLNK);
	CHECK_EQ(st.nlink, 2);
	CHECK_EQ(t_rename("/rel2", "/d/rel3"), 0);
	CHECK_EQ(t_stat("/d/rel3", &st), -ENOENT); /* "t" from d: d/t is not there */
	CHECK_EQ(t_unlink("/d/rel3"), 0);
	CHECK_EQ(t_lstat("/d/rel3", &st), -ENOENT);
	/* unlinking a link leaves its target; the slow one gives its block */
	struct fs_statfs s0, s1;
	CHECK_EQ(t_statfs(&s0), 0);
	CHECK_EQ(t_unlink("/abs"), 0);
	CHECK_EQ(t_unlink("/slow"), 0);
	CHECK_EQ(t_unlink("/dlink"), 0);
	CHECK_EQ(t_statfs(&s1), 0);
	CHECK_EQ(s1.free_blocks, s0.free_blocks + 1);
	CHECK_EQ(s1.free_inodes, s0.free_inodes + 3);
	check_reads("/t", "target");
	CHECK_EQ(t_stat("/d/f", &st), 0);
	/* renaming a link over a file replaces the file */
	CHECK_EQ(t_rename("/chain8", "/d/f"), 0);
	CHECK_EQ(t_lstat("/d/f", &st), 0);
	CHECK_EQ(st.mode & S_IFMT, S_IFLNK);
	/* opening with O_CREAT follows, O_CREAT | O_EXCL does not */
	CHECK_EQ(t_open("/rel", O_RDWR | O_CREAT | O_EXCL), -EEXIST);
	int h = t_open("/dangling", O_WRONLY | O_CREAT);
	CHECK(h >= 0);
	CHECK_EQ(t_close(h), 0);
	CHECK_EQ(t_lstat("/nowhere", &st), 0);
	CHECK_EQ(st.mode & S_IFMT, S_IFREG);
	CHECK_EQ(icache_refs(), 0);
	save_and_fsck("i.img");
}

/* FS_SYMLINK: fast below 60 bytes, slow from 60 (1 KiB and 4 KiB blocks),
 * as Linux makes them; e2fsck and debugfs agree with what was made. */
static void make_links(const char *opts)
{
	struct fs_stat st;
	char buf[FS_PATH_MAX];
	stage_file("t", "target", 6);
	stage_dir("d");
	make_image("s.img", opts, "8M");
	struct fs_statfs s0, s1;
	CHECK_EQ(t_statfs(&s0), 0);
	static const size_t lens[] = {1, 59, 60, 300, FS_PATH_MAX - 1};
	for (int i = 0; i < 5; i++) {
		char name[32];
		snprintf(name, sizeof(name), "/d/l%d", i);
		const char *target = long_target(lens[i] < 2 ? 2 : lens[i]);
		if (lens[i] == 1)
			target = "t";
		CHECK_EQ(t_symlink(target, name), 0);
		CHECK_EQ(t_lstat(name, &st), 0);
		CHECK_EQ(st.mode, S_IFLNK | 0777);
		CHECK_EQ(st.size, strlen(target));
		CHECK_EQ(st.blocks512,
			 lens[i] < 60 ? 0 : 2 * (uint32_t)(strstr(opts, "4096") ? 4 : 1));
		CHECK_EQ(t_readlink(name, buf, sizeof(buf)), (int)strlen(target));
		CHECK(memcmp(buf, target, strlen(target)) == 0);
	}
	/* /d/l0 -> "t" is relative to d: no d/t */
	CHECK_EQ(t_stat("/d/l0", &st), -ENOENT);
	CHECK_EQ(t_symlink("../t", "/d/up"), 0);
	check_reads("/d/up", "target");
	CHECK_EQ(t_symlink("/t", "/t"), -EEXIST);
	CHECK_EQ(t_symlink("/t", "/d/l0"), -EEXIST);
	CHECK_EQ(t_symlink("", "/d/x"), -ENOENT);
	CHECK_EQ(t_symlink("/t", "/nodir/x"), -ENOENT);
	CHECK_EQ(t_symlink("/t", "/t/x"), -ENOTDIR);
	CHECK_EQ(t_symlink("/t", "/d/l9/"), -ENOENT);
	save_and_fsck("s.img");
	CHECK_EQ(run("debugfs -R 'stat /d/l1' '%s' 2>/dev/null | grep -q 'Fast link dest: \"%s\"'",
		     tpath("s.img"), long_target(59)),
		 0);
	/* removing them gives everything back */
	for (int i = 0; i < 5; i++) {
		char name[32];
		snprintf(name, sizeof(name), "/d/l%d", i);
		CHECK_EQ(t_unlink(name), 0);
	}
	CHECK_EQ(t_unlink("/d/up"), 0);
	CHECK_EQ(t_statfs(&s1), 0);
	CHECK_EQ(s1.free_blocks, s0.free_blocks);
	CHECK_EQ(s1.free_inodes, s0.free_inodes);
	save_and_fsck("s.img");
}

static void test_make_1k(void)
{
	make_links("-b 1024");
}

static void test_make_4k(void)
{
	make_links("-b 4096");
}

/* A full disk while making a slow link leaves nothing behind. */
static void test_make_full(void)
{
	static uint8_t chunk[65536];
	make_image("full.img", "-b 1024", "2M");
	int h = t_open("/fill", O_WRONLY | O_CREAT);
	while (t_write(h, chunk, sizeof(chunk)) > 0)
		;
	while (t_write(h, chunk, 1) > 0)
		;
	CHECK_EQ(t_close(h), 0);
	struct fs_statfs s0, s1;
	CHECK_EQ(t_statfs(&s0), 0);
	CHECK_EQ(s0.free_blocks, 0);
	CHECK_EQ(t_symlink(long_target(100), "/slow"), -ENOSPC);
	CHECK_EQ(t_symlink("/fill", "/fast"), 0); /* no block needed */
	CHECK_EQ(t_statfs(&s1), 0);
	CHECK_EQ(s1.free_inodes, s0.free_inodes - 1);
	CHECK_EQ(icache_refs(), 0);
	save_and_fsck("full.img");
}

int main(void)
{
	static const struct fs_test tests[] = {
		FS_TEST(test_follow),  FS_TEST(test_errors),  FS_TEST(test_the_link_itself),
		FS_TEST(test_make_1k), FS_TEST(test_make_4k), FS_TEST(test_make_full),
	};
	return fs_run_tests(tests, sizeof(tests) / sizeof(tests[0]));
}
