"""Lab 5's grader: the IPC fast path of the micro kernel, measured. Every
kernel boots under -icount shift=0, where rdtsc counts guest instructions:
the same figure on every run and every machine. The student's micro kernel
must beat the same tree built with FASTPATH=0 (build/micro-nofastpath/,
the slow path through the run queue, which is also what the starter's stub
does) by at least MIN_GAIN on the null round trip. The student's kernel is
built with FASTASM=0 (build/micro-noasm/): the assembly entries of
micro/fastenter.S would carry the common case past the student's C, so
they are left out and the C halves carry every fast call. Run with make
grade LAB=5."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import gradelib  # noqa: E402

MIN_GAIN = 0.05  # the reference tree: 738 against 802 instructions, 8 %; the stub: 818
BENCH = "bench_ipc -q -u insn"
LINE = r"(?m)^BENCH name=nullsvc .*\bmedian=(\d+)"

LAB = gradelib.Lab(5, "Measure, and make the IPC path faster",
                   kernels=("micro-noasm", "micro-nofastpath"), icount=True)
# The lab is about the micro kernel's path (mono has no IPC to shorten):
# make bench gives the mono figure the handout's questions compare.
LAB.guest("bench_ipc", 5, BENCH, LINE, "bench_ipc prints its BENCH line (the null round trip)",
          kernels=("micro-noasm",))
LAB.guest("bench_ipc", 0, BENCH, LINE, "bench_ipc prints its BENCH line",
          kernels=("micro-nofastpath",))
LAB.guest("component_api", 10, "t_component", r"(?m)^PASS t_component",
          "t_component prints PASS t_component: the fast path still delivers every message, "
          "timer and notification", kernels=("micro-noasm",))
LAB.guest("fs_works", 5, "cat /hello.txt", r"(?m)^Hello from the disk",
          "cat /hello.txt prints its text (the file server and disk driver talk through it)",
          kernels=("micro-noasm",))


def median(outputs, k):
    m = re.search(LINE, outputs.get(k, {}).get("bench_ipc", ""))
    return int(m.group(1)) if m else None


def faster(tree, outputs):
    fast, slow = median(outputs, "micro-noasm"), median(outputs, "micro-nofastpath")
    if fast is None or slow is None:
        return "no figure from bench_ipc on %s" % ("micro-noasm" if fast is None else
                                                   "micro-nofastpath")
    gain = 1 - fast / slow
    print("        measured: null round trip, median instructions: micro %d, "
          "micro FASTPATH=0 %d (%.1f %% faster)" % (fast, slow, 100 * gain))
    if gain < MIN_GAIN:
        return "micro takes %d instructions a round trip, FASTPATH=0 %d: %.1f %% faster, " \
               "not %d %%" % (fast, slow, 100 * gain, 100 * MIN_GAIN)
    return None


LAB.host("fast_path", 40, faster, "micro's null round trip at least %d %% fewer instructions "
         "than the FASTPATH=0 build of the same tree" % (100 * MIN_GAIN))
