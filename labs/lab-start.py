#!/usr/bin/env python3
"""Write a student's starter tree for a lab: `make lab-start LAB=n DIR=path`.

    python3 labs/lab-start.py --lab 1 --dir ../lab1
    python3 labs/lab-start.py --lab 1,3 --dir /tmp/s --with-build   (make test)
    python3 labs/lab-start.py --list                                (the markers)

The tree is the reference solution. Each part a student writes is marked in
the source:

        /* LAB 1: BEGIN
         * A hint: what to write and where to look.
         * STUB: return -ENOSYS;
         */
        ... the reference code ...
        /* LAB 1: END */

The starter copy keeps the comment (BEGIN becomes TODO, the STUB lines
go), drops the reference code, and puts the STUB lines in its place, so
the starter tree builds and boots but does not do what the lab asks. The
markers of other labs stay as they are, with their reference code.

Only files a marker changes are rewritten; every other file is copied with
its time stamps. With --with-build the build/ folder is copied too, so a
rebuild of the starter compiles only the marked files (make test uses it).

Standard library only.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BEGIN_RE = re.compile(r"^(\s*)/\* LAB (\d+): BEGIN\b(.*)$")
END_RE = re.compile(r"^\s*/\* LAB (\d+): END \*/\s*$")
STUB_RE = re.compile(r"^\s*\* STUB:(.*)$")
# Where markers may be: the sources a student edits.
MARKED_EXT = (".c", ".h", ".S")


class MarkerError(Exception):
    pass


def source_files(top):
    """The tree's files (git's list when it is a git checkout, else a walk
    that leaves out build/ and .git/), relative to top."""
    try:
        out = subprocess.run(["git", "-C", top, "ls-files", "-z", "--cached", "--others",
                              "--exclude-standard"], check=True, capture_output=True).stdout
        files = [f for f in out.decode().split("\0") if f]
        return sorted(f for f in files if os.path.isfile(os.path.join(top, f)))
    except (OSError, subprocess.CalledProcessError):
        files = []
        for d, dirs, names in os.walk(top):
            rel = os.path.relpath(d, top)
            dirs[:] = [x for x in dirs if not (rel == "." and x in ("build", ".git"))]
            files += [os.path.normpath(os.path.join(rel, n)) for n in names]
        return sorted(files)


def transform(text, labs, path):
    """text with the regions of the labs in `labs` replaced by their stubs.
    Returns (new text, {lab: regions replaced}). Raises MarkerError for a
    BEGIN without END, an END without BEGIN, or a marker inside another."""
    lines = text.split("\n")
    out = []
    counts = {}
    i = 0
    while i < len(lines):
        line = lines[i]
        m = BEGIN_RE.match(line)
        if not m:
            e = END_RE.match(line)
            if e:
                raise MarkerError("%s:%d: LAB %s: END without BEGIN" % (path, i + 1, e.group(1)))
            out.append(line)
            i += 1
            continue
        indent, lab, start = m.group(1), int(m.group(2)), i
        # The comment: up to the line that closes it.
        comment = [line]
        while "*/" not in lines[i]:
            i += 1
            if i == len(lines):
                raise MarkerError("%s:%d: LAB %d: BEGIN comment never closed" %
                                  (path, start + 1, lab))
            comment.append(lines[i])
        i += 1
        body = []
        while True:
            if i == len(lines):
                raise MarkerError("%s:%d: LAB %d: BEGIN without END" % (path, start + 1, lab))
            if BEGIN_RE.match(lines[i]):
                raise MarkerError("%s:%d: a LAB marker inside LAB %d's (line %d)" %
                                  (path, i + 1, lab, start + 1))
            e = END_RE.match(lines[i])
            if e:
                if int(e.group(1)) != lab:
                    raise MarkerError("%s:%d: LAB %s: END closes LAB %d's BEGIN (line %d)" %
                                      (path, i + 1, e.group(1), lab, start + 1))
                break
            body.append(lines[i])
            i += 1
        end_line = lines[i]
        i += 1
        if lab not in labs:
            out += comment + body + [end_line]
            continue
        counts[lab] = counts.get(lab, 0) + 1
        stub = [indent + s.group(1).strip() for s in map(STUB_RE.match, comment) if s]
        hint = [l for l in comment if not STUB_RE.match(l)]
        hint[0] = hint[0].replace("LAB %d: BEGIN" % lab, "LAB %d: TODO" % lab, 1)
        if len(hint) > 1 and hint[-1].strip() == "*/" and hint[-2].strip() == "*":
            del hint[-2]
        out += hint + stub + [end_line]
    return "\n".join(out), counts


def scan(top, labs):
    """{relative path: (new text, counts)} for every file with a marker of labs."""
    changed = {}
    for rel in source_files(top):
        if not rel.endswith(MARKED_EXT):
            continue
        with open(os.path.join(top, rel), encoding="utf-8") as f:
            text = f.read()
        if "/* LAB " not in text:
            continue
        new, counts = transform(text, labs, rel)
        if counts:
            changed[rel] = (new, counts)
    return changed


def all_labs(top):
    labs = set()
    for rel in source_files(top):
        if rel.endswith(MARKED_EXT):
            with open(os.path.join(top, rel), encoding="utf-8") as f:
                labs |= {int(m.group(2)) for m in map(BEGIN_RE.match, f) if m}
    return sorted(labs)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--lab", help="the lab's number, or several: 1,3 (all: every lab)")
    p.add_argument("--dir", help="where to write the starter tree (must not exist, or be empty)")
    p.add_argument("--with-build", action="store_true",
                   help="copy build/ too, so the starter rebuilds only the marked files")
    p.add_argument("--list", action="store_true", help="list the marked regions and stop")
    a = p.parse_args()

    known = all_labs(TOP)
    if a.list:
        try:
            for rel, (_, counts) in sorted(scan(TOP, set(known)).items()):
                print("%-40s %s" % (rel, " ".join("lab%d:%d" % kv for kv in sorted(counts.items()))))
        except MarkerError as e:
            sys.exit("lab-start: %s" % e)
        return
    if not a.lab or not a.dir:
        sys.exit("lab-start: usage: make lab-start LAB=n DIR=path (labs with markers: %s)"
                 % " ".join(map(str, known)))
    try:
        labs = set(known) if a.lab == "all" else {int(x) for x in a.lab.split(",")}
    except ValueError:
        sys.exit("lab-start: LAB=%s: give a lab's number (%s), or all"
                 % (a.lab, " ".join(map(str, known))))
    missing = sorted(labs - set(known))
    if missing:
        sys.exit("lab-start: no lab %s in this tree: the labs with markers are %s"
                 % (",".join(map(str, missing)), " ".join(map(str, known))))
    dst = os.path.abspath(a.dir)
    if os.path.exists(dst) and (not os.path.isdir(dst) or os.listdir(dst)):
        sys.exit("lab-start: %s exists and is not an empty folder: choose another DIR" % a.dir)
    if dst == TOP or dst.startswith(TOP + os.sep) and not dst.startswith(
            os.path.join(TOP, "build") + os.sep):
        sys.exit("lab-start: DIR=%s is inside this tree: choose a folder outside it "
                 "(or under build/)" % a.dir)
    try:
        changed = scan(TOP, labs)
    except MarkerError as e:
        sys.exit("lab-start: %s" % e)

    os.makedirs(dst, exist_ok=True)
    for rel in source_files(TOP):
        src, out = os.path.join(TOP, rel), os.path.join(dst, rel)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        if rel in changed:
            with open(out, "w", encoding="utf-8") as f:
                f.write(changed[rel][0])
            shutil.copymode(src, out)
        else:
            shutil.copy2(src, out)
    if a.with_build and os.path.isdir(os.path.join(TOP, "build")):
        # Keep the time stamps: make then rebuilds what the marked files feed.
        subprocess.run(["cp", "-a", os.path.join(TOP, "build"), dst], check=True)
    regions = {}
    for _, counts in changed.values():
        for lab, n in counts.items():
            regions[lab] = regions.get(lab, 0) + n
    for lab in sorted(labs):
        files = sorted(rel for rel, (_, c) in changed.items() if lab in c)
        print("lab-start: lab %d: %d part(s) to write in %s" % (lab, regions.get(lab, 0),
                                                                 ", ".join(files)))
    print("lab-start: the starter tree is in %s (it builds and boots; make grade LAB=%s "
          "there scores what is done)" % (a.dir, a.lab))


if __name__ == "__main__":
    main()
