#!/bin/bash
# Build build/linux: the base as its first commit, then one commit per patch
# of patches/series (git am).  A no-op when the tree already matches
# patches/.  Refuses to throw away work: uncommitted changes, or commits that
# were never exported.
#
# build/linux.stamp records "<HEAD> <hash of patches/>" of the last tree that
# matched patches/; later steps build only a tree whose stamp is current, so
# a failed apply never leaves a half-applied tree that gets built.
set -eu
. "$(dirname "$0")/lib.sh"

STAMP=$BUILD/linux.stamp
phase "tree: base + patches/ -> build/linux"
base_repo=$(bash "$TOP/scripts/base.sh")
base=$(git -C "$base_repo" rev-parse base)
want=$(patches_hash)

if [ -d "$TREE/.git" ]; then
	head=$(git -C "$TREE" rev-parse HEAD)
	if [ -n "$(git -C "$TREE" status --porcelain)" ]; then
		die "build/linux has uncommitted changes: commit them there and run 'make export', or discard them (git -C build/linux reset --hard; git -C build/linux clean -fd)"
	fi
	if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$head $want" ] &&
		[ "$(base_commit)" = "$base" ]; then
		say "build/linux is up to date with patches/ ($(series_list | wc -l) patches)"
		[ -f "$BUILD/headers/include/linux/vfio.h" ] || install_headers
		phase_end
		exit 0
	fi
	stamped_head=$(cut -d' ' -f1 "$STAMP" 2>/dev/null || true)
	if [ "$head" != "$stamped_head" ] && [ -z "${FORCE:-}" ] &&
		[ "$(git -C "$TREE" rev-list --count "$(base_commit)..HEAD")" != 0 ]; then
		die "build/linux has commits that patches/ does not have (HEAD moved since the last 'make tree'/'make export'): run 'make export' to keep them, or 'make tree FORCE=1' to discard them"
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
	git clone -q --shared --branch base "$base_repo" "$TREE"
	git -C "$TREE" checkout -q -B series
	git -C "$TREE" remote remove origin
fi

n=0
for p in $(series_list); do
	[ -f "$PATCHES/$p" ] || die "patches/series names $p, which does not exist"
	n=$((n + 1))
	if ! git -C "$TREE" am -q --committer-date-is-author-date "$PATCHES/$p" >"$BUILD/am.log" 2>&1; then
		git -C "$TREE" am --abort >/dev/null 2>&1 || true
		git -C "$TREE" checkout -q -B series "$base"
		printf 'error: patch %s (#%d in patches/series) does not apply to the base:\n' "$p" "$n" >&2
		git -C "$TREE" apply --check -v "$PATCHES/$p" 2>&1 | grep -E '^(error|Checking|Hunk)' >&2 || cat "$BUILD/am.log" >&2
		die "fix or rebase $p (build/linux is left at the base with no patches, and nothing will be built from it)"
	fi
done
echo "$(git -C "$TREE" rev-parse HEAD) $want" >"$STAMP"
install_headers
say "build/linux: $(git -C "$TREE" log -1 --format=%s base) + $n patches (branch 'series')"
phase_end
