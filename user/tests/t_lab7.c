/* t_lab7: lab 7's checks of the checksum and the echo reply: t_lab7 gateway|self|tcp N */
/*
 *   t_lab7 gateway  echo requests of odd and even sizes to 10.0.2.2 (QEMU's
 *                   user networking answers them itself, and checks our
 *                   IP and ICMP checksums, as we check its)
 *   t_lab7 self     echo requests to our own address, 10.0.2.15: the
 *                   stack's loopback hands each to its own input path, so
 *                   the echo reply it gets back is the one this stack built
 *   t_lab7 tcp N    echo one TCP connection on port 7 (the host's client
 *                   reaches it through a forward of 127.0.0.1) and want N
 *                   bytes; unlike tcpecho it gives up, so a stack that
 *                   drops every segment fails in seconds
 * Every reply is checked field by field, its checksum with this file's own
 * code (RFC 1071), not the stack's. */
#include <socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ulib.h>

#define TEST_NAME "t_lab7"
#include "check.h"

#define OURS    0x0A00020Fu /* 10.0.2.15 */
#define GATEWAY 0x0A000202u /* 10.0.2.2 */
#define WAIT_MS 2000        /* for each reply (the first waits for ARP) */
#define MAXDATA 300

/* RFC 1071, written out again here so that a wrong net/stack.c cannot
 * agree with itself: big-endian words, an odd byte padded with zero. */
static uint16_t own_csum(const uint8_t *p, int len)
{
	uint32_t sum = 0;
	for (int i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	return (uint16_t)~sum;
}

#define ACCEPT_MS 10000 /* for the host's connection */
#define RECV_MS   5000  /* for each piece of it */

static void icmp_counters(const char *when)
{
	struct net_stats s;
	if (net_stats(&s) == 0)
		printf("     icmp %s: %u requests in, %u replies out, %u replies in; bad "
		       "checksums: "
		       "%u IP, %u ICMP, %u TCP\n",
		       when, s.icmp.rx_echo_requests, s.icmp.tx_echo_replies,
		       s.icmp.rx_echo_replies, s.ip.rx_bad_checksum, s.icmp.rx_bad_checksum,
		       s.tcp.rx_bad_checksum);
}

/* One echo request of n data bytes (a pattern from fill) to ip, and its
 * reply, checked. */
static void echo(int fd, uint32_t ip, uint16_t seq, int n, uint8_t fill)
{
	uint8_t req[8 + MAXDATA] = {8, 0, 0, 0, 0, 0, (uint8_t)(seq >> 8), (uint8_t)seq};
	uint8_t rep[8 + MAXDATA + 16];
	for (int i = 0; i < n; i++)
		req[8 + i] = fill == 0xFF ? 0xFF : (uint8_t)(fill + 37 * i);
	check_int("sendto", sendto(fd, req, (size_t)(8 + n), ip, 0), 8 + n);
	for (;;) {
		uint32_t from = 0;
		int r = recvfrom(fd, rep, sizeof(rep), &from, NULL);
		if (r < 0) {
			icmp_counters("now");
			fail("no echo reply to icmp_seq=%u (%d data bytes) within %d ms: %s", seq,
			     n, WAIT_MS, strerror(r));
		}
		if (r >= 8 && (rep[6] << 8 | rep[7]) != seq)
			continue; /* a late reply to an earlier request */
		printf("     reply icmp_seq=%u: %d bytes from %u.%u.%u.%u, type %u code %u\n", seq,
		       r, from >> 24, from >> 16 & 255, from >> 8 & 255, from & 255,
		       r > 0 ? rep[0] : 0, r > 1 ? rep[1] : 0);
		check_int("the reply's length (the request's)", r, 8 + n);
		check(from == ip, "the reply comes from the address the request went to");
		check_int("its type (0, echo reply)", rep[0], 0);
		check_int("its code", rep[1], 0);
		check(memcmp(rep + 8, req + 8, (size_t)n) == 0, "the request's data, unchanged");
		if (own_csum(rep, r) != 0)
			fail("the reply's checksum 0x%04x is wrong: the reply sums to 0x%04x, not "
			     "0",
			     rep[2] << 8 | rep[3], own_csum(rep, r));
		printf("ok   its checksum 0x%04x\n", rep[2] << 8 | rep[3]);
		return;
	}
}

static void run(uint32_t ip)
{
	int fd = socket(SOCK_ICMP);
	check(fd >= 0, "an ICMP socket");
	sock_timeout(fd, WAIT_MS);
	icmp_counters("before");
	/* Even and odd lengths (an odd one pads its last byte), all ones,
	 * and no data at all. */
	static const struct {
		int n;
		uint8_t fill;
	} sizes[] = {{56, 0}, {33, 7}, {1, 0xA5}, {64, 0xFF}, {0, 0}, {MAXDATA - 1, 3}};
	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		echo(fd, ip, (uint16_t)(0x1200 + i), sizes[i].n, sizes[i].fill);
	icmp_counters("after");
	close(fd);
}

static void tcp(int want)
{
	static char buf[16384];
	int fd = socket(SOCK_STREAM);
	check(fd >= 0, "a TCP socket");
	check_int("bind to port 7", bind(fd, 0, 7), 0);
	check_int("listen", listen(fd, 1), 0);
	sock_timeout(fd, ACCEPT_MS);
	printf("t_lab7: listening on TCP port 7\n");
	uint32_t ip;
	uint16_t port;
	int c = accept(fd, &ip, &port);
	if (c < 0) {
		icmp_counters("now");
		fail("no connection from the host within %d ms: %s", ACCEPT_MS, strerror(c));
	}
	sock_timeout(c, RECV_MS);
	int total = 0;
	for (;;) {
		int r = recv(c, buf, sizeof(buf), 0);
		if (r < 0) {
			icmp_counters("now");
			fail("recv after %d bytes: %s", total, strerror(r));
		}
		if (r == 0)
			break;
		int w = write_all(c, buf, (size_t)r);
		if (w < 0)
			fail("send after %d bytes: %s", total, strerror(w));
		total += r;
	}
	close(c);
	close(fd);
	printf("t_lab7: %d bytes echoed\n", total);
	check_int("bytes echoed, up to the host's end of stream", total, want);
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "gateway") == 0) {
		run(GATEWAY);
	} else if (argc == 2 && strcmp(argv[1], "self") == 0) {
		struct net_stats a, b;
		check_int("net_stats", net_stats(&a), 0);
		run(OURS);
		check_int("net_stats", net_stats(&b), 0);
		/* Each request went out and came back in through the stack. */
		check_int("echo requests our stack answered",
			  (int)(b.icmp.tx_echo_replies - a.icmp.tx_echo_replies), 6);
	} else if (argc == 3 && strcmp(argv[1], "tcp") == 0) {
		tcp(atoi(argv[2]));
	} else {
		printf("usage: t_lab7 gateway|self|tcp BYTES\n");
		return 2;
	}
	pass();
}
