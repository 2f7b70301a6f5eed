#!/bin/bash
# Configure a kernel build directory: 'make tinyconfig', then every
# configs/*.config fragment and configs/queue/QUEUE.config, then
# olddefconfig.  merge_config.sh drops an option silently when one of its
# dependencies is missing, so every option a fragment sets is checked
# afterwards and the missing ones are named.  A kernel variant's fragment
# (configs/variant/NAME/config) comes last and may undo an option of the
# others: an option it sets is checked as it sets it.  Between the other
# fragments a disagreement stays an error (one of them is not met).
#
#   kconfig.sh QUEUE TREE KBUILD [VARIANT_FRAGMENT]
set -eu
. "$(dirname "$0")/lib.sh"
[ $# = 3 ] || [ $# = 4 ] || die "usage: kconfig.sh QUEUE TREE KBUILD [VARIANT_FRAGMENT]"
use_queue "$1"
tree=$2 kbuild=$3

mkdir -p "$kbuild"
frags=("$TOP"/configs/*.config)
[ -f "$TOP/configs/queue/$QUEUE.config" ] && frags+=("$TOP/configs/queue/$QUEUE.config")
variant=()
if [ $# = 4 ]; then
	[ -f "$4" ] || die "no config fragment $4"
	variant=("$4")
	frags+=("$4")
fi

# wanted FRAGMENT...: "CONFIG_X=value", or "CONFIG_X=n" for "is not set".
wanted() {
	[ $# -gt 0 ] || return 0
	sed -n -e 's/^\(CONFIG_[A-Za-z0-9_]*=.*\)/\1/p' \
		-e 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set/\1=n/p' "$@"
}
# Reconfigure only when a fragment or the tree's Kconfig changed.
key=$( (cat "${frags[@]}"; git -C "$tree" rev-parse HEAD) | sha256sum | cut -d' ' -f1)
if [ -f "$kbuild/.config" ] && [ "$(cat "$kbuild/.config.key" 2>/dev/null)" = "$key" ]; then
	exit 0
fi

kmake() { make -s -C "$tree" O="$kbuild" "$@"; }
kmake tinyconfig >/dev/null
(cd "$kbuild" && "$tree/scripts/kconfig/merge_config.sh" -m -O "$kbuild" .config "${frags[@]}" >/dev/null)
kmake olddefconfig >/dev/null

# want: "CONFIG_X=value" or "CONFIG_X=n" for "# CONFIG_X is not set".
missing=
while read -r want; do
	opt=${want%%=*}
	val=${want#*=}
	if [ "$val" = n ]; then
		grep -q "^$opt=" "$kbuild/.config" && missing="$missing
  $opt must be unset, is $(grep "^$opt=" "$kbuild/.config")"
	else
		grep -qx "$want" "$kbuild/.config" || missing="$missing
  $want (.config has: $(grep -E "^$opt=|^# $opt is not set" "$kbuild/.config" || echo nothing))"
	fi
done <<EOF_WANT
$(wanted "${frags[@]:0:${#frags[@]}-${#variant[@]}}" | awk -F= -v over="$(wanted "${variant[@]}")" '
	BEGIN { n = split(over, o, "\n"); for (i = 1; i <= n; i++) { split(o[i], kv, "="); mine[kv[1]] } }
	!($1 in mine)
	END { for (i = 1; i <= n; i++) if (o[i] != "") print o[i] }')
EOF_WANT
[ -z "$missing" ] || die "options required by the config fragments are not set after olddefconfig (a dependency is missing; add it to a fragment):$missing"
echo "$key" >"$kbuild/.config.key"
say "kernel config ($QUEUE): tinyconfig + ${#frags[@]} fragments, all $(sed -n -e '/^CONFIG_/p' -e '/^# CONFIG_.* is not set/p' "${frags[@]}" | wc -l) required options set"
