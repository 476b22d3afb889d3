/* t_files: files, links, directories, errors, working directory, spawn and redirection */
#define TEST_NAME "t_files"
#include <files.h>
#include <stdlib.h>

#include "check.h"

/* Everything happens below this directory, removed at the start (a
 * failed earlier run may have left it) and at the end. */
#define TOP "/t_files"

static void remove_tree(const char *path)
{
	struct fs_dirent ent;
	char child[FS_PATH_MAX];
	int fd;

	if (unlink(path) != -EISDIR)
		return;
	/* Remove one entry at a time and start reading again: removing
	 * while reading the same directory is not something to rely on. */
	while ((fd = opendir(path)) >= 0) {
		int found = 0;

		while (readdir(fd, &ent) > 0) {
			if (strcmp(ent.name, ".") != 0 && strcmp(ent.name, "..") != 0) {
				found = 1;
				break;
			}
		}
		closedir(fd);
		if (!found)
			break;
		snprintf(child, sizeof(child), "%s/%s", path, ent.name);
		remove_tree(child);
	}
	rmdir(path);
}

static int create_with(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC);

	if (fd < 0)
		fail("create %s: %s", path, strerror(fd));
	check_int("write the whole text", write(fd, text, strlen(text)), (int)strlen(text));
	return close(fd);
}

/* The whole file as a string, in a static buffer. */
static const char *contents(const char *path)
{
	static char buf[512];
	int fd = open(path, O_RDONLY), n;

	if (fd < 0)
		fail("open %s: %s", path, strerror(fd));
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		fail("read %s: %s", path, strerror(n));
	buf[n] = '\0';
	return buf;
}

static void check_text(const char *what, const char *got, const char *want)
{
	if (strcmp(got, want) != 0)
		fail("%s: got \"%s\", want \"%s\"", what, got, want);
	printf("ok   %s\n", what);
}

static uint32_t nlink_of(const char *path)
{
	struct fs_stat st;
	int r = stat(path, &st);

	if (r < 0)
		fail("stat %s: %s", path, strerror(r));
	return st.nlink;
}

static void create_append_read(void)
{
	char buf[64];
	struct fs_stat st;
	int fd;

	fd = open("f1", O_WRONLY | O_CREAT | O_EXCL);
	check(fd >= 3, "create f1 gets a descriptor above the console's");
	check_int("write 6 bytes", write(fd, "hello ", 6), 6);
	check_err("read from a write-only descriptor", read(fd, buf, 1), -EBADF);
	check_int("close", close(fd), 0);
	check_err("close again", close(fd), -EBADF);
	check_err("O_EXCL on an existing file", open("f1", O_WRONLY | O_CREAT | O_EXCL), -EEXIST);

	fd = open("f1", O_WRONLY | O_APPEND);
	check_int("append 6 bytes", write(fd, "world\n", 6), 6);
	close(fd);
	check_int("stat f1", stat("f1", &st), 0);
	check_int("size after append", (int)st.size, 12);
	check(S_ISREG(st.mode), "f1 is a regular file");
	check_text("read back", contents("f1"), "hello world\n");

	fd = open("f1", O_RDWR);
	check_int("lseek SEEK_SET", lseek(fd, 6, SEEK_SET), 6);
	check_int("read 5 at 6", read(fd, buf, 5), 5);
	check(memcmp(buf, "world", 5) == 0, "the bytes at offset 6 are \"world\"");
	check_int("lseek SEEK_CUR", lseek(fd, 0, SEEK_CUR), 11);
	check_int("lseek SEEK_END", lseek(fd, -1, SEEK_END), 11);
	check_err("lseek before the start", lseek(fd, -100, SEEK_SET), -EINVAL);
	check_int("lseek back to 0", lseek(fd, 0, SEEK_SET), 0);
	check_int("overwrite 5 bytes", write(fd, "HELLO", 5), 5);
	lseek(fd, 0, SEEK_END);
	check_int("read at the end", read(fd, buf, sizeof(buf)), 0);
	close(fd);
	check_text("overwritten in place", contents("f1"), "HELLO world\n");
	check_err("write to a descriptor out of range", write(99, "x", 1), -EBADF);
	check_err("lseek on the console", lseek(STDOUT_FILENO, 0, SEEK_SET), -ESPIPE);
}

