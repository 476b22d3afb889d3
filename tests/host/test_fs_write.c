/* File service: creating, writing, appending, truncating and unlinking
 * files, checked through the fs, through debugfs (which reads the image
 * with e2fsprogs' own code) and by e2fsck -fn after every scenario. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs_test.h"

static void check_debugfs(const char *img, const char *path, const void *want, size_t len)
{
	size_t n;
	uint8_t *got = debugfs_cat(img, path, &n);
	CHECK(got != NULL);
	CHECK_EQ(n, len);
	CHECK(memcmp(got, want, len) == 0);
	free(got);
}

static void check_fs(const char *path, const void *want, size_t len)
{
	uint8_t *got;
	CHECK_EQ(read_all(path, &got), len);
	CHECK(memcmp(got, want, len) == 0);
	free(got);
}

static uint32_t free_blocks(void)
{
	struct fs_statfs st;
	CHECK_EQ(t_statfs(&st), 0);
	return st.free_blocks;
}

static uint32_t free_inodes(void)
{
	struct fs_statfs st;
	CHECK_EQ(t_statfs(&st), 0);
	return st.free_inodes;
}

static void basic_ops(const char *opts)
{
	struct fs_stat st;
	char buf[64];
	stage_file("old.txt", "old contents\n", 13);
	make_image("w.img", opts, "8M");
	uint32_t fb = free_blocks(), fi = free_inodes();

	int h = t_open("/new.txt", O_WRONLY | O_CREAT);
	CHECK(h >= 0);
	CHECK_EQ(t_write(h, "hello", 5), 5);
	CHECK_EQ(t_close(h), 0);
	CHECK_EQ(free_inodes(), fi - 1);
	CHECK_EQ(t_open("/new.txt", O_WRONLY | O_CREAT | O_EXCL), -EEXIST);
	h = t_open("/new.txt", O_WRONLY | O_APPEND);
	CHECK(h >= 0);
	CHECK_EQ(t_write(h, ", world", 7), 7);
	CHECK_EQ(t_seek(h, 0, SEEK_SET), 0);
	CHECK_EQ(t_write(h, "!", 1), 1); /* O_APPEND: at the end whatever the position */
	CHECK_EQ(t_read(h, buf, 5), -EBADF);
	CHECK_EQ(t_close(h), 0);
	check_fs("/new.txt", "hello, world!", 13);
	CHECK_EQ(t_stat("/new.txt", &st), 0);
	CHECK_EQ(st.mode, S_IFREG | 0644);
	CHECK_EQ(st.nlink, 1);
	CHECK_EQ(st.blocks512, strstr(opts, "4096") ? 8 : 2);
	CHECK(st.mtime >= 1700000000u);

	/* overwrite in place, read back through the same handle */
	h = t_open("/new.txt", O_RDWR);
	CHECK_EQ(t_seek(h, 7, SEEK_SET), 7);
	CHECK_EQ(t_write(h, "WORLD", 5), 5);
	CHECK_EQ(t_seek(h, 0, SEEK_SET), 0);
	CHECK_EQ(t_read(h, buf, 64), 13);
	CHECK(memcmp(buf, "hello, WORLD!", 13) == 0);
	/* truncate down, then up: the tail reads as zeros */
	CHECK_EQ(t_truncate(h, 3), 0);
	CHECK_EQ(t_truncate(h, 10), 0);
	CHECK_EQ(t_seek(h, 0, SEEK_SET), 0);
	CHECK_EQ(t_read(h, buf, 64), 10);
	CHECK(memcmp(buf, "hel\0\0\0\0\0\0\0", 10) == 0);
	CHECK_EQ(t_close(h), 0);

	/* O_TRUNC */
	h = t_open("/old.txt", O_RDWR | O_TRUNC);
	CHECK(h >= 0);
	CHECK_EQ(t_fstat(h, &st), 0);
	CHECK_EQ(st.size, 0);
	CHECK_EQ(st.blocks512, 0);
	CHECK_EQ(t_write(h, "new", 3), 3);
	CHECK_EQ(t_close(h), 0);

	/* a sparse file: a hole between two writes */
	h = t_open("/sparse", O_RDWR | O_CREAT);
	CHECK_EQ(t_write(h, "A", 1), 1);
	CHECK_EQ(t_seek(h, 300000, SEEK_SET), 300000);
	CHECK_EQ(t_write(h, "B", 1), 1);
	CHECK_EQ(t_close(h), 0);
	uint8_t *sp = calloc(1, 300001);
	sp[0] = 'A';
	sp[300000] = 'B';
	check_fs("/sparse", sp, 300001);

	save_and_fsck("w.img");
	check_debugfs("w.img", "/new.txt", "hel\0\0\0\0\0\0\0", 10);
	check_debugfs("w.img", "/old.txt", "new", 3);
	check_debugfs("w.img", "/sparse", sp, 300001);
	free(sp);

	CHECK_EQ(t_unlink("/new.txt"), 0);
	CHECK_EQ(t_unlink("/sparse"), 0);
	CHECK_EQ(t_stat("/new.txt", &st), -ENOENT);
	CHECK_EQ(t_unlink("/new.txt"), -ENOENT);
	CHECK_EQ(free_inodes(), fi);
	/* old.txt went from 1 block to 1 block */
	CHECK_EQ(free_blocks(), fb);
	save_and_fsck("w.img");
}

