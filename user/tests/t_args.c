/* t_args: spawn passes argv exactly; E2BIG and ENOENT from spawn */
#define TEST_NAME "t_args"
#include <stdlib.h>

#include "check.h"

#define SELF "/bin/t_args"

/* What the parent passes and the child expects: words with spaces as the
 * shell makes them from quotes, an empty word, and other bytes that a
 * careless copy might mangle. */
static const char *const exact_argv[] = {
	"t_args",     "--exact",       "one",	    "two words", "",
	"  padded  ", "quote\"inside", "tab\there", "last",	 NULL,
};

#define EXACT_ARGC ((int)(sizeof(exact_argv) / sizeof(exact_argv[0])) - 1)

/* Child mode --exact: exit 0 if our argv is exact_argv, else the number of
 * the first check that failed, after saying why. */
static int child_exact(int argc, char **argv)
{
	if (argc != EXACT_ARGC) {
		printf("child: argc = %d, want %d\n", argc, EXACT_ARGC);
		return 2;
	}
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], exact_argv[i]) != 0) {
			printf("child: argv[%d] = \"%s\", want \"%s\"\n", i, argv[i],
			       exact_argv[i]);
			return 3;
		}
	}
	if (argv[argc] != NULL) {
		printf("child: argv[argc] is not NULL\n");
		return 4;
	}
	return 0;
}

/* Child mode --count N: exit 0 if argc is N. */
static int child_count(int argc, char **argv)
{
	int want = atoi(argv[2]);

	if (argc != want) {
		printf("child: argc = %d, want %d\n", argc, want);
		return 5;
	}
	return argv[argc] == NULL ? 0 : 4;
}

static void run_child(const char *what, const char *const argv[])
{
	int status;
	int pid = spawn(SELF, argv);

	if (pid < 0)
		fail("spawn for %s: %s", what, strerror(pid));
	check_int("wait returns the child's pid", wait(pid, &status), pid);
	if (status != 0)
		fail("child for %s ended with status 0x%x", what, status);
	printf("ok   %s\n", what);
}

int main(int argc, char **argv)
{
	static char long_word[ARG_MAX_BYTES / 2 + 100];
	static char count_text[12];
	const char *many[ARG_MAX_COUNT + 2];

	if (argc > 1 && strcmp(argv[1], "--exact") == 0)
		return child_exact(argc, argv);
	if (argc > 2 && strcmp(argv[1], "--count") == 0)
		return child_count(argc, argv);

	run_child("argv with spaces, quotes and an empty word arrives exactly", exact_argv);

	/* The largest argv that fits: one entry is left for the NULL, in case
	 * the kernel counts it. */
	snprintf(count_text, sizeof(count_text), "%d", ARG_MAX_COUNT - 1);
	many[0] = "t_args";
	many[1] = "--count";
	many[2] = count_text;
	for (int i = 3; i < ARG_MAX_COUNT - 1; i++)
		many[i] = "x";
	many[ARG_MAX_COUNT - 1] = NULL;
	run_child("argv with ARG_MAX_COUNT - 1 words", many);

	for (int i = 3; i < ARG_MAX_COUNT + 1; i++)
		many[i] = "x";
	many[ARG_MAX_COUNT + 1] = NULL;
	check_err("spawn with ARG_MAX_COUNT + 1 words", spawn(SELF, many), -E2BIG);

	memset(long_word, 'a', sizeof(long_word) - 1);
	many[3] = long_word;
	many[4] = long_word;
	many[5] = NULL;
	check_err("spawn with more than ARG_MAX_BYTES of strings", spawn(SELF, many), -E2BIG);

	check_err("spawn of a missing program", spawn("/bin/no_such_program", exact_argv), -ENOENT);
	pass();
}
