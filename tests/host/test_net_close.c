/* Ending TCP connections: FIN from either side (with data still flowing
 * the other way), simultaneous close, TIME-WAIT (its length, retransmitted
 * FINs, a new SYN, a full table), closing with unread data, abort, close
 * during the handshake, a listener closed with connections queued, data
 * for a closed socket, FIN-WAIT-2 of a closed socket, a dead owner. */
#include <stdio.h>
#include <string.h>

#include "net_test.h"

static int used_sockets(struct node *n)
{
	int ids[NET_MAX_SOCKETS + 1], k = 0;
	while (k <= NET_MAX_SOCKETS && (ids[k] = net_socket(n->ns, NET_SOCK_DGRAM, 999)) >= 0)
		k++;
	CHECK(k <= NET_MAX_SOCKETS);
	for (int i = 0; i < k; i++)
		net_close(n->ns, ids[i]);
	return NET_MAX_SOCKETS - k;
}

static int tw_entries(struct node *n)
{
	int k = 0;
	for (int i = 0; i < NET_TW_MAX; i++)
		k += n->ns->tw[i].used;
	return k;
}

static void test_close_from_client(void)
{
	sim_init(0, 1);
	int c, s, l;
	tcp_pair(80, &c, &s, &l);
	char buf[32];
	CHECK_EQ(net_send(A->ns, c, "last words", 10), 10);
	CHECK_EQ(net_shutdown(A->ns, c, NET_SHUT_WR), 0);
	CHECK_EQ(net_send(A->ns, c, "more", 4), -EPIPE);
	CHECK_EQ(sstate(A, c), NET_TCP_FIN_WAIT_1);
	CHECK(RUN_UNTIL(sstate(A, c) == NET_TCP_FIN_WAIT_2, 1000));
	CHECK_EQ(sstate(B, s), NET_TCP_CLOSE_WAIT);
	CHECK_EQ(net_recv(B->ns, s, buf, sizeof(buf)), 10);
	CHECK_EQ(net_recv(B->ns, s, buf, sizeof(buf)), 0); /* EOF, and again */
	CHECK_EQ(net_recv(B->ns, s, buf, sizeof(buf)), 0);
	CHECK(B->events[s] & NET_POLL_IN);
	/* Half-closed: B may still send, A still reads. */
	CHECK_EQ(net_send(B->ns, s, "reply", 5), 5);
	CHECK(RUN_UNTIL(net_recv(A->ns, c, buf, sizeof(buf)) == 5, 1000));
	CHECK_EQ(net_poll(A->ns, c) & NET_POLL_HUP, 0);
	CHECK_EQ(net_close(B->ns, s), 0);
	CHECK(RUN_UNTIL(sstate(A, c) == NET_TCP_TIME_WAIT, 1000));
	uint32_t t0 = sim.now;
	CHECK(net_poll(A->ns, c) & NET_POLL_HUP);
	CHECK_EQ(net_recv(A->ns, c, buf, sizeof(buf)), 0);
	/* B went LAST-ACK, then CLOSED and freed: only the listener is left. */
	sim_run(100);
	CHECK_EQ(used_sockets(B), 1);
	/* TIME-WAIT lasts 2 MSL, then CLOSED. */
	CHECK(RUN_UNTIL(sstate(A, c) == NET_TCP_CLOSED, 3 * NET_TCP_MSL_MS));
	CHECK(sim.now - t0 >= 2 * NET_TCP_MSL_MS - 10);
	CHECK(sim.now - t0 <= 2 * NET_TCP_MSL_MS);
	CHECK_EQ(net_close(A->ns, c), 0);
	CHECK_EQ(tw_entries(A), 0);
	CHECK_EQ(used_sockets(A), 0);
	CHECK_EQ(stats(A).tcp.retransmits + stats(B).tcp.retransmits, 0);
}

