#!/bin/bash
# Build bzImage out of tree (O=build/kbuild) with ccache, printing progress
# every 20 s instead of pages of compiler lines.  The full log is kept in
# build/results/kernel-build.log and its tail is shown on failure.
# STAMP_CHECK=no builds whatever build/linux has checked out (per-patch
# builds); otherwise the tree must match patches/.
set -eu
. "$(dirname "$0")/lib.sh"
need_tree
[ "${STAMP_CHECK:-yes}" = no ] || stamp_ok || die "build/linux does not match patches/ (a patch failed to apply, or the series changed): run 'make tree'"

bash "$TOP/scripts/kconfig.sh"
mkdir -p "$RESULTS"
log=$RESULTS/$(basename "$KBUILD")-build.log
jobs=${JOBS:-$(nproc)}
# Paths relative to the project let a second tree laid out the same way
# (build/ab/ for the A/B comparison) share the ccache entries.
export CCACHE_BASEDIR=$TOP

make -C "$TREE" O="$KBUILD" CC="ccache gcc" -j"$jobs" bzImage >"$log" 2>&1 &
pid=$!
start=$(date +%s)
shown=$start
while kill -0 "$pid" 2>/dev/null; do
	sleep 2
	now=$(date +%s)
	[ $((now - shown)) -ge 20 ] || continue
	shown=$now
	n=$(grep -c '^  CC ' "$log" || true)
	last=$(grep -E '^  (CC|LD|AR|AS)' "$log" | tail -n 1 | awk '{print $2}')
	printf '    %4ss  %5s objects compiled  %s\n' "$((now - start))" "$n" "$last"
done
if ! wait "$pid"; then
	grep -E 'error|Error' "$log" | head -n 20 >&2 || true
	tail -n 20 "$log" >&2
	die "kernel build failed; full log: $log"
fi
if grep -E 'warning:' "$log" >&2; then
	say "(compiler warnings above, see $log)" >&2
fi
say "bzImage: $KBUILD/arch/x86/boot/bzImage ($(du -h "$KBUILD/arch/x86/boot/bzImage" | cut -f1), $(grep -c '^  CC ' "$log" || true) objects compiled, ccache: $(ccache -s 2>/dev/null | awk '/Hits:/ {print $2 " hits"; exit}'))"
