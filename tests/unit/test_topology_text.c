/* Unit tests for topology/text: the hand-made sample topology (tests/unit/topology_test.c)
 * and synthetic fleets drawn as text, in Unicode and in ASCII. For every drawing: each line
 * is WIDTH characters (ASCII: bytes 0x20 to 0x7e only); each node has one box, apart from
 * the others, with its kind's corners and lines, its label inside and its kind in its cells;
 * each edge has an arrowhead pointing at its target's box and edge cells by its source's.
 * Then: the sample's group titles and edges joined cell by cell, edges' cells by status,
 * labels cut short and made printable, the same canvas twice, an empty topology, malformed
 * ones refused, and finding boxes by cell and by direction. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kfleet/topology_render.h"
#include "kfleet/topology_text.h"
#include "tests/unit/topology_test.h"

#define COUNT(array) (sizeof (array) / sizeof (array)[0])

/* ---------------------------------------------------------------- reading a canvas */

/* TOPOLOGY drawn, failing the test on an error (caller frees). */
static struct topology_canvas *
drawn(const struct topology *topology, bool unicode)
{
	struct topology_canvas *canvas = NULL;
	char *err = NULL;

	if (topology_canvas_draw(topology, unicode, &canvas, &err) != 0)
		fail_msg("topology_canvas_draw: %s", err != NULL ? err : "(no message)");
	assert_null(err);
	assert_non_null(canvas);
	return canvas;
}

/* The characters of a canvas, decoded. */
struct grid {
	int width, height;
	uint32_t *characters;
};

/* The next character of the UTF-8 string at *S, or fail on anything but well-formed UTF-8. */
static uint32_t
decode(const unsigned char **s)
{
	const unsigned char *p = *s;
	uint32_t character;
	int more;

	if (p[0] < 0x80) {
		*s = p + 1;
		return p[0];
	}
	more = p[0] >= 0xf0 ? 3 : p[0] >= 0xe0 ? 2 : p[0] >= 0xc0 ? 1 : -1;
	if (more < 0)
		fail_msg("byte 0x%02x does not start a UTF-8 character", p[0]);
	character = p[0] & (0x3f >> more);
	for (int i = 1; i <= more; i++) {
		if ((p[i] & 0xc0) != 0x80)
			fail_msg("a UTF-8 character cut short");
		character = character << 6 | (p[i] & 0x3f);
	}
	*s = p + 1 + more;
	return character;
}

/* CANVAS's lines, checked: WIDTH characters each, ASCII only (printable) unless UNICODE. */
static struct grid
grid_read(const struct topology_canvas *canvas, bool unicode)
{
	struct grid grid = { .width = canvas->width, .height = canvas->height };

	grid.characters = calloc((size_t)grid.width * (size_t)grid.height + 1,
	                         sizeof *grid.characters);
	assert_non_null(grid.characters);
	assert_non_null(canvas->lines);
	for (int y = 0; y < canvas->height; y++) {
		const unsigned char *p = (const unsigned char *)canvas->lines[y];
		int x = 0;

		assert_non_null(p);
		while (*p != '\0') {
			if (!unicode && (*p < 0x20 || *p > 0x7e))
				fail_msg("line %d of an ASCII canvas has byte 0x%02x", y, *p);
			if (x == grid.width)
				fail_msg("line %d is longer than %d characters", y, grid.width);
			grid.characters[(size_t)y * (size_t)grid.width + (size_t)x++] = decode(&p);
		}
		if (x != grid.width)
			fail_msg("line %d is %d characters, not %d", y, x, grid.width);
	}
	return grid;
}

static uint32_t
grid_at(const struct grid *grid, int x, int y)
{
	if (x < 0 || y < 0 || x >= grid->width || y >= grid->height)
		return 0;
	return grid->characters[(size_t)y * (size_t)grid->width + (size_t)x];
}

static int
cell_at(const struct topology_canvas *canvas, int x, int y)
{
	if (x < 0 || y < 0 || x >= canvas->width || y >= canvas->height)
		return -1;
	return canvas->cells[(size_t)y * (size_t)canvas->width + (size_t)x];
}

