/* sleep: wait N seconds, or N milliseconds with the suffix ms (sleep 250ms) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ulib.h>

/* Parses "N", "Ns" or "Nms" into milliseconds; -EINVAL if it is none. */
static long parse_duration(const char *s)
{
	char *end;
	unsigned long n;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	n = strtoul(s, &end, 10);
	if (strcmp(end, "ms") == 0)
		return n <= 0x7fffffffUL ? (long)n : -EINVAL;
	if (strcmp(end, "s") == 0 || *end == '\0')
		return n <= 0x7fffffffUL / 1000 ? (long)(n * 1000) : -EINVAL;
	return -EINVAL;
}

int main(int argc, char **argv)
{
	long ms = argc == 2 ? parse_duration(argv[1]) : -EINVAL;
	int r;

	if (ms < 0) {
		dprintf(STDERR_FILENO, "usage: sleep N (seconds) | sleep Nms | sleep Ns\n");
		return 2;
	}
	r = sleep_ms((unsigned)ms);
	if (r < 0) {
		dprintf(STDERR_FILENO, "sleep: %s\n", strerror(r));
		return 1;
	}
	return 0;
}
