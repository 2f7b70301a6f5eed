#!/bin/bash
# Write the commits of build/QUEUE/linux after the base back to
# patches/QUEUE (one git format-patch file each, plus its series).
#
#   export.sh QUEUE            replace patches/QUEUE with the tree's commits
#   export.sh QUEUE --to DIR   export into DIR instead (used by the round-trip
#                              check: exporting an unchanged tree is byte-identical)
#
# The output must not depend on who runs it: no signature with a git
# version, all-zero From hashes, full index lines, and no user diff options.
set -eu
. "$(dirname "$0")/lib.sh"
use_queue "${1:-}"
need_tree

dest=$PATCHES
[ "${2:-}" = --to ] && dest=$3
[ -z "$(git -C "$TREE" status --porcelain --untracked-files=no)" ] ||
	die "$TREE has uncommitted changes: commit them first (git -C $TREE commit)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$TREE" -c diff.noprefix=false -c diff.mnemonicPrefix=false \
	-c diff.renames=true -c format.signature= -c format.coverLetter=false \
	-c format.thread=false -c format.numbered=auto -c format.headers= \
	format-patch -q --no-signature --zero-commit --full-index --no-color \
	--no-notes --no-cover-letter -o "$tmp" "$(base_commit)..HEAD" >/dev/null
{
	echo "# vfio-pci reset and error-recovery series, applied in this order"
	(cd "$tmp" && ls -- *.patch 2>/dev/null) || true
} >"$tmp/series"

mkdir -p "$dest"
rm -f "$dest"/*.patch
cp "$tmp"/* "$dest"/
if [ "$dest" = "$PATCHES" ]; then
	# The tree now matches the queue: record it so 'make tree' is a no-op.
	echo "$(git -C "$TREE" rev-parse HEAD) $(patches_hash)" >"$STAMP"
	say "exported $(grep -vc '^#' "$dest/series") patches to patches/$QUEUE"
fi
