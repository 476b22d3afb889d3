/* File service: reading images made by mke2fs -d (1 KiB and 4 KiB blocks,
 * 128- and 256-byte inodes): contents, stat, readdir, paths, seeking,
 * read-ahead and the driver-restart retry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs_test.h"

/* Sizes that end in the direct blocks, the single and the double
 * indirect ones for 1 KiB blocks (12, 12 + 256 blocks). */
static const uint32_t sizes[] = {
	0, 1, 1000, 1024, 12 * 1024, 12 * 1024 + 1, 100000, 268 * 1024, 268 * 1024 + 5, 1500000};
#define NSIZES (sizeof(sizes) / sizeof(sizes[0]))

static void stage_sized_files(void)
{
	uint8_t *buf = malloc(1500000);
	for (unsigned i = 0; i < NSIZES; i++) {
		char name[64];
		snprintf(name, sizeof(name), "f%u", (unsigned)sizes[i]);
		pattern(buf, sizes[i], i);
		stage_file(name, buf, sizes[i]);
	}
	free(buf);
	stage_dir("sub/deeper");
	stage_file("sub/deeper/hello.txt", "hello, world\n", 13);
}

static void check_sized_files(void)
{
	uint8_t *want = malloc(1500000), *got;
	for (unsigned i = 0; i < NSIZES; i++) {
		char path[64];
		snprintf(path, sizeof(path), "/f%u", (unsigned)sizes[i]);
		pattern(want, sizes[i], i);
		CHECK_EQ(read_all(path, &got), sizes[i]);
		CHECK(memcmp(got, want, sizes[i]) == 0);
		free(got);
		struct fs_stat st;
		CHECK_EQ(t_stat(path, &st), 0);
		CHECK_EQ(st.size, sizes[i]);
		CHECK_EQ(st.mode & S_IFMT, S_IFREG);
		CHECK_EQ(st.nlink, 1);
	}
	CHECK_EQ(read_all("/sub/deeper/hello.txt", &got), 13);
	CHECK(memcmp(got, "hello, world\n", 13) == 0);
	free(got);
	free(want);
	CHECK_EQ(disk.bad_requests, 0);
}

static void test_read_1k(void)
{
	stage_sized_files();
	make_image("a.img", "-b 1024", "8M");
	check_sized_files();
	save_and_fsck("a.img");
}

static void test_read_4k(void)
{
	stage_sized_files();
	make_image("a.img", "-b 4096", "8M");
	check_sized_files();
	save_and_fsck("a.img");
}

static void test_read_small_inodes_groups(void)
{
	/* 128-byte inodes, 4 groups of 2048 blocks, no dir_index */
	stage_sized_files();
	make_image("a.img", "-b 1024 -I 128 -g 2048 -O ^dir_index", "8M");
	check_sized_files();
	save_and_fsck("a.img");
}

