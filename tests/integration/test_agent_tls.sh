#!/usr/bin/env bash
# kfleet-agent over TLS against the real broker, end to end: SASL_SSL, the broker's
# certificate checked against the harness's CA (and its host name, librdkafka's
# default), for librdkafka's cycle and for the agent's own DescribeClientQuotas client
# alike; then SSL with a CA that did not sign the broker.
#
# SCRAM-SHA-512 through librdkafka before 2.6.1 (Debian 12 has 2.0.2) fails against
# Kafka 4.x: it repeats the client nonce in its client-final-message, which 4.x refuses
# (confluentinc/librdkafka#4895). So on 4.x this checks that refusal and runs the SCRAM
# cycle on a private Kafka 3.9 broker, and the SASL_SSL cycle on 4.x with PLAIN.
set -u
. "$KFLEET_SRCDIR/tests/lib/tap.sh"
agent=$KFLEET_BUILDDIR/kfleet-agent
kfleet=$KFLEET_BUILDDIR/kfleet
harness=$KFLEET_SRCDIR/tests/kafka/harness
old_line=${KFLEET_KAFKA_OLD_VERSION:-3.9.1}
work=$(mktemp -d "${TMPDIR:-/tmp}/kfleet-agent-tls.XXXXXX")
trap 'rm -rf "$work"' EXIT
export KFLEET_CATALOG=$work/catalog.db
unique=$$-$RANDOM

# No skipping: a harness without TLS listeners fails this test.
for name in KAFKA_SASL_SSL_BOOTSTRAP KAFKA_SSL_BOOTSTRAP KAFKA_SSL_CA KAFKA_SSL_UNTRUSTED_CA \
	KAFKA_SCRAM_USER KAFKA_SCRAM_PASSWORD KAFKA_SASL_USER KAFKA_SASL_PASSWORD; do
	[ -n "${!name:-}" ] || { echo "Bail out! $name is not set: the harness has no TLS listeners"; exit 1; }
done

# tls_config NAME MECHANISM USER PASSWORD: a config for cluster NAME over SASL_SSL.
tls_config() {
	printf '%s\n' "$4" >"$work/$1.password"
	chmod 600 "$work/$1.password"
	cat >"$work/$1.conf" <<CONF
cluster = $1
catalog = $KFLEET_CATALOG
kafka.bootstrap.servers = $KAFKA_SASL_SSL_BOOTSTRAP
kafka.security.protocol = SASL_SSL
kafka.ssl.ca.location = $KAFKA_SSL_CA
kafka.sasl.mechanism = $2
kafka.sasl.username = $3
kafka.sasl.password = @$work/$1.password
CONF
}

# cycle_over_tls NAME MECHANISM USER PASSWORD: --once over SASL_SSL collects everything,
# quotas included, and the listings show it.
cycle_over_tls() {
	local name=$1 mechanism=$2 topic=tls-topic-$unique-$2
	"$KFLEET_BUILDDIR/kfleet-loadgen" -b "$KAFKA_BOOTSTRAP" create "$topic" 2 >/dev/null ||
		{ echo "Bail out! kfleet-loadgen could not create $topic"; exit 1; }
	# A client quota, so the quota section has something to bring back over TLS.
	"$harness" configs --dir "$KAFKA_HARNESS_DIR" --alter --add-config consumer_byte_rate=2048 \
		--entity-type users --entity-name "tls-$unique" >/dev/null 2>&1 ||
		{ echo "Bail out! kafka-configs could not set a quota"; exit 1; }
	tls_config "$name" "$mechanism" "$3" "$4"
	tap_run "Kafka $KAFKA_VERSION: --once over SASL_SSL with $mechanism writes a generation" 0 \
		"$name: generation written: brokers [0-9]+" "$agent" --config "$work/$name.conf" --once
	# ok, not degraded: every section, quotas included, was collected over TLS.
	tap_run "$mechanism: the cluster is listed ok" 0 "^$name,[^,]+,ok,,$KAFKA_BROKERS," \
		"$kfleet" clusters --cluster "$name" --format csv
	tap_run "$mechanism: the topic is listed" 0 "^$name,$topic,2,$KAFKA_BROKERS," \
		"$kfleet" topics --cluster "$name" --topic "$topic" --format csv
	tap_run "$mechanism: the client quota came over TLS" 0 \
		"^$name,user=tls-$unique,consumer_byte_rate=2048\$" \
		"$kfleet" quotas --cluster "$name" --format csv
	if ! grep -rqF "$4" "$KFLEET_CATALOG" 2>/dev/null; then
		tap_ok "$mechanism: the password is nowhere in the catalog"
	else
		tap_not_ok "$mechanism: the password is nowhere in the catalog"
	fi
}

