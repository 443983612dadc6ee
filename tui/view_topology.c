/* view_topology: the Topology view: the neighbourhood of a service, topic or group laid
 * out by Graphviz (topology/text.c draws it as text; Graphviz stays behind that module)
 * and copied to the terminal with each cell in its element's colour. Arrows pan, n and N
 * walk the nodes, Enter opens the node's detail, + and - change the depth, e exports the
 * same graph as SVG. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <curses.h>

#include "kfleet/listing.h"
#include "kfleet/topology.h"
#include "kfleet/topology_render.h"
#include "kfleet/topology_text.h"
#include "tui/theme.h"
#include "tui/views.h"

/* Above this many nodes the whole fleet is not drawn: choose a part of it first. */
#define TOPOLOGY_VIEW_MAX_NODES TOPOLOGY_SFDP_ABOVE
#define TOPOLOGY_VIEW_MAX_DEPTH 6

struct topology_view {
	struct screen screen;
	/* the focus: what topology_build chooses (strings owned) */
	char *service, *team, *cluster, *topic;
	char *selected_id;              /* the node to put the cursor on, or NULL */
	int depth;
	struct topology *topology;
	struct topology_canvas *canvas;
	wchar_t **text;                 /* the canvas lines, one wide character per cell */
	size_t selected;                /* index into canvas->nodes */
	int x0, y0;                     /* the canvas cell at the view's top left */
	char status[512];               /* why nothing is drawn, or NULL */
};

static void
topology_view_clear(struct topology_view *view)
{
	if (view->canvas != NULL && view->text != NULL)
		for (int y = 0; y < view->canvas->height; y++)
			free(view->text[y]);
	free(view->text);
	view->text = NULL;
	topology_canvas_free(view->canvas);
	view->canvas = NULL;
	topology_free(view->topology);
	view->topology = NULL;
}

static void
topology_view_set(char **field, const char *value)
{
	free(*field);
	*field = value != NULL ? tui_strdup(value) : NULL;
}

/* What the view is of, in words. */
static void
topology_view_focus_text(const struct topology_view *view, char *buf, size_t size)
{
	if (view->service != NULL)
		snprintf(buf, size, "service %s", view->service);
	else if (view->topic != NULL)
		snprintf(buf, size, "topic %s%s%s", view->topic, view->cluster ? " on " : "",
		         view->cluster ? view->cluster : "");
	else if (view->team != NULL)
		snprintf(buf, size, "team %s", view->team);
	else if (view->cluster != NULL)
		snprintf(buf, size, "cluster %s", view->cluster);
	else
		snprintf(buf, size, "the whole fleet");
}

static int
topology_view_reload(struct screen *screen, struct tui *tui)
{
	struct topology_view *view = (struct topology_view *)screen;
	struct topology_filter filter = {
		.service = view->service, .team = view->team, .cluster = view->cluster,
		.topic = view->topic, .depth = view->depth,
	};
	char *err = NULL;
	char *keep = NULL;

	if (view->canvas != NULL && view->selected < view->canvas->node_count)
		keep = tui_strdup(view->topology->nodes[view->canvas->nodes[view->selected].node].id);
	topology_view_clear(view);
	view->status[0] = '\0';
	view->topology = topology_build(tui->store, &filter, &err);
	if (view->topology == NULL) {
		tui_message(tui, true, "%s", err);
		free(err);
		free(keep);
		return -1;
	}
	if (view->topology->node_count == 0) {
		snprintf(view->status, sizeof view->status, "%s",
		         "Nothing to draw: the catalog knows no producer or consumer here.");
		free(keep);
		return 0;
	}
	if (view->topology->node_count > TOPOLOGY_VIEW_MAX_NODES) {
		snprintf(view->status, sizeof view->status,
		         "%zu nodes are too many to draw here: press t on a group, topic or service "
		         "to see its neighbourhood, or export it all with kfleet topology export.",
		         view->topology->node_count);
		free(keep);
		return 0;
	}
	if (topology_canvas_draw(view->topology, tui->unicode, &view->canvas, &err) < 0) {
		snprintf(view->status, sizeof view->status, "%s", err);
		free(err);
		free(keep);
		return -1;
	}
	view->text = tui_alloc((size_t)view->canvas->height * sizeof *view->text);
	for (int y = 0; y < view->canvas->height; y++) {
		const char *line = view->canvas->lines[y];
		mbstate_t state = { 0 };
		size_t length = strlen(line);

		view->text[y] = tui_alloc(((size_t)view->canvas->width + 1) * sizeof(wchar_t));
		for (int x = 0; x < view->canvas->width && length > 0; x++) {
			size_t n = mbrtowc(&view->text[y][x], line, length, &state);

			if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
				memset(&state, 0, sizeof state);
				view->text[y][x] = L'?';
				n = 1;
			}
			line += n;
			length -= n;
		}
	}
	/* The cursor on the node it was on, else on the node the focus named. */
	view->selected = 0;
	for (size_t i = 0; i < view->canvas->node_count; i++) {
		const char *id = view->topology->nodes[view->canvas->nodes[i].node].id;

		if ((keep != NULL && strcmp(id, keep) == 0) ||
		    (keep == NULL && view->selected_id != NULL && strcmp(id, view->selected_id) == 0))
			view->selected = i;
	}
	free(keep);
	return 0;
}

