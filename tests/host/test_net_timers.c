/* TCP's clocks: the RTO estimate against RFC 6298 computed here in
 * floating point, exponential back-off of data and SYNs to -ETIMEDOUT,
 * Karn's rule, fast retransmit with limited transmit and NewReno partial
 * ACKs, zero windows and the persist timer (between stacks and on the
 * wire), window updates, SYN-ACK retries, and timers across the clock's
 * wrap. The peer is played by hand and the clock moved by hand where a
 * value must be exact. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net_test.h"

/* net/core.h's: the estimator, tested alone at its edges. */
void tcp_rtt_sample(struct net_tcb *t, uint32_t rtt_ms);

/* Connects A to the hand-played peer with a chosen handshake RTT. */
static int connect_with_rtt(struct peer *p, uint32_t rtt_ms)
{
	A->capture = 1;
	arp_prime(A, p->ip, MAC_C);
	int s = net_socket(A->ns, NET_SOCK_STREAM, 1);
	CHECK_EQ(net_connect(A->ns, s, p->ip, p->port), -EINPROGRESS);
	struct pkt k = take_tcp(0);
	p->nport = k.sport;
	p->rcv_nxt = k.seq + 1;
	sim.now += rtt_ms;
	peer_send(p, F_SYN | F_ACK, NULL, 0);
	take_tcp(0);
	CHECK_EQ(net_connect(A->ns, s, p->ip, p->port), 0);
	return s;
}

struct rfc6298 {
	double srtt, rttvar, rto;
	int valid;
};

static void model_sample(struct rfc6298 *m, double r)
{
	if (!m->valid) {
		m->srtt = r;
		m->rttvar = r / 2;
		m->valid = 1;
	} else {
		m->rttvar = 0.75 * m->rttvar + 0.25 * fabs(m->srtt - r);
		m->srtt = 0.875 * m->srtt + 0.125 * r;
	}
	double rto = m->srtt + fmax(1.0, 4 * m->rttvar);
	m->rto = fmin(fmax(rto, NET_TCP_RTO_MIN), NET_TCP_RTO_MAX);
}

static void check_model(int s, const struct rfc6298 *m)
{
	struct net_sockinfo i = info(A, s);
	if (fabs(i.srtt_ms - m->srtt) > 1.01 || fabs(i.rttvar_ms - m->rttvar) > 1.01 ||
	    fabs(i.rto_ms - m->rto) > 1.01)
		net_test_fail(__FILE__, __LINE__,
			      "srtt %u rttvar %u rto %u, RFC 6298: %.1f %.1f %.1f", i.srtt_ms,
			      i.rttvar_ms, i.rto_ms, m->srtt, m->rttvar, m->rto);
}

static void test_rto_estimate(void)
{
	sim_init(0, 1);
	struct peer p = {.n = A, .ip = IP_C, .port = 80, .wnd = 65535, .mss = 1460, .snd_nxt = 9};
	struct rfc6298 m = {0};
	int s = connect_with_rtt(&p, 700);
	model_sample(&m, 700); /* the SYN's round trip is the first sample */
	check_model(s, &m);
	CHECK_EQ(info(A, s).rto_ms, 700 + 4 * 350);
	static const uint32_t rtts[] = {1200, 400, 2000, 900, 900, 900, 150, 3000, 50, 600};
	for (int round = 0; round < 40; round++) {
		uint32_t r = round < 10 ? rtts[round] : 50 + rnd() % 4000;
		CHECK_EQ(net_send(A->ns, s, "ping", 4), 4);
		struct pkt k = take_tcp(0);
		CHECK_EQ(k.len, 4);
		sim.now += r;
		p.rcv_nxt = k.seq + 4;
		peer_send(&p, F_ACK, NULL, 0);
		model_sample(&m, r);
		check_model(s, &m);
	}
	CHECK_EQ(stats(A).tcp.retransmits, 0);
}

