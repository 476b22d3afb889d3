/* t_flood: writes much console output at once (t_flood [KiB]); the guest tests stop reading meanwhile */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ulib.h>

#define TEST_NAME "t_flood"
#include "check.h"

/* While the test runner reads nothing, QEMU's serial line stops taking
 * bytes: the console must wait for its transmitter (a device wait, not a
 * hang) and every byte must still come out, in order. */
int main(int argc, char **argv)
{
	int kib = argc > 1 ? atoi(argv[1]) : 256;
	char line[64];
	unsigned t0 = uptime_ms();

	for (int i = 0; i < kib * 16; i++) {
		/* 64 bytes a line, numbered: a lost or reordered line shows. */
		snprintf(line, sizeof(line),
			 "flood %08d ................................................\n", i);
		line[63] = '\n';
		if (write_all(STDOUT_FILENO, line, 64) < 0)
			fail("write %d failed", i);
	}
	printf("flood: %d KiB in %u ms\n", kib, uptime_ms() - t0);
	pass();
}
