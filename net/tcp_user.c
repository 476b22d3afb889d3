/* TCP: the user's calls (RFC 9293 3.10.1 to 3.10.6, as non-blocking
 * socket calls) and what net_poll reports for a connection. */
#include "core.h"

/* --- the user's calls --------------------------------------------------------------- */

int tcp_connect(struct netstack *ns, struct net_sock *s, uint32_t ip, uint16_t port)
{
	struct net_tcb *t = &s->tcb;
	if (s->flags & SF_CONNECTING) {
		if (s->state == NET_TCP_SYN_SENT || s->state == NET_TCP_SYN_RECEIVED)
			return -EALREADY;
		s->flags &= (uint8_t)~SF_CONNECTING;
		if (s->error) {
			int e = s->error;
			s->error = 0;
			return -e;
		}
		return 0;
	}
	if (s->state == NET_TCP_LISTEN)
		return -EINVAL;
	if (s->state != NET_TCP_CLOSED || s->rport)
		return -EISCONN;
	if (!ip || !port)
		return -EINVAL;
	if (!addr_is_unicast(ns, ip) || !ip_route_ok(ns, ip))
		return -ENETUNREACH;
	if (!(s->flags & SF_BOUND)) {
		uint16_t p = port_ephemeral(ns, NET_SOCK_STREAM);
		if (!p)
			return -EADDRNOTAVAIL;
		s->lport = p;
		s->flags |= SF_BOUND;
	} else if (tuple_in_use(ns, ns->cfg.ip, s->lport, ip, port)) {
		return -EADDRINUSE;
	}
	s->lip = ns->cfg.ip;
	s->rip = ip;
	s->rport = port;
	tcp_tcb_reset(t);
	t->iss = tcp_isn(ns, s->lip, s->lport, ip, port);
	t->snd_una = t->iss;
	t->snd_nxt = t->snd_max = t->iss + 1;
	t->rtt_timing = 1;
	t->rtt_seq = t->iss;
	t->rtt_start = ns->now;
	s->state = NET_TCP_SYN_SENT;
	s->flags |= SF_CONNECTING;
	ns->st.tcp.active_opens++;
	tcp_xmit(ns, s, t->iss, 0, TCP_SYN);
	tcp_arm_rtx(ns, s);
	return -EINPROGRESS;
}

int tcp_listen(struct netstack *ns, struct net_sock *s, int backlog)
{
	if (backlog < 1)
		backlog = 1;
	if (backlog > NET_MAX_BACKLOG)
		backlog = NET_MAX_BACKLOG;
	if (s->state == NET_TCP_LISTEN) {
		s->backlog = (uint8_t)backlog;
		return 0;
	}
	if (s->state != NET_TCP_CLOSED || s->rport)
		return -EINVAL;
	if (!(s->flags & SF_BOUND)) {
		uint16_t p = port_ephemeral(ns, NET_SOCK_STREAM);
		if (!p)
			return -EADDRINUSE;
		s->lport = p;
		s->flags |= SF_BOUND;
	}
	s->backlog = (uint8_t)backlog;
	s->state = NET_TCP_LISTEN;
	return 0;
}

int tcp_accept(struct netstack *ns, struct net_sock *s, uint32_t owner, uint32_t *ip,
	       uint16_t *port)
{
	if (s->state != NET_TCP_LISTEN)
		return -EINVAL;
	if (!s->nacc)
		return -EAGAIN;
	int id = s->acceptq[0];
	for (int i = 1; i < s->nacc; i++)
		s->acceptq[i - 1] = s->acceptq[i];
	s->nacc--;
	struct net_sock *c = &ns->sock[id];
	c->parent = -1;
	c->owner = owner;
	if (ip)
		*ip = c->rip;
	if (port)
		*port = c->rport;
	return id;
}

int tcp_send(struct netstack *ns, struct net_sock *s, const uint8_t *buf, uint32_t len)
{
	struct net_tcb *t = &s->tcb;
	if (s->error) {
		int e = s->error;
		s->error = 0;
		return -e;
	}
	if (t->fin_queued || (s->flags & SF_WR_SHUT))
		return -EPIPE;
	switch (s->state) {
	case NET_TCP_ESTABLISHED:
	case NET_TCP_CLOSE_WAIT:
		break;
	case NET_TCP_SYN_SENT:
	case NET_TCP_SYN_RECEIVED:
		return -EAGAIN;
	case NET_TCP_CLOSED:
		return s->rport ? -EPIPE : -ENOTCONN;
	case NET_TCP_LISTEN:
		return -ENOTCONN;
	default:
		return -EPIPE;
	}
	uint32_t n = min_u32(len, NET_SOCK_TXBUF - t->tx_len);
	if (!n)
		return len ? -EAGAIN : 0;
	ring_put(s->tx, TX_MASK, t->snd_una + t->tx_len - t->iss - 1, buf, n);
	t->tx_len += n;
	tcp_output(ns, s);
	return (int)n;
}

