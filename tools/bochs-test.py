#!/usr/bin/env python3
"""Run the guest tests in Bochs: tools/guest-test.py's runner with Bochs for QEMU.

    python3 tools/bochs-test.py --kernel mono --iso build/mono/os.iso \
        --tests tests/guest/tests.txt --placement build/mono/placement.txt \
        [--disk IMG] [--ips N] [--timeout-test 60] ...

Everything but the emulator is guest-test.py's, loaded by path (its name
has a dash): the test lists, the prompt protocol, reboots after a hang or
a crash, the summary. Here is only what differs in Bochs 2.7:

- COM1 is `mode=socket-client` (bochsrc's com1 options): Bochs connects to
  a socket the runner listens on, on 127.0.0.1. Bochs takes a byte from the
  socket only when the UART's receive buffer is empty, so a whole line may
  be sent at once, as to QEMU.
- The disk (--disk) is the primary master, as QEMU's -drive ...,index=0.
- Bochs' screen is the curses `term` display on a pseudo-terminal the
  runner owns and drains (Debian's Bochs has no `nogui`).
- The exit status. Bochs has no isa-debug-exit device: the kernel's write
  of its code to port 0xf4 goes to no device, and its "Shutdown" on port
  0x8900 stops Bochs. The runner has Bochs log the writes to unmapped ports
  (`debug: action=ignore, unmapped=report`) and turns the last write to 0xf4
  into the status QEMU would have given, 2*code+1; an exit without the
  shutdown port (a triple fault, a Bochs panic) is reported as such.
- Time: `clock: sync=none`, so guest time is instructions / ips (--ips,
  default 50000000: about what Bochs runs here, tools/README.md). A halted
  CPU skips to the next timer, so waiting costs nothing.

Tests that need QEMU (its -icount, its user networking) say when=qemu and
are left out here; when=bochs lines run only here. --measure and --net are
refused. After the tests a line says how many ran and how long they took.
"""