static void test_basic_1k(void)
{
	basic_ops("-b 1024");
}
static void test_basic_4k(void)
{
	basic_ops("-b 4096");
}
static void test_basic_small_inodes(void)
{
	basic_ops("-b 1024 -I 128 -O ^dir_index,^resize_inode");
}

/* Blocks a file of n data blocks owns, indirect ones included. */
static uint32_t owned(uint32_t n, uint32_t bs)
{
	uint32_t p = bs / 4, total = n;
	if (n > 12)
		total++; /* single */
	if (n > 12 + p)
		total += 1 + (n - 12 - p + p - 1) / p; /* double and its children */
	return total;
}

static void big_file(const char *opts, uint32_t bs, uint32_t size)
{
	struct fs_stat st;
	make_image("big.img", opts, "8M");
	uint32_t fb = free_blocks();
	uint8_t *data = malloc(size);
	pattern(data, size, 42);
	int h = t_open("/big", O_RDWR | O_CREAT);
	CHECK(h >= 0);
	/* odd chunk sizes, crossing blocks and the bounce buffer */
	for (uint32_t done = 0, n = 7001; done < size; done += n, n = n * 3 % 90001 + 1) {
		if (n > size - done)
			n = size - done;
		CHECK_EQ(t_write(h, data + done, n), n);
	}
	CHECK_EQ(t_fstat(h, &st), 0);
	CHECK_EQ(st.size, size);
	uint32_t nb = (size + bs - 1) / bs;
	CHECK_EQ(st.blocks512, owned(nb, bs) * (bs / 512));
	CHECK_EQ(free_blocks(), fb - owned(nb, bs));
	CHECK_EQ(t_close(h), 0);
	check_fs("/big", data, size);
	save_and_fsck("big.img");
	check_debugfs("big.img", "/big", data, size);

	/* Shrink into the single indirect range: the double indirect tree
	 * and the blocks past the end go. */
	uint32_t keep = (12 + 30) * bs + 100;
	h = t_open("/big", O_RDWR);
	CHECK_EQ(t_truncate(h, keep), 0);
	CHECK_EQ(t_fstat(h, &st), 0);
	CHECK_EQ(st.size, keep);
	CHECK_EQ(st.blocks512, owned(43, bs) * (bs / 512));
	CHECK_EQ(free_blocks(), fb - owned(43, bs));
	CHECK_EQ(t_close(h), 0);
	check_fs("/big", data, keep);
	save_and_fsck("big.img");
	check_debugfs("big.img", "/big", data, keep);

	/* into the direct blocks, then to nothing */
	h = t_open("/big", O_RDWR);
	CHECK_EQ(t_truncate(h, 5 * bs), 0);
	CHECK_EQ(free_blocks(), fb - 5);
	CHECK_EQ(t_truncate(h, 0), 0);
	CHECK_EQ(free_blocks(), fb);
	CHECK_EQ(t_fstat(h, &st), 0);
	CHECK_EQ(st.blocks512, 0);
	CHECK_EQ(t_close(h), 0);
	save_and_fsck("big.img");
	CHECK_EQ(t_unlink("/big"), 0);
	CHECK_EQ(free_blocks(), fb);
	save_and_fsck("big.img");
	free(data);
}

