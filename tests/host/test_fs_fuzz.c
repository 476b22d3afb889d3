/* File service: a bounded, deterministic fuzzer. Each iteration copies a
 * small valid image, changes a few bytes of its metadata (superblock,
 * group descriptors, bitmaps, inode table, directory and indirect blocks),
 * mounts it and works on it: a recursive listing (depth-limited), reading
 * every file, following, reading and making symbolic links, creating,
 * writing, renaming and removing. The fs must not
 * crash, hang (an alarm per iteration), touch memory it should not
 * (ASan, UBSan) or send the disk a request outside it.
 *
 * FUZZ_ITERS in the environment sets the number of iterations (make
 * fuzz-fs runs many); FUZZ_SEED the first seed. A failure prints the
 * iteration, which replays alone with FUZZ_SEED=<it> FUZZ_ITERS=1. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sanitizer/common_interface_defs.h>

#include "fs_test.h"

#define DEFAULT_ITERS 4000
#define IMG_BYTES     (2u << 20)

struct region {
	uint32_t off, len;
};

struct image {
	uint8_t *bytes;
	struct region r[16];
	int nr;
};

static struct image imgs[2];
static uint32_t cur_iter;

static uint64_t rng_state;
static uint32_t rng(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng_state >> 33);
}

static uint32_t shell_num(const char *fmt, const char *arg, const char *img)
{
	char cmd[1024], out[64] = "";
	snprintf(cmd, sizeof(cmd), fmt, arg, img);
	FILE *p = popen(cmd, "r");
	CHECK(p != NULL);
	if (!fgets(out, sizeof(out), p))
		out[0] = 0;
	pclose(p);
	return (uint32_t)strtoul(out, NULL, 10);
}

static void add_region(struct image *im, uint32_t off, uint32_t len)
{
	if (len && off + len <= IMG_BYTES && im->nr < 16)
		im->r[im->nr++] = (struct region){off, len};
}

static void add_block_of(struct image *im, const char *path, uint32_t lblk, uint32_t bs,
			 const char *img)
{
	char arg[256];
	snprintf(arg, sizeof(arg), "%s %u", path, (unsigned)lblk);
	uint32_t b = shell_num("debugfs -R 'bmap %s' '%s' 2>/dev/null", arg, img);
	if (b)
		add_region(im, b * bs, bs);
}

static void build(struct image *im, const char *name, const char *opts)
{
	make_image(name, opts, "2M");
	im->bytes = malloc(IMG_BYTES);
	memcpy(im->bytes, disk.img, IMG_BYTES);
	const char *img = tpath(name);
	uint32_t bs = 1024u << *(uint32_t *)(im->bytes + 1024 + 24);
	uint32_t gdt = bs == 1024 ? 2048 : bs;
	uint32_t isz = *(uint16_t *)(im->bytes + 1024 + 88);
	uint32_t bb, ib, it;
	memcpy(&bb, im->bytes + gdt, 4);
	memcpy(&ib, im->bytes + gdt + 4, 4);
	memcpy(&it, im->bytes + gdt + 8, 4);
	add_region(im, 1024, 1024);        /* superblock */
	add_region(im, gdt, 64);           /* group descriptors */
	add_region(im, bb * bs, bs);       /* block bitmap */
	add_region(im, ib * bs, bs);       /* inode bitmap */
	add_region(im, it * bs, 40 * isz); /* the inodes in use */
	add_block_of(im, "/", 0, bs, img); /* directories */
	add_block_of(im, "/a", 0, bs, img);
	add_block_of(im, "/a/b", 0, bs, img);
	add_block_of(im, "/many", 0, bs, img);
	add_block_of(im, "/many", 1, bs, img);
	add_block_of(im, "/slowlink", 0, bs, img); /* a link's target */
	uint32_t ino = shell_num("debugfs -R 'stat %s' '%s' 2>/dev/null | "
				 "sed -n 's/^Inode: \\([0-9]*\\).*/\\1/p'",
				 "/big", img);
	CHECK(ino > 0);
	uint32_t ind;
	memcpy(&ind, im->bytes + it * bs + (ino - 1) * isz + 40 + 48, 4);
	add_region(im, ind * bs, bs); /* an indirect block */
	memcpy(&ind, im->bytes + it * bs + (ino - 1) * isz + 40 + 52, 4);
	if (ind)
		add_region(im, ind * bs, bs); /* the double indirect one */
	CHECK(im->nr >= 9);
}

