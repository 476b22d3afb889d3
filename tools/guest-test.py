#!/usr/bin/env python3
"""Run the guest tests: boot a kernel ISO in QEMU and drive its shell over COM1.

    python3 tools/guest-test.py --kernel mono --iso build/mono/os.iso \
        --tests tests/guest/tests.txt [--timeout-boot 60] [--timeout-test 60] \
        [--measure bench_null]

Each line of the tests file is name<TAB>command<TAB>regex[<TAB>option...]
(tools/guestlist.py parses them and lists the options: exit=, when=, stall=,
host= and ready=). The command is typed at the "$ " prompt; the test passes
when the regex is found in what the guest prints before the next prompt, no
line of it starts with FAIL and, with host=, the host command succeeded. With
exit=N the guest must instead make QEMU exit with status N (the kernel's
isa-debug-exit write of v gives status 2*v+1); QEMU is then booted again for
the rest. With --net the guest gets an e1000 on QEMU's user networking, with
ports forwarded from 127.0.0.1 (tools/hostpeer.py). A hang or a crash fails
that one test, and the runner boots a fresh QEMU for the next, so one bad
test never stalls the run. The last test types `poweroff` and wants status
1. The last line printed is always "N passed, N failed".

Only the Python standard library is used: the runner must work on a fresh
Debian or Ubuntu with nothing but the packages tools/install-deps.sh installs.
"""

import argparse
import codecs
import os
import re
import select
import shlex
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import guestlist  # noqa: E402  (the test lists)
import hostpeer  # noqa: E402  (the host side of network tests)

PROMPT_RE = re.compile(r"(?:^|\n)\$ ")
ANSI_RE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|[@-Z\\-_])")
# A prompt that is not the very last thing printed (a server restarting, say,
# logged something after it) only counts once the guest has been quiet this long.
QUIET_AFTER_PROMPT = 1.0
# A prompt at the very end counts once nothing more arrives for this long, so
# a "$ " that merely starts a line of program output is not taken for one.
SETTLE = 0.05
TAIL_LINES = 8
# A guest stuck printing must not fill the host's memory or disk: the runner
# keeps the last BUF_CAP characters of a test's output to match against, and
# the log keeps the first LOG_CAP bytes of each boot.
BUF_CAP = 4 << 20
LOG_CAP = 64 << 20
SCAN = 1 << 16


class TotalCapReached(Exception):
    """The run as a whole has used up --timeout-total."""


def clean(text):
    """Output as the regexes see it: no CRs (the guest may end lines with \\r\\n
    or \\n\\r), no terminal escapes (GRUB's menu clears the screen)."""
    return ANSI_RE.sub("", text).replace("\r", "")


def tail(text, n=TAIL_LINES):
    lines = [l for l in clean(text).split("\n") if l.strip()]
    if not lines:
        return "    (no output)"
    return "\n".join("    | " + l for l in lines[-n:])


class Log:
    """build/<kernel>/guest-test.log: everything the guest printed, raw, with
    '####' marker lines saying which boot and which test it belongs to."""

    def __init__(self, path):
        d = os.path.dirname(path)
        if d:
            os.makedirs(d, exist_ok=True)
        self.f = open(path, "wb")
        self.at_bol = True
        self.room = LOG_CAP

    def guest(self, data):
        if data and self.room > 0:
            if len(data) >= self.room:
                data = data[:self.room] + b"\n#### log of this boot cut at %d bytes\n" % LOG_CAP
            self.room -= len(data)
            self.f.write(data)
            self.at_bol = data.endswith(b"\n")
            self.f.flush()

    def new_boot(self):
        self.room = LOG_CAP

    def mark(self, text):
        prefix = b"" if self.at_bol else b"\n"
        self.f.write(prefix + b"#### " + text.encode("utf-8", "replace") + b"\n")
        self.at_bol = True
        self.f.flush()

    def close(self):
        self.f.close()