int tcp_recv(struct netstack *ns, struct net_sock *s, uint8_t *buf, uint32_t len)
{
	struct net_tcb *t = &s->tcb;
	if (s->flags & SF_RD_SHUT)
		return 0;
	int synced = s->state >= NET_TCP_SYN_RECEIVED || (s->state == NET_TCP_CLOSED && s->rport);
	uint32_t n = synced ? min_u32(len, tcp_readable(t)) : 0;
	if (n) {
		ring_get(s->rx, RX_MASK, t->rd_seq - t->irs - 1, buf, n);
		t->rd_seq += n;
		/* A window update when it has grown by two segments or half the
		 * buffer (RFC 1122 4.2.3.3's receiver side of SWS avoidance). */
		uint32_t grow = tcp_rcv_right(t) - t->rcv_adv;
		if ((s->state == NET_TCP_ESTABLISHED || s->state == NET_TCP_FIN_WAIT_1 ||
		     s->state == NET_TCP_FIN_WAIT_2) &&
		    (int32_t)grow > 0 && (grow >= 2u * t->mss || 2 * grow >= NET_SOCK_RXBUF)) {
			t->ack_now = 1;
			tcp_output(ns, s);
		}
		return (int)n;
	}
	if (s->error) {
		int e = s->error;
		s->error = 0;
		return -e;
	}
	if (!len || t->fin_rcvd || (s->state == NET_TCP_CLOSED && s->rport))
		return 0;
	if (s->state == NET_TCP_CLOSED || s->state == NET_TCP_LISTEN)
		return -ENOTCONN;
	return -EAGAIN;
}

void tcp_queue_fin(struct net_sock *s)
{
	s->tcb.fin_queued = 1;
	s->flags |= SF_WR_SHUT;
	if (s->state == NET_TCP_ESTABLISHED)
		s->state = NET_TCP_FIN_WAIT_1;
	else if (s->state == NET_TCP_CLOSE_WAIT)
		s->state = NET_TCP_LAST_ACK;
	/* SYN-RECEIVED: FIN-WAIT-1 once the handshake is over (RFC 9293 3.10.4). */
}

int tcp_shutdown(struct netstack *ns, struct net_sock *s, int how)
{
	if (s->state < NET_TCP_SYN_RECEIVED)
		return -ENOTCONN;
	if (how & NET_SHUT_RD)
		s->flags |= SF_RD_SHUT;
	if ((how & NET_SHUT_WR) && !s->tcb.fin_queued &&
	    (s->state == NET_TCP_ESTABLISHED || s->state == NET_TCP_CLOSE_WAIT ||
	     s->state == NET_TCP_SYN_RECEIVED)) {
		tcp_queue_fin(s);
		tcp_output(ns, s);
	}
	return 0;
}

void tcp_close(struct netstack *ns, struct net_sock *s, int abort)
{
	struct net_tcb *t = &s->tcb;
	switch (s->state) {
	case NET_TCP_LISTEN:
		tcp_listener_close(ns, s);
		sock_free(ns, s);
		return;
	case NET_TCP_CLOSED:
	case NET_TCP_SYN_SENT:
		sock_free(ns, s);
		return;
	case NET_TCP_TIME_WAIT:
		tw_add(ns, s, t->state_at - ns->now);
		sock_free(ns, s);
		return;
	default:
		break;
	}
	s->flags |= SF_ORPHAN;
	/* RFC 1122 4.2.2.13: closing with data unread loses data, and the
	 * peer should know: RST rather than FIN. */
	if (abort || tcp_readable(t) > 0) {
		tcp_xmit(ns, s, t->snd_nxt, 0, TCP_RST | TCP_ACK);
		ns->st.tcp.conn_aborts++;
		tcp_drop(ns, s, 0);
		return;
	}
	if (!t->fin_queued)
		tcp_queue_fin(s);
	if (s->state == NET_TCP_FIN_WAIT_2) {
		t->state_at = ns->now + NET_TCP_FIN2_MS;
		t->state_timer_on = 1;
	}
	tcp_output(ns, s);
}

unsigned tcp_poll(const struct net_sock *s)
{
	const struct net_tcb *t = &s->tcb;
	unsigned b = s->error ? NET_POLL_ERR : 0;
	switch (s->state) {
	case NET_TCP_LISTEN:
		return b | (s->nacc ? NET_POLL_IN : 0);
	case NET_TCP_CLOSED:
		if (!s->rport && !s->error)
			return 0; /* never connected: nothing to report */
		return b | NET_POLL_IN | NET_POLL_OUT | NET_POLL_HUP;
	case NET_TCP_SYN_SENT:
	case NET_TCP_SYN_RECEIVED:
		return b;
	default:
		if (tcp_readable(t) || t->fin_rcvd || (s->flags & SF_RD_SHUT))
			b |= NET_POLL_IN;
		if (t->fin_queued || t->tx_len < NET_SOCK_TXBUF)
			b |= NET_POLL_OUT;
		if (t->fin_rcvd && t->fin_queued)
			b |= NET_POLL_HUP;
		return b;
	}
}
