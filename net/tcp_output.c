/* TCP sending: segments, the sender's rules (window, congestion window,
 * Nagle, SWS avoidance), the RTT estimator and the connection timers
 * (retransmission, persist, delayed ACK, TIME-WAIT). */
#include "core.h"

/* --- segments ------------------------------------------------------------------ */

static void tcp_emit(struct netstack *ns, uint32_t lip, uint16_t lport, uint32_t rip,
		     uint16_t rport, uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd,
		     uint16_t mss, int ws, const uint8_t *d1, uint32_t l1, const uint8_t *d2,
		     uint32_t l2)
{
	uint8_t *h = ip_payload(ns);
	uint32_t hlen = TCP_HLEN + (mss ? 4 : 0) + (ws >= 0 ? 4 : 0);
	wr16(h, lport);
	wr16(h + 2, rport);
	wr32(h + 4, seq);
	wr32(h + 8, ack);
	h[12] = (uint8_t)((hlen / 4) << 4);
	h[13] = flags;
	wr16(h + 14, wnd);
	wr16(h + 16, 0);
	wr16(h + 18, 0);
	uint8_t *o = h + TCP_HLEN;
	if (mss) {
		o[0] = 2; /* MSS option (RFC 9293 3.2) */
		o[1] = 4;
		wr16(o + 2, mss);
		o += 4;
	}
	if (ws >= 0) {
		o[0] = 1; /* no-operation, to keep the header in 32-bit words */
		o[1] = 3; /* window scale (RFC 7323 2.2) */
		o[2] = 3;
		o[3] = (uint8_t)ws;
	}
	if (l1)
		memcpy(h + hlen, d1, l1);
	if (l2)
		memcpy(h + hlen + l1, d2, l2);
	uint32_t len = hlen + l1 + l2;
	wr16(h + 16, csum_fold(csum_add(csum_pseudo(lip, rip, IPPROTO_TCP, len), h, len)));
	ns->st.tcp.tx_segments++;
	if (flags & TCP_RST)
		ns->st.tcp.tx_resets++;
	ip_send(ns, rip, IPPROTO_TCP, len);
}

void tcp_send_raw(struct netstack *ns, uint32_t lip, uint16_t lport, uint32_t rip, uint16_t rport,
		  uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd, uint16_t mss, int ws)
{
	tcp_emit(ns, lip, lport, rip, rport, seq, ack, flags, wnd, mss, ws, NULL, 0, NULL, 0);
}

void tcp_reset_reply(struct netstack *ns, const struct tcp_seg *seg)
{
	if (seg->flags & TCP_RST)
		return; /* never a RST for a RST */
	if (seg->flags & TCP_ACK) {
		tcp_send_raw(ns, seg->dst, seg->dport, seg->src, seg->sport, seg->ack, 0, TCP_RST,
			     0, 0, -1);
	} else {
		uint32_t ack = seg->seq + seg->len + ((seg->flags & TCP_SYN) ? 1 : 0) +
			       ((seg->flags & TCP_FIN) ? 1 : 0);
		tcp_send_raw(ns, seg->dst, seg->dport, seg->src, seg->sport, 0, ack,
			     TCP_RST | TCP_ACK, 0, 0, -1);
	}
}

/* The window to advertise, in the 16-bit field: scaled down by our shift,
 * and so rounded down (RFC 7323 2.4: the peer may then see the edge a
 * byte or so short of rcv_adv, which only makes it send less). Its right
 * edge never moves left (RFC 9293 3.8.6.2.2), and moves right only by at
 * least min(buffer / 2, MSS): the receiver's side of silly window
 * avoidance (RFC 1122 4.2.3.3). */
static uint16_t tcp_rcv_window(struct net_sock *s)
{
	struct net_tcb *t = &s->tcb;
	uint32_t right = tcp_rcv_right(t);
	if (seq_lt(t->rcv_adv, t->rcv_nxt))
		t->rcv_adv = t->rcv_nxt;
	uint32_t grow = right - t->rcv_adv;
	if ((int32_t)grow > 0 && grow >= min_u32(NET_SOCK_RXBUF / 2, t->mss))
		t->rcv_adv = right;
	return (uint16_t)((t->rcv_adv - t->rcv_nxt) >> t->rcv_wscale);
}

