# shellcheck shell=dash
# Figures for the harness's timing table and the A/B comparison, printed as
# "bench: <name> <median> ms" lines, never asserted; a benchmark that cannot
# run prints why.  Never fails the run.
#  - reset latency: the median of BENCH_RUNS resets of the same device in
#    one boot, through the vfio-reset CLI (when it is in the initramfs);
#  - BAR access: read()/write() of an NVMe BAR through its region, the
#    path whose locking the series changes (vfio_pci_bar_bench).
BENCH_RUNS=${BENCH_RUNS:-21}

# shellcheck source=topology.sh
. /lib/vfio-harness/topology.sh

# bench NAME COMMAND...: run the CLI, keep its median.
bench() {
	name=$1
	shift
	out=$(vfio-reset "$@" --repeat "$BENCH_RUNS" 2>&1) || {
		echo "bench: $name failed: $(echo "$out" | tail -n 1)"
		return
	}
	median=$(echo "$out" | sed -n 's/.*: median \([0-9.]*\) ms.*/\1/p' | tail -n 1)
	echo "bench: $name ${median:-?} ms (median of $BENCH_RUNS)"
}

nvme=$(bdfs_of nvme | head -n 1)
[ -n "$nvme" ] || exit 0
if command -v vfio-reset >/dev/null 2>&1; then
	bench device_reset_nvme --group reset "$nvme"
	bench hot_reset_nvme --group hot-reset "$nvme"
fi
bar_bench=/usr/lib/kselftests/vfio/vfio_pci_bar_bench
if [ -x "$bar_bench" ]; then
	"$bar_bench" "$nvme" 2>&1 || echo "bench: bar access failed (exit $?)"
fi
