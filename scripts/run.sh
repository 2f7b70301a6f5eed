#!/bin/bash
# 'make run': boot the kernel and initramfs that are already built, run the
# kselftests (all, or TESTS="a b"), and print the verdict like 'make check'
# does, without the host tests, series checks and builds.
set -eu
. "$(dirname "$0")/lib.sh"
need_tree

rm -f "$TIMINGS"
vm_and_verdict
