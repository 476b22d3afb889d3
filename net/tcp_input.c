/* One segment arriving at one connection, in the order of RFC 9293
 * 3.10.7.4: sequence number, RST, SYN, ACK, data, FIN; with RFC 5961's
 * checks against blind resets, RFC 5681 and 6582's fast retransmit and
 * recovery, and an out-of-order store in the receive buffer. */
#include "core.h"

enum { ACK_OK, ACK_DROP, ACK_GONE };

static int in_rcv_window(const struct net_tcb *t, uint32_t seq, uint32_t wnd)
{
	return seq_le(t->rcv_nxt, seq) && seq_lt(seq, t->rcv_nxt + wnd);
}

/* SYN-SENT (RFC 9293 3.10.7.3). */
static void syn_sent_input(struct netstack *ns, struct net_sock *s, struct tcp_seg *seg)
{
	struct net_tcb *t = &s->tcb;
	int ack_ok = 0;
	if (seg->flags & TCP_ACK) {
		if (seq_le(seg->ack, t->iss) || seq_lt(t->snd_max, seg->ack)) {
			ns->st.tcp.rx_bad_ack++;
			tcp_reset_reply(ns, seg);
			return;
		}
		ack_ok = 1;
	}
	if (seg->flags & TCP_RST) {
		if (ack_ok) {
			ns->st.tcp.rx_resets++;
			ns->st.tcp.conn_refused++;
			tcp_drop(ns, s, ECONNREFUSED);
		} else {
			ns->st.tcp.rx_rst_ignored++;
		}
		return;
	}
	if (!(seg->flags & TCP_SYN) || ((seg->flags & TCP_FIN) && !ack_ok)) {
		ns->st.tcp.rx_bad_flags++;
		return;
	}
	t->irs = seg->seq;
	t->rcv_nxt = t->rd_seq = seg->seq + 1;
	t->rcv_adv = t->rcv_nxt + TCP_WND16; /* what our SYN offered */
	if (seg->wscale >= 0) {
		/* Our SYN offered scaling; the peer's SYN agrees. */
		t->snd_wscale = (uint8_t)seg->wscale;
		t->rcv_wscale = NET_TCP_WSCALE;
	}
	t->mss = tcp_peer_mss(seg->mss);
	t->snd_wnd = t->max_sndwnd = seg->wnd;
	t->snd_wl1 = seg->seq;
	t->snd_wl2 = seg->ack;
	tcp_init_cc(t);
	if (!ack_ok) {
		/* Simultaneous open (RFC 9293 3.5, figure 8). */
		s->state = NET_TCP_SYN_RECEIVED;
		tcp_xmit(ns, s, t->iss, 0, TCP_SYN | TCP_ACK);
		return;
	}
	t->snd_una = seg->ack;
	t->syn_acked = 1;
	if (t->rtt_timing)
		tcp_rtt_sample(t, ns->now - t->rtt_start);
	else if (t->rto_ms < 3000)
		t->rto_ms = 3000; /* RFC 6298 5.7: the SYN was sent again */
	t->rtt_timing = 0;
	t->retries = 0;
	t->rtx_on = 0;
	s->state = NET_TCP_ESTABLISHED;
	ns->st.tcp.established++;
	t->ack_now = 1;
	if (seg->len || (seg->flags & TCP_FIN)) {
		/* What the SYN-ACK carried is the connection's first data. */
		seg->seq++;
		seg->flags &= (uint8_t)~TCP_SYN;
		tcp_input_sock(ns, s, seg);
		return;
	}
	tcp_output(ns, s);
}

/* A socket its user still holds, in TIME-WAIT (tw_input in tcp.c does the
 * same for the table of closed ones). */
