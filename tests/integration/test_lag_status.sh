#!/usr/bin/env bash
# Time lag and group status from real consumers on the real broker. kfleet-agent runs
# its loop every second (lag.window = 5, lag.stopped_after = 8s) while a producer writes
# 20 messages a second to one partition, and three groups read it:
#   follow  consumes and commits as it goes          -> OK, time lag about 0
#   stall   commits 100, stays a member, reads nothing -> STALLED
#   gone    commits 100 and leaves (no member)         -> STOPPED once 8 s have passed
# The time lag of the groups stuck at offset 100 is checked against the truth: the age of
# message 100, from its own timestamp, at the time the agent collected.
set -u
. "$KFLEET_SRCDIR/tests/lib/tap.sh"
. "$KFLEET_SRCDIR/tests/lib/agent.sh"
loadgen=$KFLEET_BUILDDIR/kfleet-loadgen
kfleet=$KFLEET_BUILDDIR/kfleet
work=$(mktemp -d "${TMPDIR:-/tmp}/kfleet-lag.XXXXXX")
pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
prefix=lag$$-$RANDOM
topic=$prefix-events
export KFLEET_CATALOG=$work/catalog.db
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

tap_run "a topic of one partition" 0 '' "$loadgen" -b "$KAFKA_BOOTSTRAP" create "$topic" 1

cat >"$work/agent.conf" <<EOF
cluster = lagtest
catalog = $work/catalog.db
interval = 1s
listen = 127.0.0.1:$port
lag.window = 5
lag.stopped_after = 8s
kafka.bootstrap.servers = $KAFKA_BOOTSTRAP
EOF
"$KFLEET_BUILDDIR/kfleet-agent" --config "$work/agent.conf" >"$work/agent.log" 2>&1 &
agent=$!
pids+=("$agent")
if wait_for 30 grep -q 'generation written' "$work/agent.log"; then
	tap_ok "the agent collects every second"
else
	tap_not_ok "the agent collects every second" "$(tail -n 5 "$work/agent.log")"
fi

# The producer starts after the agent, so the history covers every message.
"$loadgen" -b "$KAFKA_BOOTSTRAP" rate "$topic" 20 0 >"$work/rate.log" 2>&1 &
pids+=($!)
"$loadgen" -b "$KAFKA_BOOTSTRAP" follow "$topic" "$prefix-follow" 0 >"$work/follow.log" 2>&1 &
pids+=($!)
"$loadgen" -b "$KAFKA_BOOTSTRAP" stall "$topic" "$prefix-stall" 100 >"$work/stall.log" 2>&1 &
pids+=($!)
tap_run "gone commits 100 and leaves" 0 '' \
	"$loadgen" -b "$KAFKA_BOOTSTRAP" consume "$topic" "$prefix-gone" 100
if wait_for 30 grep -q 'holding' "$work/stall.log"; then
	tap_ok "stall commits 100 and holds its place in the group"
else
	tap_not_ok "stall commits 100 and holds its place in the group" "$(cat "$work/stall.log")"
fi

# status_of GROUP: the group's status in the catalog now ("null" when not evaluated).
status_of() {
	"$kfleet" lag --group "$1" --format json 2>/dev/null | jq -r '.[0].status'
}
# expect_status GROUP STATUS SECONDS: one check that GROUP reaches STATUS within SECONDS.
expect_status() {
	if wait_for "$3" sh -c "[ \"\$(\"$kfleet\" lag --group $1 --format json | jq -r '.[0].status')\" = $2 ]"; then
		tap_ok "$1 is $2 ($("$kfleet" lag --group "$1" --format json | jq -r '.[0].status_reason'))"
	else
		tap_not_ok "$1 is $2" "status now: $(status_of "$1"); $("$kfleet" lag --group "$1" --format json)" \
			"$(tail -n 3 "$work/agent.log")"
	fi
}
expect_status "$prefix-follow" OK 30
expect_status "$prefix-stall" STALLED 30
expect_status "$prefix-gone" STOPPED 40
# follow is still OK now that the others have had their time.
expect_status "$prefix-follow" OK 5

# /metrics carries the status and the time lag.
curl -s "http://127.0.0.1:$port/metrics" >"$work/metrics"
if grep -q "^kfleet_consumergroup_status{consumergroup=\"$prefix-stall\",.*status=\"STALLED\"} 4$" "$work/metrics" &&
	grep -q "^kfleet_consumergroup_status{consumergroup=\"$prefix-gone\",.*status=\"STOPPED\"} 5$" "$work/metrics" &&
	grep -q "^kfleet_consumergroup_time_lag_seconds{consumergroup=\"$prefix-stall\",topic=\"$topic\",partition=\"0\"" "$work/metrics"; then
	tap_ok "/metrics has kfleet_consumergroup_status and kfleet_consumergroup_time_lag_seconds"
