#!/usr/bin/env python3
"""Fault-injection campaigns: one fault a trial, on both kernels, counted by outcome.

    python3 tools/faultlab.py run [--kernel mono --kernel micro] \
        [--component ata ...] [--fault crash ...] [--trials 10] [--seed 1] \
        [--out build/faultlab] [--jobs 2] [--quick]
    python3 tools/faultlab.py lesson [--trials 10] ...   the stateful-server lesson
    python3 tools/faultlab.py report|check [--out build/faultlab]

A trial: QEMU starts from a snapshot taken at the shell prompt (savevm on a
qcow2 copy of the disk, -loadvm at every start), the host types
`fiwork MODE SEED CMD...` (user/tests/fiwork.c): a workload on the
component that runs the injection command CMD (INJECTOR below) after its
second round and goes on; then `fiwork alive` (does the shell answer, how
many restarts); then QEMU quits and `e2fsck -fn` reads the disk. The
outcome, worst first:

  panic      QEMU exited (status 3: the kernel panicked; any other: it reset)
  hang       no verdict, or no answer to `fiwork alive`, within the limit
  corrupt    the workload finished but a byte it read back, a console line
             the host received, or e2fsck -fn disagreed (silent corruption)
  error      the workload saw an error (a call failed) and the system went on
  recovered  a server was restarted and the workload was right
  no-effect  nothing to see
  not-injected  the injector refused (no such site): not a trial of the fault

Trials run two at a time (--jobs), each QEMU on its own copy of the
snapshot. Every trial appends a row to OUT/results.csv at once; a trial
whose (kernel, component, fault, seed) is there is skipped, so a campaign
stopped with Ctrl-C goes on where it stopped. `report` writes OUT/summary.md,
the plots (faultlab_report.py) and OUT/index.html; `check` is make test's
check of them. Python 3's standard library, QEMU (qemu-img), e2fsprogs and
gnuplot; the QEMU driver and the disk helpers come from guest-test.py and
powerloss.py; the QEMU side is faultlab_qemu.py.
"""

import argparse
import csv
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import powerloss  # noqa: E402  (its guest_test_module(), fnv1a(), fs_state())
import faultlab_report  # noqa: E402  (summary, plots, HTML, check)
from faultlab_qemu import (ALIVE_LIMIT, GT, LIVE, LIVE_LOCK, Machine, fsck,  # noqa: E402
                           make_snapshot)

COMPONENTS = ["console", "null", "ata", "fs", "e1000", "net"]
FAULTS = ["text", "nop", "src", "dst", "ptr", "branch", "loop", "interface", "crash",
          "hang", "wild"]
WORKLOAD = {"ata": "disk", "fs": "disk", "console": "console", "null": "null"}
OUTCOMES = faultlab_report.OUTCOMES
FIELDS = faultlab_report.FIELDS
# The workload takes about a second. A hang is "no prompt within the
# limit": WORK_QUIET s with no line from the guest (the heartbeat catches a
# hung server in 2 s, a restart with back-off takes well under that), or
# WORK_LIMIT s in all however much it prints (a driver whose every request
# times out after 5 s, retried by the fs, still prints its complaints).
WORK_QUIET = 12.0
WORK_LIMIT = 30.0
VERDICT_RE = re.compile(r"^FIWORK verdict (\w+) errors=(\d+) bad=(\d+) restarts=(\d+) "
                        r"extra_ms=(\d+)")
ALIVE_RE = re.compile(r"^FIWORK alive restarts=(\d+)")
INJECT_RE = re.compile(r"^(?:inject|plan): \S+ \S+ seed \d+ at (\S+)")
PATCHED_RE = re.compile(r"^inject: \S+ text\+0x[0-9a-f]+: \d+ byte")
INJECT_RC_RE = re.compile(r"^FIWORK inject rc=(-?\d+) ms=\d+(?: at record (\d+))?")
FIOUT_RE = re.compile(r"^FIOUT (\d+) (\d+) ([a-z]{32}) ([0-9a-f]{8})$")
INPUT_RE = re.compile(r"^FIWORK input\? (\d+)$")
LOG_RE = re.compile(r"^FIWORK log acked=(\d+) synced=(\d+) survived=(\d+) acked_all=(\d+) "
                    r"present=(\d+)")