static void time_wait_input(struct netstack *ns, struct net_sock *s, const struct tcp_seg *seg)
{
	struct net_tcb *t = &s->tcb;
	if (seg->flags & TCP_RST) {
		if (seg->seq == t->rcv_nxt) {
			ns->st.tcp.rx_resets++;
			tcp_drop(ns, s, 0);
		} else {
			ns->st.tcp.rx_rst_ignored++;
		}
		return;
	}
	if (seg->flags & TCP_FIN)
		t->state_at = ns->now + 2 * NET_TCP_MSL_MS; /* its ACK was lost: wait again */
	if ((seg->len || (seg->flags & (TCP_FIN | TCP_SYN)) || seg->seq != t->rcv_nxt) &&
	    tcp_oow_ack_ok(ns, &t->oow_at, &t->oow_sent))
		tcp_xmit(ns, s, t->snd_nxt, 0, TCP_ACK);
}

static int tcp_ack(struct netstack *ns, struct net_sock *s, const struct tcp_seg *seg)
{
	struct net_tcb *t = &s->tcb;
	uint32_t ack = seg->ack;
	/* RFC 9293: an ACK of what was never sent is answered and dropped;
	 * RFC 5961 5.2: so is one older than the largest window allows. */
	if (seq_lt(t->snd_max, ack) || seq_lt(ack, t->snd_una - t->max_sndwnd)) {
		ns->st.tcp.rx_bad_ack++;
		return ACK_DROP;
	}
	if (seq_lt(t->snd_una, ack)) {
		uint32_t acked = ack - t->snd_una;
		uint32_t data = min_u32(acked, t->tx_len);
		int fin_acked = acked > t->tx_len; /* ack <= snd_max: the FIN was sent */
		t->tx_len -= data;
		t->snd_una = ack;
		if (seq_lt(t->snd_nxt, ack))
			t->snd_nxt = ack;
		if (t->rtt_timing && seq_lt(t->rtt_seq, ack)) {
			tcp_rtt_sample(t, ns->now - t->rtt_start);
			t->rtt_timing = 0;
		}
		t->retries = 0;
		if (t->in_recovery) {
			if (seq_le(t->recover, ack)) {
				/* RFC 6582 3.2 step 3: a full ACK ends recovery. */
				t->cwnd = t->ssthresh;
				t->in_recovery = 0;
				t->dupacks = 0;
			} else {
				/* Step 5: a partial ACK; the next hole is resent at once. */
				tcp_retransmit_una(ns, s);
				t->cwnd = (t->cwnd > data ? t->cwnd - data : 0) + t->mss;
			}
		} else {
			t->dupacks = 0;
			if (t->cwnd < t->ssthresh)
				t->cwnd += min_u32(data, t->mss); /* slow start, RFC 5681 eq. 2 */
			else
				t->cwnd += max_u32(1, t->mss * t->mss / t->cwnd); /* eq. 3 */
			t->cwnd = min_u32(t->cwnd, TCP_CWND_MAX);
		}
		if (!t->persist_on) {
			/* RFC 6298 5.2 and 5.3 */
			if (ack == t->snd_max)
				t->rtx_on = 0;
			else
				tcp_arm_rtx(ns, s);
		}
		if (fin_acked) {
			switch (s->state) {
			case NET_TCP_FIN_WAIT_1:
				s->state = NET_TCP_FIN_WAIT_2;
				if (s->flags & SF_ORPHAN) {
					/* Nobody can read: do not wait for ever. */
					t->state_at = ns->now + NET_TCP_FIN2_MS;
					t->state_timer_on = 1;
				}
				break;
			case NET_TCP_CLOSING:
				tcp_enter_time_wait(ns, s);
				return ACK_GONE;
			case NET_TCP_LAST_ACK:
				tcp_drop(ns, s, 0);
				return ACK_GONE;
			default:
				break;
			}
		}
	} else if (ack == t->snd_una && !seg->len && !(seg->flags & (TCP_SYN | TCP_FIN)) &&
		   seg->wnd == t->snd_wnd && seq_lt(t->snd_una, t->snd_nxt)) {
		/* A duplicate ACK as RFC 5681 2 defines it. Data must be in
		 * flight: a persist probe's byte (snd_nxt stays) is not, and
		 * the answers to probes are not duplicates. */
		t->dupacks++;
		if (t->dupacks == 3 && !t->in_recovery && seq_lt(t->recover, ack)) {
			/* RFC 5681 3.2 with RFC 6582's "recover". */
			t->ssthresh = max_u32((t->snd_max - t->snd_una) / 2, 2u * t->mss);
			t->recover = t->snd_max;
			t->in_recovery = 1;
			ns->st.tcp.fast_retransmits++;
			tcp_retransmit_una(ns, s);
			t->cwnd = t->ssthresh + 3u * t->mss;
		} else if (t->dupacks > 3 && t->in_recovery) {
			/* Inflation: a segment has left the network. Bounded, as
			 * a peer can send duplicates without end. */
			t->cwnd = min_u32(t->cwnd + t->mss, TCP_CWND_MAX);
		}
	}
	/* The send window, from the newest segment only (RFC 9293 3.10.7.4). */
	if (seq_lt(t->snd_wl1, seg->seq) || (t->snd_wl1 == seg->seq && seq_le(t->snd_wl2, ack))) {
		t->snd_wnd = seg->wnd;
		t->snd_wl1 = seg->seq;
		t->snd_wl2 = ack;
		t->max_sndwnd = max_u32(t->max_sndwnd, seg->wnd);
	}
	if (t->persist_on) {
		t->retries = 0; /* the peer answers */
		if (t->snd_wnd) {
			t->persist_on = t->rtx_on = 0;
			t->persist_shift = 0;
		}
	}
	return ACK_OK;
}

