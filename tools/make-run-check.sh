#!/bin/sh
# make-run-check.sh: does `make run` itself work, as a student types it?
# For each kernel it pipes a script into `make run`, on a copy of the disk
# and with free ports of 127.0.0.1 for the forwards (a student's own
# `make run` may hold the default ones), and checks that QEMU ended with
# the clean poweroff and that the guest had its network. Ends with
# "N passed, N failed", like the other runners.
#
#   sh tools/make-run-check.sh DISK KERNEL...
disk=$1
shift
passed=0
failed=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/make-run.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

for k in "$@"; do
	cp "$disk" "$tmp/disk.img" || exit 1
	http=$(free_port)
	echo=$(free_port)
	# NET=1 is config.mk's default; said here because run-tests.sh's own
	# NET=0 (skip the network lists) is in the environment make reads.
	printf 'net\npoweroff\n' | timeout 120 make --no-print-directory run KERNEL="$k" NET=1 \
		DISK="$tmp/disk.img" HTTP_PORT="$http" ECHO_PORT="$echo" >"$tmp/out" 2>&1
	rc=$?
	if [ $rc -eq 0 ] && grep -q 'eth0: 10\.0\.2\.15 netmask' "$tmp/out" &&
		grep -q "http://127.0.0.1:$http/" "$tmp/out"; then
		echo "PASS make-run/$k"
		passed=$((passed + 1))
	else
		echo "FAIL make-run/$k: status $rc; the last lines:"
		tail -n 8 "$tmp/out" | sed 's/^/    | /'
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