static void test_close_from_server_with_data(void)
{
	sim_init(0, 2);
	int c, s, l;
	tcp_pair(80, &c, &s, &l);
	static uint8_t big[40000], in[40000];
	pattern(big, sizeof(big), 2);
	/* The server sends 40000 bytes and closes as soon as the last is
	 * queued; they all arrive before the EOF. */
	uint32_t sent = 0, got = 0;
	int eof = 0, closed = 0;
	CHECK(RUN_UNTIL(({
				if (!closed) {
					int r = net_send(B->ns, s, big + sent, sizeof(big) - sent);
					if (r > 0)
						sent += (uint32_t)r;
					if (sent == sizeof(big)) {
						CHECK_EQ(net_close(B->ns, s), 0);
						closed = 1;
					}
				}
				int r = net_recv(A->ns, c, in + got, sizeof(in) - got);
				if (r > 0)
					got += (uint32_t)r;
				if (r == 0)
					eof = 1;
				eof;
			}),
			10000));
	CHECK_EQ(net_send(B->ns, s, "x", 1), -EBADF);
	CHECK_EQ(got, sizeof(big));
	CHECK(memcmp(in, big, sizeof(big)) == 0);
	CHECK_EQ(sstate(A, c), NET_TCP_CLOSE_WAIT);
	CHECK_EQ(net_close(A->ns, c), 0);
	sim_run(100);
	/* The server side closed first: it holds the TIME-WAIT (in the
	 * table, since its socket is gone); the client has nothing left. */
	CHECK_EQ(tw_entries(B), 1);
	CHECK_EQ(tw_entries(A), 0);
	CHECK_EQ(used_sockets(A), 0);
	CHECK_EQ(used_sockets(B), 1);
	sim_run(2 * NET_TCP_MSL_MS);
	CHECK_EQ(tw_entries(B), 0);
}

static void test_simultaneous_close(void)
{
	sim_init(0, 3);
	int c, s, l;
	tcp_pair(80, &c, &s, &l);
	CHECK_EQ(net_shutdown(A->ns, c, NET_SHUT_WR), 0);
	CHECK_EQ(net_shutdown(B->ns, s, NET_SHUT_WR), 0);
	CHECK_EQ(sstate(A, c), NET_TCP_FIN_WAIT_1);
	CHECK_EQ(sstate(B, s), NET_TCP_FIN_WAIT_1);
	/* Each gets the other's FIN before its own is acknowledged. */
	CHECK(RUN_UNTIL(sstate(A, c) == NET_TCP_CLOSING || sstate(A, c) == NET_TCP_TIME_WAIT, 100));
	CHECK(RUN_UNTIL(sstate(A, c) == NET_TCP_TIME_WAIT && sstate(B, s) == NET_TCP_TIME_WAIT,
			1000));
	CHECK(net_poll(A->ns, c) & NET_POLL_HUP);
	CHECK(RUN_UNTIL(sstate(A, c) == NET_TCP_CLOSED && sstate(B, s) == NET_TCP_CLOSED,
			3 * NET_TCP_MSL_MS));
	CHECK_EQ(stats(A).tcp.retransmits + stats(B).tcp.retransmits, 0);
}

