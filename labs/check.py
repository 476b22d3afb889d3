#!/usr/bin/env python3
"""make labs-check (and make test): every grader can fail.

For each lab: its grader on this tree (the reference solution) must give
full marks, and on the starter tree `make lab-start` writes for that lab
alone it must give less. Each starter is written with --with-build to a folder in
$TMPDIR, so its build compiles only the files its markers changed; it is
removed once it passed (kept, and named, when it did not).
Ends with "N passed, N failed" (one test per lab and tree).

    python3 labs/check.py [--labs 1,2,3] [--timeout S]

Standard library only.
"""
import argparse
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import gradelib  # noqa: E402


def labs_present():
    return sorted(int(m.group(1)) for m in (re.fullmatch(r"lab(\d+)-.*", d)
                                            for d in os.listdir(HERE)) if m and
                  os.path.isfile(os.path.join(HERE, m.group(0), "grade.py")))


def graded(lab, tree, timeout):
    buf = io.StringIO()
    t0 = time.monotonic()
    r = gradelib.grade(lab, tree, gradelib.KERNELS, timeout, out=buf)
    return r, buf.getvalue(), time.monotonic() - t0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--labs", help="which labs (default: every labs/labN-*/grade.py)")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds a command may take")
    a = p.parse_args()
    labs = [int(x) for x in a.labs.split(",")] if a.labs else labs_present()
    passed = failed = 0
    t_all = time.monotonic()
    for n in labs:
        lab = gradelib.load(n)
        # The reference: full marks.
        r, text, secs = graded(lab, TOP, a.timeout)
        if r and r[0] == r[1]:
            print("PASS lab %d reference: %d/%d (%.0f s)" % (n, r[0], r[1], secs), flush=True)
            passed += 1
        else:
            print("FAIL lab %d reference: not full marks (%.0f s)\n%s" % (n, secs, text),
                  flush=True)
            failed += 1
        # The starter of this lab alone: it builds and boots, and scores less.
        dst = os.path.join(tempfile.mkdtemp(prefix="labs-check."), "starter%d" % n)
        s = subprocess.run([sys.executable, os.path.join(HERE, "lab-start.py"), "--lab", str(n),
                            "--dir", dst, "--with-build"], capture_output=True, text=True)
        if s.returncode != 0:
            print("FAIL lab %d starter: lab-start failed: %s" % (n, s.stderr.strip()), flush=True)
            failed += 1
            continue
        r, text, secs = graded(lab, dst, a.timeout)
        booted = "did not boot" not in text
        if r is None:
            print("FAIL lab %d starter: it does not build\n%s" % (n, text), flush=True)
            failed += 1
        elif not booted:
            print("FAIL lab %d starter: it does not boot\n%s" % (n, text), flush=True)
            failed += 1
        elif r[0] < r[1]:
            print("PASS lab %d starter: %d/%d, less than full marks (%.0f s)"
                  % (n, r[0], r[1], secs), flush=True)
            passed += 1
            shutil.rmtree(os.path.dirname(dst), ignore_errors=True)
        else:
            print("FAIL lab %d starter: full marks %d/%d: the grader cannot fail\n%s"
                  % (n, r[0], r[1], text), flush=True)
            failed += 1
    print("labs-check: %.0f s in all" % (time.monotonic() - t_all))
    print("%d passed, %d failed" % (passed, failed), flush=True)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