LOG_RECS, SYNC_EVERY = 64, 16  # as in fiwork.c
ROUNDS, INJECT_AFTER, OUT_LINES = 6, 2, 12  # as in fiwork.c
PREFERRED_CRASH = {"crash": "null", "hang": "loop"}


def have_inject():
    return os.path.isfile(os.path.join("build", "user", "bin", "inject"))


def injector(comp, fault, seed, func=None):
    """The one place that says how a fault is injected: the words typed
    after `fiwork MODE SEED`. user/bin/inject when it is built (func: only
    sites in that function); else crash(1), which knows only a crash and a
    hang, delivered between two requests."""
    if have_inject():
        return ["inject"] + (["-f", func] if func else []) + [comp, fault, str(seed)]
    if fault in PREFERRED_CRASH:
        return ["crash", comp, PREFERRED_CRASH[fault]]
    return None


class Trial:
    def __init__(self, kernel, comp, fault, seed, mode=None, func=None):
        self.kernel, self.comp, self.fault, self.seed = kernel, comp, fault, seed
        self.func = func
        self.mode = mode or WORKLOAD[comp]

    def key(self):
        return (self.kernel, self.comp, self.fault, str(self.seed))

    def name(self):
        return "%s %s %s seed %d" % (self.kernel, self.comp, self.fault, self.seed)


def run_trial(m, trial, base_restarts, tmp):
    """One trial on machine m (stopped). Returns the CSV row as a dict."""
    row = {"kernel": trial.kernel, "component": trial.comp, "fault": trial.fault,
           "seed": trial.seed, "site": "-", "outcome": "", "restarts": 0, "recovery_ms": 0,
           "fsck": "-", "detail": ""}
    cmd = injector(trial.comp, trial.fault, trial.seed, trial.func)
    t0 = time.monotonic()
    m.log.mark("trial: " + trial.name())
    m.start(loadvm=True)
    q = m.q
    q.send("fiwork %s %d %s\n" % (trial.mode, trial.seed, " ".join(cmd)))
    t_start = time.monotonic()
    end = t_start + WORK_LIMIT
    lines, partial, verdict, rc, injected = [], "", None, None, False
    while verdict is None and time.monotonic() < min(end, q.last_data + WORK_QUIET) \
            and not q.exited() and not q.eof:
        q.pump(min(end, time.monotonic() + 0.1))
        text = partial + GT.clean(q.take())
        got = text.split("\n")
        partial = got.pop()
        for line in got:
            line = line.strip()
            lines.append(line)
            i = INPUT_RE.match(line)
            if i:
                q.send("fiin-%s-%d\n" % (i.group(1), trial.seed))
            if INJECT_RE.match(line):
                row["site"] = INJECT_RE.match(line).group(1)
                injected = True
            if PATCHED_RE.match(line):  # printed before the site: enough
                injected = True
            if INJECT_RC_RE.match(line):
                rc = int(INJECT_RC_RE.match(line).group(1))
                if INJECT_RC_RE.match(line).group(2):
                    row["at_record"] = int(INJECT_RC_RE.match(line).group(2))
            if VERDICT_RE.match(line):
                verdict = VERDICT_RE.match(line)
    if row["site"] == "-" and cmd[0] == "inject":
        row["site"] = planned_site(trial)
    if row["site"] == "-" and cmd[0] == "crash":
        row["site"] = "request:MSG_CRASH_" + cmd[2]
    alive = None
    if verdict is not None:
        q.buf = partial + q.buf
        what, _ = q.wait_prompt(min(end, time.monotonic() + 5) + 1)
        if what == "prompt":
            what, out = m.type_and_wait("fiwork alive", ALIVE_LIMIT)
            alive = re.search(r"(?m)^FIWORK alive restarts=(\d+)", out) if what == "prompt" \
                else None
    exited = q.exited() or q.eof
    if exited:
        q.wait_exit(time.monotonic() + 2)
    status = q.status
    panic_text = any("kernel panic" in l or " panic" in l for l in lines) or \
        "kernel panic" in GT.clean(q.buf)
    if not exited and verdict is not None and alive:
        row["restarts"] = int(alive.group(1)) - base_restarts
    # QEMU quits (or has exited) before the disk is read: it has then
    # written out all it held. After a panic or a hang e2fsck may find what
    # a power cut leaves (unsynced metadata); the outcome is the panic.
    m.quit()
    code, raw = fsck(m.image, tmp)
    row["fsck"] = code
    if trial.mode == "log":
        row["log_guest"] = None
        for l in lines:
            if LOG_RE.match(l):
                row["log_guest"] = [int(x) for x in LOG_RE.match(l).groups()]
        # Acknowledged before the fault: what the guest says, else (the
        # kernel died with it) every record before the injection.
        at = row["log_guest"][0] if row["log_guest"] else row.get(
            "at_record", INJECT_AFTER * LOG_RECS + trial.seed * 37 % LOG_RECS)
        row["log_acked"] = at
        row["log_synced"] = row["log_guest"][1] if row["log_guest"] else at - at % SYNC_EVERY
        row["log_disk"] = records_on_disk(raw, trial.seed, at)
    os.unlink(raw)
    errors = bad = 0
    if verdict:
        errors, bad = int(verdict.group(2)), int(verdict.group(3))
        if row["restarts"]:
            row["recovery_ms"] = int(verdict.group(5))
    if trial.mode == "console" and verdict:
        bad += console_damage(lines)
    if exited:
        row["outcome"] = "panic"
        row["detail"] = "QEMU exit status %s%s" % (status, ", kernel panic" if panic_text else "")
    elif rc is not None and rc < 0:
        row["outcome"] = "not-injected"
        row["detail"] = "fiwork could not start %s (%d)" % (cmd[0], rc)
    elif rc is not None and rc != 0 and cmd[0] == "inject" and not injected:
        # Refused (the inject: reason line, no site). An inject that
        # printed its site and then failed was hit by its own fault (an
        # interface fault in the console's reply to its printf, say).
        row["outcome"] = "not-injected"
        row["detail"] = next((l for l in lines if l.startswith("inject:")), "rc %d" % rc)
    elif verdict is None:
        row["outcome"] = "hang"
        row["detail"] = "no verdict: %s" % (
            "%g s of silence" % WORK_QUIET if time.monotonic() < end else
            "still running after %g s" % WORK_LIMIT)
    elif alive is None:
        row["outcome"] = "hang"
        row["detail"] = "the shell did not answer within %g s" % ALIVE_LIMIT
    elif bad or row["fsck"] != 0:
        row["outcome"] = "corrupt"
        row["detail"] = "%d wrong results; e2fsck -fn exit %s" % (bad, row["fsck"])
    elif errors:
        row["outcome"] = "error"
        row["detail"] = "%d failed calls" % errors
    elif row["restarts"]:
        row["outcome"] = "recovered"
    else:
        row["outcome"] = "no-effect"
    row["trial_ms"] = int((time.monotonic() - t0) * 1000)
    return row


