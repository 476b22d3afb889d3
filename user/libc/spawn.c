/* spawn_env: starts a program from the file system, or else from the
 * kernel's initial ramdisk.
 *
 * The kernel never calls the file service (a micro kernel must not wait
 * for a server that might be the one it is loading): libc reads the whole
 * ELF file into memory and hands the kernel the bytes (abi/syscall.h,
 * SYS_SPAWN). If the file cannot be opened (it is not there, or there is
 * no usable file service, as early in boot or without a disk), the kernel
 * looks for the same path in its ramdisk, and its answer is final. */
#include <files.h>
#include <stdlib.h>
#include <string.h>
#include <ulib.h>

/* Reads the file at the absolute path into malloc'd memory. Returns 0
 * with *image and *size set; or the open error (*opened 0) or the load
 * error (*opened 1). */
static int load_image(const char *path, void **image, uint32_t *size, int *opened)
{
	struct fs_stat st;
	uint8_t *buf = NULL;
	int fd = open(path, O_RDONLY);
	int r;

	*opened = fd >= 0;
	if (fd < 0)
		return fd;
	if ((r = fstat(fd, &st)) < 0)
		goto out;
	r = S_ISDIR(st.mode) ? -EISDIR : st.size == 0 ? -ENOEXEC : 0;
	if (r == 0 && st.size > SPAWN_IMAGE_MAX)
		r = -EFBIG; /* E2BIG is the argument list's */
	if (r < 0)
		goto out;
	if (!(buf = malloc(st.size))) {
		r = -ENOMEM;
		goto out;
	}
	for (uint32_t done = 0; done < st.size; done += (uint32_t)r) {
		r = read(fd, buf + done, st.size - done);
		if (r <= 0) {
			r = r < 0 ? r : -EIO; /* the file shrank under us */
			goto out;
		}
	}
	*image = buf;
	*size = st.size;
	buf = NULL;
	r = 0;
out:
	free(buf);
	close(fd);
	return r;
}

int spawn_env(const char *path, const char *const argv[], const char *const envp[])
{
	char abs[FS_PATH_MAX];
	void *image = NULL;
	uint32_t size = 0;
	int opened, r;

	if ((r = abspath(path, abs, sizeof(abs))) < 0)
		return r;
	r = load_image(abs, &image, &size, &opened);
	/* Only a file that is not there, or a file service that is not (none
	 * in this system, none mounted, or one that just died), sends us to
	 * the ramdisk. Anything else is an answer about this very path (a
	 * directory on the way, a file too large to open): the ramdisk would
	 * only say "not found". */
	int absent = r == -ENOENT || r == -ENODEV || r == -ENOSYS || r == -EDEADSRCDST;

	if (r < 0 && (opened || !absent))
		return r;
	if (r < 0)
		return syscall(SYS_SPAWN, (uint32_t)abs, (uint32_t)argv, (uint32_t)envp, 0, 0);
	/* With an image the path only names the process: its last part is
	 * all the kernel keeps, so a long path cannot fail for its length. */
	const char *name = strrchr(abs, '/') + 1;

	r = syscall(SYS_SPAWN, (uint32_t)name, (uint32_t)argv, (uint32_t)envp, (uint32_t)image,
		    size);
	free(image);
	return r;
}
