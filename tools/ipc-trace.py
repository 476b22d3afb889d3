#!/usr/bin/env python3
"""Where the instructions of a null service round trip go, function by
function: boot a kernel in QEMU with one instruction per translation block
(-singlestep), run bench_ipc -q at the shell with QEMU's execution log on
(-d exec,nochain: one line per instruction executed), and cut the log into
round trips, from the client's timed `int $0x80` to the `rdtsc` after it.
docs/03-benchmarks.md shows the results.

    python3 tools/ipc-trace.py build/micro-mach      # or build/micro, build/mono
    python3 tools/ipc-trace.py build/micro --list    # every instruction too
    python3 tools/ipc-trace.py build/micro --regs    # SYS_CALLR's (nullipc)

The round trip reported is the one most of them are (a timer interrupt
makes a few longer). Ring-0 addresses are named from the kernel's ELF; in
ring 3 the instructions between the client's trap and its return are the
server's (build/srv/null), the others the client's (bench_ipc).
"""

import argparse
import bisect
import importlib.util
import os
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.dont_write_bytecode = True

def load_guest_test():
    spec = importlib.util.spec_from_file_location("guest_test", os.path.join(HERE, "guest-test.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def symbols(elf):
    """Sorted (address, name) of the functions in elf."""
    r = subprocess.run(["nm", "-C", "--defined-only", elf], stdout=subprocess.PIPE, text=True,
                       check=True)
    syms = []
    for line in r.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] in "tTwW":
            syms.append((int(parts[0], 16), parts[2]))
    return sorted(syms)


def name_of(syms, pc):
    i = bisect.bisect_right([a for a, _ in syms], pc) - 1
    return syms[i][1] if i >= 0 else "?"


def timed_traps(elf, regs=False):
    """Addresses of bench_ipc's `int $0x80` followed by `rdtsc`: the timed
    calls; with regs, those followed by `pop` and `rdtsc` (SYS_CALLR's)."""
    r = subprocess.run(["objdump", "-d", elf], stdout=subprocess.PIPE, text=True, check=True)
    lines = [l.split("\t") for l in r.stdout.splitlines() if l.startswith("  ")]
    out = set()
    for i in range(len(lines) - 1):
        nxt = [l[2] if len(l) >= 3 else "" for l in lines[i + 1:i + 3]]
        if regs and (len(nxt) < 2 or not nxt[0].startswith("pop") or
                     not nxt[1].startswith("rdtsc")):
            continue
        if not regs and not nxt[0].startswith("rdtsc"):
            continue
        if len(lines[i]) >= 3 and lines[i][2].startswith("int    $0x80"):
            out.add(int(lines[i][0].strip().rstrip(":"), 16))
    return out


def trips(log, starts):
    """Each round trip in QEMU's exec log: a list of program counters."""
    cur, end = None, None
    with open(log, errors="replace") as f:
        for line in f:
            if line.startswith("Stopped execution of TB chain before"):
                # The block logged last was entered but left at once (an
                # interrupt was pending): it did not run.
                if cur and line.rstrip().endswith("[%08x]" % cur[-1]):
                    cur.pop()
                continue
            if not line.startswith("Trace "):
                continue
            try:
                pc = int(line.split("[", 1)[1].split("/")[1], 16)
            except (IndexError, ValueError):
                continue
            if cur is None:
                if pc in starts:
                    cur, end = [pc], pc + 2
                continue
            cur.append(pc)
            if pc == end:
                cur.pop()
                yield cur
                cur = None


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("build", help="build/<kernel>: its os.iso and kernel.elf")
    p.add_argument("--list", action="store_true", help="print every instruction's function")
    p.add_argument("--regs", action="store_true",
                   help="the SYS_CALLR round trips (nullipc) rather than SYS_CALL's (nullsvc)")
    p.add_argument("--timeout", type=float, default=300.0, help="for bench_ipc -q, in s")
    a = p.parse_args()
    os.chdir(ROOT)
    gt = load_guest_test()
    kelf = os.path.join(a.build, "kernel.elf")
    client_elf = "build/user/bin/bench_ipc"
    tmp = tempfile.mkdtemp(prefix="ipc-trace.")
    sock, logf = os.path.join(tmp, "monitor"), os.path.join(tmp, "exec.log")
    log = gt.Log(os.path.join(tmp, "guest.log"))
    q = gt.Qemu(["qemu-system-i386", "-cdrom", os.path.join(a.build, "os.iso"), "-m", "128",
                 "-display", "none", "-serial", "stdio", "-no-reboot", "-singlestep",
                 "-monitor", "unix:%s,server=on,wait=off" % sock, "-D", logf,
                 "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"], log)
    try:
        what, _ = q.wait_prompt(time.monotonic() + 300)
        if what != "prompt":
            sys.exit("ipc-trace: no prompt: " + gt.tail(q.buf))
        q.take()
        mon = socket.socket(socket.AF_UNIX)
        mon.connect(sock)
        mon.sendall(b"log exec,nochain\n")
        time.sleep(0.5)
        q.send("bench_ipc -q\n")
        what, _ = q.wait_prompt(time.monotonic() + a.timeout)
        mon.sendall(b"log none\n")
        time.sleep(0.5)
        mon.close()
    finally:
        q.kill()
    starts = timed_traps(client_elf, a.regs)
    all_trips = list(trips(logf, starts))
    if not os.environ.get("KEEP"):
        os.remove(logf)
    if not all_trips:
        sys.exit("ipc-trace: no whole round trip in the log")
    counts = {}
    for t in all_trips:
        counts[len(t)] = counts.get(len(t), 0) + 1
    n = max(counts, key=lambda k: (counts[k], -k))
    trip = next(t for t in all_trips if len(t) == n)
    ksyms = symbols(kelf)
    usyms = {"client": symbols(client_elf), "server": symbols("build/srv/null")}
    per, order = {}, []
    for i, pc in enumerate(trip):
        if pc >= 0xC0000000:
            who = "kernel"
        else:
            who = "client" if i == 0 else "server"
        fn = name_of(ksyms if who == "kernel" else usyms[who], pc)
        if a.list:
            print("%-6s %08x %s" % (who, pc, fn))
        key = (who, fn)
        if key not in per:
            order.append(key)
        per[key] = per.get(key, 0) + 1
    print("%s: a null service round trip, %d instructions from the client's int $0x80 "
          "to the rdtsc after it (%d of the %d round trips logged)" % (
              a.build, n, counts[n], len(all_trips)))
    for key in order:
        print("  %6d  %-6s %s" % (per[key], key[0], key[1]))


if __name__ == "__main__":
    main()