/* > 1 MiB with 1 KiB blocks: past 12 + 256 blocks, into double indirect */
static void test_big_file_1k(void)
{
	big_file("-b 1024", 1024, 3 * 1024 * 1024 + 777);
}
/* 4 KiB blocks: past 12 + 1024 blocks */
static void test_big_file_4k(void)
{
	big_file("-b 4096", 4096, 5 * 1024 * 1024 + 4095);
}

/* A sparse file reaching the triple indirect tree (1 KiB blocks: past
 * 12 + 256 + 65536 blocks, about 64 MiB), on an 8 MiB disk. */
static void test_triple_indirect(void)
{
	make_image("t.img", "-b 1024", "8M");
	uint32_t fb = free_blocks();
	uint32_t off = (12 + 256 + 65536 + 5) * 1024u + 17;
	int h = t_open("/sparse", O_RDWR | O_CREAT);
	CHECK_EQ(t_write(h, "head", 4), 4);
	CHECK_EQ(t_seek(h, (int32_t)off, SEEK_SET), off);
	CHECK_EQ(t_write(h, "tail", 4), 4);
	struct fs_stat st;
	CHECK_EQ(t_fstat(h, &st), 0);
	CHECK_EQ(st.size, off + 4);
	/* data blocks 0 and 1, the triple, double and single indirect ones */
	CHECK_EQ(st.blocks512, 5 * 2);
	CHECK_EQ(free_blocks(), fb - 5);
	char buf[8];
	CHECK_EQ(t_seek(h, (int32_t)off - 2, SEEK_SET), off - 2);
	CHECK_EQ(t_read(h, buf, 8), 6);
	CHECK(memcmp(buf, "\0\0tail", 6) == 0);
	CHECK_EQ(t_seek(h, 70000, SEEK_SET), 70000);
	CHECK_EQ(t_read(h, buf, 8), 8);
	CHECK(memcmp(buf, "\0\0\0\0\0\0\0\0", 8) == 0);
	CHECK_EQ(t_close(h), 0);
	save_and_fsck("t.img");
	size_t n;
	uint8_t *got = debugfs_cat("t.img", "/sparse", &n);
	CHECK_EQ(n, off + 4);
	CHECK(memcmp(got + off, "tail", 4) == 0);
	free(got);
	h = t_open("/sparse", O_RDWR);
	CHECK_EQ(t_truncate(h, 10), 0);
	CHECK_EQ(free_blocks(), fb - 1);
	CHECK_EQ(t_close(h), 0);
	save_and_fsck("t.img");
}

/* Several block groups (2048 blocks each): a file longer than a group,
 * directories spread over the groups' inodes. */
static void test_multi_group(void)
{
	char p[64];
	make_image("g.img", "-b 1024 -g 2048", "8M");
	uint32_t size = 3 * 1024 * 1024;
	uint8_t *data = malloc(size);
	pattern(data, size, 8);
	write_file("/across", data, size);
	for (int i = 0; i < 20; i++) {
		snprintf(p, sizeof(p), "/dir%d", i);
		CHECK_EQ(t_mkdir(p), 0);
		snprintf(p, sizeof(p), "/dir%d/f", i);
		write_file(p, data, 5000);
	}
	check_fs("/across", data, size);
	save_and_fsck("g.img");
	check_debugfs("g.img", "/across", data, size);
	CHECK_EQ(t_unlink("/across"), 0);
	write_file("/again", data, size / 2);
	save_and_fsck("g.img");
	free(data);
}

