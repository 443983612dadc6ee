/* topology_text: the topology laid out by Graphviz (topology/graph.c's graph, each node a
 * box of its label's size in cells) and drawn on a canvas of character cells for the
 * terminal UI: the groups' boxes, the nodes' boxes, then each edge: its route sampled into
 * points, cut down to its shape, walked cell by cell out of one box and into the other, its
 * staircases made Zs where they fit, its cells' directions added to the lines already there
 * (so that lines merge), an arrowhead last. */
#include "config.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gvc.h>

#include "kfleet/lag.h"
#include "kfleet/strfmt.h"
#include "kfleet/topology_render.h"
#include "kfleet/topology_text.h"
#include "topology/graph.h"

/* A cell is 8 x 16 points to Graphviz: like a terminal's cells, twice as tall as wide, so
 * that the layout's proportions (sfdp's distances, dot's gaps) are the screen's. */
#define TEXT_CELL_WIDTH 8.0
#define TEXT_CELL_HEIGHT 16.0

/* A node is a box of its label plus 4 cells ("│ " and " │") by 3 rows. */
#define TEXT_NODE_ROWS 3
#define TEXT_LABEL_MAX 48               /* cells of a label, its "…" included */

/* dot's gaps, in inches: between ranks (left to right), where edges turn, 9 cells; between
 * the nodes of a rank, 3 rows. */
#define TEXT_RANKSEP "1.0"
#define TEXT_NODESEP "0.667"

/* A group's box is drawn 12 points inside the one dot leaves around its nodes, 36 points
 * (its margin) away from them: its lines then keep a blank row and two columns from the
 * boxes inside (the cells round a line's place by up to a cell), and a row from the groups
 * beside it, which dot keeps only 8 points apart. */
#define TEXT_GROUP_MARGIN "36"
#define TEXT_GROUP_INSET 12.0

/* sfdp keeps nodes this far apart (points added on each side): a column and a row, where
 * edges pass. */
#define TEXT_SFDP_SEP "+8,+16"

/* A canvas past this many cells (12 bytes each while drawn) is an error, not an allocation
 * of gigabytes. */
#define TEXT_MAX_CELLS (1 << 24)

/* ---------------------------------------------------------------- how things look */

enum text_box {
	TEXT_BOX_SERVICE,
	TEXT_BOX_TOPIC,
	TEXT_BOX_UNOWNED,
	TEXT_BOX_GROUP,                 /* a team's or Kafka cluster's */
	TEXT_BOX_COUNT
};

struct text_box_glyphs {
	uint32_t top_left, top_right, bottom_left, bottom_right, horizontal, vertical;
};

/* [unicode][box]: services in single lines, topics rounded, the unowned dashed, groups in
 * double lines. */
static const struct text_box_glyphs text_boxes[2][TEXT_BOX_COUNT] = {
	[false] = {
		[TEXT_BOX_SERVICE] = { '+', '+', '+', '+', '-', '|' },
		[TEXT_BOX_TOPIC] = { '.', '.', '\'', '\'', '-', '|' },
		[TEXT_BOX_UNOWNED] = { '+', '+', '+', '+', '.', ':' },
		[TEXT_BOX_GROUP] = { '#', '#', '#', '#', '=', '#' },
	},
	[true] = {
		[TEXT_BOX_SERVICE] = { 0x250c, 0x2510, 0x2514, 0x2518, 0x2500, 0x2502 },
		[TEXT_BOX_TOPIC] = { 0x256d, 0x256e, 0x2570, 0x256f, 0x2500, 0x2502 },
		[TEXT_BOX_UNOWNED] = { 0x250c, 0x2510, 0x2514, 0x2518, 0x254c, 0x254e },
		[TEXT_BOX_GROUP] = { 0x2554, 0x2557, 0x255a, 0x255d, 0x2550, 0x2551 },
	},
};

/* Each kind of node: its box, its cells, and what its label says around its name. */
static const struct text_node_look {
	enum text_box box;
	enum topology_cell cell;
	const char *prefix, *suffix;
} text_node_looks[] = {
	[TOPOLOGY_SERVICE] = { .box = TEXT_BOX_SERVICE, .cell = TOPOLOGY_CELL_SERVICE,
		.prefix = "", .suffix = "" },
	[TOPOLOGY_TOPIC] = { .box = TEXT_BOX_TOPIC, .cell = TOPOLOGY_CELL_TOPIC,
		.prefix = "", .suffix = "" },
	[TOPOLOGY_GROUP] = { .box = TEXT_BOX_UNOWNED, .cell = TOPOLOGY_CELL_UNOWNED,
		.prefix = "group ", .suffix = " (unowned)" },
	[TOPOLOGY_PRINCIPAL] = { .box = TEXT_BOX_UNOWNED, .cell = TOPOLOGY_CELL_UNOWNED,
		.prefix = "principal ", .suffix = " (unowned)" },
};

_Static_assert(sizeof text_node_looks / sizeof text_node_looks[0] == TOPOLOGY_PRINCIPAL + 1,
               "a look per kind of node");

/* A consumes edge's cells by its status; produces edges are TOPOLOGY_CELL_EDGE. */
static const unsigned char text_status_cells[LAG_STATUS_COUNT] = {
	[LAG_STATUS_UNKNOWN] = TOPOLOGY_CELL_EDGE,
	[LAG_STATUS_OK] = TOPOLOGY_CELL_EDGE_OK,
	[LAG_STATUS_WARNING] = TOPOLOGY_CELL_EDGE_WARNING,
	[LAG_STATUS_REWIND] = TOPOLOGY_CELL_EDGE_ERROR,
	[LAG_STATUS_STALLED] = TOPOLOGY_CELL_EDGE_ERROR,
	[LAG_STATUS_STOPPED] = TOPOLOGY_CELL_EDGE_ERROR,
};

/* Where a cell's edges go, as bits: a line's character is their union, so that edges that
 * meet or cross merge (├, ┼). */
enum {
	TEXT_UP = 1 << 0,
	TEXT_DOWN = 1 << 1,
	TEXT_LEFT = 1 << 2,
	TEXT_RIGHT = 1 << 3,
};

