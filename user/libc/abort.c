/* Ending a program that found itself in an impossible state. */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

void abort(void)
{
	dprintf(STDERR_FILENO, "abort (pid %d)\n", getpid());
	exit(134);
}

void assert_failed(const char *cond, const char *file, int line, const char *func)
{
	dprintf(STDERR_FILENO, "assertion failed: %s (%s:%d, %s)\n", cond, file, line, func);
	abort();
}
