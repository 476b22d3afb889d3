/* TCP: the handshake (both ends, on the wire), MSS, delayed ACKs, RST for
 * closed ports and the handling of received RSTs and SYNs (RFC 5961),
 * segments outside the window, out-of-order data, listen backlogs and SYN
 * floods, simultaneous open, ICMP errors, and the calls' errors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net_test.h"

static int listener(struct node *n, uint16_t port, int backlog)
{
	int l = net_socket(n->ns, NET_SOCK_STREAM, 3);
	CHECK(l >= 0);
	CHECK_EQ(net_bind(n->ns, l, 0, port), 0);
	CHECK_EQ(net_listen(n->ns, l, backlog), 0);
	return l;
}

static void test_handshake_and_data(void)
{
	sim_init(0, 1);
	int c, s, l;
	tcp_pair(80, &c, &s, &l);
	struct net_sockinfo ic = info(A, c), is = info(B, s);
	CHECK_EQ(ic.local_ip, IP_A);
	CHECK_EQ(ic.peer_ip, IP_B);
	CHECK_EQ(ic.peer_port, 80);
	CHECK(ic.local_port >= NET_EPHEMERAL_LO);
	CHECK_EQ(is.local_port, 80);
	CHECK_EQ(is.peer_port, ic.local_port);
	CHECK_EQ(is.peer_ip, IP_A);
	CHECK_EQ(is.owner, 2); /* the accepting owner */
	CHECK_EQ(ic.mss, NET_TCP_MSS);
	CHECK_EQ(is.mss, NET_TCP_MSS);
	CHECK_EQ(ic.snd_wnd, 65535); /* the SYN-ACK's, never scaled */
	CHECK(ic.wscale_on && is.wscale_on);
	CHECK_EQ(ic.snd_wscale, NET_TCP_WSCALE);
	CHECK_EQ(is.snd_wscale, NET_TCP_WSCALE);
	CHECK(A->events[c] & NET_POLL_OUT); /* "connected" */
	CHECK(B->events[l] & NET_POLL_IN);  /* "acceptable" */
	CHECK_EQ(stats(A).tcp.active_opens, 1);
	CHECK_EQ(stats(B).tcp.passive_opens, 1);
	CHECK_EQ(net_poll(B->ns, l), 0); /* accepted: nothing queued */
	CHECK_EQ(net_poll(A->ns, c), NET_POLL_OUT);
	char buf[64];
	CHECK_EQ(net_recv(A->ns, c, buf, sizeof(buf)), -EAGAIN);
	CHECK_EQ(net_send(A->ns, c, "hello", 5), 5);
	CHECK(RUN_UNTIL(net_poll(B->ns, s) & NET_POLL_IN, 100));
	CHECK(B->events[s] & NET_POLL_IN);
	CHECK_EQ(net_recv(B->ns, s, buf, sizeof(buf)), 5);
	CHECK(memcmp(buf, "hello", 5) == 0);
	CHECK_EQ(net_send(B->ns, s, "world!", 6), 6);
	uint32_t ip;
	uint16_t port;
	int r;
	CHECK(RUN_UNTIL((r = net_recvfrom(A->ns, c, buf, sizeof(buf), &ip, &port)) > 0, 100));
	CHECK_EQ(r, 6);
	CHECK_EQ(ip, IP_B);
	CHECK_EQ(port, 80);
	sim_run(1000);
	CHECK_EQ(stats(A).tcp.retransmits, 0);
	CHECK_EQ(stats(B).tcp.retransmits, 0);
	CHECK_EQ(info(A, c).tx_queued, 0);
	CHECK(info(A, c).srtt_ms <= 5);
	CHECK_EQ(info(A, c).rto_ms, NET_TCP_RTO_MIN);
}

static void test_events_of_unaccepted_connections(void)
{
	sim_init(0, 12);
	int l = listener(B, 80, 2);
	int c = net_socket(A->ns, NET_SOCK_STREAM, 1);
	CHECK_EQ(net_connect(A->ns, c, IP_B, 80), -EINPROGRESS);
	CHECK(RUN_UNTIL(net_poll(B->ns, l) & NET_POLL_IN, 1000));
	CHECK_EQ(net_send(A->ns, c, "early", 5), 5);
	sim_run(100);
	/* Data arrived before accept: no event for an id nobody knows... */
	for (int i = 0; i < NET_MAX_SOCKETS; i++)
		if (i != l)
			CHECK_EQ(B->events[i], 0);
	/* ...and accept's return reports it. */
	int s = net_accept(B->ns, l, 2, NULL, NULL);
	CHECK(s >= 0);
	CHECK(B->events[s] & NET_POLL_IN);
	char buf[8];
	CHECK_EQ(net_recv(B->ns, s, buf, sizeof(buf)), 5);
}