static int
topology_view_cell_attr(unsigned char cell)
{
	switch ((enum topology_cell)cell) {
	case TOPOLOGY_CELL_CLUSTER:
		return theme_attr(THEME_BOX);
	case TOPOLOGY_CELL_SERVICE:
		return theme_attr(THEME_SERVICE);
	case TOPOLOGY_CELL_TOPIC:
		return theme_attr(THEME_TOPIC);
	case TOPOLOGY_CELL_UNOWNED:
		return theme_attr(THEME_UNOWNED);
	case TOPOLOGY_CELL_EDGE_OK:
		return theme_attr(THEME_OK);
	case TOPOLOGY_CELL_EDGE_WARNING:
		return theme_attr(THEME_WARNING);
	case TOPOLOGY_CELL_EDGE_ERROR:
		return theme_attr(THEME_ERROR);
	default:
		return theme_attr(THEME_NORMAL);
	}
}

/* Pan so that the selected node is on screen. */
static void
topology_view_follow(struct topology_view *view, int height, int width)
{
	const struct topology_canvas_node *node;

	if (view->canvas == NULL || view->selected >= view->canvas->node_count)
		return;
	node = &view->canvas->nodes[view->selected];
	if (node->x < view->x0 || node->x + node->width > view->x0 + width)
		view->x0 = node->x + node->width / 2 - width / 2;
	if (node->y < view->y0 || node->y + node->height > view->y0 + height)
		view->y0 = node->y + node->height / 2 - height / 2;
}

static void
topology_view_clamp(struct topology_view *view, int height, int width)
{
	if (view->canvas == NULL)
		return;
	if (view->x0 > view->canvas->width - width)
		view->x0 = view->canvas->width - width;
	if (view->y0 > view->canvas->height - height)
		view->y0 = view->canvas->height - height;
	if (view->x0 < 0)
		view->x0 = 0;
	if (view->y0 < 0)
		view->y0 = 0;
}

static void
topology_view_draw(struct screen *screen, struct tui *tui, int top, int height, int width)
{
	struct topology_view *view = (struct topology_view *)screen;
	char focus[512], title[1024];
	int rows = height - 1;

	topology_view_focus_text(view, focus, sizeof focus);
	snprintf(title, sizeof title, "Topology of %s, depth %d", focus, view->depth);
	if (view->topology != NULL)
		snprintf(title + strlen(title), sizeof title - strlen(title), ": %zu nodes, %zu edges",
		         view->topology->node_count, view->topology->edge_count);
	if (view->canvas != NULL && view->selected < view->canvas->node_count)
		snprintf(title + strlen(title), sizeof title - strlen(title), "; at %s",
		         view->topology->nodes[view->canvas->nodes[view->selected].node].id);
	tui_clear_line(top, 0, width, theme_attr(THEME_TITLE));
	tui_put(top, 1, title, width - 1, theme_attr(THEME_TITLE) | A_BOLD);
	if (view->canvas == NULL) {
		tui_put(top + 2, 1, view->status, width - 1, theme_attr(THEME_DIM));
		return;
	}
	topology_view_clamp(view, rows, width);
	for (int y = 0; y < rows && view->y0 + y < view->canvas->height; y++) {
		int cy = view->y0 + y;

		for (int x = 0; x < width && view->x0 + x < view->canvas->width; x++) {
			int cx = view->x0 + x;
			wchar_t wc = view->text[cy][cx];
			int attrs = topology_view_cell_attr(
				view->canvas->cells[(size_t)cy * (size_t)view->canvas->width + (size_t)cx]);
			const struct topology_canvas_node *node = &view->canvas->nodes[view->selected];

			if (wc == L'\0' || wc == L' ')
				continue;
			if (cx >= node->x && cx < node->x + node->width && cy >= node->y &&
			    cy < node->y + node->height)
				attrs = theme_attr(THEME_CURSOR);
			attrset(attrs);
			mvaddnwstr(top + 1 + y, x, &wc, 1);
		}
	}
	attrset(A_NORMAL);
	(void)tui;
}

