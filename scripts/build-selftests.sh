#!/bin/bash
# Build the vfio kselftests of the test queue's tree (build/mainline/linux:
# upstream's suite and libvfio plus the queue's tests) as static binaries
# (the guest has no libc) into build/selftests/, with that tree's uapi
# headers.  The same binaries run on every queue's kernel.
set -eu
. "$(dirname "$0")/lib.sh"
use_queue "$TEST_QUEUE"
need_tree

SRC=$TREE/tools/testing/selftests/vfio
[ -d "$SRC" ] || die "no tools/testing/selftests/vfio in $TREE: the $TEST_QUEUE base has none"
[ -f /usr/lib/x86_64-linux-gnu/libuuid.a ] || die "libvfio links libuuid statically: apt-get install uuid-dev (make deps)"
install_headers
rm -rf "$SELFTESTS"
mkdir -p "$SELFTESTS/install" "$SELFTESTS/build"
make -s -C "$SRC" OUTPUT="$SELFTESTS/build" KHDR_INCLUDES="-isystem $HEADERS/include" \
	CC="gcc -static" INSTALL_PATH="$SELFTESTS/install" install >"$SELFTESTS/build.log" 2>&1 || {
	cat "$SELFTESTS/build.log" >&2
	die "building tools/testing/selftests/vfio of $TREE failed (log above)"
}
say "kselftests ($TEST_QUEUE tree): $(find "$SELFTESTS/install" -maxdepth 1 -type f -name 'vfio_*' -perm -u+x | wc -l) binaries in $SELFTESTS/install"
