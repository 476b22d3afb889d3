/* stat: show what the file system records about files */
#include <files.h>
#include <stdio.h>
#include <string.h>
#include <ulib.h>

static const char *type_name(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return "regular file";
	case S_IFDIR:
		return "directory";
	case S_IFLNK:
		return "symbolic link";
	case S_IFCHR:
		return "character device";
	default:
		return "unknown";
	}
}

int main(int argc, char **argv)
{
	int status = 0;

	if (argc < 2) {
		dprintf(STDERR_FILENO, "usage: stat path...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		char target[FS_PATH_MAX];
		struct fs_stat st;
		int r = lstat(argv[i], &st); /* as GNU stat: a link is shown itself */

		if (r < 0) {
			dprintf(STDERR_FILENO, "stat: %s: %s\n", argv[i], strerror(r));
			status = 1;
			continue;
		}
		if (S_ISLNK(st.mode) && readlink(argv[i], target, sizeof(target)) >= 0)
			printf("  file: %s -> %s\n", argv[i], target);
		else
			printf("  file: %s\n", argv[i]);
		printf("  type: %s\n", type_name(st.mode));
		printf("  mode: %04o\n", (unsigned)(st.mode & 07777));
		printf(" inode: %u\n", (unsigned)st.ino);
		printf(" links: %u\n", (unsigned)st.nlink);
		printf("  size: %llu\n", (unsigned long long)st.size);
		printf("blocks: %u (of 512 bytes)\n", (unsigned)st.blocks512);
		printf(" mtime: %u\n", (unsigned)st.mtime);
		printf("   uid: %u  gid: %u\n", (unsigned)st.uid, (unsigned)st.gid);
	}
	return status;
}
