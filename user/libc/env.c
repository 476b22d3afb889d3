/* The environment: NAME=value strings the kernel put on the stack above
 * argv (abi/syscall.h, SYS_SPAWN). What a child inherits is built here:
 * our environment, with PWD set to our working directory. */
#include <files.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ulib.h>

static char *no_environment[] = {NULL};
char **environ = no_environment;

/* Whether entry is "name=..." for the name that ends at the '=' of var
 * (var may be "NAME" or "NAME=value"). */
static int same_name(const char *entry, const char *var)
{
	size_t n = 0;

	while (var[n] && var[n] != '=')
		n++;
	return strncmp(entry, var, n) == 0 && entry[n] == '=';
}

char *getenv(const char *name)
{
	size_t n = strlen(name);

	for (char **e = environ; e && *e; e++)
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
			return *e + n + 1;
	return NULL;
}

/* Whether list (NULL-terminated, or NULL) has an entry for var's name. */
static int listed(const char *const list[], const char *var)
{
	for (int i = 0; list && list[i]; i++)
		if (same_name(list[i], var))
			return 1;
	return 0;
}

int spawn_with_env(const char *path, const char *const argv[], const char *const extra[])
{
	static char pwd[sizeof("PWD=") + FS_PATH_MAX];
	const char *envp[ARG_MAX_COUNT + 1];
	int n = 0;

	if (!listed(extra, "PWD")) {
		snprintf(pwd, sizeof(pwd), "PWD=");
		getcwd(pwd + 4, sizeof(pwd) - 4);
		envp[n++] = pwd;
	}
	for (char **e = environ; e && *e; e++) {
		if (same_name(*e, "PWD") || listed(extra, *e))
			continue;
		if (n == ARG_MAX_COUNT)
			return -E2BIG;
		envp[n++] = *e;
	}
	for (int i = 0; extra && extra[i]; i++) {
		if (n == ARG_MAX_COUNT)
			return -E2BIG;
		envp[n++] = extra[i];
	}
	envp[n] = NULL;
	return spawn_env(path, argv, envp);
}

int spawn(const char *path, const char *const argv[])
{
	return spawn_with_env(path, argv, NULL);
}
