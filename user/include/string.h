/* string.h: the string functions are klib's (common/include/klib.h), shared
 * with the kernel; strerror is the only one of the user library. */
#ifndef STRING_H
#define STRING_H

#include <klib.h>

/* A short message for an errno (either sign, as functions return -errno);
 * "unknown error" for codes it does not know. */
const char *strerror(int err);

#endif
