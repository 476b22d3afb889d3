#!/bin/sh
# Runs host unit test binaries (cmocka) and sums up their results.
#
#     tools/run-host-tests.sh [BINARY...]
#
# Without arguments it runs build/host/test_*. Each binary's output is shown
# as it is; the last line is "N passed, N failed", counted from cmocka's
# summary lines. A binary that dies before printing a summary (a sanitizer
# report, a crash) counts as one failure, as does one that exits non-zero
# without reporting a failed test (e.g. a leak found at exit). The exit status
# is non-zero if anything failed. Paths are relative to the repository root.

cd "$(dirname "$0")/.." || exit 2

if [ $# -eq 0 ]; then
	set -- build/host/test_*
fi

# Insist on cmocka's standard output format, so that a CMOCKA_MESSAGE_OUTPUT
# in the environment (TAP, XML...) cannot change what we parse.
CMOCKA_MESSAGE_OUTPUT=stdout
export CMOCKA_MESSAGE_OUTPUT

log=$(mktemp) || exit 2
trap 'rm -f "$log"' EXIT
passed=0
failed=0

for bin in "$@"; do
	if [ ! -x "$bin" ]; then
		echo "run-host-tests: $bin: not found or not executable"
		failed=$((failed + 1))
		continue
	fi
	echo "== $bin"
	"$bin" >"$log" 2>&1
	rc=$?
	cat "$log"
	# The summaries read "[  PASSED  ] 5 test(s)." and "[  FAILED  ] 1
	# test(s), listed below:". cmocka writes them to stderr and the rest to
	# stdout, so one may land in the middle of a line of the other: match
	# them anywhere in a line.
	p=$(sed -n 's/.*\[  PASSED  \] \([0-9][0-9]*\) test(s)\..*/\1/p' "$log" |
		awk '{ n += $1 } END { print n + 0 }')
	f=$(sed -n 's/.*\[  FAILED  \] \([0-9][0-9]*\) test(s), listed below:.*/\1/p' "$log" |
		awk '{ n += $1 } END { print n + 0 }')
	if ! grep -q '\[  PASSED  \] [0-9][0-9]* test(s)\.' "$log"; then
		echo "run-host-tests: $bin: no cmocka summary (exit status $rc)"
		f=$((f + 1))
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "run-host-tests: $bin: exit status $rc"
		f=$((f + 1))
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
