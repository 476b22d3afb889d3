/* fiwork: the workload of a fault-injection trial (tools/faultlab.py): fiwork MODE SEED [CMD ARG...] */
#include <files.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ulib.h>

#include "pattern.h"

/* One trial: ROUNDS rounds of work on the component under test; after
 * round INJECT_AFTER the injection command CMD ARG... is run (and waited
 * for), so the fault lands while the workload is in the middle of its
 * work and every later round exercises the faulty code. Modes:
 *
 *   disk    files written, synced, read back and compared (ata, fs)
 *   console lines of known text out, lines the host types in
 *   null    round trips to the null service carrying values
 *   log     the stateful-server lesson: records appended to one file,
 *           each acknowledged by write, synced every SYNC_EVERY; at the
 *           end, what survived is read back
 *   alive   print the restart count: the host's check that the system
 *           still answers after the trial
 *
 * Lines the host reads (everything else is commentary):
 *   FIWORK inject rc=N ms=N         the injector's exit status and time
 *                                   (log mode: at a record the seed picks)
 *   FIWORK error R WHAT: ERR        an operation failed in round R
 *   FIWORK bad R WHAT               a result was wrong with no error said
 *   FIOUT R I TEXT FNV              console mode: the host checks each
 *   FIWORK input? R                 console mode: the host types a line
 *   FIWORK log acked=N synced=N survived=N acked_all=N present=N
 *                                   (see log_report)
 *   FIWORK verdict ok|error|corrupt errors=N bad=N restarts=N extra_ms=N
 * A verdict of corrupt (a wrong byte nobody reported) beats error. */

#define ROUNDS       6
#define INJECT_AFTER 2
#define FILE_BYTES   12288
#define NULL_CALLS   500
#define OUT_LINES    12
#define LOG_RECS     64 /* records per round in log mode */
#define SYNC_EVERY   16
#define REC_BYTES    32

static int errors, bad;
static unsigned seed;

static void error(int round, const char *what, int r)
{
	errors++;
	printf("FIWORK error %d %s: %s\n", round, what, strerror(r));
}

static void wrong(int round, const char *what)
{
	bad++;
	printf("FIWORK bad %d %s\n", round, what);
}

static unsigned restarts(void)
{
	struct kinfo k;

	return kinfo(KINFO_KERNEL, &k) == 0 ? k.restarts : 0;
}

/* --- disk ---------------------------------------------------------------- */
static uint8_t buf[FILE_BYTES];

static void file_name(char *out, size_t n, int r)
{
	snprintf(out, n, "/fiw/f%d", r);
}

static void write_file(int round, int r)
{
	char path[32];

	file_name(path, sizeof(path), r);
	for (uint32_t i = 0; i < FILE_BYTES; i++)
		buf[i] = pattern(seed * 16 + (unsigned)r, i);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC);
	if (fd < 0) {
		error(round, "open for writing", fd);
		return;
	}
	int w = write_all(fd, buf, FILE_BYTES);
	if (w < 0)
		error(round, "write", w);
	int c = close(fd);
	if (c < 0)
		error(round, "close", c);
	int s = sync();
	if (s < 0)
		error(round, "sync", s);
}

/* Reads file r back and compares it with what was written. */
static void check_file(int round, int r)
{
	char path[32], what[48];

	file_name(path, sizeof(path), r);
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		error(round, "open for reading", fd);
		return;
	}
	uint32_t got = 0;
	int n;
	while (got < FILE_BYTES && (n = read(fd, buf + got, FILE_BYTES - got)) > 0)
		got += (uint32_t)n;
	if (n < 0 && got < FILE_BYTES)
		error(round, "read", n);
	close(fd);
	if (n >= 0 && got != FILE_BYTES) {
		snprintf(what, sizeof(what), "%s: %u bytes, not %u", path, got, FILE_BYTES);
		wrong(round, what);
		return;
	}
	for (uint32_t i = 0; i < got; i++)
		if (buf[i] != pattern(seed * 16 + (unsigned)r, i)) {
			snprintf(what, sizeof(what), "%s: byte %u differs", path, i);
			wrong(round, what);
			return;
		}
}

static void disk_round(int round)
{
	write_file(round, round);
	check_file(round, round);
}

