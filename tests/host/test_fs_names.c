/* File service: names of every legal length (1 to 255 bytes, "Linked
 * Directory Entry Structure": name_len is 8 bits) in every operation, and
 * paths up to FS_PATH_MAX - 1 bytes. A name of 255 bytes at the root makes
 * a path of 257 bytes with its '/' and NUL: it used to be refused, so a
 * directory holding one could never be emptied. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs_test.h"

/* A name of len bytes of c, in a ring of static buffers. */
static const char *name_of(size_t len, char c)
{
	static char ring[8][FS_NAME_MAX + 2];
	static int next;
	char *n = ring[next++ % 8];
	memset(n, c, len);
	n[len] = 0;
	return n;
}

/* dir/name, in a ring of static buffers ("/" + name for the root). */
static const char *in(const char *dir, const char *name)
{
	static char ring[8][2 * FS_PATH_MAX];
	static int next;
	char *p = ring[next++ % 8];
	snprintf(p, sizeof(ring[0]), "%s/%s", strcmp(dir, "/") ? dir : "", name);
	return p;
}

static int dir_has(const char *dir, const char *name)
{
	struct fs_dirent ent;
	int h = t_open(dir, O_RDONLY), found = 0, r;
	CHECK(h >= 0);
	while ((r = t_readdir(h, &ent)) == 1)
		found += strcmp(ent.name, name) == 0;
	CHECK_EQ(r, 0);
	CHECK_EQ(t_close(h), 0);
	return found;
}

/* Every operation on names of 1, 2, 254 and 255 bytes, in the root and in
 * a directory, of both a file and a directory. */
static void test_every_length_every_op(void)
{
	static const size_t lens[] = {1, 2, 254, FS_NAME_MAX};
	static const char *const dirs[] = {"/", "/d"};
	struct fs_stat st;
	stage_dir("d");
	make_image("n.img", "-b 1024", "8M");
	struct fs_statfs s0;
	CHECK_EQ(t_statfs(&s0), 0);
	for (size_t i = 0; i < 4; i++) {
		for (size_t j = 0; j < 2; j++) {
			const char *dir = dirs[j], *a = name_of(lens[i], 'a');
			const char *b = name_of(lens[i], 'b');
			char fa[2 * FS_PATH_MAX], fb[2 * FS_PATH_MAX];
			snprintf(fa, sizeof(fa), "%s", in(dir, a));
			snprintf(fb, sizeof(fb), "%s", in(dir, b));
			write_file(fa, "data", 4);
			CHECK_EQ(t_stat(fa, &st), 0);
			CHECK_EQ(st.size, 4);
			CHECK_EQ(dir_has(dir, a), 1);
			CHECK_EQ(t_link(fa, fb), 0);
			CHECK_EQ(t_unlink(fa), 0);
			CHECK_EQ(t_rename(fb, fa), 0);
			uint8_t *got;
			CHECK_EQ(read_all(fa, &got), 4);
			CHECK(memcmp(got, "data", 4) == 0);
			free(got);
			int h = t_open(fa, O_WRONLY | O_TRUNC);
			CHECK(h >= 0);
			CHECK_EQ(t_close(h), 0);
			CHECK_EQ(t_unlink(fa), 0);
			CHECK_EQ(dir_has(dir, a), 0);
			/* the same names as directories, one inside the other */
			CHECK_EQ(t_mkdir(fa), 0);
			const char *sub = in(fa, b);
			CHECK_EQ(t_mkdir(sub), 0);
			CHECK_EQ(t_stat(in(sub, ".."), &st), 0);
			CHECK_EQ(t_rename(sub, fb), 0);
			CHECK_EQ(t_rmdir(fa), 0);
			CHECK_EQ(t_rmdir(fb), 0);
		}
	}
	/* a name of 256 bytes is refused everywhere */
	const char *c256 = in("/", name_of(FS_NAME_MAX + 1, 'c'));
	CHECK_EQ(t_open(c256, O_RDWR | O_CREAT), -ENAMETOOLONG);
	CHECK_EQ(t_mkdir(c256), -ENAMETOOLONG);
	CHECK_EQ(t_stat(c256, &st), -ENAMETOOLONG);
	struct fs_statfs s1;
	CHECK_EQ(t_statfs(&s1), 0);
	CHECK_EQ(s1.free_blocks, s0.free_blocks);
	CHECK_EQ(s1.free_inodes, s0.free_inodes);
	CHECK_EQ(icache_refs(), 0);
	save_and_fsck("n.img");
}

/* Paths up to FS_PATH_MAX - 1 bytes without the NUL, through levels of
 * 255-byte names; one byte more is -ENAMETOOLONG, whatever the request. */
static void test_longest_path(void)
{
	static char p[FS_PATH_MAX + 2];
	struct fs_stat st;
	make_image("p.img", "-b 4096", "8M");
	size_t n = 0;
	while (n + 1 + FS_NAME_MAX < FS_PATH_MAX - 1 - 1) {
		p[n++] = '/';
		memset(p + n, 'd', FS_NAME_MAX);
		n += FS_NAME_MAX;
		p[n] = 0;
		CHECK_EQ(t_mkdir(p), 0);
	}
	p[n++] = '/';
	memset(p + n, 'f', FS_PATH_MAX - 1 - n);
	p[FS_PATH_MAX - 1] = 0;
	CHECK_EQ(strlen(p), FS_PATH_MAX - 1);
	write_file(p, "x", 1);
	CHECK_EQ(t_stat(p, &st), 0);
	CHECK_EQ(t_rename(p, p), 0);
	CHECK_EQ(t_unlink(p), 0);
	p[FS_PATH_MAX - 1] = 'f';
	p[FS_PATH_MAX] = 0;
	CHECK_EQ(t_open(p, O_RDWR | O_CREAT), -ENAMETOOLONG);
	CHECK_EQ(t_stat(p, &st), -ENAMETOOLONG);
	CHECK_EQ(t_mkdir(p), -ENAMETOOLONG);
	CHECK_EQ(t_unlink(p), -ENAMETOOLONG);
	CHECK_EQ(t_rename("/", p), -ENAMETOOLONG);
	save_and_fsck("p.img");
}

/* 255-byte names made by mke2fs -d: read, and removed with their
 * directory (which could never be emptied before). */
static void test_long_names_from_mke2fs(void)
{
	char rel[2 * FS_PATH_MAX];
	stage_dir(name_of(FS_NAME_MAX, 'D'));
	snprintf(rel, sizeof(rel), "%s/%s", name_of(FS_NAME_MAX, 'D'), name_of(FS_NAME_MAX, 'F'));
	stage_file(rel, "long", 4);
	make_image("m.img", "-b 1024", "8M");
	const char *dir = in("/", name_of(FS_NAME_MAX, 'D'));
	const char *file = in(dir, name_of(FS_NAME_MAX, 'F'));
	uint8_t *got;
	CHECK_EQ(read_all(file, &got), 4);
	CHECK(memcmp(got, "long", 4) == 0);
	free(got);
	CHECK_EQ(t_rmdir(dir), -ENOTEMPTY);
	CHECK_EQ(t_unlink(file), 0);
	CHECK_EQ(t_rmdir(dir), 0);
	save_and_fsck("m.img");
}

int main(void)
{
	static const struct fs_test tests[] = {
		FS_TEST(test_every_length_every_op),
		FS_TEST(test_longest_path),
		FS_TEST(test_long_names_from_mke2fs),
	};
	return fs_run_tests(tests, sizeof(tests) / sizeof(tests[0]));
}
