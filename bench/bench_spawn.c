/* bench_spawn: process spawn plus exit: spawn and wait for /bin/true */
#include "bench.h"

/* One sample is spawn() of /bin/true (a program that returns at once)
 * followed by wait() for it: creating the process, its address space and
 * its first thread, loading the ELF, running crt0 and libc's start-up, the
 * exit, and the reaping. Two figures:
 *
 *   spawn     the ELF comes from the kernel's initial ramdisk (SYS_SPAWN
 *             with no image): the kernel's work only, no file service.
 *   spawn_fs  libc's spawn(): the ELF is read from the file system into the
 *             parent's memory (FS_OPEN, FS_FSTAT, FS_READ, FS_CLOSE, all
 *             from the file service's cache after the warm-up), then handed
 *             to SYS_SPAWN. This is how the shell starts every program.
 *             The file is first read into the cache in small requests
 *             (bench_warm says why). */
#define PROG "/bin/true"

static uint64_t once_initrd(uint64_t overhead)
{
	static const char *const argv[] = {"true", NULL};
	int status;
	uint64_t t0 = bench_rdtsc();
	int pid = syscall(SYS_SPAWN, (uint32_t)PROG, (uint32_t)argv, 0, 0, 0);

	if (pid < 0)
		bench_fail("spawn %s from the ramdisk: %s", PROG, strerror(pid));
	if (wait(pid, &status) != pid || status != 0)
		bench_fail("%s ended with status %#x", PROG, (unsigned)status);
	return bench_elapsed(t0, bench_rdtsc(), overhead);
}

static uint64_t once_fs(uint64_t overhead)
{
	static const char *const argv[] = {"true", NULL};
	int status;
	uint64_t t0 = bench_rdtsc();
	int pid = spawn(PROG, argv);

	if (pid < 0)
		bench_fail("spawn %s: %s", PROG, strerror(pid));
	if (wait(pid, &status) != pid || status != 0)
		bench_fail("%s ended with status %#x", PROG, (unsigned)status);
	return bench_elapsed(t0, bench_rdtsc(), overhead);
}

int main(int argc, char **argv)
{
	uint64_t *v = bench_samples();
	uint64_t overhead = bench_overhead();
	int first = bench_args(argc, argv);
	int runs = bench_pick(200, 40);

	/* Arguments: which figures, initrd and/or fs (default: both). */
	static const char *const both[] = {"initrd", "fs"};
	const char *const *list = first < argc ? (const char *const *)argv + first : both;
	int n = first < argc ? argc - first : 2;

	for (int i = 0; i < n; i++)
		if (strcmp(list[i], "initrd") != 0 && strcmp(list[i], "fs") != 0)
			bench_fail("unknown figure '%s' (initrd or fs)", list[i]);
	for (int i = 0; i < n; i++) {
		const char *what = list[i];

		if (strcmp(what, "initrd") == 0) {
			for (int k = 0; k < 10; k++)
				once_initrd(overhead);
			for (int k = 0; k < runs; k++)
				v[k] = once_initrd(overhead);
			bench_report("spawn", 0, v, runs);
			continue;
		}
		/* Only when the program really comes from the disk: libc's
		 * spawn falls back to the ramdisk when it cannot open the
		 * file, and that figure is the one above. */
		bench_need_fs("/work");
		int r = bench_warm(PROG, 0);

		if (r < 0) {
			char why[100];

			snprintf(why, sizeof(why), "spawn_fs: %s is not on the disk (%s)", PROG,
				 strerror(r));
			bench_skip(why);
		}
		for (int k = 0; k < 10; k++)
			once_fs(overhead);
		for (int k = 0; k < runs; k++)
			v[k] = once_fs(overhead);
		bench_report("spawn_fs", 0, v, runs);
	}
	return 0;
}
