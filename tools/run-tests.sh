#!/bin/sh
# Run every test suite `make test` wants, after the build, and add them up:
#   1. tools/run-host-tests.sh          (host unit tests)
#   2. tools/guest-test.py              for each kernel, in QEMU, and
#      tools/check-disk.py on its disk; kill.txt (kill, ^C, the leak
#      check) in a boot of its own; the malicious driver (evil.txt);
#      tools/make-run-check.sh (make run itself); the network tests; then
#      the bad disks
#   3. tools/powerloss.py               power cuts, each kernel
#   4. tools/tcb.py --check, tools/comp-bytes.py   what runs in ring 0
#   5. make bench QUICK=1               and its check; make faultlab QUICK=1
#      (a small fault-injection campaign of mono and micro) and its check
#   6. tools/bochs-tests.sh --quick     mono and micro, in Bochs; the
#      other kernels boot and power off there (tools/bochs.sh --test)
#   7. labs/check.py                    every lab's grader: full marks on
#      this tree, less on its starter (LABS=0 skips it)
# Each runner ends with "N passed, N failed"; their output is passed through
# and the last line here is the grand total in the same form. A runner that
# stops without its summary line (or exits non-zero while claiming no
# failures) counts as one failure. Exit status 0 iff nothing failed.
#
# Environment:
#   KERNELS="mono micro hybrid"   kernels to test (build/<kernel>/os.iso)
#   JOBS=2                 two lanes at once (below); JOBS=1 one after another
#   LABS=0                 skip the labs' graders (labs/check.py)
#   VARIANTS="micro-mach micro-noasm"  kernels built with another transport
#                          (IPC=mach) or without the fast path's assembly
#                          (FASTASM=0): the guest suite, its disk check and
#                          the fault injector only
#   BOCHS=0                skip the Bochs runs (they are on by default)
#   HOST=0                 skip the host unit tests
#   BENCH=0                skip the quick benchmark run and its check
#   FAULTLAB=0             skip the quick fault-injection campaign
#   NET=0                  skip the network tests (tests/guest/net*.txt)
#   POWERLOSS=0            skip the power-loss trials (tools/powerloss.py)
#   POWERLOSS_TRIALS=5     power cuts per kernel (make powerloss runs more)
#   MEASURE="bench_null bench_ipc"  benchmarks guest-test.py runs under -icount
#                          (MEASURE= for none)
#   GUEST_TEST_ARGS=...    extra options for guest-test.py, e.g.
#                          "--timeout-test 120"
#   DISK=build/disk.img    disk image to attach (primary IDE master) if it
#                          exists; each run gets a fresh copy, so the tests
#                          neither see nor change what earlier boots wrote
# POSIX sh and awk only.

set -u

cd "$(dirname "$0")/.." || exit 1

KERNELS=${KERNELS:-mono micro hybrid}
VARIANTS=${VARIANTS-micro-mach micro-noasm}
BOCHS=${BOCHS:-1}
MEASURE=${MEASURE-bench_null bench_ipc}
GUEST_TEST_ARGS=${GUEST_TEST_ARGS:-}
DISK=${DISK-build/disk.img}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/run-tests.XXXXXX") || exit 1
passed=0
failed=0
report=

