# Helpers for shell tests of a running kfleet-agent. Source it after tests/lib/tap.sh.

# agent_collector PID: the pid of the collector of the agent PID, the child process that
# collects and serves HTTP (PID itself only supervises it); empty if there is none.
agent_collector() { pgrep -P "$1" -x kfleet-agent | head -n 1; }

# agent_fds PID: how many descriptors process PID holds open. agent_fds_at_most PID N:
# N or fewer (for wait_for, while the process closes what its clients left).
agent_fds() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
agent_fds_at_most() { [ "$(agent_fds "$1")" -le "$2" ]; }

# agent_stop_check PID SECONDS LOG: SIGTERM the agent PID; one TAP check that it exits
# with status 0 within SECONDS (on failure, the end of its LOG is shown).
agent_stop_check() {
	local pid=$1 seconds=$2 log=$3 stopped=no
	kill -TERM "$pid"
	for _ in $(seq 1 $((seconds * 10))); do
		kill -0 "$pid" 2>/dev/null || { stopped=yes; break; }
		sleep 0.1
	done
	if [ "$stopped" = yes ] && wait "$pid"; then
		tap_ok "SIGTERM stops the agent with status 0 within $seconds s"
	else
		tap_not_ok "SIGTERM stops the agent with status 0 within $seconds s" "$(tail -n 5 "$log")"
		pkill -9 -P "$pid" 2>/dev/null; kill -9 "$pid" 2>/dev/null   # no orphan holds the log
	fi
}
