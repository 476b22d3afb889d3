/* The network tests' harness: a runner printing cmocka's lines, the
 * simulated link and clock, and frames built and checked independently of
 * the stack's own code (its checksum routine is not used here). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net_test.h"

const uint8_t MAC_A[6] = {0x02, 0, 0, 0, 0, 0x0A};
const uint8_t MAC_B[6] = {0x02, 0, 0, 0, 0, 0x0B};
const uint8_t MAC_C[6] = {0x02, 0, 0, 0, 0, 0x0C};
const uint8_t MAC_BCAST[6] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};

struct sim sim;
static int cap_next[2]; /* the first captured frame not yet taken */

/* --- runner --------------------------------------------------------------- */

static jmp_buf fail_jmp;

void net_test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	fprintf(stdout, "%s:%d: error: ", file, line);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fprintf(stdout, " (simulated time %u ms)\n", sim.now);
	fflush(stdout);
	longjmp(fail_jmp, 1);
}

int net_run_tests(const struct net_test *tests, int n)
{
	static int failed;
	static char failed_names[64][64];
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("[==========] Running %d test(s).\n", n);
	for (int i = 0; i < n; i++) {
		printf("[ RUN      ] %s\n", tests[i].name);
		if (setjmp(fail_jmp) == 0) {
			tests[i].fn();
			if (sim.bad_frames)
				net_test_fail(__FILE__, __LINE__, "%u malformed frames sent",
					      sim.bad_frames);
			printf("[       OK ] %s\n", tests[i].name);
		} else {
			printf("[  FAILED  ] %s\n", tests[i].name);
			if (failed < 64)
				snprintf(failed_names[failed], 64, "%s", tests[i].name);
			failed++;
		}
		sim_free();
	}
	printf("[==========] %d test(s) run.\n", n);
	printf("[  PASSED  ] %d test(s).\n", n - failed);
	if (failed) {
		printf("[  FAILED  ] %d test(s), listed below:\n", failed);
		for (int i = 0; i < failed && i < 64; i++)
			printf("[  FAILED  ] %s\n", failed_names[i]);
	}
	return failed ? 1 : 0;
}

/* --- randomness ------------------------------------------------------------- */

uint32_t rnd(void)
{
	sim.rng = sim.rng * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(sim.rng >> 33);
}

static int chance(uint32_t per10k)
{
	return per10k && rnd() % 10000 < per10k;
}

void pattern(void *buf, size_t len, uint32_t seed)
{
	uint8_t *p = buf;
	uint32_t x = seed * 2654435761u + 7;
	for (size_t i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (uint8_t)(x >> 16);
	}
}

/* --- checksums and parsing ----------------------------------------------------- */

uint16_t t_csum(const void *p, size_t n, uint32_t init)
{
	const uint8_t *b = p;
	uint64_t s = init;
	for (size_t i = 0; i < n; i++)
		s += (i & 1) ? b[i] : (uint64_t)b[i] << 8;
	while (s >> 16)
		s = (s & 0xFFFF) + (s >> 16);
	return (uint16_t)~s;
}

static uint32_t pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint32_t len)
{
	return (src >> 16) + (src & 0xFFFF) + (dst >> 16) + (dst & 0xFFFF) + proto + len;
}

static uint16_t g16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}
static uint32_t g32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static void p16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}
static void p32(uint8_t *p, uint32_t v)
{
	p16(p, (uint16_t)(v >> 16));
	p16(p + 2, (uint16_t)v);
}

#define BAD(why)                                                                                   \
	do {                                                                                       \
		if (!quiet)                                                                        \
			printf("bad frame: %s\n", why);                                            \
		return k;                                                                          \
	} while (0)

