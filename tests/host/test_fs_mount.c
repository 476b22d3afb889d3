/* File service: what it refuses. Disks that are not ext2 (zeros, random
 * bytes), superblocks and group descriptors with one bad field, features
 * it does not support: refused at mount, every request -ENODEV, no write.
 * Then corruption found later, on a mounted disk (bad directory entries,
 * block pointers outside the disk, a ".." loop): -EIO for that operation
 * and the rest goes on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs_test.h"

#define IMG_BYTES (8u << 20)

/* A number printed by a shell command (debugfs), or fail. */
static uint32_t shell_num(const char *fmt, const char *arg)
{
	char cmd[1024], out[64] = "";
	snprintf(cmd, sizeof(cmd), fmt, arg, tpath("base.img"));
	FILE *p = popen(cmd, "r");
	CHECK(p != NULL);
	CHECK(fgets(out, sizeof(out), p) != NULL);
	pclose(p);
	char *end;
	unsigned long v = strtoul(out, &end, 10);
	CHECK(end != out);
	return (uint32_t)v;
}

static uint32_t inode_of(const char *path)
{
	return shell_num(
		"debugfs -R 'stat %s' '%s' 2>/dev/null | sed -n 's/^Inode: \\([0-9]*\\).*/\\1/p'",
		path);
}

static uint32_t block_of(const char *path) /* its first data block */
{
	return shell_num("debugfs -R 'bmap %s 0' '%s' 2>/dev/null", path);
}

static uint8_t *base;
static uint32_t base_bs;

static void make_base(const char *opts)
{
	stage_dir("d/sub");
	stage_file("d/x", "x", 1);
	stage_file("d/y", "yy", 2);
	static uint8_t big[300000];
	pattern(big, sizeof(big), 5);
	stage_file("big", big, sizeof(big));
	make_image("base.img", opts, "8M");
	base = malloc(IMG_BYTES);
	memcpy(base, disk.img, IMG_BYTES);
	base_bs = 1024u << *(uint32_t *)(base + 1024 + 24);
}

/* Boots the fs on a copy of the base image changed by patch; 1 if it
 * mounted. */
static int boot_patched(void (*patch)(uint8_t *img, uint32_t arg), uint32_t arg)
{
	uint8_t *img = malloc(IMG_BYTES);
	memcpy(img, base, IMG_BYTES);
	if (patch)
		patch(img, arg);
	host_disk_set(img, IMG_BYTES);
	host_quiet = 1;
	fs_boot();
	struct fs_statfs st;
	int r = t_statfs(&st);
	host_quiet = 0;
	return r == 0;
}

static void expect_refused(void)
{
	struct fs_stat st;
	struct fs_statfs sf;
	host_quiet = 1;
	uint32_t logs = host_logs;
	/* Not -EIO, which would blame the request: there is no file system. */
	CHECK_EQ(t_statfs(&sf), -ENODEV);
	CHECK_EQ(t_stat("/", &st), -ENODEV);
	CHECK_EQ(t_open("/d/x", O_RDONLY), -ENODEV);
	CHECK_EQ(t_open("/new", O_RDWR | O_CREAT), -ENODEV);
	CHECK_EQ(t_mkdir("/m"), -ENODEV);
	CHECK_EQ(t_sync(), -ENODEV);
	CHECK_EQ(t_read(0, &st, 4), -ENODEV);
	CHECK_EQ(host_logs, logs); /* said once, at the mount */
	CHECK_EQ(disk.writes, 0);
	CHECK_EQ(disk.bad_requests, 0);
	host_quiet = 0;
}

static void put32(uint8_t *img, uint32_t off, uint32_t v)
{
	memcpy(img + off, &v, 4);
}
static void put16(uint8_t *img, uint32_t off, uint16_t v)
{
	memcpy(img + off, &v, 2);
}

struct sb_patch {
	const char *what;
	uint32_t off, size, value;
	int or ; /* OR the value in instead of storing it */
};

