#!/usr/bin/env python3
"""Counts the lines of code that run in ring 0 in each kernel.

What counts is taken from the build itself, not from a list kept by hand:
the compile units recorded in each linked kernel.elf's DWARF information
(every C and assembly file linked in), plus the headers those units
included, from the dependency files gcc wrote next to their objects.
A line counts if it holds code: blank lines and comments do not.

usage: tcb.py build/mono build/micro [build/hybrid ...]   (a column each)
       tcb.py --check build/mono build/micro   (the test make test runs)
"""
import os
import re
import subprocess
import sys


def code_lines(path):
    """Lines with something besides comments and white space (C rules; the
    assembly files here use C comments too, and their # lines are cpp)."""
    try:
        text = open(path, encoding="utf-8", errors="replace").read()
    except OSError:
        return 0
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    return sum(1 for line in text.split("\n") if line.strip())


def linked_sources(build):
    """Source files named by the compile units of build/kernel.elf."""
    elf = os.path.join(build, "kernel.elf")
    out = subprocess.run(["readelf", "--debug-dump=info", elf], capture_output=True,
                         text=True, check=True).stdout
    units, in_cu = [], False
    for line in out.splitlines():
        if "DW_TAG_compile_unit" in line:
            in_cu = True
        elif in_cu and "DW_AT_name" in line:
            units.append(line.rsplit(": ", 1)[-1].strip())
            in_cu = False
    if not units:
        sys.exit("tcb: %s has no DWARF compile units; build with DEBUG=-g" % elf)
    return units


def headers(build, source):
    """The headers a unit included, from the .d file gcc wrote beside its
    object: in the kernel's own folder, or in build/comp/ for a component
    (compiled once for every kernel)."""
    stem = os.path.splitext(source)[0] + ".d"
    for d in (os.path.join(build, "obj", stem), os.path.join("build", "comp", "obj", stem)):
        try:
            text = open(d).read().replace("\\\n", " ")
            break
        except OSError:
            continue
    else:
        return []
    first = text.split("\n", 1)[0]
    return [w for w in first.split(":", 1)[1].split() if w.endswith(".h")]


def tcb(build):
    files = set()
    for src in linked_sources(build):
        src = os.path.normpath(src)
        if os.path.isabs(src):
            src = os.path.relpath(src)
        files.add(src)
        files.update(os.path.normpath(h) for h in headers(build, src))
    by_folder = {}
    for f in files:
        if f.startswith("..") or os.path.isabs(f):
            continue  # compiler headers (stdint.h) are not ours
        folder = os.path.dirname(f) or "."
        by_folder[folder] = by_folder.get(folder, 0) + code_lines(f)
    return by_folder


def placed(build, where):
    """Components the build's placement puts in the kernel or in servers
    (build/<kernel>/placement.txt, written with the service table)."""
    try:
        lines = open(os.path.join(build, "placement.txt")).read().split("\n")
    except OSError:
        return set()
    return {l.split()[0] for l in lines if len(l.split()) >= 2 and l.split()[1] == where}


def comp_sections(build):
    """Names of the per-component sections (.comp.NAME.text and so on) in
    build/kernel.elf: mono bounds each component's code and data there."""
    out = subprocess.run(["readelf", "-SW", os.path.join(build, "kernel.elf")],
                         capture_output=True, text=True, check=True).stdout
    return set(re.findall(r"\.comp\.(\w+)\.text", out))


def check(mono, micro, mono_build, micro_build):
    """The properties the count must show, as tests: the microkernel's ring 0
    holds no component, the monolithic one holds them all, and so micro's
    ring 0 is the smaller. Also, mono gives every component folder it links
    in its own code section (for the fault-injection labs), micro none."""
    comp = ("drivers", "fs", "net")
    linked = placed(mono_build, "kernel")
    results = [
        ("micro-has-no-components", not [f for f in micro if f.split("/")[0] in comp]),
        ("mono-has-the-components", any(f.split("/")[0] == "drivers" for f in mono)),
        ("micro-smaller", 0 < sum(micro.values()) < sum(mono.values())),
        ("mono-component-sections", bool(linked) and linked <= comp_sections(mono_build)),
        ("micro-no-component-sections", not comp_sections(micro_build)
         and not placed(micro_build, "kernel")),
    ]
    for name, ok in results:
        print("%s tcb/%s" % ("PASS" if ok else "FAIL", name))
    failed = sum(1 for _, ok in results if not ok)
    print("%d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


def main():
    args = sys.argv[1:]
    checking = args[:1] == ["--check"]
    if checking:
        args = args[1:]
    if len(args) < 2 or (checking and len(args) != 2):
        sys.exit(__doc__)
    counts = [tcb(a) for a in args]
    if checking:
        sys.exit(check(counts[0], counts[1], args[0], args[1]))
    names = [os.path.basename(os.path.normpath(a)) for a in args]
    # The generated service table counts as the build's own folder.
    rows = sorted({f if not f.startswith("build") else "build/<kernel>"
                   for c in counts for f in c})
    folded = [{("build/<kernel>" if f.startswith("build") else f): n for f, n in c.items()}
              for c in counts]
    w = max([9] + [len(n) + 2 for n in names])
    print("%-28s" % "ring-0 code by folder" + "".join("%*s" % (w, n) for n in names))
    for f in rows:
        print("%-28s" % f + "".join("%*s" % (w, c.get(f, "-")) for c in folded))
    print("%-28s" % "total" + "".join("%*d" % (w, sum(c.values())) for c in counts))
    print("ring0 lines: " + " ".join("%s=%d" % (n, sum(c.values())) for n, c in zip(names, counts)))


if __name__ == "__main__":
    main()
