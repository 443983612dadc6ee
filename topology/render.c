/* topology_render: the topology drawn by Graphviz (cgraph builds the graph, gvc lays it
 * out and renders it). Graphviz lives behind this module only. */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gvc.h>

#include "kfleet/lag.h"
#include "kfleet/strfmt.h"
#include "kfleet/topology_render.h"

/* Debian 12 ships every plugin kfleet uses (core: svg and dot; dot_layout; neato_layout:
 * sfdp; pango: the cairo renderer for png and pdf; gd: png too) in this one package, and
 * its postinst registers them (config6a). A plugin missing at run time is a package not
 * installed or a registration that did not run. */
#define RENDER_PLUGIN_PACKAGE "libgvc6"
#define RENDER_PLUGIN_HINT \
	"apt-get install " RENDER_PLUGIN_PACKAGE \
	" (if it is installed, register its plugins as root: libgvc6-config-update -c)"

#define RENDER_FONT "Helvetica,Arial,sans-serif"

static const struct render_format {
	const char *name;               /* ours, and Graphviz's device */
	const char *plugin;             /* the plugin that writes it, for the message */
} render_formats[] = {
	[TOPOLOGY_FORMAT_SVG] = { .name = "svg", .plugin = "core" },
	[TOPOLOGY_FORMAT_PNG] = { .name = "png", .plugin = "cairo or gd" },
	[TOPOLOGY_FORMAT_PDF] = { .name = "pdf", .plugin = "cairo" },
	[TOPOLOGY_FORMAT_DOT] = { .name = "dot", .plugin = "core" },
};

#define RENDER_FORMAT_COUNT (sizeof render_formats / sizeof render_formats[0])

/* How each kind of node looks. Unowned groups and principals are dashed and grey, and say
 * so in their label, so that gaps in ownership show. */
static const struct render_node_style {
	const char *kind;               /* in tooltips */
	const char *class;              /* SVG class */
	const char *shape, *style, *color, *fillcolor, *fontcolor;
	bool unowned;
} render_node_styles[] = {
	[TOPOLOGY_SERVICE] = { .kind = "service", .class = "service", .shape = "box",
		.style = "rounded,filled", .color = "steelblue4", .fillcolor = "lightblue",
		.fontcolor = "black" },
	[TOPOLOGY_TOPIC] = { .kind = "topic", .class = "topic", .shape = "cylinder",
		.style = "filled", .color = "goldenrod4", .fillcolor = "lightyellow",
		.fontcolor = "black" },
	[TOPOLOGY_GROUP] = { .kind = "consumer group", .class = "group unowned",
		.shape = "ellipse", .style = "dashed", .color = "grey50", .fillcolor = "white",
		.fontcolor = "grey30", .unowned = true },
	[TOPOLOGY_PRINCIPAL] = { .kind = "principal", .class = "principal unowned",
		.shape = "box", .style = "dashed", .color = "grey50", .fillcolor = "white",
		.fontcolor = "grey30", .unowned = true },
};

#define RENDER_NODE_KIND_COUNT (sizeof render_node_styles / sizeof render_node_styles[0])

/* A consumes edge's colour by its status; produces edges are solid dark blue. */
static const struct render_status_style {
	const char *color;
	const char *class;              /* SVG class, after "consumes" */
} render_status_styles[LAG_STATUS_COUNT] = {
	[LAG_STATUS_UNKNOWN] = { .color = "grey55", .class = "unknown" },
	[LAG_STATUS_OK] = { .color = "forestgreen", .class = "ok" },
	[LAG_STATUS_WARNING] = { .color = "darkorange2", .class = "warning" },
	[LAG_STATUS_REWIND] = { .color = "red3", .class = "rewind" },
	[LAG_STATUS_STALLED] = { .color = "red3", .class = "stalled" },
	[LAG_STATUS_STOPPED] = { .color = "red3", .class = "stopped" },
};

#define RENDER_PRODUCES_COLOR "navy"

static const struct {
	unsigned bit;
	const char *name;
} render_sources[] = {
	{ .bit = TOPOLOGY_FROM_OFFSETS, .name = "offsets" },
	{ .bit = TOPOLOGY_FROM_ACL, .name = "ACL" },
	{ .bit = TOPOLOGY_FROM_DECLARATION, .name = "declaration" },
};