static void test_active_open_on_the_wire(void)
{
	sim_init(0, 2);
	struct peer p = {.n = A, .ip = IP_C, .port = 8080, .mss = 536, .wnd = 8000};
	A->capture = 1;
	arp_prime(A, IP_C, MAC_C);
	int s = net_socket(A->ns, NET_SOCK_STREAM, 1);
	CHECK_EQ(net_connect(A->ns, s, IP_C, 8080), -EINPROGRESS);
	CHECK_EQ(net_connect(A->ns, s, IP_C, 8080), -EALREADY);
	CHECK_EQ(sstate(A, s), NET_TCP_SYN_SENT);
	struct pkt k = take_tcp(0);
	CHECK_EQ(k.flags, F_SYN);
	CHECK_EQ(k.mss, NET_TCP_MSS);
	CHECK_EQ(k.wnd, 65535);
	CHECK_EQ(k.len, 0);
	CHECK_EQ(k.dport, 8080);
	CHECK_EQ(k.src, IP_A);
	uint32_t iss = k.seq;
	p.nport = k.sport;
	p.rcv_nxt = iss + 1;
	p.snd_nxt = 777;
	peer_send(&p, F_SYN | F_ACK, NULL, 0);
	k = take_tcp(0);
	CHECK_EQ(k.flags, F_ACK);
	CHECK_EQ(k.seq, iss + 1);
	CHECK_EQ(k.ack, 778);
	CHECK_EQ(pending(0), 0);
	CHECK_EQ(net_connect(A->ns, s, IP_C, 8080), 0);
	CHECK_EQ(net_connect(A->ns, s, IP_C, 8080), -EISCONN);
	CHECK_EQ(info(A, s).mss, 536);
	/* The peer's MSS is honoured: 1000 bytes in two segments. */
	static uint8_t d[1000];
	pattern(d, sizeof(d), 1);
	CHECK_EQ(net_send(A->ns, s, d, sizeof(d)), 1000);
	k = take_tcp(0);
	CHECK_EQ(k.len, 536);
	CHECK_EQ(k.seq, iss + 1);
	CHECK(memcmp(k.data, d, 536) == 0);
	k = take_tcp(0);
	CHECK_EQ(k.len, 1000 - 536);
	CHECK(k.flags & F_PSH);
	CHECK(memcmp(k.data, d + 536, 1000 - 536) == 0);
	/* Data from the peer, acknowledged and readable. */
	p.rcv_nxt = iss + 1 + 1000;
	peer_send(&p, F_ACK | F_PSH, "abc", 3);
	char buf[8];
	CHECK_EQ(net_recv(A->ns, s, buf, sizeof(buf)), 3);
	CHECK_EQ(info(A, s).tx_queued, 0);
}

static void test_passive_open_and_delayed_ack(void)
{
	sim_init(0, 3);
	int l = listener(A, 80, 4);
	struct peer p = {.n = A, .ip = IP_C, .port = 40000, .nport = 80, .mss = 1000};
	A->capture = 1;
	arp_prime(A, IP_C, MAC_C);
	p.snd_nxt = 0xFFFFFFF0u; /* sequence numbers wrap in this connection */
	p.wnd = 65535;
	peer_send(&p, F_SYN, NULL, 0);
	struct pkt k = take_tcp(0);
	CHECK_EQ(k.flags, F_SYN | F_ACK);
	CHECK_EQ(k.ack, 0xFFFFFFF1u);
	CHECK_EQ(k.mss, NET_TCP_MSS);
	CHECK_EQ(net_accept(A->ns, l, 1, NULL, NULL), -EAGAIN); /* half open: not yet */
	p.rcv_nxt = k.seq + 1;
	peer_send(&p, F_ACK, NULL, 0);
	CHECK_EQ(pending(0), 0);
	uint32_t ip = 0;
	uint16_t port = 0;
	int s = net_accept(A->ns, l, 5, &ip, &port);
	CHECK(s >= 0);
	CHECK_EQ(ip, IP_C);
	CHECK_EQ(port, 40000);
	CHECK_EQ(info(A, s).mss, 1000);
	CHECK_EQ(info(A, s).owner, 5);
	/* One segment: the ACK waits NET_TCP_DELACK_MS. */
	uint32_t t0 = sim.now;
	peer_send(&p, F_ACK, "0123456789", 10);
	CHECK_EQ(pending(0), 0);
	CHECK(RUN_UNTIL(pending(0) > 0, 1000));
	CHECK_EQ(sim.now - t0, NET_TCP_DELACK_MS);
	k = take_tcp(0);
	CHECK_EQ(k.ack, p.snd_nxt);
	CHECK_EQ(k.wnd, 65535 - 10); /* no scaling: held to 16 bits */
	CHECK_EQ(stats(A).tcp.delayed_acks, 1);
	/* Two segments: acknowledged at once. */
	peer_send(&p, F_ACK, "ab", 2);
	CHECK_EQ(pending(0), 0);
	peer_send(&p, F_ACK, "cd", 2);
	CHECK_EQ(pending(0), 1);
	k = take_tcp(0);
	CHECK_EQ(k.ack, p.snd_nxt);
	char buf[32];
	CHECK_EQ(net_recv(A->ns, s, buf, sizeof(buf)), 14);
	CHECK(memcmp(buf, "0123456789abcd", 14) == 0);
	/* A reply carries the ACK: no separate one. */
	peer_send(&p, F_ACK, "Q", 1);
	CHECK_EQ(net_send(A->ns, s, "R", 1), 1);
	k = take_tcp(0);
	CHECK_EQ(k.len, 1);
	CHECK_EQ(k.ack, p.snd_nxt);
	sim_run(200);
	CHECK_EQ(pending(0), 0);
}

