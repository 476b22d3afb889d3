/* The network stack: a bounded, deterministic fuzzer.
 *
 * Each iteration (one seed) runs the two stacks with random use of every
 * call (including nonsense: bad ids, wrong types, calls out of order, calls
 * from inside the event callback), TCP to the other stack, to itself
 * (loopback), to closed ports and to hosts that do not answer, UDP and
 * pings, over a link that loses, reorders, duplicates and corrupts. On the
 * way, frames are mutated (bits, bytes, header fields, length) and their
 * checksums mostly recomputed, so that damage gets past the checksums into
 * the protocols; and frames are made up: random bytes, and segments aimed
 * into the windows of live connections with random flags (RST, SYN, FIN),
 * random ICMP errors quoting live connections, random ARP.
 *
 * After every frame and every step both stacks' internal invariants are
 * checked (buffers, sequence numbers, windows, queues, timers, tables).
 * At the end of an iteration every socket is closed and the stacks must
 * wind down to nothing: no socket, half-open entry, TIME-WAIT, queued
 * packet or timer left. ASan and UBSan watch throughout, and an alarm
 * catches a hang.
 *
 * FUZZ_ITERS sets the number of iterations (make fuzz-net runs many),
 * FUZZ_SEED the first seed; a failure names its iteration, which replays
 * alone with FUZZ_SEED=<it> FUZZ_ITERS=1. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "net_test.h"

#include "core.h"

#define DEFAULT_ITERS 500

static uint32_t cur_iter;
static int mutate_pct, recompute_pct;

#define INV(c)                                                                                     \
	do {                                                                                       \
		if (!(c))                                                                          \
			net_test_fail(__FILE__, __LINE__, "node %c: %s (iteration %u)",            \
				      'A' + nd->idx, #c, cur_iter);                                \
	} while (0)

/* --- invariants ------------------------------------------------------------------- */

static void check_tcb(struct node *nd, const struct net_sock *s)
{
	const struct net_tcb *t = &s->tcb;
	uint32_t now = sim.now;
	if (s->state == NET_TCP_CLOSED || s->state == NET_TCP_LISTEN) {
		INV(!t->rtx_on && !t->delack_on && !t->state_timer_on);
		return;
	}
	INV(t->tx_len <= NET_SOCK_TXBUF);
	INV(seq_le(t->snd_una, t->snd_nxt));
	INV(seq_le(t->snd_nxt, t->snd_max));
	INV(t->snd_max - t->snd_una <= t->tx_len + 2);
	INV(t->mss >= 64 && t->mss <= NET_TCP_MSS);
	INV(t->rto_ms >= NET_TCP_RTO_MIN && t->rto_ms <= NET_TCP_RTO_MAX);
	INV(t->cwnd <= TCP_CWND_MAX + 3 * NET_TCP_MSS);
	INV(t->snd_wscale <= TCP_WSCALE_MAX);
	INV(t->rcv_wscale == 0 || t->rcv_wscale == NET_TCP_WSCALE);
	INV(t->cwnd >= t->mss || s->state == NET_TCP_SYN_SENT);
	INV(!t->persist_on || t->rtx_on);
	if (t->rtx_on)
		INV((int32_t)(t->rtx_at - now) <= NET_TCP_RTO_MAX);
	if (t->delack_on)
		INV((int32_t)(t->delack_at - now) <= NET_TCP_DELACK_MS);
	if (t->state_timer_on)
		INV((int32_t)(t->state_at - now) <= NET_TCP_FIN2_MS);
	if (s->state == NET_TCP_SYN_SENT)
		return;
	INV(seq_le(t->rd_seq, t->rcv_nxt));
	INV(tcp_readable(t) <= NET_SOCK_RXBUF);
	INV(seq_le(t->rcv_nxt, t->rcv_adv));
	/* a FIN at the window's edge takes one more */
	INV(t->rcv_adv - t->rd_seq <= NET_SOCK_RXBUF + (uint32_t)t->fin_rcvd);
	INV(t->n_ooo <= NET_TCP_OOO_MAX);
	for (int i = 0; i < t->n_ooo; i++) {
		const struct net_range *r = &t->ooo[i];
		INV(seq_lt(r->start, r->end));
		if (!t->fin_rcvd)
			INV(seq_lt(t->rcv_nxt, r->start));
		INV(seq_le(r->end, t->rd_seq + NET_SOCK_RXBUF));
		for (int j = i + 1; j < t->n_ooo; j++) /* kept apart, never touching */
			INV(seq_lt(r->end, t->ooo[j].start) || seq_lt(t->ooo[j].end, r->start));
	}
	if (s->state == NET_TCP_TIME_WAIT)
		INV(t->state_timer_on && !t->rtx_on);
	if (s->state >= NET_TCP_ESTABLISHED && s->state != NET_TCP_TIME_WAIT && !t->fin_rcvd)
		INV(s->state != NET_TCP_CLOSE_WAIT && s->state != NET_TCP_CLOSING &&
		    s->state != NET_TCP_LAST_ACK);
}

