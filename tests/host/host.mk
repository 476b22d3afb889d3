# Host unit tests (cmocka) for the hardware-free parts of common/.
#
# Included by the top-level Makefile; also usable on its own:
#     make -f tests/host/host.mk host-tests
# Paths are relative to the repository root, where make runs.
#
# Each test is one binary built with the host compiler, with AddressSanitizer
# and UBSan, so that an out-of-bounds read in a parser fails the test instead
# of passing by luck. -fno-sanitize-recover makes a UBSan report fatal too.
#
# klib defines memcpy, strlen, snprintf... under the standard names. In a host
# program those would replace the C library's for the whole process. So the
# klib sources are compiled for the tests with -include tests/host/klib_host.h,
# which renames every klib function to klib_<name>; test_klib.c includes the
# same header after its system headers and so calls klib's code explicitly.
# The kernel and user builds compile the same sources without that header and
# see the plain names. elf.c, frames.c and heap.c are compiled as they are:
# heap.c's calls to memcpy/memset then reach the host C library, which is
# fine because klib has its own tests.

# Included before the includer's first target, this file must not become
# the default goal: remember the goal and restore it at the end.
HOST_SAVED_GOAL := $(.DEFAULT_GOAL)

HOSTCC ?= cc
HOST_BUILD ?= build/host
HOST_TEST_CFLAGS ?= -std=gnu11 -Wall -Wextra -Werror -g -O1 \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
HOST_TEST_CPPFLAGS := -Icommon/include -Itests/host
HOST_TEST_LDLIBS ?= -lcmocka

# The sample i386 executable that test_elf parses: built by the guest
# compiler, the way user programs are, but with no libc or linker script.
HOST_ELF_CC ?= gcc
HOST_ELF_CFLAGS := -m32 -O1 -g -nostdlib -static -no-pie -fno-pic -fno-stack-protector \
	-ffreestanding -Wl,-e,main

HOST_TEST_NAMES := test_klib test_elf test_frames test_heap test_inject
HOST_TEST_BINS := $(addprefix $(HOST_BUILD)/,$(HOST_TEST_NAMES))

