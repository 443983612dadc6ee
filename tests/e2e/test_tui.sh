#!/usr/bin/env bash
# The terminal UI end to end: the real kfleet in tmux (send-keys, capture-pane) on a
# catalog the real agent keeps filling from the real broker. Every view, the filter and
# the sort, each detail, the topology drawn in the terminal, an offset reset through the
# dialog checked against the broker's committed offsets, --read-only, a resize, NO_COLOR,
# ASCII, and a terminal put back after q, Ctrl-C and a crash.
set -u
. "$KFLEET_SRCDIR/tests/lib/tap.sh"
. "$KFLEET_SRCDIR/tests/lib/tmux.sh"
loadgen=$KFLEET_BUILDDIR/kfleet-loadgen
kfleet=$KFLEET_BUILDDIR/kfleet
harness=$KFLEET_SRCDIR/tests/kafka/harness
work=$(mktemp -d "${TMPDIR:-/tmp}/kfleet-tui.XXXXXX")
agent=
cleanup() {
	tmux_stop
	[ -n "$agent" ] && kill "$agent" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
prefix=t$(($$ % 1000))$RANDOM
cluster=tui$(($$ % 1000))
mkdir -p "$work/clusters" "$work/export"
export KFLEET_CATALOG=$work/catalog.db KFLEET_CONFIG_DIR=$work/clusters
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0
export LSAN_OPTIONS=${LSAN_OPTIONS:+$LSAN_OPTIONS:}print_suppressions=0:suppressions=$KFLEET_SRCDIR/tests/lsan-graphviz.supp

# The fleet: checkout produces orders (declared); billing (team payments) consumes them
# with a group; an ad-hoc group no service claims read a little of them and stopped.
"$loadgen" -b "$KAFKA_BOOTSTRAP" create "$prefix-orders" 2 >/dev/null
"$loadgen" -b "$KAFKA_BOOTSTRAP" produce "$prefix-orders" 40 >/dev/null
"$loadgen" -b "$KAFKA_BOOTSTRAP" consume "$prefix-orders" "$prefix-billing" 30 >/dev/null
"$loadgen" -b "$KAFKA_BOOTSTRAP" consume "$prefix-orders" "$prefix-adhoc" 10 >/dev/null
cat >"$work/ownership.yaml" <<EOF
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: payments}
spec: {type: team}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout
  annotations: {kfleet.io/produces: "$prefix-orders"}
spec: {type: service, owner: group:payments, lifecycle: production}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: billing
  annotations: {kfleet.io/consumer-groups: "$prefix-billing"}
spec: {type: service, owner: group:payments, lifecycle: production}
EOF
"$kfleet" catalog import "$work/ownership.yaml" >/dev/null
# A port of the kernel's choice: the default one may be another test's agent's.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/clusters/$cluster.conf" <<EOF
cluster = $cluster
catalog = $work/catalog.db
interval = 2s
listen = 127.0.0.1:$port
kafka.bootstrap.servers = $KAFKA_BOOTSTRAP
EOF
"$KFLEET_BUILDDIR/kfleet-agent" --config "$work/clusters/$cluster.conf" >"$work/agent.log" 2>&1 &
agent=$!
# Both groups in a generation with their offsets (a shared broker: wait for a whole one).
has_groups() {
	[ "$("$kfleet" lag --cluster "$cluster" --format json 2>/dev/null |
		jq --arg p "$prefix" '[.[] | select(.group | startswith($p)) | select(.lag != null)] | length')" = 2 ]
}
if wait_for 60 has_groups; then
	tap_ok "the agent has collected both groups"
else
	tap_not_ok "the agent has collected both groups" "$(tail -n 5 "$work/agent.log")"
fi

# run_tui COLUMNS LINES [ENV=VALUE...] [-- KFLEET ARGS]: kfleet in tmux; when it ends the
# shell says how, and whether the terminal is back in canonical mode with echo.
run_tui() {
	local columns=$1 lines=$2 envs=() args=()
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	[ "${1:-}" = -- ] && shift && args=("$@")
	tmux_stop
	tmux_socket=kfleet-test-$$-$RANDOM
	rm -f "$work/ended"
	tmux_start "$columns" "$lines" "cd $work/export && env LANG=C.UTF-8 TERM=tmux-256color ${envs[*]} $kfleet ${args[*]}; echo EXIT=\$? >$work/ended.tmp; stty -a | tr ' ;' '\n\n' | grep -xE -- '-?(icanon|echo)' | tr '\n' ' ' >>$work/ended.tmp; mv $work/ended.tmp $work/ended"
}
# A terminal kfleet left sane: canonical mode and echo on.
# ended NAME ERE: one check that kfleet has ended and the shell after it wrote a line
# matching ERE ("EXIT=STATUS" then the terminal's modes) into $work/ended.
ended() {
	if wait_for 10 test -f "$work/ended" && grep -Eq -- "$2" "$work/ended"; then
		tap_ok "$1"
	else
		tap_not_ok "$1" "ended: $(cat "$work/ended" 2>/dev/null)" "$(tmux_screen | tail -n 3)"
	fi
}
SANE='^EXIT=0$'
TERMINAL_OK='^icanon echo *$'