void tcp_xmit(struct netstack *ns, struct net_sock *s, uint32_t seq, uint32_t len, uint8_t flags)
{
	struct net_tcb *t = &s->tcb;
	/* A SYN's window is never scaled (RFC 7323 2.2). It offers scaling
	 * when we open; a SYN-ACK of a simultaneous open answers the
	 * peer's offer (rcv_wscale set) or makes none. */
	uint16_t wnd = (flags & TCP_SYN) ? TCP_WND16 : (flags & TCP_ACK) ? tcp_rcv_window(s) : 0;
	int ws = -1;
	if ((flags & TCP_SYN) && (s->state == NET_TCP_SYN_SENT || t->rcv_wscale))
		ws = NET_TCP_WSCALE;
	uint32_t pos = (seq - t->iss - 1) & TX_MASK;
	uint32_t l1 = min_u32(len, NET_SOCK_TXBUF - pos);
	tcp_emit(ns, s->lip, s->lport, s->rip, s->rport, seq, (flags & TCP_ACK) ? t->rcv_nxt : 0,
		 flags, wnd, (flags & TCP_SYN) ? NET_TCP_MSS : 0, ws, s->tx + pos, l1, s->tx,
		 len - l1);
	if (flags & TCP_ACK) {
		t->unacked = 0;
		t->delack_on = 0;
		t->ack_now = 0;
	}
}

/* --- congestion control and RTT ------------------------------------------------- */

void tcp_init_cc(struct net_tcb *t)
{
	/* RFC 5681 3.1: the initial window by MSS; ssthresh arbitrarily high. */
	t->cwnd = t->mss > 2190 ? 2u * t->mss : t->mss > 1095 ? 3u * t->mss : 4u * t->mss;
	t->ssthresh = 0xFFFFu << TCP_WSCALE_MAX;
	t->recover = t->iss;
	t->snd_sml = t->iss + 1;
}

/* RFC 6298 2.2 and 2.3 with alpha = 1/8, beta = 1/4, K = 4, G = 1 ms, in
 * microseconds so that the eighths and quarters of small RTTs are not
 * lost to rounding. */
void tcp_rtt_sample(struct net_tcb *t, uint32_t rtt_ms)
{
	uint32_t r = min_u32(rtt_ms, NET_TCP_RTO_MAX) * 1000u;
	if (!t->rtt_valid) {
		t->srtt_us = r;
		t->rttvar_us = r / 2;
		t->rtt_valid = 1;
	} else {
		uint32_t delta = t->srtt_us > r ? t->srtt_us - r : r - t->srtt_us;
		t->rttvar_us = t->rttvar_us - t->rttvar_us / 4 + delta / 4;
		t->srtt_us = t->srtt_us - t->srtt_us / 8 + r / 8;
	}
	uint32_t rto_us = t->srtt_us + max_u32(1000u, 4 * t->rttvar_us);
	uint32_t rto = (rto_us + 999) / 1000;
	t->rto_ms = max_u32(NET_TCP_RTO_MIN, min_u32(rto, NET_TCP_RTO_MAX));
}

void tcp_arm_rtx(struct netstack *ns, struct net_sock *s)
{
	s->tcb.rtx_on = 1;
	s->tcb.persist_on = 0;
	s->tcb.rtx_at = ns->now + s->tcb.rto_ms;
}

static void tcp_arm_persist(struct netstack *ns, struct net_sock *s)
{
	struct net_tcb *t = &s->tcb;
	uint32_t shift = t->persist_shift < 6 ? t->persist_shift : 6;
	t->rtx_on = 1;
	t->persist_on = 1;
	t->rtx_at = ns->now + min_u32(t->rto_ms << shift, NET_TCP_RTO_MAX);
}

/* The first unacknowledged segment again (fast retransmit, a partial
 * ACK in recovery), with the FIN if it is in there. */
void tcp_retransmit_una(struct netstack *ns, struct net_sock *s)
{
	struct net_tcb *t = &s->tcb;
	uint32_t len = min_u32(t->tx_len, t->mss);
	uint8_t flags = TCP_ACK;
	if (t->fin_queued && len == t->tx_len && seq_lt(t->snd_una + t->tx_len, t->snd_max))
		flags |= TCP_FIN;
	if (!len && !(flags & TCP_FIN))
		return;
	/* Karn: a segment sent twice gives no RTT sample. */
	if (t->rtt_timing && seq_le(t->snd_una, t->rtt_seq) && seq_lt(t->rtt_seq, t->snd_una + len))
		t->rtt_timing = 0;
	ns->st.tcp.retransmits++;
	t->retransmits++;
	tcp_xmit(ns, s, t->snd_una, len, flags);
}

