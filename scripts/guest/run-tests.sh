# shellcheck shell=dash
# Run the kselftests of /etc/vfio-tests ("binary roles" lines; only the
# binaries in VFIO_TESTS when set) on the devices of their roles, and print
# one KTAP document on the console: each line is a test whose own KTAP
# output is nested (indented two spaces).  A binary the initramfs does not
# have is a failure (the suite is built from one tree for every kernel).
TESTDIR=/usr/lib/kselftests/vfio
TEST_TIMEOUT=${TEST_TIMEOUT:-1200}

# shellcheck source=topology.sh
. /lib/vfio-harness/topology.sh

selected() {
	[ -z "${VFIO_TESTS:-}" ] && return 0
	case " $VFIO_TESTS " in *" $1 "*) return 0 ;; esac
	return 1
}

# The benchmarks first, outside the KTAP document, on a freshly booted
# guest: figures taken after the suite depend on what it ran (the same
# suite is not the same work on a kernel where half of it skips).  Under
# TCG the BAR figures still vary by up to 2x between boots.
sh /lib/vfio-harness/bench.sh

tests=$(grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' /etc/vfio-tests |
	while read -r t roles; do selected "$t" && echo "$t $roles"; done)
echo "KTAP version 1"
echo "1..$(echo "$tests" | grep -c .)"
n=0
echo "$tests" | while read -r t roles; do
	[ -n "$t" ] || continue
	n=$((n + 1))
	name="${t}[$roles]"
	if [ ! -x "$TESTDIR/$t" ]; then
		echo "not ok $n $name # not in the initramfs (not built from the test queue)"
		continue
	fi
	# shellcheck disable=SC2046 # one argument per BDF
	set -- $(bdfs_of "$roles")
	echo "# vfio-harness: running $name on $*"
	# The harness's KTAP goes through sed for indentation; the exit code
	# comes back through a file since a pipeline reports only sed's.
	(
		cd "$TESTDIR" && timeout -s KILL "$TEST_TIMEOUT" "./$t" "$@" 2>&1
		echo $? >/tmp/rc
	) | sed 's/^/  /'
	rc=$(cat /tmp/rc)
	case $rc in
	0) echo "ok $n $name" ;;
	4) echo "ok $n $name # SKIP" ;;
	137) echo "not ok $n $name # TIMEOUT after ${TEST_TIMEOUT}s" ;;
	*) echo "not ok $n $name # exit code $rc" ;;
	esac
done