/* [unicode][directions]; a line that ends in a cell goes on across it. */
static const uint32_t text_lines[2][16] = {
	[false] = {
		[0] = ' ',
		[TEXT_UP] = '|', [TEXT_DOWN] = '|', [TEXT_UP | TEXT_DOWN] = '|',
		[TEXT_LEFT] = '-', [TEXT_RIGHT] = '-', [TEXT_LEFT | TEXT_RIGHT] = '-',
		[TEXT_UP | TEXT_LEFT] = '+', [TEXT_UP | TEXT_RIGHT] = '+',
		[TEXT_DOWN | TEXT_LEFT] = '+', [TEXT_DOWN | TEXT_RIGHT] = '+',
		[TEXT_UP | TEXT_DOWN | TEXT_LEFT] = '+', [TEXT_UP | TEXT_DOWN | TEXT_RIGHT] = '+',
		[TEXT_UP | TEXT_LEFT | TEXT_RIGHT] = '+', [TEXT_DOWN | TEXT_LEFT | TEXT_RIGHT] = '+',
		[TEXT_UP | TEXT_DOWN | TEXT_LEFT | TEXT_RIGHT] = '+',
	},
	[true] = {
		[0] = ' ',
		[TEXT_UP] = 0x2502, [TEXT_DOWN] = 0x2502, [TEXT_UP | TEXT_DOWN] = 0x2502,
		[TEXT_LEFT] = 0x2500, [TEXT_RIGHT] = 0x2500, [TEXT_LEFT | TEXT_RIGHT] = 0x2500,
		[TEXT_UP | TEXT_LEFT] = 0x2518, [TEXT_UP | TEXT_RIGHT] = 0x2514,
		[TEXT_DOWN | TEXT_LEFT] = 0x2510, [TEXT_DOWN | TEXT_RIGHT] = 0x250c,
		[TEXT_UP | TEXT_DOWN | TEXT_LEFT] = 0x2524, [TEXT_UP | TEXT_DOWN | TEXT_RIGHT] = 0x251c,
		[TEXT_UP | TEXT_LEFT | TEXT_RIGHT] = 0x2534, [TEXT_DOWN | TEXT_LEFT | TEXT_RIGHT] = 0x252c,
		[TEXT_UP | TEXT_DOWN | TEXT_LEFT | TEXT_RIGHT] = 0x253c,
	},
};

/* An arrowhead by the way it points, [unicode][direction]. */
static const uint32_t text_arrows[2][TEXT_RIGHT + 1] = {
	[false] = { [TEXT_UP] = '^', [TEXT_DOWN] = 'v', [TEXT_LEFT] = '<', [TEXT_RIGHT] = '>' },
	[true] = { [TEXT_UP] = 0x25b2, [TEXT_DOWN] = 0x25bc, [TEXT_LEFT] = 0x25c0,
	           [TEXT_RIGHT] = 0x25b6 },
};

/* What ends a label cut short, [unicode]. */
static const uint32_t text_ellipsis[2] = { '~', 0x2026 };

/* ---------------------------------------------------------------- labels */

/* A name as cells: at most TEXT_LABEL_MAX characters. */
struct text_label {
	uint32_t characters[TEXT_LABEL_MAX];
	int length;
};

/* The next character of the UTF-8 string at *S, moving *S past it; U+FFFD for a byte that
 * does not start a well-formed character (the byte alone is skipped). */
static uint32_t
text_decode(const unsigned char **s)
{
	const unsigned char *p = *s;
	uint32_t character;
	int more;

	if (p[0] < 0x80) {
		*s = p + 1;
		return p[0];
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		character = p[0] & 0x1f;
		more = 1;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		character = p[0] & 0x0f;
		more = 2;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		character = p[0] & 0x07;
		more = 3;
	} else {
		*s = p + 1;
		return 0xfffd;
	}
	for (int i = 1; i <= more; i++) {
		if ((p[i] & 0xc0) != 0x80) {
			*s = p + 1;
			return 0xfffd;
		}
		character = character << 6 | (p[i] & 0x3f);
	}
	/* overlong forms, surrogates, past U+10FFFF */
	if ((more == 2 && character < 0x800) || (more == 3 && character < 0x10000) ||
	    (character >= 0xd800 && character <= 0xdfff) || character > 0x10ffff) {
		*s = p + 1;
		return 0xfffd;
	}
	*s = p + 1 + more;
	return character;
}

/* Whether CHARACTER is shown as it is: printable, and ASCII in an ASCII canvas. The C1
 * controls and U+FFFD (a byte that was not UTF-8) are not. */
static bool
text_printable(uint32_t character, bool unicode)
{
	if (character < 0x20 || character == 0x7f)
		return false;
	if (character < 0x7f)
		return true;
	return unicode && character >= 0xa0 && character != 0xfffd;
}

/* Append STRING to LABEL up to LIMIT characters in all, its last one then an ellipsis.
 * Returns whether STRING was cut short. */
static bool
text_label_add(struct text_label *label, const char *string, int limit, bool unicode)
{
	const unsigned char *p = (const unsigned char *)string;

	while (*p != '\0') {
		uint32_t character = text_decode(&p);

		if (label->length == limit) {
			label->characters[limit - 1] = text_ellipsis[unicode];
			return true;
		}
		label->characters[label->length++] = text_printable(character, unicode) ? character
		                                                                        : '?';
	}
	return false;
}

/* NODE's label: its name, after its Kafka cluster (not a service's) unless a box shows the
 * cluster, between its kind's prefix and suffix; the name is what is cut short. */
static void
text_label_make(struct text_label *label, const struct topology_node *node, bool in_cluster,
                bool unicode)
{
	const struct text_node_look *look = &text_node_looks[node->kind];
	int limit = TEXT_LABEL_MAX - (int)strlen(look->suffix);
	bool cut;

	label->length = 0;
	cut = text_label_add(label, look->prefix, limit, unicode);
	if (!cut && !in_cluster && node->kind != TOPOLOGY_SERVICE && node->cluster != NULL)
		cut = text_label_add(label, node->cluster, limit, unicode) ||
		      text_label_add(label, "/", limit, unicode);
	if (!cut)
		text_label_add(label, node->name != NULL ? node->name : "", limit, unicode);
	text_label_add(label, look->suffix, TEXT_LABEL_MAX, unicode);
}

/* ---------------------------------------------------------------- the canvas being drawn */

struct text_cell {
	uint32_t character;
	unsigned char kind;             /* enum topology_cell */
	unsigned char lines;            /* TEXT_UP...: the edges through the cell */
	unsigned char arrow;            /* the way an arrowhead here points, or 0 */
	bool locked;                    /* a node box or a title: no edge over it */
};

struct text_point {
	int x, y;
};

struct text_sample {
	pointf at;                      /* in cells, not rounded */
	bool keep;
};

/* The boxes an edge joins, and the cells just out of them where its path leaves FROM and
 * enters TO (text_side's). */
struct text_ends {
	const struct topology_canvas_node *from, *to;
	struct text_point leave, enter;
};

