#!/usr/bin/env bash
# kfleet-agent against the real broker, end to end: a fleet made with kfleet-loadgen,
# collected with --once (PLAINTEXT and SASL_PLAINTEXT with the password in a 0600 file,
# a group whose member is killed),
# then read back with kfleet's listings; an unreachable cluster; a bad config; the loop
# with SIGHUP (reload) and SIGTERM (clean stop, catalog intact).
set -u
. "$KFLEET_SRCDIR/tests/lib/tap.sh"
. "$KFLEET_SRCDIR/tests/lib/agent.sh"
agent=$KFLEET_BUILDDIR/kfleet-agent
kfleet=$KFLEET_BUILDDIR/kfleet
loadgen() { "$KFLEET_BUILDDIR/kfleet-loadgen" -b "$KAFKA_BOOTSTRAP" "$@" >/dev/null; }
work=$(mktemp -d "${TMPDIR:-/tmp}/kfleet-agent.XXXXXX")
agent_pid=""
trap '[ -n "$agent_pid" ] && kill -9 "$agent_pid" 2>/dev/null; rm -rf "$work"' EXIT
export KFLEET_CATALOG=$work/catalog.db
unique=$$-$RANDOM
topic=agent-topic-$unique single=agent-single-$unique group=agent-group-$unique

cat >"$work/plain.conf" <<EOF
# A cluster over PLAINTEXT. (Requests wait up to one interval: 3 s leaves a slow
# sanitizer build on a shared broker time to answer every one of a cycle.)
cluster = itest
catalog = $KFLEET_CATALOG
interval = 3s
kafka.bootstrap.servers = $KAFKA_BOOTSTRAP
EOF

# The fleet: a topic of 3 partitions and 300 messages that GROUP read 100 of, and a topic
# of 1 partition and 50 messages it read 20 of (there the lag is exact: 30).
loadgen create "$topic" 3 && loadgen produce "$topic" 300 && loadgen consume "$topic" "$group" 100 &&
	loadgen create "$single" 1 && loadgen produce "$single" 50 &&
	loadgen consume "$single" "$group" 20 ||
	{ echo "Bail out! kfleet-loadgen could not make the fleet"; exit 1; }

# A client quota, set with Kafka's own tool.
"$KFLEET_SRCDIR/tests/kafka/harness" configs --dir "$KAFKA_HARNESS_DIR" --alter \
	--add-config producer_byte_rate=1048576 --entity-type users --entity-name "quota-$unique" \
	>/dev/null 2>&1 || { echo "Bail out! kafka-configs could not set a quota"; exit 1; }

tap_run "--once collects and writes a generation" 0 'itest: generation written: brokers [0-9]+' \
	"$agent" --config "$work/plain.conf" --once
# (The cycle under valgrind: tests/integration/test_valgrind.sh.)
tap_run "the topic is in the catalog" 0 "^itest,$topic,3,$KAFKA_BROKERS,0,false," \
	"$kfleet" topics --cluster itest --topic "$topic" --format csv
tap_run "a partition's lag is what the group did not read" 0 \
	"^itest,$group,$single,0,20,50,30," \
	"$kfleet" lag --by partition --cluster itest --group "$group" --topic "$single" --format csv
# Over the 3-partition topic: 100 messages committed, whichever partitions they came from.
tap_run "the committed offsets add up to what was read" 0 '^100$' sh -c \
	"'$kfleet' lag --by partition --cluster itest --group '$group' --topic '$topic' --format csv | awk -F, 'NR > 1 { s += \$5 } END { print s }'"
group_lag=$("$kfleet" lag --cluster itest --group "$group" --format csv | awk -F, 'NR == 2 { print $5 }')
partition_lag=$("$kfleet" lag --by partition --cluster itest --group "$group" --format csv |
	awk -F, 'NR > 1 { s += $7 } END { print s }')
if [ -n "$group_lag" ] && [ "$group_lag" = "$partition_lag" ] && [ "$group_lag" -ge 30 ]; then
	tap_ok "the group's lag is the sum of its partitions' ($group_lag)"
else
	tap_not_ok "the group's lag is the sum of its partitions'" "group $group_lag, partitions $partition_lag"
fi
tap_run "the client quota is collected" 0 "^itest,user=quota-$unique,producer_byte_rate=1048576\$" \
	"$kfleet" quotas --cluster itest --format csv
tap_run "the cluster is listed ok, with its brokers" 0 "^itest,[^,]+,ok,,$KAFKA_BROKERS," \
	"$kfleet" clusters --cluster itest --format csv

# A group whose member was killed: while the member lives the group is Stable with one
# member; after kill -9 the coordinator drops it when its session (6 s) expires, and the
# group is Empty with its committed offsets, and so its lag, intact (10 of 50 read).
victim=agent-victim-$unique
loadgen consume "$single" "$victim" 10 || { echo "Bail out! kfleet-loadgen consume failed"; exit 1; }
"$KFLEET_BUILDDIR/kfleet-loadgen" -b "$KAFKA_BOOTSTRAP" -X session.timeout.ms=6000 \
	-X heartbeat.interval.ms=1000 consume "$single" "$victim" 1000000 >/dev/null 2>&1 &
member=$!
victim_row() { # victim_row PATTERN: a fresh cycle shows the victim group's row matching it
	"$agent" --config "$work/plain.conf" --once 2>/dev/null &&
		"$kfleet" groups --cluster itest --group "$victim" --format csv | grep -Eq "$1"
}
if wait_for 30 victim_row "^itest,$victim,Stable,1,"; then
	tap_ok "a group with a live member is Stable with one member"
