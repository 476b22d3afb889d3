#!/usr/bin/env python3
"""Writes compile_commands.json for clangd from what make would run.

`make -Bn` prints every compile command of a kernel (and of the user
programs and servers it needs) without running them; each line that
compiles one .c or .S file becomes an entry. Both kernels are asked, so a
file built for both (common/) appears with the first kernel's flags, and
mono/ and micro/ files each with their own. Usage: compile-commands.py >
compile_commands.json
"""
import json
import os
import shlex
import subprocess
import sys

root = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
entries, seen = [], set()
for kernel in ("mono", "micro"):
    out = subprocess.run(["make", "-Bn", "V=1", "KERNEL=" + kernel, "iso"], cwd=root,
                         capture_output=True, text=True).stdout
    for line in out.splitlines():
        try:
            words = shlex.split(line)
        except ValueError:
            continue
        if "-c" not in words or not words or not words[0].endswith(("gcc", "cc", "clang")):
            continue
        srcs = [w for w in words if w.endswith((".c", ".S")) and not w.startswith("-")]
        if len(srcs) != 1 or srcs[0] in seen:
            continue
        src = srcs[0]
        seen.add(src)
        entries.append({"directory": root, "file": src, "arguments": words})
if not entries:
    sys.exit("compile-commands: make printed no compile commands")
json.dump(entries, sys.stdout, indent=1)
print()
