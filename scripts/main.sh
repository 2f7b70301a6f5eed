#!/bin/bash
# The two jobs behind 'make' and 'make check', phase by phase, each phase
# announced and timed (build/results/timings.tsv, printed at the end).
#
#   main.sh all     build everything, boot, show the topology, run the tests
#   main.sh check   host tests + series checks + build + boot + tests
set -eu
. "$(dirname "$0")/lib.sh"

job=${1:-all}
case $job in all | check) ;; *) die "usage: main.sh all|check" ;; esac
mkdir -p "$RESULTS"
rm -f "$TIMINGS" "$RESULTS/summary.json"
total_start=$(date +%s)

run_phase() {
	local name=$1
	shift
	phase "$name"
	"$@"
	phase_end
}

if [ -n "${KSRC:-}" ]; then
	run_phase "deps" bash "$TOP/scripts/deps.sh" --no-base
else
	run_phase "deps" bash "$TOP/scripts/deps.sh"
fi
bash "$TOP/scripts/tree.sh"
say "base: Linux $(kernel_version "$TREE") ($(git -C "$TREE" log -1 --format=%s base)) + $(series_list | wc -l) patches"

if [ "$job" = check ]; then
	run_phase "host tests (harness, shellcheck, tools/vfio-reset)" bash "$TOP/scripts/host-tests.sh"
	run_phase "series: export round trip" bash "$TOP/scripts/series-check.sh" roundtrip
	run_phase "series: checkpatch --strict" bash "$TOP/scripts/series-check.sh" checkpatch
	run_phase "kernel build (after every patch)" bash "$TOP/scripts/series-check.sh" per-patch
	run_phase "series: sparse + W=1 on touched files" bash "$TOP/scripts/series-check.sh" sparse
else
	run_phase "kernel build" bash "$TOP/scripts/build-kernel.sh"
fi
run_phase "kselftests build" bash "$TOP/scripts/build-selftests.sh"
run_phase "tools/vfio-reset (static, for the guest)" bash "$TOP/scripts/build-tools.sh"
run_phase "initramfs" bash "$TOP/scripts/initramfs.sh"

vm_and_verdict "$total_start"
