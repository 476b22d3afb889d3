/* Opening files and directories: a descriptor is taken first, so that
 * running out of descriptors never leaves a handle behind in the file
 * service. */
#include <files.h>
#include <ulib.h>

#include "fd.h"
#include "fsclient.h"

int open(const char *path, int flags)
{
	int fd = libc_fd_lowest_free();
	struct msg m;
	int handle;

	if (fd < 0)
		return fd;
	libc_fs_msg(&m, FS_OPEN, NULL, 0, 0);
	m.w[0] = (uint32_t)flags;
	handle = libc_fs_path_call(&m, path);
	if (handle < 0)
		return handle;
	libc_fd_set_file(fd, (uint32_t)handle, flags);
	return fd;
}

int opendir(const char *path)
{
	return open(path, O_RDONLY | O_DIRECTORY);
}
