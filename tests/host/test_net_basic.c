/* The network stack below TCP: ARP (resolution, expiry, retries, the
 * queue of waiting packets, answering), ICMP echo (ping sockets, broadcast,
 * to ourselves), UDP (echo, closed ports and their rate-limited ICMP,
 * bounded queues, zero checksums, broadcast), routing, the socket calls'
 * errors and the readiness events. */
#include <stdio.h>
#include <string.h>

#include "net_test.h"

static int udp_sock(struct node *n, uint16_t port)
{
	int s = net_socket(n->ns, NET_SOCK_DGRAM, 1);
	CHECK(s >= 0);
	if (port)
		CHECK_EQ(net_bind(n->ns, s, 0, port), 0);
	return s;
}

static void test_arp_resolution(void)
{
	sim_init(1000, 1);
	int a = udp_sock(A, 0), b = udp_sock(B, 5000);
	CHECK_EQ(net_sendto(A->ns, a, "one", 3, IP_B, 5000), 3);
	CHECK_EQ(net_sendto(A->ns, a, "two", 3, IP_B, 5000), 3);
	CHECK_EQ(stats(A).arp.tx_requests, 1);
	CHECK_EQ(stats(A).arp.queued, 2);
	char buf[16];
	uint32_t ip = 0;
	uint16_t port = 0;
	int r;
	CHECK(RUN_UNTIL((r = net_recvfrom(B->ns, b, buf, sizeof(buf), &ip, &port)) >= 0, 100));
	CHECK_EQ(r, 3);
	CHECK(memcmp(buf, "one", 3) == 0); /* queued packets go in order */
	CHECK_EQ(ip, IP_A);
	CHECK_EQ(port, info(A, a).local_port);
	CHECK(port >= NET_EPHEMERAL_LO);
	CHECK(RUN_UNTIL(net_recvfrom(B->ns, b, buf, sizeof(buf), NULL, NULL) == 3, 100));
	CHECK(memcmp(buf, "two", 3) == 0);
	struct net_stats sa = stats(A), sb = stats(B);
	CHECK_EQ(sa.arp.rx_replies, 1);
	CHECK_EQ(sa.arp.resolved, 1);
	CHECK_EQ(sb.arp.rx_requests, 1);
	CHECK_EQ(sb.arp.tx_replies, 1);
	CHECK_EQ(sb.arp.resolved, 1); /* B learnt A from the request (RFC 826) */
	CHECK_EQ(sb.arp.tx_requests, 0);
	/* B answers without asking; A asks no more. */
	CHECK_EQ(net_sendto(B->ns, b, "back", 4, IP_A, port), 4);
	CHECK(RUN_UNTIL(net_recvfrom(A->ns, a, buf, sizeof(buf), NULL, NULL) == 4, 100));
	CHECK_EQ(net_sendto(A->ns, a, "three", 5, IP_B, 5000), 5);
	sim_run(50);
	CHECK_EQ(stats(A).arp.tx_requests, 1);
	CHECK_EQ(stats(B).arp.tx_requests, 0);
	CHECK_EQ(stats(A).arp.queue_drops, 0);
}

static void test_arp_expiry(void)
{
	sim_init(0xFFFFF000u, 2); /* the clock wraps during the test */
	int a = udp_sock(A, 0), b = udp_sock(B, 5000);
	char buf[8];
	CHECK_EQ(net_sendto(A->ns, a, "x", 1, IP_B, 5000), 1);
	CHECK(RUN_UNTIL(net_recvfrom(B->ns, b, buf, 8, NULL, NULL) == 1, 100));
	CHECK_EQ(stats(A).arp.expired, 0);
	sim_run(NET_ARP_TTL_MS - 1000);
	CHECK_EQ(stats(A).arp.expired, 0);
	CHECK_EQ(net_sendto(A->ns, a, "y", 1, IP_B, 5000), 1);
	CHECK_EQ(stats(A).arp.tx_requests, 1); /* still known */
	sim_run(2000);
	CHECK_EQ(stats(A).arp.expired, 1);
	CHECK_EQ(net_sendto(A->ns, a, "z", 1, IP_B, 5000), 1);
	CHECK_EQ(stats(A).arp.tx_requests, 2);
	CHECK(RUN_UNTIL(net_recvfrom(B->ns, b, buf, 8, NULL, NULL) == 1 && buf[0] == 'z', 100));
}

