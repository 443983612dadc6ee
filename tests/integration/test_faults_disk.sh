#!/usr/bin/env bash
# kfleet-agent when its catalog cannot be written, against a private cluster of the
# harness: first a full disk (the collector's file size limit lowered under the catalog's
# size with prlimit: writes fail with EFBIG, and SIGXFSZ must not kill it), then a
# read-only catalog (the database and its WAL made immutable with chattr +i, which fails
# writes on the files the agent already has open; needs root and a file system with
# attributes). Each time the agent must say so once, keep collecting and serving
# /metrics from memory (kfleet_catalog_up 0, the cluster's new offsets), leave the
# catalog whole and readable, and write again by itself, without a restart, once the
# fault is gone.
set -u
. "$KFLEET_SRCDIR/tests/lib/tap.sh"
. "$KFLEET_SRCDIR/tests/lib/agent.sh"
. "$KFLEET_SRCDIR/tests/lib/cluster.sh"
agent=$KFLEET_BUILDDIR/kfleet-agent
kfleet=$KFLEET_BUILDDIR/kfleet

work=$(mktemp -d "${TMPDIR:-/tmp}/kfleet-disk.XXXXXX")
kafka=$work/kafka
export KFLEET_CATALOG=$work/catalog.db
catalog=$KFLEET_CATALOG
agent_pid=""
trap 'chattr -i "$catalog" "$catalog-wal" 2>/dev/null
	[ -n "$agent_pid" ] && kill -9 "$agent_pid" 2>/dev/null
	private_cluster_stop; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
cluster=disk topic=disk-t00000

private_cluster_start "$kafka" "$work/harness.log"
loadgen() { "$KFLEET_BUILDDIR/kfleet-loadgen" -b "$KAFKA_BOOTSTRAP" "$@" >/dev/null; }
loadgen fleet disk 20 3 5 10 || { echo "Bail out! kfleet-loadgen could not make the fleet"; exit 1; }

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/agent.conf" <<EOF
cluster = $cluster
catalog = $catalog
interval = 1s
listen = 127.0.0.1:$port
kafka.bootstrap.servers = $KAFKA_BOOTSTRAP
EOF

sql() { sqlite3 "$catalog" "$1" 2>&1; }
generation() { sqlite3 "$catalog" "SELECT generation FROM clusters WHERE name = '$cluster'" 2>/dev/null; }
newer_than() { local g; g=$(generation); [ -n "$g" ] && [ "$g" -gt "$1" ]; }
metric() { # metric NAME [LABEL-MATCH]: the value of the first sample of NAME on /metrics
	curl -s --max-time 10 "http://127.0.0.1:$port/metrics" |
		awk -v n="$1" -v m="${2:-}" '$1 ~ "^" n "({|$)" && index($1, m) { print $2; exit }'
}
# The log end offset of TOPIC's partitions, summed, as /metrics and the catalog see it.
metrics_end_offsets() {
	curl -s --max-time 10 "http://127.0.0.1:$port/metrics" |
		awk -v t="topic=\"$topic\"" '$1 ~ /^kafka_topic_partition_current_offset{/ && index($1, t) { s += $2 } END { print s + 0 }'
}
catalog_end_offsets() {
	sql "SELECT total(p.high_watermark) FROM partitions p JOIN topics t ON t.id = p.topic_id
		JOIN clusters c ON c.id = t.cluster_id WHERE c.name = '$cluster' AND t.name = '$topic'" |
		cut -d. -f1
}
collector() { agent_collector "$agent_pid"; }
catalog_up_is() { [ "$(metric kfleet_catalog_up)" = "$1" ]; }
metrics_offsets_are() { [ "$(metrics_end_offsets)" = "$1" ]; }
log_has() { grep -q "$1" "$work/agent.log"; }
seen() {
	echo "generation $(generation); kfleet_catalog_up $(metric kfleet_catalog_up)"
	echo "agent log:"
	tail -n 6 "$work/agent.log"
}

