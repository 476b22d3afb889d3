/* The file service's protocol (SVC_FS): what libc's open, read, write, ...
 * send. Paths travel in a grant, always absolute (libc resolves the working
 * directory); data travels in a grant; small results come back in the
 * reply's words. A handle names an open file inside the file service and
 * belongs to the process that opened it (the message's sender). */
#ifndef ABI_FS_H
#define ABI_FS_H

#include <stdint.h>

/* A path, its NUL included, has at most FS_PATH_MAX bytes: room for a few
 * levels of the longest names ext2 allows (FS_NAME_MAX, 255 bytes, each
 * with its '/'), while the three paths a child may get in its environment
 * (PWD, STDIN, STDOUT) still fit ARG_MAX_BYTES (4096) with room to spare.
 * Linux's 4096 would not. */
#define FS_PATH_MAX 1024
#define FS_NAME_MAX 255

/* Requests. "grant R" means the caller lends a buffer the service reads. */
#define FS_OPEN  1 /* grant R: path; w[0] = O_* flags -> handle */
#define FS_CLOSE 2 /* w[0] = handle -> 0 */
#define FS_READ  3 /* w[0] = handle; grant W: buffer -> bytes (0 at the end) */
#define FS_WRITE 4 /* w[0] = handle; grant R: bytes -> bytes written */
#define FS_SEEK  5 /* w[0] = handle, w[1] = offset (int32), w[2] = SEEK_* -> new offset */
#define FS_STAT  6 /* grant R: path -> 0, struct fs_stat in w[] */
#define FS_FSTAT 7 /* w[0] = handle -> 0, struct fs_stat in w[] */
#define FS_READDIR                                                                                 \
	8 /* w[0] = handle of a directory; grant W: struct fs_dirent -> 1, or 0 at the end */
#define FS_MKDIR    9  /* grant R: path -> 0 */
#define FS_RMDIR    10 /* grant R: path -> 0 (-ENOTEMPTY unless empty) */
#define FS_UNLINK   11 /* grant R: path -> 0 (-EISDIR for a directory) */
#define FS_RENAME   12 /* grant R: "old\0new\0" -> 0 */
#define FS_LINK     13 /* grant R: "existing\0new\0" -> 0 (hard link) */
#define FS_TRUNCATE 14 /* w[0] = handle, w[1] = new length -> 0 */
#define FS_SYNC     15 /* -> 0 once every dirty block is on the disk (still marked not clean) */
#define FS_STATFS   16 /* -> 0, struct fs_statfs in w[] */
/* -> 0 once every dirty block is on the disk and the volume is marked
 * clean, as at an unmount (poweroff sends it last). The file system stays
 * usable: the next request that may change it marks it not clean again. */
#define FS_UNMOUNT 17
/* Symbolic links. Paths are followed through links everywhere, and a final
 * link too by FS_OPEN and FS_STAT; FS_LSTAT, FS_UNLINK, FS_RENAME and the
 * existing name of FS_LINK see the link itself. */
#define FS_SYMLINK  18 /* grant R: "target\0new\0", the target as given -> 0 */
#define FS_LSTAT    19 /* grant R: path -> 0, struct fs_stat of a final link itself */
#define FS_READLINK 20 /* grant RW: path, then the target (no NUL) -> its length */

/* FS_OPEN flags (Linux values). */
#define O_RDONLY    0x0
#define O_WRONLY    0x1
#define O_RDWR      0x2
#define O_ACCMODE   0x3
#define O_CREAT     0x40
#define O_EXCL      0x80
#define O_TRUNC     0x200
#define O_APPEND    0x400
#define O_DIRECTORY 0x10000

#define SEEK_SET 0
#define SEEK_CUR 1
#define SEEK_END 2

/* File types in fs_stat.mode (the ext2 / POSIX values). */
#define S_IFMT  0xF000
#define S_IFREG 0x8000
#define S_IFDIR 0x4000
#define S_IFLNK 0xA000

/* Returned in the reply's words w[0..8] (of MSG_WORDS, 11). The size is
 * 64 bits: ext2 keeps a regular file's upper 32 in i_size_high. Files over
 * 2^31 - 1 bytes can be stat'ed, not opened (-EFBIG): offsets are int32. */
struct fs_stat {
	uint32_t ino, mode, nlink, blocks512;
	uint64_t size;
	uint32_t mtime, uid, gid;
};

struct fs_statfs {
	uint32_t block_size, blocks, free_blocks, inodes, free_inodes;
};

struct fs_dirent {
	uint32_t ino;
	uint32_t type; /* S_IFREG, S_IFDIR, ... (0 if unknown) */
	char name[FS_NAME_MAX + 1];
};

/* The disk driver's protocol (SVC_ATA, private: only the file service may
 * call it). Sectors are 512 bytes. */
#define ATA_SECTOR 512
#define ATA_READ   1 /* w[0] = first sector (LBA28), w[1] = count; grant W -> 0 */
#define ATA_WRITE  2 /* w[0] = first sector, w[1] = count; grant R -> 0 */
#define ATA_INFO   3 /* -> 0, w[0] = sectors on the disk, w[1] = the driver's instance */
#define ATA_FLUSH  4 /* -> 0 once every sector written before is on the medium */
/* A read, write or flush may name in w[2] the instance it is meant for (0:
 * any); one meant for an instance before a restart answers -ESTALE. */
/* ATA_WRITE's w[3]: 0, the answer comes once the data is on the medium
 * (the driver flushes the drive's write cache); ATA_WRITE_CACHED, once the
 * drive has it, perhaps only in its cache, until the next ATA_FLUSH. A
 * caller that writes many runs and then flushes once (the file service's
 * sync) waits for one flush, not one a run. */
#define ATA_WRITE_CACHED 1
#define ATA_MAX_SECTORS  256 /* per request: one 128 KiB transfer */

#endif
