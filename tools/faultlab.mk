# tools/faultlab.mk: `make faultlab`, the fault-injection campaign
# (tools/faultlab.py, docs/05-fault-injection.md). Included by the
# top-level Makefile after bench/bench.mk (QUICK comes from there).
#
#   make faultlab                     both kernels, every component with a
#                                     workload, every fault type, 10 seeds
#   make faultlab COMPONENT=ata FAULTS="crash hang" TRIALS=100 SEED=1 KERNEL=micro
#   make faultlab QUICK=1             the small campaign make test runs
#                                     (about a minute), then its check
#
# build/host/inject_plan (the injector's planner built for the host) names
# the site of a trial whose guest died before printing it.
# Results go to build/faultlab/ (results.csv, summary.md, the plots,
# index.html, lesson.csv); a campaign stopped with Ctrl-C goes on where it
# stopped when run again with the same settings. QUICK=1 writes to
# build/faultlab-quick/ and starts afresh every time, so that its check
# judges that run alone.

.PHONY: faultlab faultlab-check

# KERNEL has a default in config.mk: only one given on purpose narrows
# the campaign. TRIALS has the power cuts' default in the Makefile, read
# later: only a TRIALS given here counts.
FL_KERNELS := $(if $(filter command line environment,$(origin KERNEL)),$(KERNEL),mono micro)
FL_QUICK := $(filter 1,$(QUICK))
FL_TRIALS := $(if $(filter command line environment,$(origin TRIALS)),$(TRIALS),$(if $(FL_QUICK),2,10))
FL_OUT := build/faultlab$(if $(FL_QUICK),-quick)
FL_ARGS := $(foreach k,$(FL_KERNELS),--kernel $(k)) $(foreach c,$(COMPONENT),--component $(c)) \
	$(foreach f,$(FAULTS),--fault $(f)) --trials $(FL_TRIALS) --seed $(or $(SEED),1) \
	--out $(FL_OUT) --disk $(DISK) $(if $(FL_QUICK),--quick)

faultlab: $(DEPS_STAMP)
	$(Q)$(foreach k,$(FL_KERNELS),$(MAKE) --no-print-directory KERNEL=$(k) iso &&) true
	$(Q)$(MAKE) --no-print-directory disk-update build/host/inject_plan
	$(Q)$(if $(FL_QUICK),rm -rf $(FL_OUT))
	$(Q)python3 tools/faultlab.py run $(FL_ARGS)
	$(Q)python3 tools/faultlab.py lesson $(foreach k,$(FL_KERNELS),--kernel $(k)) \
	  --trials $(if $(FL_QUICK),2,10) --seed $(or $(SEED),1) --out $(FL_OUT) --disk $(DISK)
	$(Q)$(if $(FL_QUICK),python3 tools/faultlab.py check --out $(FL_OUT))

faultlab-check:
	$(Q)python3 tools/faultlab.py check --out $(FL_OUT)
