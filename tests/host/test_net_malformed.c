/* Malformed input at every layer: each damaged frame is dropped, counted
 * under its reason, answered by nothing (except where RFC 1122 asks for an
 * ICMP error), and leaves the stack working. Frames are delivered from
 * exact-size heap copies, so a read past the end is an ASan failure. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "net_test.h"

#define ETH 14
#define IPH 20

static uint8_t f[4096];
static uint32_t flen;

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void fix_ip(void)
{
	uint32_t hl = (uint32_t)(f[ETH] & 15) * 4;
	put16(f + ETH + 10, 0);
	put16(f + ETH + 10, t_csum(f + ETH, hl, 0));
}

/* The base frames: a UDP datagram from C to A's port 7, a TCP segment
 * (no flags) from C to A's listener on 80, an ICMP echo request. */
static void base_udp(void)
{
	flen = build_udp(f, IP_C, IP_A, 1000, 7, "payload!", 8);
}
static void base_tcp(uint8_t flags)
{
	flen = build_tcp(f, IP_C, IP_A, 1000, 80, 1, 0, flags, 1000, 0, NULL, 0);
}
static void base_icmp(void)
{
	flen = build_icmp_echo(f, IP_C, IP_A, 8, 1, 1, "ping", 4);
}

/* TCP with the header bytes given (after the 20 fixed ones), checksum
 * right. */
static void tcp_with_options(const uint8_t *opt, uint32_t n, uint8_t doff_words)
{
	uint8_t t[80];
	memset(t, 0, sizeof(t));
	put16(t, 1000);
	put16(t + 2, 80);
	t[12] = (uint8_t)(doff_words << 4);
	put16(t + 14, 1000);
	if (n)
		memcpy(t + 20, opt, n);
	uint32_t len = 20 + n;
	uint32_t ps = (IP_C >> 16) + (IP_C & 0xFFFF) + (IP_A >> 16) + (IP_A & 0xFFFF) + 6 + len;
	put16(t + 16, t_csum(t, len, ps));
	flen = build_ip(f, MAC_A, MAC_C, IP_C, IP_A, 6, t, len);
}

#define C(field) offsetof(struct net_stats, field)

struct mcase {
	const char *what;
	void (*make)(void);
	size_t counter;
	int replies; /* frames A should send in answer */
};

/* --- Ethernet --- */
static void e_empty(void)
{
	flen = 0;
}
static void e_runt(void)
{
	base_udp();
	flen = 13;
}
static void e_oversize(void)
{
	base_udp();
	memset(f + flen, 0, 2000);
	flen = NET_FRAME_MAX + 1;
}
static void e_huge(void)
{
	base_udp();
	flen = 4000;
}
static void e_other_mac(void)
{
	base_udp();
	f[5] ^= 0x40;
}
static void e_multicast(void)
{
	base_udp();
	static const uint8_t m[6] = {0x01, 0x00, 0x5E, 0, 0, 1};
	memcpy(f, m, 6);
}
static void e_ipv6(void)
{
	base_udp();
	put16(f + 12, 0x86DD);
}
static void e_8023(void)
{
	base_udp();
	put16(f + 12, 0x0040);
}
static void e_vlan(void)
{
	base_udp();
	put16(f + 12, 0x8100);
}

/* --- ARP --- */
static void arp_base(void)
{
	static const uint8_t zero[6];
	flen = build_arp(f, MAC_BCAST, 1, MAC_C, IP_C, zero, IP_A);
}
static void a_short(void)
{
	arp_base();
	flen = ETH + 27;
}
static void a_htype(void)
{
	arp_base();
	put16(f + ETH, 6);
}
static void a_ptype(void)
{
	arp_base();
	put16(f + ETH + 2, 0x86DD);
}
static void a_hlen(void)
{
	arp_base();
	f[ETH + 4] = 8;
}
static void a_op(void)
{
	arp_base();
	put16(f + ETH + 6, 3);
}
static void a_bcast_sender(void)
{
	arp_base();
	memset(f + ETH + 14, 0xFF, 4);
}

