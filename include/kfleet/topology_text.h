/* topology_text: a topology (kfleet/topology.h) drawn as text for the terminal UI, on a
 * canvas of character cells that the TUI copies to the screen (ncurses stays in tui/).
 * Graphviz lays it out as for topology_render (the engine topology_render_engine picks);
 * nodes are boxes with their label inside, services in their team's box and the others in
 * their Kafka cluster's (dot only: sfdp draws no such boxes), edges follow the layout's
 * routes in lines that merge where they meet or cross, with an arrowhead at the target's
 * box. Each cell says what it shows, so that the TUI colours it through its theme:
 *
 *   ╔═ prod-us ═════╗                       services ┌─┐ (ASCII +-+), topics ╭─╮ (.-.),
 *   ║               ║                       groups and principals no service claims
 *   ║  ╭────────╮   ║   ┌────────────┐      ┌╌┐ ╎ (+..+ :), teams and Kafka clusters ╔═╗
 *   ║  │ orders │──────▶│ orphan-job │      (#=#); edges ─ │ ┌ ┼ (- | +), arrowheads
 *   ║  ╰────────╯   ║   └────────────┘      ▶ ◀ ▼ ▲ (> < v ^).
 *   ╚═══════════════╝
 *
 * Graphviz keeps its error state in globals: draw from one thread at a time, and not while
 * topology_render runs in another. */
#ifndef KFLEET_TOPOLOGY_TEXT_H
#define KFLEET_TOPOLOGY_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "kfleet/topology.h"

/* What a canvas cell shows. The edge kinds go from least to most severe: where edges share
 * a cell, the most severe shows. */
enum topology_cell {
	TOPOLOGY_CELL_BLANK,
	TOPOLOGY_CELL_CLUSTER,          /* a team's or Kafka cluster's box and its title */
	TOPOLOGY_CELL_SERVICE,
	TOPOLOGY_CELL_TOPIC,
	TOPOLOGY_CELL_UNOWNED,          /* a group or principal no service claims */
	TOPOLOGY_CELL_EDGE,             /* produces, or consumes with an unknown status */
	TOPOLOGY_CELL_EDGE_OK,
	TOPOLOGY_CELL_EDGE_WARNING,
	TOPOLOGY_CELL_EDGE_ERROR,       /* REWIND, STALLED, STOPPED */
};

/* A node's box, in cells from the canvas's top left: its label is on the middle row. */
struct topology_canvas_node {
	size_t node;                    /* index into topology->nodes */
	int x, y, width, height;
};

struct topology_canvas {
	int width, height;              /* in cells */
	char **lines;                   /* HEIGHT NUL-terminated lines of WIDTH cells each, one
	                                   character a cell: UTF-8, or ASCII only */
	unsigned char *cells;           /* WIDTH * HEIGHT enum topology_cell, row by row */
	struct topology_canvas_node *nodes;     /* every node of the topology, by (y, x) */
	size_t node_count;
};

/* TOPOLOGY laid out and drawn into a new *CANVAS (free with topology_canvas_free), with
 * box-drawing characters when UNICODE, else in ASCII. A label is the node's name (after its
 * Kafka cluster, "prod-eu/orders", unless the cluster's box is drawn), "group NAME
 * (unowned)" or "principal NAME (unowned)"; past 48 cells its name is cut short by "…"
 * ("~"). A character that is not printable, or not ASCII in an ASCII canvas, shows as "?";
 * each is taken as one cell wide. An empty topology is a 0 x 0 canvas.
 * Returns 0, or -1 with *CANVAS NULL and *ERR set to one line (caller frees): a malformed
 * topology, Graphviz's error, or out of memory. */
int topology_canvas_draw(const struct topology *topology, bool unicode,
                         struct topology_canvas **canvas, char **err);

void topology_canvas_free(struct topology_canvas *canvas);

/* The node box that holds cell (X, Y), or NULL: for a mouse click. */
const struct topology_canvas_node *topology_canvas_node_at(const struct topology_canvas *canvas,
                                                           int x, int y);

/* The node box nearest to FROM (one of CANVAS's) in the direction (DX, DY), one of (1, 0),
 * (-1, 0), (0, 1), (0, -1) (right, left, down, up): the boxes level with FROM first, then
 * those beyond its side; NULL when there is none that way. For the arrow keys. */
const struct topology_canvas_node *topology_canvas_nearest(const struct topology_canvas *canvas,
                                                           const struct topology_canvas_node *from,
                                                           int dx, int dy);

#endif
