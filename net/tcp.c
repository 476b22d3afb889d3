/* TCP (RFC 9293): segments to connections, listeners with their table of
 * half-open connections, the TIME-WAIT table, and the user's calls. The
 * processing of a segment by a connection is in tcp_input.c, sending and
 * timers in tcp_output.c. */
#include "core.h"

#define TCP_DEFAULT_MSS 536 /* RFC 9293 3.7.1, when the peer sends no MSS option */
/* Floor for the peer's MSS: a 1-byte MSS would make a megabyte cost a
 * million segments (Linux has the same guard, tcp_min_snd_mss). */
#define TCP_MIN_MSS 64

uint16_t tcp_peer_mss(uint16_t opt)
{
	if (!opt)
		return TCP_DEFAULT_MSS;
	return (uint16_t)(opt > NET_TCP_MSS ? NET_TCP_MSS : opt < TCP_MIN_MSS ? TCP_MIN_MSS : opt);
}

/* RFC 6528: a clock that ticks every 4 us plus a keyed hash of the 4-tuple. */
uint32_t tcp_isn(struct netstack *ns, uint32_t lip, uint16_t lport, uint32_t rip, uint16_t rport)
{
	return ns->now * 250u +
	       net_hash(lip ^ ns->secret, rip, ((uint32_t)lport << 16 | rport) + ns->secret);
}

void tcp_tcb_reset(struct net_tcb *t)
{
	memset(t, 0, sizeof(*t));
	t->rto_ms = NET_TCP_RTO_INIT;
	t->mss = TCP_DEFAULT_MSS;
	t->quickacks = NET_TCP_QUICKACKS;
}

int tuple_in_use(const struct netstack *ns, uint32_t lip, uint16_t lport, uint32_t rip,
		 uint16_t rport)
{
	for (int i = 0; i < NET_MAX_SOCKETS; i++) {
		const struct net_sock *s = &ns->sock[i];
		if (s->type == NET_SOCK_STREAM && s->state >= NET_TCP_SYN_SENT && s->lip == lip &&
		    s->lport == lport && s->rip == rip && s->rport == rport)
			return 1;
	}
	for (int i = 0; i < NET_TW_MAX; i++) {
		const struct net_tw *w = &ns->tw[i];
		if (w->used && w->lip == lip && w->lport == lport && w->rip == rip &&
		    w->rport == rport)
			return 1;
	}
	for (int i = 0; i < NET_SYN_MAX; i++) {
		const struct net_syn *e = &ns->syn[i];
		if (e->used && e->lip == lip && e->lport == lport && e->rip == rip &&
		    e->rport == rport)
			return 1;
	}
	return 0;
}

/* --- ends of connections -------------------------------------------------------- */

void tcp_drop(struct netstack *ns, struct net_sock *s, int err)
{
	struct net_tcb *t = &s->tcb;
	s->state = NET_TCP_CLOSED;
	t->rtx_on = t->persist_on = t->delack_on = t->state_timer_on = 0;
	if (err)
		s->error = (int16_t)err;
	if (s->parent >= 0) {
		/* Gone before it was accepted: it leaves the queue. */
		struct net_sock *ls = &ns->sock[s->parent];
		int id = sock_id(ns, s), j = 0;
		for (int i = 0; i < ls->nacc; i++)
			if (ls->acceptq[i] != id)
				ls->acceptq[j++] = ls->acceptq[i];
		ls->nacc = (uint8_t)j;
		sock_free(ns, s);
	} else if (s->flags & SF_ORPHAN) {
		sock_free(ns, s);
	}
}