/* --- IPv4 --- */
static void i_short(void)
{
	base_udp();
	flen = ETH + 19;
}
static void i_version(void)
{
	base_udp();
	f[ETH] = 0x65;
	fix_ip();
}
static void i_ihl_small(void)
{
	base_udp();
	f[ETH] = 0x44;
	fix_ip();
}
static void i_ihl_big(void)
{
	base_udp();
	f[ETH] = 0x4F; /* 60 bytes of header in a 36-byte packet */
	flen = ETH + 36;
}
static void i_total_small(void)
{
	base_udp();
	put16(f + ETH + 2, 10);
	fix_ip();
}
static void i_total_big(void)
{
	base_udp();
	put16(f + ETH + 2, 1000);
	fix_ip();
}
static void i_checksum(void)
{
	base_udp();
	f[ETH + 10] ^= 1;
}
static void i_more_frags(void)
{
	base_udp();
	put16(f + ETH + 6, 0x2000);
	fix_ip();
}
static void i_offset(void)
{
	base_udp();
	put16(f + ETH + 6, 0x0010);
	fix_ip();
}
static void i_proto(void)
{
	base_udp();
	f[ETH + 9] = 99;
	fix_ip();
}
static void set_src(uint32_t ip)
{
	base_udp();
	f[ETH + 12] = (uint8_t)(ip >> 24);
	f[ETH + 13] = (uint8_t)(ip >> 16);
	f[ETH + 14] = (uint8_t)(ip >> 8);
	f[ETH + 15] = (uint8_t)ip;
	fix_ip();
}
static void i_src_bcast(void)
{
	set_src(0xFFFFFFFFu);
}
static void i_src_mcast(void)
{
	set_src(0xE0000001u);
}
static void i_src_loop(void)
{
	set_src(0x7F000001u);
}
static void i_src_self(void)
{
	set_src(IP_A);
}
static void i_src_zero(void)
{
	set_src(0);
}
static void i_src_subnet_bcast(void)
{
	set_src(0x0A0000FFu);
}
static void i_dst_other(void)
{
	flen = build_udp(f, IP_C, 0x0A000009u, 1000, 7, "x", 1);
	memcpy(f, MAC_A, 6);
}
static void i_unicast_in_l2_bcast(void)
{
	base_udp();
	memcpy(f, MAC_BCAST, 6);
}

/* --- ICMP --- */
static void c_short(void)
{
	base_icmp();
	put16(f + ETH + 2, IPH + 4);
	fix_ip();
	flen = ETH + IPH + 4;
}
static void c_checksum(void)
{
	base_icmp();
	f[ETH + IPH + 2] ^= 0x10;
}
static void c_type(void)
{
	uint8_t m[20] = {13, 0};
	put16(m + 2, t_csum(m, 20, 0));
	flen = build_ip(f, MAC_A, MAC_C, IP_C, IP_A, 1, m, 20);
}
static void c_unreach_short_quote(void)
{
	uint8_t m[18] = {3, 3, 0, 0, 0, 0, 0, 0, 0x45, 0, 0, 28};
	put16(m + 2, t_csum(m, 18, 0));
	flen = build_ip(f, MAC_A, MAC_C, IP_C, IP_A, 1, m, 18);
}

/* --- UDP --- */
static void u_short(void)
{
	base_udp();
	put16(f + ETH + 2, IPH + 7);
	fix_ip();
	flen = ETH + IPH + 7;
}
static void u_len_small(void)
{
	base_udp();
	put16(f + ETH + IPH + 4, 4);
}
static void u_len_big(void)
{
	base_udp();
	put16(f + ETH + IPH + 4, 500);
}
static void u_checksum(void)
{
	base_udp();
	f[ETH + IPH + 9] ^= 0x20; /* a payload byte */
}

/* --- TCP --- */
static void t_short(void)
{
	base_tcp(F_ACK);
	put16(f + ETH + 2, IPH + 19);
	fix_ip();
	flen = ETH + IPH + 19;
}
static void t_doff_small(void)
{
	tcp_with_options(NULL, 0, 4);
}
static void t_doff_big(void)
{
	static const uint8_t o[4] = {1, 1, 1, 1};
	tcp_with_options(o, 4, 15);
}
static void t_checksum(void)
{
	base_tcp(F_ACK);
	f[ETH + IPH + 4] ^= 1;
}
static void t_opt_zero_len(void)
{
	static const uint8_t o[4] = {2, 0, 5, 0xB4};
	tcp_with_options(o, 4, 6);
}
static void t_opt_past_end(void)
{
	static const uint8_t o[4] = {1, 1, 2, 8};
	tcp_with_options(o, 4, 6);
}
static void t_opt_cut(void)
{
	static const uint8_t o[4] = {1, 1, 1, 2};
	tcp_with_options(o, 4, 6);
}
static void t_syn_fin(void)
{
	base_tcp(F_SYN | F_FIN);
}
static void t_broadcast(void)
{
	flen = build_tcp(f, IP_C, 0xFFFFFFFFu, 1000, 80, 1, 0, F_SYN, 1000, 0, NULL, 0);
	memcpy(f, MAC_BCAST, 6);
}

