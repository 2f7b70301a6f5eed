# shellcheck shell=dash
# Run every kselftest binary in /usr/lib/kselftests/vfio (order from its
# run-list file, or only those in VFIO_TESTS) and print one KTAP document on the console: each binary is a
# test whose own KTAP output is nested (indented two spaces).
TESTDIR=/usr/lib/kselftests/vfio
TEST_TIMEOUT=${TEST_TIMEOUT:-300}
tests=${VFIO_TESTS:-$(cat "$TESTDIR/run-list")}
echo "KTAP version 1"
echo "1..$(echo "$tests" | wc -w)"
n=0
for t in $tests; do
	n=$((n + 1))
	echo "# vfio-harness: running $t"
	# The harness's KTAP goes through sed for indentation; the exit code
	# comes back through a file since a pipeline reports only sed's.
	(
		cd "$TESTDIR" && VFIO_TOPOLOGY=/run/vfio-topology \
			timeout -s KILL "$TEST_TIMEOUT" "./$t" 2>&1
		echo $? >/tmp/rc
	) | sed 's/^/  /'
	rc=$(cat /tmp/rc)
	case $rc in
	0) echo "ok $n $t" ;;
	4) echo "ok $n $t # SKIP" ;;
	137) echo "not ok $n $t # TIMEOUT after ${TEST_TIMEOUT}s" ;;
	*) echo "not ok $n $t # exit code $rc" ;;
	esac
done
# Reset latencies, for the timing table: outside the KTAP document.
sh /lib/vfio-harness/bench.sh
