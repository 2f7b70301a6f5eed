#!/bin/bash
# Debian packages from a suite the host does not track, without touching the
# host's apt configuration: a private apt directory under build/apt/SUITE
# whose one source list names SUITE on the machine's own Debian mirror.
#
#   apt-suite.sh mirror [ETC_APT]       print the mirror (from /etc/apt, or ETC_APT)
#   apt-suite.sh download SUITE PKG DIR download PKG's .deb into DIR, print its path
#   apt-suite.sh list SUITE             print the private source list's path
#                                       (updated), for debootstrap-style users
#
# SUITE "host" means the host's own apt configuration as it is.
set -eu
. "$(dirname "$0")/lib.sh"

# mirror [ETC_APT]: the URI of the host's Debian archive: the first deb822
# or one-line source whose suite is the host's codename (not -security).
mirror() {
	local codename uri etc=${1:-/etc/apt}
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	[ -n "$codename" ] || die "cannot tell the host's Debian codename from /etc/os-release"
	uri=$(
		cat "$etc"/sources.list.d/*.sources 2>/dev/null | awk -v c="$codename" '
			/^[[:space:]]*$/ { if (ok && u != "") { print u; exit } ok = 0; u = ""; next }
			/^URIs:/ { u = $2 }
			/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == c) ok = 1 }
			END { if (ok && u != "") print u }' | head -n 1
	)
	if [ -z "$uri" ]; then
		uri=$(cat "$etc/sources.list" "$etc"/sources.list.d/*.list 2>/dev/null |
			sed 's/\[[^]]*\]//' | awk -v c="$codename" '$1 == "deb" && $3 == c { print $2; exit }')
	fi
	[ -n "$uri" ] || die "no Debian mirror for '$codename' in $etc/sources.list{,.d}: add one, or give the base as KSRC= and QEMU as QEMU="
	echo "${uri%/}"
}

# private_apt SUITE: set APT_OPTS for an apt that sees only SUITE.
private_apt() {
	local dir=$BUILD/apt/$1
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(mirror) $1 main" >"$dir/sources.list"
	APT_OPTS=(-o "Dir::Etc::SourceList=$dir/sources.list" -o Dir::Etc::SourceParts=/nonexistent
		-o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache" -o APT::Get::List-Cleanup=0 -o APT::Sandbox::User=root)
	# One update per run is enough; the lists are kept for a day.
	if [ -z "$(find "$dir/lists" -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null)" ]; then
		apt-get -qq "${APT_OPTS[@]}" update >"$dir/update.log" 2>&1 || {
			cat "$dir/update.log" >&2
			die "apt-get update of $1 from $(mirror) failed (network or mirror down?): fix the source, or give KSRC=/path/to/linux and QEMU=/path/to/qemu-system-x86_64"
		}
	fi
}

case ${1:-} in
mirror)
	mirror "${2:-}"
	;;
download)
	[ $# = 4 ] || die "usage: apt-suite.sh download SUITE PKG DIR"
	suite=$2 pkg=$3 dest=$4
	APT_OPTS=(-o APT::Sandbox::User=root)
	[ "$suite" = host ] || private_apt "$suite"
	mkdir -p "$dest"
	version=$(apt-cache "${APT_OPTS[@]}" policy "$pkg" 2>/dev/null | awk '/Candidate:/ { print $2 }')
	case $version in "" | "(none)")
		die "package $pkg is not in $suite (run 'apt-get update' as root if the host lists are old), or give KSRC=/path/to/linux"
		;;
	esac
	deb=$(find "$dest" -maxdepth 1 -name "${pkg}_${version//:/%3a}_*.deb" | head -n 1)
	if [ -z "$deb" ]; then
		(cd "$dest" && apt-get -qq "${APT_OPTS[@]}" download "$pkg=$version") >&2 ||
			die "apt-get download $pkg=$version ($suite) failed: check the network, or give KSRC=/path/to/linux"
		deb=$(find "$dest" -maxdepth 1 -name "${pkg}_${version//:/%3a}_*.deb" | head -n 1)
	fi
	echo "$deb"
	;;
list)
	[ $# = 2 ] || die "usage: apt-suite.sh list SUITE"
	private_apt "$2"
	echo "$BUILD/apt/$2/sources.list"
	;;
*)
	die "usage: apt-suite.sh mirror | download SUITE PKG DIR | list SUITE"
	;;
esac
