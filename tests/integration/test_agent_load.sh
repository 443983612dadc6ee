#!/usr/bin/env bash
# kfleet-agent's HTTP API under load from wrk over loopback, bounded (a few seconds per
# endpoint, 8 connections: half the agent's limit per address): the agent keeps
# answering, answers every request of a valid endpoint with 200 (and 404 where there is
# nothing), holds no more descriptors after than before, and its memory is flat once warm
# (RSS after a second round of load within a few MiB of the first). Requests per second
# are printed as TAP comments; nothing asserts a time.
set -u
. "$KFLEET_SRCDIR/tests/lib/tap.sh"
. "$KFLEET_SRCDIR/tests/lib/agent.sh"
agent=$KFLEET_BUILDDIR/kfleet-agent
loadgen() { "$KFLEET_BUILDDIR/kfleet-loadgen" -b "$KAFKA_BOOTSTRAP" "$@" >/dev/null; }
work=$(mktemp -d "${TMPDIR:-/tmp}/kfleet-load.XXXXXX")
agent_pid=
trap '[ -n "$agent_pid" ] && kill -9 "$agent_pid" 2>/dev/null; rm -rf "$work"' EXIT
unique=load$$-$RANDOM
# Under AddressSanitizer freed memory waits in a quarantine (256 MiB by default), which
# would read as growth: keep it small so that "flat" means the same in both builds.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=4:thread_local_quarantine_size_kb=64
SECONDS_PER_RUN=${KFLEET_LOAD_SECONDS:-4}
FLAT_KIB=4096

for tool in wrk curl; do
	command -v "$tool" >/dev/null || { echo "Bail out! $tool not found: run scripts/deps"; exit 1; }
done
loadgen create "$unique" 4 && loadgen produce "$unique" 400 && loadgen consume "$unique" "$unique-g" 100 ||
	{ echo "Bail out! kfleet-loadgen could not make the fleet"; exit 1; }

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base=http://127.0.0.1:$port
cat >"$work/agent.conf" <<CONF
cluster = load
catalog = $work/catalog.db
interval = 2s
listen = 127.0.0.1:$port
kafka.bootstrap.servers = $KAFKA_BOOTSTRAP
CONF
"$agent" --config "$work/agent.conf" 2>"$work/agent.log" &
agent_pid=$!
if wait_for 60 sh -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' $base/readyz)\" = 200 ]"; then
	tap_ok "the agent is ready"
else
	tap_not_ok "the agent is ready" "$(tail -n 5 "$work/agent.log")"
fi

# The collector is what serves HTTP (the agent's own process only supervises it, and would
# start a crashed one again): its descriptors and memory are measured, and it must be the
# same process at the end.
collector=$(agent_collector "$agent_pid")
[ -n "$collector" ] || { echo "Bail out! the agent has no collector process: $(tail -n 5 "$work/agent.log")"; exit 1; }
fds() { agent_fds "$collector"; }
rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$collector/status" 2>/dev/null; }

# load NAME PATH WANT: wrk on PATH for SECONDS_PER_RUN; every answer must be WANT (200, or
# 404: wrk counts anything but 2xx and 3xx as "Non-2xx").
load() {
	local name=$1 path=$2 want=$3 out requests non2xx errors
	out=$(wrk -t 2 -c 8 -d "${SECONDS_PER_RUN}s" --latency "$base$path" 2>&1)
	requests=$(awk '/requests in/ { print $1 }' <<<"$out")
	non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$out")
	errors=$(awk '/Socket errors:/ { print }' <<<"$out")
	if ! kill -0 "$collector" 2>/dev/null || [ "$(agent_collector "$agent_pid")" != "$collector" ]; then
		tap_not_ok "$name: the agent's collector survives" "$(tail -n 5 "$work/agent.log")"
	elif [ -z "$requests" ] || [ "$requests" -eq 0 ]; then
		tap_not_ok "$name: answered" "$out"
	elif [ "$want" = 200 ] && { [ -n "$non2xx" ] || [ -n "$errors" ]; }; then
		tap_not_ok "$name: every answer is 200" "non-2xx: ${non2xx:-0}; ${errors:-no socket errors}"
	elif [ "$want" = 404 ] && [ "${non2xx:-0}" != "$requests" ]; then
		tap_not_ok "$name: every answer is 404" "$requests requests, ${non2xx:-0} not 2xx"
	else
		tap_ok "$name: $requests requests, every answer $want"
		echo "# $name: $(awk '/Requests\/sec/ { print $2 }' <<<"$out") requests/s, latency p99 $(awk '/ 99%/ { print $2 }' <<<"$out")"
	fi
}

# round WHAT: every endpoint once, each check's name ending in WHAT.
round() {
	load "/metrics$1" /metrics 200
	load "/api/v1/groups$1" /api/v1/groups 200
	load "/api/v1/topology.json$1" /api/v1/topology.json 200
	load "a path that does not exist$1" /no/such/path 404
}
# Warm: a first round over every endpoint fills the allocator's pools and
# libmicrohttpd's connection pools (under ASan RSS climbs some 3 MiB over it, then stays).
round ", warming up"
fds_before=$(fds)
round ""
rss_first=$(rss_kib)
round " again"
rss_second=$(rss_kib)
# wrk's connections are closed by the time it exits; give the agent a moment to reap them.
wait_for 5 agent_fds_at_most "$collector" "$fds_before"
fds_after=$(fds)
if [ "$fds_after" -le "$fds_before" ]; then
	tap_ok "no descriptor leaked ($fds_before open before the load, $fds_after after)"
else
	tap_not_ok "no descriptor leaked" "$fds_before before, $fds_after after" "$(ls -l "/proc/$collector/fd")"
fi
if [ -n "$rss_first" ] && [ -n "$rss_second" ] && [ $((rss_second - rss_first)) -le $FLAT_KIB ]; then
	tap_ok "memory is flat under load (RSS $rss_first KiB after a round, $rss_second KiB after another)"
else
	tap_not_ok "memory is flat under load" "RSS $rss_first KiB, then $rss_second KiB (more than $FLAT_KIB KiB)"
fi
agent_stop_check "$agent_pid" 20 "$work/agent.log"
agent_pid=
tap_done
