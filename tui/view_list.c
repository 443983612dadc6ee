/* view_list: the terminal UI's lists (Groups, Topics, Services & Teams, Clusters &
 * Brokers, ACLs, Quotas, Resets): a listing of the catalog in a table (tui/table.h)
 * with the columns `kfleet LISTING` prints, a filter typed after '/', a sort, and Enter
 * for the detail of the row. Some views hold two listings and 'v' switches between them
 * (services and teams). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "kfleet/lag.h"
#include "kfleet/listing.h"
#include "tui/cmd_list.h"
#include "tui/dialog_reset.h"
#include "tui/table.h"
#include "tui/theme.h"
#include "tui/views.h"

#define KEYS(...) \
	.keys = (const char *const[]){ __VA_ARGS__ }, \
	.key_count = sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *)

/* What tells one row of a listing from the others, so the cursor stays on it. */
struct list_kind_keys {
	const char *const *keys;
	size_t key_count;
};

static const struct list_kind_keys list_keys[LISTING_KIND_COUNT] = {
	[LISTING_CLUSTERS] = { KEYS("cluster") },
	[LISTING_TOPICS] = { KEYS("cluster", "topic") },
	[LISTING_GROUPS] = { KEYS("cluster", "group") },
	[LISTING_LAG] = { KEYS("cluster", "group") },
	[LISTING_LAG_PARTITIONS] = { KEYS("cluster", "group", "topic", "partition") },
	[LISTING_ACLS] = { KEYS("cluster", "principal", "host", "operation", "permission",
	                        "resource_type", "resource_name", "pattern_type") },
	[LISTING_QUOTAS] = { KEYS("cluster", "entity") },
	[LISTING_SERVICES] = { KEYS("service") },
	[LISTING_TEAMS] = { KEYS("team") },
	[LISTING_OFFSET_RESETS] = { KEYS("id") },
};

struct list_screen;

/* One top-level list view. */
struct list_spec {
	const char *name;
	enum listing_kind kinds[2];     /* the second (LISTING_KIND_COUNT: none) after 'v' */
	const char *kind_names[2];
	/* Enter on ROW of listing KIND: open its detail (or another view); TUI_* flags. */
	int (*open)(struct list_screen *list, struct tui *tui, enum listing_kind kind,
	            const json_t *row);
};

struct list_screen {
	struct screen screen;
	const struct list_spec *spec;
	struct table tables[2];
	bool loaded[2];
	int shown;                      /* which of the spec's listings */
	bool typing;                    /* the filter is being typed */
	char filter[256];
	char prompt[300];
};

static const char *
list_string(const json_t *row, const char *field)
{
	return json_string_value(json_object_get(row, field));
}

static int
list_open_group(struct list_screen *list, struct tui *tui, enum listing_kind kind,
                const json_t *row)
{
	(void)list;
	(void)kind;
	tui_push(tui, detail_group(list_string(row, "cluster"), list_string(row, "group")));
	return TUI_REDRAW;
}

static int
list_open_topic(struct list_screen *list, struct tui *tui, enum listing_kind kind,
                const json_t *row)
{
	(void)list;
	(void)kind;
	tui_push(tui, detail_topic(list_string(row, "cluster"), list_string(row, "topic")));
	return TUI_REDRAW;
}

/* A service opens its detail; a team shows its services (the services list filtered by
 * the team's name). */
static int
list_open_service(struct list_screen *list, struct tui *tui, enum listing_kind kind,
                  const json_t *row)
{
	if (kind == LISTING_TEAMS) {
		char team[sizeof list->filter];

		snprintf(team, sizeof team, "%s", list_string(row, "team"));
		list->shown = 0;
		snprintf(list->filter, sizeof list->filter, "%s", team);
		list->screen.class->reload(&list->screen, tui);
		return TUI_REDRAW;
	}
	tui_push(tui, detail_service(list_string(row, "service")));
	return TUI_REDRAW;
}

static int
list_open_cluster(struct list_screen *list, struct tui *tui, enum listing_kind kind,
                  const json_t *row)
{
	(void)list;
	(void)kind;
	tui_push(tui, detail_cluster(list_string(row, "cluster")));
	return TUI_REDRAW;
}

