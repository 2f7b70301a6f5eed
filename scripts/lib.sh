# shellcheck shell=bash disable=SC2034 # the paths are for the scripts that source this
# Common helpers for the harness scripts: logging, phase timing, paths.
# Sourced, never run.

# Where everything lives.  TOP is the project checkout; BUILD holds every
# generated artefact so that "rm -rf build" returns to a fresh clone.
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
TREE=${TREE:-$BUILD/linux}          # base + series, one git commit per patch
KBUILD=${KBUILD:-$BUILD/kbuild}     # O= directory of the kernel build
RESULTS=${RESULTS:-$BUILD/results}  # console log, KTAP, summary.json, timings
TIMINGS=$RESULTS/timings.tsv

# Identity used for every commit the harness makes, so that the tree and its
# export are reproducible byte for byte.
export GIT_AUTHOR_NAME=${GIT_AUTHOR_NAME:-vfio-reset harness}
export GIT_AUTHOR_EMAIL=${GIT_AUTHOR_EMAIL:-harness@localhost}
export GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME
export GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL

say() { printf '%s\n' "$*"; }
die() {
	printf 'error: %s\n' "$*" >&2
	exit 1
}

# phase NAME: announce a phase; phase_end records its elapsed seconds.
PHASE_NAME=
PHASE_START=0
phase() {
	PHASE_NAME=$1
	PHASE_START=$(date +%s)
	printf '==> %s\n' "$PHASE_NAME"
}
phase_end() {
	local secs=$(($(date +%s) - PHASE_START))
	mkdir -p "$RESULTS"
	# One line per phase; a rerun of a phase replaces its earlier figure.
	if [ -f "$TIMINGS" ]; then
		grep -v "^$PHASE_NAME	" "$TIMINGS" >"$TIMINGS.tmp" || true
		mv "$TIMINGS.tmp" "$TIMINGS"
	fi
	printf '%s\t%s\n' "$PHASE_NAME" "$secs" >>"$TIMINGS"
	printf '<== %s: %ss\n' "$PHASE_NAME" "$secs"
}

# need_tree: the kernel work tree must exist.
need_tree() {
	[ -e "$TREE/.git" ] || die "no kernel tree at $TREE: run 'make tree' first"
}

# base_commit: the unmodified base in build/linux (its branch 'base').
base_commit() {
	git -C "$TREE" rev-parse -q --verify base
}

# kernel_version DIR: "6.12.117" from a kernel tree's top Makefile.
kernel_version() {
	awk -F' *= *' '
		$1 == "VERSION" { v = $2 }
		$1 == "PATCHLEVEL" { p = $2 }
		$1 == "SUBLEVEL" { s = $2 }
		END { if (v == "") exit 1; printf "%s.%s.%s\n", v, p, s }
	' "$1/Makefile"
}

PATCHES=$TOP/patches

# series_list: the patch files of patches/series, in order.
series_list() {
	[ -f "$PATCHES/series" ] || return 0
	grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$PATCHES/series"
}

# patches_hash: one hash over patches/series and the files it names.
patches_hash() {
	(
		cd "$PATCHES" || exit 1
		cat series
		for p in $(series_list); do cat "$p"; done
	) | sha256sum | cut -d' ' -f1
}

# stamp_ok: build/linux is exactly the tree 'make tree' made from patches/
# (or the one 'make export' wrote back).
stamp_ok() {
	[ "$(cat "$BUILD/linux.stamp" 2>/dev/null)" = "$(git -C "$TREE" rev-parse HEAD) $(patches_hash)" ]
}

# install_headers: the uapi headers of build/linux in build/headers/include,
# for the userspace tools and the kselftests.
install_headers() {
	make -s -C "$TREE" O="$BUILD/hdr" headers_install INSTALL_HDR_PATH="$BUILD/headers" >/dev/null
}

# vm_and_verdict [START]: the VM phase (all test binaries, or TESTS), then
# the verdict, whose exit status is returned.  START (epoch seconds) adds a
# "total" line to the timing table.
vm_and_verdict() {
	local status qemu
	phase "VM: boot + kselftests${TESTS:+ ($TESTS)}"
	set +e
	bash "$TOP/scripts/run-vm.sh" check
	status=$?
	set -e
	case $status in
	0) qemu=ok ;;
	124) qemu=timeout ;;
	*) qemu="exit status $status" ;;
	esac
	phase_end
	if [ -n "${1:-}" ]; then
		printf 'total\t%s\n' $(($(date +%s) - $1)) >>"$TIMINGS"
	fi
	python3 "$TOP/scripts/verdict.py" "$RESULTS" "$qemu" \
		"$(kernel_version "$TREE")" "$(series_list | wc -l)"
}