void tw_add(struct netstack *ns, const struct net_sock *s, uint32_t remaining)
{
	struct net_tw *w = NULL;
	for (int i = 0; i < NET_TW_MAX; i++) {
		struct net_tw *c = &ns->tw[i];
		if (!c->used) {
			w = c;
			break;
		}
		if (!w || seq_lt(c->expires, w->expires))
			w = c;
	}
	/* Full: the entry closest to its end goes early. Its 4-tuple could
	 * then meet an old duplicate; with a 10 s TIME-WAIT, a table full of
	 * them means connections are opened faster than 1.6 a second. */
	if (w->used)
		ns->st.tcp.tw_recycled++;
	w->used = 1;
	w->lip = s->lip;
	w->rip = s->rip;
	w->lport = s->lport;
	w->rport = s->rport;
	w->snd_nxt = s->tcb.snd_nxt;
	w->rcv_nxt = s->tcb.rcv_nxt;
	w->expires = ns->now + remaining;
	w->oow_sent = 0;
}

void tcp_enter_time_wait(struct netstack *ns, struct net_sock *s)
{
	struct net_tcb *t = &s->tcb;
	s->state = NET_TCP_TIME_WAIT;
	t->rtx_on = t->persist_on = t->delack_on = 0;
	if (s->flags & SF_ORPHAN) {
		tw_add(ns, s, 2 * NET_TCP_MSL_MS);
		sock_free(ns, s);
		return;
	}
	t->state_at = ns->now + 2 * NET_TCP_MSL_MS;
	t->state_timer_on = 1;
}

/* Returns 1 if the segment was for the entry; 0 if a new SYN ended it and
 * a listener should see the segment. */
static int tw_input(struct netstack *ns, struct net_tw *w, const struct tcp_seg *seg)
{
	if (seg->flags & TCP_RST) {
		/* RFC 9293 3.10.7.4; the exact match of RFC 5961 3.2. */
		if (seg->seq == w->rcv_nxt) {
			ns->st.tcp.rx_resets++;
			w->used = 0;
		} else {
			ns->st.tcp.rx_rst_ignored++;
		}
		return 1;
	}
	/* RFC 9293 3.6.1 (and RFC 6191): a SYN above what the old connection
	 * used may start a new one. */
	if ((seg->flags & (TCP_SYN | TCP_ACK)) == TCP_SYN && seq_lt(w->rcv_nxt, seg->seq)) {
		w->used = 0;
		return 0;
	}
	if (seg->flags & TCP_FIN)
		w->expires = ns->now + 2 * NET_TCP_MSL_MS;
	/* Anything but a bare in-sequence ACK is answered; the bare ACK is
	 * not, so two ends cannot trade ACKs for ever. */
	if ((seg->len || (seg->flags & (TCP_FIN | TCP_SYN)) || seg->seq != w->rcv_nxt) &&
	    tcp_oow_ack_ok(ns, &w->oow_at, &w->oow_sent))
		tcp_send_raw(ns, w->lip, w->lport, w->rip, w->rport, w->snd_nxt, w->rcv_nxt,
			     TCP_ACK, 0, 0, -1);
	return 1;
}

/* --- listeners and half-open connections ------------------------------------------ */

static void syn_free(struct netstack *ns, struct net_syn *e)
{
	ns->sock[e->listener].nsyn--;
	e->used = 0;
}

static void syn_send_synack(struct netstack *ns, struct net_syn *e)
{
	/* Window scaling only if the SYN asked for it (RFC 7323 1.3). */
	tcp_send_raw(ns, e->lip, e->lport, e->rip, e->rport, e->iss, e->irs + 1, TCP_SYN | TCP_ACK,
		     TCP_WND16, NET_TCP_MSS, e->wscale >= 0 ? NET_TCP_WSCALE : -1);
}

