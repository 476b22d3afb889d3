/* The network service (SVC_NET): the component glue around the protocol
 * core of this folder. It answers the socket protocol of abi/net.h for
 * user programs, moves frames to and from the Ethernet driver (SVC_ETH) in
 * batches, and drives the core's timers from the component's timer.
 *
 * A request that cannot be answered yet (a recv with nothing queued, an
 * accept with no connection, a send into a full buffer, a connect in
 * progress) is deferred: its reply token waits on the socket, and the
 * core's readiness events retry it. The component itself never blocks, in
 * any placement.
 *
 * The driver never calls us: when frames arrive it notify()s, and our
 * notified() callback asks for them. Frames the core sends are collected
 * and handed to the driver in one request at the end of each entry. If the
 * driver dies under a request, that batch is lost; TCP sends it again, and
 * the restarted driver notifies us when it is up. */
#include "abi/eth.h"
#include "abi/net.h"
#include "component.h"
#include "klib.h"
#include "net.h"
#include "x86.h"

/* QEMU's user networking (slirp): the guest is 10.0.2.15/24, the host is
 * reached through the gateway 10.0.2.2. The network-namespace tests give
 * their tap device the gateway's address, so the same numbers serve. */
#define OUR_IP   0x0A00020Fu
#define OUR_MASK 0xFFFFFF00u
#define OUR_GW   0x0A000202u
#define SWEEP_MS 1000 /* how often sockets of dead processes are reclaimed */
/* A send takes up to the whole send buffer in one request; a read takes
 * at most half the receive buffer, so that the window update it causes
 * goes out while the rest is still being copied to the reader, and the
 * sender is not left waiting for the whole window to drain (measured by
 * bench_net's tcp_rx: docs/06-network.md). */
#define IO_MAX   NET_SOCK_TXBUF
#define RECV_MAX (NET_SOCK_RXBUF / 2)
_Static_assert(RECV_MAX <= IO_MAX, "reads go through iobuf too");

enum op { OP_NONE, OP_RECV, OP_RECVFROM, OP_ACCEPT, OP_SEND, OP_CONNECT };

/* A deferred request on a socket: reads wait on one side, writes on the
 * other, so a recv and a send of one connection can both be waiting. */
struct waiter {
	enum op op;
	reply_token t;
	uint32_t len;      /* its grant's length */
	uint32_t ip;       /* connect */
	uint16_t port;     /* connect */
	uint32_t deadline; /* ms (0: none): -ETIMEDOUT then */
};

static struct netstack ns;
static int up;                          /* the stack is configured */
static uint32_t owner[NET_MAX_SOCKETS]; /* 0: free */
static struct waiter rwait[NET_MAX_SOCKETS], wwait[NET_MAX_SOCKETS];
static unsigned ready[NET_MAX_SOCKETS]; /* events not yet acted on */
static uint8_t txq[ETH_BATCH_MAX];      /* frames for the driver */
static uint32_t txq_used, txq_count;
static uint8_t rxq[ETH_BATCH_MAX];
static uint8_t iobuf[IO_MAX];
static uint32_t timer_due; /* when our timer fires (ms; 0: not armed) */
static uint32_t last_sweep;

/* --- the driver --- */

static void flush_tx(void)
{
	if (!txq_count)
		return;
	struct msg m = {.type = ETH_SEND};
	m.w[0] = txq_count;
	m.grant = (struct grant){(uint32_t)(uintptr_t)txq, txq_used, GRANT_READ};
	/* A driver that died answers -EDEADSRCDST: the batch is lost and TCP
	 * sends it again; anything else is the ring being full. */
	call(SVC_ETH, &m);
	txq_used = txq_count = 0;
}

static int tx(void *ctx, const void *frame, uint32_t len)
{
	(void)ctx;
	if (len > ETH_FRAME_MAX)
		return -EMSGSIZE;
	if (txq_used + eth_record_size(len) > sizeof(txq))
		flush_tx();
	txq[txq_used] = (uint8_t)len;
	txq[txq_used + 1] = (uint8_t)(len >> 8);
	memcpy(txq + txq_used + 2, frame, len);
	txq_used += eth_record_size(len);
	txq_count++;
	return 0;
}

static uint32_t clock(void *ctx)
{
	(void)ctx;
	return comp_uptime_ms();
}

static void sock_event(void *ctx, int s, unsigned bits)
{
	(void)ctx;
	if (s >= 0 && s < NET_MAX_SOCKETS)
		ready[s] |= bits;
}

static void settle(void);

/* Every frame the driver holds, in batches. After each batch the waiting
 * readers get their bytes and the ACKs go out, so that the sender's
 * window opens while the next batch is being read, not after the last. */
