/* The socket table and the socket calls of net.h: checks common to every
 * type, then the work handed to tcp.c, udp.c or icmp.c. */
#include "core.h"

/* --- the table ----------------------------------------------------------------- */

/* A socket the caller may name: in use, not yet closed by its user, and
 * not waiting in a listener's accept queue (its id is not handed out). */
struct net_sock *sock_get(struct netstack *ns, int id)
{
	if (!ns->inited || id < 0 || id >= NET_MAX_SOCKETS)
		return NULL;
	struct net_sock *s = &ns->sock[id];
	if (!s->type || (s->flags & SF_ORPHAN) || s->parent >= 0)
		return NULL;
	return s;
}

int sock_id(const struct netstack *ns, const struct net_sock *s)
{
	return (int)(s - ns->sock);
}

/* Clears everything but the buffers: whatever a new owner reads there is
 * covered by the lengths, which are zero. */
void sock_free(struct netstack *ns, struct net_sock *s)
{
	(void)ns;
	memset(s, 0, offsetof(struct net_sock, rx));
	s->parent = -1;
}

void ring_put(uint8_t *ring, uint32_t mask, uint32_t pos, const uint8_t *src, uint32_t len)
{
	pos &= mask;
	uint32_t first = min_u32(len, mask + 1 - pos);
	memcpy(ring + pos, src, first);
	memcpy(ring, src + first, len - first);
}

void ring_get(const uint8_t *ring, uint32_t mask, uint32_t pos, uint8_t *dst, uint32_t len)
{
	pos &= mask;
	uint32_t first = min_u32(len, mask + 1 - pos);
	memcpy(dst, ring + pos, first);
	memcpy(dst + first, ring, len - first);
}

/* Whether bind(port) would clash. TCP sockets that already have a peer do
 * not: their 4-tuples keep them apart, and a server restarted while its
 * old connections finish can listen again at once (as with SO_REUSEADDR,
 * which is what servers set anyway). */
int port_in_use(const struct netstack *ns, int type, uint16_t port, const struct net_sock *self)
{
	for (int i = 0; i < NET_MAX_SOCKETS; i++) {
		const struct net_sock *s = &ns->sock[i];
		if (s == self || s->type != type || !(s->flags & SF_BOUND) || s->lport != port)
			continue;
		if (type != NET_SOCK_STREAM || s->state == NET_TCP_LISTEN || !s->rport)
			return 1;
	}
	return 0;
}

/* A port no socket of the type uses at all (and, for TCP, no TIME-WAIT
 * entry), so that a new connection's 4-tuple is certainly fresh. */
uint16_t port_ephemeral(struct netstack *ns, int type)
{
	for (uint32_t tries = 0; tries < 65536 - NET_EPHEMERAL_LO; tries++) {
		uint16_t p = ns->next_port;
		ns->next_port = p == 65535 ? NET_EPHEMERAL_LO : (uint16_t)(p + 1);
		int used = 0;
		for (int i = 0; i < NET_MAX_SOCKETS && !used; i++)
			used = ns->sock[i].type == type && ns->sock[i].lport == p;
		for (int i = 0; i < NET_TW_MAX && !used && type == NET_SOCK_STREAM; i++)
			used = ns->tw[i].used && ns->tw[i].lport == p;
		if (!used)
			return p;
	}
	return 0;
}

unsigned sock_poll(const struct netstack *ns, const struct net_sock *s)
{
	(void)ns;
	if (s->type == NET_SOCK_STREAM)
		return tcp_poll(s);
	return NET_POLL_OUT | (s->q_len ? NET_POLL_IN : 0);
}

/* --- the calls ------------------------------------------------------------------- */