struct pkt parse(const uint8_t *f, uint32_t len, int quiet)
{
	struct pkt k;
	memset(&k, 0, sizeof(k));
	k.wscale = -1;
	if (len < 14 || len > NET_FRAME_MAX)
		BAD("frame length");
	k.eth = f;
	memcpy(k.dst_mac, f, 6);
	memcpy(k.src_mac, f + 6, 6);
	k.ethertype = g16(f + 12);
	const uint8_t *p = f + 14;
	uint32_t n = len - 14;
	if (k.ethertype == 0x0806) {
		if (n < 28 || g16(p) != 1 || g16(p + 2) != 0x0800 || p[4] != 6 || p[5] != 4)
			BAD("arp");
		k.arp_op = g16(p + 6);
		memcpy(k.arp_sha, p + 8, 6);
		k.arp_spa = g32(p + 14);
		memcpy(k.arp_tha, p + 18, 6);
		k.arp_tpa = g32(p + 24);
		k.ok = 1;
		return k;
	}
	if (k.ethertype != 0x0800)
		BAD("ethertype");
	if (n < 20 || (p[0] >> 4) != 4)
		BAD("ip header");
	uint32_t hl = (uint32_t)(p[0] & 15) * 4, tot = g16(p + 2);
	if (hl < 20 || tot < hl || tot > n)
		BAD("ip length");
	if (t_csum(p, hl, 0) != 0)
		BAD("ip checksum");
	k.src = g32(p + 12);
	k.dst = g32(p + 16);
	k.proto = p[9];
	k.ttl = p[8];
	k.ip_id = g16(p + 4);
	k.ip_flags = g16(p + 6);
	k.l4 = p + hl;
	k.l4len = tot - hl;
	const uint8_t *l = k.l4;
	uint32_t ln = k.l4len;
	if (k.proto == 1) {
		if (ln < 8 || t_csum(l, ln, 0) != 0)
			BAD("icmp");
		k.icmp_type = l[0];
		k.icmp_code = l[1];
		k.icmp_id = g16(l + 4);
		k.icmp_seq = g16(l + 6);
		k.data = l + 8;
		k.len = ln - 8;
	} else if (k.proto == 17) {
		if (ln < 8 || g16(l + 4) != ln)
			BAD("udp length");
		if (g16(l + 6) == 0 || t_csum(l, ln, pseudo(k.src, k.dst, 17, ln)) != 0)
			BAD("udp checksum"); /* the stack always sends one */
		k.sport = g16(l);
		k.dport = g16(l + 2);
		k.data = l + 8;
		k.len = ln - 8;
	} else if (k.proto == 6) {
		if (ln < 20)
			BAD("tcp length");
		uint32_t off = (uint32_t)(l[12] >> 4) * 4;
		if (off < 20 || off > ln)
			BAD("tcp offset");
		if (t_csum(l, ln, pseudo(k.src, k.dst, 6, ln)) != 0)
			BAD("tcp checksum");
		k.sport = g16(l);
		k.dport = g16(l + 2);
		k.seq = g32(l + 4);
		k.ack = g32(l + 8);
		k.flags = l[13];
		k.wnd = g16(l + 14);
		for (uint32_t i = 20; i < off;) {
			if (l[i] == 0)
				break;
			if (l[i] == 1) {
				i++;
				continue;
			}
			if (i + 1 >= off || l[i + 1] < 2)
				BAD("tcp options");
			if (l[i] == 2 && l[i + 1] == 4)
				k.mss = g16(l + i + 2);
			if (l[i] == 3 && l[i + 1] == 3)
				k.wscale = l[i + 2];
			i += l[i + 1];
		}
		k.data = l + off;
		k.len = ln - off;
	}
	k.ok = 1;
	return k;
}

static const uint8_t *mac_of(uint32_t ip)
{
	return ip == IP_A ? MAC_A : ip == IP_B ? MAC_B : MAC_C;
}

uint32_t build_ip(uint8_t *buf, const uint8_t dst_mac[6], const uint8_t src_mac[6], uint32_t src,
		  uint32_t dst, uint8_t proto, const void *l4, uint32_t l4len)
{
	memcpy(buf, dst_mac, 6);
	memcpy(buf + 6, src_mac, 6);
	p16(buf + 12, 0x0800);
	uint8_t *h = buf + 14;
	h[0] = 0x45;
	h[1] = 0;
	p16(h + 2, (uint16_t)(20 + l4len));
	p16(h + 4, 0x1234);
	p16(h + 6, 0);
	h[8] = 64;
	h[9] = proto;
	p16(h + 10, 0);
	p32(h + 12, src);
	p32(h + 16, dst);
	p16(h + 10, t_csum(h, 20, 0));
	memcpy(h + 20, l4, l4len);
	return 14 + 20 + l4len;
}

uint32_t build_tcp(uint8_t *buf, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
		   uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd, uint16_t mss,
		   const void *data, uint32_t len)
{
	return build_tcp_ws(buf, src, dst, sport, dport, seq, ack, flags, wnd, mss, -1, data, len);
}