static const struct sb_patch sb_patches[] = {
	{"magic", 56, 2, 0x1234, 0},
	{"revision 0", 76, 4, 0, 0},
	{"revision 2", 76, 4, 2, 0},
	{"block size 8K", 24, 4, 3, 0},
	{"block size huge", 24, 4, 0xFFFFFFFF, 0},
	{"blocks count past the disk", 4, 4, 100000, 0},
	{"blocks count 0", 4, 4, 0, 0},
	{"blocks count 1", 4, 4, 1, 0},
	{"blocks per group 0", 32, 4, 0, 0},
	{"blocks per group 7", 32, 4, 7, 0},
	{"blocks per group too many", 32, 4, 1u << 20, 0},
	{"inodes per group 0", 40, 4, 0, 0},
	{"inodes per group too many", 40, 4, 1u << 20, 0},
	{"inodes count", 0, 4, 12345, 0},
	{"inode size 100", 88, 2, 100, 0},
	{"inode size 129", 88, 2, 129, 0},
	{"inode size 8192", 88, 2, 8192, 0},
	{"first inode 0", 84, 4, 0, 0},
	{"first inode huge", 84, 4, 0xFFFFFFF0, 0},
	{"free blocks > blocks", 12, 4, 0x7FFFFFFF, 0},
	{"free inodes > inodes", 16, 4, 0x7FFFFFFF, 0},
	{"incompat: compression", 96, 4, 0x1, 1},
	{"incompat: needs recovery", 96, 4, 0x4, 1},
	{"incompat: meta_bg", 96, 4, 0x10, 1},
	{"incompat: extents", 96, 4, 0x40, 1},
	{"incompat: 64bit", 96, 4, 0x80, 1},
	{"incompat: unknown", 96, 4, 0x80000000, 1},
};

static void patch_sb(uint8_t *img, uint32_t i)
{
	const struct sb_patch *p = &sb_patches[i];
	uint32_t off = 1024 + p->off, v = p->value;
	if (p->or) {
		uint32_t old;
		memcpy(&old, img + off, 4);
		v |= old;
	}
	if (p->size == 2)
		put16(img, off, (uint16_t)v);
	else
		put32(img, off, v);
}

static void superblocks(const char *opts)
{
	make_base(opts);
	CHECK(boot_patched(NULL, 0));
	for (uint32_t i = 0; i < sizeof(sb_patches) / sizeof(sb_patches[0]); i++) {
		if (boot_patched(patch_sb, i))
			fs_test_fail(__FILE__, __LINE__, "mounted with bad %s", sb_patches[i].what);
		expect_refused();
	}
	free(base);
}

static void test_bad_superblock_1k(void)
{
	superblocks("-b 1024");
}
static void test_bad_superblock_4k(void)
{
	superblocks("-b 4096 -g 8192");
}

/* Group descriptor i's field at off. */
static void patch_gd(uint8_t *img, uint32_t what)
{
	uint32_t gdt = base_bs == 1024 ? 2048 : base_bs;
	uint32_t blocks = *(uint32_t *)(base + 1024 + 4);
	switch (what) {
	case 0:
		put32(img, gdt + 0, 0);
		break; /* block bitmap */
	case 1:
		put32(img, gdt + 4, blocks);
		break; /* inode bitmap */
	case 2:
		put32(img, gdt + 8, blocks - 3);
		break; /* inode table past the end */
	case 3:
		put16(img, gdt + 12, 65000);
		break; /* free blocks */
	case 4:
		put16(img, gdt + 14, 65000);
		break; /* free inodes */
	}
}

static void test_bad_group_desc(void)
{
	make_base("-b 1024");
	for (uint32_t i = 0; i < 5; i++) {
		CHECK(!boot_patched(patch_gd, i));
		expect_refused();
	}
	free(base);
}

/* The root inode: not a directory, or free. */
static void patch_root(uint8_t *img, uint32_t what)
{
	uint32_t gdt = base_bs == 1024 ? 2048 : base_bs;
	uint32_t itable = *(uint32_t *)(base + gdt + 8);
	uint32_t isz = *(uint16_t *)(base + 1024 + 88);
	uint32_t root = itable * base_bs + isz; /* inode 2 */
	if (what == 0)
		put16(img, root, S_IFREG | 0644);
	else
		put16(img, root + 26, 0); /* links */
}

static void test_bad_root(void)
{
	make_base("-b 1024");
	CHECK(!boot_patched(patch_root, 0));
	expect_refused();
	CHECK(!boot_patched(patch_root, 1));
	expect_refused();
	free(base);
}

static void test_not_ext2(void)
{
	uint8_t *img = calloc(1, IMG_BYTES);
	host_disk_set(img, IMG_BYTES);
	fs_boot();
	expect_refused();
	img = malloc(IMG_BYTES);
	pattern(img, IMG_BYTES, 77);
	host_disk_set(img, IMG_BYTES);
	fs_boot();
	expect_refused();
	/* random bytes that happen to have the magic */
	img = malloc(IMG_BYTES);
	pattern(img, IMG_BYTES, 78);
	put16(img, 1024 + 56, 0xEF53);
	put32(img, 1024 + 76, 1);
	host_disk_set(img, IMG_BYTES);
	fs_boot();
	expect_refused();
	/* a disk of one sector */
	host_disk_set(calloc(1, 512), 512);
	fs_boot();
	expect_refused();
	/* an image cut short: the fs is larger than the disk */
	make_base("-b 1024");
	img = malloc(IMG_BYTES / 2);
	memcpy(img, base, IMG_BYTES / 2);
	host_disk_set(img, IMG_BYTES / 2);
	fs_boot();
	expect_refused();
	free(base);
}

