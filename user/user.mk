# user/user.mk: libc, the programs and the initial ramdisk.
#
# Included by the top-level Makefile (paths are relative to the repository
# root), or run alone:  make -f user/user.mk user
#
# Defines USER_PROGS (build/user/bin/<name>), USER_INITRD (a ustar archive
# with entries bin/<name>, the kernel's initial ramdisk) and the phony
# targets user and user-clean. Every variable and target here starts with
# USER_ or user so that the including Makefile keeps its own names.

USER_STANDALONE := $(if $(filter 1,$(words $(MAKEFILE_LIST))),1)
USER_SAVED_GOAL := $(.DEFAULT_GOAL)

ifeq ($(origin CC),default)
CC := gcc
endif

USER_BUILD := build/user
USER_OBJ := $(USER_BUILD)/obj
USER_GEN := $(USER_OBJ)/gen
USER_Q := $(if $(filter 1,$(V)),,@)

# -nostdinc with only the compiler's own freestanding headers (stdint.h,
# stdarg.h, ...) on the system path: a host libc header can never slip in.
# -march=i686 and -mgeneral-regs-only: the kernels save no FPU or SSE
# state, so user code must not touch those registers (a float is a compile
# error). Frame pointers let the kernel's fault reports walk the stack.
# OPT, DEBUG and WERROR of config.mk apply when the top-level Makefile sets
# them; alone, -O2 -g -Werror.
USER_OPT := $(if $(filter undefined,$(origin OPT)),-O2,$(OPT))
USER_DEBUG := $(if $(filter undefined,$(origin DEBUG)),-g,$(DEBUG))
USER_WERROR := $(if $(filter 0,$(WERROR)),,-Werror)
USER_CFLAGS := -m32 -march=i686 -ffreestanding -fno-builtin -nostdlib -fno-pic -fno-pie \
	-fno-stack-protector -fno-asynchronous-unwind-tables -fno-omit-frame-pointer \
	-mgeneral-regs-only $(USER_OPT) $(USER_DEBUG) -std=gnu11 -Wall -Wextra $(USER_WERROR)
USER_CPPFLAGS := -nostdinc -isystem $(shell $(CC) -m32 -print-file-name=include) \
	-Icommon/include -Iuser/include -MMD -MP
USER_LDFLAGS := -m32 -nostdlib -static -no-pie -Wl,-T,user/user.ld -Wl,--build-id=none \
	-Wl,-z,max-page-size=4096
# 64-bit division in klib's printf (%llu) calls libgcc's helpers.
USER_LIBGCC := $(shell $(CC) -m32 -print-libgcc-file-name)

