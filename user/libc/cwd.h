/* The working directory, private to libc: cwd.c keeps it, chdir.c and the
 * startup code (PWD) change it. */
#ifndef LIBC_CWD_H
#define LIBC_CWD_H

/* Makes path (resolved against the current one) the working directory,
 * without asking the file system whether it exists. */
int libc_cwd_set(const char *path);

#endif