static void test_rto_bounds(void)
{
	/* The estimator alone, at its edges. */
	struct net_tcb t;
	memset(&t, 0, sizeof(t));
	tcp_rtt_sample(&t, 50000);
	CHECK_EQ(t.rto_ms, NET_TCP_RTO_MAX); /* 50 s + 4 * 25 s, capped */
	tcp_rtt_sample(&t, 0xFFFFFFFFu);     /* a sample across a bad clock */
	CHECK_EQ(t.rto_ms, NET_TCP_RTO_MAX);
	memset(&t, 0, sizeof(t));
	for (int i = 0; i < 50; i++)
		tcp_rtt_sample(&t, 0);
	CHECK_EQ(t.rto_ms, NET_TCP_RTO_MIN);
	CHECK_EQ(t.srtt_us, 0);
	memset(&t, 0, sizeof(t));
	tcp_rtt_sample(&t, 3);
	CHECK_EQ(t.srtt_us, 3000);
	CHECK_EQ(t.rttvar_us, 1500);
	tcp_rtt_sample(&t, 5);
	CHECK_EQ(t.rttvar_us, 1500 - 375 + 500);
	CHECK_EQ(t.srtt_us, 3000 - 375 + 625);
}

static void test_data_backoff_to_timeout(void)
{
	sim_init(0, 2);
	struct peer p = {.n = A, .ip = IP_C, .port = 80, .wnd = 65535, .mss = 1460, .snd_nxt = 9};
	int s = connect_with_rtt(&p, 0);
	CHECK_EQ(info(A, s).rto_ms, NET_TCP_RTO_MIN);
	CHECK_EQ(net_send(A->ns, s, "are you there", 13), 13);
	struct pkt first = take_tcp(0);
	uint32_t last = sim.now, rto = NET_TCP_RTO_MIN;
	for (int i = 1; i <= NET_TCP_DATA_TRIES; i++) {
		CHECK(RUN_UNTIL(pending(0) > 0, 200000));
		struct pkt k = take_tcp(0);
		CHECK_EQ(k.seq, first.seq);
		CHECK_EQ(k.len, 13);
		CHECK(memcmp(k.data, "are you there", 13) == 0);
		CHECK_EQ(sim.now - last, rto);
		last = sim.now;
		rto = rto * 2 > NET_TCP_RTO_MAX ? NET_TCP_RTO_MAX : rto * 2;
		CHECK_EQ(info(A, s).rto_ms, rto);
		CHECK_EQ(info(A, s).cwnd, 1460); /* one segment after a timeout */
		CHECK_EQ(info(A, s).ssthresh, 2 * 1460);
	}
	CHECK(RUN_UNTIL(net_poll(A->ns, s) & NET_POLL_ERR, 200000));
	CHECK_EQ(sim.now - last, NET_TCP_RTO_MAX);
	CHECK_EQ(pending(0), 0); /* given up quietly */
	char buf[4];
	CHECK_EQ(net_recv(A->ns, s, buf, 4), -ETIMEDOUT);
	CHECK_EQ(stats(A).tcp.conn_timeouts, 1);
	CHECK_EQ(stats(A).tcp.retransmits, NET_TCP_DATA_TRIES);
	CHECK_EQ(info(A, s).retransmits, NET_TCP_DATA_TRIES);
}