struct text_drawing {
	const struct topology *topology;
	bool unicode;
	struct text_label *labels;      /* by node */
	struct topology_canvas_node *boxes;     /* by node */
	double left, top;               /* the layout's left and top, in points */
	int width, height;
	struct text_cell *cells;
	struct text_point *path;        /* the cells of the edge being drawn */
	size_t path_length, path_size;
	struct text_point *bend;        /* a way through a part of it with fewer turns */
	size_t bend_length, bend_size;
	struct text_sample *samples;    /* the points of the edge's route, in cells */
	size_t sample_count, sample_size;
	size_t *spans;                  /* text_simplify's work: pairs of samples */
	size_t span_size;
};

static struct text_cell *
text_cell(struct text_drawing *drawing, int x, int y)
{
	if (x < 0 || y < 0 || x >= drawing->width || y >= drawing->height)
		return NULL;
	return &drawing->cells[(size_t)y * (size_t)drawing->width + (size_t)x];
}

static void
text_put(struct text_drawing *drawing, int x, int y, uint32_t character, enum topology_cell kind,
         bool locked)
{
	struct text_cell *cell = text_cell(drawing, x, y);

	if (cell != NULL) {
		cell->character = character;
		cell->kind = (unsigned char)kind;
		cell->locked = locked;
	}
}

/* A box's outline from (X, Y), WIDTH by HEIGHT cells, its inside cleared when FILL. */
static void
text_box(struct text_drawing *drawing, int x, int y, int width, int height, enum text_box shape,
         enum topology_cell kind, bool fill)
{
	const struct text_box_glyphs *glyphs = &text_boxes[drawing->unicode][shape];
	int right = x + width - 1, bottom = y + height - 1;

	for (int column = x + 1; column < right; column++) {
		text_put(drawing, column, y, glyphs->horizontal, kind, fill);
		text_put(drawing, column, bottom, glyphs->horizontal, kind, fill);
		for (int row = y + 1; fill && row < bottom; row++)
			text_put(drawing, column, row, ' ', kind, true);
	}
	for (int row = y + 1; row < bottom; row++) {
		text_put(drawing, x, row, glyphs->vertical, kind, fill);
		text_put(drawing, right, row, glyphs->vertical, kind, fill);
	}
	text_put(drawing, x, y, glyphs->top_left, kind, fill);
	text_put(drawing, right, y, glyphs->top_right, kind, fill);
	text_put(drawing, x, bottom, glyphs->bottom_left, kind, fill);
	text_put(drawing, right, bottom, glyphs->bottom_right, kind, fill);
}

/* The integer at or below X (a layout's coordinates are far within int's range); spelled
 * out, so that the library needs no libm. */
static int
text_floor(double x)
{
	int i = (int)x;

	return x < i ? i - 1 : i;
}

/* A point of the layout (points, y up) in cells (x right, y down) from the top left. */
static pointf
text_at(const struct text_drawing *drawing, pointf where)
{
	return (pointf){ (where.x - drawing->left) / TEXT_CELL_WIDTH,
	                 (drawing->top - where.y) / TEXT_CELL_HEIGHT };
}

/* The cell of a point of the layout. */
static struct text_point
text_point(const struct text_drawing *drawing, pointf where)
{
	pointf at = text_at(drawing, where);

	return (struct text_point){ text_floor(at.x), text_floor(at.y) };
}

/* ---------------------------------------------------------------- the layout's style */

static int
text_style_graph(void *data, const struct graph *graph)
{
	(void)data;
	agattr(graph->root, AGNODE, "shape", "box");
	agattr(graph->root, AGNODE, "fixedsize", "true");
	/* No text to measure: the sizes are the labels' in cells. */
	agattr(graph->root, AGNODE, "label", "");
	if (graph->clusters_drawn) {
		agsafeset(graph->root, "ranksep", TEXT_RANKSEP, "");
		agsafeset(graph->root, "nodesep", TEXT_NODESEP, "");
	} else {
		agsafeset(graph->root, "sep", TEXT_SFDP_SEP, "");
	}
	return 0;
}

static int
text_style_group(void *data, Agraph_t *subgraph, const char *name, bool by_team)
{
	(void)data;
	(void)name;
	(void)by_team;
	agsafeset(subgraph, "margin", TEXT_GROUP_MARGIN, "");
	return 0;
}

static int
text_style_node(void *data, Agnode_t *drawn, const struct topology_node *node, bool in_cluster)
{
	struct text_drawing *drawing = data;
	size_t index = (size_t)(node - drawing->topology->nodes);
	struct text_label *label = &drawing->labels[index];
	struct topology_canvas_node *rect = &drawing->boxes[index];
	char inches[32];

	text_label_make(label, node, in_cluster, drawing->unicode);
	rect->node = index;
	rect->width = label->length + 4;
	rect->height = TEXT_NODE_ROWS;
	snprintf(inches, sizeof inches, "%.4f", rect->width * TEXT_CELL_WIDTH / 72.0);
	agsafeset(drawn, "width", inches, "");
	snprintf(inches, sizeof inches, "%.4f", rect->height * TEXT_CELL_HEIGHT / 72.0);
	agsafeset(drawn, "height", inches, "");
	return 0;
}

/* How the layout sees a canvas: boxes of known sizes, no text (titles go on the top line of
 * a group's box, not in the layout). Its data is the struct text_drawing. */
static const struct graph_style text_style = {
	.graph = text_style_graph,
	.group = text_style_group,
	.node = text_style_node,
};

/* ---------------------------------------------------------------- drawing */

/* Each group's box, with its name on its top line: "╔═ payments ═══╗". */
static void
text_draw_groups(struct text_drawing *drawing, const struct graph_groups *groups)
{
	for (size_t i = 0; i < groups->count; i++) {
		boxf bounds = GD_bb(groups->subgraphs[i]);
		struct text_point top_left = text_point(drawing, (pointf){
			bounds.LL.x + TEXT_GROUP_INSET, bounds.UR.y - TEXT_GROUP_INSET });
		struct text_point bottom_right = text_point(drawing, (pointf){
			bounds.UR.x - TEXT_GROUP_INSET, bounds.LL.y + TEXT_GROUP_INSET });
		const struct text_box_glyphs *glyphs = &text_boxes[drawing->unicode][TEXT_BOX_GROUP];
		struct text_label title = { .length = 0 };
		int room = bottom_right.x - top_left.x + 1 - 6;         /* "╔═ " and " ═╗" */

		text_box(drawing, top_left.x, top_left.y, bottom_right.x - top_left.x + 1,
		         bottom_right.y - top_left.y + 1, TEXT_BOX_GROUP, TOPOLOGY_CELL_CLUSTER, false);
		if (room < 1)
			continue;
		text_label_add(&title, groups->names[i], room < TEXT_LABEL_MAX ? room : TEXT_LABEL_MAX,
		               drawing->unicode);
		/* no edge over "╔═ title " either: it would not read as a title any more */
		text_put(drawing, top_left.x, top_left.y, glyphs->top_left, TOPOLOGY_CELL_CLUSTER, true);
		text_put(drawing, top_left.x + 1, top_left.y, glyphs->horizontal, TOPOLOGY_CELL_CLUSTER,
		         true);
		text_put(drawing, top_left.x + 2, top_left.y, ' ', TOPOLOGY_CELL_CLUSTER, true);
		for (int k = 0; k < title.length; k++)
			text_put(drawing, top_left.x + 3 + k, top_left.y, title.characters[k],
			         TOPOLOGY_CELL_CLUSTER, true);
		text_put(drawing, top_left.x + 3 + title.length, top_left.y, ' ',
		         TOPOLOGY_CELL_CLUSTER, true);
	}
}