/* An ACL opens the detail of the service its principal belongs to, if any. */
static int
list_open_acl(struct list_screen *list, struct tui *tui, enum listing_kind kind,
              const json_t *row)
{
	(void)list;
	(void)kind;
	if (list_string(row, "service") == NULL) {
		tui_message(tui, false, "%s belongs to no service of the catalog",
		            list_string(row, "principal"));
		return TUI_REDRAW;
	}
	tui_push(tui, detail_service(list_string(row, "service")));
	return TUI_REDRAW;
}

static int
list_open_reset(struct list_screen *list, struct tui *tui, enum listing_kind kind,
                const json_t *row)
{
	(void)list;
	(void)kind;
	tui_push(tui, detail_reset((long long)json_integer_value(json_object_get(row, "id"))));
	return TUI_REDRAW;
}

static const struct list_spec list_specs[] = {
	[TUI_VIEW_GROUPS] = { "Groups", { LISTING_LAG, LISTING_KIND_COUNT }, { "groups" },
	                      list_open_group },
	[TUI_VIEW_TOPICS] = { "Topics", { LISTING_TOPICS, LISTING_KIND_COUNT }, { "topics" },
	                      list_open_topic },
	[TUI_VIEW_SERVICES] = { "Services", { LISTING_SERVICES, LISTING_TEAMS },
	                        { "services", "teams" }, list_open_service },
	[TUI_VIEW_CLUSTERS] = { "Clusters", { LISTING_CLUSTERS, LISTING_KIND_COUNT },
	                        { "clusters" }, list_open_cluster },
	[TUI_VIEW_ACLS] = { "ACLs", { LISTING_ACLS, LISTING_KIND_COUNT }, { "ACLs" },
	                    list_open_acl },
	[TUI_VIEW_QUOTAS] = { "Quotas", { LISTING_QUOTAS, LISTING_KIND_COUNT }, { "quotas" },
	                      NULL },
	[TUI_VIEW_RESETS] = { "Resets", { LISTING_OFFSET_RESETS, LISTING_KIND_COUNT },
	                      { "resets" }, list_open_reset },
};

static const struct tui_key list_keys_help[] = {
	{ "Enter", "Detail", "open the detail of the row", false },
	{ "/", "Filter", "filter as you type: rows with the text in any column (Esc clears)", false },
	{ "s", "Sort", "sort by the next column (S: reverse; 0: the list's own order)", false },
	{ "v", "Teams", "switch between services and teams (Services & Teams)", false },
	{ "r", "Reset", "reset the offsets of the group under the cursor (Groups)", true },
	{ "t", "Graph", "the topology around the row under the cursor", false },
	{ "\u2191\u2193", "Move", "move (also j k, PgUp PgDn, Home End, g G)", false },
};

static struct table *
list_table(struct list_screen *list)
{
	return &list->tables[list->shown];
}

static int
list_reload(struct screen *screen, struct tui *tui)
{
	struct list_screen *list = (struct list_screen *)screen;
	enum listing_kind kind = list->spec->kinds[list->shown];
	json_t *rows;
	char *err = NULL;

	rows = listing_query(tui->store, kind, NULL, &err);
	if (rows == NULL) {
		tui_message(tui, true, "%s", err);
		free(err);
		return -1;
	}
	if (!list->loaded[list->shown]) {
		size_t count;
		const struct output_column *columns = cmd_list_columns(kind, &count);

		table_init(list_table(list), columns, count, list_keys[kind].keys,
		           list_keys[kind].key_count);
		list->loaded[list->shown] = true;
	}
	table_set_rows(list_table(list), rows);
	table_set_filter(list_table(list), list->filter);
	return 0;
}

/* The column of FIELD in TABLE as laid out (x and width), or false when hidden or absent. */
static bool
list_column_at(const struct table *table, const size_t *widths, const bool *hidden,
               const char *field, int *x, int *width)
{
	int at = 0;

	for (size_t c = 0; c < table->column_count; c++) {
		if (hidden[c])
			continue;
		if (strcmp(table->columns[c].field, field) == 0) {
			*x = at;
			*width = (int)widths[c];
			return true;
		}
		at += (int)widths[c] + 2;
	}
	return false;
}

