# The micro kernel's boot servers: one ring-3 ELF per component directory
# (drivers/*/, fs/*/, net/*/), made of the component's own objects (the
# same sources mono links into ring 0), the server runtime and the user
# libc. GRUB loads each as a module named srv:<name>.

SERVER_NAMES := $(notdir $(patsubst %/,%,$(COMP_DIRS)))
SERVER_ELFS := $(patsubst %,build/micro/srv/%,$(SERVER_NAMES))
SRV_OBJ := build/micro/srvobj
SRV_COMMON_OBJS := $(patsubst %.c,$(SRV_OBJ)/%.o,$(wildcard micro/runtime/*.c common/comp/*.c))

$(SRV_OBJ)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC    $< (server)"
	$(Q)$(CC) $(GUEST_CFLAGS) $(GUEST_CPPFLAGS) -Iuser/include -c $< -o $@

# $(1): the component's directory, e.g. drivers/console/
define server_rule
build/micro/srv/$(notdir $(patsubst %/,%,$(1))): $(patsubst %.c,$(SRV_OBJ)/%.o,$(wildcard $(1)*.c)) \
		$(SRV_COMMON_OBJS) $(USER_CRT0) $(USER_LIBC) user/user.ld
	@mkdir -p $$(dir $$@)
	@echo "  LD    $$@"
	$(Q)$(CC) $(USER_LDFLAGS) -o $$@ $(USER_CRT0) \
		$(patsubst %.c,$(SRV_OBJ)/%.o,$(wildcard $(1)*.c)) $(SRV_COMMON_OBJS) $(USER_LIBC) \
		$(USER_LIBGCC)
endef
$(foreach d,$(COMP_DIRS),$(eval $(call server_rule,$(d))))

# The reincarnation server is micro's own, not a component: it is built
# from micro/rs/ and started first, so it watches every server after it.
RS_OBJS := $(patsubst %.c,$(SRV_OBJ)/%.o,$(wildcard micro/rs/*.c))
build/micro/srv/rs: $(RS_OBJS) $(USER_CRT0) $(USER_LIBC) user/user.ld
	@mkdir -p $(dir $@)
	@echo "  LD    $@"
	$(Q)$(CC) $(USER_LDFLAGS) -o $@ $(USER_CRT0) $(RS_OBJS) $(USER_LIBC) $(USER_LIBGCC)

ifeq ($(KERNEL),micro)
ISO_FILES += build/micro/srv/rs $(SERVER_ELFS)
ISO_MODULES := $(ISO_MODULES)|/boot/rs srv:rs$(foreach n,$(SERVER_NAMES),|/boot/$(n) srv:$(n))
endif

-include $(SRV_COMMON_OBJS:.o=.d) $(RS_OBJS:.o=.d) \
	$(patsubst %.c,$(SRV_OBJ)/%.d,$(foreach d,$(COMP_DIRS),$(wildcard $(d)*.c)))
