# shellcheck shell=dash
# The kmemleak scan after the guest's tests (configs/20-debug.config has
# kmemleak without its periodic scan): one summary line, then every
# suspected leak with its backtrace.  The verdict (scripts/verdict.py,
# scripts/splat.py) fails the run on a non-zero count, and when the
# summary line is missing.
#
# kmemleak reports an object only from the second scan that sees it: the
# first records a checksum of its contents and holds back anything that
# changed since the previous scan.  So two scans, each about 30 s in a
# 4 GiB TCG guest (half of it the 1 GiB huge page, which kmemleak scans
# as boot memory).  Boot-time objects need no baseline: a run with no
# test reports none.
KMEMLEAK=/sys/kernel/debug/kmemleak

kmemleak_report() {
	if [ ! -w $KMEMLEAK ]; then
		echo "vfio-harness: kmemleak: not available in this kernel (CONFIG_DEBUG_KMEMLEAK): no leak check"
		return 0
	fi
	# kmemleak ignores objects younger than 5 s: let the last test's age.
	sleep 6
	start=$(date +%s)
	if ! echo scan >$KMEMLEAK || ! echo scan >$KMEMLEAK; then
		echo "vfio-harness: kmemleak: scan refused (kmemleak disabled itself, see the kernel log): no leak check"
		return 0
	fi
	n=$(grep -c '^unreferenced object' $KMEMLEAK)
	echo "vfio-harness: kmemleak: scanned, $n suspected memory leaks ($(($(date +%s) - start)) s)"
	sed 's/^/vfio-harness: kmemleak: /' $KMEMLEAK
}
