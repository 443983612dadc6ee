#!/usr/bin/env bash
# kfleet-agent's HTTP side against the real broker, over loopback with curl: /healthz,
# /readyz (200 once collected, 503 with the reason for a cluster that is down), /metrics
# with exact values for a fleet made with kfleet-loadgen and the team and service labels
# of an imported ownership file, the JSON API, 401/404/405/414, malformed requests, a
# bounded run of concurrent requests (still healthy, no fd growth), and start-up errors
# for a listen address that is taken or not local.
set -u
. "$KFLEET_SRCDIR/tests/lib/tap.sh"
. "$KFLEET_SRCDIR/tests/lib/agent.sh"
agent=$KFLEET_BUILDDIR/kfleet-agent
kfleet=$KFLEET_BUILDDIR/kfleet
loadgen() { "$KFLEET_BUILDDIR/kfleet-loadgen" -b "$KAFKA_BOOTSTRAP" "$@" >/dev/null; }
work=$(mktemp -d "${TMPDIR:-/tmp}/kfleet-http.XXXXXX")
pids=()
trap 'for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done; rm -rf "$work"' EXIT
export KFLEET_CATALOG=$work/catalog.db
unique=$$-$RANDOM
single=http-single-$unique multi=http-multi-$unique
group=http-orders-$unique other=http-other-$unique

for tool in curl jq; do
	command -v "$tool" >/dev/null || { echo "Bail out! $tool not found: run scripts/deps"; exit 1; }
done

# A port nothing listens on now (the kernel's choice, so parallel runs do not collide).
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# status URL [CURL ARGS...]: the HTTP status code alone.
status() {
	local url=$1
	shift
	curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$@" "$url"
}
# check_status NAME WANT URL [CURL ARGS...]
check_status() {
	local name=$1 want=$2 got
	shift 2
	got=$(status "$@")
	if [ "$got" = "$want" ]; then tap_ok "$name"; else tap_not_ok "$name" "status $got, expected $want"; fi
}
# has_line NAME FILE LINE: FILE has LINE, whole.
has_line() {
	if grep -qFx -- "$3" "$2"; then
		tap_ok "$1"
	else
		tap_not_ok "$1" "no line: $3" "$(grep -F -- "${3%%\{*}" "$2" | head -n 5)"
	fi
}

# The fleet: 50 messages on one partition of which GROUP read 20 (lag 30, exact), a
# topic of 3 partitions, and OTHER, a group nobody owns.
loadgen create "$single" 1 && loadgen produce "$single" 50 && loadgen consume "$single" "$group" 20 &&
	loadgen create "$multi" 3 && loadgen produce "$multi" 30 && loadgen consume "$multi" "$other" 30 ||
	{ echo "Bail out! kfleet-loadgen could not make the fleet"; exit 1; }

cat >"$work/ownership.yaml" <<EOF
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: payments}
spec: {type: team}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: order-service
  annotations:
    kfleet.io/consumer-groups: "http-orders-*"
spec: {type: service, owner: group:payments, lifecycle: production}
EOF
tap_run "the ownership file is imported" 0 '' "$kfleet" catalog import "$work/ownership.yaml"

token=token-$RANDOM-$RANDOM-$RANDOM
printf '%s\n' "$token" >"$work/token"
chmod 600 "$work/token"
port=$(free_port)
base=http://127.0.0.1:$port
auth=(-H "Authorization: Bearer $token")
cat >"$work/http.conf" <<EOF
cluster = hx
catalog = $KFLEET_CATALOG
interval = 3s
listen = 127.0.0.1:$port
http.token = @$work/token
kafka.bootstrap.servers = $KAFKA_BOOTSTRAP
EOF
"$agent" --config "$work/http.conf" 2>"$work/agent.log" &
agent_pid=$!
pids+=("$agent_pid")

if wait_for 30 sh -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer $token' $base/readyz)\" = 200 ]"; then
	tap_ok "/readyz is 200 once a cycle has collected the cluster"
else
	tap_not_ok "/readyz is 200 once a cycle has collected the cluster" "$(tail -n 5 "$work/agent.log")"
fi
check_status "/healthz is 200, without the token" 200 "$base/healthz"

