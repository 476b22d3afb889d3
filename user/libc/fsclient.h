/* The client side of the file service (SVC_FS, abi/fs.h), private to
 * libc: how requests are built and sent. */
#ifndef LIBC_FSCLIENT_H
#define LIBC_FSCLIENT_H

#include <stddef.h>

#include <ulib.h>

/* Starts a request of this type in *m; buf and len (0: none) become its
 * grant with the given rights. */
void libc_fs_msg(struct msg *m, int type, const void *buf, size_t len, uint32_t rights);

/* Sends *m; the reply replaces it. Returns the reply's type. */
int libc_fs_call(struct msg *m);

/* Sends *m (type and words set) with the absolute form of path, NUL
 * included, as its grant. */
int libc_fs_path_call(struct msg *m, const char *path);

/* Sends *m (type set) with "from\0to\0", both made absolute, as its grant:
 * the form of FS_RENAME and FS_LINK. */
int libc_fs_two_path_call(struct msg *m, const char *from, const char *to);

#endif
