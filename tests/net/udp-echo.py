#!/usr/bin/env python3
"""udp-echo.py N: sends N datagrams to the guest's udpecho (NET_UDP_PORT, the
guest's UDP port 7) and wants each back, the same bytes, within 5 s."""
import os
import socket
import sys

n = int(sys.argv[1])
port = int(os.environ["NET_UDP_PORT"])
guest = os.environ["NET_GUEST"]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(5)
bad = 0
for i in range(n):
    data = ("datagram %d " % i).encode() + bytes(range(256)) * (i + 1)
    data = data[:1400]
    s.sendto(data, (guest, port))
    try:
        back, _ = s.recvfrom(2048)
    except socket.timeout:
        print("datagram %d: no answer in 5 s" % i)
        bad += 1
        continue
    same = back == data
    print("datagram %d: %d bytes back, %s" % (i, len(back), "identical" if same else "different"))
    bad += not same
sys.exit(1 if bad else 0)
