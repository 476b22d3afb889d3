/* The real-time clock: the PC's CMOS clock, a Motorola MC146818A or a
 * chip compatible with it, reached through two I/O ports. It answers
 * RTC_GET (abi/rtc.h) with the time of day in UTC, for the file service's
 * time stamps and for the date program. One component, compiled once, in
 * ring 0 or as a server (design.md Rule 1): it touches only its two ports,
 * which its row of common/system.conf grants.
 *
 * Facts from the MC146818A data sheet (Motorola, "MC146818A Real-Time
 * Clock Plus RAM", registers and the update cycle):
 *  - the clock's registers are bytes of the chip's RAM: 0x00 seconds,
 *    0x02 minutes, 0x04 hours, 0x06 day of the week, 0x07 day of the
 *    month, 0x08 month, 0x09 year (two digits); 0x01, 0x03 and 0x05 are
 *    the alarm's;
 *  - register A (0x0A), bit 7 UIP: an update of the time registers is in
 *    progress or starts within 244 us; while it is 0 the registers may be
 *    read safely for that long;
 *  - register B (0x0B), bit 2 DM: 1 binary, 0 BCD (two decimal digits a
 *    byte); bit 1 24/12: 1 a 24-hour clock, 0 a 12-hour one, whose hours
 *    byte then has bit 7 set for PM; bit 7 SET stops the updates;
 *  - register D (0x0D), bit 7 VRT: the time is valid (the battery held).
 * On a PC the chip's address is written to port 0x70 and its data read from
 * port 0x71 (bit 7 of port 0x70 also masks the NMI: left 0 here). The
 * century is not kept by the MC146818A (some PCs keep it at 0x32, where
 * ACPI says): a two-digit year is taken to be 1970-2069. */
#include "abi/rtc.h"
#include "component.h"
#include "klib.h"
#include "x86.h"

#define RTC_INDEX 0x70
#define RTC_DATA  0x71

#define REG_SEC  0x00
#define REG_MIN  0x02
#define REG_HOUR 0x04
#define REG_MDAY 0x07
#define REG_MON  0x08
#define REG_YEAR 0x09
#define REG_A    0x0a
#define REG_B    0x0b
#define REG_D    0x0d
#define A_UIP    0x80
#define B_DM     0x04 /* 1: binary; 0: BCD */
#define B_24H    0x02 /* 1: 24-hour clock */
#define D_VRT    0x80
#define HOUR_PM  0x80 /* in 12-hour mode */
/* How long to wait for an update to end: it lasts at most 1984 us after
 * the 244 us warning (data sheet, "update cycle"), far fewer reads than
 * this; a clock still updating after them is broken. The spin must be
 * bounded by a count: in ring 0 the uptime does not move while we spin. */
#define UIP_SPINS 200000
#define TRIES     5

static int valid; /* register D's VRT at init */

struct rtc_time {
	uint32_t year, mon, mday, hour, min, sec;
};

static uint8_t cmos_read(uint8_t reg)
{
	/* LAB 3: BEGIN
	 * Select the register on the index port, then read the data port
	 * (the data sheet's facts at the top of this file; x86.h has inb
	 * and outb).
	 * STUB: (void)reg;
	 * STUB: return 0;
	 */
	outb(RTC_INDEX, reg);
	return inb(RTC_DATA);
	/* LAB 3: END */
}

/* The raw time registers, and register B that says how to read them. */
struct rtc_raw {
	uint8_t sec, min, hour, mday, mon, year, b;
};

static int raw_equal(const struct rtc_raw *a, const struct rtc_raw *b)
{
	return a->sec == b->sec && a->min == b->min && a->hour == b->hour && a->mday == b->mday &&
	       a->mon == b->mon && a->year == b->year && a->b == b->b;
}

/* One consistent reading: wait for no update in progress, read, and read
 * again until two readings agree (an update may still start between the
 * check of UIP and the last register, on a slow or preempted reader). */
static int read_raw(struct rtc_raw *out)
{
	/* LAB 3: BEGIN
	 * Wait (a bounded number of reads) while register A has UIP set,
	 * then read the six time registers and register B into *out. Read
	 * them again until two readings agree, at most TRIES times.
	 * Return 0, or -ETIMEDOUT if the clock never settles.
	 * STUB: (void)out;
	 * STUB: (void)raw_equal;
	 * STUB: return -ENOSYS;
	 */
	struct rtc_raw prev = {0};
	for (int t = 0; t < TRIES; t++) {
		int spins = 0;
		while (cmos_read(REG_A) & A_UIP)
			if (++spins == UIP_SPINS)
				return -ETIMEDOUT;
		out->sec = cmos_read(REG_SEC);
		out->min = cmos_read(REG_MIN);
		out->hour = cmos_read(REG_HOUR);
		out->mday = cmos_read(REG_MDAY);
		out->mon = cmos_read(REG_MON);
		out->year = cmos_read(REG_YEAR);
		out->b = cmos_read(REG_B);
		if (t > 0 && raw_equal(out, &prev))
			return 0;
		prev = *out;
	}
	return -ETIMEDOUT;
	/* LAB 3: END */
}

