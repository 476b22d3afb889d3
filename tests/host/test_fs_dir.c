/* File service: directories. mkdir and rmdir with link counts, large
 * directories spanning many blocks (indirect ones too), rename of files
 * and directories across directories, hard links, readdir while entries
 * go, and hash-indexed directories made by e2fsck -D. e2fsck -fn after
 * each. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs_test.h"

static struct fs_stat st_of(const char *path)
{
	struct fs_stat st;
	CHECK_EQ(t_stat(path, &st), 0);
	return st;
}

static uint32_t nlink(const char *path)
{
	return st_of(path).nlink;
}
static uint32_t ino(const char *path)
{
	return st_of(path).ino;
}

static void test_mkdir_rmdir(void)
{
	make_image("d.img", "-b 1024", "8M");
	struct fs_statfs s0, s1;
	CHECK_EQ(t_statfs(&s0), 0);
	uint32_t root = nlink("/");
	CHECK_EQ(t_mkdir("/a"), 0);
	CHECK_EQ(nlink("/"), root + 1);
	CHECK_EQ(nlink("/a"), 2);
	CHECK_EQ(st_of("/a").mode, S_IFDIR | 0755);
	CHECK_EQ(st_of("/a").size, 1024);
	CHECK_EQ(t_mkdir("/a/b"), 0);
	CHECK_EQ(t_mkdir("/a/b/c"), 0);
	CHECK_EQ(nlink("/a"), 3);
	CHECK_EQ(ino("/a/b/c/.."), ino("/a/b"));
	CHECK_EQ(ino("/a/b/c/../../.."), 2);
	CHECK_EQ(t_mkdir("/a"), -EEXIST);
	CHECK_EQ(t_mkdir("/a/"), -EEXIST);
	CHECK_EQ(t_mkdir("/"), -EEXIST);
	CHECK_EQ(t_mkdir("/a/."), -EEXIST);
	CHECK_EQ(t_mkdir("/x/y"), -ENOENT);
	write_file("/file", "x", 1);
	CHECK_EQ(t_mkdir("/file/y"), -ENOTDIR);
	CHECK_EQ(t_rmdir("/a"), -ENOTEMPTY);
	CHECK_EQ(t_rmdir("/file"), -ENOTDIR);
	CHECK_EQ(t_rmdir("/"), -EBUSY);
	CHECK_EQ(t_rmdir("/a/."), -EINVAL);
	CHECK_EQ(t_rmdir("/a/.."), -ENOTEMPTY);
	CHECK_EQ(t_rmdir("/nothere"), -ENOENT);
	CHECK_EQ(t_unlink("/a"), -EISDIR);
	save_and_fsck("d.img");
	CHECK_EQ(t_rmdir("/a/b/c/"), 0);
	CHECK_EQ(nlink("/a/b"), 2);
	CHECK_EQ(t_rmdir("/a/b"), 0);
	CHECK_EQ(t_rmdir("/a"), 0);
	CHECK_EQ(t_unlink("/file"), 0);
	CHECK_EQ(nlink("/"), root);
	CHECK_EQ(t_statfs(&s1), 0);
	CHECK_EQ(s1.free_blocks, s0.free_blocks);
	CHECK_EQ(s1.free_inodes, s0.free_inodes);
	save_and_fsck("d.img");
}

static int count_entries(const char *dir, int *dots)
{
	struct fs_dirent ent;
	int h = t_open(dir, O_RDONLY), n = 0, r;
	CHECK(h >= 0);
	*dots = 0;
	while ((r = t_readdir(h, &ent)) == 1) {
		if (!strcmp(ent.name, ".") || !strcmp(ent.name, ".."))
			++*dots;
		else
			n++;
	}
	CHECK_EQ(r, 0);
	CHECK_EQ(t_close(h), 0);
	return n;
}

static void big_dir(const char *opts, int n)
{
	char p[128];
	int dots;
	make_image("b.img", opts, "8M");
	CHECK_EQ(t_mkdir("/big"), 0);
	for (int i = 0; i < n; i++) {
		snprintf(p, sizeof(p), "/big/a-rather-long-file-name-number-%05d", i);
		int h = t_open(p, O_WRONLY | O_CREAT | O_EXCL);
		CHECK(h >= 0);
		CHECK_EQ(t_write(h, p, (uint32_t)strlen(p)), strlen(p));
		CHECK_EQ(t_close(h), 0);
	}
	CHECK(st_of("/big").size > 12 * 1024); /* past the direct blocks with 1 KiB */
	CHECK_EQ(count_entries("/big", &dots), n);
	CHECK_EQ(dots, 2);
	save_and_fsck("b.img");
	/* every other one goes, then comes back with a longer name */
	for (int i = 0; i < n; i += 2) {
		snprintf(p, sizeof(p), "/big/a-rather-long-file-name-number-%05d", i);
		CHECK_EQ(t_unlink(p), 0);
	}
	CHECK_EQ(count_entries("/big", &dots), n / 2);
	save_and_fsck("b.img");
	uint32_t size = st_of("/big").size;
	for (int i = 0; i < n; i += 2) {
		snprintf(p, sizeof(p), "/big/x%d", i);
		write_file(p, "", 0);
	}
	CHECK_EQ(st_of("/big").size, size); /* the freed room was reused */
	CHECK_EQ(count_entries("/big", &dots), n);
	for (int i = 1; i < n; i += 2) {
		snprintf(p, sizeof(p), "/big/a-rather-long-file-name-number-%05d", i);
		uint8_t *got;
		CHECK_EQ(read_all(p, &got), strlen(p));
		CHECK(memcmp(got, p, strlen(p)) == 0);
		free(got);
	}
	save_and_fsck("b.img");
	/* all of it away; rmdir of the emptied, many-block directory */
	for (int i = 0; i < n; i++) {
		snprintf(p, sizeof(p),
			 i % 2 ? "/big/a-rather-long-file-name-number-%05d" : "/big/x%d", i);
		CHECK_EQ(t_unlink(p), 0);
	}
	CHECK_EQ(count_entries("/big", &dots), 0);
	CHECK_EQ(t_rmdir("/big"), 0);
	save_and_fsck("b.img");
}

