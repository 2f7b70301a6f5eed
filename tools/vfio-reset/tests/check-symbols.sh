#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The shared library exports exactly the symbols of its version script,
# each under the version node that lists it, and those are exactly the
# functions and objects the installed headers declare.
# usage: check-symbols.sh LIB.so MAP HEADER...
set -eu
so=$1 map=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# "name@@NODE" for each symbol of the map, under the node that lists it
awk '/^[A-Z_0-9.]+ \{$/ { node = $1 }
     /^[[:space:]]*vfio_reset_[a-z_0-9]*;$/ { sub(/^[[:space:]]*/, ""); sub(/;$/, "");
						  print $0 "@@" node }' "$map" | sort >"$tmp/want"
sed 's/@@.*//' "$tmp/want" | sort >"$tmp/map"
nodes=$(sed 's/.*@@//' "$tmp/want" | sort -u | tr '\n' ' ')
# dynamic symbols defined here: "name@@NODE"
nm -D --defined-only "$so" | awk '$2 != "A" { print $3 }' | sort >"$tmp/exported"
# declarations: "name(" at the start of a prototype line or after a type,
# and "extern const struct ... name;"
cat "$@" | sed -n -e 's/^.*[ *]\(vfio_reset_[a-z_0-9]*\)(.*/\1/p' \
	-e 's/^extern .* \(vfio_reset_[a-z_0-9]*\);$/\1/p' | sort -u >"$tmp/declared"

bad=0
if ! diff -u "$tmp/want" "$tmp/exported" >"$tmp/diff"; then
	echo "check-symbols: $so exports differ from $map (- wanted, + exported):"
	cat "$tmp/diff"
	bad=1
fi
if ! diff -u "$tmp/declared" "$tmp/map" >"$tmp/diff"; then
	echo "check-symbols: headers and $map differ (- declared, + in the map):"
	cat "$tmp/diff"
	bad=1
fi
[ "$bad" -eq 0 ] || exit 1
echo "check-symbols: $(wc -l <"$tmp/map") symbols in nodes ${nodes% }, all declared"