/* The box of the topology's node INDEX. */
static const struct topology_canvas_node *
box_of(const struct topology_canvas *canvas, size_t index)
{
	for (size_t i = 0; i < canvas->node_count; i++) {
		if (canvas->nodes[i].node == index)
			return &canvas->nodes[i];
	}
	fail_msg("node %zu has no box", index);
	return NULL;
}

static size_t
node_index(const struct topology *topology, const char *id)
{
	for (size_t i = 0; i < topology->node_count; i++) {
		if (strcmp(topology->nodes[i].id, id) == 0)
			return i;
	}
	fail_msg("no node %s", id);
	return 0;
}

/* ---------------------------------------------------------------- what a canvas shows */

/* How each kind of node's box looks: corners top left, top right, bottom left, bottom
 * right, then its horizontal and vertical lines. */
static const struct box_look {
	uint32_t corners[4];
	uint32_t horizontal, vertical;
	enum topology_cell cell;
	const char *prefix, *suffix;
} box_looks[2][4] = {
	[false] = {
		[TOPOLOGY_SERVICE] = { { '+', '+', '+', '+' }, '-', '|', TOPOLOGY_CELL_SERVICE, "", "" },
		[TOPOLOGY_TOPIC] = { { '.', '.', '\'', '\'' }, '-', '|', TOPOLOGY_CELL_TOPIC, "", "" },
		[TOPOLOGY_GROUP] = { { '+', '+', '+', '+' }, '.', ':', TOPOLOGY_CELL_UNOWNED,
		                     "group ", " (unowned)" },
		[TOPOLOGY_PRINCIPAL] = { { '+', '+', '+', '+' }, '.', ':', TOPOLOGY_CELL_UNOWNED,
		                         "principal ", " (unowned)" },
	},
	[true] = {
		[TOPOLOGY_SERVICE] = { { 0x250c, 0x2510, 0x2514, 0x2518 }, 0x2500, 0x2502,
		                       TOPOLOGY_CELL_SERVICE, "", "" },
		[TOPOLOGY_TOPIC] = { { 0x256d, 0x256e, 0x2570, 0x256f }, 0x2500, 0x2502,
		                     TOPOLOGY_CELL_TOPIC, "", "" },
		[TOPOLOGY_GROUP] = { { 0x250c, 0x2510, 0x2514, 0x2518 }, 0x254c, 0x254e,
		                     TOPOLOGY_CELL_UNOWNED, "group ", " (unowned)" },
		[TOPOLOGY_PRINCIPAL] = { { 0x250c, 0x2510, 0x2514, 0x2518 }, 0x254c, 0x254e,
		                         TOPOLOGY_CELL_UNOWNED, "principal ", " (unowned)" },
	},
};

/* Arrowheads, [unicode]: pointing right, left, down, up. */
static const uint32_t arrows[2][4] = {
	[false] = { '>', '<', 'v', '^' },
	[true] = { 0x25b6, 0x25c0, 0x25bc, 0x25b2 },
};

/* The label TOPOLOGY's node INDEX has (short names only: none is cut), into LABEL. */
static int
expected_label(const struct topology *topology, size_t index, bool clusters_drawn, bool unicode,
               uint32_t *label, int size)
{
	const struct topology_node *node = &topology->nodes[index];
	const struct box_look *look = &box_looks[unicode][node->kind];
	bool in_box = node->kind == TOPOLOGY_SERVICE ||
	              (clusters_drawn && node->cluster != NULL);     /* no cluster/ before it */
	char *text = NULL;
	const unsigned char *p;
	int length = 0;

	assert_true(asprintf(&text, "%s%s%s%s%s", look->prefix,
	                     !in_box && node->cluster != NULL ? node->cluster : "",
	                     !in_box && node->cluster != NULL ? "/" : "", node->name,
	                     look->suffix) > 0);
	for (p = (const unsigned char *)text; *p != '\0';) {
		uint32_t character = decode(&p);

		assert_true(length < size);
		label[length++] = !unicode && character > 0x7e ? '?' : character;
	}
	free(text);
	return length;
}

