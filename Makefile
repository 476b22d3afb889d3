# One tree, two kernels. `make run` boots KERNEL (config.mk) in QEMU;
# `make test` builds both kernels and runs every test. Objects go to
# build/<kernel>/, so switching KERNEL never needs `make clean`.
# `make help` lists the targets.

include config.mk

ifneq ($(filter-out mono micro,$(KERNEL)),)
$(error KERNEL must be mono or micro, not '$(KERNEL)')
endif

B := build/$(KERNEL)
Q := $(if $(filter 1,$(V)),,@)

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
	common/kern/*.c common/kern/*.S common/klib/*.c common/lib/*.c))
# Components: each directory under drivers/ is one, and fs/ and net/ are
# one each. The component-side helpers of common/comp/ go wherever a
# component goes. net/ holds its protocol core before its component glue:
# it becomes a component once one of its files declares the manifest
# (COMPONENT(...)); until then only the host tests build it
# (tests/host/host.mk also compiles it with the guest's flags).
COMP_DIRS := $(sort $(dir $(wildcard drivers/*/*.c)) $(if $(wildcard fs/*.c),fs/) \
	$(if $(shell grep -l '^COMPONENT.' net/*.c 2>/dev/null),net/))
COMP_SRCS := $(sort $(foreach d,$(COMP_DIRS),$(wildcard $(d)*.c)) $(wildcard common/comp/*.c))
MONO_SRCS := $(sort $(wildcard mono/*.c mono/*.S))
MICRO_SRCS := $(sort $(wildcard micro/*.c micro/*.S))

ifeq ($(KERNEL),mono)
KERNEL_SRCS := $(SHARED_SRCS) $(COMP_SRCS) $(MONO_SRCS)
KCPPFLAGS := -Imono
else
KERNEL_SRCS := $(SHARED_SRCS) $(MICRO_SRCS)
KCPPFLAGS := -Imicro
endif

obj = $(patsubst %,$(B)/obj/%.o,$(basename $(1)))
KERNEL_OBJS := $(call obj,$(KERNEL_SRCS))

.DEFAULT_GOAL := iso
.PHONY: all iso kernel run qemu-gdb gdb bochs test host-tests guest-tests help clean \
	distclean deps tcb disk disk-update

all:
	$(Q)$(MAKE) --no-print-directory KERNEL=mono iso
	$(Q)$(MAKE) --no-print-directory KERNEL=micro iso

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
$(B)/obj/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC    $<"
	$(Q)$(CC) $(GUEST_CFLAGS) $(GUEST_CPPFLAGS) $(KCPPFLAGS) -c $< -o $@

$(B)/obj/%.o: %.S | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  AS    $<"
	$(Q)$(CC) -m32 $(DEBUG) $(GUEST_CPPFLAGS) $(KCPPFLAGS) -c $< -o $@

# The component sections of the linker script (common/arch/kernel.ld): in
# mono, for each component folder, its code and its data between symbols
# that mark their bounds; in micro, nothing. The zeroed data (bss) gets a
# section of its own, so that it takes no room in the file.
comp_name = $(subst /,_,$(patsubst %/,%,$(1)))
comp_inputs_text = .text .text.*
comp_inputs_data = .rodata .rodata.* .data .data.*
comp_inputs_bss = .bss .bss.* COMMON
comp_section = .comp.$(call comp_name,$(2)).$(1) : AT(ADDR(.comp.$(call comp_name,$(2)).$(1)) - KERNBASE) { __comp_$(call comp_name,$(2))_$(1)_start = .; *$(2)*($(comp_inputs_$(1))) __comp_$(call comp_name,$(2))_$(1)_end = .; }

comp_kinds_text = text
comp_kinds_data = data bss
$(B)/components-%.ld: FORCE
	@mkdir -p $(dir $@)
	$(Q)printf '%s\n' '/* Written by the Makefile: see common/arch/kernel.ld. */' \
	  $(if $(filter mono,$(KERNEL)),$(foreach k,$(comp_kinds_$*),$(foreach d,$(COMP_DIRS),'$(call comp_section,$(k),$(d))'))) \
	  > $@.new
	$(Q)cmp -s $@.new $@ && rm -f $@.new || mv $@.new $@

$(B)/kernel.elf: $(KERNEL_OBJS) common/arch/kernel.ld $(B)/components-text.ld \
		$(B)/components-data.ld
	@echo "  LD    $@"
	$(Q)$(LD) -m elf_i386 -z noexecstack -L $(B) -T common/arch/kernel.ld -o $@ $(KERNEL_OBJS)

kernel: $(B)/kernel.elf

# --- User programs (the same files for both kernels) -----------------------
include user/user.mk

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
QEMU_FLAGS = -cdrom $(B)/os.iso -m $(MEM) -no-reboot $(DISK_FLAGS) \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	$(if $(filter 1,$(GUI)),-serial mon:stdio,-display none -serial mon:stdio) $(EXTRA_QEMU)

run: iso disk-update
	@echo "Booting the $(KERNEL) kernel in QEMU. Quit: type poweroff, or Ctrl-A then X."
	$(Q)$(QEMU) $(QEMU_FLAGS); s=$$?; [ $$s -eq 0 ] || [ $$s -eq 1 ] || \
	  { echo "QEMU exited with status $$s (3 = kernel panic)"; exit $$s; }

qemu-gdb: iso disk-update
	@echo "QEMU waits for GDB on localhost:1234. In another terminal: make gdb KERNEL=$(KERNEL)"
	$(Q)$(QEMU) $(QEMU_FLAGS) -S -gdb tcp::1234

gdb:
	gdb -q -ex 'file $(B)/kernel.elf' -x tools/gdbinit

bochs: iso disk-update
	$(Q)sh tools/bochs.sh $(B)/os.iso --disk $(DISK)

# --- Tests ------------------------------------------------------------------
include tests/host/host.mk
include bench/bench.mk

# The guest tests run on a fresh copy of the disk image, never on it.
test: $(DEPS_STAMP)
	$(Q)$(MAKE) --no-print-directory all
	$(Q)$(MAKE) --no-print-directory disk-update
	$(Q)$(MAKE) --no-print-directory $(HOST_TEST_BINS)
	$(Q)DISK=$(DISK) sh tools/run-tests.sh

guest-tests: iso disk-update
	$(Q)HOST=0 BOCHS=0 BENCH=0 KERNELS=$(KERNEL) DISK=$(DISK) sh tools/run-tests.sh

# Lines of C and assembly that run in ring 0, per kernel, by folder; read
# from the linked images' debug information, not from a list.
tcb: all
	$(Q)python3 tools/tcb.py build/mono build/micro

compile_commands.json: FORCE
	$(Q)python3 tools/compile-commands.py > $@
FORCE:

clean:
	rm -rf build/mono build/micro build/user build/host

distclean:
	rm -rf build compile_commands.json

help:
	@echo "make run [KERNEL=mono|micro] [GUI=1]  boot in QEMU, serial console here"
	@echo "make all          build both kernels (build/mono/, build/micro/)"
	@echo "make iso          build build/\$$KERNEL/os.iso"
	@echo "make test         host unit tests + guest tests of both kernels"
	@echo "make host-tests   only the cmocka host tests"
	@echo "make guest-tests  only the guest tests of \$$KERNEL"
	@echo "make qemu-gdb     QEMU halted, waiting for GDB; then make gdb"
	@echo "make bochs        boot the ISO in Bochs"
	@echo "make disk         a fresh disk image (build/disk.img); files on the old one are lost"
	@echo "make tcb          lines of code in ring 0, mono vs micro"
	@echo "make compile_commands.json   for clangd"
	@echo "make clean        remove build products"

-include $(KERNEL_OBJS:.o=.d)