uint32_t build_tcp_ws(uint8_t *buf, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
		      uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd, uint16_t mss, int ws,
		      const void *data, uint32_t len)
{
	uint8_t t[NET_FRAME_MAX];
	uint32_t hl = 20 + (mss ? 4 : 0) + (ws >= 0 ? 4 : 0);
	CHECK(hl + len <= NET_MTU - 20);
	memset(t, 0, hl);
	p16(t, sport);
	p16(t + 2, dport);
	p32(t + 4, seq);
	p32(t + 8, ack);
	t[12] = (uint8_t)((hl / 4) << 4);
	t[13] = flags;
	p16(t + 14, wnd);
	uint8_t *o = t + 20;
	if (mss) {
		o[0] = 2;
		o[1] = 4;
		p16(o + 2, mss);
		o += 4;
	}
	if (ws >= 0) {
		o[0] = 1;
		o[1] = 3;
		o[2] = 3;
		o[3] = (uint8_t)ws;
	}
	if (len)
		memcpy(t + hl, data, len);
	p16(t + 16, t_csum(t, hl + len, pseudo(src, dst, 6, hl + len)));
	return build_ip(buf, mac_of(dst), mac_of(src), src, dst, 6, t, hl + len);
}

uint32_t build_udp(uint8_t *buf, uint32_t src, uint32_t dst, uint16_t sport, uint16_t dport,
		   const void *data, uint32_t len)
{
	uint8_t u[NET_FRAME_MAX];
	CHECK(len <= NET_UDP_MAX);
	p16(u, sport);
	p16(u + 2, dport);
	p16(u + 4, (uint16_t)(8 + len));
	p16(u + 6, 0);
	if (len)
		memcpy(u + 8, data, len);
	uint16_t c = t_csum(u, 8 + len, pseudo(src, dst, 17, 8 + len));
	p16(u + 6, c ? c : 0xFFFF);
	return build_ip(buf, mac_of(dst), mac_of(src), src, dst, 17, u, 8 + len);
}

uint32_t build_icmp_echo(uint8_t *buf, uint32_t src, uint32_t dst, uint8_t type, uint16_t id,
			 uint16_t seq, const void *data, uint32_t len)
{
	uint8_t m[NET_FRAME_MAX];
	CHECK(len <= NET_ICMP_MAX - 8);
	m[0] = type;
	m[1] = 0;
	p16(m + 2, 0);
	p16(m + 4, id);
	p16(m + 6, seq);
	if (len)
		memcpy(m + 8, data, len);
	p16(m + 2, t_csum(m, 8 + len, 0));
	return build_ip(buf, mac_of(dst), mac_of(src), src, dst, 1, m, 8 + len);
}

uint32_t build_arp(uint8_t *buf, const uint8_t eth_dst[6], uint16_t op, const uint8_t sha[6],
		   uint32_t spa, const uint8_t tha[6], uint32_t tpa)
{
	memcpy(buf, eth_dst, 6);
	memcpy(buf + 6, sha, 6);
	p16(buf + 12, 0x0806);
	uint8_t *p = buf + 14;
	p16(p, 1);
	p16(p + 2, 0x0800);
	p[4] = 6;
	p[5] = 4;
	p16(p + 6, op);
	memcpy(p + 8, sha, 6);
	p32(p + 14, spa);
	memcpy(p + 18, tha, 6);
	p32(p + 24, tpa);
	return 14 + 28;
}

/* --- the link --------------------------------------------------------------------- */

static int before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static void enqueue(int to, const void *frame, uint32_t len, uint32_t at, int corrupt)
{
	uint32_t in_flight = 0;
	for (uint32_t i = 0; i < sim.nq; i++)
		in_flight += sim.q[i].to == to;
	if (sim.nq >= SIM_MAX_FRAMES || in_flight >= sim.link[1 - to].queue_max) {
		sim.lost[1 - to]++;
		return;
	}
	struct sim_frame *f = &sim.q[sim.nq++];
	f->at = at;
	f->seq = sim.seq++;
	f->to = to;
	f->len = (uint16_t)len;
	memcpy(f->data, frame, len);
	if (corrupt) {
		f->data[rnd() % len] ^= (uint8_t)(1 + rnd() % 255);
		sim.corrupted[1 - to]++;
	}
}