# libc: its own sources plus the shared klib and heap, compiled for ring 3.
USER_LIBC_SRCS := $(sort $(wildcard user/libc/*.c)) $(sort $(wildcard common/klib/*.c)) \
	$(wildcard common/lib/heap.c)
USER_LIBC_OBJS := $(patsubst user/libc/%.c,$(USER_OBJ)/libc/%.o,\
	$(patsubst common/klib/%.c,$(USER_OBJ)/klib/%.o,\
	$(patsubst common/lib/%.c,$(USER_OBJ)/lib/%.o,$(USER_LIBC_SRCS))))
USER_CRT0 := $(USER_OBJ)/libc/crt0.o
USER_LIBC := $(USER_OBJ)/libc.a

# Programs: one source file each. Tests are installed beside the others.
# Alone, every program but the fault injector: its table is made from the
# components' objects (user/inject/inject.mk, the top-level Makefile's).
USER_BIN_SRCS := $(filter-out $(if $(USER_STANDALONE),user/bin/inject.c),\
	$(sort $(wildcard user/bin/*.c)))
USER_TEST_SRCS := $(sort $(wildcard user/tests/*.c))
USER_BIN_PROGS := $(patsubst user/bin/%.c,$(USER_BUILD)/bin/%,$(USER_BIN_SRCS))
USER_TEST_PROGS := $(patsubst user/tests/%.c,$(USER_BUILD)/bin/%,$(USER_TEST_SRCS))
USER_PROGS := $(USER_BIN_PROGS) $(USER_TEST_PROGS)

# Benchmarks (bench/*.c, one program each, for `make bench`): built and
# installed exactly like the tests, so they are in the ramdisk and on the disk.
USER_BENCH_SRCS := $(sort $(wildcard bench/*.c))
USER_BENCH_PROGS := $(patsubst bench/%.c,$(USER_BUILD)/bin/%,$(USER_BENCH_SRCS))
USER_PROGS += $(USER_BENCH_PROGS)

$(USER_OBJ)/bench/%.o: bench/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(USER_Q)$(CC) $(USER_CFLAGS) $(USER_CPPFLAGS) -c -o $@ $<

$(USER_BENCH_PROGS): $(USER_BUILD)/bin/%: $(USER_OBJ)/bench/%.o $(USER_CRT0) $(USER_LIBC) user/user.ld
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(USER_Q)$(CC) $(USER_LDFLAGS) -o $@ $(USER_CRT0) $< $(USER_LIBC) $(USER_LIBGCC)

-include $(patsubst bench/%.c,$(USER_OBJ)/bench/%.d,$(USER_BENCH_SRCS))
USER_INITRD := $(USER_BUILD)/initrd.tar

# The shell's help text, made from the first line of every program source.
USER_PROGLIST := $(USER_GEN)/programs.h

USER_DEPS := $(USER_LIBC_OBJS:.o=.d) $(USER_CRT0:.o=.d) \
	$(patsubst user/%.c,$(USER_OBJ)/%.d,$(USER_BIN_SRCS) $(USER_TEST_SRCS))

.PHONY: user user-clean
user: $(USER_PROGS) $(USER_INITRD)

user-clean:
	rm -rf $(USER_BUILD)

# Stems are short here, so these rules win over any generic %.o rule of the
# including Makefile.
$(USER_OBJ)/libc/%.o: user/libc/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(USER_Q)$(CC) $(USER_CFLAGS) $(USER_CPPFLAGS) -c -o $@ $<

$(USER_OBJ)/libc/%.o: user/libc/%.S
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(USER_Q)$(CC) $(USER_CFLAGS) $(USER_CPPFLAGS) -c -o $@ $<

$(USER_OBJ)/klib/%.o: common/klib/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(USER_Q)$(CC) $(USER_CFLAGS) $(USER_CPPFLAGS) -c -o $@ $<

$(USER_OBJ)/lib/%.o: common/lib/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(USER_Q)$(CC) $(USER_CFLAGS) $(USER_CPPFLAGS) -c -o $@ $<

$(USER_OBJ)/bin/%.o: user/bin/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(USER_Q)$(CC) $(USER_CFLAGS) $(USER_CPPFLAGS) -I$(USER_GEN) -c -o $@ $<

$(USER_OBJ)/tests/%.o: user/tests/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(USER_Q)$(CC) $(USER_CFLAGS) $(USER_CPPFLAGS) -c -o $@ $<

$(USER_OBJ)/bin/sh.o: $(USER_PROGLIST)

$(USER_PROGLIST): user/mkproglist.sh $(USER_BIN_SRCS) $(USER_TEST_SRCS)
	@mkdir -p $(@D)
	@echo "  GEN     $@"
	$(USER_Q)sh user/mkproglist.sh $(USER_BIN_SRCS) -- $(USER_TEST_SRCS) > $@.tmp
	$(USER_Q)mv $@.tmp $@

$(USER_LIBC): $(USER_LIBC_OBJS)
	@echo "  AR      $@"
	$(USER_Q)rm -f $@
	$(USER_Q)$(AR) rcs $@ $^

USER_LINK = $(CC) $(USER_LDFLAGS) -o $@ $(USER_CRT0) $< $(USER_LIBC) $(USER_LIBGCC)

$(USER_BIN_PROGS): $(USER_BUILD)/bin/%: $(USER_OBJ)/bin/%.o $(USER_CRT0) $(USER_LIBC) user/user.ld
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(USER_Q)$(USER_LINK)

$(USER_TEST_PROGS): $(USER_BUILD)/bin/%: $(USER_OBJ)/tests/%.o $(USER_CRT0) $(USER_LIBC) user/user.ld
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(USER_Q)$(USER_LINK)

# Fixed owner, mode and time, and sorted names: the same programs always
# give the same archive. Only files, no directory entries.
$(USER_INITRD): $(USER_PROGS)
	@echo "  TAR     $@"
	$(USER_Q)tar --format=ustar --owner=0 --group=0 --numeric-owner --mode=0755 \
		--mtime=@0 --sort=name -cf $@ -C $(USER_BUILD) $(patsubst $(USER_BUILD)/%,%,$^)

-include $(USER_DEPS)

.DEFAULT_GOAL := $(if $(USER_STANDALONE),user,$(USER_SAVED_GOAL))
