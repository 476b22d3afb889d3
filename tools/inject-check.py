#!/usr/bin/env python3
"""Checks that the injector plans the same fault on every kernel.

    inject-check.py --planner build/host/inject_plan LOG [LOG...]

Each LOG is a guest-test.py log of tests/guest/inject.txt on one kernel.
For every test whose command is `inject -n ...`, the "plan:" line the
guest printed must be exactly the line of the planner built on the host
with the same table (tests/host/inject_plan.c), in every log. So the same
(component, type, seed) names the same function, offset and bytes in mono
and in micro. A command missing from a log, or a plan line missing from
its output, fails too, and so does a log with no plan at all; a command
the injector refused in every log that ran it (a component not running) is
left to its own test's regex. The last line is "N passed, N failed". Only the
standard library.
"""
import argparse
import re
import shlex
import subprocess
import sys

TEST = re.compile(r"^#### test (\S+): (.*)$")
REFUSED = "refused"  # the injector said why it made no plan (not running, say)


def plans(path):
    """{command: plan line or None} of the inject -n tests of one log."""
    out, cmd = {}, None
    with open(path, "rb") as f:
        for raw in f:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            m = TEST.match(line)
            if m:
                cmd = m.group(2) if m.group(2).startswith("inject -n ") else None
                if cmd:
                    out.setdefault(cmd, None)
                continue
            if line.startswith("#### "):
                cmd = None
            elif cmd and line.startswith("plan: ") and out[cmd] is None:
                out[cmd] = line
            elif cmd and line.startswith("inject: ") and out[cmd] is None:
                out[cmd] = REFUSED  # its own test checks the error
    return out


def expected(planner, cmd):
    """The host planner's line for an `inject -n [-f FUNC] COMP TYPE SEED`."""
    words = shlex.split(cmd)[2:]
    func = None
    if words[:1] == ["-f"]:
        func, words = words[1], words[2:]
    if len(words) != 3:
        return None
    r = subprocess.run([planner] + words + ([func] if func else []), capture_output=True,
                       text=True)
    return r.stdout.strip() if r.returncode == 0 else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--planner", required=True)
    ap.add_argument("logs", nargs="+")
    a = ap.parse_args()
    per_log = {path: plans(path) for path in a.logs}
    cmds = sorted(set().union(*per_log.values()))
    passed = failed = 0
    if not cmds:
        print("FAIL no inject -n test in %s" % ", ".join(a.logs))
        failed += 1
    for cmd in cmds:
        ran = [got[cmd] for got in per_log.values() if cmd in got]
        if all(r == REFUSED for r in ran):
            continue
        want = expected(a.planner, cmd)
        bad = []
        if want is None:
            bad.append("the host planner has no plan")
        for path, got in per_log.items():
            if cmd not in got:
                bad.append("%s did not run it" % path)
            elif got[cmd] != want:
                bad.append("%s printed %r" % (path, got[cmd]))
        if bad:
            print("FAIL %s: want %r; %s" % (cmd, want, "; ".join(bad)))
            failed += 1
        else:
            print("PASS %s: %s" % (cmd, want))
            passed += 1
    if passed + failed == 0:
        print("FAIL no plan line to compare in %s" % ", ".join(a.logs))
        failed = 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