static void test_paths(void)
{
	struct fs_stat st, root;
	stage_sized_files();
	make_image("a.img", "-b 1024", "8M");
	CHECK_EQ(t_stat("/", &root), 0);
	CHECK_EQ(root.ino, 2);
	CHECK_EQ(root.mode & S_IFMT, S_IFDIR);
	CHECK_EQ(t_stat("/sub/deeper/../deeper/./hello.txt", &st), 0);
	CHECK_EQ(st.size, 13);
	CHECK_EQ(t_stat("//sub///deeper//hello.txt", &st), 0);
	CHECK_EQ(t_stat("/..", &st), 0);
	CHECK_EQ(st.ino, 2);
	CHECK_EQ(t_stat("/sub/..", &st), 0);
	CHECK_EQ(st.ino, 2);
	CHECK_EQ(t_stat("/sub/", &st), 0);
	CHECK_EQ(st.mode & S_IFMT, S_IFDIR);
	CHECK_EQ(st.nlink, 3); /* its name, its ".", deeper's ".." */
	CHECK_EQ(t_stat("/nothere", &st), -ENOENT);
	CHECK_EQ(t_stat("/nothere/x", &st), -ENOENT);
	CHECK_EQ(t_stat("/f1/x", &st), -ENOTDIR);
	CHECK_EQ(t_stat("/f1/", &st), -ENOTDIR);
	CHECK_EQ(t_stat("relative", &st), -EINVAL);
	CHECK_EQ(t_stat("", &st), -EINVAL);
	/* not NUL-terminated inside the grant */
	struct msg m = {.type = FS_STAT};
	CHECK_EQ(fs_req(&m, "/f1", 3, GRANT_READ), -EINVAL);
	/* a grant the fs may not read */
	m = (struct msg){.type = FS_STAT};
	CHECK_EQ(fs_req(&m, "/f1", 4, GRANT_WRITE), -EPERM);
	/* too long: a whole path of FS_PATH_MAX bytes or more, or one name of
	 * 256 (test_fs_names has the longest that work) */
	char longp[FS_PATH_MAX + 100];
	for (size_t i = 0; i < sizeof(longp); i++)
		longp[i] = i % 8 ? 'a' : '/';
	longp[sizeof(longp) - 1] = 0;
	CHECK_EQ(t_stat(longp, &st), -ENAMETOOLONG);
	longp[600] = 0;
	CHECK_EQ(t_stat(longp, &st), -ENOENT);
	/* a 256-character name in a short path */
	char name[300] = "/";
	memset(name + 1, 'n', 256);
	name[257] = 0;
	CHECK_EQ(t_stat(name, &st), -ENAMETOOLONG);
	CHECK_EQ(t_open(name, O_CREAT | O_RDWR), -ENAMETOOLONG);
	/* the longest name at the root: 257 bytes with the '/' and the NUL */
	name[256] = 0;
	CHECK_EQ(t_stat(name, &st), -ENOENT);
}

static void test_readdir(void)
{
	stage_sized_files();
	make_image("a.img", "-b 1024", "8M");
	int h = t_open("/", O_RDONLY | O_DIRECTORY);
	CHECK(h >= 0);
	struct fs_dirent ent;
	int seen = 0, dots = 0, r;
	while ((r = t_readdir(h, &ent)) == 1) {
		if (!strcmp(ent.name, ".") || !strcmp(ent.name, ".."))
			dots++;
		else if (!strcmp(ent.name, "sub"))
			CHECK_EQ(ent.type, S_IFDIR);
		else if (!strcmp(ent.name, "lost+found"))
			CHECK_EQ(ent.type, S_IFDIR);
		else
			CHECK_EQ(ent.type, S_IFREG);
		seen++;
	}
	CHECK_EQ(r, 0);
	CHECK_EQ(dots, 2);
	CHECK_EQ(seen, (int)NSIZES + 4);
	CHECK_EQ(t_readdir(h, &ent), 0);
	/* rewind and read again */
	CHECK_EQ(t_seek(h, 0, SEEK_SET), 0);
	CHECK_EQ(t_readdir(h, &ent), 1);
	CHECK_EQ(strcmp(ent.name, "."), 0);
	CHECK_EQ(ent.ino, 2);
	CHECK_EQ(t_seek(h, 7, SEEK_SET), -EINVAL);
	/* a grant too small for the name */
	struct msg m = {.type = FS_READDIR};
	m.w[0] = (uint32_t)h;
	CHECK_EQ(fs_req(&m, &ent, 8, GRANT_WRITE), -EINVAL);
	CHECK_EQ(t_read(h, &ent, 10), -EISDIR);
	CHECK_EQ(t_close(h), 0);
	h = t_open("/f1", O_RDONLY);
	CHECK_EQ(t_readdir(h, &ent), -ENOTDIR);
	CHECK_EQ(t_close(h), 0);
}