static void test_arp_retries_and_failure(void)
{
	sim_init(0, 3);
	A->capture = 1;
	int a = udp_sock(A, 0);
	uint32_t t0 = sim.now;
	for (int i = 0; i < 3; i++)
		CHECK_EQ(net_sendto(A->ns, a, "q", 1, IP_B, 9), 1);
	sim_run(10000);
	/* Requests at 0, 1 s and 2 s, broadcast, asking for B; nothing else. */
	CHECK_EQ(cap_count(0), NET_ARP_TRIES);
	for (int i = 0; i < NET_ARP_TRIES; i++) {
		struct pkt k = cap_pkt(0, i);
		CHECK_EQ(k.ethertype, 0x0806);
		CHECK_EQ(k.arp_op, 1);
		CHECK_EQ(k.arp_tpa, IP_B);
		CHECK_EQ(k.arp_spa, IP_A);
		CHECK(memcmp(k.dst_mac, MAC_BCAST, 6) == 0);
		CHECK(memcmp(k.arp_sha, MAC_A, 6) == 0);
		CHECK_EQ(cap_peek(0, i)->at - t0, (uint32_t)i * NET_ARP_RETRY_MS);
	}
	struct net_stats s = stats(A);
	CHECK_EQ(s.arp.failed, 1);
	CHECK_EQ(s.arp.queue_drops, 3);
	CHECK_EQ(net_next_timer(A->ns), NET_NO_TIMER);
	/* A later packet starts over. */
	CHECK_EQ(net_sendto(A->ns, a, "q", 1, IP_B, 9), 1);
	CHECK_EQ(cap_count(0), NET_ARP_TRIES + 1);
}

static void test_arp_queue_keeps_newest(void)
{
	sim_init(0, 4);
	A->capture = 1;
	int a = udp_sock(A, 0);
	for (int i = 0; i < 10; i++) {
		char d = (char)('0' + i);
		CHECK_EQ(net_sendto(A->ns, a, &d, 1, IP_B, 9), 1);
	}
	CHECK_EQ(stats(A).arp.queued, 10);
	CHECK_EQ(stats(A).arp.queue_drops, 10 - NET_ARP_QUEUE);
	cap_clear(0);
	uint8_t f[64];
	uint32_t len = build_arp(f, MAC_A, 2, MAC_B, IP_B, MAC_A, IP_A);
	inject(A, f, len);
	CHECK_EQ(cap_count(0), NET_ARP_QUEUE);
	for (int i = 0; i < NET_ARP_QUEUE; i++) {
		struct pkt k = cap_pkt(0, i);
		CHECK_EQ(k.proto, 17);
		CHECK(memcmp(k.dst_mac, MAC_B, 6) == 0);
		CHECK_EQ(k.len, 1);
		CHECK_EQ(k.data[0], '0' + 10 - NET_ARP_QUEUE + i);
	}
}

static void test_arp_answers(void)
{
	sim_init(0, 5);
	A->capture = 1;
	static const uint8_t zero[6];
	uint8_t f[64];
	/* A request for A from C: answered to C, and C is learnt. */
	inject(A, f, build_arp(f, MAC_BCAST, 1, MAC_C, IP_C, zero, IP_A));
	CHECK_EQ(cap_count(0), 1);
	struct pkt k = cap_pkt(0, 0);
	CHECK_EQ(k.arp_op, 2);
	CHECK(memcmp(k.dst_mac, MAC_C, 6) == 0);
	CHECK(memcmp(k.arp_sha, MAC_A, 6) == 0);
	CHECK_EQ(k.arp_spa, IP_A);
	CHECK(memcmp(k.arp_tha, MAC_C, 6) == 0);
	CHECK_EQ(k.arp_tpa, IP_C);
	int a = udp_sock(A, 0);
	CHECK_EQ(net_sendto(A->ns, a, "c", 1, IP_C, 7), 1);
	CHECK_EQ(cap_count(0), 2);
	CHECK(memcmp(cap_pkt(0, 1).dst_mac, MAC_C, 6) == 0);
	/* For someone else: no answer, nothing learnt. */
	struct net_stats s0 = stats(A);
	inject(A, f, build_arp(f, MAC_BCAST, 1, MAC_B, IP_B, zero, IP_GW));
	CHECK_EQ(cap_count(0), 2);
	CHECK_EQ(stats(A).arp.rx_ignored, s0.arp.rx_ignored + 1);
	CHECK_EQ(net_sendto(A->ns, a, "b", 1, IP_B, 7), 1);
	CHECK_EQ(cap_pkt(0, 2).ethertype, 0x0806); /* B is still unknown: a request */
	/* A known host announcing a new MAC (gratuitous ARP) is updated. */
	static const uint8_t mac_c2[6] = {0x02, 0, 0, 0, 0, 0xCC};
	inject(A, f, build_arp(f, MAC_BCAST, 1, mac_c2, IP_C, zero, IP_C));
	CHECK_EQ(net_sendto(A->ns, a, "c", 1, IP_C, 7), 1);
	CHECK(memcmp(cap_pkt(0, -1).dst_mac, mac_c2, 6) == 0);
	/* Someone claiming A's own address, or a multicast sender: bad. */
	s0 = stats(A);
	inject(A, f, build_arp(f, MAC_BCAST, 1, MAC_C, IP_A, zero, IP_A));
	static const uint8_t mcast[6] = {0x01, 0, 0x5E, 0, 0, 1};
	inject(A, f, build_arp(f, MAC_BCAST, 2, mcast, IP_C, MAC_A, IP_A));
	CHECK_EQ(stats(A).arp.rx_bad, s0.arp.rx_bad + 2);
	CHECK_EQ(net_sendto(A->ns, a, "c", 1, IP_C, 7), 1);
	CHECK(memcmp(cap_pkt(0, -1).dst_mac, mac_c2, 6) == 0);
	/* An ARP probe (sender 0.0.0.0) for A is answered, not learnt. */
	int before = cap_count(0);
	inject(A, f, build_arp(f, MAC_BCAST, 1, MAC_B, 0, zero, IP_A));
	CHECK_EQ(cap_count(0), before + 1);
	CHECK_EQ(cap_pkt(0, -1).arp_op, 2);
}