int
topology_format_parse(const char *name, enum topology_format *format)
{
	for (size_t i = 0; i < RENDER_FORMAT_COUNT; i++) {
		if (name != NULL && strcasecmp(name, render_formats[i].name) == 0) {
			*format = (enum topology_format)i;
			return 0;
		}
	}
	return -1;
}

const char *
topology_format_name(enum topology_format format)
{
	return (unsigned)format < RENDER_FORMAT_COUNT ? render_formats[format].name : NULL;
}

/* ---------------------------------------------------------------- Graphviz's messages */

/* Graphviz reports through agerr, which prints on stderr unless given a function; that
 * function gets each message in pieces ("Error", ": ", the text), so the level is the
 * piece before. Warnings are dropped (kfleet's output stays clean); the first line of the
 * first error is kept for the caller. */
static struct {
	bool in_error;                  /* the pieces now coming belong to an error */
	bool after_level;               /* the next ": " is the level's */
	bool complete;                  /* the first error's first line is in */
	unsigned errors;                /* errors reported (warnings are not counted) */
	size_t length;
	char first[256];
} render_messages;

static int
render_message(char *piece)
{
	if (strcmp(piece, "Error") == 0 || strcmp(piece, "Warning") == 0) {
		render_messages.in_error = piece[0] == 'E';
		if (render_messages.in_error)
			render_messages.errors++;
		render_messages.after_level = true;
		if (render_messages.length > 0)
			render_messages.complete = true;
		return 0;
	}
	if (render_messages.after_level && strcmp(piece, ": ") == 0) {
		render_messages.after_level = false;
		return 0;
	}
	render_messages.after_level = false;
	if (!render_messages.in_error || render_messages.complete)
		return 0;
	for (const char *p = piece; *p != '\0'; p++) {
		if (*p == '\n') {
			render_messages.complete = render_messages.length > 0;
			if (render_messages.complete)
				break;
			continue;
		}
		if (render_messages.length + 1 < sizeof render_messages.first)
			render_messages.first[render_messages.length++] = *p;
	}
	render_messages.first[render_messages.length] = '\0';
	return 0;
}

/* What agerr did before render_capture_start, restored by render_capture_end. */
struct render_capture {
	agusererrf previous_function;
	agerrlevel_t previous_level;
};

static void
render_capture_start(struct render_capture *capture)
{
	memset(&render_messages, 0, sizeof render_messages);
	capture->previous_function = agseterrf(render_message);
	capture->previous_level = agseterr(AGWARN);
	agreseterrors();
}

static void
render_capture_end(const struct render_capture *capture)
{
	agseterrf(capture->previous_function);
	agseterr(capture->previous_level);
}

/* *ERR = "WHAT: Graphviz's first error", or WHAT alone when it said nothing. */
static void
render_fail(char **err, const char *what)
{
	while (render_messages.length > 0 && render_messages.first[render_messages.length - 1] == ' ')
		render_messages.first[--render_messages.length] = '\0';
	if (render_messages.length > 0)
		*err = strfmt("%s: %s", what, render_messages.first);
	else
		*err = strfmt("%s", what);
}

/* ---------------------------------------------------------------- the context */

/* One Graphviz context for the process, made on first use, with the names of its devices
 * (output formats) and layout engines. Graphviz 2.42's gvContext loses the text of its
 * plugin configuration (3.6 KB) at every call and gvPluginList the names it lists twice
 * (png of cairo and of gd), so each is asked once; Graphviz's state is global anyway.
 * Kept, all of it stays reachable until exit. */
static struct {
	GVC_t *gvc;
	char **devices, **layouts;
	int device_count, layout_count;
} render_context;

static GVC_t *
render_context_get(void)
{
	if (render_context.gvc == NULL) {
		render_context.gvc = gvContext();
		if (render_context.gvc == NULL)
			return NULL;
		render_context.devices = gvPluginList(render_context.gvc, "device",
		                                      &render_context.device_count, NULL);
		render_context.layouts = gvPluginList(render_context.gvc, "layout",
		                                      &render_context.layout_count, NULL);
	}
	return render_context.gvc;
}

/* Whether NAME is among the COUNT NAMES. */
static bool
render_listed(char *const *names, int count, const char *name)
{
	for (int i = 0; i < count; i++) {
		if (names[i] != NULL && strcmp(names[i], name) == 0)
			return true;
	}
	return false;
}

