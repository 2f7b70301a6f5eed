#!/bin/bash
# Prepare the base kernel as a git repository with a single commit and print
# its path.  The base is Debian's linux-source-6.12 (extracted once per
# package version into build/base/), or the tree named by KSRC=.
#
# KSRC is never modified: a git KSRC is cloned (its HEAD becomes the base
# commit), any other tree is copied.
set -eu
. "$(dirname "$0")/lib.sh"

BASE_DIR=$BUILD/base
# A fixed date and identity make the base commit, and so every patch commit
# on top of it, reproducible.
BASE_DATE='2000-01-01T00:00:00Z'

is_kernel_tree() {
	[ -f "$1/Makefile" ] && [ -f "$1/Kconfig" ] && [ -d "$1/arch/x86" ] &&
		[ -f "$1/include/uapi/linux/vfio.h" ] && kernel_version "$1" >/dev/null 2>&1
}

# commit_all DIR MESSAGE: turn a plain source directory into the base repo.
# Debian's source package ends its .gitignore with "/*" (ignore everything
# at the top level), which would make git skip every file, including new
# files a developer adds later; that packaging rule is dropped from the base.
commit_all() {
	sed -i '/^# Debian packaging/,$d' "$1/.gitignore"
	git -C "$1" init -q -b base
	git -C "$1" add -A
	GIT_AUTHOR_DATE=$BASE_DATE GIT_COMMITTER_DATE=$BASE_DATE \
		git -C "$1" commit -q --no-verify -m "$2"
}

if [ -n "${KSRC:-}" ]; then
	is_kernel_tree "$KSRC" ||
		die "KSRC=$KSRC is not a kernel source tree (no Makefile/Kconfig/arch/x86/include/uapi/linux/vfio.h); point KSRC at the top of a Linux tree, or leave it unset to use Debian's linux-source-6.12"
	KSRC=$(cd "$KSRC" && pwd)
	repo=$BASE_DIR/ksrc
	if git -C "$KSRC" rev-parse --git-dir >/dev/null 2>&1 &&
		[ "$(git -C "$KSRC" rev-parse --show-toplevel)" = "$KSRC" ]; then
		head=$(git -C "$KSRC" rev-parse HEAD)
		if [ "$(git -C "$repo" rev-parse -q --verify base 2>/dev/null)" != "$head" ]; then
			rm -rf "$repo"
			git clone -q --no-checkout "$KSRC" "$repo"
			git -C "$repo" branch -q -f base "$head"
		fi
		[ -z "$(git -C "$KSRC" status --porcelain --untracked-files=no)" ] ||
			say "warning: KSRC has uncommitted changes; only its HEAD $head is used" >&2
		say "base: KSRC=$KSRC at $(git -C "$KSRC" describe --always --tags "$head") (copied; your tree is not modified)" >&2
	else
		rm -rf "$repo"
		mkdir -p "$repo"
		cp -a "$KSRC/." "$repo/"
		commit_all "$repo" "base: $KSRC ($(kernel_version "$KSRC"))"
		say "base: KSRC=$KSRC, version $(kernel_version "$KSRC") (copied; your tree is not modified)" >&2
	fi
	echo "$repo"
	exit 0
fi

tarball=/usr/src/linux-source-6.12.tar.xz
[ -f "$tarball" ] || die "$tarball is missing: run 'scripts/deps.sh' (or apt-get install linux-source-6.12), or set KSRC=/path/to/linux"
debver=$(dpkg-query -W -f '${Version}' linux-source-6.12 2>/dev/null || echo unknown)
repo=$BASE_DIR/$debver/linux
if ! git -C "$repo" rev-parse -q --verify base >/dev/null 2>&1; then
	say "extracting $tarball ($debver) into $BASE_DIR/$debver (once per version)" >&2
	rm -rf "${BASE_DIR:?}/$debver"
	mkdir -p "$BASE_DIR/$debver"
	tar -C "$BASE_DIR/$debver" -xf "$tarball"
	mv "$BASE_DIR/$debver/linux-source-6.12" "$repo"
	commit_all "$repo" "base: Debian linux-source-6.12 $debver"
fi
say "base: Debian linux-source-6.12 $debver, Linux $(kernel_version "$repo")" >&2
echo "$repo"
