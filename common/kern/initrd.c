/* The initial ramdisk: a POSIX ustar archive that GRUB loads as the module
 * "initrd", holding the user programs until a file system exists. Each
 * member is a 512-byte header (name at 0, size as octal ASCII at 124,
 * type flag at 156, "ustar" at 257) followed by its data padded to 512
 * (POSIX.1-2001, pax, "ustar Interchange Format"). */
#include "abi/errno.h"
#include "initrd.h"
#include "kernel.h"
#include "mm.h"

static const uint8_t *base;
static uint32_t length;

void initrd_init(void)
{
	const struct bootmod *m = bootmod_find("initrd");
	if (!m) {
		kprintf("initrd: no module named initrd; no programs to run\n");
		return;
	}
	base = P2V(m->start);
	length = m->end - m->start;
}

static uint32_t octal(const char *s, int n)
{
	uint32_t v = 0;
	for (int i = 0; i < n && s[i] >= '0' && s[i] <= '7'; i++)
		v = v * 8 + (uint32_t)(s[i] - '0');
	return v;
}

/* Calls fn for each regular file; stops early if fn returns nonzero. */
int initrd_foreach(int (*fn)(const char *name, const void *data, uint32_t size, void *ctx),
		   void *ctx)
{
	uint32_t off = 0;
	while (base && off + 512 <= length) {
		const char *h = (const char *)base + off;
		if (!h[0])
			break; /* two zero blocks end the archive */
		if (memcmp(h + 257, "ustar", 5) != 0)
			return -EIO;
		uint32_t size = octal(h + 124, 12);
		if (size > length - off - 512)
			return -EIO;
		char name[101];
		memcpy(name, h, 100);
		name[100] = 0;
		if ((h[156] == '0' || h[156] == 0) && fn(name, h + 512, size, ctx))
			return 1;
		off += 512 + ((size + 511) & ~511u);
	}
	return 0;
}

struct lookup {
	const char *want;
	const void *data;
	uint32_t size;
};

static int match(const char *name, const void *data, uint32_t size, void *ctx)
{
	struct lookup *l = ctx;
	if (name[0] == '.' && name[1] == '/')
		name += 2;
	if (strcmp(name, l->want) != 0)
		return 0;
	l->data = data;
	l->size = size;
	return 1;
}

int initrd_find(const char *path, const void **data, uint32_t *size)
{
	while (*path == '/')
		path++;
	struct lookup l = {path, NULL, 0};
	if (initrd_foreach(match, &l) != 1)
		return -ENOENT;
	*data = l.data;
	*size = l.size;
	return 0;
}