static bool
render_has_device(const char *name)
{
	return render_listed(render_context.devices, render_context.device_count, name);
}

static bool
render_has_layout(const char *name)
{
	return render_listed(render_context.layouts, render_context.layout_count, name);
}

const char *
topology_render_engine(const struct topology *topology)
{
	GVC_t *gvc;
	struct render_capture capture;
	bool sfdp;

	if (topology->node_count <= TOPOLOGY_SFDP_ABOVE)
		return "dot";
	render_capture_start(&capture);
	gvc = render_context_get();
	sfdp = gvc != NULL && render_has_layout("sfdp");
	render_capture_end(&capture);
	return sfdp ? "sfdp" : "dot";
}

/* ---------------------------------------------------------------- text */

/* A growing string for labels and tooltips; out of memory sets failed and keeps the rest. */
struct render_text {
	char *data;
	size_t length, size;
	bool failed;
};

static void
render_text_reset(struct render_text *text)
{
	text->length = 0;
	if (text->data != NULL)
		text->data[0] = '\0';
}

static bool
render_text_reserve(struct render_text *text, size_t more)
{
	size_t size = text->size == 0 ? 128 : text->size;
	char *data;

	if (text->failed)
		return false;
	if (text->length + more + 1 <= text->size)
		return true;
	while (size < text->length + more + 1)
		size *= 2;
	data = realloc(text->data, size);
	if (data == NULL) {
		text->failed = true;
		return false;
	}
	text->data = data;
	text->size = size;
	return true;
}

/* Append FMT as it is: kfleet's own words, where "\n" (backslash, n) is Graphviz's line
 * break. */
static void __attribute__((format(printf, 2, 3)))
render_text_add(struct render_text *text, const char *fmt, ...)
{
	va_list ap;
	int needed;

	va_start(ap, fmt);
	needed = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (needed < 0 || !render_text_reserve(text, (size_t)needed))
		return;
	va_start(ap, fmt);
	vsnprintf(text->data + text->length, (size_t)needed + 1, fmt, ap);
	va_end(ap);
	text->length += (size_t)needed;
}

/* Where a name goes: labels and ids, or tooltips. */
enum render_escape {
	RENDER_LABEL,
	RENDER_TOOLTIP,
};

/* Append NAME, a name from the catalog, so that Graphviz shows it as it is. Labels, ids
 * and tooltips are escStrings, where a backslash starts "\N" (the node's name), "\n"
 * and the like, so each is doubled; Graphviz 2.42 unescapes a tooltip twice (a node's
 * "\\N" would show its name), so there each becomes four. (Quotes, <, > and & need
 * nothing: cgraph quotes, the SVG writer escapes.) */
static void
render_text_name(struct render_text *text, const char *name, enum render_escape escape)
{
	size_t copies = escape == RENDER_TOOLTIP ? 4 : 2;

	if (name == NULL)
		name = "";
	for (const char *p = name; *p != '\0'; p++) {
		if (!render_text_reserve(text, copies))
			return;
		if (*p == '\\') {
			for (size_t i = 0; i < copies; i++)
				text->data[text->length++] = '\\';
		} else {
			text->data[text->length++] = *p;
		}
	}
	if (render_text_reserve(text, 0))
		text->data[text->length] = '\0';
}

/* Set ATTRIBUTE of OBJECT to TEXT, and empty TEXT for the next one. */
static void
render_set_text(void *object, const char *attribute, struct render_text *text)
{
	if (text->failed || text->data == NULL)
		return;
	agsafeset(object, (char *)attribute, text->data, "");
	render_text_reset(text);
}

static void
render_set(void *object, const char *attribute, const char *value)
{
	agsafeset(object, (char *)attribute, (char *)value, "");
}

/* ---------------------------------------------------------------- groups of nodes */

/* The distinct non-NULL strings among the nodes (a team or a cluster), sorted: the
 * clusters of the drawing, in a stable order. */
struct render_groups {
	const char **names;
	Agraph_t **subgraphs;
	size_t count;
};

static int
render_compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The team of a service, the cluster of the others: what the node is drawn inside. */
static const char *
render_node_group(const struct topology_node *node, bool by_team)
{
	if (node->kind == TOPOLOGY_SERVICE)
		return by_team ? node->team : NULL;
	return by_team ? NULL : node->cluster;
}