/* Whether the canvas shows an edge cell by BOX (out of it, beside a side), and, with
 * ARROWS, an arrowhead pointing at it. */
static bool
beside(const struct topology_canvas *canvas, const struct grid *grid,
       const struct topology_canvas_node *box, const uint32_t *arrow_set)
{
	for (int y = box->y; y < box->y + box->height; y++) {
		const struct { int x; uint32_t arrow; } sides[] = {
			{ box->x - 1, arrow_set != NULL ? arrow_set[0] : 0 },
			{ box->x + box->width, arrow_set != NULL ? arrow_set[1] : 0 },
		};

		for (size_t s = 0; s < COUNT(sides); s++) {
			if (cell_at(canvas, sides[s].x, y) >= TOPOLOGY_CELL_EDGE &&
			    (arrow_set == NULL || grid_at(grid, sides[s].x, y) == sides[s].arrow))
				return true;
		}
	}
	for (int x = box->x; x < box->x + box->width; x++) {
		const struct { int y; uint32_t arrow; } sides[] = {
			{ box->y - 1, arrow_set != NULL ? arrow_set[2] : 0 },
			{ box->y + box->height, arrow_set != NULL ? arrow_set[3] : 0 },
		};

		for (size_t s = 0; s < COUNT(sides); s++) {
			if (cell_at(canvas, x, sides[s].y) >= TOPOLOGY_CELL_EDGE &&
			    (arrow_set == NULL || grid_at(grid, x, sides[s].y) == sides[s].arrow))
				return true;
		}
	}
	return false;
}

static bool
overlap(const struct topology_canvas_node *a, const struct topology_canvas_node *b)
{
	return a->x < b->x + b->width && b->x < a->x + a->width && a->y < b->y + b->height &&
	       b->y < a->y + a->height;
}

/* Everything a drawing of TOPOLOGY must show (see the top of the file). */
static void
check_canvas(const struct topology *topology, const struct topology_canvas *canvas,
             bool unicode, bool clusters_drawn)
{
	struct grid grid = grid_read(canvas, unicode);
	bool *seen = calloc(topology->node_count + 1, sizeof *seen);

	assert_non_null(seen);
	assert_int_equal(canvas->node_count, topology->node_count);
	for (size_t i = 0; i < canvas->node_count; i++) {
		const struct topology_canvas_node *box = &canvas->nodes[i];
		const struct box_look *look;
		uint32_t label[128];
		int length;

		assert_true(box->node < topology->node_count);
		if (seen[box->node])
			fail_msg("node %zu has two boxes", box->node);
		seen[box->node] = true;
		if (i > 0 && (canvas->nodes[i - 1].y > box->y ||
		              (canvas->nodes[i - 1].y == box->y && canvas->nodes[i - 1].x > box->x)))
			fail_msg("the boxes are not sorted by (y, x) at %zu", i);
		assert_true(box->x >= 0 && box->y >= 0);
		assert_true(box->x + box->width <= canvas->width);
		assert_true(box->y + box->height <= canvas->height);
		for (size_t j = 0; j < i; j++) {
			if (overlap(box, &canvas->nodes[j]))
				fail_msg("the boxes of nodes %zu and %zu overlap", box->node,
				         canvas->nodes[j].node);
		}

		look = &box_looks[unicode][topology->nodes[box->node].kind];
		length = expected_label(topology, box->node, clusters_drawn, unicode, label,
		                        (int)COUNT(label));
		assert_int_equal(box->height, 3);
		assert_int_equal(box->width, length + 4);
		assert_int_equal(grid_at(&grid, box->x, box->y), look->corners[0]);
		assert_int_equal(grid_at(&grid, box->x + box->width - 1, box->y), look->corners[1]);
		assert_int_equal(grid_at(&grid, box->x, box->y + 2), look->corners[2]);
		assert_int_equal(grid_at(&grid, box->x + box->width - 1, box->y + 2), look->corners[3]);
		for (int x = box->x + 1; x < box->x + box->width - 1; x++) {
			assert_int_equal(grid_at(&grid, x, box->y), look->horizontal);
			assert_int_equal(grid_at(&grid, x, box->y + 2), look->horizontal);
		}
		assert_int_equal(grid_at(&grid, box->x, box->y + 1), look->vertical);
		assert_int_equal(grid_at(&grid, box->x + box->width - 1, box->y + 1), look->vertical);
		for (int k = 0; k < length; k++) {
			if (grid_at(&grid, box->x + 2 + k, box->y + 1) != label[k])
				fail_msg("node %s: label character %d is U+%04X, not U+%04X",
				         topology->nodes[box->node].id, k,
				         grid_at(&grid, box->x + 2 + k, box->y + 1), label[k]);
		}
		for (int y = box->y; y < box->y + box->height; y++) {
			for (int x = box->x; x < box->x + box->width; x++)
				assert_int_equal(cell_at(canvas, x, y), look->cell);
		}
	}

	for (size_t i = 0; i < topology->edge_count; i++) {
		const struct topology_edge *edge = &topology->edges[i];

		if (!beside(canvas, &grid, box_of(canvas, edge->to), arrows[unicode]))
			fail_msg("edge %s -> %s: no arrowhead at its target",
			         topology->nodes[edge->from].id, topology->nodes[edge->to].id);
		if (!beside(canvas, &grid, box_of(canvas, edge->from), NULL))
			fail_msg("edge %s -> %s: no edge cell by its source",
			         topology->nodes[edge->from].id, topology->nodes[edge->to].id);
	}
	free(seen);
	free(grid.characters);
}