/* A sender in slow start sends one full segment and waits for its ACK:
 * the first NET_TCP_QUICKACKS full-sized segments are acknowledged at
 * once, then every second one again. */
static void test_quick_acks_at_start(void)
{
	sim_init(0, 3);
	int l = listener(A, 80, 4);
	struct peer p = {.n = A, .ip = IP_C, .port = 40001, .nport = 80, .mss = 1000};
	A->capture = 1;
	arp_prime(A, IP_C, MAC_C);
	p.snd_nxt = 77;
	p.wnd = 65535;
	peer_send(&p, F_SYN, NULL, 0);
	struct pkt k = take_tcp(0);
	p.rcv_nxt = k.seq + 1;
	peer_send(&p, F_ACK, NULL, 0);
	int s = net_accept(A->ns, l, 5, NULL, NULL);
	CHECK(s >= 0);
	static uint8_t d[1000];
	static uint8_t in[1000];
	pattern(d, sizeof(d), 3);
	for (int i = 0; i < NET_TCP_QUICKACKS; i++) {
		peer_send(&p, F_ACK, d, sizeof(d));
		CHECK_EQ(pending(0), 1);
		k = take_tcp(0);
		CHECK_EQ(k.ack, p.snd_nxt);
		CHECK_EQ(net_recv(A->ns, s, in, sizeof(in)), (int)sizeof(in));
	}
	/* Past them: the first of two waits, the second is acknowledged. */
	peer_send(&p, F_ACK, d, sizeof(d));
	CHECK_EQ(pending(0), 0);
	peer_send(&p, F_ACK, d, sizeof(d));
	CHECK_EQ(pending(0), 1);
	k = take_tcp(0);
	CHECK_EQ(k.ack, p.snd_nxt);
	CHECK_EQ(stats(A).tcp.delayed_acks, 0);
}

/* RFC 7323 2: window scaling both ways when both SYNs offer it, a SYN's
 * window never scaled, a shift over 14 taken as 14, and none at all with
 * a peer that does not offer it. */
static void test_window_scale(void)
{
	sim_init(0, 4);
	A->capture = 1;
	arp_prime(A, IP_C, MAC_C);
	/* Active open to a peer that offers 20 (taken as 14). */
	struct peer p = {
		.n = A, .ip = IP_C, .port = 8081, .mss = 1460, .wnd = 100, .ws_on = 1, .ws = 20};
	int s = net_socket(A->ns, NET_SOCK_STREAM, 1);
	CHECK_EQ(net_connect(A->ns, s, IP_C, 8081), -EINPROGRESS);
	struct pkt k = take_tcp(0);
	CHECK_EQ(k.wscale, NET_TCP_WSCALE);
	CHECK_EQ(k.wnd, 65535);
	p.nport = k.sport;
	p.rcv_nxt = k.seq + 1;
	p.snd_nxt = 5000;
	peer_send(&p, F_SYN | F_ACK, NULL, 0);
	k = take_tcp(0);
	CHECK_EQ(k.wscale, -1); /* only SYNs carry it */
	struct net_sockinfo i = info(A, s);
	CHECK(i.wscale_on);
	CHECK_EQ(i.snd_wscale, 14);
	CHECK_EQ(i.rcv_wscale, NET_TCP_WSCALE);
	CHECK_EQ(i.snd_wnd, 100); /* the SYN-ACK's: not scaled */
	/* Our ACK's window is scaled down: what the SYN offered (65535; the
	 * buffer's one byte more is no window update, RFC 1122 4.2.3.3). */
	CHECK_EQ(k.wnd, 65535 >> NET_TCP_WSCALE);
	/* Later windows are scaled up. */
	peer_send(&p, F_ACK, NULL, 0);
	CHECK_EQ(info(A, s).snd_wnd, 100u << 14);
	/* Data: the window shrinks by it, scaled. */
	static uint8_t d[3000];
	pattern(d, sizeof(d), 4);
	peer_send(&p, F_ACK, d, 1460);
	peer_send(&p, F_ACK, d + 1460, 1460);
	k = cap_pkt(0, -1);
	CHECK_EQ(k.ack, p.snd_nxt);
	CHECK_EQ(k.wnd, (65535 - 2920) >> NET_TCP_WSCALE);
	/* Read: the window opens to the whole buffer, which only a scaled
	 * window can offer. */
	uint8_t in[3000];
	CHECK_EQ(net_recv(A->ns, s, in, sizeof(in)), 2920);
	CHECK(memcmp(in, d, 2920) == 0);
	k = cap_pkt(0, -1);
	CHECK_EQ(k.wnd, NET_SOCK_RXBUF >> NET_TCP_WSCALE);
	while (pending(0))
		take_tcp(0);
	/* Passive open from a peer that does not offer it: none either way. */
	int l = listener(A, 90, 2);
	struct peer q = {.n = A, .ip = IP_C, .port = 41000, .nport = 90, .mss = 1460, .wnd = 65535};
	peer_send(&q, F_SYN, NULL, 0);
	k = take_tcp(0);
	CHECK_EQ(k.flags, F_SYN | F_ACK);
	CHECK_EQ(k.wscale, -1);
	q.rcv_nxt = k.seq + 1;
	peer_send(&q, F_ACK, NULL, 0);
	int c = net_accept(A->ns, l, 1, NULL, NULL);
	CHECK(c >= 0);
	i = info(A, c);
	CHECK(!i.wscale_on);
	CHECK_EQ(i.snd_wscale, 0);
	CHECK_EQ(i.snd_wnd, 65535);
	/* Passive open from a peer that offers 3: the SYN-ACK answers. */
	struct peer r = {.n = A,
			 .ip = IP_C,
			 .port = 41001,
			 .nport = 90,
			 .mss = 1460,
			 .wnd = 1000,
			 .ws_on = 1,
			 .ws = 3};
	peer_send(&r, F_SYN, NULL, 0);
	k = take_tcp(0);
	CHECK_EQ(k.wscale, NET_TCP_WSCALE);
	CHECK_EQ(k.wnd, 65535);
	r.rcv_nxt = k.seq + 1;
	peer_send(&r, F_ACK, NULL, 0);
	c = net_accept(A->ns, l, 1, NULL, NULL);
	CHECK(c >= 0);
	i = info(A, c);
	CHECK(i.wscale_on);
	CHECK_EQ(i.snd_wscale, 3);
	CHECK_EQ(i.snd_wnd, 1000u << 3); /* the handshake's ACK is scaled */
}

