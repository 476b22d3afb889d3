# One tree, a kernel per placement: mono, micro and the hybrid of PLACE.
# `make run` boots KERNEL (config.mk) in QEMU; `make test` builds the three
# and runs every test. Objects go to build/<kernel>/ (what every kernel
# shares to build/comp/, build/srv/ and build/user/), so switching KERNEL
# never needs `make clean`.
# `make help` lists the targets.

include config.mk

ifneq ($(filter-out mono micro hybrid,$(KERNEL)),)
$(error KERNEL must be mono, micro or hybrid, not '$(KERNEL)')
endif
ifneq ($(filter-out l4 mach,$(IPC)),)
$(error IPC must be l4 or mach, not '$(IPC)')
endif

# The placement: the two presets, or PLACE for a hybrid.
PLACEMENT := $(if $(filter mono,$(KERNEL)),*=kernel,$(if $(filter micro,$(KERNEL)),*=server,$(PLACE)))
# A variant of the server transport gets a build folder of its own.
VARIANT := $(KERNEL)$(if $(filter-out mono,$(KERNEL)),$(if $(filter-out l4,$(IPC)),-$(IPC))$(if \
	$(filter 0,$(FASTPATH)),-nofastpath,$(if $(filter 0,$(FASTASM)),-noasm)))
B := build/$(VARIANT)
Q := $(if $(filter 1,$(V)),,@)
comma := ,

# Freestanding 32-bit code: no libc, no PIC, no SSE/x87 (the kernels save
# no FPU state), frame pointers kept for the fault reports' backtraces.
GUEST_CFLAGS := -m32 -march=i686 -ffreestanding -fno-builtin -nostdlib -fno-pic -fno-pie \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fno-omit-frame-pointer \
	-mgeneral-regs-only -std=gnu11 -Wall -Wextra $(if $(filter 1,$(WERROR)),-Werror) \
	$(OPT) $(DEBUG)
GUEST_CPPFLAGS := -nostdinc -isystem $(shell $(CC) -m32 -print-file-name=include) \
	-Icommon/include -DHZ=$(HZ) -MMD -MP