static void test_arp_cache_full(void)
{
	sim_init(0, 6);
	A->capture = 1;
	int a = udp_sock(A, 0);
	uint8_t mac[6] = {0x02, 1, 0, 0, 0, 0};
	for (int i = 0; i < NET_ARP_ENTRIES + 4; i++) {
		mac[5] = (uint8_t)i;
		arp_prime(A, IP_C + 16 + (uint32_t)i, mac);
		sim.now += 10;
	}
	CHECK_EQ(stats(A).arp.evicted, 4);
	/* The oldest went first; the newest are there. */
	cap_clear(0);
	CHECK_EQ(net_sendto(A->ns, a, "n", 1, IP_C + 16 + NET_ARP_ENTRIES + 3, 7), 1);
	CHECK_EQ(cap_pkt(0, 0).proto, 17);
	CHECK_EQ(net_sendto(A->ns, a, "o", 1, IP_C + 16, 7), 1);
	CHECK_EQ(cap_pkt(0, 1).ethertype, 0x0806);
}

static void ping_once(struct node *from, int s, uint32_t to, uint16_t seq, uint32_t size)
{
	uint8_t req[NET_ICMP_MAX], rep[NET_ICMP_MAX + 10];
	memset(req, 0, 8);
	req[0] = 8;
	req[6] = (uint8_t)(seq >> 8);
	req[7] = (uint8_t)seq;
	pattern(req + 8, size - 8, seq);
	CHECK_EQ(net_sendto(from->ns, s, req, size, to, 0), (int)size);
	uint32_t ip = 0;
	int r;
	CHECK(RUN_UNTIL((r = net_recvfrom(from->ns, s, rep, sizeof(rep), &ip, NULL)) >= 0, 1000));
	CHECK_EQ(r, (int)size);
	CHECK_EQ(ip, to);
	CHECK_EQ(rep[0], 0); /* echo reply */
	CHECK_EQ(rep[1], 0);
	uint16_t id = (uint16_t)(rep[4] << 8 | rep[5]);
	CHECK_EQ(id, info(from, s).local_port);
	CHECK_EQ(rep[6] << 8 | rep[7], seq);
	CHECK(memcmp(rep + 8, req + 8, size - 8) == 0);
	CHECK_EQ(t_csum(rep, size, 0), 0);
}

