/* The component API on the host, for the file service's tests: what
 * mono/runtime.c and micro/runtime/server.c provide in the kernels.
 *
 * - call(SVC_ATA): a disk driver over an image in memory. The fs grants it
 *   its own buffers; built with -m32 a grant address is a host pointer.
 *   Every request is checked (range, grant size and rights) and a bad one
 *   is counted in disk.bad_requests, which the tests require to stay 0.
 * - grants of the test's requests: fs_req() records the buffer lent with
 *   the request under the sender's pid, as a kernel does; grant_read and
 *   grant_write copy in and out of it with the same checks as mono's.
 * - comp_keep: one static region; fs_restart (the fs's init run again, as
 *   a server's restart would) finds it as the last instance left it, and
 *   fs_boot (a boot) zeroes it first.
 * - comp_log goes to stderr, comp_uptime_ms is a variable the tests set,
 *   comp_pid_alive a list of pids the tests killed. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs_test.h"

struct host_disk disk;
uint32_t host_uptime_ms;
int host_quiet;
uint32_t host_logs;
char host_log[4096];

/* --- the disk --- */

void host_disk_free(void)
{
	free(disk.img);
	memset(&disk, 0, sizeof(disk));
}

void host_disk_set(uint8_t *img, uint32_t bytes)
{
	host_disk_free();
	disk.img = img;
	disk.sectors = bytes / ATA_SECTOR;
}

void host_disk_load(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fs_test_fail(__FILE__, __LINE__, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *img = malloc((size_t)n);
	if (!img || fread(img, 1, (size_t)n, f) != (size_t)n)
		fs_test_fail(__FILE__, __LINE__, "cannot read %s", path);
	fclose(f);
	host_disk_set(img, (uint32_t)n);
}

void host_disk_save(const char *path)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(disk.img, ATA_SECTOR, disk.sectors, f) != disk.sectors)
		fs_test_fail(__FILE__, __LINE__, "cannot write %s", path);
	fclose(f);
}

static int ata(struct msg *m)
{
	uint32_t lba = m->w[0], n = m->w[1];
	int rd = m->type == ATA_READ;
	uint8_t *buf = (uint8_t *)(uintptr_t)m->grant.addr;
	if (!n || n > ATA_MAX_SECTORS || lba >= disk.sectors || n > disk.sectors - lba ||
	    m->grant.len < n * ATA_SECTOR || !buf ||
	    !(m->grant.rights & (rd ? GRANT_WRITE : GRANT_READ))) {
		disk.bad_requests++;
		fprintf(stderr, "fs_host: bad ATA request type %d lba %u count %u grant %u\n",
			(int)m->type, (unsigned)lba, (unsigned)n, (unsigned)m->grant.len);
		return -EINVAL;
	}
	if (disk.fail_io)
		return -EIO;
	if (rd) {
		memcpy(buf, disk.img + (size_t)lba * ATA_SECTOR, (size_t)n * ATA_SECTOR);
		disk.reads++;
		disk.read_sectors += n;
	} else {
		memcpy(disk.img + (size_t)lba * ATA_SECTOR, buf, (size_t)n * ATA_SECTOR);
		disk.writes++;
		disk.write_sectors += n;
		disk.last_write_lba = lba;
		if (m->w[3] & ATA_WRITE_CACHED) {
			disk.unflushed++;
		} else {
			disk.flushes++;
			disk.unflushed = 0;
		}
	}
	return 0;
}

int call(int service, struct msg *m)
{
	if (service != SVC_ATA || !disk.img)
		return -ENOENT; /* no such service: no disk driver */
	if (disk.dead_calls) {
		disk.dead_calls--;
		return -EDEADSRCDST; /* the driver died serving it */
	}
	switch (m->type) {
	case ATA_INFO:
		m->w[0] = disk.sectors;
		m->type = 0;
		break;
	case ATA_READ:
	case ATA_WRITE:
		m->type = ata(m);
		break;
	case ATA_FLUSH:
		if (disk.fail_io) {
			m->type = -EIO;
			break;
		}
		disk.flushes++;
		disk.unflushed = 0;
		m->type = 0;
		break;
	default:
		m->type = -ENOSYS;
	}
	return m->type;
}

/* --- grants of the test's requests --- */

#define NGRANT 8
static struct {
	uint32_t pid;
	uint8_t *buf;
	uint32_t len, rights;
} grants[NGRANT];

static int grant_copy(uint32_t pid, uint32_t off, void *p, uint32_t len, int to_caller)
{
	for (int i = 0; i < NGRANT; i++) {
		if (grants[i].pid != pid || !grants[i].buf)
			continue;
		if (!(grants[i].rights & (to_caller ? GRANT_WRITE : GRANT_READ)))
			return -EPERM;
		if (off > grants[i].len || len > grants[i].len - off)
			return -EFAULT;
		if (to_caller)
			memcpy(grants[i].buf + off, p, len);
		else
			memcpy(p, grants[i].buf + off, len);
		return 0;
	}
	return -ESRCH; /* that process is not calling us */
}

