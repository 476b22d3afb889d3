/* bench_net: TCP bulk transfer both ways, TCP connection set-up, UDP round trip
 *
 *   bench_net [-q] [-u UNIT] rx PORT SIZE      tcp_rx: the host sends, the guest receives
 *   bench_net [-q] [-u UNIT] tx PORT SIZE      tcp_tx: the guest sends, the host receives
 *   bench_net [-q] [-u UNIT] connect IP PORT   tcp_connect: the guest connects, the host accepts
 *   bench_net [-q] [-u UNIT] rtt IP PORT       udp_rtt: a datagram to an echo server and back
 *
 * Each needs its host end, tools/netpeer.py, which tools/bench.py starts:
 * for rx and tx once this program has printed "listening on TCP port", for
 * connect and rtt before it (the guest speaks first). rx and tx go through
 * QEMU's user networking, where the host can only connect to the guest;
 * connect and rtt through a tap device, since restricted user networking
 * drops what the guest sends on its own.
 *
 * What is timed, by the guest's own clock:
 *   tcp_rx   from the first byte received to the end of the stream (recv
 *            returns 0): SIZE bytes through the host's QEMU, the driver, the
 *            stack and the socket into this program. Every 509th byte is
 *            checked against bench_pattern inside the timed region: one load
 *            in 509 bytes costs far less than the bytes' journey.
 *   tcp_tx   from the first send to the host's one-byte answer, which the
 *            host sends once it has all SIZE bytes and the end of the
 *            stream: the bytes, acknowledged, plus one round trip.
 *   tcp_connect  connect() alone: SYN out, SYN-ACK in, ACK out. The host
 *            then closes at once, so the guest closes second and never
 *            holds a port in TIME-WAIT.
 *   udp_rtt  sendto of 64 bytes to recvfrom of their echo.
 * Under -icount one tick is one guest instruction while the guest runs and
 * one nanosecond of the host's time while it idles (sleep=on), so waiting
 * for the host's QEMU counts: docs/06-network.md says what that means.
 * Each figure has a twin, NAME_cpu: the same samples less the time the CPU
 * was halted (struct kinfo's idle_tsc), which is the work done for them by
 * every thread on the way; under -icount, the instructions they ran, the
 * same on every run and machine, however fast the host answered. */
#include <socket.h>

#include "bench.h"

#define MAX_SIZE  (4u << 20)
#define CHUNK     65536u
#define UDP_BYTES 64

static uint8_t buf[MAX_SIZE];
static uint64_t busy[BENCH_MAX_SAMPLES]; /* the samples' busy parts */

/* A bulk sample: elapsed, and the part of it the CPU was not halted. */
struct sample {
	uint64_t elapsed, busy;
};

static struct sample sample_of(uint64_t t0, uint64_t t1, uint64_t idle0, uint64_t idle1,
			       uint64_t overhead)
{
	struct sample s = {bench_elapsed(t0, t1, overhead), 0};
	uint64_t idle = idle1 - idle0;

	s.busy = s.elapsed > idle ? s.elapsed - idle : 0;
	return s;
}

static void usage(void)
{
	printf("usage: bench_net [-q] [-u UNIT] rx|tx PORT SIZE | connect|rtt IP PORT\n");
	exit(2);
}

static uint32_t size_arg(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*end == 'K' || *end == 'k')
		v <<= 10, end++;
	else if (*end == 'M' || *end == 'm')
		v <<= 20, end++;
	if (*end || v == 0 || v > MAX_SIZE)
		bench_fail("bad size '%s' (1 byte to 4M)", s);
	return (uint32_t)v;
}

static uint16_t port_arg(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	if (*end || v == 0 || v > 65535)
		bench_fail("bad port '%s'", s);
	return (uint16_t)v;
}

static int listener(uint16_t port)
{
	int fd = socket(SOCK_STREAM), r;

	if (fd < 0)
		bench_fail("socket: %s", strerror(fd));
	if ((r = bind(fd, 0, port)) < 0 || (r = listen(fd, 4)) < 0)
		bench_fail("listen on port %u: %s", (unsigned)port, strerror(r));
	/* tools/bench.py starts the host's end when it sees this line. */
	printf("bench_net: listening on TCP port %u\n", (unsigned)port);
	return fd;
}

/* A connection from the host, with a bound on every wait: a host that went
 * away must cost a FAIL line, not a hung benchmark. */