static void pull_frames(void)
{
	for (int batches = 0; batches < 64; batches++) {
		struct msg m = {.type = ETH_RECV};
		m.grant = (struct grant){(uint32_t)(uintptr_t)rxq, sizeof(rxq), GRANT_WRITE};
		int n = call(SVC_ETH, &m);
		if (n <= 0)
			return;
		uint32_t off = 0, used = m.w[0] < sizeof(rxq) ? m.w[0] : sizeof(rxq);
		for (int i = 0; i < n && off + 2 <= used; i++) {
			uint32_t len = rxq[off] | (uint32_t)rxq[off + 1] << 8;
			if (len > used - off - 2)
				break; /* a driver's bad record: drop the rest */
			net_input(&ns, rxq + off + 2, len);
			off += eth_record_size(len);
		}
		settle();
		flush_tx();
	}
}

static int configure(void)
{
	struct msg m = {.type = ETH_INFO};
	int r = call(SVC_ETH, &m);
	if (r < 0 || !m.w[8])
		return r < 0 ? r : -ENETDOWN;
	struct net_config cfg = {
		.ip = OUR_IP,
		.netmask = OUR_MASK,
		.gateway = OUR_GW,
		/* RFC 6528 wants a secret that differs between boots: the
		 * uptime and the MAC are the same every boot in QEMU, the
		 * TSC's low bits are not (under plain TCG or KVM). */
		.seed = comp_uptime_ms() ^ m.w[0] ^ (uint32_t)rdtsc(),
		.tx = tx,
		.clock = clock,
		.sock_event = sock_event,
	};
	memcpy(cfg.mac, &m.w[0], 4);
	memcpy(cfg.mac + 4, &m.w[1], 2);
	if ((r = net_init(&ns, &cfg)) < 0)
		return r;
	up = 1;
	comp_log("net: 10.0.2.15/24, gateway 10.0.2.2, MAC %02x:%02x:%02x:%02x:%02x:%02x\n",
		 cfg.mac[0], cfg.mac[1], cfg.mac[2], cfg.mac[3], cfg.mac[4], cfg.mac[5]);
	return 0;
}

/* --- deferred requests --- */

static void answer(reply_token t, int32_t type, uint32_t w1, uint32_t w2)
{
	struct msg r = {.type = type};
	r.w[1] = w1;
	r.w[2] = w2;
	reply(t, &r);
}

/* Tries a waiting request again; 1 if it is still waiting. */
static int retry(int s, struct waiter *w)
{
	uint32_t n = w->len < IO_MAX ? w->len : IO_MAX, ip = 0;
	uint32_t nr = n < RECV_MAX ? n : RECV_MAX;
	uint16_t port = 0;
	int r;
	switch (w->op) {
	case OP_RECV:
		if ((r = net_recv(&ns, s, iobuf, nr)) == -EAGAIN)
			return 1;
		if (r > 0 && grant_write_deferred(w->t, 0, iobuf, (uint32_t)r) < 0)
			r = -EFAULT;
		break;
	case OP_RECVFROM:
		if ((r = net_recvfrom(&ns, s, iobuf, nr, &ip, &port)) == -EAGAIN)
			return 1;
		if (r > 0 && grant_write_deferred(w->t, 0, iobuf, (uint32_t)r) < 0)
			r = -EFAULT;
		break;
	case OP_ACCEPT:
		if ((r = net_accept(&ns, s, w->t, &ip, &port)) == -EAGAIN)
			return 1;
		if (r >= 0)
			owner[r] = w->t;
		break;
	case OP_SEND:
		if (!(net_poll(&ns, s) & (NET_POLL_OUT | NET_POLL_ERR | NET_POLL_HUP)))
			return 1;
		if ((r = grant_read_deferred(w->t, 0, iobuf, n)) >= 0 &&
		    (r = net_send(&ns, s, iobuf, n)) == -EAGAIN)
			return 1;
		break;
	case OP_CONNECT:
		r = net_connect(&ns, s, w->ip, w->port);
		if (r == -EALREADY || r == -EINPROGRESS)
			return 1;
		break;
	default:
		return 0;
	}
	answer(w->t, r, ip, port);
	return 0;
}

static void settle(void)
{
	for (int rounds = 0; rounds < 8; rounds++) {
		int any = 0;
		for (int s = 0; s < NET_MAX_SOCKETS; s++) {
			unsigned bits = ready[s];
			if (!bits)
				continue;
			ready[s] = 0;
			any = 1;
			if (rwait[s].op && !retry(s, &rwait[s]))
				rwait[s].op = OP_NONE;
			if (wwait[s].op && !retry(s, &wwait[s]))
				wwait[s].op = OP_NONE;
		}
		if (!any)
			break;
	}
}

