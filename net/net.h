/* The network stack's protocol core: the API the component glue uses.
 *
 * Ethernet II, ARP, IPv4, ICMP echo, UDP and TCP over one interface with a
 * static address. All state lives in one struct netstack that the caller
 * allocates (statically: there is no malloc here), so two stacks can sit
 * back to back in one host test. Nothing here blocks or sleeps: a call that
 * would block answers -EAGAIN (or -EINPROGRESS), and the sock_event
 * callback tells the caller when trying again makes sense.
 *
 * Threading: one caller at a time (the component's lock, or a
 * single-threaded server). The tx callback must not call back into the
 * stack; the sock_event callback may (it runs when the stack is consistent,
 * just before the outermost net_* call returns).
 *
 * Addresses and ports are in host byte order everywhere in this API.
 * Errors are negative errno values from abi/errno.h. */
#ifndef NET_NET_H
#define NET_NET_H

#include <stdint.h>

#include "abi/errno.h"

/* --- limits (net/README.md says why these sizes) --------------------------- */

#define NET_MAX_SOCKETS  16    /* sockets of every type, listeners included */
#define NET_SOCK_BUF     16384 /* each socket's receive and send buffer (power of 2) */
#define NET_MAX_BACKLOG  8     /* per listener: half-open and not-yet-accepted, each */
#define NET_SYN_MAX      16    /* half-open (SYN-RECEIVED) connections, all listeners */
#define NET_TW_MAX       16    /* closed connections waiting in TIME-WAIT */
#define NET_ARP_ENTRIES  16
#define NET_ARP_QUEUE    8  /* packets waiting for an ARP reply, all destinations */
#define NET_LOOP_QUEUE   16 /* packets to our own address, not yet delivered */
#define NET_TCP_OOO_MAX  8  /* out-of-order byte ranges held per connection */
#define NET_MTU          1500
#define NET_FRAME_MAX    1514  /* Ethernet header + MTU, no FCS */
#define NET_TCP_MSS      1460  /* MTU - 20 (IP) - 20 (TCP) */
#define NET_UDP_MAX      1472  /* largest UDP payload: no fragmentation */
#define NET_ICMP_MAX     1480  /* largest ICMP message (header included) */
#define NET_EPHEMERAL_LO 49152 /* RFC 6335 dynamic ports */

/* --- timing (ms) ------------------------------------------------------------ */

#define NET_ARP_TTL_MS       60000       /* a resolved entry is forgotten after this */
#define NET_ARP_RETRY_MS     1000        /* between requests for one address */
#define NET_ARP_TRIES        3           /* requests before the queued packets are dropped */
#define NET_TCP_RTO_INIT     1000        /* RFC 6298 2.1 */
#define NET_TCP_RTO_MIN      1000        /* RFC 6298 2.4 */
#define NET_TCP_RTO_MAX      60000       /* RFC 6298 2.5 */
#define NET_TCP_SYN_TRIES    6           /* SYN sent at most this often, then -ETIMEDOUT */
#define NET_TCP_DATA_TRIES   10          /* consecutive timeouts of one segment, then -ETIMEDOUT */
#define NET_TCP_SYNACK_TRIES 4           /* a half-open connection is forgotten after these */
#define NET_TCP_DELACK_MS    40          /* delayed ACK (RFC 1122 4.2.3.2: under 500 ms) */
#define NET_TCP_MSL_MS       5000        /* shortened MSL: TIME-WAIT lasts 2 * MSL = 10 s */
#define NET_TCP_FIN2_MS      60000       /* FIN-WAIT-2 of a closed socket gives up after this */
#define NET_TCP_OOW_ACK_MS   500         /* at most one ACK per this for unacceptable segments */
#define NET_NO_TIMER         0xFFFFFFFFu /* net_next_timer: nothing is due */

/* --- configuration ---------------------------------------------------------- */