/* --- console ------------------------------------------------------------- */
static void console_round(int round)
{
	char text[40], line[80];

	for (int i = 0; i < OUT_LINES; i++) {
		for (int j = 0; j < 32; j++)
			text[j] = (char)('a' +
					 pattern(seed + (unsigned)round, (unsigned)(i * 32 + j)) %
						 26);
		text[32] = 0;
		int n = snprintf(line, sizeof(line), "FIOUT %d %d %s %08x\n", round, i, text,
				 fnv1a(FNV1A_INIT, (const uint8_t *)text, 32));
		int w = write_all(STDOUT_FILENO, line, (size_t)n);
		if (w < 0)
			error(round, "write to the console", w);
	}
	printf("FIWORK input? %d\n", round);
	char want[32];
	snprintf(want, sizeof(want), "fiin-%d-%u", round, seed);
	int n = read(STDIN_FILENO, line, sizeof(line) - 1);
	if (n < 0) {
		error(round, "read from the console", n);
		return;
	}
	line[n] = 0;
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = 0;
	if (strcmp(line, want) != 0)
		wrong(round, "the line typed in");
}

/* --- null ---------------------------------------------------------------- */
static void null_round(int round)
{
	for (int i = 0; i < NULL_CALLS; i++) {
		struct msg m = {.type = NULL_ECHO};
		uint32_t v = (seed * 7919u + (unsigned)(round * NULL_CALLS + i)) & 0xffff;

		m.w[0] = v;
		int r = svc_call(SVC_NULL, &m);
		if (r < 0) {
			error(round, "call null", r);
			return;
		}
		if ((uint32_t)r != v) {
			wrong(round, "null's echo");
			return;
		}
	}
}

/* --- log: the stateful-server lesson ------------------------------------- */
static int log_fd = -1, acked, synced;
static char **inject_cmd;
static int inject_at = -1; /* log mode: before this record (from the seed) */
static int fault_acked = -1, fault_synced = -1;
static int run_injector(char **cmd);

static void record(char *out, int i)
{
	/* 32 bytes: the number and a checksum of it, so a torn record shows. */
	uint32_t h = fnv1a(FNV1A_INIT, (const uint8_t *)&i, sizeof(i)) ^ seed;
	snprintf(out, REC_BYTES + 1, "rec %07d %08x ..........\n", i, h);
}

static void log_round(int round)
{
	char rec[REC_BYTES + 1];

	for (int k = 0; k < LOG_RECS; k++) {
		if (acked == inject_at && inject_cmd) {
			unsigned t = uptime_ms();
			int rc = run_injector(inject_cmd);
			printf("FIWORK inject rc=%d ms=%u at record %d\n", rc, uptime_ms() - t,
			       acked);
			inject_cmd = NULL;
		}
		if (log_fd < 0) {
			/* A careful program reopens after its descriptor died with
			 * the server that gave it, and goes on appending. */
			log_fd = open("/fiw/log", O_WRONLY | O_CREAT | O_APPEND);
			if (log_fd < 0) {
				error(round, "open the log", log_fd);
				continue;
			}
		}
		record(rec, acked);
		int w = write(log_fd, rec, REC_BYTES);
		if (w != REC_BYTES) {
			if (fault_acked < 0) {
				fault_acked = acked;
				fault_synced = synced;
			}
			error(round, "append a record", w < 0 ? w : -EIO);
			close(log_fd);
			log_fd = -1;
			continue;
		}
		acked++;
		if (acked % SYNC_EVERY == 0) {
			int s = sync();
			if (s < 0)
				error(round, "sync", s);
			else
				synced = acked;
		}
	}
}

/* What survived: of the records acknowledged before the first failed call
 * (all of them if none failed), how many are whole in the file, and how
 * many were synced. A synced record that is gone is a lost promise. */
