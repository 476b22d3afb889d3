/* TCP bulk transfers, every byte compared: 1 MiB each way on a clean link,
 * both ways at once, with loss, reordering, duplication and corruption,
 * with 10 % loss, with a long delay, several connections at once, and
 * across the wrap of the millisecond clock. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net_test.h"

#define MIB (1u << 20)

static uint32_t min_len(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

struct xfer {
	struct node *src, *dst;
	int ss, ds;
	uint8_t *data, *got_buf;
	uint32_t len, sent, got;
	int shut, eof;
};

static struct xfer xf[16];
static int nxf;

/* The applications: write in chunks of varying size, read likewise,
 * shut down when all is written, and note the EOF. */
static int pump(void *arg)
{
	(void)arg;
	int did = 0;
	for (int i = 0; i < nxf; i++) {
		struct xfer *x = &xf[i];
		if (!x->shut) {
			uint32_t n = min_len(x->len - x->sent, 1 + rnd() % 9000);
			int r = net_send(x->src->ns, x->ss, x->data + x->sent, n);
			if (r > 0) {
				x->sent += (uint32_t)r;
				did = 1;
			} else {
				CHECK_EQ(r, -EAGAIN);
			}
			if (x->sent == x->len) {
				CHECK_EQ(net_shutdown(x->src->ns, x->ss, NET_SHUT_WR), 0);
				x->shut = 1;
				did = 1;
			}
		}
		if (!x->eof) {
			uint32_t room = x->len + 1 - x->got;
			int r = net_recv(x->dst->ns, x->ds, x->got_buf + x->got,
					 min_len(room, 1 + rnd() % 7000));
			if (r > 0) {
				x->got += (uint32_t)r;
				CHECK(x->got <= x->len);
				did = 1;
			} else if (r == 0) {
				x->eof = 1;
				did = 1;
			} else {
				CHECK_EQ(r, -EAGAIN);
			}
		}
	}
	return did;
}

static int all_done(void)
{
	for (int i = 0; i < nxf; i++)
		if (!xf[i].eof)
			return 0;
	return 1;
}

static void add_xfer(struct node *src, int ss, struct node *dst, int ds, uint32_t len,
		     uint32_t seed)
{
	struct xfer *x = &xf[nxf++];
	memset(x, 0, sizeof(*x));
	x->src = src;
	x->dst = dst;
	x->ss = ss;
	x->ds = ds;
	x->len = len;
	x->data = malloc(len);
	x->got_buf = malloc(len + 1);
	pattern(x->data, len, seed);
}

static void run_and_verify(uint32_t max_ms)
{
	sim.app = pump;
	uint32_t t0 = sim.now;
	CHECK(RUN_UNTIL(all_done(), max_ms));
	sim.app = NULL;
	for (int i = 0; i < nxf; i++) {
		CHECK_EQ(xf[i].got, xf[i].len);
		CHECK(memcmp(xf[i].data, xf[i].got_buf, xf[i].len) == 0);
	}
	struct net_stats a = stats(A), b = stats(B);
	printf("  %d transfer(s) in %u simulated ms; retransmits %u/%u, fast %u/%u, timeouts "
	       "%u/%u, ooo %u/%u, dup %u/%u, bad checksums %u/%u\n",
	       nxf, sim.now - t0, a.tcp.retransmits, b.tcp.retransmits, a.tcp.fast_retransmits,
	       b.tcp.fast_retransmits, a.tcp.timeouts, b.tcp.timeouts, a.tcp.rx_ooo, b.tcp.rx_ooo,
	       a.tcp.rx_dup, b.tcp.rx_dup, a.tcp.rx_bad_checksum + a.ip.rx_bad_checksum,
	       b.tcp.rx_bad_checksum + b.ip.rx_bad_checksum);
	for (int i = 0; i < nxf; i++) {
		free(xf[i].data);
		free(xf[i].got_buf);
	}
	nxf = 0;
}

static void one_connection(uint32_t a_to_b, uint32_t b_to_a, uint32_t max_ms)
{
	int c, s, l;
	tcp_pair(80, &c, &s, &l);
	if (a_to_b)
		add_xfer(A, c, B, s, a_to_b, 1);
	if (b_to_a)
		add_xfer(B, s, A, c, b_to_a, 2);
	if (!a_to_b)
		CHECK_EQ(net_shutdown(A->ns, c, NET_SHUT_WR), 0);
	if (!b_to_a)
		CHECK_EQ(net_shutdown(B->ns, s, NET_SHUT_WR), 0);
	run_and_verify(max_ms);
	CHECK(RUN_UNTIL(sstate(A, c) == NET_TCP_TIME_WAIT || sstate(A, c) == NET_TCP_CLOSED,
			120000));
}

