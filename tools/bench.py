#!/usr/bin/env python3
"""make bench: boot each kernel in QEMU, run the benchmarks of bench/ at its
shell, and write build/bench/results.csv, the plots and a summary.

    python3 tools/bench.py [--mode icount|tcg|kvm] [--quick] [--out build/bench]
                           [--disk build/bench/disk.img]
    python3 tools/bench.py --check build/bench    # are the outputs complete?
    python3 tools/bench.py --report build/bench   # redraw plots and summary

Timing modes (every figure carries its mode; docs/03-benchmarks.md):
  icount  QEMU -icount shift=0,sleep=on: rdtsc counts guest instructions,
          the same figure on every run and every machine for everything that
          never waits for the disk. While the guest idles, waiting for a disk
          interrupt, the clock runs at the host's pace (1 tick = 1 ns): that
          is what sleep=on means. With sleep=off the clock would instead jump
          to the next timer tick at every such wait (10 ms per disk
          interrupt), which is no measurement, and trips mono's 2 s watchdog
          and micro's heartbeat (the disk server is killed, even at boot).
          The two QEMUs run side by side: instructions do not compete.
  tcg     plain TCG: rdtsc is the host's time-stamp counter (host cycles,
          emulated wall time). One QEMU at a time.
  kvm     real hardware cycles, if a probe finds KVM genuinely faster than
          TCG here; otherwise it says so and measures under tcg.

The guest is driven over its serial console exactly as tools/guest-test.py
does it (its Qemu class is reused). Python standard library only; gnuplot
draws the plots.
"""

import argparse
import importlib.util
import os
import re
import shutil
import signal
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "bench"))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree

import check  # noqa: E402  bench/check.py
import hostpeer  # noqa: E402  tools/hostpeer.py: the guest's network
import report  # noqa: E402  bench/report.py


