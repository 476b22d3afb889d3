/* ping: send ICMP echo requests and time the replies: ping HOST [-c N] */
#include <socket.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ulib.h>

#define DATA    56   /* bytes after the 8-byte ICMP header, as ping(8) sends */
#define WAIT_MS 1000 /* for each reply */
#define GAP_MS  200  /* between a reply and the next request */

int main(int argc, char **argv)
{
	uint32_t ip;
	int count = 4;
	const char *host = NULL;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			count = atoi(argv[++i]);
		else
			host = argv[i];
	}
	if (!host || count <= 0 || count > 1000 || ip_parse(host, &ip) < 0) {
		dprintf(STDERR_FILENO, "usage: ping a.b.c.d [-c count (1-1000)]\n");
		return 2;
	}
	int fd = socket(SOCK_ICMP);
	if (fd < 0) {
		dprintf(STDERR_FILENO, "ping: socket: %s\n", strerror(fd));
		return 1;
	}
	sock_timeout(fd, WAIT_MS);
	printf("PING %s: %d data bytes\n", host, DATA);
	int got = 0;
	unsigned best = ~0u, worst = 0, sum = 0;
	for (int seq = 1; seq <= count; seq++) {
		/* Type 8, code 0; the stack writes the identifier and checksum. */
		uint8_t req[8 + DATA] = {8, 0, 0, 0, 0, 0, (uint8_t)(seq >> 8), (uint8_t)seq};
		for (int i = 0; i < DATA; i++)
			req[8 + i] = (uint8_t)i;
		unsigned t0 = uptime_ms();
		int r = sendto(fd, req, sizeof(req), ip, 0);
		if (r < 0) {
			printf("ping: send: %s\n", strerror(r));
			continue;
		}
		uint8_t rep[8 + DATA];
		for (;;) {
			uint32_t from;
			r = recvfrom(fd, rep, sizeof(rep), &from, NULL);
			if (r < 0) {
				printf("no reply from %s for icmp_seq=%d: %s\n", host, seq,
				       strerror(r));
				break;
			}
			if (r < 8 || from != ip || rep[6] != (uint8_t)(seq >> 8) ||
			    rep[7] != (uint8_t)seq)
				continue; /* a late reply to an earlier request */
			unsigned ms = uptime_ms() - t0;
			printf("%d bytes from %s: icmp_seq=%d time=%u ms\n", r, host, seq, ms);
			got++;
			sum += ms;
			best = ms < best ? ms : best;
			worst = ms > worst ? ms : worst;
			break;
		}
		if (seq < count)
			sleep_ms(GAP_MS);
	}
	printf("--- %s ping statistics ---\n", host);
	printf("%d packets transmitted, %d received, %d%% packet loss\n", count, got,
	       (count - got) * 100 / count);
	if (got)
		printf("rtt min/avg/max = %u/%u/%u ms\n", best, sum / (unsigned)got, worst);
	close(fd);
	return got ? 0 : 1;
}