# Two lanes, one a core: each emulator is one busy thread, so with JOBS=2
# (the default) this script runs itself twice at once, mono and the hybrid
# in one lane (with the host tests, the ring-0 count and the benchmarks,
# shown as they run), micro and its variants in the other (with the
# fault-injection campaign and the labs' graders, shown when the first
# lane ends). Each lane has its own scratch folder and disk copies; the
# lanes share only the build, which they read. JOBS=1 runs everything in
# this one process, in order.
if [ "${JOBS:-2}" -ge 2 ] && [ -z "${LANE:-}" ]; then
	lane_a= lane_b=
	for k in $KERNELS; do
		case $k in micro*) lane_b="$lane_b $k" ;; *) lane_a="$lane_a $k" ;; esac
	done
	if [ -n "$lane_a" ] && [ -n "$lane_b$VARIANTS" ]; then
		both_tcb=0 both_fl=0
		case " $KERNELS " in *" mono "*) case " $KERNELS " in *" micro "*)
			both_tcb=1 both_fl=1 ;; esac ;; esac
		[ "${TCB:-1}" = 0 ] && both_tcb=0
		[ "${FAULTLAB:-1}" = 0 ] && both_fl=0
		trap 'kill "$lane_pid" 2>/dev/null; rm -rf "$tmp"' EXIT
		LANE=b KERNELS="${lane_b# }" VARIANTS="$VARIANTS" HOST=0 BENCH=0 TCB=0 \
			FAULTLAB=$both_fl LABS=${LABS:-1} sh "$0" </dev/null >"$tmp/lane-b" 2>&1 &
		lane_pid=$!
		LANE=a KERNELS="${lane_a# }" VARIANTS= TCB=$both_tcb FAULTLAB=0 LABS=0 sh "$0" \
			</dev/null |
			tee "$tmp/lane-a"
		wait "$lane_pid"
		echo "==== the other lane: micro and its variants"
		cat "$tmp/lane-b"
		sum=$(awk '/^[0-9]+ passed, [0-9]+ failed$/ { last[FILENAME] = $1 " " $3 }
			END { p = 0; f = 0; n = 0
			      for (x in last) { split(last[x], v, " "); p += v[1]; f += v[2]; n++ }
			      print p, f + (2 - n) }' "$tmp/lane-a" "$tmp/lane-b")
		echo "===="
		echo "${sum% *} passed, ${sum#* } failed"
		[ "${sum#* }" = 0 ]
		exit
	fi
fi

total() {
	printf '%s' "$report"
	echo "$passed passed, $failed failed"
}

trap 'rm -rf "$tmp"' EXIT
# On Ctrl-C the runner in progress gets the signal too and stops its
# emulator (tee -i survives to pass on its last words); stop here rather
# than start the next runner.
trap 'echo "run-tests: interrupted"; failed=$((failed + 1)); total; exit 130' INT
trap 'echo "run-tests: terminated"; failed=$((failed + 1)); total; exit 143' TERM

# run LABEL COMMAND...: run one runner, pass its output through, and add its
# summary line to the totals.
run() {
	label=$1
	shift
	echo "==== $label"
	rm -f "$tmp/rc"
	{ "$@" </dev/null 2>&1; echo $? >"$tmp/rc"; } | tee -i "$tmp/out"
	rc=$(cat "$tmp/rc" 2>/dev/null || echo 255)
	summary=$(awk '/^[0-9]+ passed, [0-9]+ failed$/ { s = $1 " " $3 } END { print s }' "$tmp/out")
	if [ -z "$summary" ]; then
		echo "FAIL $label: ended (status $rc) without a summary line"
		p=0 f=1
	else
		p=${summary% *}
		f=${summary#* }
		if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
			echo "FAIL $label: exited with status $rc"
			f=1
		fi
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	report="$report==== $label: $p passed, $f failed
"
	# The Bochs runs say how many tests ran there and how long they took.
	ran=$(grep '^bochs: .* tests ran in Bochs' "$tmp/out" | tr '\n' ';' | sed 's/;$//')
	if [ -n "$ran" ]; then
		report="$report     ($ran)
"
	fi
}

if [ "${HOST:-1}" = 0 ]; then
	echo "==== host: skipped (HOST=0)"
elif [ -x tools/run-host-tests.sh ]; then
	run host tools/run-host-tests.sh
else
	run host sh tools/run-host-tests.sh
fi

measure_args=
for m in $MEASURE; do
	measure_args="$measure_args --measure $m"
done

# fresh_disk: a pristine copy of $DISK for the next run, or nothing.
fresh_disk() {
	if [ -n "$DISK" ] && [ -f "$DISK" ]; then
		cp "$DISK" "$tmp/disk.img" && return 0
	fi
	rm -f "$tmp/disk.img"
	return 1
}

# fixtures IMAGE: what fs.txt needs that the guest cannot make itself
# (tools/disk-fixtures.sh says what).
fixtures() {
	sh tools/disk-fixtures.sh "$1"
}

# The tests of a kernel: the shared list, then what a fault does (its lines
# say for which placement they hold, and the runner reads the kernel's), then
# the file tests when a disk is attached.
for k in $KERNELS $VARIANTS; do
	qemu_disk=
	list=$tmp/tests-$k.txt
	cat tests/guest/tests.txt tests/guest/faults.txt >"$list"
	case $k in *-mach) cat tests/guest/mach.txt >>"$list" ;; esac
	if fresh_disk; then
		fixtures "$tmp/disk.img"
		qemu_disk="-drive file=$tmp/disk.img,format=raw,if=ide,index=0,media=disk"
		cat tests/guest/fs.txt tests/guest/fs-faults.txt >>"$list"
	fi
	# $measure_args and $GUEST_TEST_ARGS are option lists: split on purpose.
	# shellcheck disable=SC2086
	run "guest $k" python3 tools/guest-test.py --kernel "$k" --iso "build/$k/os.iso" \
		--placement "build/$k/placement.txt" \
		--tests "$list" --qemu-args "$qemu_disk" $measure_args $GUEST_TEST_ARGS
	# After the clean poweroff the disk the tests wrote must still be a
	# consistent ext2 holding exactly what the workload wrote. And it must
	# still say "not clean", although poweroff unmounts: every kernel's
	# list crashes something with the disk mounted (faults.txt panics a
	# ring-0 component; fs-faults.txt kills a file-service server), and a
	# volume that was not clean when mounted stays so until e2fsck, as
	# with Linux. (tools/powerloss.py
	# checks that a run with no crash ends "clean".)
	if [ -n "$qemu_disk" ] && [ -f tools/check-disk.py ]; then
		run "disk $k" python3 tools/check-disk.py "$tmp/disk.img" --state "not clean"
	fi
done

# Stopping programs (kill, ^C) and the leak check (tests/guest/kill.txt):
# a boot of its own, as it restarts every server that other lists count.
for k in $KERNELS; do
	qemu_disk=
	if fresh_disk; then
		qemu_disk="-drive file=$tmp/disk.img,format=raw,if=ide,index=0,media=disk"
	fi
	run "kill $k" python3 tools/guest-test.py --kernel "$k" --iso "build/$k/os.iso" \
		--placement "build/$k/placement.txt" --tests tests/guest/kill.txt \
		--qemu-args "$qemu_disk" --log "build/$k/kill.log"
done

# The fault injector (tests/guest/inject.txt): a boot of its own per kernel
# and variant (its interface faults are the transport's) on a fresh disk;
# then the plans its -n printed must be the same on every kernel and the
# same as the planner's built on the host.
if [ -f tests/guest/inject.txt ]; then
	inject_logs=
	for k in $KERNELS $VARIANTS; do
		qemu_disk=
		if fresh_disk; then
			qemu_disk="-drive file=$tmp/disk.img,format=raw,if=ide,index=0,media=disk"
		fi
		run "inject $k" python3 tools/guest-test.py --kernel "$k" --iso "build/$k/os.iso" \
			--placement "build/$k/placement.txt" --tests tests/guest/inject.txt \
			--qemu-args "$qemu_disk" --log "build/$k/inject.log"
		inject_logs="$inject_logs build/$k/inject.log"
	done
	# $inject_logs is a list of paths: split on purpose.
	# shellcheck disable=SC2086
	run "inject plans" sh -c 'make --no-print-directory build/host/inject_plan >/dev/null &&
		python3 tools/inject-check.py --planner build/host/inject_plan "$@"' sh $inject_logs
fi

# The malicious-driver demo, on a fresh disk of its own: in ring 0 it reads
# a secret from the raw disk, as a server every attempt is refused
# (tests/guest/evil.txt).
for k in $KERNELS; do
	if [ -f tests/guest/evil.txt ] && fresh_disk; then
		run "evil $k" python3 tools/guest-test.py --kernel "$k" --iso "build/$k/os.iso" \
			--placement "build/$k/placement.txt" --tests tests/guest/evil.txt \
			--qemu-args "-drive file=$tmp/disk.img,format=raw,if=ide,index=0,media=disk" \
			--log "build/$k/evil.log"
	fi
done

# make run itself, as the README gives it, with a script piped in.
if [ -f "$DISK" ]; then
	run "make run" sh tools/make-run-check.sh "$DISK" $KERNELS
fi

# The network, with real clients on the host: on QEMU's user networking
# (restrict=on, ports forwarded from 127.0.0.1: curl and nc), and on a tap
# device in a network namespace made for the boot (ping both ways, UDP,
# damaged frames). Without root or /dev/net/tun the tap runs say they are
# skipped and count neither way (tools/hostpeer.py).
if [ "${NET:-1}" != 0 ]; then
	for k in $KERNELS; do
		for mode in user tap; do
			qemu_disk=
			if fresh_disk; then
				qemu_disk="-drive file=$tmp/disk.img,format=raw,if=ide,index=0,media=disk"
			fi
			list=tests/guest/net.txt
			[ "$mode" = tap ] && list=tests/guest/net-tap.txt
			run "net $mode $k" python3 tools/guest-test.py --kernel "$k" \
				--iso "build/$k/os.iso" --placement "build/$k/placement.txt" \
				--net "$mode" --tests "$list" --qemu-args "$qemu_disk" --timeout-test 120 \
				--log "build/$k/net-$mode.log"
		done
	done
fi

# A disk that is not ext2 must be refused at mount, with every kernel
# still running: zeros, then bytes that are random but the same every run.
if [ -f tests/guest/baddisk.txt ]; then
	for k in $KERNELS; do
		for kind in zeros noise; do
			if [ $kind = zeros ]; then
				dd if=/dev/zero of="$tmp/bad.img" bs=1024 count=4096 2>/dev/null
			else
				LC_ALL=C awk 'BEGIN { srand(7); for (i = 0; i < 262144; i++)
					printf "%c", int(rand() * 256) }' </dev/null >"$tmp/bad.img"
			fi
			run "bad disk ($kind) $k" python3 tools/guest-test.py --kernel "$k" \
				--iso "build/$k/os.iso" --tests tests/guest/baddisk.txt \
				--placement "build/$k/placement.txt" \
				--qemu-args "-drive file=$tmp/bad.img,format=raw,if=ide,index=0,media=disk"
		done
	done