static void test_ping(void)
{
	sim_init(0, 7);
	int s = net_socket(A->ns, NET_SOCK_ICMP, 1);
	CHECK(s >= 0);
	ping_once(A, s, IP_B, 1, 64);
	ping_once(A, s, IP_B, 2, 8);
	ping_once(A, s, IP_B, 3, NET_ICMP_MAX);
	struct net_stats sb = stats(B), sa = stats(A);
	CHECK_EQ(sb.icmp.rx_echo_requests, 3);
	CHECK_EQ(sb.icmp.tx_echo_replies, 3);
	CHECK_EQ(sa.icmp.rx_echo_replies, 3);
	CHECK_EQ(sa.icmp.rx_no_socket, 0);
	/* Two ping sockets get their own replies. */
	int s2 = net_socket(A->ns, NET_SOCK_ICMP, 1);
	CHECK(info(A, s2).local_port != info(A, s).local_port);
	ping_once(A, s2, IP_B, 9, 100);
	uint8_t buf[16];
	CHECK_EQ(net_recvfrom(A->ns, s, buf, sizeof(buf), NULL, NULL), -EAGAIN);
	/* A reply for nobody: counted. */
	CHECK_EQ(net_close(A->ns, s2), 0);
	int s3 = net_socket(B->ns, NET_SOCK_ICMP, 1);
	ping_once(B, s3, IP_A, 1, 20);
	uint8_t f[128];
	inject(A, f, build_icmp_echo(f, IP_B, IP_A, 0, 0x4242, 1, "x", 1));
	CHECK_EQ(stats(A).icmp.rx_no_socket, 1);
	/* What a ping socket refuses. */
	uint8_t bad[8] = {0};
	CHECK_EQ(net_sendto(A->ns, s, bad, 8, IP_B, 0), -EINVAL); /* type 0 */
	bad[0] = 8;
	CHECK_EQ(net_sendto(A->ns, s, bad, 7, IP_B, 0), -EINVAL);
	uint8_t big[NET_ICMP_MAX + 1] = {8};
	CHECK_EQ(net_sendto(A->ns, s, big, sizeof(big), IP_B, 0), -EMSGSIZE);
	CHECK_EQ(net_sendto(A->ns, s, bad, 8, IP_FAR, 0), -ENETUNREACH);
}

static void test_ping_broadcast_and_self(void)
{
	sim_init(0, 8);
	A->capture = 1;
	uint8_t f[128];
	uint32_t len = build_icmp_echo(f, IP_B, 0x0A0000FFu, 8, 1, 1, "hi", 2);
	memcpy(f, MAC_BCAST, 6);
	inject(A, f, len);
	CHECK_EQ(cap_count(0), 0);
	CHECK_EQ(stats(A).icmp.rx_bcast_echo, 1);
	/* To our own address: answered through the loopback path, nothing
	 * on the wire. */
	int s = net_socket(A->ns, NET_SOCK_ICMP, 1);
	ping_once(A, s, IP_A, 5, 300);
	CHECK_EQ(cap_count(0), 0);
	CHECK_EQ(stats(A).ip.loopback, 2);
	CHECK_EQ(stats(A).icmp.rx_echo_requests, 1);
}

static void test_udp_echo(void)
{
	sim_init(0, 9);
	int a = udp_sock(A, 4000), b = udp_sock(B, 7);
	static uint8_t out[NET_UDP_MAX + 1], in[NET_UDP_MAX + 1];
	static const uint32_t sizes[] = {0, 1, 2, 100, 1000, NET_UDP_MAX};
	for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint32_t n = sizes[i], ip = 0;
		uint16_t port = 0;
		int r;
		pattern(out, n, i);
		CHECK_EQ(net_sendto(A->ns, a, out, n, IP_B, 7), (int)n);
		CHECK(RUN_UNTIL((r = net_recvfrom(B->ns, b, in, sizeof(in), &ip, &port)) >= 0,
				100));
		CHECK_EQ(r, (int)n);
		CHECK(memcmp(in, out, n) == 0);
		CHECK_EQ(ip, IP_A);
		CHECK_EQ(port, 4000);
		CHECK_EQ(net_sendto(B->ns, b, in, (uint32_t)r, ip, port), r);
		CHECK(RUN_UNTIL((r = net_recvfrom(A->ns, a, in, sizeof(in), &ip, &port)) >= 0,
				100));
		CHECK_EQ(r, (int)n);
		CHECK(memcmp(in, out, n) == 0);
		CHECK_EQ(port, 7);
	}
	CHECK_EQ(net_sendto(A->ns, a, out, NET_UDP_MAX + 1, IP_B, 7), -EMSGSIZE);
	CHECK_EQ(net_sendto(A->ns, a, out, 1, IP_B, 0), -EINVAL);
	/* A short buffer cuts the datagram, and its rest is gone. */
	CHECK_EQ(net_sendto(A->ns, a, "abcdef", 6, IP_B, 7), 6);
	CHECK_EQ(net_sendto(A->ns, a, "gh", 2, IP_B, 7), 2);
	char small[3];
	int r;
	CHECK(RUN_UNTIL((r = net_recvfrom(B->ns, b, small, 3, NULL, NULL)) >= 0, 100));
	CHECK_EQ(r, 3);
	CHECK(memcmp(small, "abc", 3) == 0);
	CHECK(RUN_UNTIL((r = net_recvfrom(B->ns, b, small, 3, NULL, NULL)) >= 0, 100));
	CHECK_EQ(r, 2);
	CHECK(memcmp(small, "gh", 2) == 0);
	CHECK_EQ(net_recvfrom(B->ns, b, small, 3, NULL, NULL), -EAGAIN);
	CHECK_EQ(stats(B).udp.rx_bad_checksum, 0);
	CHECK_EQ(net_send(A->ns, a, "x", 1), -EDESTADDRREQ);
}