# ---------------------------------------------------------------- the token
check_status "/metrics without the token is 401" 401 "$base/metrics"
check_status "/metrics with a wrong token is 401" 401 "$base/metrics" -H "Authorization: Bearer x$token"
check_status "/api/v1/groups with a token one byte short is 401" 401 "$base/api/v1/groups" \
	-H "Authorization: Bearer ${token%?}"
check_status "/metrics with the token is 200" 200 "$base/metrics" "${auth[@]}"
check_status "the scheme's case does not matter" 200 "$base/metrics" -H "Authorization: bearer $token"
tap_run "a 401 says how to authenticate" 0 '^WWW-Authenticate: Bearer' \
	curl -s -D - -o /dev/null "$base/readyz"

# ---------------------------------------------------------------- /metrics
curl -s "${auth[@]}" "$base/metrics" >"$work/metrics"
has_line "kafka_brokers" "$work/metrics" "kafka_brokers $KAFKA_BROKERS"
has_line "kafka_topic_partitions" "$work/metrics" "kafka_topic_partitions{topic=\"$multi\"} 3"
has_line "kafka_topic_partition_current_offset" "$work/metrics" \
	"kafka_topic_partition_current_offset{topic=\"$single\",partition=\"0\"} 50"
has_line "kafka_topic_partition_oldest_offset" "$work/metrics" \
	"kafka_topic_partition_oldest_offset{topic=\"$single\",partition=\"0\"} 0"
has_line "kafka_topic_partition_replicas" "$work/metrics" \
	"kafka_topic_partition_replicas{topic=\"$single\",partition=\"0\"} $KAFKA_BROKERS"
has_line "kafka_topic_partition_under_replicated_partition" "$work/metrics" \
	"kafka_topic_partition_under_replicated_partition{topic=\"$single\",partition=\"0\"} 0"
has_line "kafka_consumergroup_lag, with team and service" "$work/metrics" \
	"kafka_consumergroup_lag{consumergroup=\"$group\",topic=\"$single\",partition=\"0\",team=\"payments\",service=\"order-service\"} 30"
has_line "kafka_consumergroup_current_offset" "$work/metrics" \
	"kafka_consumergroup_current_offset{consumergroup=\"$group\",topic=\"$single\",partition=\"0\",team=\"payments\",service=\"order-service\"} 20"
has_line "kafka_consumergroup_lag_sum" "$work/metrics" \
	"kafka_consumergroup_lag_sum{consumergroup=\"$group\",topic=\"$single\",team=\"payments\",service=\"order-service\"} 30"
has_line "kafka_consumergroup_members (the group left)" "$work/metrics" \
	"kafka_consumergroup_members{consumergroup=\"$group\",team=\"payments\",service=\"order-service\"} 0"
has_line "an unowned group has empty team and service" "$work/metrics" \
	"kafka_consumergroup_current_offset_sum{consumergroup=\"$other\",topic=\"$multi\",team=\"\",service=\"\"} 30"
has_line "kafka_consumergroup_lag_sum of a group that read everything" "$work/metrics" \
	"kafka_consumergroup_lag_sum{consumergroup=\"$other\",topic=\"$multi\",team=\"\",service=\"\"} 0"
has_line "kfleet_cluster_up" "$work/metrics" 'kfleet_cluster_up{cluster="hx"} 1'
has_line "kfleet_collection_section_up for the groups" "$work/metrics" \
	'kfleet_collection_section_up{cluster="hx",section="groups"} 1'
tap_run "kfleet_collection_requests counts OffsetFetch requests" 0 \
	'^kfleet_collection_requests\{cluster="hx",kind="offset_fetch"\} [1-9][0-9]*$' cat "$work/metrics"
tap_run "kfleet_collection_duration_seconds" 0 \
	'^kfleet_collection_duration_seconds\{cluster="hx"\} [0-9]+\.[0-9]{3}$' cat "$work/metrics"
