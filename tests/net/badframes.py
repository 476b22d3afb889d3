#!/usr/bin/env python3
"""badframes.py: damaged frames and a SYN flood at the guest, then a real
request that must still be answered.

Runs on the host end of the tap device (inside the network namespace that
tools/hostpeer.py made; root). Every frame is built here, byte by byte,
from the RFCs' layouts: Ethernet II, ARP (RFC 826), IPv4 (RFC 791), ICMP
(RFC 792), UDP (RFC 768), TCP (RFC 9293). Each is wrong in one way the
guest's stack must notice, drop and count; then 300 SYNs from made-up
ports fill the guest's listen queue, which must stay bounded; then curl
fetches a file from the guest's httpd, which must work.
"""
import os
import random
import socket
import struct
import subprocess
import sys
import time

GUEST_MAC = bytes.fromhex("525400123456")  # QEMU's default for the first NIC
GUEST = socket.inet_aton(os.environ.get("NET_GUEST", "10.0.2.15"))
HOST = socket.inet_aton("10.0.2.2")
rng = random.Random(42)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def eth(payload, ethertype=0x0800):
    return GUEST_MAC + MAC + struct.pack("!H", ethertype) + payload


def ipv4(proto, payload, ttl=64, flags=0, version_ihl=0x45, total=None, bad_csum=False):
    total = total if total is not None else 20 + len(payload)
    h = struct.pack("!BBHHHBBH4s4s", version_ihl, 0, total, rng.randrange(65536), flags, ttl,
                    proto, 0, HOST, GUEST)
    c = csum(h) ^ (0x1234 if bad_csum else 0)
    return h[:10] + struct.pack("!H", c) + h[12:] + payload


def l4_sum(proto, seg):
    return csum(HOST + GUEST + struct.pack("!BBH", 0, proto, len(seg)) + seg)


def udp(sport, dport, data, bad_csum=False):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    c = l4_sum(17, seg) ^ (0x0F0F if bad_csum else 0)
    return seg[:6] + struct.pack("!H", c or 0xFFFF) + seg[8:]


def tcp(sport, dport, seq, flags, bad_csum=False, ack=0):
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0)
    c = l4_sum(6, seg) ^ (0x00FF if bad_csum else 0)
    return seg[:16] + struct.pack("!H", c) + seg[18:]


def icmp_echo(bad_csum=False):
    msg = struct.pack("!BBHHH", 8, 0, 0, 0x4242, 1) + b"x" * 32
    c = csum(msg) ^ (0x1111 if bad_csum else 0)
    return msg[:2] + struct.pack("!H", c) + msg[4:]


def damaged():
    """(what, frame) pairs, each wrong in one way."""
    good_udp = udp(40000, 9, b"hello")
    return [
        # (A frame shorter than its header cannot be sent here, and QEMU's
        # e1000 pads what it receives to 60 bytes: no runt reaches the guest.)
        ("an unknown ethertype", eth(b"\0" * 46, 0x88B5)),
        ("an 802.3 length field", eth(b"\0" * 46, 0x002E)),
        ("ARP cut short", eth(b"\x00\x01\x08\x00\x06\x04\x00\x01", 0x0806)),
        ("ARP for IPX", eth(struct.pack("!HHBBH", 1, 0x8137, 6, 4, 1) + b"\0" * 20, 0x0806)),
        ("IPv4 with a bad header checksum", eth(ipv4(17, good_udp, bad_csum=True))),
        ("IPv4 longer than its frame", eth(ipv4(17, good_udp, total=600))),
        ("IPv4 shorter than its header", eth(ipv4(17, good_udp, total=12))),
        ("IP version 6 in an IPv4 frame", eth(ipv4(17, good_udp, version_ihl=0x65))),
        ("an IHL of 3", eth(ipv4(17, good_udp, version_ihl=0x43))),
        ("a fragment (MF set)", eth(ipv4(17, good_udp, flags=0x2000))),
        ("a later fragment", eth(ipv4(17, good_udp, flags=0x0010))),
        ("an unknown protocol (253)", eth(ipv4(253, b"\0" * 20))),
        ("UDP with a bad checksum", eth(ipv4(17, udp(40000, 7, b"bad", bad_csum=True)))),
        ("UDP longer than its packet", eth(ipv4(17, good_udp[:4] + b"\x01\x00" + good_udp[6:]))),
        ("UDP to a closed port", eth(ipv4(17, udp(40001, 9, b"nobody")))),
        ("TCP with a bad checksum", eth(ipv4(6, tcp(40002, 80, 1, 0x02, bad_csum=True)))),
        ("TCP cut inside its header", eth(ipv4(6, tcp(40003, 80, 1, 0x02)[:12]))),
        ("TCP SYN+FIN", eth(ipv4(6, tcp(40004, 80, 1, 0x03)))),
        ("TCP ACK to a closed port", eth(ipv4(6, tcp(40005, 9, 1, 0x10, ack=5)))),
        ("ICMP with a bad checksum", eth(ipv4(1, icmp_echo(bad_csum=True)))),
        ("ICMP cut to 3 bytes", eth(ipv4(1, icmp_echo()[:3]))),
        ("random bytes", eth(bytes(rng.randrange(256) for _ in range(200)))),
    ]


s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("tap0", 0))
MAC = s.getsockname()[4][:6]
sent = 0
for what, frame in damaged():
    s.send(frame)
    sent += 1
    print("sent %s (%d bytes)" % (what, len(frame)))
    time.sleep(0.02)
# A SYN flood from ports the host never opened: the guest answers SYN-ACKs
# the host's kernel resets, and its half-open table must stay bounded.
for i in range(300):
    s.send(eth(ipv4(6, tcp(20000 + i, 80, rng.randrange(1 << 32), 0x02))))
    sent += 1
print("sent 300 SYNs to port 80")
s.close()
time.sleep(1)
# After all that, a real client must still be served.
r = subprocess.run(["curl", "-s", "--max-time", "20", "-o", "/dev/null", "-w", "%{http_code}",
                    "http://%s/bin/ls" % socket.inet_ntoa(GUEST)], capture_output=True,
                   text=True)
print("curl after the flood: HTTP %s" % r.stdout)
sys.exit(0 if r.stdout == "200" else 1)