/* What dispatch answers for a request that now waits: no reply yet. */
#define DEFERRED INT32_MIN

/* Makes the request wait on the socket: DEFERRED, or -EAGAIN for a
 * nonblocking one. */
static int wait_on(struct msg *m, struct waiter *w, enum op op)
{
	if (m->w[3] & NET_NONBLOCK)
		return -EAGAIN;
	if (w->op)
		return -EBUSY; /* one waiting request of a kind per socket */
	uint32_t now = comp_uptime_ms();
	*w = (struct waiter){
		op,      defer(m),          m->grant.len,
		m->w[1], (uint16_t)m->w[2], m->w[4] && op != OP_SEND ? (now + m->w[4]) | 1 : 0};
	return DEFERRED;
}

/* The sockets of processes that died, and the waiters whose time is up. */
static void sweep(uint32_t now)
{
	for (int s = 0; s < NET_MAX_SOCKETS; s++) {
		struct waiter *ws[2] = {&rwait[s], &wwait[s]};
		for (int i = 0; i < 2; i++)
			if (ws[i]->op && ws[i]->deadline && (int32_t)(now - ws[i]->deadline) >= 0) {
				answer(ws[i]->t, -ETIMEDOUT, 0, 0);
				ws[i]->op = OP_NONE;
			}
	}
	if (now - last_sweep < SWEEP_MS)
		return;
	last_sweep = now;
	for (int s = 0; s < NET_MAX_SOCKETS; s++) {
		if (owner[s] && !comp_pid_alive(owner[s])) {
			rwait[s].op = wwait[s].op = OP_NONE;
			net_close(&ns, s);
			owner[s] = 0;
		}
	}
}

/* After every entry: the frames out, and the timer for what is due next. */
static void finish(void)
{
	settle();
	flush_tx();
	uint32_t now = comp_uptime_ms(), next = up ? net_next_timer(&ns) : NET_NO_TIMER;
	uint32_t wait = next < SWEEP_MS ? next : SWEEP_MS;
	for (int s = 0; s < NET_MAX_SOCKETS; s++) {
		const struct waiter *ws[2] = {&rwait[s], &wwait[s]};
		for (int i = 0; i < 2; i++)
			if (ws[i]->op && ws[i]->deadline) {
				int32_t left = (int32_t)(ws[i]->deadline - now);
				wait = left <= 0               ? 0
				       : (uint32_t)left < wait ? (uint32_t)left
							       : wait;
			}
	}
	uint32_t due = (now + (wait ? wait : 1)) | 1;
	/* Re-arm only when the timer must come sooner than it will. */
	if (!timer_due || (int32_t)(due - timer_due) < 0 || (int32_t)(now - timer_due) >= 0) {
		timer_due = due;
		timer_set(wait ? wait : 1);
	}
}

/* --- requests --- */

static int sock_of(const struct msg *m)
{
	uint32_t s = m->w[0];
	return s < NET_MAX_SOCKETS && owner[s] && owner[s] == m->sender ? (int)s : -EBADF;
}

static int do_send(struct msg *m, int s, int to)
{
	uint32_t n = m->grant.len < IO_MAX ? m->grant.len : IO_MAX;
	if (!(m->grant.rights & GRANT_READ))
		return -EFAULT;
	int r = grant_read(m, 0, iobuf, n);
	if (r < 0)
		return r;
	if (to)
		return net_sendto(&ns, s, iobuf, n, m->w[1], (uint16_t)m->w[2]);
	r = net_send(&ns, s, iobuf, n);
	return r == -EAGAIN ? wait_on(m, &wwait[s], OP_SEND) : r;
}

static int do_recv(struct msg *m, int s, int from)
{
	uint32_t n = m->grant.len < RECV_MAX ? m->grant.len : RECV_MAX, ip = 0;
	uint16_t port = 0;
	if (!(m->grant.rights & GRANT_WRITE))
		return -EFAULT;
	int r = from ? net_recvfrom(&ns, s, iobuf, n, &ip, &port) : net_recv(&ns, s, iobuf, n);
	if (r == -EAGAIN)
		return wait_on(m, &rwait[s], from ? OP_RECVFROM : OP_RECV);
	if (r > 0 && grant_write(m, 0, iobuf, (uint32_t)r) < 0)
		return -EFAULT;
	m->w[1] = ip;
	m->w[2] = port;
	return r;
}