struct net_config {
	uint8_t mac[6];
	uint32_t ip, netmask, gateway; /* gateway 0: no route off the subnet */
	uint32_t seed;                 /* mixed into ISNs and ports: give something varying */
	void *ctx;                     /* passed to the callbacks */
	/* Sends one frame (len <= NET_FRAME_MAX). 0 if sent, <0 if dropped. */
	int (*tx)(void *ctx, const void *frame, uint32_t len);
	/* Milliseconds; wraps at 2^32. Read once per entry into the stack. */
	uint32_t (*clock)(void *ctx);
	/* Readiness bits (NET_POLL_*) that have just become true for sock:
	 * a deferred recv, send, accept or connect can be tried again. May be
	 * NULL. */
	void (*sock_event)(void *ctx, int sock, unsigned events);
};

/* --- socket types, states, bits ----------------------------------------------- */

#define NET_SOCK_STREAM 1 /* TCP */
#define NET_SOCK_DGRAM  2 /* UDP */
#define NET_SOCK_ICMP   3 /* ICMP echo: send requests, receive replies (ping) */

/* net_poll bits; the events of sock_event are the same bits, as they rise. */
#define NET_POLL_IN  1u /* recv/recvfrom/accept would not block (data, EOF, error) */
#define NET_POLL_OUT 2u /* send would not block; a connect finished (either way) */
#define NET_POLL_ERR 4u /* an error is pending: the next call returns it */
#define NET_POLL_HUP 8u /* the connection is over in both directions (or never was) */

#define NET_SHUT_RD   1
#define NET_SHUT_WR   2
#define NET_SHUT_RDWR 3

#define NET_OPT_NODELAY 1 /* TCP: 1 turns Nagle's algorithm off */

/* TCP states (RFC 9293 3.3.2), as net_sockinfo reports them. */
enum net_tcp_state {
	NET_TCP_CLOSED,
	NET_TCP_LISTEN,
	NET_TCP_SYN_SENT,
	NET_TCP_SYN_RECEIVED,
	NET_TCP_ESTABLISHED,
	NET_TCP_FIN_WAIT_1,
	NET_TCP_FIN_WAIT_2,
	NET_TCP_CLOSE_WAIT,
	NET_TCP_CLOSING,
	NET_TCP_LAST_ACK,
	NET_TCP_TIME_WAIT,
};

struct net_sockinfo {
	int type;  /* NET_SOCK_* */
	int state; /* enum net_tcp_state (TCP only) */
	uint32_t owner;
	uint32_t local_ip, peer_ip;
	uint16_t local_port, peer_port; /* ICMP: the echo identifier */
	uint32_t rx_queued, tx_queued;  /* bytes */
	int error;                      /* pending error (-errno) or 0 */
	/* TCP */
	uint32_t srtt_ms, rttvar_ms, rto_ms; /* srtt/rttvar 0 until the first sample */
	uint32_t cwnd, ssthresh, snd_wnd, rcv_wnd, mss;
	uint32_t retransmits;
};

/* --- statistics ------------------------------------------------------------- */

/* Every frame that is not used is counted under the reason it was
 * dropped. All counters wrap. */