static void lossy(int i, uint32_t loss, uint32_t reorder, uint32_t dup, uint32_t corrupt)
{
	sim.link[i].loss = loss;
	sim.link[i].reorder = reorder;
	sim.link[i].jitter_ms = 8;
	sim.link[i].dup = dup;
	sim.link[i].corrupt = corrupt;
}

static void test_bulk_clean_a_to_b(void)
{
	sim_init(0, 1);
	one_connection(MIB, 0, 10000);
	CHECK_EQ(stats(A).tcp.retransmits, 0);
	CHECK_EQ(stats(B).tcp.retransmits, 0);
	CHECK(stats(A).tcp.tx_segments >= MIB / NET_TCP_MSS);
	/* the stream went in full segments (no silly windows) */
	CHECK(stats(A).tcp.tx_segments < MIB / NET_TCP_MSS + 200);
	/* about one ACK per two segments */
	CHECK(stats(B).tcp.tx_segments < MIB / NET_TCP_MSS);
}

static void test_bulk_clean_b_to_a(void)
{
	sim_init(0, 2);
	one_connection(0, MIB, 10000);
	CHECK_EQ(stats(B).tcp.retransmits, 0);
}

static void test_bulk_both_ways(void)
{
	sim_init(0, 3);
	one_connection(MIB, MIB, 20000);
	CHECK_EQ(stats(A).tcp.retransmits + stats(B).tcp.retransmits, 0);
}

static void test_bulk_lossy_both_ways(void)
{
	sim_init(0, 4);
	int c, s, l;
	tcp_pair(80, &c, &s, &l);
	lossy(0, 500, 500, 100, 100);
	lossy(1, 500, 500, 100, 100);
	add_xfer(A, c, B, s, MIB, 11);
	add_xfer(B, s, A, c, MIB, 12);
	run_and_verify(600000);
	struct net_stats a = stats(A), b = stats(B);
	CHECK(a.tcp.retransmits > 0 && b.tcp.retransmits > 0);
	CHECK(a.tcp.fast_retransmits > 0 && b.tcp.fast_retransmits > 0);
	CHECK(a.tcp.rx_ooo > 0 && b.tcp.rx_ooo > 0);
	CHECK(a.tcp.rx_dup > 0 && b.tcp.rx_dup > 0);
	/* Every corrupted frame was caught somewhere (a flipped MAC or type,
	 * a checksum), or hit only padding or the source MAC. */
	uint32_t caught = a.tcp.rx_bad_checksum + a.ip.rx_bad_checksum + a.eth.rx_not_ours +
			  a.eth.rx_unknown_type + a.ip.rx_bad_header + a.ip.rx_bad_length +
			  a.tcp.rx_bad_offset + a.ip.rx_not_ours + a.ip.rx_bad_src +
			  a.ip.rx_fragments + a.ip.rx_unknown_proto;
	CHECK(caught > 0);
	CHECK(caught <= sim.corrupted[1]);
	CHECK(sim.corrupted[1] - caught <= sim.corrupted[1] / 5 + 3);
}

static void test_bulk_ten_percent_loss(void)
{
	sim_init(0, 5);
	int c, s, l;
	tcp_pair(80, &c, &s, &l);
	lossy(0, 1000, 1000, 0, 0);
	lossy(1, 1000, 1000, 0, 0);
	add_xfer(B, s, A, c, MIB, 21);
	CHECK_EQ(net_shutdown(A->ns, c, NET_SHUT_WR), 0);
	run_and_verify(1200000);
	CHECK(stats(B).tcp.retransmits > 50);
}

static void test_bulk_long_delay(void)
{
	sim_init(0, 6);
	sim.link[0].delay_ms = sim.link[1].delay_ms = 150;
	int c, s, l;
	tcp_pair(80, &c, &s, &l);
	lossy(0, 100, 0, 0, 0);
	lossy(1, 100, 0, 0, 0);
	add_xfer(A, c, B, s, MIB / 4, 31);
	run_and_verify(600000);
	struct net_sockinfo i = info(A, c);
	/* RTT 300 ms (plus a delayed ACK now and then) */
	CHECK(i.srtt_ms >= 295 && i.srtt_ms <= 360);
	CHECK(i.rto_ms >= i.srtt_ms && i.rto_ms <= 1500);
}

