/* Internal interfaces between the files of net/: wire formats, byte order,
 * sequence and time arithmetic, and what each layer offers the others. */
#ifndef NET_CORE_H
#define NET_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "klib.h"
#include "net.h"

/* --- wire formats ----------------------------------------------------------- */

#define ETH_HLEN       14
#define ETH_MIN_FRAME  60 /* without FCS; shorter frames are padded */
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_ARP  0x0806
#define IP_HLEN        20 /* we send no options */
#define IP_OFF         ETH_HLEN
#define IPPROTO_ICMP   1
#define IPPROTO_TCP    6
#define IPPROTO_UDP    17
#define IP_TTL         64 /* RFC 1700's recommended default */
#define UDP_HLEN       8
#define ICMP_HLEN      8
#define TCP_HLEN       20
#define IP_BROADCAST   0xFFFFFFFFu

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_URG 0x20

/* Socket flags. */
#define SF_BOUND      0x01
#define SF_ORPHAN     0x02 /* closed by the user; the stack finishes the connection */
#define SF_RD_SHUT    0x04
#define SF_WR_SHUT    0x08
#define SF_NODELAY    0x10
#define SF_CONNECTING 0x20 /* connect() started and not yet answered 0/error */

/* ICMP error rate limit: a burst, then one per interval (RFC 1812
 * 4.3.2.8 describes the token bucket; RFC 1122 3.2.2 allows limiting). */
#define ICMP_ERR_BURST       10
#define ICMP_ERR_INTERVAL_MS 100

#define ARP_FREE     0
#define ARP_PENDING  1
#define ARP_RESOLVED 2

#define RX_MASK (NET_SOCK_RXBUF - 1)
#define TX_MASK (NET_SOCK_TXBUF - 1)
_Static_assert((NET_SOCK_RXBUF & RX_MASK) == 0, "NET_SOCK_RXBUF must be a power of two");
_Static_assert((NET_SOCK_TXBUF & TX_MASK) == 0, "NET_SOCK_TXBUF must be a power of two");
_Static_assert((NET_SOCK_RXBUF >> NET_TCP_WSCALE) <= 65535, "a scaled window fits 16 bits");
/* The largest window a SYN can offer (never scaled, RFC 7323 2.2), and
 * what a connection without window scaling is held to. */
#define TCP_WND16 (NET_SOCK_RXBUF < 65535 ? NET_SOCK_RXBUF : 65535)
/* RFC 7323 2.3: a larger shift is taken as 14. */
#define TCP_WSCALE_MAX 14
/* cwnd is bounded: more than twice the send buffer is never of use. */
#define TCP_CWND_MAX (2u * NET_SOCK_TXBUF)
_Static_assert(NET_MAX_SOCKETS <= 127, "socket ids fit an int8_t");

/* Byte-wise access: headers sit at any alignment in a frame. */
static inline uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}
static inline uint32_t rd32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline void wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
static inline void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Sequence numbers and the clock wrap: compare by signed difference
 * (RFC 9293 3.4), valid while the two are less than 2^31 apart. */
static inline int seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}
static inline int seq_le(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}
static inline int time_due(uint32_t deadline, uint32_t now)
{
	return (int32_t)(now - deadline) >= 0;
}
static inline uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}
static inline uint32_t max_u32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

/* --- stack.c ----------------------------------------------------------------- */

/* Every public entry point brackets its work with these: the clock is
 * read, and readiness changes are reported when the outermost call ends. */
void net_enter(struct netstack *ns);
void net_leave(struct netstack *ns);
/* Internet checksum (RFC 1071): a running 32-bit sum of big-endian 16-bit
 * words. Only the last piece summed may have an odd length. */
uint32_t csum_add(uint32_t sum, const uint8_t *p, uint32_t len);
uint16_t csum_fold(uint32_t sum);
/* The pseudo-header of UDP and TCP (RFC 768, RFC 9293 3.1). */
uint32_t csum_pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint32_t len);
/* Sends a frame whose Ethernet payload is already in place. */
void eth_send(struct netstack *ns, uint8_t *frame, const uint8_t dst[6], uint16_t type,
	      uint32_t payload_len);
