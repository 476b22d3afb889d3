/* The initial ramdisk of user programs (a ustar archive). */
#ifndef INITRD_H
#define INITRD_H

#include <stdint.h>

void initrd_init(void);
/* Finds a file by path ("/bin/sh" and "bin/sh" alike): 0 or -ENOENT. */
int initrd_find(const char *path, const void **data, uint32_t *size);
int initrd_foreach(int (*fn)(const char *name, const void *data, uint32_t size, void *ctx),
		   void *ctx);

#endif
