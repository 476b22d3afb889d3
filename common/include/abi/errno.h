/* Error codes of the user ABI. A system call or a service reply returns a
 * negative one of these; the numbers follow Linux so that they are familiar. */
#ifndef ABI_ERRNO_H
#define ABI_ERRNO_H

#define EPERM        1 /* not allowed (e.g. calling a service without a capability) */
#define ENOENT       2 /* no such file, program or process */
#define ESRCH        3 /* no such process */
#define EINTR        4
#define EIO          5  /* I/O error, or a corrupt on-disk structure */
#define E2BIG        7  /* argument list too long */
#define ENOEXEC      8  /* not a valid executable */
#define EBADF        9  /* bad file descriptor */
#define ECHILD       10 /* no child to wait for */
#define EAGAIN       11
#define ENOMEM       12 /* out of memory */
#define EFAULT       14 /* a pointer or buffer outside the caller's memory */
#define EBUSY        16
#define EEXIST       17
#define EXDEV        18
#define ENOTDIR      20
#define EISDIR       21
#define EINVAL       22 /* a bad argument */
#define EMFILE       24 /* too many open files */
#define EFBIG        27
#define ENOSPC       28 /* disk full */
#define ESPIPE       29
#define EROFS        30
#define EMLINK       31
#define ERANGE       34
#define ENAMETOOLONG 36 /* a name or path too long */
#define ENOSYS       38 /* unknown system call or request type */
#define ENOTEMPTY    39
#define ELOOP        40
#define EDEADSRCDST  42 /* the service died while serving the call (see docs/) */
#define ECONNREFUSED 111
#define ETIMEDOUT    110

#endif
