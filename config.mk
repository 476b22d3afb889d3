# Settings a student edits. Every one can be overridden on the command line,
# e.g. `make run KERNEL=micro MEM=64 OPT=-O0`.

# Which kernel `make run`, `make iso`, `make qemu-gdb` and `make bochs` use.
# Where each component runs is a table (common/system.conf lists them):
#   mono    every component in the kernel (ring 0)
#   micro   every component a ring-3 server
#   hybrid  the placement PLACE below: NAME=kernel or NAME=server per
#           component, *=... for the rest
KERNEL ?= mono
PLACE ?= fs=kernel ata=kernel *=server

# How servers are reached: l4 (synchronous rendezvous IPC, the default)
# or mach (a model of Mach 3: queued messages copied through the kernel,
# port names checked on every message, receivers woken by the scheduler);
# a mach kernel is built in build/<kernel>-mach/, e.g.
# `make run KERNEL=micro IPC=mach`. FASTPATH=0 builds the l4 fast path out
# (make bench shows what it buys); such a kernel is built in
# build/<kernel>-nofastpath/. FASTASM=0 keeps the fast path but leaves out
# its assembly entries (micro/fastenter.S), so that every fast call runs
# the C halves (lab 5 grades those); built in build/<kernel>-noasm/.
IPC ?= l4
FASTPATH ?= 1
FASTASM ?= 1

# Compilers. Debian's gcc with -m32 (gcc-multilib) builds the guest; clang
# works too (CC=clang). HOSTCC builds the host unit tests and tools.
CC ?= gcc
HOSTCC ?= cc
LD := ld
OBJCOPY := objcopy

# Optimisation and debug info of the guest code.
OPT ?= -O2
DEBUG ?= -g
# 1: warnings are errors (the tree builds without warnings; keep it so).
WERROR ?= 1

# QEMU: memory in MiB (at most 256 are used: the kernel maps that much),
# GUI=1 also opens the VGA window, EXTRA_QEMU adds options.
MEM ?= 128
GUI ?= 0
EXTRA_QEMU ?=
QEMU ?= qemu-system-i386

# The network of make run: 1 gives the guest an e1000 on QEMU's user
# networking (restrict=on: it reaches nothing outside), with the guest's
# port 80 at 127.0.0.1:HTTP_PORT and its port 7 at 127.0.0.1:ECHO_PORT.
NET ?= 1
HTTP_PORT ?= 8080
ECHO_PORT ?= 7777
PCAP ?=

# Timer frequency in Hz (the scheduler's time slice is one tick).
HZ ?= 100
