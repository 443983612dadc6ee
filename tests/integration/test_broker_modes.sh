#!/usr/bin/env bash
# The smoke test again, on the harness's other clusters: three brokers with replication
# factor 3 (ISR and under-replication tests need it) and the Kafka 3.9 line, so kfleet is
# proven against both supported lines. Each run starts and stops a private cluster.
set -u
. "$KFLEET_SRCDIR/tests/lib/tap.sh"
harness=$KFLEET_SRCDIR/tests/kafka/harness
smoke=$KFLEET_BUILDDIR/tests/integration/smoke_kafka
old_line=${KFLEET_KAFKA_OLD_VERSION:-3.9.1}

# The broker of the enclosing suite is not the one under test here.
unset KAFKA_BOOTSTRAP KAFKA_SASL_BOOTSTRAP KAFKA_BROKERS KAFKA_VERSION KAFKA_HARNESS_DIR
# cmocka's own summary, read below, rather than nested TAP.
export CMOCKA_MESSAGE_OUTPUT=STDOUT

# smoke_on VERSION BROKERS: the smoke test passes on that cluster, and it was that cluster.
smoke_on() {
	local version=$1 brokers=$2 name out status
	name="smoke test on $brokers broker(s) of Kafka $version"
	out=$("$harness" run --version "$version" --brokers "$brokers" -- \
		sh -c 'echo "cluster: version=$KAFKA_VERSION brokers=$KAFKA_BROKERS"; exec "$0"' "$smoke" 2>&1) &&
		status=0 || status=$?
	if [ "$status" -ne 0 ]; then
		tap_not_ok "$name" "exit $status" "$(tail -n 40 <<<"$out")"
	elif ! grep -qx "cluster: version=$version brokers=$brokers" <<<"$out"; then
		tap_not_ok "$name" "the harness started another cluster" "$(head -n 5 <<<"$out")"
	elif ! grep -Eq 'PASSED  \] [1-9][0-9]* test' <<<"$out" || grep -q 'FAILED' <<<"$out"; then
		tap_not_ok "$name" "not every smoke test passed" "$(tail -n 40 <<<"$out")"
	else
		tap_ok "$name"
	fi
}

smoke_on 4.3.1 3
smoke_on "$old_line" 1
tap_done