static void test_syn_backoff_to_timeout(void)
{
	sim_init(0, 3);
	A->capture = 1;
	arp_prime(A, IP_C, MAC_C);
	int s = net_socket(A->ns, NET_SOCK_STREAM, 1);
	CHECK_EQ(net_connect(A->ns, s, IP_C, 80), -EINPROGRESS);
	uint32_t t0 = sim.now, expect = 0;
	for (int i = 0; i < NET_TCP_SYN_TRIES; i++) {
		CHECK(RUN_UNTIL(pending(0) > 0, 100000));
		struct pkt k = take_tcp(0);
		CHECK_EQ(k.flags, F_SYN);
		CHECK_EQ(sim.now - t0, expect);
		expect += NET_TCP_RTO_INIT << i;
	}
	CHECK(RUN_UNTIL(net_poll(A->ns, s) & NET_POLL_ERR, 200000));
	CHECK_EQ(sim.now - t0, expect);
	CHECK_EQ(net_connect(A->ns, s, IP_C, 80), -ETIMEDOUT);
	/* With an ICMP host unreachable on the way, the error says so. */
	CHECK_EQ(net_close(A->ns, s), 0);
	s = net_socket(A->ns, NET_SOCK_STREAM, 1);
	CHECK_EQ(net_connect(A->ns, s, IP_C, 80), -EINPROGRESS);
	struct pkt syn = take_tcp(0);
	uint8_t q[64], f[128];
	q[0] = 3;
	q[1] = 1; /* host unreachable: a soft error (RFC 1122 4.2.3.9) */
	memset(q + 2, 0, 6);
	memcpy(q + 8, syn.eth + 14, 28);
	uint16_t c = t_csum(q, 36, 0);
	q[2] = (uint8_t)(c >> 8);
	q[3] = (uint8_t)c;
	inject(A, f, build_ip(f, MAC_A, MAC_C, IP_C, IP_A, 1, q, 36));
	CHECK_EQ(sstate(A, s), NET_TCP_SYN_SENT);
	CHECK(RUN_UNTIL(net_poll(A->ns, s) & NET_POLL_ERR, 200000));
	CHECK_EQ(net_connect(A->ns, s, IP_C, 80), -EHOSTUNREACH);
}

static void test_karn(void)
{
	sim_init(0, 4);
	struct peer p = {.n = A, .ip = IP_C, .port = 80, .wnd = 65535, .mss = 1460, .snd_nxt = 9};
	int s = connect_with_rtt(&p, 100);
	struct net_sockinfo i0 = info(A, s);
	CHECK_EQ(i0.srtt_ms, 100);
	CHECK_EQ(net_send(A->ns, s, "x", 1), 1);
	struct pkt k = take_tcp(0);
	CHECK(RUN_UNTIL(pending(0) > 0, 5000)); /* retransmitted */
	take_tcp(0);
	CHECK_EQ(info(A, s).rto_ms, 2000);
	/* The ACK could be for either copy: no sample, and the backed-off
	 * RTO stays (RFC 6298 5.7's note). */
	sim.now += 300;
	p.rcv_nxt = k.seq + 1;
	peer_send(&p, F_ACK, NULL, 0);
	CHECK_EQ(info(A, s).srtt_ms, 100);
	CHECK_EQ(info(A, s).rto_ms, 2000);
	/* A new segment acknowledged the first time gives a sample. */
	CHECK_EQ(net_send(A->ns, s, "y", 1), 1);
	k = take_tcp(0);
	sim.now += 100;
	p.rcv_nxt = k.seq + 1;
	peer_send(&p, F_ACK, NULL, 0);
	CHECK_EQ(info(A, s).srtt_ms, 100);
	CHECK_EQ(info(A, s).rto_ms, NET_TCP_RTO_MIN);
}