static void link_send(int from, const void *frame, uint32_t len)
{
	struct link *l = &sim.link[from];
	sim.sent[from]++;
	if (l->drop_all || chance(l->loss)) {
		sim.lost[from]++;
		return;
	}
	int copies = chance(l->dup) ? 2 : 1;
	if (copies == 2)
		sim.duplicated[from]++;
	for (int c = 0; c < copies; c++) {
		uint32_t at = sim.now + l->delay_ms + c;
		if (chance(l->reorder)) {
			at += 1 + rnd() % (l->jitter_ms ? l->jitter_ms : 1);
			sim.reordered[from]++;
		}
		enqueue(1 - from, frame, len, at, chance(l->corrupt));
	}
}

static int tx_cb(void *ctx, const void *frame, uint32_t len)
{
	struct node *n = ctx;
	struct pkt k = parse(frame, len, sim.quiet);
	if (!k.ok || len < 60) {
		sim.bad_frames++;
		if (!sim.quiet)
			printf("node %c sent a bad frame of %u bytes\n", 'A' + n->idx, len);
	}
	if (n->refuse_tx)
		return -1;
	if (n->capture) {
		int i = n->idx;
		if (sim.ncap[i] == SIM_MAX_FRAMES) {
			memmove(&sim.cap[i][0], &sim.cap[i][1],
				(SIM_MAX_FRAMES - 1) * sizeof(struct sim_frame));
			sim.ncap[i]--;
			if (cap_next[i])
				cap_next[i]--;
		}
		struct sim_frame *f = &sim.cap[i][sim.ncap[i]++];
		f->at = sim.now;
		f->len = (uint16_t)len;
		f->to = -1;
		memcpy(f->data, frame, len);
		return 0;
	}
	link_send(n->idx, frame, len);
	return 0;
}

static uint32_t clock_cb(void *ctx)
{
	(void)ctx;
	return sim.now;
}

static void event_cb(void *ctx, int sock, unsigned ev)
{
	struct node *n = ctx;
	if (sock >= 0 && sock < NET_MAX_SOCKETS)
		n->events[sock] |= ev;
	else
		sim.bad_frames++; /* an impossible socket id: count it as a stack bug */
	n->event_calls++;
	if (n->on_event)
		n->on_event(n, sock, ev);
}

/* The buffers are kept from one call to the next (the fuzzer calls this
 * thousands of times); nothing in them is read before it is written. */
void sim_init(uint32_t start_ms, uint64_t seed)
{
	struct sim_frame *q = sim.q, *cap[2] = {sim.cap[0], sim.cap[1]};
	struct netstack *ns[2] = {sim.node[0].ns, sim.node[1].ns};
	memset(&sim, 0, sizeof(sim));
	cap_next[0] = cap_next[1] = 0;
	sim.now = start_ms;
	sim.rng = seed * 0x9E3779B97F4A7C15ull + 1;
	sim.q = q ? q : malloc(SIM_MAX_FRAMES * sizeof(*sim.q));
	for (int i = 0; i < 2; i++) {
		struct node *n = &sim.node[i];
		sim.cap[i] = cap[i] ? cap[i] : malloc(SIM_MAX_FRAMES * sizeof(struct sim_frame));
		n->idx = i;
		/* net_init clears it */
		n->ns = ns[i] ? ns[i] : malloc(sizeof(struct netstack));
		memcpy(n->cfg.mac, i ? MAC_B : MAC_A, 6);
		n->cfg.ip = i ? IP_B : IP_A;
		n->cfg.netmask = NETMASK;
		n->cfg.gateway = i ? IP_GW : 0;
		n->cfg.seed = (uint32_t)seed + (uint32_t)i * 7919;
		n->cfg.ctx = n;
		n->cfg.tx = tx_cb;
		n->cfg.clock = clock_cb;
		n->cfg.sock_event = event_cb;
		CHECK_EQ(net_init(n->ns, &n->cfg), 0);
		sim.link[i].delay_ms = 1;
		sim.link[i].queue_max = 1000;
	}
}

void sim_free(void)
{
	for (int i = 0; i < 2; i++) {
		free(sim.node[i].ns);
		sim.node[i].ns = NULL;
		free(sim.cap[i]);
		sim.cap[i] = NULL;
	}
	free(sim.q);
	sim.q = NULL;
}

/* Through an exact-size heap copy, so that ASan sees a read one byte past
 * the end of a frame. */
void inject(struct node *nd, const void *frame, uint32_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	memcpy(copy, frame, len);
	net_input(nd->ns, copy, len);
	free(copy);
}

