/* File service: the immutable and append-only inode flags ("i_flags":
 * EXT2_IMMUTABLE_FL 0x10, EXT2_APPEND_FL 0x20), set on the host as chattr
 * +i and +a would, honoured with -EPERM as Linux does. An immutable file
 * can be read, not written, truncated, renamed, linked or removed; an
 * append-only one written only at its end. An immutable directory takes no
 * new name and loses none; an append-only one takes new names and loses
 * none. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs_test.h"

static void set_flags(const char *image, const char *path, unsigned flags)
{
	CHECK_EQ(run("debugfs -w -R 'sif %s flags %#x' '%s' >/dev/null 2>&1", path, flags,
		     tpath(image)),
		 0);
}

static void make_flagged(void)
{
	stage_file("imm", "fixed", 5);
	stage_file("app", "log1\n", 5);
	stage_file("other", "o", 1);
	stage_dir("dimm");
	stage_file("dimm/f", "in", 2);
	stage_dir("dapp");
	stage_file("dapp/f", "in", 2);
	make_image("f.img", "-b 1024", "8M");
	host_disk_free();
	set_flags("f.img", "/imm", 0x10);
	set_flags("f.img", "/app", 0x20);
	set_flags("f.img", "/dimm", 0x10);
	set_flags("f.img", "/dapp", 0x20);
	host_disk_load(tpath("f.img"));
	fs_boot();
}

static void test_immutable_file(void)
{
	struct fs_stat st;
	uint8_t *got;
	make_flagged();
	CHECK_EQ(read_all("/imm", &got), 5);
	CHECK(memcmp(got, "fixed", 5) == 0);
	free(got);
	CHECK_EQ(t_open("/imm", O_WRONLY), -EPERM);
	CHECK_EQ(t_open("/imm", O_RDWR), -EPERM);
	CHECK_EQ(t_open("/imm", O_WRONLY | O_APPEND), -EPERM);
	CHECK_EQ(t_open("/imm", O_RDONLY | O_TRUNC), -EPERM);
	CHECK_EQ(t_open("/imm", O_WRONLY | O_CREAT | O_TRUNC), -EPERM);
	CHECK_EQ(t_open("/imm", O_RDONLY | O_CREAT | O_EXCL), -EEXIST);
	CHECK_EQ(t_unlink("/imm"), -EPERM);
	CHECK_EQ(t_rename("/imm", "/moved"), -EPERM);
	CHECK_EQ(t_rename("/other", "/imm"), -EPERM); /* over it */
	CHECK_EQ(t_link("/imm", "/imm2"), -EPERM);
	CHECK_EQ(t_rmdir("/imm"), -EPERM);
	CHECK_EQ(t_stat("/imm", &st), 0);
	CHECK_EQ(st.size, 5);
	CHECK_EQ(st.nlink, 1);
	CHECK_EQ(t_stat("/moved", &st), -ENOENT);
	CHECK_EQ(icache_refs(), 0);
	save_and_fsck("f.img");
	size_t n;
	got = debugfs_cat("f.img", "/imm", &n);
	CHECK_EQ(n, 5);
	free(got);
}

static void test_append_only_file(void)
{
	char buf[32];
	make_flagged();
	CHECK_EQ(t_open("/app", O_WRONLY), -EPERM);
	CHECK_EQ(t_open("/app", O_RDWR), -EPERM);
	CHECK_EQ(t_open("/app", O_WRONLY | O_APPEND | O_TRUNC), -EPERM);
	int h = t_open("/app", O_RDWR | O_APPEND);
	CHECK(h >= 0);
	/* a seek does not move where the writes go */
	CHECK_EQ(t_seek(h, 0, SEEK_SET), 0);
	CHECK_EQ(t_write(h, "log2\n", 5), 5);
	CHECK_EQ(t_seek(h, 1, SEEK_SET), 1);
	CHECK_EQ(t_write(h, "log3\n", 5), 5);
	CHECK_EQ(t_truncate(h, 0), -EPERM);
	CHECK_EQ(t_truncate(h, 100), -EPERM);
	CHECK_EQ(t_seek(h, 0, SEEK_SET), 0);
	CHECK_EQ(t_read(h, buf, sizeof(buf)), 15);
	CHECK(memcmp(buf, "log1\nlog2\nlog3\n", 15) == 0);
	CHECK_EQ(t_close(h), 0);
	CHECK_EQ(t_unlink("/app"), -EPERM);
	CHECK_EQ(t_rename("/app", "/moved"), -EPERM);
	CHECK_EQ(t_rename("/other", "/app"), -EPERM);
	CHECK_EQ(t_link("/app", "/app2"), -EPERM);
	save_and_fsck("f.img");
	size_t n;
	uint8_t *got = debugfs_cat("f.img", "/app", &n);
	CHECK_EQ(n, 15);
	CHECK(memcmp(got, "log1\nlog2\nlog3\n", 15) == 0);
	free(got);
}

static void test_flagged_directories(void)
{
	struct fs_stat st;
	make_flagged();
	/* immutable: nothing comes in or goes out; its files can change */
	CHECK_EQ(t_open("/dimm/new", O_WRONLY | O_CREAT), -EPERM);
	CHECK_EQ(t_mkdir("/dimm/sub"), -EPERM);
	CHECK_EQ(t_link("/other", "/dimm/l"), -EPERM);
	CHECK_EQ(t_rename("/other", "/dimm/other"), -EPERM);
	CHECK_EQ(t_unlink("/dimm/f"), -EPERM);
	CHECK_EQ(t_rename("/dimm/f", "/dimm/g"), -EPERM);
	CHECK_EQ(t_rename("/dimm/f", "/g"), -EPERM);
	CHECK_EQ(t_rmdir("/dimm"), -EPERM);
	CHECK_EQ(t_rename("/dimm", "/dimm2"), -EPERM);
	write_file("/dimm/f", "changed", 7);
	CHECK_EQ(t_stat("/dimm/f", &st), 0);
	CHECK_EQ(st.size, 7);
	/* append-only: names come in, none go */
	write_file("/dapp/new", "n", 1);
	CHECK_EQ(t_mkdir("/dapp/sub"), 0);
	CHECK_EQ(t_link("/other", "/dapp/l"), 0);
	CHECK_EQ(t_rename("/other", "/dapp/other"), 0);
	CHECK_EQ(t_unlink("/dapp/new"), -EPERM);
	CHECK_EQ(t_rmdir("/dapp/sub"), -EPERM);
	CHECK_EQ(t_rename("/dapp/new", "/new"), -EPERM);
	CHECK_EQ(t_rename("/dapp/new", "/dapp/f"), -EPERM); /* f's name would go */
	CHECK_EQ(t_rmdir("/dapp"), -EPERM);
	CHECK_EQ(t_stat("/dapp/new", &st), 0);
	CHECK_EQ(icache_refs(), 0);
	save_and_fsck("f.img");
}

int main(void)
{
	static const struct fs_test tests[] = {
		FS_TEST(test_immutable_file),
		FS_TEST(test_append_only_file),
		FS_TEST(test_flagged_directories),
	};
	return fs_run_tests(tests, sizeof(tests) / sizeof(tests[0]));
}
