#!/usr/bin/env bash
# kfleet offsets reset | history | undo against the real broker: every mode, clamping,
# dry run, --export and --from-file round trips (both CSV forms), undo, the refusal of a
# group with a live member, and bad input. The committed offsets are read back with
# Kafka's own kafka-consumer-groups.sh, not with kfleet.
set -u
. "$KFLEET_SRCDIR/tests/lib/tap.sh"
harness=$KFLEET_SRCDIR/tests/kafka/harness
loadgen=$KFLEET_BUILDDIR/kfleet-loadgen
kfleet=$KFLEET_BUILDDIR/kfleet
work=$(mktemp -d "${TMPDIR:-/tmp}/kfleet-offsets.XXXXXX")
pids=()
cleanup() {
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
prefix=off$$-$RANDOM
topic=$prefix-orders
other=$prefix-audit
group=$prefix-app
second=$prefix-billing
export KFLEET_CATALOG=$work/catalog.db
cat >"$work/offt.conf" <<EOF
cluster = offt
catalog = $work/catalog.db
kafka.bootstrap.servers = $KAFKA_BOOTSTRAP
EOF
reset=("$kfleet" offsets reset --config "$work/offt.conf")

# committed GROUP: "topic:partition=offset ..." as kafka-consumer-groups.sh sees them.
committed() {
	"$harness" groups --dir "$KAFKA_HARNESS_DIR" --describe --group "$1" 2>/dev/null |
		awk -v g="$1" '$1 == g && $4 ~ /^[0-9]+$/ { print $2 ":" $3 "=" $4 }' | sort | tr '\n' ' '
}
# expect_committed NAME GROUP "t:p=o ...": one check of the broker's committed offsets.
expect_committed() {
	local got
	got=$(committed "$2")
	if [ "$got" = "$3" ]; then
		tap_ok "$1"
	else
		tap_not_ok "$1" "committed: $got" "expected:  $3"
	fi
}

# ---------------------------------------------------------------- the fleet
# 3 partitions of 20 messages (round robin), then 10 more each 2 s later: a time between
# the two batches splits them. The group read 30 and left: offsets 10 on each partition.
"$loadgen" -b "$KAFKA_BOOTSTRAP" create "$topic" 3 >/dev/null
"$loadgen" -b "$KAFKA_BOOTSTRAP" create "$other" 1 >/dev/null
"$loadgen" -b "$KAFKA_BOOTSTRAP" rate "$topic" 60 1 >/dev/null
sleep 1.5
between=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
sleep 1.5
"$loadgen" -b "$KAFKA_BOOTSTRAP" rate "$topic" 30 1 >/dev/null
"$loadgen" -b "$KAFKA_BOOTSTRAP" produce "$other" 5 >/dev/null
tap_run "the group reads 30 messages and leaves" 0 '' \
	"$loadgen" -b "$KAFKA_BOOTSTRAP" consume "$topic" "$group" 30
start=$(committed "$group")
total=$(echo "$start" | tr ' ' '\n' | awk -F= 'NF == 2 { s += $2 } END { print s }')
if [ "$total" = 30 ]; then
	tap_ok "kafka-consumer-groups.sh: 30 messages committed ($start)"
else
	tap_not_ok "kafka-consumer-groups.sh: 30 messages committed" "$start"
fi

# The consumer committed on the partitions it happened to read: a known start on all three.
tap_run "--to-offset on a topic commits every partition of it" 0 'recorded as reset' \
	"${reset[@]}" --group "$group" --topic "$topic" --to-offset 10 --execute
start=$(committed "$group")
expect_committed "--to-offset 10: 10 everywhere" "$group" "$topic:0=10 $topic:1=10 $topic:2=10 "

# ---------------------------------------------------------------- dry run
tap_run "a dry run prints the plan and says it changed nothing" 0 \
	'dry run: nothing changed; add --execute to apply' \
	"${reset[@]}" --group "$group" --all-topics --to-earliest
"${reset[@]}" --group "$group" --all-topics --to-earliest --format json >"$work/plan.json" 2>/dev/null
if jq -e 'length == 3 and all(.[]; .new_offset == 0 and .log_start_offset == 0
	and .replayed == .current_offset and .skipped == 0 and .log_end_offset == 30)' \
	"$work/plan.json" >/dev/null; then
	tap_ok "the plan: every partition to 0, replaying what was committed"
else
	tap_not_ok "the plan: every partition to 0, replaying what was committed" "$(cat "$work/plan.json")"