/* Place each node's box where the layout put its centre, and draw it with its label. */
static void
text_draw_nodes(struct text_drawing *drawing, Agnode_t **drawn)
{
	for (size_t i = 0; i < drawing->topology->node_count; i++) {
		const struct text_node_look *look = &text_node_looks[drawing->topology->nodes[i].kind];
		struct topology_canvas_node *rect = &drawing->boxes[i];
		const struct text_label *label = &drawing->labels[i];
		pointf centre = ND_coord(drawn[i]);

		/* the nearest cells to the box the layout has (a rounding) */
		rect->x = text_floor((centre.x - drawing->left) / TEXT_CELL_WIDTH -
		                     rect->width / 2.0 + 0.5);
		rect->y = text_floor((drawing->top - centre.y) / TEXT_CELL_HEIGHT -
		                     rect->height / 2.0 + 0.5);
		text_box(drawing, rect->x, rect->y, rect->width, rect->height, look->box, look->cell, true);
		for (int k = 0; k < label->length; k++)
			text_put(drawing, rect->x + 2 + k, rect->y + rect->height / 2, label->characters[k],
			         look->cell, true);
	}
}

static bool
text_inside(const struct topology_canvas_node *rect, struct text_point where)
{
	return where.x >= rect->x && where.x < rect->x + rect->width && where.y >= rect->y &&
	       where.y < rect->y + rect->height;
}

/* Append WHERE to the array *CELLS of *LENGTH cells, *SIZE allocated. */
static int
text_cells_add(struct text_point **cells, size_t *length, size_t *size, struct text_point where)
{
	if (*length == *size) {
		size_t more = *size == 0 ? 256 : 2 * *size;
		struct text_point *grown = realloc(*cells, more * sizeof *grown);

		if (grown == NULL)
			return -1;
		*cells = grown;
		*size = more;
	}
	(*cells)[(*length)++] = where;
	return 0;
}

static int
text_path_add(struct text_drawing *drawing, struct text_point where)
{
	return text_cells_add(&drawing->path, &drawing->path_length, &drawing->path_size, where);
}

/* Walk the path on to TO one cell at a time, up, down, left or right, along the straight
 * line from where it is: each cell of an edge touches the next by a side. */
static int
text_path_to(struct text_drawing *drawing, struct text_point to)
{
	struct text_point from, at;
	int steps_x, steps_y, step_x, step_y, done_x = 0, done_y = 0;

	if (drawing->path_length == 0)
		return text_path_add(drawing, to);
	from = at = drawing->path[drawing->path_length - 1];
	steps_x = abs(to.x - from.x);
	steps_y = abs(to.y - from.y);
	step_x = to.x > from.x ? 1 : -1;
	step_y = to.y > from.y ? 1 : -1;
	while (done_x < steps_x || done_y < steps_y) {
		/* the step whose half-way mark comes first along the line */
		if (done_y == steps_y ||
		    (done_x < steps_x &&
		     (2 * (long)done_x + 1) * steps_y < (2 * (long)done_y + 1) * steps_x)) {
			at.x += step_x;
			done_x++;
		} else {
			at.y += step_y;
			done_y++;
		}
		if (text_path_add(drawing, at) < 0)
			return -1;
	}
	return 0;
}

/* The cell just out of RECT where an edge to or from OTHER leaves or enters it: the middle
 * of its side that faces OTHER when the two are apart left to right (dot's ranks), so that
 * arrowheads point at labels; else, above or below it where the route (at WHERE, in cells)
 * does. The route's own ends are on the outline, often by a corner, where the cells round
 * either way. */
static struct text_point
text_side(const struct topology_canvas_node *rect, const struct topology_canvas_node *other,
          pointf where)
{
	int column = text_floor(where.x);

	if (other->x >= rect->x + rect->width)
		return (struct text_point){ rect->x + rect->width, rect->y + rect->height / 2 };
	if (other->x + other->width <= rect->x)
		return (struct text_point){ rect->x - 1, rect->y + rect->height / 2 };
	/* not by a corner */
	if (column < rect->x + 1)
		column = rect->x + 1;
	if (column > rect->x + rect->width - 2)
		column = rect->x + rect->width - 2;
	return (struct text_point){ column, where.y < rect->y + rect->height / 2.0
	                                    ? rect->y - 1 : rect->y + rect->height };
}

static struct text_point
text_centre(const struct topology_canvas_node *rect)
{
	return (struct text_point){ rect->x + rect->width / 2, rect->y + rect->height / 2 };
}

/* The way from A to the next cell B, a side's bit. */
static unsigned char
text_direction(struct text_point a, struct text_point b)
{
	if (b.x > a.x)
		return TEXT_RIGHT;
	if (b.x < a.x)
		return TEXT_LEFT;
	return b.y > a.y ? TEXT_DOWN : TEXT_UP;
}

/* Whether WHERE is out of RECT past the line of its cell SIDE (text_side's), away from it. */
static bool
text_beyond(const struct topology_canvas_node *rect, struct text_point side, struct text_point where)
{
	if (side.x == rect->x + rect->width)
		return where.x >= side.x;
	if (side.x == rect->x - 1)
		return where.x <= side.x;
	return side.y < rect->y ? where.y <= side.y : where.y >= side.y;
}

/* Append the route's point WHERE to the samples, unless its cell is in either end's box, or
 * the route has not yet gone past the cell the path leaves FROM by: a route starts on FROM's
 * outline, maybe on another side, and the path is not to go back round the box.
 * (text_path_make trims the end likewise.) */
