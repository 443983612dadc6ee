#!/usr/bin/env bash
# The smoke test and the collection cycle again, on the harness's other clusters: three
# brokers with replication factor 3 (ISR and under-replication tests need it) and the
# Kafka 3.9 line, so kfleet is proven against both supported lines. Each run starts and
# stops a private cluster.
set -u
. "$KFLEET_SRCDIR/tests/lib/tap.sh"
. "$KFLEET_SRCDIR/tests/lib/cluster.sh"     # harness run starts each cluster
old_line=${KFLEET_KAFKA_OLD_VERSION:-3.9.1}
# cmocka's own summary, read below, rather than nested TAP.
export CMOCKA_MESSAGE_OUTPUT=STDOUT

# run_on VERSION BROKERS TEST: the test passes on that cluster, and it was that cluster.
run_on() {
	local version=$1 brokers=$2 test=$3 name out status
	name="$test on $brokers broker(s) of Kafka $version"
	out=$("$harness" run --version "$version" --brokers "$brokers" -- \
		sh -c 'echo "cluster: version=$KAFKA_VERSION brokers=$KAFKA_BROKERS"; exec "$0"' \
		"$KFLEET_BUILDDIR/tests/integration/$test" 2>&1) && status=0 || status=$?
	if [ "$status" -ne 0 ]; then
		tap_not_ok "$name" "exit $status" "$(grep -v '^%' <<<"$out" | tail -n 40)"
	elif ! grep -qx "cluster: version=$version brokers=$brokers" <<<"$out"; then
		tap_not_ok "$name" "the harness started another cluster" "$(head -n 5 <<<"$out")"
	elif ! grep -Eq 'PASSED  \] [1-9][0-9]* test' <<<"$out" || grep -q 'FAILED' <<<"$out"; then
		tap_not_ok "$name" "not every test passed" "$(grep -v '^%' <<<"$out" | tail -n 40)"
	else
		tap_ok "$name"
	fi
}

for test in smoke_kafka test_collect; do
	run_on 4.3.1 3 "$test"
	run_on "$old_line" 1 "$test"
done
tap_done
