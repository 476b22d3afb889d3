#!/usr/bin/env python3
"""Writes the kernel's service table from the system's table and a placement.

    gen-services.py --conf common/system.conf --msg common/include/abi/msg.h \\
        --kernel micro --place "*=server" --ipc l4 --comps "console null ata fs" \\
        --out build/micro/services.c [--placement-out build/micro/placement.txt]

The system's table (common/system.conf) says what each component serves and
may touch; the placement ("NAME=kernel" or "NAME=server" words, "*=..." for
the rest) says where each runs. The output is C: one struct svc_entry per
component found in the tree (--comps), the program rights, the kernel's
name and the list of hosts to link. --placement-out also writes
"NAME PLACEMENT SERVICES" lines for the host-side test runner.

Only the Python standard library: it runs on a fresh Debian or Ubuntu.
"""
import argparse
import re
import sys

LIMITS = {"services": 3, "ports": 4, "irqs": 2, "mmio": 2, "pci": 2}
HOST = {"kernel": ("kernel_host", "transport_direct"), "server": ("server_host", None)}


def die(msg):
    sys.exit("gen-services: " + msg)


def number(text, where):
    m = re.fullmatch(r"(0x[0-9a-fA-F]+|\d+)([KM]?)", text)
    if not m:
        die("%s: %r is not a number" % (where, text))
    return int(m.group(1), 0) * {"": 1, "K": 1024, "M": 1 << 20}[m.group(2)]


def service_numbers(msg_h):
    svcs = {}
    for m in re.finditer(r"#define\s+SVC_([A-Z0-9_]+)\s+(\d+)", open(msg_h).read()):
        if m.group(1) not in ("MAX", "BIT", "PUBLIC_MASK"):
            svcs[m.group(1).lower()] = int(m.group(2))
    return svcs


def parse_conf(path, svcs):
    comps, progs = {}, {}
    for lineno, line in enumerate(open(path), 1):
        line = line.split("#", 1)[0].split()
        if not line:
            continue
        where = "%s:%d" % (path, lineno)
        if line[0] not in ("component", "program") or len(line) < 2:
            die("%s: expected 'component NAME ...' or 'program NAME ...'" % where)
        row = {}
        for kv in line[2:]:
            if "=" not in kv:
                die("%s: %r is not key=value" % (where, kv))
            k, v = kv.split("=", 1)
            items = [x for x in v.split(",") if x]
            if k in ("services", "calls"):
                for s in items:
                    if s not in svcs:
                        die("%s: no service %r in abi/msg.h" % (where, s))
                row[k] = [svcs[s] for s in items]
            elif k == "privs":
                for p in items:
                    if p != "fault":
                        die("%s: unknown privilege %r" % (where, p))
                row[k] = items
            elif k in ("ports", "mmio"):
                row[k] = []
                for x in items:
                    base, _, n = x.partition(":")
                    row[k].append((number(base, where), number(n, where) if n else 1))
            elif k == "irqs":
                row[k] = [number(x, where) for x in items]
            elif k == "pci":
                row[k] = []
                for x in items:
                    v_, _, d_ = x.partition(":")
                    row[k].append((int(v_, 16), int(d_, 16)))
            elif k in ("dma", "keep"):
                row[k] = number(v, where)
            else:
                die("%s: unknown key %r" % (where, k))
            if k in LIMITS and len(row[k]) > LIMITS[k]:
                die("%s: at most %d %s" % (where, LIMITS[k], k))
        table = comps if line[0] == "component" else progs
        if line[1] in table:
            die("%s: %s listed twice" % (where, line[1]))
        if line[0] == "component" and not row.get("services"):
            die("%s: a component needs services=" % where)
        # The kernel's process service trusts its caller to say on whose
        # behalf it stops a program (the console: whoever named it with
        # CON_FG). A program holding it could stop anything: refused here,
        # so no program row can ever reach it (mono/direct.c relies on it).
        if line[0] == "program" and svcs.get("proc") in row.get("calls", []):
            die("%s: calls=proc is for the console, never a program" % where)
        table[line[1]] = row
    return comps, progs


