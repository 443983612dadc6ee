#!/usr/bin/env bash
# kfleet-agent while its cluster fails, against a private 3-broker cluster of the harness:
# a broker crashes (SIGKILL) and comes back, then the whole cluster stops and comes back.
# The agent must report under-replication, then the cluster as unreachable (with why and
# since when), keep the last generation readable, and recover by itself, without a restart.
# How long each took is printed as TAP comments.
set -u
. "$KFLEET_SRCDIR/tests/lib/tap.sh"
. "$KFLEET_SRCDIR/tests/lib/agent.sh"
. "$KFLEET_SRCDIR/tests/lib/cluster.sh"
agent=$KFLEET_BUILDDIR/kfleet-agent
kfleet=$KFLEET_BUILDDIR/kfleet

work=$(mktemp -d "${TMPDIR:-/tmp}/kfleet-faults.XXXXXX")
kafka=$work/kafka
agent_pid=""
trap '[ -n "$agent_pid" ] && kill -9 "$agent_pid" 2>/dev/null
	private_cluster_stop; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
export KFLEET_CATALOG=$work/catalog.db
cluster=faults topic=faults-t00000 group=faults-g00000

private_cluster_start "$kafka" "$work/harness.log" --brokers 3
loadgen() { "$KFLEET_BUILDDIR/kfleet-loadgen" -b "$KAFKA_BOOTSTRAP" "$@" >/dev/null; }

# A topic of 3 partitions with a replica on every broker (the harness's default
# replication factor), 100 messages on each, and a group committed at 50 on each: a lag
# of 150 that does not depend on which partitions a consumer happened to read.
loadgen fleet faults 1 3 1 100 ||
	{ echo "Bail out! kfleet-loadgen could not make the fleet"; exit 1; }

# A port of the kernel's choice: the default one may be another test's agent's.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/agent.conf" <<EOF
cluster = $cluster
catalog = $KFLEET_CATALOG
interval = 1s
listen = 127.0.0.1:$port
kafka.bootstrap.servers = $KAFKA_BOOTSTRAP
EOF

# What the catalog says, one value each.
sql() { sqlite3 "$KFLEET_CATALOG" "$1" 2>/dev/null; }
generation() { sql "SELECT generation FROM clusters WHERE name = '$cluster'"; }
status() { sql "SELECT status FROM clusters WHERE name = '$cluster'"; }
under_replicated() {
	"$kfleet" topics --cluster "$cluster" --topic "$topic" --format csv 2>/dev/null |
		awk -F, -v t="$topic" '$2 == t { print $5 }'
}
group_lag() {
	"$kfleet" lag --cluster "$cluster" --group "$group" --format csv 2>/dev/null |
		awk -F, -v g="$group" '$2 == g { print $5 }'
}
partition_lag() {
	"$kfleet" lag --by partition --cluster "$cluster" --group "$group" --format csv 2>/dev/null |
		awk -F, 'NR > 1 { s += $7 } END { print s }'
}
agent_alive() { kill -0 "$agent_pid" 2>/dev/null; }
now_ms() { echo $((${EPOCHREALTIME/./} / 1000)); }
seconds_since() { # seconds_since MS: elapsed time since MS, to a tenth of a second
	local ms=$(($(now_ms) - $1))
	printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100))
}
wait_for() { # wait_for SECONDS COMMAND...: until COMMAND succeeds, while the agent runs
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		agent_alive && ((SECONDS < deadline)) || return 1
		sleep 0.2
	done
}
# What was seen, for a failed check.
seen() {
	echo "agent: $(agent_alive && echo running || echo "not running")"
	echo "clusters: $("$kfleet" clusters --cluster "$cluster" --format csv 2>&1 | tail -n 1)"
	echo "topic: $("$kfleet" topics --cluster "$cluster" --topic "$topic" --format csv 2>&1 | tail -n 1)"
	echo "partitions (leader replicas isr): $(sql "SELECT group_concat(ifnull(p.leader_id, '-') || ' ' ||
		p.replicas || ' ' || p.isr, ' | ') FROM partitions p JOIN topics t ON t.id = p.topic_id
		WHERE t.name = '$topic'")"
	echo "lag by partition: $("$kfleet" lag --by partition --cluster "$cluster" --group "$group" \
		--format csv 2>&1 | tail -n +2 | tr '\n' ' ')"
	echo "last agent log lines:"
	tail -n 8 "$work/agent.log"
}
is_ok() { [ "$(status)" = ok ]; }
newer_than() { local g; g=$(generation); [ -n "$g" ] && [ "$g" -gt "$1" ]; }
replicas_missing() { local u; u=$(under_replicated); [ -n "$u" ] && [ "$u" -gt 0 ]; }
replicas_back() { [ "$(under_replicated)" = 0 ]; }
is_unreachable() { [ "$(status)" = unreachable ]; }
ok_and_newer_than() { is_ok && newer_than "$1"; }

