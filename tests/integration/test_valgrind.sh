#!/usr/bin/env bash
# kfleet-agent and kfleet under valgrind against the real broker: a collection cycle
# (--once), the agent serving HTTP through several cycles until SIGTERM, and a handful of
# commands on the catalog it wrote (listings in each format, ownership import and export,
# an offset reset executed, its history and undo, the topology as JSON and SVG). Each exits
# 0 and valgrind finds no invalid access and nothing definitely or indirectly lost but the
# third-party leaks of tests/valgrind.supp.
# A sanitizer build cannot run under valgrind: there the same commands run as they are,
# checked by ASan and LeakSanitizer (a leak fails the exit status), and each line says so.
set -u
. "$KFLEET_SRCDIR/tests/lib/tap.sh"
. "$KFLEET_SRCDIR/tests/lib/agent.sh"
agent=$KFLEET_BUILDDIR/kfleet-agent
kfleet=$KFLEET_BUILDDIR/kfleet
loadgen() { "$KFLEET_BUILDDIR/kfleet-loadgen" -b "$KAFKA_BOOTSTRAP" "$@" >/dev/null; }
work=$(mktemp -d "${TMPDIR:-/tmp}/kfleet-valgrind.XXXXXX")
agent_pid=""
trap '[ -n "$agent_pid" ] && kill -9 "$agent_pid" 2>/dev/null; rm -rf "$work"' EXIT
export KFLEET_CATALOG=$work/catalog.db KFLEET_CONFIG_DIR=$work/clusters COLUMNS=120
unique=$$-$RANDOM
topic=vg-topic-$unique group=vg-group-$unique

for tool in curl jq; do
	command -v "$tool" >/dev/null || { echo "Bail out! $tool not found: run scripts/deps"; exit 1; }
done
if ldd "$agent" | grep -q libasan; then
	checker="ASan and LeakSanitizer; this build cannot run under valgrind"
	valgrind=()
	# Graphviz's and fontconfig's own leaks (tests/lsan-graphviz.supp); Graphviz has no
	# frame pointers, hence the slow unwinder.
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0
	export LSAN_OPTIONS=${LSAN_OPTIONS:+$LSAN_OPTIONS:}print_suppressions=0:suppressions=$KFLEET_SRCDIR/tests/lsan-graphviz.supp
else
	command -v valgrind >/dev/null || { echo "Bail out! valgrind not found: run scripts/deps"; exit 1; }
	checker=valgrind
	# A log per process: the agent's collector is a child of its supervisor.
	valgrind=(valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect
		--show-leak-kinds=definite,indirect --error-exitcode=99 --num-callers=30
		--suppressions="$KFLEET_SRCDIR/tests/valgrind.supp" --log-file="$work/valgrind.%p")
fi

