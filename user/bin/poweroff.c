/* poweroff: stop the machine (poweroff [exit code for QEMU]) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ulib.h>

int main(int argc, char **argv)
{
	int r = poweroff(argc > 1 ? atoi(argv[1]) : 0);

	dprintf(STDERR_FILENO, "poweroff: %s\n", strerror(r));
	return 1;
}
