/* Short messages for the error codes of abi/errno.h. */
#include <string.h>
#include <ulib.h>

static const char *const messages[] = {
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
	[EDEADSRCDST] = "service died",
	[ETIMEDOUT] = "timed out",
	[ECONNREFUSED] = "connection refused",
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