fi
expect_committed "a dry run changes no offset" "$group" "$start"

# ---------------------------------------------------------------- every mode
tap_run "--to-earliest --execute" 0 'recorded as reset' \
	"${reset[@]}" --group "$group" --all-topics --to-earliest --execute
expect_committed "--to-earliest: 0 everywhere" "$group" \
	"$topic:0=0 $topic:1=0 $topic:2=0 "
tap_run "--to-latest --execute" 0 '' "${reset[@]}" --group "$group" --topic "$topic" --to-latest --execute
expect_committed "--to-latest: the log end everywhere" "$group" \
	"$topic:0=30 $topic:1=30 $topic:2=30 "
tap_run "--to-offset on chosen partitions" 0 '' \
	"${reset[@]}" --group "$group" --topic "$topic:0,2" --to-offset 12 --execute
expect_committed "--to-offset 12 on partitions 0 and 2 only" "$group" \
	"$topic:0=12 $topic:1=30 $topic:2=12 "
tap_run "--shift-by -5" 0 '' "${reset[@]}" --group "$group" --all-topics --shift-by -5 --execute
expect_committed "--shift-by -5 moves each back 5" "$group" \
	"$topic:0=7 $topic:1=25 $topic:2=7 "
"${reset[@]}" --group "$group" --all-topics --shift-by 10 --format json >"$work/shift.json" 2>/dev/null
if jq -e --arg t "$topic" '([.[] | select(.partition == 1)][0] | .new_offset == 30 and
	(.note | test("35 is past the log end: clamped to 30"))) and
	([.[] | select(.partition == 0)][0] | .new_offset == 17 and .note == null and .skipped == 10)' \
	"$work/shift.json" >/dev/null; then
	tap_ok "--shift-by past the log end is clamped, and the row says so"
else
	tap_not_ok "--shift-by past the log end is clamped, and the row says so" "$(cat "$work/shift.json")"
fi
tap_run "--to-offset past the log end is clamped on execute too" 0 '' \
	"${reset[@]}" --group "$group" --topic "$topic" --to-offset 1000 --execute
expect_committed "--to-offset 1000: clamped to the log end" "$group" \
	"$topic:0=30 $topic:1=30 $topic:2=30 "
tap_run "--to-datetime between the batches" 0 '' \
	"${reset[@]}" --group "$group" --topic "$topic" --to-datetime "$between" --execute
expect_committed "--to-datetime: the first message of the second batch on each partition" \
	"$group" "$topic:0=20 $topic:1=20 $topic:2=20 "
tap_run "--by-duration PT1H: everything is younger" 0 '' \
	"${reset[@]}" --group "$group" --topic "$topic" --by-duration PT1H --execute
expect_committed "--by-duration PT1H: back to the log start" "$group" \
	"$topic:0=0 $topic:1=0 $topic:2=0 "
"${reset[@]}" --group "$group" --topic "$topic" --to-current --format json >"$work/current.json" 2>/dev/null
if jq -e 'all(.[]; .new_offset == .current_offset and .skipped == 0 and .replayed == 0)' \
	"$work/current.json" >/dev/null; then
	tap_ok "--to-current keeps every offset"
else
	tap_not_ok "--to-current keeps every offset" "$(cat "$work/current.json")"
fi