class Qemu:
    """One QEMU process; its COM1 is our stdin/stdout pipe pair."""

    def __init__(self, cmd, log):
        self.log = log
        self.cmd = cmd
        self.stderr = tempfile.TemporaryFile()
        self.start = time.monotonic()
        # A session of its own: Ctrl-C at the terminal reaches only us, and we
        # can kill QEMU together with anything it started.
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.stderr, start_new_session=True, bufsize=0)
        os.set_blocking(self.proc.stdout.fileno(), False)
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.buf = ""          # everything since the last take()
        self.eof = False
        self.status = None
        self.last_data = self.start
        self.prompt_end = 0     # the prompt's line starts this far from the end

    def pump(self, until):
        """Read what the guest prints, waiting at most until `until`
        (a time.monotonic() value). Returns True if anything arrived."""
        if self.eof:
            return False
        wait = max(0.0, until - time.monotonic())
        r, _, _ = select.select([self.proc.stdout], [], [], wait)
        if not r:
            return False
        try:
            data = os.read(self.proc.stdout.fileno(), 65536)
        except BlockingIOError:
            return False
        if not data:
            self.eof = True
            return False
        self.log.guest(data)
        self.buf += self.decoder.decode(data)
        if len(self.buf) > BUF_CAP:
            self.buf = self.buf[-BUF_CAP // 2:]
        self.last_data = time.monotonic()
        return True

    def send(self, text):
        # QEMU moves bytes into the emulated UART only while its receive FIFO
        # has room, so a whole line at once cannot overrun the guest.
        try:
            self.proc.stdin.write(text.encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass

    def type_ahead(self, text):
        """Input typed while a command runs (the type= option)."""
        self.send(text)

    def take(self):
        out, self.buf = self.buf, ""
        return out

    def exited(self):
        if self.status is None:
            self.status = self.proc.poll()
        return self.status is not None

    def wait_exit(self, until):
        """Wait for QEMU to exit by itself, draining its output meanwhile."""
        while not self.exited():
            if time.monotonic() >= until:
                return None
            if self.eof:
                time.sleep(0.02)
            else:
                self.pump(min(until, time.monotonic() + 0.2))
        while self.pump(time.monotonic()):
            pass
        return self.status

    def wait_prompt(self, until):
        """Read until the guest shows its prompt. Returns ("prompt", t) with
        t the monotonic time the prompt arrived, ("exit", None) if QEMU went
        away, or ("timeout", None). self.prompt_end says where the prompt's
        line begins, counted from the end of clean(self.buf)."""
        while True:
            # Only the tail can hold the prompt that ends a command's output;
            # rescanning all of a long output after every read would be quadratic.
            text = clean(self.buf[-SCAN:])
            hits = list(PROMPT_RE.finditer(text))
            if hits:
                now = time.monotonic()
                self.prompt_end = len(text) - hits[-1].start()
                if hits[-1].end() == len(text):
                    if now - self.last_data >= SETTLE:
                        return "prompt", self.last_data
                elif now - self.last_data >= QUIET_AFTER_PROMPT:
                    return "prompt", self.last_data
                step = min(until, now + SETTLE)
            else:
                step = until
            if self.eof or self.exited():
                # Drain what is left, then let the caller see the exit.
                while self.pump(time.monotonic()):
                    pass
                self.wait_exit(time.monotonic() + 2)
                return "exit", None
            if time.monotonic() >= until:
                return "timeout", None
            self.pump(step)

    def kill(self):
        """Stop QEMU for good: TERM, then KILL, always the whole group."""
        if self.proc.poll() is None:
            for sig, grace in ((signal.SIGTERM, 2.0), (signal.SIGKILL, 5.0)):
                try:
                    os.killpg(self.proc.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    self.proc.wait(grace)
                    break
                except subprocess.TimeoutExpired:
                    continue
        else:
            # QEMU is gone; anything it left behind in its group goes too.
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.exited()
        for f in (self.proc.stdin, self.proc.stdout):
            try:
                f.close()
            except OSError:
                pass
        self.stderr.seek(0)
        err = self.stderr.read()
        self.stderr.close()
        self.log.mark("QEMU ended, status %s" % self.status)
        if err.strip():
            self.log.mark("QEMU stderr:")
            self.log.guest(err if err.endswith(b"\n") else err + b"\n")


class Runner:
    # The emulator: tools/bochs-test.py puts Bochs here, and its name in
    # the messages.
    vm_class = Qemu
    vm_name = "QEMU"

    def __init__(self, args):
        self.args = args
        self.k = args.kernel
        self.passed = 0
        self.failed = 0
        self.qemu = None
        self.net = None
        self.host_result = None
        self.boots = 0
        self.deadline = time.monotonic() + args.timeout_total
        self.log = Log(args.log or os.path.join("build", self.k, "guest-test.log"))
        self.log.mark("guest-test: " + " ".join(shlex.quote(a) for a in sys.argv))

    # -- reporting -----------------------------------------------------------
    def ok(self, name):
        self.passed += 1
        print("PASS %s/%s" % (self.k, name), flush=True)

    def fail(self, name, reason, output=None):
        self.failed += 1
        print("FAIL %s/%s: %s" % (self.k, name, reason), flush=True)
        if output is not None:
            print(tail(output), flush=True)

    def note(self, text):
        print(text, flush=True)

    # -- QEMU lifecycle --------------------------------------------------------
    def until(self, seconds):
        end = time.monotonic() + seconds
        if end > self.deadline:
            if time.monotonic() >= self.deadline:
                raise TotalCapReached()
            return self.deadline
        return end

    def qemu_cmd(self, icount):
        a = self.args
        cmd = [a.qemu, "-cdrom", a.iso, "-m", str(a.memory), "-display", "none",
               "-serial", "stdio", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
               "-no-reboot", "-monitor", "none"]
        if icount:
            # sleep=on: a halted guest waits in real time. With sleep=off
            # the clock would leap to the next timer tick at every wait for
            # the disk (programs load from it), so watchdogs would fire; the
            # counts of code that never waits are the same either way.
            cmd += ["-icount", "shift=0,sleep=on"]
        if a.net:
            if self.net:
                self.net.close()
            self.net = hostpeer.Net(a.net, a.pcap)
            cmd = self.net.wrap(cmd) + self.net.qemu_args()
        return cmd + [w for extra in a.qemu_args for w in shlex.split(extra)]

    def mode(self, icount):
        if icount:
            return "icount"
        return "KVM" if any("kvm" in extra for extra in self.args.qemu_args) else "TCG"

    def boot(self, icount=False):
        """Start QEMU and wait for the first prompt. Returns the seconds it took,
        or None (and the reason in self.boot_error) if there was no prompt."""
        self.stop()
        self.boots += 1
        cmd = self.qemu_cmd(icount)
        self.log.mark("boot %d (%s): %s" % (self.boots, self.mode(icount),
                                             " ".join(shlex.quote(c) for c in cmd)))
        self.log.new_boot()
        try:
            self.qemu = self.vm_class(cmd, self.log)
        except OSError as e:
            self.boot_error = "cannot start %s: %s" % (cmd[0], e)
            self.boot_output = ""
            return None
        what, t = self.qemu.wait_prompt(self.until(self.args.timeout_boot))
        if what == "prompt":
            self.qemu.take()
            return t - self.qemu.start
        self.boot_output = self.qemu.buf
        if what == "exit":
            self.boot_error = "%s exited with status %s before the first prompt" % (
                self.vm_name, self.qemu.status)
        else:
            self.boot_error = "no prompt within %g s" % self.args.timeout_boot
        self.stop()
        return None

    def stop(self):
        if self.qemu is not None:
            self.qemu.kill()
            self.qemu = None
        if self.net is not None:
            self.net.close()  # its namespace, in tap mode
            self.net = None

    # -- one command -----------------------------------------------------------
    def run_command(self, command, timeout, want_exit=None, stall=0, host=None, ready=None,
                    typed=None):
        """Type a command and collect its output. Returns (what, output) where
        what is "prompt", "exit" or "timeout"; the echo of the typed line is
        removed from the output. stall: seconds of reading nothing first.
        host: a host command to run meanwhile, once the guest printed ready;
        its (status, output) is left in self.host_result. typed: a line
        to type meanwhile, once the guest printed ready."""
        q = self.qemu
        q.take()
        # A command ending in ^C: type the line (if any), wait for ready=
        # (or a second), then send Ctrl-C (byte 0x03) to stop what it runs.
        intr = command.endswith("^C")
        if intr:
            command = command[:-2]
        if command or not intr:
            q.send(command + "\n")
        if stall:
            time.sleep(stall)
        end = self.until(timeout)
        self.waited = end - time.monotonic()
        peer = None
        self.host_result = None
        if intr:
            ready_re = re.compile(ready or r"\A(?!x)x", re.MULTILINE)
            soon = time.monotonic() + (30 if ready else 1)
            while (not ready_re.search(clean(q.buf)) and time.monotonic() < min(end, soon)
                   and not q.eof):
                q.pump(min(end, soon, time.monotonic() + 0.2))
            q.send("\x03")
        if host or typed is not None:
            ready_re = re.compile(ready, re.MULTILINE) if ready else None
            while (ready_re and not ready_re.search(clean(q.buf)) and
                   time.monotonic() < end and not q.eof):
                q.pump(min(end, time.monotonic() + 0.2))
            if typed is not None:
                q.type_ahead(typed + "\n")
            if host:
                peer = hostpeer.Peer(host, self.net)
        if want_exit is not None:
            status = q.wait_exit(end)
            out = q.take()
            if peer:  # its peer is gone: only that it ended matters
                peer.finish(time.monotonic() + 5)
            return ("exit" if status is not None else "timeout"), strip_echo(clean(out), command)
        what, _ = q.wait_prompt(end)
        if peer:
            self.host_result = peer.finish(min(end, time.monotonic() + 30))
        out = clean(q.take())
        if what == "prompt":
            # The prompt is not output; a late message after it is dropped
            # too (it stays in the log).
            out = out[:len(out) - q.prompt_end + 1]
        return what, strip_echo(out, command)

    def run_tests(self, tests):
        pending = list(tests)
        need_boot = False
        while pending:
            lineno, name, command, regex, opts, err = pending.pop(0)
            want_exit = opts["exit"]
            if err:
                self.fail(name, err)
                continue
            if need_boot:
                self.note("reboot: starting a fresh %s for %s/%s" % (self.vm_name, self.k, name))
                if self.boot() is None:
                    self.note("reboot: %s" % self.boot_error)
                    print(tail(self.boot_output), flush=True)
                    self.fail(name, "not run: the guest did not come back after a reboot")
                    for t in pending:
                        self.fail(t[1], "not run: the guest did not come back after a reboot")
                    return False
                need_boot = False
            self.log.mark("test %s: %s" % (name, command))
            what, out = self.run_command(command, self.args.timeout_test, want_exit,
                                         opts["stall"], opts["host"], opts["ready"],
                                         opts["type"])
            if want_exit is not None:
                need_boot = True
                status = self.qemu.status
                if what == "timeout":
                    self.fail(name, "timeout: %s still running %.0f s after the command "
                              "(wanted exit status %d)" % (self.vm_name, self.waited, want_exit),
                              out)
                elif status != want_exit:
                    self.fail(name, "%s exited with status %s, wanted %d" % (self.vm_name, status,
                                                                           want_exit),
                              out)
                else:
                    self.judge(name, regex, out)
                self.stop()
                continue
            if what == "timeout":
                host = self.host_result[1] + "\n" if self.host_result else ""
                self.host_result = None
                self.fail(name, "timeout: no prompt within %.0f s" % self.waited, host + out)
                need_boot = True
                self.stop()
            elif what == "exit":
                self.fail(name, "%s exited with status %s" % (self.vm_name, self.qemu.status), out)
                need_boot = True
                self.stop()
            else:
                self.judge(name, regex, out)
        if need_boot:
            self.note("reboot: starting a fresh %s for %s/poweroff" % (self.vm_name, self.k))
            if self.boot() is None:
                self.note("reboot: %s" % self.boot_error)
                print(tail(self.boot_output), flush=True)
                return False
        return True

    def judge(self, name, regex, out):
        bad = [l for l in out.split("\n") if l.startswith("FAIL")]
        host, self.host_result = self.host_result, None
        if host and host[0] != 0:
            self.fail(name, "the host command %s" % (
                "was killed: it took too long" if host[0] is None
                else "exited with status %d" % host[0]), host[1] + "\n" + out)
        elif bad:
            self.fail(name, "FAIL line: %s" % bad[0], out)
        elif not re.search(regex, out, re.MULTILINE):
            self.fail(name, "regex not found: %s" % regex, out)
        else:
            self.ok(name)

    def poweroff(self, name="poweroff", counted=True):
        self.log.mark("test %s: poweroff" % name)
        what, out = self.run_command("poweroff", self.args.timeout_test, want_exit=1)
        status = self.qemu.status
        self.stop()
        if not counted:
            return
        if what == "timeout":
            self.fail(name, "timeout: %s still running %.0f s after poweroff"
                      % (self.vm_name, self.waited), out)
        elif status != 1:
            self.fail(name, "%s exited with status %s, wanted 1 (clean poweroff)"
                      % (self.vm_name, status), out)
        else:
            self.ok(name)

    def measure(self, names):
        """Boot under -icount and run each benchmark once (bench/bench_*,
        with QUICK-sized runs): its BENCH lines are reported, not judged;
        only a failure to run counts."""
        t = self.boot(icount=True)
        if t is None:
            for n in names:
                self.fail("measure/" + n, "icount boot: " + self.boot_error, self.boot_output)
            return
        for n in names:
            self.log.mark("measure %s" % n)
            what, out = self.run_command(n + " -q -u insn", self.args.timeout_test)
            lines = [l for l in out.split("\n") if l.startswith("BENCH ")]
            bad = [l for l in out.split("\n") if l.startswith("FAIL")]
            for l in lines:
                self.note("measure: %s %s (icount: 1 tick = 1 guest instruction)"
                          % (self.k, l[len("BENCH "):].strip()))
            if what == "timeout":
                self.fail("measure/" + n, "timeout: no prompt within %.0f s" % self.waited, out)
            elif what == "exit":
                self.fail("measure/" + n, "QEMU exited with status %s" % self.qemu.status, out)
            elif bad:
                self.fail("measure/" + n, "FAIL line: %s" % bad[0], out)
            elif not lines:
                self.fail("measure/" + n, "no BENCH line in its output", out)
            if what != "prompt":
                self.stop()
                rest = names[names.index(n) + 1:]
                if rest and self.boot(icount=True) is None:
                    for m in rest:
                        self.fail("measure/" + m, "icount reboot: " + self.boot_error)
                    return
        if self.qemu is not None:
            self.poweroff(counted=False)

    def main(self):
        a = self.args
        why = hostpeer.tap_unavailable() if a.net == "tap" else None
        if why:
            # Said, and counted neither way: a skipped check is no pass.
            self.note("skip: every test of %s: no tap device in a network namespace here (%s)"
                      % (a.tests, why))
            return
        try:
            tests = guestlist.parse_tests(a.tests, guestlist.load_placement(a.placement))
        except OSError as e:
            self.fail("tests", "cannot read %s: %s" % (a.tests, e))
            tests = None
        if tests is not None and not os.path.isfile(a.iso):
            self.fail("boot", "no ISO at %s" % a.iso)
            for test in tests:
                self.fail(test[1], "not run: no ISO")
            self.fail("poweroff", "not run: no ISO")
            return
        if tests is not None:
            t = self.boot()
            if t is None:
                self.fail("boot", self.boot_error, self.boot_output)
                for test in tests:
                    self.fail(test[1], "not run: the guest did not boot")
                self.fail("poweroff", "not run: the guest did not boot")
            else:
                self.note("boot: %s %.2f s to first prompt (%s)" % (self.k, t, self.mode(False)))
                if self.run_tests(tests):
                    self.poweroff()
                else:
                    self.fail("poweroff", "not run: the guest did not come back after a reboot")
        if a.measure:
            self.measure(a.measure)


def strip_echo(out, command):
    """Drop the guest's echo of the typed line. Anything printed before the
    echo (a late message of the previous command) goes with it: it is in the
    log, but belongs to no test."""
    if not command:
        return out  # only ^C was sent: nothing was typed to echo
    i = out.find(command + "\n")
    if 0 <= i < 4096:
        return out[i + len(command) + 1:]
    if out.startswith(command):
        return out[len(command):]
    return out


def parser():
    """The command line; tools/bochs-test.py adds its own options to it."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--kernel", required=True, help="mono or micro (names the tests)")
    p.add_argument("--iso", required=True)
    p.add_argument("--tests", required=True, help="tests file (name<TAB>command<TAB>regex)")
    p.add_argument("--timeout-boot", type=float, default=60.0, metavar="S")
    p.add_argument("--timeout-test", type=float, default=60.0, metavar="S")
    p.add_argument("--timeout-total", type=float, default=1200.0, metavar="S",
                   help="hard cap for the whole run (default 1200 s)")
    p.add_argument("--measure", action="append", default=[], metavar="NAME",
                   help="run the benchmark NAME once more under -icount and report its BENCH lines")
    p.add_argument("--log", help="serial log (default build/KERNEL/guest-test.log)")
    p.add_argument("--net", choices=["user", "tap"],
                   help="give the guest an e1000: on QEMU user networking, or on a tap device "
                   "in a network namespace of its own (tools/hostpeer.py)")
    p.add_argument("--pcap", help="with --net: write the guest's traffic to this pcap file")
    p.add_argument("--placement", help="where each component runs (build/KERNEL/placement.txt), "
                   "for the when= option of the tests")
    p.add_argument("--qemu", default=os.environ.get("QEMU", "qemu-system-i386"))
    p.add_argument("--qemu-args", action="append", default=[], metavar="ARGS",
                   help="extra QEMU options as one shell-quoted string (disk, NIC, ...); "
                   "may be repeated")
    p.add_argument("--memory", default="128", metavar="MB")
    return p


def main(runner_class=None, p=None):
    args = (p or parser()).parse_args()

    runner = (runner_class or Runner)(args)

    # The last line must be the summary whatever happens, and QEMU must never
    # outlive us: turn TERM/HUP into an exception the finally below sees, and
    # arm an alarm a little past the cap in case a wait ever misses its deadline.
    def on_signal(signum, frame):
        raise KeyboardInterrupt("signal %d" % signum)

    def on_alarm(signum, frame):
        raise TotalCapReached()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(int(args.timeout_total) + 30)
    status = 0
    try:
        runner.main()
    except TotalCapReached:
        runner.fail("total", "the run hit its hard cap of %g s (--timeout-total)"
                    % args.timeout_total)
    except KeyboardInterrupt:
        runner.fail("interrupted", "stopped by a signal")
        status = 130
    finally:
        signal.alarm(0)
        runner.stop()
        runner.log.close()
    print("%d passed, %d failed" % (runner.passed, runner.failed), flush=True)
    if status == 0 and runner.failed:
        status = 1
    sys.exit(status)


if __name__ == "__main__":
    main()
