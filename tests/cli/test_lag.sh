#!/usr/bin/env bash
# kfleet lag's statuses on a real catalog file: the fleet of tests/cli/fill_catalog, with
# group statuses written by the sqlite3 command-line tool where kfleet-agent's lag
# evaluation will write them, then --status, --fail-on and --watch (in the background on
# a pipe, on a terminal through script(1), and while the catalog changes under it).
set -u
. "$KFLEET_SRCDIR/tests/lib/tap.sh"
kfleet=$KFLEET_BUILDDIR/kfleet
work=$(mktemp -d "${TMPDIR:-/tmp}/kfleet-lag.XXXXXX")
watchers=()
cleanup() {
	for pid in "${watchers[@]}"; do kill -KILL "$pid" 2>/dev/null; done
	rm -rf "$work"
}
trap cleanup EXIT
export KFLEET_CATALOG=$work/catalog.db
export LC_ALL=C.UTF-8 COLUMNS=200

for tool in sqlite3 jq script timeout; do
	command -v "$tool" >/dev/null || { echo "Bail out! $tool not found: run scripts/deps"; exit 1; }
done
"$KFLEET_BUILDDIR/tests/cli/fill_catalog" "$KFLEET_CATALOG" || { echo "Bail out! fill_catalog failed"; exit 1; }

