#!/usr/bin/env bash
# The listing commands on a real catalog file: a known fleet written through the snapshot
# writer (tests/cli/fill_catalog, as an agent would), the ownership of
# tests/cli/ownership/*.yaml imported with `kfleet catalog import`, then every listing in
# every format compared with tests/cli/expected/, filters, re-import, export, bad input.
# KFLEET_UPDATE_EXPECTED=1 rewrites the expected files (review the diff before committing).
set -u
. "$KFLEET_SRCDIR/tests/lib/tap.sh"
kfleet=$KFLEET_BUILDDIR/kfleet
fixtures=$KFLEET_SRCDIR/tests/cli/ownership
expected=$KFLEET_SRCDIR/tests/cli/expected
work=$(mktemp -d "${TMPDIR:-/tmp}/kfleet-listings.XXXXXX")
trap 'rm -rf "$work"' EXIT
export KFLEET_CATALOG=$work/catalog.db
export LC_ALL=C.UTF-8 COLUMNS=200

"$KFLEET_BUILDDIR/tests/cli/fill_catalog" "$KFLEET_CATALOG" || { echo "Bail out! fill_catalog failed"; exit 1; }

tap_run "import a multi-file ownership set" 0 \
	'^imported 2 teams, 3 services and 2 topics from 2 files \(2 documents ignored\): [1-9][0-9]* rows changed$' \
	"$kfleet" catalog import "$fixtures/teams.yaml" "$fixtures/services.yaml"

# check_listing NAME ARGS...: the output of `kfleet ARGS` equals expected/NAME.
check_listing() {
	local name=$1 out status
	shift
	out=$("$kfleet" "$@" 2>&1) && status=0 || status=$?
	if [ -n "${KFLEET_UPDATE_EXPECTED:-}" ]; then
		printf '%s\n' "$out" >"$expected/$name"
	fi
	if [ "$status" -ne 0 ]; then
		tap_not_ok "kfleet $*" "exit $status" "$out"
	elif ! diff -u "$expected/$name" - <<<"$out" >"$work/diff"; then
		tap_not_ok "kfleet $* (expected/$name)" "$(cat "$work/diff")"
	else
		tap_ok "kfleet $*"
	fi
}

for listing in clusters brokers topics partitions groups members lag acls quotas services teams; do
	for format in table json csv; do
		check_listing "$listing.$format" "$listing" --format "$format"
	done
done
for format in table json csv; do
	check_listing "lag-by-partition.$format" lag --by partition --format "$format"
done

# Filters, with ownership resolved: a group matched by a glob shows its service's team.
check_listing "groups-team-payments.json" groups --team payments --format json
check_listing "lag-service-order-service.csv" lag --service order-service --format csv
check_listing "lag-partition-cluster-group.csv" lag --by partition --cluster prod-eu \
	--group payment-service --format csv
check_listing "topics-team-payments.csv" topics --team payments --format csv
check_listing "acls-service.csv" acls --service payment-service --format csv
check_listing "partitions-cluster-topic.table" partitions --cluster prod-eu --topic orders
check_listing "brokers-cluster.json" brokers --cluster prod-us --format json
check_listing "members-group.csv" members --group payment-service --format csv
check_listing "members-team-payments.json" members --team payments --cluster prod-eu --format json

# A table fits the width it is given: no line longer than 70 cells.
narrow=$(COLUMNS=70 "$kfleet" lag --by partition)
if awk '{ if (length($0) > 70) bad = 1 } END { exit bad }' <<<"$narrow" &&
	grep -q '^prod-eu  analyti.*  900  ' <<<"$narrow"; then
	tap_ok "a table fits COLUMNS=70"
else
	tap_not_ok "a table fits COLUMNS=70" "$narrow"
fi
# A narrow group detail keeps the member ids and their assignments.
narrow=$(COLUMNS=50 "$kfleet" members)
if awk '{ if (length($0) > 50) bad = 1 } END { exit bad }' <<<"$narrow" &&
	grep -q '^prod-eu  payment-service  m-1 .*  orders\[0,1\]$' <<<"$narrow"; then
	tap_ok "members fit COLUMNS=50"
else
	tap_not_ok "members fit COLUMNS=50" "$narrow"
fi