"$agent" --config "$work/agent.conf" 2>"$work/agent.log" &
agent_pid=$!
if wait_for 30 ok_and_newer_than 1 && replicas_back; then
	tap_ok "the agent collects the healthy cluster"
else
	tap_not_ok "the agent collects the healthy cluster" "$(seen)"
fi
# The lag counts the partitions the group committed on; which those are depends on where
# the producer put the messages, so the healthy value is the reference.
lag_known() { local l; l=$(group_lag); [ -n "$l" ] && [ "$l" -gt 0 ] && [ "$l" = "$(partition_lag)" ]; }
if wait_for 20 lag_known; then
	healthy_lag=$(group_lag)
	tap_ok "the group's lag is reported ($healthy_lag)"
else
	healthy_lag=none
	tap_not_ok "the group's lag is reported" "lag: '$(group_lag)'" "$(seen)"
fi
lag_seen() { [ "$(group_lag)" = "$healthy_lag" ]; }

# ---- one broker crashes: the leader of partition 0, so leadership has to move too.
victim=$(sql "SELECT p.leader_id FROM partitions p JOIN topics t ON t.id = p.topic_id
	WHERE t.name = '$topic' AND p.partition = 0")
[ -n "$victim" ] && [ "$victim" -ge 1 ] && [ "$victim" -le 3 ] || victim=2
echo "# killing node $victim (SIGKILL), the leader of $topic/0"
before=$(generation)
"$harness" kill-node --dir "$kafka" --node "$victim" --signal KILL 2>>"$work/harness.log"
killed=$(now_ms)
if wait_for 60 replicas_missing; then
	tap_ok "a dead broker shows as under-replication ($(under_replicated) partitions)"
	echo "# under-replication seen $(seconds_since "$killed") s after the kill"
else
	tap_not_ok "a dead broker shows as under-replication within 60 s" "$(seen)"
fi
# New generations keep coming while the broker is down.
mid=$(generation)
if wait_for 20 newer_than "$((mid + 1))" && [ "$mid" -gt "$before" ]; then
	tap_ok "the agent keeps writing generations with a broker down ($before, $mid, $(generation))"
else
	tap_not_ok "the agent keeps writing generations with a broker down" \
		"generations: before the kill $before, at detection $mid, now $(generation)" "$(seen)"
fi
# librdkafka 2.0.2 lists groups from every broker it ever knew, the dead one too: the
# agent keeps the listing when every group coordinator answered (agent/collect.c).
if wait_for 20 lag_seen; then
	tap_ok "the group's lag is still reported with a broker down"
else
	tap_not_ok "the group's lag is still reported with a broker down" \
		"lag: '$(group_lag)'" "$(seen)"
fi

# ---- the broker comes back on its storage.
if "$harness" start-node --dir "$kafka" --node "$victim" 2>>"$work/harness.log"; then
	back=$(now_ms)
	if wait_for 60 replicas_back; then
		tap_ok "the broker back, under-replication goes back to 0"
		echo "# no under-replication $(seconds_since "$back") s after the broker started again"
	else
		tap_not_ok "the broker back, under-replication goes back to 0 within 60 s" "$(seen)"
	fi
else
	tap_not_ok "the broker starts again" "$(tail -n 20 "$work/harness.log")"
fi

# ---- the whole cluster stops: unreachable, with why and since when; the last
# generation stays readable.
wait_for 20 is_ok
"$harness" pause --dir "$kafka" 2>>"$work/harness.log"
paused=$(now_ms)
if wait_for 60 is_unreachable; then
	tap_ok "the stopped cluster is marked unreachable"
	echo "# unreachable $(seconds_since "$paused") s after the last broker stopped"
else
	tap_not_ok "the stopped cluster is marked unreachable within 60 s" "$(seen)"
fi
down=$(generation)
tap_run "it is listed as unreachable, with the error" 0 "^$cluster,[^,]*,unreachable,[^,]+" \
	"$kfleet" clusters --cluster "$cluster" --format csv
since=$(sql "SELECT unreachable_since_ms FROM clusters WHERE name = '$cluster'")
if [ -n "$since" ] && [ "$since" -ge "$((paused - 60000))" ] && [ "$since" -le "$(now_ms)" ]; then
	tap_ok "and since when"
else
	tap_not_ok "and since when" "unreachable_since_ms '$since', the cluster stopped at $paused"
fi
tap_run "the last generation's topics are still listed" 0 "^$cluster,$topic,3,3," \
	"$kfleet" topics --cluster "$cluster" --topic "$topic" --format csv
# The agent keeps retrying while the cluster stays down (long enough for librdkafka's
# reconnect backoff to reach its maximum, 10 s), and writes no generation.
tries_before=$(grep -c "$cluster: unreachable" "$work/agent.log")
sleep 15
tries=$(($(grep -c "$cluster: unreachable" "$work/agent.log") - tries_before))
if agent_alive && [ "$tries" -ge 3 ] && is_unreachable && [ "$(generation)" = "$down" ]; then
	tap_ok "the agent keeps running and retrying ($tries tries in 15 s)"
else
	tap_not_ok "the agent keeps running and retrying" "$tries tries in 15 s" \
		"generation $(generation), $down when marked unreachable" "$(seen)"
fi

# ---- the cluster comes back, same ports and storage: the agent recovers by itself.
if "$harness" resume --dir "$kafka" 2>>"$work/harness.log"; then
	resumed=$(now_ms)
	if wait_for 60 ok_and_newer_than "$down"; then
		tap_ok "the cluster back, the agent recovers by itself (generation $down → $(generation))"
		echo "# ok again $(seconds_since "$resumed") s after the cluster started again"
	else
		tap_not_ok "the cluster back, the agent recovers by itself within 60 s" "$(seen)"
	fi
	if [ -z "$(sql "SELECT unreachable_since_ms FROM clusters WHERE name = '$cluster'")" ]; then
		tap_ok "unreachable_since is cleared"
	else
		tap_not_ok "unreachable_since is cleared" "$(seen)"
	fi
else
	tap_not_ok "the cluster starts again" "$(tail -n 20 "$work/harness.log")"
fi

# ---- a clean stop.
agent_stop_check "$agent_pid" 15 "$work/agent.log"
agent_pid=""
tap_run "the catalog is intact" 0 '^ok$' sqlite3 "$KFLEET_CATALOG" 'PRAGMA integrity_check'
# A cycle that gave up on a group coordinator's request (a dead broker's groups, until
# their coordinator moves) ends on a new client (kclient_refresh), which ends that request:
# every such give-up is followed by a renewal, or by the warn line of one that failed.
renewal_check=$(awk '
	/: committed offsets: no answer within|group descriptions unanswered after/ { gave++; open = 1 }
	/: a new Kafka client, as requests|: cannot replace the client/ { renewed++; open = 0 }
	END { printf "%d %d %d\n", gave, renewed, open }' "$work/agent.log")
read -r gave_ups renewals unrenewed <<<"$renewal_check"
echo "# the agent gave up on $gave_ups coordinator request(s) and renewed its client $renewals time(s)"
if [ "$unrenewed" -eq 0 ] && { [ "$gave_ups" -eq 0 ] || [ "$renewals" -ge 1 ]; }; then
	tap_ok "every give-up on a coordinator is followed by a new client"
else
	tap_not_ok "every give-up on a coordinator is followed by a new client" \
		"$(grep -E 'no answer within|unanswered after|new Kafka client|cannot replace' "$work/agent.log" | tail -n 5)"
fi
# Through the crash, the stop and the return: the agent's own lines only, each with its
# level (none of librdkafka's "%3|...|FAIL|" lines, no line without a level).
strays=$(grep -Ev '^kfleet-agent: (error|warn|info|debug): ' "$work/agent.log" | head -n 5)
if [ -z "$strays" ] && grep -q '^kfleet-agent: warn: ' "$work/agent.log"; then
	tap_ok "every line of the agent's log has its level ($(wc -l <"$work/agent.log") lines)"
else
	tap_not_ok "every line of the agent's log has its level" "not so: $strays"
fi
tap_done
