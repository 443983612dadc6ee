# Drive a program in a private tmux server, for the terminal UI's end-to-end tests.
# Source it after tests/lib/tap.sh; call tmux_start, then tmux_keys / tmux_screen /
# tmux_wait; tmux_stop (or the EXIT trap) kills the server.
tmux_socket=kfleet-test-$$-$RANDOM

# tmux_start COLUMNS LINES COMMAND: run COMMAND (a shell command line) in a new window of
# that size. The pane stays when COMMAND ends, so its last words can be read.
tmux_start() {
	local columns=$1 lines=$2
	shift 2
	tmux -L "$tmux_socket" -f /dev/null new-session -d -s kfleet -x "$columns" -y "$lines" \
		"$*" || return 1
	tmux -L "$tmux_socket" set-option -t kfleet remain-on-exit on >/dev/null
	tmux -L "$tmux_socket" set-option -t kfleet status off >/dev/null
}

tmux_stop() {
	tmux -L "$tmux_socket" kill-server 2>/dev/null || true
}

# tmux_keys KEY...: tmux send-keys (names as tmux knows them: Enter, Escape, Up, C-c).
tmux_keys() {
	tmux -L "$tmux_socket" send-keys -t kfleet "$@"
}

# tmux_type TEXT: TEXT typed literally.
tmux_type() {
	tmux -L "$tmux_socket" send-keys -t kfleet -l "$1"
}

# tmux_screen [-e]: what the pane shows now (-e: with its colours and attributes).
tmux_screen() {
	tmux -L "$tmux_socket" capture-pane -p -t kfleet "$@"
}

# tmux_wait SECONDS ERE: until the screen has a line matching ERE (status 0), or SECONDS.
tmux_wait() {
	local deadline=$((SECONDS + $1)) pattern=$2
	until tmux_screen | grep -Eq -- "$pattern"; do
		((SECONDS < deadline)) || return 1
		sleep 0.1
	done
}

# tmux_gone SECONDS ERE: until no line of the screen matches ERE.
tmux_gone() {
	local deadline=$((SECONDS + $1)) pattern=$2
	while tmux_screen | grep -Eq -- "$pattern"; do
		((SECONDS < deadline)) || return 1
		sleep 0.1
	done
}

# tmux_check NAME SECONDS ERE: one TAP check that the screen comes to show ERE.
tmux_check() {
	local screen
	if tmux_wait "$2" "$3"; then
		tap_ok "$1"
	else
		mapfile -t screen < <(tmux_screen | sed 's/^/| /')
		tap_not_ok "$1" "no line matches /$3/; the screen:" "${screen[@]}"
	fi
}

# tmux_resize COLUMNS LINES
tmux_resize() {
	tmux -L "$tmux_socket" resize-window -t kfleet -x "$1" -y "$2"
}

# tmux_pane FORMAT: a pane variable, e.g. '#{pane_dead} #{pane_dead_status}'.
tmux_pane() {
	tmux -L "$tmux_socket" display-message -p -t kfleet "$1"
}
