#!/usr/bin/env bash
# kfleet offsets reset --execute while a broker crashes, against a private 3-broker
# cluster of the harness: 24 groups with committed offsets on partitions of replication
# factor 3, one reset of them all, and SIGKILL for the broker coordinating half of them
# while their commits are in flight (held in the coordinator's purgatory: the third
# broker, a replica of every offsets partition, is stopped with SIGSTOP until then). So
# the commits to the dead broker get no answer, though its followers may have them. The
# command's output and exit status, the audit log and the broker (read back with Kafka's
# own kafka-consumer-groups.sh) must agree partition by partition: written means at the
# new offset, not written means at the old one, unknown says so everywhere, and no
# partition goes unreported. Then a reset whose coordinator is dead for good (two brokers
# down, no quorum to move it) must fail within a bounded time, in one line naming the
# group. How long each took is printed as TAP comments.
set -u
. "$KFLEET_SRCDIR/tests/lib/tap.sh"
. "$KFLEET_SRCDIR/tests/lib/cluster.sh"
kfleet=$KFLEET_BUILDDIR/kfleet

work=$(mktemp -d "${TMPDIR:-/tmp}/kfleet-faults-reset.XXXXXX")
kafka=$work/kafka
reset_pid="" stopped_pid=""
trap '[ -n "$reset_pid" ] && kill -9 "$reset_pid" 2>/dev/null
	[ -n "$stopped_pid" ] && kill -CONT "$stopped_pid" 2>/dev/null
	private_cluster_stop; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
export KFLEET_CATALOG=$work/catalog.db
prefix=fr groups=36 held=3

private_cluster_start "$kafka" "$work/harness.log" --brokers 3
# 4 topics of 2 partitions with a replica on every broker, never led by node $held
# (the one to be stopped), 100 messages on each partition; group i committed at 50 on the
# partitions of topics i, i+1 and i+2 (modulo 4): 6 each.
for ((t = 0; t < 4; t++)); do
	"$harness" topics --dir "$kafka" --create --topic "$(printf '%s-t%05d' "$prefix" "$t")" \
		--replica-assignment "1:2:$held,2:1:$held" >/dev/null 2>>"$work/harness.log" ||
		{ echo "Bail out! the fleet's topics were not created"; exit 1; }
done
"$KFLEET_BUILDDIR/kfleet-loadgen" -b "$KAFKA_BOOTSTRAP" fleet "$prefix" 4 2 "$groups" 100 \
	>/dev/null 2>>"$work/harness.log" ||
	{ echo "Bail out! kfleet-loadgen could not make the fleet"; exit 1; }
cat >"$work/reset.conf" <<EOF
cluster = faults-reset
catalog = $KFLEET_CATALOG
kafka.bootstrap.servers = $KAFKA_BOOTSTRAP
EOF

now_ms() { echo $((${EPOCHREALTIME/./} / 1000)); }
seconds_since() { # seconds_since MS: elapsed time since MS, to a tenth of a second
	local ms=$(($(now_ms) - $1))
	printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100))
}
# Every committed offset of the fleet's groups as kafka-consumer-groups.sh reads them:
# "group topic partition offset" lines, sorted; fails unless all $1 lines were read
# (a group whose coordinator is moving is not answered for a moment).
read_committed() {
	"$harness" groups --dir "$kafka" --describe --all-groups 2>/dev/null |
		awk -v p="$prefix-g" 'index($1, p) == 1 && $4 ~ /^[0-9]+$/ { print $1, $2, $3, $4 }' |
		sort >"$work/broker.txt"
	[ "$(wc -l <"$work/broker.txt")" -eq "$1" ]
}
# The node coordinating each group: "group node" lines.
read_coordinators() {
	"$harness" groups --dir "$kafka" --describe --all-groups --state 2>/dev/null |
		awk -v p="$prefix-g" 'index($1, p) == 1 { for (i = 2; i <= NF; i++)
			if ($i ~ /^\([0-9]+\)$/) { gsub(/[()]/, "", $i); print $1, $i } }' | sort
}
node_pid() { cat "$kafka/node-$1/pid"; }
# How a row was reported: written, not (written) or unknown.
state_of='if .error == null then "written" elif (.error | startswith("unknown")) then "unknown" else "not" end'