def planned_site(trial):
    """The site from the host's build of the planner (build/host/inject_plan),
    for a trial whose guest died before its inject line reached us (a
    fault in the console, say): the plan is the same by construction."""
    tool = os.path.join("build", "host", "inject_plan")
    if not os.access(tool, os.X_OK):
        return "-"
    p = subprocess.run([tool, trial.comp, trial.fault, str(trial.seed)] +
                       ([trial.func] if trial.func else []), stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL)
    m = INJECT_RE.match(p.stdout.decode("utf-8", "replace"))
    return m.group(1) if m else "-"


def console_damage(lines):
    """Console lines the host should have received, missing or garbled."""
    seen = set()
    wrong = 0
    for l in lines:
        f = FIOUT_RE.match(l)
        if f and powerloss.fnv1a32(f.group(3).encode()) == int(f.group(4), 16):
            seen.add((int(f.group(1)), int(f.group(2))))
        elif l.startswith("FIOUT"):
            wrong += 1
    return wrong + sum(1 for r in range(ROUNDS) for i in range(OUT_LINES)
                       if (r, i) not in seen)


def records_on_disk(raw, seed, before):
    """The log mode's records on the disk as the host reads them (debugfs
    cat): how many of those numbered below `before` are whole and right."""
    p = subprocess.run(["debugfs", "-R", "cat /fiw/log", raw], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL)
    data, seen = p.stdout, set()
    for off in range(0, len(data) - 31, 32):
        m = re.match(rb"rec (\d{7}) ", data[off:off + 32])
        if not m:
            continue
        n = int(m.group(1))
        h = powerloss.fnv1a32(n.to_bytes(4, "little")) ^ seed
        if n < before and data[off:off + 32] == ("rec %07d %08x ..........\n" % (n, h)).encode():
            seen.add(n)
    return len(seen)


