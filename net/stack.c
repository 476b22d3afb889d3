/* The stack as a whole: initialisation, the Ethernet layer, the checksum,
 * the clock, timers, and readiness events. */
#include "core.h"

static const uint8_t eth_bcast[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

/* --- entry and exit -------------------------------------------------------- */

void net_enter(struct netstack *ns)
{
	if (ns->depth++ == 0)
		ns->now = ns->cfg.clock(ns->cfg.ctx);
}

/* Events are reported here, at the end of the outermost call, rather than
 * where they happen: in the middle of a segment's processing the stack is
 * not in a state the glue may call into. Comparing each socket's readiness
 * with what was last reported also means no place that changes readiness
 * can forget to say so. The glue may call back in from sock_event; that
 * can change other sockets (or deliver looped-back packets), so the scan
 * repeats, a bounded number of times: what is left is reported at the end
 * of the next call. */
void net_leave(struct netstack *ns)
{
	if (ns->depth == 1) {
		for (int pass = 0; pass < 4; pass++) {
			int any = 0;
			ip_loop_run(ns, 4 * NET_LOOP_QUEUE);
			for (int i = 0; i < NET_MAX_SOCKETS; i++) {
				struct net_sock *s = &ns->sock[i];
				if (!s->type)
					continue;
				/* Not yet accepted, or closed: the glue does not know
				 * this id. Nothing counts as reported, so accept's own
				 * return reports what is pending by then. */
				if (s->parent >= 0 || (s->flags & SF_ORPHAN)) {
					s->reported = 0;
					continue;
				}
				unsigned bits = sock_poll(ns, s);
				unsigned rise = bits & ~(unsigned)s->reported;
				s->reported = (uint8_t)bits;
				if (rise && ns->cfg.sock_event) {
					any = 1;
					ns->cfg.sock_event(ns->cfg.ctx, i, rise);
				}
			}
			if (!any)
				break;
		}
	}
	ns->depth--;
}

/* --- helpers ------------------------------------------------------------------ */

/* The Internet checksum (RFC 1071) in three pieces, so that a header and
 * its payload, or the pseudo-header and a segment, can be summed without
 * copying them together: csum_add sums, csum_fold finishes. */
uint32_t csum_add(uint32_t sum, const uint8_t *p, uint32_t len)
{
	/* LAB 7: BEGIN
	 * Add the len bytes at p to the running sum, as big-endian 16-bit
	 * words (p[0] is the high byte of the first word), and return the
	 * new sum (RFC 1071 4.1 has it in C). An odd last byte is the high
	 * byte of a word whose low byte is zero (RFC 1071 2.(1)). Keep the
	 * carries in the upper half of the 32-bit sum: csum_fold adds them
	 * back. The sum may be folded here too (that keeps its value).
	 * STUB: (void)p;
	 * STUB: (void)len;
	 * STUB: return sum;
	 */
	uint32_t i = 0;
	for (; i + 1 < len; i += 2)
		sum += (uint32_t)((p[i] << 8) | p[i + 1]);
	if (i < len)
		sum += (uint32_t)p[i] << 8; /* RFC 1071 2.(1): pad with a zero byte */
	return sum;
	/* LAB 7: END */
}

uint16_t csum_fold(uint32_t sum)
{
	/* LAB 7: BEGIN
	 * Turn the running sum into the checksum field's value: add the
	 * carries (the upper 16 bits) back into the lower 16 until none is
	 * left (one pass can make a new carry: 0x1FFFF is 0xFFFF + 1, which
	 * is 0x10000), and return the one's complement of the result. Over
	 * a message whose checksum field is right the result is 0.
	 * STUB: (void)sum;
	 * STUB: return 0xFFFF;
	 */
	while (sum >> 16)
		sum = (sum & 0xFFFF) + (sum >> 16);
	return (uint16_t)~sum;
	/* LAB 7: END */
}

uint32_t csum_pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint32_t len)
{
	/* LAB 7: BEGIN
	 * The running sum of the pseudo-header that UDP and TCP put before
	 * their segment when they sum it (RFC 768, RFC 9293 3.1): the source
	 * and destination addresses (host byte order here: each is two
	 * 16-bit words), a zero byte and the protocol number (one word), and
	 * the UDP or TCP length (header and data). Return it unfolded, as
	 * csum_add does; it is the sum csum_add then starts from.
	 * STUB: (void)src;
	 * STUB: (void)dst;
	 * STUB: (void)proto;
	 * STUB: (void)len;
	 * STUB: return 0;
	 */
	return (src >> 16) + (src & 0xFFFF) + (dst >> 16) + (dst & 0xFFFF) + proto + len;
	/* LAB 7: END */
}

/* Not cryptographic (there is no source of good randomness here), but it
 * makes ISNs and ports depend on a secret, as RFC 6528 asks. */
uint32_t net_hash(uint32_t a, uint32_t b, uint32_t c)
{
	uint32_t h = a * 0x9E3779B1u ^ b;
	h ^= h >> 15;
	h *= 0x85EBCA77u;
	h ^= c;
	h ^= h >> 13;
	h *= 0xC2B2AE3Du;
	h ^= h >> 16;
	return h;
}