if wait_for 60 read_committed $((groups * 6)); then
	cp "$work/broker.txt" "$work/before.txt"
	tap_ok "the fleet: $groups groups, $(wc -l <"$work/before.txt") committed offsets"
else
	echo "Bail out! the fleet's committed offsets: $(wc -l <"$work/broker.txt") lines"
	exit 1
fi
# The groups that node $held does not coordinate, about 24 of them, are reset; the
# victim is the other node coordinating more of them.
read_coordinators >"$work/coordinators.txt"
awk -v h="$held" '$2 != h { print $1 }' "$work/coordinators.txt" >"$work/groups.txt"
victim=$(awk -v h="$held" '$2 != h { n[$2]++ } END {
	for (k in n) if (n[k] > best) { best = n[k]; v = k } print v }' "$work/coordinators.txt")
[ -n "$victim" ] || { echo "Bail out! no group coordinator found"; exit 1; }
victim_groups=$(awk -v v="$victim" '$2 == v { print $1 }' "$work/coordinators.txt" | tr '\n' ' ')
awk 'NR == FNR { g[$1] = 1; next } $1 in g' "$work/groups.txt" "$work/before.txt" \
	>"$work/before-reset.txt"
echo "# $(wc -l <"$work/groups.txt") groups reset, $(wc -l <"$work/before-reset.txt") partitions;" \
	"node $victim coordinates $(wc -w <<<"$victim_groups") of them: $victim_groups"

# ---- the reset: node $held stopped (its replicas hold every commit in purgatory, up
# to the broker's 5 s offsets.commit.timeout.ms), the victim killed 1 s after the plan
# is printed, node $held continued 1 s later.
group_args=()
while read -r group; do group_args+=(--group "$group"); done <"$work/groups.txt"
stopped_pid=$(node_pid "$held")
kill -STOP "$stopped_pid"
started=$(now_ms)
"$kfleet" offsets reset --config "$work/reset.conf" "${group_args[@]}" --all-topics \
	--to-offset 20 --execute --format json >"$work/out.json" 2>"$work/err.txt" &
reset_pid=$!
until [ -s "$work/out.json" ] || ! kill -0 "$reset_pid" 2>/dev/null; do sleep 0.01; done
echo "# the plan printed $(seconds_since "$started") s after the reset started"
sleep 1
kill -KILL "$(node_pid "$victim")"
killed=$(now_ms)
echo "# killed node $victim (SIGKILL) $(seconds_since "$started") s after the reset started"
sleep 1
kill -CONT "$stopped_pid"
stopped_pid=""
# A group done is in the audit log while the run still waits for the others (its entry
# is written before its line is printed).
recorded() { grep -c 'partitions\? written.*; recorded as reset' "$work/err.txt"; }
first_recorded() { [ "$(recorded)" -gt 0 ] || ! kill -0 "$reset_pid" 2>/dev/null; }
wait_for 60 first_recorded
lines=$(recorded)
entries=$(sqlite3 "$KFLEET_CATALOG" 'SELECT count(*) FROM offset_resets' 2>/dev/null)
if ! kill -0 "$reset_pid" 2>/dev/null; then
	echo "# the run had ended before a group was done: its audit log is checked after it only"
elif [ "$lines" -gt 0 ] && [ "${entries:-0}" -ge "$lines" ]; then
	tap_ok "while the run goes on, the groups done are in the audit log ($entries, $(seconds_since "$killed") s after the kill)"
else
	tap_not_ok "while the run goes on, the groups done are in the audit log" \
		"$lines groups said recorded, $entries entries"
fi
# Generous: the commits and their read backs wait at most 30 s each.
deadline=$((SECONDS + 150))
while kill -0 "$reset_pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
if kill -0 "$reset_pid" 2>/dev/null; then
	tap_not_ok "the reset ends within 150 s of the crash" "$(grep -v '^%' "$work/err.txt")"
	kill -9 "$reset_pid"
fi
wait "$reset_pid" && status=0 || status=$?
reset_pid=""
echo "# the reset ended $(seconds_since "$killed") s after the kill, exit status $status"
"$harness" kill-node --dir "$kafka" --node "$victim" --signal KILL >/dev/null 2>&1 || true