static void log_report(void)
{
	char rec[REC_BYTES + 1], got[REC_BYTES];
	int before = 0, present = 0, fd = open("/fiw/log", O_RDONLY);

	if (log_fd >= 0)
		close(log_fd);
	if (fault_acked < 0) {
		fault_acked = acked;
		fault_synced = synced;
	}
	if (fd < 0) {
		error(ROUNDS, "open the log to read it", fd);
	} else {
		while (read(fd, got, REC_BYTES) == REC_BYTES) {
			int n = (int)strtoul(got + 4, NULL, 10);
			record(rec, n);
			if (n < 0 || n >= acked || memcmp(got, rec, REC_BYTES) != 0)
				continue;
			present++;
			before += n < fault_acked;
		}
		close(fd);
	}
	printf("FIWORK log acked=%d synced=%d survived=%d acked_all=%d present=%d\n", fault_acked,
	       fault_synced, before, acked, present);
	if (fault_synced > before)
		wrong(ROUNDS, "a synced record is gone");
}

/* --- the trial ----------------------------------------------------------- */
static int run_injector(char **cmd)
{
	char path[64];
	int status = 0;

	/* As the shell finds a command: a bare name is a program of /bin. */
	snprintf(path, sizeof(path), "%s%s", strchr(cmd[0], '/') ? "" : "/bin/", cmd[0]);
	int pid = spawn(path, (const char *const *)cmd);

	if (pid < 0)
		return pid;
	if (wait(pid, &status) < 0)
		return -ECHILD;
	return status;
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "alive") == 0) {
		printf("FIWORK alive restarts=%u\n", restarts());
		return 0;
	}
	if (argc < 3) {
		printf("usage: fiwork disk|console|null|log SEED [CMD ARG...] | fiwork alive\n");
		return 2;
	}
	void (*round_fn)(int) = NULL;
	if (strcmp(argv[1], "disk") == 0)
		round_fn = disk_round;
	else if (strcmp(argv[1], "console") == 0)
		round_fn = console_round;
	else if (strcmp(argv[1], "null") == 0)
		round_fn = null_round;
	else if (strcmp(argv[1], "log") == 0)
		round_fn = log_round;
	if (!round_fn) {
		printf("fiwork: unknown mode '%s'\n", argv[1]);
		return 2;
	}
	seed = (unsigned)strtoul(argv[2], NULL, 10);
	int disk = round_fn == disk_round || round_fn == log_round;
	if (disk) {
		int r = mkdir("/fiw");
		if (r < 0 && r != -EEXIST) {
			printf("fiwork: mkdir /fiw: %s\n", strerror(r));
			return 1;
		}
	}
	unsigned r0 = restarts(), base_ms = 0, t_inject = 0;
	if (argc > 3) {
		inject_cmd = argv + 3;
		/* In the log, somewhere in the round after INJECT_AFTER. */
		inject_at = INJECT_AFTER * LOG_RECS + (int)(seed * 37u % LOG_RECS);
	}
	for (int round = 0; round < ROUNDS; round++) {
		if (round == INJECT_AFTER && argc > 3 && round_fn != log_round) {
			t_inject = uptime_ms();
			int rc = run_injector(argv + 3);
			printf("FIWORK inject rc=%d ms=%u\n", rc, uptime_ms() - t_inject);
		}
		unsigned t = uptime_ms();
		round_fn(round);
		if (round < INJECT_AFTER && uptime_ms() - t > base_ms)
			base_ms = uptime_ms() - t;
	}
	/* Everything written is read again at the end, after the fault. */
	if (round_fn == disk_round)
		for (int r = 0; r < ROUNDS; r++)
			check_file(ROUNDS, r);
	if (round_fn == log_round) {
		/* Not counted in synced: that is what the rounds had made
		 * durable when the fault came. */
		int s = sync();
		if (s < 0)
			error(ROUNDS, "sync", s);
		log_report();
	}
	unsigned r1 = restarts();
	/* Time to recover: how much longer the rounds from the injection on
	 * took than the slowest round before it predicts. */
	unsigned extra = 0;
	if (t_inject) {
		unsigned spent = uptime_ms() - t_inject;
		unsigned expect = base_ms * (ROUNDS - INJECT_AFTER);
		extra = spent > expect ? spent - expect : 0;
	}
	printf("FIWORK verdict %s errors=%d bad=%d restarts=%u extra_ms=%u\n",
	       bad      ? "corrupt"
	       : errors ? "error"
			: "ok",
	       errors, bad, r1 - r0, extra);
	return 0;
}
