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

# canonical_commits: give the tree's commits the committer date of their
# author date, as 'make tree' does when it applies the queue (git am
# --committer-date-is-author-date; the identity is lib.sh's), so that an
# exported tree and one made from patches/ have the same commits.  A
# rebase or amend in the tree leaves today's committer date behind.  Only
# commit objects are rewritten: the index and the files (and so the next
# incremental build) are not touched.
canonical_commits() {
	local c parent date
	parent=$(base_commit)
	for c in $(git -C "$TREE" rev-list --reverse "$parent..HEAD"); do
		date=$(git -C "$TREE" log -1 --date=raw --format=%ad "$c")
		parent=$(GIT_AUTHOR_NAME=$(git -C "$TREE" log -1 --format=%an "$c") \
			GIT_AUTHOR_EMAIL=$(git -C "$TREE" log -1 --format=%ae "$c") \
			GIT_AUTHOR_DATE=$date GIT_COMMITTER_DATE=$date \
			git -C "$TREE" commit-tree "$c^{tree}" -p "$parent" \
			-F <(git -C "$TREE" cat-file commit "$c" | sed '1,/^$/d'))
	done
	git -C "$TREE" update-ref -m "export: committer dates of the queue" HEAD "$parent"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git -C "$TREE" -c diff.noprefix=false -c diff.mnemonicPrefix=false \
	-c diff.renames=true -c format.signature= -c format.coverLetter=false \
	-c format.thread=false -c format.numbered=auto -c format.headers= \
	format-patch -q --no-signature --zero-commit --full-index --no-color \
	--no-notes --no-cover-letter -o "$tmp" "$(base_commit)..HEAD" >/dev/null
# The cover letter: its subject and text are the queue's own (edit them
# in patches/QUEUE/0000-cover-letter.patch); the shortlog and diffstat
# after the text are written anew from the commits.
cover=$PATCHES/0000-cover-letter.patch
if [ -f "$cover" ]; then
	description=$(awk '
		/^Subject: / { sub(/^Subject: (\[[^]]*\] )?/, ""); subj = $0; insubj = 1; next }
		insubj && /^ / { subj = subj $0; next }
		insubj { insubj = 0; print subj; print "" }
		!body && /^$/ { body = 1; next }
		body && !text && /^$/ { next }
		body && /^[^ ].* \([0-9]+\):$/ { exit }
		body { text = 1; print }' "$cover")
	git -C "$TREE" config branch.series.description "$description"
	git -C "$TREE" -c diff.noprefix=false -c diff.mnemonicPrefix=false \
		-c diff.renames=true -c format.signature= -c format.thread=false \
		-c format.numbered=auto -c format.headers= \
		format-patch -q --no-signature --zero-commit --full-index --no-color \
		--no-notes --cover-letter --cover-from-description=subject \
		-o "$tmp/cover" "$(base_commit)..HEAD" >/dev/null
	# format-patch dates the letter now: pin it to the first patch's date.
	sed "s/^Date: .*/$(grep -m1 '^Date: ' "$tmp"/0001-*.patch)/" \
		"$tmp/cover/0000-cover-letter.patch" >"$tmp/0000-cover-letter.patch"
	rm -rf "$tmp/cover"
fi
{
	echo "# vfio-pci reset and error-recovery series, applied in this order"
	for f in "$tmp"/[0-9]*.patch; do
		case ${f##*/} in 0000-cover-letter.patch | "[0-9]*.patch") ;; *) echo "${f##*/}" ;; esac
	done
} >"$tmp/series"

mkdir -p "$dest"
find "$dest" -maxdepth 1 -name '*.patch' ! -name 0000-cover-letter.patch -delete
cp "$tmp"/* "$dest"/
if [ "$dest" = "$PATCHES" ]; then
	canonical_commits
	# The tree now matches the queue: record it so 'make tree' is a no-op.
	echo "$(git -C "$TREE" rev-parse HEAD) $(patches_hash)" >"$STAMP"
	say "exported $(grep -vc '^#' "$dest/series") patches to patches/$QUEUE"
fi