static void test_rst_for_closed_port(void)
{
	sim_init(0, 4);
	struct peer p = {.n = A, .ip = IP_C, .port = 1234, .nport = 99, .wnd = 1000};
	A->capture = 1;
	arp_prime(A, IP_C, MAC_C);
	/* No ACK: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> (RFC 9293 3.10.7.1) */
	peer_raw(&p, 5000, 0, F_SYN, 1000, "xyz", 3);
	struct pkt k = take_tcp(0);
	CHECK_EQ(k.flags, F_RST | F_ACK);
	CHECK_EQ(k.seq, 0);
	CHECK_EQ(k.ack, 5000 + 3 + 1);
	CHECK_EQ(k.sport, 99);
	CHECK_EQ(k.dport, 1234);
	/* With ACK: <SEQ=SEG.ACK><CTL=RST> */
	peer_raw(&p, 5000, 424242, F_ACK, 1000, "xyz", 3);
	k = take_tcp(0);
	CHECK_EQ(k.flags, F_RST);
	CHECK_EQ(k.seq, 424242);
	/* A RST gets nothing. */
	peer_raw(&p, 5000, 1, F_RST | F_ACK, 1000, NULL, 0);
	peer_raw(&p, 5000, 1, F_RST, 1000, NULL, 0);
	CHECK_EQ(pending(0), 0);
	CHECK_EQ(stats(A).tcp.rx_no_socket, 4);
	CHECK_EQ(stats(A).tcp.tx_resets, 2);
	/* Between two stacks: connection refused. */
	A->capture = 0;
	int s = net_socket(A->ns, NET_SOCK_STREAM, 1);
	CHECK_EQ(net_connect(A->ns, s, IP_B, 81), -EINPROGRESS);
	CHECK(RUN_UNTIL(net_poll(A->ns, s) & NET_POLL_ERR, 1000));
	CHECK_EQ(net_poll(A->ns, s), NET_POLL_IN | NET_POLL_OUT | NET_POLL_ERR | NET_POLL_HUP);
	CHECK_EQ(info(A, s).error, -ECONNREFUSED);
	CHECK_EQ(net_connect(A->ns, s, IP_B, 81), -ECONNREFUSED);
	CHECK_EQ(net_connect(A->ns, s, IP_B, 81), -EISCONN);
	CHECK_EQ(stats(A).tcp.conn_refused, 1);
	CHECK_EQ(stats(B).tcp.tx_resets, 1);
}

