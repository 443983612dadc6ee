#!/usr/bin/env bash
# kfleet-loadgen's live modes against the real broker, the producers and consumers of the
# time-lag tests: rate's count, round robin and pacing (its messages' timestamps, read
# back with timestamp), follow keeping a group caught up while a rate runs, stall holding
# its group's committed offset while messages keep arriving, signals ending each of them
# cleanly, and timestamp's errors. Groups are read back with Kafka's own
# kafka-consumer-groups.sh. About 25 s.
set -u
. "$KFLEET_SRCDIR/tests/lib/tap.sh"
harness=$KFLEET_SRCDIR/tests/kafka/harness
loadgen=$KFLEET_BUILDDIR/kfleet-loadgen
# In the foreground only: in the background $! would be a subshell's, not kfleet-loadgen's.
loadgen() { "$loadgen" -b "$KAFKA_BOOTSTRAP" "$@"; }
work=$(mktemp -d "${TMPDIR:-/tmp}/kfleet-loadgen-modes.XXXXXX")
pids=""
trap 'for pid in $pids; do kill -9 "$pid" 2>/dev/null; done; rm -rf "$work"' EXIT
unique=$$-$RANDOM
live=modes-live-$unique paced=modes-paced-$unique
follower=modes-follow-$unique staller=modes-stall-$unique counter=modes-count-$unique

# describe ARG...: kafka-consumer-groups.sh --describe. Offsets: GROUP TOPIC PARTITION
# CURRENT-OFFSET LOG-END-OFFSET LAG CONSUMER-ID ...; with --state: ... STATE #MEMBERS.
describe() { "$harness" groups --dir "$KAFKA_HARNESS_DIR" --describe "$@" 2>&1; }

gone() { ! kill -0 "$1" 2>/dev/null; }

# stop_check NAME PID SIGNAL LOG: send SIGNAL to PID; one check that it exits with
# status 0 within 15 s (on failure, its LOG is shown).
stop_check() {
	local name=$1 pid=$2 signal=$3 log=$4 status=none
	kill -"$signal" "$pid"
	if wait_for 15 gone "$pid"; then
		wait "$pid" && status=0 || status=$?
	fi
	if [ "$status" = 0 ]; then
		tap_ok "SIG$signal stops $name with status 0"
	else
		tap_not_ok "SIG$signal stops $name with status 0" "status: $status" "$(cat "$log")"
	fi
}

loadgen create "$live" 1 >/dev/null && loadgen create "$paced" 2 >/dev/null ||
	{ echo "Bail out! kfleet-loadgen could not create the topics"; exit 1; }

# A rate that runs until told to stop feeds $live; follow and stall read it.
"$loadgen" -b "$KAFKA_BOOTSTRAP" rate "$live" 20 0 >"$work/live-rate.out" 2>&1 &
live_rate=$!
"$loadgen" -b "$KAFKA_BOOTSTRAP" follow "$live" "$follower" 0 >"$work/follow.out" 2>&1 &
follow=$!
"$loadgen" -b "$KAFKA_BOOTSTRAP" stall "$live" "$staller" 10 >"$work/stall.out" 2>"$work/stall.err" &
stall=$!
pids="$live_rate $follow $stall"

if wait_for 30 grep -qs "^follow $follower: assigned 1 partitions$" "$work/follow.out"; then
	tap_ok "follow joins its group and is assigned the partition"
else
	tap_not_ok "follow joins its group and is assigned the partition" "$(cat "$work/follow.out")"
fi
if wait_for 30 grep -qsx "stall $staller: committed 10, holding" "$work/stall.out" &&
	[ "$(wc -l <"$work/stall.out")" -eq 1 ]; then
	tap_ok "stall reads 10, commits them and says it holds, in one line"
else
	tap_not_ok "stall reads 10, commits them and says it holds, in one line" \
		"stdout: $(cat "$work/stall.out")" "stderr: $(cat "$work/stall.err")"
fi
# The stalled group's offset and end now, to compare with after the paced run.
before=$(describe --group "$staller" | awk -v g="$staller" '$1 == g && $3 == 0 { print $4, $5 }')

# rate at 50 a second for 4 s: exactly 200 messages (message n is due at n/50 s, and the
# run ends at 4 s), 100 on each partition.
wall_before=$(date +%s%3N)
# (At least its 4 s: a loaded machine may take longer to deliver the last ones.)
tap_run "rate 50 a second for 4 s sends 200 messages and lasts its 4 s" 0 \
	"^rate $paced: 200 messages in ([4-9]|[1-9][0-9])\.[0-9] s$" loadgen rate "$paced" 50 4
# 10 s leaves a slow machine time to join the group; the offsets below are the check.
tap_run "follow for 10 s reads them all and leaves" 0 \
	"^follow $counter: 200 messages, [0-9]+ commits in [0-9]+\.[0-9] s$" \
	loadgen follow "$paced" "$counter" 10
out=$(describe --group "$counter")
rows=$(awk -v g="$counter" '$1 == g && $4 == 100 && $5 == 100 && $6 == 0 && $7 == "-"' <<<"$out" |
	wc -l)
if [ "$rows" -eq 2 ]; then
	tap_ok "kafka-consumer-groups.sh: log end offset 100 on both partitions, all committed"
else
	tap_not_ok "kafka-consumer-groups.sh: log end offset 100 on both partitions, all committed" "$out"
fi