int addr_is_bcast(const struct netstack *ns, uint32_t ip)
{
	if (ip == IP_BROADCAST)
		return 1;
	/* The subnet's broadcast, unless the mask leaves no host part. */
	return ns->cfg.netmask != IP_BROADCAST && ns->cfg.netmask &&
	       (ip & ~ns->cfg.netmask) == ~ns->cfg.netmask &&
	       (ip & ns->cfg.netmask) == (ns->cfg.ip & ns->cfg.netmask);
}

/* RFC 1122 3.2.1.3: 0, broadcasts, 127/8, class D (multicast) and E are
 * never a host's address. */
int addr_is_unicast(const struct netstack *ns, uint32_t ip)
{
	uint8_t top = (uint8_t)(ip >> 24);
	return ip != 0 && top != 127 && top < 224 && !addr_is_bcast(ns, ip);
}

int timer_check(struct netstack *ns, uint32_t deadline, uint32_t *next)
{
	if (!next)
		return time_due(deadline, ns->now);
	int32_t left = (int32_t)(deadline - ns->now);
	uint32_t ms = left <= 0 ? 0 : (uint32_t)left;
	if (ms < *next)
		*next = ms;
	return 0;
}

/* --- Ethernet II ---------------------------------------------------------------- */

void eth_send(struct netstack *ns, uint8_t *frame, const uint8_t dst[6], uint16_t type,
	      uint32_t payload_len)
{
	uint32_t len = ETH_HLEN + payload_len;
	memcpy(frame, dst, 6);
	memcpy(frame + 6, ns->cfg.mac, 6);
	wr16(frame + 12, type);
	if (len < ETH_MIN_FRAME) {
		/* IEEE 802.3 minimum: padding, which IP's total length ignores. */
		memset(frame + len, 0, ETH_MIN_FRAME - len);
		len = ETH_MIN_FRAME;
	}
	if (ns->cfg.tx(ns->cfg.ctx, frame, len) < 0) {
		ns->st.eth.tx_errors++;
		return;
	}
	ns->st.eth.tx_frames++;
	ns->st.eth.tx_bytes += len;
}

void net_input(struct netstack *ns, const void *frame, uint32_t len)
{
	const uint8_t *p = frame;
	if (!ns->inited || !frame)
		return;
	net_enter(ns);
	ns->st.eth.rx_frames++;
	ns->st.eth.rx_bytes += len;
	if (len < ETH_HLEN) {
		ns->st.eth.rx_runt++;
	} else if (len > NET_FRAME_MAX) {
		ns->st.eth.rx_oversize++;
	} else {
		int bcast = memcmp(p, eth_bcast, 6) == 0;
		uint16_t type = rd16(p + 12);
		if (!bcast && memcmp(p, ns->cfg.mac, 6) != 0)
			ns->st.eth.rx_not_ours++;
		else if (type == ETHERTYPE_IPV4)
			ip_input(ns, p + ETH_HLEN, len - ETH_HLEN, bcast);
		else if (type == ETHERTYPE_ARP)
			arp_input(ns, p + ETH_HLEN, len - ETH_HLEN);
		else
			ns->st.eth.rx_unknown_type++;
	}
	net_leave(ns);
}

/* --- timers ----------------------------------------------------------------------- */

/* One list of timers serves both calls: with next == NULL each layer runs
 * what is due; otherwise it only lowers *next to its deadlines. */
static void timers(struct netstack *ns, uint32_t *next)
{
	arp_timer(ns, next);
	tcp_timer(ns, next);
	for (int i = 0; i < NET_LOOP_QUEUE && next; i++)
		if (ns->loop[i].len)
			*next = 0;
}

void net_timer(struct netstack *ns)
{
	if (!ns->inited)
		return;
	net_enter(ns);
	timers(ns, NULL);
	net_leave(ns);
}

uint32_t net_next_timer(struct netstack *ns)
{
	uint32_t next = NET_NO_TIMER;
	if (!ns->inited)
		return next;
	net_enter(ns);
	timers(ns, &next);
	net_leave(ns);
	return next;
}

/* --- set-up ------------------------------------------------------------------------ */

int net_init(struct netstack *ns, const struct net_config *cfg)
{
	uint32_t host = ~cfg->netmask;
	if (!cfg->tx || !cfg->clock || (cfg->mac[0] & 1) || (host & (host + 1)) != 0)
		return -EINVAL;
	memset(ns, 0, sizeof(*ns));
	ns->cfg = *cfg;
	ns->secret = net_hash(cfg->seed, cfg->ip, (uint32_t)cfg->mac[5] << 8 | cfg->mac[4]);
	ns->next_port = (uint16_t)(NET_EPHEMERAL_LO + ns->secret % (65536 - NET_EPHEMERAL_LO));
	ns->next_icmp_id = (uint16_t)(ns->secret >> 16);
	ns->ip_id = (uint16_t)(ns->secret >> 8);
	ns->icmp_tokens = ICMP_ERR_BURST;
	ns->icmp_refill_at = cfg->clock(cfg->ctx);
	for (int i = 0; i < NET_MAX_SOCKETS; i++)
		ns->sock[i].parent = -1;
	ns->inited = 1;
	return 0;
}

void net_get_stats(struct netstack *ns, struct net_stats *out)
{
	*out = ns->st;
}