static void listen_input(struct netstack *ns, struct net_sock *ls, const struct tcp_seg *seg)
{
	if (seg->flags & TCP_RST)
		return;
	if (seg->flags & TCP_ACK) {
		tcp_reset_reply(ns, seg);
		return;
	}
	if (!(seg->flags & TCP_SYN))
		return;
	if (seg->flags & TCP_FIN) {
		ns->st.tcp.rx_bad_flags++;
		return;
	}
	/* Bounded twice: per listener by its backlog, overall by the table.
	 * A flood of SYNs fills them and is then dropped, costing no socket. */
	struct net_syn *e = NULL;
	if (ls->nsyn < ls->backlog && ls->nacc < ls->backlog)
		for (int i = 0; i < NET_SYN_MAX && !e; i++)
			if (!ns->syn[i].used)
				e = &ns->syn[i];
	if (!e) {
		ns->st.tcp.syn_dropped++;
		return;
	}
	e->used = 1;
	e->listener = (int8_t)sock_id(ns, ls);
	e->lip = seg->dst;
	e->rip = seg->src;
	e->lport = seg->dport;
	e->rport = seg->sport;
	e->irs = seg->seq;
	e->iss = tcp_isn(ns, e->lip, e->lport, e->rip, e->rport);
	e->mss = tcp_peer_mss(seg->mss);
	e->wscale = seg->wscale;
	e->tries = 1;
	e->sent_at = ns->now;
	e->rtx_at = ns->now + NET_TCP_RTO_INIT;
	ls->nsyn++;
	syn_send_synack(ns, e);
}

/* The handshake's last ACK: the connection becomes a socket in the
 * listener's accept queue, and the segment is processed as its first. */
static void syn_promote(struct netstack *ns, struct net_syn *e, struct tcp_seg *seg)
{
	struct net_sock *ls = &ns->sock[e->listener], *s = NULL;
	for (int i = 0; i < NET_MAX_SOCKETS && !s; i++)
		if (!ns->sock[i].type)
			s = &ns->sock[i];
	if (!s || ls->nacc >= ls->backlog) {
		/* Dropped; the entry stays, and its SYN-ACK timer asks again. */
		ns->st.tcp.accept_overflow++;
		return;
	}
	sock_free(ns, s);
	s->type = NET_SOCK_STREAM;
	s->owner = ls->owner;
	s->flags = SF_BOUND | (ls->flags & SF_NODELAY);
	s->lip = e->lip;
	s->rip = e->rip;
	s->lport = e->lport;
	s->rport = e->rport;
	s->parent = e->listener;
	s->state = NET_TCP_ESTABLISHED;
	struct net_tcb *t = &s->tcb;
	tcp_tcb_reset(t);
	t->iss = e->iss;
	t->irs = e->irs;
	t->snd_una = t->snd_nxt = t->snd_max = e->iss + 1;
	t->syn_acked = 1;
	if (e->wscale >= 0) {
		t->snd_wscale = (uint8_t)e->wscale;
		t->rcv_wscale = NET_TCP_WSCALE;
	}
	/* This ACK's window is scaled; tcp_input_sock scales its own copy. */
	t->snd_wnd = t->max_sndwnd = seg->wnd << t->snd_wscale;
	t->snd_wl1 = seg->seq;
	t->snd_wl2 = seg->ack;
	t->rcv_nxt = t->rd_seq = e->irs + 1;
	t->rcv_adv = t->rcv_nxt + TCP_WND16; /* what the SYN-ACK offered */
	t->mss = e->mss;
	tcp_init_cc(t);
	if (e->tries == 1) /* Karn: only an answer to a SYN-ACK sent once */
		tcp_rtt_sample(t, ns->now - e->sent_at);
	else
		t->rto_ms = 3000; /* RFC 6298 5.7 */
	ls->acceptq[ls->nacc++] = (int8_t)sock_id(ns, s);
	syn_free(ns, e);
	ns->st.tcp.passive_opens++;
	ns->st.tcp.established++;
	tcp_input_sock(ns, s, seg);
}

