/* t_sleep: sleep_ms(200) takes between 200 ms and 2 s of uptime; yield returns 0 */
#define TEST_NAME "t_sleep"
#include "check.h"

int main(void)
{
	unsigned before, after, elapsed;

	check_int("yield()", yield(), 0);
	check_int("sleep_ms(0)", sleep_ms(0), 0);

	before = uptime_ms();
	check_int("sleep_ms(200)", sleep_ms(200), 0);
	after = uptime_ms();
	elapsed = after - before;
	printf("     uptime %u -> %u ms: slept %u ms\n", before, after, elapsed);
	if (elapsed < 200)
		fail("woke after %u ms, before the 200 ms were up", elapsed);
	if (elapsed >= 2000)
		fail("woke after %u ms, much too late", elapsed);
	printf("ok   200 <= %u < 2000\n", elapsed);
	pass();
}