# Inside the private broker started below: the SCRAM cycle only.
if [ "${1:-}" = --scram-only ]; then
	cycle_over_tls itest-tls-scram SCRAM-SHA-512 "$KAFKA_SCRAM_USER" "$KAFKA_SCRAM_PASSWORD"
	tap_done
	exit
fi

# Whether librdkafka's SCRAM works against this broker (see the top of the file).
scram_works=yes
case "$KAFKA_VERSION" in
4.*)
	rdkafka=$(pkg-config --modversion rdkafka 2>/dev/null) ||
		{ echo "Bail out! pkg-config knows no rdkafka"; exit 1; }
	[ "$(printf '%s\n2.6.1\n' "$rdkafka" | sort -V | head -n 1)" = 2.6.1 ] || scram_works=no
	;;
esac

cycle_over_tls itest-tls-plain PLAIN "$KAFKA_SASL_USER" "$KAFKA_SASL_PASSWORD"
if [ "$scram_works" = yes ]; then
	cycle_over_tls itest-tls-scram SCRAM-SHA-512 "$KAFKA_SCRAM_USER" "$KAFKA_SCRAM_PASSWORD"
else
	tls_config itest-tls-scram SCRAM-SHA-512 "$KAFKA_SCRAM_USER" "$KAFKA_SCRAM_PASSWORD"
	tap_run "Kafka $KAFKA_VERSION refuses librdkafka $rdkafka's SCRAM-SHA-512 (librdkafka#4895)" 1 \
		'invalid credentials with SASL mechanism SCRAM-SHA-512' \
		"$agent" --config "$work/itest-tls-scram.conf" --once
	# The same over a private Kafka 3.9 broker, which accepts it.
	out=$(env -u KAFKA_BOOTSTRAP -u KAFKA_HARNESS_DIR "$harness" run --version "$old_line" -- \
		bash "$0" --scram-only 2>&1) && status=0 || status=$?
	if [ "$status" -eq 0 ] && grep -q "^ok .*Kafka $old_line: --once over SASL_SSL" <<<"$out" &&
		! grep -q '^not ok' <<<"$out"; then
		tap_ok "Kafka $old_line: the SCRAM-SHA-512 cycle over SASL_SSL ($(grep -c '^ok' <<<"$out") checks)"
	else
		tap_not_ok "Kafka $old_line: the SCRAM-SHA-512 cycle over SASL_SSL" "exit $status" \
			"$(tail -n 30 <<<"$out")"
	fi
fi

# SSL to a broker whose certificate another CA signed: the cycle fails.
cat >"$work/untrusted.conf" <<CONF
cluster = itest-untrusted
catalog = $KFLEET_CATALOG
kafka.bootstrap.servers = $KAFKA_SSL_BOOTSTRAP
kafka.security.protocol = SSL
kafka.ssl.ca.location = $KAFKA_SSL_UNTRUSTED_CA
CONF
tap_run "an untrusted broker certificate fails --once, librdkafka saying why" 1 \
	'certificate verify failed' "$agent" --config "$work/untrusted.conf" --once
tap_run "and the cluster is listed unreachable" 0 '^itest-untrusted,,unreachable,' \
	"$kfleet" clusters --cluster itest-untrusted --format csv
tap_done