int sim_step(uint32_t end)
{
	static uint32_t same_time_rounds, last_now;
	int work = 0;
	for (;;) {
		int best = -1;
		for (uint32_t i = 0; i < sim.nq; i++)
			if (!before(sim.now, sim.q[i].at) &&
			    (best < 0 || before(sim.q[i].at, sim.q[best].at) ||
			     (sim.q[i].at == sim.q[best].at &&
			      before(sim.q[i].seq, sim.q[best].seq))))
				best = (int)i;
		if (best < 0)
			break;
		static struct sim_frame f;
		f = sim.q[best];
		sim.q[best] = sim.q[--sim.nq];
		if (sim.deliver)
			sim.deliver(&sim.node[f.to], f.data, f.len);
		else
			inject(&sim.node[f.to], f.data, f.len);
		if (sim.after_step)
			sim.after_step();
		work = 1;
	}
	for (int i = 0; i < 2; i++)
		if (net_next_timer(sim.node[i].ns) == 0) {
			net_timer(sim.node[i].ns);
			work = 1;
		}
	if (sim.app && sim.app(sim.app_arg))
		work = 1;
	if (sim.after_step)
		sim.after_step();
	if (work) {
		if (sim.now == last_now && ++same_time_rounds > 200000)
			net_test_fail(__FILE__, __LINE__, "livelock: no progress in time");
		if (sim.now != last_now)
			same_time_rounds = 0;
		last_now = sim.now;
		return 1;
	}
	if (!before(sim.now, end))
		return 0;
	uint32_t next = end;
	for (uint32_t i = 0; i < sim.nq; i++)
		if (before(sim.q[i].at, next))
			next = sim.q[i].at;
	for (int i = 0; i < 2; i++) {
		uint32_t t = net_next_timer(sim.node[i].ns);
		if (t != NET_NO_TIMER && before(sim.now + t, next))
			next = sim.now + t;
	}
	if (sim.max_step_ms && before(sim.now + sim.max_step_ms, next))
		next = sim.now + sim.max_step_ms;
	sim.now = before(sim.now, next) ? next : sim.now + 1;
	return 1;
}

void sim_run(uint32_t ms)
{
	uint32_t end = sim.now + ms;
	while (sim_step(end))
		;
}

int cap_count(int n)
{
	return (int)sim.ncap[n];
}

const struct sim_frame *cap_peek(int n, int i)
{
	CHECK(i >= 0 && (uint32_t)i < sim.ncap[n]);
	return &sim.cap[n][i];
}

void cap_clear(int n)
{
	sim.ncap[n] = 0;
	cap_next[n] = 0;
}

/* --- helpers -------------------------------------------------------------------------- */

struct net_stats stats(struct node *n)
{
	struct net_stats s;
	net_get_stats(n->ns, &s);
	return s;
}

struct net_sockinfo info(struct node *n, int s)
{
	struct net_sockinfo i;
	memset(&i, 0, sizeof(i));
	CHECK_EQ(net_sockinfo(n->ns, s, &i), 0);
	return i;
}

int sstate(struct node *n, int s)
{
	return info(n, s).state;
}

void tcp_pair(uint16_t port, int *ca, int *sb, int *lb)
{
	int l = net_socket(B->ns, NET_SOCK_STREAM, 2);
	CHECK(l >= 0);
	CHECK_EQ(net_bind(B->ns, l, 0, port), 0);
	CHECK_EQ(net_listen(B->ns, l, 4), 0);
	int c = net_socket(A->ns, NET_SOCK_STREAM, 1);
	CHECK(c >= 0);
	CHECK_EQ(net_connect(A->ns, c, IP_B, port), -EINPROGRESS);
	CHECK(RUN_UNTIL(net_poll(A->ns, c) & NET_POLL_OUT, 10000));
	CHECK_EQ(net_connect(A->ns, c, IP_B, port), 0);
	int s = -1;
	CHECK(RUN_UNTIL((s = net_accept(B->ns, l, 2, NULL, NULL)) >= 0, 10000));
	CHECK_EQ(sstate(A, c), NET_TCP_ESTABLISHED);
	CHECK_EQ(sstate(B, s), NET_TCP_ESTABLISHED);
	*ca = c;
	*sb = s;
	*lb = l;
}