static uint32_t bcd(uint8_t v)
{
	return (v >> 4) * 10u + (v & 0x0fu);
}

/* The registers as numbers: BCD or binary, a 12-hour or 24-hour clock,
 * as register B says. -EIO for values no clock holds. */
static int decode(const struct rtc_raw *r, struct rtc_time *t)
{
	/* LAB 3: BEGIN
	 * Register B's DM bit says whether the bytes are BCD (use bcd()) or
	 * binary; its 24/12 bit whether the hours byte is a 12-hour clock
	 * with bit 7 for PM (12 AM is 0 h, 12 PM is 12 h). The year byte is
	 * two digits: 70-99 are 19xx, 00-69 are 20xx. Check the ranges.
	 * STUB: (void)r;
	 * STUB: (void)t;
	 * STUB: (void)bcd;
	 * STUB: return -ENOSYS;
	 */
	int binary = r->b & B_DM;
	uint8_t hour = r->hour & (uint8_t)~HOUR_PM;
	t->sec = binary ? r->sec : bcd(r->sec);
	t->min = binary ? r->min : bcd(r->min);
	t->hour = binary ? hour : bcd(hour);
	t->mday = binary ? r->mday : bcd(r->mday);
	t->mon = binary ? r->mon : bcd(r->mon);
	t->year = binary ? r->year : bcd(r->year);
	if (!(r->b & B_24H)) {
		if (t->hour < 1 || t->hour > 12)
			return -EIO;
		t->hour %= 12;
		if (r->hour & HOUR_PM)
			t->hour += 12;
	}
	if (t->year > 99 || t->mon < 1 || t->mon > 12 || t->mday < 1 || t->mday > 31 ||
	    t->hour > 23 || t->min > 59 || t->sec > 59)
		return -EIO;
	t->year += t->year < 70 ? 2000 : 1900;
	return 0;
	/* LAB 3: END */
}

static int leap(uint32_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days since 1970-01-01 of a date from 1970 on (Gregorian calendar). */
static uint32_t days_since_epoch(const struct rtc_time *t)
{
	/* LAB 3: BEGIN
	 * Count the days of the whole years since 1970 (leap() says which
	 * have 366), of the whole months of this year (February has 29 in a
	 * leap year), and the days of this month before today.
	 * STUB: (void)t;
	 * STUB: (void)leap;
	 * STUB: return 0;
	 */
	static const uint16_t before_month[12] = {0,   31,  59,  90,  120, 151,
						  181, 212, 243, 273, 304, 334};
	uint32_t days = 0;
	for (uint32_t y = 1970; y < t->year; y++)
		days += leap(y) ? 366 : 365;
	days += before_month[t->mon - 1] + (t->mon > 2 && leap(t->year));
	return days + t->mday - 1;
	/* LAB 3: END */
}

static void rtc_handle(struct msg *m)
{
	if (m->type != RTC_GET) {
		m->type = -ENOSYS;
		return;
	}
	struct rtc_raw raw = {0};
	struct rtc_time t = {0};
	int r = valid ? read_raw(&raw) : -EIO;
	if (r == 0)
		r = decode(&raw, &t);
	if (r < 0) {
		m->type = r;
		return;
	}
	uint32_t days = days_since_epoch(&t);
	m->w[0] = ((days * 24 + t.hour) * 60 + t.min) * 60 + t.sec;
	m->w[1] = t.year;
	m->w[2] = t.mon;
	m->w[3] = t.mday;
	m->w[4] = t.hour;
	m->w[5] = t.min;
	m->w[6] = t.sec;
	m->w[7] = (days + 4) % 7; /* 1970-01-01 was a Thursday */
	m->type = 0;
}

static int rtc_init(void)
{
	/* A clock whose battery failed holds no time: say so once, and
	 * answer -EIO rather than a made-up date. */
	valid = (cmos_read(REG_D) & D_VRT) != 0;
	if (!valid)
		comp_log("rtc: the clock says its time is not valid (register D)\n");
	return 0;
}

static const struct component rtc_component = {
	.name = "rtc",
	.serves = {{SVC_RTC, rtc_handle}},
	.init = rtc_init,
	.ports = {{RTC_INDEX, 2}},
};
COMPONENT(rtc_component);
