/* nc: a small netcat: nc HOST PORT [TEXT...] (TCP), nc -u HOST PORT TEXT... (UDP), nc -l PORT */
#include <socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ulib.h>

/* TCP: connects, sends TEXT (the words joined by spaces, and a newline) or
 * else standard input up to its end, closes its sending side, and prints
 * everything the other side sends until it closes. UDP: sends TEXT as one
 * datagram and prints the answer (waiting 2 s). -l: waits for one TCP
 * connection and prints what comes, until the other side closes. */

static char buf[16384];

static void join(char *out, size_t max, int argc, char **argv, int from)
{
	size_t len = 0;
	out[0] = 0;
	for (int i = from; i < argc && len + 2 < max; i++)
		len += (size_t)snprintf(out + len, max - len, "%s%s", argv[i],
					i + 1 < argc ? " " : "\n");
}

static int drain(int fd)
{
	int r, total = 0;
	while ((r = recv(fd, buf, sizeof(buf), 0)) > 0) {
		write_all(STDOUT_FILENO, buf, (size_t)r);
		total += r;
	}
	if (r < 0)
		dprintf(STDERR_FILENO, "nc: recv: %s\n", strerror(r));
	return r < 0 ? 1 : 0;
}

static int listen_one(int port)
{
	int fd = socket(SOCK_STREAM), r, c;
	if (fd < 0 || (r = bind(fd, 0, (uint16_t)port)) < 0 || (r = listen(fd, 1)) < 0) {
		dprintf(STDERR_FILENO, "nc: %s\n", strerror(fd < 0 ? fd : r));
		return 1;
	}
	printf("nc: listening on TCP port %d\n", port);
	if ((c = accept(fd, NULL, NULL)) < 0) {
		dprintf(STDERR_FILENO, "nc: accept: %s\n", strerror(c));
		return 1;
	}
	close(fd);
	r = drain(c);
	close(c);
	return r;
}

int main(int argc, char **argv)
{
	int udp = argc > 1 && strcmp(argv[1], "-u") == 0, first = 1 + udp;
	uint32_t ip;
	if (argc == 3 && strcmp(argv[1], "-l") == 0)
		return listen_one(atoi(argv[2]));
	if (argc < first + 2 || ip_parse(argv[first], &ip) < 0 || atoi(argv[first + 1]) <= 0 ||
	    (udp && argc < first + 3)) {
		dprintf(STDERR_FILENO, "usage: nc HOST PORT [TEXT...] | nc -u HOST PORT TEXT... | "
				       "nc -l PORT\n");
		return 2;
	}
	uint16_t port = (uint16_t)atoi(argv[first + 1]);
	static char text[ARG_MAX_BYTES];
	join(text, sizeof(text), argc, argv, first + 2);
	int fd = socket(udp ? SOCK_DGRAM : SOCK_STREAM), r;
	if (fd < 0) {
		dprintf(STDERR_FILENO, "nc: socket: %s\n", strerror(fd));
		return 1;
	}
	if (udp) {
		sock_timeout(fd, 2000);
		if ((r = sendto(fd, text, strlen(text), ip, port)) < 0 ||
		    (r = recvfrom(fd, buf, sizeof(buf), NULL, NULL)) < 0) {
			dprintf(STDERR_FILENO, "nc: %s\n", strerror(r));
			return 1;
		}
		write_all(STDOUT_FILENO, buf, (size_t)r);
		return 0;
	}
	if ((r = connect(fd, ip, port)) < 0) {
		dprintf(STDERR_FILENO, "nc: connect: %s\n", strerror(r));
		return 1;
	}
	if (text[0]) {
		r = write_all(fd, text, strlen(text));
	} else {
		while ((r = read(STDIN_FILENO, buf, sizeof(buf))) > 0)
			if ((r = write_all(fd, buf, (size_t)r)) < 0)
				break;
	}
	if (r < 0)
		dprintf(STDERR_FILENO, "nc: send: %s\n", strerror(r));
	shutdown(fd, SHUT_WR);
	r = drain(fd);
	close(fd);
	return r;
}
