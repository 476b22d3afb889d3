/* sh: the shell: runs programs by name, with quoting, cd and redirections */
#include <files.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ulib.h>

#define LINE_MAX 1024

/* What split_words makes of a line: words, and the redirection operators
 * < > >> (unquoted; they need no blanks around them). */
enum token_kind { WORD, REDIR_IN, REDIR_OUT, REDIR_APPEND };

struct token {
	enum token_kind kind;
	char *text; /* WORD only */
};

/* The redirections of one command line: file names as typed, or NULL. */
struct redirections {
	const char *in, *out;
	int append; /* >> rather than > */
};

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

/* If *in starts a redirection operator, steps over it and returns its
 * kind; else returns WORD and leaves *in alone. */
static enum token_kind take_operator(char **in)
{
	char *p = *in;

	if (*p == '<') {
		*in = p + 1;
		return REDIR_IN;
	}
	if (*p == '>') {
		*in = p + (p[1] == '>' ? 2 : 1);
		return p[1] == '>' ? REDIR_APPEND : REDIR_OUT;
	}
	return WORD;
}

/* Splits line in place into at most max tokens. Whitespace separates words;
 * '...' groups literally, "..." groups with \" and \\ as escapes, and
 * outside quotes a backslash takes the next character literally. Quoted
 * and unquoted parts next to each other form one word (a"b c"d is "ab cd").
 * Unquoted < > and >> are operators of their own, also inside a word
 * (a>b is a, >, b). Returns the token count, -E2BIG for too many tokens,
 * or -EINVAL for an unterminated quote. */
