/* The network service's protocol (SVC_NET, public): sockets for user
 * programs, the same on every kernel. libc wraps it (user/include/
 * socket.h). Addresses and ports are in host byte order. The types,
 * states, bits and structures below are also the stack's own (net/net.h
 * includes this file), so what a program reads is what the stack keeps. */
#ifndef ABI_NET_H
#define ABI_NET_H

#include <stdint.h>

/* Requests. s is a socket id; results are >= 0 or -errno. A request that
 * would block waits (the reply is deferred) unless w[3] has NET_NONBLOCK;
 * recv, recvfrom and accept also give up after w[4] ms (0: never) with
 * -ETIMEDOUT. A socket belongs to the process that made it (or accepted
 * it): any other gets -EBADF. */
#define NET_SOCKET   1  /* w[0] type -> s */
#define NET_BIND     2  /* w[0] s, w[1] ip (0: ours), w[2] port (0: any) -> 0 */
#define NET_LISTEN   3  /* w[0] s, w[1] backlog -> 0 */
#define NET_ACCEPT   4  /* w[0] s -> new s; w[1] peer ip, w[2] peer port */
#define NET_CONNECT  5  /* w[0] s, w[1] ip, w[2] port -> 0 once connected */
#define NET_SEND     6  /* w[0] s, grant R -> bytes taken (at least 1 unless nonblocking) */
#define NET_RECV     7  /* w[0] s, grant W -> bytes; 0 at end of stream */
#define NET_SENDTO   8  /* w[0] s, w[1] ip, w[2] port, grant R -> bytes */
#define NET_RECVFROM 9  /* w[0] s, grant W -> bytes of one datagram; w[1] ip, w[2] port */
#define NET_SHUTDOWN 10 /* w[0] s, w[1] NET_SHUT_* -> 0 */
#define NET_CLOSE    11 /* w[0] s -> 0 */
#define NET_SOCKINFO 12 /* w[0] s, grant W: struct net_sockinfo -> 0 */
#define NET_STATS    13 /* grant W: struct net_stats -> 0 */
#define NET_IFINFO   14 /* grant W: struct net_ifinfo -> 0 */
#define NET_SETOPT   15 /* w[0] s, w[1] option, w[2] value -> 0 */

#define NET_NONBLOCK 1 /* w[3]: answer -EAGAIN instead of waiting */

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
	uint8_t snd_wscale, rcv_wscale; /* RFC 7323 window scale, each way (0: none) */
	uint8_t wscale_on;              /* both ends agreed to scale */
	uint8_t pad;
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

/* What NET_IFINFO answers: the interface, and its driver's counters. */
struct net_ifinfo {
	uint8_t mac[6];
	uint16_t link_up;
	uint32_t ip, netmask, gateway;
	uint32_t dev_present;     /* the driver found its device */
	uint32_t dev_in, dev_out; /* frames through the driver */
	uint32_t dev_drop_in;     /* frames the device dropped: no buffer */
	uint32_t dev_drop_out;    /* frames the driver dropped: ring full */
	uint32_t dev_irqs;
	uint32_t dev_bad_in; /* frames the driver dropped: an error bit, or a bad length */
};

#endif
