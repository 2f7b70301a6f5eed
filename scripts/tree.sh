#!/bin/bash
# Build build/QUEUE/linux: the base as its first commit, then one commit per
# patch of patches/QUEUE/series (git am).  A no-op when the tree already
# matches the queue.  Refuses to throw away work: uncommitted changes, or
# commits that were never exported.
#
#   tree.sh QUEUE [KSRC] [force]
#
# build/QUEUE/linux.stamp records "<HEAD> <hash of the queue>" of the last
# tree that matched it; later steps build only a tree whose stamp is
# current, so a failed apply never leaves a half-applied tree that gets built.
set -eu
. "$(dirname "$0")/lib.sh"
use_queue "${1:-}"
ksrc=${2:-}
force=${3:-}

phase "tree: base + patches/$QUEUE -> build/$QUEUE/linux"
base_repo=$(bash "$TOP/scripts/base.sh" "$QUEUE" "$ksrc")
base=$(git -C "$base_repo" rev-parse base)
want=$(patches_hash)

if [ -d "$TREE/.git" ]; then
	head=$(git -C "$TREE" rev-parse HEAD)
	if [ -n "$(git -C "$TREE" status --porcelain)" ]; then
		die "$TREE has uncommitted changes: commit them there and run 'make export QUEUE=$QUEUE', or discard them (git -C $TREE reset --hard; git -C $TREE clean -fd)"
	fi
	if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$head $want" ] &&
		[ "$(base_commit)" = "$base" ]; then
		say "$TREE is up to date with patches/$QUEUE ($(series_list | wc -l) patches)"
		[ -f "$HEADERS/include/linux/vfio.h" ] || install_headers
		phase_end
		exit 0
	fi
	stamped_head=$(cut -d' ' -f1 "$STAMP" 2>/dev/null || true)
	if [ "$head" != "$stamped_head" ] && [ "$force" != force ] &&
		[ "$(git -C "$TREE" rev-list --count "$(base_commit)..HEAD")" != 0 ]; then
		die "$TREE has commits that patches/$QUEUE does not have (HEAD moved since the last 'make tree'/'make export'): run 'make export QUEUE=$QUEUE' to keep them, or 'make tree QUEUE=$QUEUE FORCE=1' to discard them"
	fi
fi

rm -f "$STAMP"
if [ -d "$TREE/.git" ] && [ "$(base_commit)" = "$base" ]; then
	# Same base: rewind in place.  Files that do not change keep their
	# mtimes, so the next kernel build stays incremental.
	git -C "$TREE" am --abort >/dev/null 2>&1 || true
	git -C "$TREE" checkout -q -B series "$base"
else
	rm -rf "$TREE"
	mkdir -p "$QBUILD"
	git clone -q --shared --branch base "$base_repo" "$TREE"
	git -C "$TREE" checkout -q -B series
	git -C "$TREE" remote remove origin
fi

n=0
for p in $(series_list); do
	[ -f "$PATCHES/$p" ] || die "patches/$QUEUE/series names $p, which does not exist"
	n=$((n + 1))
	if ! git -C "$TREE" am -q --committer-date-is-author-date "$PATCHES/$p" >"$QBUILD/am.log" 2>&1; then
		git -C "$TREE" am --abort >/dev/null 2>&1 || true
		git -C "$TREE" checkout -q -B series "$base"
		printf 'error: queue %s: patch %s (#%d in patches/%s/series) does not apply to the base:\n' "$QUEUE" "$p" "$n" "$QUEUE" >&2
		git -C "$TREE" apply --check -v "$PATCHES/$p" 2>&1 | grep -E '^(error|Checking|Hunk)' >&2 || cat "$QBUILD/am.log" >&2
		die "fix or rebase $p ($TREE is left at the base with no patches, and nothing will be built from it)"
	fi
done
echo "$(git -C "$TREE" rev-parse HEAD) $want" >"$STAMP"
install_headers
say "$TREE: $(git -C "$TREE" log -1 --format=%s base) + $n patches (branch 'series')"
phase_end
