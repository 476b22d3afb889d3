/* t_powerloss: the workload tools/powerloss.py cuts the power of: files written, then sync, in phases (t_powerloss SEED [PHASES]) */
#include <files.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ulib.h>

#include "pattern.h"

#define TEST_NAME "t_powerloss"
#include "check.h"

/* Each phase writes a few files of random sizes under DIR (some larger
 * than the 1 MiB cache lets stay in memory, so that blocks are evicted
 * before the sync, out of order), each as NAME.tmp renamed to NAME once
 * written, as careful programs save; appends a record to a log; makes and
 * removes scratch files, and removes the previous phase's scratch file,
 * which was synced: a crash may leave it behind holding blocks reused
 * since. Then it syncs and prints what the sync made durable:
 *
 *   SYNC <phase> file <path> <size> <fnv1a>     the whole file
 *   SYNC <phase> prefix <path> <size> <fnv1a>   its first <size> bytes
 *   SYNCED <phase>                              the phase's list is whole
 *
 * Nothing a SYNC line names is changed afterwards (the log only grows), so
 * all of it must read back after a power cut at any later moment. */
#define DIR        "/work/pl"
#define LOG        DIR "/log"
#define PER_PHASE  4
#define MAX_PHASES 64

static uint32_t rng_state;

static uint32_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 17;
	rng_state ^= rng_state << 5;
	return rng_state;
}

/* Writes len bytes of pattern(key) to fd, in writes of random sizes, and
 * returns their FNV-1a continued from h. */
static uint32_t write_pattern(int fd, const char *path, uint32_t key, uint32_t len, uint32_t h)
{
	static uint8_t buf[32768];

	for (uint32_t off = 0; off < len;) {
		uint32_t n = 1 + rng() % sizeof(buf);

		if (n > len - off)
			n = len - off;
		for (uint32_t i = 0; i < n; i++)
			buf[i] = pattern(key, off + i);
		if (write_all(fd, buf, n) < 0)
			fail("write %s at %u", path, off);
		h = fnv1a(h, buf, n);
		off += n;
	}
	return h;
}

/* A file of up to 100 KB, or, when large may be, one of 300 to 700 KB
 * half the time: double indirect blocks, and with the rest of a phase
 * more than the cache holds. At most one a phase, so that 8 phases need
 * at most about 10 MB of the disk. */
static uint32_t file_size(int large)
{
	return large && rng() % 2 ? 300000 + rng() % 400000 : 1 + rng() % 100000;
}

static void make_file(const char *path, uint32_t key, uint32_t size, uint32_t *fnv)
{
	char tmp[FS_PATH_MAX];
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC)) < 0)
		fail("create %s: %s", tmp, strerror(fd));
	*fnv = write_pattern(fd, tmp, key, size, FNV1A_INIT);
	if (close(fd) < 0 || rename(tmp, path) < 0)
		fail("rename %s", tmp);
}

int main(int argc, char **argv)
{
	static char path[PER_PHASE][FS_PATH_MAX];
	static uint32_t size[PER_PHASE], fnv[PER_PHASE];
	uint32_t seed = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 1;
	int phases = argc > 2 ? atoi(argv[2]) : 8;
	uint32_t log_len = 0, log_fnv = FNV1A_INIT;
	char scratch[FS_PATH_MAX] = "";
	int fd, r;

	if (phases < 1 || phases > MAX_PHASES)
		fail("phases must be 1 to %d", MAX_PHASES);
	rng_state = seed * 2654435761u + 1;
	if ((r = mkdir(DIR)) < 0)
		fail("mkdir " DIR ": %s", strerror(r));
	for (int k = 1; k <= phases; k++) {
		for (int j = 0; j < PER_PHASE; j++) {
			snprintf(path[j], sizeof(path[j]), DIR "/%d-%d", k, j);
			size[j] = file_size(j == 0);
			make_file(path[j], seed * 1000 + (uint32_t)(k * PER_PHASE + j), size[j],
				  &fnv[j]);
		}
		/* The previous phase's scratch file goes; a new one comes, and a
		 * file that lives only between two syncs. */
		if (scratch[0] && (r = unlink(scratch)) < 0)
			fail("unlink %s: %s", scratch, strerror(r));
		snprintf(scratch, sizeof(scratch), DIR "/scratch-%d", k);
		uint32_t ignored;

		make_file(scratch, seed + (uint32_t)k, file_size(0), &ignored);
		make_file(DIR "/brief", seed - (uint32_t)k, file_size(0), &ignored);
		if ((r = unlink(DIR "/brief")) < 0)
			fail("unlink brief: %s", strerror(r));
		if ((fd = open(LOG, O_WRONLY | O_CREAT | O_APPEND)) < 0)
			fail("open " LOG ": %s", strerror(fd));
		uint32_t add = 1 + rng() % 3000;

		log_fnv = write_pattern(fd, LOG, seed, add, log_fnv);
		close(fd);
		log_len += add;
		if ((r = sync()) < 0)
			fail("sync: %s", strerror(r));
		for (int j = 0; j < PER_PHASE; j++)
			printf("SYNC %d file %s %u %08x\n", k, path[j], (unsigned)size[j],
			       (unsigned)fnv[j]);
		printf("SYNC %d prefix %s %u %08x\n", k, LOG, (unsigned)log_len, (unsigned)log_fnv);
		printf("SYNCED %d\n", k);
	}
	printf("DONE\n");
	return 0;
}
