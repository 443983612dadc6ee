#!/usr/bin/env bash
# Every command-line error of kfleet (each command `kfleet --help` lists, and their
# subcommands) and kfleet-agent: an unknown option, an option without its value, an
# argument too many, and bad values where values are parsed, each exits 2 with nothing on
# stdout and exactly one line on stderr that names what was wrong and says what to do.
# In the sanitizer build a leak on the way out would show here too (LeakSanitizer's report
# is more lines and another exit status).
set -u
. "$KFLEET_SRCDIR/tests/lib/tap.sh"
kfleet=$KFLEET_BUILDDIR/kfleet
agent=$KFLEET_BUILDDIR/kfleet-agent
work=$(mktemp -d "${TMPDIR:-/tmp}/kfleet-errors.XXXXXX")
trap 'rm -rf "$work"' EXIT
# Nothing of the user's: the catalog below, and no cluster config but those named here.
export KFLEET_CATALOG=$work/catalog.db KFLEET_CONFIG_DIR=$work/clusters HOME=$work
mkdir -p "$KFLEET_CONFIG_DIR"
"$KFLEET_BUILDDIR/tests/cli/fill_catalog" "$KFLEET_CATALOG" ||
	{ echo "Bail out! fill_catalog failed"; exit 1; }

printf 'cluster = c1\nkafka.bootstrap.servers = 127.0.0.1:1\n' >"$work/good.conf"
printf 'cluster = c1\ninterval = soon\nkafka.bootstrap.servers = 127.0.0.1:1\n' >"$work/bad.conf"
printf 't,0,5\n' >"$work/plan.csv"
printf 't,zero\n' >"$work/bad.csv"
printf 'kind: [\n' >"$work/syntax.yaml"

# The hint most lines end with.
see_help=": see 'kfleet(-agent)?( [a-z]+)* --help'$"

# One case a line: what the line must name (an extended regex), what it must say to do
# (a regex; "-": end with "see 'kfleet ... --help'"), and the command line, which the
# shell reads (so $kfleet, $agent and $work are expanded and quotes work).
cases() {
	# Every command and subcommand: an unknown option, --catalog without its value (all
	# take it), and an argument too many (but catalog import, whose arguments are files).
	local commands
	commands=$("$kfleet" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } /^$/ { on = 0 }' |
		sed -e 's/^catalog$/catalog import\ncatalog export/' -e 's/^offsets$/offsets reset\noffsets history\noffsets undo/' \
		    -e 's/^app$/app reset/' -e 's/^topology$/topology export/')
	while read -r command; do
		echo "unknown option '--bogus' | - | \$kfleet $command --bogus"
		echo "option '--catalog' needs a value | - | \$kfleet $command --catalog"
		case "$command" in
		"catalog import") ;;
		"offsets undo") echo "unexpected argument 'extra' | - | \$kfleet $command 1 extra" ;;
		*) echo "unexpected argument 'extra' | - | \$kfleet $command extra" ;;
		esac
		case "$command" in
		tui | catalog*) ;;
		*) echo "unknown format 'xml' \(use [a-z, ]+\) | - | \$kfleet $command --format xml" ;;
		esac
	done <<<"$commands"
	cat <<'EOF'
