/* The file service tests' harness: a runner printing cmocka's lines,
 * request wrappers, and images made and checked with e2fsprogs (mke2fs -d,
 * e2fsck -fn, debugfs), the reference the fs is held to. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fs_test.h"

/* --- runner --- */

static jmp_buf fail_jmp;
static char dir[256];

void fs_test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stdout, "%s:%d: error: ", file, line);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fprintf(stdout, "\n");
	fflush(stdout);
	longjmp(fail_jmp, 1);
}

const char *tmpdir(void)
{
	return dir;
}

char *tpath(const char *name)
{
	static char ring[8][2048];
	static int next;
	char *p = ring[next++ % 8];
	snprintf(p, 2048, "%s/%s", dir, name);
	return p;
}

int fs_run_tests(const struct fs_test *tests, int n)
{
	const char *base = getenv("TMPDIR");
	static int failed;
	static char failed_names[64][64];

	/* e2fsprogs live in /sbin, which is not always in PATH. */
	char path[4096];
	snprintf(path, sizeof(path), "%s:/sbin:/usr/sbin",
		 getenv("PATH") ? getenv("PATH") : "/bin");
	setenv("PATH", path, 1);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("[==========] Running %d test(s).\n", n);
	for (int i = 0; i < n; i++) {
		snprintf(dir, sizeof(dir), "%s/fstest.XXXXXX", base ? base : "/tmp");
		if (!mkdtemp(dir)) {
			perror("mkdtemp");
			return 2;
		}
		printf("[ RUN      ] %s\n", tests[i].name);
		t_pid = 100;
		host_uptime_ms = 0;
		host_quiet = 0;
		host_pids_revive();
		if (setjmp(fail_jmp) == 0) {
			tests[i].fn();
			printf("[       OK ] %s\n", tests[i].name);
		} else {
			printf("[  FAILED  ] %s\n", tests[i].name);
			if (failed < 64)
				snprintf(failed_names[failed], 64, "%s", tests[i].name);
			failed++;
		}
		host_disk_free();
		if (!getenv("FS_TEST_KEEP"))
			run("rm -rf '%s'", dir);
		else
			printf("kept %s\n", dir);
	}
	printf("[==========] %d test(s) run.\n", n);
	printf("[  PASSED  ] %d test(s).\n", n - failed);
	if (failed) {
		printf("[  FAILED  ] %d test(s), listed below:\n", failed);
		for (int i = 0; i < failed && i < 64; i++)
			printf("[  FAILED  ] %s\n", failed_names[i]);
	}
	return failed ? 1 : 0;
}

/* --- requests --- */

uint32_t t_pid = 100;

static int path_req(int type, const char *path, uint32_t w0)
{
	struct msg m = {.type = type};
	m.w[0] = w0;
	return fs_req(&m, (void *)path, (uint32_t)strlen(path) + 1, GRANT_READ);
}

int t_open(const char *path, uint32_t flags)
{
	return path_req(FS_OPEN, path, flags);
}
int t_mkdir(const char *path)
{
	return path_req(FS_MKDIR, path, 0);
}
int t_rmdir(const char *path)
{
	return path_req(FS_RMDIR, path, 0);
}
int t_unlink(const char *path)
{
	return path_req(FS_UNLINK, path, 0);
}

static int two_paths(int type, const char *a, const char *b)
{
	size_t la = strlen(a) + 1, lb = strlen(b) + 1;
	char *buf = malloc(la + lb);
	memcpy(buf, a, la);
	memcpy(buf + la, b, lb);
	struct msg m = {.type = type};
	int r = fs_req(&m, buf, (uint32_t)(la + lb), GRANT_READ);
	free(buf);
	return r;
}

int t_rename(const char *from, const char *to)
{
	return two_paths(FS_RENAME, from, to);
}
int t_link(const char *from, const char *to)
{
	return two_paths(FS_LINK, from, to);
}

static int handle_req(int type, int h, uint32_t w1, uint32_t w2)
{
	struct msg m = {.type = type};
	m.w[0] = (uint32_t)h;
	m.w[1] = w1;
	m.w[2] = w2;
	return fs_req(&m, NULL, 0, 0);
}

int t_close(int h)
{
	return handle_req(FS_CLOSE, h, 0, 0);
}
int t_seek(int h, int32_t off, int whence)
{
	return handle_req(FS_SEEK, h, (uint32_t)off, (uint32_t)whence);
}
int t_truncate(int h, uint32_t len)
{
	return handle_req(FS_TRUNCATE, h, len, 0);
}
int t_sync(void)
{
	return handle_req(FS_SYNC, 0, 0, 0);
}
int t_unmount(void)
{
	return handle_req(FS_UNMOUNT, 0, 0, 0);
}

int t_read(int h, void *buf, uint32_t n)
{
	struct msg m = {.type = FS_READ};
	m.w[0] = (uint32_t)h;
	return fs_req(&m, buf, n, GRANT_WRITE);
}

int t_write(int h, const void *buf, uint32_t n)
{
	struct msg m = {.type = FS_WRITE};
	m.w[0] = (uint32_t)h;
	return fs_req(&m, (void *)buf, n, GRANT_READ);
}

int t_readdir(int h, struct fs_dirent *ent)
{
	struct msg m = {.type = FS_READDIR};
	m.w[0] = (uint32_t)h;
	return fs_req(&m, ent, sizeof(*ent), GRANT_WRITE);
}

