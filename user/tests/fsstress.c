/* fsstress: a fixed-seed workload under /work/stress; writes /work/MANIFEST for check-disk.py */
#define TEST_NAME "fsstress"
#include <files.h>
#include <stdlib.h>

#include "check.h"

#include "pattern.h"

/* What it does: creates, appends to, rewrites, truncates, overwrites,
 * renames and deletes files, and makes, moves and removes directories,
 * all under ROOT, chosen by a pseudo-random generator with a fixed seed.
 * Two files grow past 1 MiB (double indirect blocks with 1 KiB blocks),
 * one of them a piece at a time between the other operations, so that
 * its blocks are scattered.
 *
 * Every file's contents are a function of a key and the offset
 * (pattern()), so the program knows what each file must hold without
 * keeping it in memory: a model of the tree (files with key and size,
 * directories) is updated with every operation. At the end each file is
 * read back and compared with the model, and MANIFEST lists the model:
 *
 *     # comment lines
 *     dir <path>
 *     file <size> <fnv1a-32, 8 hex digits> <path>
 *
 * for ROOT and everything below it. The checksum is FNV-1a 32 (offset
 * basis 2166136261, prime 16777619) over the file's bytes. The same seed
 * gives the same operations, so the same MANIFEST, on every run and on
 * both kernels; the tree is removed first. */

#define ROOT       "/work/stress"
#define MANIFEST   "/work/MANIFEST"
#define SEED       0x5EED1234u
#define OPERATIONS 300
#define MAX_FILES  48
#define MAX_DIRS   16
#define SMALL_MAX  (40 * 1024) /* largest ordinary file written at once */
#define BIG0_SIZE  (1200 * 1024)
#define BIG1_START (300 * 1024)
#define BIG1_STEP  (160 * 1024) /* appended every BIG1_EVERY operations */
#define BIG1_EVERY 50

struct file {
	int used, big;
	char path[FS_PATH_MAX];
	uint32_t key, size;
};

struct dir {
	int used, fixed; /* fixed: ROOT and its first directories, never removed */
	char path[FS_PATH_MAX];
};

static struct file files[MAX_FILES];
static struct dir dirs[MAX_DIRS];
static uint32_t rng = SEED;
static uint32_t next_name;
static uint8_t buf[8192];

static uint32_t random32(void) /* xorshift32 */
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static uint32_t below(uint32_t n)
{
	return n ? random32() % n : 0;
}

/* What the model says the checksum of a file is. */
static uint32_t model_checksum(const struct file *f)
{
	uint32_t h = FNV1A_INIT;

	for (uint32_t off = 0; off < f->size; off++) {
		h ^= pattern(f->key, off);
		h *= 16777619u;
	}
	return h;
}

static void must(int r, const char *what, const char *path)
{
	if (r < 0)
		fail("%s %s: %s", what, path, strerror(r));
}

/* Writes pattern(key) for [off, off + len) at the descriptor's position,
 * in pieces of varying size. */
static void write_pattern(int fd, const char *path, uint32_t key, uint32_t off, uint32_t len)
{
	while (len > 0) {
		uint32_t n = 1 + below(sizeof(buf));

		if (n > len)
			n = len;
		for (uint32_t i = 0; i < n; i++)
			buf[i] = pattern(key, off + i);
		must(write_all(fd, buf, n), "write", path);
		off += n;
		len -= n;
	}
}

static struct file *pick_file(int allow_big)
{
	uint32_t start = below(MAX_FILES);

	for (uint32_t i = 0; i < MAX_FILES; i++) {
		struct file *f = &files[(start + i) % MAX_FILES];

		if (f->used && (allow_big || !f->big))
			return f;
	}
	return NULL;
}

static struct dir *pick_dir(void)
{
	uint32_t start = below(MAX_DIRS);

	for (uint32_t i = 0;; i++) {
		struct dir *d = &dirs[(start + i) % MAX_DIRS];

		if (d->used)
			return d;
	}
}

static int is_below(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return strncmp(path, dir, n) == 0 && path[n] == '/';
}

static void create_file(const char *dir, const char *prefix, uint32_t size, int big)
{
	for (int i = 0; i < MAX_FILES; i++) {
		struct file *f = &files[i];

		if (f->used)
			continue;
		snprintf(f->path, sizeof(f->path), "%s/%s%u", dir, prefix, next_name++);
		f->key = random32();
		f->size = size;
		f->big = big;
		f->used = 1;
		int fd = open(f->path, O_WRONLY | O_CREAT | O_EXCL);

		must(fd, "create", f->path);
		write_pattern(fd, f->path, f->key, 0, size);
		must(close(fd), "close", f->path);
		return;
	}
}