# checked_result NAME STATUS: one TAP line for the run that just ended with STATUS: it
# exited 0, and valgrind (a log per process) counted no error. Removes the logs.
checked_result() {
	local name=$1 status=$2 logs problems=() log
	[ "$status" -eq 0 ] || problems+=("exit $status" "stderr: $(tail -c 1500 "$work/err")")
	if [ ${#valgrind[@]} -gt 0 ]; then
		logs=("$work"/valgrind.*)
		[ -e "${logs[0]}" ] || problems+=("no valgrind log")
		for log in "${logs[@]}"; do
			[ -e "$log" ] || continue
			if ! grep -q 'ERROR SUMMARY' "$log"; then
				problems+=("$log: valgrind did not finish (an exec?): $(tail -n 3 "$log")")
			elif ! grep -q 'ERROR SUMMARY: 0 errors' "$log"; then
				problems+=("$(grep -E -A 12 '^==[0-9]+== (Invalid|Conditional|Use of|Syscall|Mismatched|Source and|[0-9,]+ .*bytes in .* lost)' "$log" | head -n 40)")
			fi
		done
		rm -f "$work"/valgrind.*
	fi
	if [ ${#problems[@]} -eq 0 ]; then
		tap_ok "$name ($checker)"
	else
		tap_not_ok "$name ($checker)" "${problems[@]}"
	fi
}

# checked NAME CMD...: run CMD under the checker, its stdout in $work/out; one TAP line.
checked() {
	local name=$1 status
	shift
	"${valgrind[@]}" "$@" >"$work/out" 2>"$work/err" && status=0 || status=$?
	checked_result "$name" "$status"
}

# The fleet: a topic of 2 partitions and 40 messages that GROUP read 15 of, owned by a
# service of a team.
loadgen create "$topic" 2 && loadgen produce "$topic" 40 && loadgen consume "$topic" "$group" 15 ||
	{ echo "Bail out! kfleet-loadgen could not make the fleet"; exit 1; }
cat >"$work/ownership.yaml" <<EOF
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: payments, description: Takes the money}
spec: {type: team, profile: {email: payments@example.com}}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: order-service
  annotations:
    kfleet.io/consumer-groups: "vg-group-*"
    kfleet.io/produces: "$topic"
spec: {type: service, owner: group:payments, lifecycle: production}
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: $topic
  tags: [pii]
spec: {type: kafka-topic, owner: group:payments}
EOF
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$KFLEET_CONFIG_DIR"
cat >"$KFLEET_CONFIG_DIR/vg.conf" <<EOF
cluster = vg
catalog = $KFLEET_CATALOG
interval = 1s
listen = 127.0.0.1:$port
kafka.bootstrap.servers = $KAFKA_BOOTSTRAP
EOF
config=$KFLEET_CONFIG_DIR/vg.conf

checked "kfleet catalog import" "$kfleet" catalog import "$work/ownership.yaml"
checked "kfleet-agent --once: a collection cycle" "$agent" --config "$config" --once

# The agent serving: several cycles (interval 1 s) while every endpoint is asked once.
"${valgrind[@]}" "$agent" --config "$config" 2>"$work/err" &
agent_pid=$!
base=http://127.0.0.1:$port
if wait_for 120 sh -c "[ \"\$(curl -s -o /dev/null -w '%{http_code}' $base/readyz)\" = 200 ]"; then
	for path in /metrics /api/v1/cluster /api/v1/topics /api/v1/groups "/api/v1/groups/$group" \
		/api/v1/groups/none /api/v1/topology.json /api/v1/topology.svg /none; do
		curl -s -o /dev/null --max-time 120 "$base$path?format=x&y" ||
			echo "curl $path failed" >>"$work/err"
	done
	curl -s -o /dev/null --max-time 30 -X POST "$base/metrics" ||
		echo "curl POST failed" >>"$work/err"
	sleep 2   # a cycle or two more
	kill -TERM "$agent_pid"
	wait "$agent_pid" && status=0 || status=$?
else
	echo "/readyz never answered 200" >>"$work/err"
	kill -9 "$agent_pid"
	wait "$agent_pid"
	status=124
fi
agent_pid=""
checked_result "kfleet-agent serving HTTP, every endpoint, until SIGTERM" "$status"

checked "kfleet lag" "$kfleet" lag
checked "kfleet lag --format json" "$kfleet" lag --format json
checked "kfleet lag --by partition --format csv" "$kfleet" lag --by partition --format csv
checked "kfleet groups --format csv" "$kfleet" groups --format csv
checked "kfleet topics --format json" "$kfleet" topics --format json
checked "kfleet services" "$kfleet" services
checked "kfleet catalog export" "$kfleet" catalog export
if grep -q "name: $topic" "$work/out"; then tap_ok "the export has the topic"
else tap_not_ok "the export has the topic" "$(head -n 30 "$work/out")"; fi
checked "kfleet offsets reset --execute" "$kfleet" offsets reset --cluster vg --group "$group" \
	--all-topics --to-earliest --execute
id=$("$kfleet" offsets history --group "$group" --format json | jq -r '.[0].id')
checked "kfleet offsets history --format json" "$kfleet" offsets history --format json
checked "kfleet offsets undo (dry run)" "$kfleet" offsets undo "$id"
checked "kfleet topology export --format json" "$kfleet" topology export --format json
checked "kfleet topology export --format svg" "$kfleet" topology export --format svg \
	-o "$work/topology.svg"
if grep -q '<svg' "$work/topology.svg" 2>/dev/null; then tap_ok "the SVG was written"
else tap_not_ok "the SVG was written"; fi
tap_done
