/* files.h: files, directories and the working directory, over the file
 * service (SVC_FS, abi/fs.h).
 *
 * A file descriptor is libc's own: a small table per process maps it to
 * the console or to a handle of the file service (libc/fd.c). Descriptors
 * 0, 1 and 2 start as the console, unless the environment redirects them
 * (see user/README.md, "Environment"). Paths may be relative: libc keeps
 * the working directory and sends the file service only absolute paths,
 * with "." and ".." resolved by their text alone (a "/.." at the root
 * stays at the root).
 *
 * Like the rest of libc, every function returns a negative errno on
 * failure; -ENOENT from an operation when there is no file service at all. */
#ifndef FILES_H
#define FILES_H

#include <stddef.h>
#include <stdint.h>

#include <abi/errno.h>
#include <abi/fs.h>

/* Descriptors per process, console ones included. */
#define OPEN_MAX 16

/* The console's descriptors report this type in fstat. */
#define S_IFCHR 0x2000

#define S_ISREG(mode) ((S_IFMT & (mode)) == S_IFREG)
#define S_ISDIR(mode) ((S_IFMT & (mode)) == S_IFDIR)
#define S_ISLNK(mode) ((S_IFMT & (mode)) == S_IFLNK)

/* Opens path with O_* flags (abi/fs.h); a new file gets mode 0644. Returns
 * the lowest free descriptor, or -EMFILE when all OPEN_MAX are in use. */
int open(const char *path, int flags);
int close(int fd);
/* read() and write() are declared in ulib.h. Returns the new offset;
 * -ESPIPE on the console. */
int lseek(int fd, int32_t offset, int whence);
int ftruncate(int fd, uint32_t length);
int fstat(int fd, struct fs_stat *st);
int stat(const char *path, struct fs_stat *st);
/* stat, but a symbolic link named last is reported itself, not followed
 * (every other call follows links: open, stat, chdir, spawn...). */
int lstat(const char *path, struct fs_stat *st);
/* Makes a symbolic link at link_path holding target, as given: a relative
 * target is read from the link's directory. */
int symlink(const char *target, const char *link_path);
/* A link's target: its length (at most size); buf is NUL-terminated if
 * there is room. -EINVAL if path is not a link. */
int readlink(const char *path, char *buf, size_t size);

int mkdir(const char *path);
int rmdir(const char *path);  /* -ENOTEMPTY unless empty */
int unlink(const char *path); /* -EISDIR for a directory */
int rename(const char *from, const char *to);
int link(const char *existing, const char *new_path); /* a hard link */

/* Writes every dirty block of the file system to the disk. The volume
 * stays marked "not clean": a crash after it still asks for e2fsck. */
int sync(void);
/* sync, then the volume marked clean, as an unmount does: poweroff's last
 * request. The file system stays usable; the next change marks it not
 * clean again. */
int unmount(void);
int statfs(struct fs_statfs *st);

/* Directories: opendir returns a descriptor; readdir fills *ent and
 * returns 1, or 0 after the last entry ("." and ".." included). */
int opendir(const char *path);
int readdir(int fd, struct fs_dirent *ent);
int closedir(int fd);

/* The working directory: chdir checks that path is a directory. getcwd
 * copies it into buf: 0, or -ERANGE if size is too small. */
int chdir(const char *path);
int getcwd(char *buf, size_t size);
/* Resolves path against the working directory into an absolute path with
 * no ".", "..", empty parts or trailing slash. -ENOENT for "", and
 * -ENAMETOOLONG if a name exceeds FS_NAME_MAX or the result (with its NUL)
 * FS_PATH_MAX or size. */
int abspath(const char *path, char *out, size_t size);
/* "dir/name" in malloc'd memory (free it), with one slash between them
 * whatever dir ends with: "/" and "x" make "/x", not "//x". Never cut:
 * a path too long is for the call that uses it to refuse, in full. NULL
 * when out of memory. */
char *path_join(const char *dir, const char *name);

#endif
