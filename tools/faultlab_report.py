"""The outputs of a fault-injection campaign (tools/faultlab.py): the
summary table per kernel x component x fault type (as Herder et al., DSN
2009, give theirs), gnuplot stacked bars (tools/faultlab-bars.gp, PNG and
SVG), the HTML page, and make test's check of all of it. Python 3's
standard library and gnuplot."""

import csv
import html
import os
import re
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
# Worst last, so that the stacked bars grow from good to bad.
OUTCOMES = ["no-effect", "recovered", "error", "corrupt", "hang", "panic"]
EXTRA_OUTCOMES = ["not-injected"]
FIELDS = ["kernel", "component", "fault", "seed", "site", "outcome", "restarts", "recovery_ms",
          "fsck", "trial_ms", "detail"]
COLOURS = {"no-effect": "#9bbb59", "recovered": "#3b6fb6", "error": "#f2c14e",
           "corrupt": "#8064a2", "hang": "#d9822b", "panic": "#c0392b"}
LABELS = {"no-effect": "no effect", "recovered": "recovered", "error": "workload error",
          "corrupt": "silent corruption", "hang": "system hang", "panic": "kernel panic"}


def read_rows(out):
    path = os.path.join(out, "results.csv")
    if not os.path.isfile(path):
        return []
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    # A plan is the same on every kernel (inject picks the site from the
    # component's object, the type and the seed): a trial whose inject line
    # was lost (the kernel died printing it) gets its twin's site.
    sites = {(r["component"], r["fault"], r["seed"]): r["site"] for r in rows
             if r["site"] != "-"}
    tool = os.path.join("build", "host", "inject_plan")
    for r in rows:
        key = (r["component"], r["fault"], r["seed"])
        if r["site"] == "-" and key not in sites and os.access(tool, os.X_OK):
            # Neither kernel printed it: the host's build of the planner.
            p = subprocess.run([tool] + list(key), stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
            m = re.match(r"plan: \S+ \S+ seed \d+ at (\S+)", p.stdout.decode(errors="replace"))
            sites[key] = m.group(1) if m else "-"
        if r["site"] == "-":
            r["site"] = sites.get(key, "-")
    return rows


def order(values, preferred):
    return sorted(set(values), key=lambda v: (preferred.index(v) if v in preferred else 99, v))


def groups(rows):
    """{(kernel, component, fault): {outcome: count}} plus the axes."""
    kernels = order([r["kernel"] for r in rows], ["mono", "micro", "hybrid"])
    comps = order([r["component"] for r in rows], ["ata", "console", "fs", "null"])
    faults = order([r["fault"] for r in rows],
                   ["text", "nop", "src", "dst", "ptr", "branch", "loop", "interface", "crash",
                    "hang", "wild"])
    g = {}
    for r in rows:
        c = g.setdefault((r["kernel"], r["component"], r["fault"]), {})
        c[r["outcome"]] = c.get(r["outcome"], 0) + 1
    return kernels, comps, faults, g


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2] if xs else None


def summary_tables(rows):
    """Markdown: one table per kernel and component, a row per fault type,
    the counts of each outcome, then the totals per kernel."""
    kernels, comps, faults, g = groups(rows)
    cols = OUTCOMES + EXTRA_OUTCOMES
    head = "| fault | trials | " + " | ".join(LABELS.get(o, o) for o in cols) + \
        " | median recovery ms |\n|" + "---|" * (len(cols) + 3) + "\n"
    text = []
    for k in kernels:
        for c in comps:
            body = ""
            for f in faults:
                counts = g.get((k, c, f))
                if not counts:
                    continue
                rec = [int(r["recovery_ms"]) for r in rows if (r["kernel"], r["component"],
                       r["fault"]) == (k, c, f) and r["outcome"] == "recovered"]
                m = median(rec)
                body += "| %s | %d | %s | %s |\n" % (f, sum(counts.values()), " | ".join(
                    str(counts.get(o, 0)) for o in cols), "-" if m is None else m)
            if body:
                text.append("#### %s, %s\n\n%s%s" % (k, c, head, body))
    tot = "| kernel | trials | " + " | ".join(LABELS.get(o, o) for o in cols) + " |\n|" + \
        "---|" * (len(cols) + 2) + "\n"
    for k in kernels:
        kr = [r for r in rows if r["kernel"] == k]
        tot += "| %s | %d | %s |\n" % (k, len(kr), " | ".join(
            str(sum(1 for r in kr if r["outcome"] == o)) for o in cols))
    comp = "| component | kernel | trials | " + " | ".join(LABELS.get(o, o) for o in cols) + \
        " |\n|" + "---|" * (len(cols) + 3) + "\n"
    for c in comps:
        for k in kernels:
            kr = [r for r in rows if r["kernel"] == k and r["component"] == c]
            if kr:
                comp += "| %s | %s | %d | %s |\n" % (c, k, len(kr), " | ".join(
                    str(sum(1 for r in kr if r["outcome"] == o)) for o in cols))
    return "#### Totals\n\n" + tot + "\n#### By component\n\n" + comp + "\n" + \
        "\n".join(text)


