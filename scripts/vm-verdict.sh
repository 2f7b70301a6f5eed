#!/bin/bash
# One queue's VM phase and its verdict: boot the queue's kernel with the
# shared initramfs, run the kselftests, then verdict.py on the console
# (build/results/QUEUE/: console.log, ktap.txt, summary.json).
#
#   vm-verdict.sh QUEUE [--tests "A B"] [--qemu PATH] [--kernel BZIMAGE]
#
# The kernel features the queue's kernel must offer (patches/QUEUE/base,
# "requires") are passed to the tests, which then fail instead of skipping
# when one is missing.  Exit status: the verdict's (0: nothing failed).
set -eu
. "$(dirname "$0")/lib.sh"
use_queue "${1:-}"
shift
tests='' qemu='' kernel=$KBUILD/arch/x86/boot/bzImage
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || die "vm-verdict.sh: $1 needs a value"
	case $1 in
	--tests) tests=$2 ;;
	--qemu) qemu=$2 ;;
	--kernel) kernel=$2 ;;
	*) die "vm-verdict.sh: unknown option $1" ;;
	esac
	shift 2
done
need_tree

mkdir -p "$RESULTS"
phase "VM ($QUEUE): boot + kselftests${tests:+ ($tests)}"
set +e
bash "$TOP/scripts/run-vm.sh" check "$kernel" --results "$RESULTS" --tests "$tests" \
	--require "$(queue_base_field requires)" --qemu "$qemu"
status=$?
set -e
case $status in
0) vm=ok ;;
124) vm=timeout ;;
*) vm="exit status $status" ;;
esac
phase_end
python3 "$TOP/scripts/verdict.py" "$RESULTS" "$vm" "$QUEUE" "$(kernel_version "$TREE")" \
	"$(series_list | wc -l)" "$(bash "$TOP/scripts/qemu.sh" version "$qemu")" \
	"$PATCHES/known-differences"
