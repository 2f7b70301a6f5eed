#!/bin/bash
# One queue's VM phase and its verdict: boot the queue's kernel with the
# shared initramfs, run the kselftests, then verdict.py on the console
# (build/results/QUEUE/: console.log, ktap.txt, summary.json).
#
#   vm-verdict.sh QUEUE [--tests "A B"] [--qemu PATH] [--kernel BZIMAGE]
#                 [--results DIR] [--label NAME] [--env "K=V ..."]
#
# --kernel, --results and --label are for a kernel variant of the queue
# (scripts/variant.sh) or a special run (scripts/soak.sh): its bzImage,
# its results directory, and the name the verdict gives it; --env is the
# tests' environment (run-vm.sh).
# The kernel features the queue's kernel must offer (patches/QUEUE/base,
# "requires") are passed to the tests, which then fail instead of skipping
# when one is missing.  Exit status: the verdict's (0: nothing failed).
set -eu
. "$(dirname "$0")/lib.sh"
use_queue "${1:-}"
shift
tests='' qemu='' kernel=$KBUILD/arch/x86/boot/bzImage label=$QUEUE env=''
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || die "vm-verdict.sh: $1 needs a value"
	case $1 in
	--tests) tests=$2 ;;
	--qemu) qemu=$2 ;;
	--kernel) kernel=$2 ;;
	--results) RESULTS=$2 TIMINGS=$2/timings.tsv ;;
	--label) label=$2 ;;
	--env) env=$2 ;;
	*) die "vm-verdict.sh: unknown option $1" ;;
	esac
	shift 2
done
need_tree

mkdir -p "$RESULTS"
phase "VM ($label): boot + kselftests${tests:+ ($tests)}"
set +e
bash "$TOP/scripts/run-vm.sh" check "$kernel" --results "$RESULTS" --tests "$tests" \
	--require "$(queue_base_field requires)" --env "$env" --qemu "$qemu"
status=$?
set -e
case $status in
0) vm=ok ;;
124) vm=timeout ;;
*) vm="exit status $status" ;;
esac
phase_end
python3 "$TOP/scripts/verdict.py" "$RESULTS" "$vm" "$label" "$(kernel_version "$TREE")" \
	"$(series_list | wc -l)" "$(bash "$TOP/scripts/qemu.sh" version "$qemu")" \
	"$PATCHES/known-differences"
