/* net: the network interface and its counters (net, or net -s for every protocol counter) */
#include <socket.h>
#include <stdio.h>
#include <string.h>
#include <ulib.h>

static void stats(void)
{
	static struct net_stats s;
	int r = net_stats(&s);
	if (r < 0) {
		printf("net: %s\n", strerror(r));
		return;
	}
	printf("eth:  in %u frames (%u bytes), out %u (%u bytes); dropped: %u runts, %u oversize, "
	       "%u not ours, %u unknown type\n",
	       s.eth.rx_frames, s.eth.rx_bytes, s.eth.tx_frames, s.eth.tx_bytes, s.eth.rx_runt,
	       s.eth.rx_oversize, s.eth.rx_not_ours, s.eth.rx_unknown_type);
	printf("arp:  %u requests in, %u out; %u replies in, %u out; %u bad, %u failed\n",
	       s.arp.rx_requests, s.arp.tx_requests, s.arp.rx_replies, s.arp.tx_replies,
	       s.arp.rx_bad, s.arp.failed);
	printf("ip:   in %u, out %u; dropped: %u bad header, %u bad length, %u bad checksum, "
	       "%u fragments, %u unknown protocol, %u not ours\n",
	       s.ip.rx_packets, s.ip.tx_packets, s.ip.rx_bad_header, s.ip.rx_bad_length,
	       s.ip.rx_bad_checksum, s.ip.rx_fragments, s.ip.rx_unknown_proto, s.ip.rx_not_ours);
	printf("icmp: %u echo requests in, %u replies out, %u replies in; %u bad checksum\n",
	       s.icmp.rx_echo_requests, s.icmp.tx_echo_replies, s.icmp.rx_echo_replies,
	       s.icmp.rx_bad_checksum);
	printf("udp:  in %u, out %u; dropped: %u bad length, %u bad checksum, %u no port\n",
	       s.udp.rx_datagrams, s.udp.tx_datagrams, s.udp.rx_bad_length, s.udp.rx_bad_checksum,
	       s.udp.rx_no_port);
	printf("tcp:  in %u, out %u segments; %u retransmits, %u resets in, %u out; dropped: %u "
	       "bad checksum, %u out of window, %u SYNs (queue full); %u connections\n",
	       s.tcp.rx_segments, s.tcp.tx_segments, s.tcp.retransmits, s.tcp.rx_resets,
	       s.tcp.tx_resets, s.tcp.rx_bad_checksum, s.tcp.rx_out_of_window, s.tcp.syn_dropped,
	       s.tcp.established);
}

int main(int argc, char **argv)
{
	struct net_ifinfo in;
	char a[16], m[16], g[16];
	int r = net_ifinfo(&in);
	if (r < 0) {
		printf("net: no network service: %s\n", strerror(r));
		return 1;
	}
	if (!in.dev_present) {
		printf("net: no network device (QEMU: -nic user,model=e1000)\n");
		return 1;
	}
	printf("eth0: %s netmask %s gateway %s\n", ip_format(in.ip, a), ip_format(in.netmask, m),
	       ip_format(in.gateway, g));
	printf("      ether %02x:%02x:%02x:%02x:%02x:%02x, link %s\n", in.mac[0], in.mac[1],
	       in.mac[2], in.mac[3], in.mac[4], in.mac[5], in.link_up ? "up" : "down");
	printf("      driver: %u frames in, %u out; dropped %u in (no buffer), %u in (bad), %u out "
	       "(ring full); %u interrupts\n",
	       in.dev_in, in.dev_out, in.dev_drop_in, in.dev_bad_in, in.dev_drop_out, in.dev_irqs);
	if (argc > 1 && strcmp(argv[1], "-s") == 0)
		stats();
	return 0;
}