/* Whether a timer at deadline is due and, if not, lowers *next to it. */
int timer_check(struct netstack *ns, uint32_t deadline, uint32_t *next);
uint32_t net_hash(uint32_t a, uint32_t b, uint32_t c);
int addr_is_bcast(const struct netstack *ns, uint32_t ip);   /* limited or subnet */
int addr_is_unicast(const struct netstack *ns, uint32_t ip); /* could be a host */

/* --- arp.c ------------------------------------------------------------------- */

void arp_input(struct netstack *ns, const uint8_t *pkt, uint32_t len);
/* Sends an IP packet in ns->frame (len bytes after the Ethernet header)
 * to next_hop, resolving it first if need be (the packet is then queued). */
void arp_output(struct netstack *ns, uint32_t next_hop, uint32_t len);
void arp_timer(struct netstack *ns, uint32_t *next);

/* --- ip.c -------------------------------------------------------------------- */

struct ip_info {
	const uint8_t *hdr; /* the IP header, for ICMP errors */
	uint32_t hlen;
	uint32_t src, dst;
	int bcast; /* sent to a broadcast address (layer 2 or 3) */
};
void ip_input(struct netstack *ns, const uint8_t *pkt, uint32_t len, int l2_bcast);
/* The IP payload area of ns->frame. */
static inline uint8_t *ip_payload(struct netstack *ns)
{
	return ns->frame + ETH_HLEN + IP_HLEN;
}
/* Sends the payload of len bytes already at ip_payload(ns). 0 (sent or
 * queued), -ENETUNREACH, -EMSGSIZE. */
int ip_send(struct netstack *ns, uint32_t dst, uint8_t proto, uint32_t len);
void ip_loop_run(struct netstack *ns, int max);
int ip_route_ok(const struct netstack *ns, uint32_t dst);

/* --- icmp.c ------------------------------------------------------------------ */

void icmp_input(struct netstack *ns, const struct ip_info *ip, const uint8_t *p, uint32_t len);
/* Destination unreachable about the datagram of ip (RFC 792, RFC 1122
 * 3.2.2): never about a broadcast, a non-unicast source or an ICMP error. */
void icmp_unreach(struct netstack *ns, const struct ip_info *ip, uint8_t code, uint32_t total_len);
int icmp_sendto(struct netstack *ns, struct net_sock *s, const uint8_t *buf, uint32_t len,
		uint32_t ip);

/* --- udp.c ------------------------------------------------------------------- */

void udp_input(struct netstack *ns, const struct ip_info *ip, const uint8_t *p, uint32_t len);
int udp_sendto(struct netstack *ns, struct net_sock *s, const uint8_t *buf, uint32_t len,
	       uint32_t ip, uint16_t port);
/* The datagram queue of UDP and ICMP sockets, in the socket's rx buffer. */
int dgram_enqueue(struct net_sock *s, const uint8_t *data, uint32_t len, uint32_t ip,
		  uint16_t port);
int dgram_dequeue(struct net_sock *s, uint8_t *buf, uint32_t len, uint32_t *ip, uint16_t *port);

/* --- socket.c ---------------------------------------------------------------- */

struct net_sock *sock_get(struct netstack *ns, int id);
int sock_id(const struct netstack *ns, const struct net_sock *s);
void sock_free(struct netstack *ns, struct net_sock *s);
int port_in_use(const struct netstack *ns, int type, uint16_t port, const struct net_sock *self);
uint16_t port_ephemeral(struct netstack *ns, int type);
unsigned sock_poll(const struct netstack *ns, const struct net_sock *s);
/* Copies into / out of a socket buffer at a position, wrapping. */
/* Copies in and out of a ring of mask + 1 bytes (a power of two). */
void ring_put(uint8_t *ring, uint32_t mask, uint32_t pos, const uint8_t *src, uint32_t len);
void ring_get(const uint8_t *ring, uint32_t mask, uint32_t pos, uint8_t *dst, uint32_t len);

/* --- tcp.c: arrival, listeners, the SYN and TIME-WAIT tables; tcp_user.c: calls */