HOST_KLIB_OBJS := $(patsubst common/klib/%.c,$(HOST_BUILD)/klib/%.o,$(wildcard common/klib/*.c))
HOST_HEADERS := $(wildcard common/include/*.h common/include/abi/*.h tests/host/*.h)

# The file service (fs/) is built for the host as it is and linked with a
# host implementation of the component API (fs_host.c), whose disk driver
# serves an ext2 image in memory. The fs hands the driver its own buffers as
# 32-bit grant addresses, so these binaries are 32-bit (gcc -m32, with ASan
# and UBSan as the others); with no i386 cmocka available they use the small
# harness of fs_testlib.c, which prints cmocka's summary lines. They need
# e2fsprogs (mke2fs, e2fsck, debugfs). See tests/host/README.md.
HOST_FS_CFLAGS ?= $(HOST_TEST_CFLAGS) -m32
HOST_FS_TEST_NAMES := test_fs_read test_fs_write test_fs_dir test_fs_limits test_fs_mount \
	test_fs_state test_fs_names test_fs_flags test_fs_symlink test_fs_wlog test_fs_fuzz
HOST_FS_TEST_BINS := $(addprefix $(HOST_BUILD)/,$(HOST_FS_TEST_NAMES))
HOST_TEST_BINS += $(HOST_FS_TEST_BINS)
HOST_FS_OBJS := $(patsubst %.c,$(HOST_BUILD)/fs32/%.o,$(wildcard fs/*.c) \
	common/comp/control.c tests/host/fs_host.c tests/host/fs_testlib.c)
HOST_FS_HEADERS := $(wildcard fs/*.h) tests/host/fs_test.h $(HOST_HEADERS)
# make fuzz-fs: the fuzzer's long run (make test runs a short one).
FUZZ_ITERS ?= 200000

# The network stack's protocol core (net/), built for the host as it is:
# it needs no component API at all, only klib's names, which the host C
# library provides. -m32 like the fs tests, so that sizes and wrap-around
# are the guest's; the same small harness style (net_testlib.c, no cmocka).
# Two stacks run back to back over a simulated link (tests/host/README.md).
HOST_NET_CFLAGS ?= $(HOST_TEST_CFLAGS) -m32
HOST_NET_CPPFLAGS := $(HOST_TEST_CPPFLAGS) -Inet
HOST_NET_TEST_NAMES := test_net_basic test_net_tcp test_net_close test_net_bulk \
	test_net_timers test_net_malformed test_net_fuzz test_lab7
HOST_NET_TEST_BINS := $(addprefix $(HOST_BUILD)/,$(HOST_NET_TEST_NAMES))
HOST_TEST_BINS += $(HOST_NET_TEST_BINS)
# The protocol core: every file of net/ but the component glue (service.c),
# which the kernels build and the guest tests check.
NET_CORE_SRCS := $(filter-out net/service.c,$(wildcard net/*.c))
HOST_NET_OBJS := $(patsubst %.c,$(HOST_BUILD)/net32/%.o,$(NET_CORE_SRCS) tests/host/net_testlib.c)
HOST_NET_HEADERS := $(wildcard net/*.h) tests/host/net_test.h $(HOST_HEADERS)
# make fuzz-net: the network fuzzer's long run (make host-tests runs a short one).
NET_FUZZ_ITERS ?= 100000

.PHONY: host-tests host-tests-build host-tests-clean

host-tests: host-tests-build
	sh tools/run-host-tests.sh $(HOST_TEST_BINS)

host-tests-build: $(HOST_TEST_BINS)

$(HOST_BUILD)/klib/%.o: common/klib/%.c $(HOST_HEADERS)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_TEST_CFLAGS) $(HOST_TEST_CPPFLAGS) -fno-builtin \
		-include tests/host/klib_host.h -c $< -o $@

$(HOST_BUILD)/test_klib: tests/host/test_klib.c $(HOST_KLIB_OBJS) $(HOST_HEADERS)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_TEST_CFLAGS) $(HOST_TEST_CPPFLAGS) $< $(HOST_KLIB_OBJS) \
		$(HOST_TEST_LDLIBS) -o $@

$(HOST_BUILD)/sample.elf: tests/host/sample_prog.c
	@mkdir -p $(@D)
	$(HOST_ELF_CC) $(HOST_ELF_CFLAGS) $< -o $@

# The sample's path is compiled in; the environment variable SAMPLE_ELF
# overrides it when the binary runs elsewhere.
$(HOST_BUILD)/test_elf: tests/host/test_elf.c tests/host/elf_fixture.c common/lib/elf.c \
		$(HOST_HEADERS) $(HOST_BUILD)/sample.elf
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_TEST_CFLAGS) $(HOST_TEST_CPPFLAGS) \
		-DSAMPLE_ELF='"$(HOST_BUILD)/sample.elf"' $< tests/host/elf_fixture.c \
		common/lib/elf.c $(HOST_TEST_LDLIBS) -o $@

$(HOST_BUILD)/test_frames: tests/host/test_frames.c common/lib/frames.c $(HOST_HEADERS)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_TEST_CFLAGS) $(HOST_TEST_CPPFLAGS) $< common/lib/frames.c \
		$(HOST_TEST_LDLIBS) -o $@

$(HOST_BUILD)/test_heap: tests/host/test_heap.c common/lib/heap.c $(HOST_HEADERS)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_TEST_CFLAGS) $(HOST_TEST_CPPFLAGS) $< common/lib/heap.c \
		$(HOST_TEST_LDLIBS) -o $@

# The fault injector's planner (user/inject/plan.c) on hand-made tables;
# and built with the real table (from build/comp/, so only after a guest
# build) as inject_plan, which tools/inject-check.py asks for the line
# every kernel's /bin/inject -n must print.
$(HOST_BUILD)/test_inject: tests/host/test_inject.c user/inject/plan.c user/inject/plan.h \
		$(HOST_HEADERS)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_TEST_CFLAGS) $(HOST_TEST_CPPFLAGS) -Iuser/inject $< user/inject/plan.c \
		$(HOST_TEST_LDLIBS) -o $@

$(HOST_BUILD)/inject_plan: tests/host/inject_plan.c user/inject/plan.c user/inject/plan.h \
		build/user/obj/gen/faultsites.c
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_TEST_CFLAGS) $(HOST_TEST_CPPFLAGS) -Iuser/inject $< user/inject/plan.c \
		build/user/obj/gen/faultsites.c -o $@

$(HOST_BUILD)/fs32/%.o: %.c $(HOST_FS_HEADERS)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_FS_CFLAGS) $(HOST_TEST_CPPFLAGS) -c $< -o $@

$(HOST_FS_TEST_BINS): $(HOST_BUILD)/%: $(HOST_BUILD)/fs32/tests/host/%.o $(HOST_FS_OBJS)
	$(HOSTCC) $(HOST_FS_CFLAGS) $^ -o $@

.PHONY: fuzz-fs
fuzz-fs: $(HOST_BUILD)/test_fs_fuzz
	FUZZ_ITERS=$(FUZZ_ITERS) sh tools/run-host-tests.sh $<

# The network stack's protocol core (net/): its tests' rules are further
# down.
$(HOST_BUILD)/net32/%.o: %.c $(HOST_NET_HEADERS)
	@mkdir -p $(@D)
	$(HOSTCC) $(HOST_NET_CFLAGS) $(HOST_NET_CPPFLAGS) -c $< -o $@

$(HOST_NET_TEST_BINS): $(HOST_BUILD)/%: $(HOST_BUILD)/net32/tests/host/%.o $(HOST_NET_OBJS)
	$(HOSTCC) $(HOST_NET_CFLAGS) $^ -lm -o $@

.PHONY: fuzz-net
fuzz-net: $(HOST_BUILD)/test_net_fuzz
	FUZZ_ITERS=$(NET_FUZZ_ITERS) sh tools/run-host-tests.sh $<

# The protocol core is compiled with the guest's flags too (freestanding,
# -mgeneral-regs-only: no floating point), and the result may need nothing
# but klib: no libgcc helper (a 64-bit division would want __udivdi3), no
# libc, not even the component API (only the glue, service.c, uses that).
# All of net/'s #includes are held to design Rule 1.
NET_GUEST_CC ?= $(or $(CC),gcc)
NET_GUEST_CFLAGS ?= $(or $(GUEST_CFLAGS),-m32 -march=i686 -ffreestanding -fno-builtin -nostdlib \
	-fno-pic -fno-pie -fno-stack-protector -mgeneral-regs-only -std=gnu11 -Wall -Wextra -Werror -O2)
NET_GUEST_CPPFLAGS := -nostdinc -isystem $(shell $(NET_GUEST_CC) -m32 -print-file-name=include) \
	-Icommon/include
NET_GUEST_OBJS := $(patsubst net/%.c,$(HOST_BUILD)/net-guest/%.o,$(NET_CORE_SRCS))
NET_KLIB_SYMS := memcpy memmove memset memcmp strlen strnlen strcmp strncmp strcpy strncpy \
	strlcpy strchr strrchr strtol strtoul atoi vcbprintf vsnprintf snprintf udivmod64_32

$(HOST_BUILD)/net-guest/%.o: net/%.c $(wildcard net/*.h) $(HOST_HEADERS)
	@mkdir -p $(@D)
	$(NET_GUEST_CC) $(NET_GUEST_CFLAGS) $(NET_GUEST_CPPFLAGS) -c $< -o $@

$(HOST_BUILD)/net-guest.ok: $(NET_GUEST_OBJS) $(wildcard net/*.h)
	ld -m elf_i386 -r -o $(HOST_BUILD)/net-guest/all.o $(NET_GUEST_OBJS)
	@bad=$$(nm -u $(HOST_BUILD)/net-guest/all.o | awk '{print $$2}' | \
		grep -vxF $(addprefix -e ,$(NET_KLIB_SYMS))); \
	if [ -n "$$bad" ]; then echo "net/ needs more than klib: $$bad"; exit 1; fi
	@bad=$$(grep -hE '^[[:space:]]*#[[:space:]]*include' net/*.c net/*.h | \
		grep -vE '"(klib|component|x86|core|net|net_state)\.h"|"abi/[a-z_]+\.h"|<std(def|int|arg|bool)\.h>'); \
	if [ -n "$$bad" ]; then echo "net/ includes what Rule 1 forbids: $$bad"; exit 1; fi
	@if grep -rnE 'KERNEL_(MONO|MICRO)|CONFIG_MICRO|CONFIG_MONO' net; then \
		echo "net/ depends on the kernel flavour (Rule 1)"; exit 1; fi
	@touch $@

host-tests-build: $(HOST_BUILD)/net-guest.ok

host-tests-clean:
	rm -rf $(HOST_BUILD)

# Standalone, host-tests is the default; included, the includer's choice stays.
ifneq ($(words $(MAKEFILE_LIST)),1)
.DEFAULT_GOAL := $(HOST_SAVED_GOAL)
endif