static void test_seek_and_handles(void)
{
	stage_sized_files();
	make_image("a.img", "-b 1024", "8M");
	uint8_t want[100000], got[2000];
	pattern(want, sizeof(want), 6);
	int h = t_open("/f100000", O_RDONLY);
	CHECK(h >= 0);
	CHECK_EQ(t_seek(h, 50000, SEEK_SET), 50000);
	CHECK_EQ(t_read(h, got, 2000), 2000);
	CHECK(memcmp(got, want + 50000, 2000) == 0);
	CHECK_EQ(t_seek(h, -1000, SEEK_CUR), 51000);
	CHECK_EQ(t_read(h, got, 10), 10);
	CHECK(memcmp(got, want + 51000, 10) == 0);
	CHECK_EQ(t_seek(h, -10, SEEK_END), 99990);
	CHECK_EQ(t_read(h, got, 2000), 10);
	CHECK(memcmp(got, want + 99990, 10) == 0);
	CHECK_EQ(t_read(h, got, 2000), 0);
	CHECK_EQ(t_seek(h, -100001, SEEK_END), -EINVAL);
	CHECK_EQ(t_seek(h, 0, 7), -EINVAL);
	CHECK_EQ(t_seek(h, 200000, SEEK_SET), 200000); /* past the end: reads 0 */
	CHECK_EQ(t_read(h, got, 10), 0);
	/* read-only handle */
	CHECK_EQ(t_write(h, got, 10), -EBADF);
	CHECK_EQ(t_truncate(h, 0), -EBADF);
	/* another process's handle */
	t_pid = 200;
	CHECK_EQ(t_read(h, got, 10), -EBADF);
	CHECK_EQ(t_close(h), -EBADF);
	t_pid = 100;
	CHECK_EQ(t_close(h), 0);
	CHECK_EQ(t_close(h), -EBADF);
	CHECK_EQ(t_read(63, got, 1), -EBADF);
	CHECK_EQ(t_read(64, got, 1), -EBADF);
	CHECK_EQ(t_read(-1, got, 1), -EBADF);
	/* a read into a grant the fs may not write */
	h = t_open("/f1000", O_RDONLY);
	struct msg m = {.type = FS_READ};
	m.w[0] = (uint32_t)h;
	CHECK_EQ(fs_req(&m, got, 100, GRANT_READ), -EPERM);
	CHECK_EQ(t_close(h), 0);
	/* unknown request */
	m = (struct msg){.type = 99};
	CHECK_EQ(fs_req(&m, NULL, 0, 0), -ENOSYS);
	m = (struct msg){.type = MSG_PING};
	CHECK_EQ(fs_req(&m, NULL, 0, 0), 0);
}

/* A sequential read of a contiguous file must take few disk requests:
 * blocks come in runs of up to ATA_MAX_SECTORS (128 KiB). */
static void test_readahead(void)
{
	static uint8_t buf[1500000];
	stage_sized_files();
	make_image("a.img", "-b 1024", "8M");
	uint32_t r0 = disk.reads, s0 = disk.read_sectors;
	int h = t_open("/f1500000", O_RDONLY);
	CHECK(h >= 0);
	uint32_t done = 0;
	for (int r; (r = t_read(h, buf + done, 4096)) > 0;)
		done += (uint32_t)r;
	CHECK_EQ(done, 1500000);
	CHECK_EQ(t_close(h), 0);
	uint32_t reqs = disk.reads - r0, secs = disk.read_sectors - s0;
	printf("sequential 1.5 MB read in 4 KiB calls: %u requests, %u sectors\n", reqs, secs);
	/* 1465 blocks of data + 7 indirect: at least 12 full runs; allow
	 * for the breaks at every indirect block and the metadata. */
	CHECK(reqs <= 40);
	CHECK(secs < 1500000 / 512 + 200);
	uint8_t want[1500000];
	pattern(want, sizeof(want), 9);
	CHECK(memcmp(buf, want, sizeof(want)) == 0);
}

/* Reads copy straight from the cache while a run's blocks lie side by
 * side in its memory, and through the bounce buffer otherwise: two files
 * written a block at a time in turn (their blocks alternate on the disk),
 * one with a hole, read in 64 KiB requests, cold and then partly cached,
 * and a sequential pass larger than the cache with dirty blocks in it,
 * which the read-ahead must neither write nor lose. */