static void
list_draw(struct screen *screen, struct tui *tui, int top, int height, int width)
{
	struct list_screen *list = (struct list_screen *)screen;
	struct table *table = list_table(list);
	size_t widths[32] = { 0 };
	bool hidden[32] = { 0 };
	char title[512], *heading;
	int rows = height - 2, status_x = 0, status_width = 0;
	bool has_status;

	if (!list->loaded[list->shown] || table->column_count > 32)
		return;
	snprintf(title, sizeof title, "%s: %zu", list->spec->kind_names[list->shown],
	         table->row_count);
	if (table->filter[0] != '\0')
		snprintf(title + strlen(title), sizeof title - strlen(title),
		         ", %zu matching '%s'", table->visible_count, list->filter);
	if (table->sort_column >= 0)
		snprintf(title + strlen(title), sizeof title - strlen(title), "; sorted by %s %s",
		         table->columns[table->sort_column].heading,
		         table->sort_descending ? (tui->unicode ? "\u25bc" : "v")
		                                : (tui->unicode ? "\u25b2" : "^"));
	tui_clear_line(top, 0, width, theme_attr(THEME_TITLE));
	tui_put(top, 1, title, width - 1, theme_attr(THEME_TITLE) | A_BOLD);

	table_layout(table, (size_t)width, widths, hidden);
	heading = table_line(table, (size_t)-1, widths, hidden);
	tui_clear_line(top + 1, 0, width, theme_attr(THEME_HEADING));
	tui_put(top + 1, 0, heading, width, theme_attr(THEME_HEADING));
	free(heading);

	has_status = list_column_at(table, widths, hidden, "status", &status_x, &status_width);
	if (rows < 1)
		return;
	table_scroll(table, (size_t)rows);
	for (int y = 0; y < rows && table->top + (size_t)y < table->visible_count; y++) {
		size_t index = table->top + (size_t)y;
		char *line = table_line(table, index, widths, hidden);
		bool cursor = index == table->cursor;

		if (cursor)
			tui_clear_line(top + 2 + y, 0, width, theme_attr(THEME_CURSOR));
		tui_put(top + 2 + y, 0, line, width, theme_attr(cursor ? THEME_CURSOR : THEME_NORMAL));
		free(line);
		if (has_status && !cursor) {
			const json_t *row = json_array_get(table->rows, table->visible[index]);
			int attrs = theme_attr(theme_status((enum lag_status)lag_status_parse(
				list_string(row, "status") ? list_string(row, "status") : "")));

			if (status_x < width)
				mvchgat(top + 2 + y, status_x, status_width, (attr_t)attrs,
				        (short)PAIR_NUMBER(attrs), NULL);
		}
	}
	if (table->visible_count == 0)
		tui_put(top + 2, 1, table->row_count == 0 ? "(nothing in the catalog yet)"
		                                          : "(no row matches the filter)",
		        width - 1, theme_attr(THEME_DIM));
}

static const char *
list_prompt(struct screen *screen, struct tui *tui)
{
	struct list_screen *list = (struct list_screen *)screen;

	(void)tui;
	if (!list->typing)
		return NULL;
	snprintf(list->prompt, sizeof list->prompt, "Filter: %s", list->filter);
	return list->prompt;
}

/* The topology around the row under the cursor: its service, topic or group. */
static int
list_topology(struct list_screen *list, struct tui *tui)
{
	const json_t *row = table_selected(list_table(list));

	if (row == NULL)
		return TUI_HANDLED;
	view_topology_focus(tui, list_string(row, "service"), list_string(row, "team"),
	                    list_string(row, "cluster"), list_string(row, "topic"),
	                    list_string(row, "group"));
	return TUI_REDRAW;
}