static void test_rst_in_synchronized_states(void)
{
	sim_init(0, 5);
	int l = listener(A, 80, 4);
	struct peer p = {.n = A, .ip = IP_C, .port = 2000, .nport = 80};
	int s = peer_connect_to(&p, l);
	uint32_t ign = stats(A).tcp.rx_rst_ignored;
	/* Outside the window: ignored, no answer. */
	peer_raw(&p, p.snd_nxt + 100000, 0, F_RST, 0, NULL, 0);
	peer_raw(&p, p.snd_nxt - 1, 0, F_RST, 0, NULL, 0);
	CHECK_EQ(pending(0), 0);
	CHECK_EQ(stats(A).tcp.rx_rst_ignored, ign + 2);
	CHECK_EQ(sstate(A, s), NET_TCP_ESTABLISHED);
	/* In the window, not exact: a challenge ACK (RFC 5961 3.2). */
	peer_raw(&p, p.snd_nxt + 10, 0, F_RST, 0, NULL, 0);
	struct pkt k = take_tcp(0);
	CHECK_EQ(k.flags, F_ACK);
	CHECK_EQ(k.ack, p.snd_nxt);
	CHECK_EQ(k.seq, p.rcv_nxt);
	CHECK_EQ(stats(A).tcp.challenge_acks, 1);
	CHECK_EQ(sstate(A, s), NET_TCP_ESTABLISHED);
	/* Another at once: no answer (RFC 5961 7 limits challenge ACKs). */
	peer_raw(&p, p.snd_nxt + 11, 0, F_RST, 0, NULL, 0);
	CHECK_EQ(pending(0), 0);
	CHECK_EQ(stats(A).tcp.acks_limited, 1);
	sim.now += NET_TCP_OOW_ACK_MS;
	/* A SYN in the window: a challenge ACK too (RFC 5961 4.2). */
	peer_raw(&p, p.snd_nxt, 0, F_SYN, 1000, NULL, 0);
	k = take_tcp(0);
	CHECK_EQ(k.flags, F_ACK);
	CHECK_EQ(stats(A).tcp.challenge_acks, 2);
	CHECK_EQ(sstate(A, s), NET_TCP_ESTABLISHED);
	/* Still works. */
	peer_send(&p, F_ACK, "ok", 2);
	char buf[4];
	CHECK_EQ(net_recv(A->ns, s, buf, 4), 2);
	/* Exact: the connection is reset. */
	peer_raw(&p, p.snd_nxt, 0, F_RST, 0, NULL, 0);
	CHECK_EQ(sstate(A, s), NET_TCP_CLOSED);
	CHECK(net_poll(A->ns, s) & NET_POLL_ERR);
	CHECK(A->events[s] & NET_POLL_HUP);
	CHECK_EQ(net_recv(A->ns, s, buf, 4), -ECONNRESET);
	CHECK_EQ(net_recv(A->ns, s, buf, 4), 0);
	CHECK_EQ(net_send(A->ns, s, "x", 1), -EPIPE);
	CHECK_EQ(stats(A).tcp.conn_resets, 1);
	CHECK_EQ(net_close(A->ns, s), 0);
	/* In SYN-SENT: a RST without an acceptable ACK is ignored. */
	struct peer q = {.n = A, .ip = IP_C, .port = 3000};
	int c = net_socket(A->ns, NET_SOCK_STREAM, 1);
	CHECK_EQ(net_connect(A->ns, c, IP_C, 3000), -EINPROGRESS);
	k = take_tcp(0);
	q.nport = k.sport;
	peer_raw(&q, 0, k.seq + 5, F_RST | F_ACK, 0, NULL, 0);
	peer_raw(&q, 0, 0, F_RST, 0, NULL, 0);
	CHECK_EQ(sstate(A, c), NET_TCP_SYN_SENT);
	/* An unacceptable ACK gets a RST <SEQ=SEG.ACK>. */
	peer_raw(&q, 9, k.seq + 5, F_SYN | F_ACK, 1000, NULL, 0);
	struct pkt r = take_tcp(0);
	CHECK_EQ(r.flags, F_RST);
	CHECK_EQ(r.seq, k.seq + 5);
	CHECK_EQ(sstate(A, c), NET_TCP_SYN_SENT);
	peer_raw(&q, 0, k.seq + 1, F_RST | F_ACK, 0, NULL, 0);
	CHECK_EQ(sstate(A, c), NET_TCP_CLOSED);
	CHECK_EQ(net_connect(A->ns, c, IP_C, 3000), -ECONNREFUSED);
}