static int
render_groups_collect(struct render_groups *groups, const struct topology *topology, bool by_team)
{
	size_t count = 0;

	groups->names = calloc(topology->node_count + 1, sizeof *groups->names);
	groups->subgraphs = calloc(topology->node_count + 1, sizeof *groups->subgraphs);
	if (groups->names == NULL || groups->subgraphs == NULL)
		return -1;
	for (size_t i = 0; i < topology->node_count; i++) {
		const char *name = render_node_group(&topology->nodes[i], by_team);

		if (name != NULL)
			groups->names[count++] = name;
	}
	qsort(groups->names, count, sizeof *groups->names, render_compare_names);
	groups->count = 0;
	for (size_t i = 0; i < count; i++) {
		if (groups->count == 0 || strcmp(groups->names[groups->count - 1], groups->names[i]) != 0)
			groups->names[groups->count++] = groups->names[i];
	}
	return 0;
}

static Agraph_t *
render_groups_find(const struct render_groups *groups, const char *name)
{
	const char **found;

	if (name == NULL || groups->count == 0)
		return NULL;
	found = bsearch(&name, groups->names, groups->count, sizeof *groups->names,
	                render_compare_names);
	return found != NULL ? groups->subgraphs[found - groups->names] : NULL;
}

static void
render_groups_free(struct render_groups *groups)
{
	free(groups->names);
	free(groups->subgraphs);
}

/* One Graphviz cluster per group: "cluster_team_<n>" or "cluster_kafka_<n>", n in the
 * groups' sorted order. */
static int
render_groups_draw(struct render_groups *groups, Agraph_t *graph, bool by_team,
                   struct render_text *text)
{
	for (size_t i = 0; i < groups->count; i++) {
		char name[64];
		Agraph_t *subgraph;

		snprintf(name, sizeof name, "cluster_%s_%zu", by_team ? "team" : "kafka", i);
		subgraph = agsubg(graph, name, 1);
		if (subgraph == NULL)
			return -1;
		groups->subgraphs[i] = subgraph;
		render_text_name(text, groups->names[i], RENDER_LABEL);
		render_set_text(subgraph, "label", text);
		render_text_add(text, "%s:", by_team ? "team" : "kafka");
		render_text_name(text, groups->names[i], RENDER_LABEL);
		render_set_text(subgraph, "id", text);
		render_text_add(text, "%s ", by_team ? "team" : "Kafka cluster");
		render_text_name(text, groups->names[i], RENDER_TOOLTIP);
		render_set_text(subgraph, "tooltip", text);
		render_set(subgraph, "class", by_team ? "team" : "kafka");
		render_set(subgraph, "style", by_team ? "rounded" : "rounded,filled");
		render_set(subgraph, "color", by_team ? "steelblue3" : "grey60");
		render_set(subgraph, "fillcolor", by_team ? "white" : "grey97");
		render_set(subgraph, "fontcolor", by_team ? "steelblue4" : "grey25");
	}
	return 0;
}

/* ---------------------------------------------------------------- the graph */

/* A node as edges' tooltips name it: a service by its name, the others as cluster/name. */
static void
render_text_node(struct render_text *text, const struct topology_node *node,
                 enum render_escape escape)
{
	if (node->kind != TOPOLOGY_SERVICE && node->cluster != NULL) {
		render_text_name(text, node->cluster, escape);
		render_text_add(text, "/");
	}
	render_text_name(text, node->name, escape);
}

