#!/usr/bin/env bash
# The render module's output as other programs read it, through tests/cli/render_topology:
# the sample topology's SVG is well-formed XML (python3's parser) naming every node, with
# nothing on stderr in any format; PNG and PDF by their magic; a topology above
# TOPOLOGY_SFDP_ABOVE drawn by sfdp; and Graphviz without some of its plugins (GVBINDIR
# pointing at a private plugin folder) gives the message that says what to install.
set -u
. "$KFLEET_SRCDIR/tests/lib/tap.sh"
render=$KFLEET_BUILDDIR/tests/cli/render_topology
work=$(mktemp -d "${TMPDIR:-/tmp}/kfleet-render.XXXXXX")
trap 'rm -rf "$work"' EXIT

for tool in python3 dot pkg-config; do
	command -v "$tool" >/dev/null || { echo "Bail out! $tool not found: run scripts/deps"; exit 1; }
done

# check_svg FILE IDS [NAMES]: FILE parses as XML; every id in the file IDS is the <title> of
# a node and every name in NAMES the text of a label.
check_svg() {
	python3 - "$@" <<'EOF'
import sys
import xml.dom.minidom

svg = xml.dom.minidom.parse(sys.argv[1])
def text(element):
    return "".join(n.data for n in element.childNodes if n.nodeType == n.TEXT_NODE)
titles = set()
for g in svg.getElementsByTagName("g"):
    if "node" in g.getAttribute("class").split():
        titles.update(text(t) for t in g.getElementsByTagName("title"))
labels = set(text(t) for t in svg.getElementsByTagName("text"))
missing = [i for i in open(sys.argv[2]).read().splitlines() if i not in titles]
if len(sys.argv) > 3:
    missing += ["label " + n for n in open(sys.argv[3]).read().splitlines() if n not in labels]
if missing:
    sys.exit("not in the SVG: " + ", ".join(missing))
EOF
}

"$render" --ids >"$work/ids"
"$render" --names >"$work/names"

# Every format renders, with nothing on stderr (Graphviz's warnings are kept from it).
for format in svg png pdf dot; do
	if "$render" "$format" >"$work/sample.$format" 2>"$work/$format.err" && [ ! -s "$work/$format.err" ]; then
		tap_ok "$format: renders, stderr empty"
	else
		tap_not_ok "$format: renders, stderr empty" "stderr: $(cat "$work/$format.err")"
	fi
done

if out=$(check_svg "$work/sample.svg" "$work/ids" "$work/names" 2>&1); then
	tap_ok "svg: well-formed XML naming every node"
else
	tap_not_ok "svg: well-formed XML naming every node" "$out"
fi
tap_run "png: PNG magic" 0 '^89504e470d0a1a0a$' \
	bash -c "head -c 8 '$work/sample.png' | od -An -tx1 | tr -d ' \n'"
tap_run "pdf: PDF magic" 0 '^%PDF-$' head -c 5 "$work/sample.pdf"
if out=$(python3 - "$work/sample.dot" "$work/ids" 2>&1 <<'EOF'
import sys
dot = open(sys.argv[1]).read()
quoted = lambda name: '"' + name.replace('"', '\\"') + '"'
missing = [i for i in open(sys.argv[2]).read().splitlines() if quoted(i) not in dot]
if missing or "layout=dot" not in dot:
    sys.exit("not in the DOT: " + ", ".join(missing or ["layout=dot"]))
EOF
); then
	tap_ok "dot: names every node, and its layout engine"
else
	tap_not_ok "dot: names every node, and its layout engine" "$out"
fi

# Above the threshold: sfdp, still valid XML with every node.
big=$(sed -n 's/^#define TOPOLOGY_SFDP_ABOVE \([0-9]*\).*/\1/p' \
	"$KFLEET_SRCDIR/include/kfleet/topology_render.h")
big=$((big + 1))
tap_run "$big nodes: sfdp" 0 '^sfdp$' "$render" --engine "$big"
"$render" --ids "$big" >"$work/big.ids"
if "$render" svg "$big" >"$work/big.svg" 2>"$work/big.err" && [ ! -s "$work/big.err" ] &&
	out=$(check_svg "$work/big.svg" "$work/big.ids" 2>&1); then
	tap_ok "$big nodes: sfdp's SVG is well-formed XML naming every node"
else
	tap_not_ok "$big nodes: sfdp's SVG is well-formed XML naming every node" \
		"$(cat "$work/big.err") ${out:-}"
fi

# A Graphviz with only its core and dot layout plugins (no cairo, gd, neato_layout):
# svg still works, png and pdf say what to install, sfdp falls back to dot.
plugins=$(pkg-config --variable=libdir libgvc)/graphviz
mkdir -p "$work/core" "$work/none"
ln -s "$plugins"/libgvplugin_core.so.* "$plugins"/libgvplugin_dot_layout.so.* "$work/core/"
GVBINDIR=$work/core dot -c
hint='apt-get install libgvc6 \(if it is installed, register its plugins as root: libgvc6-config-update -c\)$'
tap_run "core only: svg" 0 '^<\?xml' env GVBINDIR="$work/core" "$render" svg
tap_run "core only: png names the package" 1 \
	"^Graphviz cannot write png here \(no cairo or gd plugin\): $hint" \
	env GVBINDIR="$work/core" "$render" png
tap_run "core only: pdf names the package" 1 \
	"^Graphviz cannot write pdf here \(no cairo plugin\): $hint" \
	env GVBINDIR="$work/core" "$render" pdf
tap_run "core only: no sfdp, dot instead" 0 '^dot$' env GVBINDIR="$work/core" "$render" --engine "$big"
# No plugin at all (none registered): nothing is drawn, but DOT needs no plugin.
tap_run "no plugins: svg names the package" 1 \
	"^Graphviz cannot write svg here \(no core plugin\): $hint" \
	env GVBINDIR="$work/none" "$render" svg
tap_run "no plugins: dot" 0 '^digraph topology' env GVBINDIR="$work/none" "$render" dot

tap_done
