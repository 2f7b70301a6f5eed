#!/bin/bash
# A kernel variant of one queue, outside 'make check': the queue's kernel
# with one more config fragment, booted with the shared initramfs to run
# the kselftests the variant lists, with the same verdict (KTAP, splats,
# kmemleak) as the default kernel's.  configs/variant/NAME/ holds the
# fragment ('config', last of the fragments, so it may undo a debug option
# the default kernels carry) and the tests ('tests', one binary per line;
# their devices come from configs/guest-tests).
#
#   variant.sh NAME QUEUE [--qemu PATH]
#
# Builds into build/QUEUE/kbuild-NAME; results in build/results/QUEUE-NAME/.
set -eu
. "$(dirname "$0")/lib.sh"
variants() { (cd "$TOP/configs/variant" && ls); }
[ $# -ge 2 ] || die "usage: variant.sh NAME QUEUE [--qemu PATH] (variants: $(variants | tr '\n' ' '))"
name=$1
dir=$TOP/configs/variant/$name
if [ -z "$name" ] || [ ! -f "$dir/config" ] || [ ! -f "$dir/tests" ]; then
	die "unknown kernel variant '$name': the variants are: $(variants | tr '\n' ' ')(VARIANT=name)"
fi
use_queue "$2"
shift 2
qemu=''
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || die "variant.sh: $1 needs a value"
	case $1 in
	--qemu) qemu=$2 ;;
	*) die "variant.sh: unknown option $1" ;;
	esac
	shift 2
done
need_tree
stamp_ok || die "$TREE does not match patches/$QUEUE: run 'make tree QUEUE=$QUEUE'"

tests=$(grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$dir/tests" | tr '\n' ' ')
# A name the guest does not know would select no test and pass.
for t in $tests; do
	grep -q "^${t}[[:space:]]" "$TOP/configs/guest-tests" ||
		die "$dir/tests: $t is not in configs/guest-tests"
done
[ -n "$tests" ] || die "$dir/tests lists no test"
label=$QUEUE-$name
kbuild=$QBUILD/kbuild-$name
RESULTS=$BUILD/results/$label TIMINGS=$RESULTS/timings.tsv
rm -rf "$RESULTS"
phase "$label: kernel build"
bash "$TOP/scripts/build-kernel.sh" "$QUEUE" "$TREE" "$kbuild" "$dir/config"
phase_end
bash "$TOP/scripts/vm-verdict.sh" "$QUEUE" --tests "$tests" --qemu "$qemu" \
	--kernel "$kbuild/arch/x86/boot/bzImage" --results "$RESULTS" --label "$label"
