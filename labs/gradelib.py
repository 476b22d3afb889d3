"""The graders' library: tests with points, run against both kernels.

A lab's grader (labs/labN-NAME/grade.py) makes a Lab, adds its tests and
calls main(). A guest test is a command typed at the shell of a booted
kernel and a regular expression its output must match (the lines of
tests/guest/*.txt, run by tools/guest-test.py, which is imported here for
booting QEMU and typing). A host test is a Python function that looks at
the tree or at what a guest test printed; it returns None when it passes,
else a text saying what it saw.

    python3 labs/grade.py 1 [--tree DIR] [--kernels mono,micro] [--no-build]

prints every test with its points and, on a failure, what was expected and
what was seen, then "Score: X/Y" and "N passed, N failed". GRADE_TIMEOUT
(seconds, or --timeout) bounds each command; the boot gets twice that.
The exit status is 0 for full marks, 1 otherwise, 2 if the tree did not
build.

Standard library only.
"""
import argparse
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tools"))
_spec = importlib.util.spec_from_file_location("guest_test", os.path.join(TOP, "tools",
                                                                          "guest-test.py"))
guest_test = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(guest_test)
KERNELS = ("mono", "micro")
# What a grader may boot: the two kernels, and variants of them (the make
# variables that build one; its build folder is the Makefile's VARIANT).
VARIANTS = {"mono": ["KERNEL=mono"], "micro": ["KERNEL=micro"],
            "micro-nofastpath": ["KERNEL=micro", "FASTPATH=0"],
            "micro-noasm": ["KERNEL=micro", "FASTASM=0"]}


# The disk image each kernel's guest tests ran on (a copy), until the end
# of grade(): a host test may look at it afterwards (e2fsck, lab 6).
DISKS = {}


def base_kernel(variant):
    return variant.split("-")[0]


class GuestTest:
    def __init__(self, name, points, command, regex, expect, kernels, exit_status, after,
                 host=None, ready=None):
        self.name, self.points, self.command, self.regex = name, points, command, regex
        self.expect, self.kernels, self.exit_status, self.after = expect, kernels, exit_status, after
        self.host, self.ready = host, ready


class HostTest:
    def __init__(self, name, points, fn, expect, kernels):
        self.name, self.points, self.fn, self.expect, self.kernels = name, points, fn, expect, kernels


class Lab:
    """A lab's tests. kernels: where its guest tests run (both, unless the
    lab is about one kernel, which its handout then says). net="user":
    every boot gets an e1000 on QEMU's restricted user networking, with
    ports forwarded from 127.0.0.1 only (tools/hostpeer.py)."""

    def __init__(self, number, title, kernels=KERNELS, qemu_args="", setup=(), icount=False,
                 net=None):
        self.number, self.title, self.kernels = number, title, tuple(kernels)
        self.qemu_args = qemu_args
        if net not in (None, "user"):
            raise ValueError("Lab(net=%r): a grader's network is \"user\" (restricted, "
                             "127.0.0.1 forwards) or none" % (net,))
        self.net = net
        # icount: boot under -icount shift=0, so that rdtsc counts guest
        # instructions, the same figure on every run (design.md "Measuring").
        self.icount = icount
        self.tests = []
        # Commands typed before the graded ones, ungraded (they must not
        # matter for a score: a failure shows in the graded tests).
        self.setup = list(setup)

    def guest(self, name, points, command, regex, expect, kernels=None, exit=None, check=None,
              host=None, ready=None):
        """A command at the shell; passes when regex matches its output (and
        check(output, kernel), if given, returns None). exit=N: the command
        must instead end QEMU with status N (a kernel panic is 3). A test
        of 0 points is a step that later tests need, not graded. host=CMD
        (with net="user"): a host command run meanwhile, once the guest
        printed the regex ready=, that must exit 0 too (the host= and
        ready= options of tests/guest/*.txt)."""
        self.tests.append(GuestTest(name, points, command, regex, expect,
                                    tuple(kernels or self.kernels), exit, check, host, ready))

    def host(self, name, points, fn, expect, kernels=None):
        """fn(tree, outputs) with outputs[kernel][test name] = what that
        guest test printed; returns None for a pass, else what it saw."""
        self.tests.append(HostTest(name, points, fn, expect, tuple(kernels or ("host",))))