static const struct mcase cases[] = {
	{"empty frame", e_empty, C(eth.rx_runt), 0},
	{"13-byte frame", e_runt, C(eth.rx_runt), 0},
	{"1515-byte frame", e_oversize, C(eth.rx_oversize), 0},
	{"4000-byte frame", e_huge, C(eth.rx_oversize), 0},
	{"another host's MAC", e_other_mac, C(eth.rx_not_ours), 0},
	{"multicast MAC", e_multicast, C(eth.rx_not_ours), 0},
	{"IPv6", e_ipv6, C(eth.rx_unknown_type), 0},
	{"802.3 length", e_8023, C(eth.rx_unknown_type), 0},
	{"VLAN tag", e_vlan, C(eth.rx_unknown_type), 0},
	{"ARP 27 bytes", a_short, C(arp.rx_bad), 0},
	{"ARP hardware type", a_htype, C(arp.rx_bad), 0},
	{"ARP protocol type", a_ptype, C(arp.rx_bad), 0},
	{"ARP hardware length", a_hlen, C(arp.rx_bad), 0},
	{"ARP opcode", a_op, C(arp.rx_bad), 0},
	{"ARP broadcast sender", a_bcast_sender, C(arp.rx_bad), 0},
	{"IP 19 bytes", i_short, C(ip.rx_bad_header), 0},
	{"IP version 6", i_version, C(ip.rx_bad_header), 0},
	{"IP header length 16", i_ihl_small, C(ip.rx_bad_header), 0},
	{"IP header past the end", i_ihl_big, C(ip.rx_bad_header), 0},
	{"IP total length < header", i_total_small, C(ip.rx_bad_length), 0},
	{"IP total length > frame", i_total_big, C(ip.rx_bad_length), 0},
	{"IP checksum", i_checksum, C(ip.rx_bad_checksum), 0},
	{"IP more fragments", i_more_frags, C(ip.rx_fragments), 0},
	{"IP fragment offset", i_offset, C(ip.rx_fragments), 0},
	{"IP protocol 99", i_proto, C(ip.rx_unknown_proto), 1},
	{"IP source broadcast", i_src_bcast, C(ip.rx_bad_src), 0},
	{"IP source multicast", i_src_mcast, C(ip.rx_bad_src), 0},
	{"IP source loopback", i_src_loop, C(ip.rx_bad_src), 0},
	{"IP source ours", i_src_self, C(ip.rx_bad_src), 0},
	{"IP source zero", i_src_zero, C(ip.rx_bad_src), 0},
	{"IP source subnet broadcast", i_src_subnet_bcast, C(ip.rx_bad_src), 0},
	{"IP for another host", i_dst_other, C(ip.rx_not_ours), 0},
	{"IP unicast in a broadcast frame", i_unicast_in_l2_bcast, C(ip.rx_not_ours), 0},
	{"ICMP 4 bytes", c_short, C(icmp.rx_bad_length), 0},
	{"ICMP checksum", c_checksum, C(icmp.rx_bad_checksum), 0},
	{"ICMP timestamp", c_type, C(icmp.rx_other), 0},
	{"ICMP unreachable, short quote", c_unreach_short_quote, C(icmp.rx_unreach), 0},
	{"UDP 7 bytes", u_short, C(udp.rx_bad_length), 0},
	{"UDP length 4", u_len_small, C(udp.rx_bad_length), 0},
	{"UDP length past the end", u_len_big, C(udp.rx_bad_length), 0},
	{"UDP checksum", u_checksum, C(udp.rx_bad_checksum), 0},
	{"TCP 19 bytes", t_short, C(tcp.rx_bad_length), 0},
	{"TCP data offset 4", t_doff_small, C(tcp.rx_bad_offset), 0},
	{"TCP data offset past the end", t_doff_big, C(tcp.rx_bad_offset), 0},
	{"TCP checksum", t_checksum, C(tcp.rx_bad_checksum), 0},
	{"TCP option of length 0", t_opt_zero_len, C(tcp.rx_bad_options), 0},
	{"TCP option past the header", t_opt_past_end, C(tcp.rx_bad_options), 0},
	{"TCP option cut short", t_opt_cut, C(tcp.rx_bad_options), 0},
	{"TCP SYN and FIN", t_syn_fin, C(tcp.rx_bad_flags), 0},
	{"TCP to a broadcast", t_broadcast, C(tcp.rx_bad_addr), 0},
};