/* ---------------------------------------------------------------- drawings */

static const struct drawing_case {
	size_t nodes;                   /* 0: the sample */
	bool unicode;
} drawing_cases[] = {
	{ .nodes = 0, .unicode = true },
	{ .nodes = 0, .unicode = false },
	{ .nodes = 40, .unicode = true },
	{ .nodes = 40, .unicode = false },
	{ .nodes = 150, .unicode = true },
	{ .nodes = TOPOLOGY_SFDP_ABOVE + 60, .unicode = true },    /* sfdp: no group boxes */
	{ .nodes = TOPOLOGY_SFDP_ABOVE + 60, .unicode = false },
};

static void
test_drawings(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(drawing_cases); i++) {
		const struct drawing_case *c = &drawing_cases[i];
		struct topology *topology = c->nodes == 0 ? topology_test_sample()
		                                          : topology_test_synthetic(c->nodes);
		struct topology_canvas *canvas = drawn(topology, c->unicode);

		check_canvas(topology, canvas, c->unicode,
		             strcmp(topology_render_engine(topology), "dot") == 0);
		topology_canvas_free(canvas);
		topology_test_free(topology);
	}
}

/* The sample's teams and Kafka clusters, as their boxes' top lines name them. */
static const struct title_case {
	bool unicode;
	const char *title;
} title_cases[] = {
	{ true, "\xe2\x95\x94\xe2\x95\x90 payments \xe2\x95\x90" },      /* ╔═ payments ═ */
	{ true, "\xe2\x95\x94\xe2\x95\x90 analytics \xe2\x95\x90" },
	{ true, "\xe2\x95\x94\xe2\x95\x90 R&D <\"core\"> \\n \xe2\x95\x90" },
	{ true, "\xe2\x95\x94\xe2\x95\x90 prod-eu \xe2\x95\x90" },
	{ true, "\xe2\x95\x94\xe2\x95\x90 prod-us \xe2\x95\x90" },
	{ false, "#= payments =" },
	{ false, "#= prod-eu =" },
};

static void
test_sample_titles(void **state)
{
	struct topology *topology = topology_test_sample();

	(void)state;
	for (size_t i = 0; i < COUNT(title_cases); i++) {
		struct topology_canvas *canvas = drawn(topology, title_cases[i].unicode);
		bool found = false;

		for (int y = 0; y < canvas->height && !found; y++)
			found = strstr(canvas->lines[y], title_cases[i].title) != NULL;
		if (!found)
			fail_msg("no group box titled \"%s\"", title_cases[i].title);
		topology_canvas_free(canvas);
	}
	topology_test_free(topology);
}

