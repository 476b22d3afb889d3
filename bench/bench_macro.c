/* bench_macro: a shell script that creates, copies, reads, lists and deletes a tree */
#include "bench.h"

/* One sample is one run of /bench/macro.sh by /bin/sh, from spawn to the
 * shell's exit: sixteen programs (mkdir, cp, write, cat, ls, mv, stat,
 * rm), each loaded from the file system by libc's spawn, each reading or
 * writing files through the file service. It is the one figure here that
 * mixes everything, the way real work does: the ratio micro/mono on it says
 * what isolation costs a user, where nullsvc says what it costs a message.
 *
 * After the warm-up run everything it reads is in the file service's cache
 * (make bench's disk has its programs without debug information, so they
 * fit), and what it writes it deletes again before the blocks are written
 * back (a freed block is never written): the runs measured hardly wait for
 * the disk, so under -icount the figure is nearly all instructions. The
 * file service's own write-back of metadata every 5 s can land in a run.
 *
 * make bench puts the script on its disk image (bench/bench.mk); the shell
 * reads it as its standard input (STDIN=, user/libc/start.c) and writes
 * its prompts to a file (STDOUT=). The commands' own output goes to files
 * by the script's redirections; their error messages would reach the
 * console, where tools/bench.py treats them as a failure. */
#define SCRIPT "/bench/macro.sh"
#define DONE   "/work/macro.done"

static uint64_t once(uint64_t overhead)
{
	static const char *const argv[] = {"sh", NULL};
	static const char *const envp[] = {"PWD=/work", "STDIN=" SCRIPT,
					   "STDOUT=/work/macro.prompts", NULL};
	int status, r;
	uint64_t t0 = bench_rdtsc();
	int pid = spawn_env("/bin/sh", argv, envp);

	if (pid < 0)
		bench_fail("spawn /bin/sh: %s", strerror(pid));
	if (wait(pid, &status) != pid || status != 0)
		bench_fail("sh ended with status %#x", (unsigned)status);
	uint64_t t1 = bench_rdtsc();

	/* The script's last two lines: it ran to its end. */
	if ((r = bench_path_op(FS_UNLINK, DONE)) < 0)
		bench_fail("the script did not finish (%s: %s)", DONE, strerror(r));
	if (bench_path_op(FS_STAT, "/work/macro") != -ENOENT)
		bench_fail("the script left /work/macro behind");
	return bench_elapsed(t0, t1, overhead);
}

int main(int argc, char **argv)
{
	uint64_t *v = bench_samples();
	uint64_t overhead = bench_overhead();
	int runs;

	bench_args(argc, argv);
	runs = bench_pick(20, 3);
	bench_need_fs("/work");
	if (bench_path_op(FS_STAT, SCRIPT) < 0)
		bench_skip("no " SCRIPT " (make bench puts it on its own disk image)");
	bench_path_op(FS_UNLINK, DONE);
	once(overhead); /* warm-up: the programs and the inputs into the cache */
	for (int i = 0; i < runs; i++)
		v[i] = once(overhead);
	bench_path_op(FS_UNLINK, "/work/macro.prompts");
	bench_report("macro", 0, v, runs);
	return 0;
}