# sql [CATALOG] STATEMENTS: change a catalog as another process (the agent) would.
sql() {
	local catalog=$KFLEET_CATALOG
	[ $# -eq 2 ] && { catalog=$1; shift; }
	sqlite3 -cmd ".timeout 5000" "$catalog" "$1"
}

# One group at each status but REWIND (the threshold table sets it), prod-us's not yet
# evaluated.
sql "
UPDATE consumer_groups SET status = 'STOPPED', max_time_lag_ms = 7200000,
  status_reason = 'orders[0]: no member and no commit for 2h while the log end moved'
  WHERE name = 'analytics-etl';
UPDATE consumer_groups SET status = 'STALLED', max_time_lag_ms = 600000,
  status_reason = 'orders[1]: committed offset 1,000 unchanged for 10m, lag 200'
  WHERE name = 'payment-service';
UPDATE consumer_groups SET status = 'WARNING', max_time_lag_ms = 90500,
  status_reason = 'payments[0]: lag grew from 10 to 50 over 5m'
  WHERE name = 'order-service' AND cluster_id = (SELECT id FROM clusters WHERE name = 'prod-eu');
UPDATE consumer_groups SET status = 'OK', max_time_lag_ms = 0 WHERE name = 'orders-audit';
" || { echo "Bail out! sqlite3 could not set the statuses"; exit 1; }

# check_shown NAME EXPECTED ARGS...: `kfleet lag --format json ARGS` exits 0 and shows
# the rows EXPECTED names, in order: cluster/group, or cluster/group/topic[partition].
check_shown() {
	local name=$1 want=$2 out got status
	shift 2
	out=$("$kfleet" lag --format json "$@" 2>&1) && status=0 || status=$?
	got=$(jq -r '[.[] | .cluster + "/" + .group +
		(if has("partition") then "/\(.topic)[\(.partition)]" else "" end)] | join(" ")' \
		<<<"$out" 2>&1)
	if [ "$status" -eq 0 ] && [ "$got" = "$want" ]; then
		tap_ok "$name"
	else
		tap_not_ok "$name" "kfleet lag $*: exit $status" "got:      $got" "expected: $want"
	fi
}

# Worst first: by status, not yet evaluated last; then time lag, then lag.
check_shown "worst first, not yet evaluated last" \
	"prod-eu/analytics-etl prod-eu/payment-service prod-eu/order-service prod-eu/orders-audit prod-us/order-service"
tap_run "the table shows the statuses" 0 '^prod-eu +payment-service +STALLED +300 +600 ' \
	"$kfleet" lag
tap_run "CSV has the reason, quoted" 0 \
	'^prod-eu,payment-service,Stable,2,300,600,STALLED,"orders\[1\]: committed offset 1,000 unchanged for 10m, lag 200",' \
	"$kfleet" lag --format csv

# --status
check_shown "--status one status" "prod-eu/payment-service" --status STALLED
check_shown "--status a list" "prod-eu/payment-service prod-eu/order-service" \
	--status WARNING,STALLED
check_shown "--status ERROR is REWIND, STALLED, STOPPED" \
	"prod-eu/analytics-etl prod-eu/payment-service" --status ERROR
check_shown "--status in any case" "prod-eu/analytics-etl prod-eu/payment-service prod-eu/orders-audit" \
	--status error,Ok
check_shown "--status with another filter" "prod-eu/order-service" \
	--status warning --cluster prod-eu
check_shown "--status that nothing has" "" --status REWIND
check_shown "--by partition --status: the partitions of the groups at it" \
	"prod-eu/analytics-etl/orders[0] prod-eu/payment-service/orders[1] prod-eu/payment-service/orders[0] prod-eu/payment-service/orders[2]" \
	--by partition --status ERROR
tap_run "--by partition rows carry their group's status" 0 '^"STOPPED STALLED STALLED STALLED"$' \
	bash -c '"$1" lag --by partition --status ERROR --format json | jq "map(.status) | join(\" \")"' \
	_ "$kfleet"
tap_run "--by partition table: GROUP STATUS" 0 '^prod-eu +analytics-etl +orders +0 .* STOPPED ' \
	"$kfleet" lag --by partition --status STOPPED
valid='\(use OK, WARNING, REWIND, STALLED, STOPPED or ERROR\)'
tap_run "--status with a bad name" 2 \
	"^kfleet lag: --status WARNING,BAD: 'BAD' is not a status $valid: see 'kfleet lag --help'$" \
	"$kfleet" lag --status WARNING,BAD
tap_run "--status with an empty name" 2 "^kfleet lag: --status OK,,WARNING: '' is not a status $valid" \
	"$kfleet" lag --status OK,,WARNING
tap_run "--status empty" 2 "^kfleet lag: --status : '' is not a status" "$kfleet" lag --status ""
tap_run "--status UNKNOWN is no status" 2 "'UNKNOWN' is not a status" "$kfleet" lag --status UNKNOWN

# --fail-on at every threshold against every status of one group (orders-audit): 1 when
# the row is at the threshold or worse, or not yet evaluated.
thresholds=(OK WARNING REWIND ERROR STALLED STOPPED)
while read -r status expected; do
	[ -n "$status" ] || continue
	if [ "$status" = null ]; then value=NULL; else value="'$status'"; fi
	sql "UPDATE consumer_groups SET status = $value WHERE name = 'orders-audit'"
	read -r -a wanted <<<"$expected"
	for i in "${!thresholds[@]}"; do
		tap_run "--fail-on ${thresholds[i]} with a group at $status exits ${wanted[i]}" \
			"${wanted[i]}" '^prod-eu +orders-audit ' \
			"$kfleet" lag --cluster prod-eu --group orders-audit --fail-on "${thresholds[i]}"
	done
done <<'EOF'
OK       1 0 0 0 0 0
WARNING  1 1 0 0 0 0
REWIND   1 1 1 1 0 0
STALLED  1 1 1 1 1 0
STOPPED  1 1 1 1 1 1
null     1 1 1 1 1 1
EOF
sql "UPDATE consumer_groups SET status = 'OK' WHERE name = 'orders-audit'"
tap_run "--fail-on in any case" 1 'analytics-etl' "$kfleet" lag --fail-on stopped
tap_run "--fail-on with --status: only the rows shown count" 0 'orders-audit' \
	"$kfleet" lag --status OK,WARNING --fail-on STALLED
tap_run "--fail-on: one failing row of several" 1 'order-service' \
	"$kfleet" lag --status OK,WARNING --fail-on WARNING
tap_run "--fail-on --by partition judges the group's status" 1 'payment-service' \
	"$kfleet" lag --by partition --group payment-service --fail-on ERROR
tap_run "--fail-on --by partition, a group OK" 0 'orders\.retry' \
	"$kfleet" lag --by partition --group orders-audit --fail-on WARNING
tap_run "--fail-on with no row shown" 1 \
	'^kfleet lag: no consumer group matches; nothing to check$' \
	"$kfleet" lag --group no-such-group --fail-on ERROR
tap_run "--fail-on with no row shown: the (empty) listing first" 1 '^\[\]$' \
	"$kfleet" lag --group no-such-group --fail-on ERROR --format json
tap_run "no row shown without --fail-on is fine" 0 '^\[\]$' \
	"$kfleet" lag --group no-such-group --format json
tap_run "--fail-on with a bad name" 2 \
	"^kfleet lag: --fail-on FATAL: not a status $valid: see 'kfleet lag --help'$" \
	"$kfleet" lag --fail-on FATAL
tap_run "--fail-on takes one status, not a list" 2 "^kfleet lag: --fail-on WARNING,ERROR: not a status" \
	"$kfleet" lag --fail-on WARNING,ERROR

# The options of kfleet lag only.
tap_run "--status on groups" 2 "^kfleet groups: --status applies to kfleet lag only" \
	"$kfleet" groups --status OK
tap_run "--fail-on on clusters" 2 "^kfleet clusters: --fail-on applies to kfleet lag only" \
	"$kfleet" clusters --fail-on OK
tap_run "--watch on topics" 2 "^kfleet topics: --watch applies to kfleet lag only" \
	"$kfleet" topics --watch 1

# --watch values: seconds from 0.1 to 86400, at most three decimals.
for bad in 0 0.05 0.0001 86401 -1 abc 1e3 5s 1. 0,5 ""; do
	tap_run "--watch '$bad' is refused" 2 \
		"^kfleet lag: --watch $bad: use seconds from 0\\.1 to 86400, e\\.g\\. 5 or 0\\.5: see" \
		"$kfleet" lag --watch "$bad"
done

# watch_start NAME ARGS...: kfleet lag ARGS in the background, stdout and stderr to
# $work/NAME.out and .err; its pid in $watcher.
watch_start() {
	local name=$1
	shift
	"$kfleet" lag "$@" >"$work/$name.out" 2>"$work/$name.err" &
	watcher=$!
	watchers+=("$watcher")
}

# refreshes NAME: how many refreshes $work/NAME.out holds so far: JSON arrays, or table or
# CSV headings. at_least N NAME: it holds N or more. A watcher's first refresh also says
# its signal handlers are in place, so the tests signal only after one (never after a
# fixed sleep, which a slow machine can outlast).
refreshes() {
	local out=$work/$1.out
	case "$(head -c 1 "$out" 2>/dev/null)" in
	"[") jq -s length "$out" 2>/dev/null || echo 0 ;;
	*) grep -c '^\(CLUSTER\|cluster,group,\)' "$out" ;;
	esac
}
at_least() { [ "$(refreshes "$2")" -ge "$1" ] 2>/dev/null; }

