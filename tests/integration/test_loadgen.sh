#!/usr/bin/env bash
# kfleet-loadgen fleet against the real broker, at a small size, so the benchmark's fleet
# builder cannot rot: 3 topics x 2 partitions with 6 messages each and 4 groups, each with
# offsets committed at 3 on every partition of its 3 topics. Read back with Kafka's own
# kafka-consumer-groups.sh, and with kfleet-agent --once and kfleet lag.
set -u
. "$KFLEET_SRCDIR/tests/lib/tap.sh"
harness=$KFLEET_SRCDIR/tests/kafka/harness
work=$(mktemp -d "${TMPDIR:-/tmp}/kfleet-loadgen.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix=lg$$-$RANDOM

tap_run "fleet builds 3 topics x 2 partitions and 4 groups" 0 \
	"fleet $prefix: groups +4 with 24 offsets committed at 3," \
	"$KFLEET_BUILDDIR/kfleet-loadgen" -b "$KAFKA_BOOTSTRAP" fleet "$prefix" 3 2 4 6

# Kafka's tool: GROUP TOPIC PARTITION CURRENT-OFFSET LOG-END-OFFSET LAG ...
"$harness" groups --dir "$KAFKA_HARNESS_DIR" --describe --all-groups >"$work/groups" 2>&1
rows=$(awk -v p="^$prefix-g" '$1 ~ p && $4 == 3 && $5 == 6 && $6 == 3' "$work/groups" | wc -l)
groups=$(awk -v p="^$prefix-g" '$1 ~ p { print $1 }' "$work/groups" | sort -u | tr '\n' ' ')
if [ "$rows" -eq 24 ] && [ "$groups" = "$prefix-g00000 $prefix-g00001 $prefix-g00002 $prefix-g00003 " ]; then
	tap_ok "kafka-consumer-groups.sh: 4 groups, lag 3 on each of their 24 partitions"
else
	tap_not_ok "kafka-consumer-groups.sh: 4 groups, lag 3 on each of their 24 partitions" \
		"groups: $groups; rows with offset 3, end 6, lag 3: $rows" "$(head -n 20 "$work/groups")"
fi
# Group 1 has topics 1, 2 and 0 (modulo 3).
topics=$(awk -v g="$prefix-g00001" '$1 == g { print $2 }' "$work/groups" | sort -u | tr '\n' ' ')
if [ "$topics" = "$prefix-t00000 $prefix-t00001 $prefix-t00002 " ]; then
	tap_ok "a group has offsets on 3 topics"
else
	tap_not_ok "a group has offsets on 3 topics" "topics of $prefix-g00001: $topics"
fi

cat >"$work/agent.conf" <<EOF
cluster = loadgen
catalog = $work/catalog.db
kafka.bootstrap.servers = $KAFKA_BOOTSTRAP
EOF
tap_run "kfleet-agent --once collects the fleet" 0 'loadgen: generation written' \
	"$KFLEET_BUILDDIR/kfleet-agent" --config "$work/agent.conf" --once
# kfleet lag --by partition: cluster,group,topic,partition,committed,end,lag,...
out=$(KFLEET_CATALOG=$work/catalog.db "$KFLEET_BUILDDIR/kfleet" lag --by partition \
	--cluster loadgen --format csv 2>&1)
rows=$(awk -F, -v p="^$prefix-g" '$2 ~ p && $5 == 3 && $6 == 6 && $7 == 3' <<<"$out" | wc -l)
if [ "$rows" -eq 24 ]; then
	tap_ok "kfleet lag: lag 3 on each of the 24 partitions"
else
	tap_not_ok "kfleet lag: lag 3 on each of the 24 partitions" "rows: $rows" "$(head -n 10 <<<"$out")"
fi

tap_run "fleet again: the topics exist already, not an error" 0 \
	"topics +0 created, 3 existed already" \
	"$KFLEET_BUILDDIR/kfleet-loadgen" -b "$KAFKA_BOOTSTRAP" fleet "$prefix" 3 2 0 0
tap_run "fleet refuses 0 partitions" 2 'PARTITIONS must be between 1 and' \
	"$KFLEET_BUILDDIR/kfleet-loadgen" -b "$KAFKA_BOOTSTRAP" fleet "$prefix" 3 0 4 6
tap_done
