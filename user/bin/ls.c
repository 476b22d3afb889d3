/* ls: list directories and files (-l: mode, links, size, link targets; -a: dot files too) */
#include <files.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ulib.h>

static int long_format; /* -l */
static int show_all;    /* -a */
static int status;      /* exit code: 1 once anything failed */

static void complain(const char *path, int err)
{
	dprintf(STDERR_FILENO, "ls: %s: %s\n", path, strerror(err));
	status = 1;
}

/* "drwxr-xr-x" for a directory with mode 0755. */
static void mode_string(uint32_t mode, char out[11])
{
	static const char rwx[] = "rwxrwxrwx";

	switch (mode & S_IFMT) {
	case S_IFDIR:
		out[0] = 'd';
		break;
	case S_IFREG:
		out[0] = '-';
		break;
	case S_IFLNK:
		out[0] = 'l';
		break;
	case S_IFCHR:
		out[0] = 'c';
		break;
	default:
		out[0] = '?';
	}
	for (int i = 0; i < 9; i++)
		out[1 + i] = (mode & (0400u >> i)) ? rwx[i] : '-';
	out[10] = '\0';
}

/* path is what to read a link's target from. */
static void show(const char *name, const char *path, const struct fs_stat *st)
{
	char mode[11], target[FS_PATH_MAX];

	if (!long_format) {
		printf("%s\n", name);
		return;
	}
	mode_string(st->mode, mode);
	if (S_ISLNK(st->mode) && readlink(path, target, sizeof(target)) >= 0) {
		printf("%s %3u %8llu %s -> %s\n", mode, (unsigned)st->nlink,
		       (unsigned long long)st->size, name, target);
		return;
	}
	printf("%s %3u %8llu %s\n", mode, (unsigned)st->nlink, (unsigned long long)st->size, name);
}

static int by_name(const struct fs_dirent *a, const struct fs_dirent *b)
{
	return strcmp(a->name, b->name);
}

/* Reads every entry of the directory into a growing array: sorted output
 * needs them all before the first line. Returns the count or -errno. */
static int read_entries(const char *dir, struct fs_dirent **out)
{
	struct fs_dirent *ents = NULL;
	int count = 0, room = 0, r;
	int fd = opendir(dir);

	if (fd < 0)
		return fd;
	for (;;) {
		if (count == room) {
			struct fs_dirent *more;

			room = room ? 2 * room : 16;
			more = realloc(ents, (size_t)room * sizeof(*ents));
			if (!more) {
				r = -ENOMEM;
				break;
			}
			ents = more;
		}
		r = readdir(fd, &ents[count]);
		if (r <= 0)
			break;
		count++;
	}
	closedir(fd);
	if (r < 0) {
		free(ents);
		return r;
	}
	/* Insertion sort: directories here hold tens of entries, not
	 * thousands. */
	for (int i = 1; i < count; i++) {
		struct fs_dirent e = ents[i];
		int j = i;

		for (; j > 0 && by_name(&ents[j - 1], &e) > 0; j--)
			ents[j] = ents[j - 1];
		ents[j] = e;
	}
	*out = ents;
	return count;
}

static void list_dir(const char *dir)
{
	struct fs_dirent *ents;
	int n = read_entries(dir, &ents);

	if (n < 0) {
		complain(dir, n);
		return;
	}
	for (int i = 0; i < n; i++) {
		struct fs_stat st;
		char *path;
		int r;

		if (ents[i].name[0] == '.' && !show_all)
			continue;
		if (!long_format) {
			show(ents[i].name, NULL, NULL);
			continue;
		}
		/* "/" and a name make "/name": a "//name" would count one byte
		 * more against FS_PATH_MAX. */
		if (!(path = path_join(dir, ents[i].name))) {
			complain(ents[i].name, -ENOMEM);
			continue;
		}
		r = lstat(path, &st); /* a link is listed as itself */
		if (r < 0)
			complain(path, r);
		else
			show(ents[i].name, path, &st);
		free(path);
	}
	free(ents);
}

int main(int argc, char **argv)
{
	int first = 1;

	for (; first < argc && argv[first][0] == '-' && argv[first][1]; first++) {
		for (const char *o = argv[first] + 1; *o; o++) {
			if (*o == 'l') {
				long_format = 1;
			} else if (*o == 'a') {
				show_all = 1;
			} else {
				dprintf(STDERR_FILENO, "usage: ls [-la] [path...]\n");
				return 2;
			}
		}
	}
	int npaths = argc - first;

	if (npaths == 0) {
		list_dir(".");
		return status;
	}
	for (int i = first; i < argc; i++) {
		struct fs_stat st;
		/* As GNU ls: with -l a link named here is shown, not followed;
		 * without, a link to a directory lists the directory. */
		int r = long_format ? lstat(argv[i], &st) : stat(argv[i], &st);

		if (r < 0) {
			complain(argv[i], r);
			continue;
		}
		if (!S_ISDIR(st.mode)) {
			show(argv[i], argv[i], &st);
			continue;
		}
		if (npaths > 1)
			printf("%s%s:\n", i > first ? "\n" : "", argv[i]);
		list_dir(argv[i]);
	}
	return status;
}