# The log goes through a pipe: the file size limit of the full disk below would also stop
# the collector's writes to a log file past 4 KiB, and so its error line.
"$agent" --config "$work/agent.conf" 2> >(exec cat >"$work/agent.log") &
agent_pid=$!
if wait_for 60 newer_than 1 && wait_for 10 catalog_up_is 1; then
	tap_ok "the agent writes generations, kfleet_catalog_up 1"
else
	tap_not_ok "the agent writes generations, kfleet_catalog_up 1" "$(seen)"
fi
child=$(collector)

# fault FAULT LIFT: the checks of one fault, started by the command FAULT and ended by LIFT.
fault() {
	local what=$1 start=$2 lift=$3 frozen failures ended written
	# Counted before the fault: a cycle may fail, and say so, as soon as it starts.
	failures=$(grep -c 'generation not written' "$work/agent.log")
	if ! $start 2>"$work/fault.err"; then
		tap_not_ok "$what: the fault can be made" "$(cat "$work/fault.err")"
		return
	fi
	frozen=$(generation)
	# The cluster moves on while the catalog cannot follow.
	loadgen produce "$topic" 30
	local expected=$(($(catalog_end_offsets) + 30))
	if wait_for 30 catalog_up_is 0 && wait_for 30 metrics_offsets_are "$expected"; then
		tap_ok "$what: /metrics from memory, kfleet_catalog_up 0 and the new offsets ($expected)"
	else
		tap_not_ok "$what: /metrics from memory, kfleet_catalog_up 0 and the new offsets" \
			"end offsets on /metrics $(metrics_end_offsets), expected $expected" "$(seen)"
	fi
	sleep 3   # a few more cycles that cannot write
	if [ "$(generation)" = "$frozen" ] && [ "$(sql 'PRAGMA integrity_check')" = ok ] &&
		[ "$(catalog_end_offsets)" = "$((expected - 30))" ]; then
		tap_ok "$what: the catalog keeps its last generation ($frozen), whole"
	else
		tap_not_ok "$what: the catalog keeps its last generation ($frozen), whole" \
			"integrity: $(sql 'PRAGMA integrity_check')" "$(seen)"
	fi
	tap_run "$what: kfleet still reads it" 0 "^$cluster,$topic," \
		"$kfleet" topics --cluster "$cluster" --topic "$topic" --format csv
	ended=$(($(grep -c 'generation not written' "$work/agent.log") - failures))
	if [ "$ended" = 1 ] && grep 'generation not written' "$work/agent.log" | tail -n 1 |
		grep -q "$catalog"; then
		tap_ok "$what: one error line, naming the catalog: $(grep 'generation not written' "$work/agent.log" | tail -n 1)"
	else
		tap_not_ok "$what: one error line, naming the catalog" "$ended lines" "$(seen)"
	fi
	$lift
	if wait_for 30 newer_than "$frozen" && wait_for 10 catalog_up_is 1 &&
		[ "$(catalog_end_offsets)" = "$expected" ]; then
		tap_ok "$what lifted: written again without a restart ($frozen → $(generation))"
	else
		tap_not_ok "$what lifted: written again without a restart" "$(seen)"
	fi
	written=$(grep -c 'the catalog is written again' "$work/agent.log")
	if [ "$(collector)" = "$child" ] && kill -0 "$agent_pid" 2>/dev/null && [ "$written" -ge 1 ]; then
		tap_ok "$what: the same collector all along, which says it writes again"
	else
		tap_not_ok "$what: the same collector all along, which says it writes again" \
			"collector $child before, $(collector) now" "$(seen)"
	fi
}

# A full disk: no write beyond the first 4 KiB of any file succeeds.
disk_full() { prlimit --pid "$child" --fsize=4096:unlimited; }
disk_free() { prlimit --pid "$child" --fsize=unlimited:unlimited; }
fault "a full disk" disk_full disk_free

# A read-only catalog, under the agent's open files.
read_only() { chattr +i "$catalog" "$catalog-wal"; }
writable() { chattr -i "$catalog" "$catalog-wal"; }
fault "a read-only catalog" read_only writable

tap_run "the catalog passes integrity_check at the end" 0 '^ok$' sqlite3 "$catalog" 'PRAGMA integrity_check'
agent_stop_check "$agent_pid" 30 "$work/agent.log"
agent_pid=""
tap_done