static int
text_sample_add(struct text_drawing *drawing, pointf where, const struct text_ends *ends)
{
	pointf at = text_at(drawing, where);
	struct text_point cell = { text_floor(at.x), text_floor(at.y) };

	if (text_inside(ends->from, cell) || text_inside(ends->to, cell))
		return 0;
	if (drawing->sample_count == 0 && !text_beyond(ends->from, ends->leave, cell))
		return 0;
	if (drawing->sample_count == drawing->sample_size) {
		size_t size = drawing->sample_size == 0 ? 256 : 2 * drawing->sample_size;
		struct text_sample *grown = realloc(drawing->samples, size * sizeof *grown);

		if (grown == NULL)
			return -1;
		drawing->samples = grown;
		drawing->sample_size = size;
	}
	drawing->samples[drawing->sample_count++] = (struct text_sample){ .at = at };
	return 0;
}

/* Sample the cubic Bézier C[0..3] into the samples, 3 points a cell (of its control
 * polygon, which is longer than the curve). */
static int
text_sample_curve(struct text_drawing *drawing, const pointf *c, const struct text_ends *ends)
{
	double length = 0;
	int samples;

	for (int j = 0; j < 3; j++) {
		double across = (c[j + 1].x - c[j].x) / TEXT_CELL_WIDTH;
		double down = (c[j + 1].y - c[j].y) / TEXT_CELL_HEIGHT;

		length += (across < 0 ? -across : across) + (down < 0 ? -down : down);
	}
	samples = 2 + (int)(length * 3);
	for (int s = 0; s <= samples; s++) {
		double t = (double)s / samples, u = 1 - t;
		pointf at = {
			u * u * u * c[0].x + 3 * u * u * t * c[1].x + 3 * u * t * t * c[2].x +
				t * t * t * c[3].x,
			u * u * u * c[0].y + 3 * u * u * t * c[1].y + 3 * u * t * t * c[2].y +
				t * t * t * c[3].y,
		};

		if (text_sample_add(drawing, at, ends) < 0)
			return -1;
	}
	return 0;
}

/* A route's wiggles of less than a cell are noise once it is drawn in cells, where they
 * would be jogs: the samples are cut down to those that keep the route within this many
 * cells of where it was (Ramer-Douglas-Peucker). */
#define TEXT_SIMPLIFY_CELLS 2.0

/* How far P is from the line through A and B, in cells. */
static double
text_distance(pointf p, pointf a, pointf b)
{
	double dx = b.x - a.x, dy = b.y - a.y, length2 = dx * dx + dy * dy;
	double cross = (p.x - a.x) * dy - (p.y - a.y) * dx;

	if (length2 == 0)
		return (p.x - a.x) * (p.x - a.x) + (p.y - a.y) * (p.y - a.y) <= 0 ? 0 : 1e9;
	/* compared squared: no sqrt, no libm */
	return cross * cross / length2;
}

static int
text_simplify(struct text_drawing *drawing)
{
	struct text_sample *samples = drawing->samples;
	size_t count = drawing->sample_count, spans = 0, kept = 0;

	if (count < 3)
		return 0;
	if (drawing->span_size < 2 * count) {
		size_t *grown = realloc(drawing->spans, 2 * count * sizeof *grown);

		if (grown == NULL)
			return -1;
		drawing->spans = grown;
		drawing->span_size = 2 * count;
	}
	for (size_t k = 0; k < count; k++)
		samples[k].keep = k == 0 || k == count - 1;
	drawing->spans[spans++] = 0;
	drawing->spans[spans++] = count - 1;
	while (spans > 0) {
		size_t last = drawing->spans[--spans], first = drawing->spans[--spans], farthest = 0;
		double worst = TEXT_SIMPLIFY_CELLS * TEXT_SIMPLIFY_CELLS;

		for (size_t k = first + 1; k < last; k++) {
			double distance = text_distance(samples[k].at, samples[first].at, samples[last].at);

			if (distance > worst) {
				worst = distance;
				farthest = k;
			}
		}
		if (farthest != 0) {
			samples[farthest].keep = true;
			drawing->spans[spans++] = first;
			drawing->spans[spans++] = farthest;
			drawing->spans[spans++] = farthest;
			drawing->spans[spans++] = last;
		}
	}
	for (size_t k = 0; k < count; k++) {
		if (samples[k].keep)
			samples[kept++] = samples[k];
	}
	drawing->sample_count = kept;
	return 0;
}

/* The path of an edge from ENDS's FROM box to its TO box along ROUTE (cubic Béziers,
 * arrowheads at their ends; NULL or empty: straight): from FROM's centre out by text_side's
 * cell (set in ENDS), through the route's points, in by TO's side cell to its centre. */
static int
text_path_make(struct text_drawing *drawing, const splines *route, struct text_ends *ends)
{
	const struct topology_canvas_node *from = ends->from, *to = ends->to;
	pointf first, last;
	bool any = route != NULL && route->size > 0 && route->list[0].size > 0;
	size_t pieces = any ? (size_t)route->size : 0;

	drawing->path_length = 0;
	drawing->sample_count = 0;
	if (any) {
		const bezier *start = &route->list[0], *end = &route->list[pieces - 1];

		first = text_at(drawing, start->sflag ? start->sp : start->list[0]);
		last = text_at(drawing, end->eflag ? end->ep : end->list[end->size - 1]);
	} else {
		first = (pointf){ to->x + to->width / 2.0, to->y + to->height / 2.0 };
		last = (pointf){ from->x + from->width / 2.0, from->y + from->height / 2.0 };
	}
	ends->leave = text_side(from, to, first);
	ends->enter = text_side(to, from, last);
	for (size_t p = 0; p < pieces; p++) {
		const bezier *piece = &route->list[p];

		if (piece->sflag && text_sample_add(drawing, piece->sp, ends) < 0)
			return -1;
		for (int k = 0; k + 3 < piece->size; k += 3) {
			if (text_sample_curve(drawing, &piece->list[k], ends) < 0)
				return -1;
		}
		if (piece->eflag && text_sample_add(drawing, piece->ep, ends) < 0)
			return -1;
	}
	/* the route's end that goes past TO's side, as its start past FROM's */
	while (drawing->sample_count > 0) {
		pointf at = drawing->samples[drawing->sample_count - 1].at;

		if (text_beyond(to, ends->enter,
		                (struct text_point){ text_floor(at.x), text_floor(at.y) }))
			break;
		drawing->sample_count--;
	}
	if (text_simplify(drawing) < 0 || text_path_to(drawing, text_centre(from)) < 0 ||
	    text_path_to(drawing, ends->leave) < 0)
		return -1;
	for (size_t k = 0; k < drawing->sample_count; k++) {
		pointf at = drawing->samples[k].at;

		if (text_path_to(drawing, (struct text_point){ text_floor(at.x), text_floor(at.y) }) < 0)
			return -1;
	}
	if (text_path_to(drawing, ends->enter) < 0 || text_path_to(drawing, text_centre(to)) < 0)
		return -1;
	return 0;
}

