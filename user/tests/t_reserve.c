/* t_reserve: a server restarts even when programs have filled the process table or memory */
#include <stdio.h>
#include <string.h>
#include <ulib.h>

#define TEST_NAME "t_reserve"
#include "check.h"

#define MAX_CHILDREN 64
#define CHUNK        (256 * 1024)

/* Crashes the null service and checks that its next instance answers:
 * the restart had to find a process slot and memory. */
static void crash_and_ping(const char *while_what)
{
	char what[96];
	struct msg m = {.type = MSG_CRASH};

	m.w[0] = CRASH_NULL;
	snprintf(what, sizeof(what), "crash null while %s", while_what);
	check_err(what, svc_call(SVC_NULL, &m), -EDEADSRCDST);
	m = (struct msg){.type = MSG_PING};
	snprintf(what, sizeof(what), "ping the restarted null while %s", while_what);
	check_err(what, svc_call(SVC_NULL, &m), 0);
}

static void full_process_table(void)
{
	static const char *const argv[] = {"sleep", "2", NULL};
	int pids[MAX_CHILDREN], n = 0, r = 0;

	while (n < MAX_CHILDREN && (r = spawn("/bin/sleep", argv)) > 0)
		pids[n++] = r;
	printf("ok   %d children started before spawn said %d (%s)\n", n, r, strerror(r));
	check(r == -EAGAIN, "spawn ends with EAGAIN: the table is full for programs");
	crash_and_ping("the process table is full");
	for (int i = 0; i < n; i++)
		wait(pids[i], NULL);
}

static void full_memory(void)
{
	uint8_t *start = sbrk(0);
	uint32_t taken = 0;
	void *p;

	while (!ptr_err(p = sbrk(CHUNK)))
		taken += CHUNK;
	printf("ok   %u KiB taken before sbrk said %d (%s)\n", taken / 1024, ptr_err(p),
	       strerror(ptr_err(p)));
	check(ptr_err(p) == -ENOMEM && taken > 0, "sbrk ends with ENOMEM: memory is full");
	crash_and_ping("memory is full");
	check(!ptr_err(sbrk(-(intptr_t)taken)), "give the memory back");
	check(sbrk(0) == start, "the break is where it started");
}

int main(void)
{
	full_process_table();
	full_memory();
	pass();
}