static void test_time_wait_on_the_wire(void)
{
	sim_init(0, 4);
	int l = net_socket(A->ns, NET_SOCK_STREAM, 1);
	CHECK_EQ(net_bind(A->ns, l, 0, 80), 0);
	CHECK_EQ(net_listen(A->ns, l, 2), 0);
	struct peer p = {.n = A, .ip = IP_C, .port = 3333, .nport = 80};
	int s = peer_connect_to(&p, l);
	/* A closes first; the peer acknowledges, then sends its FIN. */
	CHECK_EQ(net_close(A->ns, s), 0);
	struct pkt k = take_tcp(0);
	CHECK_EQ(k.flags, F_FIN | F_ACK);
	p.rcv_nxt = k.seq + 1;
	peer_send(&p, F_ACK, NULL, 0);
	peer_send(&p, F_FIN | F_ACK, NULL, 0);
	k = take_tcp(0);
	CHECK_EQ(k.flags, F_ACK);
	CHECK_EQ(k.ack, p.snd_nxt);
	CHECK_EQ(tw_entries(A), 1);
	CHECK_EQ(used_sockets(A), 1);
	/* A retransmitted FIN: ACKed again, and the wait starts over. */
	sim_run(NET_TCP_MSL_MS);
	peer_raw(&p, p.snd_nxt - 1, p.rcv_nxt, F_FIN | F_ACK, 1000, NULL, 0);
	k = take_tcp(0);
	CHECK_EQ(k.flags, F_ACK);
	CHECK_EQ(k.ack, p.snd_nxt);
	sim_run(2 * NET_TCP_MSL_MS - 100);
	CHECK_EQ(tw_entries(A), 1);
	/* A bare ACK is not answered (no ACK ping-pong). */
	peer_send(&p, F_ACK, NULL, 0);
	CHECK_EQ(pending(0), 0);
	sim_run(200);
	CHECK_EQ(tw_entries(A), 0);
	/* After it, the same 4-tuple reaches the listener again. */
	p.snd_nxt += 100000;
	peer_send(&p, F_SYN, NULL, 0);
	CHECK_EQ(take_tcp(0).flags, F_SYN | F_ACK);
}

static void test_time_wait_new_syn_and_rst(void)
{
	sim_init(0, 5);
	int l = net_socket(A->ns, NET_SOCK_STREAM, 1);
	CHECK_EQ(net_bind(A->ns, l, 0, 80), 0);
	CHECK_EQ(net_listen(A->ns, l, 2), 0);
	struct peer p = {.n = A, .ip = IP_C, .port = 3334, .nport = 80};
	int s = peer_connect_to(&p, l);
	CHECK_EQ(net_close(A->ns, s), 0);
	struct pkt k = take_tcp(0);
	p.rcv_nxt = k.seq + 1;
	peer_send(&p, F_FIN | F_ACK, NULL, 0);
	take_tcp(0);
	CHECK_EQ(tw_entries(A), 1);
	/* An old SYN (below what was used) gets an ACK; a new one (above)
	 * opens a new connection (RFC 9293 3.6.1, RFC 6191). */
	peer_raw(&p, p.snd_nxt - 10, 0, F_SYN, 1000, NULL, 0);
	CHECK_EQ(take_tcp(0).flags, F_ACK);
	CHECK_EQ(tw_entries(A), 1);
	peer_raw(&p, p.snd_nxt + 5000, 0, F_SYN, 1000, NULL, 0);
	k = take_tcp(0);
	CHECK_EQ(k.flags, F_SYN | F_ACK);
	CHECK_EQ(k.ack, p.snd_nxt + 5001);
	CHECK_EQ(tw_entries(A), 0);
	/* A RST in TIME-WAIT, exact, ends it; inexact is ignored. */
	struct peer q = {.n = A, .ip = IP_C, .port = 3335, .nport = 80};
	s = peer_connect_to(&q, l);
	CHECK_EQ(net_close(A->ns, s), 0);
	k = take_tcp(0);
	q.rcv_nxt = k.seq + 1;
	peer_send(&q, F_FIN | F_ACK, NULL, 0);
	take_tcp(0);
	CHECK_EQ(tw_entries(A), 1);
	peer_raw(&q, q.snd_nxt + 1, 0, F_RST, 0, NULL, 0);
	CHECK_EQ(tw_entries(A), 1);
	peer_raw(&q, q.snd_nxt, 0, F_RST, 0, NULL, 0);
	CHECK_EQ(tw_entries(A), 0);
	CHECK_EQ(pending(0), 0);
}