class Recorder(guest_test.Runner):
    """guest-test.py's runner, keeping each result instead of printing it."""

    def __init__(self, args, icount=False):
        super().__init__(args)
        self.results = {}
        self.icount = icount

    def boot(self, icount=False):
        return super().boot(icount or self.icount)

    def ok(self, name):
        self.passed += 1
        self.results.setdefault(name, (True, "", self.last_out))

    def fail(self, name, reason, output=None):
        self.failed += 1
        self.results.setdefault(name, (False, reason, output if output is not None else ""))

    def note(self, text):
        pass

    def poweroff(self, name="poweroff", counted=True):
        # Not graded: the disk is a copy, and a starter tree whose file
        # service cannot write back would only make poweroff wait.
        self.stop()

    def run_command(self, *a, **k):
        what, out = super().run_command(*a, **k)
        self.last_out = out
        return what, out

    last_out = ""


def build(tree, kernel, log):
    """make iso for the kernel, and the disk's programs; returns None or why not."""
    for goal in (VARIANTS[kernel] + ["iso"], ["disk-update"]):
        cmd = ["make", "-C", tree, "--no-print-directory", "-j2"] + goal
        with open(log, "ab") as f:
            r = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT)
        if r.returncode != 0:
            with open(log, encoding="utf-8", errors="replace") as f:
                return "%s failed:\n%s" % (" ".join(cmd), "".join(f.readlines()[-15:]))
    return None