tap_run "re-importing the same files changes nothing" 0 ': 0 rows changed$' \
	"$kfleet" catalog import "$fixtures/teams.yaml" "$fixtures/services.yaml"

# Export, then import the export into a second catalog: the same ownership.
"$kfleet" catalog export -o "$work/exported.yaml" 2>"$work/export.err"
tap_run "export writes YAML" 0 'kind: Component' cat "$work/exported.yaml"
second=$work/second.db
"$KFLEET_BUILDDIR/tests/cli/fill_catalog" "$second"
tap_run "the export imports into another catalog" 0 '^imported 2 teams, 3 services and 2 topics' \
	"$kfleet" catalog import --catalog "$second" "$work/exported.yaml"
for listing in services teams groups topics; do
	if diff <("$kfleet" "$listing" --format json) \
		<("$kfleet" "$listing" --format json --catalog "$second") >"$work/diff"; then
		tap_ok "$listing are the same after export and import"
	else
		tap_not_ok "$listing are the same after export and import" "$(cat "$work/diff")"
	fi
done
tap_run "the export re-imported into its own catalog changes nothing" 0 ': 0 rows changed$' \
	"$kfleet" catalog import "$work/exported.yaml"

# A bad file: one line naming file, line and column; nothing applied.
before=$("$kfleet" services --format json)
tap_run "an unknown owner is refused with file:line:column" 2 \
	"^kfleet catalog: .*bad\\.yaml:5:[0-9]+: .*nobody" \
	"$kfleet" catalog import "$fixtures/teams.yaml" "$fixtures/bad.yaml"
if [ "$before" = "$("$kfleet" services --format json)" ]; then
	tap_ok "a refused import changes nothing"
else
	tap_not_ok "a refused import changes nothing"
fi
tap_run "a missing file is named" 2 "no-such\\.yaml" \
	"$kfleet" catalog import "$work/no-such.yaml"

# The example that scripts/demo imports stays importable.
tap_run "doc/examples/demo-ownership.yaml imports" 0 \
	'^imported 3 teams, 5 services and 2 topics from 1 file \(0 documents ignored\)' \
	"$kfleet" catalog import --catalog "$work/demo.db" "$KFLEET_SRCDIR/doc/examples/demo-ownership.yaml"

# Usage errors: one line, exit 2; a missing catalog: exit 1.
tap_run "unknown format" 2 "^kfleet topics: unknown format 'xml' \\(use table, json or csv\\): see 'kfleet topics --help'$" \
	"$kfleet" topics --format xml
tap_run "a filter the listing has no field for" 2 "^kfleet clusters: --team does not apply here" \
	"$kfleet" clusters --team payments
tap_run "--by on another listing" 2 "^kfleet groups: --by applies to kfleet lag only" \
	"$kfleet" groups --by partition
tap_run "--by with a bad value" 2 "^kfleet lag: --by topic: use group or partition" \
	"$kfleet" lag --by topic
tap_run "stray argument" 2 "^kfleet teams: unexpected argument 'x'" "$kfleet" teams x
tap_run "members --bogus" 2 "^kfleet members: unknown option '--bogus': see 'kfleet members --help'$" \
	"$kfleet" members --bogus
lines=$("$kfleet" members --bogus 2>&1 | wc -l)
if [ "$lines" -eq 1 ]; then tap_ok "members --bogus says so in one line"
else tap_not_ok "members --bogus says so in one line" "$lines lines"; fi
tap_run "--group on partitions" 2 "^kfleet partitions: --group does not apply here" \
	"$kfleet" partitions --group payment-service
tap_run "--topic on members" 2 "^kfleet members: --topic does not apply here" \
	"$kfleet" members --topic orders
tap_run "--topic on brokers" 2 "^kfleet brokers: --topic does not apply here" \
	"$kfleet" brokers --topic orders
tap_run "catalog without an action" 2 "^kfleet catalog: name an action: import or export" \
	"$kfleet" catalog
tap_run "import without files" 2 "^kfleet catalog: import needs at least one YAML file" \
	"$kfleet" catalog import
tap_run "a catalog that does not exist" 1 "^kfleet lag: catalog $work/none\\.db: No such file or directory" \
	"$kfleet" lag --catalog "$work/none.db"
tap_done