struct net_stats {
	struct {
		uint32_t rx_frames, rx_bytes, tx_frames, tx_bytes;
		uint32_t tx_errors; /* the tx callback refused a frame */
		uint32_t rx_runt;   /* shorter than an Ethernet header */
		uint32_t rx_oversize;
		uint32_t rx_not_ours;     /* destination MAC neither ours nor broadcast */
		uint32_t rx_unknown_type; /* neither IPv4 nor ARP (or an 802.3 length) */
	} eth;
	struct {
		uint32_t rx_requests, rx_replies, tx_requests, tx_replies;
		uint32_t rx_bad;      /* malformed, wrong hardware/protocol type, bad sender */
		uint32_t rx_ignored;  /* well formed, not for us and not in the cache */
		uint32_t resolved;    /* an address learnt */
		uint32_t expired;     /* entries forgotten after NET_ARP_TTL_MS */
		uint32_t failed;      /* no reply after NET_ARP_TRIES requests */
		uint32_t evicted;     /* entries reused while in use: the cache was full */
		uint32_t queued;      /* packets held for a resolution */
		uint32_t queue_drops; /* held packets dropped (queue full, failure, eviction) */
	} arp;
	struct {
		uint32_t rx_packets, tx_packets, rx_delivered;
		uint32_t rx_bad_header; /* too short, version, header length */
		uint32_t rx_bad_length; /* total length against the frame */
		uint32_t rx_bad_checksum;
		uint32_t rx_bad_src;   /* source broadcast, multicast or ours from outside */
		uint32_t rx_not_ours;  /* destination not our address or a broadcast */
		uint32_t rx_fragments; /* fragments are dropped (no reassembly) */
		uint32_t rx_unknown_proto;
		uint32_t tx_no_route; /* off the subnet and no gateway */
		uint32_t tx_too_big;
		uint32_t loopback;   /* packets to our own address */
		uint32_t loop_drops; /* the loopback queue was full */
	} ip;
	struct {
		uint32_t rx_msgs, tx_msgs;
		uint32_t rx_bad_length, rx_bad_checksum;
		uint32_t rx_echo_requests, tx_echo_replies, rx_echo_replies;
		uint32_t rx_bcast_echo; /* echo requests to a broadcast address, ignored */
		uint32_t rx_unreach, tx_unreach;
		uint32_t rate_limited; /* errors not sent (RFC 1812 4.3.2.8 rate limit) */
		uint32_t rx_other;     /* other types, counted and dropped */
		uint32_t rx_no_socket; /* echo replies nobody waits for */
		uint32_t rx_queue_full;
	} icmp;
	struct {
		uint32_t rx_datagrams, tx_datagrams;
		uint32_t rx_bad_length, rx_bad_checksum;
		uint32_t rx_no_port, rx_queue_full;
	} udp;
	struct {
		uint32_t rx_segments, tx_segments;
		uint32_t rx_bad_length, rx_bad_checksum, rx_bad_offset, rx_bad_options;
		uint32_t rx_bad_flags; /* SYN with FIN, data without ACK and the like */
		uint32_t rx_bad_addr;  /* to or from a broadcast or multicast address */
		uint32_t active_opens, passive_opens, established;
		uint32_t retransmits, timeouts, fast_retransmits;
		uint32_t rx_dup;           /* segments entirely already received */
		uint32_t rx_out_of_window; /* beyond the window: dropped with an ACK */
		uint32_t rx_window_probes; /* data while our window is zero */
		uint32_t rx_ooo;           /* out of order, kept */
		uint32_t rx_ooo_dropped;   /* out of order, no range slot left */
		uint32_t rx_bad_ack;       /* acknowledges what was never sent */
		uint32_t rx_resets, tx_resets;
		uint32_t rx_rst_ignored; /* outside the window */
		uint32_t challenge_acks; /* RFC 5961: in-window RST or SYN */
		uint32_t acks_limited; /* answers to unacceptable segments not sent (RFC 5961 7) */
		uint32_t rx_no_socket; /* answered with RST */
		uint32_t syn_dropped;  /* SYN queue or accept queue full, or no memory */
		uint32_t accept_overflow; /* handshake done but no socket or queue room */
		uint32_t conn_refused, conn_timeouts, conn_resets, conn_aborts;
		uint32_t persist_probes; /* zero-window probes sent */
		uint32_t delayed_acks;   /* ACKs sent by the delayed-ACK timer */
		uint32_t tw_recycled;    /* TIME-WAIT entries reused early: table full */
		uint32_t orphan_resets;  /* data for a closed socket: RST */
	} tcp;
};

/* --- the API --------------------------------------------------------------- */

struct netstack;

/* 0, or -EINVAL for a bad configuration (no tx or clock callback, a
 * multicast MAC, a netmask that is not a prefix). */
