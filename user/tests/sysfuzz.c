/* sysfuzz: random system calls and service messages with hostile arguments (sysfuzz [-s SEED] [-n CALLS] [-p PROCS]) */
#include <abi/fs.h>
#include <abi/net.h>
#include <files.h>
#include <memlayout.h>
#include <stdlib.h>

#define TEST_NAME "sysfuzz"
#include "check.h"

/* In the style of xv6's grind: PROCS worker processes each make CALLS
 * random requests, from a seed, so that a run is reproducible: the same
 * seed makes the same calls (their answers may differ with timing). Each
 * request is one of
 *   - any system call number, 0 to past the dispatch table, the server-only
 *     ones of micro included, with hostile arguments: NULL, kernel
 *     addresses, the program's own read-only text, unmapped pages, lengths
 *     that wrap;
 *   - a message to any service number, of any type (the system types that
 *     need PRIV_FAULT too, which this program does not hold), with hostile
 *     words and a forged grant;
 *   - requests of the file and network services that make sense, with
 *     hostile parts, so that their deeper code runs too;
 *   - a spawn of a structurally valid ELF image with hostile segments.
 * Left out are only the calls that end the test by design: exit and
 * poweroff; a sleep longer than a few milliseconds; a network request that
 * would wait with no end (each gets NET_NONBLOCK or a short timeout, as a
 * program that must not wait for good would); and the console, whose
 * reads would take the shell's input and whose writes would print
 * garbage where the test runner looks for the prompt. A bad argument must
 * get an error, never a kernel fault, a hang, or the death of the caller.
 * Afterwards the parent checks that the system still works. */

#define WORKER_ARG "--worker"
#define DIR        "/work/sysfuzz"
#define MAX_PROCS  8
#define IMAGE_SIZE 8192

/* The buffers the calls point at are the last pages of the heap, so that
 * what a call writes past them (a pointer near their end, a length that
 * runs on) finds unmapped memory, not this program's own state. */
#define BUF_SIZE (3 * 4096)
static uint8_t *buf, *image;
static struct msg *msgbuf;
static uint32_t rng;
static int counts[4]; /* ok, -EFAULT, -EPERM or -ENOSYS, other errors */
static int verbose;   /* print each call: to find the one that did harm */