int t_stat(const char *path, struct fs_stat *st)
{
	struct msg m = {.type = FS_STAT};
	int r = fs_req(&m, (void *)path, (uint32_t)strlen(path) + 1, GRANT_READ);
	if (r == 0)
		memcpy(st, m.w, sizeof(*st));
	return r;
}

int t_lstat(const char *path, struct fs_stat *st)
{
	struct msg m = {.type = FS_LSTAT};
	int r = fs_req(&m, (void *)path, (uint32_t)strlen(path) + 1, GRANT_READ);
	if (r == 0)
		memcpy(st, m.w, sizeof(*st));
	return r;
}

int t_symlink(const char *target, const char *path)
{
	return two_paths(FS_SYMLINK, target, path);
}

int t_readlink(const char *path, char *buf, uint32_t size)
{
	/* One grant, read for the path, then written with the target. */
	uint32_t len = (uint32_t)strlen(path) + 1;
	char *g = malloc(len > size ? len : size);
	memcpy(g, path, len);
	struct msg m = {.type = FS_READLINK};
	int r = fs_req(&m, g, len > size ? len : size, GRANT_READ | GRANT_WRITE);
	if (r > 0)
		memcpy(buf, g, (size_t)r);
	free(g);
	return r;
}

int t_fstat(int h, struct fs_stat *st)
{
	struct msg m = {.type = FS_FSTAT};
	m.w[0] = (uint32_t)h;
	int r = fs_req(&m, NULL, 0, 0);
	if (r == 0)
		memcpy(st, m.w, sizeof(*st));
	return r;
}

int t_statfs(struct fs_statfs *st)
{
	struct msg m = {.type = FS_STATFS};
	int r = fs_req(&m, NULL, 0, 0);
	if (r == 0)
		memcpy(st, m.w, sizeof(*st));
	return r;
}

long read_all(const char *path, uint8_t **out)
{
	int h = t_open(path, O_RDONLY);
	if (h < 0)
		return h;
	struct fs_stat st;
	CHECK_EQ(t_fstat(h, &st), 0);
	uint8_t *buf = malloc(st.size + 1);
	uint32_t done = 0;
	for (;;) {
		/* odd chunk sizes, to cross block boundaries */
		uint32_t want = st.size + 1 - done < 50000 ? st.size + 1 - done : 50000;
		int r = t_read(h, buf + done, want);
		CHECK(r >= 0);
		if (r == 0)
			break;
		done += (uint32_t)r;
		CHECK(done <= st.size);
	}
	CHECK_EQ(done, st.size);
	CHECK_EQ(t_close(h), 0);
	*out = buf;
	return done;
}

void write_file(const char *path, const void *data, uint32_t len)
{
	int h = t_open(path, O_WRONLY | O_CREAT | O_TRUNC);
	CHECK(h >= 0);
	CHECK_EQ(t_write(h, data, len), len);
	CHECK_EQ(t_close(h), 0);
}

/* --- images --- */

int run(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	int s = system(cmd);
	return WIFEXITED(s) ? WEXITSTATUS(s) : 128;
}

void pattern(void *buf, size_t len, uint32_t seed)
{
	uint8_t *p = buf;
	uint32_t x = seed * 2654435761u + 1;
	for (size_t i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (uint8_t)(x >> 16);
	}
}

void stage_dir(const char *rel)
{
	char p[2048];
	snprintf(p, sizeof(p), "%s/stage/%s", dir, rel);
	CHECK_EQ(run("mkdir -p '%s'", p), 0);
}

void stage_file(const char *rel, const void *data, size_t len)
{
	char p[2048];
	stage_dir("");
	snprintf(p, sizeof(p), "%s/stage/%s", dir, rel);
	FILE *f = fopen(p, "wb");
	if (!f)
		fs_test_fail(__FILE__, __LINE__, "cannot create %s", p);
	CHECK_EQ(fwrite(data, 1, len, f), len);
	fclose(f);
}

void make_image(const char *name, const char *opts, const char *size)
{
	stage_dir("");
	CHECK_EQ(run("mke2fs -q -F -t ext2 %s -d '%s/stage' '%s' %s", opts, dir, tpath(name), size),
		 0);
	host_disk_load(tpath(name));
	fs_boot();
	struct fs_statfs st;
	CHECK_EQ(t_statfs(&st), 0);
}

int fsck_status(const char *name)
{
	return run("e2fsck -fn '%s' > '%s.fsck' 2>&1", tpath(name), tpath(name));
}

void save_and_fsck(const char *name)
{
	CHECK_EQ(t_sync(), 0);
	CHECK_EQ(disk.bad_requests, 0);
	host_disk_save(tpath(name));
	int s = fsck_status(name);
	/* Some problems (a superblock free count off) leave the exit status
	 * 0 under -n; any fix e2fsck wanted to make counts as a failure. */
	if (s == 0 && run("grep -qE '\\? no$' '%s.fsck'", tpath(name)) == 0)
		s = 100;
	if (s != 0) {
		run("cat '%s.fsck'", tpath(name));
		fs_test_fail(__FILE__, __LINE__, "e2fsck -fn %s: exit status %d", name, s);
	}
}

uint8_t *debugfs_cat(const char *image, const char *path, size_t *len)
{
	char out[512];
	snprintf(out, sizeof(out), "%s.cat", tpath(image));
	if (run("debugfs -R 'cat %s' '%s' > '%s' 2>/dev/null", path, tpath(image), out) != 0)
		return NULL;
	FILE *f = fopen(out, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *buf = malloc((size_t)n + 1);
	*len = fread(buf, 1, (size_t)n, f);
	fclose(f);
	return buf;
}
