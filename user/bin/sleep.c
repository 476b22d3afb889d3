/* sleep: wait N seconds, or N milliseconds with the suffix ms (sleep 250ms) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ulib.h>

#define MAX_MS 0x7fffffffUL /* about 24 days: what sleep_ms takes */

/* Parses "N", "Ns" or "Nms" into milliseconds; -EINVAL if it is none,
 * -ERANGE if it is longer than MAX_MS. */
static long parse_duration(const char *s)
{
	char *end;
	unsigned long n;
	int digits = 0;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	/* Counted here: strtoul saturates, and a number it cannot hold is
	 * too long a sleep, not a malformed one. */
	while (s[digits] >= '0' && s[digits] <= '9')
		digits++;
	n = strtoul(s, &end, 10);
	int ms = strcmp(end, "ms") == 0;

	if (!ms && strcmp(end, "s") != 0 && *end != '\0')
		return -EINVAL;
	if (digits > 10 || n > (ms ? MAX_MS : MAX_MS / 1000))
		return -ERANGE;
	return ms ? (long)n : (long)(n * 1000);
}

int main(int argc, char **argv)
{
	long ms = argc == 2 ? parse_duration(argv[1]) : -EINVAL;
	int r;

	if (ms == -ERANGE) {
		dprintf(STDERR_FILENO, "sleep: %s: too long (at most %lu s, about 24 days)\n",
			argv[1], MAX_MS / 1000);
		return 2;
	}
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