/* Data in [rcv_nxt, rcv_adv): sequence number seq lives at (seq - irs - 1)
 * mod size in the receive buffer, so a segment that comes early is stored
 * where it belongs and only its range is remembered. */
static void tcp_data(struct netstack *ns, struct net_sock *s, const struct tcp_seg *seg)
{
	struct net_tcb *t = &s->tcb;
	uint32_t a = seg->seq, b = seg->seq + seg->len;
	if (a == t->rcv_nxt) {
		ring_put(s->rx, RX_MASK, a - t->irs - 1, seg->data, seg->len);
		t->rcv_nxt = b;
		int filled = 0;
		for (int i = 0; i < t->n_ooo;) {
			if (seq_le(t->ooo[i].start, t->rcv_nxt)) {
				if (seq_lt(t->rcv_nxt, t->ooo[i].end))
					t->rcv_nxt = t->ooo[i].end;
				t->ooo[i] = t->ooo[--t->n_ooo];
				filled = 1;
				i = 0;
			} else {
				i++;
			}
		}
		/* RFC 5681 4.2: ACK at once while holes remain or one was
		 * filled; otherwise every second segment (RFC 1122 4.2.3.2),
		 * or after the delayed-ACK timeout. The first few full-sized
		 * segments of a connection are ACKed at once: a sender in
		 * slow start with a window of one segment (BSD's, QEMU's
		 * user networking) would otherwise wait out the timeout. */
		int quick = t->quickacks > 0 && seg->len >= t->mss;
		t->quickacks -= (uint8_t)quick;
		if (filled || t->n_ooo || quick || ++t->unacked >= 2) {
			t->ack_now = 1;
		} else if (!t->delack_on) {
			t->delack_on = 1;
			t->delack_at = ns->now + NET_TCP_DELACK_MS;
		}
		return;
	}
	int overlaps = 0;
	for (int i = 0; i < t->n_ooo; i++)
		overlaps |= seq_le(t->ooo[i].start, b) && seq_le(a, t->ooo[i].end);
	t->ack_now = 1; /* a duplicate ACK tells the sender of the hole */
	if (!overlaps && t->n_ooo >= NET_TCP_OOO_MAX) {
		ns->st.tcp.rx_ooo_dropped++;
		return;
	}
	ring_put(s->rx, RX_MASK, a - t->irs - 1, seg->data, seg->len);
	for (int i = 0; i < t->n_ooo;) {
		if (seq_le(t->ooo[i].start, b) && seq_le(a, t->ooo[i].end)) {
			if (seq_lt(t->ooo[i].start, a))
				a = t->ooo[i].start;
			if (seq_lt(b, t->ooo[i].end))
				b = t->ooo[i].end;
			t->ooo[i] = t->ooo[--t->n_ooo];
			i = 0;
		} else {
			i++;
		}
	}
	t->ooo[t->n_ooo].start = a;
	t->ooo[t->n_ooo].end = b;
	t->n_ooo++;
	ns->st.tcp.rx_ooo++;
}