import codecs
import importlib.util
import os
import pty
import re
import select
import shlex
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def load_guest_test():
    """tools/guest-test.py has a dash in its name: load it by path."""
    spec = importlib.util.spec_from_file_location("guest_test",
                                                  os.path.join(HERE, "guest-test.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


gt = load_guest_test()

F4_RE = re.compile(r"unmapped: 8-bit write to 00f4 = ([0-9a-f]{2})")
SHUTDOWN = "Shutdown port: shutdown requested"
SCREEN_RE = re.compile(rb'Bochs connected to screen "(/dev/pts/[0-9]+)"')
# How long Bochs may take to connect to our socket after it starts.
CONNECT_TIMEOUT = 30.0
# --screen FILE: where Bochs' curses screen goes (none: dropped).
SCREEN = None
# --kbd: type= text goes to the PS/2 keyboard, a key every KBD_GAP s.
KBD = False
KBD_GAP = 0.05


class BochsCmd(list):
    """Bochs' command line, with its scratch directory (the symlinks Bochs
    is given, and its log) and its environment."""

    def __init__(self, words, work, env):
        super().__init__(words)
        self.work = work
        self.env = env


class Bochs(gt.Qemu):
    """One Bochs process; COM1 is a TCP connection it makes to us."""

    def __init__(self, cmd, log):
        self.log = log
        self.cmd, self.work, env = cmd, cmd.work, cmd.env
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        env = dict(env, BX_COM_MODE="socket-client",
                   BX_COM_DEV="127.0.0.1:%d" % self.listener.getsockname()[1])
        self.conn = None
        self.scr = None
        self.said = b""
        self.master, slave = pty.openpty()
        self.start = time.monotonic()
        # stdin is /dev/null, always readable: Bochs' idle hack (the term
        # display's sim_is_idle) waits up to 1 ms for input on fd 0 each
        # time the guest halts, so a guest waiting for its transmitter's
        # interrupt, once a character, would print 1000 characters a second.
        self.proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL, stdout=slave,
                                     stderr=slave, env=env, start_new_session=True,
                                     cwd=self.work)
        os.close(slave)
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")
        self.buf = ""
        self.eof = False
        self.status = None
        self.last_data = self.start
        self.prompt_end = 0

    def pump(self, until):
        if self.eof:
            return False
        fds = [self.conn if self.conn is not None else self.listener]
        fds += [fd for fd in (self.master, self.scr) if fd is not None]
        wait = max(0.0, until - time.monotonic())
        if self.conn is None and self.proc.poll() is not None:
            self.eof = True  # Bochs went before it connected
            return False
        r, _, _ = select.select(fds, [], [], min(wait, 0.5) if self.conn is None else wait)
        got = False
        if self.master is not None and self.master in r:
            # Bochs' screen: read and dropped, so Bochs never blocks on it.
            try:
                out = os.read(self.master, 65536)
                if not out:
                    raise OSError
                self.console(out)
            except OSError:
                os.close(self.master)
                self.master = None
        if self.scr is not None and self.scr in r:
            try:
                self.screen(os.read(self.scr, 65536))
            except OSError:
                os.close(self.scr)
                self.scr = None
        if self.conn is None:
            if self.listener in r:
                self.conn, _ = self.listener.accept()
            elif time.monotonic() - self.start > CONNECT_TIMEOUT:
                self.eof = True
            return False
        if self.conn in r:
            try:
                data = self.conn.recv(65536)
            except OSError:
                data = b""
            if not data:
                self.eof = True
                return False
            self.log.guest(data)
            self.buf += self.decoder.decode(data)
            if len(self.buf) > gt.BUF_CAP:
                self.buf = self.buf[-gt.BUF_CAP // 2:]
            self.last_data = time.monotonic()
            got = True
        return got

    def console(self, data):
        """Bochs' own stdout and stderr. Debian's Bochs has its debugger,
        so the term display draws on a pseudo-terminal of its own that it
        names here; nobody has its other end open, and once its buffer is
        full Bochs stops in write(), guest and all. So it is opened and
        drained too."""
        self.said = (self.said + data)[-4096:]
        m = SCREEN_RE.search(self.said)
        if m and self.scr is None:
            self.scr = os.open(m.group(1).decode(), os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
            self.said = b""

    def screen(self, data):
        """Bochs' curses screen: dropped, or kept with --screen. With
        LINES above 26 it ends with a line "IPS: N.NNNM", Bochs' own count
        of instructions a second (the speed tools/README.md gives)."""
        if SCREEN:
            with open(SCREEN, "ab") as f:
                f.write(data)

    def type_ahead(self, text):
        """With --kbd, the type= text goes to the PS/2 keyboard: written to
        the term display's terminal, which Bochs reads as keys (curses),
        one key every KBD_GAP seconds, as a quick typist; else to COM1."""
        if not KBD or self.scr is None:
            self.send(text)
            return
        for ch in text.encode():
            until = time.monotonic() + KBD_GAP
            try:
                os.write(self.scr, bytes([ch]))
            except OSError:
                return
            while time.monotonic() < until:
                self.pump(until)

    def send(self, text):
        if self.conn is None:
            return
        try:
            self.conn.sendall(text.encode())
        except OSError:
            pass

    def exited(self):
        if self.status is None and self.proc.poll() is not None:
            self.status = self.qemu_status()
        return self.status is not None

    def qemu_status(self):
        """The status QEMU would have exited with, from Bochs' log: 2*code+1
        for the kernel's poweroff(code), else a word on what happened."""
        try:
            with open(os.path.join(self.work, "bochs.log"), errors="replace") as f:
                text = f.read()
        except OSError:
            text = ""
        codes = F4_RE.findall(text)
        if SHUTDOWN in text and codes:
            return 2 * int(codes[-1], 16) + 1
        panics = [l.strip() for l in text.split("\n") if ">>PANIC<<" in l]
        return "%d (Bochs%s)" % (self.proc.returncode,
                                 ": " + panics[-1] if panics else
                                 " ended without the shutdown port")

    def kill(self):
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
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        self.exited()
        for s in (self.conn, self.listener):
            if s is not None:
                s.close()
        self.conn = None
        for fd in (self.master, self.scr):
            if fd is not None:
                os.close(fd)
        self.master = self.scr = None
        self.log.mark("Bochs ended, status %s" % self.status)
        try:
            with open(os.path.join(self.work, "bochs.log"), errors="replace") as f:
                panics = [l for l in f if ">>PANIC<<" in l and SHUTDOWN not in l]
            for l in panics[-4:]:
                self.log.mark("bochs: " + l.strip())
        except OSError:
            pass


class BochsRunner(gt.Runner):
    vm_class = Bochs
    vm_name = "Bochs"

    def __init__(self, args):
        if not args.log:
            args.log = os.path.join("build", args.kernel, "bochs-test.log")
        super().__init__(args)
        self.work = tempfile.mkdtemp(prefix="bochs-test.")
        self.tests_run = 0
        self.began = time.monotonic()

    def qemu_cmd(self, icount):
        """Bochs' command line (and its scratch directory and environment).
        Paths reach Bochs through bochsrc's $VARIABLES, which cannot be
        quoted: Bochs sees only symlinks in the scratch directory."""
        a = self.args
        w = self.work
        # (A Bochs that was killed leaves its disk's lock file behind.)
        for name in ("os.iso", "disk.img", "disk.img.lock", "bochs.log"):
            try:
                os.unlink(os.path.join(w, name))
            except FileNotFoundError:
                pass
        os.symlink(os.path.abspath(a.iso), os.path.join(w, "os.iso"))
        extra = ["cpu: count=1, ips=%d, reset_on_triple_fault=0" % a.ips,
                 "megs: %s" % a.memory,
                 "debug: action=ignore, unmapped=report"]
        if a.disk:
            os.symlink(os.path.abspath(a.disk), os.path.join(w, "disk.img"))
            extra.append("ata0-master: type=disk, path=%s/disk.img, mode=flat" % w)
        env = dict(os.environ, BX_ISO=w + "/os.iso", BX_LOG=w + "/bochs.log",
                   BX_DEBUG_PORT="1", BX_MAGIC_BREAK="0", TERM="xterm",
                   # 27 rows: below the guest's 25 the curses display has
                   # a line for Bochs' count of instructions a second.
                   LINES="27", COLUMNS="81")
        env.pop("DISPLAY", None)
        cmd = [a.bochs, "-q", "-f", os.path.join(HERE, "bochsrc"),
               "-rc", os.path.join(HERE, "bochs-cmds"),
               'display_library: term, options=""'] + extra
        cmd += [w for x in a.bochs_args for w in shlex.split(x)]
        return BochsCmd(cmd, w, env)

    def mode(self, icount):
        return "Bochs, ips=%d" % self.args.ips

    def run_command(self, command, *rest, **kw):
        self.tests_run += 1
        t = time.monotonic()
        r = super().run_command(command, *rest, **kw)
        # Wall time per command, in the log: what picks make test's subset.
        self.log.mark("took %.1f s" % (time.monotonic() - t))
        return r

    def stop(self):
        if self.qemu is not None:
            # Keep Bochs' own log of each boot next to ours: bochs-N.log.
            src = os.path.join(self.work, "bochs.log")
            dst = os.path.join(os.path.dirname(self.args.log) or ".", "bochs-%d.log" % self.boots)
            self.qemu.kill()
            self.qemu = None
            try:
                os.replace(src, dst)
            except OSError:
                pass

    def main(self):
        a = self.args
        if a.net or a.measure:
            self.fail("options", "--net and --measure need QEMU (tools/guest-test.py)")
            return
        try:
            super().main()
        finally:
            self.stop()
            # Every command typed counts, poweroff included; a test that
            # was left out (when=) or never run (no boot) does not.
            self.note("bochs: %s: %d tests ran in Bochs (ips=%d) in %.0f s, %d boots" % (
                self.k, self.tests_run, a.ips, time.monotonic() - self.began, self.boots))
            for name in os.listdir(self.work):
                os.unlink(os.path.join(self.work, name))
            os.rmdir(self.work)


def main():
    p = gt.parser()
    p.description = __doc__.split("\n\n")[0]
    p.add_argument("--disk", help="raw disk image, the primary master (Bochs writes to it)")
    p.add_argument("--ips", type=int, default=int(os.environ.get("BOCHS_IPS", 50000000)),
                   help="instructions per guest second (bochsrc cpu: ips=)")
    p.add_argument("--bochs", default=os.environ.get("BOCHS", "bochs"))
    p.add_argument("--bochs-args", action="append", default=[], metavar="LINES",
                   help="extra bochsrc lines, shell-quoted, e.g. \"'cpu: ips=1000000'\"")
    p.add_argument("--screen", metavar="FILE",
                   help="append Bochs' curses screen (the pseudo-terminal's bytes) to FILE")
    p.add_argument("--kbd", action="store_true",
                   help="type the type= text on the PS/2 keyboard, not on COM1")
    gt.guestlist.EMULATOR = "bochs"
    global SCREEN, KBD
    KBD = "--kbd" in sys.argv
    SCREEN = next((sys.argv[i + 1] for i, a in enumerate(sys.argv[:-1]) if a == "--screen"),
                  None)
    gt.main(BochsRunner, p)


if __name__ == "__main__":
    main()
