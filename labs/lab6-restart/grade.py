"""Lab 6's grader: a restart of the file server loses no write it
acknowledged (fs/wlog.c: the write log's append and commit point, and its
replay). Crash trials on micro: each writes records that the fs
acknowledges and nobody syncs (t_lab6 write K), kills the fs server
(crash fs null; the reincarnation server starts a new instance, which
mounts the disk again), then reads every record back and counts the lost
ones (t_lab6 check K); a trial passes if none is lost. Then the disk, synced, must pass
e2fsck -fn, and the host test of the log (tests/host/test_fs_wlog.c) must
pass. On mono the same fault is a kernel panic. Run with make grade LAB=6."""
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import gradelib  # noqa: E402

LAB = gradelib.Lab(6, "Stateful restart")
CRASHED = r"(?m)^crash: the fs service answers again"


def lost(out, kernel):
    m = re.search(r"lost (\d+) of (\d+) acknowledged records", out)
    if not m:
        return "t_lab6 check printed no count of lost records"
    return None if m.group(1) == "0" else "%s of %s acknowledged records lost" % m.groups()


for k in (1, 2, 3):
    LAB.guest("t%d_write" % k, 0, "t_lab6 write %d" % k, r"(?m)^PASS t_lab6",
              "t_lab6 write %d: every record acknowledged" % k, kernels=("micro",))
    LAB.guest("t%d_crash" % k, 5, "crash fs null", CRASHED,
              "crash fs null: the fs server dies and the reincarnation server restarts it",
              kernels=("micro",))
    LAB.guest("t%d_lost" % k, 20, "t_lab6 check %d" % k, r"(?m)^PASS t_lab6",
              "t_lab6 check %d: no acknowledged record lost (the fs's restart replays "
              "the write log)" % k, kernels=("micro",), check=lost)
LAB.guest("sync", 0, "sync", r"^", "sync", kernels=("micro",))


def fsck(tree, outputs):
    disk = gradelib.DISKS.get("micro")
    if not disk or not os.path.exists(disk):
        return "no disk image of the micro run"
    e2fsck = shutil.which("e2fsck") or "/sbin/e2fsck"
    r = subprocess.run([e2fsck, "-fn", disk], capture_output=True, text=True)
    if r.returncode != 0 or re.search(r"\? no$", r.stdout, re.M):
        bad = [l for l in r.stdout.split("\n") if l.strip() and not l.startswith("Pass ")]
        return "e2fsck -fn exit status %d: %s" % (r.returncode, "; ".join(bad[:3]))
    return None


def host_test(tree, outputs):
    b = subprocess.run(["make", "-C", tree, "--no-print-directory", "-j2",
                        "build/host/test_fs_wlog"], capture_output=True, text=True)
    if b.returncode != 0:
        return "make build/host/test_fs_wlog failed: %s" % b.stdout[-300:]
    r = subprocess.run([os.path.join(tree, "build", "host", "test_fs_wlog")],
                       capture_output=True, text=True, cwd=tree, timeout=120)
    if r.returncode != 0:
        failed = re.findall(r"(?m)^\S+: error: .*$|^\[  FAILED  \] test_\w+", r.stdout + r.stderr)
        return "test_fs_wlog failed: %s" % "; ".join(failed[:3])
    return None


LAB.host("disk_consistent", 10, fsck,
         "after the trials and a sync, e2fsck -fn on micro's disk finds nothing to fix")
LAB.host("host_test", 10, host_test,
         "tests/host/test_fs_wlog.c passes: every kind of change survives fs_restart, "
         "the replayed disk is consistent before any sync")
LAB.guest("mono_panics", 5, "crash fs null", r"component fs crashed",
          "on mono, crash fs null is a kernel panic (QEMU exits with status 3)",
          kernels=("mono",), exit=3)
