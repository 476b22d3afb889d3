/* t_net: the socket calls with bad arguments, and TCP and UDP through the stack's loopback */
#include <socket.h>
#include <stdio.h>
#include <string.h>
#include <ulib.h>

#define TEST_NAME "t_net"
#include "check.h"

#define OURS 0x0A00020Fu /* 10.0.2.15 */

static int raw(int type, uint32_t w0, uint32_t w1, uint32_t w2)
{
	struct msg m = {.type = type};
	m.w[0] = w0;
	m.w[1] = w1;
	m.w[2] = w2;
	return svc_call(SVC_NET, &m);
}

static void bad_arguments(void)
{
	check(socket(99) < 0, "a socket of an unknown type is refused");
	check_err("bind on the console descriptor", bind(STDIN_FILENO, 0, 80), -ENOTSOCK);
	check_err("a socket id that was never ours", raw(NET_BIND, 9, 0, 1234), -EBADF);
	check_err("an id past the table", raw(NET_CLOSE, 1000, 0, 0), -EBADF);
	check_err("an unknown request", raw(999, 0, 0, 0), -EBADF);

	int u = socket(SOCK_DGRAM), v = socket(SOCK_DGRAM);
	check(u >= 0 && v >= 0, "two UDP sockets");
	check_int("bind one to port 5001", bind(u, 0, 5001), 0);
	check_err("bind the other to the same port", bind(v, 0, 5001), -EADDRINUSE);
	check_err("bind the first again", bind(u, 0, 5002), -EINVAL);
	check_err("recv with nothing queued, not waiting", recv(u, (char[8]){0}, 8, MSG_DONTWAIT),
		  -EAGAIN);
	static char big[2000];
	check_err("a datagram over the MTU", sendto(u, big, sizeof(big), OURS, 5001), -EMSGSIZE);
	check(listen(u, 1) < 0, "listen on a UDP socket is refused");
	struct msg m = {.type = NET_RECV};
	m.w[0] = 0;
	m.grant = (struct grant){0xC0000000u, 64, GRANT_WRITE};
	check_err("a receive into kernel memory", svc_call(SVC_NET, &m), -EFAULT);
	check_int("close", close(u), 0);
	check_err("close again", close(u), -EBADF);
	close(v);

	int t = socket(SOCK_STREAM);
	check(t >= 0, "a TCP socket");
	check_err("send before connecting", send(t, "x", 1, 0), -ENOTCONN);
	check(accept(t, NULL, NULL) < 0, "accept on a socket that does not listen is refused");
	check_err("connect to a port nobody listens on", connect(t, OURS, 9), -ECONNREFUSED);
	close(t);
}

static void loopback_udp(void)
{
	int a = socket(SOCK_DGRAM), b = socket(SOCK_DGRAM);
	char buf[64];
	uint32_t ip;
	uint16_t port;
	check_int("bind a", bind(a, 0, 5003), 0);
	check_int("bind b", bind(b, 0, 5004), 0);
	check_int("b sends to a", sendto(b, "datagram", 8, OURS, 5003), 8);
	sock_timeout(a, 2000);
	check_int("a receives it", recvfrom(a, buf, sizeof(buf), &ip, &port), 8);
	check(memcmp(buf, "datagram", 8) == 0 && ip == OURS && port == 5004,
	      "the bytes and the sender");
	close(a);
	close(b);
}

static void loopback_tcp(void)
{
	int l = socket(SOCK_STREAM), c = socket(SOCK_STREAM);
	/* More than one socket buffer (NET_SOCK_TXBUF, 64 KiB) each way. */
	static char out[150000], in[150000];
	check_int("bind", bind(l, 0, 5005), 0);
	check_int("listen", listen(l, 2), 0);
	check_int("connect to ourselves", connect(c, OURS, 5005), 0);
	int s = accept(l, NULL, NULL);
	check(s >= 0, "accept");
	for (unsigned i = 0; i < sizeof(out); i++)
		out[i] = (char)(i * 7 + 3);
	/* The two ends must take turns: neither buffer holds it all. */
	unsigned sent = 0, got = 0;
	while (got < sizeof(in)) {
		if (sent < sizeof(out)) {
			int r = send(c, out + sent, sizeof(out) - sent, MSG_DONTWAIT);
			if (r > 0)
				sent += (unsigned)r;
			else if (r != -EAGAIN)
				fail("send: %s", strerror(r));
		}
		int r = recv(s, in + got, sizeof(in) - got, sent < sizeof(out) ? MSG_DONTWAIT : 0);
		if (r > 0)
			got += (unsigned)r;
		else if (r != -EAGAIN)
			fail("recv: %d (%s)", r, strerror(r));
	}
	check(memcmp(in, out, sizeof(in)) == 0, "150000 bytes through loopback TCP, in order");
	struct net_sockinfo si;
	check_int("sock_info", sock_info(c, &si), 0);
	check_int("the connection is established", si.state, NET_TCP_ESTABLISHED);
	check_int("shutdown", shutdown(c, SHUT_WR), 0);
	check_int("the other end sees the end of the stream", recv(s, in, 1, 0), 0);
	close(s);
	close(c);
	close(l);
}

int main(void)
{
	struct net_ifinfo in;
	check_int("net_ifinfo", net_ifinfo(&in), 0);
	check(in.dev_present, "a network device");
	bad_arguments();
	loopback_udp();
	loopback_tcp();
	pass();
}
