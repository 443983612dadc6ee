/* detail: what Enter opens on a row: a group (status and reason, lag over time,
 * partitions, members, owner), a topic (partitions, configs, tags, producers and
 * consumers with their lag), a service (team, identities, topics produced and consumed),
 * a cluster (brokers) and a reset (its partitions before and after). Each is a page
 * made again from the catalog when it changes or the width does. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curses.h>

#include "kfleet/history.h"
#include "kfleet/lag.h"
#include "kfleet/listing.h"
#include "kfleet/topology.h"
#include "tui/cmd_list.h"
#include "tui/cmd_offsets.h"
#include "tui/dialog_reset.h"
#include "tui/page.h"
#include "tui/views.h"

enum detail_kind { DETAIL_GROUP, DETAIL_TOPIC, DETAIL_SERVICE, DETAIL_CLUSTER, DETAIL_RESET };

struct detail {
	enum detail_kind kind;
	char *cluster;                  /* NULL for a service or a reset */
	char *name;                     /* the group, topic, service or cluster */
	long long id;                   /* a reset's */
};

static void
detail_free_data(void *data)
{
	struct detail *detail = data;

	free(detail->cluster);
	free(detail->name);
	free(detail);
}

static const char *
detail_string(const json_t *row, const char *field)
{
	const char *s = json_string_value(json_object_get(row, field));

	return s != NULL ? s : "-";
}

/* KIND's rows that match FILTER, or NULL after a message. */
static json_t *
detail_query(struct tui *tui, enum listing_kind kind, const struct listing_filter *filter)
{
	char *err = NULL;
	json_t *rows = listing_query(tui->store, kind, filter, &err);

	if (rows == NULL) {
		tui_message(tui, true, "%s", err);
		free(err);
	}
	return rows;
}

#define COLUMNS(...) (const struct output_column[]){ __VA_ARGS__ }, \
	sizeof((const struct output_column[]){ __VA_ARGS__ }) / sizeof(struct output_column)

/* A detail's sections leave out the columns the detail is about (its cluster, group or
 * topic). */
#define GROUP_PARTITION_COLUMNS COLUMNS( \
	OUTPUT_NAME("topic", "TOPIC"), OUTPUT_NUMBER("partition", "PARTITION"), \
	OUTPUT_NUMBER("committed_offset", "COMMITTED", .drop = 2), \
	OUTPUT_NUMBER("log_end_offset", "LOG END", .drop = 1), OUTPUT_NUMBER("lag", "LAG"), \
	OUTPUT_NUMBER("time_lag_seconds", "TIME LAG (s)"))
#define MEMBER_COLUMNS COLUMNS( \
	OUTPUT_NAME("member_id", "MEMBER ID"), OUTPUT_NAME("client_id", "CLIENT ID", .drop = 2), \
	OUTPUT_TEXT("host", "HOST", .drop = 1), OUTPUT_NAME("assignments", "ASSIGNMENTS"))
#define TOPIC_CONSUMER_COLUMNS COLUMNS( \
	OUTPUT_NAME("group", "GROUP"), OUTPUT_NUMBER("partition", "PARTITION"), \
	OUTPUT_NUMBER("committed_offset", "COMMITTED", .drop = 2), \
	OUTPUT_NUMBER("log_end_offset", "LOG END", .drop = 1), OUTPUT_NUMBER("lag", "LAG"), \
	OUTPUT_NUMBER("time_lag_seconds", "TIME LAG (s)"), OUTPUT_TEXT("status", "STATUS"))
#define TOPIC_PARTITION_COLUMNS COLUMNS( \
	OUTPUT_NUMBER("partition", "PARTITION"), OUTPUT_NUMBER("leader", "LEADER", .null_text = "none"), \
	OUTPUT_NAME("replicas", "REPLICAS"), OUTPUT_NAME("isr", "ISR"), \
	OUTPUT_TEXT("under_replicated", "UNDER-REPLICATED", .drop = 3), \
	OUTPUT_NUMBER("log_start_offset", "LOG START", .drop = 1), \
	OUTPUT_NUMBER("log_end_offset", "LOG END", .drop = 2))