/* Whether edge cells join a cell by FROM's box to an arrowhead at TO's, side by side. */
static bool
joined(const struct topology_canvas *canvas, const struct grid *grid,
       const struct topology_canvas_node *from, const struct topology_canvas_node *to,
       const uint32_t *arrow_set)
{
	size_t count = (size_t)canvas->width * (size_t)canvas->height, head = 0, tail = 0;
	int *queue = malloc((count + 1) * sizeof *queue);
	bool *visited = calloc(count + 1, sizeof *visited), found = false;
	struct topology_canvas_node ring = { .x = to->x - 1, .y = to->y - 1,
	                                     .width = to->width + 2, .height = to->height + 2 };

	assert_non_null(queue);
	assert_non_null(visited);
	for (int y = from->y - 1; y <= from->y + from->height; y++) {
		for (int x = from->x - 1; x <= from->x + from->width; x++) {
			if (cell_at(canvas, x, y) >= TOPOLOGY_CELL_EDGE) {
				visited[(size_t)y * (size_t)canvas->width + (size_t)x] = true;
				queue[tail++] = y * canvas->width + x;
			}
		}
	}
	while (head < tail && !found) {
		int at = queue[head++], x = at % canvas->width, y = at / canvas->width;
		const int steps[4][2] = { { 1, 0 }, { -1, 0 }, { 0, 1 }, { 0, -1 } };
		uint32_t character = grid_at(grid, x, y);

		for (int a = 0; a < 4; a++) {
			if (character == arrow_set[a] && overlap(&ring, &(struct topology_canvas_node){
				.x = x, .y = y, .width = 1, .height = 1 }))
				found = true;
		}
		for (int s = 0; s < 4; s++) {
			int nx = x + steps[s][0], ny = y + steps[s][1];

			if (cell_at(canvas, nx, ny) >= TOPOLOGY_CELL_EDGE &&
			    !visited[(size_t)ny * (size_t)canvas->width + (size_t)nx]) {
				visited[(size_t)ny * (size_t)canvas->width + (size_t)nx] = true;
				queue[tail++] = ny * canvas->width + nx;
			}
		}
	}
	free(queue);
	free(visited);
	return found;
}

static void
test_sample_edges_joined(void **state)
{
	struct topology *topology = topology_test_sample();

	(void)state;
	for (int unicode = 0; unicode <= 1; unicode++) {
		struct topology_canvas *canvas = drawn(topology, unicode);
		struct grid grid = grid_read(canvas, unicode);

		for (size_t i = 0; i < topology->edge_count; i++) {
			const struct topology_edge *edge = &topology->edges[i];

			if (!joined(canvas, &grid, box_of(canvas, edge->from), box_of(canvas, edge->to),
			            arrows[unicode]))
				fail_msg("edge %s -> %s is not drawn from end to end",
				         topology->nodes[edge->from].id, topology->nodes[edge->to].id);
		}
		free(grid.characters);
		topology_canvas_free(canvas);
	}
	topology_test_free(topology);
}

/* ---------------------------------------------------------------- cells by status */

/* The sample's edge prod-eu/orders -> reporting (the only one into reporting) with each
 * status: the cells of its arrowhead, and whether the canvas has any WARNING cell (it is
 * the sample's only WARNING edge). */
static const struct status_case {
	enum topology_edge_kind kind;
	enum lag_status status;
	enum topology_cell cell;
} status_cases[] = {
	{ TOPOLOGY_CONSUMES, LAG_STATUS_UNKNOWN, TOPOLOGY_CELL_EDGE },
	{ TOPOLOGY_CONSUMES, LAG_STATUS_OK, TOPOLOGY_CELL_EDGE_OK },
	{ TOPOLOGY_CONSUMES, LAG_STATUS_WARNING, TOPOLOGY_CELL_EDGE_WARNING },
	{ TOPOLOGY_CONSUMES, LAG_STATUS_REWIND, TOPOLOGY_CELL_EDGE_ERROR },
	{ TOPOLOGY_CONSUMES, LAG_STATUS_STALLED, TOPOLOGY_CELL_EDGE_ERROR },
	{ TOPOLOGY_CONSUMES, LAG_STATUS_STOPPED, TOPOLOGY_CELL_EDGE_ERROR },
	{ TOPOLOGY_PRODUCES, LAG_STATUS_UNKNOWN, TOPOLOGY_CELL_EDGE },
};