static void check_node(struct node *nd)
{
	struct netstack *ns = nd->ns;
	uint32_t now = sim.now;
	int nsyn[NET_MAX_SOCKETS] = {0};
	INV(ns->depth == 0);
	for (int i = 0; i < NET_SYN_MAX; i++) {
		const struct net_syn *e = &ns->syn[i];
		if (!e->used)
			continue;
		INV(e->listener >= 0 && e->listener < NET_MAX_SOCKETS);
		INV(ns->sock[e->listener].type == NET_SOCK_STREAM);
		INV(ns->sock[e->listener].state == NET_TCP_LISTEN);
		INV((int32_t)(e->rtx_at - now) <= (NET_TCP_RTO_INIT << NET_TCP_SYNACK_TRIES));
		nsyn[e->listener]++;
	}
	for (int i = 0; i < NET_MAX_SOCKETS; i++) {
		const struct net_sock *s = &ns->sock[i];
		if (!s->type) {
			INV(s->parent == -1);
			continue;
		}
		INV(s->type >= NET_SOCK_STREAM && s->type <= NET_SOCK_ICMP);
		INV(s->state <= NET_TCP_TIME_WAIT);
		if (s->type != NET_SOCK_STREAM) {
			INV(s->q_len <= NET_SOCK_RXBUF && s->q_head < NET_SOCK_RXBUF);
			continue;
		}
		if (s->state == NET_TCP_LISTEN) {
			INV(nsyn[i] == s->nsyn);
			INV(s->backlog >= 1 && s->backlog <= NET_MAX_BACKLOG);
			INV(s->nacc <= NET_MAX_BACKLOG); /* the backlog may shrink later */
			for (int j = 0; j < s->nacc; j++) {
				int c = s->acceptq[j];
				INV(c >= 0 && c < NET_MAX_SOCKETS && c != i);
				INV(ns->sock[c].type == NET_SOCK_STREAM && ns->sock[c].parent == i);
			}
		} else {
			INV(s->nsyn == 0 && nsyn[i] == 0 && s->nacc == 0);
		}
		if (s->parent >= 0) {
			const struct net_sock *l = &ns->sock[s->parent];
			INV(l->type == NET_SOCK_STREAM && l->state == NET_TCP_LISTEN);
			int found = 0;
			for (int j = 0; j < l->nacc; j++)
				found |= l->acceptq[j] == i;
			INV(found);
			INV(!(s->flags & SF_ORPHAN));
		}
		check_tcb(nd, s);
	}
	for (int i = 0; i < NET_ARP_QUEUE; i++) {
		const struct net_pkt *q = &ns->arpq[i];
		if (!q->len)
			continue;
		INV(q->len <= NET_FRAME_MAX);
		int pending = 0;
		for (int j = 0; j < NET_ARP_ENTRIES; j++)
			pending |= ns->arp[j].state == ARP_PENDING && ns->arp[j].ip == q->next_hop;
		INV(pending);
	}
	for (int i = 0; i < NET_ARP_ENTRIES; i++) {
		const struct net_arp_entry *e = &ns->arp[i];
		if (e->state == ARP_RESOLVED)
			INV((int32_t)(e->timer - now) <= NET_ARP_TTL_MS);
		if (e->state == ARP_PENDING)
			INV((int32_t)(e->timer - now) <= NET_ARP_RETRY_MS &&
			    e->tries <= NET_ARP_TRIES);
	}
	for (int i = 0; i < NET_TW_MAX; i++)
		if (ns->tw[i].used)
			INV((int32_t)(ns->tw[i].expires - now) <= 2 * NET_TCP_MSL_MS);
	for (int i = 0; i < NET_LOOP_QUEUE; i++)
		INV(ns->loop[i].len <= NET_MTU);
}

