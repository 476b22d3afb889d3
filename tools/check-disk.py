#!/usr/bin/env python3
"""Check a disk image after the fsstress workload, on the host.

    python3 tools/check-disk.py IMAGE [--manifest /work/MANIFEST] [--state STATE]

1. `e2fsck -fn IMAGE` must exit 0: the file system is consistent. With
   --state, the superblock's state (`dumpe2fs -h`, "Filesystem state")
   must be STATE too: "clean" after a clean poweroff, which unmounts;
   "not clean" if the machine stopped without one, or the volume was not
   clean when mounted (a crash before), or the file service died on the
   way: e2fsck -p would then check it at boot.
2. The manifest that user/tests/fsstress.c wrote is read from the image
   with `debugfs -R 'cat PATH'`. Its lines are

       # a comment
       dir <path>
       file <size> <fnv1a-32 as 8 hex digits> <path>

3. Each file is read with `debugfs -R 'cat PATH'`; its size and its FNV-1a
   32 checksum (offset basis 2166136261, prime 16777619, over every byte)
   must be the manifest's.
4. Each directory is listed with `debugfs -R 'ls -p PATH'`; its entries
   must be exactly those the manifest puts in it (besides . and ..), so a
   file that should have been deleted or renamed away is caught too.

Prints one PASS or FAIL line per check and then "N passed, N failed"; the
exit status is 0 only if nothing failed. Only the Python standard library
and e2fsprogs are used.
"""

import argparse
import os
import posixpath
import subprocess
import sys


class Checker:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def result(self, ok, what, detail=""):
        if ok:
            self.passed += 1
            print("PASS " + what)
        else:
            self.failed += 1
            print("FAIL " + what + (": " + detail if detail else ""))
        return ok


def debugfs(image, request):
    """Runs one debugfs request; returns (exit status, stdout bytes, stderr text)."""
    p = subprocess.run(["debugfs", "-R", request, image], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def debugfs_error(stderr):
    """debugfs exits 0 even when a path is missing; its complaint is on
    stderr after the version banner."""
    lines = [l for l in stderr.splitlines() if l.strip() and not l.startswith("debugfs ")]
    return "; ".join(lines)


def fnv1a32(data):
    h = 2166136261
    for b in data:
        h ^= b
        h = (h * 16777619) & 0xFFFFFFFF
    return h


def fs_state(image):
    """The "Filesystem state" dumpe2fs -h reports ("clean", "not clean",
    "clean with errors", ...), or None."""
    p = subprocess.run(["dumpe2fs", "-h", image], stdout=subprocess.PIPE,
                       stderr=subprocess.DEVNULL)
    for line in p.stdout.decode("utf-8", "replace").splitlines():
        if line.startswith("Filesystem state:"):
            return line.split(":", 1)[1].strip()
    return None


def parse_manifest(text):
    """Returns (dirs, files, problems): dirs a list of paths, files a list of
    (path, size, checksum)."""
    dirs, files, problems = [], [], []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        words = line.split(" ", 3)
        try:
            if words[0] == "dir" and len(words) == 2:
                dirs.append(words[1])
            elif words[0] == "file" and len(words) == 4:
                files.append((words[3], int(words[1]), int(words[2], 16)))
            else:
                raise ValueError
        except ValueError:
            problems.append("line %d: %r" % (n, line))
    return dirs, files, problems


def list_dir(image, path):
    """Entry names of a directory via `ls -p` (lines /ino/mode/uid/gid/name/size/),
    or None and the error."""
    status, out, err = debugfs(image, "ls -p " + path)
    names = set()
    for line in out.decode("utf-8", "replace").splitlines():
        parts = line.split("/")
        if len(parts) >= 7 and parts[0] == "":
            names.add("/".join(parts[5:-2]))
    if status != 0 or (not names and debugfs_error(err)):
        return None, debugfs_error(err) or "debugfs exit status %d" % status
    return names - {".", ".."}, ""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("image")
    ap.add_argument("--manifest", default="/work/MANIFEST",
                    help="path of the manifest inside the image (default /work/MANIFEST)")
    ap.add_argument("--state", help='the state the superblock must say: "clean" or "not clean"')
    args = ap.parse_args()
    c = Checker()
    if not os.path.isfile(args.image):
        print("check-disk: %s: no such file" % args.image, file=sys.stderr)
        return 2

    fsck = subprocess.run(["e2fsck", "-fn", args.image], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT)
    text = fsck.stdout.decode("utf-8", "replace")
    if not c.result(fsck.returncode == 0, "e2fsck -fn", "exit status %d" % fsck.returncode):
        print("\n".join("    | " + l for l in text.splitlines()))
    if args.state:
        state = fs_state(args.image)
        c.result(state == args.state, "superblock state %r" % state, "expected %r" % args.state)

    status, out, err = debugfs(args.image, "cat " + args.manifest)
    if status != 0 or (not out and debugfs_error(err)):
        c.result(False, "manifest " + args.manifest, debugfs_error(err) or "cannot read")
    else:
        dirs, files, problems = parse_manifest(out.decode("utf-8", "replace"))
        c.result(not problems and (dirs or files), "manifest " + args.manifest,
                 "; ".join(problems) or "empty")
        for path, size, checksum in files:
            status, data, err = debugfs(args.image, "cat " + path)
            if status != 0 or (not data and size and debugfs_error(err)):
                c.result(False, path, debugfs_error(err) or "cannot read")
            elif len(data) != size:
                c.result(False, path, "%d bytes, manifest says %d" % (len(data), size))
            else:
                got = fnv1a32(data)
                c.result(got == checksum, "%s (%d bytes, fnv1a %08x)" % (path, size, got),
                         "manifest says %08x" % checksum)
        # The tree: every directory holds exactly what the manifest puts there.
        children = {d: set() for d in dirs}
        for path in dirs + [f[0] for f in files]:
            parent = posixpath.dirname(path)
            if parent in children:
                children[parent].add(posixpath.basename(path))
        for d in dirs:
            names, error = list_dir(args.image, d)
            if names is None:
                c.result(False, d + "/", error)
                continue
            extra, missing = names - children[d], children[d] - names
            detail = []
            if extra:
                detail.append("not in the manifest: " + " ".join(sorted(extra)))
            if missing:
                detail.append("missing: " + " ".join(sorted(missing)))
            c.result(not detail, "%s/ holds %d entries as listed" % (d, len(names)),
                     "; ".join(detail))

    print("%d passed, %d failed" % (c.passed, c.failed))
    return 0 if c.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
