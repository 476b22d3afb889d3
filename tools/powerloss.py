#!/usr/bin/env python3
"""Cut the power of a guest that writes and syncs; check what the disk kept.

    python3 tools/powerloss.py [--kernel mono --kernel micro] [--disk build/disk.img]
        [--trials 3] [--seed 1] [--phases 8] [--keep DIR]

Each trial boots QEMU on a fresh copy of the disk image and types
`t_powerloss SEED PHASES` at the shell (user/tests/t_powerloss.c). The
workload writes files with known contents in phases and calls sync at the
end of each, then prints what that sync made durable (SYNC lines, their
sizes and FNV-1a checksums) and "SYNCED <phase>". The trial picks, from its
seed, the sync point K after which to cut the power, and how far into the
next phase; it waits for "SYNCED K", waits that long, and kills QEMU with
SIGKILL: the guest stops between two instructions, as at a power cut. (The
host's page cache keeps whatever QEMU had written to the image file, so
this is a power cut of the guest, not of the host.)

Then, on the host:
  - `e2fsck -fn` on the image. Without a journal it may legitimately find
    problems in what was not synced (counts, an inode whose blocks were
    not all written); its exit status is reported as "needed repair".
  - `dumpe2fs -h`: the volume must say "not clean", since it was mounted
    and never unmounted (so e2fsck -p would check it at the next boot).
  - `debugfs -R 'rdump /work/pl ...'`: every file and log prefix a SYNC
    line named must read back with its size and checksum. A synced byte
    that does not is lost, and fails the trial.

One more run per kernel goes to the end of the workload and powers off
cleanly: then e2fsck -fn must find nothing, the volume must say "clean",
and everything must read back.

Prints a PASS or FAIL line per trial, a summary per kernel, and ends with
"N passed, N failed"; exit status 0 only if nothing failed. Python 3's
standard library, QEMU and e2fsprogs; it reuses tools/guest-test.py's QEMU
driver. The serial output goes to build/<kernel>/powerloss.log.
"""

import argparse
import importlib.util
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SYNC_RE = re.compile(r"^SYNC (\d+) (file|prefix) (\S+) (\d+) ([0-9a-f]{8})$")
SYNCED_RE = re.compile(r"^SYNCED (\d+)$")
WORK_DIR = "/work/pl"  # where t_powerloss writes


