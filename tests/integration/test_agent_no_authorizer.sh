#!/usr/bin/env bash
# kfleet-agent against a broker without an authorizer (harness --no-authorizer, as on a
# cluster that never enabled ACLs): the ACL section fails while the rest of the cycle is
# kept and the cluster is listed degraded. Starts and stops a private broker of its own.
# (librdkafka 2.0.2 drops DescribeAcls' SECURITY_DISABLED, so the agent reads the
# brokers' authorizer.class.name instead.)
set -u
. "$KFLEET_SRCDIR/tests/lib/tap.sh"
harness=$KFLEET_SRCDIR/tests/kafka/harness

if [ "${1:-}" != --inner ]; then
	. "$KFLEET_SRCDIR/tests/lib/cluster.sh"     # harness run starts the broker
	exec "$harness" run --no-authorizer -- bash "$0" --inner
fi

agent=$KFLEET_BUILDDIR/kfleet-agent
kfleet=$KFLEET_BUILDDIR/kfleet
loadgen() { "$KFLEET_BUILDDIR/kfleet-loadgen" -b "$KAFKA_BOOTSTRAP" "$@" >/dev/null; }
work=$(mktemp -d "${TMPDIR:-/tmp}/kfleet-noauth.XXXXXX")
trap 'rm -rf "$work"' EXIT
export KFLEET_CATALOG=$work/catalog.db
topic=noauth-topic group=noauth-group

if [ "${KAFKA_AUTHORIZER:-}" = none ]; then
	tap_ok "the harness started a broker without an authorizer"
else
	tap_not_ok "the harness started a broker without an authorizer" "KAFKA_AUTHORIZER=${KAFKA_AUTHORIZER:-unset}"
fi
loadgen create "$topic" 2 && loadgen produce "$topic" 20 && loadgen consume "$topic" "$group" 5 ||
	{ echo "Bail out! kfleet-loadgen could not make the fleet"; exit 1; }
cat >"$work/agent.conf" <<CONF
cluster = noauth
catalog = $KFLEET_CATALOG
kafka.bootstrap.servers = $KAFKA_BOOTSTRAP
CONF

tap_run "--once succeeds and writes a generation, the ACLs not collected" 0 \
	'noauth: generation written: brokers [0-9]+, topics [0-9]+, groups [0-9]+, ACLs not collected' \
	"$agent" --config "$work/agent.conf" --once
tap_run "Kafka's own kafka-acls is refused: SECURITY_DISABLED" 1 'SecurityDisabledException' \
	"$harness" acls --dir "$KAFKA_HARNESS_DIR" --list
tap_run "the cluster is degraded: no authorizer" 0 \
	"^noauth,[^,]+,degraded,acls: no authorizer is configured on the broker,$KAFKA_BROKERS," \
	"$kfleet" clusters --cluster noauth --format csv
tap_run "the rest of the cycle is kept: the cluster has its brokers and topics" 0 \
	"^noauth,[^,]+,[a-z]+,[^,]*,$KAFKA_BROKERS,1,[1-9]" "$kfleet" clusters --cluster noauth --format csv
tap_run "its topics are listed" 0 "^noauth,$topic,2,$KAFKA_BROKERS," \
	"$kfleet" topics --cluster noauth --topic "$topic" --format csv
tap_run "its groups are listed" 0 "^noauth,$group," \
	"$kfleet" groups --cluster noauth --group "$group" --format csv
tap_run "and no ACL rows" 0 '^1$' sh -c "'$kfleet' acls --cluster noauth --format csv | wc -l"
tap_done