static void check_both(void)
{
	check_node(A);
	check_node(B);
}

/* Everything closed and time enough passed: nothing may be left. */
static void check_empty(struct node *nd)
{
	struct netstack *ns = nd->ns;
	for (int i = 0; i < NET_MAX_SOCKETS; i++)
		INV(!ns->sock[i].type);
	for (int i = 0; i < NET_SYN_MAX; i++)
		INV(!ns->syn[i].used);
	for (int i = 0; i < NET_TW_MAX; i++)
		INV(!ns->tw[i].used);
	for (int i = 0; i < NET_ARP_QUEUE; i++)
		INV(!ns->arpq[i].len);
	for (int i = 0; i < NET_LOOP_QUEUE; i++)
		INV(!ns->loop[i].len);
	INV(net_next_timer(ns) == NET_NO_TIMER);
}

/* --- mutation on the link ---------------------------------------------------------- */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Checksums made right again, wherever the lengths allow. */
static void recompute(uint8_t *f, uint32_t len)
{
	if (len < 34 || f[12] != 0x08 || f[13] != 0x00)
		return;
	uint8_t *ip = f + 14;
	uint32_t hl = (uint32_t)(ip[0] & 15) * 4, tot = (uint32_t)(ip[2] << 8 | ip[3]);
	if (hl < 20 || hl > len - 14)
		return;
	put16(ip + 10, 0);
	put16(ip + 10, t_csum(ip, hl, 0));
	if (tot < hl || tot > len - 14)
		return;
	uint8_t *l4 = ip + hl;
	uint32_t n = tot - hl;
	uint32_t src =
		(uint32_t)ip[12] << 24 | (uint32_t)ip[13] << 16 | (uint32_t)ip[14] << 8 | ip[15];
	uint32_t dst =
		(uint32_t)ip[16] << 24 | (uint32_t)ip[17] << 16 | (uint32_t)ip[18] << 8 | ip[19];
	uint32_t ps = (src >> 16) + (src & 0xFFFF) + (dst >> 16) + (dst & 0xFFFF) + ip[9] + n;
	if (ip[9] == 6 && n >= 20) {
		put16(l4 + 16, 0);
		put16(l4 + 16, t_csum(l4, n, ps));
	} else if (ip[9] == 17 && n >= 8) {
		put16(l4 + 6, 0);
		put16(l4 + 6, t_csum(l4, n, ps));
	} else if (ip[9] == 1 && n >= 4) {
		put16(l4 + 2, 0);
		put16(l4 + 2, t_csum(l4, n, 0));
	}
}

static const uint32_t interesting[] = {
	0,     1,    2,    4,    7,    8,      20,     40,     0x7F,       0x80,       0xFF,
	0x100, 1460, 1480, 1500, 1514, 0x7FFF, 0x8000, 0xFFFF, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF};

static void deliver(struct node *to, const uint8_t *frame, uint32_t len)
{
	static uint8_t f[NET_FRAME_MAX + 64];
	memcpy(f, frame, len);
	if ((int)(rnd() % 100) < mutate_pct) {
		int n = 1 + (int)(rnd() % 4);
		for (int i = 0; i < n && len; i++) {
			uint32_t off = 14 + rnd() % 60; /* mostly headers */
			if (rnd() % 4 == 0)
				off = rnd() % len;
			if (off >= len)
				off = len - 1;
			uint32_t v =
				interesting[rnd() % (sizeof(interesting) / sizeof(interesting[0]))];
			switch (rnd() % 6) {
			case 0:
				f[off] ^= (uint8_t)(1u << (rnd() % 8));
				break;
			case 1:
				f[off] = (uint8_t)rnd();
				break;
			case 2:
				f[off] = (uint8_t)v;
				break;
			case 3:
				if (off + 2 <= len)
					put16(f + off, (uint16_t)v);
				break;
			case 4:
				if (off + 4 <= len) {
					put16(f + off, (uint16_t)(v >> 16));
					put16(f + off + 2, (uint16_t)v);
				}
				break;
			case 5: /* a new length: cut, or grown with junk */
				if (rnd() % 2) {
					len = rnd() % (len + 1);
				} else {
					uint32_t nl = len + rnd() % 64;
					for (uint32_t j = len; j < nl && j < sizeof(f); j++)
						f[j] = (uint8_t)rnd();
					len = nl < sizeof(f) ? nl : (uint32_t)sizeof(f);
				}
				break;
			}
		}
		if ((int)(rnd() % 100) < recompute_pct)
			recompute(f, len);
	}
	inject(to, f, len);
}

