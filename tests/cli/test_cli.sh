#!/usr/bin/env bash
# Command-line contract of both binaries: --help and --version succeed on stdout, and
# any usage error is one line on stderr with exit status 2.
set -u
. "$KFLEET_SRCDIR/tests/lib/tap.sh"
kfleet=$KFLEET_BUILDDIR/kfleet
agent=$KFLEET_BUILDDIR/kfleet-agent

tap_run "kfleet --version"             0 '^kfleet [0-9]+\.[0-9]+\.[0-9]+$' "$kfleet" --version
tap_run "kfleet --help"                0 '^usage: kfleet' "$kfleet" --help
tap_run "kfleet -h"                    0 '^usage: kfleet' "$kfleet" -h
tap_run "kfleet bad option exits 2"    2 "^kfleet: unknown option '--frobnicate': see 'kfleet --help'$" "$kfleet" --frobnicate
tap_run "kfleet unknown command"       2 "^kfleet: unknown command 'frobnicate': see 'kfleet --help'$" "$kfleet" frobnicate
tap_run "kfleet no terminal, no command" 2 "^kfleet: name a command .*: see 'kfleet --help'$" "$kfleet" </dev/null
tap_run "kfleet-agent --version"       0 '^kfleet-agent [0-9]+\.[0-9]+\.[0-9]+$' "$agent" --version
tap_run "kfleet-agent --help"          0 '^usage: kfleet-agent' "$agent" --help
tap_run "kfleet-agent bad option"      2 "^kfleet-agent: unknown option '--frobnicate': see 'kfleet-agent --help'$" "$agent" --frobnicate
tap_run "kfleet-agent stray argument"  2 "unexpected argument 'x'" "$agent" x

# --help (of the binary and of every kfleet command) and the man pages name the same
# options and commands.
kfleet_commands=$("$kfleet" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } /^$/ { on = 0 }')
tap_run "kfleet --help lists the commands" 0 'lag' echo "$kfleet_commands"
for pair in "kfleet:doc/kfleet.1" "kfleet-agent:doc/kfleet-agent.8" \
	$(for c in $kfleet_commands; do echo "kfleet+$c:doc/kfleet.1"; done); do
	cmd=${pair%%:*} page=$KFLEET_SRCDIR/${pair#*:}
	cmd=${cmd/+/ }
	missing=""
	# shellcheck disable=SC2086 # CMD is the binary and maybe a command
	for opt in $($KFLEET_BUILDDIR/$cmd --help | grep -Eo -- '--[a-z][a-z-]+' | sort -u); do
		sed 's/\\//g' "$page" | grep -q -- "$opt" || missing="$missing $opt"
	done
	if [ "$cmd" != "${cmd#kfleet }" ] && ! sed 's/\\//g' "$page" | grep -q "^\.B.* ${cmd#kfleet }"; then
		missing="$missing (the command itself)"
	fi
	if [ -z "$missing" ]; then tap_ok "$cmd --help options are in its man page"
	else tap_not_ok "$cmd --help options are in its man page" "missing from $page:$missing"; fi
done
# kfleet lag --help and the man page's Statuses name the same statuses.
statuses=$("$kfleet" lag --help | awk '/^Statuses/ { on = 1; next } on && /^  [A-Z]/ { print $1 } /^$/ { on = 0 }')
section=$(sed -n '/^\.SS Statuses/,/^\.S[SH]/p' "$KFLEET_SRCDIR/doc/kfleet.1")
missing=""
for status in $statuses; do
	grep -qw -- "$status" <<<"$section" || missing="$missing $status"
done
if [ "$(wc -w <<<"$statuses")" -eq 5 ] && [ -z "$missing" ]; then
	tap_ok "kfleet lag --help statuses are in kfleet(1)"
else
	tap_not_ok "kfleet lag --help statuses are in kfleet(1)" "help: $statuses" "missing:$missing"
fi
# The systemd unit starts the agent with options it has.
unit=$KFLEET_SRCDIR/doc/kfleet-agent@.service
exec_start=$(sed -n 's/^ExecStart=[^ ]*kfleet-agent //p' "$unit")
missing=""
for opt in $(grep -Eo -- '--[a-z][a-z-]+' <<<"$exec_start"); do
	"$agent" --help | grep -q -- "$opt" || missing="$missing $opt"
done
if [ -n "$exec_start" ] && [ -z "$missing" ]; then tap_ok "the systemd unit uses options kfleet-agent has"
else tap_not_ok "the systemd unit uses options kfleet-agent has" "ExecStart: $exec_start; unknown:$missing"; fi
tap_done