int net_init(struct netstack *ns, const struct net_config *cfg);

/* One received Ethernet frame (without FCS). The stack never keeps the
 * pointer and never writes through it. */
void net_input(struct netstack *ns, const void *frame, uint32_t len);

/* Runs every timer that is due. net_next_timer answers how many ms from
 * now the next one is due (0: now), or NET_NO_TIMER. */
void net_timer(struct netstack *ns);
uint32_t net_next_timer(struct netstack *ns);

/* A socket of type NET_SOCK_*, owned by owner. -EMFILE if none is left. */
int net_socket(struct netstack *ns, int type, uint32_t owner);
/* ip 0: any (our address). port 0: an ephemeral one. ICMP: port is the
 * echo identifier. -EADDRINUSE, -EADDRNOTAVAIL, -EINVAL (bound already). */
int net_bind(struct netstack *ns, int s, uint32_t ip, uint16_t port);
/* TCP; backlog is clamped to 1..NET_MAX_BACKLOG. */
int net_listen(struct netstack *ns, int s, int backlog);
/* A new connected socket, now owned by owner, or -EAGAIN. ip/port may be
 * NULL. */
int net_accept(struct netstack *ns, int s, uint32_t owner, uint32_t *ip, uint16_t *port);
/* TCP: -EINPROGRESS; NET_POLL_OUT rises when it is over, and then the
 * next net_connect answers 0 (or the error: -ECONNREFUSED, -ETIMEDOUT,
 * -EHOSTUNREACH). -EALREADY while in progress, -EISCONN after. */
int net_connect(struct netstack *ns, int s, uint32_t ip, uint16_t port);
/* TCP. send: bytes taken (maybe fewer than len), -EAGAIN if the buffer
 * is full, -EPIPE after shutdown or reset, -ENOTCONN. recv: bytes, 0 at
 * EOF, -EAGAIN if nothing yet. A pending error is returned once first. */
int net_send(struct netstack *ns, int s, const void *buf, uint32_t len);
int net_recv(struct netstack *ns, int s, void *buf, uint32_t len);
/* UDP and ICMP. sendto: len, or -EMSGSIZE, -EHOSTUNREACH (no route).
 * For ICMP, buf is a whole echo request (type 8, code 0, 8-byte header);
 * the stack writes the identifier and the checksum. recvfrom: one
 * datagram (for ICMP one whole echo reply), cut to len; -EAGAIN. */
int net_sendto(struct netstack *ns, int s, const void *buf, uint32_t len, uint32_t ip,
	       uint16_t port);
int net_recvfrom(struct netstack *ns, int s, void *buf, uint32_t len, uint32_t *ip, uint16_t *port);
/* TCP: NET_SHUT_WR sends FIN after the queued data; NET_SHUT_RD makes
 * recv answer 0. */
int net_shutdown(struct netstack *ns, int s, int how);
/* Frees the socket id at once. A TCP connection goes on without it: the
 * queued data and a FIN are sent (unless unread data was left: then RST,
 * RFC 1122 4.2.2.13). A listener resets its unaccepted connections. */
int net_close(struct netstack *ns, int s);
/* Like close, but a TCP connection is reset (RST) at once. */
int net_abort(struct netstack *ns, int s);
unsigned net_poll(struct netstack *ns, int s); /* NET_POLL_* bits; 0 for a bad id */
int net_sockinfo(struct netstack *ns, int s, struct net_sockinfo *out);
int net_setopt(struct netstack *ns, int s, int opt, int val);
/* Closes (net_close) every socket of owner, e.g. of a process that died.
 * Returns how many. */
int net_close_owner(struct netstack *ns, uint32_t owner);
void net_get_stats(struct netstack *ns, struct net_stats *out);

/* The layout of struct netstack, so that the glue can allocate one. Its
 * fields are private to net/. */
#include "net_state.h"

#endif
