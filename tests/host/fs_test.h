/* The host harness of the file service's tests (fs/).
 *
 * The fs component is built for the host unchanged (design.md Rule 1) and
 * linked with fs_host.c, a host implementation of the component API: the
 * "disk driver" serves ATA_READ/ATA_WRITE/ATA_INFO from an image in memory,
 * and grants are the test's own buffers. The fs passes its buffers to the
 * driver as 32-bit grant addresses, so these tests are built with -m32.
 * There is no i386 cmocka on the build machine, hence the small assertion
 * harness here, which prints cmocka's summary lines so that
 * tools/run-host-tests.sh counts its results (tests/host/README.md). */
#ifndef FS_TEST_H
#define FS_TEST_H

#include <stddef.h>
#include <stdint.h>

#include "abi/fs.h"
#include "component.h"

/* --- assertions (fs_testlib.c) ------------------------------------------- */

void fs_test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c))                                                                          \
			fs_test_fail(__FILE__, __LINE__, "%s", #c);                                \
	} while (0)

#define CHECK_EQ(a, b)                                                                             \
	do {                                                                                       \
		long long a_ = (long long)(a), b_ = (long long)(b);                                \
		if (a_ != b_)                                                                      \
			fs_test_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, a_,     \
				     b_);                                                          \
	} while (0)

struct fs_test {
	const char *name;
	void (*fn)(void);
};
#define FS_TEST(f)                                                                                 \
	{                                                                                          \
#f, f                                                                              \
	}

/* Runs the tests, each in a fresh temporary directory; prints cmocka's
 * lines; returns the process's exit status. */
int fs_run_tests(const struct fs_test *tests, int n);

/* --- the host disk and component API (fs_host.c) -------------------------- */

struct host_disk {
	uint8_t *img;
	uint32_t sectors;
	uint32_t reads, writes; /* ATA requests */
	uint32_t read_sectors, write_sectors;
	uint32_t last_write_lba; /* of the latest ATA_WRITE */
	uint32_t flushes;        /* ATA_FLUSH, and ATA_WRITEs that flush (w[3] 0) */
	uint32_t unflushed;      /* ATA_WRITE_CACHED writes since the last flush */
	uint32_t bad_requests;   /* out of range, bad grant: an fs bug */
	uint32_t dead_calls;     /* answer this many calls -EDEADSRCDST */
	int fail_io;             /* every read/write answers -EIO */
};
extern struct host_disk disk;
extern uint32_t host_uptime_ms;
extern int host_quiet;      /* comp_log says nothing (the fuzzer) */
extern uint32_t host_logs;  /* comp_log calls so far */
extern char host_log[4096]; /* the latest comp_log lines (set host_log[0] = 0 to forget) */

void host_disk_load(const char *path);            /* the image file into memory */
void host_disk_save(const char *path);            /* and back */
void host_disk_set(uint8_t *img, uint32_t bytes); /* NULL: no disk at all */
void host_disk_free(void);
void host_pid_kill(uint32_t pid); /* comp_pid_alive(pid) is 0 from now on */
void host_pids_revive(void);
void host_keep_wipe(void); /* zeroes comp_keep's memory, as at a cold boot */
extern int host_keep_none; /* comp_keep refuses (a table with no keep= for fs) */

/* Introspection of the fs (fs/bcache.c, fs/inode.c): leaked references
 * show up here long before the fs runs out of buffers or inodes. */
uint32_t bcache_pinned(void);
uint32_t icache_refs(void);

const struct component *fs_comp(void);
void fs_boot(void);    /* a boot: no kept memory, then the component's init: mounts the disk */
void fs_restart(void); /* the server's restart: init again, the kept memory (comp_keep) kept */

/* --- requests, as a process with pid t_pid sends them --------------------- */

extern uint32_t t_pid;
int fs_req(struct msg *m, void *buf, uint32_t len, uint32_t rights);
int t_open(const char *path, uint32_t flags);
int t_close(int h);
int t_read(int h, void *buf, uint32_t n);
int t_write(int h, const void *buf, uint32_t n);
int t_seek(int h, int32_t off, int whence);
int t_stat(const char *path, struct fs_stat *st);
int t_lstat(const char *path, struct fs_stat *st);
int t_symlink(const char *target, const char *path);
/* The target, not NUL-terminated: its length (at most size), or -errno. */
int t_readlink(const char *path, char *buf, uint32_t size);
int t_fstat(int h, struct fs_stat *st);
int t_readdir(int h, struct fs_dirent *ent);
int t_mkdir(const char *path);
int t_rmdir(const char *path);
int t_unlink(const char *path);
int t_rename(const char *from, const char *to);
int t_link(const char *from, const char *to);
int t_truncate(int h, uint32_t len);
int t_sync(void);
int t_unmount(void);
int t_statfs(struct fs_statfs *st);

/* --- images and e2fsprogs ------------------------------------------------- */

const char *tmpdir(void);      /* this test's directory */
char *tpath(const char *name); /* tmpdir()/name, in a static ring */
void stage_file(const char *rel, const void *data, size_t len); /* under tmpdir()/stage */
void stage_dir(const char *rel);
void pattern(void *buf, size_t len, uint32_t seed); /* reproducible file contents */
/* mke2fs -d stage into image name with the given extra options; loads it
 * as the disk and boots the fs on it. */
void make_image(const char *name, const char *opts, const char *size);
void save_and_fsck(const char *name); /* sync, save, e2fsck -fn must exit 0 */
int fsck_status(const char *name);
/* debugfs -R 'cat path': the file's contents (malloc'd), or NULL. */
uint8_t *debugfs_cat(const char *image, const char *path, size_t *len);
int run(const char *fmt, ...) __attribute__((format(printf, 1, 2))); /* shell, exit status */

/* Reads the whole file through the fs; returns its length (buf: malloc'd). */
long read_all(const char *path, uint8_t **buf);
void write_file(const char *path, const void *data, uint32_t len); /* O_CREAT|O_TRUNC */

#endif