static int do_info(struct msg *m)
{
	struct net_ifinfo in = {.ip = OUR_IP, .netmask = OUR_MASK, .gateway = OUR_GW};
	struct msg e = {.type = ETH_INFO};
	if (call(SVC_ETH, &e) == 0) {
		memcpy(in.mac, &e.w[0], 4);
		memcpy(in.mac + 4, &e.w[1], 2);
		in.link_up = (uint16_t)e.w[2];
		in.dev_in = e.w[3];
		in.dev_out = e.w[4];
		in.dev_drop_in = e.w[5];
		in.dev_drop_out = e.w[6];
		in.dev_irqs = e.w[7];
		in.dev_present = e.w[8];
		in.dev_bad_in = e.w[9];
	}
	uint32_t n = m->grant.len < sizeof(in) ? m->grant.len : sizeof(in);
	return grant_write(m, 0, &in, n) < 0 ? -EFAULT : 0;
}

static int dispatch(struct msg *m)
{
	int s = -EBADF, r;
	uint32_t ip = 0;
	uint16_t port = 0;
	if (m->type == NET_IFINFO)
		return do_info(m);
	if (!up && configure() < 0)
		return -ENETDOWN;
	if (m->type != NET_SOCKET && m->type != NET_STATS && (s = sock_of(m)) < 0)
		return s;
	switch (m->type) {
	case NET_SOCKET:
		if ((r = net_socket(&ns, (int)m->w[0], m->sender)) >= 0)
			owner[r] = m->sender;
		return r;
	case NET_BIND:
		return net_bind(&ns, s, m->w[1], (uint16_t)m->w[2]);
	case NET_LISTEN:
		return net_listen(&ns, s, (int)m->w[1]);
	case NET_ACCEPT:
		r = net_accept(&ns, s, m->sender, &ip, &port);
		if (r == -EAGAIN)
			return wait_on(m, &rwait[s], OP_ACCEPT);
		if (r >= 0)
			owner[r] = m->sender;
		m->w[1] = ip;
		m->w[2] = port;
		return r;
	case NET_CONNECT:
		r = net_connect(&ns, s, m->w[1], (uint16_t)m->w[2]);
		if (r == -EINPROGRESS || r == -EALREADY)
			return wait_on(m, &wwait[s], OP_CONNECT);
		return r;
	case NET_SEND:
	case NET_SENDTO:
		return do_send(m, s, m->type == NET_SENDTO);
	case NET_RECV:
	case NET_RECVFROM:
		return do_recv(m, s, m->type == NET_RECVFROM);
	case NET_SHUTDOWN:
		return net_shutdown(&ns, s, (int)m->w[1]);
	case NET_CLOSE:
		rwait[s].op = wwait[s].op = OP_NONE;
		owner[s] = 0;
		return net_close(&ns, s);
	case NET_SETOPT:
		return net_setopt(&ns, s, (int)m->w[1], (int)m->w[2]);
	case NET_SOCKINFO: {
		struct net_sockinfo si;
		if ((r = net_sockinfo(&ns, s, &si)) < 0)
			return r;
		uint32_t n = m->grant.len < sizeof(si) ? m->grant.len : sizeof(si);
		return grant_write(m, 0, &si, n) < 0 ? -EFAULT : 0;
	}
	case NET_STATS: {
		static struct net_stats st;
		net_get_stats(&ns, &st);
		uint32_t n = m->grant.len < sizeof(st) ? m->grant.len : sizeof(st);
		return grant_write(m, 0, &st, n) < 0 ? -EFAULT : 0;
	}
	}
	return -ENOSYS;
}

static void net_handle(struct msg *m)
{
	int32_t r = dispatch(m);
	if (r != DEFERRED)
		m->type = r;
	if (up)
		finish();
}

static void net_notified(uint32_t from)
{
	if (!(from & SVC_BIT(SVC_ETH)))
		return;
	if (!up && configure() < 0)
		return;
	/* The driver also says so when it is up after a restart: nothing is
	 * lost by asking. */
	pull_frames();
	finish();
}

static void on_timer(void)
{
	timer_due = 0;
	if (!up)
		return;
	net_timer(&ns);
	sweep(comp_uptime_ms());
	finish();
}

static int net_init_comp(void)
{
	/* The driver may have no device: then every request answers
	 * -ENETDOWN, and the system runs without a network. */
	if (configure() < 0)
		comp_log("net: no network device; sockets answer ENETDOWN\n");
	else
		finish();
	return 0;
}

static const struct component net_component = {
	.name = "net",
	.serves = {{SVC_NET, net_handle}},
	.init = net_init_comp,
	.notified = net_notified,
	.timer = on_timer,
	.calls = SVC_BIT(SVC_ETH),
};
COMPONENT(net_component);