# --- What goes where -------------------------------------------------------
# The shared layer, in every kernel.
SHARED_SRCS := $(sort $(wildcard common/arch/*.c common/arch/*.S common/mm/*.c \
	common/kern/*.c common/kern/*.S))
# klib and the hardware-free libraries go in as an archive, so the kernel
# links only the files it uses (strtol is libc's; the heap is libc's
# malloc: the kernel keeps no heap).
KLIB_SRCS := $(sort $(wildcard common/klib/*.c common/lib/*.c))
# Components: each directory under drivers/ is one, and fs/ and net/ are
# one each; a component is named after its folder. net/ held its protocol
# core before its component glue: it is a component once one of its files
# declares the manifest (COMPONENT(...)); until then only the host tests
# build it (tests/host/host.mk also compiles it with the guest's flags).
COMP_DIRS := $(sort $(dir $(wildcard drivers/*/*.c)) $(if $(wildcard fs/*.c),fs/) \
	$(if $(shell grep -l '^COMPONENT.' net/*.c 2>/dev/null),net/))
COMP_NAMES := $(foreach d,$(COMP_DIRS),$(notdir $(patsubst %/,%,$(d))))
$(foreach d,$(COMP_DIRS),$(eval COMP_DIR_$(notdir $(patsubst %/,%,$(d))) := $(d)))
# Where each runs: its own NAME=... word, else the *=... one
# (tools/gen-services.py checks the words and says what is wrong).
place_word = $(patsubst $(1)=%,%,$(filter $(1)=%,$(PLACEMENT)))
place_of = $(or $(call place_word,$(1)),$(call place_word,*))
KERNEL_COMPS := $(strip $(foreach c,$(COMP_NAMES),$(if $(filter kernel,$(call place_of,$(c))),$(c))))
SERVER_COMPS := $(strip $(foreach c,$(COMP_NAMES),$(if $(filter server,$(call place_of,$(c))),$(c))))
# The ring-0 host (mono/) comes with components in the kernel, the server
# host (micro/) with servers; a hybrid links both.
MONO_SRCS := $(if $(KERNEL_COMPS),$(sort $(wildcard mono/*.c mono/*.S)))
# One transport of the servers: micro/l4.c (with its fast path, unless
# FASTPATH=0) or micro/mach.c (IPC=mach), which has none.
FAST_SRCS := micro/fastpath.c micro/fastipc.c micro/fastenter.S
MICRO_OUT := $(if $(filter mach,$(IPC)),micro/l4.c $(FAST_SRCS),micro/mach.c \
	$(if $(filter 0,$(FASTPATH)),$(FAST_SRCS)))
MICRO_SRCS := $(if $(SERVER_COMPS),$(filter-out $(MICRO_OUT),$(sort $(wildcard micro/*.c micro/*.S))))
KERNEL_SRCS := $(SHARED_SRCS) $(MONO_SRCS) $(MICRO_SRCS)

obj = $(patsubst %,$(B)/obj/%.o,$(basename $(1)))
KERNEL_OBJS := $(call obj,$(KERNEL_SRCS)) $(B)/services.o
KLIB_OBJS := $(call obj,$(KLIB_SRCS))
# Each component compiled once (build/comp/NAME.o): the same object goes
# into the kernel or into its server.
CB := build/comp
KERNEL_COMP_OBJS := $(patsubst %,$(CB)/%.o,$(KERNEL_COMPS))

.DEFAULT_GOAL := iso
.PHONY: all iso kernel run qemu-gdb gdb bochs bochs-test test host-tests guest-tests help clean \
	distclean deps tcb disk disk-update powerloss fuzz-sys

# The two presets, the hybrid of config.mk's PLACE, micro with the mach
# transport (build/micro-mach/: make test and make bench use it) and micro
# whose fast path is its C halves only (build/micro-noasm/: make test).
all:
	$(Q)$(MAKE) --no-print-directory KERNEL=mono iso
	$(Q)$(MAKE) --no-print-directory KERNEL=micro iso
	$(Q)$(MAKE) --no-print-directory KERNEL=hybrid iso
	$(Q)$(MAKE) --no-print-directory KERNEL=micro IPC=mach iso
	$(Q)$(MAKE) --no-print-directory KERNEL=micro FASTASM=0 iso

# --- Host tools check ------------------------------------------------------
# tools/install-deps.sh is quick when everything is there and installs (or
# says how to install) what is missing.
DEPS_STAMP := build/.deps-ok
$(DEPS_STAMP): tools/install-deps.sh
	$(Q)sh tools/install-deps.sh
	$(Q)mkdir -p build && touch $@
deps:
	$(Q)sh tools/install-deps.sh

# --- Compiling -------------------------------------------------------------
$(B)/obj/micro/%.o: KFLAGS := -DFASTPATH=$(if $(filter mach,$(IPC)),0,$(FASTPATH)) \
	-DFASTASM=$(FASTASM)
$(B)/obj/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC    $<"
	$(Q)$(CC) $(GUEST_CFLAGS) $(GUEST_CPPFLAGS) $(KFLAGS) -c $< -o $@

$(B)/obj/%.o: %.S | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  AS    $<"
	$(Q)$(CC) -m32 $(DEBUG) $(GUEST_CPPFLAGS) -c $< -o $@

# The kernel's service table, from the system's table and the placement;
# rewritten only when its text changes.
$(B)/services.c: common/system.conf common/include/abi/msg.h tools/gen-services.py FORCE
	@mkdir -p $(dir $@)
	$(Q)python3 tools/gen-services.py --conf common/system.conf \
	  --msg common/include/abi/msg.h --kernel $(KERNEL) --place '$(PLACEMENT)' --ipc $(IPC) \
	  --comps '$(COMP_NAMES)' --out $@ --placement-out $(B)/placement.txt

$(B)/services.o: $(B)/services.c | $(DEPS_STAMP)
	@echo "  CC    $<"
	$(Q)$(CC) $(GUEST_CFLAGS) $(GUEST_CPPFLAGS) -c $< -o $@

# --- Components, compiled once ---------------------------------------------
# Every component's sources are compiled with the same flags, whatever its
# placement, then partially linked (ld -r) with the component-side
# helpers of common/comp/ it uses into build/comp/NAME.o. Its code and data
# go into sections of their own (.comp.NAME.text, .rodata, .data, .bss)
# and every symbol is made local: two components may both carry
# comp_control, and nothing outside a component names its insides. The
# kernel link (common/arch/kernel.ld) and the server link
# (micro/runtime/server.ld) bound those sections with the same
# __comp_NAME_{text,rodata,data,bss}_{start,end} symbols, so one offset in
# a component is the same instruction in every kernel.
$(CB)/obj/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC    $< (component)"
	$(Q)$(CC) $(GUEST_CFLAGS) $(GUEST_CPPFLAGS) -c $< -o $@

COMPLIB_OBJS := $(patsubst %.c,$(CB)/obj/%.o,$(wildcard common/comp/*.c))
$(CB)/libcomp.a: $(COMPLIB_OBJS)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

comp_kinds := text rodata data bss
comp_in_text := .text .text.*
comp_in_rodata := .rodata .rodata.*
comp_in_data := .data .data.*
comp_in_bss := .bss .bss.* COMMON

# $(1): the component's name
define comp_rule
COMP_OBJS_$(1) := $$(patsubst %.c,$(CB)/obj/%.o,$$(wildcard $$(COMP_DIR_$(1))*.c))
$(CB)/$(1).r.ld: Makefile
	@mkdir -p $$(dir $$@)
	$(Q)printf '%s\n' '/* Written by the Makefile: one component, sections of its own. */' \
	  'SECTIONS {' $$(foreach k,$(comp_kinds),'.comp.$(1).$$(k) : { *($$(comp_in_$$(k))) }') \
	  'components : { KEEP(*(components)) }' '}' > $$@
$(CB)/$(1).o: $$(COMP_OBJS_$(1)) $(CB)/libcomp.a $(CB)/$(1).r.ld
	@echo "  LD    $$@ (component $(1))"
	$(Q)$(LD) -m elf_i386 -r -T $(CB)/$(1).r.ld -o $$@.tmp $$(COMP_OBJS_$(1)) $(CB)/libcomp.a
	$(Q)$(OBJCOPY) -w --localize-symbol='*' $$@.tmp $$@ && rm -f $$@.tmp
-include $$(COMP_OBJS_$(1):.o=.d)
endef
$(foreach c,$(COMP_NAMES),$(eval $(call comp_rule,$(c))))
-include $(COMPLIB_OBJS:.o=.d)

# The component sections of the kernel link: for each component placed in
# the kernel, its four sections between their bounds symbols.
comp_section = .comp.$(2).$(1) : AT(ADDR(.comp.$(2).$(1)) - KERNBASE) { __comp_$(2)_$(1)_start = .; *(.comp.$(2).$(1)) __comp_$(2)_$(1)_end = .; }
comp_kinds_text = text
comp_kinds_data = rodata data bss
$(B)/components-%.ld: FORCE
	@mkdir -p $(dir $@)
	$(Q)printf '%s\n' '/* Written by the Makefile: see common/arch/kernel.ld. */' \
	  $(foreach k,$(comp_kinds_$*),$(foreach c,$(KERNEL_COMPS),'$(call comp_section,$(k),$(c))')) \
	  > $@.new
	$(Q)cmp -s $@.new $@ && rm -f $@.new || mv $@.new $@

# What is linked, as a file that changes when the placement does: a
# component moved out of the kernel must relink it even though no object
# is newer.
$(B)/link.list: FORCE
	@mkdir -p $(dir $@)
	$(Q)echo $(KERNEL_OBJS) $(KERNEL_COMP_OBJS) > $@.new
	$(Q)cmp -s $@.new $@ && rm -f $@.new || mv $@.new $@

$(B)/libk.a: $(KLIB_OBJS)
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(B)/kernel.elf: $(KERNEL_OBJS) $(KERNEL_COMP_OBJS) $(B)/libk.a common/arch/kernel.ld \
		$(B)/components-text.ld $(B)/components-data.ld $(B)/link.list
	@echo "  LD    $@"
	$(Q)$(LD) -m elf_i386 -z noexecstack -L $(B) -T common/arch/kernel.ld -o $@ \
	  $(KERNEL_OBJS) $(KERNEL_COMP_OBJS) $(B)/libk.a

kernel: $(B)/kernel.elf

# --- User programs (the same files for both kernels) -----------------------
include user/user.mk
include user/inject/inject.mk

# --- The bootable ISO -----------------------------------------------------
# GRUB loads the kernel, the initial ramdisk of programs, and the kernel's
# own ELF again as "ksyms" (for function names in fault reports); the micro
# kernel also gets its servers. A module's name is the word after its path.
ISO_MODULES := /boot/initrd.tar initrd|/boot/kernel.elf ksyms
ISO_FILES := $(B)/kernel.elf $(USER_INITRD)
include micro/servers.mk

# Rewritten only when its text changes (a component added, say), so the ISO
# is rebuilt exactly when needed.
$(B)/iso/boot/grub/grub.cfg: FORCE | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(Q){ echo 'set timeout=0'; echo 'set default=0'; \
	  echo 'menuentry "teachos $(KERNEL)" {'; \
	  echo '  multiboot /boot/kernel.elf'; \
	  echo '$(ISO_MODULES)' | tr '|' '\n' | sed 's/^ *//; s/ *$$//; s/^/  module /'; \
	  echo '  boot'; echo '}'; } > $@.new
	$(Q)cmp -s $@.new $@ && rm -f $@.new || mv $@.new $@

$(B)/os.iso: $(ISO_FILES) $(B)/iso/boot/grub/grub.cfg
	@echo "  ISO   $@"
	$(Q)cp $(ISO_FILES) $(B)/iso/boot/
	$(Q)grub-mkrescue -o $@ $(B)/iso >$(B)/grub-mkrescue.log 2>&1 || \
	  { cat $(B)/grub-mkrescue.log; exit 1; }

iso: $(B)/os.iso

# --- The disk ---------------------------------------------------------------
# One ext2 image for both kernels, kept between boots (tools/mkdisk.sh
# refreshes its /bin in place). `make disk` makes it anew on purpose.
DISK ?= build/disk.img
disk-update: $(USER_PROGS) | $(DEPS_STAMP)
	$(Q)sh tools/mkdisk.sh $(DISK) build/user/bin
disk: $(USER_PROGS) | $(DEPS_STAMP)
	$(Q)sh tools/mkdisk.sh $(DISK) build/user/bin fresh

# --- Running ----------------------------------------------------------------
# The serial console is the terminal; isa-debug-exit lets `poweroff` end
# QEMU (status 1 is a clean poweroff, 3 a kernel panic). The disk is the
# primary IDE master; the CD the GRUB ISO boots from is on the secondary.
DISK_FLAGS = -drive file=$(DISK),format=raw,if=ide,index=0,media=disk
# The network (NET=1, the default): an e1000 on QEMU's user networking with
# restrict=on, so the guest reaches nothing outside; the host reaches its
# web server, TCP and UDP echo ports through 127.0.0.1 only. PCAP=file
# writes the traffic to a pcap file.
NET_FWD = hostfwd=tcp:127.0.0.1:$(HTTP_PORT)-:80 hostfwd=tcp:127.0.0.1:$(ECHO_PORT)-:7 \
	hostfwd=udp:127.0.0.1:$(ECHO_PORT)-:7
NET_FLAGS = -netdev user,id=net0,restrict=on,$(subst $() ,$(comma),$(strip $(NET_FWD))) \
	-device e1000,netdev=net0 \
	$(if $(PCAP),-object filter-dump$(comma)id=dump0$(comma)netdev=net0$(comma)file=$(PCAP))
NET_HELLO = The guest is 10.0.2.15. From this machine: its httpd (type httpd 80) at \
http://127.0.0.1:$(HTTP_PORT)/, its tcpecho (type tcpecho 7) with nc 127.0.0.1 $(ECHO_PORT). \
ping and UDP replies need a tap device: see docs/06-network.md.
QEMU_FLAGS = -cdrom $(B)/os.iso -m $(MEM) -no-reboot $(DISK_FLAGS) \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 $(if $(filter 1,$(NET)),$(NET_FLAGS)) \
	$(if $(filter 1,$(GUI)),-serial mon:stdio,-display none -serial mon:stdio) $(EXTRA_QEMU)

run: iso disk-update
	@echo "Booting the $(KERNEL) kernel in QEMU. Quit: type poweroff, or Ctrl-A then X."
	$(if $(filter 1,$(NET)),@echo "$(NET_HELLO)")
	$(Q)$(QEMU) $(QEMU_FLAGS); s=$$?; [ $$s -eq 0 ] || [ $$s -eq 1 ] || \
	  { case $$s in 3) why="a kernel panic";; 5) why="init could not start a shell";; \
	    *) why="see its messages above";; esac; \
	    echo "QEMU exited with status $$s: $$why"; exit $$s; }

