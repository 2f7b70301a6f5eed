#!/bin/bash
# Tests that need no kernel: the harness's own parsers (KTAP, splat
# detector, topology -> QEMU command line, on recorded console logs),
# a shellcheck run over every script, and the VMM library's unit tests.
set -eu
. "$(dirname "$0")/lib.sh"
# tools/vfio-reset builds against the test queue's uapi headers, and its
# unit tests against that tree's kselftest_harness.h.
use_queue "$TEST_QUEUE"

python3 -m unittest discover -s "$TOP/scripts/tests" -t "$TOP/scripts" 2>&1 | tail -n 3
(
	cd "$TOP"
	shellcheck -x -P SCRIPTDIR scripts/*.sh .ci/run
	shellcheck -x -P SCRIPTDIR scripts/guest/init scripts/guest/*.sh scripts/guest/qemu-monitor
)
say "shellcheck: clean"
if [ -f "$TOP/tools/vfio-reset/Makefile" ]; then
	[ -f "$HEADERS/include/linux/vfio.h" ] ||
		die "no uapi headers for tools/vfio-reset: run 'make tree QUEUE=$TEST_QUEUE' first"
	[ -f "$TREE/tools/testing/selftests/kselftest_harness.h" ] ||
		die "no kselftest_harness.h in $TREE: run 'make tree QUEUE=$TEST_QUEUE' first"
	make -s -C "$TOP/tools/vfio-reset" O="$BUILD/vfio-reset" \
		UAPI_INCLUDE="$HEADERS/include" \
		KSELFTEST_DIR="$TREE/tools/testing/selftests" test
fi