/* ---------------------------------------------------------------- fewer turns */

/* A curve drawn cell by cell turns at every cell where it is neither level nor upright: a
 * staircase, "└┐" after "└┐", that hides where the edge goes. So each part of the path that
 * goes one way across and one way up or down (a monotone part) is drawn with two turns
 * instead, like a Z: across, then up or down, then across (or down, across, down when it
 * starts upright), turning where the curve is steepest (its longest run the other way).
 * A Z that would cross a box other than the edge's own ends keeps the curve's cells,
 * which go round it as the layout routed them. */

/* The bend (a Z) from A to B: across to column PIVOT, then up or down to B's row, then
 * across (ACROSS_FIRST), or down to row PIVOT, across, and down. */
static int
text_bend_make(struct text_drawing *drawing, struct text_point a, struct text_point b,
               bool across_first, int pivot)
{
	struct text_point corner1 = across_first ? (struct text_point){ pivot, a.y }
	                                         : (struct text_point){ a.x, pivot };
	struct text_point corner2 = across_first ? (struct text_point){ pivot, b.y }
	                                         : (struct text_point){ b.x, pivot };
	const struct text_point stops[] = { corner1, corner2, b };
	struct text_point at = a;

	drawing->bend_length = 0;
	if (text_cells_add(&drawing->bend, &drawing->bend_length, &drawing->bend_size, at) < 0)
		return -1;
	for (size_t s = 0; s < sizeof stops / sizeof stops[0]; s++) {
		while (at.x != stops[s].x || at.y != stops[s].y) {
			if (at.x != stops[s].x)
				at.x += stops[s].x > at.x ? 1 : -1;
			else
				at.y += stops[s].y > at.y ? 1 : -1;
			if (text_cells_add(&drawing->bend, &drawing->bend_length, &drawing->bend_size,
			                   at) < 0)
				return -1;
		}
	}
	return 0;
}

static bool
text_same(struct text_point a, struct text_point b)
{
	return a.x == b.x && a.y == b.y;
}

/* Whether the bend is clear of every box (and of the groups' titles) but FROM's, which it
 * may only leave, and TO's, which it may only enter, by the path's own cells for that: so
 * that arrowheads still point at labels. */
static bool
text_bend_clear(struct text_drawing *drawing, const struct text_ends *ends)
{
	const struct topology_canvas_node *from = ends->from, *to = ends->to;
	const struct text_point *bend = drawing->bend;
	size_t length = drawing->bend_length, first = 0, last = length;

	while (first < length && text_inside(from, bend[first]))
		first++;
	while (last > first && text_inside(to, bend[last - 1]))
		last--;
	if ((first > 0 && (first == length || !text_same(bend[first], ends->leave))) ||
	    (last < length && (last == 0 || !text_same(bend[last - 1], ends->enter))))
		return false;
	for (size_t k = first; k < last; k++) {
		const struct text_cell *cell = text_cell(drawing, bend[k].x, bend[k].y);

		if (cell != NULL && cell->locked)
			return false;
	}
	return true;
}

/* The end of the monotone part of the path that starts at cell START. */
static size_t
text_monotone_end(const struct text_drawing *drawing, size_t start)
{
	const struct text_point *route = drawing->path;
	int across = 0, down = 0;
	size_t end = start;

	while (end + 1 < drawing->path_length) {
		int step_x = route[end + 1].x - route[end].x, step_y = route[end + 1].y - route[end].y;

		if ((step_x != 0 && across != 0 && step_x != across) ||
		    (step_y != 0 && down != 0 && step_y != down))
			break;
		if (step_x != 0)
			across = step_x;
		if (step_y != 0)
			down = step_y;
		end++;
	}
	return end;
}

/* How many places a Z may turn at are tried, each way, before the curve's cells are kept. */
#define TEXT_PIVOTS 12

/* The places where the monotone part START..END runs longest upright (ACROSS_FIRST: their
 * columns) or level (their rows), longest first, at most TEXT_PIVOTS: where the curve is
 * steepest, or flattest, and clear of boxes, since the layout routed it there. */
static size_t
text_pivots(const struct text_drawing *drawing, size_t start, size_t end, bool across_first,
            int pivots[TEXT_PIVOTS])
{
	const struct text_point *route = drawing->path;
	size_t lengths[TEXT_PIVOTS], count = 0, run = 0;

	for (size_t k = start + 1; k <= end; k++) {
		bool upright = route[k].x == route[k - 1].x;
		int place = across_first ? route[k].x : route[k].y;
		size_t at;

		run = upright == across_first ? run + 1 : 0;
		if (run == 0 || (k < end && (route[k + 1].x == route[k].x) == upright))
			continue;       /* not the end of a run */
		for (at = 0; at < count && pivots[at] != place; at++)
			;
		if (at < count) {       /* a run there already: keep the longer */
			if (run <= lengths[at])
				continue;
			memmove(&pivots[at], &pivots[at + 1], (count - at - 1) * sizeof *pivots);
			memmove(&lengths[at], &lengths[at + 1], (count - at - 1) * sizeof *lengths);
			count--;
		}
		for (at = count; at > 0 && lengths[at - 1] < run; at--)
			;
		if (at == TEXT_PIVOTS)
			continue;
		if (count == TEXT_PIVOTS)
			count--;
		memmove(&pivots[at + 1], &pivots[at], (count - at) * sizeof *pivots);
		memmove(&lengths[at + 1], &lengths[at], (count - at) * sizeof *lengths);
		pivots[at] = place;
		lengths[at] = run;
		count++;
	}
	return count;
}

/* Make the bend of the monotone part START..END: the first clear Z, across first when the
 * part starts level, or else down first; 1 when there is one, 0 if not, -1 out of memory. */
static int
text_bend_find(struct text_drawing *drawing, size_t start, size_t end,
               const struct text_ends *ends)
{
	struct text_point a = drawing->path[start], b = drawing->path[end];
	bool level = drawing->path[start + 1].y == a.y;

	for (int way = 0; way < 2; way++) {
		bool across_first = way == 0 ? level : !level;
		int pivots[TEXT_PIVOTS];
		size_t count = text_pivots(drawing, start, end, across_first, pivots);

		for (size_t p = 0; p < count; p++) {
			if (text_bend_make(drawing, a, b, across_first, pivots[p]) < 0)
				return -1;
			if (text_bend_clear(drawing, ends))
				return 1;
		}
	}
	return 0;
}

