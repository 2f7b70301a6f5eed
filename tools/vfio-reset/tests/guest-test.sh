#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Integration test inside a busybox guest.  Needs the static vfio-reset on
# PATH and /run/vfio-topology with lines "<bdf> <qemu-id> <role>[,<role>...]"
# (roles: nvme, flr, two-function-slot, conventional-pair, behind-switch).
# Emits KTAP on stdout; exits non-zero if any test failed.  A kernel
# without the kernel-reset features skips the watch test, unless
# VFIO_SELFTESTS_REQUIRE (comma-separated) names kernel-reset: then it fails.
set -eu

TOPOLOGY=${VFIO_TOPOLOGY:-/run/vfio-topology}
n=0
failures=0

ok() { n=$((n + 1)); echo "ok $n $1"; }
not_ok() { n=$((n + 1)); failures=$((failures + 1)); echo "not ok $n $1"; }
skip() { n=$((n + 1)); echo "ok $n $1 # SKIP $2"; }
diag() { echo "# $*"; }
diag_file() { sed 's/^/# /' "$1"; }
required() { case ",${VFIO_SELFTESTS_REQUIRE:-}," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }

# number of "affected" entries in a one-line plan --json answer
scope_size() { printf '%s\n' "$1" | tr ',' '\n' | grep -c '"ownership":' || true; }
has_role() { case ",$1," in *",$2,"*) return 0 ;; *) return 1 ;; esac; }
bdfs_with_role() {
	while read -r bdf _id roles; do
		if has_role "$roles" "$1"; then printf '%s ' "$bdf"; fi
	done <"$TOPOLOGY"
}

echo "KTAP version 1"
if [ ! -r "$TOPOLOGY" ] || ! command -v vfio-reset >/dev/null 2>&1; then
	echo "1..0 # SKIP no $TOPOLOGY or no vfio-reset on PATH"
	exit 0
fi
ndev=$(grep -c . "$TOPOLOGY" || true)
echo "1..$((ndev + 5))"

if vfio-reset --help >/dev/null 2>&1; then ok "cli_help"; else not_ok "cli_help"; fi

# one plan test per device, checked against the roles the VM was built with
while read -r bdf id roles; do
	name="plan_$id"
	rc=0
	json=$(vfio-reset plan --json "$bdf" 2>/tmp/vfio-reset.err) || rc=$?
	if [ "$rc" -ne 0 ]; then
		diag "$bdf: exit $rc: $(cat /tmp/vfio-reset.err)"
		not_ok "$name"
		continue
	fi
	size=$(scope_size "$json")
	good=1
	if has_role "$roles" two-function-slot && [ "$size" -ne 2 ]; then
		diag "$bdf: two-function slot scope is $size, want 2"; good=0
	fi
	if has_role "$roles" conventional-pair && [ "$size" -ne 2 ]; then
		diag "$bdf: conventional pair scope is $size, want 2"; good=0
	fi
	if has_role "$roles" flr; then
		case $json in
		*'"method":"flr"'*) ;;
		*) diag "$bdf: function reset method is not flr"; good=0 ;;
		esac
	fi
	if has_role "$roles" behind-switch; then
		case $json in
		*'"info_errno":0,'*) ;;
		*) diag "$bdf: no hot reset scope behind the switch"; good=0 ;;
		esac
	fi
	if [ "$good" -eq 1 ]; then ok "$name"; else diag "$json"; not_ok "$name"; fi
done <"$TOPOLOGY"

# hot reset of the two-function slot on both open paths
slot=$(bdfs_with_role two-function-slot)
for path in cdev group; do
	name="hot_reset_two_function_slot_$path"
	if [ -z "$slot" ]; then
		skip "$name" "no two-function-slot in topology"
		continue
	fi
	rc=0
	# shellcheck disable=SC2086 # $slot is a list of BDFs
	out=$(vfio-reset "--$path" hot-reset $slot 2>&1) || rc=$?
	case $rc in
	0) ok "$name" ;;
	3) diag "$out"; skip "$name" "$path path unavailable" ;;
	*) diag "$out"; not_ok "$name" ;;
	esac
done

nvme=$(bdfs_with_role nvme)
if [ -z "$nvme" ]; then
	skip "reset_nvme" "no nvme in topology"
else
	rc=0
	out=$(vfio-reset reset "${nvme%% *}" 2>&1) || rc=$?
	if [ -n "$out" ]; then diag "$out"; fi
	if [ "$rc" -eq 0 ]; then ok "reset_nvme"; else not_ok "reset_nvme"; fi
fi

# watch_kernel_reset: a sysfs reset of the open nvme is a kernel-reset
# window; watch --json prints one event per wake-up (start and end, or one
# if they coalesced) and the last shows the window ended restored.
watch_kernel_reset() {
	dev=$1
	out=/tmp/vfio-reset-watch.json
	vfio-reset watch --json "$dev" >"$out" 2>/tmp/vfio-reset-watch.err &
	pid=$!
	sleep 1		# armed (or refused, as a JSON object) by now
	if grep -q '"source":"kernel-reset"' "$out"; then
		kill "$pid" 2>/dev/null || true
		wait "$pid" || true
		diag_file "$out"
		if required kernel-reset; then
			not_ok "$name"
		else
			skip "$name" "kernel without the kernel-reset features"
		fi
		return
	fi
	rc=0
	if ! echo 1 >"/sys/bus/pci/devices/$dev/reset"; then rc=1; fi
	i=0
	while [ "$rc" -eq 0 ] && [ "$i" -lt 10 ] &&
		! grep '"event":"kernel-reset"' "$out" | grep -q '"active":false'; do
		sleep 1
		i=$((i + 1))
	done
	kill "$pid" 2>/dev/null || true	# SIGTERM: watch disarms and exits 0
	wrc=0
	wait "$pid" || wrc=$?
	last=$(grep '"event":"kernel-reset"' "$out" | tail -n 1)
	if [ "$rc" -ne 0 ]; then
		diag "$dev: sysfs reset failed"
	elif [ "$wrc" -ne 0 ]; then
		diag "$dev: watch exited $wrc"
		diag_file /tmp/vfio-reset-watch.err
	else
		case $last in
		*'"active":false,"last":"restored"'*) ok "$name"; return ;;
		*) diag "$dev: no kernel-reset window that ended restored" ;;
		esac
	fi
	diag_file "$out"
	not_ok "$name"
}

name=watch_kernel_reset_nvme
if [ -z "$nvme" ]; then
	skip "$name" "no nvme in topology"
else
	watch_kernel_reset "${nvme%% *}"
fi

[ "$failures" -eq 0 ]
