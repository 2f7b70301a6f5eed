#!/bin/bash
# Build the static vfio-reset CLI and device-keeper example for the guest
# (tools/vfio-reset), against the uapi headers of the test queue's tree,
# like the kselftests.
set -eu
. "$(dirname "$0")/lib.sh"
use_queue "$TEST_QUEUE"

if [ ! -f "$TOP/tools/vfio-reset/Makefile" ]; then
	say "no tools/vfio-reset: skipped"
	exit 0
fi
make -s -C "$TOP/tools/vfio-reset" O="$BUILD/vfio-reset-static" STATIC=1 \
	UAPI_INCLUDE="$HEADERS/include"
say "vfio-reset: $BUILD/vfio-reset-static/vfio-reset, device-keeper"