/* Sets the feature word at offset off of the superblock to arg. */
static uint32_t feature_off;
static void patch_features(uint8_t *img, uint32_t arg)
{
	uint32_t old;
	memcpy(&old, img + 1024 + feature_off, 4);
	put32(img, 1024 + feature_off, old | arg);
}

/* A refusal names the features as e2fsprogs does (mke2fs -O takes the
 * same names), unknown bits in hex; so does a read-only mount. */
static void test_feature_names(void)
{
	make_base("-b 1024");
	feature_off = 96; /* s_feature_incompat */
	host_log[0] = 0;
	CHECK(!boot_patched(patch_features, 0x2C0));
	CHECK(strstr(host_log, "unsupported incompatible features: extent 64bit flex_bg\n"));
	expect_refused();
	host_log[0] = 0;
	CHECK(!boot_patched(patch_features, 0x80000001u));
	CHECK(strstr(host_log, "unsupported incompatible features: compression 0x80000000\n"));
	feature_off = 100; /* s_feature_ro_compat */
	host_log[0] = 0;
	CHECK(boot_patched(patch_features, 0x408));
	CHECK(strstr(host_log, "read-only: unsupported read-only features: huge_file "
			       "metadata_csum\n"));
	CHECK_EQ(t_mkdir("/m"), -EROFS);
	free(base);
}

/* No disk driver yet when the fs starts: it mounts on a later request. */
static void test_disk_later(void)
{
	struct fs_stat st;
	make_base("-b 1024");
	host_disk_set(NULL, 0);
	fs_boot();
	CHECK_EQ(t_stat("/", &st), -ENODEV);
	CHECK_EQ(t_stat("/", &st), -ENODEV);
	uint8_t *img = malloc(IMG_BYTES);
	memcpy(img, base, IMG_BYTES);
	host_disk_set(img, IMG_BYTES);
	CHECK_EQ(t_stat("/d/x", &st), 0);
	CHECK_EQ(st.size, 1);
	free(base);
}

/* --- corruption met after a good mount --- */

static uint32_t patch_off, patch_val, patch_size;

static void patch_at(uint8_t *img, uint32_t unused)
{
	(void)unused;
	if (patch_size == 1)
		img[patch_off] = (uint8_t)patch_val;
	else if (patch_size == 2)
		put16(img, patch_off, (uint16_t)patch_val);
	else
		put32(img, patch_off, patch_val);
}

static void patched(uint32_t off, uint32_t size, uint32_t val)
{
	patch_off = off;
	patch_size = size;
	patch_val = val;
	CHECK(boot_patched(patch_at, 0));
}

static void test_bad_dir_entries(void)
{
	struct fs_stat st;
	struct fs_dirent ent;
	make_base("-b 1024");
	uint32_t dblk = block_of("/d") * base_bs;
	/* "."'s rec_len: 0, not a multiple of 4, past the block, too short */
	static const uint32_t bad_rec[] = {0, 13, 2000, 8};
	for (unsigned i = 0; i < 4; i++) {
		patched(dblk + 4, 2, bad_rec[i]);
		host_quiet = 1;
		CHECK_EQ(t_stat("/d/x", &st), -EIO);
		CHECK_EQ(t_open("/d/new", O_RDWR | O_CREAT), -EIO);
		CHECK_EQ(t_mkdir("/d/new"), -EIO);
		CHECK_EQ(t_rmdir("/d"), -EIO);
		CHECK_EQ(t_rename("/d/x", "/x"), -EIO);
		int h = t_open("/d", O_RDONLY);
		CHECK(h >= 0);
		CHECK_EQ(t_readdir(h, &ent), -EIO);
		CHECK_EQ(t_close(h), 0);
		host_quiet = 0;
		/* the rest of the fs works */
		CHECK_EQ(t_stat("/big", &st), 0);
		write_file("/ok", "ok", 2);
		CHECK_EQ(icache_refs(), 0);
		CHECK_EQ(disk.bad_requests, 0);
	}
	/* name_len past rec_len; inode number out of range; a free inode */
	uint32_t second = dblk + 12; /* ".." */
	patched(second + 6, 1, 250);
	host_quiet = 1;
	CHECK_EQ(t_stat("/d/x", &st), -EIO);
	patched(second, 4, 99999); /* ".." -> inode 99999 */
	host_quiet = 1;
	CHECK_EQ(t_stat("/d/../big", &st), -EIO);
	patched(second, 4, 1500); /* a free inode */
	host_quiet = 1;
	CHECK_EQ(t_stat("/d/..", &st), -EIO);
	host_quiet = 0;
	free(base);
}

