"""`tools/bench.py --check DIR`: are the outputs of `make bench` in DIR
complete and sane? It reads only the files, so it can run after any bench
run (`make test` runs it after `make bench QUICK=1`). Each check prints
PASS or FAIL; the last line is "N passed, N failed", like the other runners.
"""

import os
import re

import report

COLUMNS = ["kernel", "mode", "bench", "param", "unit", "n", "min", "median", "p90"]
KERNELS = report.KERNELS
UNITS = {"icount": "insn", "tcg": "cycles", "kvm": "cycles"}
NUMBER = re.compile(r"^[0-9]+$")


def row_text(r):
    """A row without its kernel and mode: what two runs must agree on."""
    return " ".join("%s=%s" % (c, r[c]) for c in COLUMNS[2:])


class Checker:
    def __init__(self, d):
        self.d = d
        self.passed = 0
        self.failed = 0

    def ok(self, name, cond, why=""):
        if cond:
            self.passed += 1
            print("PASS bench-check/%s" % name, flush=True)
        else:
            self.failed += 1
            print("FAIL bench-check/%s: %s" % (name, why), flush=True)
        return cond

    def path(self, name):
        return os.path.join(self.d, name)

    def nonempty(self, name):
        p = self.path(name)
        return os.path.isfile(p) and os.path.getsize(p) > 0

    def rows(self):
        p = self.path("results.csv")
        if not self.ok("csv_exists", os.path.isfile(p), "no %s" % p):
            return None
        with open(p) as f:
            lines = f.read().splitlines()
        header = lines[0] if lines else ""
        self.ok("csv_header", header == ",".join(COLUMNS),
                "header is %r, wanted %r" % (header, ",".join(COLUMNS)))
        rows, bad = [], []
        for i, line in enumerate(lines[1:], 2):
            cols = line.split(",")
            why = self.bad_row(cols)
            if why:
                bad.append("line %d: %s: %s" % (i, why, line))
            else:
                rows.append(dict(zip(COLUMNS, cols)))
        self.ok("csv_rows", rows and not bad,
                bad[0] if bad else "no figures at all")
        return rows

    @staticmethod
    def bad_row(cols):
        if len(cols) != len(COLUMNS):
            return "%d columns, wanted %d" % (len(cols), len(COLUMNS))
        r = dict(zip(COLUMNS, cols))
        if r["kernel"] not in KERNELS:
            return "unknown kernel"
        if r["mode"] not in UNITS:
            return "unknown mode"
        if not re.match(r"^[a-z][a-z0-9_]*$", r["bench"]):
            return "bad benchmark name"
        for c in COLUMNS[5:] + ["param"]:
            if not NUMBER.match(r[c]):
                return "%s is not a number" % c
        if r["unit"] != UNITS[r["mode"]]:
            return "unit %s under %s" % (r["unit"], r["mode"])
        n, lo, med, hi = (int(r[c]) for c in COLUMNS[5:])
        if n <= 0 or not lo <= med <= hi:
            return "not n > 0 and min <= median <= p90"
        return None

    def plots(self, rows):
        names = report.plot_names(rows)
        self.ok("plots_planned", names, "no plot expected from these figures")
        for base in names:
            for ext, magic in (("png", b"\x89PNG"), ("svg", b"<svg")):
                p = self.path(os.path.join("plots", "%s.%s" % (base, ext)))
                good = os.path.isfile(p) and os.path.getsize(p) > 0
                if good:
                    with open(p, "rb") as f:
                        good = magic in f.read(4096)
                self.ok("plot/%s.%s" % (base, ext), good, "missing, empty or not a %s" % ext)

    def summary(self):
        for name in ("summary.md", "summary.html"):
            self.ok(name, self.nonempty(name), "missing or empty")
        if self.nonempty("summary.html"):
            with open(self.path("summary.html")) as f:
                srcs = re.findall(r'<img src="([^"]+)"', f.read())
            missing = [s for s in srcs if not os.path.isfile(self.path(s))]
            self.ok("summary_images", srcs and not missing,
                    "embeds %s, which is missing" % missing[0] if missing else "no plot embedded")

    def determinism(self, rows):
        if not any(r["mode"] == "icount" for r in rows):
            return
        p = self.path("determinism.txt")
        lines = open(p).read().splitlines() if os.path.isfile(p) else []
        got = {l.split("\t")[0] for l in lines}
        self.ok("icount_repeated", all(k in got for k in KERNELS),
                "no second icount run recorded for %s" % ", ".join(sorted(set(KERNELS) - got)))
        diff = [l for l in lines if l.split("\t")[1:2] != ["identical"]]
        self.ok("icount_identical", lines and not diff,
                "two runs differ: %s" % diff[0].replace("\t", " | ") if diff
                else "nothing compared")

    def network(self, rows):
        """bench_net's figures, each kernel: the bulk transfers always; the
        round trip and connect (they need a tap device) or the reason they
        were skipped."""
        p = self.path("skipped.txt")
        skips = [l.split("\t") for l in open(p).read().splitlines()] if os.path.isfile(p) else []
        for k in report.NET_KERNELS:
            have = {r["bench"] for r in rows if r["kernel"] == k}
            for b in ("tcp_rx", "tcp_tx", "tcp_rx_cpu", "tcp_tx_cpu"):
                self.ok("network/%s/%s" % (k, b), b in have, "no figure")
            for b, verb in (("udp_rtt", "rtt"), ("tcp_connect", "connect")):
                why = [s for s in skips if len(s) == 4 and s[0] == k and
                       s[2].startswith("bench_net") and (" %s " % verb) in s[2] + " "]
                self.ok("network/%s/%s" % (k, b), b in have or (why and why[0][3]),
                        "neither a figure nor a reason it was skipped")
        p = self.path("wall.csv")
        lines = open(p).read().splitlines()[1:] if os.path.isfile(p) else []
        bad = [l for l in lines if len(l.split(",")) != 8 or not all(
            re.match(r"^[0-9.]+$", c) for c in l.split(",")[3:])]
        self.ok("network/wall_clock", lines and not bad,
                "bad line: %s" % bad[0] if bad else "no host wall-clock figures in %s" % p)

    def failures(self):
        p = self.path("failures.txt")
        lines = open(p).read().splitlines() if os.path.isfile(p) else None
        self.ok("no_failures", lines == [],
                "no %s" % p if lines is None else "%d failed, first: %s" % (
                    len(lines), lines[0].replace("\t", " ") if lines else ""))

    def run(self):
        rows = self.rows()
        if rows:
            seen = {}
            for r in rows:
                seen.setdefault(r["mode"], set()).add(r["kernel"])
            for mode, ks in sorted(seen.items()):
                # A mode with only the network's figures (the TCG re-run of
                # the bulk transfers) has them for the network's kernels.
                local = any(r["mode"] == mode and not r["bench"].startswith(("tcp_", "udp_"))
                            for r in rows)
                need = set(KERNELS if local else report.NET_KERNELS)
                self.ok("every_kernel/%s" % mode, need <= ks,
                        "only %s has figures" % ", ".join(sorted(ks)))
            keys = [(r["kernel"], r["mode"], r["bench"], r["param"]) for r in rows]
            self.ok("no_duplicates", len(keys) == len(set(keys)), "a figure appears twice")
            self.plots(rows)
            self.determinism(rows)
            self.network(rows)
        self.summary()
        self.failures()
        print("%d passed, %d failed" % (self.passed, self.failed), flush=True)
        return 1 if self.failed else 0


def main(d):
    return Checker(d).run()
