#!/usr/bin/env bash
# kfleet topology export and the agent's /api/v1/topology.{json,svg} on a catalog the real
# agent filled from the real broker: two services (a producer by declaration, a consumer
# by its group's offsets), an unowned group, and every output format (SVG is valid XML
# naming every node, PNG and PDF have their magic bytes, DOT names every node).
set -u
. "$KFLEET_SRCDIR/tests/lib/tap.sh"
. "$KFLEET_SRCDIR/tests/lib/agent.sh"
loadgen=$KFLEET_BUILDDIR/kfleet-loadgen
kfleet=$KFLEET_BUILDDIR/kfleet
work=$(mktemp -d "${TMPDIR:-/tmp}/kfleet-topology.XXXXXX")
agent=
cleanup() {
	[ -n "$agent" ] && kill "$agent" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
prefix=topo$$-$RANDOM
export KFLEET_CATALOG=$work/catalog.db
# Under AddressSanitizer: the leaks inside Graphviz and fontconfig that kfleet cannot free
# (tests/lsan-graphviz.supp); Graphviz has no frame pointers, hence the slow unwinder.
export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}fast_unwind_on_malloc=0
export LSAN_OPTIONS=${LSAN_OPTIONS:+$LSAN_OPTIONS:}print_suppressions=0:suppressions=$KFLEET_SRCDIR/tests/lsan-graphviz.supp
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

"$loadgen" -b "$KAFKA_BOOTSTRAP" create "$prefix-orders" 2 >/dev/null
"$loadgen" -b "$KAFKA_BOOTSTRAP" produce "$prefix-orders" 20 >/dev/null
"$loadgen" -b "$KAFKA_BOOTSTRAP" consume "$prefix-orders" "$prefix-billing" 12 >/dev/null
"$loadgen" -b "$KAFKA_BOOTSTRAP" consume "$prefix-orders" "$prefix-adhoc" 5 >/dev/null
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
cat >"$work/agent.conf" <<EOF
cluster = topo
catalog = $work/catalog.db
interval = 2s
listen = 127.0.0.1:$port
kafka.bootstrap.servers = $KAFKA_BOOTSTRAP
EOF
"$KFLEET_BUILDDIR/kfleet-agent" --config "$work/agent.conf" >"$work/agent.log" 2>&1 &
agent=$!
if wait_for 30 grep -q 'generation written' "$work/agent.log"; then
	tap_ok "the agent collects the cluster"
else
	tap_not_ok "the agent collects the cluster" "$(tail -n 5 "$work/agent.log")"
fi

export_topology() {
	"$kfleet" topology export --cluster topo "$@"
}
# The billing group's lag as Kafka's own kafka-consumer-groups.sh sees it (what the
# consumer committed depends on how much it fetched).
billing_lag=$("$KFLEET_SRCDIR/tests/kafka/harness" groups --dir "$KAFKA_HARNESS_DIR" --describe \
	--group "$prefix-billing" 2>/dev/null |
	awk -v g="$prefix-billing" '$1 == g && $6 ~ /^[0-9]+$/ { s += $6 } END { print s + 0 }')
# checks_all: the expected graph around this test's topic, in $work/all.json.
checks_all() {
	jq -e --arg p "$prefix" --arg lag "$billing_lag" '
	(.nodes | map(.id) | index("service:checkout") != null and index("service:billing") != null
	 and index("topic:topo/" + $p + "-orders") != null and index("group:topo/" + $p + "-adhoc") != null)
	and (.nodes[] | select(.id == "group:topo/" + $p + "-adhoc") | .unowned == true)
	and (.nodes[] | select(.id == "service:billing") | .team == "payments")
	and (.edges[] | select(.from == "service:checkout" and .to == "topic:topo/" + $p + "-orders")
	     | .kind == "produces" and .sources == ["declaration"])
	and (.edges[] | select(.from == "topic:topo/" + $p + "-orders" and .to == "service:billing")
	     | .kind == "consumes" and .sources == ["offsets"] and .lag == ($lag | tonumber)
	       and .groups == [$p + "-billing"])' "$work/all.json" >/dev/null
}
# The agent's generations on a broker shared with other tests may lack a section now and
# then (a groups section that failed): each graph is checked once a generation has it all.
# retry CHECK: CHECK passes within 30 tries, a second apart (each export reads the
# generation current then).
retry() {
	for _ in $(seq 1 30); do
		"$@" && return 0
		sleep 1
	done
	return 1
}
exports_all() { export_topology --format json >"$work/all.json" && checks_all; }
if retry exports_all; then
	tap_ok "JSON: the producer by declaration, the consumer by offsets with its lag ($billing_lag, as Kafka says), the unowned group"
else
	tap_not_ok "JSON: the producer by declaration, the consumer by offsets with its lag, the unowned group" \
		"$(jq -c --arg p "$prefix" '{nodes: [.nodes[] | select(.id | test($p))],
			edges: [.edges[] | select(.from + .to | test($p))]}' "$work/all.json")" \
		"$(grep -E 'WARN|ERROR' "$work/agent.log" | tail -n 3)"