static void stage(void)
{
	static uint8_t buf[300000];
	char p[64];
	pattern(buf, sizeof(buf), 1);
	stage_file("small", "small file\n", 11);
	stage_file("mid", buf, 20000);
	stage_file("big", buf, sizeof(buf));
	stage_dir("a/b/c");
	stage_file("a/one", buf, 3000);
	stage_file("a/b/two", buf, 5000);
	stage_file("a/b/c/three", buf, 7);
	stage_dir("many");
	for (int i = 0; i < 60; i++) {
		snprintf(p, sizeof(p), "many/entry-number-%02d", i);
		stage_file(p, p, strlen(p));
	}
	CHECK_EQ(
		run("cd '%s/stage' && ln -s small link && ln -s a alink && ln -s loopy loopy && "
		    "ln -s ./././././././././././././././././././././././././././././././././small "
		    "slowlink",
		    tmpdir()),
		0);
}

static const uint32_t interesting32[] = {0,          1,     2,      11,         12,
					 0xFF,       0x400, 0x1000, 0x7FFFFFFF, 0x80000000,
					 0xFFFFFFFF, 2047,  2048,   256,        513};
static const uint16_t interesting16[] = {0,    1,    4,    8,      12,     0xFFFF,
					 1024, 4096, 1012, 0x4000, 0x8000, 0xA000};

static void mutate(uint8_t *img, const struct image *im)
{
	int n = 1 + (int)(rng() % 6);
	const struct region *r = &im->r[rng() % (uint32_t)im->nr];
	for (int i = 0; i < n; i++) {
		if (rng() % 4 == 0)
			r = &im->r[rng() % (uint32_t)im->nr];
		uint32_t off = r->off + rng() % r->len;
		switch (rng() % 4) {
		case 0:
			img[off] = (uint8_t)rng();
			break;
		case 1:
			img[off] ^= (uint8_t)(1u << (rng() % 8));
			break;
		case 2: {
			off &= ~3u;
			uint32_t v = interesting32[rng() % (sizeof(interesting32) / 4)];
			memcpy(img + off, &v, 4);
			break;
		}
		default: {
			off &= ~1u;
			uint16_t v = interesting16[rng() % (sizeof(interesting16) / 2)];
			memcpy(img + off, &v, 2);
		}
		}
	}
}

static uint32_t budget; /* operations left in this iteration */

