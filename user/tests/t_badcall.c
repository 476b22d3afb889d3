/* t_badcall: bad system call numbers, pointers and grants fail cleanly */
#define TEST_NAME "t_badcall"
#include <files.h>

#include "check.h"

#define KERNEL_ADDR 0xC0000000u
#define WRAPPING_ADDR 0xFFFFFFF0u

static char buffer[64] = "this text must never reach the console\n";
static const char true_path[] = "/bin/true";

static int call(int service, struct msg *m)
{
	return syscall(SYS_CALL, (uint32_t)service, (uint32_t)m, 0, 0, 0);
}

static int call_raw(int service, uint32_t msg_addr)
{
	return syscall(SYS_CALL, (uint32_t)service, msg_addr, 0, 0, 0);
}

static int console_write_grant(uint32_t addr, uint32_t len)
{
	struct msg m = { .type = CON_WRITE };

	m.grant.addr = addr;
	m.grant.len = len;
	m.grant.rights = GRANT_READ;
	return call(SVC_CONSOLE, &m);
}

/* A service id the kernel must refuse: any negative result will do. */
static void check_refused(const char *what, int service)
{
	struct msg m = { .type = MSG_PING };
	int r = call(service, &m);

	if (r >= 0)
		fail("%s = %d, want an error", what, r);
	printf("ok   %s = %d (%s)\n", what, r, strerror(r));
}

static void test_numbers(void)
{
	check_err("system call 999", syscall(999, 0, 0, 0, 0, 0), -ENOSYS);
	check_err("system call SYS_MAX", syscall(SYS_MAX, 0, 0, 0, 0, 0), -ENOSYS);
	check_err("system call 0", syscall(0, 0, 0, 0, 0, 0), -ENOSYS);
	check_err("system call -1", syscall(-1, 0, 0, 0, 0, 0), -ENOSYS);
	check_err("system call 0x80000000", syscall((int)0x80000000u, 0, 0, 0, 0, 0), -ENOSYS);
}

static void test_messages(void)
{
	check_err("SYS_CALL with a NULL message", call_raw(SVC_CONSOLE, 0), -EFAULT);
	check_err("SYS_CALL with a kernel message", call_raw(SVC_CONSOLE, KERNEL_ADDR), -EFAULT);
	check_err("SYS_CALL with a wrapping message", call_raw(SVC_CONSOLE, WRAPPING_ADDR),
		  -EFAULT);
}

/* Where a message may sit: micro's assembly entry (micro/fastenter.S)
 * walks the caller's page table itself, and must refuse or hand over
 * exactly what the C path does. */
static uint8_t two_pages[8192] __attribute__((aligned(4096)));

static void test_message_places(void)
{
	struct msg *across = (struct msg *)(void *)(two_pages + 4096 - 32);

	memset(across, 0, sizeof(*across));
	across->type = MSG_PING;
	check_int("SYS_CALL with a message across two pages", call(SVC_NULL, across), 0);
	check_int("  its reply's type, in place", across->type, 0);
	/* The reply is written into the message: read-only text is refused. */
	check_err("SYS_CALL with a message in read-only text",
		  call_raw(SVC_NULL, (uint32_t)(uintptr_t)&test_message_places), -EFAULT);
	check_err("SYS_CALL with a message in the last bytes below the kernel",
		  call_raw(SVC_NULL, KERNEL_ADDR - 32), -EFAULT);

	int fd = open("/hello.txt", O_RDONLY);

	check(fd >= 0, "open /hello.txt");
	check_err("a file read into read-only text", read(fd, (void *)&test_message_places, 16),
		  -EFAULT);
	char ok[8];

	check_int("and into writable memory, after", read(fd, ok, sizeof(ok)), (int)sizeof(ok));
	close(fd);
}

static void test_grants(void)
{
	uint32_t buf = (uint32_t)buffer;
	struct msg m = { .type = 999 };
	int r;

	check_err("CON_WRITE of kernel memory", console_write_grant(KERNEL_ADDR, 10), -EFAULT);
	check_err("CON_WRITE of NULL, 10 bytes", console_write_grant(0, 10), -EFAULT);
	check_err("CON_WRITE running into the kernel",
		  console_write_grant(buf, KERNEL_ADDR - buf + 16), -EFAULT);
	check_err("CON_WRITE across 0xC0000000", console_write_grant(KERNEL_ADDR - 16, 32),
		  -EFAULT);
	check_err("CON_WRITE of 0x7fffffff bytes (mostly unmapped)",
		  console_write_grant(buf, 0x7fffffff), -EFAULT);
	check_err("CON_WRITE whose end wraps around", console_write_grant(buf, 0xffffffff),
		  -EFAULT);

	r = call(SVC_CONSOLE, &m);

	if (r >= 0)
		fail("unknown console request = %d, want an error", r);
	printf("ok   unknown console request = %d (%s)\n", r, strerror(r));
}

