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
# The bounds the test itself accepts (race.soak: one reset of each kind
# at least, its own timeout at most).
if ! [[ $resets =~ ^[1-9][0-9]{0,6}$ ]] || [ "$resets" -lt 4 ] || [ "$resets" -gt 1000000 ]; then
	die "soak.sh: --resets $resets: a number from 4 to 1000000"
fi
if ! [[ $seconds =~ ^[1-9][0-9]*$ ]] || [ "$seconds" -lt 4 ] || [ "$seconds" -gt 900 ]; then
	die "soak.sh: --seconds $seconds: a number from 4 to 900 (the case's own timeout)"
fi

label=$QUEUE-soak
RESULTS=$BUILD/results/$label TIMINGS=$RESULTS/timings.tsv
rm -rf "$RESULTS"
status=0
# The soak runs once per IOMMU mode; the binary's guest timeout leaves
# room for both, their teardown and the suite's other cases.
bash "$TOP/scripts/vm-verdict.sh" "$QUEUE" --tests vfio_pci_reset_race_test --qemu "$qemu" \
	--results "$RESULTS" --label "$label" \
	--env "VFIO_SOAK_RESETS=$resets VFIO_SOAK_SECONDS=$seconds TEST_TIMEOUT=$((2 * (seconds + 120) + 600))" ||
	status=1
say "soak ($label, at most $resets resets or $seconds s per IOMMU mode):"
# The case's TH_LOG lines: "  # FILE:LINE:soak:TEXT", and its RUN line.
summary=$(grep -E '^ +# (.*:soak:| *RUN .*\.soak )' "$RESULTS/console.log" | sed -E 's/^ +# ([^ ]*:soak:)?/  /' || true)
if [ -n "$summary" ]; then
	say "$summary"
else
	say "  (the soak case printed no summary: see $RESULTS/console.log)"
fi
exit "$status"