def plot(out, name, title, bars):
    """bars: [(label, {outcome: count})]; stacked percentages."""
    data = os.path.join(out, name + ".dat")
    with open(data, "w") as f:
        f.write("label " + " ".join('"%s"' % LABELS[o] for o in OUTCOMES) + "\n")
        for label, counts in bars:
            n = sum(counts.get(o, 0) for o in OUTCOMES) or 1
            f.write("%s %s\n" % (label, " ".join("%.2f" % (100.0 * counts.get(o, 0) / n)
                                                 for o in OUTCOMES)))
    cols = " ".join(COLOURS[o] for o in OUTCOMES)
    r = subprocess.run(["gnuplot", "-e", "datafile='%s'; outbase='%s'; chart_title='%s'; "
                        "nrows=%d; colours='%s'" % (
                            data, os.path.join(out, name), title, len(bars), cols),
                        os.path.join(HERE, "faultlab-bars.gp")],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        print("faultlab: gnuplot failed for %s:\n%s" % (name, r.stdout.decode(errors="replace")))
    return r.returncode == 0


def report(out):
    rows = read_rows(out)
    if not rows:
        print("faultlab: no results in %s/results.csv" % out)
        return
    kernels, comps, faults, g = groups(rows)
    plots = []
    # All faults of a component together, a bar per kernel.
    bars = []
    for c in comps:
        for k in kernels:
            counts = {}
            for f in faults:
                for o, n in g.get((k, c, f), {}).items():
                    counts[o] = counts.get(o, 0) + n
            if counts:
                bars.append(("%s/%s" % (c, k), counts))
    if plot(out, "outcomes", "Outcome of each trial, by component and kernel (%)", bars):
        plots.append("outcomes")
    for c in comps:
        bars = [("%s/%s" % (f, k), g[(k, c, f)]) for f in faults for k in kernels
                if (k, c, f) in g]
        if bars and plot(out, "outcomes-" + c, "Faults in %s: outcome by fault type and "
                         "kernel (%%)" % c, bars):
            plots.append("outcomes-" + c)
    tables = summary_tables(rows)
    timing = ""
    tpath = os.path.join(out, "timing.txt")
    if os.path.isfile(tpath):
        with open(tpath) as f:
            timing = f.read().strip().splitlines()[-1]
    with open(os.path.join(out, "summary.md"), "w") as f:
        f.write("### Fault-injection campaign: %d trials\n\n%s\n\n%s\n" % (
            len(rows), ("Timing: " + timing) if timing else "", tables))
    write_html(out, rows, tables, plots, timing)
    print("faultlab: %d trials; %s/summary.md, %s/index.html, %d plots" % (
        len(rows), out, out, len(plots)))
    print(tables.split("\n\n")[1])


def md_to_html(tables):
    """The tables of summary_tables() as HTML (headings and pipe tables only)."""
    parts = []
    for block in tables.split("\n\n"):
        lines = block.strip().splitlines()
        if not lines:
            continue
        if lines[0].startswith("####"):
            parts.append("<h3>%s</h3>" % html.escape(lines[0][5:]))
            continue
        rows = [l.strip("|").split("|") for l in lines if not l.startswith("|---")]
        t = "<table><tr>" + "".join("<th>%s</th>" % html.escape(c.strip()) for c in rows[0])
        for r in rows[1:]:
            t += "</tr><tr>" + "".join("<td>%s</td>" % html.escape(c.strip()) for c in r)
        parts.append(t + "</tr></table>")
    return "\n".join(parts)


def write_html(out, rows, tables, plots, timing):
    imgs = "\n".join('<p><a href="%s.svg"><img src="%s.png" alt="%s"></a></p>' % (p, p, p)
                     for p in plots)
    lesson = ""
    lpath = os.path.join(out, "lesson.md")
    if os.path.isfile(lpath):
        with open(lpath) as f:
            lesson = "<h2>The stateful-server lesson</h2>\n" + md_to_html(
                "\n\n".join(b for b in f.read().split("\n\n") if b.startswith("|")))
    with open(os.path.join(out, "index.html"), "w") as f:
        f.write("""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Fault injection: %d trials</title>
<style>body{font-family:sans-serif;max-width:70em;margin:1em auto}
table{border-collapse:collapse;margin:0.5em 0}td,th{border:1px solid #999;padding:2px 8px;
text-align:right}th{background:#eee}img{max-width:100%%}</style></head><body>
<h1>Fault-injection campaign</h1>
<p>%d trials, one fault each (tools/faultlab.py; docs/05-fault-injection.md says what the
outcomes mean). %s Every trial is a row of <a href="results.csv">results.csv</a>.</p>
%s
%s
%s
</body></html>
""" % (len(rows), len(rows), html.escape(timing), imgs, md_to_html(tables), lesson))


def lesson_report(out):
    path = os.path.join(out, "lesson.csv")
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    t = "| kernel | seed | outcome | records acknowledged | synced | survived (guest) | " \
        "survived (disk) | e2fsck -fn | restarts |\n|" + "---|" * 9 + "\n"
    for r in rows:
        t += "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n" % (
            r["kernel"], r["seed"], r["outcome"], r["acked"], r["synced"], r["survived_guest"],
            r["survived_disk"], "clean" if r["fsck"] == "0" else "exit " + r["fsck"],
            r["restarts"])
    with open(os.path.join(out, "lesson.md"), "w") as f:
        f.write("### The fs server crashed while a program appends records\n\n" + t)
    print(t)


def check(out):
    """make test's check of a QUICK campaign. Returns the exit status and
    prints PASS/FAIL lines and "N passed, N failed"."""
    results = []

    def expect(cond, what):
        results.append(bool(cond))
        print("%s faultlab/%s" % ("PASS" if cond else "FAIL", what), flush=True)

    rows = read_rows(out)
    kernels = {r["kernel"] for r in rows}
    expect(rows and {"mono", "micro"} <= kernels,
           "results.csv has rows of both kernels (%d rows)" % len(rows))
    bad = [r for r in rows if r["outcome"] not in OUTCOMES + EXTRA_OUTCOMES]
    expect(rows and not bad, "every outcome is a known class%s" % (
        "" if not bad else ": not %r" % bad[0]["outcome"]))
    for r in rows:
        if not all(r.get(k, "") != "" for k in FIELDS[:8]):
            expect(False, "row without a field: %r" % r)
            break
    # What the reincarnation server promises to catch: a server that
    # crashes or stops answering. Other faults (a console that answers its
    # heartbeat but prints nothing) may hang micro too; the campaign counts
    # them, and the check does not hide them: it prints them.
    micro = [r for r in rows if r["kernel"] == "micro"]
    caught = [r for r in micro if r["fault"] in ("crash", "hang")]
    mp = [r for r in caught if r["outcome"] in ("panic", "hang")]
    expect(caught and not mp, "micro: 0 panics and 0 hangs in %d crash and hang trials%s" % (
        len(caught), "" if not mp else " (%d: %s)" % (len(mp), ", ".join(
            "%s %s seed %s %s" % (r["component"], r["fault"], r["seed"], r["outcome"])
            for r in mp[:4]))))
    other = [r for r in micro if r not in caught and r["outcome"] in ("panic", "hang")]
    print("note faultlab/micro: %d panics and %d hangs among %d trials of other fault types" % (
        sum(r["outcome"] == "panic" for r in other), sum(r["outcome"] == "hang" for r in other),
        len(micro) - len(caught)))
    # In ring 0 a crash fault that runs panics; one whose site the workload
    # never reaches has no effect. Nothing in between: mono restarts nothing.
    crash = [r for r in rows if r["kernel"] == "mono" and r["fault"] == "crash"]
    panics = [r for r in crash if r["outcome"] == "panic"]
    other = [r for r in crash if r["outcome"] not in ("panic", "no-effect", "not-injected")]
    expect(panics and not other, "mono: every crash fault in ring 0 that ran panicked "
           "(%d of %d trials; the others' sites never ran)%s" % (
               len(panics), len(crash), "" if not other else ", not %s seed %s: %s" % (
                   other[0]["component"], other[0]["seed"], other[0]["outcome"])))
    lpath = os.path.join(out, "lesson.csv")
    if os.path.isfile(lpath):
        with open(lpath, newline="") as f:
            lrows = list(csv.DictReader(f))
        lost = [r for r in lrows if r["survived_disk"] != "-" and r["synced"] != "-" and
                int(r["survived_disk"]) < int(r["synced"])]
        expect(lrows and not lost, "lesson: every synced record is on the disk after the "
               "fs crash (%d trials)" % len(lrows))
    rec = [r for r in micro if r["fault"] == "crash" and r["outcome"] == "recovered"]
    expect(rec, "micro: some crash faults recovered (%d)" % len(rec))
    for name in ("outcomes.png", "outcomes.svg", "index.html", "summary.md"):
        p = os.path.join(out, name)
        expect(os.path.isfile(p) and os.path.getsize(p) > 200, "%s exists" % name)
    if os.path.isfile(os.path.join(out, "index.html")):
        with open(os.path.join(out, "index.html")) as f:
            h = f.read()
        expect("outcomes.png" in h and "<table>" in h, "index.html shows the plot and tables")
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1
