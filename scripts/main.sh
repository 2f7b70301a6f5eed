#!/bin/bash
# The orchestrator behind 'make' and 'make check': every phase announced
# and timed, for every queue (or the one asked for), ending with the timing
# table and "N passed, N failed, N skipped" (scripts/report.py).
#
#   main.sh all|check [--queue Q] [--ksrc DIR] [--qemu PATH] [--tests "A B"]
#
#   all     build each queue's kernel, boot it, show the topology, run the tests
#   check   + host tests and the series checks (export round trip,
#           checkpatch, per-patch build, sparse/W=1) of each queue
#
# The kselftests are built once, from the test queue's tree, and run on
# every queue's kernel; that tree is prepared even when only another
# queue is asked for.  --ksrc replaces the base of the queue asked for.
set -eu
. "$(dirname "$0")/lib.sh"

job=${1:-}
case $job in all | check) ;; *) die "usage: main.sh all|check [--queue Q] [--ksrc DIR] [--qemu PATH] [--tests LIST]" ;; esac
shift
queue='' ksrc='' qemu='' tests=''
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || die "main.sh: $1 needs a value"
	case $1 in
	--queue) queue=$2 ;;
	--ksrc) ksrc=$2 ;;
	--qemu) qemu=$2 ;;
	--tests) tests=$2 ;;
	*) die "main.sh: unknown option $1" ;;
	esac
	shift 2
done
if [ -n "$queue" ]; then
	use_queue "$queue"
	run_queues=$queue
	RESULTS=$BUILD/results TIMINGS=$BUILD/results/timings.tsv
else
	[ -z "$ksrc" ] || die "KSRC= replaces the base of one queue: say which with QUEUE= (queues: $(queues | tr '\n' ' '))"
	run_queues=$(queues)
fi
# Reset this run's figures; the queues' own go to build/results/QUEUE/.
rm -rf "$BUILD/results"
mkdir -p "$RESULTS"
total_start=$(date +%s)

run_phase() {
	local name=$1
	shift
	phase "$name"
	"$@"
	phase_end
}

run_phase "deps" bash "$TOP/scripts/deps.sh"
run_phase "qemu" bash "$TOP/scripts/qemu.sh" setup "$qemu"
# shellcheck disable=SC2086 # run_queues is a list of names
for q in $(printf '%s\n' "$TEST_QUEUE" $run_queues | awk '!seen[$0]++'); do
	if [ "$q" = "$queue" ]; then
		bash "$TOP/scripts/tree.sh" "$q" "$ksrc"
	else
		bash "$TOP/scripts/tree.sh" "$q"
	fi
done

if [ "$job" = check ]; then
	run_phase "host tests (harness, shellcheck, tools/vfio-reset)" bash "$TOP/scripts/host-tests.sh"
fi
for q in $run_queues; do
	use_queue "$q"
	say "queue $q: Linux $(kernel_version "$TREE") ($(git -C "$TREE" log -1 --format=%s base)) + $(series_list | wc -l) patches"
	if [ "$job" = check ]; then
		run_phase "$q: export round trip" bash "$TOP/scripts/series-check.sh" "$q" roundtrip
		run_phase "$q: checkpatch --strict" bash "$TOP/scripts/series-check.sh" "$q" checkpatch
		run_phase "$q: kernel build (after every patch)" bash "$TOP/scripts/series-check.sh" "$q" per-patch
		run_phase "$q: sparse + W=1 on touched files" bash "$TOP/scripts/series-check.sh" "$q" sparse
	else
		run_phase "$q: kernel build" bash "$TOP/scripts/build-kernel.sh" "$q"
	fi
done
# Back to the shared figures.
RESULTS=$BUILD/results TIMINGS=$BUILD/results/timings.tsv
run_phase "kselftests build ($TEST_QUEUE tree)" bash "$TOP/scripts/build-selftests.sh"
run_phase "tools/vfio-reset (static, for the guest)" bash "$TOP/scripts/build-tools.sh"
run_phase "initramfs" bash "$TOP/scripts/initramfs.sh"

status=0
for q in $run_queues; do
	bash "$TOP/scripts/vm-verdict.sh" "$q" --tests "$tests" --qemu "$qemu" || status=1
done
# shellcheck disable=SC2086 # run_queues is a list of names
python3 "$TOP/scripts/report.py" "$BUILD/results" $(($(date +%s) - total_start)) $run_queues || status=1
exit "$status"
