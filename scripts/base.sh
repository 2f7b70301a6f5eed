#!/bin/bash
# Prepare the base kernel of a queue as a git repository with a single
# commit and print its path.
#
#   base.sh QUEUE [KSRC]
#
# The base is the Debian linux-source package patches/QUEUE/base names,
# downloaded (apt-get download, never installed) and extracted once per
# package version into build/base/, or the tree KSRC names.  KSRC is never
# modified: a git KSRC is cloned (its HEAD becomes the base commit), any
# other tree is copied.
set -eu
. "$(dirname "$0")/lib.sh"
use_queue "${1:-}"
KSRC=${2:-}

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

# check_minimum DIR: refuse a base older than the queue's "minimum" line
# (same major.minor, lower sublevel), which names the version and why.
# Another major.minor is left to the patches: they apply or they do not.
check_minimum() {
	local min why ver
	min=$(queue_base_field minimum)
	[ -n "$min" ] || return 0
	why=$(awk '$1 == "minimum" { $1 = ""; $2 = ""; sub(/^ +/, ""); print; exit }' "$PATCHES/base")
	ver=$(kernel_version "$1")
	[ "${ver%.*}" = "${min%.*}" ] || return 0
	[ "${ver##*.}" -ge "${min##*.}" ] && return 0
	die "the $QUEUE queue needs Linux $min or later, and the base is $ver: $why. Point KSRC= at a $min or later tree, or leave KSRC unset for the Debian package patches/$QUEUE/base names"
}

if [ -n "$KSRC" ]; then
	is_kernel_tree "$KSRC" ||
		die "KSRC=$KSRC is not a kernel source tree (no Makefile/Kconfig/arch/x86/include/uapi/linux/vfio.h); point KSRC at the top of a Linux tree, or leave it unset to use Debian's $(queue_base_field package)"
	KSRC=$(cd "$KSRC" && pwd)
	repo=$BASE_DIR/ksrc-$QUEUE
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
		check_minimum "$KSRC"
		say "base: KSRC=$KSRC at $(git -C "$KSRC" describe --always --tags "$head") (copied; your tree is not modified)" >&2
	else
		check_minimum "$KSRC"
		rm -rf "$repo"
		mkdir -p "$repo"
		cp -a "$KSRC/." "$repo/"
		commit_all "$repo" "base: $KSRC ($(kernel_version "$KSRC"))"
		say "base: KSRC=$KSRC, version $(kernel_version "$KSRC") (copied; your tree is not modified)" >&2
	fi
	echo "$repo"
	exit 0
fi

pkg=$(queue_base_field package)
suite=$(queue_base_field suite)
if [ -z "$pkg" ] || [ -z "$suite" ]; then
	die "$PATCHES/base names no 'package' and 'suite'"
fi
deb=$(bash "$TOP/scripts/apt-suite.sh" download "$suite" "$pkg" "$BUILD/downloads")
debver=$(dpkg-deb -f "$deb" Version)
repo=$BASE_DIR/${pkg}_$debver/linux
if ! git -C "$repo" rev-parse -q --verify base >/dev/null 2>&1; then
	say "extracting $(basename "$deb") into $BASE_DIR/${pkg}_$debver (once per version)" >&2
	top=$BASE_DIR/${pkg}_$debver
	rm -rf "$top"
	mkdir -p "$top"
	dpkg-deb --fsys-tarfile "$deb" | tar -C "$top" -x "./usr/src/$pkg.tar.xz" ||
		die "$deb holds no /usr/src/$pkg.tar.xz"
	tar -C "$top" -xf "$top/usr/src/$pkg.tar.xz"
	rm -rf "${top:?}/usr"
	mv "$top/$pkg" "$repo"
	commit_all "$repo" "base: Debian $pkg $debver"
fi
check_minimum "$repo"
say "base: Debian $pkg $debver, Linux $(kernel_version "$repo")" >&2
echo "$repo"