# watch_end PID SECONDS: wait up to SECONDS for PID to exit (then kill it) and set
# $watch_status to its exit status, or to "still running after SECONDS s".
watch_end() {
	local pid=$1 deadline=$((SECONDS + $2))
	while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.1; done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		watch_status="still running after $2 s"
		return
	fi
	wait "$pid" && watch_status=0 || watch_status=$?
}

# On a pipe: one complete JSON array per refresh, no escape sequence, SIGTERM: exit 0.
watch_start json --watch 0.2 --format json
wait_for 30 at_least 2 json
kill -TERM "$watcher"
watch_end "$watcher" 10
arrays=$(jq -s 'map(select(type == "array" and length == 5)) | length' "$work/json.out" 2>&1)
if [ "$watch_status" = 0 ] && [ "$arrays" -ge 2 ] 2>/dev/null &&
	[ "$arrays" = "$(jq -s length "$work/json.out")" ] && ! grep -q $'\033' "$work/json.out"; then
	tap_ok "--watch 0.2 --format json on a pipe: $arrays arrays, SIGTERM exits 0"
else
	tap_not_ok "--watch 0.2 --format json on a pipe" "exit: $watch_status, arrays: $arrays" \
		"$(head -c 2000 "$work/json.out")" "$(cat "$work/json.err")"
fi

