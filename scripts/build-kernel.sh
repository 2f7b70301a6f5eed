#!/bin/bash
# Build bzImage out of tree with ccache, printing progress every 20 s
# instead of pages of compiler lines.  The full log is kept next to the
# objects (KBUILD/build.log) and its tail is shown on failure.
#
#   build-kernel.sh QUEUE                  the queue's tree, which must match
#                                          patches/QUEUE, into build/QUEUE/kbuild
#   build-kernel.sh QUEUE TREE KBUILD [FRAGMENT]
#                                          whatever TREE has checked out
#                                          (per-patch builds, the A/B base),
#                                          FRAGMENT last (a kernel variant)
set -eu
. "$(dirname "$0")/lib.sh"
use_queue "${1:-}"
variant=()
if [ $# -ge 3 ]; then
	TREE=$2 KBUILD=$3
	[ $# -lt 4 ] || variant=("$4")
else
	need_tree
	stamp_ok || die "$TREE does not match patches/$QUEUE (a patch failed to apply, or the queue changed): run 'make tree QUEUE=$QUEUE'"
fi

bash "$TOP/scripts/kconfig.sh" "$QUEUE" "$TREE" "$KBUILD" "${variant[@]}"
log=$KBUILD/build.log
jobs=$(nproc)
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