static void test_scattered_reads(void)
{
	enum { N = 300 };
	static uint8_t a[N * 1024], b[N * 1024], got[N * 1024], big[1500000];
	stage_sized_files();
	make_image("s.img", "-b 1024", "8M");
	pattern(a, sizeof(a), 4);
	pattern(b, sizeof(b), 5);
	memset(a + 100 * 1024, 0, 20 * 1024); /* the hole below */
	int ha = t_open("/a", O_WRONLY | O_CREAT), hb = t_open("/b", O_WRONLY | O_CREAT);
	CHECK(ha >= 0 && hb >= 0);
	for (uint32_t i = 0; i < N; i++) {
		if (i >= 100 && i < 120) /* a hole of 20 blocks in /a */
			CHECK_EQ(t_seek(ha, 1024, SEEK_CUR), (int)((i + 1) * 1024));
		else
			CHECK_EQ(t_write(ha, a + i * 1024, 1024), 1024);
		CHECK_EQ(t_write(hb, b + i * 1024, 1024), 1024);
	}
	CHECK_EQ(t_close(ha), 0);
	CHECK_EQ(t_close(hb), 0);
	save_and_fsck("s.img");
	fs_boot(); /* a cold cache */
	for (int pass = 0; pass < 2; pass++) {
		for (int f = 0; f < 2; f++) {
			int h = t_open(f ? "/b" : "/a", O_RDONLY);
			CHECK(h >= 0);
			uint32_t done = 0;
			for (int r; (r = t_read(h, got + done, 65536)) > 0;)
				done += (uint32_t)r;
			CHECK_EQ(done, sizeof(a));
			CHECK(memcmp(got, f ? b : a, sizeof(a)) == 0);
			CHECK_EQ(t_close(h), 0);
		}
	}
	/* Dirty blocks in the cache while 1.5 MB stream through it. */
	write_file("/a", b, 5000);
	int h = t_open("/f1500000", O_RDONLY);
	CHECK(h >= 0);
	uint32_t done = 0;
	for (int r; (r = t_read(h, big + done, 65536)) > 0;)
		done += (uint32_t)r;
	CHECK_EQ(done, sizeof(big));
	CHECK_EQ(t_close(h), 0);
	uint8_t want[1500000];
	pattern(want, sizeof(want), 9);
	CHECK(memcmp(big, want, sizeof(want)) == 0);
	CHECK_EQ(bcache_pinned(), 0);
	save_and_fsck("s.img");
	uint8_t *back;
	CHECK_EQ(read_all("/a", &back), 5000);
	CHECK(memcmp(back, b, 5000) == 0);
	free(back);
}

/* One request larger than the bounce buffer, and a grant larger than
 * the file. */
static void test_large_reads(void)
{
	static uint8_t buf[3000000], want[1500000];
	stage_sized_files();
	make_image("a.img", "-b 4096", "8M");
	pattern(want, sizeof(want), 9);
	int h = t_open("/f1500000", O_RDONLY);
	CHECK(h >= 0);
	CHECK_EQ(t_read(h, buf, sizeof(buf)), 1500000);
	CHECK(memcmp(buf, want, sizeof(want)) == 0);
	CHECK_EQ(t_seek(h, 1000, SEEK_SET), 1000);
	CHECK_EQ(t_read(h, buf, 700000), 700000);
	CHECK(memcmp(buf, want + 1000, 700000) == 0);
	CHECK_EQ(t_close(h), 0);
}