/* The kind of the cell beside BOX with an arrowhead pointing at it, or -1. */
static int
arrow_cell(const struct topology_canvas *canvas, const struct grid *grid,
           const struct topology_canvas_node *box, const uint32_t *arrow_set)
{
	for (int y = box->y; y < box->y + box->height; y++) {
		if (grid_at(grid, box->x - 1, y) == arrow_set[0])
			return cell_at(canvas, box->x - 1, y);
		if (grid_at(grid, box->x + box->width, y) == arrow_set[1])
			return cell_at(canvas, box->x + box->width, y);
	}
	for (int x = box->x; x < box->x + box->width; x++) {
		if (grid_at(grid, x, box->y - 1) == arrow_set[2])
			return cell_at(canvas, x, box->y - 1);
		if (grid_at(grid, x, box->y + box->height) == arrow_set[3])
			return cell_at(canvas, x, box->y + box->height);
	}
	return -1;
}

static void
test_cells_by_status(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(status_cases); i++) {
		const struct status_case *c = &status_cases[i];
		struct topology *topology = topology_test_sample();
		size_t reporting = node_index(topology, "service:reporting"), warnings = 0;
		struct topology_edge *edge = NULL;
		struct topology_canvas *canvas;
		struct grid grid;

		for (size_t e = 0; e < topology->edge_count; e++) {
			if (topology->edges[e].to == reporting)
				edge = &topology->edges[e];
		}
		assert_non_null(edge);
		assert_int_equal(edge->status, LAG_STATUS_WARNING);
		edge->kind = c->kind;
		edge->status = c->status;
		canvas = drawn(topology, true);
		grid = grid_read(canvas, true);
		if (arrow_cell(canvas, &grid, box_of(canvas, reporting), arrows[true]) != (int)c->cell)
			fail_msg("status %d: the arrowhead at reporting is cell kind %d, not %d",
			         c->status, arrow_cell(canvas, &grid, box_of(canvas, reporting),
			                               arrows[true]), c->cell);
		for (size_t k = 0; k < (size_t)canvas->width * (size_t)canvas->height; k++)
			warnings += canvas->cells[k] == TOPOLOGY_CELL_EDGE_WARNING;
		if ((warnings > 0) != (c->cell == TOPOLOGY_CELL_EDGE_WARNING))
			fail_msg("status %d: %zu WARNING cells", c->status, warnings);
		free(grid.characters);
		topology_canvas_free(canvas);
		topology_test_free(topology);
	}
}

/* ---------------------------------------------------------------- labels */

#define LONG_NAME "a-service-whose-name-goes-on-and-on-well-past-the-limit-of-a-box"

/* A service (alone, so without a box around it) or a group (in its Kafka cluster's box)
 * named NAME, and its label in each alphabet. */
static const struct label_case {
	enum topology_node_kind kind;
	const char *name;
	const char *unicode, *ascii;
} label_cases[] = {
	{ TOPOLOGY_SERVICE, "tab\there", "tab?here", "tab?here" },
	{ TOPOLOGY_SERVICE, "caf\xc3\xa9", "caf\xc3\xa9", "caf?" },
	{ TOPOLOGY_SERVICE, "bad\xff" "byte", "bad?byte", "bad?byte" },
	{ TOPOLOGY_SERVICE, "c1\xc2\x85" "control", "c1?control", "c1?control" },
	{ TOPOLOGY_SERVICE, LONG_NAME, "a-service-whose-name-goes-on-and-on-well-past-t\xe2\x80\xa6",
	  "a-service-whose-name-goes-on-and-on-well-past-t~" },
	{ TOPOLOGY_GROUP, LONG_NAME, "group a-service-whose-name-goes-on-an\xe2\x80\xa6 (unowned)",
	  "group a-service-whose-name-goes-on-an~ (unowned)" },
};