fi

# Power cuts: the guest writes and syncs, QEMU is killed after a sync point,
# and every synced byte must still be on the disk (tools/powerloss.py; one
# more run per kernel ends with a clean poweroff, which must leave the disk
# clean).
if [ "${POWERLOSS:-1}" != 0 ] && [ -n "$DISK" ] && [ -f "$DISK" ]; then
	kernel_args=
	for k in $KERNELS; do
		kernel_args="$kernel_args --kernel $k"
	done
	# $kernel_args is an option list: split on purpose.
	# shellcheck disable=SC2086
	run "powerloss" python3 tools/powerloss.py $kernel_args --disk "$DISK" \
		--trials "${POWERLOSS_TRIALS:-5}"
fi

# What runs in ring 0, counted from the build (make tcb), and checked.
# TCB=1 runs it although this lane has only one of the two (JOBS=2).
if [ "${TCB:-auto}" = 1 ]; then
	run tcb python3 tools/tcb.py --check build/mono build/micro
elif [ "${TCB:-auto}" != 0 ]; then
	case " $KERNELS " in *" mono "*)
		case " $KERNELS " in *" micro "*)
			run tcb python3 tools/tcb.py --check build/mono build/micro ;;
		esac ;;
	esac
fi

# Each component is one object: the same code in the kernel as in its
# server (tools/comp-bytes.py), for every kernel that links components in.
for k in $KERNELS; do
	if grep -q ' kernel ' "build/$k/placement.txt" 2>/dev/null && [ -d build/srv ]; then
		run "component bytes $k" python3 tools/comp-bytes.py "build/$k/kernel.elf" build/srv
	fi
