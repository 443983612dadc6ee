# A private cluster of the harness, for a test that stops, kills or fills its brokers, or
# needs another kind of broker. Sourcing this drops the enclosing suite's broker (every
# variable the harness exports): it is not the one under test.
#   private_cluster_start DIR LOG [harness start options]: start the cluster in DIR, the
#       harness's output in LOG, and read its variables (KAFKA_BOOTSTRAP, ...); bail out
#       when it does not start.
#   private_cluster_stop: stop it; for the test's EXIT trap, also before it started.
harness=$KFLEET_SRCDIR/tests/kafka/harness
private_cluster_dir=""
unset KAFKA_ALICE_PASSWORD KAFKA_AUTHORIZER KAFKA_BOOTSTRAP KAFKA_BROKERS KAFKA_HARNESS_DIR \
	KAFKA_SASL_BOOTSTRAP KAFKA_SASL_PASSWORD KAFKA_SASL_SSL_BOOTSTRAP KAFKA_SASL_USER \
	KAFKA_SCRAM_PASSWORD KAFKA_SCRAM_USER KAFKA_SSL_BOOTSTRAP KAFKA_SSL_CA \
	KAFKA_SSL_CLIENT_CERT KAFKA_SSL_CLIENT_KEY KAFKA_SSL_UNTRUSTED_CA KAFKA_VERSION

private_cluster_start() {
	local log=$2
	private_cluster_dir=$1
	shift 2
	"$harness" start --dir "$private_cluster_dir" "$@" >/dev/null 2>"$log" ||
		{ echo "Bail out! the private cluster (harness start $*) did not start: $(tail -n 20 "$log")"; exit 1; }
	. "$private_cluster_dir/env"
}

private_cluster_stop() {
	[ -z "$private_cluster_dir" ] || "$harness" stop --dir "$private_cluster_dir" >/dev/null 2>&1
}