static Agnode_t *
render_node(Agraph_t *graph, const struct topology_node *node, const struct render_groups *teams,
            const struct render_groups *clusters, bool clusters_drawn, struct render_text *text)
{
	const struct render_node_style *style = &render_node_styles[node->kind];
	Agraph_t *parent = node->kind == TOPOLOGY_SERVICE
		? render_groups_find(teams, node->team) : render_groups_find(clusters, node->cluster);
	Agnode_t *drawn = agnode(parent != NULL ? parent : graph, (char *)node->id, 1);

	if (drawn == NULL)
		return NULL;
	/* Inside a cluster box the cluster goes without saying; sfdp draws no box. */
	if (clusters_drawn && parent != NULL)
		render_text_name(text, node->name, RENDER_LABEL);
	else
		render_text_node(text, node, RENDER_LABEL);
	if (style->unowned)
		render_text_add(text, "\\n(unowned)");
	render_set_text(drawn, "label", text);
	render_text_name(text, node->id, RENDER_LABEL);
	render_set_text(drawn, "id", text);
	render_set(drawn, "class", style->class);
	render_set(drawn, "shape", style->shape);
	render_set(drawn, "style", style->style);
	render_set(drawn, "color", style->color);
	render_set(drawn, "fillcolor", style->fillcolor);
	render_set(drawn, "fontcolor", style->fontcolor);

	render_text_add(text, "%s ", style->kind);
	render_text_name(text, node->name, RENDER_TOOLTIP);
	if (style->unowned)
		render_text_add(text, " (unowned)");
	if (node->cluster != NULL) {
		render_text_add(text, "\\ncluster: ");
		render_text_name(text, node->cluster, RENDER_TOOLTIP);
	}
	if (node->team != NULL) {
		render_text_add(text, "\\nteam: ");
		render_text_name(text, node->team, RENDER_TOOLTIP);
	} else if (!style->unowned) {
		render_text_add(text, "\\nteam: none");
	}
	render_set_text(drawn, "tooltip", text);
	return drawn;
}

/* The edge between two drawn nodes. Consumes edges show their lag: all of them in a dot
 * drawing, only those not OK in a large one (sfdp), where thousands of labels would hide
 * the drawing; their tooltips always do. */
static int
render_edge(Agraph_t *graph, Agnode_t **drawn, const struct topology *topology,
            const struct topology_edge *edge, bool label_all, struct render_text *text)
{
	const struct topology_node *from = &topology->nodes[edge->from];
	const struct topology_node *to = &topology->nodes[edge->to];
	bool consumes = edge->kind == TOPOLOGY_CONSUMES;
	const struct render_status_style *status =
		&render_status_styles[(unsigned)edge->status < LAG_STATUS_COUNT ? edge->status
		                                                                : LAG_STATUS_UNKNOWN];
	const char *status_name = lag_status_name(edge->status);
	Agedge_t *line = agedge(graph, drawn[edge->from], drawn[edge->to], NULL, 1);
	char lag[LAG_COUNT_SIZE] = "", time_lag[LAG_DURATION_SIZE] = "";
	bool lag_known = consumes && edge->lag >= 0;
	const char *separator = "";

	if (line == NULL)
		return -1;
	if (lag_known) {
		lag_format_count(edge->lag, lag, sizeof lag);
		if (edge->max_time_lag_ms >= 0)
			lag_format_duration(edge->max_time_lag_ms, time_lag, sizeof time_lag);
	}
	render_text_add(text, "%s:", consumes ? "consumes" : "produces");
	render_text_name(text, from->id, RENDER_LABEL);
	render_text_add(text, "->");
	render_text_name(text, to->id, RENDER_LABEL);
	render_set_text(line, "id", text);

	/* An xlabel, placed after the layout: a label would be a node of its own to dot, which
	 * makes it 10 to 60 times slower here and, with clusters, trips its ranking ("trouble
	 * in init_rank", edges lost) from 100 nodes on (doc/benchmarks.md). */
	if (lag_known && (label_all || edge->status > LAG_STATUS_OK)) {
		render_text_add(text, "lag %s", lag);
		if (time_lag[0] != '\0')
			render_text_add(text, " \xc2\xb7 %s", time_lag);
		render_set_text(line, "xlabel", text);
	}
	render_set(line, "color", consumes ? status->color : RENDER_PRODUCES_COLOR);
	render_set(line, "fontcolor", consumes ? status->color : RENDER_PRODUCES_COLOR);
	if (consumes)
		render_text_add(text, "consumes %s", status->class);
	else
		render_text_add(text, "produces");
	render_set_text(line, "class", text);
	if (consumes && edge->status >= LAG_STATUS_REWIND)
		render_set(line, "penwidth", "2");

	render_text_node(text, consumes ? to : from, RENDER_TOOLTIP);
	render_text_add(text, " %s ", consumes ? "consumes" : "produces");
	render_text_node(text, consumes ? from : to, RENDER_TOOLTIP);
	if (consumes) {
		render_text_add(text, "\\nstatus: %s", status_name != NULL ? status_name : "unknown");
		if (lag_known) {
			render_text_add(text, "\\nlag %s", lag);
			if (time_lag[0] != '\0')
				render_text_add(text, " \xc2\xb7 %s", time_lag);
		}
		if (edge->groups != NULL) {
			render_text_add(text, "\\ngroups: ");
			render_text_name(text, edge->groups, RENDER_TOOLTIP);
		}
	}
	render_text_add(text, "\\nfrom: ");
	for (size_t i = 0; i < sizeof render_sources / sizeof render_sources[0]; i++) {
		if (edge->sources & render_sources[i].bit) {
			render_text_add(text, "%s%s", separator, render_sources[i].name);
			separator = ", ";
		}
	}
	if (*separator == '\0')
		render_text_add(text, "unknown");
	render_set_text(line, "tooltip", text);
	return 0;
}

