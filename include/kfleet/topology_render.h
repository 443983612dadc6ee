/* topology_render: a topology (kfleet/topology.h) drawn by Graphviz, the one module that
 * uses it (topology/render.c): services grouped by team, topics (and the groups and
 * principals no service claims) grouped by Kafka cluster, edges along the data with the
 * consumers' lag and status.
 *
 * Graphviz keeps its error state in globals: render from one thread at a time. */
#ifndef KFLEET_TOPOLOGY_RENDER_H
#define KFLEET_TOPOLOGY_RENDER_H

#include <stddef.h>

#include "kfleet/topology.h"

enum topology_format {
	TOPOLOGY_FORMAT_SVG,
	TOPOLOGY_FORMAT_PNG,
	TOPOLOGY_FORMAT_PDF,
	TOPOLOGY_FORMAT_DOT,
};

/* NAME ("svg", "png", "pdf", "dot"; any case) as a format: 0 and *FORMAT set, or -1 for
 * anything else (JSON is not drawn: it is the caller's, through topology_json). */
int topology_format_parse(const char *name, enum topology_format *format);

/* "svg", "png", "pdf", "dot". */
const char *topology_format_name(enum topology_format format);

/* Above this many nodes the layout is sfdp instead of dot. dot's cluster boxes and left to
 * right flow read best, but its drawing is one strip about 48 pt high per node (a
 * cluster's topics share a rank): 14,400 pt (20 screens) at 300 nodes, 48,600 at 1,000,
 * where sfdp's stays a few screens each way. Time does not decide: both take under 4 s at
 * 5,000 nodes (doc/benchmarks.md, "Topology layout"). sfdp draws no cluster boxes (labels
 * then carry the cluster: "prod-eu/orders") and labels only the edges that are not OK. */
#define TOPOLOGY_SFDP_ABOVE 300

/* The layout engine topology_render uses for TOPOLOGY: "dot" or "sfdp" ("dot" again when
 * this Graphviz has no sfdp). */
const char *topology_render_engine(const struct topology *topology);

/* Lay TOPOLOGY out and render it in FORMAT into a new buffer *DATA of *LENGTH bytes, with a
 * NUL after them (caller frees with free()). DOT is the graph before layout, with every
 * attribute kfleet sets and the engine in its `layout` attribute, so that any Graphviz
 * (`dot -Tsvg`) lays it out as kfleet would; it costs no layout. SVG elements carry ids
 * (the node ids, "produces:FROM->TO" for edges) and classes ("service", "topic", "group
 * unowned", "consumes warning", ...) for web pages.
 * Returns 0, or -1 with *DATA NULL and *ERR set to one line (caller frees): Graphviz's own
 * error, or, for a missing plugin, what to install ("Graphviz cannot write png here: ..."). */
int topology_render(const struct topology *topology, enum topology_format format,
                    char **data, size_t *length, char **err);

/* topology_render with the layout engine ENGINE ("dot", "sfdp", or any other this
 * Graphviz has; NULL: topology_render_engine's) instead of the one chosen by size: for
 * the benchmark, and for a caller that lets the user choose. Cluster boxes are drawn by
 * dot and fdp only. */
int topology_render_with_engine(const struct topology *topology, enum topology_format format,
                                const char *engine, char **data, size_t *length, char **err);

#endif
