#!/bin/bash
# A/B evidence for one queue: the same kselftests and initramfs on the
# queue's base kernel (build/QUEUE/ab/linux: the base commit, none of the
# series' kernel changes) and on its series kernel, then ab.py's table of
# which cases pass on each and the reset latencies.
#
#   ab.sh QUEUE [--qemu PATH] [--tests "A B"]
set -eu
. "$(dirname "$0")/lib.sh"
use_queue "${1:-}"
shift
qemu='' tests=''
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || die "ab.sh: $1 needs a value"
	case $1 in
	--qemu) qemu=$2 ;;
	--tests) tests=$2 ;;
	*) die "ab.sh: unknown option $1" ;;
	esac
	shift 2
done
need_tree

AB=$QBUILD/ab
if ! git -C "$TREE" diff --name-only "$(base_commit)..HEAD" |
	grep -qv -e '^tools/' -e '^Documentation/' -e '^MAINTAINERS$'; then
	say "A/B ($QUEUE): the queue changes no kernel file, so its base kernel is its series kernel: nothing to compare ('make run QUEUE=$QUEUE' runs the tests)"
	exit 0
fi
phase "A/B ($QUEUE): base kernel build"
if [ -e "$AB/linux/.git" ]; then
	git -C "$AB/linux" checkout -q --detach "$(base_commit)"
else
	rm -rf "$AB/linux"
	mkdir -p "$AB"
	git -C "$TREE" worktree prune
	git -C "$TREE" worktree add -q --detach "$AB/linux" "$(base_commit)"
fi
bash "$TOP/scripts/build-kernel.sh" "$QUEUE" "$AB/linux" "$AB/kbuild"
phase_end

for side in base series; do
	phase "A/B ($QUEUE): VM run on the $side kernel"
	# The series kernel must offer the queue's features (a missing one
	# fails); the base kernel is expected not to (they skip there).
	kernel=$KBUILD/arch/x86/boot/bzImage require=$(queue_base_field requires)
	[ "$side" = base ] && kernel=$AB/kbuild/arch/x86/boot/bzImage require=''
	set +e
	bash "$TOP/scripts/run-vm.sh" check "$kernel" --results "$AB/$side" --qemu "$qemu" \
		--tests "$tests" --require "$require" >/dev/null
	set -e
	phase_end
done
set +e
python3 "$TOP/scripts/ab.py" "$AB/base/console.log" "$AB/series/console.log" \
	"$PATCHES/known-differences" >"$AB/ab.txt"
status=$?
set -e
cat "$AB/ab.txt"
say "A/B table ($QUEUE): $AB/ab.txt; consoles: $AB/base/console.log, $AB/series/console.log"
exit "$status"