static void test_services(void)
{
	struct kinfo k;
	struct msg m = { .type = MSG_PING };

	check_refused("SYS_CALL to service 0", 0);
	check_refused("SYS_CALL to service 99", 99);
	check_refused("SYS_CALL to service -1", -1);
	check_refused("SYS_CALL to service SVC_MAX", SVC_MAX);

	check_int("kinfo(KINFO_KERNEL)", kinfo(KINFO_KERNEL, &k), 0);
	/* The capability check is the system-call layer's, in every kernel. */
	check_err("SYS_CALL to the private SVC_ATA", call(SVC_ATA, &m), -EPERM);
	/* The system's own message types need a privilege this test lacks. */
	m = (struct msg){ .type = MSG_CRASH };
	m.w[0] = CRASH_NULL;
	check_err("MSG_CRASH without the fault privilege", call(SVC_NULL, &m), -EPERM);
	m = (struct msg){ .type = NULL_TOUCH_PORT };
	check_err("null's misbehaviour without the privilege", call(SVC_NULL, &m), -EPERM);
	m = (struct msg){ .type = MSG_NOTIFY };
	check_err("a forged notification", call(SVC_CONSOLE, &m), -EPERM);
}

static void test_processes(void)
{
	static const char *const true_argv[] = { "true", NULL };
	const char *bad_entry_argv[] = { "true", (const char *)KERNEL_ADDR, NULL };
	int pid, r, status;

	check_err("spawn with a kernel path",
		  syscall(SYS_SPAWN, KERNEL_ADDR, (uint32_t)true_argv, 0, 0, 0), -EFAULT);
	check_err("spawn with a NULL path", syscall(SYS_SPAWN, 0, (uint32_t)true_argv, 0, 0, 0),
		  -EFAULT);
	check_err("spawn with a kernel argv",
		  syscall(SYS_SPAWN, (uint32_t)true_path, KERNEL_ADDR, 0, 0, 0), -EFAULT);
	check_err("spawn with a kernel argv[1]", spawn(true_path, bad_entry_argv), -EFAULT);
	/* An image too large to be a program: the kernel refuses it before
	 * it reads a byte (the pointer is the caller's own, the size a lie). */
	check_err("spawn of an image over SPAWN_IMAGE_MAX",
		  syscall(SYS_SPAWN, (uint32_t)true_path, (uint32_t)true_argv, 0,
			  (uint32_t)true_argv, SPAWN_IMAGE_MAX + 1),
		  -EFBIG);

	pid = spawn(true_path, true_argv);
	if (pid < 0)
		fail("spawn /bin/true: %s", strerror(pid));
	check_err("wait with a kernel status pointer",
		  syscall(SYS_WAIT, (uint32_t)pid, KERNEL_ADDR, 0, 0, 0), -EFAULT);
	/* Reap the child. The kernel may have kept it for a proper wait (it
	 * should not lose a status it could not deliver) or not. */
	r = wait(pid, &status);
	if (r == pid)
		printf("ok   the child was still waitable afterwards (status %d)\n", status);
	else if (r == -ECHILD)
		printf("note the failed wait reaped the child: its status is lost\n");
	else
		fail("wait after the failed wait = %d (%s)", r, strerror(r));

	check_err("ps into kernel memory", syscall(SYS_PS, KERNEL_ADDR, 4, 0, 0, 0), -EFAULT);
	check_err("kinfo into kernel memory",
		  syscall(SYS_KINFO, KINFO_KERNEL, KERNEL_ADDR, 0, 0, 0), -EFAULT);
}

/* Little-endian stores into an ELF being built. */
static void put32(uint8_t *p, uint32_t off, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[off + i] = (uint8_t)(v >> (8 * i));
}

/* A structurally valid ELF32 executable (System V ABI layouts): one
 * code segment at 0x00400000 holding exit(7) and a second PT_LOAD the
 * caller places. */