#define BROKER_COLUMNS COLUMNS( \
	OUTPUT_NUMBER("broker", "BROKER"), OUTPUT_NAME("host", "HOST"), OUTPUT_NUMBER("port", "PORT"), \
	OUTPUT_TEXT("rack", "RACK"), OUTPUT_TEXT("controller", "CONTROLLER"))
#define SERVICE_GROUP_COLUMNS COLUMNS( \
	OUTPUT_TEXT("cluster", "CLUSTER"), OUTPUT_NAME("group", "GROUP"), \
	OUTPUT_TEXT("status", "STATUS"), \
	OUTPUT_NUMBER("lag", "LAG"), OUTPUT_NUMBER("max_time_lag_seconds", "TIME LAG (s)"), \
	OUTPUT_TEXT("state", "STATE", .drop = 1), OUTPUT_NUMBER("members", "MEMBERS", .drop = 2))

/* A listing as a section: its title, then a table of COLUMNS. */
static void
detail_section(struct page *page, struct tui *tui, const char *title, enum listing_kind kind,
               const struct listing_filter *filter, const struct output_column *columns,
               size_t count, int width, const struct page_linker *linker)
{
	json_t *rows = detail_query(tui, kind, filter);

	page_add(page, THEME_NORMAL, "%s", "");
	page_add(page, THEME_TITLE, " %s", title);
	if (rows != NULL)
		page_add_table(page, rows, columns, count, width, "status", linker);
	json_decref(rows);
}

/* The first lines of a group's or topic's detail from its row in ROWS: its cluster and
 * owner. NULL (after saying so) when the last generation does not have it. */
static const json_t *
detail_head(struct page *page, const json_t *rows, const struct detail *detail)
{
	const json_t *row = json_array_get(rows, 0);

	if (row == NULL) {
		page_add(page, THEME_ERROR, "  %s is not in the catalog's last generation of %s",
		         detail->name, detail->cluster);
		return NULL;
	}
	page_add(page, THEME_NORMAL, "  Cluster:          %s", detail->cluster);
	page_add(page, THEME_NORMAL, "  Owner:            service %s, team %s",
	         detail_string(row, "service"), detail_string(row, "team"));
	return row;
}

/* The group's total lag over the last hour, as a sparkline. */
static void
detail_sparkline(struct page *page, struct tui *tui, const struct detail *detail, int width)
{
	int64_t now = (int64_t)time(NULL) * 1000;
	struct history_point *points = NULL;
	size_t count = 0, cells = width > 40 ? (size_t)width - 30 : 10;
	int64_t *values, largest = 0;
	char *err = NULL, line[4096], number[32];

	if (history_group_lag(tui->store, detail->cluster, detail->name, now - 3600 * 1000, &points,
	                      &count, &err) < 0) {
		page_add(page, THEME_ERROR, "  lag history: %s", err);
		free(err);
		return;
	}
	if (count == 0) {
		page_add(page, THEME_DIM, "%s", "  Lag, last hour:   (no history yet)");
		free(points);
		return;
	}
	values = tui_alloc(count * sizeof *values);
	for (size_t i = 0; i < count; i++) {
		values[i] = points[i].lag;
		if (values[i] > largest)
			largest = values[i];
	}
	if (cells > 200)
		cells = 200;
	lag_sparkline(values, count, cells, tui->unicode, line, sizeof line);
	page_add(page, THEME_NORMAL, "  Lag, last hour:   %s  max %s", line,
	         lag_format_count(largest, number, sizeof number));
	free(values);
	free(points);
}