else
	tap_not_ok "a group with a live member is Stable with one member" \
		"$("$kfleet" groups --cluster itest --group "$victim" --format csv)"
fi
kill -9 "$member"
wait "$member" 2>/dev/null
if wait_for 45 victim_row "^itest,$victim,Empty,0,40,"; then
	tap_ok "once its member is killed the group is Empty, its lag kept"
else
	tap_not_ok "once its member is killed the group is Empty, its lag kept" \
		"$("$kfleet" groups --cluster itest --group "$victim" --format csv)"
fi

# SASL_PLAINTEXT with PLAIN, the password read from a file only its owner can read.
printf '%s\n' "$KAFKA_SASL_PASSWORD" >"$work/password"
chmod 600 "$work/password"
cat >"$work/sasl.conf" <<EOF
cluster = itest-sasl
catalog = $KFLEET_CATALOG
kafka.bootstrap.servers = $KAFKA_SASL_BOOTSTRAP
kafka.security.protocol = SASL_PLAINTEXT
kafka.sasl.mechanism = PLAIN
kafka.sasl.username = $KAFKA_SASL_USER
kafka.sasl.password = @$work/password
EOF
tap_run "--once over SASL_PLAINTEXT" 0 'itest-sasl: generation written' \
	"$agent" --config "$work/sasl.conf" --once
tap_run "the SASL cluster sees the same topic" 0 "^itest-sasl,$topic,3," \
	"$kfleet" topics --cluster itest-sasl --topic "$topic" --format csv
if ! grep -rqF "$KAFKA_SASL_PASSWORD" "$KFLEET_CATALOG" "$work"/*.log 2>/dev/null; then
	tap_ok "the password is nowhere in the catalog"
else
	tap_not_ok "the password is nowhere in the catalog"
fi

# Nothing listens on the discard port: exit 1, the cluster marked unreachable.
sed -e 's/^cluster = itest$/cluster = itest-down/' \
	-e 's/^kafka.bootstrap.servers = .*/kafka.bootstrap.servers = 127.0.0.1:9/' \
	"$work/plain.conf" >"$work/down.conf"
echo "kafka.log_level = 0" >>"$work/down.conf"
tap_run "an unreachable cluster fails --once" 1 'itest-down: unreachable: metadata: ' \
	"$agent" --config "$work/down.conf" --once
tap_run "and is listed as unreachable, with why" 0 '^itest-down,,unreachable,metadata: ' \
	"$kfleet" clusters --cluster itest-down --format csv

# A bad config: refused at start with file:line, exit 2.
printf 'cluster = itest\nkafka.bootstrap.servers %s\n' "$KAFKA_BOOTSTRAP" >"$work/bad.conf"
tap_run "a bad config is refused with file:line" 2 "$work/bad.conf:2: " \
	"$agent" --config "$work/bad.conf" --once
tap_run "--config is required" 2 '^kfleet-agent: --config FILE is required' "$agent" --once

# The loop: a generation every interval; SIGHUP reloads (here: a new cluster name); a
# crashed collector is started again; SIGTERM stops it cleanly, the catalog intact.
generation() { sqlite3 "$KFLEET_CATALOG" "SELECT generation FROM clusters WHERE name = '$1'" 2>/dev/null; }
first=$(generation itest)
"$agent" --config "$work/plain.conf" 2>"$work/loop.log" &
agent_pid=$!
if wait_for 20 sh -c "[ \"\$(sqlite3 '$KFLEET_CATALOG' \"SELECT generation FROM clusters WHERE name = 'itest'\")\" -ge $((first + 2)) ]"; then
	tap_ok "the loop writes a generation every interval"
else
	tap_not_ok "the loop writes a generation every interval" "$(tail -n 5 "$work/loop.log")"
fi
sed -i 's/^cluster = itest$/cluster = itest-renamed/' "$work/plain.conf"
kill -HUP "$agent_pid"
if wait_for 20 sh -c "[ -n \"\$(sqlite3 '$KFLEET_CATALOG' \"SELECT generation FROM clusters WHERE name = 'itest-renamed'\")\" ]"; then
	tap_ok "SIGHUP reloads the configuration"
else
	tap_not_ok "SIGHUP reloads the configuration" "$(tail -n 5 "$work/loop.log")"
fi
# The collector runs in a child process: when it dies of a signal (librdkafka 2.0.2 has
# known assertions while brokers come and go), the agent starts it again.
collector=$(agent_collector "$agent_pid")
before_crash=$(generation itest-renamed)
if [ -n "$collector" ] && kill -ABRT "$collector" &&
	wait_for 20 sh -c "[ \"\$(sqlite3 '$KFLEET_CATALOG' \"SELECT generation FROM clusters WHERE name = 'itest-renamed'\")\" -gt $((before_crash + 1)) ]" &&
	grep -q 'the collector died of signal 6' "$work/loop.log" && kill -0 "$agent_pid"; then
	tap_ok "a collector killed by SIGABRT is started again, generations go on"
else
	tap_not_ok "a collector killed by SIGABRT is started again, generations go on" \
		"collector pid: '$collector'" "$(tail -n 5 "$work/loop.log")"
fi
collector=$(agent_collector "$agent_pid")
agent_stop_check "$agent_pid" 10 "$work/loop.log"
agent_pid=""
if [ -n "$collector" ] && ! kill -0 "$collector" 2>/dev/null; then
	tap_ok "the collector stopped with the agent"
else
	tap_not_ok "the collector stopped with the agent" "collector pid: '$collector'"
fi
tap_run "the catalog is intact" 0 '^ok$' sqlite3 "$KFLEET_CATALOG" 'PRAGMA integrity_check'
tap_done