# ---------------------------------------------------------------- the Groups view
run_tui 80 24
tmux_check "kfleet alone on a terminal opens the UI on the Groups view" 20 '^1 Groups +2 Topics'
tmux_check "the header names the cluster, its status and the age of its collection" 10 \
	"$cluster ok [0-9]+[smh]"
tmux_check "the footer shows the keys that work here" 5 'Enter ?Detail.*Filter'

# The broker is shared with other tests: this test's groups are found by the filter.
tmux_keys /
tmux_type "$prefix-b"
tmux_check "/ filters as you type: one group matches" 5 "groups: [0-9]+, 1 matching '$prefix-b'"
tmux_check "the billing group is listed with its status, owner and team" 10 \
	"$prefix-billing .*(OK|WARNING|STALLED|STOPPED|-) .* billing"
if tmux_screen | grep -q -- "$prefix-adhoc"; then
	tap_not_ok "the filter hides the other group" "$(tmux_screen)"
else
	tap_ok "the filter hides the other group"
fi
tmux_keys BSpace BSpace Enter
tmux_check "a shorter filter shows both groups again" 5 "groups: [0-9]+, 2 matching '$prefix'"
tmux_keys s
tmux_check "s sorts by the first column" 5 "sorted by CLUSTER ▲"
tmux_keys S
tmux_check "S reverses the sort" 5 "sorted by CLUSTER ▼"
tmux_keys 0

# The cursor on the ad-hoc group, then Enter: its detail.
tmux_keys Escape /
tmux_type "$prefix-adhoc"
tmux_keys Enter Enter
tmux_check "Enter opens the group's detail" 10 "Group $prefix-adhoc on $cluster"
tmux_check "the detail shows the partitions with their lag" 10 "$prefix-orders +[01] "
tmux_check "the detail says the group is owned by no service" 5 'Owner: +service -, team -'
tmux_check "the detail draws the lag history as a sparkline" 10 'Lag, last hour: +[▁▂▃▄▅▆▇█]+ +max'
tmux_keys Escape
tmux_check "Esc goes back to the list" 5 "groups: [0-9]+, 1 matching"

# The cursor stays on its row while the agent writes new generations: more messages
# change both groups' lag (and maybe their order); Enter still opens the ad-hoc group.
tmux_keys Escape /
tmux_type "$prefix"
tmux_keys Enter
tmux_check "both of this test's groups are listed" 5 "groups: [0-9]+, 2 matching '$prefix'"
row=$(tmux_screen | grep -n -- "$prefix-adhoc" | cut -d: -f1)
first=$(tmux_screen | grep -n -- "$prefix-" | head -n 1 | cut -d: -f1)
[ "$row" -gt "$first" ] && tmux_keys Down
before=$(tmux_screen | grep -- "$prefix-adhoc")
"$loadgen" -b "$KAFKA_BOOTSTRAP" produce "$prefix-orders" 40 >/dev/null
if wait_for 30 sh -c "! tmux -L $tmux_socket capture-pane -p -t kfleet | grep -qF -- '$before'"; then
	tap_ok "the list refreshes by itself when the agent writes a generation"
else
	tap_not_ok "the list refreshes by itself when the agent writes a generation" "$(tmux_screen)"
fi
tmux_keys Enter
tmux_check "the cursor stayed on its group across the refresh" 10 "Group $prefix-adhoc on $cluster"
tmux_keys Escape

# ---------------------------------------------------------------- the other views
tmux_keys 2
tmux_check "2: the Topics view" 10 '^ topics: [0-9]+'
tmux_keys /
tmux_type "$prefix-orders"
tmux_keys Enter Enter
tmux_check "a topic's detail" 10 "Topic $prefix-orders on $cluster"
tmux_check "it lists the topic's producers and consumers" 10 '<- +checkout +(- +)?produces'
tmux_keys G
tmux_check "and its partitions with leader and replicas" 10 'PARTITION +LEADER'
tmux_keys Escape 3
tmux_check "3: services" 10 '^ services: [0-9]+'
tmux_check "billing is there with its team" 5 '^billing +payments'
tmux_keys /
tmux_type billing
tmux_keys Enter Enter
tmux_check "a service's detail: what it consumes, with the lag" 10 \
	"<- +$prefix-orders +$cluster +consumes +[0-9]+"
