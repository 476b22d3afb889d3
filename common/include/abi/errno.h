/* Error codes of the user ABI. A system call or a service reply returns a
 * negative one of these; the numbers follow Linux so that they are familiar. */
#ifndef ABI_ERRNO_H
#define ABI_ERRNO_H

#define EPERM           1 /* not allowed (e.g. calling a service without a capability) */
#define ENOENT          2 /* no such file, program or process */
#define ESRCH           3 /* no such process */
#define EINTR           4
#define EIO             5  /* I/O error, or a corrupt on-disk structure */
#define E2BIG           7  /* argument list too long */
#define ENOEXEC         8  /* not a valid executable */
#define EBADF           9  /* bad file descriptor */
#define ECHILD          10 /* no child to wait for */
#define EAGAIN          11
#define ENOMEM          12 /* out of memory */
#define EFAULT          14 /* a pointer or buffer outside the caller's memory */
#define EBUSY           16
#define EEXIST          17
#define EXDEV           18
#define ENODEV          19 /* no file system mounted (what a program sees); also pci_find: no such device */
#define ENOTDIR         20
#define EISDIR          21
#define EINVAL          22 /* a bad argument */
#define EMFILE          24 /* too many open files */
#define EFBIG           27
#define ENOSPC          28 /* disk full */
#define ESPIPE          29
#define EROFS           30
#define EMLINK          31
#define EPIPE           32 /* writing to a connection the peer has closed */
#define ERANGE          34
#define EDEADLK         35 /* the call would close a cycle of services waiting on each other */
#define ENAMETOOLONG    36 /* a name or path too long */
#define ENOSYS          38 /* unknown system call or request type */
#define ENOTEMPTY       39
#define ELOOP           40
#define EDEADSRCDST     42 /* the service died while serving the call (see docs/) */
#define ENOTSOCK        88
#define EDESTADDRREQ    89
#define EMSGSIZE        90 /* a datagram larger than the protocol allows */
#define EPROTOTYPE      91
#define EPROTONOSUPPORT 93
#define EOPNOTSUPP      95
#define EAFNOSUPPORT    97
#define EADDRINUSE      98
#define EADDRNOTAVAIL   99
#define ENETDOWN        100
#define ENETUNREACH     101
#define ECONNABORTED    103
#define ECONNRESET      104 /* the peer reset the connection */
#define ENOBUFS         105
#define EISCONN         106
#define ENOTCONN        107
#define ETIMEDOUT       110
#define ECONNREFUSED    111
#define EHOSTUNREACH    113
#define EALREADY        114
#define EINPROGRESS     115
#define ESTALE          116 /* a request for an earlier instance of a restarted service */

#endif