int net_socket(struct netstack *ns, int type, uint32_t owner)
{
	if (!ns->inited)
		return -ENETDOWN;
	if (type != NET_SOCK_STREAM && type != NET_SOCK_DGRAM && type != NET_SOCK_ICMP)
		return -EPROTONOSUPPORT;
	for (int i = 0; i < NET_MAX_SOCKETS; i++) {
		struct net_sock *s = &ns->sock[i];
		if (s->type)
			continue;
		sock_free(ns, s);
		s->type = (uint8_t)type;
		s->owner = owner;
		s->state = NET_TCP_CLOSED;
		if (type == NET_SOCK_ICMP) {
			/* The echo identifier: unique among ICMP sockets. */
			for (int tries = 0; tries < 65536; tries++) {
				uint16_t id = ns->next_icmp_id++;
				if (!port_in_use(ns, NET_SOCK_ICMP, id, s)) {
					s->lport = id;
					break;
				}
			}
			s->flags |= SF_BOUND;
		}
		return i;
	}
	return -EMFILE;
}

int net_bind(struct netstack *ns, int id, uint32_t ip, uint16_t port)
{
	struct net_sock *s = sock_get(ns, id);
	if (!s)
		return -EBADF;
	if (ip && ip != ns->cfg.ip)
		return -EADDRNOTAVAIL;
	if ((s->flags & SF_BOUND) && s->type != NET_SOCK_ICMP)
		return -EINVAL;
	if (s->type == NET_SOCK_STREAM && s->state != NET_TCP_CLOSED)
		return -EINVAL;
	if (port == 0 && s->type != NET_SOCK_ICMP) {
		port = port_ephemeral(ns, s->type);
		if (!port)
			return -EADDRINUSE;
	} else if (port_in_use(ns, s->type, port, s)) {
		return -EADDRINUSE;
	}
	s->lip = ip;
	s->lport = port;
	s->flags |= SF_BOUND;
	return 0;
}

int net_listen(struct netstack *ns, int id, int backlog)
{
	struct net_sock *s = sock_get(ns, id);
	if (!s)
		return -EBADF;
	if (s->type != NET_SOCK_STREAM)
		return -EOPNOTSUPP;
	net_enter(ns);
	int r = tcp_listen(ns, s, backlog);
	net_leave(ns);
	return r;
}

int net_accept(struct netstack *ns, int id, uint32_t owner, uint32_t *ip, uint16_t *port)
{
	struct net_sock *s = sock_get(ns, id);
	if (!s)
		return -EBADF;
	if (s->type != NET_SOCK_STREAM)
		return -EOPNOTSUPP;
	net_enter(ns);
	int r = tcp_accept(ns, s, owner, ip, port);
	net_leave(ns);
	return r;
}

int net_connect(struct netstack *ns, int id, uint32_t ip, uint16_t port)
{
	struct net_sock *s = sock_get(ns, id);
	if (!s)
		return -EBADF;
	if (s->type != NET_SOCK_STREAM)
		return -EOPNOTSUPP;
	net_enter(ns);
	int r = tcp_connect(ns, s, ip, port);
	net_leave(ns);
	return r;
}

int net_send(struct netstack *ns, int id, const void *buf, uint32_t len)
{
	struct net_sock *s = sock_get(ns, id);
	if (!s)
		return -EBADF;
	if (s->type != NET_SOCK_STREAM)
		return -EDESTADDRREQ;
	if (len > 0x7FFFFFFF)
		len = 0x7FFFFFFF;
	net_enter(ns);
	int r = tcp_send(ns, s, buf, len);
	net_leave(ns);
	return r;
}

int net_recv(struct netstack *ns, int id, void *buf, uint32_t len)
{
	return net_recvfrom(ns, id, buf, len, NULL, NULL);
}

int net_sendto(struct netstack *ns, int id, const void *buf, uint32_t len, uint32_t ip,
	       uint16_t port)
{
	struct net_sock *s = sock_get(ns, id);
	int r;
	if (!s)
		return -EBADF;
	net_enter(ns);
	if (s->type == NET_SOCK_DGRAM)
		r = udp_sendto(ns, s, buf, len, ip, port);
	else if (s->type == NET_SOCK_ICMP)
		r = icmp_sendto(ns, s, buf, len, ip);
	else
		r = -EISCONN;
	net_leave(ns);
	return r;
}