/* The node nearest to the selected one in direction (DX, DY), or the selected one. */
static size_t
topology_view_nearest(const struct topology_view *view, int dx, int dy)
{
	const struct topology_canvas_node *to = topology_canvas_nearest(
		view->canvas, &view->canvas->nodes[view->selected], dx, dy);

	return to != NULL ? (size_t)(to - view->canvas->nodes) : view->selected;
}

/* Open the selected node: a service, topic or group detail. */
static int
topology_view_open(struct topology_view *view, struct tui *tui)
{
	const struct topology_node *node;

	if (view->canvas == NULL || view->selected >= view->canvas->node_count)
		return TUI_HANDLED;
	node = &view->topology->nodes[view->canvas->nodes[view->selected].node];
	switch (node->kind) {
	case TOPOLOGY_SERVICE:
		tui_push(tui, detail_service(node->name));
		break;
	case TOPOLOGY_TOPIC:
		tui_push(tui, detail_topic(node->cluster, node->name));
		break;
	case TOPOLOGY_GROUP:
		tui_push(tui, detail_group(node->cluster, node->name));
		break;
	default:
		tui_message(tui, false, "%s on %s belongs to no service of the catalog", node->name,
		            node->cluster);
		break;
	}
	return TUI_REDRAW;
}

/* Write the view's graph as SVG into the current directory. */
static int
topology_view_export(struct topology_view *view, struct tui *tui)
{
	char path[512], focus[512], *data = NULL, *err = NULL;
	size_t length = 0;
	FILE *out;

	if (view->topology == NULL || view->topology->node_count == 0)
		return TUI_HANDLED;
	topology_view_focus_text(view, focus, sizeof focus);
	snprintf(path, sizeof path, "kfleet-topology.svg");
	if (topology_render(view->topology, TOPOLOGY_FORMAT_SVG, &data, &length, &err) < 0) {
		tui_message(tui, true, "export: %s", err);
		free(err);
		return TUI_REDRAW;
	}
	out = fopen(path, "w");
	if (out == NULL || fwrite(data, 1, length, out) != length || fclose(out) != 0) {
		tui_message(tui, true, "export: %s: %s", path, strerror(errno));
		if (out != NULL)
			fclose(out);
	} else {
		tui_message(tui, false, "the topology of %s is in %s (%zu bytes)", focus, path, length);
	}
	free(data);
	return TUI_REDRAW;
}

static int
topology_view_key(struct screen *screen, struct tui *tui, int key)
{
	struct topology_view *view = (struct topology_view *)screen;
	int height = tui->height - 4, width = tui->width;
	int step_x = width / 4 > 1 ? width / 4 : 1, step_y = height / 4 > 1 ? height / 4 : 1;

	switch (key) {
	case '+':
	case '=':
	case '-':
		view->depth += key == '-' ? -1 : 1;
		if (view->depth < 0)
			view->depth = 0;
		if (view->depth > TOPOLOGY_VIEW_MAX_DEPTH)
			view->depth = TOPOLOGY_VIEW_MAX_DEPTH;
		topology_view_reload(screen, tui);
		topology_view_follow(view, height, width);
		return TUI_REDRAW;
	case 'e':
		return topology_view_export(view, tui);
	case '\r':
	case '\n':
	case TUI_FUNCTION_KEY(KEY_ENTER):
		return topology_view_open(view, tui);
	default:
		break;
	}
	if (view->canvas == NULL)
		return TUI_UNHANDLED;
	switch (key) {
	case TUI_FUNCTION_KEY(KEY_LEFT):
		view->x0 -= step_x;
		return TUI_REDRAW;
	case TUI_FUNCTION_KEY(KEY_RIGHT):
		view->x0 += step_x;
		return TUI_REDRAW;
	case TUI_FUNCTION_KEY(KEY_UP):
		view->y0 -= step_y;
		return TUI_REDRAW;
	case TUI_FUNCTION_KEY(KEY_DOWN):
		view->y0 += step_y;
		return TUI_REDRAW;
	case TUI_FUNCTION_KEY(KEY_HOME):
		view->x0 = view->y0 = 0;
		return TUI_REDRAW;
	case 'n':
	case 'N':
		if (view->canvas->node_count > 0)
			view->selected = (view->selected + (key == 'n' ? 1 : view->canvas->node_count - 1)) %
			                 view->canvas->node_count;
		topology_view_follow(view, height, width);
		return TUI_REDRAW;
	case 'h':
	case 'l':
	case 'k':
	case 'j':
		view->selected = topology_view_nearest(view, key == 'h' ? -1 : key == 'l' ? 1 : 0,
		                                       key == 'k' ? -1 : key == 'j' ? 1 : 0);
		topology_view_follow(view, height, width);
		return TUI_REDRAW;
	default:
		return TUI_UNHANDLED;
	}
}