int grant_read(const struct msg *m, uint32_t off, void *dst, uint32_t len)
{
	return grant_copy(m->sender, off, dst, len, 0);
}

int grant_write(const struct msg *m, uint32_t off, const void *src, uint32_t len)
{
	return grant_copy(m->sender, off, (void *)src, len, 1);
}

int grant_read_deferred(reply_token t, uint32_t off, void *dst, uint32_t len)
{
	return grant_copy(t, off, dst, len, 0);
}

int grant_write_deferred(reply_token t, uint32_t off, const void *src, uint32_t len)
{
	return grant_copy(t, off, (void *)src, len, 1);
}

int fs_req(struct msg *m, void *buf, uint32_t len, uint32_t rights)
{
	m->sender = t_pid;
	m->grant.addr = (uint32_t)(uintptr_t)buf;
	m->grant.len = buf ? len : 0;
	m->grant.rights = rights;
	grants[0].pid = t_pid;
	grants[0].buf = buf;
	grants[0].len = buf ? len : 0;
	grants[0].rights = rights;
	if (!comp_control(fs_comp(), m))
		fs_comp()->serves[0].handle(m);
	grants[0].buf = NULL;
	/* Between requests no cache buffer is held. */
	if (bcache_pinned())
		fs_test_fail(__FILE__, __LINE__, "%u cache buffers still pinned after request %d",
			     (unsigned)bcache_pinned(), (int)m->type);
	return m->type;
}

/* --- the rest of the API --- */

reply_token defer(struct msg *m)
{
	(void)m;
	fs_test_fail(__FILE__, __LINE__, "the fs deferred a reply");
}

int reply(reply_token t, struct msg *r)
{
	(void)t;
	(void)r;
	return -ESRCH;
}

int irq_wait(int line, uint32_t timeout_ms)
{
	(void)line;
	(void)timeout_ms;
	return -EINVAL;
}

int notify(int service)
{
	(void)service;
	return -ENOENT;
}

int timer_set(uint32_t ms)
{
	(void)ms;
	return 0;
}

int pci_find(uint16_t vendor, uint16_t device, struct pci_dev *out)
{
	(void)vendor;
	(void)device;
	(void)out;
	return -ENODEV;
}

void irq_ack(int line)
{
	(void)line;
}

void *mmio_map(uint32_t pa, uint32_t len)
{
	(void)pa;
	(void)len;
	return NULL;
}

void *dma_alloc(uint32_t len, uint32_t *pa)
{
	(void)len;
	(void)pa;
	return NULL;
}

/* The kept memory outlives the fs's init, as a server's outlives its
 * instance: a test "restarts" the fs by running init again (fs_boot). */
static uint8_t keep_mem[8u << 20] __attribute__((aligned(4096)));
static uint32_t keep_len;
int host_keep_none;

void *comp_keep(uint32_t len)
{
	if (host_keep_none || !len || len > sizeof(keep_mem) || (keep_len && len != keep_len))
		return NULL;
	keep_len = len;
	return keep_mem;
}

int comp_restartable(void)
{
	return 1; /* the tests restart the fs as micro would (fs_restart) */
}

void host_keep_wipe(void)
{
	memset(keep_mem, 0, sizeof(keep_mem));
}

void comp_log(const char *fmt, ...)
{
	host_logs++;
	/* Kept, quiet or not, so that a test can check what was said. */
	size_t len = strlen(host_log);
	if (len > sizeof(host_log) / 2)
		len = host_log[0] = 0;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(host_log + len, sizeof(host_log) - len, fmt, ap);
	va_end(ap);
	if (host_quiet)
		return;
	fputs(host_log + len, stderr);
}

uint32_t comp_uptime_ms(void)
{
	return host_uptime_ms;
}

#define NDEAD 16
static uint32_t dead[NDEAD];

void host_pid_kill(uint32_t pid)
{
	for (int i = 0; i < NDEAD; i++)
		if (!dead[i]) {
			dead[i] = pid;
			return;
		}
}

void host_pids_revive(void)
{
	memset(dead, 0, sizeof(dead));
}

int comp_pid_alive(uint32_t pid)
{
	for (int i = 0; i < NDEAD; i++)
		if (dead[i] == pid)
			return 0;
	return 1;
}

/* The fs's manifest, where the kernels find it: the "components" section. */
extern const struct comp_record __start_components[], __stop_components[];

const struct component *fs_comp(void)
{
	if (__stop_components - __start_components != 1)
		fs_test_fail(__FILE__, __LINE__, "expected one component");
	return __start_components[0].c;
}

static void fs_start(void)
{
	const struct component *c = fs_comp();
	CHECK(c->serves[0].svc == SVC_FS && c->serves[1].svc == 0);
	/* The disk, and the clock for time stamps (answered -ENOENT here). */
	CHECK(c->calls == (SVC_BIT(SVC_ATA) | SVC_BIT(SVC_RTC)));
	CHECK_EQ(c->init(), 0);
}

void fs_boot(void)
{
	host_keep_wipe(); /* a boot: no memory is kept from before */
	fs_start();
}

void fs_restart(void)
{
	fs_start(); /* the kept memory is as the last instance left it */
}