int net_recvfrom(struct netstack *ns, int id, void *buf, uint32_t len, uint32_t *ip, uint16_t *port)
{
	struct net_sock *s = sock_get(ns, id);
	int r;
	if (!s)
		return -EBADF;
	if (len > 0x7FFFFFFF)
		len = 0x7FFFFFFF;
	net_enter(ns);
	if (s->type == NET_SOCK_STREAM) {
		r = tcp_recv(ns, s, buf, len);
		if (ip)
			*ip = s->rip;
		if (port)
			*port = s->rport;
	} else {
		r = dgram_dequeue(s, buf, len, ip, port);
	}
	net_leave(ns);
	return r;
}

int net_shutdown(struct netstack *ns, int id, int how)
{
	struct net_sock *s = sock_get(ns, id);
	if (!s)
		return -EBADF;
	if (how < NET_SHUT_RD || how > NET_SHUT_RDWR)
		return -EINVAL;
	if (s->type != NET_SOCK_STREAM)
		return -ENOTCONN;
	net_enter(ns);
	int r = tcp_shutdown(ns, s, how);
	net_leave(ns);
	return r;
}

static int close_common(struct netstack *ns, int id, int abort)
{
	struct net_sock *s = sock_get(ns, id);
	if (!s)
		return -EBADF;
	net_enter(ns);
	if (s->type == NET_SOCK_STREAM)
		tcp_close(ns, s, abort);
	else
		sock_free(ns, s);
	net_leave(ns);
	return 0;
}

int net_close(struct netstack *ns, int id)
{
	return close_common(ns, id, 0);
}

int net_abort(struct netstack *ns, int id)
{
	return close_common(ns, id, 1);
}

unsigned net_poll(struct netstack *ns, int id)
{
	struct net_sock *s = sock_get(ns, id);
	return s ? sock_poll(ns, s) : 0;
}

int net_sockinfo(struct netstack *ns, int id, struct net_sockinfo *o)
{
	struct net_sock *s = sock_get(ns, id);
	if (!s)
		return -EBADF;
	const struct net_tcb *t = &s->tcb;
	memset(o, 0, sizeof(*o));
	o->type = s->type;
	o->state = s->state;
	o->owner = s->owner;
	o->local_ip = s->lip;
	o->local_port = s->lport;
	o->peer_ip = s->rip;
	o->peer_port = s->rport;
	o->error = s->error ? -s->error : 0;
	if (s->type != NET_SOCK_STREAM) {
		o->rx_queued = s->q_len;
		return 0;
	}
	if (s->state >= NET_TCP_SYN_RECEIVED) {
		o->rx_queued = t->rcv_nxt - t->rd_seq - (t->fin_rcvd ? 1 : 0);
		o->rcv_wnd = t->rcv_adv - t->rcv_nxt;
	}
	o->tx_queued = t->tx_len;
	o->srtt_ms = t->srtt_us / 1000;
	o->rttvar_ms = t->rttvar_us / 1000;
	o->rto_ms = t->rto_ms;
	o->cwnd = t->cwnd;
	o->ssthresh = t->ssthresh;
	o->snd_wnd = t->snd_wnd;
	o->mss = t->mss;
	o->retransmits = t->retransmits;
	o->snd_wscale = t->snd_wscale;
	o->rcv_wscale = t->rcv_wscale;
	o->wscale_on = t->rcv_wscale != 0;
	return 0;
}

int net_setopt(struct netstack *ns, int id, int opt, int val)
{
	struct net_sock *s = sock_get(ns, id);
	if (!s)
		return -EBADF;
	if (opt != NET_OPT_NODELAY || s->type != NET_SOCK_STREAM)
		return -EINVAL;
	net_enter(ns);
	if (val)
		s->flags |= SF_NODELAY;
	else
		s->flags &= (uint8_t)~SF_NODELAY;
	if (s->state >= NET_TCP_ESTABLISHED)
		tcp_output(ns, s);
	net_leave(ns);
	return 0;
}

int net_close_owner(struct netstack *ns, uint32_t owner)
{
	int n = 0;
	for (int i = 0; i < NET_MAX_SOCKETS; i++) {
		struct net_sock *s = sock_get(ns, i);
		if (s && s->owner == owner && net_close(ns, i) == 0)
			n++;
	}
	return n;
}
