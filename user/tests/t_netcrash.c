/* t_netcrash: a TCP echo that crashes the network driver halfway through (t_netcrash PORT [BYTES]) */
#include <socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ulib.h>

#define TEST_NAME "t_netcrash"
#include "check.h"

/* The host sends BYTES (default 1 MiB) and checks it gets them back. Once
 * a quarter has come, this asks the e1000 component to fault on purpose
 * (it holds the fault privilege and may call the driver: common/
 * system.conf). Where the driver is a server, the reincarnation server
 * restarts it, the frames in flight are lost, TCP sends them again, and
 * the transfer completes with the right bytes. Where it is in ring 0, the
 * kernel panics: that is the other half of the lesson. */
int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 7;
	unsigned want = argc > 2 ? (unsigned)atoi(argv[2]) : 1u << 20, total = 0, crash_at = want / 4;
	static char buf[8192];
	int fd = socket(SOCK_STREAM), r;

	check(fd >= 0, "a TCP socket");
	check_int("bind", bind(fd, 0, (uint16_t)port), 0);
	check_int("listen", listen(fd, 1), 0);
	printf("t_netcrash: listening on TCP port %d\n", port);
	int c = accept(fd, NULL, NULL);
	check(c >= 0, "a connection");
	int crashed = 0;
	while ((r = recv(c, buf, sizeof(buf), 0)) > 0) {
		check_int("echo", write_all(c, buf, (size_t)r), 0);
		total += (unsigned)r;
		if (!crashed && total >= crash_at) {
			struct msg m = {.type = MSG_CRASH};
			m.w[0] = CRASH_NULL;
			crashed = 1;
			r = svc_call(SVC_ETH, &m);
			printf("t_netcrash: crashed the driver after %u bytes: %d (%s)\n", total, r,
			       strerror(r));
		}
	}
	check(r == 0, "the host ended the stream");
	close(c);
	printf("t_netcrash: %u bytes echoed\n", total);
	check(total == want, "every byte came through the restart");
	pass();
}
