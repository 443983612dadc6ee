#!/usr/bin/env bash
# bench/run end to end on a tiny fleet (its own Kafka 3.9.1 broker, ZooKeeper and Burrow):
# it finishes, every row of the table carries kfleet's figure and the peer's, the broker's
# request log counted each side's requests by API, and kfleet and Burrow agreed on every
# group's lag. No figure is judged: this keeps the one benchmark command working. Its
# option errors exit 2 in one line. About 60 s.
set -u
. "$KFLEET_SRCDIR/tests/lib/tap.sh"
run=$KFLEET_SRCDIR/bench/run
work=$(mktemp -d "${TMPDIR:-/tmp}/kfleet-bench-run-test.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Under AddressSanitizer: Graphviz's own leaks (tests/lsan-graphviz.supp).
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0
export LSAN_OPTIONS=${LSAN_OPTIONS:+$LSAN_OPTIONS:}print_suppressions=0:suppressions=$KFLEET_SRCDIR/tests/lsan-graphviz.supp

tap_run "--topics 0 is a usage error" 2 '^bench/run: --topics needs a positive number, not .0.' "$run" --topics 0
tap_run "an unknown option is a usage error" 2 "^bench/run: unknown option '--fast'" "$run" --fast
tap_run "Kafka 4 is refused (Burrow needs ZooKeeper)" 2 'must be a 3\.9\.x release' "$run" --kafka-version 4.3.1

"$run" --builddir "$KFLEET_BUILDDIR" --topics 12 --partitions 2 --groups 6 --messages 4 --runs 1 \
	--work "$work/run" >"$work/out" 2>"$work/err"
status=$?
if [ "$status" -eq 0 ]; then
	tap_ok "bench/run finished"
else
	tap_not_ok "bench/run finished" "exit $status" "$(tail -n 30 "$work/err")"
fi

# row_has MEASURE_REGEX PEER_REGEX: a table row whose kfleet, peer's and ratio cells are
# numbers.
row_has() {
	grep -Eq "^\| $1 +\| +[0-9.]+ \| $2 +\| +[0-9.]+ \| +[0-9.]+ \|$" "$work/out"
}
for measure in "agent cycle, wall time, median \(s\)|kafka-consumer-groups.sh --describe" \
	"|Burrow, start to every group's lag" \
	"agent cycle, peak RSS \(MiB\)|kafka-consumer-groups.sh \(JVM\)" "|Burrow" \
	"agent cycle, broker requests|kafka-consumer-groups.sh" "|Burrow, to its first complete view" \
	"kfleet lag, whole fleet, median \(s\)|Burrow API, every group's lag \(curl\)" \
	"topology, the fleet's [0-9]+ nodes, SVG \(s\)|sfdp -Tsvg of kfleet's DOT" \
	"topology, 1000 synthetic nodes, SVG \(s\)|sfdp -Tsvg of kfleet's DOT"; do
	name=${measure%%|*} peer=${measure#*|}
	label="${name:-(the row above)} beside ${peer}"
	label=${label//\\/}
	if [ -z "$name" ]; then name=" +"; fi
	if row_has "$name" "$peer"; then
		tap_ok "row: $label: both figures and a ratio"
	else
		tap_not_ok "row: $label: both figures and a ratio" "$(cat "$work/out")"
	fi
done
for measure in "catalog generation write, median \(ms\)" "TUI first frame, Groups view \(ms\)" \
	"TUI filter keystroke, median \(ms\)"; do
	if grep -Eq "^\| $measure +\| +[0-9.]+ \| - " "$work/out"; then
		tap_ok "row: ${measure//\\/} has kfleet's figure"
	else
		tap_not_ok "row: ${measure//\\/} has kfleet's figure" "$(cat "$work/out")"
	fi
done
# Each side's requests as the broker logged them: the APIs each is known to use.
tap_run "the agent's requests include OffsetFetch and ListOffsets" 0 'OFFSET_FETCH.*|LIST_OFFSETS' \
	grep -E '^requests: kfleet-agent: .*(OFFSET_FETCH.*LIST_OFFSETS|LIST_OFFSETS.*OFFSET_FETCH)' "$work/out"
tap_run "the Java tool's requests include OffsetFetch" 0 OFFSET_FETCH \
	grep -E '^requests: kafka-consumer-groups.sh: .*OFFSET_FETCH' "$work/out"
tap_run "Burrow's requests include Fetch (it reads __consumer_offsets)" 0 FETCH \
	grep -E '^requests: Burrow: .*[0-9]+ FETCH' "$work/out"
tap_run "kfleet and Burrow agree on every group's lag" 0 'total lag is 12 ' \
	grep -E '^lag: every group.s total lag is [0-9]+ in kfleet.s catalog and in Burrow.s API \(checked\)$' "$work/out"
tap_run "the table names the machine and the date" 0 '^machine: [0-9]+ CPUs' grep -E '^(machine|bench/run, 20)' "$work/out"
tap_run "no broker, ZooKeeper or Burrow is left running" 1 '^$' \
	pgrep -f "$work/run/(kafka|zookeeper|burrow)"
tap_done