/* The peer's FIN, in sequence. Returns 1 if the socket is gone. */
static int tcp_fin(struct netstack *ns, struct net_sock *s)
{
	struct net_tcb *t = &s->tcb;
	t->ooo_fin_valid = 0;
	t->rcv_nxt++;
	t->fin_rcvd = 1;
	t->ack_now = 1;
	switch (s->state) {
	case NET_TCP_ESTABLISHED:
		s->state = NET_TCP_CLOSE_WAIT;
		break;
	case NET_TCP_FIN_WAIT_1:
		s->state = NET_TCP_CLOSING; /* simultaneous close */
		break;
	case NET_TCP_FIN_WAIT_2:
		tcp_xmit(ns, s, t->snd_nxt, 0, TCP_ACK);
		tcp_enter_time_wait(ns, s);
		return !s->type;
	default:
		break;
	}
	return 0;
}

void tcp_input_sock(struct netstack *ns, struct net_sock *s, struct tcp_seg *seg)
{
	struct net_tcb *t = &s->tcb;
	if (s->state == NET_TCP_SYN_SENT) {
		syn_sent_input(ns, s, seg);
		return;
	}
	if (s->state == NET_TCP_TIME_WAIT) {
		time_wait_input(ns, s, seg);
		return;
	}
	if (!(seg->flags & TCP_SYN))
		seg->wnd <<= t->snd_wscale; /* RFC 7323 2.3: never a SYN's */
	uint32_t wnd = t->rcv_adv - t->rcv_nxt;
	uint32_t seglen =
		seg->len + ((seg->flags & TCP_SYN) ? 1 : 0) + ((seg->flags & TCP_FIN) ? 1 : 0);

	/* RST: acted on only at exactly rcv_nxt; elsewhere in the window it
	 * earns a challenge ACK (RFC 5961 3.2); outside it, silence. */
	if (seg->flags & TCP_RST) {
		int inside = wnd ? in_rcv_window(t, seg->seq, wnd) : seg->seq == t->rcv_nxt;
		if (!inside) {
			ns->st.tcp.rx_rst_ignored++;
		} else if (seg->seq != t->rcv_nxt) {
			if (tcp_oow_ack_ok(ns, &t->oow_at, &t->oow_sent)) {
				ns->st.tcp.challenge_acks++;
				tcp_xmit(ns, s, t->snd_nxt, 0, TCP_ACK);
			}
		} else {
			int err = ECONNRESET;
			ns->st.tcp.rx_resets++;
			if (s->state == NET_TCP_SYN_RECEIVED)
				err = ECONNREFUSED;
			else if (s->state == NET_TCP_CLOSING || s->state == NET_TCP_LAST_ACK)
				err = 0; /* both sides were done; nothing is lost */
			if (err)
				ns->st.tcp.conn_resets++;
			tcp_drop(ns, s, err);
		}
		return;
	}

	/* The acceptability test of RFC 9293 3.10.7.4. */
	int ok = seglen == 0 ? (wnd ? in_rcv_window(t, seg->seq, wnd) : seg->seq == t->rcv_nxt)
			     : (wnd && (in_rcv_window(t, seg->seq, wnd) ||
					in_rcv_window(t, seg->seq + seglen - 1, wnd)));
	if (!ok) {
		if (!seq_le(seg->seq + seglen, t->rcv_nxt)) {
			if (seg->len && !wnd && seg->seq == t->rcv_nxt)
				ns->st.tcp.rx_window_probes++;
			else
				ns->st.tcp.rx_out_of_window++;
			if (tcp_oow_ack_ok(ns, &t->oow_at, &t->oow_sent))
				t->ack_now = 1;
			tcp_output(ns, s);
			return;
		}
		/* Wholly old: a duplicate. Its ACK field is still news (after
		 * the peer goes back N its segments carry current ACKs), as
		 * BSD does; what it carried is acknowledged again. */
		if (seglen) {
			ns->st.tcp.rx_dup++;
			t->ack_now = 1;
		}
		seg->len = 0;
		seg->flags &= (uint8_t) ~(TCP_SYN | TCP_FIN);
	} else {
		if (seq_lt(seg->seq, t->rcv_nxt)) {
			uint32_t cut = t->rcv_nxt - seg->seq;
			if (seg->flags & TCP_SYN) { /* an old SYN: simultaneous open */
				seg->flags &= (uint8_t)~TCP_SYN;
				seg->seq++;
				cut--;
			}
			cut = min_u32(cut, seg->len);
			seg->data += cut;
			seg->len -= cut;
			seg->seq += cut;
		}
		/* Data beyond the window is cut, and a FIN after it dropped.
		 * A FIN right at the edge (the data fills the window) is kept,
		 * as Linux does: it takes no buffer, and the peer need not
		 * send it again once we read. */
		uint32_t room = t->rcv_nxt + wnd - seg->seq;
		if (seg->len > room) {
			seg->len = room;
			seg->flags &= (uint8_t)~TCP_FIN;
		}
	}

	/* A SYN in the window of a synchronized connection: RFC 5961 4.2. */
	if (seg->flags & TCP_SYN) {
		if (tcp_oow_ack_ok(ns, &t->oow_at, &t->oow_sent)) {
			ns->st.tcp.challenge_acks++;
			tcp_xmit(ns, s, t->snd_nxt, 0, TCP_ACK);
		}
		return;
	}
	if (!(seg->flags & TCP_ACK)) {
		ns->st.tcp.rx_bad_flags++;
		return;
	}
	if (s->state == NET_TCP_SYN_RECEIVED) {
		if (!seq_lt(t->snd_una, seg->ack) || !seq_le(seg->ack, t->snd_max)) {
			ns->st.tcp.rx_bad_ack++;
			tcp_reset_reply(ns, seg);
			return;
		}
		s->state = t->fin_queued ? NET_TCP_FIN_WAIT_1 : NET_TCP_ESTABLISHED;
		ns->st.tcp.established++;
		t->syn_acked = 1;
		t->snd_una = seg->ack;
		t->snd_wnd = t->max_sndwnd = seg->wnd;
		t->snd_wl1 = seg->seq;
		t->snd_wl2 = seg->ack;
		t->retries = 0;
		t->rtt_timing = 0;
		t->rtx_on = 0;
	}
	int r = tcp_ack(ns, s, seg);
	if (r == ACK_GONE)
		return;
	if (r == ACK_DROP) {
		if (tcp_oow_ack_ok(ns, &t->oow_at, &t->oow_sent))
			t->ack_now = 1;
		tcp_output(ns, s);
		return;
	}

	/* Data (the urgent pointer is ignored: RFC 6093 advises against it). */
	if (seg->len && (s->state == NET_TCP_ESTABLISHED || s->state == NET_TCP_FIN_WAIT_1 ||
			 s->state == NET_TCP_FIN_WAIT_2)) {
		if (s->flags & SF_ORPHAN) {
			/* Closed by its user: nobody will read this. */
			ns->st.tcp.orphan_resets++;
			tcp_xmit(ns, s, t->snd_nxt, 0, TCP_RST | TCP_ACK);
			tcp_drop(ns, s, 0);
			return;
		}
		tcp_data(ns, s, seg);
	}
	if ((seg->flags & TCP_FIN) && !t->fin_rcvd &&
	    (s->state == NET_TCP_ESTABLISHED || s->state == NET_TCP_FIN_WAIT_1 ||
	     s->state == NET_TCP_FIN_WAIT_2)) {
		uint32_t fin_seq = seg->seq + seg->len;
		if (fin_seq == t->rcv_nxt) {
			if (tcp_fin(ns, s))
				return;
		} else if (seq_lt(t->rcv_nxt, fin_seq)) {
			t->ooo_fin = fin_seq; /* comes into force when the hole is filled */
			t->ooo_fin_valid = 1;
		}
	}
	if (t->ooo_fin_valid && !t->fin_rcvd && t->rcv_nxt == t->ooo_fin && tcp_fin(ns, s))
		return;
	tcp_output(ns, s);
}
