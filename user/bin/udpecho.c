/* udpecho: send every UDP datagram back to where it came from: udpecho PORT [-n COUNT] */
#include <socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ulib.h>

int main(int argc, char **argv)
{
	int port = argc > 1 ? atoi(argv[1]) : 0, count = -1;
	if (argc > 3 && strcmp(argv[2], "-n") == 0)
		count = atoi(argv[3]);
	if (port <= 0 || port > 65535) {
		dprintf(STDERR_FILENO, "usage: udpecho PORT [-n COUNT]\n");
		return 2;
	}
	int fd = socket(SOCK_DGRAM), r;
	if (fd < 0 || (r = bind(fd, 0, (uint16_t)port)) < 0) {
		dprintf(STDERR_FILENO, "udpecho: %s\n", strerror(fd < 0 ? fd : r));
		return 1;
	}
	printf("udpecho: listening on UDP port %d\n", port);
	static char buf[2048];
	for (int n = 0; count < 0 || n < count; n++) {
		uint32_t ip;
		uint16_t from;
		r = recvfrom(fd, buf, sizeof(buf), &ip, &from);
		if (r < 0) {
			printf("udpecho: %s\n", strerror(r));
			return 1;
		}
		sendto(fd, buf, (size_t)r, ip, from);
	}
	printf("udpecho: %d datagrams echoed\n", count);
	close(fd);
	return 0;
}
