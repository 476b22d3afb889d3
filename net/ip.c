/* IPv4 (RFC 791) for a host (RFC 1122 3): header checks, no forwarding, no
 * fragmentation or reassembly, options skipped; and the loopback path for
 * packets to our own address. */
#include "core.h"

#define IP_MF      0x2000
#define IP_OFFMASK 0x1FFF

static void ip_dispatch(struct netstack *ns, const uint8_t *p, uint32_t len, int l2_bcast,
			int local)
{
	ns->st.ip.rx_packets++;
	if (len < IP_HLEN) {
		ns->st.ip.rx_bad_header++;
		return;
	}
	uint32_t hlen = (uint32_t)(p[0] & 0x0F) * 4;
	if ((p[0] >> 4) != 4 || hlen < IP_HLEN || hlen > len) {
		ns->st.ip.rx_bad_header++;
		return;
	}
	/* The frame may be longer (Ethernet padding), never shorter. */
	uint32_t total = rd16(p + 2);
	if (total < hlen || total > len) {
		ns->st.ip.rx_bad_length++;
		return;
	}
	if (csum_fold(csum_add(0, p, hlen)) != 0) {
		ns->st.ip.rx_bad_checksum++;
		return;
	}
	struct ip_info ip = {.hdr = p, .hlen = hlen, .src = rd32(p + 12), .dst = rd32(p + 16)};
	/* RFC 1122 3.2.1.3: a source that cannot be a host is discarded; our
	 * own address from the wire is someone else's mistake. */
	if (!addr_is_unicast(ns, ip.src) || (!local && ip.src == ns->cfg.ip)) {
		ns->st.ip.rx_bad_src++;
		return;
	}
	/* RFC 1122 3.3.6: a unicast datagram in a link-layer broadcast is
	 * discarded, as is anything not for us (we do not forward). */
	if (addr_is_bcast(ns, ip.dst)) {
		ip.bcast = 1;
	} else if (ip.dst != ns->cfg.ip || !ns->cfg.ip || l2_bcast) {
		ns->st.ip.rx_not_ours++;
		return;
	}
	uint16_t frag = rd16(p + 6);
	if ((frag & IP_MF) || (frag & IP_OFFMASK)) {
		ns->st.ip.rx_fragments++;
		return;
	}
	const uint8_t *payload = p + hlen;
	uint32_t plen = total - hlen;
	switch (p[9]) {
	case IPPROTO_ICMP:
		ns->st.ip.rx_delivered++;
		icmp_input(ns, &ip, payload, plen);
		break;
	case IPPROTO_UDP:
		ns->st.ip.rx_delivered++;
		udp_input(ns, &ip, payload, plen);
		break;
	case IPPROTO_TCP:
		ns->st.ip.rx_delivered++;
		tcp_input(ns, &ip, payload, plen);
		break;
	default:
		ns->st.ip.rx_unknown_proto++;
		icmp_unreach(ns, &ip, 2 /* protocol unreachable */, total);
		break;
	}
}

void ip_input(struct netstack *ns, const uint8_t *p, uint32_t len, int l2_bcast)
{
	ip_dispatch(ns, p, len, l2_bcast, 0);
}

int ip_route_ok(const struct netstack *ns, uint32_t dst)
{
	if (dst == ns->cfg.ip && dst)
		return 1;
	if (addr_is_bcast(ns, dst))
		return 1;
	if (!addr_is_unicast(ns, dst))
		return 0;
	return ((dst ^ ns->cfg.ip) & ns->cfg.netmask) == 0 || ns->cfg.gateway != 0;
}

static void ip_loop_queue(struct netstack *ns, uint32_t len)
{
	for (int i = 0; i < NET_LOOP_QUEUE; i++) {
		struct net_pkt *q = &ns->loop[i];
		if (!q->len) {
			memcpy(q->frame, ns->frame + ETH_HLEN, len);
			q->len = (uint16_t)len;
			q->age = ns->pkt_age++;
			ns->st.ip.loopback++;
			return;
		}
	}
	ns->st.ip.loop_drops++;
}

/* Delivered from the outermost call's end (net_leave) and from net_timer,
 * never from inside another packet's processing: a TCP segment to
 * ourselves would otherwise be handled while its sender's state is
 * half-updated. */
void ip_loop_run(struct netstack *ns, int max)
{
	while (max-- > 0) {
		struct net_pkt *oldest = NULL;
		for (int i = 0; i < NET_LOOP_QUEUE; i++) {
			struct net_pkt *q = &ns->loop[i];
			if (q->len && (!oldest || seq_lt(q->age, oldest->age)))
				oldest = q;
		}
		if (!oldest)
			return;
		/* Its slot stays taken while it is processed, so the answers
		 * it causes cannot overwrite it. */
		ip_dispatch(ns, oldest->frame, oldest->len, 0, 1);
		oldest->len = 0;
	}
}

int ip_send(struct netstack *ns, uint32_t dst, uint8_t proto, uint32_t len)
{
	if (len + IP_HLEN > NET_MTU) {
		ns->st.ip.tx_too_big++;
		return -EMSGSIZE;
	}
	uint32_t hop;
	if (addr_is_bcast(ns, dst) || (dst == ns->cfg.ip && dst)) {
		hop = dst;
	} else if (!addr_is_unicast(ns, dst)) {
		ns->st.ip.tx_no_route++;
		return -ENETUNREACH;
	} else if (((dst ^ ns->cfg.ip) & ns->cfg.netmask) == 0) {
		hop = dst;
	} else if (ns->cfg.gateway) {
		hop = ns->cfg.gateway;
	} else {
		ns->st.ip.tx_no_route++;
		return -ENETUNREACH;
	}
	uint8_t *h = ns->frame + ETH_HLEN;
	h[0] = 0x45; /* version 4, 5 words: no options */
	h[1] = 0;
	wr16(h + 2, (uint16_t)(IP_HLEN + len));
	wr16(h + 4, ns->ip_id++);
	/* DF stays clear: without path MTU discovery (RFC 1191) a router on
	 * a smaller link should fragment rather than drop. */
	wr16(h + 6, 0);
	h[8] = IP_TTL;
	h[9] = proto;
	wr16(h + 10, 0);
	wr32(h + 12, ns->cfg.ip);
	wr32(h + 16, dst);
	wr16(h + 10, csum_fold(csum_add(0, h, IP_HLEN)));
	ns->st.ip.tx_packets++;
	if (hop == ns->cfg.ip)
		ip_loop_queue(ns, IP_HLEN + len);
	else
		arp_output(ns, hop, IP_HLEN + len);
	return 0;
}
