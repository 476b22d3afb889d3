#!/bin/sh
# disk-fixtures.sh IMAGE: add to a test copy of the disk what
# tests/guest/fs.txt needs that the guest cannot make itself, with debugfs,
# under /fixtures: big, a sparse file of 5 GiB + 4 bytes (so the image gets
# the large_file feature); immutable and append, with the flags chattr +i
# and +a set. Used by tools/run-tests.sh (QEMU) and tools/bochs-tests.sh.
# debugfs' output goes to IMAGE.fixtures.log. POSIX sh, e2fsprogs.
set -u
[ $# -eq 1 ] && [ -f "$1" ] || { echo "usage: disk-fixtures.sh IMAGE" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fixtures.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
printf x >"$tmp/one-byte"
printf 'immutable\n' >"$tmp/immutable"
printf 'line1\n' >"$tmp/append"
debugfs -w -f - "$1" >"$1.fixtures.log" 2>&1 <<EOT
mkdir /fixtures
write $tmp/one-byte /fixtures/big
sif /fixtures/big size 5368709124
feature large_file
write $tmp/immutable /fixtures/immutable
sif /fixtures/immutable flags 0x10
write $tmp/append /fixtures/append
sif /fixtures/append flags 0x20
EOT