# ---------------------------------------------------------------- files and undo
"${reset[@]}" --group "$group" --topic "$topic" --to-offset 9 --export "$work/nine.csv" >/dev/null 2>&1
if [ "$(cat "$work/nine.csv")" = "$topic,0,9
$topic,1,9
$topic,2,9" ]; then
	tap_ok "--export writes kafka-consumer-groups.sh's CSV (topic,partition,offset)"
else
	tap_not_ok "--export writes kafka-consumer-groups.sh's CSV" "$(cat "$work/nine.csv")"
fi
tap_run "--from-file applies the exported plan" 0 '' \
	"${reset[@]}" --group "$group" --from-file "$work/nine.csv" --execute
expect_committed "--from-file: 9 everywhere" "$group" "$topic:0=9 $topic:1=9 $topic:2=9 "
tap_run "a second group reads 3 messages" 0 '' \
	"$loadgen" -b "$KAFKA_BOOTSTRAP" consume "$other" "$second" 3
printf '%s\n' "$group,$topic,1,4" "$second,$other,0,1" >"$work/two.csv"
tap_run "--from-file with group,topic,partition,offset resets two groups" 0 '' \
	"${reset[@]}" --from-file "$work/two.csv" --execute
expect_committed "the four-column file: the first group" "$group" "$topic:0=9 $topic:1=4 $topic:2=9 "
expect_committed "the four-column file: the second group" "$second" "$other:0=1 "
id=$("$kfleet" offsets history --group "$group" --format json | jq -r '.[0].id')
tap_run "undo the last reset of the first group" 0 '' \
	"$kfleet" offsets undo "$id" --config "$work/offt.conf" --execute
expect_committed "undo restores exactly the offsets before" "$group" "$topic:0=9 $topic:1=9 $topic:2=9 "
"$kfleet" offsets history --format json >"$work/history.json"
if jq -e --arg g "$group" --arg id "$id" '
	[.[] | select(.group == $g)] | length == 11 and .[0].undo_of == ($id | tonumber)
	and .[0].mode == ("undo " + $id) and .[0].executed == true and .[0].outcome == "done"
	and (.[1].partitions | map(select(.partition == 1))[0] | .before == 9 and .after == 4)
	and .[-1].mode == "--to-offset 10"' "$work/history.json" >/dev/null; then
	tap_ok "offsets history: every executed reset, newest first, with before and after"
else
	tap_not_ok "offsets history: every executed reset, newest first, with before and after" \
		"$(jq -c '.[:3]' "$work/history.json")"
fi

# ---------------------------------------------------------------- safety
"$loadgen" -b "$KAFKA_BOOTSTRAP" stall "$topic" "$prefix-live" 3 >"$work/stall.log" 2>&1 &
pids+=($!)
wait_for 30 grep -q holding "$work/stall.log"
before=$(committed "$prefix-live")
tap_run "a group with a live member is refused (exit 3), naming it" 3 \
	"refused: $prefix-live is Stable with 1 member" \
	"${reset[@]}" --group "$prefix-live" --all-topics --to-earliest --execute
expect_committed "the refused group's offsets are untouched" "$prefix-live" "$before"

# ---------------------------------------------------------------- app reset
# A service with two groups: a Kafka Streams application (its internal topics: a
# changelog and a repartition topic, on which it has committed offsets too) and a plain
# consumer, both bound by exact name in the ownership file.
input=$prefix-in
stream=$prefix-stream
changelog=$stream-store-changelog
repartition=$stream-KSTREAM-AGGREGATE-0000000003-repartition
for t in "$input" "$changelog" "$repartition"; do
	"$loadgen" -b "$KAFKA_BOOTSTRAP" create "$t" 2 >/dev/null
	"$loadgen" -b "$KAFKA_BOOTSTRAP" produce "$t" 10 >/dev/null
done
"$loadgen" -b "$KAFKA_BOOTSTRAP" consume "$input" "$stream" 8 >/dev/null
"$loadgen" -b "$KAFKA_BOOTSTRAP" consume "$repartition" "$stream" 6 >/dev/null
"$loadgen" -b "$KAFKA_BOOTSTRAP" consume "$input" "$prefix-legacy" 10 >/dev/null
cat >"$work/ownership.yaml" <<EOF
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: rebuild-svc
  annotations:
    kafka.apache.org/consumer-groups: offt/$stream
    kfleet.io/consumer-groups: "$prefix-legacy"
spec: {type: service, lifecycle: production}
EOF
"$kfleet" catalog import "$work/ownership.yaml" >/dev/null
app=("$kfleet" app reset --service rebuild-svc --cluster offt --config "$work/offt.conf" --to-earliest)
"${app[@]}" --delete-internal-topics --format json >"$work/app.json" 2>"$work/app.err"
if grep -q "internal topic to delete: $changelog" "$work/app.err" &&
	grep -q "internal topic to delete: $repartition" "$work/app.err" &&
	grep -q "dry run: nothing changed" "$work/app.err"; then
	tap_ok "app reset --delete-internal-topics lists the Streams internal topics first"
else
	tap_not_ok "app reset --delete-internal-topics lists the Streams internal topics first" \
		"$(cat "$work/app.err")"
fi
if jq -s -e --arg s "$stream" --arg l "$prefix-legacy" --arg r "$repartition" '
	(map(.[]) | map(.group) | unique) == ([$l, $s] | sort)
	and (map(.[]) | all(.topic != $r and .new_offset == 0))' "$work/app.json" >/dev/null; then
	tap_ok "the plans: both groups to the earliest, the repartition topic not reset but deleted"
else
	tap_not_ok "the plans: both groups to the earliest, the repartition topic not reset but deleted" \
		"$(cat "$work/app.json")"
fi
# The partitions each group committed on (a consumer commits where it happened to read),
# all to be 0 afterwards.
stream_zero=$(committed "$stream" | tr ' ' '\n' | grep "^$input:" | sed -E 's/=[0-9]+$/=0/' | tr '\n' ' ')
legacy_zero=$(committed "$prefix-legacy" | sed -E 's/=[0-9]+ /=0 /g')
tap_run "app reset --execute --yes: one audit entry per group, internal topics deleted" 0 \
	"2 internal topics of $stream deleted" "${app[@]}" --delete-internal-topics --execute --yes
expect_committed "app reset: the Streams application reads its input again" "$stream" \
	"$stream_zero$(committed "$stream" | tr ' ' '\n' | grep "^$repartition:" | tr '\n' ' ')"
expect_committed "app reset: so does the plain consumer" "$prefix-legacy" "$legacy_zero"
topics=$("$harness" topics --dir "$KAFKA_HARNESS_DIR" --list 2>/dev/null)
if ! grep -qx "$changelog" <<<"$topics" && ! grep -qx "$repartition" <<<"$topics" &&
	grep -qx "$input" <<<"$topics"; then
	tap_ok "the internal topics are gone, the input topic stays"
else
	tap_not_ok "the internal topics are gone, the input topic stays" "$(grep "$prefix" <<<"$topics")"
fi
entries=$("$kfleet" offsets history --format json |
	jq --arg s "$stream" --arg l "$prefix-legacy" \
	'[.[] | select((.group == $s or .group == $l) and .mode == "--to-earliest --delete-internal-topics")] | length')
if [ "$entries" = 2 ]; then
	tap_ok "the audit log has one entry per group of the app reset"
else
	tap_not_ok "the audit log has one entry per group of the app reset" "entries: $entries"
fi
tap_run "app reset of an unknown service" 2 "the catalog has no service nope" \
	"$kfleet" app reset --service nope --cluster offt --config "$work/offt.conf" --to-earliest

# ---------------------------------------------------------------- bad input
tap_run "an unknown topic is bad input" 2 "topic $prefix-nope does not exist on this cluster" \
	"${reset[@]}" --group "$group" --topic "$prefix-nope" --to-earliest
tap_run "a partition the topic has not" 2 "topic $topic has 3 partitions \(0 to 2\): there is no partition 7" \
	"${reset[@]}" --group "$group" --topic "$topic:7" --to-earliest
tap_run "a partition list that is not numbers" 2 "partition 'x' is not a number" \
	"${reset[@]}" --group "$group" --topic "$topic:1,x" --to-earliest
tap_run "a date without a zone" 2 "no time zone" \
	"${reset[@]}" --group "$group" --topic "$topic" --to-datetime 2026-11-24T10:00:00
tap_run "a duration with months" 2 "--by-duration" \
	"${reset[@]}" --group "$group" --topic "$topic" --by-duration P1M
printf '%s\n' "$topic,0,5" "$topic,zero,5" >"$work/bad.csv"
tap_run "a bad line in a plan file names the file and line" 2 "$work/bad.csv:2:" \
	"${reset[@]}" --group "$group" --from-file "$work/bad.csv"
printf '%s\n' "$prefix-nope,0,5" >"$work/nope.csv"
tap_run "a plan file naming a topic that does not exist is refused" 2 "does not exist" \
	"${reset[@]}" --group "$group" --from-file "$work/nope.csv" --execute
tap_run "no mode" 2 "give one mode" "${reset[@]}" --group "$group" --all-topics
tap_run "two modes" 2 "give only one mode" \
	"${reset[@]}" --group "$group" --all-topics --to-earliest --to-latest
tap_run "no group" 2 "which groups?" "${reset[@]}" --all-topics --to-earliest
tap_run "--shift-by without a committed offset" 2 "has no committed offset on" \
	"${reset[@]}" --group "$prefix-never" --topic "$topic" --shift-by 1
tap_run "an unknown cluster" 2 "" "$kfleet" offsets reset --cluster "$prefix-none" \
	--group "$group" --all-topics --to-earliest
tap_run "undo of a reset that does not exist" 2 "no offset reset 999999" \
	"$kfleet" offsets undo 999999 --config "$work/offt.conf"
expect_committed "bad input changed nothing" "$group" "$topic:0=9 $topic:1=9 $topic:2=9 "
tap_done
