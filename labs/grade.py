#!/usr/bin/env python3
"""make grade LAB=n: the lab's tests against both kernels, with points.

    python3 labs/grade.py 1 [--tree DIR] [--kernels mono,micro] [--no-build] [--timeout S]

labs/gradelib.py does the work; each lab's tests are in labs/labN-NAME/grade.py.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gradelib  # noqa: E402

if __name__ == "__main__":
    gradelib.main()
