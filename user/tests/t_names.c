/* t_names: names of 255 bytes (the longest ext2 allows) in every file operation; keep|clean: /n...n for ls */
#include <files.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ulib.h>

#define TEST_NAME "t_names"
#include "check.h"

#define DIR  "/work/t_names"
#define DIR2 "/work/t_names2"

/* 255 bytes of c: a legal name that, with the directory and its '/',
 * passed the old limit of 256 bytes for a path. */
static const char *long_name(char c)
{
	static char names[4][FS_NAME_MAX + 1];
	static int next;
	char *n = names[next++ % 4];

	memset(n, c, FS_NAME_MAX);
	n[FS_NAME_MAX] = '\0';
	return n;
}

/* dir/name in a static ring of buffers. */
static const char *in(const char *dir, const char *name)
{
	static char paths[4][2 * FS_PATH_MAX];
	static int next;
	char *p = paths[next++ % 4];

	snprintf(p, sizeof(paths[0]), "%s/%s", strcmp(dir, "/") ? dir : "", name);
	return p;
}

/* Runs argv[0] with argv and returns its exit code (or -errno). */
static int run(const char *const argv[])
{
	int pid = spawn(argv[0], argv), status;

	if (pid < 0)
		return pid;
	if (wait(pid, &status) < 0)
		return -ECHILD;
	return (status & WAIT_KILLED) ? 128 : WAIT_EXITCODE(status);
}

static void write_text(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC);

	check(fd >= 0, "create a file with a 255-byte name");
	check_int("write to it", write(fd, text, strlen(text)), (int)strlen(text));
	check_int("close it", close(fd), 0);
}

static void read_text(const char *path, const char *text)
{
	char buf[32] = {0};
	int fd = open(path, O_RDONLY);

	check(fd >= 0, "open a file with a 255-byte name");
	check_int("read it", read(fd, buf, sizeof(buf) - 1), (int)strlen(text));
	check(strcmp(buf, text) == 0, "the text read back is the text written");
	close(fd);
}

/* What readdir says of dir: whether it has an entry named name. */
static int listed(const char *dir, const char *name)
{
	struct fs_dirent ent;
	int fd = opendir(dir), found = 0;

	while (fd >= 0 && readdir(fd, &ent) > 0)
		found |= strcmp(ent.name, name) == 0;
	closedir(fd);
	return found;
}

static void every_operation(void)
{
	const char *a = long_name('a'), *b = long_name('b');
	struct fs_stat st;

	/* At the root: "/" + 255 bytes + NUL is 257, one past the old limit. */
	write_text(in("/", a), "root");
	check_int("stat /<255>", stat(in("/", a), &st), 0);
	check_int("unlink /<255>", unlink(in("/", a)), 0);

	check_int("mkdir " DIR, mkdir(DIR), 0);
	write_text(in(DIR, a), "hello");
	check_int("stat it", stat(in(DIR, a), &st), 0);
	check_int("its size", (int)st.size, 5);
	check_int("link it to another 255-byte name", link(in(DIR, a), in(DIR, b)), 0);
	check_int("stat the link", stat(in(DIR, b), &st), 0);
	check_int("two links", (int)st.nlink, 2);
	check_int("unlink the first name", unlink(in(DIR, a)), 0);
	check_int("rename the second to the first", rename(in(DIR, b), in(DIR, a)), 0);
	read_text(in(DIR, a), "hello");
	check(listed(DIR, a), "readdir gives the whole 255-byte name");

	/* A directory with a long name: created, entered, used relatively. */
	char d[FS_PATH_MAX], cwd[FS_PATH_MAX];

	strlcpy(d, in(DIR, b), sizeof(d));
	check_int("mkdir a 255-byte name", mkdir(d), 0);
	check_int("chdir into it", chdir(d), 0);
	check_int("getcwd", getcwd(cwd, sizeof(cwd)), 0);
	check(strcmp(cwd, d) == 0, "getcwd gives the whole path");
	write_text(a, "relative");
	read_text(in("..", a), "hello");
	check_int("chdir back to /", chdir("/"), 0);
	read_text(in(d, a), "relative");

	/* A program in a directory with a long name, and a program the disk
	 * does not have: the kernel gets the whole path (SYS_SPAWN). */
	const char *cp[] = {"/bin/cp", "/bin/true", in(d, "true"), NULL};
	const char *t[] = {in(d, "true"), NULL};
	const char *none[] = {in(d, "none"), NULL};

	check_int("cp /bin/true into it", run(cp), 0);
	check_int("run it from there", run(t), 0);
	check_err("spawn a missing program by a long path", spawn(none[0], none), -ENOENT);

	/* A path of FS_PATH_MAX - 1 bytes is the longest. */
	static char deep[FS_PATH_MAX + 1];
	size_t n = strlen(DIR2);

	memcpy(deep, DIR2, n + 1);
	check_int("mkdir " DIR2, mkdir(deep), 0);
	for (int i = 0; i < 3; i++) {
		deep[n++] = '/';
		memcpy(deep + n, a, FS_NAME_MAX + 1);
		n += FS_NAME_MAX;
		check_int("mkdir one level deeper", mkdir(deep), 0);
	}
	deep[n++] = '/';
	memset(deep + n, 'z', FS_PATH_MAX - 1 - n);
	deep[FS_PATH_MAX - 1] = '\0';
	write_text(deep, "deep");
	read_text(deep, "deep");
	deep[FS_PATH_MAX - 1] = 'z';
	deep[FS_PATH_MAX] = '\0';
	check_err("a path of FS_PATH_MAX bytes", open(deep, O_WRONLY | O_CREAT), -ENAMETOOLONG);

	/* rm -r empties and removes both trees: nothing is left that no
	 * operation could name. */
	const char *rm[] = {"/bin/rm", "-r", DIR, DIR2, NULL};

	check_int("rm -r both directories", run(rm), 0);
	check_err("the first is gone", stat(DIR, &st), -ENOENT);
	check_err("the second is gone", stat(DIR2, &st), -ENOENT);
}

int main(int argc, char **argv)
{
	const char *root_file = in("/", long_name('n'));

	/* For the shell's own lines: ls -l / with a long name in it. */
	if (argc > 1 && strcmp(argv[1], "keep") == 0) {
		write_text(root_file, "");
		pass();
	}
	if (argc > 1 && strcmp(argv[1], "clean") == 0) {
		check_int("unlink /n...n", unlink(root_file), 0);
		pass();
	}
	/* Left by an earlier run that failed. */
	const char *rm[] = {"/bin/rm", "-rf", DIR, DIR2, NULL};

	run(rm);
	every_operation();
	pass();
}
