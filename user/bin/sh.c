/* sh: the shell: runs programs by name, with quoting */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ulib.h>

#define LINE_MAX 1024
#define PATH_MAX 128

struct program {
	const char *name;
	const char *description;
};

/* programs.h is generated from the first line of each program's source
 * (user/mkproglist.sh), so help cannot fall behind what is installed. */
#define PROGRAM(name, description) { name, description },
#define TEST(name, description)
static const struct program programs[] = {
#include "programs.h"
};
#undef PROGRAM
#undef TEST

#define PROGRAM(name, description)
#define TEST(name, description) { name, description },
static const struct program tests[] = {
#include "programs.h"
};
#undef PROGRAM
#undef TEST

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* How the last program ended, in wait() form, for the status builtin;
 * 127 means it could not be started, as in Unix shells. */
static int last_status;

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Splits line in place into at most max words. Whitespace separates words;
 * '...' groups literally, "..." groups with \" and \\ as escapes, and
 * outside quotes a backslash takes the next character literally. Quoted
 * and unquoted parts next to each other form one word (a"b c"d is "ab cd").
 * Returns the word count, -E2BIG for too many words, or -EINVAL for an
 * unterminated quote. */
static int split_words(char *line, char **words, int max)
{
	char *in = line;
	char *out = line; /* never passes in, so the line can be rewritten in place */
	int count = 0;

	for (;;) {
		char quote = 0;

		while (is_space(*in))
			in++;
		if (*in == '\0')
			return count;
		if (count == max)
			return -E2BIG;
		words[count++] = out;
		while (*in != '\0' && (quote || !is_space(*in))) {
			if (quote == '\'' && *in == '\'') {
				quote = 0;
				in++;
			} else if (quote == '"' && *in == '"') {
				quote = 0;
				in++;
			} else if (!quote && (*in == '\'' || *in == '"')) {
				quote = *in++;
			} else if (quote != '\'' && *in == '\\' && in[1] != '\0' &&
				   (!quote || in[1] == '"' || in[1] == '\\')) {
				in++;
				*out++ = *in++;
			} else {
				*out++ = *in++;
			}
		}
		if (quote)
			return -EINVAL;
		/* Step over the separator before the terminator may land on it. */
		if (*in != '\0')
			in++;
		*out++ = '\0';
	}
}

static void print_table(const char *title, const struct program *list, size_t count)
{
	printf("%s\n", title);
	for (size_t i = 0; i < count; i++)
		printf("  %-10s %s\n", list[i].name, list[i].description);
}

static void builtin_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("builtins:\n"
	       "  help       this list\n"
	       "  exit [n]   leave the shell with exit code n (init starts a new one)\n"
	       "  status     how the last program ended\n");
	print_table("programs:", programs, COUNT(programs));
	print_table("tests:", tests, COUNT(tests));
}

static void builtin_exit(int argc, char **argv)
{
	exit(argc > 1 ? atoi(argv[1]) : 0);
}

static void builtin_status(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (last_status & WAIT_KILLED)
		printf("killed by exception %d\n", last_status & 0xff);
	else
		printf("exit %d\n", WAIT_EXITCODE(last_status));
}

static const struct builtin {
	const char *name;
	void (*run)(int argc, char **argv);
} builtins[] = {
	{ "help", builtin_help },
	{ "exit", builtin_exit },
	{ "status", builtin_status },
};

static void run_program(char **argv)
{
	char path[PATH_MAX];
	int pid, status, r;

	if (strchr(argv[0], '/'))
		r = (int)strlcpy(path, argv[0], sizeof(path));
	else
		r = snprintf(path, sizeof(path), "/bin/%s", argv[0]);
	if (r >= (int)sizeof(path)) {
		dprintf(STDERR_FILENO, "sh: %s: %s\n", argv[0], strerror(ENAMETOOLONG));
		last_status = 127;
		return;
	}
	pid = spawn(path, (const char *const *)argv);
	if (pid < 0) {
		if (pid == -ENOENT)
			dprintf(STDERR_FILENO, "sh: %s: command not found\n", argv[0]);
		else
			dprintf(STDERR_FILENO, "sh: %s: %s\n", argv[0], strerror(pid));
		last_status = 127;
		return;
	}
	/* A killed child was already reported by the kernel, and a nonzero exit
	 * code is the program's business: say nothing and keep it for status. */
	r = wait(pid, &status);
	if (r < 0) {
		dprintf(STDERR_FILENO, "sh: wait: %s\n", strerror(r));
		return;
	}
	last_status = status;
}

static void run_line(char *line)
{
	char *argv[ARG_MAX_COUNT + 1];
	int argc = split_words(line, argv, ARG_MAX_COUNT);

	if (argc == -E2BIG) {
		dprintf(STDERR_FILENO, "sh: more than %d words\n", ARG_MAX_COUNT);
		return;
	}
	if (argc == -EINVAL) {
		dprintf(STDERR_FILENO, "sh: unterminated quote\n");
		return;
	}
	if (argc == 0)
		return;
	argv[argc] = NULL;
	for (size_t i = 0; i < COUNT(builtins); i++) {
		if (strcmp(argv[0], builtins[i].name) == 0) {
			builtins[i].run(argc, argv);
			return;
		}
	}
	run_program(argv);
}

int main(void)
{
	static char line[LINE_MAX];

	for (;;) {
		int n;

		printf("$ ");
		n = readline(line, sizeof(line));
		if (n == 0)
			return 0; /* end of input */
		if (n < 0) {
			dprintf(STDERR_FILENO, "sh: read: %s\n", strerror(n));
			return 1;
		}
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		else if ((size_t)n == sizeof(line) - 1) {
			dprintf(STDERR_FILENO, "sh: line longer than %d bytes ignored\n",
				LINE_MAX - 1);
			continue;
		}
		run_line(line);
	}
}
