/* t_typeahead: a line typed while the disk works arrives whole */
/* Usage: t_typeahead LEN. A child (t_typeahead -disk) writes, syncs,
 * reads back and removes a file, round after round; after its first round
 * it says "type now", and the host types a line of LEN bytes (the runner's
 * type= option) while the disk keeps working. The parent reads the line
 * meanwhile, then tells the child to stop (a file it looks for between
 * rounds), and checks every byte: byte i must be ALPHABET[i % 36], and
 * there must be LEN of them. A keystroke lost by the UART or the keyboard
 * path while the disk driver was busy shows up as the first byte out of
 * place. */
#define TEST_NAME "t_typeahead"
#include <files.h>
#include <stdlib.h>

#include "check.h"

#define PATH     "/t_typeahead.dat"
#define CHUNK    4096
#define CHUNKS   32 /* 128 KiB a round */
#define LINE_MAX 1024

static const char ALPHABET[] = "abcdefghijklmnopqrstuvwxyz0123456789";
static char buf[CHUNK];
static char line[LINE_MAX + 1];

static void disk_round(int round)
{
	int fd = open(PATH, O_WRONLY | O_CREAT | O_TRUNC);
	if (fd < 0)
		fail("create " PATH ": %s", strerror(fd));
	for (int i = 0; i < CHUNKS; i++) {
		memset(buf, 'a' + (round + i) % 26, sizeof(buf));
		int r = write_all(fd, buf, sizeof(buf));
		if (r < 0)
			fail("write: %s", strerror(r));
	}
	close(fd);
	int r = sync();
	if (r < 0)
		fail("sync: %s", strerror(r));
	fd = open(PATH, O_RDONLY);
	if (fd < 0)
		fail("open " PATH ": %s", strerror(fd));
	for (int i = 0; i < CHUNKS; i++) {
		int n = read(fd, buf, sizeof(buf));
		if (n != CHUNK || buf[0] != 'a' + (round + i) % 26)
			fail("read back chunk %d: %d bytes", i, n);
	}
	close(fd);
	r = unlink(PATH);
	if (r < 0)
		fail("unlink: %s", strerror(r));
}

#define DONE "/t_typeahead.done"

/* The child: disk rounds until the parent has its line. */
static int disk_loop(void)
{
	int rounds = 0;
	for (;;) {
		disk_round(rounds++);
		if (rounds == 1)
			printf("type now\n");
		int fd = open(DONE, O_RDONLY);
		if (fd >= 0) {
			close(fd);
			printf("ok   %d disk rounds of %d KiB while the line was typed\n", rounds,
			       CHUNK * CHUNKS / 1024);
			return rounds > 1 ? 0 : 1;
		}
	}
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "-disk") == 0)
		return disk_loop();
	if (argc != 2) {
		printf("usage: t_typeahead LEN\n");
		return 2;
	}
	int len = atoi(argv[1]);
	if (len < 1 || len > LINE_MAX - 1) {
		printf("t_typeahead: LEN is 1 to %d\n", LINE_MAX - 1);
		return 2;
	}
	unlink(DONE);
	const char *const args[] = {"t_typeahead", "-disk", NULL};
	int pid = spawn("/bin/t_typeahead", args);
	if (pid < 0)
		fail("spawn the disk workload: %s", strerror(pid));
	/* The console gives one line a read; a reader with a smaller buffer
	 * would get the rest next time, so read until the newline. */
	int n = 0;
	while (n < LINE_MAX && (n == 0 || line[n - 1] != '\n')) {
		int r = read(0, line + n, (size_t)(LINE_MAX - n));
		if (r <= 0)
			fail("read the typed line: %s after %d bytes",
			     r ? strerror(r) : "end of input", n);
		n += r;
	}
	int fd = open(DONE, O_WRONLY | O_CREAT | O_TRUNC);
	if (fd < 0)
		fail("create " DONE ": %s", strerror(fd));
	close(fd);
	int status = -1;
	check_int("wait for the disk workload", wait(pid, &status), pid);
	unlink(DONE);
	check_int("its status (0: it worked on while the line came)", status, 0);
	if (line[n - 1] == '\n')
		n--;
	for (int i = 0; i < n && i < len; i++)
		if (line[i] != ALPHABET[i % 36])
			fail("byte %d of the typed line is '%c', want '%c' (%d bytes came, of %d)",
			     i, line[i], ALPHABET[i % 36], n, len);
	check_int("bytes of the typed line", n, len);
	pass();
}
