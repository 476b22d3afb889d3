/* evil: wake the malicious driver to steal a file from the raw disk */
/* Usage: evil [NAME [MARKER]]. The driver tries to read the disk behind
 * the file system's back.
 *
 * An instructor's tool (common/system.conf gives it the fault privilege
 * and the private SVC_EVIL). The driver (drivers/evil) tries each way in
 * turn, and this prints one line per attempt: what it tried and whether
 * the kernel let it. NAME is a file in / (default "secret"), MARKER what
 * its contents start with (default "SECRET-"). In ring 0 the port I/O and
 * the memory scan succeed and print the file's bytes; as a server every
 * attempt is refused, and a fault kills only the driver, which is
 * restarted. */
#include <stdio.h>
#include <string.h>
#include <ulib.h>

#define BACK_TIMEOUT_MS 10000
#define MAX_BYTES       128 /* drivers/evil's EVIL_MAX_BYTES */
#define NAME_BYTES      16

static int tried, succeeded;
static uint8_t loot[MAX_BYTES];

/* Prints bytes as C would write them, so the line stays one line. */
static void print_bytes(const uint8_t *b, int n)
{
	putchar('"');
	for (int i = 0; i < n; i++) {
		if (b[i] == '\n')
			printf("\\n");
		else if (b[i] < ' ' || b[i] >= 0x7f || b[i] == '"' || b[i] == '\\')
			printf("\\x%02x", b[i]);
		else
			putchar(b[i]);
	}
	putchar('"');
}

static void report(const char *what, int ok, const char *how)
{
	tried++;
	succeeded += ok;
	printf("evil: %s: %s%s\n", what, ok ? "SUCCEEDED" : "refused", how);
}

static void report_err(const char *what, int r)
{
	char how[64];
	snprintf(how, sizeof(how), " (%d, %s)", r, strerror(r));
	report(what, r >= 0, how);
}

/* The driver died of its fault (a server): wait for its restart, as
 * crash does, so the next attempt finds it. */
static int wait_until_back(void)
{
	unsigned start = uptime_ms();
	int r;
	do {
		struct msg m = {.type = MSG_PING};
		r = svc_call(SVC_EVIL, &m);
		if (r != -EDEADSRCDST)
			return r;
		sleep_ms(50);
	} while (uptime_ms() - start < BACK_TIMEOUT_MS);
	return r;
}

static int ask(int type, const char *text, uint32_t w0, struct msg *m, int lend)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->w[0] = w0;
	if (text)
		strncpy((char *)&m->w[EVIL_NAME_AT], text, NAME_BYTES);
	if (lend) {
		memset(loot, 0, sizeof(loot));
		m->grant = (struct grant){(uint32_t)loot, sizeof(loot), GRANT_WRITE};
	}
	return svc_call(SVC_EVIL, m);
}

/* One of the fatal attempts: the bytes it stole, or how it was stopped. */
static void steal(const char *what, int type, const char *text, const char *found_at, int hex)
{
	struct msg m;
	int r = ask(type, text, 0, &m, 1);
	if (r > 0) {
		tried++;
		succeeded++;
		printf(hex ? "evil: %s: SUCCEEDED, %s %#x: " : "evil: %s: SUCCEEDED, %s %u: ", what,
		       found_at, m.w[0]);
		print_bytes(loot, r);
		printf("\n");
		memset(loot, 0, sizeof(loot)); /* no copy left for the next scan */
		return;
	}
	if (r == -EDEADSRCDST) {
		/* Wait first: the kernel's and the reincarnation server's lines
		 * about the death and the restart are then out, and do not cut
		 * this one in two. */
		int back = wait_until_back();
		report(what, 0, ": the driver was killed by its fault (-EDEADSRCDST)");
		printf("evil:   the driver %s\n",
		       back == 0 ? "was restarted and answers again" : "did not come back");
		return;
	}
	report_err(what, r);
}

int main(int argc, char **argv)
{
	const char *name = argc > 1 ? argv[1] : "secret";
	const char *marker = argc > 2 ? argv[2] : "SECRET-";
	if (argc > 3 || strlen(name) > NAME_BYTES || strlen(marker) > NAME_BYTES || !*name ||
	    !*marker) {
		printf("usage: evil [NAME [MARKER]] (a file in /, a marker, each at most %d "
		       "bytes)\n",
		       NAME_BYTES);
		return 2;
	}
	struct kinfo k;
	struct svcinfo si;
	if (kinfo(KINFO_KERNEL, &k) < 0 ||
	    syscall(SYS_KINFO, KINFO_SERVICE, (uint32_t)&si, SVC_EVIL, 0, 0) < 0 || !si.placement) {
		printf("evil: there is no malicious driver in this kernel\n");
		return 1;
	}
	printf("evil: kernel %s; the driver runs %s; it wants /%s\n", k.flavour,
	       si.placement == SVCINFO_SERVER ? "as a ring-3 server" : "in ring 0", name);

	/* A buffer lent once, kept by the driver for the stale-grant try. */
	struct msg m;
	static char lent[16] = "lent once";
	memset(&m, 0, sizeof(m));
	m.type = EVIL_LEND;
	m.grant = (struct grant){(uint32_t)lent, sizeof(lent), GRANT_READ};
	int r = svc_call(SVC_EVIL, &m);
	if (r == -EPERM) {
		printf("evil: the driver is private: this program may not wake it\n");
		return 1;
	}
	if (r < 0) {
		printf("evil: the driver does not answer (%d, %s)\n", r, strerror(r));
		return 1;
	}

	/* What it asks the kernel for: one request, one word per try. */
	r = ask(EVIL_API, NULL, 1, &m, 0);
	if (r < 0) {
		printf("evil: the driver failed (%d, %s)\n", r, strerror(r));
		return 1;
	}
	report_err("call(SVC_ATA) to read sector 0 (the disk driver's private service)",
		   (int32_t)m.w[EVIL_ATA]);
	report_err("forged grant: read the memory of pid 1 (init, not calling it)",
		   (int32_t)m.w[EVIL_FORGED]);
	report_err("stale grant: read the buffer lent with an earlier, answered request",
		   (int32_t)m.w[EVIL_STALE]);
	report("mmio_map(0xb8000), the console's screen", m.w[EVIL_SCREEN] != 0, "");
	report("mmio_map(0x100000, 16 MiB), RAM with the kernel and the fs's cache",
	       m.w[EVIL_LOWMEM] != 0, "");
	report("dma_alloc(64 KiB), DMA memory its row does not grant", m.w[EVIL_DMA] != 0, "");
	report_err("pci_find(8086:7010), the IDE controller", (int32_t)m.w[EVIL_PCI]);

	/* The two that need no permission at all, only ring 0. */
	char what[80];
	snprintf(what, sizeof(what), "port I/O to the IDE ports 0x1f0-0x1f7: read /%s by PIO",
		 name);
	steal(what, EVIL_PORTS, name, "from the raw disk at sector", 0);
	snprintf(what, sizeof(what), "read another address space: scan RAM for \"%s\"", marker);
	steal(what, EVIL_PEEK, marker, "a copy at physical address", 1);

	printf("evil: %d of %d attempts succeeded; %s\n", succeeded, tried,
	       succeeded ? "the disk's secret is out" : "the secret was not read");
	return 0;
}
