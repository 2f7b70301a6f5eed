#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make install into a temp DESTDIR, then build a C and a C++ consumer and
# examples/device-keeper against the installed copy through pkg-config
# (shared and static) and run them.  Called by 'make test' / 'make install-test' with CC, CXX, MAKE, O,
# UAPI_INCLUDE, VERSION and SONAME in the environment.
set -eu
: "${CC:=cc}" "${CXX:=c++}" "${MAKE:=make}"
: "${O:?}" "${UAPI_INCLUDE:?}" "${VERSION:?}" "${SONAME:?}"

fail() { echo "install-test: $*" >&2; exit 1; }
command -v pkg-config >/dev/null 2>&1 || fail "pkg-config not installed"
command -v "$CXX" >/dev/null 2>&1 || fail "no C++ compiler ($CXX)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vfio-reset-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/root
prefix=/usr

"$MAKE" -s --no-print-directory install O="$O" UAPI_INCLUDE="$UAPI_INCLUDE" \
	PREFIX="$prefix" DESTDIR="$dest" >"$tmp/install.log" 2>&1 ||
	{ cat "$tmp/install.log"; fail "make install failed"; }

root=$dest$prefix
for f in bin/vfio-reset lib/libvfio-reset.a "lib/libvfio-reset.so.$VERSION" \
	"lib/$SONAME" lib/libvfio-reset.so include/vfio_reset.h \
	include/vfio_reset_backend.h share/man/man1/vfio-reset.1 \
	lib/pkgconfig/vfio-reset.pc; do
	[ -e "$root/$f" ] || fail "not installed: $prefix/$f"
done
[ ! -e "$root/include/vfio_reset_fake.h" ] || fail "the test double was installed"
soname=$(readelf -d "$root/lib/libvfio-reset.so.$VERSION" |
	sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "$SONAME" ] || fail "soname is '$soname', want $SONAME"
"$root/bin/vfio-reset" --version | grep -q "libvfio-reset $VERSION" ||
	fail "installed CLI does not report version $VERSION"

PKG_CONFIG_PATH=$root/lib/pkgconfig
PKG_CONFIG_LIBDIR=$root/lib/pkgconfig
export PKG_CONFIG_PATH PKG_CONFIG_LIBDIR
pc() { pkg-config --define-prefix "$@" vfio-reset; }
[ "$(pc --modversion)" = "$VERSION" ] || fail "pkg-config version $(pc --modversion)"
cflags=$(pc --cflags)
libs=$(pc --libs)
case "$cflags $libs" in
*"$root/include"*"$root/lib"*) ;;
*) fail "pkg-config did not relocate to DESTDIR: $cflags $libs" ;;
esac

here=$(dirname "$0")/consumer
# shellcheck disable=SC2086 # flags from pkg-config are word lists
{
	"$CC" -std=c11 -Wall -Wextra -Werror -pedantic $cflags -o "$tmp/c-consumer" \
		"$here/consumer.c" $libs &&
	"$CXX" -std=c++11 -Wall -Wextra -Werror $cflags -o "$tmp/cxx-consumer" \
		"$here/consumer.cc" $libs &&
	"$CC" -std=c11 -Wall -Wextra -Werror $cflags -o "$tmp/c-consumer-static" \
		"$here/consumer.c" "$root/lib/libvfio-reset.a" &&
	# the VMM-style example: it opens its own fds with the uapi headers
	"$CC" -std=c11 -Wall -Wextra -Werror -I"$UAPI_INCLUDE" $cflags \
		-o "$tmp/device-keeper" "$here/../../examples/device-keeper.c" $libs
} || fail "building the consumers against the installed library failed"
LD_LIBRARY_PATH=$root/lib "$tmp/device-keeper" --help | grep -q '^usage: device-keeper' ||
	fail "device-keeper built against the installed library does not run"

for t in c-consumer cxx-consumer; do
	LD_LIBRARY_PATH=$root/lib "$tmp/$t" "$VERSION" || fail "$t failed"
	# it must have used the installed shared library
	LD_LIBRARY_PATH=$root/lib ldd "$tmp/$t" | grep -q "$root/lib/$SONAME" ||
		fail "$t is not linked against the installed $SONAME"
done
"$tmp/c-consumer-static" "$VERSION" || fail "c-consumer-static failed"
echo "install-test: installed to DESTDIR, C, C++, static consumers and device-keeper built via pkg-config and passed"
