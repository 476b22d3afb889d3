# The servers: one ring-3 ELF per component (build/srv/NAME), made of the
# component's object (build/comp/NAME.o, the very object a kernel placement
# links into ring 0), the server runtime and the user libc; and the
# reincarnation server. GRUB loads each server the placement asks for as a
# module named srv:NAME. The ELF files are the same for every kernel.

SRV := build/srv
SRV_OBJ := $(SRV)/obj
SRV_RUNTIME_OBJS := $(patsubst %.c,$(SRV_OBJ)/%.o,$(wildcard micro/runtime/*.c))

$(SRV_OBJ)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC    $< (server)"
	$(Q)$(CC) $(GUEST_CFLAGS) $(GUEST_CPPFLAGS) -Iuser/include -c $< -o $@

# The named bounds of the component, aliases of the generic ones that
# micro/runtime/server.ld defines.
srv_bounds = $(foreach k,text rodata data bss,$(foreach e,start end,\
	-Wl,--defsym=__comp_$(1)_$(k)_$(e)=__comp_$(k)_$(e)))

# $(1): the component's name
define server_rule
$(SRV)/$(1): $(CB)/$(1).o $(SRV_RUNTIME_OBJS) $(USER_CRT0) $(USER_LIBC) micro/runtime/server.ld
	@mkdir -p $$(dir $$@)
	@echo "  LD    $$@"
	$(Q)$(CC) $(filter-out -Wl$(comma)-T$(comma)user/user.ld,$(USER_LDFLAGS)) \
		-Wl,-T,micro/runtime/server.ld $(call srv_bounds,$(1)) -o $$@ $(USER_CRT0) \
		$(CB)/$(1).o $(SRV_RUNTIME_OBJS) $(USER_LIBC) $(USER_LIBGCC)
endef

$(foreach c,$(COMP_NAMES),$(eval $(call server_rule,$(c))))

# The reincarnation server is the server host's own, not a component: it is
# built from micro/rs/ and started first, so it watches every server after it.
RS_OBJS := $(patsubst %.c,$(SRV_OBJ)/%.o,$(wildcard micro/rs/*.c))
$(SRV)/rs: $(RS_OBJS) $(USER_CRT0) $(USER_LIBC) user/user.ld
	@mkdir -p $(dir $@)
	@echo "  LD    $@"
	$(Q)$(CC) $(USER_LDFLAGS) -o $@ $(USER_CRT0) $(RS_OBJS) $(USER_LIBC) $(USER_LIBGCC)

SERVER_ELFS := $(patsubst %,$(SRV)/%,$(SERVER_COMPS))
ifneq ($(SERVER_COMPS),)
ISO_FILES += $(SRV)/rs $(SERVER_ELFS)
ISO_MODULES := $(ISO_MODULES)|/boot/rs srv:rs$(foreach n,$(SERVER_COMPS),|/boot/$(n) srv:$(n))
endif

-include $(SRV_RUNTIME_OBJS:.o=.d) $(RS_OBJS:.o=.d)
