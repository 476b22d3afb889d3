#!/bin/sh
# Install the host packages the build and `make test` need (Debian 12,
# Ubuntu 22.04 and later). Silent and quick when everything is there; else it
# installs what is missing with apt-get: as root, through `sudo -n` if that
# works without a password, or it prints the command to run and exits 1.
#
# Each check looks for the file or command the build actually uses, so a
# package installed some other way (or a renamed package) also counts.
# POSIX sh only.

set -u

missing=
need() {
	case " $missing " in
	*" $1 "*) ;;
	*) missing="$missing $1" ;;
	esac
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/deps.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

check() {
	# Commands the Makefile and tools/ call, with the package that has them.
	while read -r cmd pkg; do
		command -v "$cmd" >/dev/null 2>&1 || need "$pkg"
	done <<EOF
make make
cc gcc
ld binutils
objcopy binutils
readelf binutils
nm binutils
gdb gdb
qemu-system-i386 qemu-system-x86
grub-mkrescue grub-common
xorriso xorriso
mformat mtools
bochs bochs
gnuplot gnuplot-nox
mke2fs e2fsprogs
e2fsck e2fsprogs
debugfs e2fsprogs
python3 python3
curl curl
nc netcat-openbsd
ping iputils-ping
ip iproute2
EOF

	# grub-mkrescue only makes a BIOS-bootable ISO if the i386-pc modules exist.
	[ -d /usr/lib/grub/i386-pc ] || need grub-pc-bin
	[ -f /usr/share/bochs/BIOS-bochs-latest ] || need bochsbios
	[ -f /usr/share/vgabios/vgabios.bin ] || [ -f /usr/share/bochs/VGABIOS-lgpl-latest ] ||
		need vgabios
	# tools/bochs.sh --test runs Bochs with its curses display ("term" plugin).
	found=0
	for d in /usr/lib/*/bochs/plugins /usr/lib/bochs/plugins /usr/lib64/bochs/plugins; do
		[ -e "$d/libbx_term_gui.so" ] && found=1
	done
	[ "$found" = 1 ] || need bochs-term

	# The guest is built with gcc -m32; that needs the 32-bit multilib bits.
	if command -v gcc >/dev/null 2>&1; then
		printf 'int main(void) { return 0; }\n' >"$tmp/m32.c"
		gcc -m32 -o "$tmp/m32" "$tmp/m32.c" >/dev/null 2>&1 || need gcc-multilib
	else
		need gcc
		need gcc-multilib
	fi

	# Host unit tests link against cmocka.
	if command -v cc >/dev/null 2>&1; then
		cat >"$tmp/cm.c" <<'EOF'
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
static void t(void **state) { (void)state; }
int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(t) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
EOF
		cc -o "$tmp/cm" "$tmp/cm.c" -lcmocka >/dev/null 2>&1 || need libcmocka-dev
	else
		need libcmocka-dev
	fi
}

check
[ -z "$missing" ] && exit 0

# Older or newer releases may call gnuplot-nox just gnuplot.
pick_gnuplot() {
	case " $missing " in
	*" gnuplot-nox "*)
		if ! apt-cache show gnuplot-nox >/dev/null 2>&1; then
			missing=$(printf '%s\n' "$missing" | sed 's/ gnuplot-nox/ gnuplot/')
		fi ;;
	esac
}

echo "install-deps: missing:$missing" >&2
if ! command -v apt-get >/dev/null 2>&1; then
	echo "install-deps: no apt-get here; install the equivalents of:$missing" >&2
	exit 1
fi

if [ "$(id -u)" = 0 ]; then
	sudo=
elif command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
	sudo="sudo -n"
else
	echo "install-deps: run this as root, then try again:" >&2
	echo "  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y$missing" >&2
	exit 1
fi

# -q keeps CI logs readable; DEBIAN_FRONTEND keeps debconf from asking
# anything (there is no stdin in CI).
$sudo env DEBIAN_FRONTEND=noninteractive apt-get -q update || exit 1
pick_gnuplot
# shellcheck disable=SC2086  # $missing is a list of package names
$sudo env DEBIAN_FRONTEND=noninteractive apt-get -q install -y $missing || exit 1

wanted=$missing
missing=
check
if [ -n "$missing" ]; then
	echo "install-deps: installed$wanted, but still missing:$missing" >&2
	exit 1
fi
echo "install-deps: installed$wanted" >&2
exit 0