/* Two ends that disagree about sequence numbers (a blind injection of an
 * ACK can do that) would answer each other's every segment with an ACK,
 * for ever. RFC 5961 7 asks for a limit; this is Linux's: one such ACK per
 * NET_TCP_OOW_ACK_MS and connection. */
int tcp_oow_ack_ok(struct netstack *ns, uint32_t *last, uint8_t *valid)
{
	if (*valid && (int32_t)(ns->now - *last) < NET_TCP_OOW_ACK_MS &&
	    (int32_t)(ns->now - *last) >= 0) {
		ns->st.tcp.acks_limited++;
		return 0;
	}
	*last = ns->now;
	*valid = 1;
	return 1;
}

/* --- the sender ------------------------------------------------------------------- */

void tcp_output(struct netstack *ns, struct net_sock *s)
{
	struct net_tcb *t = &s->tcb;
	switch (s->state) {
	case NET_TCP_SYN_RECEIVED:
		if (t->ack_now)
			tcp_xmit(ns, s, t->iss, 0, TCP_SYN | TCP_ACK);
		return;
	case NET_TCP_TIME_WAIT:
		if (t->ack_now)
			tcp_xmit(ns, s, t->snd_nxt, 0, TCP_ACK);
		return;
	case NET_TCP_ESTABLISHED:
	case NET_TCP_CLOSE_WAIT:
	case NET_TCP_FIN_WAIT_1:
	case NET_TCP_FIN_WAIT_2:
	case NET_TCP_CLOSING:
	case NET_TCP_LAST_ACK:
		break;
	default:
		return;
	}
	/* A FIN is (re)sent only while it is not acknowledged. */
	int fin_pending =
		t->fin_queued && (s->state == NET_TCP_FIN_WAIT_1 || s->state == NET_TCP_CLOSING ||
				  s->state == NET_TCP_LAST_ACK);
	uint32_t flight, left;
	for (;;) {
		flight = t->snd_nxt - t->snd_una;
		left = t->tx_len > flight ? t->tx_len - flight : 0;
		/* RFC 3042 limited transmit: each of the first two duplicate
		 * ACKs lets one new segment out, so that a small window can
		 * still bring the third and a fast retransmit. */
		uint32_t lt = t->in_recovery ? 0 : min_u32(t->dupacks, 2) * t->mss;
		uint32_t wnd = min_u32(t->snd_wnd, t->cwnd + lt);
		uint32_t usable = wnd > flight ? wnd - flight : 0;
		uint32_t len = min_u32(min_u32(left, usable), t->mss);
		int fin = fin_pending && t->snd_nxt + len == t->snd_una + t->tx_len;
		int send = 0;
		if (len == t->mss)
			send = 1;
		else if (len && len == left &&
			 (!flight || (s->flags & SF_NODELAY) || fin ||
			  seq_le(t->snd_sml, t->snd_una)))
			send = 1; /* Nagle (RFC 1122 4.2.3.4) as Minshall refined it:
				   * at most one small segment in flight */
		else if (len && t->max_sndwnd && len >= t->max_sndwnd / 2)
			send = 1; /* sender SWS avoidance, same section */
		else if (!len && fin)
			send = 1; /* FIN alone; it needs no window */
		else if (len && t->force_send)
			send = 1;
		if (!send)
			break;
		uint32_t seq = t->snd_nxt;
		uint8_t flags = TCP_ACK | (len && len == left ? TCP_PSH : 0) | (fin ? TCP_FIN : 0);
		if (seq_lt(seq, t->snd_max)) {
			ns->st.tcp.retransmits++;
			t->retransmits++;
		} else if (!t->rtt_timing && len) {
			t->rtt_timing = 1;
			t->rtt_seq = seq;
			t->rtt_start = ns->now;
		}
		tcp_xmit(ns, s, seq, len, flags);
		if (len < t->mss)
			t->snd_sml = seq + len;
		t->snd_nxt = seq + len + (fin ? 1 : 0);
		if (seq_lt(t->snd_max, t->snd_nxt))
			t->snd_max = t->snd_nxt;
		if (!t->rtx_on || t->persist_on)
			tcp_arm_rtx(ns, s); /* RFC 6298 5.1 */
		if (fin)
			break;
	}
	if (t->ack_now)
		tcp_xmit(ns, s, t->snd_nxt, 0, TCP_ACK);
	/* Data waits and nothing is in flight to bring an ACK: a zero window
	 * (RFC 9293 3.8.6.1), or one too small for SWS avoidance to use. The
	 * persist timer probes until the window opens. */
	flight = t->snd_nxt - t->snd_una;
	left = t->tx_len > flight ? t->tx_len - flight : 0;
	if (!flight && left && !t->persist_on)
		tcp_arm_persist(ns, s);
}

