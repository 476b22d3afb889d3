"""Lab 1's grader: a system call (SYS_GETPPID) and a service request
(NULL_COUNT), each on both kernels. Run with make grade LAB=1."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import gradelib  # noqa: E402

LAB = gradelib.Lab(1, "System calls in two kernels")
LAB.guest("getppid", 20, "t_lab1 ppid", r"(?m)^PASS t_lab1",
          "t_lab1 ppid prints PASS t_lab1: getppid() and the raw SYS_GETPPID equal the "
          "ppid that ps reports")
LAB.guest("null_count", 20, "t_lab1 count", r"(?m)^PASS t_lab1",
          "t_lab1 count prints PASS t_lab1: NULL_COUNT grows by exactly 6 over 5 NULL_ECHOs "
          "and one NULL_COUNT")
LAB.guest("unknown_calls", 5, "t_badcall", r"(?m)^PASS t_badcall",
          "t_badcall prints PASS t_badcall: numbers past SYS_MAX still answer -ENOSYS")