/* --- made-up frames -------------------------------------------------------------------- */

static struct node *other(struct node *n)
{
	return n == A ? B : A;
}

static void random_bytes(struct node *to)
{
	uint8_t f[NET_FRAME_MAX + 100];
	uint32_t len = rnd() % sizeof(f);
	for (uint32_t i = 0; i < len; i++)
		f[i] = (uint8_t)rnd();
	if (len >= 14 && rnd() % 2) { /* addressed to it, so it gets further */
		memcpy(f, to->cfg.mac, 6);
		f[12] = 0x08;
		f[13] = rnd() % 4 ? 0x00 : 0x06;
		if (rnd() % 2)
			recompute(f, len);
	}
	inject(to, f, len);
}

/* A segment into a live connection of `to`, as from its peer. */
static void aimed_segment(struct node *to)
{
	struct netstack *ns = to->ns;
	int live[NET_MAX_SOCKETS], n = 0;
	for (int i = 0; i < NET_MAX_SOCKETS; i++)
		if (ns->sock[i].type == NET_SOCK_STREAM && ns->sock[i].state >= NET_TCP_SYN_SENT &&
		    ns->sock[i].rip != to->cfg.ip)
			live[n++] = i;
	if (!n)
		return;
	const struct net_sock *s = &ns->sock[live[rnd() % (uint32_t)n]];
	const struct net_tcb *t = &s->tcb;
	static const int32_t deltas[] = {0,    0,    0,     1,     -1,    100,   -100,
					 1460, 5000, 16383, 16384, 70000, -70000};
	uint32_t seq = t->rcv_nxt + (uint32_t)deltas[rnd() % 13];
	uint32_t ack = (rnd() % 2 ? t->snd_una : t->snd_max) + (uint32_t)deltas[rnd() % 13];
	uint8_t flags = (uint8_t)(rnd() & 0x3F);
	if (rnd() % 3)
		flags = (flags & ~F_SYN) | F_ACK;
	static uint8_t d[1400];
	uint32_t len = rnd() % 3 ? 0 : rnd() % sizeof(d);
	for (uint32_t i = 0; i < len; i += 97)
		d[i] = (uint8_t)rnd();
	uint8_t f[NET_FRAME_MAX];
	int syn = (flags & F_SYN) != 0;
	uint32_t fl = build_tcp_ws(f, s->rip, s->lip, s->rport, s->lport, seq, ack, flags,
				   (uint16_t)(rnd() % 3 ? rnd() : 0), syn ? (uint16_t)rnd() : 0,
				   syn && rnd() % 2 ? (int)(rnd() % 20) : -1, d, len);
	memcpy(f + 6, other(to)->cfg.mac, 6);
	inject(to, f, fl);
}

/* A segment for a TIME-WAIT or half-open entry of `to`, as from its peer. */
static void aimed_entry(struct node *to)
{
	struct netstack *ns = to->ns;
	uint32_t lip, rip, seq, ack;
	uint16_t lport, rport;
	if (rnd() % 2) {
		const struct net_tw *w = &ns->tw[rnd() % NET_TW_MAX];
		if (!w->used)
			return;
		lip = w->lip, rip = w->rip, lport = w->lport, rport = w->rport;
		seq = w->rcv_nxt, ack = w->snd_nxt;
	} else {
		const struct net_syn *e = &ns->syn[rnd() % NET_SYN_MAX];
		if (!e->used)
			return;
		lip = e->lip, rip = e->rip, lport = e->lport, rport = e->rport;
		seq = e->irs + 1, ack = e->iss + 1;
	}
	static const int32_t deltas[] = {0, 0, 0, 1, -1, 1000, -1000, 100000};
	seq += (uint32_t)deltas[rnd() % 8];
	ack += (uint32_t)deltas[rnd() % 8];
	uint8_t f[NET_FRAME_MAX], d[100];
	memset(d, 'x', sizeof(d));
	uint32_t fl = build_tcp(f, rip, lip, rport, lport, seq, ack, (uint8_t)(rnd() & 0x3F),
				(uint16_t)rnd(), 0, d, rnd() % 2 ? 0 : rnd() % sizeof(d));
	if (rip != to->cfg.ip)
		memcpy(f + 6, other(to)->cfg.mac, 6);
	inject(to, f, fl);
}