static void syn_input(struct netstack *ns, struct net_syn *e, struct tcp_seg *seg)
{
	uint32_t rcv_nxt = e->irs + 1;
	if (seg->flags & TCP_RST) {
		if (seq_le(rcv_nxt, seg->seq) && seq_lt(seg->seq, rcv_nxt + TCP_WND16)) {
			ns->st.tcp.rx_resets++;
			syn_free(ns, e);
		} else {
			ns->st.tcp.rx_rst_ignored++;
		}
		return;
	}
	if (seg->flags & TCP_SYN) {
		/* The peer did not get our SYN-ACK (or restarted: the SYN-ACK
		 * then makes it answer RST, which ends this entry). */
		syn_send_synack(ns, e);
		return;
	}
	if (!(seg->flags & TCP_ACK)) {
		ns->st.tcp.rx_bad_flags++;
		return;
	}
	if (seg->ack != e->iss + 1) {
		ns->st.tcp.rx_bad_ack++;
		tcp_reset_reply(ns, seg);
		return;
	}
	if (!seq_le(rcv_nxt, seg->seq) || !seq_lt(seg->seq, rcv_nxt + TCP_WND16)) {
		ns->st.tcp.rx_out_of_window++;
		return;
	}
	syn_promote(ns, e, seg);
}

void tcp_listener_close(struct netstack *ns, struct net_sock *ls)
{
	int id = sock_id(ns, ls);
	for (int i = 0; i < NET_SYN_MAX; i++)
		if (ns->syn[i].used && ns->syn[i].listener == id)
			syn_free(ns, &ns->syn[i]);
	/* Connections nobody accepted are reset: no one will read them. */
	for (int i = 0; i < ls->nacc; i++) {
		struct net_sock *c = &ns->sock[ls->acceptq[i]];
		c->parent = -1;
		tcp_close(ns, c, 1);
	}
	ls->nacc = 0;
}

/* --- arrival --------------------------------------------------------------------- */

static void tcp_options(struct netstack *ns, const uint8_t *o, uint32_t n, struct tcp_seg *seg)
{
	uint32_t i = 0;
	while (i < n) {
		if (o[i] == 0) /* end of list */
			return;
		if (o[i] == 1) { /* no-operation */
			i++;
			continue;
		}
		if (i + 1 >= n || o[i + 1] < 2 || o[i + 1] > n - i) {
			ns->st.tcp.rx_bad_options++;
			return;
		}
		if (o[i] == 2 && o[i + 1] == 4)
			seg->mss = rd16(o + i + 2);
		else if (o[i] == 3 && o[i + 1] == 3)
			seg->wscale =
				(int8_t)(o[i + 2] > TCP_WSCALE_MAX ? TCP_WSCALE_MAX : o[i + 2]);
		i += o[i + 1];
	}
}

void tcp_input(struct netstack *ns, const struct ip_info *ip, const uint8_t *p, uint32_t len)
{
	ns->st.tcp.rx_segments++;
	if (len < TCP_HLEN) {
		ns->st.tcp.rx_bad_length++;
		return;
	}
	uint32_t doff = (uint32_t)(p[12] >> 4) * 4;
	if (doff < TCP_HLEN || doff > len) {
		ns->st.tcp.rx_bad_offset++;
		return;
	}
	if (csum_fold(csum_add(csum_pseudo(ip->src, ip->dst, IPPROTO_TCP, len), p, len)) != 0) {
		ns->st.tcp.rx_bad_checksum++;
		return;
	}
	/* RFC 9293 3.10.7.1 (and RFC 1122 4.2.3.10): TCP is unicast only. */
	if (ip->bcast) {
		ns->st.tcp.rx_bad_addr++;
		return;
	}
	struct tcp_seg seg = {
		.src = ip->src,
		.dst = ip->dst,
		.sport = rd16(p),
		.dport = rd16(p + 2),
		.seq = rd32(p + 4),
		.ack = rd32(p + 8),
		.flags = p[13] & 0x3F,
		.wnd = rd16(p + 14),
		.data = p + doff,
		.len = len - doff,
		.wscale = -1,
	};
	tcp_options(ns, p + TCP_HLEN, doff - TCP_HLEN, &seg);

	for (int i = 0; i < NET_MAX_SOCKETS; i++) {
		struct net_sock *s = &ns->sock[i];
		if (s->type == NET_SOCK_STREAM && s->state >= NET_TCP_SYN_SENT &&
		    s->lport == seg.dport && s->rport == seg.sport && s->rip == seg.src &&
		    s->lip == seg.dst) {
			tcp_input_sock(ns, s, &seg);
			return;
		}
	}
	for (int i = 0; i < NET_TW_MAX; i++) {
		struct net_tw *w = &ns->tw[i];
		if (w->used && w->lport == seg.dport && w->rport == seg.sport &&
		    w->rip == seg.src && w->lip == seg.dst && tw_input(ns, w, &seg))
			return;
	}
	for (int i = 0; i < NET_SYN_MAX; i++) {
		struct net_syn *e = &ns->syn[i];
		if (e->used && e->lport == seg.dport && e->rport == seg.sport &&
		    e->rip == seg.src && e->lip == seg.dst) {
			syn_input(ns, e, &seg);
			return;
		}
	}
	for (int i = 0; i < NET_MAX_SOCKETS; i++) {
		struct net_sock *s = &ns->sock[i];
		if (s->type == NET_SOCK_STREAM && s->state == NET_TCP_LISTEN &&
		    s->lport == seg.dport && (!s->lip || s->lip == seg.dst)) {
			listen_input(ns, s, &seg);
			return;
		}
	}
	ns->st.tcp.rx_no_socket++;
	tcp_reset_reply(ns, &seg);
}

