#!/bin/bash
# Which qemu-system-x86_64 runs the guests, and running it.
#
#   qemu.sh setup [QEMU]     make sure a QEMU >= 8.0 is there; say which and why
#   qemu.sh version [QEMU]   print "X.Y.Z" of the QEMU that runs
#   qemu.sh exec [QEMU] -- ARGS...   run it with ARGS (exec; same status)
#
# QEMU is a path given by the user (QEMU=...), else the host's
# qemu-system-x86_64 when it is 8.0 or newer (igb, the device that lets one
# reset scope span IOMMU groups, arrived in 8.0), else Debian 13's
# trixie-backports QEMU in a minimal Debian 13 root under build/qemu-root
# (debootstrap from the machine's own mirror, made once), run with chroot in
# a private mount namespace that shows it build/ and /tmp.
set -eu
. "$(dirname "$0")/lib.sh"

NEED=8.0
ROOT=$BUILD/qemu-root
ROOT_SUITE=trixie
QEMU_SUITE=trixie-backports

version_of() { # BINARY [chroot]: "X.Y.Z"
	local out
	if [ "${2:-}" = chroot ]; then
		out=$(chroot "$ROOT" qemu-system-x86_64 --version 2>/dev/null) || return 1
	else
		out=$("$1" --version 2>/dev/null) || return 1
	fi
	sed -n '1s/^QEMU emulator version \([0-9][0-9.]*\).*/\1/p' <<<"$out"
}
new_enough() { # VERSION
	[ "$(printf '%s\n%s\n' "$NEED" "$1" | sort -V | head -n 1)" = "$NEED" ]
}

make_root() {
	local list
	command -v debootstrap >/dev/null || die "debootstrap is missing: run 'make deps' (or apt-get install debootstrap), or give QEMU=/path/to/qemu-system-x86_64 (>= $NEED)"
	[ "$(id -u)" = 0 ] || die "making $ROOT needs root (debootstrap, chroot): run as root, or give QEMU=/path/to/qemu-system-x86_64 (>= $NEED)"
	say "making a minimal Debian 13 root for QEMU from $QEMU_SUITE in $ROOT (once; about a minute)" >&2
	rm -rf "$ROOT" "$ROOT.tmp"
	mkdir -p "$BUILD"
	debootstrap --variant=minbase "$ROOT_SUITE" "$ROOT.tmp" "$(bash "$TOP/scripts/apt-suite.sh" mirror)" \
		>"$BUILD/qemu-root.log" 2>&1 || {
		tail -n 20 "$BUILD/qemu-root.log" >&2
		die "debootstrap of $ROOT_SUITE failed (log: $BUILD/qemu-root.log; network or mirror?): give QEMU=/path/to/qemu-system-x86_64 (>= $NEED) to skip it"
	}
	list=$(bash "$TOP/scripts/apt-suite.sh" list "$QEMU_SUITE")
	cp "$list" "$ROOT.tmp/etc/apt/sources.list.d/$QEMU_SUITE.list"
	# shellcheck disable=SC2016 # expanded by the inner shell
	in_root() { unshare -m bash -c 'mount -t proc proc "$1/proc" && shift && exec chroot "$@"' _ "$ROOT.tmp" "$ROOT.tmp" "$@"; }
	{ in_root apt-get -qq update && DEBIAN_FRONTEND=noninteractive in_root apt-get -qq install -y \
		--no-install-recommends -t "$QEMU_SUITE" qemu-system-x86; } >>"$BUILD/qemu-root.log" 2>&1 || {
		tail -n 20 "$BUILD/qemu-root.log" >&2
		die "installing qemu-system-x86 from $QEMU_SUITE into $ROOT failed (log: $BUILD/qemu-root.log): give QEMU=/path/to/qemu-system-x86_64 (>= $NEED)"
	}
	in_root apt-get -qq clean || true
	mv "$ROOT.tmp" "$ROOT"
}

# choose [QEMU]: set BIN (a path, or "chroot") and WHY.
choose() {
	local v
	if [ -n "${1:-}" ]; then
		[ -x "$1" ] || die "QEMU=$1 is not an executable"
		v=$(version_of "$1") || die "QEMU=$1 does not run ('$1 --version' failed)"
		new_enough "$v" || die "QEMU=$1 is version $v; the topology needs $NEED or newer (igb): leave QEMU unset to use Debian 13's in build/qemu-root"
		BIN=$1 WHY="QEMU $v from QEMU=$1"
		return
	fi
	if command -v qemu-system-x86_64 >/dev/null &&
		v=$(version_of "$(command -v qemu-system-x86_64)") && new_enough "$v"; then
		BIN=$(command -v qemu-system-x86_64) WHY="QEMU $v, the host's ($BIN)"
		return
	fi
	local host=${v:-none}
	[ -x "$ROOT/usr/bin/qemu-system-x86_64" ] || make_root
	v=$(version_of x chroot) || die "the QEMU in $ROOT does not run: remove $ROOT and try again"
	BIN=chroot WHY="QEMU $v from Debian $QEMU_SUITE in $ROOT (the host's is ${host}, the topology needs >= $NEED)"
}

cmd=${1:-}
shift || true
qemu=
if [ $# -gt 0 ] && [ "$1" != -- ]; then
	qemu=$1
	shift
fi
choose "$qemu"
case $cmd in
setup) say "qemu: $WHY" ;;
version)
	if [ "$BIN" = chroot ]; then version_of x chroot; else version_of "$BIN"; fi
	;;
exec)
	[ "${1:-}" = -- ] && shift
	if [ "$BIN" != chroot ]; then
		exec "$BIN" "$@"
	fi
	# The guest's kernel, initramfs and sockets live under build/ and /tmp:
	# show them at the same paths inside the root.
	# shellcheck disable=SC2016 # expanded by the inner shell
	exec unshare -m bash -c '
		root=$1 build=$2
		shift 2
		mkdir -p "$root$build" "$root/tmp"
		mount --rbind /dev "$root/dev" && mount -t proc proc "$root/proc" &&
			mount --bind "$build" "$root$build" && mount --bind /tmp "$root/tmp" ||
			exit 125
		exec chroot "$root" qemu-system-x86_64 "$@"' _ "$ROOT" "$BUILD" "$@"
	;;
*) die "usage: qemu.sh setup|version|exec [QEMU] [-- ARGS]" ;;
esac
