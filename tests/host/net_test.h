/* The host harness of the network stack's tests (net/).
 *
 * The stack is built for the host unchanged (design.md Rule 1), -m32 with
 * ASan and UBSan like the fs tests. Two instances, A and B, are wired back
 * to back through a simulated link with a simulated clock; each direction
 * can lose, duplicate, delay, reorder and corrupt frames under a seeded
 * generator, so every run is the same. A node can instead capture what it
 * sends, for tests that play the peer by hand with frames built here.
 *
 * Every frame a stack sends is checked on the way (lengths and every
 * checksum, computed by this file's own code); a bad one is counted in
 * sim.bad_frames, which the tests require to stay 0.
 *
 * There is no i386 cmocka (see README.md), hence a small runner that
 * prints cmocka's summary lines for tools/run-host-tests.sh. */
#ifndef NET_TEST_H
#define NET_TEST_H

#include <stddef.h>
#include <stdint.h>

#include "net.h"

/* --- assertions ------------------------------------------------------------ */

void net_test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((noreturn, format(printf, 3, 4)));

#define CHECK(c)                                                                                   \
	do {                                                                                       \
		if (!(c))                                                                          \
			net_test_fail(__FILE__, __LINE__, "%s", #c);                               \
	} while (0)

#define CHECK_EQ(a, b)                                                                             \
	do {                                                                                       \
		long long a_ = (long long)(a), b_ = (long long)(b);                                \
		if (a_ != b_)                                                                      \
			net_test_fail(__FILE__, __LINE__, "%s == %s: %lld != %lld", #a, #b, a_,    \
				      b_);                                                         \
	} while (0)

struct net_test {
	const char *name;
	void (*fn)(void);
};
#define NET_TEST(f)                                                                                \
	{                                                                                          \
#f, f                                                                              \
	}
int net_run_tests(const struct net_test *tests, int n);

/* --- the simulated network -------------------------------------------------- */

#define IP_A    0x0A000001u /* 10.0.0.1 */
#define IP_B    0x0A000002u /* 10.0.0.2 */
#define IP_C    0x0A000003u /* 10.0.0.3: a third host, played by hand */
#define IP_GW   0x0A0000FEu /* 10.0.0.254: B's gateway (nobody answers) */
#define IP_FAR  0xC0A80101u /* 192.168.1.1: off the subnet */
#define NETMASK 0xFFFFFF00u
extern const uint8_t MAC_A[6], MAC_B[6], MAC_C[6], MAC_BCAST[6];

struct link {
	uint32_t delay_ms;  /* one way */
	uint32_t jitter_ms; /* a reordered frame is late by 1..jitter */
	/* chances in units of 1/10000 */
	uint32_t loss, dup, reorder, corrupt;
	uint32_t queue_max; /* frames in flight in this direction; more are dropped */
	uint32_t drop_all;  /* lose everything (a cable pulled) */
};

struct node {
	struct netstack *ns;
	struct net_config cfg;
	int idx;
	int capture; /* frames sent go to the capture queue, not the link */
	unsigned events[NET_MAX_SOCKETS];
	uint32_t event_calls;
	int refuse_tx; /* the tx callback fails */
	/* Called from the stack's sock_event, as a glue would be: it may
	 * call back into the stack. */
	void (*on_event)(struct node *n, int sock, unsigned ev);
};

#define SIM_MAX_FRAMES 4096
struct sim_frame {
	uint32_t at, seq;
	int to; /* node index; -1: free */
	uint16_t len;
	uint8_t data[NET_FRAME_MAX];
};

struct sim {
	uint32_t now;
	uint64_t rng;
	struct node node[2];
	struct link link[2]; /* link[i]: frames sent by node i */
	struct sim_frame *q;
	uint32_t nq, seq;
	/* capture queues, per node */
	struct sim_frame *cap[2];
	uint32_t ncap[2];
	uint32_t sent[2], lost[2], duplicated[2], reordered[2], corrupted[2];
	uint32_t bad_frames;   /* frames that fail the checks: a stack bug */
	int (*app)(void *arg); /* called every step; returns 1 if it did something */
	/* If set, delivers each frame instead of inject() (the fuzzer
	 * mutates it on the way). */
	void (*deliver)(struct node *to, const uint8_t *frame, uint32_t len);
	/* If set, called after every frame and every step (the fuzzer's
	 * invariants). */
	void (*after_step)(void);
	void *app_arg;
	int quiet;
	uint32_t max_step_ms; /* if set, the clock never jumps further (the app runs) */
};
extern struct sim sim;
#define A (&sim.node[0])
#define B (&sim.node[1])

/* A fresh pair: A 10.0.0.1, B 10.0.0.2 (gateway 10.0.0.254), both /24, a
 * clean link of 1 ms each way, the clock at start. */
void sim_init(uint32_t start_ms, uint64_t seed);
void sim_free(void);
/* One round: due frames delivered, due timers run, the app called; if
 * nothing was due, the clock moves to the next event (at most to end).
 * Returns 0 once the clock has reached end with nothing left to do. */
int sim_step(uint32_t end);
/* cond may have side effects: it is evaluated once per round, and once
 * more only if the time ran out. */
#define RUN_UNTIL(cond, ms)                                                                        \
	({                                                                                         \
		uint32_t end_ = sim.now + (ms);                                                    \
		int ok_;                                                                           \
		while (!(ok_ = !!(cond)) && sim_step(end_))                                        \
			;                                                                          \
		if (!ok_)                                                                          \
			ok_ = !!(cond);                                                            \
		ok_;                                                                               \
	})
/* Runs for ms of simulated time. */
void sim_run(uint32_t ms);
uint32_t rnd(void);

/* Captured frames of node n, oldest first; pop removes the oldest. */
int cap_count(int n);
const struct sim_frame *cap_peek(int n, int i);
void cap_clear(int n);
/* Delivers raw bytes to a node as a received frame. */
void inject(struct node *nd, const void *frame, uint32_t len);

/* --- frames, built and parsed by this harness's own code --------------------- */

uint16_t t_csum(const void *p, size_t n, uint32_t init);

struct pkt {
	int ok; /* parsed and every checksum right */
	uint16_t ethertype;
	const uint8_t *eth;
	uint8_t dst_mac[6], src_mac[6];
	/* ARP */
	uint16_t arp_op;
	uint32_t arp_spa, arp_tpa;
	uint8_t arp_sha[6], arp_tha[6];
	/* IPv4 */
	uint32_t src, dst;
	uint8_t proto, ttl;
	uint16_t ip_id, ip_flags;
	const uint8_t *l4;
	uint32_t l4len;
	/* ICMP */
	uint8_t icmp_type, icmp_code;
	uint16_t icmp_id, icmp_seq;
	/* UDP, TCP */
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd, mss; /* mss 0: no option */
	int wscale;        /* window scale option, -1 if none */
	const uint8_t *data;
	uint32_t len;
};
/* Parses a frame; pkt.ok is 0 (and why is printed unless quiet) if a
 * length or checksum is wrong. */
struct pkt parse(const uint8_t *f, uint32_t len, int quiet);

/* Builders: each writes a whole Ethernet frame into buf and returns its
 * length. */
uint32_t build_ip(uint8_t *buf, const uint8_t dst_mac[6], const uint8_t src_mac[6], uint32_t src,
		  uint32_t dst, uint8_t proto, const void *l4, uint32_t l4len);
uint32_t build_tcp(uint8_t *buf, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
		   uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd, uint16_t mss,
		   const void *data, uint32_t len);
/* The same with a window scale option (ws >= 0) after the MSS option. */
uint32_t build_tcp_ws(uint8_t *buf, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
		      uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd, uint16_t mss, int ws,
		      const void *data, uint32_t len);
uint32_t build_udp(uint8_t *buf, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
		   const void *data, uint32_t len);
uint32_t build_icmp_echo(uint8_t *buf, uint32_t src, uint32_t dst, uint8_t type, uint16_t id,
			 uint16_t seq, const void *data, uint32_t len);
uint32_t build_arp(uint8_t *buf, const uint8_t eth_dst[6], uint16_t op, const uint8_t sha[6],
		   uint32_t spa, const uint8_t tha[6], uint32_t tpa);

#define F_FIN 0x01
#define F_SYN 0x02
#define F_RST 0x04
#define F_PSH 0x08
#define F_ACK 0x10

/* --- helpers over the API --------------------------------------------------------- */

struct net_stats stats(struct node *n);
/* Makes n learn ip at mac, as from an ARP request that asked for n. */
void arp_prime(struct node *n, uint32_t ip, const uint8_t mac[6]);
/* The captured frames of node i, parsed; index -1 is the newest. */
struct pkt cap_pkt(int i, int idx);
struct net_sockinfo info(struct node *n, int s);
int sstate(struct node *n, int s);
/* A connected pair: client on A (returned in *ca), accepted socket on B
 * (*sb), the listener (*lb) left open on port. */
void tcp_pair(uint16_t port, int *ca, int *sb, int *lb);
void pattern(void *buf, size_t len, uint32_t seed);

/* --- a TCP peer played by hand --------------------------------------------------- */

/* The node under test captures what it sends; the peer at ip:port builds
 * its segments here and reads the node's from the capture queue. */
struct peer {
	struct node *n;
	uint32_t ip;
	uint16_t port, nport; /* the peer's port, the node's */
	uint32_t snd_nxt;     /* the peer's next sequence number */
	uint32_t rcv_nxt;     /* what the peer acknowledges */
	uint16_t wnd, mss;    /* window and MSS option the peer sends */
	uint8_t ws_on, ws;    /* its SYN offers window scale ws (RFC 7323) */
};
/* A segment from the peer: seq = snd_nxt, ack = rcv_nxt (if F_ACK); moves
 * snd_nxt past it. */
void peer_send(struct peer *p, uint8_t flags, const void *data, uint32_t len);
/* Any segment, state untouched. */
void peer_raw(struct peer *p, uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd,
	      const void *data, uint32_t len);
/* The node's captured frames not yet taken. take() fails the test if
 * there is none; take_tcp() skips anything but TCP. */
int pending(int node);
struct pkt take(int node);
struct pkt take_tcp(int node);
/* Opens a connection from the peer to a listener of the node on nport
 * (returns the accepted socket); or from the node to the peer (returns
 * the node's socket). The node captures from then on. */
int peer_connect_to(struct peer *p, int listener);
int node_connect_to(struct peer *p);

#endif