static void test_time_wait_table_full(void)
{
	sim_init(0, 6);
	int l = net_socket(B->ns, NET_SOCK_STREAM, 1);
	CHECK_EQ(net_bind(B->ns, l, 0, 80), 0);
	CHECK_EQ(net_listen(B->ns, l, 8), 0);
	/* A closes first each time: A holds the TIME-WAITs. */
	for (int i = 0; i < NET_TW_MAX + 5; i++) {
		int c = net_socket(A->ns, NET_SOCK_STREAM, 1);
		CHECK_EQ(net_connect(A->ns, c, IP_B, 80), -EINPROGRESS);
		int s = -1;
		CHECK(RUN_UNTIL((s = net_accept(B->ns, l, 1, NULL, NULL)) >= 0, 1000));
		CHECK_EQ(net_close(A->ns, c), 0);
		char buf[4];
		CHECK(RUN_UNTIL(net_recv(B->ns, s, buf, 4) == 0, 1000));
		CHECK_EQ(net_close(B->ns, s), 0);
		sim_run(20);
	}
	CHECK_EQ(tw_entries(A), NET_TW_MAX);
	CHECK_EQ(stats(A).tcp.tw_recycled, 5);
	CHECK_EQ(used_sockets(A), 0);
	CHECK_EQ(used_sockets(B), 1);
	/* A socket still in TIME-WAIT keeps its 4-tuple from a new connect. */
	int c = net_socket(A->ns, NET_SOCK_STREAM, 1);
	CHECK_EQ(net_bind(A->ns, c, 0, 7777), 0);
	CHECK_EQ(net_connect(A->ns, c, IP_B, 80), -EINPROGRESS);
	int s = -1;
	CHECK(RUN_UNTIL((s = net_accept(B->ns, l, 1, NULL, NULL)) >= 0, 1000));
	CHECK_EQ(net_shutdown(A->ns, c, NET_SHUT_WR), 0);
	CHECK_EQ(net_close(B->ns, s), 0);
	CHECK(RUN_UNTIL(sstate(A, c) == NET_TCP_TIME_WAIT, 1000));
	CHECK_EQ(net_close(A->ns, c), 0);
	int c2 = net_socket(A->ns, NET_SOCK_STREAM, 1);
	CHECK_EQ(net_bind(A->ns, c2, 0, 7777), 0);
	CHECK_EQ(net_connect(A->ns, c2, IP_B, 80), -EADDRINUSE);
	sim_run(2 * NET_TCP_MSL_MS);
	CHECK_EQ(net_connect(A->ns, c2, IP_B, 80), -EINPROGRESS);
	CHECK(RUN_UNTIL(sstate(A, c2) == NET_TCP_ESTABLISHED, 1000));
}

static void test_close_with_unread_data_resets(void)
{
	sim_init(0, 7);
	int c, s, l;
	tcp_pair(80, &c, &s, &l);
	CHECK_EQ(net_send(A->ns, c, "unread", 6), 6);
	CHECK(RUN_UNTIL(info(B, s).rx_queued == 6, 1000));
	CHECK_EQ(net_close(B->ns, s), 0);
	CHECK_EQ(stats(B).tcp.conn_aborts, 1);
	CHECK(RUN_UNTIL(sstate(A, c) == NET_TCP_CLOSED, 1000));
	char buf[8];
	CHECK_EQ(net_recv(A->ns, c, buf, sizeof(buf)), -ECONNRESET);
	CHECK_EQ(net_send(A->ns, c, "x", 1), -EPIPE);
	CHECK_EQ(used_sockets(B), 1);
}

