/* topology_render: the topology drawn by Graphviz in SVG, PNG, PDF or DOT: how its parts
 * look (the graph itself is topology/graph.c's), then gvc lays it out and renders it.
 * Graphviz lives behind the topology module (topology/) only. */
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
#include "topology/graph.h"

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

/* graph_check lets every kind of topology.h through: each has its style. */
_Static_assert(sizeof render_node_styles / sizeof render_node_styles[0] == TOPOLOGY_PRINCIPAL + 1,
               "a style per kind of node");

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

const char *
topology_render_engine(const struct topology *topology)
{
	struct graph_capture capture;
	bool sfdp;

	if (topology->node_count <= TOPOLOGY_SFDP_ABOVE)
		return "dot";
	graph_capture_start(&capture);
	sfdp = graph_context() != NULL && graph_has_layout("sfdp");
	graph_capture_end(&capture);
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

/* The drawing's fonts; sfdp's nodes drawn over the edges. */
static int
render_style_graph(void *data, const struct graph *graph)
{
	Agraph_t *root = graph->root;

	(void)data;
	render_set(root, "fontname", RENDER_FONT);
	render_set(root, "fontsize", "12");
	render_set(root, "id", "topology");
	render_set(root, "tooltip", "kfleet topology");
	if (!graph->clusters_drawn)
		render_set(root, "outputorder", "edgesfirst");
	agattr(root, AGNODE, "fontname", RENDER_FONT);
	agattr(root, AGNODE, "fontsize", "11");
	agattr(root, AGEDGE, "fontname", RENDER_FONT);
	agattr(root, AGEDGE, "fontsize", "9");
	return 0;
}

/* A team's or a Kafka cluster's box. */
static int
render_style_group(void *data, Agraph_t *subgraph, const char *name, bool by_team)
{
	struct render_text *text = data;

	render_text_name(text, name, RENDER_LABEL);
	render_set_text(subgraph, "label", text);
	render_text_add(text, "%s:", by_team ? "team" : "kafka");
	render_text_name(text, name, RENDER_LABEL);
	render_set_text(subgraph, "id", text);
	render_text_add(text, "%s ", by_team ? "team" : "Kafka cluster");
	render_text_name(text, name, RENDER_TOOLTIP);
	render_set_text(subgraph, "tooltip", text);
	render_set(subgraph, "class", by_team ? "team" : "kafka");
	render_set(subgraph, "style", by_team ? "rounded" : "rounded,filled");
	render_set(subgraph, "color", by_team ? "steelblue3" : "grey60");
	render_set(subgraph, "fillcolor", by_team ? "white" : "grey97");
	render_set(subgraph, "fontcolor", by_team ? "steelblue4" : "grey25");
	return text->failed ? -1 : 0;
}

static int
render_style_node(void *data, Agnode_t *drawn, const struct topology_node *node, bool in_cluster)
{
	const struct render_node_style *style = &render_node_styles[node->kind];
	struct render_text *text = data;

	/* Inside a cluster box the cluster goes without saying; sfdp draws no box. */
	if (in_cluster)
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
	return text->failed ? -1 : 0;
}

/* The edge between two drawn nodes. Consumes edges show their lag: all of them in a dot
 * drawing, only those not OK in a large one (sfdp), where thousands of labels would hide
 * the drawing; their tooltips always do. */
static int
render_style_edge(void *data, Agedge_t *line, const struct topology *topology,
                  const struct topology_edge *edge, bool label_all)
{
	struct render_text *text = data;
	const struct topology_node *from = &topology->nodes[edge->from];
	const struct topology_node *to = &topology->nodes[edge->to];
	bool consumes = edge->kind == TOPOLOGY_CONSUMES;
	const struct render_status_style *status =
		&render_status_styles[(unsigned)edge->status < LAG_STATUS_COUNT ? edge->status
		                                                                : LAG_STATUS_UNKNOWN];
	const char *status_name = lag_status_name(edge->status);
	char lag[LAG_COUNT_SIZE] = "", time_lag[LAG_DURATION_SIZE] = "";
	bool lag_known = consumes && edge->lag >= 0;
	const char *separator = "";

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
	return text->failed ? -1 : 0;
}

/* How a drawing looks, for graph_build; its data is a struct render_text. */
static const struct graph_style render_style = {
	.graph = render_style_graph,
	.group = render_style_group,
	.node = render_style_node,
	.edge = render_style_edge,
};

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
	if (gvLayout(gvc, graph, engine) != 0 || graph_errors() > 0) {
		gvFreeLayout(gvc, graph);
		graph_fail(err, "Graphviz could not lay out the topology");
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
	if (rc != 0 || result == NULL || graph_errors() > 0) {
		free(*data);
		*data = NULL;
		graph_fail(err, "Graphviz could not render the topology");
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
	struct graph_capture capture;
	const struct render_format *wanted;
	struct render_text text = { 0 };
	struct graph graph;
	const char *problem;
	GVC_t *gvc;
	int rc = -1;

	*data = NULL;
	*length = 0;
	*err = NULL;
	if ((unsigned)format >= RENDER_FORMAT_COUNT) {
		*err = strfmt("unknown topology format");
		return -1;
	}
	wanted = &render_formats[format];
	problem = graph_check(topology);
	if (problem != NULL) {
		*err = strfmt("%s", problem);
		return -1;
	}
	if (engine == NULL)
		engine = topology_render_engine(topology);

	graph_capture_start(&capture);
	gvc = graph_context();
	if (gvc == NULL) {
		graph_fail(err, "Graphviz could not start");
		goto out;
	}
	if (format != TOPOLOGY_FORMAT_DOT && !graph_has_device(wanted->name)) {
		*err = strfmt("Graphviz cannot write %s here (no %s plugin): %s", wanted->name,
		              wanted->plugin, RENDER_PLUGIN_HINT);
		goto out;
	}
	if (format != TOPOLOGY_FORMAT_DOT && !graph_has_layout(engine)) {
		bool ours = strcmp(engine, "dot") == 0 || strcmp(engine, "sfdp") == 0;

		*err = strfmt("Graphviz cannot lay graphs out with %s here%s%s", engine,
		              ours ? " (no plugin for it): " : ": no such layout engine",
		              ours ? RENDER_PLUGIN_HINT : "");
		goto out;
	}
	if (graph_build(&graph, topology, engine, &render_style, &text, &problem) < 0) {
		*err = strfmt("%s", problem);
		goto out;
	}
	if (format == TOPOLOGY_FORMAT_DOT) {
		rc = render_dot(graph.root, data, length);
		if (rc < 0)
			graph_fail(err, "Graphviz could not write the topology as DOT");
	} else {
		rc = render_laid_out(gvc, graph.root, engine, wanted->name, data, length, err);
	}
	graph_free(&graph);
out:
	free(text.data);
	graph_capture_end(&capture);
	if (rc < 0) {
		free(*data);
		*data = NULL;
		*length = 0;
	}
	return rc;
}