static void test_big_dir_1k(void)
{
	big_dir("-b 1024", 700);
}
static void test_big_dir_4k(void)
{
	big_dir("-b 4096", 500);
}

/* readdir goes on correctly while the entries it has passed go away. */
static void test_readdir_while_unlinking(void)
{
	char p[300];
	make_image("r.img", "-b 1024", "8M");
	CHECK_EQ(t_mkdir("/d"), 0);
	for (int i = 0; i < 200; i++) {
		snprintf(p, sizeof(p), "/d/file%d", i);
		write_file(p, "", 0);
	}
	int h = t_open("/d", O_RDONLY), seen = 0, r;
	struct fs_dirent ent;
	while ((r = t_readdir(h, &ent)) == 1) {
		if (ent.name[0] == '.')
			continue;
		CHECK_EQ(strncmp(ent.name, "file", 4), 0);
		snprintf(p, sizeof(p), "/d/%s", ent.name);
		CHECK_EQ(t_unlink(p), 0); /* merges it into the entry before */
		seen++;
	}
	CHECK_EQ(r, 0);
	CHECK_EQ(seen, 200);
	CHECK_EQ(t_close(h), 0);
	CHECK_EQ(t_rmdir("/d"), 0);
	save_and_fsck("r.img");
}

static void rename_ops(const char *opts)
{
	make_image("n.img", opts, "8M");
	uint32_t root = nlink("/");
	write_file("/f", "file f", 6);
	write_file("/g", "file g", 6);
	CHECK_EQ(t_mkdir("/d1"), 0);
	CHECK_EQ(t_mkdir("/d2"), 0);
	CHECK_EQ(t_mkdir("/d1/sub"), 0);
	write_file("/d1/sub/inner", "inner", 5);

	/* a file, in one directory */
	uint32_t fi = ino("/f");
	CHECK_EQ(t_rename("/f", "/f2"), 0);
	CHECK_EQ(ino("/f2"), fi);
	struct fs_stat st;
	CHECK_EQ(t_stat("/f", &st), -ENOENT);
	/* across directories */
	CHECK_EQ(t_rename("/f2", "/d2/f3"), 0);
	CHECK_EQ(ino("/d2/f3"), fi);
	CHECK_EQ(nlink("/d2/f3"), 1);
	/* over an existing file: that one's inode goes */
	struct fs_statfs s0, s1;
	CHECK_EQ(t_statfs(&s0), 0);
	CHECK_EQ(t_rename("/g", "/d2/f3"), 0);
	CHECK_EQ(t_statfs(&s1), 0);
	CHECK_EQ(s1.free_inodes, s0.free_inodes + 1);
	CHECK_EQ(s1.free_blocks, s0.free_blocks + (strstr(opts, "4096") ? 1 : 1));
	uint8_t *got;
	CHECK_EQ(read_all("/d2/f3", &got), 6);
	CHECK(memcmp(got, "file g", 6) == 0);
	free(got);
	/* to itself, and to another name of itself */
	CHECK_EQ(t_rename("/d2/f3", "/d2/f3"), 0);
	CHECK_EQ(t_link("/d2/f3", "/d2/f4"), 0);
	CHECK_EQ(t_rename("/d2/f3", "/d2/f4"), 0);
	CHECK_EQ(nlink("/d2/f3"), 2);
	CHECK_EQ(t_unlink("/d2/f4"), 0);
	save_and_fsck("n.img");

	/* a directory across directories: ".." and both parents' links */
	uint32_t sub = ino("/d1/sub");
	CHECK_EQ(nlink("/d1"), 3);
	CHECK_EQ(nlink("/d2"), 2);
	CHECK_EQ(t_rename("/d1/sub", "/d2/moved"), 0);
	CHECK_EQ(ino("/d2/moved"), sub);
	CHECK_EQ(ino("/d2/moved/.."), ino("/d2"));
	CHECK_EQ(nlink("/d1"), 2);
	CHECK_EQ(nlink("/d2"), 3);
	CHECK_EQ(read_all("/d2/moved/inner", &got), 5);
	free(got);
	save_and_fsck("n.img");
	/* a directory into its own subtree, or onto its parent */
	CHECK_EQ(t_rename("/d2", "/d2/moved/x"), -EINVAL);
	CHECK_EQ(t_rename("/d2", "/d2/x"), -EINVAL);
	CHECK_EQ(t_rename("/d2/moved", "/d2"), -ENOTEMPTY);
	/* kinds */
	CHECK_EQ(t_rename("/d2/f3", "/d1"), -EISDIR);
	CHECK_EQ(t_rename("/d1", "/d2/f3"), -ENOTDIR);
	CHECK_EQ(t_rename("/nothere", "/x"), -ENOENT);
	CHECK_EQ(t_rename("/d2/f3", "/nothere/x"), -ENOENT);
	CHECK_EQ(t_rename("/", "/x"), -EBUSY);
	CHECK_EQ(t_rename("/d1/.", "/x"), -EINVAL);
	CHECK_EQ(t_rename("/d2/f3/", "/x"), -ENOTDIR);
	CHECK_EQ(t_rename("/d2/f3", "/"), -EBUSY);
	CHECK_EQ(t_rename("/d2/f3", "/d1/."), -EINVAL);
	CHECK_EQ(t_rename("/d2/f3", "/d1/.."), -EINVAL);
	CHECK_EQ(t_rename("/d2/f3", "/newname/"), -ENOTDIR);
	CHECK_EQ(t_rename("/d2/f3", "/d2/f3/x"), -ENOTDIR);
	CHECK_EQ(t_stat("/d2/f3/x/y", &st), -ENOTDIR);
	/* over an empty directory */
	CHECK_EQ(t_mkdir("/empty"), 0);
	uint32_t before = nlink("/");
	CHECK_EQ(t_rename("/d1", "/empty"), 0);
	CHECK_EQ(nlink("/"), before - 1);
	CHECK_EQ(ino("/empty/.."), 2);
	/* a directory within one parent: nothing changes in the links */
	CHECK_EQ(t_rename("/empty", "/renamed"), 0);
	CHECK_EQ(nlink("/"), before - 1);
	/* back up to the root */
	CHECK_EQ(t_rename("/d2/moved", "/moved"), 0);
	CHECK_EQ(ino("/moved/.."), 2);
	CHECK_EQ(nlink("/d2"), 2);
	CHECK_EQ(nlink("/"), root + 3); /* d2, renamed, moved */
	CHECK_EQ(icache_refs(), 0);
	save_and_fsck("n.img");
}