/* Bytes through buffers at odd places: each grant copy of micro goes page
 * by page on both sides (micro/fastenter.S, copy_between), so a chunk
 * ends where either side's page does. Every byte must arrive, and no
 * byte beside the buffer may change. */
static uint8_t spans[5 * 4096] __attribute__((aligned(4096)));

static void odd_buffers(void)
{
	const uint32_t n = 3 * 4096 + 123;
	uint8_t *src = spans + 4096 - 7, *dst = spans + 1;
	for (uint32_t i = 0; i < n; i++)
		src[i] = (uint8_t)(i * 7 + 3);
	int fd = open("odd", O_RDWR | O_CREAT);
	check(fd >= 0, "create odd");
	check_int("write 12411 bytes from 7 bytes below a page", write(fd, src, n), (int)n);
	check_int("seek to 0", lseek(fd, 0, SEEK_SET), 0);
	memset(spans, 0xee, sizeof(spans));
	check_int("read them back to 1 byte past a page", read(fd, dst, n), (int)n);
	for (uint32_t i = 0; i < n; i++)
		if (dst[i] != (uint8_t)(i * 7 + 3))
			fail("byte %u read back is %u, want %u", (unsigned)i, dst[i],
			     (uint8_t)(i * 7 + 3));
	check(spans[0] == 0xee && dst[n] == 0xee, "the bytes beside the buffer unchanged");
	check_int("seek to 4094", lseek(fd, 4094, SEEK_SET), 4094);
	check_int("read 5 bytes across the file's page", read(fd, spans + 4093, 5), 5);
	for (uint32_t i = 0; i < 5; i++)
		if (spans[4093 + i] != (uint8_t)((4094 + i) * 7 + 3))
			fail("byte %u of the short read is wrong", (unsigned)i);
	close(fd);
	check_int("unlink odd", unlink("odd"), 0);
}

