#!/usr/bin/env bash
# A request to a group coordinator that goes unanswered while the broker is down, against
# a private broker of the harness. librdkafka 2.0.2 frees such a request when its own
# request timeout expires while the coordinator is still out of reach, and touches it
# again once the broker is back: the process aborts (rd_kafka_enq_once_del_source_return:
# "eonce->refcnt > 0"). That is shown first, with librdkafka's own timeout, as a TAP
# comment (a librdkafka that no longer aborts is not a failure of kfleet's). Then the way
# kfleet's agent, reset and load generator ask (kclient_admin_options, waited for by
# their own clock): the request survives the broker's return and is answered late, and a
# client destroyed with such a request in it ends it without an answer or an abort.
set -u
. "$KFLEET_SRCDIR/tests/lib/tap.sh"
. "$KFLEET_SRCDIR/tests/lib/cluster.sh"
helper=$KFLEET_BUILDDIR/tests/integration/coordinator_wait

work=$(mktemp -d "${TMPDIR:-/tmp}/kfleet-faults-coordinator.XXXXXX")
kafka=$work/kafka
helper_pid=""
trap '[ -n "$helper_pid" ] && kill -9 "$helper_pid" 2>/dev/null
	private_cluster_stop; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP

private_cluster_start "$kafka" "$work/harness.log"

broker_down() {
	"$harness" kill-node --dir "$kafka" --node 1 >/dev/null 2>>"$work/harness.log" ||
		{ echo "Bail out! the broker could not be killed: $(tail -n 5 "$work/harness.log")"; exit 1; }
}
broker_up() {
	"$harness" start-node --dir "$kafka" --node 1 >/dev/null 2>>"$work/harness.log" ||
		{ echo "Bail out! the broker did not start again: $(tail -n 5 "$work/harness.log")"; exit 1; }
}
# ask COMMAND: send it to the helper and print its one-line answer ("eof" when it died).
ask() {
	local reply
	echo "$1" >&"${W[1]}" 2>/dev/null || { echo eof; return; }
	IFS= read -r -t 120 reply <&"${W[0]}" && echo "$reply" || echo eof
}
check() { # NAME GOT PATTERN
	if grep -Eq -- "$3" <<<"$2"; then tap_ok "$1"; else tap_not_ok "$1" "got: $2" \
		"helper's stderr: $(grep -v '^%' "$work/helper.err" | tail -n 3)"; fi
}
# helper_start NAME: a new helper, as coprocess W, that reads the cluster's metadata.
helper_start() {
	coproc W { exec "$helper" "$KAFKA_BOOTSTRAP" kfleet-coordinator-g 2>"$work/helper.err"; }
	helper_pid=$W_PID
	check "$1" "$(ask metadata)" '^metadata: ok$'
}

# librdkafka's own timeout: the request times out with the broker down, then the broker
# comes back.
helper_start "the helper reads the cluster's metadata"
broker_down
got=$(ask "raw 2000")
echo "# librdkafka's own 2 s timeout with the broker down: $got"
broker_up
started=$SECONDS
got=$(ask "late 30000")
[ "$got" = eof ] || ask quit >/dev/null     # it lived: end it rather than wait for ever
status=0
wait "$helper_pid" 2>/dev/null || status=$?
if [ "$got" = eof ] && [ "$status" -ne 0 ]; then
	echo "# ...and once the broker was back, after $((SECONDS - started)) s, the helper died" \
		"(status $status): $(grep -o 'Assertion.*' "$work/helper.err" | head -n 1)"
else
	echo "# ...and once the broker was back the helper lived ($got): this librdkafka no longer aborts"
fi

# kfleet's way: the same request, waited for by the helper's own clock.
helper_start "a new helper reads the cluster's metadata"
broker_down
got=$(ask "ask 2000")
check "with the broker down the request is unanswered after 2 s, and librdkafka has not timed it out" \
	"$got" '^unanswered$'
broker_up
started=$SECONDS
got=$(ask "late 60000")
check "once the broker is back the request is answered, late, and the helper lives" "$got" '^late: '
echo "# answered $((SECONDS - started)) s after the broker was back: $got"

# A client destroyed with such a request in it (kclient_refresh, as the agent and the
# reset do after giving up): the request ends there.
# (The first request after the kill may still go to the open connection and be answered
# with its failure; the next waits for a coordinator.)
got=$(ask refresh)
check "a client that gave up on a request is renewed" "$got" '^renewed$'
got=$(ask "ask 10000")
check "the new client's request is answered" "$got" '^answered: ok$'
got=$(ask refresh)
check "a client that gave up on nothing is kept" "$got" '^kept$'
broker_down
got=$(ask "ask 2000")
echo "# the first request after the broker was killed again: $got"
got=$(ask "ask 2000")
check "with the broker down again the next request is unanswered" "$got" '^unanswered$'
got=$(ask refresh)
check "the client holding it is destroyed and replaced" "$got" '^renewed$'
broker_up
got=$(ask "late 15000")
check "the ended request is never answered, and the helper lives" "$got" '^no late answer$'
got=$(ask "ask 60000")
check "the new client's request is answered" "$got" '^answered: ok$'
got=$(ask quit)
status=0
wait "$helper_pid" 2>/dev/null || status=$?
check "the helper ends cleanly" "$got status $status" '^done status 0$'
if grep -q 'Assertion' "$work/helper.err"; then
	tap_not_ok "no librdkafka assertion failed" "$(grep 'Assertion' "$work/helper.err")"
else
	tap_ok "no librdkafka assertion failed"
fi
tap_done
