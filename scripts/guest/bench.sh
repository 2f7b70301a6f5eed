# shellcheck shell=dash
# Reset latency figures for the harness's timing table and the A/B
# comparison: the median of BENCH_RUNS resets of the same device in one
# boot, through the vfio-reset CLI.  Prints "bench: <name> <median> ms"
# lines; nothing when the CLI is missing.  Never fails the run.
BENCH_RUNS=${BENCH_RUNS:-21}
command -v vfio-reset >/dev/null 2>&1 || exit 0

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
if [ -n "$nvme" ]; then
	bench device_reset_nvme --group reset "$nvme"
	bench hot_reset_nvme --group hot-reset "$nvme"
fi