def load_guest_test():
    """tools/guest-test.py has a dash in its name: load it by path."""
    spec = importlib.util.spec_from_file_location("guest_test",
                                                  os.path.join(HERE, "guest-test.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


gt = load_guest_test()

UNITS = {"icount": "insn", "tcg": "cycles", "kvm": "cycles"}
MODE_FLAGS = {"icount": ["-icount", "shift=0,sleep=on"], "tcg": ["-accel", "tcg"],
              "kvm": ["-accel", "kvm"]}
BENCH_RE = re.compile(r"^BENCH name=(\w+) param=(\d+) unit=(\w+) n=(\d+) "
                      r"min=(\d+) median=(\d+) p90=(\d+)$")
SKIP_RE = re.compile(r"^SKIP (\S+): (.*)$")
LISTENING_RE = re.compile(r"^bench_net: listening on TCP port \d+", re.MULTILINE)
WALL_RE = re.compile(r"^NETWALL name=(\w+) param=(\d+) n=(\d+) min=([0-9.]+) "
                     r"median=([0-9.]+) max=([0-9.]+) unit=Mbit/s$")
WALL_COLUMNS = report.WALL_COLUMNS


def plan(quick):
    """The commands typed at the shell, each (program, arguments, timeout in
    s). The benchmarks that never wait for the disk come first. This boot
    has no network device: an idle network would add its timers to every
    figure."""
    q = ["-q"] if quick else []
    return [(p, q, t) for p, t in (
        ("bench_null", 60), ("bench_ipc", 60), ("bench_ctx", 60), ("bench_spawn", 180),
        ("bench_read", 240), ("bench_macro", 300), ("bench_write", 240), ("bench_seq", 300))]


# The network's benchmarks, bench/bench_net.c, each with its host end
# (tools/netpeer.py), on boots of their own. TCP bulk transfers go through
# QEMU's user networking, where only the host can open a connection; the
# round trip and the connection set-up, where the guest speaks first, need
# the tap device (hostpeer.py: restricted user networking drops everything
# the guest sends on its own).
NET_RUNS = (7, 3)  # connections of a bulk transfer, full and quick (bench_net.c)
TAP_PEER = "10.0.2.2"
UDP_PORT, ACCEPT_PORT = 7001, 7002


def net_plan(quick, kind):
    """(program, arguments, timeout, peer) for a boot with a network of this
    kind; peer is (when, function of hostpeer.Net giving the netpeer.py
    arguments): "ready" starts it once the guest listens, "first" before the
    command (it must listen first)."""
    q = ["-q"] if quick else []
    if kind == "user":
        size = (1 << 20) if quick else (4 << 20)
        conns = (NET_RUNS[1] if quick else NET_RUNS[0]) + 1  # and one warm-up

        def bulk(verb):
            return lambda net: [verb, net.env()["NET_GUEST"], str(net.ports["NET_TCP_PORT"]),
                                str(size), str(conns)]
        return [("bench_net", q + ["rx", "7", str(size)], 240, ("ready", bulk("send"))),
                ("bench_net", q + ["tx", "7", str(size)], 240, ("ready", bulk("recv")))]
    return [("bench_net", q + ["rtt", TAP_PEER, str(UDP_PORT)], 120,
             ("first", lambda net: ["echo", str(UDP_PORT)])),
            ("bench_net", q + ["connect", TAP_PEER, str(ACCEPT_PORT)], 120,
             ("first", lambda net: ["accept", str(ACCEPT_PORT)]))]


def phases(quick, only=None):
    """Boots in order: (network kind or None, items); only: the programs to
    run (all if None)."""
    boots = [(None, plan(quick)), ("user", net_plan(quick, "user")),
             ("tap", net_plan(quick, "tap"))]
    if only:
        boots = [(k, [it for it in items if it[0] in only]) for k, items in boots]
    return [(k, items) for k, items in boots if items]


class Bench:
    def __init__(self, args):
        self.a = args
        self.rows = []          # dicts with check.COLUMNS
        self.skips = []         # (kernel, mode, program, reason)
        self.failures = []      # (kernel, mode, program, reason)
        self.determinism = []   # (kernel, first line, second line)
        self.wall = []          # dicts with WALL_COLUMNS: the host's clock
        self.notes = []         # lines for the summary
        self.lock = threading.Lock()
        self.live = set()       # running Qemu objects, killed on the way out
        self.stopping = False
        self.t0 = time.monotonic()
        self.deadline = self.t0 + args.timeout_total

    def say(self, text):
        with self.lock:
            print("bench: %s" % text, flush=True)

    # -- QEMU -----------------------------------------------------------------
    def qemu_cmd(self, kernel, mode, disk, net):
        cmd = [self.a.qemu, "-cdrom", os.path.join("build", kernel, "os.iso"),
               "-m", str(self.a.memory), "-display", "none", "-serial", "stdio",
               "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-no-reboot",
               "-monitor", "none"] + MODE_FLAGS[mode]
        if disk:
            cmd += ["-drive", "file=%s,format=raw,if=ide,index=0,media=disk" % disk]
        if net:
            cmd = net.wrap(cmd) + net.qemu_args()  # tap: QEMU in the namespace
        return cmd

    def boot(self, kernel, mode, disk, log, timeout, net=None):
        """Start QEMU and wait for the prompt: (Qemu, seconds) or (None, why)."""
        if self.stopping:
            return None, "stopped"
        log.mark("boot %s/%s%s" % (kernel, mode, " with a network (%s)" % net.mode if net else ""))
        log.new_boot()
        q = gt.Qemu(self.qemu_cmd(kernel, mode, disk, net), log)
        with self.lock:
            self.live.add(q)
        what, t = q.wait_prompt(min(self.deadline, time.monotonic() + timeout))
        if what == "prompt":
            q.take()
            return q, t - q.start
        tail = gt.tail(q.buf)
        self.stop(q)
        return None, ("QEMU exited with status %s" % q.status if what == "exit"
                      else "no prompt within %g s" % timeout) + "\n" + tail

    def stop(self, q):
        q.kill()
        with self.lock:
            self.live.discard(q)

    def command(self, q, line, timeout, peer=None, net=None):
        """Type a line, return (what, output, the peer's (status, output))
        as guest-test.py's runner does. peer: (when, netpeer.py arguments)."""
        end = min(self.deadline, time.monotonic() + timeout)
        host = None
        if peer:
            cmd = " ".join(["python3", "tools/netpeer.py"] + peer[1](net))
            if peer[0] == "first":
                host = hostpeer.Peer(cmd, net)
                if not host.wait_for("ready", min(end, time.monotonic() + 20)):
                    return "peer", "", host.finish(time.monotonic())
        q.take()
        q.send(line + "\n")
        if peer and peer[0] == "ready":
            while (not LISTENING_RE.search(gt.clean(q.buf)) and time.monotonic() < end
                   and not q.eof):
                q.pump(min(end, time.monotonic() + 0.2))
            host = hostpeer.Peer(cmd, net)
        what, _ = q.wait_prompt(end)
        out = gt.clean(q.take())
        if what == "prompt":
            out = out[:len(out) - q.prompt_end + 1]
        result = None
        if host:
            # A server (first) is stopped now; a client has till the end.
            result = host.finish(time.monotonic() if peer[0] == "first" else
                                 min(end, time.monotonic() + 30))
        return what, gt.strip_echo(out, line), result

    # -- one boot -------------------------------------------------------------
    def session(self, kernel, mode, boots, determinism=False):
        """Boot kernel under mode once for each (network kind, items) of
        boots, on a fresh copy of the bench disk each time, and run the
        items; a crash or hang costs that item and a reboot for the rest."""
        tag = "%s/%s" % (kernel, mode)
        log = gt.Log(os.path.join(self.a.out, "%s-%s.log" % (kernel, mode)))
        try:
            for kind, items in boots:
                if self.stopping:
                    break
                why = hostpeer.tap_unavailable() if kind == "tap" else None
                if why:
                    for it in items:
                        self.skip(kernel, mode, it, "no tap device for the guest to "
                                  "reach the host: " + why)
                    continue
                if determinism and kind is None and [it[0] for it in items[:2]] == [
                        "bench_null", "bench_ipc"]:
                    again = [("bench_null", items[0][1], 60), ("bench_ipc", items[1][1], 60)]
                    items = items + [(p, a, t, None, "again") for p, a, t in again]
                self.boot_and_run(kernel, mode, kind, items, log, tag)
        finally:
            log.close()

    def skip(self, kernel, mode, item, why):
        with self.lock:
            self.skips.append((kernel, mode, " ".join([item[0]] + item[1]), why))
        self.say("[%s/%s] %s skipped: %s" % (kernel, mode, " ".join([item[0]] + item[1]), why))

    def boot_and_run(self, kernel, mode, kind, items, log, tag):
        unit = UNITS[mode]
        disk = None
        if self.a.disk and os.path.isfile(self.a.disk):
            disk = os.path.join(self.a.out, "disk-%s-%s.img" % (kernel, mode))
            shutil.copyfile(self.a.disk, disk)  # never the student's image
        pending = list(items)
        q = net = None
        try:
            while pending and not self.stopping:
                if q is None:
                    if net:
                        net.close()
                    net = hostpeer.Net(kind) if kind else None
                    self.say("[%s] booting%s" % (tag, " with a network (%s)" % kind
                                                 if kind else ""))
                    q, t = self.boot(kernel, mode, disk, log, self.a.timeout_boot, net)
                    if q is None:
                        for it in pending:
                            self.fail(kernel, mode, it[0], "the guest did not boot: " + t)
                        return
                    self.say("[%s] prompt after %.1f s" % (tag, t))
                item = pending.pop(0)
                prog, args, timeout = item[:3]
                peer = item[3] if len(item) > 3 else None
                line = " ".join([prog, "-u", unit] + args)
                log.mark("bench %s" % line)
                start = time.monotonic()
                what, out, host = self.command(q, line, timeout, peer, net)
                took = time.monotonic() - start
                if host is not None:
                    log.mark("host end: status %s\n%s" % host)
                if what == "peer":
                    self.fail(kernel, mode, prog, "its host end did not start: " +
                              gt.tail(host[1]))
                    continue
                if what != "prompt":
                    why = ("QEMU exited with status %s" % q.status if what == "exit"
                           else "no prompt within %g s" % timeout)
                    self.fail(kernel, mode, prog, why + "\n" + gt.tail(out))
                    self.stop(q)
                    q = None
                    continue
                if host is not None and peer[0] == "ready" and host[0] != 0:
                    self.fail(kernel, mode, prog, "its host end failed (status %s): %s" % (
                        host[0], gt.tail(host[1])))
                    continue
                if host is not None:
                    self.walls(kernel, mode, host[1])
                self.judge(kernel, mode, unit, prog, out, took, len(item) > 4)
            if q is not None:
                q.send("poweroff\n")
                q.wait_exit(time.monotonic() + 20)
        finally:
            if q is not None:
                self.stop(q)
            if net:
                net.close()
            if disk:
                os.remove(disk)

    def walls(self, kernel, mode, text):
        """The host's wall-clock figures of a bulk transfer (tools/netpeer.py)."""
        for l in text.split("\n"):
            m = WALL_RE.match(l.strip())
            if m:
                r = dict(zip(WALL_COLUMNS, [kernel, mode] + list(m.groups())))
                with self.lock:
                    self.wall.append(r)
                self.say("[%s/%s] %s %s, host wall clock: median %s Mbit/s (min %s, max %s)" % (
                    kernel, mode, r["bench"], report.size(int(r["param"])), r["median"],
                    r["min"], r["max"]))

    def judge(self, kernel, mode, unit, prog, out, took, again):
        tag = "%s/%s" % (kernel, mode)
        rows, skips, odd = [], [], []
        for l in out.split("\n"):
            l = l.strip()
            m = BENCH_RE.match(l)
            s = SKIP_RE.match(l)
            if m:
                rows.append(dict(zip(check.COLUMNS, [kernel, mode] + list(m.groups()))))
            elif s:
                skips.append(s.group(2))
            elif LISTENING_RE.match(l):
                pass  # bench_net, before its host end starts
            elif l:
                odd.append(l)
        bad_unit = [r for r in rows if r["unit"] != unit]
        if odd or bad_unit:
            # A figure from a run that also printed an error (a server
            # restarted, a command of the macro script failed) is not
            # one to keep.
            why = odd[0] if odd else "unit %s, wanted %s" % (bad_unit[0]["unit"], unit)
            self.fail(kernel, mode, prog, "%s\n%s" % (why, gt.tail(out)))
            return
        if again:
            first = [r for r in self.rows if r["kernel"] == kernel and r["mode"] == mode
                     and r["bench"] == rows[0]["bench"]] if rows else []
            a = check.row_text(first[0]) if first else "(no first run)"
            b = check.row_text(rows[0]) if rows else "(no second run)"
            with self.lock:
                self.determinism.append((kernel, a, b))
            self.say("[%s] %s again: %s" % (tag, prog, "identical" if a == b else
                                            "DIFFERENT: %s vs %s" % (a, b)))
            return
        with self.lock:
            self.rows += rows
            self.skips += [(kernel, mode, prog, w) for w in skips]
        for r in rows:
            p = "" if r["param"] == "0" else " %s" % report.size(int(r["param"]))
            self.say("[%s] %s%s: median %s %s (min %s, p90 %s, n=%s)" % (
                tag, r["bench"], p, r["median"], r["unit"], r["min"], r["p90"], r["n"]))
        for w in skips:
            self.say("[%s] %s skipped: %s" % (tag, prog, w))
        self.say("[%s] %s done in %.1f s" % (tag, prog, took))

    def fail(self, kernel, mode, prog, why):
        with self.lock:
            self.failures.append((kernel, mode, prog, why.split("\n")[0]))
        self.say("FAIL [%s/%s] %s: %s" % (kernel, mode, prog, why))

    # -- KVM ------------------------------------------------------------------
    def probe_kvm(self):
        """Is KVM here, and faster than TCG? Times a boot to the prompt both
        ways (no disk). Some hosts have a /dev/kvm that works but is orders
        of magnitude slower than TCG (nested virtualisation)."""
        if not os.path.exists("/dev/kvm"):
            return False, "no /dev/kvm"
        if not os.access("/dev/kvm", os.R_OK | os.W_OK):
            return False, "/dev/kvm is there but not usable by this user"
        log = gt.Log(os.path.join(self.a.out, "kvm-probe.log"))
        try:
            q, t_tcg = self.boot("mono", "tcg", None, log, 60)
            if q is None:
                return False, "the TCG boot itself failed: " + t_tcg.split("\n")[0]
            self.stop(q)
            limit = max(5.0, 3 * t_tcg)
            q, t_kvm = self.boot("mono", "kvm", None, log, limit)
            if q is None:
                return False, ("/dev/kvm present; TCG boots to the prompt in %.1f s, KVM "
                               "did not within %.0f s (%s)" % (t_tcg, limit,
                                                               t_kvm.split("\n")[0]))
            self.stop(q)
            found = "/dev/kvm present; boot to the prompt: TCG %.1f s, KVM %.1f s" % (
                t_tcg, t_kvm)
            return t_kvm < t_tcg, found
        finally:
            log.close()

    # -- the whole run --------------------------------------------------------
    def run(self):
        a = self.a
        mode = a.mode
        if mode == "kvm":
            ok, found = self.probe_kvm()
            self.say("kvm probe: %s -> %s" % (found, "using kvm" if ok else
                                              "KVM not usable here, measuring under tcg"))
            self.notes.append("KVM probe: %s; %s." % (found, "KVM used" if ok else
                                                     "KVM not used, figures are tcg"))
            mode = "kvm" if ok else "tcg"
        boots = phases(a.quick, a.only)
        if mode == "icount":
            # Side by side: the figures count instructions, which a second
            # QEMU on the other core cannot change. Not so the network's:
            # their time includes the host's answers (sleep=on), which a
            # second QEMU would slow down, so those boots go one at a time.
            local = [b for b in boots if b[0] is None]
            threads = [threading.Thread(target=self.session, args=(k, mode, local, True))
                       for k in a.kernels]
            for t in threads:
                t.daemon = True
                t.start()
            for t in threads:
                while t.is_alive():
                    t.join(0.2)
            for k in a.kernels:
                if not self.stopping and k in a.net_kernels:
                    self.session(k, mode, [b for b in boots if b[0] is not None])
            # The bulk transfers once more under plain TCG, one kernel at a
            # time: what the host's wall clock measures of them is the
            # emulated machine's real speed, which icount's is not.
            if a.tcg_net and (not a.only or "bench_net" in a.only):
                self.notes.append("The TCP bulk transfers ran once more under plain TCG, one "
                                  "kernel at a time, for the host's wall-clock figures.")
                for k in a.kernels:
                    if not self.stopping and k in a.net_kernels:
                        self.session(k, "tcg", [("user", net_plan(a.quick, "user"))])
            return
        # Wall-time modes one at a time: two QEMUs would share the cores.
        for k in a.kernels:
            if not self.stopping:
                self.session(k, mode, [b for b in boots if b[0] is None or k in a.net_kernels])

    def write(self):
        out = self.a.out
        self.rows.sort(key=report.row_key)
        with open(os.path.join(out, "results.csv"), "w") as f:
            f.write(",".join(check.COLUMNS) + "\n")
            for r in self.rows:
                f.write(",".join(r[c] for c in check.COLUMNS) + "\n")
        with open(os.path.join(out, "skipped.txt"), "w") as f:
            for s in self.skips:
                f.write("%s\t%s\t%s\t%s\n" % s)
        with open(os.path.join(out, "failures.txt"), "w") as f:
            for s in self.failures:
                f.write("%s\t%s\t%s\t%s\n" % s)
        with open(os.path.join(out, "determinism.txt"), "w") as f:
            for k, x, y in self.determinism:
                f.write("%s\t%s\t%s\t%s\n" % (k, "identical" if x == y else "DIFFERENT", x, y))
        report.write_wall(out, self.wall)
        meta = {"quick": self.a.quick, "mode": self.a.mode, "notes": self.notes,
                "seconds": time.monotonic() - self.t0}
        return report.write_all(out, self.rows, self.skips, self.failures,
                                self.determinism, meta, self.say, self.wall)


def clear_outputs(out):
    """Old figures must never pass for new ones."""
    for name in ("results.csv", "skipped.txt", "failures.txt", "determinism.txt",
                 "wall.csv", "summary.md", "summary.html"):
        p = os.path.join(out, name)
        if os.path.exists(p):
            os.remove(p)
    shutil.rmtree(os.path.join(out, "plots"), ignore_errors=True)


def redraw(out):
    """Plots and summaries again from the files a run left in out."""
    def table(name):
        p = os.path.join(out, name)
        return [tuple(l.split("\t")) for l in open(p).read().splitlines()] \
            if os.path.isfile(p) else []

    with open(os.path.join(out, "results.csv")) as f:
        rows = [dict(zip(check.COLUMNS, l.split(","))) for l in f.read().splitlines()[1:]]
    modes = sorted({r["mode"] for r in rows})
    meta = {"quick": False, "mode": "/".join(modes), "seconds": 0,
            "notes": ["Redrawn from the files of an earlier run (tools/bench.py --report)."]}
    det = [(k, x, y) for k, _, x, y in table("determinism.txt")]
    shutil.rmtree(os.path.join(out, "plots"), ignore_errors=True)
    ok = report.write_all(out, rows, table("skipped.txt"), table("failures.txt"), det, meta,
                          lambda t: print("bench: " + t, flush=True), report.read_wall(out))
    return 0 if ok else 1


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--check", metavar="DIR", help="check the outputs in DIR and stop")
    p.add_argument("--report", metavar="DIR",
                   help="only redraw the plots and summary from DIR's result files")
    p.add_argument("--pattern", nargs=2, metavar=("BYTES", "FILE"),
                   help="write BYTES of bench.h's bench_pattern to FILE and stop")
    p.add_argument("--mode", default=os.environ.get("MODE") or "icount",
                   choices=["icount", "tcg", "kvm"])
    p.add_argument("--quick", action="store_true", help="fewer repetitions and sizes")
    p.add_argument("--out", default="build/bench")
    p.add_argument("--disk", default="build/bench/disk.img",
                   help="ext2 image to copy for each boot (never written itself)")
    p.add_argument("--kernels", nargs="+", default=list(report.KERNELS),
                   help="build/KERNEL/os.iso for each (micro-mach: make KERNEL=micro IPC=mach)")
    p.add_argument("--net-kernels", nargs="+", default=list(report.NET_KERNELS),
                   help="the kernels the network's boots run on (one at a time)")
    p.add_argument("--only", nargs="+", metavar="PROGRAM",
                   help="run only these benchmark programs (bench_null bench_net ...)")
    p.add_argument("--no-tcg-net", dest="tcg_net", action="store_false",
                   help="under icount, do not run the TCP transfers again under TCG")
    p.add_argument("--qemu", default=os.environ.get("QEMU", "qemu-system-i386"))
    p.add_argument("--memory", default="128", metavar="MB")
    p.add_argument("--timeout-boot", type=float, default=120.0, metavar="S")
    p.add_argument("--timeout-total", type=float, metavar="S",
                   help="hard cap for the whole run (default 600 s, quick 180 s)")
    a = p.parse_args()
    if a.check:
        sys.exit(check.main(a.check))
    if a.report:
        sys.exit(redraw(a.report))
    if a.pattern:
        # bench_pattern(pos) in bench/bench.h: the top byte of a 32-bit product.
        with open(a.pattern[1], "wb") as f:
            f.write(bytes(((i * 2654435761) & 0xFFFFFFFF) >> 24
                          for i in range(int(a.pattern[0]))))
        sys.exit(0)

    if a.timeout_total is None:
        a.timeout_total = 180.0 if a.quick else 600.0
    os.chdir(ROOT)
    os.makedirs(a.out, exist_ok=True)
    clear_outputs(a.out)
    for k in a.kernels:
        if not os.path.isfile(os.path.join("build", k, "os.iso")):
            sys.exit("bench: no build/%s/os.iso: run make all first" % k)
    b = Bench(a)
    b.say("mode %s%s, kernels %s, disk %s" % (
        a.mode, " (quick)" if a.quick else "", " ".join(a.kernels),
        a.disk if os.path.isfile(a.disk) else "none (file benchmarks will skip)"))

    def on_signal(signum, frame):
        raise KeyboardInterrupt("signal %d" % signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    status = 0
    try:
        b.run()
    except KeyboardInterrupt:
        b.stopping = True
        b.say("interrupted")
        status = 130
    finally:
        b.stopping = True
        for q in list(b.live):
            b.stop(q)
    if status:
        sys.exit(status)
    ok = b.write()
    b.say("%d figures, %d skipped, %d failed; %.0f s in all; outputs in %s/" % (
        len(b.rows), len(b.skips), len(b.failures), time.monotonic() - b.t0, a.out))
    sys.exit(0 if ok and not b.failures else 1)


if __name__ == "__main__":
    main()