fi
checks_depth() {
	export_topology --service checkout --depth 1 --format json >"$work/depth1.json"
	export_topology --service checkout --depth 2 --format json >"$work/depth2.json"
	[ "$(jq -c '[.nodes[].id]' "$work/depth1.json")" = "[\"service:checkout\",\"topic:topo/$prefix-orders\"]" ] &&
		jq -e --arg p "$prefix" '[.nodes[].id] | index("service:billing") != null and
			index("group:topo/" + $p + "-adhoc") != null' "$work/depth2.json" >/dev/null
}
if retry checks_depth; then
	tap_ok "--depth 1 keeps the service and its topic; --depth 2 its consumers too"
else
	tap_not_ok "--depth cuts the neighbourhood" "$(jq -c '[.nodes[].id]' "$work/depth1.json")" \
		"$(jq -c '[.nodes[].id]' "$work/depth2.json")"
fi
tap_run "SVG to a file" 0 '' export_topology --format svg -o "$work/all.svg"
checks_svg() {
	export_topology --format svg -o "$work/all.svg" &&
		python3 - "$work/all.svg" "$prefix" <<'EOF'
import sys, xml.dom.minidom
doc = xml.dom.minidom.parse(sys.argv[1])
text = doc.toxml()
for name in ("checkout", "billing", sys.argv[2] + "-orders", sys.argv[2] + "-adhoc"):
    assert name in text, name
EOF
}
if retry checks_svg 2>"$work/svg.err"; then
	tap_ok "the SVG is valid XML naming every node"
else
	tap_not_ok "the SVG is valid XML naming every node" "$(head -c 600 "$work/all.svg")"
fi
export_topology --format png -o "$work/all.png" 2>"$work/png.err"
export_topology --format pdf -o "$work/all.pdf" 2>"$work/pdf.err"
if [ "$(head -c 8 "$work/all.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; then
	tap_ok "the PNG starts with PNG's signature"
else
	tap_not_ok "the PNG starts with PNG's signature" "$(cat "$work/png.err")"
fi
if [ "$(head -c 5 "$work/all.pdf")" = "%PDF-" ]; then
	tap_ok "the PDF starts with %PDF-"
else
	tap_not_ok "the PDF starts with %PDF-" "$(cat "$work/pdf.err")"
fi
export_topology --format dot >"$work/all.dot"
if grep -q "service:checkout" "$work/all.dot" && grep -q "topic:topo/$prefix-orders" "$work/all.dot" &&
	dot -Tsvg "$work/all.dot" >/dev/null; then
	tap_ok "DOT names every node and lays out with Graphviz's own dot"
else
	tap_not_ok "DOT names every node and lays out with Graphviz's own dot" "$(head -n 5 "$work/all.dot")"
fi
tap_run "a format that does not exist" 2 "unknown format 'gif'" export_topology --format gif
tap_run "no format" 2 "which format" export_topology
tap_run "a bad depth" 2 "--depth x" export_topology --depth x --format json
tap_run "a service that is not there: an empty graph, said so" 0 "nothing in the catalog matches" \
	export_topology --service nope --format json

# The agent serves its cluster's topology.
# Compared on this test's part of the graph (other tests share the broker, and their
# groups come and go between two cycles), without time lag and status, which move with
# every cycle.
api_matches() {
	jq -e --slurpfile all "$work/all.json" --arg p "$prefix" '
	def mine: select(test($p) or . == "service:checkout" or . == "service:billing");
	def still: {nodes: [.nodes[] | select(.id | mine)],
	            edges: [.edges[] | select((.from | mine) and (.to | mine))
	                    | del(.max_time_lag_seconds, .status)]};
	still == ($all[0] | still) and (still.nodes | length) == 4' "$work/api.json" >/dev/null
}
serves_all() { curl -s "http://127.0.0.1:$port/api/v1/topology.json" >"$work/api.json" && api_matches; }
if retry serves_all; then
	tap_ok "GET /api/v1/topology.json is the cluster's topology"
else
	tap_not_ok "GET /api/v1/topology.json is the cluster's topology" "$(head -c 600 "$work/api.json")"
fi
checks_api_svg() {
	type=$(curl -s -o "$work/api.svg" -w '%{http_code} %{content_type}' "http://127.0.0.1:$port/api/v1/topology.svg")
	[ "$type" = "200 image/svg+xml" ] &&
		python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$work/api.svg" &&
		grep -q billing "$work/api.svg"
}
if retry checks_api_svg 2>/dev/null; then
	tap_ok "GET /api/v1/topology.svg is SVG"
else
	tap_not_ok "GET /api/v1/topology.svg is SVG" "$type" "$(head -c 300 "$work/api.svg")"
fi
agent_stop_check "$agent" 10 "$work/agent.log"
agent=
tap_done