static void
test_labels(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(label_cases); i++) {
		const struct label_case *c = &label_cases[i];
		struct topology *topology = topology_test_synthetic(1);   /* one topic */
		struct topology_node *node = &topology->nodes[0];

		free(node->id);
		free(node->name);
		node->kind = c->kind;
		node->name = strdup(c->name);
		node->id = strdup("the-node");
		assert_non_null(node->name);
		assert_non_null(node->id);
		for (int unicode = 0; unicode <= 1; unicode++) {
			struct topology_canvas *canvas = drawn(topology, unicode);
			const char *expected = unicode ? c->unicode : c->ascii;
			const struct topology_canvas_node *box = &canvas->nodes[0];
			const char *row = canvas->lines[box->y + 1], *label;

			/* "│ " or "| " or ": " before it, " │" after it */
			label = strstr(row, expected);
			if (label == NULL)
				fail_msg("no label \"%s\" in \"%s\"", expected, row);
			assert_non_null(strstr(label + strlen(expected), unicode ? " \xe2" : " "));
			topology_canvas_free(canvas);
		}
		topology_test_free(topology);
	}
}

/* ---------------------------------------------------------------- same input, same canvas */

static void
test_deterministic(void **state)
{
	struct topology *topology = topology_test_synthetic(120);
	struct topology_canvas *first = drawn(topology, true), *second = drawn(topology, true);

	(void)state;
	assert_int_equal(first->width, second->width);
	assert_int_equal(first->height, second->height);
	for (int y = 0; y < first->height; y++)
		assert_string_equal(first->lines[y], second->lines[y]);
	assert_memory_equal(first->cells, second->cells, (size_t)first->width * (size_t)first->height);
	assert_int_equal(first->node_count, second->node_count);
	assert_memory_equal(first->nodes, second->nodes, first->node_count * sizeof *first->nodes);
	topology_canvas_free(first);
	topology_canvas_free(second);
	topology_test_free(topology);
}

/* ---------------------------------------------------------------- empty and large */

static void
test_empty(void **state)
{
	struct topology empty = { 0 };
	struct topology_canvas *canvas = drawn(&empty, true);

	(void)state;
	assert_int_equal(canvas->width, 0);
	assert_int_equal(canvas->height, 0);
	assert_int_equal(canvas->node_count, 0);
	assert_non_null(canvas->lines);
	assert_null(topology_canvas_node_at(canvas, 0, 0));
	topology_canvas_free(canvas);
	topology_canvas_free(NULL);
}

static void
test_large(void **state)
{
	struct topology *topology = topology_test_synthetic(TOPOLOGY_SFDP_ABOVE);
	struct topology_canvas *canvas = drawn(topology, true);
	struct grid grid = grid_read(canvas, true);

	(void)state;
	assert_int_equal(canvas->node_count, TOPOLOGY_SFDP_ABOVE);
	free(grid.characters);
	topology_canvas_free(canvas);
	topology_test_free(topology);
}

/* ---------------------------------------------------------------- malformed topologies */

static void
check_refused(const struct topology *topology, const char *message)
{
	static struct topology_canvas unset;
	struct topology_canvas *canvas = &unset;
	char *err = NULL;

	assert_int_equal(topology_canvas_draw(topology, true, &canvas, &err), -1);
	assert_null(canvas);
	assert_non_null(err);
	assert_string_equal(err, message);
	free(err);
}

static void
test_malformed(void **state)
{
	struct topology *topology = topology_test_sample();
	char *id;

	(void)state;
	topology->edges[0].from = topology->node_count;
	check_refused(topology, "an edge of the topology points past its nodes");
	topology->edges[0].from = 0;

	id = topology->nodes[1].id;
	topology->nodes[1].id = topology->nodes[0].id;
	check_refused(topology, "two nodes of the topology have the same id");
	topology->nodes[1].id = NULL;
	check_refused(topology, "a node of the topology has no id");
	topology->nodes[1].id = id;

	topology->nodes[2].kind = (enum topology_node_kind)42;
	check_refused(topology, "a node of the topology has an unknown kind");
	topology->nodes[2].kind = TOPOLOGY_SERVICE;
	topology_test_free(topology);
}