# The exposition format: every sample belongs to the family whose HELP and TYPE came last.
if awk '
	/^# HELP / { help = $3; next }
	/^# TYPE / { if ($3 != help || $4 != "gauge") exit 1; family = $3; next }
	{ name = $0; sub(/[{ ].*/, "", name); if (name != family) exit 1 }
	!/^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? -?[0-9]+(\.[0-9]+)?$/ { exit 1 }
' "$work/metrics"; then
	tap_ok "every sample is well formed and follows its family's HELP and TYPE"
else
	tap_not_ok "every sample is well formed and follows its family's HELP and TYPE"
fi
tap_run "HEAD /metrics has the headers and no body" 0 '^0$' \
	sh -c "curl -s -I -H 'Authorization: Bearer $token' -w '%{size_download}\n' -o /dev/null $base/metrics"

# ---------------------------------------------------------------- the JSON API
tap_run "/api/v1/groups/{group}: the lag per partition, with the command line's fields" 0 '^true$' \
	sh -c "curl -s -H 'Authorization: Bearer $token' '$base/api/v1/groups/$group' | jq -e '
		(.[0] | keys_unsorted) == [\"cluster\", \"group\", \"topic\", \"partition\",
			\"committed_offset\", \"log_end_offset\", \"lag\", \"time_lag_seconds\",
			\"time_lag_estimated\", \"status\", \"service\", \"team\"]
		and ([.[] | select(.topic == \"$single\" and .partition == 0)] | length == 1)
		and (.[] | select(.topic == \"$single\") | .cluster == \"hx\" and .committed_offset == 20
			and .log_end_offset == 50 and .lag == 30 and .team == \"payments\"
			and .service == \"order-service\"
			and (.time_lag_seconds == null or .time_lag_estimated == true))'"
check_status "/api/v1/groups/{group} of an unknown group is 404" 404 \
	"$base/api/v1/groups/no-such-group-$unique" "${auth[@]}"
tap_run "/api/v1/cluster is this cluster's row" 0 '^true$' \
	sh -c "curl -s -H 'Authorization: Bearer $token' $base/api/v1/cluster |
		jq -e '.cluster == \"hx\" and .brokers == $KAFKA_BROKERS and .status != null'"
tap_run "/api/v1/topics lists this cluster's topics" 0 '^true$' \
	sh -c "curl -s -H 'Authorization: Bearer $token' $base/api/v1/topics |
		jq -e 'all(.[]; .cluster == \"hx\") and any(.[]; .topic == \"$multi\" and .partitions == 3)'"
tap_run "/api/v1/groups lists this cluster's groups with owners" 0 '^true$' \
	sh -c "curl -s -H 'Authorization: Bearer $token' $base/api/v1/groups |
		jq -e 'any(.[]; .group == \"$group\" and .team == \"payments\" and .lag == 30)'"

# ---------------------------------------------------------------- bad requests
check_status "an unknown path is 404" 404 "$base/nope" "${auth[@]}"
check_status "a known path with a trailing slash is 404" 404 "$base/metrics/" "${auth[@]}"
check_status "POST is 405" 405 "$base/metrics" -X POST -d x=1 "${auth[@]}"
tap_run "a 405 says which methods are allowed" 0 '^Allow: GET, HEAD' \
	curl -s -D - -o /dev/null -X DELETE "${auth[@]}" "$base/api/v1/topics"
long=$(head -c 10240 /dev/zero | tr '\0' a)
check_status "a 10 kB path is refused with 414" 414 "$base/$long" "${auth[@]}"
check_status "a 20 kB header is refused" 431 "$base/healthz" -H "X-Big: $(head -c 20480 /dev/zero | tr '\0' b)"
garbage=$(exec 3<>"/dev/tcp/127.0.0.1/$port" && printf 'GARBAGE \001\002 HTTP/9\r\n\r\n' >&3 &&
	timeout 5 head -c 12 <&3)
if [ "$garbage" = "HTTP/1.1 400" ] || [ -z "$garbage" ]; then
	tap_ok "a malformed request line is answered 400 or dropped (got '${garbage:-nothing}')"
else
	tap_not_ok "a malformed request line is answered 400 or dropped" "got '$garbage'"
fi
# A client that connects and says nothing holds no slot for long: the server still answers.
exec 4<>"/dev/tcp/127.0.0.1/$port"
check_status "the agent answers while a silent connection is open" 200 "$base/healthz"
exec 4>&-

# ---------------------------------------------------------------- load
# (The collector's descriptors: it serves HTTP; the agent's own process only supervises.)
collector=$(agent_collector "$agent_pid")
fds() { agent_fds "$collector"; }
fds_before=$(fds)
started=$(date +%s.%N)
seq 1 200 | xargs -P 8 -I{} curl -s -o /dev/null -w '%{http_code}\n' --max-time 10 \
	-H "Authorization: Bearer $token" "$base/metrics?n={}" >"$work/codes"
elapsed=$(echo "$(date +%s.%N) - $started" | bc)
ok=$(grep -c '^200$' "$work/codes")
if [ "$ok" -eq 200 ]; then
	tap_ok "200 /metrics requests, 8 at a time, are all answered 200 ($(echo "scale=0; 200 / $elapsed" | bc) requests/s)"
else
	tap_not_ok "200 /metrics requests, 8 at a time, are all answered 200" "$(sort "$work/codes" | uniq -c)"
fi
# curl's connections are closed by the time it exits; give the agent a moment to reap them.
wait_for 5 agent_fds_at_most "$collector" $((fds_before + 2))
fds_after=$(fds)
if [ -n "$collector" ] && [ "$(agent_collector "$agent_pid")" = "$collector" ] &&
	[ "$fds_after" -le $((fds_before + 2)) ]; then
	tap_ok "the agent's open files do not grow ($fds_before before, $fds_after after)"
else
	tap_not_ok "the agent's open files do not grow" \
		"collector $collector, now '$(agent_collector "$agent_pid")': $fds_before before, $fds_after after"
fi
check_status "the agent is healthy afterwards" 200 "$base/healthz"
check_status "and still ready" 200 "$base/readyz" "${auth[@]}"

# ---------------------------------------------------------------- a cluster that is down
down_port=$(free_port)
cat >"$work/down.conf" <<EOF
cluster = hx-down
catalog = $KFLEET_CATALOG
interval = 1s
listen = 127.0.0.1:$down_port
kafka.bootstrap.servers = 127.0.0.1:9
kafka.log_level = 0
EOF
"$agent" --config "$work/down.conf" 2>"$work/down.log" &
down_pid=$!
pids+=("$down_pid")
down=http://127.0.0.1:$down_port
wait_for 20 grep -q 'unreachable' "$work/down.log"
check_status "a cluster that is down: /healthz is 200" 200 "$down/healthz"
tap_run "and /readyz is 503 with the reason" 0 'not ready: hx-down not collected yet; latest cycle: unreachable: ' \
	curl -s -w ' %{http_code}' "$down/readyz"
tap_run "and the status is 503" 0 '^503$' curl -s -o /dev/null -w '%{http_code}' "$down/readyz"
tap_run "and kfleet_cluster_up is 0" 0 '^kfleet_cluster_up\{cluster="hx-down"\} 0$' curl -s "$down/metrics"

# ---------------------------------------------------------------- start-up errors
sed "s/^listen = .*/listen = 127.0.0.1:$port/; s/^cluster = .*/cluster = hx-taken/" \
	"$work/down.conf" >"$work/taken.conf"
tap_run "a taken port stops the start with the config line, exit 1" 1 \
	"$work/taken.conf:4: cannot listen on 127.0.0.1:$port: Address already in use" \
	"$agent" --config "$work/taken.conf"
sed "s/^listen = .*/listen = 192.0.2.1:$down_port/" "$work/down.conf" >"$work/foreign.conf"
tap_run "an address that is not this host's stops the start, exit 1" 1 \
	"$work/foreign.conf:4: cannot listen on 192.0.2.1:$down_port: Cannot assign requested address" \
	"$agent" --config "$work/foreign.conf"

# ---------------------------------------------------------------- stop
for pid in "$agent_pid" "$down_pid"; do kill -TERM "$pid"; done
stopped=yes
for pid in "$agent_pid" "$down_pid"; do
	wait_for 15 sh -c "! kill -0 $pid 2>/dev/null" && wait "$pid" || stopped=no
done
if [ "$stopped" = yes ]; then
	tap_ok "SIGTERM stops both agents with status 0"
else
	tap_not_ok "SIGTERM stops both agents with status 0" "$(tail -n 5 "$work/agent.log")"
fi
pids=()
if ! grep -qF "$token" "$work/agent.log" "$work/down.log"; then
	tap_ok "the token is in no log"
else
	tap_not_ok "the token is in no log"
fi
tap_done