static void test_abort(void)
{
	sim_init(0, 8);
	int c, s, l;
	tcp_pair(80, &c, &s, &l);
	CHECK_EQ(net_abort(A->ns, c), 0);
	CHECK_EQ(stats(A).tcp.tx_resets, 1);
	CHECK(RUN_UNTIL(net_poll(B->ns, s) & NET_POLL_ERR, 1000));
	CHECK_EQ(info(B, s).error, -ECONNRESET);
	CHECK_EQ(net_send(B->ns, s, "x", 1), -ECONNRESET);
	CHECK_EQ(net_send(B->ns, s, "x", 1), -EPIPE);
	CHECK_EQ(tw_entries(A), 0);
	CHECK_EQ(used_sockets(A), 0);
}

static void test_close_while_connecting(void)
{
	sim_init(0, 9);
	A->capture = 1;
	arp_prime(A, IP_C, MAC_C);
	int s = net_socket(A->ns, NET_SOCK_STREAM, 1);
	CHECK_EQ(net_connect(A->ns, s, IP_C, 80), -EINPROGRESS);
	struct pkt syn = take_tcp(0);
	CHECK_EQ(net_close(A->ns, s), 0);
	CHECK_EQ(pending(0), 0);                         /* nothing to say yet */
	CHECK(net_next_timer(A->ns) > NET_TCP_RTO_INIT); /* no retransmission left */
	/* The late SYN-ACK finds no connection: RST. */
	struct peer p = {.n = A, .ip = IP_C, .port = 80, .nport = syn.sport, .snd_nxt = 50};
	p.rcv_nxt = syn.seq + 1;
	peer_send(&p, F_SYN | F_ACK, NULL, 0);
	struct pkt k = take_tcp(0);
	CHECK_EQ(k.flags, F_RST);
	CHECK_EQ(k.seq, syn.seq + 1);
}

static void test_listener_close_resets_queue(void)
{
	sim_init(0, 10);
	int l = net_socket(B->ns, NET_SOCK_STREAM, 1);
	CHECK_EQ(net_bind(B->ns, l, 0, 80), 0);
	CHECK_EQ(net_listen(B->ns, l, 4), 0);
	int c[3];
	for (int i = 0; i < 3; i++) {
		c[i] = net_socket(A->ns, NET_SOCK_STREAM, 1);
		CHECK_EQ(net_connect(A->ns, c[i], IP_B, 80), -EINPROGRESS);
	}
	CHECK(RUN_UNTIL(sstate(A, c[0]) == NET_TCP_ESTABLISHED &&
				sstate(A, c[1]) == NET_TCP_ESTABLISHED &&
				sstate(A, c[2]) == NET_TCP_ESTABLISHED,
			1000));
	sim_run(10);
	CHECK(net_poll(B->ns, l) & NET_POLL_IN);
	int s = net_accept(B->ns, l, 1, NULL, NULL);
	CHECK(s >= 0);
	CHECK_EQ(used_sockets(B), 4);
	CHECK_EQ(net_close(B->ns, l), 0);
	CHECK_EQ(used_sockets(B), 1); /* the accepted one stays */
	CHECK(RUN_UNTIL(sstate(A, c[1]) == NET_TCP_CLOSED && sstate(A, c[2]) == NET_TCP_CLOSED,
			1000));
	CHECK_EQ(info(A, c[1]).error, -ECONNRESET);
	CHECK_EQ(sstate(A, c[0]), NET_TCP_ESTABLISHED);
	CHECK_EQ(net_send(A->ns, c[0], "ok", 2), 2);
	char buf[4];
	CHECK(RUN_UNTIL(net_recv(B->ns, s, buf, 4) == 2, 1000));
	/* A new listener may take the port at once. */
	int l2 = net_socket(B->ns, NET_SOCK_STREAM, 1);
	CHECK_EQ(net_bind(B->ns, l2, 0, 80), 0);
}

