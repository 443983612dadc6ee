#!/usr/bin/env bash
# One catalog file shared for minutes (KFLEET_CONCURRENCY_SECONDS, default 120) by two
# kfleet-agents collecting two real clusters (the suite's broker and a private one of the
# harness) every 2 s, kfleet's listings read in a loop, the ownership imported again
# and again (a writer of its own), and the terminal UI open in tmux, switching views.
# No "database is locked" (or busy) may surface anywhere, no reader may fail, and no
# cycle may be lost: every cycle of each agent is a generation written. (Every 2 s rather
# than every second: a request waits one interval, and a broker slower than 1 s on a
# loaded machine would lose a cycle to the broker, not to the catalog.)
set -u
. "$KFLEET_SRCDIR/tests/lib/tap.sh"
. "$KFLEET_SRCDIR/tests/lib/agent.sh"
. "$KFLEET_SRCDIR/tests/lib/tmux.sh"
harness=$KFLEET_SRCDIR/tests/kafka/harness
agent=$KFLEET_BUILDDIR/kfleet-agent
kfleet=$KFLEET_BUILDDIR/kfleet
seconds=${KFLEET_CONCURRENCY_SECONDS:-120}

if [ -z "${KAFKA_BOOTSTRAP:-}" ]; then
	echo "Bail out! no Kafka broker: KAFKA_BOOTSTRAP is not set (tests/run-test starts one)"
	exit 1
fi
suite_bootstrap=$KAFKA_BOOTSTRAP
work=$(mktemp -d "${TMPDIR:-/tmp}/kfleet-concurrency.XXXXXX")
kafka=$work/kafka
pids=()
trap 'tmux_stop; for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done
	"$harness" stop --dir "$kafka" >/dev/null 2>&1; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
export KFLEET_CATALOG=$work/catalog.db
prefix=conc$$

"$harness" start --dir "$kafka" >/dev/null 2>"$work/harness.log" ||
	{ echo "Bail out! the second cluster did not start: $(tail -n 20 "$work/harness.log")"; exit 1; }
private_bootstrap=$(. "$kafka/env" && echo "$KAFKA_BOOTSTRAP")
loadgen() { "$KFLEET_BUILDDIR/kfleet-loadgen" -b "$1" fleet "$2" 30 3 10 20 >/dev/null; }
loadgen "$suite_bootstrap" "$prefix-a" && loadgen "$private_bootstrap" "$prefix-b" ||
	{ echo "Bail out! kfleet-loadgen could not make the fleets"; exit 1; }

# agent_conf NAME BOOTSTRAP: the configuration of the agent of cluster NAME.
agent_conf() {
	local port
	port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	cat >"$work/$1.conf" <<EOF
cluster = $1
catalog = $KFLEET_CATALOG
interval = 2s
listen = 127.0.0.1:$port
kafka.bootstrap.servers = $2
EOF
}
agent_conf conc-a "$suite_bootstrap"
agent_conf conc-b "$private_bootstrap"
"$agent" --config "$work/conc-a.conf" 2>"$work/conc-a.log" &
agent_a=$!
"$agent" --config "$work/conc-b.conf" 2>"$work/conc-b.log" &
agent_b=$!
pids+=("$agent_a" "$agent_b")

generation() { sqlite3 "$KFLEET_CATALOG" "SELECT generation FROM clusters WHERE name = '$1'" 2>/dev/null; }
both_written() { [ "$(generation conc-a)" -ge 1 ] 2>/dev/null && [ "$(generation conc-b)" -ge 1 ] 2>/dev/null; }
if wait_for 60 both_written; then
	tap_ok "both agents write their cluster into the one catalog"
else
	tap_not_ok "both agents write their cluster into the one catalog" \
		"$(tail -n 3 "$work/conc-a.log")" "$(tail -n 3 "$work/conc-b.log")"
fi