/* An ICMP error quoting one of `to`'s connections. */
static void aimed_icmp(struct node *to)
{
	struct netstack *ns = to->ns;
	for (int tries = 0; tries < 4; tries++) {
		const struct net_sock *s = &ns->sock[rnd() % NET_MAX_SOCKETS];
		if (s->type != NET_SOCK_STREAM || s->state < NET_TCP_SYN_SENT)
			continue;
		uint8_t q[8 + 28];
		memset(q, 0, sizeof(q));
		q[0] = 3;
		q[1] = (uint8_t)(rnd() % 5);
		uint8_t *ip = q + 8;
		ip[0] = 0x45;
		ip[9] = 6;
		memcpy(ip + 12,
		       (uint8_t[4]){(uint8_t)(s->lip >> 24), (uint8_t)(s->lip >> 16),
				    (uint8_t)(s->lip >> 8), (uint8_t)s->lip},
		       4);
		memcpy(ip + 16,
		       (uint8_t[4]){(uint8_t)(s->rip >> 24), (uint8_t)(s->rip >> 16),
				    (uint8_t)(s->rip >> 8), (uint8_t)s->rip},
		       4);
		put16(ip + 20, s->lport);
		put16(ip + 22, s->rport);
		uint32_t seq = s->tcb.snd_una + rnd() % 3;
		put16(ip + 24, (uint16_t)(seq >> 16));
		put16(ip + 26, (uint16_t)seq);
		put16(q + 2, t_csum(q, sizeof(q), 0));
		uint8_t f[128];
		uint32_t fl = build_ip(f, to->cfg.mac, MAC_C, IP_C, to->cfg.ip, 1, q, sizeof(q));
		inject(to, f, fl);
		return;
	}
}

static void random_arp(struct node *to)
{
	uint8_t f[64], mac[6] = {0x02, 0, 0, 0, 0, (uint8_t)rnd()};
	uint32_t spa = (to->cfg.ip & NETMASK) | (rnd() % 256);
	uint32_t tpa = rnd() % 2 ? to->cfg.ip : (to->cfg.ip & NETMASK) | (rnd() % 256);
	uint32_t len = build_arp(f, rnd() % 2 ? MAC_BCAST : to->cfg.mac, (uint16_t)(1 + rnd() % 3),
				 mac, spa, MAC_BCAST, tpa);
	inject(to, f, len);
}

static void random_syn(struct node *to)
{
	uint8_t f[NET_FRAME_MAX];
	static const uint16_t ports[] = {80, 81, 7, 443};
	uint32_t len = build_tcp(f, IP_C, to->cfg.ip, (uint16_t)rnd(), ports[rnd() % 4], rnd(),
				 rnd(), rnd() % 4 ? F_SYN : (uint8_t)(rnd() & 0x3F),
				 (uint16_t)rnd(), (uint16_t)(rnd() % 3 ? rnd() : 0), NULL, 0);
	inject(to, f, len);
}

/* --- the applications ------------------------------------------------------------------- */

static const uint16_t port_set[] = {80, 81, 7, 9, 0, 443, 5000};
static const uint32_t addr_set[] = {IP_A, IP_B, IP_C, IP_FAR, 0x0A0000FFu, 0xFFFFFFFFu, 0};

