#!/bin/bash
# Write the commits of build/linux after the base back to patches/ (one
# git format-patch file each, plus patches/series).
#
#   export.sh            replace patches/ with the tree's commits
#   export.sh --to DIR   export into DIR instead (used by the round-trip
#                        check: exporting an unchanged tree is byte-identical)
#
# The output must not depend on who runs it: no signature with a git
# version, all-zero From hashes, full index lines, and no user diff options.
set -eu
. "$(dirname "$0")/lib.sh"
need_tree

dest=$TOP/patches
[ "${1:-}" = --to ] && dest=$2
[ -z "$(git -C "$TREE" status --porcelain --untracked-files=no)" ] ||
	die "build/linux has uncommitted changes: commit them first (git -C build/linux commit)"

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
if [ "$dest" = "$TOP/patches" ]; then
	# The tree now matches patches/: record it so 'make tree' is a no-op.
	echo "$(git -C "$TREE" rev-parse HEAD) $(patches_hash)" >"$BUILD/linux.stamp"
	say "exported $(grep -vc '^#' "$dest/series") patches to patches/"
fi
