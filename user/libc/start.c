/* What libc does before main (crt0 calls libc_start): adopt the
 * environment, and act on the variables through which a parent passes a
 * program its working directory and its redirections (user/README.md,
 * "Environment"):
 *
 *   PWD=<dir>            the working directory
 *   STDIN=<path>         descriptor 0 reads the file
 *   STDOUT=<path>        descriptor 1 writes the file, created or emptied
 *   STDOUT_APPEND=<path> descriptor 1 appends to the file, created if need be
 *
 * The redirection variables are removed from environ once applied: they
 * describe this program's own descriptors, which its children do not
 * share. */
#include <files.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ulib.h>

#include "cwd.h"
#include "fd.h"

static const struct redirect {
	const char *name;
	int fd;
	int flags;
} redirects[] = {
	{"STDIN", STDIN_FILENO, O_RDONLY},
	{"STDOUT", STDOUT_FILENO, O_WRONLY | O_CREAT | O_TRUNC},
	{"STDOUT_APPEND", STDOUT_FILENO, O_WRONLY | O_CREAT | O_APPEND},
};

#define REDIRECT_COUNT (sizeof(redirects) / sizeof(redirects[0]))

/* The redirection entry is for, or NULL. */
static const struct redirect *redirect_of(const char *entry)
{
	for (size_t i = 0; i < REDIRECT_COUNT; i++) {
		size_t n = strlen(redirects[i].name);

		if (strncmp(entry, redirects[i].name, n) == 0 && entry[n] == '=')
			return &redirects[i];
	}
	return NULL;
}

/* Opens the file as the redirection says and moves it to its descriptor.
 * A program whose redirection fails does not run, as in a Unix shell. */
static void apply(const struct redirect *rd, const char *path, const char *prog)
{
	int fd = open(path, rd->flags);

	if (fd < 0) {
		dprintf(STDERR_FILENO, "%s: %s: %s\n", prog, path, strerror(fd));
		exit(1);
	}
	if (fd != rd->fd) {
		struct fd_entry moved = *libc_fd_get(fd);

		libc_fd_set_file(rd->fd, moved.handle, moved.flags);
		libc_fd_get(fd)->kind = FD_FREE; /* the handle now belongs to rd->fd */
	}
	if (rd->fd == STDOUT_FILENO)
		libc_stdout_is(path); /* absolute: the shell made it so */
}

const char *libc_progname = "?";

void libc_start(int argc, char **argv, char **envp);
void libc_start(int argc, char **argv, char **envp)
{
	const char *prog = argc > 0 && argv[0] ? argv[0] : "?";
	char **out;

	libc_progname = prog;
	if (envp)
		environ = envp;
	const char *pwd = getenv("PWD");

	if (pwd && pwd[0] == '/')
		libc_cwd_set(pwd);
	/* Apply and drop the redirections, keeping the other entries in
	 * order; environ lives on our own stack, so it can be edited. */
	out = environ;
	for (char **e = environ; *e; e++) {
		const struct redirect *rd = redirect_of(*e);

		if (rd)
			apply(rd, strchr(*e, '=') + 1, prog);
		else
			*out++ = *e;
	}
	*out = NULL;
}
