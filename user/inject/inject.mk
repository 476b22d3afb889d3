# The fault injector (/bin/inject): its plan table is made on the host
# from every component's object (tools/faultsites.py; the objects are the
# ones both kernels link, so the table is right for every kernel) and
# linked into the program with the planner (user/inject/plan.c).
# Included by the top-level Makefile after user/user.mk (it needs CB and
# COMP_NAMES).
INJECT_TABLE := $(USER_GEN)/faultsites.c
INJECT_OBJS := $(USER_OBJ)/inject/plan.o $(USER_OBJ)/inject/faultsites.o

$(INJECT_TABLE): tools/faultsites.py $(patsubst %,$(CB)/%.o,$(COMP_NAMES))
	@mkdir -p $(@D)
	@echo "  GEN     $@"
	$(USER_Q)python3 tools/faultsites.py --objdump $(or $(OBJDUMP),objdump) --out $@ \
		$(filter %.o,$^)

$(USER_OBJ)/inject/plan.o: user/inject/plan.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(USER_Q)$(CC) $(USER_CFLAGS) $(USER_CPPFLAGS) -c -o $@ $<

$(USER_OBJ)/inject/faultsites.o: $(INJECT_TABLE)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(USER_Q)$(CC) $(USER_CFLAGS) $(USER_CPPFLAGS) -Iuser/inject -c -o $@ $<

$(USER_BUILD)/bin/inject: $(INJECT_OBJS)
$(USER_BUILD)/bin/inject: USER_LINK = $(CC) $(USER_LDFLAGS) -o $@ $(USER_CRT0) $< \
	$(INJECT_OBJS) $(USER_LIBC) $(USER_LIBGCC)

-include $(USER_OBJ)/inject/plan.d