tmux_keys G Enter
tmux_check "Enter on the detail's last line, its group, opens that group" 10 \
	"Group $prefix-billing on $cluster"
tmux_keys Escape
tmux_check "and Esc comes back to the service" 5 '^ Service billing'
tmux_keys Escape v
tmux_check "v: the teams" 5 '^ teams: [0-9]+'
tmux_check "payments and its services" 5 '^payments .*billing, checkout'
tmux_keys v
tmux_check "v again: the services" 5 '^ services: [0-9]+'
tmux_keys 4
tmux_check "4: clusters" 10 "^ clusters: 1"
tmux_keys Enter
tmux_check "a cluster's detail lists its brokers" 10 'BROKER +HOST'
tmux_keys Escape 5
tmux_check "5: ACLs" 10 '^ ACLs: [0-9]+'
tmux_keys 6
tmux_check "6: quotas" 10 '^ quotas: [0-9]+'
tmux_keys 7
tmux_check "7: the reset audit log" 10 '^ resets: 0'
tmux_keys Tab
tmux_check "Tab: the Topology view" 10 '^ Topology of '
tmux_keys '?'
tmux_check "?: every key" 5 'Keys of Topology'
tmux_keys Escape

# ---------------------------------------------------------------- topology
tmux_keys 3 Escape /
tmux_type checkout
tmux_keys Enter t
tmux_check "t on a service: its neighbourhood in the Topology view" 20 \
	'Topology of service checkout, depth 2: [0-9]+ nodes'
tmux_check "drawn with boxes around its nodes" 5 '┌─+┐'
tmux_check "the service's box is there" 5 '│ *checkout *│'
tmux_keys +
tmux_check "+ deepens the neighbourhood" 10 'depth 3'
tmux_keys -
tmux_check "- makes it shallower again" 10 'depth 2'
tmux_keys e
tmux_check "e exports it as SVG" 20 'kfleet-topology.svg'
if python3 -c 'import sys, xml.dom.minidom; t = xml.dom.minidom.parse(sys.argv[1]).toxml(); assert "checkout" in t' \
	"$work/export/kfleet-topology.svg" 2>/dev/null; then
	tap_ok "the SVG is valid XML naming the service"
else
	tap_not_ok "the SVG is valid XML naming the service" "$(ls -l "$work/export")"
fi
tmux_keys Enter
tmux_check "Enter opens the node under the cursor" 10 '^ Service checkout'
tmux_keys Escape

# ---------------------------------------------------------------- an offset reset
# committed PARTITION:OFFSET...: the ad-hoc group's committed offsets, as Kafka's own
# kafka-consumer-groups.sh says (the consumer committed on the partitions it was given).
committed() {
	"$harness" groups --dir "$KAFKA_HARNESS_DIR" --describe --group "$prefix-adhoc" 2>/dev/null |
		awk -v g="$prefix-adhoc" '$1 == g && $4 ~ /^[0-9]+$/ { print $3 ":" $4 }' | sort | tr '\n' ' '
}
before=$(committed)
partitions=$(wc -w <<<"$before")
expected=$(for p in $before; do printf '%s:0 ' "${p%%:*}"; done)
tmux_keys 1 Escape /
tmux_type "$prefix-adhoc"
tmux_keys Enter r
tmux_check "r opens the reset dialog" 10 "Reset the offsets of $prefix-adhoc on $cluster"
tmux_keys Enter
tmux_check "after the mode, the topics" 10 'every topic the group has committed offsets on'
tmux_keys Enter
tmux_check "the dry-run plan from the broker" 30 'The plan \(dry run'
tmux_check "with a row per partition, to offset 0" 5 "$prefix-orders +[01] +[0-9]+ +0 "
tmux_check "and the confirmation asked for" 5 "Type the group's name to apply"
tmux_type wrong-name
tmux_keys Enter
tmux_check "a wrong name changes nothing" 5 "not the group's name: nothing changed"
tmux_type "$prefix-adhoc"
tmux_keys Enter
tmux_check "the right name applies it and gives the audit id" 30 \
	"^  $partitions of $partitions partitions? written; recorded as reset [0-9]+"