static int split_words(char *line, struct token *tokens, int max)
{
	char *in = line;
	char *out = line; /* never passes in, so the line can be rewritten in place */
	int count = 0;

	for (;;) {
		enum token_kind op;
		char quote = 0;

		while (is_space(*in))
			in++;
		if (*in == '\0')
			return count;
		if (count == max)
			return -E2BIG;
		if ((op = take_operator(&in)) != WORD) {
			tokens[count++] = (struct token){op, NULL};
			continue;
		}
		tokens[count++] = (struct token){WORD, out};
		while (*in != '\0' && (quote || (!is_space(*in) && *in != '<' && *in != '>'))) {
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
		/* Step over the separator or the operator that ended the word
		 * before the terminator may land on it. */
		op = take_operator(&in);
		if (op == WORD && *in != '\0')
			in++;
		*out++ = '\0';
		if (op != WORD) {
			if (count == max)
				return -E2BIG;
			tokens[count++] = (struct token){op, NULL};
		}
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
	       "  cd [dir]   change the working directory (to / without dir)\n"
	       "  pwd        print the working directory\n"
	       "  exit [n]   leave the shell with exit code n (init starts a new one)\n"
	       "  status     how the last program ended\n"
	       "redirections: prog < in, prog > out (create or empty), prog >> out (append)\n");
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
	if (last_status == WAIT_STOPPED)
		printf("killed (kill or ^C)\n");
	else if (last_status & WAIT_KILLED)
		printf("killed by exception %d\n", last_status & 0xff);
	else
		printf("exit %d\n", WAIT_EXITCODE(last_status));
}

static void builtin_cd(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/";

	if (argc > 2) {
		dprintf(STDERR_FILENO, "sh: cd: too many arguments (cd takes one folder)\n");
		last_status = 1;
		return;
	}
	int r = chdir(dir);

	if (r < 0)
		dprintf(STDERR_FILENO, "sh: cd: %s: %s\n", dir, strerror(r));
}

static void builtin_pwd(int argc, char **argv)
{
	char cwd[FS_PATH_MAX];

	(void)argc;
	(void)argv;
	if (getcwd(cwd, sizeof(cwd)) == 0)
		printf("%s\n", cwd);
}

static const struct builtin {
	const char *name;
	void (*run)(int argc, char **argv);
} builtins[] = {
	{ "help", builtin_help },
	{ "cd", builtin_cd },
	{ "pwd", builtin_pwd },
	{ "exit", builtin_exit },
	{ "status", builtin_status },
};

/* Turns a redirection into the environment entry that tells the child's
 * libc to apply it (user/README.md, "Environment"): NAME=<absolute path>.
 * Returns 0, or -errno after saying what is wrong. */
static int redirect_entry(const char *name, const char *path, char *entry, size_t size)
{
	char abs[FS_PATH_MAX];
	int r = abspath(path, abs, sizeof(abs));

	if (r == 0 && snprintf(entry, size, "%s=%s", name, abs) >= (int)size)
		r = -ENAMETOOLONG;
	if (r < 0)
		dprintf(STDERR_FILENO, "sh: %s: %s\n", path, strerror(r));
	return r;
}

/* Builds the child's extra environment for the redirections into extra
 * (room for 3 entries). Input must exist now, as in a Unix shell, which
 * does not start a command whose input it cannot open. */
static int redirect_env(const struct redirections *rd, const char *extra[])
{
	static char in_entry[sizeof("STDIN=") + FS_PATH_MAX];
	static char out_entry[sizeof("STDOUT_APPEND=") + FS_PATH_MAX];
	struct fs_stat st;
	int n = 0, r;

	if (rd->in) {
		if ((r = stat(rd->in, &st)) == 0 && S_ISDIR(st.mode))
			r = -EISDIR;
		if (r < 0) {
			dprintf(STDERR_FILENO, "sh: %s: %s\n", rd->in, strerror(r));
			return r;
		}
		if ((r = redirect_entry("STDIN", rd->in, in_entry, sizeof(in_entry))) < 0)
			return r;
		extra[n++] = in_entry;
	}
	if (rd->out) {
		const char *name = rd->append ? "STDOUT_APPEND" : "STDOUT";

		if ((r = redirect_entry(name, rd->out, out_entry, sizeof(out_entry))) < 0)
			return r;
		extra[n++] = out_entry;
	}
	extra[n] = NULL;
	return 0;
}

static void run_program(char **argv, const struct redirections *rd)
{
	char path[FS_PATH_MAX];
	const char *extra[3];
	int pid, status, r;

	if (!argv[0][0]) {
		dprintf(STDERR_FILENO, "sh: '': an empty command name\n");
		last_status = 127;
		return;
	}
	if (strchr(argv[0], '/'))
		r = (int)strlcpy(path, argv[0], sizeof(path));
	else
		r = snprintf(path, sizeof(path), "/bin/%s", argv[0]);
	if (r >= (int)sizeof(path)) {
		dprintf(STDERR_FILENO, "sh: %s: %s\n", argv[0], strerror(ENAMETOOLONG));
		last_status = 127;
		return;
	}
	if (redirect_env(rd, extra) < 0) {
		last_status = 1;
		return;
	}
	/* From before the spawn (so no ^C can come too early) until the wait
	 * is over, Ctrl-C at the console stops what we started; at our
	 * prompt it stops nothing. */
	console_foreground(1);
	pid = spawn_with_env(path, (const char *const *)argv, extra);
	if (pid < 0) {
		console_foreground(0);
		if (pid == -ENOENT)
			dprintf(STDERR_FILENO, "sh: %s: command not found\n", argv[0]);
		else if (pid == -EFBIG)
			dprintf(STDERR_FILENO,
				"sh: %s: too large to be a program (at most %u MiB)\n", argv[0],
				SPAWN_IMAGE_MAX >> 20);
		else if (pid == -EAGAIN)
			dprintf(STDERR_FILENO,
				"sh: %s: cannot start: every process slot is taken (ps shows "
				"by whom)\n",
				argv[0]);
		else
			dprintf(STDERR_FILENO, "sh: %s: %s\n", argv[0], strerror(pid));
		last_status = 127;
		return;
	}
	/* A child killed by a fault was already reported by the kernel, and a
	 * nonzero exit code is the program's business: say nothing and keep
	 * it for status. A stop (kill or ^C) is said here. */
	r = wait(pid, &status);
	console_foreground(0);
	if (r < 0) {
		dprintf(STDERR_FILENO, "sh: wait: %s\n", strerror(r));
		return;
	}
	if (status == WAIT_STOPPED)
		dprintf(STDERR_FILENO, "sh: %d killed\n", pid);
	last_status = status;
}

/* Opens and closes path with flags, as a redirection would. */
static void open_redirect(const char *path, int flags)
{
	int fd = open(path, flags);

	if (fd >= 0)
		fd = close(fd);
	if (fd < 0)
		dprintf(STDERR_FILENO, "sh: %s: %s\n", path, strerror(fd));
}

/* A line of only redirections: > file creates or empties the file,
 * >> file creates it, < file checks it can be read; nothing runs. */
static void redirect_only(const struct redirections *rd)
{
	if (rd->in)
		open_redirect(rd->in, O_RDONLY);
	if (rd->out)
		open_redirect(rd->out, O_WRONLY | O_CREAT | (rd->append ? O_APPEND : O_TRUNC));
}

/* Sorts the tokens into argv (NULL-terminated) and the redirections.
 * Returns argc, or -EINVAL after saying what is wrong. */
static int parse(struct token *tokens, int count, char **argv, struct redirections *rd)
{
	int argc = 0;

	for (int i = 0; i < count; i++) {
		enum token_kind kind = tokens[i].kind;

		if (kind == WORD) {
			argv[argc++] = tokens[i].text;
			continue;
		}
		if (i + 1 == count || tokens[i + 1].kind != WORD) {
			static const char *const spelling[] = {
				[REDIR_IN] = "<", [REDIR_OUT] = ">", [REDIR_APPEND] = ">>"};

			dprintf(STDERR_FILENO, "sh: a file name must follow %s\n", spelling[kind]);
			return -EINVAL;
		}
		const char *file = tokens[++i].text;

		if (kind == REDIR_IN) {
			rd->in = file;
		} else {
			rd->out = file;
			rd->append = kind == REDIR_APPEND;
		}
	}
	argv[argc] = NULL;
	return argc;
}

static void run_line(char *line)
{
	struct token tokens[ARG_MAX_COUNT];
	char *argv[ARG_MAX_COUNT + 1];
	struct redirections rd = {NULL, NULL, 0};
	int count = split_words(line, tokens, ARG_MAX_COUNT);
	int argc;

	if (count == -E2BIG) {
		dprintf(STDERR_FILENO, "sh: more than %d words\n", ARG_MAX_COUNT);
		return;
	}
	if (count == -EINVAL) {
		dprintf(STDERR_FILENO, "sh: unterminated quote\n");
		return;
	}
	if (count == 0 || (argc = parse(tokens, count, argv, &rd)) < 0)
		return;
	if (argc == 0) {
		redirect_only(&rd);
		return;
	}
	for (size_t i = 0; i < COUNT(builtins); i++) {
		if (strcmp(argv[0], builtins[i].name) == 0) {
			if (rd.in || rd.out)
				dprintf(STDERR_FILENO, "sh: %s: builtins cannot be redirected\n",
					argv[0]);
			else
				builtins[i].run(argc, argv);
			return;
		}
	}
	run_program(argv, &rd);
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