static int next_connection(int fd)
{
	int c = accept(fd, NULL, NULL);

	if (c < 0)
		bench_fail("accept: %s", strerror(c));
	sock_timeout(c, 20000);
	return c;
}

static struct sample rx_once(int fd, uint32_t size, uint64_t overhead)
{
	int c = next_connection(fd);
	uint32_t got = 0;
	uint64_t t0 = 0, idle0 = 0;

	for (;;) {
		int r = recv(c, buf, CHUNK, 0);

		if (r < 0)
			bench_fail("recv after %u bytes: %s", (unsigned)got, strerror(r));
		if (got == 0) {
			idle0 = bench_idle();
			t0 = bench_rdtsc();
		}
		if (r == 0)
			break;
		/* Positions that are multiples of 509 within this chunk. */
		for (uint32_t p = (got + 508) / 509 * 509; p < got + (uint32_t)r; p += 509)
			if (p < size && buf[p - got] != bench_pattern(p))
				bench_fail("byte %u of the stream is wrong", (unsigned)p);
		got += (uint32_t)r;
		if (got > size)
			break;
	}
	uint64_t t1 = bench_rdtsc(), idle1 = bench_idle();

	if (got != size)
		bench_fail("received %u bytes, wanted %u", (unsigned)got, (unsigned)size);
	int r = send(c, "k", 1, 0);

	if (r != 1)
		bench_fail("answer: %s", r < 0 ? strerror(r) : "not sent");
	close(c);
	return sample_of(t0, t1, idle0, idle1, overhead);
}

static struct sample tx_once(int fd, uint32_t size, uint64_t overhead)
{
	int c = next_connection(fd), r;
	uint64_t idle0 = bench_idle(), t0 = bench_rdtsc();

	for (uint32_t done = 0; done < size;) {
		uint32_t n = size - done < CHUNK ? size - done : CHUNK;

		r = send(c, buf + done, n, 0);
		if (r <= 0)
			bench_fail("send at %u: %s", (unsigned)done,
				   r < 0 ? strerror(r) : "nothing taken");
		done += (uint32_t)r;
	}
	if ((r = shutdown(c, SHUT_WR)) < 0)
		bench_fail("shutdown: %s", strerror(r));
	char k = 0;

	r = recv(c, &k, 1, 0);
	uint64_t t1 = bench_rdtsc(), idle1 = bench_idle();

	if (r != 1 || k != 'k')
		bench_fail("no answer from the host: %s", r < 0 ? strerror(r) : "wrong bytes");
	close(c);
	return sample_of(t0, t1, idle0, idle1, overhead);
}

static void bulk(int tx, uint16_t port, uint32_t size)
{
	uint64_t *v = bench_samples();
	uint64_t overhead = bench_overhead();
	int runs = bench_pick(7, 3), warm = 1;

	if (tx)
		for (uint32_t i = 0; i < size; i++)
			buf[i] = bench_pattern(i);
	int fd = listener(port);

	/* The first connection warms ARP, the stack's buffers and the
	 * host's side; tools/netpeer.py makes warm + runs of them. */
	for (int i = 0; i < warm + runs; i++) {
		struct sample t = tx ? tx_once(fd, size, overhead) : rx_once(fd, size, overhead);

		if (i >= warm) {
			v[i - warm] = t.elapsed;
			busy[i - warm] = t.busy;
		}
	}
	close(fd);
	bench_report(tx ? "tcp_tx" : "tcp_rx", size, v, runs);
	bench_report(tx ? "tcp_tx_cpu" : "tcp_rx_cpu", size, busy, runs);
}

/* A connect that the host's end refuses at first (it may not listen yet)
 * is tried again, for up to 5 s. */
static int connect_retry(uint32_t ip, uint16_t port, struct sample *took, uint64_t overhead)
{
	for (int tries = 0;; tries++) {
		int fd = socket(SOCK_STREAM);

		if (fd < 0)
			bench_fail("socket: %s", strerror(fd));
		uint64_t idle0 = bench_idle(), t0 = bench_rdtsc();
		int r = connect(fd, ip, port);
		uint64_t t1 = bench_rdtsc(), idle1 = bench_idle();

		if (r == 0) {
			*took = sample_of(t0, t1, idle0, idle1, overhead);
			return fd;
		}
		close(fd);
		if (tries >= 50)
			bench_fail("connect: %s", strerror(r));
		sleep_ms(100);
	}
}