static int
detail_group_build(struct page *page, struct tui *tui, const struct detail *detail, int width)
{
	struct listing_filter filter = { .cluster = detail->cluster, .group = detail->name };
	json_t *rows = detail_query(tui, LISTING_LAG, &filter);
	const json_t *row;
	char number[32], duration[32];

	if (rows == NULL)
		return -1;
	row = detail_head(page, rows, detail);
	if (row == NULL) {
		json_decref(rows);
		return 0;
	}
	page_add(page, THEME_NORMAL, "  State:            %s, %lld member%s",
	         detail_string(row, "state"),
	         (long long)json_integer_value(json_object_get(row, "members")),
	         json_integer_value(json_object_get(row, "members")) == 1 ? "" : "s");
	page_add(page, theme_status((enum lag_status)lag_status_parse(detail_string(row, "status"))),
	         "  Status:           %s%s%s", detail_string(row, "status"),
	         json_is_string(json_object_get(row, "status_reason")) ? ": " : "",
	         json_is_string(json_object_get(row, "status_reason"))
	         ? detail_string(row, "status_reason") : "");
	page_add(page, THEME_NORMAL, "  Lag:              %s messages, time lag %s",
	         json_is_integer(json_object_get(row, "lag"))
	         ? lag_format_count(json_integer_value(json_object_get(row, "lag")), number,
	                            sizeof number) : "-",
	         json_is_number(json_object_get(row, "max_time_lag_seconds"))
	         ? lag_format_duration((int64_t)(json_number_value(
	                                   json_object_get(row, "max_time_lag_seconds")) * 1000),
	                               duration, sizeof duration) : "-");
	json_decref(rows);
	detail_sparkline(page, tui, detail, width);
	detail_section(page, tui, "Partitions", LISTING_LAG_PARTITIONS, &filter,
	               GROUP_PARTITION_COLUMNS, width,
	               &(struct page_linker){ .kind = PAGE_LINK_TOPIC, .cluster_field = "cluster",
	                                      .name_field = "topic" });
	detail_section(page, tui, "Members and their assignments", LISTING_MEMBERS, &filter,
	               MEMBER_COLUMNS, width, NULL);
	return 0;
}

/* The producers and consumers of a topic, or what a service produces and consumes:
 * the edges the topology has at NODE_ID, with the lag of consumes. */
static void
detail_edges(struct page *page, struct tui *tui, const struct topology_filter *filter,
             const char *node_id, int width)
{
	static const struct output_column columns[] = {
		OUTPUT_TEXT("direction", ""), OUTPUT_NAME("name", "NAME"),
		OUTPUT_TEXT("cluster", "CLUSTER", .drop = 2),
		OUTPUT_TEXT("kind", "KIND"), OUTPUT_NUMBER("lag", "LAG"),
		OUTPUT_NUMBER("max_time_lag_seconds", "TIME LAG (s)"), OUTPUT_TEXT("status", "STATUS"),
		OUTPUT_NAME("sources", "KNOWN FROM", .drop = 1),
	};
	char *err = NULL;
	struct topology *topology = topology_build(tui->store, filter, &err);
	json_t *graph, *rows = json_array();
	const json_t *edge;
	size_t index;

	page_add(page, THEME_NORMAL, "%s", "");
	page_add(page, THEME_TITLE, " %s", "Produced and consumed by");
	if (topology == NULL) {
		page_add(page, THEME_ERROR, "  %s", err);
		free(err);
		json_decref(rows);
		return;
	}
	/* The JSON has each edge's lag, status and sources as the export writes them; the
	 * other end's name and cluster come from its node. */
	graph = topology_json(topology);
	json_array_foreach(json_object_get(graph, "edges"), index, edge) {
		const struct topology_edge *e = &topology->edges[index];
		const struct topology_node *from = &topology->nodes[e->from], *to = &topology->nodes[e->to];
		const struct topology_node *other;
		json_t *row;

		if (strcmp(from->id, node_id) != 0 && strcmp(to->id, node_id) != 0)
			continue;
		other = strcmp(from->id, node_id) == 0 ? to : from;
		row = json_pack("{s:s, s:s, s:s, s:s?, s:s, s:O, s:O, s:O, s:O}",
		                "direction", other == to ? "->" : "<-",
		                "node_kind", topology_node_kind_name(other->kind), "name", other->name,
		                "cluster", other->cluster, "kind", topology_edge_kind_name(e->kind),
		                "lag", json_object_get(edge, "lag"),
		                "max_time_lag_seconds", json_object_get(edge, "max_time_lag_seconds"),
		                "status", json_object_get(edge, "status"),
		                "sources", json_object_get(edge, "sources"));
		if (row != NULL)
			json_array_append_new(rows, row);
	}
	page_add_table(page, rows, columns, sizeof columns / sizeof columns[0], width, "status",
	               &(struct page_linker){ .kind_field = "node_kind", .cluster_field = "cluster",
	                                      .name_field = "name" });
	json_decref(rows);
	json_decref(graph);
	topology_free(topology);
}