static void random_call(struct node *n)
{
	static uint8_t buf[20000];
	struct netstack *ns = n->ns;
	int s = (int)(rnd() % (NET_MAX_SOCKETS + 2)) - 1;
	uint32_t len = rnd() % 3 ? rnd() % 3000 : rnd() % sizeof(buf);
	uint32_t ip = addr_set[rnd() % 7];
	if (rnd() % 3 == 0)
		ip = other(n)->cfg.ip;
	uint16_t port = port_set[rnd() % 7];
	uint32_t rip;
	uint16_t rport;
	struct net_sockinfo info_;
	switch (rnd() % 18) {
	case 0:
	case 1:
		net_socket(ns, (int)(rnd() % 5), 1 + rnd() % 4);
		break;
	case 2:
		net_bind(ns, s, rnd() % 4 ? 0 : ip, port);
		break;
	case 3:
		net_listen(ns, s, (int)(rnd() % 12) - 1);
		break;
	case 4:
		net_accept(ns, s, 1 + rnd() % 4, &rip, &rport);
		break;
	case 5:
	case 6:
		net_connect(ns, s, ip, port);
		break;
	case 7:
	case 8:
		net_send(ns, s, buf, len);
		break;
	case 9:
	case 10:
		net_recv(ns, s, buf, len);
		break;
	case 11:
		if (rnd() % 2) { /* a plausible echo request */
			memset(buf, 0, 8);
			buf[0] = 8;
		}
		net_sendto(ns, s, buf, len % 1600, ip, port);
		break;
	case 12:
		net_recvfrom(ns, s, buf, len, &rip, &rport);
		break;
	case 13:
		net_shutdown(ns, s, (int)(rnd() % 5));
		break;
	case 14:
		if (rnd() % 4 == 0)
			net_close(ns, s);
		break;
	case 15:
		if (rnd() % 8 == 0)
			net_abort(ns, s);
		break;
	case 16:
		net_poll(ns, s);
		net_sockinfo(ns, s, &info_);
		net_setopt(ns, s, (int)(rnd() % 3), (int)(rnd() % 2));
		break;
	case 17:
		if (rnd() % 20 == 0)
			net_close_owner(ns, 1 + rnd() % 4);
		break;
	}
}

/* Keeps some structure in the chaos: a listener on B, connections from
 * A (to B and to itself) that move data. */
static void purposeful(struct node *n)
{
	static uint8_t buf[8000];
	struct netstack *ns = n->ns;
	switch (rnd() % 6) {
	case 0: {
		int s = net_socket(ns, NET_SOCK_STREAM, 1 + rnd() % 4);
		if (s >= 0 && net_connect(ns, s, rnd() % 4 ? other(n)->cfg.ip : n->cfg.ip,
					  rnd() % 5 ? 80 : 81) != -EINPROGRESS)
			net_close(ns, s);
		break;
	}
	case 1: {
		int l = net_socket(ns, NET_SOCK_STREAM, 1 + rnd() % 4);
		if (l >= 0 && (net_bind(ns, l, 0, 80) < 0 ||
			       net_listen(ns, l, 1 + (int)(rnd() % NET_MAX_BACKLOG)) < 0))
			net_close(ns, l);
		for (int i = 0; i < NET_MAX_SOCKETS; i++)
			net_accept(ns, i, 1 + rnd() % 4, NULL, NULL);
		break;
	}
	default:
		for (int i = 0; i < NET_MAX_SOCKETS; i++) {
			if (rnd() % 2)
				net_send(ns, i, buf, rnd() % sizeof(buf));
			net_recv(ns, i, buf, rnd() % sizeof(buf));
		}
		break;
	}
}

static int fuzz_app(void *arg)
{
	(void)arg;
	uint32_t r = rnd() % 100;
	struct node *n = rnd() % 2 ? A : B;
	if (r < 6)
		random_call(n);
	else if (r < 14)
		purposeful(n);
	else if (r < 15)
		random_bytes(n);
	else if (r < 18)
		aimed_segment(n);
	else if (r < 19)
		aimed_icmp(n);
	else if (r < 20)
		random_arp(n);
	else if (r < 21)
		random_syn(n);
	else if (r < 23)
		aimed_entry(n);
	return 0;
}

/* The glue's side: sometimes it answers at once from the event. */
static void fuzz_event(struct node *n, int s, unsigned ev)
{
	static uint8_t buf[4000];
	if (rnd() % 4)
		return;
	if (ev & NET_POLL_IN) {
		net_recv(n->ns, s, buf, rnd() % sizeof(buf));
		net_accept(n->ns, s, 1, NULL, NULL);
	}
	if ((ev & NET_POLL_OUT) && rnd() % 2)
		net_send(n->ns, s, buf, rnd() % sizeof(buf));
	if (rnd() % 50 == 0)
		net_close(n->ns, s);
}

/* --- the loop ----------------------------------------------------------------------------- */

static void on_alarm(int sig)
{
	(void)sig;
	static const char msg[] = "test_net_fuzz: iteration took too long (a hang?)\n";
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	printf("hung in iteration %u\n", cur_iter);
	fflush(stdout);
	_exit(3);
}