static void test_data_for_closed_socket(void)
{
	sim_init(0, 11);
	int c, s, l;
	tcp_pair(80, &c, &s, &l);
	CHECK_EQ(net_close(A->ns, c), 0);
	CHECK(RUN_UNTIL(sstate(B, s) == NET_TCP_CLOSE_WAIT, 1000));
	sim_run(100);
	/* A is in FIN-WAIT-2 with no user: B's data cannot be read there. */
	CHECK_EQ(net_send(B->ns, s, "too late", 8), 8);
	CHECK(RUN_UNTIL(sstate(B, s) == NET_TCP_CLOSED, 1000));
	CHECK_EQ(stats(A).tcp.orphan_resets, 1);
	CHECK_EQ(info(B, s).error, -ECONNRESET);
	CHECK_EQ(used_sockets(A), 0);
}

static void test_fin_wait_2_gives_up(void)
{
	sim_init(0, 12);
	int c, s, l;
	tcp_pair(80, &c, &s, &l);
	CHECK_EQ(net_close(A->ns, c), 0);
	sim_run(1000);
	CHECK_EQ(used_sockets(A), 1); /* FIN-WAIT-2, waiting for B's FIN */
	CHECK_EQ(sstate(B, s), NET_TCP_CLOSE_WAIT);
	sim_run(NET_TCP_FIN2_MS);
	CHECK_EQ(used_sockets(A), 0);
	CHECK_EQ(tw_entries(A), 0);
	/* B's late FIN is answered by RST. */
	CHECK_EQ(net_close(B->ns, s), 0);
	sim_run(100);
	CHECK_EQ(stats(A).tcp.rx_no_socket, 1);
	CHECK_EQ(stats(A).tcp.tx_resets, 1);
}

static void test_close_owner_is_graceful(void)
{
	sim_init(0, 13);
	int c, s, l;
	tcp_pair(80, &c, &s, &l);
	int c2 = net_socket(A->ns, NET_SOCK_STREAM, 1);
	CHECK_EQ(net_connect(A->ns, c2, IP_B, 80), -EINPROGRESS);
	int s2 = -1;
	CHECK(RUN_UNTIL((s2 = net_accept(B->ns, l, 5, NULL, NULL)) >= 0, 1000));
	CHECK_EQ(net_send(A->ns, c, "bye", 3), 3);
	/* Owner 1 dies: its two connections end with FIN after their data. */
	CHECK_EQ(net_close_owner(A->ns, 1), 2);
	char buf[8];
	CHECK(RUN_UNTIL(net_recv(B->ns, s, buf, sizeof(buf)) == 3, 1000));
	CHECK(RUN_UNTIL(net_recv(B->ns, s, buf, sizeof(buf)) == 0, 1000));
	CHECK(RUN_UNTIL(net_recv(B->ns, s2, buf, sizeof(buf)) == 0, 1000));
	CHECK_EQ(stats(A).tcp.tx_resets, 0);
	CHECK_EQ(net_close_owner(B->ns, 2), 2); /* the listener and s */
	CHECK_EQ(net_close_owner(B->ns, 5), 1);
	CHECK_EQ(net_close_owner(B->ns, 3), 0);
	CHECK_EQ(net_close(B->ns, l), -EBADF);
	sim_run(1000);
	CHECK_EQ(used_sockets(A), 0);
	CHECK_EQ(used_sockets(B), 0);
}

int main(void)
{
	static const struct net_test tests[] = {
		NET_TEST(test_close_from_client),
		NET_TEST(test_close_from_server_with_data),
		NET_TEST(test_simultaneous_close),
		NET_TEST(test_time_wait_on_the_wire),
		NET_TEST(test_time_wait_new_syn_and_rst),
		NET_TEST(test_time_wait_table_full),
		NET_TEST(test_close_with_unread_data_resets),
		NET_TEST(test_abort),
		NET_TEST(test_close_while_connecting),
		NET_TEST(test_listener_close_resets_queue),
		NET_TEST(test_data_for_closed_socket),
		NET_TEST(test_fin_wait_2_gives_up),
		NET_TEST(test_close_owner_is_graceful),
	};
	return net_run_tests(tests, sizeof(tests) / sizeof(tests[0]));
}