qemu-gdb: iso disk-update
	@echo "QEMU waits for GDB on localhost:1234. In another terminal: make gdb KERNEL=$(KERNEL)"
	$(Q)$(QEMU) $(QEMU_FLAGS) -S -gdb tcp::1234

gdb:
	gdb -q -ex 'file $(B)/kernel.elf' -x tools/gdbinit

bochs: iso disk-update
	$(Q)sh tools/bochs.sh $(B)/os.iso --disk $(DISK)

# The whole guest suite in Bochs, mono and micro (make test runs the
# quicker part of it): tools/bochs-tests.sh.
bochs-test: $(DEPS_STAMP)
	$(Q)$(MAKE) --no-print-directory KERNEL=mono iso
	$(Q)$(MAKE) --no-print-directory KERNEL=micro iso
	$(Q)$(MAKE) --no-print-directory disk-update
	$(Q)DISK=$(DISK) sh tools/bochs-tests.sh mono micro

# --- Tests ------------------------------------------------------------------
include tests/host/host.mk
include bench/bench.mk
include tools/faultlab.mk
include labs/labs.mk

# The guest tests run on a fresh copy of the disk image, never on it.
test: $(DEPS_STAMP)
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory disk-update
	$(Q)$(MAKE) --no-print-directory $(HOST_TEST_BINS)
	$(Q)DISK=$(DISK) sh tools/run-tests.sh