static void one_iteration(uint32_t it)
{
	cur_iter = it;
	uint32_t start = it % 3 == 0 ? 0xFFFFFFFFu - (it * 7919u % 20000u) : it * 104729u;
	sim_init(start, 1000003ull * it + 17);
	sim.quiet = 1;
	for (int i = 0; i < 2; i++) {
		sim.link[i].loss = rnd() % 800;
		sim.link[i].reorder = rnd() % 800;
		sim.link[i].jitter_ms = 1 + rnd() % 10;
		sim.link[i].dup = rnd() % 300;
		sim.link[i].corrupt = rnd() % 300;
		sim.link[i].delay_ms = 1 + rnd() % 5;
		sim.link[i].queue_max = 20 + rnd() % 200;
	}
	mutate_pct = (int)(rnd() % 15);
	recompute_pct = 70;
	A->on_event = B->on_event = fuzz_event;
	sim.deliver = deliver;
	sim.after_step = check_both;
	sim.app = fuzz_app;
	/* A start: a listener on B, one on A. */
	for (int i = 0; i < 2; i++) {
		struct netstack *ns = sim.node[i].ns;
		int l = net_socket(ns, NET_SOCK_STREAM, 1);
		net_bind(ns, l, 0, 80);
		net_listen(ns, l, 1 + (int)(rnd() % NET_MAX_BACKLOG));
		int u = net_socket(ns, NET_SOCK_DGRAM, 2);
		net_bind(ns, u, 0, 7);
		net_socket(ns, NET_SOCK_ICMP, 3);
	}
	sim.max_step_ms = 1 + rnd() % 5;
	sim_run(500 + rnd() % 4000);
	sim.max_step_ms = 0;
	/* Wind down: a clean link, everything closed; after long enough
	 * nothing may be left (retransmissions give up within minutes). */
	sim.app = NULL;
	sim.deliver = NULL;
	A->on_event = B->on_event = NULL;
	memset(sim.link, 0, sizeof(sim.link));
	for (int i = 0; i < 2; i++) {
		sim.link[i].delay_ms = 1;
		sim.link[i].queue_max = 1000;
		for (int s = 0; s < NET_MAX_SOCKETS; s++)
			net_close(sim.node[i].ns, s);
	}
	CHECK(RUN_UNTIL(net_next_timer(A->ns) == NET_NO_TIMER &&
				net_next_timer(B->ns) == NET_NO_TIMER && sim.nq == 0,
			3600000));
	check_empty(A);
	check_empty(B);
	sim.after_step = NULL;
	if (sim.bad_frames)
		net_test_fail(__FILE__, __LINE__, "iteration %u: %u malformed frames sent", it,
			      sim.bad_frames);
}

static void test_fuzz(void)
{
	const char *e = getenv("FUZZ_ITERS");
	uint32_t iters = e ? (uint32_t)strtoul(e, NULL, 10) : DEFAULT_ITERS;
	e = getenv("FUZZ_SEED");
	uint32_t first = e ? (uint32_t)strtoul(e, NULL, 10) : 0;
	signal(SIGALRM, on_alarm);
	time_t t0 = time(NULL);
	uint64_t frames = 0, drops = 0;
	for (uint32_t it = first; it < first + iters; it++) {
		alarm(30);
		one_iteration(it);
		for (int i = 0; i < 2; i++) {
			struct net_stats st;
			net_get_stats(sim.node[i].ns, &st);
			frames += st.eth.rx_frames;
			drops += st.eth.rx_runt + st.eth.rx_oversize + st.eth.rx_not_ours +
				 st.eth.rx_unknown_type + st.ip.rx_bad_header +
				 st.ip.rx_bad_length + st.ip.rx_bad_checksum +
				 st.tcp.rx_bad_checksum + st.udp.rx_bad_checksum +
				 st.icmp.rx_bad_checksum + st.tcp.rx_out_of_window +
				 st.tcp.rx_bad_ack;
		}
	}
	alarm(0);
	printf("%u iterations (seeds %u..%u), %llu frames in, %llu of them dropped as bad, "
	       "%ld s\n",
	       iters, first, first + iters - 1, (unsigned long long)frames,
	       (unsigned long long)drops, (long)(time(NULL) - t0));
}

int main(void)
{
	static const struct net_test tests[] = {NET_TEST(test_fuzz)};
	return net_run_tests(tests, 1);
}