struct tcp_seg {
	uint32_t src, dst; /* addresses */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint32_t wnd;
	uint8_t flags;
	uint16_t mss;  /* option, 0 if absent */
	int8_t wscale; /* window scale option, -1 if absent */
	const uint8_t *data;
	uint32_t len; /* data bytes */
	int bcast;
};
void tcp_input(struct netstack *ns, const struct ip_info *ip, const uint8_t *p, uint32_t len);
void tcp_timer(struct netstack *ns, uint32_t *next);
int tcp_connect(struct netstack *ns, struct net_sock *s, uint32_t ip, uint16_t port);
int tcp_listen(struct netstack *ns, struct net_sock *s, int backlog);
int tcp_accept(struct netstack *ns, struct net_sock *s, uint32_t owner, uint32_t *ip,
	       uint16_t *port);
int tcp_send(struct netstack *ns, struct net_sock *s, const uint8_t *buf, uint32_t len);
int tcp_recv(struct netstack *ns, struct net_sock *s, uint8_t *buf, uint32_t len);
int tcp_shutdown(struct netstack *ns, struct net_sock *s, int how);
void tcp_close(struct netstack *ns, struct net_sock *s, int abort);
unsigned tcp_poll(const struct net_sock *s);
void tcp_icmp_error(struct netstack *ns, uint8_t code, const uint8_t *inner, uint32_t len,
		    uint32_t dst);
/* The connection's end: state CLOSED, error err (0: none), timers off;
 * an orphan is freed. */
void tcp_drop(struct netstack *ns, struct net_sock *s, int err);
void tcp_enter_time_wait(struct netstack *ns, struct net_sock *s);
void tw_add(struct netstack *ns, const struct net_sock *s, uint32_t remaining);
int tuple_in_use(const struct netstack *ns, uint32_t lip, uint16_t lport, uint32_t rip,
		 uint16_t rport);

/* --- tcp_input.c -------------------------------------------------------------- */

void tcp_input_sock(struct netstack *ns, struct net_sock *s, struct tcp_seg *seg);

/* --- tcp_output.c ------------------------------------------------------------ */

/* Sends what the window, Nagle and the ACK state allow. */
void tcp_output(struct netstack *ns, struct net_sock *s);
/* One segment of the connection: data [seq, seq + len) from the send
 * buffer, the given flags, the current ACK and window. */
void tcp_xmit(struct netstack *ns, struct net_sock *s, uint32_t seq, uint32_t len, uint8_t flags);
/* A segment outside any connection (RST, SYN-ACK of the SYN table, ACK of
 * TIME-WAIT); mss != 0 adds the MSS option, ws >= 0 the window scale. */
void tcp_send_raw(struct netstack *ns, uint32_t lip, uint16_t lport, uint32_t rip, uint16_t rport,
		  uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd, uint16_t mss, int ws);
/* The RST that answers seg when no connection wants it (RFC 9293 3.10.7.1). */
void tcp_reset_reply(struct netstack *ns, const struct tcp_seg *seg);
void tcp_rtt_sample(struct net_tcb *t, uint32_t rtt_ms);
void tcp_sock_timer(struct netstack *ns, struct net_sock *s, uint32_t *next);
void tcp_retransmit_una(struct netstack *ns, struct net_sock *s);
/* Whether an ACK may answer an unacceptable segment now (RFC 5961 7). */
int tcp_oow_ack_ok(struct netstack *ns, uint32_t *last, uint8_t *valid);
void tcp_arm_rtx(struct netstack *ns, struct net_sock *s);
uint32_t tcp_isn(struct netstack *ns, uint32_t lip, uint16_t lport, uint32_t rip, uint16_t rport);
void tcp_init_cc(struct net_tcb *t);
uint16_t tcp_peer_mss(uint16_t opt);
void tcp_tcb_reset(struct net_tcb *t);
void tcp_listener_close(struct netstack *ns, struct net_sock *ls);
void tcp_queue_fin(struct net_sock *s);

/* The right edge of the largest window we may offer now: the buffer's
 * end, or as far as an unscaled 16-bit field reaches. */
static inline uint32_t tcp_rcv_right(const struct net_tcb *t)
{
	uint32_t most = 0xFFFFu << t->rcv_wscale;
	return t->rd_seq + (NET_SOCK_RXBUF < most ? NET_SOCK_RXBUF : most);
}

/* In-order bytes the user has not read yet. */
static inline uint32_t tcp_readable(const struct net_tcb *t)
{
	return t->rcv_nxt - t->rd_seq - (t->fin_rcvd ? 1u : 0u);
}

#endif