# Random system calls (user/tests/sysfuzz.c): two million a kernel, then
# the system and its disk must be whole (tools/fuzz-sys.sh); make test runs
# 100000 a kernel.
fuzz-sys: all disk-update | $(DEPS_STAMP)
	$(Q)sh tools/fuzz-sys.sh $(DISK) mono micro hybrid

guest-tests: iso disk-update
	$(Q)HOST=0 BOCHS=0 BENCH=0 DISK=$(DISK) $(if $(filter l4,$(IPC)),KERNELS=$(VARIANT) VARIANTS=,\
	  KERNELS=' ' VARIANTS=$(VARIANT) POWERLOSS=0) sh tools/run-tests.sh

# Power cuts in the middle of a workload that syncs, on both kernels: every
# synced byte must survive (tools/powerloss.py). make test runs 5 a kernel.
TRIALS ?= 20
powerloss: $(DEPS_STAMP)
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory disk-update
	$(Q)python3 tools/powerloss.py --disk $(DISK) --trials $(TRIALS)

# Lines of C and assembly that run in ring 0, per kernel, by folder; read
# from the linked images' debug information, not from a list.
tcb: all
	$(Q)python3 tools/tcb.py build/mono build/micro build/hybrid build/micro-mach

compile_commands.json: FORCE
	$(Q)python3 tools/compile-commands.py > $@