static void test_out_of_window_and_order(void)
{
	sim_init(0, 6);
	int l = listener(A, 80, 4);
	struct peer p = {.n = A, .ip = IP_C, .port = 2001, .nport = 80};
	int s = peer_connect_to(&p, l);
	uint8_t d[8000];
	pattern(d, sizeof(d), 6);
	uint32_t base = p.snd_nxt;
	/* Beyond the window: dropped, answered with an ACK, counted. */
	peer_raw(&p, base + NET_SOCK_RXBUF + 10, p.rcv_nxt, F_ACK, 65535, d, 100);
	struct pkt k = take_tcp(0);
	CHECK_EQ(k.ack, base);
	CHECK_EQ(stats(A).tcp.rx_out_of_window, 1);
	/* Out of order: kept, duplicate ACKs of the hole. */
	peer_raw(&p, base + 1000, p.rcv_nxt, F_ACK, 65535, d + 1000, 1000);
	peer_raw(&p, base + 3000, p.rcv_nxt, F_ACK, 65535, d + 3000, 1000);
	k = take_tcp(0);
	CHECK_EQ(k.ack, base);
	k = take_tcp(0);
	CHECK_EQ(k.ack, base);
	CHECK_EQ(stats(A).tcp.rx_ooo, 2);
	char buf[8000];
	CHECK_EQ(net_recv(A->ns, s, buf, sizeof(buf)), -EAGAIN);
	/* The first hole filled: the ACK jumps to the next hole. */
	peer_raw(&p, base, p.rcv_nxt, F_ACK, 65535, d, 1000);
	k = take_tcp(0);
	CHECK_EQ(k.ack, base + 2000);
	/* Overlapping data, partly new. */
	peer_raw(&p, base + 1800, p.rcv_nxt, F_ACK, 65535, d + 1800, 1200);
	k = take_tcp(0);
	CHECK_EQ(k.ack, base + 4000);
	CHECK_EQ(pending(0), 0);
	CHECK_EQ(net_recv(A->ns, s, buf, sizeof(buf)), 4000);
	CHECK(memcmp(buf, d, 4000) == 0);
	k = take_tcp(0); /* the window has grown by 4000: an update */
	CHECK_EQ(k.wnd, 65535);
	CHECK_EQ(pending(0), 0);
	/* An old duplicate: ACKed again, counted, no effect. */
	peer_raw(&p, base + 100, p.rcv_nxt, F_ACK, 65535, d + 100, 500);
	k = take_tcp(0);
	CHECK_EQ(k.ack, base + 4000);
	CHECK_EQ(pending(0), 0);
	CHECK_EQ(stats(A).tcp.rx_dup, 1);
	CHECK_EQ(net_recv(A->ns, s, buf, sizeof(buf)), -EAGAIN);
	/* An ACK of data never sent: dropped; the ACK that answers it is
	 * held back, since one answered an unacceptable segment just now
	 * (RFC 5961 7: two ends that disagree must not trade ACKs for ever). */
	peer_raw(&p, base + 4000, p.rcv_nxt + 5000, F_ACK, 65535, d + 4000, 10);
	CHECK_EQ(pending(0), 0);
	CHECK_EQ(stats(A).tcp.acks_limited, 1);
	CHECK_EQ(stats(A).tcp.rx_bad_ack, 1);
	sim.now += NET_TCP_OOW_ACK_MS;
	peer_raw(&p, base + 4000, p.rcv_nxt + 5000, F_ACK, 65535, d + 4000, 10);
	k = take_tcp(0);
	CHECK_EQ(k.ack, base + 4000);
	CHECK_EQ(pending(0), 0);
	CHECK_EQ(stats(A).tcp.rx_bad_ack, 2);
	/* Beyond the window, twice at once: one answer. */
	sim.now += NET_TCP_OOW_ACK_MS;
	peer_raw(&p, base + 100000, p.rcv_nxt, F_ACK, 65535, d, 10);
	peer_raw(&p, base + 100000, p.rcv_nxt, F_ACK, 65535, d, 10);
	CHECK_EQ(take_tcp(0).ack, base + 4000);
	CHECK_EQ(pending(0), 0);
	CHECK_EQ(stats(A).tcp.acks_limited, 2);
	/* More disjoint ranges than kept: the extra one is dropped. */
	uint32_t start = base + 4000;
	for (int i = 0; i <= NET_TCP_OOO_MAX; i++)
		peer_raw(&p, start + 100 + (uint32_t)i * 200, p.rcv_nxt, F_ACK, 65535, d, 50);
	CHECK_EQ(stats(A).tcp.rx_ooo_dropped, 1);
	/* Data without ACK is not taken. */
	peer_raw(&p, start, 0, 0, 65535, d, 10);
	CHECK_EQ(stats(A).tcp.rx_bad_flags, 1);
	while (pending(0))
		take(0);
	peer_raw(&p, start, p.rcv_nxt, F_ACK, 65535, d + 4000, 100);
	CHECK_EQ(net_recv(A->ns, s, buf, sizeof(buf)), 150);
	CHECK(memcmp(buf, d + 4000, 100) == 0);
	CHECK(memcmp(buf + 100, d, 50) == 0);
}

static void test_backlog(void)
{
	sim_init(0, 7);
	int l = listener(B, 80, 2);
	int c[5];
	for (int i = 0; i < 5; i++) {
		c[i] = net_socket(A->ns, NET_SOCK_STREAM, 1);
		CHECK_EQ(net_connect(A->ns, c[i], IP_B, 80), -EINPROGRESS);
	}
	sim_run(500);
	int up = 0;
	for (int i = 0; i < 5; i++)
		up += sstate(A, c[i]) == NET_TCP_ESTABLISHED;
	CHECK_EQ(up, 2);
	CHECK(stats(B).tcp.syn_dropped >= 3);
	/* Accepting makes room; the others get in on their SYN retries. */
	int got = 0;
	CHECK(RUN_UNTIL(({
				int s;
				while ((s = net_accept(B->ns, l, 2, NULL, NULL)) >= 0)
					got++;
				got == 5;
			}),
			30000));
	for (int i = 0; i < 5; i++)
		CHECK_EQ(sstate(A, c[i]), NET_TCP_ESTABLISHED);
	CHECK(RUN_UNTIL(net_accept(B->ns, l, 2, NULL, NULL) == -EAGAIN, 10));
}