/* Whether TOPOLOGY's edges point at its nodes and its node ids are set: a malformed
 * topology is an error, not a crash. */
static const char *
render_check(const struct topology *topology)
{
	if (topology->node_count > 0 && topology->nodes == NULL)
		return "the topology has nodes but no node array";
	if (topology->edge_count > 0 && topology->edges == NULL)
		return "the topology has edges but no edge array";
	for (size_t i = 0; i < topology->node_count; i++) {
		if (topology->nodes[i].id == NULL || topology->nodes[i].id[0] == '\0')
			return "a node of the topology has no id";
		if ((unsigned)topology->nodes[i].kind >= RENDER_NODE_KIND_COUNT)
			return "a node of the topology has an unknown kind";
	}
	for (size_t i = 0; i < topology->edge_count; i++) {
		if (topology->edges[i].from >= topology->node_count ||
		    topology->edges[i].to >= topology->node_count)
			return "an edge of the topology points past its nodes";
	}
	return NULL;
}

/* The whole drawing of TOPOLOGY laid out by ENGINE, or NULL (out of memory, or a
 * duplicate node id). */
static Agraph_t *
render_graph(const struct topology *topology, const char *engine, const char **problem)
{
	Agraph_t *graph = agopen("topology", Agdirected, NULL);
	struct render_groups teams = { 0 }, clusters = { 0 };
	struct render_text text = { 0 };
	Agnode_t **drawn = calloc(topology->node_count + 1, sizeof *drawn);
	bool clusters_drawn = strcmp(engine, "dot") == 0 || strcmp(engine, "fdp") == 0;
	bool failed = graph == NULL || drawn == NULL;

	*problem = "out of memory";
	if (!failed) {
		render_set(graph, "layout", engine);
		render_set(graph, "rankdir", "LR");
		render_set(graph, "fontname", RENDER_FONT);
		render_set(graph, "fontsize", "12");
		render_set(graph, "id", "topology");
		render_set(graph, "tooltip", "kfleet topology");
		/* sfdp: nodes apart (its default lets them overlap), drawn over the edges. */
		if (!clusters_drawn) {
			render_set(graph, "overlap", "prism");
			render_set(graph, "outputorder", "edgesfirst");
		}
		agattr(graph, AGNODE, "fontname", RENDER_FONT);
		agattr(graph, AGNODE, "fontsize", "11");
		agattr(graph, AGEDGE, "fontname", RENDER_FONT);
		agattr(graph, AGEDGE, "fontsize", "9");
		failed = render_groups_collect(&teams, topology, true) < 0 ||
		         render_groups_collect(&clusters, topology, false) < 0 ||
		         render_groups_draw(&teams, graph, true, &text) < 0 ||
		         render_groups_draw(&clusters, graph, false, &text) < 0;
	}
	for (size_t i = 0; !failed && i < topology->node_count; i++) {
		if (agnode(graph, (char *)topology->nodes[i].id, 0) != NULL) {
			*problem = "two nodes of the topology have the same id";
			failed = true;
			break;
		}
		drawn[i] = render_node(graph, &topology->nodes[i], &teams, &clusters, clusters_drawn,
		                       &text);
		failed = drawn[i] == NULL;
	}
	for (size_t i = 0; !failed && i < topology->edge_count; i++)
		failed = render_edge(graph, drawn, topology, &topology->edges[i], clusters_drawn,
		                     &text) < 0;
	failed = failed || text.failed;

	free(text.data);
	free(drawn);
	render_groups_free(&teams);
	render_groups_free(&clusters);
	if (failed && graph != NULL) {
		agclose(graph);
		graph = NULL;
	}
	return graph;
}