/* ---------------------------------------------------------------- finding boxes */

static void
test_node_at(void **state)
{
	struct topology *topology = topology_test_sample();
	struct topology_canvas *canvas = drawn(topology, true);

	(void)state;
	for (size_t i = 0; i < canvas->node_count; i++) {
		const struct topology_canvas_node *box = &canvas->nodes[i];

		for (int y = box->y; y < box->y + box->height; y++) {
			for (int x = box->x; x < box->x + box->width; x++)
				assert_ptr_equal(topology_canvas_node_at(canvas, x, y), box);
		}
	}
	for (int y = 0; y < canvas->height; y++) {
		for (int x = 0; x < canvas->width; x++) {
			int kind = cell_at(canvas, x, y);
			bool in_box = kind == TOPOLOGY_CELL_SERVICE || kind == TOPOLOGY_CELL_TOPIC ||
			              kind == TOPOLOGY_CELL_UNOWNED;

			assert_int_equal(topology_canvas_node_at(canvas, x, y) != NULL, in_box);
		}
	}
	assert_null(topology_canvas_node_at(canvas, -1, -1));
	assert_null(topology_canvas_node_at(canvas, canvas->width, 0));
	topology_canvas_free(canvas);
	topology_test_free(topology);
}

static const struct direction_case {
	int dx, dy;
} direction_cases[] = {
	{ 1, 0 }, { -1, 0 }, { 0, 1 }, { 0, -1 },
};

/* From each box of the sample, each way: a box that lies that way, or none when no box
 * does; a box level with FROM before one that is not. */
static void
test_nearest(void **state)
{
	struct topology *topology = topology_test_sample();
	struct topology_canvas *canvas = drawn(topology, true);
	const struct topology_canvas_node *orders =
		box_of(canvas, node_index(topology, "topic:prod-us/orders"));

	(void)state;
	for (size_t i = 0; i < canvas->node_count; i++) {
		const struct topology_canvas_node *from = &canvas->nodes[i];

		for (size_t d = 0; d < COUNT(direction_cases); d++) {
			int dx = direction_cases[d].dx, dy = direction_cases[d].dy;
			const struct topology_canvas_node *to = topology_canvas_nearest(canvas, from, dx, dy);
			bool any = false, level = false;

			for (size_t j = 0; j < canvas->node_count; j++) {
				const struct topology_canvas_node *box = &canvas->nodes[j];
				long along = dx * ((2L * box->x + box->width) - (2L * from->x + from->width)) +
				             dy * ((2L * box->y + box->height) - (2L * from->y + from->height));
				bool beside = dx != 0 ? box->y < from->y + from->height && from->y < box->y + box->height
				                      : box->x < from->x + from->width && from->x < box->x + box->width;

				if (along > 0) {
					any = true;
					level = level || beside;
				}
				if (box == to)
					assert_true(along > 0);
			}
			assert_int_equal(to != NULL, any);
			if (to != NULL && level)
				assert_true(dx != 0 ? to->y < from->y + from->height && from->y < to->y + to->height
				                    : to->x < from->x + from->width && from->x < to->x + to->width);
		}
	}
	/* prod-us/orders feeds orphan-job, level with it to its right */
	assert_int_equal(topology_canvas_nearest(canvas, orders, 1, 0)->node,
	                 node_index(topology, "service:orphan-job"));
	assert_null(topology_canvas_nearest(canvas, orders, 1, 1));
	assert_null(topology_canvas_nearest(canvas, NULL, 1, 0));
	topology_canvas_free(canvas);
	topology_test_free(topology);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_drawings),
		cmocka_unit_test(test_sample_titles),
		cmocka_unit_test(test_sample_edges_joined),
		cmocka_unit_test(test_cells_by_status),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_node_at),
		cmocka_unit_test(test_nearest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
