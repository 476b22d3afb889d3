"""Lab 7's grader: the Internet checksum (net/stack.c: csum_add, csum_fold,
csum_pseudo) and the ICMP echo reply (net/icmp.c: icmp_echo), the same
source in both kernels. Host tests (tests/host/test_lab7.c) try them on
known vectors and through the stack's input path; guest tests boot each
kernel on QEMU's restricted user networking (tools/hostpeer.py: only
forwards from 127.0.0.1) and ping QEMU's gateway, echo TCP with the host
through a forward, and ping the guest's own address. Run with
make grade LAB=7."""
import os
import re
import shlex
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import gradelib  # noqa: E402

LAB = gradelib.Lab(7, "The network: the Internet checksum and the echo reply", net="user")

# An odd number of bytes, so that the last segment has an odd length; the
# host's nc gives up after NC_LIMIT s (t_lab7 after 10 s without a
# connection), so that a starter fails in seconds, not minutes.
TCP_BYTES = 100001
NC_LIMIT = 15
TCP_ECHO = "sh %s %d %d" % (shlex.quote(os.path.join(gradelib.TOP, "tests", "net",
                                                     "tcp-echo.sh")), TCP_BYTES, NC_LIMIT)

LAB.guest("ping_gateway_sizes", 15, "t_lab7 gateway", r"(?m)^PASS t_lab7",
          "t_lab7 gateway prints PASS t_lab7: 6 echo requests to 10.0.2.2 (0 to 299 data "
          "bytes, odd and even, all ones) answered by QEMU, which checks our IP and ICMP "
          "checksums, and each reply right by t_lab7's own checksum code")
LAB.guest("ping_gateway", 5, "ping 10.0.2.2 -c 3",
          r"(?m)^3 packets transmitted, 3 received, 0% packet loss",
          "ping 10.0.2.2 -c 3 gets 3 replies")
LAB.guest("tcp_echo", 15, "t_lab7 tcp %d" % TCP_BYTES, r"(?m)^PASS t_lab7",
          "the host's nc sends %d random bytes through the 127.0.0.1 forward to t_lab7 tcp, "
          "which echoes them, and gets exactly them back (TCP's checksum, with the "
          "pseudo-header, both ways)" % TCP_BYTES,
          ready=r"(?m)^t_lab7: listening on TCP port 7", host=TCP_ECHO)
LAB.guest("echo_reply_self", 15, "t_lab7 self", r"(?m)^PASS t_lab7",
          "t_lab7 self prints PASS t_lab7: 6 echo requests to 10.0.2.15 go through the stack's "
          "loopback into its input path; each reply is type 0, code 0, the same sequence "
          "number and data, a right checksum, from 10.0.2.15")

COUNTERS = {"ip": r"(?m)^ip: .*?(\d+) bad checksum", "icmp": r"(?m)^icmp: .*?(\d+) bad checksum",
            "tcp": r"(?m)^tcp: .*?dropped: (\d+) bad checksum"}


def no_bad_checksums(out, kernel):
    bad = []
    for layer, pattern in COUNTERS.items():
        m = re.search(pattern, out)
        if not m:
            return "no %s line with a bad checksum counter in net -s" % layer
        if int(m.group(1)):
            bad.append("%s %s" % (m.group(1), layer))
    if bad:
        return "the stack dropped frames it took for damaged: %s bad checksums" % ", ".join(bad)
    return None


LAB.guest("no_bad_checksums", 5, "net -s", r"(?m)^icmp: ",
          "after all that, net -s counts 0 bad checksums in IP, ICMP and TCP (every frame QEMU "
          "and the loopback sent was taken as right)", check=no_bad_checksums)

# The host tests: one binary, each test run by its name.
HOST_TESTS = [
    ("csum_vectors", 10, "test_lab7_csum_vectors",
     "csum_add and csum_fold give RFC 1071's example 220d and an IPv4 header's b861; a "
     "header with its checksum filled in sums to 0; words are big-endian; a start sum counts"),
    ("csum_odd", 10, "test_lab7_csum_odd",
     "an odd last byte is a word's high byte (01 02 03: fbfd); no bytes give ffff; pieces "
     "summed one after another equal the whole"),
    ("csum_carries", 10, "test_lab7_csum_carries",
     "csum_fold adds carries until none is left (0x1ffff: fffe); all-ones data gives 0; a "
     "frame of ff fe fd gives e8e4"),
    ("csum_pseudo", 10, "test_lab7_csum_pseudo",
     "csum_pseudo: a UDP datagram 10.0.2.15:1234 to 10.0.2.2:7 of \"lab7!\" has checksum f351; "
     "the UDP frames the stack sends pass the harness's own checks"),
    ("echo_fields", 10, "test_lab7_echo_fields",
     "an echo request from 10.0.0.3 through net_input is answered with one frame: to its MAC "
     "and address, from ours, type 0, code 0, the same identifier, sequence number and 57 "
     "data bytes"),
    ("echo_checksum", 10, "test_lab7_echo_checksum",
     "the echo reply's ICMP and IP checksums are right for 0, 1, 56, 57 and 1000 data bytes"),
    ("bad_checksum_dropped", 5, "test_lab7_bad_checksum_dropped",
     "a request with a flipped checksum bit is dropped and counted, an echo reply is not "
     "answered, a good request after them is"),
]
_built = {}


def host_binary(tree):
    """Builds build/host/test_lab7 in the tree once; returns None or why not."""
    if tree not in _built:
        r = subprocess.run(["make", "-C", tree, "--no-print-directory", "-j2",
                            "build/host/test_lab7"], capture_output=True, text=True)
        lines = (r.stdout + r.stderr).strip().split("\n")
        first = [l for l in lines if "error" in l] or lines[-1:]
        _built[tree] = None if r.returncode == 0 else \
            "make build/host/test_lab7 failed: " + first[0]
    return _built[tree]


def host_test(test):
    def fn(tree, outputs):
        why = host_binary(tree)
        if why:
            return why
        try:
            r = subprocess.run([os.path.join(tree, "build", "host", "test_lab7"), test],
                               capture_output=True, text=True, timeout=60)
        except subprocess.TimeoutExpired:
            return "test_lab7 %s ran over 60 s" % test
        if r.returncode == 0 and "[       OK ] " + test in r.stdout:
            return None
        errors = [l for l in (r.stdout + r.stderr).split("\n")
                  if "error:" in l or "bad frame" in l or "ERROR" in l]
        return "; ".join(errors[:2]) or "test_lab7 %s exited with %d" % (test, r.returncode)
    return fn


for name, points, test, expect in HOST_TESTS:
    LAB.host(name, points, host_test(test), expect)


def rule1(tree, outputs):
    """design.md Rule 1: net/ is the same source in every kernel."""
    r = subprocess.run(["grep", "-rEn", r"KERNEL_(MONO|MICRO)|CONFIG_MICRO|CONFIG_MONO|"
                        r"#\s*include\s*\"(proc|kernel|service|micro|mono)\.h\"",
                        os.path.join(tree, "net")], capture_output=True, text=True)
    if r.returncode == 0:
        return "net/ names a kernel: " + r.stdout.strip().split("\n")[0]
    return None


LAB.host("one_component", 5, rule1, "net/ has no #if on the kernel and includes no header of "
         "mono/ or micro/ (design.md Rule 1)")
