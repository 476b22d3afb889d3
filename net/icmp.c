/* ICMP (RFC 792) as a host needs it (RFC 1122 3.2.2): echo answered,
 * echo replies handed to ICMP sockets (ping), destination unreachable sent
 * (rate-limited) and, for TCP, acted on. */
#include "core.h"

#define ICMP_ECHO_REPLY   0
#define ICMP_UNREACH      3
#define ICMP_ECHO_REQUEST 8

static int icmp_err_allowed(struct netstack *ns)
{
	uint32_t elapsed = ns->now - ns->icmp_refill_at;
	if ((int32_t)elapsed < 0)
		elapsed = 0;
	uint32_t add = elapsed / ICMP_ERR_INTERVAL_MS;
	if (ns->icmp_tokens + add >= ICMP_ERR_BURST) {
		ns->icmp_tokens = ICMP_ERR_BURST;
		ns->icmp_refill_at = ns->now;
	} else {
		ns->icmp_tokens += add;
		ns->icmp_refill_at += add * ICMP_ERR_INTERVAL_MS;
	}
	if (!ns->icmp_tokens) {
		ns->st.icmp.rate_limited++;
		return 0;
	}
	ns->icmp_tokens--;
	return 1;
}

static void icmp_send(struct netstack *ns, uint32_t dst, uint32_t len)
{
	uint8_t *p = ip_payload(ns);
	wr16(p + 2, 0);
	wr16(p + 2, csum_fold(csum_add(0, p, len)));
	if (ip_send(ns, dst, IPPROTO_ICMP, len) == 0)
		ns->st.icmp.tx_msgs++;
}

void icmp_unreach(struct netstack *ns, const struct ip_info *ip, uint8_t code, uint32_t total_len)
{
	if (ip->bcast || !addr_is_unicast(ns, ip->src) || ip->hdr[9] == IPPROTO_ICMP)
		return;
	if (!icmp_err_allowed(ns))
		return;
	/* RFC 792: the header and the first 64 bits of the datagram. */
	uint32_t quote = min_u32(total_len, ip->hlen + 8);
	uint8_t *p = ip_payload(ns);
	p[0] = ICMP_UNREACH;
	p[1] = code;
	memset(p + 2, 0, 6);
	memcpy(p + ICMP_HLEN, ip->hdr, quote);
	ns->st.icmp.tx_unreach++;
	icmp_send(ns, ip->src, ICMP_HLEN + quote);
}

static void icmp_echo_reply_in(struct netstack *ns, const struct ip_info *ip, const uint8_t *p,
			       uint32_t len)
{
	uint16_t id = rd16(p + 4);
	ns->st.icmp.rx_echo_replies++;
	for (int i = 0; i < NET_MAX_SOCKETS; i++) {
		struct net_sock *s = &ns->sock[i];
		if (s->type == NET_SOCK_ICMP && s->lport == id) {
			if (dgram_enqueue(s, p, len, ip->src, 0) < 0)
				ns->st.icmp.rx_queue_full++;
			return;
		}
	}
	ns->st.icmp.rx_no_socket++;
}

/* The answer to an echo request: what ping measures. */
static void icmp_echo(struct netstack *ns, const struct ip_info *ip, const uint8_t *p, uint32_t len)
{
	/* LAB 7: BEGIN
	 * Answer the echo request at p (len bytes: the whole ICMP message,
	 * its checksum already checked) with an echo reply (RFC 792): build
	 * it in ip_payload(ns) (the send buffer, after room for the IP
	 * header): the request with type ICMP_ECHO_REPLY (0) and code 0, the
	 * identifier, sequence number and data unchanged, and a checksum
	 * computed again over the reply, with csum_add and csum_fold (the
	 * checksum field is zero while it is summed). Count it in
	 * ns->st.icmp.tx_echo_replies, and send it to where the request came
	 * from (ip->src) with ip_send, which writes the IP header (our
	 * address its source); count a send that returned 0 in tx_msgs.
	 * STUB: (void)ns;
	 * STUB: (void)ip;
	 * STUB: (void)p;
	 * STUB: (void)len;
	 */
	uint8_t *r = ip_payload(ns);
	memcpy(r, p, len);
	r[0] = ICMP_ECHO_REPLY;
	r[1] = 0;
	wr16(r + 2, 0);
	wr16(r + 2, csum_fold(csum_add(0, r, len)));
	ns->st.icmp.tx_echo_replies++;
	if (ip_send(ns, ip->src, IPPROTO_ICMP, len) == 0)
		ns->st.icmp.tx_msgs++;
	/* LAB 7: END */
}

void icmp_input(struct netstack *ns, const struct ip_info *ip, const uint8_t *p, uint32_t len)
{
	ns->st.icmp.rx_msgs++;
	if (len < ICMP_HLEN) {
		ns->st.icmp.rx_bad_length++;
		return;
	}
	if (csum_fold(csum_add(0, p, len)) != 0) {
		ns->st.icmp.rx_bad_checksum++;
		return;
	}
	switch (p[0]) {
	case ICMP_ECHO_REQUEST:
		/* RFC 1122 3.2.2.6 lets a host ignore echoes to a broadcast. */
		if (ip->bcast) {
			ns->st.icmp.rx_bcast_echo++;
			return;
		}
		ns->st.icmp.rx_echo_requests++;
		icmp_echo(ns, ip, p, len);
		break;
	case ICMP_ECHO_REPLY:
		icmp_echo_reply_in(ns, ip, p, len);
		break;
	case ICMP_UNREACH: {
		ns->st.icmp.rx_unreach++;
		/* The quoted datagram: an IPv4 header of ours and at least 8
		 * bytes of what followed it. */
		const uint8_t *in = p + ICMP_HLEN;
		uint32_t ilen = len - ICMP_HLEN;
		if (ilen < IP_HLEN || (in[0] >> 4) != 4)
			return;
		uint32_t ihl = (uint32_t)(in[0] & 0x0F) * 4;
		if (ihl < IP_HLEN || ilen < ihl + 8 || rd32(in + 12) != ns->cfg.ip)
			return;
		if (in[9] == IPPROTO_TCP)
			tcp_icmp_error(ns, p[1], in + ihl, ilen - ihl, rd32(in + 16));
		break;
	}
	default:
		ns->st.icmp.rx_other++;
		break;
	}
}

int icmp_sendto(struct netstack *ns, struct net_sock *s, const uint8_t *buf, uint32_t len,
		uint32_t ip)
{
	if (len < ICMP_HLEN || buf[0] != ICMP_ECHO_REQUEST || buf[1] != 0)
		return -EINVAL;
	if (len > NET_ICMP_MAX)
		return -EMSGSIZE;
	if (!ip_route_ok(ns, ip))
		return -ENETUNREACH;
	uint8_t *p = ip_payload(ns);
	memcpy(p, buf, len);
	wr16(p + 4, s->lport); /* the identifier is the socket's, as Linux's ping sockets do */
	wr16(p + 2, 0);
	wr16(p + 2, csum_fold(csum_add(0, p, len)));
	int r = ip_send(ns, ip, IPPROTO_ICMP, len);
	if (r < 0)
		return r;
	ns->st.icmp.tx_msgs++;
	return (int)len;
}