static void test_fast_retransmit_and_recovery(void)
{
	sim_init(0, 5);
	struct peer p = {.n = A, .ip = IP_C, .port = 80, .wnd = 65535, .mss = 1460, .snd_nxt = 9};
	int s = connect_with_rtt(&p, 10);
	const uint32_t M = 1460;
	static uint8_t d[NET_SOCK_TXBUF + 1000];
	pattern(d, sizeof(d), 5);
	CHECK_EQ(net_send(A->ns, s, d, sizeof(d)), NET_SOCK_TXBUF);
	CHECK_EQ(info(A, s).cwnd, 3 * M); /* RFC 5681's initial window */
	uint32_t S = take_tcp(0).seq;
	take_tcp(0);
	take_tcp(0);
	CHECK_EQ(pending(0), 0);
	/* The first segment acknowledged: slow start, two more go out. */
	p.rcv_nxt = S + M;
	peer_send(&p, F_ACK, NULL, 0);
	CHECK_EQ(info(A, s).cwnd, 4 * M);
	CHECK_EQ(take_tcp(0).seq, S + 3 * M);
	CHECK_EQ(take_tcp(0).seq, S + 4 * M);
	CHECK_EQ(pending(0), 0);
	/* Duplicate ACKs 1 and 2: limited transmit sends new data. */
	peer_send(&p, F_ACK, NULL, 0);
	CHECK_EQ(take_tcp(0).seq, S + 5 * M);
	peer_send(&p, F_ACK, NULL, 0);
	CHECK_EQ(take_tcp(0).seq, S + 6 * M);
	CHECK_EQ(pending(0), 0);
	CHECK_EQ(info(A, s).cwnd, 4 * M);
	/* The third: the hole is sent again at once. */
	peer_send(&p, F_ACK, NULL, 0);
	struct pkt k = take_tcp(0);
	CHECK_EQ(k.seq, S + M);
	CHECK_EQ(k.len, M);
	CHECK(memcmp(k.data, d + M, M) == 0);
	CHECK_EQ(pending(0), 0);
	CHECK_EQ(stats(A).tcp.fast_retransmits, 1);
	CHECK_EQ(info(A, s).ssthresh, 3 * M); /* flight 6 segments / 2 */
	CHECK_EQ(info(A, s).cwnd, 6 * M);     /* ssthresh + 3 */
	/* Each further duplicate inflates the window by one segment. */
	peer_send(&p, F_ACK, NULL, 0);
	CHECK_EQ(info(A, s).cwnd, 7 * M);
	CHECK_EQ(take_tcp(0).seq, S + 7 * M);
	/* A partial ACK (the second hole is the third segment): sent at
	 * once, RFC 6582. */
	p.rcv_nxt = S + 2 * M;
	peer_send(&p, F_ACK, NULL, 0);
	k = take_tcp(0);
	CHECK_EQ(k.seq, S + 2 * M);
	CHECK_EQ(stats(A).tcp.retransmits, 2);
	/* A full ACK ends recovery: cwnd = ssthresh. */
	p.rcv_nxt = S + 8 * M;
	peer_send(&p, F_ACK, NULL, 0);
	CHECK_EQ(info(A, s).cwnd, 3 * M);
	CHECK_EQ(stats(A).tcp.timeouts, 0);
}

static void test_zero_window_on_the_wire(void)
{
	sim_init(0, 6);
	struct peer p = {.n = A, .ip = IP_C, .port = 80, .wnd = 1000, .mss = 1460, .snd_nxt = 9};
	int s = connect_with_rtt(&p, 0);
	static uint8_t d[5000];
	pattern(d, sizeof(d), 6);
	CHECK_EQ(net_send(A->ns, s, d, sizeof(d)), 5000);
	struct pkt k = take_tcp(0);
	CHECK_EQ(k.len, 1000); /* what the window allows */
	CHECK_EQ(pending(0), 0);
	/* Acknowledged with a zero window: the persist timer probes with one
	 * byte, after the RTO and then backing off. */
	p.rcv_nxt = k.seq + 1000;
	p.wnd = 0;
	peer_send(&p, F_ACK, NULL, 0);
	uint32_t last = sim.now, gap = NET_TCP_RTO_MIN;
	for (int i = 0; i < 16; i++) {
		CHECK(RUN_UNTIL(pending(0) > 0, 100000));
		k = take_tcp(0);
		CHECK_EQ(k.len, 1);
		CHECK_EQ(k.seq, p.rcv_nxt);
		CHECK_EQ(k.data[0], d[1000]);
		CHECK_EQ(sim.now - last, gap);
		last = sim.now;
		gap = gap * 2 > NET_TCP_RTO_MAX ? NET_TCP_RTO_MAX : gap * 2;
		peer_send(&p, F_ACK, NULL, 0); /* still zero: the byte is refused */
	}
	/* Sixteen probes (over ten minutes) and the connection stands: the
	 * peer answered every one (RFC 1122 4.2.2.17). */
	CHECK_EQ(sstate(A, s), NET_TCP_ESTABLISHED);
	CHECK_EQ(stats(A).tcp.persist_probes, 16);
	CHECK_EQ(stats(A).tcp.timeouts, 0);
	/* The window opens: the rest goes at once. */
	p.wnd = 8000;
	peer_send(&p, F_ACK, NULL, 0);
	uint32_t got = 0;
	while (pending(0)) {
		k = take_tcp(0);
		CHECK_EQ(k.seq, p.rcv_nxt + got);
		CHECK(memcmp(k.data, d + 1000 + got, k.len) == 0);
		got += k.len;
	}
	CHECK_EQ(got, 4000);
	/* A probe the peer takes (the window opened, its update lost). */
	p.rcv_nxt += 4000;
	p.wnd = 0;
	peer_send(&p, F_ACK, NULL, 0);
	CHECK_EQ(net_send(A->ns, s, "AB", 2), 2);
	CHECK(RUN_UNTIL(pending(0) > 0, 100000));
	k = take_tcp(0);
	CHECK_EQ(k.len, 1);
	CHECK_EQ(k.data[0], 'A');
	p.rcv_nxt += 1;
	p.wnd = 100;
	peer_send(&p, F_ACK, NULL, 0);
	k = take_tcp(0);
	CHECK_EQ(k.seq, p.rcv_nxt);
	CHECK_EQ(k.len, 1);
	CHECK_EQ(k.data[0], 'B');
}