static void append(struct file *f, uint32_t len)
{
	int fd = open(f->path, O_WRONLY | O_APPEND);

	must(fd, "open for appending", f->path);
	write_pattern(fd, f->path, f->key, f->size, len);
	f->size += len;
	must(close(fd), "close", f->path);
}

static void rewrite(struct file *f)
{
	int fd = open(f->path, O_WRONLY | O_TRUNC);

	must(fd, "open with O_TRUNC", f->path);
	f->key = random32();
	f->size = below(SMALL_MAX);
	write_pattern(fd, f->path, f->key, 0, f->size);
	must(close(fd), "close", f->path);
}

/* Writes the bytes the file already holds over a range of it: partial
 * blocks are read, changed and written again, and must come out equal. */
static void overwrite(struct file *f)
{
	uint32_t from = below(f->size), len = below(f->size - from) % 20000;
	int fd = open(f->path, O_RDWR);

	must(fd, "open for overwriting", f->path);
	must(lseek(fd, (int32_t)from, SEEK_SET), "lseek", f->path);
	write_pattern(fd, f->path, f->key, from, len);
	must(close(fd), "close", f->path);
}

static void shrink(struct file *f)
{
	int fd = open(f->path, O_WRONLY);

	must(fd, "open for truncating", f->path);
	f->size = below(f->size + 1);
	must(ftruncate(fd, f->size), "ftruncate", f->path);
	must(close(fd), "close", f->path);
}

static void move_file(struct file *f)
{
	char to[FS_PATH_MAX];

	snprintf(to, sizeof(to), "%s/r%u", pick_dir()->path, next_name++);
	must(rename(f->path, to), "rename", f->path);
	strlcpy(f->path, to, sizeof(f->path));
}

static void make_dir(void)
{
	for (int i = 0; i < MAX_DIRS; i++) {
		struct dir *d = &dirs[i];

		if (d->used)
			continue;
		snprintf(d->path, sizeof(d->path), "%s/s%u", pick_dir()->path, next_name++);
		if (strlen(d->path) > 120)
			return; /* deep enough */
		must(mkdir(d->path), "mkdir", d->path);
		d->used = 1;
		return;
	}
}

/* Whether anything of the model lies below the directory. */
static int occupied(const char *dir)
{
	for (int i = 0; i < MAX_FILES; i++)
		if (files[i].used && is_below(files[i].path, dir))
			return 1;
	for (int i = 0; i < MAX_DIRS; i++)
		if (dirs[i].used && is_below(dirs[i].path, dir))
			return 1;
	return 0;
}

static void remove_dir(struct dir *d)
{
	if (d->fixed || occupied(d->path))
		return;
	must(rmdir(d->path), "rmdir", d->path);
	d->used = 0;
}

/* Moves a directory with everything in it under another one, and renames
 * the model's paths below it to match. */
static void move_dir(struct dir *d)
{
	char from[FS_PATH_MAX], to[FS_PATH_MAX];
	struct dir *parent = pick_dir();
	size_t n;

	if (d->fixed || parent == d || is_below(parent->path, d->path))
		return;
	snprintf(to, sizeof(to), "%s/m%u", parent->path, next_name++);
	strlcpy(from, d->path, sizeof(from));
	n = strlen(from);
	for (int i = 0; i < MAX_FILES; i++)
		if (files[i].used && is_below(files[i].path, from) &&
		    strlen(to) + strlen(files[i].path + n) >= FS_PATH_MAX)
			return; /* a path would grow too long */
	for (int i = 0; i < MAX_DIRS; i++)
		if (dirs[i].used && is_below(dirs[i].path, from) &&
		    strlen(to) + strlen(dirs[i].path + n) > 120)
			return; /* deep enough, as make_dir says */
	must(rename(from, to), "rename directory", from);
	for (int i = 0; i < MAX_FILES; i++) {
		if (files[i].used && is_below(files[i].path, from)) {
			char rest[FS_PATH_MAX];

			strlcpy(rest, files[i].path + n, sizeof(rest));
			snprintf(files[i].path, sizeof(files[i].path), "%s%s", to, rest);
		}
	}
	for (int i = 0; i < MAX_DIRS; i++) {
		if (dirs[i].used && (dirs[i].path == d->path || is_below(dirs[i].path, from))) {
			char rest[FS_PATH_MAX];

			strlcpy(rest, dirs[i].path + n, sizeof(rest));
			snprintf(dirs[i].path, sizeof(dirs[i].path), "%s%s", to, rest);
		}
	}
}