static void test_syn_flood(void)
{
	sim_init(0, 8);
	int l = listener(A, 80, NET_MAX_BACKLOG);
	A->capture = 1;
	arp_prime(A, IP_C, MAC_C);
	uint8_t f[128];
	for (int i = 0; i < 2000; i++) {
		uint32_t n = build_tcp(f, IP_C, IP_A, (uint16_t)(1024 + i), 80, rnd(), 0, F_SYN,
				       1000, 1460, NULL, 0);
		inject(A, f, n);
	}
	struct net_stats st = stats(A);
	CHECK_EQ(st.tcp.syn_dropped, 2000 - NET_MAX_BACKLOG);
	int synacks = 0;
	while (pending(0))
		synacks += (take(0).flags == (F_SYN | F_ACK));
	CHECK_EQ(synacks, NET_MAX_BACKLOG);
	/* No socket was spent on them. */
	int socks[NET_MAX_SOCKETS + 1];
	int n = 0;
	while (n <= NET_MAX_SOCKETS && (socks[n] = net_socket(A->ns, NET_SOCK_DGRAM, 1)) >= 0)
		n++;
	CHECK_EQ(n, NET_MAX_SOCKETS - 1);
	for (int i = 0; i < n; i++)
		net_close(A->ns, socks[i]);
	/* A real client waits for the half-open ones to give up (SYN-ACK
	 * retries: 1 + 2 + 4 + 8 s) and then gets in. */
	A->capture = 0;
	int c = net_socket(B->ns, NET_SOCK_STREAM, 1);
	CHECK_EQ(net_connect(B->ns, c, IP_A, 80), -EINPROGRESS);
	int s = -1;
	CHECK(RUN_UNTIL((s = net_accept(A->ns, l, 1, NULL, NULL)) >= 0, 60000));
	CHECK(sim.now >= 15000);
	CHECK_EQ(sstate(B, c), NET_TCP_ESTABLISHED);
	CHECK_EQ(stats(A).tcp.retransmits, NET_MAX_BACKLOG * (NET_TCP_SYNACK_TRIES - 1));
}

static void test_simultaneous_open(void)
{
	sim_init(0, 9);
	A->capture = 1;
	arp_prime(A, IP_C, MAC_C);
	struct peer p = {.n = A, .ip = IP_C, .port = 7000, .wnd = 4000, .mss = 1200};
	int b = net_socket(A->ns, NET_SOCK_STREAM, 1);
	CHECK_EQ(net_bind(A->ns, b, 0, 6000), 0);
	CHECK_EQ(net_connect(A->ns, b, IP_C, 7000), -EINPROGRESS);
	struct pkt syn = take_tcp(0);
	p.nport = 6000;
	p.snd_nxt = 100;
	/* Both sent SYNs: ours crosses A's. */
	peer_send(&p, F_SYN, NULL, 0);
	CHECK_EQ(sstate(A, b), NET_TCP_SYN_RECEIVED);
	struct pkt k = take_tcp(0);
	CHECK_EQ(k.flags, F_SYN | F_ACK);
	CHECK_EQ(k.seq, syn.seq);
	CHECK_EQ(k.ack, 101);
	/* The peer's SYN-ACK (its SYN again, acknowledging A's). */
	p.rcv_nxt = syn.seq + 1;
	peer_raw(&p, 100, p.rcv_nxt, F_SYN | F_ACK, 4000, NULL, 0);
	CHECK_EQ(sstate(A, b), NET_TCP_ESTABLISHED);
	k = take_tcp(0); /* its SYN was seen already: acknowledged again */
	CHECK_EQ(k.flags, F_ACK);
	CHECK_EQ(k.ack, 101);
	CHECK_EQ(net_connect(A->ns, b, IP_C, 7000), 0);
	CHECK_EQ(info(A, b).mss, 1200);
	CHECK_EQ(net_send(A->ns, b, "sim", 3), 3);
	k = take_tcp(0);
	CHECK_EQ(k.len, 3);
	CHECK_EQ(k.seq, syn.seq + 1);
	CHECK_EQ(k.ack, 101);
}