# --- the campaign -----------------------------------------------------------
def read_done(path):
    if not os.path.isfile(path):
        return set()
    with open(path, newline="") as f:
        return {(r["kernel"], r["component"], r["fault"], r["seed"]) for r in csv.DictReader(f)}


def plan(args):
    trials = []
    for i in range(args.trials):
        for k in args.kernel:
            for c in args.component:
                for f in args.fault:
                    trials.append(Trial(k, c, f, args.seed + i))
    return trials


class Campaign:
    def __init__(self, args, csv_path, fields, trials, tmp):
        self.args, self.csv_path, self.fields, self.tmp = args, csv_path, fields, tmp
        self.todo = queue.Queue()
        for t in trials:
            self.todo.put(t)
        self.total = len(trials)
        self.done = 0
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.snapshots = {}
        self.failed = False
        self.counts = {}
        self.rows = []

    def write(self, row):
        with self.lock:
            new = not os.path.isfile(self.csv_path) or os.path.getsize(self.csv_path) == 0
            with open(self.csv_path, "a", newline="") as f:
                w = csv.DictWriter(f, fieldnames=self.fields, extrasaction="ignore")
                if new:
                    w.writeheader()
                w.writerow(row)
            self.done += 1
            self.rows.append(row)
            key = (row["kernel"], row["outcome"])
            self.counts[key] = self.counts.get(key, 0) + 1
            extra = ""
            if row["restarts"]:
                extra = " (%d restart%s, %d ms)" % (row["restarts"],
                                                     "s" if row["restarts"] != 1 else "",
                                                     row["recovery_ms"])
            print("[%d/%d] %s %s %s seed %s: %s%s at %s%s" % (
                self.done, self.total, row["kernel"], row["component"], row["fault"],
                row["seed"], row["outcome"], extra, row["site"],
                ("; " + row["detail"]) if row["detail"] and row["outcome"] != "recovered"
                else ""), flush=True)

    def worker(self, n):
        machines = {}
        log = GT.Log(os.path.join(self.args.out, "worker%d.log" % n))
        try:
            while not self.stop.is_set():
                try:
                    t = self.todo.get_nowait()
                except queue.Empty:
                    return
                if t.kernel not in machines:
                    base, _, _ = self.snapshots[t.kernel]
                    image = os.path.join(self.tmp, "%s-w%d.qcow2" % (t.kernel, n))
                    shutil.copyfile(base, image)
                    machines[t.kernel] = Machine(self.args, t.kernel, image, log)
                try:
                    row = run_trial(machines[t.kernel], t, self.snapshots[t.kernel][2],
                                    self.tmp)
                except Exception:
                    if self.stop.is_set():
                        return  # Ctrl-C reached a tool the trial ran: no row
                    # A bug of the runner, not an outcome: stop the campaign.
                    self.stop.set()
                    self.failed = True
                    raise
                if self.stop.is_set():
                    return  # interrupted: its row would be wrong
                self.write(row)
        finally:
            for mm in machines.values():
                mm.quit()
            log.close()

    def run(self):
        threads = [threading.Thread(target=self.worker, args=(n,), daemon=True)
                   for n in range(self.args.jobs)]
        for th in threads:
            th.start()
        try:
            while any(th.is_alive() for th in threads):
                for th in threads:
                    th.join(0.2)
        except KeyboardInterrupt:
            self.stop.set()
            print("faultlab: stopping; the trials done are in %s (run again to go on)" %
                  self.csv_path, flush=True)
            # Each trial is bounded (WORK_LIMIT + ALIVE_LIMIT): wait for
            # the workers to stop their QEMUs.
            for th in threads:
                th.join()
            raise