static int
list_key(struct screen *screen, struct tui *tui, int key)
{
	struct list_screen *list = (struct list_screen *)screen;
	struct table *table = list_table(list);
	long page = tui->height > 6 ? tui->height - 6 : 1;
	const json_t *row;

	if (!list->loaded[list->shown])
		return TUI_UNHANDLED;
	if (list->typing) {
		int done = tui_edit(list->filter, sizeof list->filter, key);

		if (done == -1)
			list->filter[0] = '\0';
		if (done != 0)
			list->typing = false;
		table_set_filter(table, list->filter);
		return TUI_REDRAW;
	}
	switch (key) {
	case 'j':
	case TUI_FUNCTION_KEY(KEY_DOWN):
		table_move(table, 1);
		return TUI_REDRAW;
	case 'k':
	case TUI_FUNCTION_KEY(KEY_UP):
		table_move(table, -1);
		return TUI_REDRAW;
	case ' ':
	case TUI_FUNCTION_KEY(KEY_NPAGE):
		table_move(table, page);
		return TUI_REDRAW;
	case TUI_FUNCTION_KEY(KEY_PPAGE):
		table_move(table, -page);
		return TUI_REDRAW;
	case 'g':
	case TUI_FUNCTION_KEY(KEY_HOME):
		table_home(table);
		return TUI_REDRAW;
	case 'G':
	case TUI_FUNCTION_KEY(KEY_END):
		table_end(table);
		return TUI_REDRAW;
	case '/':
	case TUI_FUNCTION_KEY(KEY_F(3)):
		list->typing = true;
		return TUI_REDRAW;
	case TUI_ESCAPE:
		if (list->filter[0] == '\0')
			return TUI_UNHANDLED;
		list->filter[0] = '\0';
		table_set_filter(table, "");
		return TUI_REDRAW;
	case 's':
		table_sort(table, table->sort_column + 1 < (int)table->column_count
		                  ? table->sort_column + 1 : -1, table->sort_descending);
		return TUI_REDRAW;
	case 'S':
		table_sort(table, table->sort_column, !table->sort_descending);
		return TUI_REDRAW;
	case '0':
		table_sort(table, -1, false);
		return TUI_REDRAW;
	case 'v':
		if (list->spec->kinds[1] == LISTING_KIND_COUNT)
			return TUI_HANDLED;
		list->shown = !list->shown;
		list->filter[0] = '\0';
		list_reload(screen, tui);
		return TUI_REDRAW;
	case '\r':
	case '\n':
	case TUI_FUNCTION_KEY(KEY_ENTER):
	case TUI_FUNCTION_KEY(KEY_RIGHT):
		row = table_selected(table);
		if (row == NULL || list->spec->open == NULL)
			return TUI_HANDLED;
		return list->spec->open(list, tui, list->spec->kinds[list->shown], row);
	case 'r':
		row = table_selected(table);
		if (list->spec->kinds[list->shown] != LISTING_LAG || row == NULL)
			return TUI_HANDLED;
		if (tui->read_only) {
			tui_message(tui, true, "read-only: offset resets are off (kfleet tui --read-only)");
			return TUI_REDRAW;
		}
		tui_push(tui, dialog_reset_new(list_string(row, "cluster"), list_string(row, "group")));
		return TUI_REDRAW;
	case 't':
		return list_topology(list, tui);
	default:
		return TUI_UNHANDLED;
	}
}

static void
list_free(struct screen *screen)
{
	struct list_screen *list = (struct list_screen *)screen;

	for (int i = 0; i < 2; i++)
		if (list->loaded[i])
			table_free(&list->tables[i]);
	free(list);
}

/* One class per view, for its name in the tabs; the functions are shared. */
#define LIST_CLASS(view) \
	[view] = { .name = NULL, .keys = list_keys_help, \
	           .key_count = sizeof list_keys_help / sizeof list_keys_help[0], \
	           .reload = list_reload, .draw = list_draw, .key = list_key, \
	           .prompt = list_prompt, .free = list_free }

static struct screen_class list_classes[TUI_VIEW_COUNT] = {
	LIST_CLASS(TUI_VIEW_GROUPS), LIST_CLASS(TUI_VIEW_TOPICS), LIST_CLASS(TUI_VIEW_SERVICES),
	LIST_CLASS(TUI_VIEW_CLUSTERS), LIST_CLASS(TUI_VIEW_ACLS), LIST_CLASS(TUI_VIEW_QUOTAS),
	LIST_CLASS(TUI_VIEW_RESETS),
};

void
views_create(struct tui *tui)
{
	for (int v = 0; v < TUI_VIEW_COUNT; v++) {
		struct list_screen *list;

		if (v == TUI_VIEW_TOPOLOGY) {
			tui->views[v] = view_topology_new();
			continue;
		}
		list = tui_alloc(sizeof *list);
		list_classes[v].name = list_specs[v].name;
		list->screen.class = &list_classes[v];
		list->spec = &list_specs[v];
		tui->views[v] = &list->screen;
	}
}