/* GRAPH as DOT, unlaid, into a new buffer (caller frees). */
static int
render_dot(Agraph_t *graph, char **data, size_t *length)
{
	FILE *out = open_memstream(data, length);
	int rc;

	if (out == NULL)
		return -1;
	rc = agwrite(graph, out);
	if (fclose(out) != 0 || rc == EOF) {
		free(*data);
		*data = NULL;
		return -1;
	}
	return 0;
}

/* GRAPH laid out and rendered by Graphviz into a new malloc'd buffer (caller frees). */
static int
render_laid_out(GVC_t *gvc, Agraph_t *graph, const char *engine, const char *format,
                char **data, size_t *length, char **err)
{
	char *result = NULL;
	unsigned int result_length = 0;
	int rc;

	/* An error Graphviz reports while it carries on (dot's "trouble in init_rank", a lost
	 * edge) is a failure too: the drawing would not show the whole topology. */
	if (gvLayout(gvc, graph, engine) != 0 || render_messages.errors > 0) {
		gvFreeLayout(gvc, graph);
		render_fail(err, "Graphviz could not lay out the topology");
		return -1;
	}
	rc = gvRenderData(gvc, graph, format, &result, &result_length);
	if (rc == 0 && result != NULL) {
		*data = malloc((size_t)result_length + 1);
		if (*data != NULL) {
			memcpy(*data, result, result_length);
			(*data)[result_length] = '\0';
			*length = result_length;
		}
	}
	if (rc == 0)
		gvFreeRenderData(result);
	gvFreeLayout(gvc, graph);
	if (rc != 0 || result == NULL || render_messages.errors > 0) {
		free(*data);
		*data = NULL;
		render_fail(err, "Graphviz could not render the topology");
		return -1;
	}
	if (*data == NULL) {
		*err = strfmt("out of memory");
		return -1;
	}
	return 0;
}

int
topology_render(const struct topology *topology, enum topology_format format,
                char **data, size_t *length, char **err)
{
	return topology_render_with_engine(topology, format, NULL, data, length, err);
}

int
topology_render_with_engine(const struct topology *topology, enum topology_format format,
                            const char *engine, char **data, size_t *length, char **err)
{
	struct render_capture capture;
	const struct render_format *wanted;
	const char *problem;
	GVC_t *gvc;
	Agraph_t *graph;
	int rc = -1;

	*data = NULL;
	*length = 0;
	*err = NULL;
	if ((unsigned)format >= RENDER_FORMAT_COUNT) {
		*err = strfmt("unknown topology format");
		return -1;
	}
	wanted = &render_formats[format];
	problem = render_check(topology);
	if (problem != NULL) {
		*err = strfmt("%s", problem);
		return -1;
	}
	if (engine == NULL)
		engine = topology_render_engine(topology);

	render_capture_start(&capture);
	gvc = render_context_get();
	if (gvc == NULL) {
		render_fail(err, "Graphviz could not start");
		goto out;
	}
	if (format != TOPOLOGY_FORMAT_DOT && !render_has_device(wanted->name)) {
		*err = strfmt("Graphviz cannot write %s here (no %s plugin): %s", wanted->name,
		              wanted->plugin, RENDER_PLUGIN_HINT);
		goto out;
	}
	if (format != TOPOLOGY_FORMAT_DOT && !render_has_layout(engine)) {
		bool ours = strcmp(engine, "dot") == 0 || strcmp(engine, "sfdp") == 0;

		*err = strfmt("Graphviz cannot lay graphs out with %s here%s%s", engine,
		              ours ? " (no plugin for it): " : ": no such layout engine",
		              ours ? RENDER_PLUGIN_HINT : "");
		goto out;
	}
	graph = render_graph(topology, engine, &problem);
	if (graph == NULL) {
		*err = strfmt("%s", problem);
		goto out;
	}
	if (format == TOPOLOGY_FORMAT_DOT) {
		rc = render_dot(graph, data, length);
		if (rc < 0)
			render_fail(err, "Graphviz could not write the topology as DOT");
	} else {
		rc = render_laid_out(gvc, graph, engine, wanted->name, data, length, err);
	}
	agclose(graph);
out:
	render_capture_end(&capture);
	if (rc < 0) {
		free(*data);
		*data = NULL;
		*length = 0;
	}
	return rc;
}
