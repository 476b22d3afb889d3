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
#define NET_SOCK_RXBUF   65536 /* each socket's receive buffer (power of 2) */
#define NET_SOCK_TXBUF   65536 /* each socket's send buffer (power of 2) */
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
#define NET_TCP_WSCALE   1     /* our window scale (RFC 7323 2): RXBUF >> 1 fits 16 bits */
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
#define NET_TCP_QUICKACKS    16          /* first segments ACKed at once: the peer's slow start */
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

#include "abi/net.h"

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