static uint32_t hostile_elf(uint8_t *p, uint32_t vaddr2, uint32_t memsz2)
{
	const uint32_t ehdr = 52, phdr = 32, code = ehdr + 2 * phdr;
	static const uint8_t ident[] = {0x7f, 'E', 'L', 'F', 1, 1, 1};
	/* mov $SYS_EXIT, %eax; mov $7, %ebx; int $0x80 */
	static const uint8_t exit7[] = {0xb8, SYS_EXIT, 0, 0, 0, 0xbb, 7, 0, 0, 0, 0xcd, 0x80};
	const uint32_t end = code + sizeof(exit7);

	memset(p, 0, end);
	memcpy(p, ident, sizeof(ident));
	p[16] = 2;          /* ET_EXEC */
	p[18] = 3;          /* EM_386 */
	put32(p, 20, 1);    /* EV_CURRENT */
	put32(p, 24, 0x00400000u + code);
	put32(p, 28, ehdr); /* program headers right after the header */
	p[40] = (uint8_t)ehdr;
	p[42] = (uint8_t)phdr;
	p[44] = 2;
	for (uint32_t i = 0; i < 2; i++) {
		uint32_t ph = ehdr + i * phdr;
		put32(p, ph + 0, 1); /* PT_LOAD, from file offset 0 */
		put32(p, ph + 8, i ? vaddr2 : 0x00400000u);
		put32(p, ph + 16, i ? 0 : end);
		put32(p, ph + 20, i ? memsz2 : end);
		put32(p, ph + 24, i ? 6 : 5); /* RW / RX */
	}
	memcpy(p + code, exit7, sizeof(exit7));
	return end;
}

/* Segments that reach past the user range, as an ELF on the disk or a
 * program's own bytes may ask: each must be refused, never load. */
static void test_hostile_elf(void)
{
	static const struct {
		const char *what;
		uint32_t vaddr, memsz;
	} cases[] = {
		{"a segment at 0xC0000000 (the kernel)", 0xC0000000u, 0x1000},
		{"a segment at 0xBFFFF000 into the kernel", 0xBFFFF000u, 0x2000},
		{"a segment over the user stack", 0xB0000000u, 0x1000},
		{"a segment whose end wraps past 4 GiB", 0x10000000u, 0xF0000000u},
		{"a segment that ends just above the heap limit", 0x8FFFF000u, 0x1001},
	};
	static uint8_t image[256];
	static const char *const argv[] = {"hostile", NULL};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t n = hostile_elf(image, cases[i].vaddr, cases[i].memsz);
		char what[96];
		snprintf(what, sizeof(what), "spawn an ELF with %s", cases[i].what);
		check_err(what,
			  syscall(SYS_SPAWN, (uint32_t) "hostile", (uint32_t)argv, 0,
				  (uint32_t)image, n),
			  -ENOEXEC);
	}
	/* The same image with its second segment in range does load: the
	 * refusals above are about the range, not a malformed file. */
	uint32_t n = hostile_elf(image, 0x00800000u, 0x1000);
	int pid = syscall(SYS_SPAWN, (uint32_t) "hostile", (uint32_t)argv, 0, (uint32_t)image, n);
	check(pid > 0, "the same ELF with its segments in range is started");
	int status = 0;
	check_int("and it runs: wait", wait(pid, &status), pid);
	check_int("its exit status", status, 7);
}

static void test_sbrk(void)
{
	void *before = sbrk(0);
	int r;

	check_err("sbrk(0x7fffffff)", syscall(SYS_SBRK, 0x7fffffff, 0, 0, 0, 0), -ENOMEM);
	check(sbrk(0) == before, "the break is unchanged after it");
	r = syscall(SYS_SBRK, (uint32_t)-0x7fffffff, 0, 0, 0, 0);
	if (ptr_err((void *)(uintptr_t)(uint32_t)r) == 0)
		fail("sbrk(-0x7fffffff) = 0x%x, want an error", (unsigned)r);
	printf("ok   sbrk(-0x7fffffff) = %d (%s)\n", r, strerror(r));
	check(sbrk(0) == before, "the break is unchanged after it");
}

int main(void)
{
	test_numbers();
	test_messages();
	test_message_places();
	test_grants();
	test_services();
	test_processes();
	test_hostile_elf();
	test_sbrk();
	/* Still alive and the console still works: */
	check(getpid() > 0, "getpid still works");
	pass();
}
