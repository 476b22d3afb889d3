/* t_fsrestart: after the file service restarts, old descriptors fail cleanly and synced data survives */
#include <files.h>
#include <stdio.h>
#include <string.h>
#include <ulib.h>

#define TEST_NAME "t_fsrestart"
#include "check.h"

int main(void)
{
	static const char text[] = "written and synced before the crash\n";
	char buf[64] = {0};
	int fd = open("/fsrestart.txt", O_WRONLY | O_CREAT | O_TRUNC);

	check(fd >= 0, "open /fsrestart.txt for writing");
	check_int("write", write(fd, text, sizeof(text) - 1), (int)sizeof(text) - 1);
	check_int("sync", sync(), 0);

	struct msg m = {.type = MSG_CRASH};
	m.w[0] = CRASH_NULL;
	check_err("crash the file service", svc_call(SVC_FS, &m), -EDEADSRCDST);

	/* The new instance must not take the old handle for one of its own:
	 * the write goes nowhere rather than into some other file. */
	check_err("write through a descriptor from before the restart",
		  write(fd, "x", 1), -EBADF);
	close(fd);

	fd = open("/fsrestart.txt", O_RDONLY);
	check(fd >= 0, "open it again after the restart");
	check_int("read it back", read(fd, buf, sizeof(buf)), (int)sizeof(text) - 1);
	check(memcmp(buf, text, sizeof(text) - 1) == 0, "the synced text survived");
	close(fd);
	check_int("unlink", unlink("/fsrestart.txt"), 0);
	pass();
}