/* --- timers ---------------------------------------------------------------------- */

static void tcp_rto_expire(struct netstack *ns, struct net_sock *s)
{
	struct net_tcb *t = &s->tcb;
	int syn = s->state == NET_TCP_SYN_SENT || s->state == NET_TCP_SYN_RECEIVED;
	t->retries++;
	ns->st.tcp.timeouts++;
	if (syn ? t->retries >= NET_TCP_SYN_TRIES : t->retries > NET_TCP_DATA_TRIES) {
		ns->st.tcp.conn_timeouts++;
		tcp_drop(ns, s, t->soft_error ? t->soft_error : ETIMEDOUT);
		return;
	}
	t->rto_ms = min_u32(t->rto_ms * 2, NET_TCP_RTO_MAX); /* RFC 6298 5.5 */
	t->rtt_timing = 0;
	if (!syn) {
		/* RFC 5681 3.1, equation 4; the loss window is one segment. */
		t->ssthresh = max_u32((t->snd_max - t->snd_una) / 2, 2u * t->mss);
		t->cwnd = t->mss;
	}
	t->in_recovery = 0;
	t->dupacks = 0;
	t->recover = t->snd_max; /* RFC 6582 4: no fast retransmit for what was sent before */
	tcp_arm_rtx(ns, s);
	if (syn) {
		ns->st.tcp.retransmits++;
		t->retransmits++;
		tcp_xmit(ns, s, t->iss, 0,
			 s->state == NET_TCP_SYN_SENT ? TCP_SYN : TCP_SYN | TCP_ACK);
	} else {
		/* Go back N: resend from the first unacknowledged byte (which
		 * tcp_output counts as retransmissions); the receiver keeps
		 * what came out of order, so its ACKs jump ahead. */
		t->snd_nxt = t->snd_una;
		tcp_output(ns, s);
	}
}

static void tcp_persist_expire(struct netstack *ns, struct net_sock *s)
{
	struct net_tcb *t = &s->tcb;
	uint32_t flight = t->snd_nxt - t->snd_una;
	uint32_t left = t->tx_len > flight ? t->tx_len - flight : 0;
	if (flight || !left) {
		t->persist_on = t->rtx_on = 0;
		tcp_output(ns, s);
		return;
	}
	if (t->snd_wnd) {
		/* A window too small for SWS avoidance to use, and nothing
		 * in flight to change that: RFC 1122 4.2.3.4's override
		 * timeout sends what fits after all. */
		t->persist_on = t->rtx_on = 0;
		t->force_send = 1;
		tcp_output(ns, s);
		t->force_send = 0;
		return;
	}
	/* RFC 1122 4.2.2.17: probes go on while the peer answers them (an
	 * answer resets retries); only silence ends the connection. */
	if (++t->retries > NET_TCP_DATA_TRIES) {
		ns->st.tcp.conn_timeouts++;
		tcp_drop(ns, s, t->soft_error ? t->soft_error : ETIMEDOUT);
		return;
	}
	/* One byte of new data beyond the window: taken if the window has
	 * opened meanwhile, answered with an ACK either way. */
	ns->st.tcp.persist_probes++;
	tcp_xmit(ns, s, t->snd_nxt, 1, TCP_ACK);
	if (seq_lt(t->snd_max, t->snd_nxt + 1))
		t->snd_max = t->snd_nxt + 1;
	if (t->persist_shift < 16)
		t->persist_shift++;
	tcp_arm_persist(ns, s);
}

void tcp_sock_timer(struct netstack *ns, struct net_sock *s, uint32_t *next)
{
	struct net_tcb *t = &s->tcb;
	if (t->delack_on && timer_check(ns, t->delack_at, next)) {
		t->delack_on = 0;
		t->ack_now = 1;
		ns->st.tcp.delayed_acks++;
		tcp_output(ns, s);
	}
	if (t->rtx_on && timer_check(ns, t->rtx_at, next)) {
		if (t->persist_on)
			tcp_persist_expire(ns, s);
		else
			tcp_rto_expire(ns, s);
	}
	/* A freed socket has all its timers cleared, so this is safe. */
	if (t->state_timer_on && timer_check(ns, t->state_at, next)) {
		t->state_timer_on = 0;
		tcp_drop(ns, s, 0); /* TIME-WAIT over, or FIN-WAIT-2 given up */
	}
}
