#!/bin/bash
# Configure the kernel in build/kbuild: 'make tinyconfig', then every
# configs/*.config fragment, then olddefconfig.  merge_config.sh drops an
# option silently when one of its dependencies is missing, so every option
# a fragment sets is checked afterwards and the missing ones are named.
set -eu
. "$(dirname "$0")/lib.sh"
need_tree

mkdir -p "$KBUILD"
frags=("$TOP"/configs/*.config)
# Reconfigure only when a fragment or the tree's Kconfig changed.
key=$( (cat "${frags[@]}"; git -C "$TREE" rev-parse HEAD) | sha256sum | cut -d' ' -f1)
if [ -f "$KBUILD/.config" ] && [ "$(cat "$KBUILD/.config.key" 2>/dev/null)" = "$key" ]; then
	exit 0
fi

kmake() { make -s -C "$TREE" O="$KBUILD" "$@"; }
kmake tinyconfig >/dev/null
(cd "$KBUILD" && "$TREE/scripts/kconfig/merge_config.sh" -m -O "$KBUILD" .config "${frags[@]}" >/dev/null)
kmake olddefconfig >/dev/null

# want: "CONFIG_X=value" or "CONFIG_X=n" for "# CONFIG_X is not set".
missing=
while read -r want; do
	opt=${want%%=*}
	val=${want#*=}
	if [ "$val" = n ]; then
		grep -q "^$opt=" "$KBUILD/.config" && missing="$missing
  $opt must be unset, is $(grep "^$opt=" "$KBUILD/.config")"
	else
		grep -qx "$want" "$KBUILD/.config" || missing="$missing
  $want (.config has: $(grep -E "^$opt=|^# $opt is not set" "$KBUILD/.config" || echo nothing))"
	fi
done <<EOF_WANT
$(sed -n -e 's/^\(CONFIG_[A-Za-z0-9_]*=.*\)/\1/p' \
	-e 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set/\1=n/p' "${frags[@]}")
EOF_WANT
[ -z "$missing" ] || die "options required by configs/*.config are not set after olddefconfig (a dependency is missing; add it to a fragment):$missing"
echo "$key" >"$KBUILD/.config.key"
say "kernel config: tinyconfig + ${#frags[@]} fragments, all $(sed -n -e '/^CONFIG_/p' -e '/^# CONFIG_.* is not set/p' "${frags[@]}" | wc -l) required options set"