/* The path with each monotone part made a clear Z where one fits. */
static int
text_path_straighten(struct text_drawing *drawing, const struct text_ends *ends)
{
	struct text_point *straight = NULL;
	size_t length = 0, size = 0, start = 0;
	int rc = -1;

	if (drawing->path_length == 0)
		return 0;
	if (text_cells_add(&straight, &length, &size, drawing->path[0]) < 0)
		return -1;
	while (start + 1 < drawing->path_length) {
		size_t end = text_monotone_end(drawing, start);
		struct text_point a = drawing->path[start], b = drawing->path[end];
		const struct text_point *cells = &drawing->path[start];
		size_t count = end - start + 1;

		if (a.x != b.x && a.y != b.y) {
			int found = text_bend_find(drawing, start, end, ends);

			if (found < 0)
				goto out;
			if (found > 0) {
				cells = drawing->bend;
				count = drawing->bend_length;
			}
		}
		for (size_t k = 1; k < count; k++) {
			if (text_cells_add(&straight, &length, &size, cells[k]) < 0)
				goto out;
		}
		start = end;
	}
	free(drawing->path);
	drawing->path = straight;
	drawing->path_length = length;
	drawing->path_size = size;
	straight = NULL;
	rc = 0;
out:
	free(straight);
	return rc;
}

/* Draw the edge whose path is made in cells of KIND: the part between the last cell in its
 * FROM box and the first in its TO box, over no box, its last cell an arrowhead at TO. */
static void
text_path_draw(struct text_drawing *drawing, const struct text_ends *ends, unsigned char kind)
{
	const struct topology_canvas_node *from = ends->from, *to = ends->to;
	const struct text_point *route = drawing->path;
	size_t enter = 0, leave = 0;

	while (enter < drawing->path_length && !text_inside(to, route[enter]))
		enter++;
	for (size_t k = 0; k < enter; k++) {
		if (text_inside(from, route[k]))
			leave = k;
	}
	if (enter == drawing->path_length || enter <= leave + 1)
		return;         /* the boxes touch: no room for a line */
	for (size_t k = leave + 1; k < enter; k++) {
		struct text_cell *cell = text_cell(drawing, route[k].x, route[k].y);

		if (cell == NULL || cell->locked)
			continue;
		cell->lines |= text_direction(route[k], route[k - 1]) | text_direction(route[k], route[k + 1]);
		if (k == enter - 1)
			cell->arrow = text_direction(route[k], route[k + 1]);
		if (kind > cell->kind)
			cell->kind = kind;
	}
}

static int
text_draw_edges(struct text_drawing *drawing, Agedge_t **lines)
{
	const struct topology *topology = drawing->topology;

	for (size_t i = 0; i < topology->edge_count; i++) {
		const struct topology_edge *edge = &topology->edges[i];
		struct text_ends ends = { .from = &drawing->boxes[edge->from],
		                          .to = &drawing->boxes[edge->to] };
		unsigned char kind = TOPOLOGY_CELL_EDGE;

		if (edge->kind == TOPOLOGY_CONSUMES && (unsigned)edge->status < LAG_STATUS_COUNT)
			kind = text_status_cells[edge->status];
		if (text_path_make(drawing, ED_spl(lines[i]), &ends) < 0 ||
		    text_path_straighten(drawing, &ends) < 0)
			return -1;
		text_path_draw(drawing, &ends, kind);
	}
	return 0;
}

/* ---------------------------------------------------------------- the canvas */

static size_t
text_utf8_length(uint32_t character)
{
	return character < 0x80 ? 1 : character < 0x800 ? 2 : character < 0x10000 ? 3 : 4;
}

static char *
text_utf8_put(char *out, uint32_t character)
{
	if (character < 0x80) {
		*out++ = (char)character;
	} else if (character < 0x800) {
		*out++ = (char)(0xc0 | character >> 6);
		*out++ = (char)(0x80 | (character & 0x3f));
	} else if (character < 0x10000) {
		*out++ = (char)(0xe0 | character >> 12);
		*out++ = (char)(0x80 | (character >> 6 & 0x3f));
		*out++ = (char)(0x80 | (character & 0x3f));
	} else {
		*out++ = (char)(0xf0 | character >> 18);
		*out++ = (char)(0x80 | (character >> 12 & 0x3f));
		*out++ = (char)(0x80 | (character >> 6 & 0x3f));
		*out++ = (char)(0x80 | (character & 0x3f));
	}
	return out;
}

static int
text_compare_boxes(const void *a, const void *b)
{
	const struct topology_canvas_node *x = a, *y = b;

	if (x->y != y->y)
		return x->y < y->y ? -1 : 1;
	if (x->x != y->x)
		return x->x < y->x ? -1 : 1;
	return (x->node > y->node) - (x->node < y->node);
}

/* The drawing's characters as CANVAS's lines and cells, and its boxes sorted. */
static int
text_canvas_fill(struct topology_canvas *canvas, struct text_drawing *drawing)
{
	size_t count = (size_t)drawing->width * (size_t)drawing->height;

	canvas->width = drawing->width;
	canvas->height = drawing->height;
	canvas->lines = calloc((size_t)drawing->height + 1, sizeof *canvas->lines);
	canvas->cells = malloc(count + 1);
	if (canvas->lines == NULL || canvas->cells == NULL)
		return -1;
	for (int y = 0; y < drawing->height; y++) {
		struct text_cell *row = &drawing->cells[(size_t)y * (size_t)drawing->width];
		size_t bytes = 1;
		char *out;

		for (int x = 0; x < drawing->width; x++) {
			struct text_cell *cell = &row[x];

			if (!cell->locked && cell->arrow != 0)
				cell->character = text_arrows[drawing->unicode][cell->arrow];
			else if (!cell->locked && cell->lines != 0)
				cell->character = text_lines[drawing->unicode][cell->lines];
			bytes += text_utf8_length(cell->character);
			canvas->cells[(size_t)y * (size_t)drawing->width + (size_t)x] = cell->kind;
		}
		out = canvas->lines[y] = malloc(bytes);
		if (out == NULL)
			return -1;
		for (int x = 0; x < drawing->width; x++)
			out = text_utf8_put(out, row[x].character);
		*out = '\0';
	}
	canvas->nodes = malloc((drawing->topology->node_count + 1) * sizeof *canvas->nodes);
	if (canvas->nodes == NULL)
		return -1;
	memcpy(canvas->nodes, drawing->boxes, drawing->topology->node_count * sizeof *canvas->nodes);
	canvas->node_count = drawing->topology->node_count;
	qsort(canvas->nodes, canvas->node_count, sizeof *canvas->nodes, text_compare_boxes);
	return 0;
}

