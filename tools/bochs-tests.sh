#!/bin/sh
# The guest suite in Bochs (tools/bochs-test.py), for each kernel named:
#
#   tools/bochs-tests.sh [--quick] KERNEL...
#
# Each kernel gets the lists tools/run-tests.sh gives QEMU: tests.txt,
# faults.txt, then fs.txt and fs-faults.txt on a fresh copy of $DISK with
# its fixtures (tools/disk-fixtures.sh); the disk is then checked as after
# QEMU (tools/check-disk.py), after kbd.txt typed on the PS/2 keyboard
# (--kbd); then baddisk.txt on a disk of zeros. Lines
# that say when=qemu are left out by the runner (tests/guest/README.md).
#
# --quick (make test's Bochs part): the same, less the tests that take
# longest in Bochs, so that both kernels fit in about 4 minutes; QUICK_SKIP
# names them (measured: see tools/README.md), and the bad disk. make
# bochs-test runs everything.
#
# Environment: DISK (default build/disk.img), BOCHS_IPS (bochs-test.py's
# --ips), BOCHS_TEST_ARGS (more options for it). Ends with
# "N passed, N failed"; exit status 0 iff nothing failed. POSIX sh, awk.

set -u
cd "$(dirname "$0")/.." || exit 1

# Seconds each took in Bochs (build/KERNEL/bochs-test.log, "took"):
# sysfuzz (100000 calls) 149 on mono, 136 on micro; t_flood 18 to 29;
# everything else together 51 on mono, 38 on micro.
QUICK_SKIP="sysfuzz t_flood"

quick=0
if [ "${1:-}" = --quick ]; then
	quick=1
	shift
fi
[ $# -gt 0 ] || { echo "usage: bochs-tests.sh [--quick] KERNEL..." >&2; exit 2; }
DISK=${DISK-build/disk.img}
BOCHS_TEST_ARGS=${BOCHS_TEST_ARGS:-}
# A test may take a minute; sysfuzz's 100000 calls take minutes in Bochs
# (228 s on mono), so the full run types them in a boot of their own, with
# a longer bound, after the rest (LONG).
LONG="sysfuzz sysfuzz_alive"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bochs-tests.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
passed=0
failed=0

# add OUTPUT: the summary line of a runner's output to the totals; a
# runner that ended without one counts as a failure.
add() {
	s=$(awk '/^[0-9]+ passed, [0-9]+ failed$/ { s = $1 " " $3 } END { print s }' "$1")
	if [ -z "$s" ]; then
		echo "FAIL bochs: a runner ended without its summary line"
		failed=$((failed + 1))
	else
		passed=$((passed + ${s% *}))
		failed=$((failed + ${s#* }))
	fi
}

# run COMMAND...: run one runner, pass its output through, add it up.
run() {
	"$@" </dev/null 2>&1 | tee "$tmp/out"
	add "$tmp/out"
}

for k in "$@"; do
	list=$tmp/tests-$k.txt
	cat tests/guest/tests.txt tests/guest/faults.txt >"$list"
	disk_args=
	if [ -n "$DISK" ] && [ -f "$DISK" ]; then
		cp "$DISK" "$tmp/disk.img" && sh tools/disk-fixtures.sh "$tmp/disk.img" &&
			disk_args="--disk $tmp/disk.img"
		cat tests/guest/fs.txt tests/guest/fs-faults.txt >>"$list"
	fi
	# take_out LIST NAMES: the lines of LIST named in NAMES go to LIST.out,
	# the rest stay.
	take_out() {
		awk -v names=" $2 " -v out="$1.out" -F '\t' \
			'index(names, " " $1 " ") { print >out; next } { print }' \
			"$1" >"$1.rest" && mv "$1.rest" "$1"
	}
	if [ "$quick" = 1 ]; then
		take_out "$list" "$QUICK_SKIP"
		echo "bochs-tests.sh --quick leaves out:" $QUICK_SKIP
	else
		take_out "$list" "$LONG"
	fi
	# $disk_args and $BOCHS_TEST_ARGS are option lists: split on purpose.
	# shellcheck disable=SC2086
	run python3 tools/bochs-test.py --kernel "$k" --iso "build/$k/os.iso" \
		--placement "build/$k/placement.txt" --tests "$list" $disk_args \
		$BOCHS_TEST_ARGS
	if [ "$quick" = 0 ] && [ -s "$list.out" ]; then
		# shellcheck disable=SC2086
		run python3 tools/bochs-test.py --kernel "$k" --iso "build/$k/os.iso" \
			--placement "build/$k/placement.txt" --tests "$list.out" $disk_args \
			--timeout-test 900 --log "build/$k/bochs-long.log" $BOCHS_TEST_ARGS
	fi
	if [ -n "$disk_args" ] && [ -f tests/guest/kbd.txt ]; then
		# The same, typed on the PS/2 keyboard (tests/guest/kbd.txt).
		# shellcheck disable=SC2086
		run python3 tools/bochs-test.py --kernel "$k" --iso "build/$k/os.iso" \
			--placement "build/$k/placement.txt" --tests tests/guest/kbd.txt $disk_args \
			--kbd --log "build/$k/bochs-kbd.log" $BOCHS_TEST_ARGS
	fi
	if [ -n "$disk_args" ] && [ -f tools/check-disk.py ]; then
		run python3 tools/check-disk.py "$tmp/disk.img" --state "not clean"
	fi
	if [ "$quick" = 0 ] && [ -f tests/guest/baddisk.txt ]; then
		dd if=/dev/zero of="$tmp/bad.img" bs=1024 count=4096 2>/dev/null
		# shellcheck disable=SC2086
		run python3 tools/bochs-test.py --kernel "$k" --iso "build/$k/os.iso" \
			--placement "build/$k/placement.txt" --tests tests/guest/baddisk.txt \
			--disk "$tmp/bad.img" --log "build/$k/bochs-baddisk.log" $BOCHS_TEST_ARGS
	fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
