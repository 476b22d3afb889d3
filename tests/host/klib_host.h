/* Renames klib's functions for the host unit tests.
 *
 * klib defines memcpy, strlen, snprintf... under their standard names, as
 * a kernel must. Linked into a host program those definitions would
 * replace the C library's for the whole process (cmocka, the sanitizer
 * runtime), and calls the compiler knows as builtins might never reach
 * klib at all. So for the host the klib sources are compiled with
 * `-include tests/host/klib_host.h`: every klib name becomes klib_<name>,
 * in definitions and in klib.h alike, and the host's own functions stay
 * untouched. The kernel and user builds never see this file.
 *
 * A test includes its system headers first, then this file, then klib.h;
 * from there on, memcpy() in the test means klib's. */
#ifndef KLIB_HOST_H
#define KLIB_HOST_H

#define memcpy klib_memcpy
#define memmove klib_memmove
#define memset klib_memset
#define memcmp klib_memcmp
#define strlen klib_strlen
#define strnlen klib_strnlen
#define strcmp klib_strcmp
#define strncmp klib_strncmp
#define strcpy klib_strcpy
#define strncpy klib_strncpy
#define strlcpy klib_strlcpy
#define strchr klib_strchr
#define strrchr klib_strrchr
#define strtol klib_strtol
#define strtoul klib_strtoul
#define atoi klib_atoi
#define vcbprintf klib_vcbprintf
#define vsnprintf klib_vsnprintf
#define snprintf klib_snprintf
#define udivmod64_32 klib_udivmod64_32

#endif
