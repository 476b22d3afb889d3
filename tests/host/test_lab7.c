/* Lab 7's host tests: the Internet checksum of net/stack.c (csum_add,
 * csum_fold, csum_pseudo) on known vectors, and the echo reply of
 * net/icmp.c, fed through the stack's input path (net_input) and read from
 * what it sends. The vectors' checksums were computed by hand from RFC 1071
 * and checked against this harness's own routine (t_csum), which is also
 * what checks every frame the stack sends. labs/lab7-net/grade.py runs
 * these one by one. */
#include <stdio.h>
#include <string.h>

#include "core.h"
#include "net_test.h"

static uint16_t csum(const uint8_t *p, uint32_t len)
{
	return csum_fold(csum_add(0, p, len));
}

/* --- the checksum ------------------------------------------------------------ */

static void test_lab7_csum_vectors(void)
{
	/* RFC 1071 3's example: the words 0001 f203 f4f5 f6f7 sum to 2ddf0,
	 * folded ddf2, so the checksum is its complement 220d. */
	static const uint8_t rfc[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
	CHECK_EQ(csum_fold(csum_add(0, rfc, sizeof(rfc))), 0x220d);
	CHECK_EQ(csum_add(0, rfc, sizeof(rfc)) % 0xFFFF, 0x2ddf0 % 0xFFFF);
	/* An IPv4 header (192.168.0.1 to 192.168.0.199, UDP, 115 bytes) with
	 * its checksum field zero: b861. */
	uint8_t ip[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
			  0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
	CHECK_EQ(csum(ip, 20), 0xb861);
	CHECK_EQ(t_csum(ip, 20, 0), 0xb861);
	/* With the field filled in, the header sums to 0: how a receiver checks. */
	ip[10] = 0xb8;
	ip[11] = 0x61;
	CHECK_EQ(csum(ip, 20), 0);
	/* Big-endian words: the same bytes swapped pairwise are another sum. */
	static const uint8_t swapped[] = {0x01, 0x00, 0x03, 0xf2, 0xf5, 0xf4, 0xf7, 0xf6};
	CHECK_EQ(csum(swapped, sizeof(swapped)), 0x0d22);
	/* A running sum: the start value counts. */
	CHECK_EQ(csum_fold(csum_add(0x1234, rfc, sizeof(rfc))), (uint16_t) ~(0xddf2 + 0x1234));
}

static void test_lab7_csum_odd(void)
{
	/* An odd last byte is the high byte of a word: 0102 + 0300 = 0402. */
	static const uint8_t three[] = {0x01, 0x02, 0x03};
	CHECK_EQ(csum(three, 3), 0xfbfd);
	static const uint8_t one[] = {0xab};
	CHECK_EQ(csum(one, 1), 0x54ff);
	/* Nothing at all sums to 0, whose complement is ffff. */
	CHECK_EQ(csum(one, 0), 0xffff);
	/* Pieces of even length, then an odd one, give the sum of the whole. */
	uint8_t buf[301];
	for (unsigned i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 37 + 11);
	uint32_t parts = csum_add(csum_add(csum_add(0, buf, 100), buf + 100, 2), buf + 102, 199);
	CHECK_EQ(csum_fold(parts), csum(buf, sizeof(buf)));
	CHECK_EQ(csum(buf, sizeof(buf)), t_csum(buf, sizeof(buf), 0));
	CHECK_EQ(csum(buf, 7), t_csum(buf, 7, 0));
}

static void test_lab7_csum_carries(void)
{
	/* 0x1ffff: one pass of folding leaves 0x10000, a second makes it 1. */
	CHECK_EQ(csum_fold(0x1ffff), 0xfffe);
	CHECK_EQ(csum_fold(0xffffffffu), 0x0000);
	CHECK_EQ(csum_fold(0), 0xffff);
	CHECK_EQ(csum_fold(0xffff), 0x0000);
	CHECK_EQ(csum_fold(0x2ddf0), 0x220d);
	/* The words ffff ffff 0001: the sum that needs the second pass. */
	static const uint8_t two_pass[] = {0xff, 0xff, 0xff, 0xff, 0x00, 0x01};
	CHECK_EQ(csum(two_pass, sizeof(two_pass)), 0xfffe);
	/* All ones: a message of ff bytes sums to ffff, "negative zero",
	 * whose complement is 0. */
	uint8_t ones[1480];
	memset(ones, 0xff, sizeof(ones));
	CHECK_EQ(csum(ones, sizeof(ones)), 0x0000);
	CHECK_EQ(csum(ones, 2), 0x0000);
	/* ff fe fd repeated over a frame's worth: carries on almost every word. */
	uint8_t big[1481];
	for (unsigned i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(0xff - i % 3);
	CHECK_EQ(csum(big, sizeof(big)), 0xe8e4);
	CHECK_EQ(t_csum(big, sizeof(big), 0), 0xe8e4);
}

static void test_lab7_csum_pseudo(void)
{
	/* UDP from 10.0.2.15:1234 to 10.0.2.2:7 with the 5 bytes "lab7!":
	 * the pseudo-header 0a00 020f 0a00 0202 0011 000d sums to 182f, and
	 * with the datagram (its checksum field zero) the checksum is f351. */
	uint8_t udp[13] = {0x04, 0xd2, 0x00, 0x07, 0x00, 13, 0x00, 0x00, 'l', 'a', 'b', '7', '!'};
	uint32_t ps = csum_pseudo(0x0A00020Fu, 0x0A000202u, 17, sizeof(udp));
	CHECK_EQ((uint16_t)~csum_fold(ps), 0x182f);
	CHECK_EQ(csum_fold(csum_add(ps, udp, sizeof(udp))), 0xf351);
	udp[6] = 0xf3;
	udp[7] = 0x51;
	CHECK_EQ(csum_fold(csum_add(ps, udp, sizeof(udp))), 0);
	/* The same datagram seen from the other end (addresses swapped): the
	 * same sum, since addition does not care about order. */
	CHECK_EQ(csum_fold(csum_add(csum_pseudo(0x0A000202u, 0x0A00020Fu, 17, 13), udp, 13)), 0);
	/* TCP's protocol number and a length over 255 count too. */
	CHECK_EQ((uint16_t)~csum_fold(csum_pseudo(0xC0A80001u, 0xC0A800C7u, 6, 1480)),
		 (uint16_t)~csum_fold(0xc0a8 + 0x0001 + 0xc0a8 + 0x00c7 + 6 + 1480));
	/* A UDP datagram the stack sends: every checksum right, as this
	 * harness's own code computes it (the stack's is not used there). */
	sim_init(0, 71);
	A->capture = 1;
	arp_prime(A, IP_C, MAC_C);
	int s = net_socket(A->ns, NET_SOCK_DGRAM, 1);
	CHECK(s >= 0);
	CHECK_EQ(net_sendto(A->ns, s, "odd length", 10, IP_C, 9), 10);
	CHECK_EQ(net_sendto(A->ns, s, "odd length!", 11, IP_C, 9), 11);
	CHECK_EQ(cap_count(0), 2);
	CHECK(cap_pkt(0, 0).ok);
	CHECK(cap_pkt(0, 1).ok);
	CHECK_EQ(cap_pkt(0, 1).len, 11);
}

/* --- the echo reply ---------------------------------------------------------- */

#define ECHO_ID  0xBEEF
#define ECHO_SEQ 0x0107

/* An echo request from IP_C to A with len data bytes; returns the one
 * frame A sent back (failing the test if there is none). */
static const struct sim_frame *echo_from_c(const uint8_t *data, uint32_t len)
{
	sim_init(0, 72);
	A->capture = 1;
	arp_prime(A, IP_C, MAC_C);
	uint8_t f[NET_FRAME_MAX];
	inject(A, f, build_icmp_echo(f, IP_C, IP_A, 8, ECHO_ID, ECHO_SEQ, data, len));
	struct net_stats st = stats(A);
	if (cap_count(0) != 1)
		net_test_fail(__FILE__, __LINE__,
			      "an echo request to A: A sent %d frames back, not 1 (its icmp "
			      "counters: %u in, %u bad checksums, %u requests, %u replies out)",
			      cap_count(0), st.icmp.rx_msgs, st.icmp.rx_bad_checksum,
			      st.icmp.rx_echo_requests, st.icmp.tx_echo_replies);
	return cap_peek(0, 0);
}

static void data_of(uint8_t *d, uint32_t len)
{
	for (uint32_t i = 0; i < len; i++)
		d[i] = (uint8_t)(0x5a ^ (i * 7));
}

/* The reply's fields, read from its bytes here (parse() would stop at a
 * wrong checksum, which the next test is about). */
static void test_lab7_echo_fields(void)
{
	uint8_t d[57];
	data_of(d, sizeof(d));
	const struct sim_frame *r = echo_from_c(d, sizeof(d));
	const uint8_t *e = r->data, *ip = e + 14, *m = ip + 20;
	CHECK(r->len >= 14 + 20 + 8 + sizeof(d));
	CHECK(memcmp(e, MAC_C, 6) == 0);     /* to the sender's MAC */
	CHECK(memcmp(e + 6, MAC_A, 6) == 0); /* from ours */
	CHECK_EQ(e[12] << 8 | e[13], 0x0800);
	CHECK_EQ(ip[9], 1); /* ICMP */
	CHECK_EQ(ip[2] << 8 | ip[3], 20 + 8 + sizeof(d));
	/* The addresses swapped: from A (the request's destination) to C. */
	CHECK_EQ((uint32_t)ip[12] << 24 | ip[13] << 16 | ip[14] << 8 | ip[15], IP_A);
	CHECK_EQ((uint32_t)ip[16] << 24 | ip[17] << 16 | ip[18] << 8 | ip[19], IP_C);
	CHECK_EQ(m[0], 0); /* echo reply */
	CHECK_EQ(m[1], 0);
	CHECK_EQ(m[4] << 8 | m[5], ECHO_ID);
	CHECK_EQ(m[6] << 8 | m[7], ECHO_SEQ);
	CHECK(memcmp(m + 8, d, sizeof(d)) == 0);
	struct net_stats st = stats(A);
	CHECK_EQ(st.icmp.rx_echo_requests, 1);
	CHECK_EQ(st.icmp.tx_echo_replies, 1);
	/* A wrong checksum is test_lab7_echo_checksum's to report. */
	sim.bad_frames = 0;
}

static void test_lab7_echo_checksum(void)
{
	static const uint32_t sizes[] = {0, 1, 56, 57, 1000};
	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint8_t d[1000];
		data_of(d, sizes[i]);
		const struct sim_frame *r = echo_from_c(d, sizes[i]);
		const uint8_t *m = r->data + 14 + 20;
		printf("    %u data bytes: the reply's checksum %04x\n", sizes[i],
		       m[2] << 8 | m[3]);
		CHECK_EQ(t_csum(m, 8 + sizes[i], 0), 0);
		struct pkt k = parse(r->data, r->len, 0);
		CHECK(k.ok); /* the IP header's checksum too */
		CHECK_EQ(k.icmp_type, 0);
		CHECK_EQ(k.l4len, 8 + sizes[i]);
		sim_free();
	}
}

/* A checksum that finds damage: a request with one bit flipped in its
 * checksum is dropped and counted, not answered (a csum_fold that always
 * said 0 would let it through); an echo reply is not answered either. */
static void test_lab7_bad_checksum_dropped(void)
{
	sim_init(0, 73);
	A->capture = 1;
	arp_prime(A, IP_C, MAC_C);
	uint8_t f[128];
	uint32_t len = build_icmp_echo(f, IP_C, IP_A, 0, ECHO_ID, 1, "r", 1);
	inject(A, f, len);
	len = build_icmp_echo(f, IP_C, IP_A, 8, ECHO_ID, 2, "bad", 3);
	f[14 + 20 + 2] ^= 0x40; /* the ICMP checksum */
	inject(A, f, len);
	CHECK_EQ(cap_count(0), 0);
	CHECK_EQ(stats(A).icmp.rx_bad_checksum, 1);
	/* And a good one still is. */
	inject(A, f, build_icmp_echo(f, IP_C, IP_A, 8, ECHO_ID, 3, "ok", 2));
	CHECK_EQ(cap_count(0), 1);
	CHECK_EQ(cap_pkt(0, 0).icmp_type, 0);
}

int main(int argc, char **argv)
{
	static const struct net_test tests[] = {
		NET_TEST(test_lab7_csum_vectors),         NET_TEST(test_lab7_csum_odd),
		NET_TEST(test_lab7_csum_carries),         NET_TEST(test_lab7_csum_pseudo),
		NET_TEST(test_lab7_echo_fields),          NET_TEST(test_lab7_echo_checksum),
		NET_TEST(test_lab7_bad_checksum_dropped),
	};
	int n = sizeof(tests) / sizeof(tests[0]);
	/* One test by name (the grader's way), or all of them. */
	if (argc == 2) {
		for (int i = 0; i < n; i++)
			if (strcmp(tests[i].name, argv[1]) == 0)
				return net_run_tests(&tests[i], 1);
		printf("no test %s\n", argv[1]);
		return 2;
	}
	return net_run_tests(tests, n);
}
