/* The real-time clock's protocol (SVC_RTC, drivers/rtc). The service is
 * private: the file service calls it for its time stamps, and the programs
 * common/system.conf names (date). */
#ifndef ABI_RTC_H
#define ABI_RTC_H

/* RTC_GET -> 0, and the time of day in UTC as the clock holds it:
 *   w[0] seconds since 1970-01-01 00:00:00 UTC (Unix time)
 *   w[1] year (e.g. 2026), w[2] month 1-12, w[3] day 1-31,
 *   w[4] hour 0-23, w[5] minute, w[6] second, w[7] weekday 0-6 (0 Sunday)
 * -EIO if the clock holds no valid time, -ETIMEDOUT if it stays in an
 * update. */
#define RTC_GET 1

#endif