static void test_rename_1k(void)
{
	rename_ops("-b 1024");
}
static void test_rename_4k(void)
{
	rename_ops("-b 4096 -O ^filetype");
}

static void test_hard_links(void)
{
	make_image("l.img", "-b 1024", "8M");
	write_file("/a", "shared", 6);
	CHECK_EQ(t_mkdir("/d"), 0);
	CHECK_EQ(t_link("/a", "/d/b"), 0);
	CHECK_EQ(nlink("/a"), 2);
	CHECK_EQ(ino("/a"), ino("/d/b"));
	CHECK_EQ(t_link("/a", "/d/b"), -EEXIST);
	CHECK_EQ(t_link("/a", "/"), -EEXIST);
	CHECK_EQ(t_link("/d", "/d2"), -EPERM);
	CHECK_EQ(t_link("/nothere", "/x"), -ENOENT);
	CHECK_EQ(t_link("/a", "/nothere/x"), -ENOENT);
	/* writing through one name shows through the other */
	int h = t_open("/d/b", O_WRONLY | O_APPEND);
	CHECK_EQ(t_write(h, "!", 1), 1);
	CHECK_EQ(t_close(h), 0);
	uint8_t *got;
	CHECK_EQ(read_all("/a", &got), 7);
	CHECK(memcmp(got, "shared!", 7) == 0);
	free(got);
	save_and_fsck("l.img");
	CHECK_EQ(t_unlink("/a"), 0);
	CHECK_EQ(nlink("/d/b"), 1);
	CHECK_EQ(read_all("/d/b", &got), 7);
	free(got);
	save_and_fsck("l.img");
	CHECK_EQ(t_unlink("/d/b"), 0);
	save_and_fsck("l.img");
}

