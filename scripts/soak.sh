#!/bin/bash
# The soak, outside 'make check': the race suite on one queue's kernel,
# with its soak case (race.soak: sysfs resets, reset_subordinate,
# VFIO_DEVICE_RESET and hot resets of an NVMe controller in turn, under
# BAR access by read()/write() and mmap, MSI-X re-arming, and opens, hot
# resets and closes of another device) raised from its short default to
# RESETS resets or SECONDS seconds, whichever comes first, on the usual
# two-vCPU guest and with the usual verdict (KTAP, splats, kmemleak).
# Prints the soak's own summary after the verdict.
#
#   soak.sh QUEUE [--resets N] [--seconds S] [--qemu PATH]
#
# Results in build/results/QUEUE-soak/.
set -eu
. "$(dirname "$0")/lib.sh"
use_queue "${1:-}"
shift
resets=1000 seconds=900 qemu=''
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || die "soak.sh: $1 needs a value"
	case $1 in
	--resets) resets=$2 ;;
	--seconds) seconds=$2 ;;
	--qemu) qemu=$2 ;;
	*) die "soak.sh: unknown option $1" ;;
	esac
	shift 2
done
[[ $resets =~ ^[1-9][0-9]*$ ]] || die "soak.sh: --resets $resets: a positive number"
if ! [[ $seconds =~ ^[1-9][0-9]*$ ]] || [ "$seconds" -gt 900 ]; then
	die "soak.sh: --seconds $seconds: a number from 1 to 900 (the case's own timeout)"
fi

label=$QUEUE-soak
RESULTS=$BUILD/results/$label TIMINGS=$RESULTS/timings.tsv
rm -rf "$RESULTS"
status=0
# The binary's guest timeout leaves room for its other cases.
bash "$TOP/scripts/vm-verdict.sh" "$QUEUE" --tests vfio_pci_reset_race_test --qemu "$qemu" \
	--results "$RESULTS" --label "$label" \
	--env "VFIO_SOAK_RESETS=$resets VFIO_SOAK_SECONDS=$seconds TEST_TIMEOUT=$((seconds + 900))" ||
	status=1
say "soak ($label, at most $resets resets or $seconds s per IOMMU mode):"
grep -E '^ +# (soak|[a-z/ ]+: [0-9]+ rounds)' "$RESULTS/console.log" | sed 's/^ *# /  /' || say "  (the soak case printed no summary: see $RESULTS/console.log)"
exit "$status"