# Tables on a pipe: one after the other, a blank line between two.
watch_start table --watch 0.2 --group orders-audit
wait_for 30 at_least 2 table
kill -TERM "$watcher"
watch_end "$watcher" 10
layout=$(awk '/^CLUSTER/ { tables++; if (NR > 1 && previous != "") bad = 1 }
	{ previous = $0 } END { print tables + 0, bad + 0 }' "$work/table.out")
if [ "$watch_status" = 0 ] && [ "${layout#* }" = 0 ] && [ "${layout% *}" -ge 2 ]; then
	tap_ok "--watch tables on a pipe are separated by a blank line"
else
	tap_not_ok "--watch tables on a pipe are separated by a blank line" \
		"exit: $watch_status, tables and misplaced headings: $layout" "$(cat "$work/table.out")"
fi

# SIGINT too (job control, so that the shell does not make the background job ignore it).
set -m
watch_start sigint --watch 0.2 --format csv
set +m
wait_for 30 at_least 1 sigint
kill -INT "$watcher"
watch_end "$watcher" 10
if [ "$watch_status" = 0 ] && grep -q '^cluster,group,' "$work/sigint.out"; then
	tap_ok "--watch: SIGINT exits 0"
else
	tap_not_ok "--watch: SIGINT exits 0" "exit: $watch_status" "$(cat "$work/sigint.err")"
fi

# With --fail-on: watches while the group is at WARNING, exits 0 once it is OK.
watch_start until-ok --cluster prod-eu --group order-service --watch 0.2 --fail-on WARNING \
	--format json
wait_for 30 at_least 2 until-ok
if kill -0 "$watcher" 2>/dev/null && [ "$(jq -s length "$work/until-ok.out" 2>/dev/null)" -ge 1 ] 2>/dev/null; then
	tap_ok "--watch --fail-on WARNING keeps watching a group at WARNING"
else
	tap_not_ok "--watch --fail-on WARNING keeps watching a group at WARNING" \
		"$(cat "$work/until-ok.out" "$work/until-ok.err")"
fi
sql "UPDATE consumer_groups SET status = 'OK', status_reason = NULL
  WHERE name = 'order-service' AND cluster_id = (SELECT id FROM clusters WHERE name = 'prod-eu')"
watch_end "$watcher" 10
last=$(jq -s -r '.[-1] | map(.status) | join(" ")' "$work/until-ok.out" 2>&1)
if [ "$watch_status" = 0 ] && [ "$last" = OK ]; then
	tap_ok "--watch --fail-on WARNING exits 0 once the group is OK"
else
	tap_not_ok "--watch --fail-on WARNING exits 0 once the group is OK" \
		"exit: $watch_status, last refresh: $last" "$(cat "$work/until-ok.err")"
fi

# With --fail-on and nothing matching: said once on stderr, watching goes on; interrupted
# before the condition held: exit 1.
watch_start no-group --group no-such-group --watch 0.2 --fail-on ERROR --format json
wait_for 30 at_least 2 no-group
kill -TERM "$watcher"
watch_end "$watcher" 10
said=$(grep -c 'no consumer group matches; nothing to check' "$work/no-group.err")
if [ "$watch_status" = 1 ] && [ "$said" = 1 ] && [ "$(jq -s length "$work/no-group.out")" -ge 2 ]; then
	tap_ok "--watch --fail-on with no group: said once, SIGTERM exits 1"
else
	tap_not_ok "--watch --fail-on with no group: said once, SIGTERM exits 1" \
		"exit: $watch_status, said $said times" "$(cat "$work/no-group.err")"
fi

# On a terminal: the screen cleared, a header line, the table; exits 0 as the group is OK.
tap_run "--watch on a terminal: cleared, with a header" 0 \
	$'^\033\\[H\033\\[2JEvery 0\\.25s: kfleet lag --cluster prod-eu --group orders-audit --watch 0\\.25 --fail-on WARNING   [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z\r?$' \
	timeout 10 script -qec "'$kfleet' lag --cluster prod-eu --group orders-audit --watch 0.25 --fail-on WARNING" /dev/null

# A catalog error while watching: the message, exit 1.
cp "$KFLEET_CATALOG" "$work/broken.db"
watch_start broken --catalog "$work/broken.db" --watch 0.2
wait_for 30 at_least 1 broken
sql "$work/broken.db" "ALTER TABLE consumer_groups RENAME TO consumer_groups_gone"
watch_end "$watcher" 10
if [ "$watch_status" = 1 ] && grep -q '^kfleet lag: .*no such table: consumer_groups' "$work/broken.err"; then
	tap_ok "--watch: a catalog error ends it with exit 1"
else
	tap_not_ok "--watch: a catalog error ends it with exit 1" "exit: $watch_status" \
		"$(cat "$work/broken.err")"
fi
tap_done