static void truncate_files(void)
{
	char buf[100];
	struct fs_stat st;
	int fd = open("f1", O_RDWR), zeros = 1;

	check_int("ftruncate to 5", ftruncate(fd, 5), 0);
	check_int("fstat", fstat(fd, &st), 0);
	check_int("size after shrinking", (int)st.size, 5);
	check_int("ftruncate to 8192", ftruncate(fd, 8192), 0);
	fstat(fd, &st);
	check_int("size after growing", (int)st.size, 8192);
	lseek(fd, 5, SEEK_SET);
	check_int("read in the hole", read(fd, buf, sizeof(buf)), (int)sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		zeros &= buf[i] == 0;
	check(zeros, "a grown file reads as zeros past its old end");
	close(fd);
	fd = open("f1", O_RDONLY);
	check_err("ftruncate a read-only descriptor", ftruncate(fd, 0), -EBADF);
	close(fd);
	create_with("f1", "short");
	check_text("O_TRUNC replaced the contents", contents("f1"), "short");
}

static void rename_and_link(void)
{
	struct fs_stat st;

	check_int("rename f1 f2", rename("f1", "f2"), 0);
	check_err("the old name is gone", stat("f1", &st), -ENOENT);
	check_text("the new name has the contents", contents("f2"), "short");
	create_with("f3", "three");
	check_int("rename over an existing file", rename("f3", "f2"), 0);
	check_text("the target was replaced", contents("f2"), "three");
	check_err("f3 is gone", stat("f3", &st), -ENOENT);

	check_int("f2 has one link", (int)nlink_of("f2"), 1);
	check_int("link f2 f2link", link("f2", "f2link"), 0);
	check_int("f2 has two links", (int)nlink_of("f2"), 2);
	check_text("the link shows the same file", contents("f2link"), "three");
	check_err("link to an existing name", link("f2", "f2link"), -EEXIST);
	check_int("unlink f2link", unlink("f2link"), 0);
	check_int("f2 has one link again", (int)nlink_of("f2"), 1);
}

static void directories(void)
{
	struct fs_dirent ent;
	uint32_t before = nlink_of(".");
	int seen = 0, fd, r;

	check_int("mkdir d", mkdir("d"), 0);
	check_int("a new directory has 2 links", (int)nlink_of("d"), 2);
	check_int("its parent gained a link (..)", (int)nlink_of("."), (int)before + 1);
	check_err("mkdir an existing name", mkdir("d"), -EEXIST);
	check_int("create d/x", create_with("d/x", "x"), 0);
	check_err("rmdir a directory that is not empty", rmdir("d"), -ENOTEMPTY);
	check_int("unlink d/x", unlink("d/x"), 0);
	check_int("rmdir d", rmdir("d"), 0);
	check_int("the parent lost the link", (int)nlink_of("."), (int)before);

	mkdir("rd");
	create_with("rd/a", "a");
	create_with("rd/b", "b");
	create_with("rd/c", "c");
	fd = opendir("rd");
	check(fd >= 0, "opendir rd");
	while ((r = readdir(fd, &ent)) > 0) {
		const char *names[] = {".", "..", "a", "b", "c"};
		int known = 0;

		for (int i = 0; i < 5; i++)
			if (strcmp(ent.name, names[i]) == 0)
				known = 1 << i;
		if (!known || (seen & known))
			fail("readdir: unexpected or repeated entry \"%s\"", ent.name);
		seen |= known;
	}
	check_int("readdir ends with 0", r, 0);
	check_int("readdir saw . .. a b c exactly", seen, 0x1f);
	check_int("readdir at the end stays at the end", readdir(fd, &ent), 0);
	char buf[8];

	check_err("read from a directory", read(fd, buf, sizeof(buf)), -EISDIR);
	closedir(fd);
}

static void errors(void)
{
	static char long_name[FS_NAME_MAX + 2], long_path[FS_PATH_MAX + 10];
	struct fs_stat st;
	int fds[OPEN_MAX], n = 0, r;

	check_err("open a missing file", open("nope", O_RDONLY), -ENOENT);
	check_err("stat a missing file", stat("nope", &st), -ENOENT);
	check_err("unlink a missing file", unlink("nope"), -ENOENT);
	check_err("create in a missing directory", open("nodir/x", O_WRONLY | O_CREAT), -ENOENT);
	check_err("open an empty path", open("", O_RDONLY), -ENOENT);

	check_err("unlink a directory", unlink("rd"), -EISDIR);
	check_err("open a directory for writing", open("rd", O_WRONLY), -EISDIR);

	check_err("a file as a directory on the way", open("f2/x", O_RDONLY), -ENOTDIR);
	check_err("mkdir below a file", mkdir("f2/x"), -ENOTDIR);
	check_err("rmdir a file", rmdir("f2"), -ENOTDIR);
	check_err("opendir a file", opendir("f2"), -ENOTDIR);
	check_err("chdir to a file", chdir("f2"), -ENOTDIR);

	memset(long_name, 'n', FS_NAME_MAX + 1);
	check_err("a name of FS_NAME_MAX + 1 bytes", open(long_name, O_WRONLY | O_CREAT),
		  -ENAMETOOLONG);
	for (size_t i = 0; i < sizeof(long_path) - 1; i++)
		long_path[i] = i % 8 == 0 ? '/' : 'p';
	check_err("a path of more than FS_PATH_MAX bytes", stat(long_path, &st), -ENAMETOOLONG);
	/* Short enough as typed, too long once the working directory is in
	 * front of it. */
	long_path[FS_PATH_MAX - 4] = '\0';
	check_err("a relative path too long once resolved", stat(long_path + 1, &st),
		  -ENAMETOOLONG);

	while ((r = open("f2", O_RDONLY)) >= 0)
		fds[n++] = r;
	check_err("open beyond OPEN_MAX descriptors", r, -EMFILE);
	check_int("descriptors opened before EMFILE", n, OPEN_MAX - 3);
	while (n > 0)
		close(fds[--n]);
	r = open("f2", O_RDONLY);
	check(r >= 0, "open works again after closing");
	close(r);
	check_err("read a descriptor never opened", read(OPEN_MAX - 1, &r, 1), -EBADF);
	check_err("read a negative descriptor", read(-1, &r, 1), -EBADF);
	check_err("fstat a closed descriptor", fstat(r, &st), -EBADF);
}

static void working_directory(void)
{
	char cwd[FS_PATH_MAX];

	check_int("getcwd", getcwd(cwd, sizeof(cwd)), 0);
	check_text("the working directory", cwd, TOP);
	check_err("getcwd into a small buffer", getcwd(cwd, 3), -ERANGE);
	check_int("chdir ..", chdir(".."), 0);
	getcwd(cwd, sizeof(cwd));
	check_text("after chdir ..", cwd, "/");
	check_int("chdir ..  at the root", chdir(".."), 0);
	getcwd(cwd, sizeof(cwd));
	check_text("the root's parent is the root", cwd, "/");
	check_int("chdir with . and ..", chdir("/t_files/../t_files/./rd//"), 0);
	getcwd(cwd, sizeof(cwd));
	check_text("resolved by text", cwd, TOP "/rd");
	check_text("a relative path", contents("a"), "a");
	check_text("a relative path with ..", contents("../rd/b"), "b");
	check_int("chdir back", chdir(TOP), 0);
	check_int("abspath", abspath("x/./y/../z", cwd, sizeof(cwd)), 0);
	check_text("abspath result", cwd, TOP "/x/z");
}

/* Runs argv with extra environment entries; returns the exit status. */
static int run(const char *const argv[], const char *const extra[])
{
	int status, pid = spawn_with_env(argv[0], argv, extra);

	if (pid < 0)
		fail("spawn %s: %s", argv[0], strerror(pid));
	if (wait(pid, &status) != pid)
		fail("wait for %s", argv[0]);
	return status;
}

static void spawning(void)
{
	const char *const child_cwd[] = {"/bin/t_files", "--child-cwd", NULL};
	const char *const child_stdin[] = {"/bin/t_files", "--child-stdin", NULL};
	const char *const echo[] = {"/bin/echo", "first", "line", NULL};
	const char *const echo2[] = {"/bin/echo", "second", NULL};
	const char *const out[] = {"STDOUT=" TOP "/out.txt", NULL};
	const char *const app[] = {"STDOUT_APPEND=" TOP "/out.txt", NULL};
	const char *const in[] = {"STDIN=" TOP "/out.txt", NULL};
	const char *const bad[] = {"STDIN=" TOP "/missing", NULL};
	const char *const mine[] = {"mytrue", NULL};

	check_int("a child starts in our working directory", run(child_cwd, NULL), 0);
	check_int("echo with STDOUT", run(echo, out), 0);
	check_text("its output went to the file", contents("out.txt"), "first line\n");
	check_int("echo with STDOUT_APPEND", run(echo2, app), 0);
	check_text("appended", contents("out.txt"), "first line\nsecond\n");
	check_int("a child reads STDIN from the file", run(child_stdin, in), 0);
	check_int("a missing STDIN file: the child exits 1", run(child_stdin, bad), 1);
	check_int("echo with STDOUT again", run(echo2, out), 0);
	check_text("STDOUT empties the file first", contents("out.txt"), "second\n");

	/* A program only the disk has: spawn must read it from there. */
	const char *const cp[] = {"/bin/cp", "/bin/true", "mytrue", NULL};

	check_int("cp /bin/true mytrue", run(cp, NULL), 0);
	check_int("spawn a program by a relative path", run(mine, NULL), 0);
	check_err("spawn a directory", spawn("/bin", mine), -EISDIR);
}

static int child_cwd(void)
{
	char cwd[FS_PATH_MAX];

	getcwd(cwd, sizeof(cwd));
	if (strcmp(cwd, TOP) != 0 || !getenv("PWD") || strcmp(getenv("PWD"), TOP) != 0) {
		printf("child: cwd %s, PWD %s\n", cwd, getenv("PWD") ? getenv("PWD") : "unset");
		return 2;
	}
	return 0;
}

static int child_stdin(void)
{
	char line[64];

	if (readline(line, sizeof(line)) <= 0 || strcmp(line, "first line\n") != 0)
		return 2;
	if (readline(line, sizeof(line)) <= 0 || strcmp(line, "second\n") != 0)
		return 3;
	if (readline(line, sizeof(line)) != 0)
		return 4;
	/* The redirection is ours alone: a child would not inherit it. */
	return getenv("STDIN") ? 5 : 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--child-cwd") == 0)
		return child_cwd();
	if (argc > 1 && strcmp(argv[1], "--child-stdin") == 0)
		return child_stdin();

	remove_tree(TOP);
	check_int("mkdir " TOP, mkdir(TOP), 0);
	check_int("chdir " TOP, chdir(TOP), 0);
	create_append_read();
	odd_buffers();
	truncate_files();
	rename_and_link();
	directories();
	errors();
	working_directory();
	spawning();
	check_int("chdir /", chdir("/"), 0);
	remove_tree(TOP);
	struct fs_stat st;

	check_err(TOP " is gone", stat(TOP, &st), -ENOENT);
	pass();
}
