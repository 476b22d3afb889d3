"""The host side of the guest's network tests.

Guest traffic goes to two places only, never to any other address:

  --net user  an e1000 on QEMU's user networking with restrict=on: the
              guest reaches nothing, and the host reaches it through ports
              forwarded from 127.0.0.1, picked free at each boot so runs
              side by side never collide. Only TCP passes: restricted slirp
              drops every UDP datagram the guest sends (libslirp's
              udp_input); of pings it answers only those to itself,
              10.0.2.2 (libslirp's icmp_input replies for its virtual
              host, restricted or not).
  --net tap   an e1000 on a tap device inside a network namespace this
              module creates (and removes) for the boot: the namespace's end
              is 10.0.2.2/24, the guest's static 10.0.2.15 its only peer.
              Needs root and /dev/net/tun; without them the tests are
              reported as skipped, never as passed.

A test's host= command runs (sh -c, from the top folder; in tap mode inside
the namespace) with these in its environment, and must exit 0:

    NET_GUEST      the guest's address as the host sees it
    NET_HTTP_PORT  the guest's TCP port 80 (httpd)
    NET_TCP_PORT   the guest's TCP port 7 (tcpecho)
    NET_UDP_PORT   the guest's UDP port 7 (udpecho)

Standard library only.
"""
import itertools
import os
import signal
import socket
import subprocess
import tempfile
import time

FORWARDS = (("NET_HTTP_PORT", "tcp", 80), ("NET_TCP_PORT", "tcp", 7), ("NET_UDP_PORT", "udp", 7))
GUEST_ADDR = "10.0.2.15"
PEER_ADDR = "10.0.2.2/24"


def free_port(kind):
    """A port of 127.0.0.1 nobody uses right now (the kernel picks it)."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if kind == "tcp" else socket.SOCK_DGRAM)
    try:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
    finally:
        s.close()


def run(args):
    return subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def tap_unavailable():
    """Why a namespace with a tap device cannot be made here, or None."""
    if os.geteuid() != 0:
        return "not root: a network namespace and a tap device need root"
    if not os.path.exists("/dev/net/tun"):
        return "no /dev/net/tun"
    if run(["ip", "-V"]).returncode != 0:
        return "no ip command (iproute2)"
    return None


class Net:
    """One boot's network: its ports and the QEMU options (and in tap mode
    the namespace, which close() removes)."""

    names = itertools.count(1)  # two boots side by side (make bench) need two names

    def __init__(self, mode="user", pcap=None):
        self.mode, self.pcap, self.ns = mode, pcap, None
        if mode == "user":
            self.ports = {name: free_port(kind) for name, kind, _ in FORWARDS}
            return
        self.ports = {name: guest for name, _, guest in FORWARDS}
        self.ns = "teachos-%d-%d" % (os.getpid(), next(Net.names))
        steps = [["ip", "netns", "add", self.ns],
                 ["ip", "-n", self.ns, "link", "set", "lo", "up"],
                 ["ip", "-n", self.ns, "tuntap", "add", "dev", "tap0", "mode", "tap"],
                 ["ip", "-n", self.ns, "addr", "add", PEER_ADDR, "dev", "tap0"],
                 ["ip", "-n", self.ns, "link", "set", "tap0", "up"]]
        for step in steps:
            r = run(step)
            if r.returncode != 0:
                self.close()
                raise OSError("%s: %s" % (" ".join(step), r.stdout.strip()))

    def wrap(self, cmd):
        """A command line, run inside the namespace in tap mode."""
        return ["ip", "netns", "exec", self.ns] + cmd if self.ns else cmd

    def qemu_args(self):
        if self.mode == "user":
            fwd = ",".join("hostfwd=%s:127.0.0.1:%d-:%d" % (kind, self.ports[name], guest)
                           for name, kind, guest in FORWARDS)
            args = ["-netdev", "user,id=net0,restrict=on," + fwd]
        else:
            args = ["-netdev", "tap,id=net0,ifname=tap0,script=no,downscript=no"]
        args += ["-device", "e1000,netdev=net0"]
        if self.pcap:
            args += ["-object", "filter-dump,id=dump0,netdev=net0,file=" + self.pcap]
        return args

    def env(self):
        e = dict(os.environ)
        e.update({name: str(port) for name, port in self.ports.items()})
        e["NET_GUEST"] = "127.0.0.1" if self.mode == "user" else GUEST_ADDR
        return e

    def close(self):
        if self.ns:
            run(["ip", "netns", "del", self.ns])
            self.ns = None


class Peer:
    """A host command running beside a guest command."""

    def __init__(self, cmd, net):
        self.out = tempfile.TemporaryFile()
        argv = net.wrap(["sh", "-c", cmd]) if net else ["sh", "-c", cmd]
        env = net.env() if net else dict(os.environ)
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self.out,
                                     stderr=subprocess.STDOUT, env=env, start_new_session=True)

    def output(self):
        """What it printed so far."""
        return os.pread(self.out.fileno(), 1 << 20, 0).decode("utf-8", "replace")

    def wait_for(self, text, until):
        """Waits until it printed text (True), or exited or the time is up."""
        while time.monotonic() < until:
            if text in self.output():
                return True
            if self.proc.poll() is not None:
                return text in self.output()
            time.sleep(0.02)
        return False

    def finish(self, until):
        """Waits (until a time.monotonic() value) and returns (status or None
        if it had to be killed, its output)."""
        status = None
        try:
            status = self.proc.wait(max(0.1, until - time.monotonic()))
        except subprocess.TimeoutExpired:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()
        self.out.seek(0)
        text = self.out.read().decode("utf-8", "replace")
        self.out.close()
        return status, text
