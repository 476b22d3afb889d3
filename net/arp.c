/* ARP for IPv4 over Ethernet (RFC 826): a cache whose entries expire, a
 * request repeated a few times, and a small queue of packets waiting for
 * an answer. */
#include "core.h"

#define ARP_LEN     28
#define ARP_REQUEST 1
#define ARP_REPLY   2

static const uint8_t mac_bcast[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
static const uint8_t mac_zero[6];

static struct net_arp_entry *arp_find(struct netstack *ns, uint32_t ip)
{
	for (int i = 0; i < NET_ARP_ENTRIES; i++)
		if (ns->arp[i].state != ARP_FREE && ns->arp[i].ip == ip)
			return &ns->arp[i];
	return NULL;
}

static void queue_drop_for(struct netstack *ns, uint32_t ip)
{
	for (int i = 0; i < NET_ARP_QUEUE; i++)
		if (ns->arpq[i].len && ns->arpq[i].next_hop == ip) {
			ns->arpq[i].len = 0;
			ns->st.arp.queue_drops++;
		}
}

/* A free entry, or the one closest to its deadline: a resolved entry
 * about to expire is the cheapest to lose. */
static struct net_arp_entry *arp_alloc(struct netstack *ns, uint32_t ip)
{
	struct net_arp_entry *victim = NULL;
	for (int i = 0; i < NET_ARP_ENTRIES; i++) {
		struct net_arp_entry *e = &ns->arp[i];
		if (e->state == ARP_FREE) {
			victim = e;
			break;
		}
		if (!victim || seq_lt(e->timer, victim->timer))
			victim = e;
	}
	if (victim->state != ARP_FREE) {
		ns->st.arp.evicted++;
		if (victim->state == ARP_PENDING)
			queue_drop_for(ns, victim->ip);
	}
	memset(victim, 0, sizeof(*victim));
	victim->ip = ip;
	return victim;
}

static void arp_send(struct netstack *ns, uint16_t op, const uint8_t tha[6], uint32_t tpa,
		     const uint8_t dst[6])
{
	uint8_t *p = ns->frame + ETH_HLEN;
	wr16(p, 1); /* hardware: Ethernet */
	wr16(p + 2, ETHERTYPE_IPV4);
	p[4] = 6;
	p[5] = 4;
	wr16(p + 6, op);
	memcpy(p + 8, ns->cfg.mac, 6);
	wr32(p + 14, ns->cfg.ip);
	memcpy(p + 18, tha, 6);
	wr32(p + 24, tpa);
	if (op == ARP_REQUEST)
		ns->st.arp.tx_requests++;
	else
		ns->st.arp.tx_replies++;
	eth_send(ns, ns->frame, dst, ETHERTYPE_ARP, ARP_LEN);
}

static void arp_request(struct netstack *ns, struct net_arp_entry *e)
{
	e->tries++;
	e->timer = ns->now + NET_ARP_RETRY_MS;
	arp_send(ns, ARP_REQUEST, mac_zero, e->ip, mac_bcast);
}

/* The entry has just been resolved: send what waited for it, oldest first. */
static void arp_flush(struct netstack *ns, struct net_arp_entry *e)
{
	for (;;) {
		struct net_pkt *oldest = NULL;
		for (int i = 0; i < NET_ARP_QUEUE; i++) {
			struct net_pkt *q = &ns->arpq[i];
			if (q->len && q->next_hop == e->ip &&
			    (!oldest || seq_lt(q->age, oldest->age)))
				oldest = q;
		}
		if (!oldest)
			return;
		uint32_t len = oldest->len;
		oldest->len = 0;
		eth_send(ns, oldest->frame, e->mac, ETHERTYPE_IPV4, len - ETH_HLEN);
	}
}

static void arp_learn(struct netstack *ns, struct net_arp_entry *e, const uint8_t *mac)
{
	int was_pending = e->state == ARP_PENDING;
	memcpy(e->mac, mac, 6);
	e->state = ARP_RESOLVED;
	e->tries = 0;
	e->timer = ns->now + NET_ARP_TTL_MS;
	ns->st.arp.resolved++;
	if (was_pending)
		arp_flush(ns, e);
}

void arp_input(struct netstack *ns, const uint8_t *p, uint32_t len)
{
	if (len < ARP_LEN || rd16(p) != 1 || rd16(p + 2) != ETHERTYPE_IPV4 || p[4] != 6 ||
	    p[5] != 4) {
		ns->st.arp.rx_bad++;
		return;
	}
	uint16_t op = rd16(p + 6);
	const uint8_t *sha = p + 8;
	uint32_t spa = rd32(p + 14), tpa = rd32(p + 24);
	if (op == ARP_REQUEST) {
		ns->st.arp.rx_requests++;
	} else if (op == ARP_REPLY) {
		ns->st.arp.rx_replies++;
	} else {
		ns->st.arp.rx_bad++;
		return;
	}
	/* A multicast sender, our own MAC, or someone claiming our address
	 * (RFC 5227 would call that a conflict; we do not defend it). */
	if ((sha[0] & 1) || memcmp(sha, ns->cfg.mac, 6) == 0 || (spa && spa == ns->cfg.ip) ||
	    (spa && !addr_is_unicast(ns, spa))) {
		ns->st.arp.rx_bad++;
		return;
	}
	/* RFC 826's algorithm: update a sender we know, add one that asked
	 * for us, answer a request for us. */
	int merged = 0;
	struct net_arp_entry *e = spa ? arp_find(ns, spa) : NULL;
	if (e) {
		arp_learn(ns, e, sha);
		merged = 1;
	}
	if (ns->cfg.ip && tpa == ns->cfg.ip) {
		if (!merged && spa)
			arp_learn(ns, arp_alloc(ns, spa), sha);
		if (op == ARP_REQUEST)
			arp_send(ns, ARP_REPLY, sha, spa, sha);
	} else if (!merged) {
		ns->st.arp.rx_ignored++;
	}
}

void arp_output(struct netstack *ns, uint32_t next_hop, uint32_t len)
{
	if (addr_is_bcast(ns, next_hop)) {
		eth_send(ns, ns->frame, mac_bcast, ETHERTYPE_IPV4, len);
		return;
	}
	struct net_arp_entry *e = arp_find(ns, next_hop);
	if (e && e->state == ARP_RESOLVED && !time_due(e->timer, ns->now)) {
		eth_send(ns, ns->frame, e->mac, ETHERTYPE_IPV4, len);
		return;
	}
	if (!e) {
		e = arp_alloc(ns, next_hop);
		e->state = ARP_PENDING;
	} else if (e->state == ARP_RESOLVED) {
		/* Expired: ask again. */
		ns->st.arp.expired++;
		e->state = ARP_PENDING;
		e->tries = 0;
	}
	/* Keep the newest packets (RFC 1122 2.3.2.2 wants at least the last
	 * one kept): a full queue loses its oldest. */
	struct net_pkt *slot = NULL;
	for (int i = 0; i < NET_ARP_QUEUE; i++) {
		struct net_pkt *q = &ns->arpq[i];
		if (!q->len) {
			slot = q;
			break;
		}
		if (!slot || seq_lt(q->age, slot->age))
			slot = q;
	}
	if (slot->len)
		ns->st.arp.queue_drops++;
	slot->next_hop = next_hop;
	slot->age = ns->pkt_age++;
	slot->len = (uint16_t)(ETH_HLEN + len);
	memcpy(slot->frame, ns->frame, ETH_HLEN + len);
	ns->st.arp.queued++;
	/* The request overwrites ns->frame: the packet is safe in the queue. */
	if (e->tries == 0)
		arp_request(ns, e);
}

void arp_timer(struct netstack *ns, uint32_t *next)
{
	for (int i = 0; i < NET_ARP_ENTRIES; i++) {
		struct net_arp_entry *e = &ns->arp[i];
		if (e->state == ARP_FREE || !timer_check(ns, e->timer, next))
			continue;
		if (e->state == ARP_RESOLVED) {
			ns->st.arp.expired++;
			e->state = ARP_FREE;
		} else if (e->tries >= NET_ARP_TRIES) {
			ns->st.arp.failed++;
			queue_drop_for(ns, e->ip);
			e->state = ARP_FREE;
		} else {
			arp_request(ns, e);
		}
	}
}