static void test_udp_closed_port(void)
{
	sim_init(0, 10);
	int a = udp_sock(A, 4000);
	CHECK_EQ(net_sendto(A->ns, a, "knock", 5, IP_B, 9999), 5);
	sim_run(100);
	CHECK_EQ(stats(B).udp.rx_no_port, 1);
	CHECK_EQ(stats(B).icmp.tx_unreach, 1);
	CHECK_EQ(stats(A).icmp.rx_unreach, 1);
	/* The error quotes the datagram: check it on the wire. */
	B->capture = 1;
	CHECK_EQ(net_sendto(A->ns, a, "again", 5, IP_B, 9999), 5);
	sim_run(100);
	CHECK_EQ(cap_count(1), 1);
	struct pkt k = cap_pkt(1, 0);
	CHECK_EQ(k.proto, 1);
	CHECK_EQ(k.icmp_type, 3);
	CHECK_EQ(k.icmp_code, 3);
	CHECK_EQ(k.dst, IP_A);
	CHECK_EQ(k.len, 20 + 8); /* IP header and the first 8 bytes */
	CHECK_EQ(k.data[0], 0x45);
	CHECK_EQ(k.data[9], 17);
	CHECK_EQ(k.data[20] << 8 | k.data[21], 4000);
	CHECK_EQ(k.data[22] << 8 | k.data[23], 9999);
	B->capture = 0;
	/* A burst is rate-limited. */
	for (int i = 0; i < 50; i++)
		CHECK_EQ(net_sendto(A->ns, a, "x", 1, IP_B, 9999), 1);
	sim_run(10);
	struct net_stats sb = stats(B);
	CHECK_EQ(sb.udp.rx_no_port, 52);
	CHECK(sb.icmp.tx_unreach <= 2 + 10 + 1);
	CHECK(sb.icmp.rate_limited >= 50 - 11);
	/* and refills with time */
	sim_run(2000);
	uint32_t before = stats(B).icmp.tx_unreach;
	CHECK_EQ(net_sendto(A->ns, a, "x", 1, IP_B, 9999), 1);
	sim_run(10);
	CHECK_EQ(stats(B).icmp.tx_unreach, before + 1);
	/* No error about a broadcast. */
	uint8_t f[128];
	uint32_t len = build_udp(f, IP_A, 0xFFFFFFFFu, 1, 9999, "b", 1);
	memcpy(f, MAC_BCAST, 6);
	before = stats(B).icmp.tx_unreach;
	inject(B, f, len);
	CHECK_EQ(stats(B).udp.rx_no_port, 54);
	CHECK_EQ(stats(B).icmp.tx_unreach, before);
}

static void test_udp_queue_bounded(void)
{
	sim_init(0, 11);
	int a = udp_sock(A, 0), b = udp_sock(B, 7);
	uint8_t d[1000], in[1000];
	for (int i = 0; i < 100; i++) {
		pattern(d, sizeof(d), (uint32_t)i);
		CHECK_EQ(net_sendto(A->ns, a, d, sizeof(d), IP_B, 7), (int)sizeof(d));
		sim_run(2);
	}
	sim_run(50);
	uint32_t held = NET_SOCK_RXBUF / (sizeof(d) + 8);
	CHECK_EQ(stats(B).udp.rx_queue_full, 100 - held);
	CHECK_EQ(info(B, b).rx_queued, held * (sizeof(d) + 8));
	for (uint32_t i = 0; i < held; i++) {
		CHECK_EQ(net_recvfrom(B->ns, b, in, sizeof(in), NULL, NULL), (int)sizeof(d));
		pattern(d, sizeof(d), i);
		CHECK(memcmp(in, d, sizeof(d)) == 0);
	}
	CHECK_EQ(net_recvfrom(B->ns, b, in, sizeof(in), NULL, NULL), -EAGAIN);
	/* Room again. */
	CHECK_EQ(net_sendto(A->ns, a, d, 10, IP_B, 7), 10);
	CHECK(RUN_UNTIL(net_recvfrom(B->ns, b, in, sizeof(in), NULL, NULL) == 10, 100));
}