unknown option '--bogus'                 | - | $kfleet --bogus
unknown option '-x'                      | - | $kfleet -x
unknown command 'bogus'                  | - | $kfleet bogus
name a command                           | - | $kfleet
unknown option '-x'                      | - | $kfleet lag -x
option '--format' needs a value          | - | $kfleet lag --format
--watch 0: use seconds from 0.1 to 86400 | - | $kfleet lag --watch 0
--watch abc: use seconds                 | - | $kfleet lag --watch abc
--status NOPE: 'NOPE' is not a status \(use OK, | - | $kfleet lag --status NOPE
--fail-on NOPE: not a status \(use OK,   | - | $kfleet lag --fail-on NOPE
--by topic: use group or partition       | - | $kfleet lag --by topic
--by applies to kfleet lag only          | - | $kfleet topics --by partition
--group does not apply here              | - | $kfleet topics --group orders
--topic does not apply here \(but to --by partition\) | - | $kfleet lag --topic orders
name a subcommand: export                | - | $kfleet topology
unknown subcommand 'bogus' \(use export\) | - | $kfleet topology bogus
--depth -1: write a number of hops from 0 to 100 | - | $kfleet topology export --depth -1 --format json
--depth 101: write a number of hops      | - | $kfleet topology export --depth 101 --format json
--depth two: write a number of hops      | - | $kfleet topology export --depth two --format json
unknown format 'xml' \(use svg, png, pdf, dot or json\) | - | $kfleet topology export --format=xml
which format\? give --format svg         | - | $kfleet topology export --team payments
name an action: import or export         | - | $kfleet catalog
unknown action 'bogus' \(use import or export\) | - | $kfleet catalog bogus
import needs at least one YAML file      | - | $kfleet catalog import
--output applies to export only          | - | $kfleet catalog -o out.yaml import x.yaml
option '-o' needs a value                | - | $kfleet catalog export -o
syntax.yaml:2:1: invalid YAML            | did not find expected node content | $kfleet catalog import "$work/syntax.yaml"
bad.yaml:5:30: owner group:nobody is not a Group | expected the metadata.name of a Group | $kfleet catalog import "$KFLEET_SRCDIR/tests/cli/ownership/bad.yaml"
/absent.yaml: cannot open                | No such file or directory | $kfleet catalog import "$work/absent.yaml"
name a subcommand: reset, history or undo | - | $kfleet offsets
unknown subcommand 'bogus'               | - | $kfleet offsets bogus
--to-offset abc: write a whole number    | - | $kfleet offsets reset --cluster c1 --group g --all-topics --to-offset abc
--to-offset -1: write a whole number \(an offset, 0 or more\) | - | $kfleet offsets reset --cluster c1 --group g --all-topics --to-offset -1
--shift-by 1.5: write a whole number     | - | $kfleet offsets reset --cluster c1 --group g --all-topics --shift-by 1.5
--by-duration P1X: unknown unit `X`      | write D or W | $kfleet offsets reset --cluster c1 --group g --all-topics --by-duration P1X
--to-datetime yesterday: bad date        | write YYYY-MM-DD | $kfleet offsets reset --cluster c1 --group g --all-topics --to-datetime yesterday
--topic t:x: partition 'x' is not a number | - | $kfleet offsets reset --cluster c1 --group g --topic t:x --to-earliest
--topic :1: the topic name is missing    | - | $kfleet offsets reset --cluster c1 --group g --topic :1 --to-earliest
--to-earliest and --to-latest: give only one mode | - | $kfleet offsets reset --cluster c1 --group g --all-topics --to-earliest --to-latest
--from-file given twice: give only one mode | - | $kfleet offsets reset --config "$work/good.conf" --group g --from-file "$work/plan.csv" --from-file "$work/plan.csv"
--from-file .*/absent.csv             | No such file or directory | $kfleet offsets reset --config "$work/good.conf" --group g --from-file "$work/absent.csv"
--from-file .*/bad.csv:1: 2 fields       | write topic,partition,offset | $kfleet offsets reset --config "$work/good.conf" --group g --from-file "$work/bad.csv"
which cluster\? give --cluster NAME      | - | $kfleet offsets reset --group g --all-topics --to-earliest
give one mode, e.g. --to-earliest        | - | $kfleet offsets reset --cluster c1 --group g --all-topics
which groups\? give --group G            | - | $kfleet offsets reset --cluster c1 --all-topics --to-earliest
which partitions\? give --topic          | - | $kfleet offsets reset --cluster c1 --group g --to-earliest
--execute and --dry-run: choose one      | - | $kfleet offsets reset --cluster c1 --group g --all-topics --to-earliest --execute --dry-run
--group and --all-groups: choose one     | - | $kfleet offsets reset --cluster c1 --group g --all-groups --all-topics --to-earliest
no config file for cluster nope          | create one or pass --config FILE | $kfleet offsets reset --cluster nope --group g --all-topics --to-earliest
bad.conf:2: bad duration `soon` for interval | write a whole number and a unit | $kfleet offsets reset --config "$work/bad.conf" --group g --all-topics --to-earliest
good.conf is the config of cluster c1, not c2 | give --cluster c1 or the config file of c2 | $kfleet offsets reset --config "$work/good.conf" --cluster c2 --group g --all-topics --to-earliest
'abc' is not a reset id                  | a number from kfleet offsets history | $kfleet offsets undo abc
'0' is not a reset id                    | a number from kfleet offsets history | $kfleet offsets undo 0
which reset\? give its id                | - | $kfleet offsets undo
no offset reset 999                      | see kfleet offsets history | $kfleet offsets undo 999
name a subcommand: reset                 | - | $kfleet app
unknown subcommand 'bogus' \(use reset\) | - | $kfleet app bogus
--to-offset abc: write a whole number    | - | $kfleet app reset --service order-service --to-offset abc
--from-file resets named groups          | use kfleet offsets reset --from-file | $kfleet app reset --service order-service --from-file "$work/plan.csv"
--to-earliest and --shift-by: give only one mode | - | $kfleet app reset --service order-service --to-earliest --shift-by 1
which service\? give --service S         | - | $kfleet app reset --to-earliest
give one mode, e.g. --to-earliest        | - | $kfleet app reset --service order-service
--config goes with --cluster             | - | $kfleet app reset --service order-service --to-earliest --config "$work/good.conf"
the catalog has no service nope          | see kfleet services | $kfleet app reset --service nope --to-earliest
needs a terminal                         | for scripts use the subcommands | $kfleet tui
unknown option '--bogus'                 | - | $agent --bogus
unknown option '-x'                      | - | $agent -x
option '--config' needs a value          | - | $agent --config
option '-c' needs a value                | - | $agent -c
option '--log-level' needs a value       | - | $agent --config "$work/good.conf" --log-level
unexpected argument 'extra'              | - | $agent --config "$work/good.conf" extra
--config FILE is required                | - | $agent --once
unknown log level 'loud' \(use error, warn, info or debug\) | - | $agent --log-level loud --config "$work/good.conf"
/absent.conf: No such file or directory  | expected a cluster's config file, see kfleet-agent\(8\) | $agent --config "$work/absent.conf" --once
bad.conf:2: bad duration `soon` for interval | write a whole number and a unit | $agent --config "$work/bad.conf" --once
bad.conf:2: bad duration `soon` for interval | write a whole number and a unit | $agent --config "$work/bad.conf"
EOF
}

while IFS='|' read -r what hint command; do
	what=$(sed 's/ *$//' <<<"$what") hint=$(sed 's/^ *//; s/ *$//' <<<"$hint") command=${command# }
	[ "$hint" = "-" ] && hint=$see_help
	eval "set -- $command"
	"$@" </dev/null >"$work/out" 2>"$work/err" && status=0 || status=$?
	problems=()
	[ "$status" -eq 2 ] || problems+=("exit $status, expected 2")
	[ -s "$work/out" ] && problems+=("stdout is not empty: $(head -c 200 "$work/out")")
	lines=$(wc -l <"$work/err")
	[ "$lines" -eq 1 ] && [ "$(wc -c <"$work/err")" -gt 1 ] || problems+=("stderr has $lines lines")
	grep -Eq -- "$what" "$work/err" || problems+=("stderr does not name /$what/")
	grep -Eq -- "$hint" "$work/err" || problems+=("stderr does not say what to do: /$hint/")
	name=${command//\$work/WORK}
	name=${name//\$KFLEET_SRCDIR/SRC}
	if [ ${#problems[@]} -eq 0 ]; then
		tap_ok "$name: $(cat "$work/err")"
	else
		tap_not_ok "$name" "${problems[@]}" "stderr: $(head -c 2000 "$work/err")"
	fi
done < <(cases)

# A cluster that does not answer is no usage error (exit 1), but it is one line too, with
# the connection failure librdkafka logged, and none of librdkafka's own log lines.
"$kfleet" offsets reset --config "$work/good.conf" --group g --all-topics --to-earliest \
	</dev/null >"$work/out" 2>"$work/err" && status=0 || status=$?
if [ "$status" -eq 1 ] && [ "$(wc -l <"$work/err")" -eq 1 ] &&
	grep -Eq "^kfleet offsets reset: c1: reading the cluster's metadata: .*127\.0\.0\.1:1.*Connection refused.*; check kafka\.bootstrap\.servers and that the brokers run$" "$work/err"; then
	tap_ok "an unreachable cluster: one line naming the connection failure: $(cat "$work/err")"
else
	tap_not_ok "an unreachable cluster: one line naming the connection failure" "exit $status" "stderr: $(cat "$work/err")"
fi
printf 'cluster = c1\ncatalog = %s\nkafka.bootstrap.servers = 127.0.0.1:1\n' "$work/agent.db" >"$work/agent.conf"
"$agent" --config "$work/agent.conf" --once </dev/null >"$work/out" 2>"$work/err" && status=0 || status=$?
if [ "$status" -eq 1 ] && ! grep -qv '^kfleet-agent: ' "$work/err" &&
	grep -Eq '^kfleet-agent: warn: c1: unreachable: metadata: .*Connection refused' "$work/err"; then
	tap_ok "the agent on an unreachable cluster logs only its own lines, with the failure"
else
	tap_not_ok "the agent on an unreachable cluster logs only its own lines, with the failure" \
		"exit $status" "stderr: $(cat "$work/err")"
fi
"$agent" --config "$work/agent.conf" --once --log-level debug </dev/null >"$work/out" 2>"$work/err" || true
tap_run "at debug level the agent shows librdkafka's lines, as its own" 0 \
	'^kfleet-agent: debug: librdkafka: FAIL: 127\.0\.0\.1:1/bootstrap: Connect to' cat "$work/err"
tap_done
