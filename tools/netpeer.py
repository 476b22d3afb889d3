#!/usr/bin/env python3
"""The host's end of bench/bench_net.c (tools/bench.py runs it).

    netpeer.py send HOST PORT SIZE COUNT   COUNT connections, each sending SIZE
                                           pattern bytes (the guest's tcp_rx)
    netpeer.py recv HOST PORT SIZE COUNT   COUNT connections, each receiving
                                           SIZE bytes (the guest's tcp_tx)
    netpeer.py accept PORT                 accept connections and close each
                                           at once (tcp_connect)
    netpeer.py echo PORT                   echo UDP datagrams (udp_rtt)

send and recv time each connection by the host's wall clock, from connect()
to the guest's one-byte answer (send) or the end of the stream (recv), and
print one line

    NETWALL name=tcp_rx param=SIZE n=COUNT min=M median=M max=M unit=Mbit/s

over all connections but the first (the guest's warm-up). accept and echo
print "ready" once they listen, and serve until they are killed or nothing
has come for 60 s. Every wait is bounded, and a failure is one
"netpeer: ..." line and exit status 1. The bytes are those of
bench_pattern (bench/bench.h), so each end checks the other's.
Standard library only.
"""
import socket
import sys
import time

TIMEOUT = 30.0  # any one wait of send and recv
IDLE = 60        # accept and echo: the end, if nobody stops them


def pattern(n):
    return bytes(((i * 2654435761) & 0xFFFFFFFF) >> 24 for i in range(n))


def fail(why):
    print("netpeer: %s" % why, flush=True)
    sys.exit(1)


def connect(host, port):
    s = socket.create_connection((host, port), timeout=TIMEOUT)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def send_one(host, port, data):
    t0 = time.monotonic()
    s = connect(host, port)
    try:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        k = s.recv(1)
    finally:
        s.close()
    t1 = time.monotonic()
    if k != b"k":
        fail("the guest did not confirm the %d bytes (got %r)" % (len(data), k))
    return t1 - t0


def recv_one(host, port, want):
    t0 = time.monotonic()
    s = connect(host, port)
    got = bytearray()
    try:
        while True:
            b = s.recv(1 << 16)
            if not b:
                break
            got += b
        t1 = time.monotonic()
        if bytes(got) != want:
            first = next((i for i in range(min(len(got), len(want))) if got[i] != want[i]),
                         min(len(got), len(want)))
            fail("received %d bytes, wanted %d; first difference at byte %d" % (
                len(got), len(want), first))
        s.sendall(b"k")
    finally:
        s.close()
    return t1 - t0


def report(name, size, times):
    rates = sorted(size * 8 / t / 1e6 for t in times[1:] or times)
    print("NETWALL name=%s param=%d n=%d min=%.1f median=%.1f max=%.1f unit=Mbit/s" % (
        name, size, len(rates), rates[0], rates[len(rates) // 2], rates[-1]), flush=True)


def bulk(kind, host, port, size, count):
    data = pattern(size)
    times = []
    for i in range(count):
        try:
            times.append(send_one(host, port, data) if kind == "send"
                         else recv_one(host, port, data))
        except OSError as e:
            fail("connection %d of %d to %s:%d: %s" % (i + 1, count, host, port, e))
    report("tcp_rx" if kind == "send" else "tcp_tx", size, times)


def accept(port):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", port))
    ls.listen(8)
    ls.settimeout(IDLE)
    print("ready", flush=True)
    n = 0
    while True:
        try:
            c, _ = ls.accept()
        except socket.timeout:
            break
        c.close()
        n += 1
    print("netpeer: %d connections accepted, then %d s without one" % (n, IDLE), flush=True)


def echo(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    s.settimeout(IDLE)
    print("ready", flush=True)
    n = 0
    while True:
        try:
            data, peer = s.recvfrom(2048)
        except socket.timeout:
            break
        s.sendto(data, peer)
        n += 1
    print("netpeer: %d datagrams echoed, then %d s without one" % (n, IDLE), flush=True)


def main(argv):
    try:
        if len(argv) == 5 and argv[0] in ("send", "recv"):
            bulk(argv[0], argv[1], int(argv[2]), int(argv[3]), int(argv[4]))
        elif len(argv) == 2 and argv[0] == "accept":
            accept(int(argv[1]))
        elif len(argv) == 2 and argv[0] == "echo":
            echo(int(argv[1]))
        else:
            sys.exit(__doc__.split("\n\n")[1])
    except ValueError as e:
        fail("bad argument: %s" % e)


if __name__ == "__main__":
    main(sys.argv[1:])
