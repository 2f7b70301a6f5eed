#!/bin/bash
# 'make run': boot the kernel and initramfs that are already built, run the
# kselftests (all, or TESTS="a b"), and print the verdict like 'make check'
# does, without the host tests, series checks and builds.
set -eu
. "$(dirname "$0")/lib.sh"
need_tree

rm -f "$TIMINGS"
phase "VM: boot + kselftests${TESTS:+ ($TESTS)}"
set +e
bash "$TOP/scripts/run-vm.sh" check
vm_status=$?
set -e
case $vm_status in 0) qemu=ok ;; 124) qemu=timeout ;; *) qemu="exit status $vm_status" ;; esac
phase_end
python3 "$TOP/scripts/verdict.py" "$RESULTS" "$qemu" "$(kernel_version "$TREE")" "$(series_list | wc -l)"