static void test_persist_gives_up_on_silence(void)
{
	sim_init(0, 7);
	struct peer p = {.n = A, .ip = IP_C, .port = 80, .wnd = 0, .mss = 1460, .snd_nxt = 9};
	int s = connect_with_rtt(&p, 0);
	CHECK_EQ(net_send(A->ns, s, "stuck", 5), 5);
	CHECK(RUN_UNTIL(net_poll(A->ns, s) & NET_POLL_ERR, 3600000));
	CHECK_EQ(stats(A).tcp.persist_probes, NET_TCP_DATA_TRIES);
	CHECK_EQ(info(A, s).error, -ETIMEDOUT);
}

static void test_zero_window_between_stacks(void)
{
	sim_init(0, 8);
	int c, s, l;
	tcp_pair(80, &c, &s, &l);
	static uint8_t d[200000], in[200000];
	pattern(d, sizeof(d), 8);
	uint32_t sent = 0;
	/* B reads nothing for ten minutes. */
	CHECK(RUN_UNTIL(({
				int r = net_send(A->ns, c, d + sent, sizeof(d) - sent);
				if (r > 0)
					sent += (uint32_t)r;
				0;
			}),
			600000) == 0);
	/* B's buffer is full but for what a window scaled by 2^NET_TCP_WSCALE
	 * cannot offer: the field rounds a 1-byte window down to 0. */
	uint32_t slack = (1u << NET_TCP_WSCALE) - 1;
	CHECK(info(B, s).rx_queued >= NET_SOCK_RXBUF - slack);
	CHECK_EQ(sent, NET_SOCK_TXBUF + info(B, s).rx_queued);
	CHECK_EQ(info(B, s).rcv_wnd, 0);
	CHECK_EQ(info(A, c).snd_wnd, 0);
	/* Probes backed off to one a minute (about 15 in ten minutes), and
	 * each met a zero window: the last bytes of a small window were not
	 * dribbled out one by one (RFC 1122 4.2.3.4's override sends them). */
	uint32_t probes = stats(A).tcp.persist_probes;
	CHECK(probes >= 10 && probes <= 20);
	/* Each met a zero window, but for one that may have found the byte
	 * of room the scaled field could not show. */
	uint32_t met = stats(B).tcp.rx_window_probes;
	CHECK(met == probes || met + 1 == probes);
	CHECK_EQ(sstate(A, c), NET_TCP_ESTABLISHED);
	CHECK_EQ(net_poll(A->ns, c) & NET_POLL_OUT, 0);
	/* B reads a little: its window update (not a probe) restarts A. */
	uint32_t got = 0;
	int r = net_recv(B->ns, s, in, 5000);
	CHECK_EQ(r, 5000);
	got = 5000;
	uint32_t t0 = sim.now;
	CHECK(RUN_UNTIL(info(B, s).rx_queued > NET_SOCK_RXBUF - 5000, 1000));
	CHECK(sim.now - t0 <= 5);
	/* and the rest flows as B reads. */
	CHECK(RUN_UNTIL(({
				int w = net_send(A->ns, c, d + sent, sizeof(d) - sent);
				if (w > 0)
					sent += (uint32_t)w;
				int q = net_recv(B->ns, s, in + got, sizeof(in) - got);
				if (q > 0)
					got += (uint32_t)q;
				got == sizeof(d);
			}),
			10000));
	CHECK(memcmp(in, d, sizeof(d)) == 0);
	CHECK(A->events[c] & NET_POLL_OUT);
}