/* An extended attribute block (128-byte inodes leave no room inside):
 * freed with the file. */
static void test_xattr_block(void)
{
	stage_file("f", "attr", 4);
	make_image("x.img", "-b 1024 -I 128", "8M");
	host_disk_free();
	uint8_t val[600];
	memset(val, 'v', sizeof(val));
	stage_file("val", val, sizeof(val));
	CHECK_EQ(run("debugfs -w -R 'ea_set -f %s/stage/val /f user.big' '%s' >/dev/null 2>&1",
		     tmpdir(), tpath("x.img")),
		 0);
	host_disk_load(tpath("x.img"));
	fs_boot();
	struct fs_stat st;
	CHECK_EQ(t_stat("/f", &st), 0);
	CHECK_EQ(st.blocks512, 4); /* data and attribute blocks */
	uint32_t fb = free_blocks();
	CHECK_EQ(t_unlink("/f"), 0);
	CHECK_EQ(free_blocks(), fb + 2);
	save_and_fsck("x.img");
}

/* Unlinked while open: the data stays readable until the last close. */
static void test_unlink_open(void)
{
	uint8_t data[50000], got[50000];
	make_image("u.img", "-b 1024", "8M");
	uint32_t fb = free_blocks(), fi = free_inodes();
	pattern(data, sizeof(data), 3);
	write_file("/f", data, sizeof(data));
	int h = t_open("/f", O_RDONLY);
	CHECK(h >= 0);
	CHECK_EQ(t_unlink("/f"), 0);
	struct fs_stat st;
	CHECK_EQ(t_stat("/f", &st), -ENOENT);
	CHECK_EQ(t_fstat(h, &st), 0);
	CHECK_EQ(st.nlink, 0);
	CHECK_EQ(t_read(h, got, sizeof(got)), sizeof(got));
	CHECK(memcmp(got, data, sizeof(data)) == 0);
	CHECK(free_blocks() < fb);
	CHECK_EQ(t_close(h), 0);
	CHECK_EQ(free_blocks(), fb);
	CHECK_EQ(free_inodes(), fi);
	save_and_fsck("u.img");
}

/* Random writes, truncates and reads of a few files against a model. */
static void test_random_model(void)
{
	enum { NF = 4, MAXSZ = 400000 };
	static uint8_t model[NF][MAXSZ], buf[MAXSZ];
	uint32_t size[NF] = {0};
	int h[NF];
	uint32_t seed = 12345;
	make_image("r.img", "-b 1024", "8M");
	for (int i = 0; i < NF; i++) {
		char p[16];
		snprintf(p, sizeof(p), "/m%d", i);
		h[i] = t_open(p, O_RDWR | O_CREAT);
		CHECK(h[i] >= 0);
	}
	memset(model, 0, sizeof(model));
	for (int step = 0; step < 600; step++) {
		seed = seed * 1103515245u + 12345u;
		int f = (int)(seed >> 8) % NF, op = (int)(seed >> 12) % 10;
		seed = seed * 1103515245u + 12345u;
		uint32_t off = (seed >> 4) % MAXSZ;
		seed = seed * 1103515245u + 12345u;
		uint32_t len = (seed >> 4) % (op < 2 ? 40000 : 3000);
		if (off + len > MAXSZ)
			len = MAXSZ - off;
		if (op < 6) { /* write */
			pattern(buf, len, (uint32_t)step);
			CHECK_EQ(t_seek(h[f], (int32_t)off, SEEK_SET), off);
			CHECK_EQ(t_write(h[f], buf, len), len);
			memcpy(model[f] + off, buf, len);
			if (len && off + len > size[f])
				size[f] = off + len;
		} else if (op < 7) { /* truncate */
			CHECK_EQ(t_truncate(h[f], off), 0);
			if (off < size[f])
				memset(model[f] + off, 0, size[f] - off);
			size[f] = off;
		} else { /* read */
			CHECK_EQ(t_seek(h[f], (int32_t)off, SEEK_SET), off);
			uint32_t want =
				off >= size[f] ? 0 : (size[f] - off < len ? size[f] - off : len);
			CHECK_EQ(t_read(h[f], buf, len), want);
			CHECK(memcmp(buf, model[f] + off, want) == 0);
		}
	}
	for (int i = 0; i < NF; i++)
		CHECK_EQ(t_close(h[i]), 0);
	save_and_fsck("r.img");
	for (int i = 0; i < NF; i++) {
		char p[16];
		snprintf(p, sizeof(p), "/m%d", i);
		check_fs(p, model[i], size[i]);
		check_debugfs("r.img", p, model[i], size[i]);
	}
	/* the same after a remount: nothing lived only in the cache */
	fs_boot();
	check_fs("/m0", model[0], size[0]);
}

