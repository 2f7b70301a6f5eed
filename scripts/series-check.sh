#!/bin/bash
# Checks on the series itself, before anything boots:
#   roundtrip   'make export' of the unchanged tree reproduces patches/ byte
#               for byte
#   checkpatch  scripts/checkpatch.pl --strict on every patch, clean
#   per-patch   the tree builds after every patch (kernel when the patch
#               touches it, the vfio kselftests when it touches them);
#               incremental in build/kbuild, skipped when the series and
#               config are unchanged since the last passing run; ends with
#               HEAD built, so it is also the kernel build
#   sparse      sparse (C=2) and W=1 on the kernel C files the series
#               touches: any warning on a line the series added fails
#
#   series-check.sh QUEUE roundtrip|checkpatch|per-patch|sparse|all
set -eu
. "$(dirname "$0")/lib.sh"
use_queue "${1:-}"
need_tree
stamp_ok || die "$TREE does not match patches/$QUEUE: run 'make tree QUEUE=$QUEUE' (or 'make export QUEUE=$QUEUE' if the tree is the newer side)"
mkdir -p "$RESULTS"

roundtrip() {
	local tmp
	tmp=$(mktemp -d)
	bash "$TOP/scripts/export.sh" "$QUEUE" --to "$tmp"
	# Export writes the series, the patches and the cover letter; base and
	# known-differences describe the queue and are not exported.
	if ! diff -ru -x base -x known-differences "$PATCHES" "$tmp" >"$RESULTS/roundtrip.diff"; then
		head -n 40 "$RESULTS/roundtrip.diff" >&2
		rm -rf "$tmp"
		die "export round trip of $QUEUE is not byte-identical (full diff: $RESULTS/roundtrip.diff): run 'make export QUEUE=$QUEUE' and commit patches/$QUEUE"
	fi
	rm -rf "$tmp"
	say "export round trip: byte-identical ($(series_list | wc -l) patches)"
}

checkpatch() {
	local p bad=0 out f
	for p in $(series_list); do
		# checkpatch runs scripts/spdxcheck.py with "python3": use
		# Debian's, which has python3-ply and python3-git.  Its
		# "does MAINTAINERS need updating?" fires for every added file;
		# that a MAINTAINERS entry really covers each one is checked
		# below instead.
		out=$(cd "$TREE" && PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --strict \
			--quiet --show-types --ignore FILE_PATH_CHANGES "$PATCHES/$p" 2>&1) || true
		if [ -n "$out" ]; then
			printf '%s:\n%s\n' "$p" "$out" >&2
			bad=$((bad + 1))
		fi
	done
	# checkpatch --strict leaves a camelcase cache in the tree.
	rm -f "$TREE"/.checkpatch-camelcase.git.*
	[ "$bad" = 0 ] || die "checkpatch.pl --strict: $bad patch(es) not clean (above)"
	for f in $(git -C "$TREE" diff --name-only --diff-filter=A "$(base_commit)..HEAD"); do
		(cd "$TREE" && perl scripts/get_maintainer.pl --no-git --no-git-fallback \
			--no-rolestats -f "$f" 2>/dev/null) | grep -qv -e '^linux-kernel@' -e '^$' ||
			die "$f, added by the series, is not covered by any MAINTAINERS entry"
	done
	say "checkpatch.pl --strict: $(series_list | wc -l) patches clean; every added file has a maintainer"
}

# touches_kernel REV: does this commit change anything the kernel build
# reads (everything but tools/, Documentation/ and MAINTAINERS)?
touches_kernel() {
	git -C "$TREE" diff --name-only "$1^" "$1" |
		grep -qv -e '^tools/' -e '^Documentation/' -e '^MAINTAINERS$'
}
touches_selftests() {
	git -C "$TREE" diff --name-only "$1^" "$1" | grep -q '^tools/testing/selftests/vfio/'
}

