/* The layout of struct netstack. Included by net.h only, so that the glue
 * can allocate the stack statically; nothing outside net/ reads a field.
 *
 * Everything the stack knows is in here: no static variables anywhere in
 * net/, which is what lets a test run two stacks in one process. */
#ifndef NET_STATE_H
#define NET_STATE_H

#include <stdint.h>

struct net_arp_entry {
	uint32_t ip;
	uint32_t timer; /* PENDING: next request; RESOLVED: expiry */
	uint8_t mac[6];
	uint8_t state; /* ARP_FREE, ARP_PENDING, ARP_RESOLVED */
	uint8_t tries; /* requests sent so far */
};

struct net_pkt {
	uint32_t next_hop; /* ARP queue: the address being resolved */
	uint32_t age;      /* order of arrival */
	uint16_t len;      /* 0: slot free */
	uint8_t frame[NET_FRAME_MAX];
};

struct net_range {
	uint32_t start, end; /* sequence numbers, [start, end) */
};

/* The transmission control block (RFC 9293 3.3.1) plus what RFC 6298 and
 * RFC 5681 add. Sequence numbers index the send and receive buffers
 * directly: byte seq of the send buffer is at (seq - iss - 1) mod size. */
struct net_tcb {
	uint32_t iss, irs;
	uint32_t snd_una, snd_nxt, snd_max; /* snd_max: highest sent (go-back-N) */
	uint32_t snd_wnd, snd_wl1, snd_wl2, max_sndwnd;
	uint32_t tx_len;           /* bytes queued from snd_una, not counting SYN or FIN */
	uint32_t rcv_nxt, rcv_adv; /* rcv_adv: right edge of the advertised window */
	uint32_t rd_seq;           /* next byte the user reads */
	uint32_t ooo_fin;          /* sequence number of an out-of-order FIN */
	struct net_range ooo[NET_TCP_OOO_MAX];
	uint32_t cwnd, ssthresh, recover;
	uint32_t srtt_us, rttvar_us, rto_ms;
	uint32_t rtt_seq, rtt_start;
	uint32_t snd_sml;   /* end of the last segment shorter than the MSS (Minshall) */
	uint32_t rtx_at;    /* retransmission or persist deadline */
	uint32_t delack_at; /* delayed ACK deadline */
	uint32_t state_at;  /* TIME-WAIT or FIN-WAIT-2 deadline */
	uint32_t oow_at;    /* last ACK sent for an unacceptable segment */
	uint32_t retransmits;
	uint16_t mss; /* what we send: the peer's MSS option, at most ours */
	uint8_t n_ooo, ooo_fin_valid;
	uint8_t dupacks, in_recovery;
	uint8_t rtt_valid, rtt_timing;
	uint8_t retries;       /* consecutive RTO expirations (or unanswered probes) */
	uint8_t persist_shift; /* back-off of the persist timer */
	uint8_t rtx_on, persist_on, delack_on, state_timer_on;
	uint8_t unacked;                /* in-order segments not acknowledged yet */
	uint8_t quickacks;              /* first data segments still acknowledged at once */
	uint8_t snd_wscale, rcv_wscale; /* RFC 7323: the peer's shift and ours, 0 if not agreed */
	uint8_t ack_now, fin_queued, fin_rcvd, syn_acked;
	uint8_t force_send; /* the persist timer overrides SWS avoidance */
	uint8_t oow_sent;   /* oow_at is valid */
	uint8_t soft_error; /* ICMP unreachable seen: reported if we time out */
};

struct net_sock {
	uint8_t type;     /* 0: free */
	uint8_t state;    /* enum net_tcp_state */
	uint8_t flags;    /* SF_* (core.h) */
	uint8_t reported; /* poll bits last reported through sock_event */
	int16_t error;    /* pending error, a positive errno */
	int8_t parent;    /* the listener whose accept queue holds us, or -1 */
	uint8_t backlog, nsyn, nacc;
	int8_t acceptq[NET_MAX_BACKLOG];
	uint32_t owner;
	uint32_t lip, rip;
	uint16_t lport, rport;
	uint32_t q_head, q_len; /* datagram queue in rx: bytes */
	struct net_tcb tcb;
	uint8_t rx[NET_SOCK_RXBUF];
	uint8_t tx[NET_SOCK_TXBUF];
};

/* A half-open passive connection (SYN received, SYN-ACK sent): a few
 * words and no buffers, so that a SYN flood costs nothing but this table. */
struct net_syn {
	uint8_t used, tries;
	int8_t listener;
	uint32_t lip, rip;
	uint16_t lport, rport;
	uint32_t iss, irs;
	uint16_t mss;
	int8_t wscale; /* the SYN's window scale option, -1 if none */
	uint32_t sent_at, rtx_at;
};

/* A closed connection in TIME-WAIT (RFC 9293 3.6.1): enough to answer a
 * retransmitted FIN and to keep the 4-tuple out of use. */
struct net_tw {
	uint8_t used;
	uint32_t lip, rip;
	uint16_t lport, rport;
	uint32_t snd_nxt, rcv_nxt;
	uint32_t expires;
	uint32_t oow_at; /* last ACK sent (rate limit) */
	uint8_t oow_sent;
};

struct netstack {
	struct net_config cfg;
	uint32_t now; /* the clock, read at the outermost entry */
	int depth;    /* nesting of net_* calls (sock_event may call in) */
	int inited;
	uint32_t secret; /* ISN and port secret, from cfg.seed */
	uint32_t pkt_age;
	uint16_t ip_id, next_port, next_icmp_id;
	uint32_t icmp_tokens, icmp_refill_at;
	struct net_stats st;
	struct net_arp_entry arp[NET_ARP_ENTRIES];
	struct net_pkt arpq[NET_ARP_QUEUE];
	struct net_pkt loop[NET_LOOP_QUEUE]; /* IP packets, no Ethernet header */
	struct net_syn syn[NET_SYN_MAX];
	struct net_tw tw[NET_TW_MAX];
	uint8_t frame[NET_FRAME_MAX]; /* the frame being built */
	struct net_sock sock[NET_MAX_SOCKETS];
};

#endif
