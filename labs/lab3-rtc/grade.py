"""Lab 3's grader: the CMOS real-time clock as one component, on both
kernels. QEMU's clock is set to a known time (-rtc base=...), chosen so
that a BCD byte read as binary, a forgotten leap day of this year or of
the years before, and a wrong weekday all show. Run with make grade LAB=3."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import gradelib  # noqa: E402

# A leap year, after its February; 21 h is 0x21 in BCD (33 read as binary).
BASE = "2028-11-28T21:47:36"
BASE_UNIX = 1859060856  # date -u -d 2028-11-28T21:47:36Z +%s
SLACK = 300             # seconds the grader may take from boot to the last test

LAB = gradelib.Lab(3, "A driver as a component: the real-time clock",
                   qemu_args="-rtc base=%s" % BASE)


def near_base(pattern, what):
    """A check that the number pattern finds is BASE_UNIX .. + SLACK."""
    def check(out, kernel):
        m = re.search(pattern, out, re.MULTILINE)
        if not m:
            return "no %s in the output" % what
        v = int(m.group(1))
        if not BASE_UNIX <= v <= BASE_UNIX + SLACK:
            return "%s is %d, %+d s from the clock's %d" % (what, v, v - BASE_UNIX, BASE_UNIX)
        return None
    return check


LAB.guest("date", 15, "date", r"(?m)^Tue 2028-11-28 2[12]:\d\d:\d\d UTC\s*$",
          "date prints Tue 2028-11-28 21:4x:xx UTC (QEMU's clock: %s)" % BASE)
LAB.guest("date_epoch", 15, "date +%s", r"(?m)^\d+\s*$",
          "date +%%s prints the Unix time %d (+ the seconds since boot)" % BASE_UNIX,
          check=near_base(r"^(\d+)\s*$", "date +%s"))
LAB.guest("date_ticks", 0, "sleep 2100ms", r"^",
          "(a pause, so that the clock must move)")
LAB.guest("date_epoch2", 5, "date +%s", r"(?m)^\d+\s*$",
          "date +%s again, 2 s later: 2 s or more past the first",
          check=near_base(r"^(\d+)\s*$", "date +%s"))
LAB.guest("fs_touch", 0, "touch /lab3-stamp", r"^", "touch /lab3-stamp succeeds")
LAB.guest("fs_mtime", 15, "stat /lab3-stamp", r"(?m)^ mtime: \d+",
          "the file's mtime is the clock's time, %d + the seconds since boot" % BASE_UNIX,
          check=near_base(r"^ mtime: (\d+)", "its mtime"))


def advances(tree, outputs):
    for k, out in outputs.items():
        a = re.search(r"(?m)^(\d+)\s*$", out.get("date_epoch", ""))
        b = re.search(r"(?m)^(\d+)\s*$", out.get("date_epoch2", ""))
        if not a or not b:
            return "%s: date +%%s did not print a number both times" % k
        if int(b.group(1)) - int(a.group(1)) < 2:
            return "%s: the clock went from %s to %s over a 2.1 s sleep" % (k, a.group(1),
                                                                             b.group(1))
    return None


def rule1(tree, outputs):
    """design.md Rule 1: the component is the same source in every kernel."""
    d = os.path.join(tree, "drivers", "rtc")
    r = subprocess.run(["grep", "-rEn", r"KERNEL_(MONO|MICRO)|CONFIG_MICRO|CONFIG_MONO|"
                        r"#\s*include\s*\"(proc|kernel|service|micro|mono)\.h\"", d],
                       capture_output=True, text=True)
    if r.returncode == 0:
        return "drivers/rtc names a kernel: " + r.stdout.strip().split("\n")[0]
    conf = open(os.path.join(tree, "common", "system.conf"), encoding="utf-8").read()
    if not re.search(r"(?m)^component\s+rtc\s.*\bports=0x70:2\b", conf):
        return "common/system.conf has no row 'component rtc ... ports=0x70:2'"
    return None


LAB.host("clock_advances", 10, advances, "date +%s grows by 2 or more over a 2.1 s sleep")
LAB.host("one_component", 5, rule1, "drivers/rtc includes only the component API and klib, "
         "has no #if on the kernel, and has its row in common/system.conf")