static void test_udp_zero_checksum_and_broadcast(void)
{
	sim_init(0, 12);
	int b = udp_sock(B, 53);
	uint8_t f[128];
	uint32_t len = build_udp(f, IP_A, IP_B, 1234, 53, "nock", 4);
	f[14 + 20 + 6] = 0; /* no checksum (RFC 768) */
	f[14 + 20 + 7] = 0;
	inject(B, f, len);
	char buf[8];
	CHECK_EQ(net_recvfrom(B->ns, b, buf, sizeof(buf), NULL, NULL), 4);
	CHECK_EQ(stats(B).udp.rx_bad_checksum, 0);
	/* Broadcast, limited and directed, from A reaches B's socket. */
	int a = udp_sock(A, 0);
	A->capture = 1;
	CHECK_EQ(net_sendto(A->ns, a, "all", 3, 0xFFFFFFFFu, 53), 3);
	CHECK_EQ(net_sendto(A->ns, a, "net", 3, 0x0A0000FFu, 53), 3);
	CHECK_EQ(cap_count(0), 2);
	CHECK(memcmp(cap_pkt(0, 0).dst_mac, MAC_BCAST, 6) == 0);
	CHECK(memcmp(cap_pkt(0, 1).dst_mac, MAC_BCAST, 6) == 0);
	CHECK_EQ(stats(A).arp.tx_requests, 0);
	for (int i = 0; i < 2; i++) {
		const struct sim_frame *fr = cap_peek(0, i);
		inject(B, fr->data, fr->len);
	}
	CHECK_EQ(net_recvfrom(B->ns, b, buf, sizeof(buf), NULL, NULL), 3);
	CHECK(memcmp(buf, "all", 3) == 0);
	CHECK_EQ(net_recvfrom(B->ns, b, buf, sizeof(buf), NULL, NULL), 3);
	CHECK(memcmp(buf, "net", 3) == 0);
}

static void test_routing(void)
{
	sim_init(0, 13);
	int a = udp_sock(A, 0), b = udp_sock(B, 0);
	/* A has no gateway. */
	CHECK_EQ(net_sendto(A->ns, a, "far", 3, IP_FAR, 7), -ENETUNREACH);
	CHECK_EQ(net_sendto(A->ns, a, "mc", 2, 0xE0000001u, 7), -ENETUNREACH);
	CHECK_EQ(net_sendto(A->ns, a, "lo", 2, 0x7F000001u, 7), -ENETUNREACH);
	CHECK_EQ(net_sendto(A->ns, a, "z", 1, 0, 7), -ENETUNREACH);
	/* B sends off the subnet through its gateway: ARP asks for it. */
	B->capture = 1;
	CHECK_EQ(net_sendto(B->ns, b, "far", 3, IP_FAR, 7), 3);
	CHECK_EQ(cap_count(1), 1);
	CHECK_EQ(cap_pkt(1, 0).arp_tpa, IP_GW);
	static const uint8_t mac_gw[6] = {0x02, 0, 0, 0, 0, 0xFE};
	uint8_t f[64];
	inject(B, f, build_arp(f, MAC_B, 2, mac_gw, IP_GW, MAC_B, IP_B));
	CHECK_EQ(cap_count(1), 2);
	struct pkt k = cap_pkt(1, 1);
	CHECK(memcmp(k.dst_mac, mac_gw, 6) == 0);
	CHECK_EQ(k.dst, IP_FAR);
	CHECK_EQ(k.ttl, 64);
}