static void test_concurrent_connections(void)
{
	sim_init(0, 7);
	int lb = net_socket(B->ns, NET_SOCK_STREAM, 2);
	CHECK_EQ(net_bind(B->ns, lb, 0, 80), 0);
	CHECK_EQ(net_listen(B->ns, lb, NET_MAX_BACKLOG), 0);
	int c[8], s[8];
	for (int i = 0; i < 8; i++) {
		c[i] = net_socket(A->ns, NET_SOCK_STREAM, 1);
		CHECK_EQ(net_connect(A->ns, c[i], IP_B, 80), -EINPROGRESS);
	}
	for (int i = 0; i < 8; i++)
		CHECK(RUN_UNTIL((s[i] = net_accept(B->ns, lb, 2, NULL, NULL)) >= 0, 5000));
	/* Which accepted socket is whose: match the ports. */
	int peer_of[8];
	for (int i = 0; i < 8; i++) {
		peer_of[i] = -1;
		for (int j = 0; j < 8; j++)
			if (info(B, s[j]).peer_port == info(A, c[i]).local_port)
				peer_of[i] = s[j];
		CHECK(peer_of[i] >= 0);
	}
	lossy(0, 300, 300, 50, 50);
	lossy(1, 300, 300, 50, 50);
	for (int i = 0; i < 8; i++) {
		uint32_t len = 64 * 1024 + (uint32_t)i * 12345;
		if (i % 2)
			add_xfer(A, c[i], B, peer_of[i], len, 100 + (uint32_t)i);
		else
			add_xfer(B, peer_of[i], A, c[i], len, 100 + (uint32_t)i);
	}
	for (int i = 0; i < 8; i++)
		CHECK_EQ(
			net_shutdown(i % 2 ? B->ns : A->ns, i % 2 ? peer_of[i] : c[i], NET_SHUT_WR),
			0);
	run_and_verify(600000);
}

static void test_bulk_across_clock_wrap(void)
{
	sim_init(0xFFFFFFFFu - 300, 8);
	int c, s, l;
	tcp_pair(80, &c, &s, &l);
	lossy(0, 200, 200, 0, 0);
	lossy(1, 200, 200, 0, 0);
	add_xfer(A, c, B, s, MIB, 41);
	run_and_verify(600000);
	CHECK(sim.now < 0x80000000u); /* it did wrap */
}

static void test_bulk_loopback(void)
{
	/* Both ends on A, through the loopback queue: nothing on the wire. */
	sim_init(0, 9);
	A->capture = 1;
	int l = net_socket(A->ns, NET_SOCK_STREAM, 1);
	CHECK_EQ(net_bind(A->ns, l, 0, 80), 0);
	CHECK_EQ(net_listen(A->ns, l, 2), 0);
	int c = net_socket(A->ns, NET_SOCK_STREAM, 1);
	CHECK_EQ(net_connect(A->ns, c, IP_A, 80), -EINPROGRESS);
	int s = -1;
	CHECK(RUN_UNTIL((s = net_accept(A->ns, l, 1, NULL, NULL)) >= 0, 1000));
	CHECK_EQ(net_connect(A->ns, c, IP_A, 80), 0);
	CHECK_EQ(info(A, c).peer_port, 80);
	CHECK_EQ(info(A, s).peer_port, info(A, c).local_port);
	add_xfer(A, c, A, s, MIB / 2, 51);
	add_xfer(A, s, A, c, MIB / 2, 52);
	run_and_verify(60000);
	CHECK_EQ(cap_count(0), 0);
	printf("  loopback: %u packets, %u dropped (queue full), %u retransmits\n",
	       stats(A).ip.loopback, stats(A).ip.loop_drops, stats(A).tcp.retransmits);
}

int main(void)
{
	static const struct net_test tests[] = {
		NET_TEST(test_bulk_clean_a_to_b),      NET_TEST(test_bulk_clean_b_to_a),
		NET_TEST(test_bulk_both_ways),         NET_TEST(test_bulk_lossy_both_ways),
		NET_TEST(test_bulk_ten_percent_loss),  NET_TEST(test_bulk_long_delay),
		NET_TEST(test_concurrent_connections), NET_TEST(test_bulk_across_clock_wrap),
		NET_TEST(test_bulk_loopback),
	};
	return net_run_tests(tests, sizeof(tests) / sizeof(tests[0]));
}
