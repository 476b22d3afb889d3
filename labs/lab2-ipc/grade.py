"""Lab 2's grader: the checks of the grant copy (common/include/service.h,
grant_copy), the one copy every placement's IPC makes for bulk data, tried
through the null service on both kernels, and the component tests of the
message path. Run with make grade LAB=2."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import gradelib  # noqa: E402

LAB = gradelib.Lab(2, "IPC: the grant copy")
LAB.guest("grant_data", 10, "t_lab2 data", r"(?m)^PASS t_lab2",
          "t_lab2 data prints PASS t_lab2: a copy inside the grant moves the right bytes, "
          "and only those")
LAB.guest("grant_rights", 20, "t_lab2 rights", r"(?m)^PASS t_lab2",
          "t_lab2 rights prints PASS t_lab2: a copy the lender did not allow is -EPERM and "
          "changes nothing")
LAB.guest("grant_bounds", 20, "t_lab2 bounds", r"(?m)^PASS t_lab2",
          "t_lab2 bounds prints PASS t_lab2: a copy outside the lent bytes (also one whose "
          "offset + length wraps) is -EFAULT and changes nothing")
LAB.guest("component_api", 10, "t_component", r"(?m)^PASS t_component",
          "t_component prints PASS t_component: the message path's own tests")
LAB.guest("fs_after", 5, "cat /hello.txt", r"(?m)^Hello from the disk",
          "cat /hello.txt prints its text: the file service's grants still work")