static void connects(uint32_t ip, uint16_t port)
{
	uint64_t *v = bench_samples();
	uint64_t overhead = bench_overhead();
	int runs = bench_pick(40, 10), warm = 2;

	for (int i = 0; i < warm + runs; i++) {
		struct sample t;
		int fd = connect_retry(ip, port, &t, overhead);
		char c;

		/* The host closes first; its FIN is the end of the stream. */
		sock_timeout(fd, 5000);
		int r = recv(fd, &c, 1, 0);

		if (r != 0)
			bench_fail("the host did not close: %s",
				   r < 0 ? strerror(r) : "bytes came");
		close(fd);
		if (i >= warm) {
			v[i - warm] = t.elapsed;
			busy[i - warm] = t.busy;
		}
	}
	bench_report("tcp_connect", 0, v, runs);
	bench_report("tcp_connect_cpu", 0, busy, runs);
}

static void round_trips(uint32_t ip, uint16_t port)
{
	uint64_t *v = bench_samples();
	uint64_t overhead = bench_overhead();
	int runs = bench_pick(400, 60), warm = 0;
	uint8_t out[UDP_BYTES], in[UDP_BYTES + 1];
	int fd = socket(SOCK_DGRAM);

	if (fd < 0)
		bench_fail("socket: %s", strerror(fd));
	sock_timeout(fd, 200);
	/* Until the first echo: ARP, and a host end that may start late. */
	for (;; warm++) {
		if (warm >= 50)
			bench_fail("no echo from the host within 10 s");
		sendto(fd, "hello", 5, ip, port);
		if (recvfrom(fd, in, sizeof(in), NULL, NULL) == 5)
			break;
	}
	/* An earlier "hello" may still be on its way back (one that waited
	 * for ARP): drain them, so that each echo below is its own. */
	sock_timeout(fd, 300);
	while (recvfrom(fd, in, sizeof(in), NULL, NULL) > 0)
		;
	sock_timeout(fd, 5000);
	for (int i = 0; i < runs + 10; i++) {
		for (int j = 0; j < UDP_BYTES; j++)
			out[j] = (uint8_t)(i + j);
		uint64_t idle0 = bench_idle(), t0 = bench_rdtsc();
		int s = sendto(fd, out, UDP_BYTES, ip, port);
		int r = recvfrom(fd, in, sizeof(in), NULL, NULL);
		uint64_t t1 = bench_rdtsc(), idle1 = bench_idle();

		if (s != UDP_BYTES)
			bench_fail("sendto: %s", s < 0 ? strerror(s) : "short");
		if (r != UDP_BYTES || memcmp(in, out, UDP_BYTES) != 0)
			bench_fail("echo %d: %s", i, r < 0 ? strerror(r) : "wrong bytes");
		if (i >= 10) {
			struct sample t = sample_of(t0, t1, idle0, idle1, overhead);

			v[i - 10] = t.elapsed;
			busy[i - 10] = t.busy;
		}
	}
	close(fd);
	bench_report("udp_rtt", UDP_BYTES, v, runs);
	bench_report("udp_rtt_cpu", UDP_BYTES, busy, runs);
}

int main(int argc, char **argv)
{
	int first = bench_args(argc, argv);
	uint32_t ip;

	if (argc - first != 3)
		usage();
	const char *what = argv[first];
	struct net_ifinfo ifi;
	int r = net_ifinfo(&ifi);

	if (r < 0) {
		char why[100];

		snprintf(why, sizeof(why), "no network service (%s)", strerror(r));
		bench_skip(why);
	}
	if (!ifi.dev_present)
		bench_skip("no network device (QEMU without -device e1000)");
	if (strcmp(what, "rx") == 0 || strcmp(what, "tx") == 0) {
		bulk(what[0] == 't', port_arg(argv[first + 1]), size_arg(argv[first + 2]));
	} else if (strcmp(what, "connect") == 0 || strcmp(what, "rtt") == 0) {
		if (ip_parse(argv[first + 1], &ip) < 0)
			bench_fail("bad address '%s'", argv[first + 1]);
		if (what[0] == 'c')
			connects(ip, port_arg(argv[first + 2]));
		else
			round_trips(ip, port_arg(argv[first + 2]));
	} else {
		usage();
	}
	return 0;
}