def placement(words, names):
    place, default = {}, None
    for w in words.split():
        name, _, where = w.partition("=")
        if where not in HOST:
            die("placement %r: say NAME=kernel or NAME=server" % w)
        if name == "*":
            default = where
        elif name not in names:
            die("placement %r: no component %r in this tree (%s)" % (w, name, " ".join(names)))
        else:
            place[name] = where
    for n in names:
        if n not in place:
            if default is None:
                die("placement: nothing says where %s runs (add %s=... or *=...)" % (n, n))
            place[n] = default
    return place


def c_list(items, fmt, size):
    return "{%s}" % ", ".join(fmt % x for x in items)


def mask(svcs):
    return " | ".join("SVC_BIT(%d)" % s for s in svcs) or "0"


def main():
    a = argparse.ArgumentParser()
    for opt in ("conf", "msg", "kernel", "place", "ipc", "comps", "out"):
        a.add_argument("--" + opt, required=True)
    a.add_argument("--placement-out")
    args = a.parse_args()
    svcs = service_numbers(args.msg)
    comps, progs = parse_conf(args.conf, svcs)
    names = args.comps.split()
    for n in names:
        if n not in comps:
            die("component %s (its folder is in the tree) has no row in %s" % (n, args.conf))
    place = placement(args.place, names)
    transport_of = {"kernel": "transport_direct", "server": "transport_" + args.ipc}
    out = ["/* Generated by tools/gen-services.py from %s and the placement" % args.conf,
           " * \"%s\" (IPC %s): do not edit. */" % (args.place, args.ipc),
           '#include "service.h"', "",
           'const char kernel_name[] = "%s";' % args.kernel,
           'const char ipc_name[] = "%s";' % (
               args.ipc if "server" in place.values() else "none"), "",
           "const struct svc_entry svc_table[] = {"]
    for n in names:
        r = comps[n]
        rights = []
        for key, fmt in (("ports", "{%#x, %d}"), ("irqs", "%d"), ("mmio", "{%#x, %#x}"),
                         ("pci", "{0x%04x, 0x%04x}")):
            if r.get(key):
                rights.append(".%s = %s" % (key, c_list(r[key], fmt, 0)))
        if r.get("dma"):
            rights.append(".dma_bytes = %d" % r["dma"])
        if r.get("keep"):
            rights.append(".keep_bytes = %d" % r["keep"])
        if r.get("calls"):
            rights.append(".calls = %s" % mask(r["calls"]))
        # One row a line: it is data, and reads as a table.
        out.append('\t{"%s", %s, %s, &%s, &%s, {%s}},' % (
            n, c_list(r["services"], "%d", 3),
            "PLACE_KERNEL" if place[n] == "kernel" else "PLACE_SERVER",
            HOST[place[n]][0], transport_of[place[n]], ", ".join(rights)))
    out += ["};", "const int svc_table_len = %d;" % len(names), ""]
    out += ["const struct prog_rights prog_table[] = {"]
    for n, r in sorted(progs.items()):
        privs = " | ".join("PRIV_" + p.upper() for p in r.get("privs", [])) or "0"
        out.append('\t{"%s", %s, %s},' % (n, mask(r.get("calls", [])), privs))
    if not progs:
        out.append('\t{"", 0, 0},')
    out += ["};", "const int prog_table_len = %d;" % len(progs), ""]
    used = sorted({place[n] for n in names}, key=lambda p: p != "kernel")
    out.append("const struct host *const hosts[] = {%s};" %
               ", ".join(["&" + HOST[p][0] for p in used] + ["0"]))
    text = "\n".join(out) + "\n"
    try:
        old = open(args.out).read()
    except OSError:
        old = None
    if old != text:
        with open(args.out, "w") as f:
            f.write(text)
    if args.placement_out:
        lines = "".join("%s %s %s\n" % (n, place[n], ",".join(
            k for k, v in svcs.items() if v in comps[n]["services"])) for n in names)
        try:
            old = open(args.placement_out).read()
        except OSError:
            old = None
        if old != lines:
            with open(args.placement_out, "w") as f:
                f.write(lines)


if __name__ == "__main__":
    main()
