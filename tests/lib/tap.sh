# TAP helpers for shell tests. Source it, call the checks, end with tap_done.
# Each check is one TAP test line; tap_done prints the plan and sets the exit status.
tap_count=0
tap_failed=0

tap_ok() {
	tap_count=$((tap_count + 1))
	echo "ok $tap_count - $1"
}

tap_not_ok() {
	tap_count=$((tap_count + 1))
	tap_failed=$((tap_failed + 1))
	echo "not ok $tap_count - $1"
	shift
	for line in "$@"; do echo "# $line"; done
}

# tap_run NAME EXPECTED_STATUS PATTERN CMD...: CMD exits with EXPECTED_STATUS and its
# stdout+stderr match the extended regex PATTERN.
tap_run() {
	local name=$1 want=$2 pattern=$3 out status
	shift 3
	out=$("$@" 2>&1) && status=0 || status=$?
	if [ "$status" -ne "$want" ]; then
		tap_not_ok "$name" "exit $status, expected $want" "output: $out"
	elif ! grep -Eq -- "$pattern" <<<"$out"; then
		tap_not_ok "$name" "output does not match /$pattern/" "output: $out"
	else
		tap_ok "$name"
	fi
}

# wait_for SECONDS COMMAND...: run COMMAND every 0.2 s until it succeeds (status 0) or
# SECONDS have passed (status 1).
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		((SECONDS < deadline)) || return 1
		sleep 0.2
	done
}

tap_done() {
	echo "1..$tap_count"
	[ "$tap_failed" -eq 0 ]
}