def prepare(args, tmp):
    """A clean base image and a snapshot per kernel."""
    if not os.path.isfile(args.disk):
        raise SystemExit("faultlab: no disk image %s (make disk)" % args.disk)
    base = os.path.join(tmp, "base.img")
    shutil.copyfile(args.disk, base)
    if subprocess.run(["e2fsck", "-fn", base], stdout=subprocess.DEVNULL,
                      stderr=subprocess.DEVNULL).returncode != 0:
        subprocess.run(["e2fsck", "-fy", base], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        print("faultlab: %s needed repair (e2fsck -fy on a copy): trials start from that" %
              args.disk, flush=True)
    args.disk = base
    snaps = {}
    log = GT.Log(os.path.join(args.out, "snapshot.log"))
    try:
        for k in args.kernel:
            iso = os.path.join("build", k, "os.iso")
            if not os.path.isfile(iso):
                raise SystemExit("faultlab: no %s (make KERNEL=%s iso)" % (iso, k))
            image, boot_s, restarts = make_snapshot(args, k, tmp, log)
            snaps[k] = (image, boot_s, restarts)
            print("faultlab: %s: booted in %.2f s, snapshot taken at the prompt" % (k, boot_s),
                  flush=True)
    finally:
        log.close()
    return snaps


def measure_start(args, snaps, tmp):
    """How long a start from the snapshot takes, against the boot: the
    figure docs/05-fault-injection.md gives."""
    k = args.kernel[0]
    image = os.path.join(tmp, "measure.qcow2")
    shutil.copyfile(snaps[k][0], image)
    log = GT.Log(os.path.join(args.out, "measure.log"))
    m = Machine(args, k, image, log)
    times = []
    for _ in range(3):
        t0 = time.monotonic()
        m.start(loadvm=True)
        what, _ = m.type_and_wait("fiwork alive", ALIVE_LIMIT)
        times.append(time.monotonic() - t0)
        m.quit()
    log.close()
    os.unlink(image)
    return sorted(times)[1]


def check_args(p, args):
    for c in args.component:
        if c not in COMPONENTS:
            p.error("unknown component %r (components: %s)" % (c, " ".join(COMPONENTS)))
        if c not in WORKLOAD:
            p.error("no workload for %r yet (faultlab has: %s)" % (c, " ".join(WORKLOAD)))
    for f in args.fault:
        if f not in FAULTS:
            p.error("unknown fault type %r (types: %s)" % (f, " ".join(FAULTS)))
        if injector("ata", f, 1) is None:
            p.error("fault type %r needs user/bin/inject, which is not built; without it "
                    "faultlab injects with crash(1): crash and hang only" % f)
    for k in args.kernel:
        if k not in ("mono", "micro", "hybrid"):
            p.error("unknown kernel %r" % k)
    if not 0 <= args.seed < 2 ** 31 or args.trials < 1:
        p.error("--seed must be in 0..2^31-1 and --trials at least 1")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("action", choices=["run", "lesson", "report", "check"])
    p.add_argument("--kernel", action="append", help="mono, micro (default both; repeat)")
    p.add_argument("--component", action="append", help="default: ata console fs null")
    p.add_argument("--fault", action="append", help="default: every type the injector has")
    p.add_argument("--trials", type=int, default=10, help="seeds per kernel, component, fault")
    p.add_argument("--seed", type=int, default=1, help="first seed; trial n has seed+n")
    p.add_argument("--jobs", type=int, default=2, help="QEMUs at once (default 2)")
    p.add_argument("--quick", action="store_true", help="the small campaign of make test")
    p.add_argument("--out", default="build/faultlab")
    p.add_argument("--disk", default="build/disk.img")
    p.add_argument("--timeout-boot", type=float, default=60.0)
    p.add_argument("--qemu", default=os.environ.get("QEMU", "qemu-system-i386"))
    args = p.parse_args()
    os.chdir(os.path.dirname(HERE))
    os.makedirs(args.out, exist_ok=True)
    if args.action == "report":
        faultlab_report.report(args.out)
        return
    if args.action == "check":
        sys.exit(faultlab_report.check(args.out))
    args.kernel = args.kernel or ["mono", "micro"]
    if args.action == "lesson":
        args.component = ["fs"]
        args.fault = args.fault or ["crash"]
    else:
        all_faults = FAULTS if have_inject() else list(PREFERRED_CRASH)
        quick_faults = [f for f in ("crash", "hang", "text", "wild") if f in all_faults]
        args.component = args.component or ["ata", "console", "fs", "null"]
        args.fault = args.fault or (quick_faults if args.quick else all_faults)
    check_args(p, args)

    def on_signal(signum, frame):
        raise KeyboardInterrupt("signal %d" % signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    tmp = tempfile.mkdtemp(prefix="faultlab.")
    start = time.monotonic()
    try:
        snaps = prepare(args, tmp)
        if args.action == "lesson":
            lesson(args, snaps, tmp)
            return
        csv_path = os.path.join(args.out, "results.csv")
        done = read_done(csv_path)
        trials = [t for t in plan(args) if t.key() not in done]
        skipped = len(plan(args)) - len(trials)
        print("faultlab: %d trials to run%s, %d at a time; injecting with %s" % (
            len(trials), " (%d done before, skipped)" % skipped if skipped else "", args.jobs,
            "inject" if have_inject() else "crash (user/bin/inject is not built)"), flush=True)
        c = Campaign(args, csv_path, FIELDS, trials, tmp)
        c.snapshots = snaps
        try:
            c.run()
        except KeyboardInterrupt:
            # What was done is counted and shown; a rerun does the rest.
            with open(os.path.join(args.out, "timing.txt"), "a") as f:
                f.write("campaign stopped after %d of %d trials, %.1f s, jobs %d\n" % (
                    c.done, len(trials), time.monotonic() - start, args.jobs))
            faultlab_report.report(args.out)
            raise
        if c.failed:
            raise SystemExit("faultlab: the runner failed (see above); results so far are in "
                             + csv_path)
        secs = time.monotonic() - start
        loadvm_s = measure_start(args, snaps, tmp)
        with open(os.path.join(args.out, "timing.txt"), "a") as f:
            f.write("campaign of %d trials, %.1f s, jobs %d; boot %s s; loadvm+command %.2f s\n" % (
                len(trials), secs, args.jobs,
                ",".join("%s=%.2f" % (k, v[1]) for k, v in snaps.items()), loadvm_s))
        print("faultlab: %d trials in %.0f s; a boot took %s s, a start from the snapshot "
              "and one command %.2f s" % (len(trials), secs, "/".join(
                  "%.2f" % v[1] for v in snaps.values()), loadvm_s), flush=True)
        faultlab_report.report(args.out)
    except KeyboardInterrupt:
        sys.exit(130)
    finally:
        # However the run ends, no QEMU outlives it.
        with LIVE_LOCK:
            left = list(LIVE)
        for q in left:
            q.kill()
        shutil.rmtree(tmp, ignore_errors=True)


def lesson(args, snaps, tmp):
    """The stateful-server lesson: the fs server crashed (inject -f
    file_write: in the middle of a write request) while a program appends
    records, at a record the seed picks."""
    path = os.path.join(args.out, "lesson.csv")
    fields = ["kernel", "seed", "site", "outcome", "acked", "synced", "survived_guest",
              "survived_disk", "fsck", "restarts", "detail"]
    rows = []
    for i in range(args.trials):
        for k in args.kernel:
            t = Trial(k, "fs", "crash", args.seed + i, mode="log",
                      func="file_write" if have_inject() else None)
            image = os.path.join(tmp, "%s-lesson.qcow2" % k)
            if not os.path.exists(image):
                shutil.copyfile(snaps[k][0], image)
            log = GT.Log(os.path.join(args.out, "lesson-%s.log" % k))
            r = run_trial(Machine(args, k, image, log), t, snaps[k][2], tmp)
            log.close()
            g = r["log_guest"]
            row = {"kernel": k, "seed": t.seed, "site": r["site"], "outcome": r["outcome"],
                   "acked": r["log_acked"], "synced": r["log_synced"],
                   "survived_guest": g[2] if g else "-", "survived_disk": r["log_disk"],
                   "fsck": r["fsck"], "restarts": r["restarts"], "detail": r["detail"]}
            rows.append(row)
            print("lesson %s seed %d: %s at %s; %d records acknowledged, %d synced; %s "
                  "survived (guest's read), %d on the disk; e2fsck -fn %s" % (
                      k, t.seed, r["outcome"], r["site"], row["acked"], row["synced"],
                      row["survived_guest"], row["survived_disk"], r["fsck"]), flush=True)
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)
    faultlab_report.lesson_report(args.out)


if __name__ == "__main__":
    main()