static void test_socket_errors(void)
{
	sim_init(0, 14);
	char buf[4];
	CHECK_EQ(net_bind(A->ns, -1, 0, 1), -EBADF);
	CHECK_EQ(net_bind(A->ns, NET_MAX_SOCKETS, 0, 1), -EBADF);
	CHECK_EQ(net_sendto(A->ns, 3, "x", 1, IP_B, 1), -EBADF);
	CHECK_EQ(net_close(A->ns, 0), -EBADF);
	CHECK_EQ(net_poll(A->ns, 0), 0);
	CHECK_EQ(net_socket(A->ns, 99, 1), -EPROTONOSUPPORT);
	int u = udp_sock(A, 100);
	CHECK_EQ(net_bind(A->ns, u, 0, 101), -EINVAL);
	int u2 = udp_sock(A, 0);
	CHECK_EQ(net_bind(A->ns, u2, 0, 100), -EADDRINUSE);
	CHECK_EQ(net_bind(A->ns, u2, IP_B, 102), -EADDRNOTAVAIL);
	CHECK_EQ(net_bind(A->ns, u2, IP_A, 102), 0);
	CHECK_EQ(net_listen(A->ns, u, 1), -EOPNOTSUPP);
	CHECK_EQ(net_connect(A->ns, u, IP_B, 1), -EOPNOTSUPP);
	CHECK_EQ(net_shutdown(A->ns, u, NET_SHUT_WR), -ENOTCONN);
	CHECK_EQ(net_setopt(A->ns, u, NET_OPT_NODELAY, 1), -EINVAL);
	CHECK_EQ(net_recv(A->ns, u, buf, 4), -EAGAIN);
	CHECK_EQ(net_poll(A->ns, u), NET_POLL_OUT);
	/* Same UDP port on both stacks is fine; TCP and UDP ports differ. */
	int t = net_socket(A->ns, NET_SOCK_STREAM, 1);
	CHECK_EQ(net_bind(A->ns, t, 0, 100), 0);
	/* The table fills; closing one frees it. */
	int n = 0, last = -1;
	for (;;) {
		int s = net_socket(A->ns, NET_SOCK_DGRAM, 7);
		if (s < 0) {
			CHECK_EQ(s, -EMFILE);
			break;
		}
		last = s;
		n++;
	}
	CHECK_EQ(n, NET_MAX_SOCKETS - 3);
	CHECK_EQ(net_close(A->ns, last), 0);
	CHECK_EQ(net_close(A->ns, last), -EBADF);
	CHECK(net_socket(A->ns, NET_SOCK_DGRAM, 8) >= 0);
	/* Everything of owner 7 goes at once, nothing else. */
	CHECK_EQ(net_close_owner(A->ns, 7), n - 1);
	CHECK_EQ(net_close_owner(A->ns, 7), 0);
	CHECK(net_poll(A->ns, u) != 0);
	CHECK_EQ(net_close_owner(A->ns, 1), 3);
	CHECK_EQ(net_close_owner(A->ns, 8), 1);
	for (int i = 0; i < NET_MAX_SOCKETS; i++)
		CHECK_EQ(net_close(A->ns, i), -EBADF);
}

/* A UDP echo server written as a glue would: inside the event callback. */
static void echo_in_event(struct node *n, int s, unsigned ev)
{
	if (!(ev & NET_POLL_IN))
		return;
	uint8_t buf[2048];
	uint32_t ip;
	uint16_t port;
	int r;
	while ((r = net_recvfrom(n->ns, s, buf, sizeof(buf), &ip, &port)) >= 0)
		CHECK_EQ(net_sendto(n->ns, s, buf, (uint32_t)r, ip, port), r);
	CHECK_EQ(r, -EAGAIN);
}

static void test_events(void)
{
	sim_init(0, 15);
	int a = udp_sock(A, 0), b = udp_sock(B, 7);
	CHECK_EQ(A->events[a], 0); /* nothing has happened yet */
	B->on_event = echo_in_event;
	char buf[8];
	/* One first, so that ARP's queue of 8 does not lose any of the 20. */
	CHECK_EQ(net_sendto(A->ns, a, "arp", 3, IP_B, 7), 3);
	CHECK(RUN_UNTIL(net_recvfrom(A->ns, a, buf, sizeof(buf), NULL, NULL) == 3, 100));
	for (int i = 0; i < 20; i++) {
		char d[16];
		snprintf(d, sizeof(d), "%03d", i);
		CHECK_EQ(net_sendto(A->ns, a, d, 3, IP_B, 7), 3);
	}
	for (int i = 0; i < 20; i++) {
		char d[16];
		snprintf(d, sizeof(d), "%03d", i);
		CHECK(RUN_UNTIL(net_recvfrom(A->ns, a, buf, sizeof(buf), NULL, NULL) == 3, 100));
		CHECK(memcmp(buf, d, 3) == 0);
	}
	CHECK(B->events[b] & NET_POLL_IN);
	CHECK(A->events[a] & NET_POLL_IN);
	/* Edges only: an idle socket is not reported again. */
	uint32_t calls = A->event_calls;
	sim_run(100);
	CHECK_EQ(A->event_calls, calls);
}

static uint32_t zero_clock(void *ctx)
{
	(void)ctx;
	return 0;
}

static int drop_tx(void *ctx, const void *f, uint32_t len)
{
	(void)ctx;
	(void)f;
	(void)len;
	return -1;
}