# Readers: kfleet's listings over both clusters, one after the other, until the end.
# Each failure is kept with what it said.
readers() {
	local reads=0 end=$((SECONDS + seconds))
	while ((SECONDS < end)); do
		for command in "lag --format csv" "lag --by partition --format csv" "topics --format csv" \
			"groups --format json" "clusters --format csv" "partitions --format csv" \
			"topology export --format json"; do
			# shellcheck disable=SC2086
			if ! "$kfleet" $command >/dev/null 2>"$work/read.err"; then
				echo "kfleet $command: $(cat "$work/read.err")" >>"$work/read.failures"
			fi
			reads=$((reads + 1))
		done
	done
	echo "$reads" >"$work/reads"
}
# A writer besides the agents: the ownership, imported every second.
importer() {
	local imports=0 end=$((SECONDS + seconds))
	while ((SECONDS < end)); do
		"$kfleet" catalog import "$KFLEET_SRCDIR/tests/cli/ownership/teams.yaml" \
			"$KFLEET_SRCDIR/tests/cli/ownership/services.yaml" >/dev/null 2>"$work/import.err" ||
			echo "kfleet catalog import: $(cat "$work/import.err")" >>"$work/import.failures"
		imports=$((imports + 1))
		sleep 1
	done
	echo "$imports" >"$work/imports"
}
start_generations="$(generation conc-a) $(generation conc-b)"
readers &
pids+=($!)
readers_pid=$!
importer &
pids+=($!)
importer_pid=$!

# The terminal UI, its views switched every few seconds, its screen looked at each time.
tmux_start 160 40 "env LANG=C.UTF-8 TERM=tmux-256color KFLEET_CATALOG=$KFLEET_CATALOG $kfleet; echo EXIT=\$?; sleep 600"
tmux_check "the terminal UI opens on the shared catalog" 20 '^1 Groups +2 Topics'
bad_screens="" views=0 end=$((SECONDS + seconds))
while ((SECONDS < end)); do
	for key in 2 1 3 1; do
		tmux_keys "$key"
		sleep 1.5
		screen=$(tmux_screen)
		views=$((views + 1))
		if grep -Eiq 'locked|busy|error|EXIT=' <<<"$screen"; then
			bad_screens="$bad_screens$(grep -Ei 'locked|busy|error|EXIT=' <<<"$screen" | head -n 2);"
		fi
	done
done
if [ -z "$bad_screens" ] && tmux_screen | grep -Eq "conc-a|conc-b"; then
	tap_ok "the terminal UI shows both clusters through $views view switches, no error"
else
	tap_not_ok "the terminal UI shows both clusters, no error" "$bad_screens" "$(tmux_screen | head -n 5)"
fi
tmux_keys q
wait "$readers_pid" "$importer_pid"

if [ ! -s "$work/read.failures" ]; then
	tap_ok "$(cat "$work/reads") reads of kfleet's listings, none failed"
else
	tap_not_ok "no read of kfleet's listings failed" "$(sort "$work/read.failures" | uniq -c | head -n 5)"
fi
if [ ! -s "$work/import.failures" ]; then
	tap_ok "$(cat "$work/imports") imports of the ownership, none failed"
else
	tap_not_ok "no import of the ownership failed" "$(sort "$work/import.failures" | uniq -c | head -n 5)"
fi

agent_stop_check "$agent_a" 30 "$work/conc-a.log"
agent_stop_check "$agent_b" 30 "$work/conc-b.log"
pids=()
echo "# generations at the start of the readers: $start_generations; at the end: $(generation conc-a) $(generation conc-b)"
for name in conc-a conc-b; do
	written=$(grep -c "$name: generation written" "$work/$name.log")
	lost=$(grep -Ec "generation not written|unreachable|locked|busy" "$work/$name.log")
	if [ "$lost" = 0 ] && [ "$written" -gt 1 ] && [ "$(generation "$name")" = "$written" ]; then
		tap_ok "$name: every cycle of the agent is a generation in the catalog ($written)"
	else
		tap_not_ok "$name: every cycle of the agent is a generation in the catalog" \
			"$written written, generation $(generation "$name")" \
			"$(grep -E "generation not written|unreachable|locked|busy" "$work/$name.log" | head -n 3)"
	fi
done
tap_run "the catalog passes integrity_check" 0 '^ok$' sqlite3 "$KFLEET_CATALOG" 'PRAGMA integrity_check'
tap_done