static int
detail_topic_build(struct page *page, struct tui *tui, const struct detail *detail, int width)
{
	struct listing_filter filter = { .cluster = detail->cluster, .topic = detail->name };
	struct topology_filter graph = { .cluster = detail->cluster, .topic = detail->name,
	                                 .depth = 1 };
	json_t *rows = detail_query(tui, LISTING_TOPICS, &filter);
	const json_t *row, *configs, *value;
	const char *key;
	char node_id[1024];

	if (rows == NULL)
		return -1;
	row = detail_head(page, rows, detail);
	if (row == NULL) {
		json_decref(rows);
		return 0;
	}
	page_add(page, THEME_NORMAL, "  Partitions:       %lld, replication factor %lld, %lld "
	         "under-replicated", (long long)json_integer_value(json_object_get(row, "partitions")),
	         (long long)json_integer_value(json_object_get(row, "replication_factor")),
	         (long long)json_integer_value(json_object_get(row, "under_replicated")));
	{
		size_t count;
		const struct output_column *columns = cmd_list_columns(LISTING_TOPICS, &count);
		char *tags = NULL;

		for (size_t c = 0; c < count; c++)
			if (strcmp(columns[c].field, "tags") == 0)
				tags = output_cell_text(json_object_get(row, "tags"), &columns[c]);
		page_add(page, THEME_NORMAL, "  Tags:             %s", tags != NULL ? tags : "-");
		free(tags);
	}
	configs = json_object_get(row, "configs");
	page_add(page, THEME_NORMAL, "%s", "");
	page_add(page, THEME_TITLE, " %s", "Configs (not the broker's defaults)");
	if (json_object_size(configs) == 0)
		page_add(page, THEME_DIM, "  %s", "(none)");
	json_object_foreach((json_t *)configs, key, value)
		page_add(page, THEME_NORMAL, "  %-34s %s", key,
		         json_is_string(value) ? json_string_value(value) : "-");
	json_decref(rows);

	snprintf(node_id, sizeof node_id, "topic:%s/%s", detail->cluster, detail->name);
	detail_edges(page, tui, &graph, node_id, width);
	detail_section(page, tui, "Consumer groups, per partition", LISTING_LAG_PARTITIONS, &filter,
	               TOPIC_CONSUMER_COLUMNS, width,
	               &(struct page_linker){ .kind = PAGE_LINK_GROUP, .cluster_field = "cluster",
	                                      .name_field = "group" });
	detail_section(page, tui, "Partitions", LISTING_PARTITIONS, &filter, TOPIC_PARTITION_COLUMNS,
	               width, NULL);
	return 0;
}

static int
detail_service_build(struct page *page, struct tui *tui, const struct detail *detail, int width)
{
	struct listing_filter filter = { .service = detail->name };
	struct topology_filter graph = { .service = detail->name, .depth = 1 };
	json_t *rows = detail_query(tui, LISTING_SERVICES, &filter);
	const json_t *row;
	char node_id[1024];
	size_t count;
	const struct output_column *columns = cmd_list_columns(LISTING_SERVICES, &count);

	if (rows == NULL)
		return -1;
	row = json_array_get(rows, 0);
	if (row == NULL) {
		page_add(page, THEME_ERROR, "  %s is not a service of the catalog", detail->name);
		json_decref(rows);
		return 0;
	}
	for (size_t c = 0; c < count; c++) {
		char *text = output_cell_text(json_object_get(row, columns[c].field), &columns[c]);

		page_add(page, THEME_NORMAL, "  %-18s%s", columns[c].heading, text);
		free(text);
	}
	json_decref(rows);
	snprintf(node_id, sizeof node_id, "service:%s", detail->name);
	detail_edges(page, tui, &graph, node_id, width);
	detail_section(page, tui, "Its consumer groups", LISTING_LAG, &filter,
	               SERVICE_GROUP_COLUMNS, width,
	               &(struct page_linker){ .kind = PAGE_LINK_GROUP, .cluster_field = "cluster",
	                                      .name_field = "group" });
	return 0;
}

