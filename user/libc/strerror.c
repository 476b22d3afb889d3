/* Short messages for the error codes of abi/errno.h. */
#include <string.h>
#include <ulib.h>

static const char *const messages[] = {
	[0] = "no error",
	[EPERM] = "not permitted",
	[ENOENT] = "no such file or program",
	[ESRCH] = "no such process",
	[EINTR] = "interrupted",
	[EIO] = "I/O error",
	[E2BIG] = "argument list too long",
	[ENOEXEC] = "not an executable",
	[EBADF] = "bad file descriptor",
	[ECHILD] = "no child processes",
	[EAGAIN] = "try again",
	[ENOMEM] = "out of memory",
	[EFAULT] = "bad address",
	[EBUSY] = "busy",
	[EEXIST] = "already exists",
	[EXDEV] = "cross-device link",
	[ENODEV] = "file system not mounted",
	[ENOTDIR] = "not a directory",
	[EISDIR] = "is a directory",
	[EINVAL] = "invalid argument",
	[EMFILE] = "too many open files",
	[EFBIG] = "file too large",
	[ENOSPC] = "no space left",
	[ESPIPE] = "illegal seek",
	[EROFS] = "read-only file system",
	[EMLINK] = "too many links",
	[ERANGE] = "out of range",
	[ENAMETOOLONG] = "name too long",
	[ENOSYS] = "not implemented",
	[ENOTEMPTY] = "directory not empty",
	[ELOOP] = "too many symbolic links",
	[EPIPE] = "connection closed by the peer",
	[EDEADLK] = "call cycle: the services would wait on each other",
	[EDEADSRCDST] = "service died",
	[ENOTSOCK] = "not a socket",
	[EDESTADDRREQ] = "destination address required",
	[EMSGSIZE] = "message too long",
	[EPROTOTYPE] = "wrong protocol for this socket",
	[EPROTONOSUPPORT] = "protocol not supported",
	[EOPNOTSUPP] = "operation not supported",
	[EAFNOSUPPORT] = "address family not supported",
	[EADDRINUSE] = "address already in use",
	[EADDRNOTAVAIL] = "address not available",
	[ENETDOWN] = "network is down",
	[ENETUNREACH] = "network unreachable",
	[ECONNABORTED] = "connection aborted",
	[ECONNRESET] = "connection reset by the peer",
	[ENOBUFS] = "no buffer space",
	[EISCONN] = "already connected",
	[ENOTCONN] = "not connected",
	[ETIMEDOUT] = "timed out",
	[ECONNREFUSED] = "connection refused",
	[EHOSTUNREACH] = "host unreachable",
	[EALREADY] = "already in progress",
	[EINPROGRESS] = "in progress",
	[ESTALE] = "stale: the service was restarted",
};

#define MESSAGE_COUNT (sizeof(messages) / sizeof(messages[0]))

const char *strerror(int err)
{
	/* Unsigned negation, so that INT_MIN is just another unknown code. */
	unsigned code = err < 0 ? 0u - (unsigned)err : (unsigned)err;

	if (code >= MESSAGE_COUNT || !messages[code])
		return "unknown error";
	return messages[code];
}