def run_guest(lab, tree, kernel, timeout, tmp, extra_qemu):
    """Boots the kernel once (again after a test that ends QEMU) and types
    the lab's tests for it. Returns {name: (passed, reason, output)}."""
    tests = [t for t in lab.tests if isinstance(t, GuestTest) and kernel in t.kernels]
    if not tests:
        return {}
    lines = []
    for i, cmd in enumerate(lab.setup):
        lines.append("setup%d\t%s\t^" % (i, cmd))
    for t in tests:
        if any("\t" in x for x in (t.command, t.regex, t.host or "", t.ready or "")):
            raise ValueError("test %s: no tabs in a command, regex, host= or ready=" % t.name)
        opt = "\texit=%d" % t.exit_status if t.exit_status is not None else ""
        opt += "".join("\t%s=%s" % kv for kv in (("ready", t.ready), ("host", t.host)) if kv[1])
        lines.append("%s\t%s\t%s%s" % (t.name, t.command, t.regex, opt))
    listfile = os.path.join(tmp, "tests-%s.txt" % kernel)
    with open(listfile, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    disk = os.path.join(tmp, "disk-%s.img" % kernel)
    shutil.copyfile(os.path.join(tree, "build", "disk.img"), disk)
    DISKS[kernel] = disk
    qemu_args = ["-drive file=%s,format=raw,if=ide,index=0,media=disk" % disk]
    qemu_args += [q for q in (lab.qemu_args, extra_qemu) if q]
    args = argparse.Namespace(
        kernel=kernel, iso=os.path.join(tree, "build", kernel, "os.iso"), tests=listfile,
        timeout_boot=max(60.0, 2 * timeout), timeout_test=timeout,
        timeout_total=max(300.0, timeout * (len(lines) + 4)), measure=[],
        log=os.path.join(tmp, "serial-%s.log" % kernel), net=lab.net, pcap=None,
        placement=os.path.join(tree, "build", kernel, "placement.txt"),
        qemu=os.environ.get("QEMU", "qemu-system-i386"), qemu_args=qemu_args, memory="128")
    r = Recorder(args, lab.icount)
    try:
        r.main()
    except guest_test.TotalCapReached:
        pass
    finally:
        r.stop()
        r.log.close()
    res = r.results
    # A test the runner never reached (the guest did not boot) failed too.
    if "boot" in res and not res["boot"][0]:
        for t in tests:
            res.setdefault(t.name, (False, "the guest did not boot: " + res["boot"][1],
                                    res["boot"][2]))
    return res


def show(text, prefix="        seen:     "):
    lines = [l for l in guest_test.clean(text or "").split("\n") if l.strip()]
    if not lines:
        return prefix + "(no output)"
    lines = lines[-8:]
    pad = " " * len(prefix)
    return prefix + ("\n" + pad).join(l.rstrip()[:160] for l in lines)


def grade(lab, tree, kernels, timeout, build_first=True, extra_qemu="", out=sys.stdout):
    """Runs every test of the lab and prints the report. Returns
    (score, total, passed, failed); None if the tree did not build."""
    tree = os.path.abspath(tree)
    kernels = [k for k in lab.kernels if base_kernel(k) in kernels]
    print("== lab %d: %s (tree %s; kernels %s)" % (lab.number, lab.title, tree,
                                                  " ".join(kernels)), file=out, flush=True)
    tmp = tempfile.mkdtemp(prefix="grade-lab%d." % lab.number)
    t0 = time.monotonic()
    try:
        if build_first:
            for k in kernels:
                why = build(tree, k, os.path.join(tmp, "build.log"))
                if why:
                    print("the tree does not build: %s" % why, file=out)
                    print("Score: 0/%d" % sum(t.points for t in lab.tests for k in t.kernels
                                              if k in kernels + ["host"]), file=out)
                    print("0 passed, 1 failed", file=out, flush=True)
                    return None
        outputs = {k: run_guest(lab, tree, k, timeout, tmp, extra_qemu) for k in kernels}
        score = total = passed = failed = 0
        for t in lab.tests:
            for k in t.kernels:
                if k != "host" and k not in kernels:
                    continue
                total += t.points
                if isinstance(t, GuestTest):
                    ok, reason, seen = outputs[k].get(t.name, (False, "not run", ""))
                    if ok and t.after:
                        why = t.after(seen, k)
                        if why:
                            ok, reason = False, why
                else:
                    seen = ""
                    why = t.fn(tree, {kk: {n: v[2] for n, v in outputs[kk].items()}
                                      for kk in kernels})
                    ok, reason = why is None, why or ""
                label = "%-5s %s" % (k, t.name)
                if t.points == 0:
                    # A step other tests need, not graded itself: said
                    # only when it failed (the tests after it show why).
                    if not ok:
                        print("  %-40s  step failed: %s" % (label, reason.split("\n")[0][:120]),
                              file=out)
                    continue
                got = t.points if ok else 0
                score += got
                passed += ok
                failed += not ok
                print("  %-40s %3d/%-3d %s" % (label, got, t.points, "ok" if ok else "FAIL"),
                      file=out)
                if not ok:
                    print("        expected: %s" % t.expect, file=out)
                    print("        why:      %s" % reason.split("\n")[0][:200], file=out)
                    if seen:
                        print(show(seen), file=out)
        keep = os.environ.get("GRADE_KEEP") == "1"
        print("(%.0f s; %s)" % (time.monotonic() - t0, "the serial logs are in " + tmp if keep
                                else "GRADE_KEEP=1 keeps the serial logs"), file=out)
        print("Score: %d/%d" % (score, total), file=out)
        print("%d passed, %d failed" % (passed, failed), file=out, flush=True)
        return score, total, passed, failed
    finally:
        if os.environ.get("GRADE_KEEP") != "1":
            shutil.rmtree(tmp, ignore_errors=True)


def load(number):
    """The Lab of labs/lab<number>-*/grade.py."""
    here = os.path.dirname(os.path.abspath(__file__))
    dirs = [d for d in sorted(os.listdir(here)) if re.fullmatch(r"lab%d-[a-z0-9-]+" % number, d)]
    if not dirs or not os.path.isfile(os.path.join(here, dirs[0], "grade.py")):
        raise LookupError("no lab %d: labs/ has %s" % (number, " ".join(
            d for d in sorted(os.listdir(here)) if d.startswith("lab") and
            os.path.isdir(os.path.join(here, d)))))
    path = os.path.join(here, dirs[0], "grade.py")
    spec = importlib.util.spec_from_file_location("grade_lab%d" % number, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.LAB


def main(argv=None):
    p = argparse.ArgumentParser(description="Grade a lab against both kernels.")
    p.add_argument("lab", type=int, help="the lab's number")
    p.add_argument("--tree", default=TOP, help="the tree to grade (default: this one)")
    p.add_argument("--kernels", default=",".join(KERNELS), help="mono,micro (default: both)")
    p.add_argument("--no-build", action="store_true", help="use what is built")
    env = os.environ.get("GRADE_TIMEOUT") or "60"
    try:
        default_timeout = float(env)
    except ValueError:
        sys.exit("grade: GRADE_TIMEOUT=%s: give a number of seconds" % env)
    p.add_argument("--timeout", type=float, default=default_timeout,
                   help="seconds for each command (GRADE_TIMEOUT; default 60)")
    a = p.parse_args(argv)
    try:
        lab = load(a.lab)
    except LookupError as e:
        sys.exit("grade: %s" % e)
    ks = [k for k in a.kernels.split(",") if k]
    bad = [k for k in ks if k not in KERNELS]
    if bad:
        sys.exit("grade: --kernels: %s is not mono or micro" % ",".join(bad))
    if a.timeout <= 0:
        sys.exit("grade: GRADE_TIMEOUT must be a positive number of seconds")
    r = grade(lab, a.tree, ks, a.timeout, build_first=not a.no_build)
    if r is None:
        sys.exit(2)
    sys.exit(0 if r[0] == r[1] else 1)