static void
topology_view_free(struct screen *screen)
{
	struct topology_view *view = (struct topology_view *)screen;

	topology_view_clear(view);
	free(view->service);
	free(view->team);
	free(view->cluster);
	free(view->topic);
	free(view->selected_id);
	free(view);
}

static const struct tui_key topology_view_keys[] = {
	{ "Enter", "Open", "open the node under the cursor", false },
	{ "n", "Node", "the next node (N: the one before; h j k l: the nearest that way)", false },
	{ "\u2190\u2191\u2192\u2193", "Pan", "pan the drawing (Home: back to its corner)", false },
	{ "+/-", "Depth", "more or fewer hops around what the view is of", false },
	{ "e", "SVG", "export this graph as kfleet-topology.svg in the current directory", false },
};

static const struct screen_class topology_view_class = {
	.name = "Topology",
	.keys = topology_view_keys,
	.key_count = sizeof topology_view_keys / sizeof topology_view_keys[0],
	.reload = topology_view_reload,
	.draw = topology_view_draw,
	.key = topology_view_key,
	.free = topology_view_free,
};

struct screen *
view_topology_new(void)
{
	struct topology_view *view = tui_alloc(sizeof *view);

	view->screen.class = &topology_view_class;
	view->depth = TOPOLOGY_DEFAULT_DEPTH;
	return &view->screen;
}

/* An unowned group's first topic: the view is of that topic, with the group selected. */
static char *
topology_view_group_topic(struct tui *tui, const char *cluster, const char *group)
{
	struct listing_filter filter = { .cluster = cluster, .group = group };
	char *err = NULL, *topic = NULL;
	json_t *rows = listing_query(tui->store, LISTING_LAG_PARTITIONS, &filter, &err);

	if (rows == NULL) {
		free(err);
		return NULL;
	}
	if (json_is_string(json_object_get(json_array_get(rows, 0), "topic")))
		topic = tui_strdup(json_string_value(json_object_get(json_array_get(rows, 0), "topic")));
	json_decref(rows);
	return topic;
}

void
view_topology_focus(struct tui *tui, const char *service, const char *team, const char *cluster,
                    const char *topic, const char *group)
{
	struct topology_view *view = (struct topology_view *)tui->views[TUI_VIEW_TOPOLOGY];
	char *group_topic = NULL, id[1024];

	if (service == NULL && topic == NULL && group != NULL)
		topic = group_topic = topology_view_group_topic(tui, cluster, group);
	topology_view_set(&view->service, service);
	topology_view_set(&view->team, service == NULL && topic == NULL ? team : NULL);
	topology_view_set(&view->topic, service == NULL ? topic : NULL);
	topology_view_set(&view->cluster, service == NULL ? cluster : NULL);
	if (group != NULL && service == NULL)
		snprintf(id, sizeof id, "group:%s/%s", cluster, group);
	else if (service != NULL)
		snprintf(id, sizeof id, "service:%s", service);
	else if (topic != NULL)
		snprintf(id, sizeof id, "topic:%s/%s", cluster, topic);
	else
		id[0] = '\0';
	topology_view_set(&view->selected_id, id[0] ? id : NULL);
	free(group_topic);
	topology_view_clear(view);
	view->x0 = view->y0 = 0;
	tui_switch(tui, TUI_VIEW_TOPOLOGY);
	topology_view_follow(view, tui->height - 4, tui->width);
}