def guest_test_module():
    """tools/guest-test.py, for its Qemu and Log classes (a file name with a
    '-' cannot be imported the usual way)."""
    spec = importlib.util.spec_from_file_location("guest_test", os.path.join(HERE, "guest-test.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def fnv1a32(data):
    h = 2166136261
    for b in data:
        h ^= b
        h = (h * 16777619) & 0xFFFFFFFF
    return h


def fs_state(image):
    p = subprocess.run(["dumpe2fs", "-h", image], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL)
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("Filesystem state:"):
            return line.split(":", 1)[1].strip()
    return None


class Trial:
    """One boot: the workload, then a power cut (or a clean poweroff)."""

    def __init__(self, args, gt, log, kernel, number, seed, cut):
        self.args, self.gt, self.log = args, gt, log
        self.kernel, self.number, self.seed, self.cut = kernel, number, seed, cut
        self.name = "%s/%s-%d" % (kernel, "powercut" if cut else "poweroff", number)
        self.synced = {}      # phase -> its SYNC records (complete phases only)
        self.pending = {}     # phase -> records of a phase not yet SYNCED
        self.error = None
        self.note = ""

    def qemu_cmd(self, image):
        a = self.args
        iso = a.iso or os.path.join("build", self.kernel, "os.iso")
        return [a.qemu, "-cdrom", iso, "-m", "128", "-display", "none", "-serial", "stdio",
                "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04", "-no-reboot",
                "-monitor", "none",
                "-drive", "file=%s,format=raw,if=ide,index=0,media=disk" % image]

    def parse(self, line):
        """One line of the guest's output. Returns the phase a SYNCED line
        completes, or None."""
        m = SYNC_RE.match(line)
        if m:
            k = int(m.group(1))
            self.pending.setdefault(k, []).append(
                (m.group(2), m.group(3), int(m.group(4)), int(m.group(5), 16)))
            return None
        m = SYNCED_RE.match(line)
        if m:
            k = int(m.group(1))
            self.synced[k] = self.pending.pop(k, [])
            return k
        if line.startswith("FAIL"):
            self.error = "the workload failed: " + line
        return None

    def run_guest(self, image):
        """Boot, run the workload, cut the power (or power off). Returns
        False (with self.error) if the trial could not be run."""
        a, rng = self.args, random.Random(self.seed)
        # Drawn first, so that they depend on the seed alone. Not after the
        # last sync point but one, so that the cut most often lands while
        # the workload still writes.
        cut_after = rng.randint(1, max(1, a.phases - 2))
        fraction = rng.random()
        self.log.mark("%s: seed %d" % (self.name, self.seed))
        self.log.new_boot()
        q = self.gt.Qemu(self.qemu_cmd(image), self.log)
        try:
            what, _ = q.wait_prompt(time.monotonic() + a.timeout_boot)
            if what != "prompt":
                self.error = "no prompt after boot (%s)" % what
                return False
            q.take()
            q.send("t_powerloss %d %d\n" % (self.seed, a.phases))
            start = time.monotonic()
            deadline = start + a.timeout_run
            kill_at, partial, done = None, "", False
            while not done:
                now = time.monotonic()
                if kill_at is not None and now >= kill_at:
                    break
                if now >= deadline:
                    self.error = "timeout: the workload ran %.0f s" % a.timeout_run
                    return False
                if q.eof or q.exited():
                    self.error = "QEMU stopped by itself (status %s)" % q.status
                    return False
                q.pump(min(deadline, kill_at or deadline, now + 0.05))
                text = partial + self.gt.clean(q.take())
                lines = text.split("\n")
                partial = lines.pop()
                for line in lines:
                    k = self.parse(line.strip())
                    if self.error:
                        return False
                    if k is not None:
                        now = time.monotonic()
                        if self.cut and k == cut_after:
                            # Somewhere in the next phase, if it takes as
                            # long as the phases so far did on average.
                            delay = fraction * (now - start) / k
                            kill_at = now + delay
                            self.note = "cut %.3f s after sync point %d of %d" % (
                                delay, k, a.phases)
                    if line.strip() == "DONE":
                        done = True
            if self.cut:
                if done:
                    self.note += " (the workload had ended)"
                os.killpg(q.proc.pid, signal.SIGKILL)
                return True
            # The control run: a clean poweroff, which unmounts. The shell
            # reads the line once the workload has exited.
            q.send("poweroff\n")
            status = q.wait_exit(time.monotonic() + a.timeout_boot)
            if status != 1:
                self.error = "poweroff: QEMU exit status %s, wanted 1" % status
                return False
            self.note = "ran to the end, then poweroff"
            return True
        finally:
            q.kill()

    def check_disk(self, image, dump):
        """e2fsck, the state, and every synced byte. Returns (fsck status,
        state, bytes checked, bytes lost, problems)."""
        fsck = subprocess.run(["e2fsck", "-fn", image], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)
        self.fsck_text = fsck.stdout.decode("utf-8", "replace")
        state = fs_state(image)
        os.makedirs(dump, exist_ok=True)
        subprocess.run(["debugfs", "-R", "rdump %s %s" % (WORK_DIR, dump), image],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        checked = lost = 0
        problems = []
        for k in sorted(self.synced):
            for kind, path, size, checksum in self.synced[k]:
                local = os.path.join(dump, os.path.basename(WORK_DIR),
                                     os.path.relpath(path, WORK_DIR))
                try:
                    with open(local, "rb") as f:
                        data = f.read()
                except OSError:
                    data = None
                if data is not None and kind == "prefix":
                    ok = len(data) >= size and fnv1a32(data[:size]) == checksum
                else:
                    ok = data is not None and len(data) == size and fnv1a32(data) == checksum
                checked += size
                if not ok:
                    lost += size
                    problems.append("%s (synced at %d, %d bytes): %s" % (
                        path, k, size, "missing" if data is None else
                        "%d bytes, fnv1a %08x" % (len(data), fnv1a32(data[:size]))))
        return fsck.returncode, state, checked, lost, problems


def run_kernel(args, gt, kernel, tmp, totals):
    log = gt.Log(os.path.join("build", kernel, "powerloss.log"))
    cuts = repairs = lost_all = checked_all = 0
    try:
        for n in range(args.trials + 1):
            cut = n < args.trials
            seed = args.seed + n
            t = Trial(args, gt, log, kernel, n + 1 if cut else 1, seed, cut)
            image = os.path.join(tmp, "%s-%d.img" % (kernel, n))
            shutil.copyfile(args.disk, image)
            if not t.run_guest(image):
                totals[1] += 1
                print("FAIL %s (seed %d): %s" % (t.name, seed, t.error), flush=True)
                continue
            fsck, state, checked, lost, problems = t.check_disk(
                image, os.path.join(tmp, "%s-%d.dump" % (kernel, n)))
            want_state = "not clean" if cut else "clean"
            bad = list(problems)
            if not t.synced:
                bad.append("no sync point was reached")
            if state != want_state:
                bad.append("the superblock says %r, not %r" % (state, want_state))
            if not cut and fsck != 0:
                bad.append("e2fsck -fn exit status %d after a clean poweroff" % fsck)
            if cut:
                cuts += 1
                repairs += fsck != 0
                lost_all += lost
                checked_all += checked
            summary = "%s; e2fsck -fn exit %d%s; %s; %d sync points done, %d synced bytes, %d lost" % (
                t.note, fsck, " (needed repair)" if fsck else "", state, len(t.synced),
                checked, lost)
            if bad:
                totals[1] += 1
                print("FAIL %s (seed %d): %s" % (t.name, seed, summary), flush=True)
                for b in bad:
                    print("    | " + b, flush=True)
                if fsck and not cut:
                    print("\n".join("    | " + l for l in t.fsck_text.splitlines()[-8:]))
            else:
                totals[0] += 1
                print("PASS %s (seed %d): %s" % (t.name, seed, summary), flush=True)
            if args.keep:
                os.makedirs(args.keep, exist_ok=True)
                shutil.copyfile(image, os.path.join(args.keep, os.path.basename(image)))
            os.unlink(image)
    finally:
        log.close()
    print("powerloss: %s: %d power cuts, e2fsck -fn wanted repairs after %d, "
          "%d of %d synced bytes lost" % (kernel, cuts, repairs, lost_all, checked_all),
          flush=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--kernel", action="append",
                   help="kernel to test, as built in build/KERNEL/ (repeat for more; "
                   "default mono and micro)")
    p.add_argument("--iso", help="the ISO (default build/KERNEL/os.iso)")
    p.add_argument("--disk", default="build/disk.img", help="image to copy for each trial")
    p.add_argument("--trials", type=int, default=3, help="power cuts per kernel (default 3)")
    p.add_argument("--seed", type=int, default=1, help="first trial's seed; trial n has seed+n")
    p.add_argument("--phases", type=int, default=8, help="sync points of the workload")
    p.add_argument("--keep", metavar="DIR", help="keep each trial's image in DIR")
    p.add_argument("--timeout-boot", type=float, default=60.0, metavar="S")
    p.add_argument("--timeout-run", type=float, default=120.0, metavar="S")
    p.add_argument("--qemu", default=os.environ.get("QEMU", "qemu-system-i386"))
    args = p.parse_args()
    if args.phases < 2:
        p.error("--phases must be at least 2: a cut comes after a sync point, before the last")
    kernels = args.kernel or ["mono", "micro"]
    if args.iso and len(kernels) > 1:
        p.error("--iso needs a single --kernel")
    os.chdir(os.path.dirname(HERE))
    totals = [0, 0]
    gt = guest_test_module()

    def on_signal(signum, frame):
        raise KeyboardInterrupt("signal %d" % signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    status = 0
    tmp = tempfile.mkdtemp(prefix="powerloss.")
    try:
        if not os.path.isfile(args.disk):
            print("FAIL powerloss: no disk image %s (make disk)" % args.disk)
            totals[1] += 1
        else:
            # A trial judges the superblock's state after a clean poweroff,
            # which keeps the state the volume had when it was mounted (as
            # Linux's ext2 does): so every trial starts from a clean copy.
            base = os.path.join(tmp, "base.img")
            shutil.copyfile(args.disk, base)
            if fs_state(base) != "clean":
                subprocess.run(["e2fsck", "-fy", base], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
                print("powerloss: %s was not clean (a boot before stopped without poweroff); "
                      "the trials start from a copy e2fsck -fy repaired, now %s" % (
                          args.disk, fs_state(base)), flush=True)
            args.disk = base
            for k in kernels:
                run_kernel(args, gt, k, tmp, totals)
    except KeyboardInterrupt:
        print("FAIL powerloss: interrupted", flush=True)
        totals[1] += 1
        status = 130
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (totals[0], totals[1]), flush=True)
    sys.exit(status or (1 if totals[1] else 0))


if __name__ == "__main__":
    main()
