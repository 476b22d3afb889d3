#!/bin/sh
# fuzz-sys.sh: make fuzz-sys. For each kernel, boots QEMU on a fresh copy
# of the disk, runs tests/guest/sysfuzz.txt (two million random system
# calls and messages, then checks that the system still works), powers off
# and checks the disk with e2fsck -fn: no random call may crash or hang a
# kernel, or leave the file system inconsistent. Ends with
# "N passed, N failed".
#
#   sh tools/fuzz-sys.sh DISK KERNEL...
disk=$1
shift
passed=0
failed=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fuzz-sys.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

for k in "$@"; do
	cp "$disk" "$tmp/disk.img" || exit 1
	# The copy starts clean, so that a clean end can be asked for.
	e2fsck -fy "$tmp/disk.img" >/dev/null 2>&1
	python3 tools/guest-test.py --kernel "$k" --iso "build/$k/os.iso" \
		--placement "build/$k/placement.txt" --tests tests/guest/sysfuzz.txt \
		--qemu-args "-drive file=$tmp/disk.img,format=raw,if=ide,index=0,media=disk" \
		--timeout-test 1800 --timeout-total 4000 --log "build/$k/fuzz-sys.log" >"$tmp/out" 2>&1
	cat "$tmp/out"
	s=$(awk '/^[0-9]+ passed, [0-9]+ failed$/ { p = $1; f = $3 } END { print p + 0, f + 0 }' "$tmp/out")
	passed=$((passed + ${s% *}))
	failed=$((failed + ${s#* }))
	grep -a '^sysfuzz: [0-9]* calls' "build/$k/fuzz-sys.log" | sed "s/^/$k: /"
	if e2fsck -fn "$tmp/disk.img" >"$tmp/fsck" 2>&1; then
		state=$(dumpe2fs -h "$tmp/disk.img" 2>/dev/null | sed -n 's/^Filesystem state: *//p')
		if [ "$state" = clean ]; then
			echo "PASS $k/disk: e2fsck -fn finds nothing; the volume is clean"
			passed=$((passed + 1))
		else
			echo "FAIL $k/disk: consistent, but the superblock says '$state' after poweroff"
			failed=$((failed + 1))
		fi
	else
		echo "FAIL $k/disk: e2fsck -fn:"
		sed 's/^/    | /' "$tmp/fsck" | tail -n 12
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
