# shellcheck shell=bash disable=SC2034 # the paths are for the scripts that source this
# Common helpers for the harness scripts: logging, phase timing, paths.
# Sourced, never run.

# Where everything lives.  TOP is the project checkout; BUILD holds every
# generated artefact so that "rm -rf build" returns to a fresh clone.
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=$TOP/build
# The kselftests are built from this queue's tree and run on every kernel.
TEST_QUEUE=mainline
SELFTESTS=$BUILD/selftests         # static kselftests (from TEST_QUEUE)
INITRD=$BUILD/initramfs.cpio       # one initramfs for every kernel
# Results of the phases the queues share; use_queue points both at the
# queue's own.
RESULTS=$BUILD/results
TIMINGS=$RESULTS/timings.tsv

# queues: the names of the queues, one per patches/NAME/series.
queues() {
	local s
	for s in "$TOP"/patches/*/series; do
		[ -f "$s" ] && basename "$(dirname "$s")"
	done
}

# use_queue NAME: the paths of one queue.  Everything a queue builds lives
# in build/NAME/; its results in build/results/NAME/.
use_queue() {
	[ -f "$TOP/patches/${1:-/}/series" ] ||
		die "unknown queue '${1}': the queues are: $(queues | tr '\n' ' ')(QUEUE=name)"
	QUEUE=$1
	PATCHES=$TOP/patches/$QUEUE
	QBUILD=$BUILD/$QUEUE
	TREE=$QBUILD/linux          # base + series, one git commit per patch
	KBUILD=$QBUILD/kbuild       # O= directory of the kernel build
	HEADERS=$QBUILD/headers     # uapi headers of TREE
	STAMP=$QBUILD/linux.stamp
	RESULTS=$BUILD/results/$QUEUE
	TIMINGS=$RESULTS/timings.tsv
}

# queue_base_field NAME: a field of patches/QUEUE/base ("name value" lines).
queue_base_field() {
	awk -v k="$1" '$1 == k { print $2; exit }' "$PATCHES/base"
}

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
	[ -e "$TREE/.git" ] || die "no kernel tree at $TREE: run 'make tree QUEUE=$QUEUE' first"
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

# series_list: the patch files of the queue's series, in order.
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
	[ "$(cat "$STAMP" 2>/dev/null)" = "$(git -C "$TREE" rev-parse HEAD) $(patches_hash)" ]
}

# install_headers: the uapi headers of the queue's tree in HEADERS/include,
# for the userspace tools and the kselftests.
install_headers() {
	make -s -C "$TREE" O="$QBUILD/hdr" headers_install INSTALL_HDR_PATH="$HEADERS" >/dev/null
}
