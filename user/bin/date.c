/* date: the date and time of the real-time clock (UTC); date +%s: seconds since 1970 */
#include <stdio.h>
#include <string.h>
#include <ulib.h>

#include <abi/rtc.h>

static const char *const wdays[7] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

int main(int argc, char **argv)
{
	int epoch = argc == 2 && strcmp(argv[1], "+%s") == 0;
	if (argc > 2 || (argc == 2 && !epoch)) {
		dprintf(STDERR_FILENO, "usage: date [+%%s]\n");
		return 2;
	}
	struct msg m = {.type = RTC_GET};
	int r = svc_call(SVC_RTC, &m);
	if (r < 0) {
		dprintf(STDERR_FILENO, "date: the real-time clock: %s\n", strerror(r));
		return 1;
	}
	if (epoch) {
		printf("%u\n", (unsigned)m.w[0]);
		return 0;
	}
	printf("%s %04u-%02u-%02u %02u:%02u:%02u UTC\n", wdays[m.w[7] % 7], (unsigned)m.w[1],
	       (unsigned)m.w[2], (unsigned)m.w[3], (unsigned)m.w[4], (unsigned)m.w[5],
	       (unsigned)m.w[6]);
	return 0;
}