FORCE:

clean:
	rm -rf build/mono build/micro build/hybrid build/*-nofastpath build/*-noasm build/*-mach build/comp build/srv \
	  build/user build/host

distclean:
	rm -rf build compile_commands.json

help:
	@echo "make run [KERNEL=mono|micro|hybrid] [GUI=1] [NET=0]  boot in QEMU, serial console here"
	@echo "make all          build the kernels (build/mono/, build/micro/, build/hybrid/, build/micro-mach/, build/micro-noasm/)"
	@echo "make iso          build build/\$$KERNEL/os.iso"
	@echo "make test         host unit tests + guest tests of every kernel"
	@echo "make host-tests   only the cmocka host tests"
	@echo "make guest-tests  only the guest tests of \$$KERNEL (with IPC=mach: the guest suite only)"
	@echo "make powerloss [TRIALS=n]  power cuts during a workload, both kernels"
	@echo "make faultlab [QUICK=1] [COMPONENT=..] [FAULTS=..] [TRIALS=n] [SEED=n] [KERNEL=..]  fault-injection campaign"
	@echo "make bochs-test   the whole guest suite in Bochs, mono and micro"
	@echo "make fuzz-sys     two million random system calls on each kernel"
	@echo "make fuzz-fs, make fuzz-net   the host fuzzers of the file system and network, long"
	@echo "make bench [QUICK=1] [MODE=icount|tcg|kvm]  benchmarks, plots, summary"
	@echo "make qemu-gdb     QEMU halted, waiting for GDB; then make gdb"
	@echo "make bochs        boot the ISO in Bochs"
	@echo "make lab-start LAB=n DIR=path   a student's starter tree (labs/README.md)"
	@echo "make grade LAB=n [GRADE_TIMEOUT=s]   a lab's tests on both kernels, with points"
	@echo "make disk         a fresh disk image (build/disk.img); files on the old one are lost"
	@echo "make tcb          lines of code in ring 0: mono, micro and the hybrid"
	@echo "make compile_commands.json   for clangd"
	@echo "make clean        remove build products"

-include $(KERNEL_OBJS:.o=.d) $(KLIB_OBJS:.o=.d)
