/* pattern.h: the file contents the disk tests write and check, and the
 * checksum they keep of them.
 *
 * pattern(key, off) is the byte at offset off of a file made with key: a
 * cheap hash, so every block differs (a block written to the wrong place
 * shows) and nothing needs storing to know what a file must hold.
 * fnv1a() is FNV-1a, 32 bits: the checksum tools/check-disk.py recomputes
 * on the host from what debugfs reads off the image. */
#ifndef TESTS_PATTERN_H
#define TESTS_PATTERN_H

#include <stdint.h>

static inline uint8_t pattern(uint32_t key, uint32_t off)
{
	uint32_t x = (off >> 2) * 0x9E3779B1u + key * 0x85EBCA77u;

	x ^= x >> 15;
	x *= 0x2C1B3C6Du;
	x ^= x >> 12;
	return (uint8_t)(x >> (8 * (off & 3)));
}

#define FNV1A_INIT 2166136261u

static inline uint32_t fnv1a(uint32_t h, const uint8_t *p, uint32_t n)
{
	while (n--) {
		h ^= *p++;
		h *= 16777619u;
	}
	return h;
}

#endif
