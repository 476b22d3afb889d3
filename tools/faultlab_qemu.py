"""The QEMU side of tools/faultlab.py: the monitor, one machine on its own
qcow2 copy of the disk, the snapshot at the prompt, and e2fsck of what a
trial left. Python 3's standard library, QEMU and qemu-img, e2fsprogs; the
serial driver is tools/guest-test.py's (through powerloss.py)."""

import os
import re
import socket
import subprocess
import threading
import time

import powerloss

GT = powerloss.guest_test_module()
SNAPSHOT = "ready"
SETTLE_S = 1.0  # s at the prompt before the snapshot
ALIVE_LIMIT = 8.0   # s for the shell to answer afterwards


class Monitor:
    """QEMU's human monitor on a Unix socket: one command, its answer."""

    def __init__(self, path):
        self.path = path

    def command(self, line, timeout=30.0):
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(timeout)
        try:
            s.connect(self.path)
            buf = b""
            for send in (None, line):
                if send is not None:
                    s.sendall(send.encode() + b"\n")
                    buf = b""
                while not buf.endswith(b"(qemu) "):
                    d = s.recv(4096)
                    if not d:  # QEMU went away (quit)
                        return GT.clean(buf.decode("utf-8", "replace"))
                    buf += d
            return GT.clean(buf.decode("utf-8", "replace"))
        finally:
            s.close()


LIVE = set()  # every QEMU started and not yet stopped: main() stops any left
LIVE_LOCK = threading.Lock()


class Machine:
    """One QEMU of one kernel on its own qcow2 copy of the disk."""

    def __init__(self, args, kernel, image, log):
        self.args, self.kernel, self.image, self.log = args, kernel, image, log
        self.mon_path = image + ".mon"
        self.mon = Monitor(self.mon_path)
        self.q = None

    def start(self, loadvm):
        if os.path.exists(self.mon_path):
            os.unlink(self.mon_path)
        cmd = [self.args.qemu, "-cdrom", os.path.join("build", self.kernel, "os.iso"),
               "-m", "128", "-display", "none", "-serial", "stdio", "-no-reboot",
               "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
               "-monitor", "unix:%s,server,nowait" % self.mon_path,
               "-drive", "file=%s,format=qcow2,if=ide,index=0,media=disk" % self.image]
        if loadvm:
            cmd += ["-loadvm", SNAPSHOT]
        self.log.new_boot()
        self.q = GT.Qemu(cmd, self.log)
        with LIVE_LOCK:
            LIVE.add(self.q)
        # The monitor's socket exists once QEMU is up.
        end = time.monotonic() + 10
        while not os.path.exists(self.mon_path) and time.monotonic() < end:
            if self.q.exited():
                break
            time.sleep(0.01)

    def quit(self):
        """Stop QEMU so that it writes out everything it holds of the image."""
        if self.q is None:
            return
        if not self.q.exited():
            try:
                self.mon.command("quit", timeout=5)
            except OSError:
                pass
            self.q.wait_exit(time.monotonic() + 5)
        self.q.kill()
        with LIVE_LOCK:
            LIVE.discard(self.q)
        self.q = None

    def type_and_wait(self, line, timeout):
        """Types a line; returns ("prompt"|"exit"|"timeout", output)."""
        self.q.take()
        self.q.send(line + "\n")
        what, _ = self.q.wait_prompt(time.monotonic() + timeout)
        return what, GT.clean(self.q.take())


def fsck(image, tmp):
    """e2fsck -fn of the image's current state: (exit status, raw copy)."""
    raw = os.path.join(tmp, os.path.basename(image) + ".raw")
    subprocess.run(["qemu-img", "convert", "-U", "-f", "qcow2", "-O", "raw", image, raw],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    p = subprocess.run(["e2fsck", "-fn", raw], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
    return p.returncode, raw


def make_snapshot(args, kernel, tmp, log):
    """Boot once on a qcow2 copy of the disk and savevm at the prompt. Returns
    (image, seconds the boot took, restarts the snapshot already counts)."""
    image = os.path.join(tmp, "%s-base.qcow2" % kernel)
    subprocess.run(["qemu-img", "convert", "-f", "raw", "-O", "qcow2", args.disk, image],
                   check=True)
    m = Machine(args, kernel, image, log)
    t0 = time.monotonic()
    m.start(loadvm=False)
    what, _ = m.q.wait_prompt(time.monotonic() + args.timeout_boot)
    boot_s = time.monotonic() - t0
    if what != "prompt":
        m.quit()
        raise SystemExit("faultlab: %s gave no prompt after boot (%s)" % (kernel, what))
    what, out = m.type_and_wait("fiwork alive", ALIVE_LIMIT)
    a = re.search(r"(?m)^FIWORK alive restarts=(\d+)", out)
    if not a:
        m.quit()
        raise SystemExit("faultlab: %s: `fiwork alive` did not answer: is fiwork on the disk? "
                         "(make disk-update)\n%s" % (kernel, GT.tail(out)))
    # Not at once: the reincarnation server counts a death within 500 ms
    # of a server's start as a quick one and delays its restart (back-off);
    # a snapshot taken that soon would make every trial's first death one.
    time.sleep(SETTLE_S)
    m.mon.command("savevm " + SNAPSHOT)
    m.quit()
    return image, boot_s, int(a.group(1))
