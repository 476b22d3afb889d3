# bench/bench.mk: `make bench`, included by the top-level Makefile after
# user/user.mk (it needs USER_PROGS and USER_BUILD from there).
#
#   make bench                 both kernels, MODE=icount (the default)
#   make bench MODE=tcg        emulated wall time; MODE=kvm: hardware cycles if
#                              KVM is usable and faster here (it is probed)
#   make bench QUICK=1         fewer repetitions and sizes (under 2 minutes)
#   make bench-check           check the outputs (as `make test` does)
#
# The benchmark programs themselves (bench/*.c) are built by user/user.mk
# with the other programs. Outputs go to build/bench/: results.csv, plots/,
# summary.md and summary.html. tools/bench.py says what each mode means.

BENCH_OUT := build/bench
BENCH_DISK := $(BENCH_OUT)/disk.img
MODE ?= icount
QUICK ?= 0

.PHONY: bench bench-check bench-disk

# The benchmarks' own disk: a fresh image from tools/mkdisk.sh, with the
# programs in /bin as on the student's disk, but
#  - without the benchmarks, which then come from the kernel's ramdisk: the
#    shell's start of a benchmark never reads the disk, nor evicts what the
#    one before left in the file service's cache;
#  - without debug information (objcopy --strip-debug; the symbol table
#    stays, for the kernel's fault reports), so that the macro workload's
#    programs fit in the file service's 1 MiB cache together with its files.
# The macro workload's inputs, NAME=BYTES: fixed bytes (bench_pattern) of
# fixed sizes, not the tree's docs and programs, whose growth would move
# the figure without any change to the code it measures. The sizes are
# those the docs and stripped programs had when they were frozen; with
# the programs the workload runs they fit the file service's 1 MiB cache.
# (With 02-components.md at 38 KiB they did not: blocks were read again
# from the disk, and the median swung by a factor of two between runs.)
MACRO_INPUTS := README.md=3895 01-boot-and-syscalls.md=21061 02-components.md=20516 \
	sh=42644 ls=33880 cat=33524 cp=33756

# In /bench: the macro workload's script, its inputs in /bench/in, and
# 1 MiB of bench_pattern bytes for the cached reads (so that they need not
# write a file, see bench/bench_read.c). The student's build/disk.img is never touched;
# tools/bench.py boots each kernel on a copy of this image, so every run
# starts from the same bytes.
$(BENCH_DISK): $(USER_PROGS) bench/macro.sh bench/bench.mk tools/mkdisk.sh tools/bench.py | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(Q)rm -rf $(BENCH_OUT)/bin && mkdir -p $(BENCH_OUT)/bin && \
	  cp $(filter-out $(USER_BENCH_PROGS),$(USER_PROGS)) $(BENCH_OUT)/bin/ && \
	  for f in $(BENCH_OUT)/bin/*; do $(OBJCOPY) --strip-debug $$f || exit 1; done
	$(Q)sh tools/mkdisk.sh $@ $(BENCH_OUT)/bin fresh
	$(Q)python3 tools/bench.py --pattern 1048576 $(BENCH_OUT)/read.dat
	$(Q)rm -rf $(BENCH_OUT)/in && mkdir -p $(BENCH_OUT)/in && \
	  for f in $(MACRO_INPUTS); do \
	    python3 tools/bench.py --pattern $${f#*=} $(BENCH_OUT)/in/$${f%=*} || exit 1; done
	$(Q){ printf 'mkdir /bench\nwrite bench/macro.sh /bench/macro.sh\nwrite %s /bench/read.dat\nmkdir /bench/in\n' \
	  $(BENCH_OUT)/read.dat; for f in $(MACRO_INPUTS); do \
	    printf 'write %s /bench/in/%s\n' $(BENCH_OUT)/in/$${f%=*} $${f%=*}; done; } | \
	  debugfs -w -f - $@ >/dev/null 2>&1; \
	  debugfs -R 'cat /bench/macro.sh' $@ 2>/dev/null | cmp -s - bench/macro.sh && \
	  debugfs -R 'cat /bench/read.dat' $@ 2>/dev/null | cmp -s - $(BENCH_OUT)/read.dat && \
	  debugfs -R 'cat /bench/in/02-components.md' $@ 2>/dev/null | \
	    cmp -s - $(BENCH_OUT)/in/02-components.md || \
	  { echo "bench: could not put its files on $@"; rm -f $@; exit 1; }

bench-disk: $(BENCH_DISK)

bench: $(BENCH_DISK) | $(DEPS_STAMP)
	$(Q)$(MAKE) --no-print-directory all
	$(Q)python3 tools/bench.py --mode $(MODE) $(if $(filter 1,$(QUICK)),--quick) \
	  --out $(BENCH_OUT) --disk $(BENCH_DISK)

bench-check:
	$(Q)python3 tools/bench.py --check $(BENCH_OUT)