static void test_init_and_uninitialised(void)
{
	static struct netstack ns; /* zeroed: as the glue's before net_init */
	struct net_config cfg = {.mac = {2, 0, 0, 0, 0, 1},
				 .ip = IP_A,
				 .netmask = NETMASK,
				 .tx = drop_tx,
				 .clock = zero_clock};
	uint8_t f[64] = {0};
	char buf[4];
	net_input(&ns, f, sizeof(f));
	net_timer(&ns);
	CHECK_EQ(net_next_timer(&ns), NET_NO_TIMER);
	CHECK_EQ(net_socket(&ns, NET_SOCK_DGRAM, 1), -ENETDOWN);
	CHECK_EQ(net_recv(&ns, 0, buf, 4), -EBADF);
	CHECK_EQ(net_close_owner(&ns, 1), 0);
	struct net_config bad = cfg;
	bad.tx = NULL;
	CHECK_EQ(net_init(&ns, &bad), -EINVAL);
	bad = cfg;
	bad.clock = NULL;
	CHECK_EQ(net_init(&ns, &bad), -EINVAL);
	bad = cfg;
	bad.mac[0] = 1; /* multicast */
	CHECK_EQ(net_init(&ns, &bad), -EINVAL);
	bad = cfg;
	bad.netmask = 0xFF00FF00u;
	CHECK_EQ(net_init(&ns, &bad), -EINVAL);
	CHECK_EQ(net_socket(&ns, NET_SOCK_DGRAM, 1), -ENETDOWN);
	CHECK_EQ(net_init(&ns, &cfg), 0);
	int s = net_socket(&ns, NET_SOCK_DGRAM, 1);
	CHECK(s >= 0);
	/* The tx callback refuses: counted, the call still succeeds (UDP
	 * makes no promise), nothing breaks. */
	static const uint8_t mac[6] = {2, 0, 0, 0, 0, 2};
	uint32_t n = build_arp(f, cfg.mac, 1, mac, IP_B, MAC_BCAST, IP_A);
	net_input(&ns, f, n);
	CHECK_EQ(net_sendto(&ns, s, "x", 1, IP_B, 7), 1);
	struct net_stats st;
	net_get_stats(&ns, &st);
	CHECK_EQ(st.eth.tx_errors, 2); /* the ARP reply and the datagram */
	CHECK_EQ(st.eth.tx_frames, 0);
	CHECK_EQ(st.udp.tx_datagrams, 1);
}

static void test_small_things(void)
{
	sim_init(0, 16);
	/* A ping socket's queue is bounded too. */
	int p = net_socket(A->ns, NET_SOCK_ICMP, 1);
	uint16_t id = info(A, p).local_port;
	uint8_t f[1600], d[1000];
	memset(d, 'p', sizeof(d));
	const int sent = 100; /* more than the queue holds */
	for (int i = 0; i < sent; i++) {
		uint32_t n = build_icmp_echo(f, IP_B, IP_A, 0, id, (uint16_t)i, d, sizeof(d));
		inject(A, f, n);
	}
	uint32_t held = NET_SOCK_RXBUF / (8 + 1008);
	CHECK(held < (uint32_t)sent);
	CHECK_EQ(stats(A).icmp.rx_queue_full, sent - held);
	CHECK_EQ(stats(A).icmp.rx_echo_replies, sent);
	/* A UDP socket bound to the address itself takes no broadcast. */
	int u = net_socket(A->ns, NET_SOCK_DGRAM, 1);
	CHECK_EQ(net_bind(A->ns, u, IP_A, 53), 0);
	uint32_t n = build_udp(f, IP_B, 0xFFFFFFFFu, 9, 53, "b", 1);
	memcpy(f, MAC_BCAST, 6);
	inject(A, f, n);
	CHECK_EQ(stats(A).udp.rx_no_port, 1);
	n = build_udp(f, IP_B, IP_A, 9, 53, "u", 1);
	inject(A, f, n);
	char buf[4];
	CHECK_EQ(net_recvfrom(A->ns, u, buf, sizeof(buf), NULL, NULL), 1);
	/* A ping socket can be given its identifier. */
	int p2 = net_socket(A->ns, NET_SOCK_ICMP, 1);
	CHECK_EQ(net_bind(A->ns, p2, 0, id), -EADDRINUSE);
	CHECK_EQ(net_bind(A->ns, p2, 0, 4242), 0);
	CHECK_EQ(info(A, p2).local_port, 4242);
}

int main(void)
{
	static const struct net_test tests[] = {
		NET_TEST(test_arp_resolution),
		NET_TEST(test_arp_expiry),
		NET_TEST(test_arp_retries_and_failure),
		NET_TEST(test_arp_queue_keeps_newest),
		NET_TEST(test_arp_answers),
		NET_TEST(test_arp_cache_full),
		NET_TEST(test_ping),
		NET_TEST(test_ping_broadcast_and_self),
		NET_TEST(test_udp_echo),
		NET_TEST(test_udp_closed_port),
		NET_TEST(test_udp_queue_bounded),
		NET_TEST(test_udp_zero_checksum_and_broadcast),
		NET_TEST(test_routing),
		NET_TEST(test_socket_errors),
		NET_TEST(test_events),
		NET_TEST(test_init_and_uninitialised),
		NET_TEST(test_small_things),
	};
	return net_run_tests(tests, sizeof(tests) / sizeof(tests[0]));
}