static uint32_t counter(size_t off)
{
	struct net_stats s = stats(A);
	uint32_t v;
	memcpy(&v, (uint8_t *)&s + off, sizeof(v));
	return v;
}

/* Everything A counts as dropped, summed: exactly one drop per case. */
static uint32_t drops(void)
{
	static const size_t all[] = {
		C(eth.rx_runt),         C(eth.rx_oversize),      C(eth.rx_not_ours),
		C(eth.rx_unknown_type), C(arp.rx_bad),           C(ip.rx_bad_header),
		C(ip.rx_bad_length),    C(ip.rx_bad_checksum),   C(ip.rx_bad_src),
		C(ip.rx_not_ours),      C(ip.rx_fragments),      C(ip.rx_unknown_proto),
		C(icmp.rx_bad_length),  C(icmp.rx_bad_checksum), C(icmp.rx_other),
		C(icmp.rx_unreach),     C(udp.rx_bad_length),    C(udp.rx_bad_checksum),
		C(udp.rx_no_port),      C(tcp.rx_bad_length),    C(tcp.rx_bad_offset),
		C(tcp.rx_bad_checksum), C(tcp.rx_bad_options),   C(tcp.rx_bad_flags),
		C(tcp.rx_bad_addr),     C(tcp.rx_no_socket),     C(arp.rx_ignored),
	};
	uint32_t n = 0;
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		n += counter(all[i]);
	return n;
}

static void test_every_layer(void)
{
	sim_init(0, 1);
	int u = net_socket(A->ns, NET_SOCK_DGRAM, 1);
	CHECK_EQ(net_bind(A->ns, u, 0, 7), 0);
	int l = net_socket(A->ns, NET_SOCK_STREAM, 1);
	CHECK_EQ(net_bind(A->ns, l, 0, 80), 0);
	CHECK_EQ(net_listen(A->ns, l, 2), 0);
	A->capture = 1;
	arp_prime(A, IP_C, MAC_C);
	/* The undamaged frames work. */
	base_udp();
	inject(A, f, flen);
	char buf[16];
	CHECK_EQ(net_recvfrom(A->ns, u, buf, sizeof(buf), NULL, NULL), 8);
	base_icmp();
	inject(A, f, flen);
	CHECK_EQ(pending(0), 1);
	CHECK_EQ(take(0).icmp_type, 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct mcase *m = &cases[i];
		memset(f, 0, sizeof(f));
		m->make();
		uint32_t before = counter(m->counter), all = drops();
		inject(A, f, flen);
		if (counter(m->counter) != before + 1 || drops() != all + 1 ||
		    pending(0) != m->replies)
			net_test_fail(__FILE__, __LINE__,
				      "%s: counter %u -> %u, drops %u -> %u, replies %d", m->what,
				      before, counter(m->counter), all, drops(), pending(0));
		while (pending(0))
			take(0);
		CHECK_EQ(net_recvfrom(A->ns, u, buf, sizeof(buf), NULL, NULL), -EAGAIN);
		CHECK_EQ(net_accept(A->ns, l, 1, NULL, NULL), -EAGAIN);
	}
	printf("  %zu malformed frames, each counted once\n", sizeof(cases) / sizeof(cases[0]));
}

static void test_protocol_unreachable(void)
{
	sim_init(0, 2);
	A->capture = 1;
	arp_prime(A, IP_C, MAC_C);
	i_proto();
	inject(A, f, flen);
	struct pkt k = take(0);
	CHECK_EQ(k.proto, 1);
	CHECK_EQ(k.icmp_type, 3);
	CHECK_EQ(k.icmp_code, 2);
	CHECK_EQ(k.dst, IP_C);
	CHECK_EQ(k.data[9], 99);
	CHECK_EQ(stats(A).icmp.tx_unreach, 1);
}