static void test_bad_block_pointers(void)
{
	struct fs_stat st;
	uint8_t buf[4096];
	make_base("-b 1024");
	uint32_t ino = inode_of("/big");
	uint32_t gdt = 2048, itable = *(uint32_t *)(base + gdt + 8);
	uint32_t isz = *(uint16_t *)(base + 1024 + 88);
	uint32_t iofs = itable * 1024 + (ino - 1) * isz;
	/* a direct pointer past the end of the disk */
	patched(iofs + 40 + 4 * 3, 4, 0x00FFFFFF);
	host_quiet = 1;
	int h = t_open("/big", O_RDWR);
	CHECK(h >= 0);
	CHECK_EQ(t_read(h, buf, 3000), 3000); /* blocks 0-2 are fine */
	CHECK_EQ(t_read(h, buf, 2000), -EIO);
	CHECK_EQ(t_seek(h, 4096, SEEK_SET), 4096);
	CHECK_EQ(t_read(h, buf, 100), 100); /* block 4 is fine */
	CHECK_EQ(t_seek(h, 3 * 1024, SEEK_SET), 3 * 1024);
	CHECK_EQ(t_write(h, "x", 1), -EIO);
	CHECK_EQ(t_truncate(h, 0), -EIO); /* frees what it can, drops the rest */
	CHECK_EQ(t_close(h), 0);
	CHECK_EQ(t_unlink("/big"), 0);
	CHECK_EQ(disk.bad_requests, 0);
	/* the single indirect block pointer past the end */
	patched(iofs + 40 + 4 * 12, 4, 0x7FFFFFFF);
	host_quiet = 1;
	h = t_open("/big", O_RDONLY);
	CHECK_EQ(t_seek(h, 12 * 1024, SEEK_SET), 12 * 1024);
	CHECK_EQ(t_read(h, buf, 100), -EIO);
	CHECK_EQ(t_close(h), 0);
	/* entries of the indirect block pointing at the superblock area
	 * and past the end; and the double indirect pointer */
	uint32_t ind = *(uint32_t *)(base + iofs + 40 + 48);
	patched(ind * 1024 + 8, 4, 0xFFFFFFFF);
	host_quiet = 1;
	h = t_open("/big", O_RDONLY);
	CHECK_EQ(t_seek(h, 14 * 1024, SEEK_SET), 14 * 1024);
	CHECK_EQ(t_read(h, buf, 100), -EIO);
	CHECK_EQ(t_seek(h, 15 * 1024, SEEK_SET), 15 * 1024);
	CHECK_EQ(t_read(h, buf, 100), 100);
	CHECK_EQ(t_close(h), 0);
	/* a directory whose size is not whole blocks, or far too large */
	CHECK_EQ(icache_refs(), 0);
	uint32_t d = inode_of("/d");
	uint32_t dofs = itable * 1024 + (d - 1) * isz;
	patched(dofs + 4, 4, 1000);
	host_quiet = 1;
	CHECK_EQ(t_stat("/d/x", &st), -EIO);
	patched(dofs + 4, 4, 0x7FFFFC00);
	host_quiet = 1;
	CHECK_EQ(t_stat("/d/x", &st), -EIO);
	/* a directory with a hole */
	patched(dofs + 4, 4, 4096);
	host_quiet = 1;
	CHECK_EQ(t_stat("/d/nothere", &st), -EIO);
	host_quiet = 0;
	CHECK_EQ(disk.bad_requests, 0);
	free(base);
}

/* ".." of /d/sub points at /d/sub itself: the walk up that rename does
 * to refuse moving a directory under itself must end. */
static void test_dotdot_loop(void)
{
	struct fs_stat st;
	make_base("-b 1024");
	uint32_t sub = inode_of("/d/sub");
	uint32_t blk = block_of("/d/sub") * base_bs;
	patched(blk + 12, 4, sub);
	host_quiet = 1;
	CHECK_EQ(t_mkdir("/m"), 0);
	CHECK_EQ(t_rename("/m", "/d/sub/m"), -EIO);
	CHECK_EQ(t_stat("/d/sub/../../..", &st), 0); /* a path is bounded anyway */
	CHECK_EQ(st.ino, sub);
	CHECK_EQ(icache_refs(), 0);
	host_quiet = 0;
	free(base);
}

int main(void)
{
	static const struct fs_test tests[] = {
		FS_TEST(test_bad_superblock_1k), FS_TEST(test_bad_superblock_4k),
		FS_TEST(test_bad_group_desc),    FS_TEST(test_bad_root),
		FS_TEST(test_not_ext2),          FS_TEST(test_disk_later),
		FS_TEST(test_bad_dir_entries),   FS_TEST(test_bad_block_pointers),
		FS_TEST(test_dotdot_loop),       FS_TEST(test_feature_names),
	};
	return fs_run_tests(tests, sizeof(tests) / sizeof(tests[0]));
}