done

# make bench QUICK=1 on both kernels, and a check of what it wrote.
if [ "${BENCH:-1}" != 0 ]; then
	run "bench (QUICK=1)" sh -c 'make --no-print-directory bench QUICK=1 &&
		python3 tools/bench.py --check build/bench'
fi

# make faultlab QUICK=1: faults injected into each component of mono and
# micro, then tools/faultlab.py check (micro: no panic, no hang; mono: a
# crash in ring 0 panics; the CSV, plots and page are there).
# FAULTLAB=1 runs it although this lane has only micro (JOBS=2).
fl=0
case " $KERNELS " in *" mono "*) case " $KERNELS " in *" micro "*) fl=1 ;; esac ;; esac
[ "${FAULTLAB:-auto}" = 1 ] && fl=1
[ "${FAULTLAB:-auto}" = 0 ] && fl=0
if [ $fl = 1 ] && [ -f "$DISK" ]; then
	run "faultlab (QUICK=1)" make --no-print-directory faultlab QUICK=1 DISK="$DISK"
fi

# The guest suite in Bochs, less its slowest tests (make bochs-test runs
# them all), on mono and micro; any other kernel (the hybrid, whose
# placement is between the two) boots and powers off.
if [ "$BOCHS" != 0 ]; then
	for k in $KERNELS; do
		case $k in
		mono | micro)
			run "bochs $k" env DISK="$DISK" sh tools/bochs-tests.sh --quick "$k"
			;;
		*)
			if fresh_disk; then
				run "bochs $k" sh tools/bochs.sh "build/$k/os.iso" --test --kernel "$k" \
					--disk "$tmp/disk.img"
			else
				run "bochs $k" sh tools/bochs.sh "build/$k/os.iso" --test --kernel "$k"
			fi
			;;
		esac
	done
else
	echo "==== bochs: skipped (BOCHS=0)"
fi

# The labs' graders can fail: full marks here, less on each starter tree.
if [ "${LABS:-1}" != 0 ] && [ -f labs/check.py ]; then
	run labs python3 labs/check.py
else
	echo "==== labs: skipped (LABS=0)"
fi

echo "===="
total
[ "$failed" = 0 ]