per_patch() {
	local stamp=$QBUILD/per-patch.ok key rev n=0 head
	key="$(patches_hash) $(cat "$TOP"/configs/*.config "$TOP"/configs/queue/* | sha256sum | cut -d' ' -f1)"
	if [ "$(cat "$stamp" 2>/dev/null)" = "$key" ]; then
		say "per-patch build: series unchanged since its last passing per-patch build, skipped"
		bash "$TOP/scripts/build-kernel.sh" "$QUEUE"
		return
	fi
	head=$(git -C "$TREE" symbolic-ref -q --short HEAD || git -C "$TREE" rev-parse HEAD)
	# Always come back to the series head, also when a build fails.
	trap 'git -C "$TREE" checkout -q "$head"' RETURN
	for rev in $(git -C "$TREE" rev-list --reverse "$(base_commit)..HEAD"); do
		n=$((n + 1))
		git -C "$TREE" checkout -q "$rev"
		say "per-patch build $n: $(git -C "$TREE" log -1 --format=%s "$rev")"
		if touches_kernel "$rev"; then
			bash "$TOP/scripts/build-kernel.sh" "$QUEUE" "$TREE" "$KBUILD" ||
				die "the kernel does not build after patch $n ($(git -C "$TREE" log -1 --format=%s "$rev"))"
		fi
		if [ "$QUEUE" = "$TEST_QUEUE" ] && touches_selftests "$rev"; then
			bash "$TOP/scripts/build-selftests.sh" >/dev/null ||
				die "the vfio kselftests do not build after patch $n"
		fi
	done
	git -C "$TREE" checkout -q "$head"
	trap - RETURN
	# HEAD itself, whatever the last patch touched.
	bash "$TOP/scripts/build-kernel.sh" "$QUEUE"
	echo "$key" >"$stamp"
}

# The CONFIG_ option that the Makefile beside kernel C file $1 builds its
# object under, or nothing when it is built with its directory.
object_option() {
	local obj
	obj=$(basename "${1%.c}.o")
	grep -h -E "[[:space:]=]$obj([[:space:]]|\$)" "$TREE/$(dirname "$1")/Makefile" 2>/dev/null |
		grep -o 'CONFIG_[A-Z0-9_]*' | head -n 1 || true
}

sparse_w1() {
	local base files f out warnings=0 lines sparse_note='' opt skipped='' checked=0
	base=$(base_commit)
	files=$(git -C "$TREE" diff --name-only --diff-filter=AM "$base..HEAD" -- '*.c' |
		grep -v -e '^tools/' -e '^scripts/' || true)
	if [ -z "$files" ]; then
		say "sparse/W=1: the series touches no kernel C file"
		return
	fi
	for f in $files; do
		# A file the test kernel's config does not build cannot be
		# compiled on its own either (its header has stubs instead).
		opt=$(object_option "$f")
		if [ -n "$opt" ] && ! grep -qE "^$opt=[ym]\$" "$KBUILD/.config"; then
			skipped="$skipped $f ($opt not set)"
			continue
		fi
		out=$(make -C "$TREE" O="$KBUILD" CC="ccache gcc" C=2 W=1 "${f%.c}.o" 2>&1) || {
			printf '%s\n' "$out" >&2
			die "sparse/W=1 build of $f failed"
		}
		checked=$((checked + 1))
		# The kernel checks that sparse understands its headers and builds
		# without it otherwise: say so rather than call the file clean.
		case $out in *"is not available or not up to date"*)
			sparse_note="; sparse NOT run: $(sparse --version 2>/dev/null | head -n 1) is too old for Linux $(kernel_version "$TREE") (scripts/checker-valid.sh), W=1 only"
			;;
		esac
		# Lines the series added to this file, as "N" one per line.
		lines=$(git -C "$TREE" diff -U0 "$base..HEAD" -- "$f" |
			sed -n 's/^@@ -[0-9,]* +\([0-9]*\),*\([0-9]*\) @@.*/\1 \2/p' |
			while read -r start count; do seq "$start" $((start + ${count:-1} - 1)); done)
		while IFS=: read -r file line rest; do
			case $file in *"$f") ;; *) continue ;; esac
			if printf '%s\n' "$lines" | grep -qx "$line"; then
				printf '%s:%s:%s\n' "$f" "$line" "$rest" >&2
				warnings=$((warnings + 1))
			fi
		done <<EOF_OUT
$(printf '%s\n' "$out" | grep -E ':[0-9]+:[0-9]+: (warning|error):')
EOF_OUT
	done
	# The C=2 W=1 objects would make the next normal build recompile them.
	for f in $files; do rm -f "$KBUILD/${f%.c}.o"; done
	[ "$warnings" = 0 ] || die "sparse/W=1: $warnings warning(s) on lines the series added (above)"
	say "sparse/W=1: clean on $checked touched file(s)$sparse_note"
	[ -z "$skipped" ] || say "sparse/W=1: not built by the test kernel's config, not checked:$skipped"
}

case ${2:-all} in
roundtrip) roundtrip ;;
checkpatch) checkpatch ;;
per-patch) per_patch ;;
sparse) sparse_w1 ;;
all)
	roundtrip
	checkpatch
	per_patch
	sparse_w1
	;;
*) die "usage: series-check.sh QUEUE [roundtrip|checkpatch|per-patch|sparse|all]" ;;
esac