# Message n went to partition n % 2 at n/50 s: offset k of partition p is message 2k + p.
timestamp() { loadgen timestamp "$paced" "$1" "$2" 2>"$work/timestamp.err"; }
first=$(timestamp 0 0) middle=$(timestamp 0 50) second=$(timestamp 1 0) last=$(timestamp 1 99)
numbers() { for value in "$@"; do [[ "$value" =~ ^[0-9]+$ ]] || return 1; done; }
if numbers "$first" "$middle" "$second" "$last" &&
	((first >= wall_before - 1000 && first <= wall_before + 60000)); then
	tap_ok "timestamp reads CreateTime, in ms since the epoch, of when rate ran"
else
	tap_not_ok "timestamp reads CreateTime, in ms since the epoch, of when rate ran" \
		"rate started at $wall_before; timestamps: '$first' '$middle' '$second' '$last'" \
		"$(cat "$work/timestamp.err")"
fi
# Spans of 3.98 s and 2 s by the schedule; a run late by up to 2 s still passes.
paced_check="messages 0 to 199 span about 4 s, message 100 comes about 2 s in: paced, no burst"
if numbers "$first" "$middle" "$second" "$last" &&
	((last - first >= 3500 && last - first <= 6000)) &&
	((middle - first >= 1500 && middle - first <= 3000)) &&
	((second >= first && second <= middle)); then
	tap_ok "$paced_check"
else
	tap_not_ok "$paced_check" \
		"message 0: $first, 1: $second, 100: $middle, 199: $last"
fi
tap_run "timestamp past the end fails and says what the partition holds" 1 \
	"timestamp $paced \[0\]: no message at offset 100: past the end; the partition holds offsets 0 to 99\$" \
	loadgen timestamp "$paced" 0 100
tap_run "timestamp on a partition the topic lacks fails" 1 \
	"topic $paced has 2 partitions, no partition 2$" loadgen timestamp "$paced" 2 0

# While the rate still runs: the follower keeps up, the staller holds at 10 while the end
# moves on, each group Stable with its one member.
out=$(describe --group "$follower" --group "$staller")
state=$(describe --state --group "$follower" --group "$staller")
# row GROUP: "COMMITTED END" of partition 0 of GROUP in $out, when a member holds it.
row() { awk -v g="$1" '$1 == g && $3 == 0 && $7 != "-" { print $4, $5 }' <<<"$out"; }
read -r committed end <<<"$(row "$follower")"
if numbers "$committed" "$end" && ((committed > 10 && end - committed <= 60)); then
	tap_ok "follow keeps its group's lag near 0 (at most 3 s of messages) while the rate runs"
else
	tap_not_ok "follow keeps its group's lag near 0 (at most 3 s of messages) while the rate runs" \
		"$out"
fi
after=$(row "$staller")
if [ "${before% *}" = 10 ] && [ "${after% *}" = 10 ] && numbers "${before#* }" "${after#* }" &&
	((${after#* } > ${before#* })); then
	tap_ok "stall's group stays committed at 10 with its member while messages arrive"
else
	tap_not_ok "stall's group stays committed at 10 with its member while messages arrive" \
		"committed and end before: '$before', after: '$after'" "$out"
fi
members=$(awk -v f="$follower" -v s="$staller" \
	'($1 == f || $1 == s) && $(NF - 1) == "Stable" && $NF == 1' <<<"$state" | wc -l)
if [ "$members" -eq 2 ]; then
	tap_ok "both groups are Stable with 1 member"
else
	tap_not_ok "both groups are Stable with 1 member" "$state"
fi

# Signals: everything ends cleanly, the follower catches up and commits all the rate sent.
stop_check "rate" "$live_rate" INT "$work/live-rate.out"
sent=$(sed -n "s/^rate $live: \([0-9]*\) messages in [0-9.]* s$/\1/p" "$work/live-rate.out")
caught_up() {
	describe --group "$follower" | awk -v g="$follower" -v n="$sent" \
		'$1 == g && $3 == 0 && $4 == n && $5 == n { found = 1 } END { exit !found }'
}
if [ -n "$sent" ] && ((sent > 10)) && wait_for 20 caught_up; then
	tap_ok "follow commits everything the rate sent ($sent) within a second or two"
else
	tap_not_ok "follow commits everything the rate sent within a second or two" \
		"rate: $(cat "$work/live-rate.out")" "$(describe --group "$follower")"
fi
stop_check "follow" "$follow" TERM "$work/follow.out"
stop_check "stall" "$stall" TERM "$work/stall.err"
pids=""
if grep -Eq "^follow $follower: $sent messages, [0-9]+ commits in [0-9.]+ s$" "$work/follow.out"; then
	tap_ok "follow read exactly what the rate sent"
else
	tap_not_ok "follow read exactly what the rate sent" "rate sent $sent" "$(cat "$work/follow.out")"
fi
out=$(describe --group "$follower" --group "$staller")
if grep -qx "Consumer group '$follower' has no active members." <<<"$out" &&
	grep -qx "Consumer group '$staller' has no active members." <<<"$out" &&
	[ "$(awk -v g="$staller" '$1 == g && $3 == 0 { print $4 }' <<<"$out")" = 10 ] &&
	[ "$(awk -v g="$follower" '$1 == g && $3 == 0 { print $4 }' <<<"$out")" = "$sent" ]; then
	tap_ok "both left their groups; stall left without committing (still 10)"
else
	tap_not_ok "both left their groups; stall left without committing (still 10)" "$out"
fi

tap_run "rate refuses 0 messages a second" 2 '^kfleet-loadgen: RATE must be between 1 and' \
	loadgen rate "$paced" 0 4
tap_run "follow refuses a SECONDS that is not a number" 2 \
	"^kfleet-loadgen: SECONDS must be a non-negative number, not 'soon'" \
	loadgen follow "$paced" "$follower" soon
tap_run "stall refuses a COUNT of 0" 2 '^kfleet-loadgen: COUNT must be between 1 and' \
	loadgen stall "$paced" "$staller" 0
tap_done