void arp_prime(struct node *n, uint32_t ip, const uint8_t mac[6])
{
	uint8_t f[64];
	static const uint8_t zero[6];
	int cap = n->capture, before_ = cap_count(n->idx);
	n->capture = 1;
	uint32_t len = build_arp(f, MAC_BCAST, 1, mac, ip, zero, n->cfg.ip);
	inject(n, f, len);
	/* Its reply goes nowhere. */
	CHECK_EQ(cap_count(n->idx), before_ + 1);
	sim.ncap[n->idx]--;
	n->capture = cap;
}

struct pkt cap_pkt(int i, int idx)
{
	if (idx < 0)
		idx += cap_count(i);
	const struct sim_frame *f = cap_peek(i, idx);
	struct pkt k = parse(f->data, f->len, 0);
	CHECK(k.ok);
	return k;
}

/* --- the hand-played peer ------------------------------------------------------------ */

void peer_raw(struct peer *p, uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd,
	      const void *data, uint32_t len)
{
	uint8_t f[NET_FRAME_MAX + 64];
	int syn = (flags & F_SYN) != 0;
	uint32_t n = build_tcp_ws(f, p->ip, p->n->cfg.ip, p->port, p->nport, seq, ack, flags, wnd,
				  syn ? p->mss : 0, syn && p->ws_on ? p->ws : -1, data, len);
	inject(p->n, f, n);
}

void peer_send(struct peer *p, uint8_t flags, const void *data, uint32_t len)
{
	peer_raw(p, p->snd_nxt, (flags & F_ACK) ? p->rcv_nxt : 0, flags, p->wnd, data, len);
	p->snd_nxt += len + ((flags & F_SYN) ? 1 : 0) + ((flags & F_FIN) ? 1 : 0);
}

int pending(int node)
{
	return cap_count(node) - cap_next[node];
}

struct pkt take(int node)
{
	if (pending(node) <= 0)
		net_test_fail(__FILE__, __LINE__, "node %c sent nothing more", 'A' + node);
	return cap_pkt(node, cap_next[node]++);
}

/* A hand-played peer answers ARP requests for its address, as a real
 * host would (tests that move the clock by hand outlive ARP entries). */
struct pkt take_tcp(int node)
{
	for (;;) {
		struct pkt k = take(node);
		if (k.ethertype == 0x0800 && k.proto == 6)
			return k;
		if (k.ethertype == 0x0806 && k.arp_op == 1 && k.arp_tpa == IP_C) {
			uint8_t f[64];
			struct node *n = &sim.node[node];
			inject(n, f,
			       build_arp(f, n->cfg.mac, 2, MAC_C, IP_C, n->cfg.mac, n->cfg.ip));
		}
	}
}

int peer_connect_to(struct peer *p, int listener)
{
	p->n->capture = 1;
	arp_prime(p->n, p->ip, MAC_C);
	if (!p->wnd)
		p->wnd = 65535;
	if (!p->snd_nxt)
		p->snd_nxt = 1000000;
	peer_send(p, F_SYN, NULL, 0);
	struct pkt k = take_tcp(p->n->idx);
	CHECK_EQ(k.flags, F_SYN | F_ACK);
	CHECK_EQ(k.ack, p->snd_nxt);
	p->rcv_nxt = k.seq + 1;
	peer_send(p, F_ACK, NULL, 0);
	int s = net_accept(p->n->ns, listener, 9, NULL, NULL);
	CHECK(s >= 0);
	return s;
}

int node_connect_to(struct peer *p)
{
	p->n->capture = 1;
	arp_prime(p->n, p->ip, MAC_C);
	if (!p->wnd)
		p->wnd = 65535;
	if (!p->snd_nxt)
		p->snd_nxt = 5000000;
	int s = net_socket(p->n->ns, NET_SOCK_STREAM, 1);
	CHECK(s >= 0);
	CHECK_EQ(net_connect(p->n->ns, s, p->ip, p->port), -EINPROGRESS);
	struct pkt k = take_tcp(p->n->idx);
	CHECK_EQ(k.flags, F_SYN);
	p->nport = k.sport;
	p->rcv_nxt = k.seq + 1;
	peer_send(p, F_SYN | F_ACK, NULL, 0);
	k = take_tcp(p->n->idx);
	CHECK_EQ(k.flags, F_ACK);
	CHECK_EQ(k.ack, p->snd_nxt);
	CHECK_EQ(net_connect(p->n->ns, s, p->ip, p->port), 0);
	return s;
}