static int
detail_cluster_build(struct page *page, struct tui *tui, const struct detail *detail, int width)
{
	struct listing_filter filter = { .cluster = detail->cluster };
	json_t *rows = detail_query(tui, LISTING_CLUSTERS, &filter);
	const json_t *row;
	size_t count;
	const struct output_column *columns = cmd_list_columns(LISTING_CLUSTERS, &count);

	if (rows == NULL)
		return -1;
	row = json_array_get(rows, 0);
	for (size_t c = 0; row != NULL && c < count; c++) {
		char *text = output_cell_text(json_object_get(row, columns[c].field), &columns[c]);

		page_add(page, THEME_NORMAL, "  %-18s%s", columns[c].heading, text);
		free(text);
	}
	if (row != NULL)
		page_add(page, THEME_NORMAL, "  %-18s%s", "KAFKA CLUSTER ID",
		         detail_string(row, "kafka_cluster_id"));
	json_decref(rows);
	detail_section(page, tui, "Brokers", LISTING_BROKERS, &filter, BROKER_COLUMNS, width, NULL);
	return 0;
}

static int
detail_reset_build(struct page *page, struct tui *tui, const struct detail *detail, int width)
{
	static const struct output_column columns[] = {
		{ .field = "topic", .heading = "TOPIC", .shrinks = true },
		{ .field = "partition", .heading = "PARTITION", .right = true },
		{ .field = "before", .heading = "BEFORE", .right = true, .null_text = "none" },
		{ .field = "after", .heading = "AFTER", .right = true },
		{ .field = "error", .heading = "REFUSED", .shrinks = true, .null_text = "" },
	};
	json_t *rows = detail_query(tui, LISTING_OFFSET_RESETS, NULL);
	const json_t *row = NULL, *candidate;
	size_t index;

	if (rows == NULL)
		return -1;
	json_array_foreach(rows, index, candidate)
		if (json_integer_value(json_object_get(candidate, "id")) == detail->id)
			row = candidate;
	if (row == NULL) {
		page_add(page, THEME_ERROR, "  no offset reset %lld in the catalog", detail->id);
		json_decref(rows);
		return 0;
	}
	page_add(page, THEME_NORMAL, "  Time:             %s by %s on %s", detail_string(row, "time"),
	         detail_string(row, "user"), detail_string(row, "host"));
	page_add(page, THEME_NORMAL, "  Group:            %s on %s", detail_string(row, "group"),
	         detail_string(row, "cluster"));
	page_add(page, THEME_NORMAL, "  Mode:             %s", detail_string(row, "mode"));
	page_add(page, THEME_NORMAL, "  Outcome:          %s", detail_string(row, "outcome"));
	if (json_is_integer(json_object_get(row, "undo_of")))
		page_add(page, THEME_NORMAL, "  Undoes:           reset %lld",
		         (long long)json_integer_value(json_object_get(row, "undo_of")));
	page_add(page, THEME_DIM, "  Undo:             kfleet offsets undo %lld --execute",
	         detail->id);
	page_add(page, THEME_NORMAL, "%s", "");
	page_add(page, THEME_TITLE, " %s", "Partitions");
	page_add_table(page, json_object_get(row, "partitions"), columns,
	               sizeof columns / sizeof columns[0], width, NULL,
	               &(struct page_linker){ .kind = PAGE_LINK_TOPIC,
	                                      .default_cluster = detail_string(row, "cluster"),
	                                      .name_field = "topic" });
	json_decref(rows);
	return 0;
}

static int (*const detail_builders[])(struct page *, struct tui *, const struct detail *, int) = {
	[DETAIL_GROUP] = detail_group_build,
	[DETAIL_TOPIC] = detail_topic_build,
	[DETAIL_SERVICE] = detail_service_build,
	[DETAIL_CLUSTER] = detail_cluster_build,
	[DETAIL_RESET] = detail_reset_build,
};

static int
detail_reload(struct screen *screen, struct tui *tui)
{
	struct page *page = (struct page *)screen;

	page_clear(page);
	page->width = tui->width;
	return detail_builders[((struct detail *)page->data)->kind](page, tui, page->data,
	                                                              tui->width);
}

static void
detail_draw(struct screen *screen, struct tui *tui, int top, int height, int width)
{
	struct page *page = (struct page *)screen;

	if (page->width != width)
		detail_reload(screen, tui);
	page_draw(screen, tui, top, height, width);
}

