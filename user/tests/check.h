/* check.h: the few helpers every guest test uses, so that all of them
 * report alike: "ok ..." lines while they run, then one "PASS <name>" line,
 * or a "FAIL <name>: <reason>" line at the first failed check (the runner
 * fails a test on any line starting with FAIL). Define TEST_NAME before
 * including this file. */
#ifndef TESTS_CHECK_H
#define TESTS_CHECK_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <ulib.h>

#ifndef TEST_NAME
#error "define TEST_NAME before including check.h"
#endif

static inline __attribute__((noreturn, format(printf, 1, 2))) void fail(const char *fmt, ...)
{
	char reason[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	printf("FAIL %s: %s\n", TEST_NAME, reason);
	exit(1);
}

static inline __attribute__((noreturn)) void pass(void)
{
	printf("PASS %s\n", TEST_NAME);
	exit(0);
}

/* Fails unless got == want; for plain numbers. */
static inline void check_int(const char *what, int got, int want)
{
	if (got != want)
		fail("%s = %d, want %d", what, got, want);
	printf("ok   %s = %d\n", what, got);
}

/* Fails unless got == want; for results that are -errno. */
static inline void check_err(const char *what, int got, int want)
{
	if (got != want)
		fail("%s = %d (%s), want %d (%s)", what, got, got < 0 ? strerror(got) : "no error",
		     want, strerror(want));
	printf("ok   %s = %d (%s)\n", what, got, strerror(got));
}

/* Fails unless the condition holds; `what` says what was expected. */
static inline void check(int cond, const char *what)
{
	if (!cond)
		fail("expected %s", what);
	printf("ok   %s\n", what);
}

#endif
