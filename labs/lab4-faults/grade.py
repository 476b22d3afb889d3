"""Lab 4's grader: the file service's recovery when the disk driver is
restarted under it (fs/bcache.c, disk_io). A small campaign: on micro,
three trials each crash the ata server (crash ata null) and then need the
disk, for a write-back (sync) and for a read of a file not yet in the
cache; every trial must recover. On mono the same fault is a kernel panic
(the lesson; no recovery is possible there). Run with make grade LAB=4."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import gradelib  # noqa: E402

LAB = gradelib.Lab(4, "Fault injection and recovery")
# Files on the disk that no earlier command read: their blocks are not in
# the cache, so reading them needs the restarted driver.
UNCACHED = ["/docs/README.md", "/docs/03-benchmarks.md", "/docs/01-boot-and-syscalls.md"]


def quiet(what):
    def check(out, kernel):
        bad = [l for l in out.split("\n") if re.search(r"error|sync:|cannot|fail", l, re.I)]
        return "%s said: %s" % (what, bad[0].strip()) if bad else None
    return check


for i, path in enumerate(UNCACHED, 1):
    LAB.guest("t%d_write" % i, 0, "write /lab4-%d.txt trial %d" % (i, i), r"^",
              "write /lab4-%d.txt succeeds" % i, kernels=("micro",))
    LAB.guest("t%d_crash" % i, 5, "crash ata null", r"(?m)^crash: the ata service answers again",
              "crash ata null: the ata server dies and the reincarnation server restarts it",
              kernels=("micro",))
    LAB.guest("t%d_sync" % i, 10, "sync", r"^",
              "sync writes the new file through the restarted driver, with no error",
              kernels=("micro",), check=quiet("sync"))
    LAB.guest("t%d_read" % i, 10, "cat %s" % path, r"(?m)^# ",
              "cat %s (not cached) reads it through the restarted driver" % path,
              kernels=("micro",))
for i in range(1, len(UNCACHED) + 1):
    LAB.guest("t%d_back" % i, 5, "cat /lab4-%d.txt" % i, r"(?m)^trial %d\s*$" % i,
              "cat /lab4-%d.txt prints what trial %d wrote" % (i, i), kernels=("micro",))
LAB.guest("mono_panics", 5, "crash ata null", r"component ata crashed",
          "on mono, crash ata null is a kernel panic (QEMU exits with status 3)",
          kernels=("mono",), exit=3)
