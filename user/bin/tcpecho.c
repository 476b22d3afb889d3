/* tcpecho: send back every byte of each TCP connection: tcpecho PORT [-n CONNECTIONS] */
#include <socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ulib.h>

static int echo(int c)
{
	static char buf[16384];
	unsigned total = 0;
	for (;;) {
		int r = recv(c, buf, sizeof(buf), 0);
		if (r <= 0) {
			if (r < 0)
				printf("tcpecho: recv: %s\n", strerror(r));
			break;
		}
		int w = write_all(c, buf, (size_t)r);
		if (w < 0) {
			printf("tcpecho: send: %s\n", strerror(w));
			break;
		}
		total += (unsigned)r;
	}
	return (int)total;
}

int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 0, count = -1;
	if (argc > 3 && strcmp(argv[2], "-n") == 0)
		count = atoi(argv[3]);
	if (port <= 0 || port > 65535) {
		dprintf(STDERR_FILENO, "usage: tcpecho PORT [-n CONNECTIONS]\n");
		return 2;
	}
	int fd = socket(SOCK_STREAM), r;
	if (fd < 0 || (r = bind(fd, 0, (uint16_t)port)) < 0 || (r = listen(fd, 4)) < 0) {
		dprintf(STDERR_FILENO, "tcpecho: %s\n", strerror(fd < 0 ? fd : r));
		return 1;
	}
	printf("tcpecho: listening on TCP port %d\n", port);
	for (int n = 0; count < 0 || n < count; n++) {
		uint32_t ip;
		uint16_t from;
		char a[16];
		int c = accept(fd, &ip, &from);
		if (c < 0) {
			printf("tcpecho: accept: %s\n", strerror(c));
			return 1;
		}
		/* Byte counts are bytes sent back, so the two ends can agree. */
		unsigned bytes = (unsigned)echo(c);
		close(c);
		printf("tcpecho: %s:%u: %u bytes echoed\n", ip_format(ip, a), from, bytes);
	}
	close(fd);
	return 0;
}
