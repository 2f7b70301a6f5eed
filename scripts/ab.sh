#!/bin/bash
# A/B evidence: the same kselftests, initramfs and config on the base
# kernel (build/ab/linux: the base commit, none of the series' kernel
# changes) and on the series kernel, then ab.py's table of which cases pass
# on each and the reset latencies.  build/ab/ mirrors build/'s layout so
# the base build shares ccache entries with the series build.
set -eu
. "$(dirname "$0")/lib.sh"
need_tree

AB=$BUILD/ab
phase "A/B: base kernel build"
if [ -d "$AB/linux/.git" ] || [ -f "$AB/linux/.git" ]; then
	git -C "$AB/linux" checkout -q --detach "$(base_commit)"
else
	rm -rf "$AB/linux"
	mkdir -p "$AB"
	git -C "$TREE" worktree prune
	git -C "$TREE" worktree add -q --detach "$AB/linux" "$(base_commit)"
fi
TREE=$AB/linux KBUILD=$AB/kbuild STAMP_CHECK=no bash "$TOP/scripts/build-kernel.sh"
phase_end

for side in base series; do
	phase "A/B: VM run on the $side kernel"
	kernel=$KBUILD/arch/x86/boot/bzImage
	[ "$side" = base ] && kernel=$AB/kbuild/arch/x86/boot/bzImage
	mkdir -p "$AB/$side"
	set +e
	KERNEL=$kernel RESULTS=$AB/$side bash "$TOP/scripts/run-vm.sh" check >/dev/null
	set -e
	phase_end
done
set +e
python3 "$TOP/scripts/ab.py" "$AB/base/console.log" "$AB/series/console.log" >"$AB/ab.txt"
status=$?
set -e
cat "$AB/ab.txt"
say "A/B table: $AB/ab.txt; consoles: $AB/base/console.log, $AB/series/console.log"
exit "$status"