static void test_icmp_errors_for_tcp(void)
{
	sim_init(0, 10);
	A->capture = 1;
	arp_prime(A, IP_C, MAC_C);
	int s = net_socket(A->ns, NET_SOCK_STREAM, 1);
	CHECK_EQ(net_connect(A->ns, s, IP_C, 25), -EINPROGRESS);
	struct pkt syn = take_tcp(0);
	uint8_t q[64], f[128];
	const uint8_t *ip = cap_peek(0, 0)->data + 14;
	/* The quote with a wrong sequence number is not believed (RFC 5927). */
	q[0] = 3;
	q[1] = 3;
	memset(q + 2, 0, 6);
	memcpy(q + 8, ip, 28);
	q[8 + 20 + 7] ^= 0x55;
	q[2] = q[3] = 0;
	uint16_t c = t_csum(q, 36, 0);
	q[2] = (uint8_t)(c >> 8);
	q[3] = (uint8_t)c;
	inject(A, f, build_ip(f, MAC_A, MAC_C, IP_C, IP_A, 1, q, 36));
	CHECK_EQ(sstate(A, s), NET_TCP_SYN_SENT);
	memcpy(q + 8, ip, 28);
	q[2] = q[3] = 0;
	c = t_csum(q, 36, 0);
	q[2] = (uint8_t)(c >> 8);
	q[3] = (uint8_t)c;
	inject(A, f, build_ip(f, MAC_A, MAC_C, IP_C, IP_A, 1, q, 36));
	CHECK_EQ(sstate(A, s), NET_TCP_CLOSED);
	CHECK_EQ(net_connect(A->ns, s, IP_C, 25), -ECONNREFUSED);
	CHECK_EQ(stats(A).icmp.rx_unreach, 2);
	(void)syn;
}

static void test_call_errors(void)
{
	sim_init(0, 11);
	int s = net_socket(A->ns, NET_SOCK_STREAM, 1);
	char buf[4];
	CHECK_EQ(net_send(A->ns, s, "x", 1), -ENOTCONN);
	CHECK_EQ(net_recv(A->ns, s, buf, 4), -ENOTCONN);
	CHECK_EQ(net_accept(A->ns, s, 1, NULL, NULL), -EINVAL);
	CHECK_EQ(net_shutdown(A->ns, s, NET_SHUT_WR), -ENOTCONN);
	CHECK_EQ(net_shutdown(A->ns, s, 0), -EINVAL);
	CHECK_EQ(net_sendto(A->ns, s, "x", 1, IP_B, 1), -EISCONN);
	CHECK_EQ(net_connect(A->ns, s, 0xFFFFFFFFu, 80), -ENETUNREACH);
	CHECK_EQ(net_connect(A->ns, s, IP_FAR, 80), -ENETUNREACH);
	CHECK_EQ(net_connect(A->ns, s, IP_B, 0), -EINVAL);
	CHECK_EQ(net_poll(A->ns, s), 0);
	int l = listener(A, 80, 1);
	int l2 = net_socket(A->ns, NET_SOCK_STREAM, 1);
	CHECK_EQ(net_bind(A->ns, l2, 0, 80), -EADDRINUSE);
	CHECK_EQ(net_accept(A->ns, l, 1, NULL, NULL), -EAGAIN);
	CHECK_EQ(net_connect(A->ns, l, IP_B, 80), -EINVAL);
	CHECK_EQ(net_listen(A->ns, l, 100), 0); /* clamped */
	/* listen without bind picks a port */
	CHECK_EQ(net_listen(A->ns, l2, 1), 0);
	CHECK(info(A, l2).local_port >= NET_EPHEMERAL_LO);
	/* The same 4-tuple twice is refused. */
	int c1 = net_socket(A->ns, NET_SOCK_STREAM, 1), c2 = net_socket(A->ns, NET_SOCK_STREAM, 1);
	CHECK_EQ(net_bind(A->ns, c1, 0, 5555), 0);
	CHECK_EQ(net_connect(A->ns, c1, IP_B, 9), -EINPROGRESS);
	CHECK_EQ(net_listen(A->ns, c1, 1), -EINVAL);
	CHECK_EQ(net_bind(A->ns, c2, 0, 5555), 0); /* c1 has a peer: no clash */
	CHECK_EQ(net_connect(A->ns, c2, IP_B, 9), -EADDRINUSE);
	CHECK_EQ(net_send(A->ns, c1, "x", 1), -EAGAIN); /* still connecting */
	CHECK_EQ(net_setopt(A->ns, c1, NET_OPT_NODELAY, 1), 0);
	CHECK_EQ(net_setopt(A->ns, c1, 99, 1), -EINVAL);
}

int main(void)
{
	static const struct net_test tests[] = {
		NET_TEST(test_handshake_and_data),
		NET_TEST(test_events_of_unaccepted_connections),
		NET_TEST(test_active_open_on_the_wire),
		NET_TEST(test_passive_open_and_delayed_ack),
		NET_TEST(test_quick_acks_at_start),
		NET_TEST(test_window_scale),
		NET_TEST(test_rst_for_closed_port),
		NET_TEST(test_rst_in_synchronized_states),
		NET_TEST(test_out_of_window_and_order),
		NET_TEST(test_backlog),
		NET_TEST(test_syn_flood),
		NET_TEST(test_simultaneous_open),
		NET_TEST(test_icmp_errors_for_tcp),
		NET_TEST(test_call_errors),
	};
	return net_run_tests(tests, sizeof(tests) / sizeof(tests[0]));
}