static uint32_t rnd(void)
{
	/* xorshift32 (Marsaglia): enough, and the same on every machine. A
	 * random pointer can still land here, once in a long while: 0 would
	 * be a fixed point. */
	if (!rng)
		rng = 0x9E3779B9u;
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

static uint32_t pick(const uint32_t *v, uint32_t n)
{
	return v[rnd() % n];
}

#define PICK(v) pick((v), sizeof(v) / sizeof((v)[0]))

static uint32_t hostile_ptr(void)
{
	const uint32_t b = (uint32_t)(uintptr_t)buf;
	const uint32_t v[] = {
		0,
		1,
		0xFFF,
		USER_BASE - 4,             /* below the program: unmapped */
		USER_BASE,                 /* the program's text: read-only */
		b,                         /* a real buffer */
		b + rnd() % BUF_SIZE,   /* inside it */
		b + BUF_SIZE - 1,       /* its last byte */
		USER_HEAP_MAX - 4,         /* the heap's end */
		USER_TOP - 4,              /* the top of the stack */
		USER_TOP,                  /* just above user memory */
		KERNBASE - 1,
		KERNBASE,                  /* the kernel */
		KERNBASE + 0x100000,
		0xFFFFFFFCu,
		rnd(),
	};
	return PICK(v);
}

static uint32_t hostile_len(void)
{
	const uint32_t v[] = {0, 1, 64, 4095, 4096, 65536, 0x7FFFFFFFu, 0x80000000u,
			      0xFFFFFFFFu, rnd() % 8192, rnd()};
	return PICK(v);
}

static uint32_t hostile_word(void)
{
	switch (rnd() % 4) {
	case 0:
		return rnd() % 32;
	case 1:
		return hostile_ptr();
	case 2:
		return hostile_len();
	default:
		return rnd();
	}
}

static void count(int r)
{
	counts[r >= 0 ? 0 : r == -EFAULT ? 1 : (r == -EPERM || r == -ENOSYS) ? 2 : 3]++;
}

/* A message of any type to any service but the console. */
static void fuzz_message(void)
{
	int svc;

	do
		svc = (int)(rnd() % (SVC_MAX + 4)) - 1;
	while (svc == SVC_CONSOLE);
	struct msg *m = msgbuf;
	const uint32_t types[] = {rnd() % 32, MSG_PING, MSG_CRASH, 0x7f00 + rnd() % 256, rnd()};

	m->type = (int32_t)PICK(types);
	for (int i = 0; i < MSG_WORDS; i++)
		m->w[i] = hostile_word();
	m->grant.addr = hostile_ptr();
	m->grant.len = rnd() % 3 ? hostile_len() : 0;
	m->grant.rights = rnd() % 8;
	/* A receive, accept or connect on one of the worker's own sockets waits
	 * as long as nothing arrives, by design (a found seed once waited for
	 * good): the network service bounds a wait by w[4] ms, except a send's,
	 * which NET_NONBLOCK ends. */
	if (svc == SVC_NET) {
		if (m->type == NET_SEND || m->type == NET_SENDTO || rnd() % 2)
			m->w[3] |= NET_NONBLOCK;
		else
			m->w[4] = 1 + rnd() % 50;
	}
	/* Sometimes the message itself is not where it says. */
	uint32_t where = rnd() % 8 ? (uint32_t)(uintptr_t)m : hostile_ptr();

	int r = syscall(SYS_CALL, (uint32_t)svc, where, 0, 0, 0);

	if (verbose)
		printf("call svc %d type %#x grant %#x+%#x/%u at %#x -> %d\n", svc,
		       (unsigned)m->type, (unsigned)m->grant.addr, (unsigned)m->grant.len,
		       (unsigned)m->grant.rights, (unsigned)where, r);
	count(r);
}

/* Any system call number but exit and poweroff, hostile arguments. */
static void fuzz_syscall(void)
{
	uint32_t nr;

	do
		nr = rnd() % (SYSCALL_SLOTS + 8);
	while (nr == SYS_EXIT || nr == SYS_POWEROFF);
	uint32_t a[5];

	for (int i = 0; i < 5; i++)
		a[i] = hostile_word();
	if (nr == SYS_SLEEP)
		a[0] %= 3; /* a long sleep is no finding */
	if (nr == SYS_SPAWN)
		a[0] = rnd() % 2 ? (uint32_t)(uintptr_t) "/bin/true" : hostile_ptr();
	int r = syscall((int)nr, a[0], a[1], a[2], a[3], a[4]);

	if (verbose)
		printf("syscall %u (%#x, %#x, %#x, %#x, %#x) -> %d\n", (unsigned)nr, (unsigned)a[0],
		       (unsigned)a[1], (unsigned)a[2], (unsigned)a[3], (unsigned)a[4], r);
	count(r);
	/* Any change of the break is undone: more would starve the others, less
	 * would take the buffers away (their bytes are scratch). */
	if (nr == SYS_SBRK && r >= 0 && a[0])
		syscall(SYS_SBRK, (uint32_t)(-(int32_t)a[0]), 0, 0, 0, 0);
	if (nr == SYS_SPAWN && r > 0)
		syscall(SYS_WAIT, (uint32_t)r, 0, 0, 0, 0);
}

/* Requests of the file service that make sense, with hostile parts. */
static void fuzz_files(void)
{
	static int handles[8];
	char path[40];
	struct msg *m = msgbuf;

	snprintf(path, sizeof(path), DIR "/%u", (unsigned)(rnd() % 8));
	memset(m, 0, sizeof(*m));
	const uint32_t types[] = {FS_OPEN,  FS_READ,  FS_WRITE, FS_SEEK,     FS_CLOSE,
				  FS_STAT,  FS_UNLINK, FS_RENAME, FS_TRUNCATE, FS_READDIR,
				  FS_MKDIR, FS_RMDIR, FS_LINK,  FS_SYMLINK,  FS_READLINK};
	m->type = (int32_t)PICK(types);
	int h = handles[rnd() % 8];

	if (h <= 0 && rnd() % 2)
		m->type = FS_OPEN; /* most requests want an open file */

	m->w[0] = rnd() % 4 ? (uint32_t)h : hostile_word();
	m->w[1] = rnd() % 2 ? rnd() % 20000 : hostile_word();
	m->w[2] = rnd() % 4;
	switch (m->type) {
	case FS_OPEN:
		m->w[0] = (rnd() % 2 ? O_RDWR | O_CREAT : O_RDONLY) | (rnd() % 8 ? 0 : O_TRUNC);
		/* fall through */
	case FS_STAT:
	case FS_UNLINK:
	case FS_MKDIR:
	case FS_RMDIR:
		m->grant = (struct grant){(uint32_t)(uintptr_t)path, strlen(path) + 1, GRANT_READ};
		break;
	case FS_RENAME:
	case FS_LINK:
	case FS_SYMLINK: {
		/* "old\0new\0", sometimes without its last NUL */
		int n = snprintf((char *)buf, 100, "%s", path) + 1;

		n += snprintf((char *)buf + n, 100, DIR "/%u", (unsigned)(rnd() % 8)) + 1;
		m->grant = (struct grant){(uint32_t)(uintptr_t)buf, (uint32_t)n - rnd() % 2,
					  GRANT_READ};
		break;
	}
	default:
		m->grant.addr = rnd() % 4 ? (uint32_t)(uintptr_t)buf : hostile_ptr();
		m->grant.len = rnd() % 4 ? rnd() % BUF_SIZE : hostile_len();
		m->grant.rights = m->type == FS_WRITE ? GRANT_READ : GRANT_WRITE;
		break;
	}
	int req = m->type, r = svc_call(SVC_FS, m);

	if (verbose)
		printf("fs type %d w0 %#x grant %#x+%#x -> %d\n", req, (unsigned)m->w[0],
		       (unsigned)m->grant.addr, (unsigned)m->grant.len, r);
	count(r);
	if (req == FS_OPEN && r >= 0) {
		int slot = (int)(rnd() % 8);

		if (handles[slot] > 0) {
			struct msg c = {.type = FS_CLOSE};

			c.w[0] = (uint32_t)handles[slot];
			svc_call(SVC_FS, &c);
		}
		handles[slot] = r;
	}
}

/* Requests of the network service that make sense, with hostile parts;
 * never a wait (NET_NONBLOCK), so that a socket nobody talks to cannot
 * hold the worker. */
static void fuzz_net(void)
{
	static int socks[4] = {-1, -1, -1, -1};
	struct msg *m = msgbuf;
	const uint32_t types[] = {NET_SOCKET, NET_BIND,   NET_LISTEN,   NET_CONNECT,
				  NET_SEND,   NET_RECV,   NET_SENDTO,   NET_RECVFROM,
				  NET_CLOSE,  NET_ACCEPT, NET_SOCKINFO, NET_SETOPT};

	memset(m, 0, sizeof(*m));
	m->type = (int32_t)PICK(types);
	int slot = (int)(rnd() % 4);

	if (socks[slot] < 0 && rnd() % 2)
		m->type = NET_SOCKET;

	m->w[0] = m->type == NET_SOCKET ? 1 + rnd() % 4 : rnd() % 8 ? (uint32_t)socks[slot]
								       : hostile_word();
	m->w[1] = rnd() % 2 ? 0x0A00020Fu : hostile_word(); /* our own address, or anything */
	m->w[2] = rnd() % 2 ? 1000 + rnd() % 8 : hostile_word();
	m->w[3] = NET_NONBLOCK;
	m->grant.addr = rnd() % 4 ? (uint32_t)(uintptr_t)buf : hostile_ptr();
	m->grant.len = rnd() % 4 ? rnd() % 2000 : hostile_len();
	m->grant.rights = rnd() % 4;
	int req = m->type, r = svc_call(SVC_NET, m);

	if (verbose)
		printf("net type %d w0 %#x -> %d\n", req, (unsigned)m->w[0], r);
	count(r);
	if (req == NET_SOCKET && r >= 0) {
		if (socks[slot] >= 0) {
			struct msg c = {.type = NET_CLOSE};

			c.w[0] = (uint32_t)socks[slot];
			svc_call(SVC_NET, &c);
		}
		socks[slot] = r;
	}
}

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

/* An ELF image whose headers are well formed and whose segments are
 * anything: below, across and above the user range, sizes that wrap,
 * file bytes past the image. Every byte the program could run is int3,
 * so one the loader accepts dies at its first instruction. The offsets
 * are those of Elf32_Ehdr and Elf32_Phdr (System V ABI, chapter 4). */
static uint32_t hostile_elf(void)
{
	const uint32_t vaddrs[] = {0,          0x1000,      USER_BASE,   0x08048000,
				   USER_TOP - 0x1000, USER_TOP, KERNBASE, 0xFFFFF000u,
				   rnd() & ~0xFFFu};
	const uint32_t sizes[] = {0, 1, 0x1000, 0x10000, 0x80000000u, 0xFFFFFFFFu, rnd()};
	uint32_t nph = 1 + rnd() % 4;
	uint8_t *eh = image;

	memset(image, 0xCC, IMAGE_SIZE);
	memset(eh, 0, 52);
	memcpy(eh, "\177ELF\1\1\1", 7); /* 32-bit, little endian, version 1 */
	put16(eh + 16, 2);                  /* e_type: executable */
	put16(eh + 18, 3);                  /* e_machine: i386 */
	put32(eh + 20, 1);                  /* e_version */
	put32(eh + 28, 52);                 /* e_phoff: right after this header */
	put16(eh + 40, 52);                 /* e_ehsize */
	put16(eh + 42, 32);                 /* e_phentsize */
	put16(eh + 44, rnd() % 16 ? nph : rnd()); /* e_phnum, now and then a lie */
	for (uint32_t i = 0; i < nph; i++) {
		uint8_t *ph = image + 52 + 32 * i;
		uint32_t filesz = rnd() % 2 ? 0x1000 : PICK(sizes);
		uint32_t vaddr = PICK(vaddrs) + (rnd() % 8 ? 0 : rnd() % 0x1000);

		memset(ph, 0, 32);
		put32(ph, rnd() % 8 ? 1 : rnd() % 8);                 /* p_type: PT_LOAD, mostly */
		put32(ph + 4, rnd() % 4 ? 0x1000 : hostile_len());    /* p_offset */
		put32(ph + 8, vaddr);                                  /* p_vaddr */
		put32(ph + 16, filesz);                                /* p_filesz */
		put32(ph + 20, rnd() % 2 ? filesz : PICK(sizes));      /* p_memsz */
		put32(ph + 24, rnd() % 8);                             /* p_flags */
		put32(ph + 28, 0x1000);                                /* p_align */
		if (i == 0)
			put32(eh + 24, rnd() % 4 ? vaddr : hostile_ptr()); /* e_entry */
	}
	return rnd() % 8 ? IMAGE_SIZE : hostile_len();
}

static void fuzz_spawn(void)
{
	static const char *const argv[] = {"hostile", NULL};
	uint32_t size = hostile_elf();
	uint32_t at = rnd() % 8 ? (uint32_t)(uintptr_t)image : hostile_ptr();
	int pid = syscall(SYS_SPAWN, (uint32_t)(uintptr_t) "hostile", (uint32_t)(uintptr_t)argv, 0,
			  at, size);

	if (verbose)
		printf("spawn of a hostile image at %#x, %u bytes -> %d\n", (unsigned)at,
		       (unsigned)size, pid);
	count(pid);
	if (pid > 0) {
		int status;

		wait(pid, &status);
	}
}

static int worker(uint32_t seed, long calls)
{
	/* The buffers, then the message, at the heap's end (see above). */
	uint8_t *top = sbrk(BUF_SIZE + IMAGE_SIZE + 4096);

	if (top == (uint8_t *)-1 || (uintptr_t)top > USER_HEAP_MAX)
		fail("sbrk for the buffers");
	image = top;
	msgbuf = (struct msg *)(top + IMAGE_SIZE + 4096 - sizeof(struct msg));
	buf = top + IMAGE_SIZE + 4096;
	rng = seed ? seed : 1;
	for (long i = 0; i < calls; i++) {
		uint32_t k = rnd() % 100;

		if (k < 35)
			fuzz_syscall();
		else if (k < 65)
			fuzz_message();
		else if (k < 83)
			fuzz_files();
		else if (k < 98)
			fuzz_net();
		else
			fuzz_spawn();
	}
	printf("sysfuzz: worker %u: %ld calls: %d answered, %d EFAULT, %d EPERM or ENOSYS, "
	       "%d other errors\n",
	       (unsigned)seed, calls, counts[0], counts[1], counts[2], counts[3]);
	return 0;
}

/* After the storm: the file system, a spawn and the services still work. */
static void still_works(int null_before)
{
	char name[] = DIR "/after";
	const char text[] = "still here\n";
	char back[sizeof(text)];
	int fd = open(name, O_RDWR | O_CREAT | O_TRUNC);

	check(fd >= 0, "a file can be created afterwards");
	check_int("write", write(fd, text, sizeof(text)), (int)sizeof(text));
	close(fd);
	fd = open(name, O_RDONLY);
	check_int("read back", read(fd, back, sizeof(back)), (int)sizeof(text));
	close(fd);
	check(memcmp(back, text, sizeof(text)) == 0, "the same bytes");
	static const char *const true_argv[] = {"true", NULL};
	int pid = spawn("/bin/true", true_argv), status = -1;

	check(pid > 0, "a program can be spawned afterwards");
	check_int("its wait", wait(pid, &status), pid);
	check_int("its status", status, 0);
	struct msg m = {.type = MSG_PING};

	/* As it did before: an earlier test may have retired it on purpose. */
	check_int("the null service answers as before", svc_call(SVC_NULL, &m), null_before);
}

/* Removes what the workers left in DIR (files, links, folders). */
static void clean_dir(void)
{
	char p[64];

	for (int pass = 0; pass < 3; pass++)
		for (int i = 0; i < 8; i++) {
			snprintf(p, sizeof(p), DIR "/%d", i);
			unlink(p);
			rmdir(p);
		}
	unlink(DIR "/after");
	rmdir(DIR);
}

int main(int argc, char **argv)
{
	uint32_t seed = 1;
	long calls = 10000;
	int procs = 4;

	/* sysfuzz --worker SEED CALLS [-v]: one worker, as the parent starts
	 * it; -v prints every call, to find the one a failure follows. */
	if ((argc == 4 || argc == 5) && strcmp(argv[1], WORKER_ARG) == 0) {
		verbose = argc == 5 && strcmp(argv[4], "-v") == 0;
		return worker((uint32_t)strtoul(argv[2], NULL, 10), strtol(argv[3], NULL, 10));
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-s") == 0 && i + 1 < argc)
			seed = (uint32_t)strtoul(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "-n") == 0 && i + 1 < argc)
			calls = strtol(argv[++i], NULL, 10);
		else if (strcmp(argv[i], "-p") == 0 && i + 1 < argc)
			procs = atoi(argv[++i]);
		else
			fail("usage: sysfuzz [-s SEED] [-n CALLS] [-p PROCS (1-%d)]", MAX_PROCS);
	}
	if (procs < 1 || procs > MAX_PROCS || calls < 1)
		fail("usage: sysfuzz [-s SEED] [-n CALLS] [-p PROCS (1-%d)]", MAX_PROCS);
	mkdir(DIR);
	struct msg ping = {.type = MSG_PING};
	int null_before = svc_call(SVC_NULL, &ping);
	int pids[MAX_PROCS];
	char seeds[MAX_PROCS][12], each[16];

	snprintf(each, sizeof(each), "%ld", calls / procs);
	for (int i = 0; i < procs; i++) {
		snprintf(seeds[i], sizeof(seeds[i]), "%u", (unsigned)(seed * 1000 + (uint32_t)i));
		const char *wargv[] = {"sysfuzz", WORKER_ARG, seeds[i], each, NULL};

		pids[i] = spawn(argv[0][0] == '/' ? argv[0] : "/bin/sysfuzz", wargv);
		if (pids[i] < 0)
			fail("spawn of worker %d: %s", i, strerror(pids[i]));
	}
	for (int i = 0; i < procs; i++) {
		int status = -1;

		if (wait(pids[i], &status) != pids[i])
			fail("wait for worker %d", i);
		if (status != 0)
			fail("worker %d (seed %s) ended with status %#x: a bad argument must get an "
			     "error, not the caller's death",
			     i, seeds[i], (unsigned)status);
	}
	printf("sysfuzz: %ld calls by %d processes, seed %u\n", calls / procs * procs, procs,
	       (unsigned)seed);
	still_works(null_before);
	clean_dir();
	/* The fs frees at a sync what dead workers left open with no name; on
	 * the disk at once, so that a crash the next test makes on purpose
	 * does not leave them allocated (ext2 has no orphan list: e2fsck would
	 * free them, as after any crash). */
	check_int("sync", sync(), 0);
	pass();
}