/* Hash-indexed directories (dir_index): e2fsck -D builds the index; the
 * fs reads them linearly and drops the index when it changes them. */
static void test_htree_dir(void)
{
	char p[128];
	stage_dir("h");
	for (int i = 0; i < 400; i++) {
		snprintf(p, sizeof(p), "h/entry-with-a-long-name-%04d", i);
		stage_file(p, p, strlen(p));
	}
	make_image("h.img", "-b 1024", "8M");
	host_disk_free();
	CHECK(run("e2fsck -fyD '%s' >/dev/null 2>&1", tpath("h.img")) < 4);
	CHECK_EQ(run("debugfs -R 'htree /h' '%s' 2>&1 | grep -q 'Root node'", tpath("h.img")), 0);
	host_disk_load(tpath("h.img"));
	fs_boot();
	int dots;
	CHECK_EQ(count_entries("/h", &dots), 400);
	for (int i = 0; i < 400; i += 3) {
		snprintf(p, sizeof(p), "/h/entry-with-a-long-name-%04d", i);
		uint8_t *got;
		CHECK_EQ(read_all(p, &got), strlen(p) - 1);
		free(got);
		CHECK_EQ(t_unlink(p), 0);
	}
	write_file("/h/new", "n", 1);
	CHECK_EQ(icache_refs(), 0);
	save_and_fsck("h.img");
}

int main(void)
{
	static const struct fs_test tests[] = {
		FS_TEST(test_mkdir_rmdir), FS_TEST(test_big_dir_1k),
		FS_TEST(test_big_dir_4k),  FS_TEST(test_readdir_while_unlinking),
		FS_TEST(test_rename_1k),   FS_TEST(test_rename_4k),
		FS_TEST(test_hard_links),  FS_TEST(test_htree_dir),
	};
	return fs_run_tests(tests, sizeof(tests) / sizeof(tests[0]));
}
