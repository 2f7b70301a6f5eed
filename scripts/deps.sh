#!/bin/bash
# Make sure every tool the harness uses is installed.  As root, missing
# Debian packages are installed with apt-get; otherwise the exact apt-get
# line is printed and the run stops.
# The kernel bases are downloaded per queue (scripts/base.sh) and QEMU is
# chosen by scripts/qemu.sh; neither is installed here.
set -eu
. "$(dirname "$0")/lib.sh"

# "test  package": a test is a command name, or a path that must exist.
REQUIRED="
make make
gcc gcc
g++ g++
pkg-config pkg-config
clang clang
/usr/share/doc/libclang-rt-dev libclang-rt-dev
man man-db
git git
perl perl
python3 python3
flex flex
bison bison
bc bc
cpio cpio
rsync rsync
shellcheck shellcheck
/usr/lib/python3/dist-packages/ply python3-ply
/usr/lib/python3/dist-packages/git python3-git
xz xz-utils
ccache ccache
sparse sparse
debootstrap debootstrap
/bin/busybox busybox-static
/usr/lib/x86_64-linux-gnu/libuuid.a uuid-dev
/usr/share/keyrings/debian-archive-keyring.gpg debian-archive-keyring
/usr/include/libelf.h libelf-dev
/usr/include/openssl/ssl.h libssl-dev
"

missing=
while read -r test pkg; do
	[ -n "$test" ] || continue
	case $test in
	/*) [ -e "$test" ] && continue ;;
	*) command -v "$test" >/dev/null 2>&1 && continue ;;
	esac
	case " $missing " in *" $pkg "*) ;; *) missing="$missing $pkg" ;; esac
done <<EOF_LIST
$REQUIRED
EOF_LIST

[ -n "$missing" ] || exit 0
if [ "$(id -u)" != 0 ]; then
	die "missing packages; install them with:
    apt-get update && apt-get install -y$missing"
fi
say "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || die "apt-get update failed; check the network or install by hand:$missing"
# shellcheck disable=SC2086 # word splitting of the package list is wanted
apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
	die "apt-get install failed for:$missing"