void tcp_icmp_error(struct netstack *ns, uint8_t code, const uint8_t *in, uint32_t len,
		    uint32_t dst)
{
	(void)len; /* the caller checked that 8 bytes are there */
	uint16_t sport = rd16(in), dport = rd16(in + 2);
	uint32_t seq = rd32(in + 4);
	for (int i = 0; i < NET_MAX_SOCKETS; i++) {
		struct net_sock *s = &ns->sock[i];
		struct net_tcb *t = &s->tcb;
		if (s->type != NET_SOCK_STREAM || s->state < NET_TCP_SYN_SENT ||
		    s->lport != sport || s->rport != dport || s->rip != dst)
			continue;
		/* RFC 5927 4.1: only an error about data in flight is believed. */
		if (!seq_le(t->snd_una, seq) || !seq_lt(seq, t->snd_max))
			return;
		/* RFC 1122 4.2.3.9 calls protocol and port unreachable hard
		 * errors; RFC 5461 advises acting on them only while
		 * connecting. Others are remembered for a timeout's report. */
		if (s->state == NET_TCP_SYN_SENT && (code == 2 || code == 3)) {
			ns->st.tcp.conn_refused++;
			tcp_drop(ns, s, ECONNREFUSED);
		} else if (code == 0) {
			t->soft_error = ENETUNREACH;
		} else if (code == 1) {
			t->soft_error = EHOSTUNREACH;
		}
		return;
	}
}

void tcp_timer(struct netstack *ns, uint32_t *next)
{
	for (int i = 0; i < NET_MAX_SOCKETS; i++) {
		struct net_sock *s = &ns->sock[i];
		if (s->type == NET_SOCK_STREAM && s->state >= NET_TCP_SYN_SENT)
			tcp_sock_timer(ns, s, next);
	}
	for (int i = 0; i < NET_SYN_MAX; i++) {
		struct net_syn *e = &ns->syn[i];
		if (!e->used || !timer_check(ns, e->rtx_at, next))
			continue;
		if (e->tries >= NET_TCP_SYNACK_TRIES) {
			syn_free(ns, e);
		} else {
			e->rtx_at = ns->now + (NET_TCP_RTO_INIT << e->tries);
			e->tries++;
			ns->st.tcp.retransmits++;
			syn_send_synack(ns, e);
		}
	}
	for (int i = 0; i < NET_TW_MAX; i++)
		if (ns->tw[i].used && timer_check(ns, ns->tw[i].expires, next))
			ns->tw[i].used = 0;
}
