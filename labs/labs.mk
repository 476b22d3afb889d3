# labs/labs.mk: the labs' targets, included by the top-level Makefile.
#
#   make lab-start LAB=n DIR=path   a student's starter tree for lab n
#   make grade LAB=n                the lab's tests on both kernels, with points
#                                   (GRADE_TIMEOUT=s per command; GRADE_KERNELS=mono)
#   make labs-check                 every grader: full marks on this tree, less
#                                   on the starter trees (make test runs it)

GRADE_TIMEOUT ?= 60
.PHONY: lab-start grade labs-check

lab-start:
	$(Q)python3 labs/lab-start.py --lab '$(LAB)' --dir '$(DIR)'

grade: | $(DEPS_STAMP)
	$(Q)test -n '$(LAB)' || { echo "make grade: say which lab: make grade LAB=n"; exit 2; }
	$(Q)GRADE_TIMEOUT='$(GRADE_TIMEOUT)' python3 labs/grade.py '$(LAB)' \
	  $(if $(GRADE_KERNELS),--kernels '$(GRADE_KERNELS)')

labs-check: | $(DEPS_STAMP)
	$(Q)python3 labs/check.py