/* Lay GRAPH out and draw it into DRAWING. */
static int
text_lay_out(GVC_t *gvc, struct graph *graph, const char *engine, struct text_drawing *drawing,
             char **err)
{
	boxf bounds;
	double width, height;
	int rc = -1;

	if (gvLayout(gvc, graph->root, engine) != 0 || graph_errors() > 0) {
		gvFreeLayout(gvc, graph->root);
		graph_fail(err, "Graphviz could not lay out the topology");
		return -1;
	}
	bounds = GD_bb(graph->root);
	drawing->left = bounds.LL.x;
	drawing->top = bounds.UR.y;
	width = text_floor((bounds.UR.x - bounds.LL.x) / TEXT_CELL_WIDTH) + 2;
	height = text_floor((bounds.UR.y - bounds.LL.y) / TEXT_CELL_HEIGHT) + 2;
	if (width * height > TEXT_MAX_CELLS) {
		*err = strfmt("the topology is too large to draw as text (%.0f x %.0f cells)", width,
		              height);
		goto out;
	}
	drawing->width = (int)width;
	drawing->height = (int)height;
	drawing->cells = calloc((size_t)(width * height) + 1, sizeof *drawing->cells);
	if (drawing->cells == NULL) {
		*err = strfmt("out of memory");
		goto out;
	}
	for (size_t i = 0; i < (size_t)(width * height); i++)
		drawing->cells[i].character = ' ';
	if (graph->clusters_drawn) {
		text_draw_groups(drawing, &graph->teams);
		text_draw_groups(drawing, &graph->clusters);
	}
	text_draw_nodes(drawing, graph->nodes);
	if (text_draw_edges(drawing, graph->edges) < 0) {
		*err = strfmt("out of memory");
		goto out;
	}
	rc = 0;
out:
	gvFreeLayout(gvc, graph->root);
	return rc;
}

void
topology_canvas_free(struct topology_canvas *canvas)
{
	if (canvas == NULL)
		return;
	for (int y = 0; canvas->lines != NULL && y < canvas->height; y++)
		free(canvas->lines[y]);
	free(canvas->lines);
	free(canvas->cells);
	free(canvas->nodes);
	free(canvas);
}

int
topology_canvas_draw(const struct topology *topology, bool unicode,
                     struct topology_canvas **canvas, char **err)
{
	struct text_drawing drawing = { .topology = topology, .unicode = unicode };
	struct graph_capture capture;
	struct graph graph;
	const char *engine, *problem;
	GVC_t *gvc;
	int rc = -1;

	*canvas = NULL;
	*err = NULL;
	problem = graph_check(topology);
	if (problem != NULL) {
		*err = strfmt("%s", problem);
		return -1;
	}
	*canvas = calloc(1, sizeof **canvas);
	drawing.labels = calloc(topology->node_count + 1, sizeof *drawing.labels);
	drawing.boxes = calloc(topology->node_count + 1, sizeof *drawing.boxes);
	if (*canvas == NULL || drawing.labels == NULL || drawing.boxes == NULL) {
		*err = strfmt("out of memory");
		goto done;
	}
	if (topology->node_count == 0) {
		rc = text_canvas_fill(*canvas, &drawing);
		goto done;
	}
	engine = topology_render_engine(topology);
	graph_capture_start(&capture);
	gvc = graph_context();
	if (gvc == NULL) {
		graph_fail(err, "Graphviz could not start");
	} else if (!graph_has_layout(engine)) {
		*err = strfmt("Graphviz cannot lay graphs out with %s here (no plugin for it)", engine);
	} else if (graph_build(&graph, topology, engine, &text_style, &drawing, &problem) < 0) {
		*err = strfmt("%s", problem);
	} else {
		rc = text_lay_out(gvc, &graph, engine, &drawing, err);
		graph_free(&graph);
		if (rc == 0)
			rc = text_canvas_fill(*canvas, &drawing);
	}
	graph_capture_end(&capture);
done:
	if (rc < 0 && *err == NULL)
		*err = strfmt("out of memory");
	if (rc < 0) {
		topology_canvas_free(*canvas);
		*canvas = NULL;
	}
	free(drawing.labels);
	free(drawing.boxes);
	free(drawing.cells);
	free(drawing.path);
	free(drawing.bend);
	free(drawing.samples);
	free(drawing.spans);
	return rc;
}

/* ---------------------------------------------------------------- finding boxes */

const struct topology_canvas_node *
topology_canvas_node_at(const struct topology_canvas *canvas, int x, int y)
{
	for (size_t i = 0; i < canvas->node_count; i++) {
		if (text_inside(&canvas->nodes[i], (struct text_point){ x, y }))
			return &canvas->nodes[i];
	}
	return NULL;
}

/* How far apart the ranges [A, A + A_LENGTH) and [B, B + B_LENGTH) are; 0 if they overlap. */
static int
text_gap(int a, int a_length, int b, int b_length)
{
	if (b >= a + a_length)
		return b - (a + a_length) + 1;
	if (a >= b + b_length)
		return a - (b + b_length) + 1;
	return 0;
}

const struct topology_canvas_node *
topology_canvas_nearest(const struct topology_canvas *canvas,
                        const struct topology_canvas_node *from, int dx, int dy)
{
	const struct topology_canvas_node *best = NULL;
	long best_score = LONG_MAX;

	if (from == NULL || (dx != 0) == (dy != 0))
		return NULL;
	for (size_t i = 0; i < canvas->node_count; i++) {
		const struct topology_canvas_node *rect = &canvas->nodes[i];
		/* centres doubled, rows counted twice (a cell is twice as tall as wide) */
		long along = dx * ((long)(2 * rect->x + rect->width) - (2 * from->x + from->width)) +
		             2 * dy * ((long)(2 * rect->y + rect->height) - (2 * from->y + from->height));
		int gap = dx != 0 ? text_gap(from->y, from->height, rect->y, rect->height)
		                  : text_gap(from->x, from->width, rect->x, rect->width);
		long score;

		if (rect == from || along <= 0)
			continue;
		/* level boxes first, then by distance, sideways counting three times */
		score = (gap > 0 ? LONG_MAX / 2 : 0) + along + 3L * (dx != 0 ? 4 * gap : 2 * gap);
		if (score < best_score) {
			best_score = score;
			best = rect;
		}
	}
	return best;
}