static int
detail_key(struct screen *screen, struct tui *tui, int key)
{
	struct page *page = (struct page *)screen;
	const struct detail *detail = page->data;

	const struct page_link *link;

	switch (key) {
	case '\r':
	case '\n':
	case TUI_FUNCTION_KEY(KEY_ENTER):
	case TUI_FUNCTION_KEY(KEY_RIGHT):
		link = page_selected_link(page);
		if (link == NULL)
			return TUI_HANDLED;
		if (link->kind == PAGE_LINK_GROUP)
			tui_push(tui, detail_group(link->cluster, link->name));
		else if (link->kind == PAGE_LINK_TOPIC)
			tui_push(tui, detail_topic(link->cluster, link->name));
		else
			tui_push(tui, detail_service(link->name));
		return TUI_REDRAW;
	case 'r':
		if (detail->kind != DETAIL_GROUP)
			return TUI_HANDLED;
		if (tui->read_only) {
			tui_message(tui, true, "read-only: offset resets are off (kfleet tui --read-only)");
			return TUI_REDRAW;
		}
		tui_push(tui, dialog_reset_new(detail->cluster, detail->name));
		return TUI_REDRAW;
	case 't':
		switch (detail->kind) {
		case DETAIL_GROUP:
			view_topology_focus(tui, NULL, NULL, detail->cluster, NULL, detail->name);
			return TUI_REDRAW;
		case DETAIL_TOPIC:
			view_topology_focus(tui, NULL, NULL, detail->cluster, detail->name, NULL);
			return TUI_REDRAW;
		case DETAIL_SERVICE:
			view_topology_focus(tui, detail->name, NULL, NULL, NULL, NULL);
			return TUI_REDRAW;
		default:
			return TUI_HANDLED;
		}
	default:
		return page_key(screen, tui, key);
	}
}

static const struct tui_key detail_keys[] = {
	{ "Enter", "Open", "open the group, topic or service of the line under the cursor", false },
	{ "Esc", "Back", "back to the screen before", false },
	{ "r", "Reset", "reset this group's offsets (group detail)", true },
	{ "t", "Graph", "the topology around it", false },
	{ "\u2191\u2193", "Scroll", "scroll (also j k, PgUp PgDn, Home End)", false },
};

static const struct screen_class detail_class = {
	.name = "Detail",
	.keys = detail_keys,
	.key_count = sizeof detail_keys / sizeof detail_keys[0],
	.reload = detail_reload,
	.draw = detail_draw,
	.key = detail_key,
	.free = page_free,
};

static struct screen *
detail_new(enum detail_kind kind, const char *cluster, const char *name, long long id,
           const char *title)
{
	struct detail *detail = tui_alloc(sizeof *detail);
	struct page *page;

	*detail = (struct detail){ .kind = kind, .id = id,
	                           .cluster = cluster ? tui_strdup(cluster) : NULL,
	                           .name = name ? tui_strdup(name) : NULL };
	page = page_new(title, &detail_class);
	page->data = detail;
	page->free_data = detail_free_data;
	return &page->screen;
}

struct screen *
detail_group(const char *cluster, const char *group)
{
	char title[1024];

	snprintf(title, sizeof title, "Group %s on %s", group, cluster);
	return detail_new(DETAIL_GROUP, cluster, group, 0, title);
}

struct screen *
detail_topic(const char *cluster, const char *topic)
{
	char title[1024];

	snprintf(title, sizeof title, "Topic %s on %s", topic, cluster);
	return detail_new(DETAIL_TOPIC, cluster, topic, 0, title);
}

struct screen *
detail_service(const char *service)
{
	char title[1024];

	snprintf(title, sizeof title, "Service %s", service);
	return detail_new(DETAIL_SERVICE, NULL, service, 0, title);
}

struct screen *
detail_cluster(const char *cluster)
{
	char title[1024];

	snprintf(title, sizeof title, "Cluster %s", cluster);
	return detail_new(DETAIL_CLUSTER, cluster, cluster, 0, title);
}

struct screen *
detail_reset(long long id)
{
	char title[64];

	snprintf(title, sizeof title, "Offset reset %lld", id);
	return detail_new(DETAIL_RESET, NULL, NULL, id, title);
}