static void walk(const char *dir, int depth)
{
	static struct fs_dirent ent;
	static uint8_t buf[65536];
	char path[FS_PATH_MAX * 2];
	int h = t_open(dir, O_RDONLY | O_DIRECTORY);
	if (h < 0)
		return;
	for (int n = 0; n < 200 && budget; n++, budget--) {
		if (t_readdir(h, &ent) != 1)
			break;
		if (!strcmp(ent.name, ".") || !strcmp(ent.name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", strcmp(dir, "/") ? dir : "", ent.name);
		if (strlen(path) >= FS_PATH_MAX)
			continue;
		struct fs_stat st;
		if (t_stat(path, &st) < 0)
			continue;
		if ((st.mode & S_IFMT) == S_IFDIR && depth < 6) {
			walk(path, depth + 1);
		} else if ((st.mode & S_IFMT) == S_IFREG) {
			int f = t_open(path, O_RDONLY);
			if (f < 0)
				continue;
			for (int k = 0; k < 40 && budget; k++, budget--)
				if (t_read(f, buf, sizeof(buf)) <= 0)
					break;
			t_close(f);
		}
	}
	t_close(h);
}

static void work(void)
{
	static uint8_t data[20000];
	pattern(data, sizeof(data), cur_iter);
	budget = 3000;
	walk("/", 0);
	int h = t_open("/fuzz-new", O_RDWR | O_CREAT);
	if (h >= 0) {
		t_write(h, data, sizeof(data));
		t_seek(h, 0, SEEK_SET);
		t_read(h, data, sizeof(data));
		t_truncate(h, 100);
		t_close(h);
	}
	/* symbolic links: followed, read, made and removed */
	struct fs_stat st;
	char target[FS_PATH_MAX];
	t_lstat("/link", &st);
	t_readlink("/slowlink", target, sizeof(target));
	t_stat("/slowlink", &st);
	t_stat("/alink/b/c/three", &st);
	t_stat("/loopy/x", &st);
	t_mkdir("/fz");
	t_symlink("../small", "/fz/fast");
	t_symlink("/alink/./././././././././././././././././././././././././././b/two", "/fz/slow");
	h = t_open("/fz/slow", O_RDONLY);
	if (h >= 0) {
		t_read(h, data, sizeof(data));
		t_close(h);
	}
	t_unlink("/fz/fast");
	t_unlink("/fz/slow");
	t_rename("/fuzz-new", "/fz/moved");
	t_rename("/a", "/fz/a");
	t_link("/small", "/fz/small2");
	t_unlink("/fz/small2");
	t_unlink("/fz/moved");
	t_rename("/fz/a", "/a");
	t_rmdir("/fz");
	t_unlink("/mid");
	t_rmdir("/a/b/c");
	h = t_open("/big", O_RDWR);
	if (h >= 0) {
		t_truncate(h, 5000);
		t_close(h);
	}
	t_sync();
}

/* A sanitizer report ends the process: say which iteration it was. */
static void on_death(void)
{
	fprintf(stderr, "test_fs_fuzz: died in iteration %u (FUZZ_SEED=%u FUZZ_ITERS=1)\n",
		(unsigned)cur_iter, (unsigned)cur_iter);
}

static void on_alarm(int sig)
{
	(void)sig;
	on_death();
	fprintf(stderr, "test_fs_fuzz: that iteration hung\n");
	_exit(3);
}

static void test_fuzz(void)
{
	const char *e = getenv("FUZZ_ITERS");
	uint32_t iters = e ? (uint32_t)strtoul(e, NULL, 10) : DEFAULT_ITERS;
	e = getenv("FUZZ_SEED");
	uint32_t first = e ? (uint32_t)strtoul(e, NULL, 10) : 0;
	stage();
	build(&imgs[0], "f1.img", "-b 1024");
	build(&imgs[1], "f4.img", "-b 4096 -I 128");
	signal(SIGALRM, on_alarm);
	__sanitizer_set_death_callback(on_death);
	time_t t0 = time(NULL);
	uint32_t mounted = 0;
	for (uint32_t it = first; it < first + iters; it++) {
		cur_iter = it;
		rng_state = it * 0x9E3779B97F4A7C15ull + 1;
		const struct image *im = &imgs[it % 2];
		uint8_t *img = malloc(IMG_BYTES);
		memcpy(img, im->bytes, IMG_BYTES);
		mutate(img, im);
		host_disk_set(img, IMG_BYTES);
		host_quiet = 1;
		alarm(20);
		fs_boot();
		struct fs_statfs st;
		if (t_statfs(&st) == 0) {
			mounted++;
			work();
			/* every handle closed: no inode reference left behind */
			if (icache_refs())
				fs_test_fail(__FILE__, __LINE__,
					     "iteration %u: %u inode references leaked", it,
					     (unsigned)icache_refs());
		}
		alarm(0);
		host_quiet = 0;
		if (disk.bad_requests)
			fs_test_fail(__FILE__, __LINE__, "iteration %u: bad disk request", it);
		if ((it - first) % 500 == 499)
			printf("iteration %u, %u mounted\n", it + 1 - first, mounted);
	}
	printf("%u iterations (seeds %u..%u), %u mounted, %ld s\n", iters, first, first + iters - 1,
	       mounted, (long)(time(NULL) - t0));
	CHECK(iters < 20 || mounted > iters / 4); /* most mutations are survivable */
	free(imgs[0].bytes);
	free(imgs[1].bytes);
}

int main(void)
{
	static const struct fs_test tests[] = {FS_TEST(test_fuzz)};
	return fs_run_tests(tests, 1);
}