static void test_synack_retries(void)
{
	sim_init(0, 9);
	int l = net_socket(A->ns, NET_SOCK_STREAM, 1);
	CHECK_EQ(net_bind(A->ns, l, 0, 80), 0);
	CHECK_EQ(net_listen(A->ns, l, 2), 0);
	A->capture = 1;
	arp_prime(A, IP_C, MAC_C);
	struct peer p = {.n = A, .ip = IP_C, .port = 5000, .nport = 80, .wnd = 1000, .snd_nxt = 1};
	peer_send(&p, F_SYN, NULL, 0);
	uint32_t t0 = sim.now, expect = 0;
	uint32_t iss = 0;
	for (int i = 0; i < NET_TCP_SYNACK_TRIES; i++) {
		CHECK(RUN_UNTIL(pending(0) > 0, 100000));
		struct pkt k = take_tcp(0);
		CHECK_EQ(k.flags, F_SYN | F_ACK);
		if (i == 0)
			iss = k.seq;
		CHECK_EQ(k.seq, iss);
		CHECK_EQ(sim.now - t0, expect);
		expect += NET_TCP_RTO_INIT << i;
	}
	sim_run(expect - (sim.now - t0) + 1);
	CHECK_EQ(pending(0), 0);
	/* Forgotten: the late ACK is answered with RST. */
	p.rcv_nxt = iss + 1;
	peer_send(&p, F_ACK, NULL, 0);
	CHECK_EQ(take_tcp(0).flags, F_RST);
	CHECK_EQ(net_accept(A->ns, l, 1, NULL, NULL), -EAGAIN);
}

static void test_timers_across_wrap(void)
{
	sim_init(0xFFFFFFFFu - 500, 10);
	struct peer p = {.n = A, .ip = IP_C, .port = 80, .wnd = 65535, .mss = 1460, .snd_nxt = 9};
	int s = connect_with_rtt(&p, 0);
	CHECK_EQ(net_send(A->ns, s, "wrap", 4), 4);
	take_tcp(0);
	uint32_t next = net_next_timer(A->ns);
	CHECK_EQ(next, NET_TCP_RTO_MIN);
	uint32_t t0 = sim.now;
	CHECK(RUN_UNTIL(pending(0) > 0, 5000));
	CHECK_EQ(sim.now - t0, NET_TCP_RTO_MIN);
	CHECK(sim.now < 1000); /* the clock wrapped in between */
	CHECK_EQ(take_tcp(0).len, 4);
	CHECK_EQ(net_next_timer(A->ns), 2 * NET_TCP_RTO_MIN);
}

int main(void)
{
	static const struct net_test tests[] = {
		NET_TEST(test_rto_estimate),
		NET_TEST(test_rto_bounds),
		NET_TEST(test_data_backoff_to_timeout),
		NET_TEST(test_syn_backoff_to_timeout),
		NET_TEST(test_karn),
		NET_TEST(test_fast_retransmit_and_recovery),
		NET_TEST(test_zero_window_on_the_wire),
		NET_TEST(test_persist_gives_up_on_silence),
		NET_TEST(test_zero_window_between_stacks),
		NET_TEST(test_synack_retries),
		NET_TEST(test_timers_across_wrap),
	};
	return net_run_tests(tests, sizeof(tests) / sizeof(tests[0]));
}