else
	tap_not_ok "/metrics has kfleet_consumergroup_status and kfleet_consumergroup_time_lag_seconds" \
		"$(grep "kfleet_consumergroup_\(status\|time_lag\)" "$work/metrics" | grep "$prefix" | head -n 6)"
fi

# Stopped, the agent leaves one generation: the reads below, by separate kfleet commands,
# all see the same one.
agent_stop_check "$agent" 10 "$work/agent.log"

# Time lag against the truth. Message 100's timestamp is when it was produced (5 s into the
# producer's run: its first messages wait for the connection, so their CreateTime is older
# than their place in the log says, which no log-end-offset estimate can see); the agent's
# time lag is measured at its collection time (the cluster's last_collected).
truth_ms=$("$loadgen" -b "$KAFKA_BOOTSTRAP" timestamp "$topic" 0 100)
"$kfleet" lag --by partition --group "$prefix-stall" --format json >"$work/stall.json"
"$kfleet" clusters --cluster lagtest --format json >"$work/cluster.json"
collected_ms=$(jq -r '.[0].last_collected' "$work/cluster.json" |
	python3 -c 'import sys, datetime; t = sys.stdin.read().strip(); print(int(datetime.datetime.fromisoformat(t.replace("Z", "+00:00")).timestamp() * 1000))')
reported=$(jq -r '.[0].time_lag_seconds' "$work/stall.json")
estimated=$(jq -r '.[0].time_lag_estimated' "$work/stall.json")
expected=$(echo "scale=3; ($collected_ms - $truth_ms) / 1000" | bc)
# within 10% or one interval (1 s), whichever is larger
if [ -n "$truth_ms" ] && [ "$reported" != null ] &&
	echo "d = $reported - $expected; if (d < 0) d = -d; t = $expected / 10; if (t < 1) t = 1; d <= t" | bc | grep -qx 1; then
	tap_ok "stall's time lag ${reported}s matches message 100's age ${expected}s (estimated: $estimated)"
else
	tap_not_ok "stall's time lag matches message 100's age" \
		"reported $reported s, truth $expected s (message 100 at $truth_ms, collected at $collected_ms)" \
		"$(cat "$work/stall.json")"
fi
if [ "$estimated" = false ]; then
	tap_ok "the time lag is interpolated within the history, not extrapolated"
else
	tap_not_ok "the time lag is interpolated within the history, not extrapolated" "$(cat "$work/stall.json")"
fi
follow_lag=$("$kfleet" lag --by partition --group "$prefix-follow" --format json | jq -r '.[0].time_lag_seconds')
if [ "$follow_lag" != null ] && echo "$follow_lag <= 3" | bc | grep -qx 1; then
	tap_ok "follow's time lag is about 0 (${follow_lag}s)"
else
	tap_not_ok "follow's time lag is about 0" "time_lag_seconds: $follow_lag"
fi

# Worst first, and the runbook checks.
order=$("$kfleet" lag --cluster lagtest --format json | jq -r "[.[] | select(.group | startswith(\"$prefix\")) | .status] | join(\",\")")
if [ "$order" = "STOPPED,STALLED,OK" ]; then
	tap_ok "kfleet lag lists the worst first: $order"
else
	tap_not_ok "kfleet lag lists the worst first" "order: $order"
fi

# A restarted agent reads its history back: the time lag stays interpolated.
# (One cycle, so no history to keep dense: requests may wait 5 s, not the loop's 1 s.)
sed 's/^interval = .*/interval = 5s/' "$work/agent.conf" >"$work/once.conf"
"$KFLEET_BUILDDIR/kfleet-agent" --config "$work/once.conf" --once >"$work/once.log" 2>&1
after=$("$kfleet" lag --by partition --group "$prefix-stall" --format json | jq -r '.[0].time_lag_estimated')
status=$(status_of "$prefix-stall")
if [ "$after" = false ] && [ "$status" = STALLED ]; then
	tap_ok "after a restart the history is read back: still STALLED, time lag not extrapolated"
else
	tap_not_ok "after a restart the history is read back" "estimated: $after, status: $status" \
		"$(tail -n 3 "$work/once.log")"
fi
tap_done
