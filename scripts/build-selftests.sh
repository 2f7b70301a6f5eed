#!/bin/bash
# Build the vfio kselftests of build/linux as static binaries (the guest has
# no libc) into build/selftests/, with the uapi headers of the same tree, and
# write the run-list the guest runner follows.
set -eu
. "$(dirname "$0")/lib.sh"
need_tree

HDR=$BUILD/headers
OUT=$BUILD/selftests
SRC=$TREE/tools/testing/selftests/vfio

install_headers
rm -rf "$OUT"
mkdir -p "$OUT/install" "$OUT/build"
if [ ! -d "$SRC" ]; then
	say "no tools/testing/selftests/vfio in build/linux: the guest runs no kselftest"
	: >"$OUT/install/run-list"
	exit 0
fi
ksmake() {
	make -s -C "$SRC" OUTPUT="$OUT/build" KHDR_INCLUDES="-isystem $HDR/include" \
		CC="gcc -static" "$@"
}
ksmake INSTALL_PATH="$OUT/install" install >"$OUT/build.log" 2>&1 || {
	cat "$OUT/build.log" >&2
	die "building tools/testing/selftests/vfio failed (log above)"
}
ksmake COLLECTION=vfio emit_tests | sed -n 's/^vfio://p' >"$OUT/install/run-list"
say "kselftests: $(wc -w <"$OUT/install/run-list") binaries ($(tr '\n' ' ' <"$OUT/install/run-list"))"