/* The driver restarted under the fs (micro): -EDEADSRCDST, then retried. */
static void test_driver_restart(void)
{
	uint8_t *got, want[100000];
	stage_sized_files();
	make_image("a.img", "-b 4096", "8M");
	disk.dead_calls = 2;
	CHECK_EQ(read_all("/f100000", &got), 100000);
	pattern(want, sizeof(want), 6);
	CHECK(memcmp(got, want, sizeof(want)) == 0);
	free(got);
	CHECK_EQ(disk.dead_calls, 0);
	/* A driver that stays dead: errors, no hang. */
	int h = t_open("/f1500000", O_RDONLY);
	CHECK(h >= 0);
	disk.dead_calls = 1000000;
	CHECK_EQ(t_read(h, want, sizeof(want)), -EIO);
	disk.dead_calls = 0;
	CHECK_EQ(t_read(h, want, 10), 10);
	CHECK_EQ(t_close(h), 0);
	/* I/O errors: a block not in the cache yet */
	h = t_open("/f274432", O_RDONLY);
	CHECK(h >= 0);
	disk.fail_io = 1;
	CHECK_EQ(t_read(h, want, 100), -EIO);
	disk.fail_io = 0;
	CHECK_EQ(t_read(h, want, 100), 100);
	CHECK_EQ(t_close(h), 0);
}

/* Files over 2 and 4 GiB (sparse, made by mke2fs -d with large_file):
 * stat gives the whole 64-bit size (i_size_high included), open refuses
 * them (-EFBIG: offsets are int32, the rest could not be reached), and
 * unlinking frees what they own. A file of exactly 2^31 - 1 bytes opens
 * and reads to its last byte. */
static void test_large_files(void)
{
	struct fs_stat st;
	const uint64_t huge = (5ull << 30) + 4, mid = (3ull << 30) + 3;
	stage_dir("");
	CHECK_EQ(run("cd '%s/stage' && truncate -s 5G huge && printf tail >> huge && "
		     "truncate -s 3G mid && printf end >> mid && truncate -s 2147483646 edge && "
		     "printf z >> edge",
		     tmpdir()),
		 0);
	make_image("l.img", "-b 4096", "8M");
	struct fs_statfs s0;
	CHECK_EQ(t_statfs(&s0), 0);
	CHECK_EQ(t_stat("/huge", &st), 0);
	CHECK_EQ(st.size, huge);
	CHECK_EQ(st.size >> 32, 1); /* not 4 bytes, modulo 4 GiB */
	uint32_t huge_blocks = st.blocks512;
	CHECK_EQ(t_stat("/mid", &st), 0);
	CHECK_EQ(st.size, mid);
	CHECK_EQ(t_open("/huge", O_RDONLY), -EFBIG);
	CHECK_EQ(t_open("/mid", O_RDONLY), -EFBIG);
	CHECK_EQ(t_open("/mid", O_WRONLY | O_APPEND), -EFBIG);
	int h = t_open("/edge", O_RDONLY);
	CHECK(h >= 0);
	CHECK_EQ(t_fstat(h, &st), 0);
	CHECK_EQ(st.size, 0x7FFFFFFF);
	char buf[4];
	CHECK_EQ(t_seek(h, 0x7FFFFFFE, SEEK_SET), 0x7FFFFFFE);
	CHECK_EQ(t_read(h, buf, 4), 1);
	CHECK_EQ(buf[0], 'z');
	CHECK_EQ(t_close(h), 0);
	CHECK_EQ(t_unlink("/huge"), 0);
	struct fs_statfs s1;
	CHECK_EQ(t_statfs(&s1), 0);
	CHECK_EQ(s1.free_blocks, s0.free_blocks + huge_blocks / 8);
	CHECK_EQ(s1.free_inodes, s0.free_inodes + 1);
	CHECK_EQ(t_rename("/mid", "/mid2"), 0);
	CHECK_EQ(t_stat("/mid2", &st), 0);
	CHECK_EQ(st.size, mid);
	save_and_fsck("l.img");
}

int main(void)
{
	static const struct fs_test tests[] = {
		FS_TEST(test_read_1k),
		FS_TEST(test_read_4k),
		FS_TEST(test_read_small_inodes_groups),
		FS_TEST(test_paths),
		FS_TEST(test_readdir),
		FS_TEST(test_seek_and_handles),
		FS_TEST(test_readahead),
		FS_TEST(test_scattered_reads),
		FS_TEST(test_large_reads),
		FS_TEST(test_driver_restart),
		FS_TEST(test_large_files),
	};
	return fs_run_tests(tests, sizeof(tests) / sizeof(tests[0]));
}