# What the command said: the last plan it printed (again, with the rows' errors, when
# not everything was written), as "group topic partition before after state" lines.
jq -r -s ".[-1][] | [.group, .topic, .partition, .current_offset, .new_offset, $state_of] |
	map(tostring) | join(\" \")" "$work/out.json" 2>/dev/null | sort >"$work/said.txt"
written=$(awk '$6 == "written"' "$work/said.txt" | wc -l)
not_written=$(awk '$6 == "not"' "$work/said.txt" | wc -l)
unknown=$(awk '$6 == "unknown"' "$work/said.txt" | wc -l)
echo "# reported: $written partitions written, $not_written not written, $unknown unknown"
# Why, in a few words each (the group names and numbers left out), and how often.
jq -r -s '.[-1][] | select(.error != null) | .error' "$work/out.json" 2>/dev/null |
	sed -E "s/$prefix-g[0-9]+/G/g; s/[0-9]+ s\b/N s/g" | cut -c1-160 | sort | uniq -c |
	sed 's/^/#   /'

if [ "$(cut -d' ' -f1-3 "$work/said.txt")" = "$(cut -d' ' -f1-3 "$work/before-reset.txt")" ]; then
	tap_ok "every partition of every group is reported, once"
else
	tap_not_ok "every partition of every group is reported, once" \
		"$(diff <(cut -d' ' -f1-3 "$work/said.txt") <(cut -d' ' -f1-3 "$work/before-reset.txt") | head)"
fi
if { [ "$status" = 0 ] && [ "$written" = "$(wc -l <"$work/before-reset.txt")" ]; } ||
	{ [ "$status" = 1 ] && [ $((not_written + unknown)) -gt 0 ] &&
		grep -q "$not_written partitions\? not written and $unknown unknown" "$work/err.txt"; }; then
	tap_ok "the exit status ($status) and the summary agree with the rows"
else
	tap_not_ok "the exit status ($status) and the summary agree with the rows" \
		"$(grep -v '^%' "$work/err.txt" | tail -n 3)"
fi
# Each group's line on standard error counts its rows as the plan does.
mismatch=$(awk 'NR == FNR { if ($6 == "written") w[$1]++; n[$1]++; next }
	match($0, /: [^ :]+: [0-9]+ of [0-9]+ partitions? written/) {
		split(substr($0, RSTART + 2, RLENGTH - 2), f, /[: ]+/)
		seen[f[1]] = 1
		if (f[2] != w[f[1]] + 0 || f[4] != n[f[1]]) print f[1] ": said " f[2] " of " f[4]
	}
	END { for (g in w) if (!(g in seen)) print g ": written rows but no line" }' \
	"$work/said.txt" "$work/err.txt")
if [ -z "$mismatch" ]; then
	tap_ok "each group's line says how many of its partitions were written"
else
	tap_not_ok "each group's line says how many of its partitions were written" "$mismatch"
fi

# ---- what the broker has, with two brokers left (once the coordinators have moved).
if wait_for 90 read_committed $((groups * 6)); then
	tap_ok "the two brokers left answer for every group"
	echo "# every group answered $(seconds_since "$killed") s after the kill"
else
	tap_not_ok "the two brokers left answer for every group within 90 s" \
		"$(wc -l <"$work/broker.txt") committed offsets read"
fi
# compare_broker: a line per row whose broker offset contradicts what was said.
compare_broker() {
	awk 'NR == FNR { at[$1 " " $2 " " $3] = $4; next }
		{ k = $1 " " $2 " " $3; got = (k in at) ? at[k] : "none" }
		$6 == "written" && got != $5 { print k ": said written at " $5 ", the broker has " got }
		$6 == "not" && got != $4 { print k ": said not written (" $4 "), the broker has " got }
		$6 == "unknown" && got != $4 && got != $5 { print k ": unknown, the broker has " got }' \
		"$work/broker.txt" "$work/said.txt"
}
contradictions=$(compare_broker)
if [ -z "$contradictions" ]; then
	tap_ok "the broker agrees: written rows at the new offset, the others at the old one"
else
	tap_not_ok "the broker agrees: written rows at the new offset, the others at the old one" \
		"$(head -n 10 <<<"$contradictions")"
fi

# ---- what the audit log has: one entry per group sent, each row as the output said.
"$kfleet" offsets history --format json >"$work/history.json" 2>"$work/history.err"
jq -r ".[] | .group as \$g | .partitions[] | [\$g, .topic, .partition, .before, .after,
	$state_of] | map(tostring) | join(\" \")" "$work/history.json" 2>/dev/null |
	sort >"$work/audit.txt"
audit_contradictions=$(awk 'NR == FNR { a[$1 " " $2 " " $3] = $4 " " $5 " " $6; g[$1] = 1; next }
	{ k = $1 " " $2 " " $3 }
	k in a { if (a[k] != $4 " " $5 " " $6) print k ": said " $4 " " $5 " " $6 ", audit " a[k]
		delete a[k]; next }
	$1 in g { print k ": its group is in the audit log, not this row" }
	$6 != "not" { print k ": said " $6 " but not in the audit log" }
	END { for (k in a) print k ": in the audit log only" }' "$work/audit.txt" "$work/said.txt")
if [ -s "$work/history.json" ] && [ -z "$audit_contradictions" ]; then
	tap_ok "the audit log agrees row by row ($(jq length "$work/history.json") entries)"
else
	tap_not_ok "the audit log agrees row by row" "$(head -n 10 <<<"$audit_contradictions")" \
		"$(head -c 300 "$work/history.err")"
fi

# ---- the broker back: the offsets stay what was reported.
if "$harness" start-node --dir "$kafka" --node "$victim" 2>>"$work/harness.log"; then
	if wait_for 60 read_committed $((groups * 6)) && [ -z "$(compare_broker)" ]; then
		tap_ok "with node $victim back, the broker still agrees"
	else
		tap_not_ok "with node $victim back, the broker still agrees" "$(compare_broker | head)"
	fi
else
	tap_not_ok "node $victim starts again" "$(tail -n 20 "$work/harness.log")"
fi

# ---- a coordinator dead for good: the other two nodes down, no quorum to move anything.
read_coordinators >"$work/coordinators.txt"
target=$(awk -v v="$victim" 'NR == FNR { g[$1] = 1; next } $1 in g && $2 != v { print $1; exit }' \
	"$work/groups.txt" "$work/coordinators.txt")
others=$(seq 1 3 | grep -vx "$victim" | tr '\n' ' ')
for node in $others; do kill -KILL "$(node_pid "$node")"; done
for node in $others; do
	"$harness" kill-node --dir "$kafka" --node "$node" --signal KILL >/dev/null 2>&1 || true
done
echo "# nodes $others killed; $target's coordinator was one of them"
started=$(now_ms)
timeout 300 "$kfleet" offsets reset --config "$work/reset.conf" --group "$target" \
	--all-topics --to-earliest --execute --format csv >"$work/dead.out" 2>"$work/dead.err" &&
	status=0 || status=$?
took=$(seconds_since "$started")
echo "# the reset of $target with its coordinator dead ended after $took s, exit status $status"
lines=$(grep -v '^%' "$work/dead.err")
if [ "$status" = 1 ] && [ "$(wc -l <<<"$lines")" = 1 ] && grep -q "$target" <<<"$lines" &&
	grep -q "run the reset again" <<<"$lines"; then
	tap_ok "it fails, in one line naming the group and what to do"
	echo "# $lines"
else
	tap_not_ok "it fails, in one line naming the group and what to do" "exit $status" "$lines"
fi
if [ "$(jq --arg g "$target" '[.[] | select(.group == $g)] | length' \
	<("$kfleet" offsets history --format json))" = \
	"$(jq --arg g "$target" '[.[] | select(.group == $g)] | length' "$work/history.json")" ]; then
	tap_ok "and records nothing"
else
	tap_not_ok "and records nothing" "$("$kfleet" offsets history --group "$target" 2>&1)"
fi
if "$harness" resume --dir "$kafka" 2>>"$work/harness.log" &&
	wait_for 90 read_committed $((groups * 6)) && [ -z "$(compare_broker)" ]; then
	tap_ok "the cluster back, nothing of $target changed"
else
	tap_not_ok "the cluster back, nothing of $target changed" "$(compare_broker | head)" \
		"$(tail -n 5 "$work/harness.log")"
fi
tap_run "the catalog is intact" 0 '^ok$' sqlite3 "$KFLEET_CATALOG" 'PRAGMA integrity_check'
tap_done