static void one_operation(void)
{
	uint32_t op = below(100);
	struct file *f;

	if (op < 25) {
		create_file(pick_dir()->path, "f", below(4) ? below(SMALL_MAX) : 0, 0);
	} else if (op < 40) {
		if ((f = pick_file(0)))
			append(f, below(SMALL_MAX / 2));
	} else if (op < 48) {
		if ((f = pick_file(0)))
			rewrite(f);
	} else if (op < 56) {
		if ((f = pick_file(1)) && f->size)
			overwrite(f);
	} else if (op < 62) {
		if ((f = pick_file(0)))
			shrink(f);
	} else if (op < 72) {
		if ((f = pick_file(1)))
			move_file(f);
	} else if (op < 84) {
		if ((f = pick_file(0))) {
			must(unlink(f->path), "unlink", f->path);
			f->used = 0;
		}
	} else if (op < 91) {
		make_dir();
	} else if (op < 96) {
		remove_dir(pick_dir());
	} else {
		move_dir(pick_dir());
	}
}

/* Reads the file and compares it with the model. */
static void verify(const struct file *f)
{
	uint32_t h = 2166136261u, off = 0;
	int fd = open(f->path, O_RDONLY), n;

	must(fd, "open for verifying", f->path);
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		for (int i = 0; i < n; i++)
			if (buf[i] != pattern(f->key, off + (uint32_t)i))
				fail("%s: byte %u is %#x, want %#x", f->path, off + i, buf[i],
				     pattern(f->key, off + (uint32_t)i));
		h = fnv1a(h, buf, (uint32_t)n);
		off += (uint32_t)n;
	}
	must(n, "read", f->path);
	close(fd);
	if (off != f->size)
		fail("%s: %u bytes, want %u", f->path, off, f->size);
	if (h != model_checksum(f))
		fail("%s: checksum %08x differs from the model's", f->path, h);
}

static void write_manifest(void)
{
	int fd = open(MANIFEST, O_WRONLY | O_CREAT | O_TRUNC);

	must(fd, "create", MANIFEST);
	dprintf(fd,
		"# fsstress manifest (user/tests/fsstress.c): seed %#x, %d operations\n"
		"# dir <path> | file <size> <fnv1a-32> <path>\n",
		SEED, OPERATIONS);
	for (int i = 0; i < MAX_DIRS; i++)
		if (dirs[i].used)
			dprintf(fd, "dir %s\n", dirs[i].path);
	for (int i = 0; i < MAX_FILES; i++)
		if (files[i].used)
			dprintf(fd, "file %u %08x %s\n", files[i].size, model_checksum(&files[i]),
				files[i].path);
	must(close(fd), "close", MANIFEST);
}

int main(void)
{
	static const char *const rm[] = {"/bin/rm", "-rf", ROOT, MANIFEST, NULL};
	int status, pid, nfiles = 0, ndirs = 0;
	struct file *big1;

	/* A fresh start: what an earlier run left goes first. */
	pid = spawn(rm[0], rm);
	if (pid < 0 || wait(pid, &status) != pid || status != 0)
		fail("rm -rf " ROOT " did not work");
	must(mkdir(ROOT), "mkdir", ROOT);
	dirs[0] = (struct dir){1, 1, ROOT};
	for (int i = 1; i <= 3; i++) {
		dirs[i] = (struct dir){1, 1, ""};
		snprintf(dirs[i].path, sizeof(dirs[i].path), ROOT "/d%d", i - 1);
		must(mkdir(dirs[i].path), "mkdir", dirs[i].path);
	}
	create_file(dirs[1].path, "big", BIG0_SIZE, 1);
	create_file(dirs[2].path, "big", BIG1_START, 1);
	big1 = &files[1];
	printf("ok   two big files, %u and %u bytes\n", files[0].size, files[1].size);

	for (int i = 1; i <= OPERATIONS; i++) {
		one_operation();
		if (i % BIG1_EVERY == 0)
			append(big1, BIG1_STEP);
	}
	printf("ok   %d operations\n", OPERATIONS);

	for (int i = 0; i < MAX_FILES; i++) {
		if (files[i].used) {
			verify(&files[i]);
			nfiles++;
		}
	}
	for (int i = 0; i < MAX_DIRS; i++) {
		struct fs_stat st;

		if (dirs[i].used) {
			must(stat(dirs[i].path, &st), "stat", dirs[i].path);
			if (!S_ISDIR(st.mode))
				fail("%s is not a directory", dirs[i].path);
			ndirs++;
		}
	}
	printf("ok   %d files read back as the model says, %d directories\n", nfiles, ndirs);
	write_manifest();
	check_int("sync", sync(), 0);
	pass();
}
