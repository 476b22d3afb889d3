/* UDP (RFC 768), and the datagram queue that UDP and ICMP sockets share. */
#include "core.h"

#define DGRAM_HDR 8 /* queue record: length, port, address */

int dgram_enqueue(struct net_sock *s, const uint8_t *data, uint32_t len, uint32_t ip, uint16_t port)
{
	uint8_t h[DGRAM_HDR];
	if (s->q_len + DGRAM_HDR + len > NET_SOCK_RXBUF)
		return -ENOBUFS;
	wr16(h, (uint16_t)len);
	wr16(h + 2, port);
	wr32(h + 4, ip);
	uint32_t pos = (s->q_head + s->q_len) & RX_MASK;
	ring_put(s->rx, RX_MASK, pos, h, DGRAM_HDR);
	ring_put(s->rx, RX_MASK, (pos + DGRAM_HDR) & RX_MASK, data, len);
	s->q_len += DGRAM_HDR + len;
	return 0;
}

/* A datagram longer than buf is cut, and its rest dropped, as recvfrom
 * on a datagram socket does. */
int dgram_dequeue(struct net_sock *s, uint8_t *buf, uint32_t len, uint32_t *ip, uint16_t *port)
{
	uint8_t h[DGRAM_HDR];
	if (!s->q_len)
		return -EAGAIN;
	ring_get(s->rx, RX_MASK, s->q_head, h, DGRAM_HDR);
	uint32_t dlen = rd16(h);
	uint32_t n = min_u32(dlen, len);
	ring_get(s->rx, RX_MASK, (s->q_head + DGRAM_HDR) & RX_MASK, buf, n);
	s->q_head = (s->q_head + DGRAM_HDR + dlen) & RX_MASK;
	s->q_len -= DGRAM_HDR + dlen;
	if (ip)
		*ip = rd32(h + 4);
	if (port)
		*port = rd16(h + 2);
	return (int)n;
}

void udp_input(struct netstack *ns, const struct ip_info *ip, const uint8_t *p, uint32_t len)
{
	ns->st.udp.rx_datagrams++;
	if (len < UDP_HLEN) {
		ns->st.udp.rx_bad_length++;
		return;
	}
	uint32_t ulen = rd16(p + 4);
	if (ulen < UDP_HLEN || ulen > len) {
		ns->st.udp.rx_bad_length++;
		return;
	}
	/* A zero checksum means the sender computed none (RFC 768). */
	if (rd16(p + 6) != 0) {
		uint32_t sum = csum_pseudo(ip->src, ip->dst, IPPROTO_UDP, ulen);
		if (csum_fold(csum_add(sum, p, ulen)) != 0) {
			ns->st.udp.rx_bad_checksum++;
			return;
		}
	}
	uint16_t sport = rd16(p), dport = rd16(p + 2);
	for (int i = 0; i < NET_MAX_SOCKETS; i++) {
		struct net_sock *s = &ns->sock[i];
		if (s->type != NET_SOCK_DGRAM || !(s->flags & SF_BOUND) || s->lport != dport)
			continue;
		if (s->lip && s->lip != ip->dst)
			continue;
		if (dgram_enqueue(s, p + UDP_HLEN, ulen - UDP_HLEN, ip->src, sport) < 0)
			ns->st.udp.rx_queue_full++;
		return;
	}
	ns->st.udp.rx_no_port++;
	icmp_unreach(ns, ip, 3 /* port unreachable */, rd16(ip->hdr + 2));
}

int udp_sendto(struct netstack *ns, struct net_sock *s, const uint8_t *buf, uint32_t len,
	       uint32_t ip, uint16_t port)
{
	if (len > NET_UDP_MAX)
		return -EMSGSIZE;
	if (port == 0)
		return -EINVAL;
	if (!ip_route_ok(ns, ip))
		return -ENETUNREACH;
	if (!(s->flags & SF_BOUND)) {
		uint16_t p = port_ephemeral(ns, NET_SOCK_DGRAM);
		if (!p)
			return -EADDRNOTAVAIL;
		s->lport = p;
		s->flags |= SF_BOUND;
	}
	uint8_t *u = ip_payload(ns);
	uint32_t ulen = UDP_HLEN + len;
	wr16(u, s->lport);
	wr16(u + 2, port);
	wr16(u + 4, (uint16_t)ulen);
	wr16(u + 6, 0);
	memcpy(u + UDP_HLEN, buf, len);
	uint16_t c = csum_fold(csum_add(csum_pseudo(ns->cfg.ip, ip, IPPROTO_UDP, ulen), u, ulen));
	wr16(u + 6, c ? c : 0xFFFF); /* RFC 768: a computed zero is sent as all ones */
	int r = ip_send(ns, ip, IPPROTO_UDP, ulen);
	if (r < 0)
		return r;
	ns->st.udp.tx_datagrams++;
	return (int)len;
}
