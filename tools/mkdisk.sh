#!/bin/sh
# mkdisk.sh IMAGE BINDIR [fresh]
#
# Keeps the student's disk image: an ext2 (revision 1) file system made on
# the host by mke2fs -d from a staging folder (programs in /bin, sample
# files in /docs, an empty /work). With "fresh", or when the image is
# missing, it is made anew; otherwise only /bin is refreshed in place with
# debugfs, so files written in earlier boots survive a rebuild of the
# programs.
set -eu
img=$1 bindir=$2 mode=${3:-keep}
# 32 MiB rounded down to whole Bochs cylinders (16 heads x 63 sectors x
# 512 bytes), so that Bochs' disk geometry reaches every sector.
size_kb=${DISK_KB:-32760}

if [ "$mode" = fresh ] || [ ! -f "$img" ]; then
	stage=$(dirname "$img")/disk-root
	rm -rf "$stage"
	mkdir -p "$stage/bin" "$stage/docs" "$stage/work"
	cp "$bindir"/* "$stage/bin/"
	cp README.md "$stage/README.md"
	for f in docs/*.md; do
		[ -f "$f" ] && cp "$f" "$stage/docs/"
	done
	printf 'Hello from the disk. This file was put here by tools/mkdisk.sh.\n' >"$stage/hello.txt"
	rm -f "$img"
	# -r 1: revision 1; -b 1024: small blocks, so double indirect blocks
	# appear early; no resize inode, no dir_index, which our ext2 lacks.
	mke2fs -q -F -t ext2 -r 1 -b 1024 -O none,filetype,sparse_super -N 2048 \
		-L teachos -d "$stage" "$img" "${size_kb}k"
	echo "  DISK  $img (fresh, ${size_kb} KiB ext2)"
	exit 0
fi

# Refresh the programs: remove and write each one (debugfs has no replace).
cmds=$(mktemp)
trap 'rm -f "$cmds"' EXIT
for f in "$bindir"/*; do
	n=$(basename "$f")
	printf 'rm /bin/%s\nwrite %s /bin/%s\n' "$n" "$f" "$n" >>"$cmds"
done
debugfs -w -f "$cmds" "$img" >/dev/null 2>&1 || {
	echo "mkdisk: could not update $img (corrupt?); make a new one with: make disk" >&2
	exit 1
}
echo "  DISK  $img (programs refreshed, your files kept)"