static void test_accepted_oddities(void)
{
	sim_init(0, 3);
	int u = net_socket(A->ns, NET_SOCK_DGRAM, 1);
	CHECK_EQ(net_bind(A->ns, u, 0, 7), 0);
	char buf[16];
	/* Ethernet padding after the IP datagram is ignored. */
	flen = build_udp(f, IP_C, IP_A, 1000, 7, "ab", 2);
	memset(f + flen, 0xEE, 60 - flen);
	inject(A, f, 60);
	CHECK_EQ(net_recvfrom(A->ns, u, buf, sizeof(buf), NULL, NULL), 2);
	/* IP options are skipped (a header of 24 bytes: four NOPs... and a
	 * record-route start). */
	uint8_t pkt[64];
	base_udp();
	memcpy(pkt, f + ETH, IPH);
	pkt[0] = 0x46;
	pkt[20] = 1;
	pkt[21] = 1;
	pkt[22] = 1;
	pkt[23] = 0;
	memcpy(pkt + 24, f + ETH + IPH, 16);
	put16(pkt + 2, 24 + 16);
	memcpy(f + ETH, pkt, 40);
	flen = ETH + 40;
	fix_ip();
	inject(A, f, flen);
	CHECK_EQ(net_recvfrom(A->ns, u, buf, sizeof(buf), NULL, NULL), 8);
	CHECK(memcmp(buf, "payload!", 8) == 0);
	/* A TCP option A does not know is skipped; the MSS after it used. */
	int l = net_socket(A->ns, NET_SOCK_STREAM, 1);
	CHECK_EQ(net_bind(A->ns, l, 0, 80), 0);
	CHECK_EQ(net_listen(A->ns, l, 2), 0);
	A->capture = 1;
	arp_prime(A, IP_C, MAC_C);
	static const uint8_t o[12] = {8, 10, 1, 2, 3, 4, 5, 6, 7, 8, 1, 1};
	uint8_t t[40];
	memset(t, 0, sizeof(t));
	put16(t, 1000);
	put16(t + 2, 80);
	t[4] = 0x11;
	t[12] = 9 << 4;
	t[13] = F_SYN;
	put16(t + 14, 1000);
	memcpy(t + 20, o, 12);
	t[32] = 2;
	t[33] = 4;
	put16(t + 34, 700);
	uint32_t ps = (IP_C >> 16) + (IP_C & 0xFFFF) + (IP_A >> 16) + (IP_A & 0xFFFF) + 6 + 36;
	put16(t + 16, t_csum(t, 36, ps));
	flen = build_ip(f, MAC_A, MAC_C, IP_C, IP_A, 6, t, 36);
	inject(A, f, flen);
	struct pkt k = take_tcp(0);
	CHECK_EQ(k.flags, F_SYN | F_ACK);
	CHECK_EQ(stats(A).tcp.rx_bad_options, 0);
	CHECK_EQ(A->ns->syn[0].mss + A->ns->syn[1].mss, 700);
}

static void test_stack_survives(void)
{
	/* A live connection and a flood of the cases above in between. */
	sim_init(0, 4);
	int c, s, lb;
	tcp_pair(80, &c, &s, &lb);
	for (int round = 0; round < 20; round++)
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			memset(f, 0, sizeof(f));
			cases[i].make();
			inject(A, f, flen);
			inject(B, f, flen);
		}
	char buf[8];
	CHECK_EQ(net_send(A->ns, c, "alive", 5), 5);
	CHECK(RUN_UNTIL(net_recv(B->ns, s, buf, sizeof(buf)) == 5, 2000));
	CHECK_EQ(net_send(B->ns, s, "too", 3), 3);
	CHECK(RUN_UNTIL(net_recv(A->ns, c, buf, sizeof(buf)) == 3, 2000));
	CHECK_EQ(sstate(A, c), NET_TCP_ESTABLISHED);
}

int main(void)
{
	static const struct net_test tests[] = {
		NET_TEST(test_every_layer),
		NET_TEST(test_protocol_unreachable),
		NET_TEST(test_accepted_oddities),
		NET_TEST(test_stack_survives),
	};
	return net_run_tests(tests, sizeof(tests) / sizeof(tests[0]));
}
