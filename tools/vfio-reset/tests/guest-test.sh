#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Integration test inside a busybox guest.  Needs the static vfio-reset on
# PATH and /run/vfio-topology with lines "<bdf> <qemu-id> <role>[,<role>...]"
# (roles: nvme, flr, two-function-slot, conventional-pair, behind-switch).
# device-keeper (the VMM-style example) must be on PATH too.
# Emits KTAP on stdout; exits non-zero if any test failed.  A kernel
# without the kernel-reset features skips the watch and keeper tests, unless
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
echo "1..$((ndev + 7))"

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

# keeper_<role>: examples/device-keeper opens the device itself, adopts its
# fds into the library and works on it while the kernel resets it three
# times behind its back (sysfs reset; the second through the parent port's
# reset_subordinate where the kernel has it).  No operation may be lost,
# every window must end restored with config space back and be a reset the
# keeper proved (its setup register cleared) and set up again, and no
# window may cost more than one retry.
keep_device() {
	dev=$1 path=$2
	out=/tmp/device-keeper.out
	device-keeper "--$path" --windows 3 --seconds 120 "$dev" >"$out" 2>/tmp/device-keeper.err &
	pid=$!
	i=0
	while ! grep -q '^ready$' "$out" && kill -0 "$pid" 2>/dev/null && [ "$i" -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	rc=0
	if grep -q '^ready$' "$out"; then
		parent=$(dirname "$(readlink -f "/sys/bus/pci/devices/$dev")")
		for r in 1 2 3; do
			if [ "$r" -eq 2 ] && [ -w "$parent/reset_subordinate" ]; then
				attr=$parent/reset_subordinate
			else
				attr=/sys/bus/pci/devices/$dev/reset
			fi
			if ! echo 1 >"$attr"; then diag "$dev: writing $attr failed"; rc=1; fi
			sleep 0.5
		done
	fi
	krc=0
	wait "$pid" || krc=$?
	if [ "$krc" -eq 4 ]; then
		diag_file /tmp/device-keeper.err
		if required kernel-reset; then not_ok "$name"; else
			skip "$name" "kernel without the kernel-reset features"; fi
		return
	fi
	line=$(grep '^device-keeper:' "$out" || true)
	proven=$(printf '%s\n' "$line" | sed -n 's/.*reset-proven \([0-9]*\),.*/\1/p')
	reinit=$(printf '%s\n' "$line" | sed -n 's/.* reinit \([0-9]*\),.*/\1/p')
	retried=$(printf '%s\n' "$line" | sed -n 's/.* retried \([0-9]*\),.*/\1/p')
	diag "$line"
	if [ "$rc" -ne 0 ] || [ "$krc" -ne 0 ]; then
		diag "$dev: resets rc $rc, device-keeper exit $krc"
	elif ! case $line in *" lost 0, windows 3 (restored 3, "*" config-lost 0,"*) true ;; *) false ;; esac; then
		diag "$dev: want 0 lost, 3 windows ended restored, config space back"
	elif [ "$proven" != 3 ] || [ "$reinit" != 3 ]; then
		diag "$dev: want each window a proven reset, then a set-up (reset-proven $proven, reinit $reinit)"
	elif [ -z "$retried" ] || [ "$retried" -gt 3 ]; then
		diag "$dev: more retries ($retried) than windows: accesses got through a window"
	else
		ok "$name"
		return
	fi
	diag_file /tmp/device-keeper.err
	not_ok "$name"
}

for role_path in nvme:cdev igb:group; do
	role=${role_path%%:*}
	name=keeper_$role
	dev=$(bdfs_with_role "$role")
	if [ -z "$dev" ]; then
		skip "$name" "no $role in topology"
	elif ! command -v device-keeper >/dev/null 2>&1; then
		not_ok "$name"
		diag "device-keeper is not on PATH"
	else
		keep_device "${dev%% *}" "${role_path#*:}"
	fi
done

[ "$failures" -eq 0 ]