/* Dirty blocks reach the disk on their own a while after a change. */
static void test_periodic_writeback(void)
{
	make_image("p.img", "-b 1024", "8M");
	uint32_t w0 = disk.writes;
	write_file("/x", "abc", 3);
	CHECK_EQ(disk.writes, w0); /* still in the cache */
	host_uptime_ms += 6000;
	struct fs_stat st;
	CHECK_EQ(t_stat("/x", &st), 0);
	CHECK(disk.writes > w0);
	/* the image is consistent without an explicit sync */
	host_disk_save(tpath("p.img"));
	CHECK_EQ(fsck_status("p.img"), 0);
	/* a sync of a clean fs writes nothing */
	w0 = disk.writes;
	CHECK_EQ(t_sync(), 0);
	CHECK_EQ(disk.writes, w0);
}

/* A sync writes its runs into the drive's cache and then flushes it once
 * (ATA_WRITE_CACHED, ATA_FLUSH): it returns with nothing left unflushed,
 * having waited for one CACHE FLUSH rather than one a run. */
static void test_sync_flushes_once(void)
{
	static uint8_t data[20000];
	make_image("s.img", "-b 1024", "8M");
	pattern(data, sizeof(data), 3);
	write_file("/a", data, sizeof(data));
	CHECK_EQ(t_mkdir("/d"), 0);
	write_file("/d/b", data, 3000);
	uint32_t w0 = disk.writes, f0 = disk.flushes;
	CHECK_EQ(t_sync(), 0);
	printf("sync: %u write requests, %u flushes\n", disk.writes - w0, disk.flushes - f0);
	CHECK(disk.writes - w0 >= 3); /* data, inodes, directories, bitmaps: several runs */
	CHECK_EQ(disk.flushes - f0, 1);
	CHECK_EQ(disk.unflushed, 0);
	/* a flush that fails fails the sync, and the next one flushes again */
	write_file("/a", data, 100);
	disk.fail_io = 1;
	CHECK_EQ(t_sync(), -EIO);
	disk.fail_io = 0;
	f0 = disk.flushes;
	CHECK_EQ(t_sync(), 0);
	CHECK_EQ(disk.flushes - f0, 1);
	CHECK_EQ(disk.unflushed, 0);
	host_disk_save(tpath("s.img"));
	CHECK_EQ(fsck_status("s.img"), 0);
}

int main(void)
{
	static const struct fs_test tests[] = {
		FS_TEST(test_basic_1k),           FS_TEST(test_basic_4k),
		FS_TEST(test_basic_small_inodes), FS_TEST(test_big_file_1k),
		FS_TEST(test_big_file_4k),        FS_TEST(test_triple_indirect),
		FS_TEST(test_multi_group),        FS_TEST(test_xattr_block),
		FS_TEST(test_unlink_open),        FS_TEST(test_random_model),
		FS_TEST(test_periodic_writeback), FS_TEST(test_sync_flushes_once),
	};
	return fs_run_tests(tests, sizeof(tests) / sizeof(tests[0]));
}