tmux_check "and how to undo it" 5 'to undo it: kfleet offsets undo [0-9]+ --execute'
after=$(committed)
if [ "$partitions" -gt 0 ] && [ "$after" = "$expected" ]; then
	tap_ok "the broker's committed offsets are the plan's (kafka-consumer-groups.sh: $before-> $after)"
else
	tap_not_ok "the broker's committed offsets are the plan's" "before: '$before'" "after: '$after'" \
		"expected: '$expected'"
fi
if "$kfleet" offsets history --group "$prefix-adhoc" --format json |
	jq -e 'length == 1 and .[0].mode == "--to-earliest" and .[0].outcome == "done"' >/dev/null; then
	tap_ok "the audit log has the reset"
else
	tap_not_ok "the audit log has the reset" "$("$kfleet" offsets history --format json)"
fi
tmux_keys Escape 7
tmux_check "the Resets view lists it" 10 "^ +[0-9]+ .* $cluster +$prefix-adhoc +--to-earliest +done"

# ---------------------------------------------------------------- resize and quit
tmux_keys 1
tmux_resize 132 40
tmux_check "a wider window shows the columns a narrow one drops" 10 'STATE +MEMBERS +SERVICE +TEAM'
if [ "$(tmux_screen | wc -l)" -eq 40 ]; then
	tap_ok "and fills the 40 lines"
else
	tap_not_ok "and fills the 40 lines" "$(tmux_screen | wc -l) lines"
fi
tmux_resize 80 24
tmux_check "back at 80x24 the footer is on the last line" 10 '^Enter ?Detail'
tmux_keys q
ended "q quits with status 0" "$SANE"
ended "and the terminal is back in canonical mode with echo" "$TERMINAL_OK"

# ---------------------------------------------------------------- --read-only
run_tui 80 24 -- tui --read-only
tmux_check "--read-only says so in the header" 20 '\[read-only\]'
tmux_keys r
tmux_check "and r refuses to reset" 5 'read-only: offset resets are off'
tmux_keys C-c
ended "Ctrl-C quits with status 0" "$SANE"
ended "and puts the terminal back" "$TERMINAL_OK"

# ---------------------------------------------------------------- colours
run_tui 80 24
tmux_wait 20 '^1 Groups' >/dev/null
if tmux_screen -e | grep -q $'\e\\[[0-9;]*3[0-7]m\|\e\\[[0-9;]*4[0-7]m'; then
	tap_ok "colours by default"
else
	tap_not_ok "colours by default" "$(tmux_screen -e | head -n 3 | od -c | head)"
fi
tmux_keys q
run_tui 80 24 NO_COLOR=1
tmux_wait 20 '^1 Groups' >/dev/null
if tmux_screen -e | grep -q $'\e\\[[0-9;]*3[0-7]m\|\e\\[[0-9;]*4[0-7]m'; then
	tap_not_ok "NO_COLOR: no colour at all" "$(tmux_screen -e | head -n 3 | od -c | head)"
elif tmux_screen -e | grep -q $'\e\\[[0-9;]*7m'; then
	tap_ok "NO_COLOR: no colour at all, the cursor in reverse video"
else
	tap_not_ok "NO_COLOR: the cursor in reverse video" "$(tmux_screen -e | head -n 5)"
fi
tmux_keys q

# ---------------------------------------------------------------- ASCII
run_tui 100 30 LANG=C LC_ALL=C
tmux_wait 20 '^1 Groups' >/dev/null
tmux_keys 3 /
tmux_type checkout
tmux_keys Enter t
tmux_check "in a locale that is not UTF-8 the topology is drawn in ASCII" 20 '\+-+\+'
if tmux_screen | LC_ALL=C grep -q $'[\x80-\xff]'; then
	tap_not_ok "and nothing on screen is outside ASCII" "$(tmux_screen)"
else
	tap_ok "and nothing on screen is outside ASCII"
fi
tmux_keys q

# ---------------------------------------------------------------- a crash
run_tui 80 24
tmux_wait 20 '^1 Groups' >/dev/null
# kfleet is the child of the pane's shell (no procps needed).
shell=$(tmux_pane '#{pane_pid}')
pid=$(cat "/proc/$shell/task/$shell/children" 2>/dev/null | awk '{ print $1 }')
if [ -n "$pid" ]; then
	kill -SEGV "$pid"
	ended "a crash ends kfleet with SIGSEGV's status" '^EXIT=139$'
	ended "and still puts the terminal back" "$TERMINAL_OK"
else
	tap_not_ok "a crash ends kfleet with SIGSEGV's status" "no kfleet process found"
fi

tap_done
