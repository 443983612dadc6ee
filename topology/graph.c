/* graph: a topology as a Graphviz graph (cgraph), shared by render.c and text.c; the
 * process's Graphviz context and the capture of its messages. */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gvc.h>

#include "kfleet/strfmt.h"
#include "topology/graph.h"

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
} graph_messages;

static int
graph_message(char *piece)
{
	if (strcmp(piece, "Error") == 0 || strcmp(piece, "Warning") == 0) {
		graph_messages.in_error = piece[0] == 'E';
		if (graph_messages.in_error)
			graph_messages.errors++;
		graph_messages.after_level = true;
		if (graph_messages.length > 0)
			graph_messages.complete = true;
		return 0;
	}
	if (graph_messages.after_level && strcmp(piece, ": ") == 0) {
		graph_messages.after_level = false;
		return 0;
	}
	graph_messages.after_level = false;
	if (!graph_messages.in_error || graph_messages.complete)
		return 0;
	for (const char *p = piece; *p != '\0'; p++) {
		if (*p == '\n') {
			graph_messages.complete = graph_messages.length > 0;
			if (graph_messages.complete)
				break;
			continue;
		}
		if (graph_messages.length + 1 < sizeof graph_messages.first)
			graph_messages.first[graph_messages.length++] = *p;
	}
	graph_messages.first[graph_messages.length] = '\0';
	return 0;
}

void
graph_capture_start(struct graph_capture *capture)
{
	memset(&graph_messages, 0, sizeof graph_messages);
	capture->previous_function = agseterrf(graph_message);
	capture->previous_level = agseterr(AGWARN);
	agreseterrors();
}

void
graph_capture_end(const struct graph_capture *capture)
{
	agseterrf(capture->previous_function);
	agseterr(capture->previous_level);
}

unsigned
graph_errors(void)
{
	return graph_messages.errors;
}

void
graph_fail(char **err, const char *what)
{
	while (graph_messages.length > 0 && graph_messages.first[graph_messages.length - 1] == ' ')
		graph_messages.first[--graph_messages.length] = '\0';
	if (graph_messages.length > 0)
		*err = strfmt("%s: %s", what, graph_messages.first);
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
} graph_gvc;

GVC_t *
graph_context(void)
{
	if (graph_gvc.gvc == NULL) {
		graph_gvc.gvc = gvContext();
		if (graph_gvc.gvc == NULL)
			return NULL;
		graph_gvc.devices = gvPluginList(graph_gvc.gvc, "device", &graph_gvc.device_count,
		                                 NULL);
		graph_gvc.layouts = gvPluginList(graph_gvc.gvc, "layout", &graph_gvc.layout_count,
		                                 NULL);
	}
	return graph_gvc.gvc;
}

/* Whether NAME is among the COUNT NAMES. */
static bool
graph_listed(char *const *names, int count, const char *name)
{
	for (int i = 0; i < count; i++) {
		if (names[i] != NULL && strcmp(names[i], name) == 0)
			return true;
	}
	return false;
}

bool
graph_has_device(const char *name)
{
	return graph_listed(graph_gvc.devices, graph_gvc.device_count, name);
}

bool
graph_has_layout(const char *name)
{
	return graph_listed(graph_gvc.layouts, graph_gvc.layout_count, name);
}

/* ---------------------------------------------------------------- groups of nodes */

static int
graph_compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The team of a service, the cluster of the others: what the node is drawn inside. */
static const char *
graph_node_group(const struct topology_node *node, bool by_team)
{
	if (node->kind == TOPOLOGY_SERVICE)
		return by_team ? node->team : NULL;
	return by_team ? NULL : node->cluster;
}

static int
graph_groups_collect(struct graph_groups *groups, const struct topology *topology, bool by_team)
{
	size_t count = 0;

	groups->names = calloc(topology->node_count + 1, sizeof *groups->names);
	groups->subgraphs = calloc(topology->node_count + 1, sizeof *groups->subgraphs);
	if (groups->names == NULL || groups->subgraphs == NULL)
		return -1;
	for (size_t i = 0; i < topology->node_count; i++) {
		const char *name = graph_node_group(&topology->nodes[i], by_team);

		if (name != NULL)
			groups->names[count++] = name;
	}
	qsort(groups->names, count, sizeof *groups->names, graph_compare_names);
	groups->count = 0;
	for (size_t i = 0; i < count; i++) {
		if (groups->count == 0 || strcmp(groups->names[groups->count - 1], groups->names[i]) != 0)
			groups->names[groups->count++] = groups->names[i];
	}
	return 0;
}

static Agraph_t *
graph_groups_find(const struct graph_groups *groups, const char *name)
{
	const char **found;

	if (name == NULL || groups->count == 0)
		return NULL;
	found = bsearch(&name, groups->names, groups->count, sizeof *groups->names,
	                graph_compare_names);
	return found != NULL ? groups->subgraphs[found - groups->names] : NULL;
}

static void
graph_groups_free(struct graph_groups *groups)
{
	free(groups->names);
	free(groups->subgraphs);
	memset(groups, 0, sizeof *groups);
}

/* One Graphviz cluster per group: "cluster_team_<n>" or "cluster_kafka_<n>". */
static int
graph_groups_make(struct graph_groups *groups, Agraph_t *root, bool by_team,
                  const struct graph_style *style, void *data)
{
	for (size_t i = 0; i < groups->count; i++) {
		char name[64];

		snprintf(name, sizeof name, "cluster_%s_%zu", by_team ? "team" : "kafka", i);
		groups->subgraphs[i] = agsubg(root, name, 1);
		if (groups->subgraphs[i] == NULL ||
		    (style->group != NULL &&
		     style->group(data, groups->subgraphs[i], groups->names[i], by_team) < 0))
			return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- the graph */

#define GRAPH_NODE_KIND_COUNT (TOPOLOGY_PRINCIPAL + 1)

/* cgraph's default IDs for named objects are the addresses of their interned names, and dot
 * lays clusters out in the order of their IDs: in the order malloc happened to place their
 * names, which differs from one drawing to the next in a process (the same topology came
 * out differently on a second call). So a graph's ID discipline numbers graphs itself,
 * 2, 4, 6... in order of creation (cgraph's anonymous IDs are odd), and keeps their names;
 * nodes and edges have cgraph's default. (Leaving graph names to cgraph's fallback map, the
 * simpler way, leaks its entries in Graphviz 2.42.) Its state is the struct graph whose
 * discipline it is. */
static void *
graph_ids_open(Agraph_t *root, Agdisc_t *discipline)
{
	struct graph *graph = (struct graph *)(void *)((char *)discipline -
	                                               offsetof(struct graph, discipline));

	graph->root = root;
	return graph;
}

static long
graph_ids_map(void *state, int objtype, char *name, IDTYPE *id, int createflag)
{
	struct graph *graph = state;

	if (objtype != AGRAPH || name == NULL)
		return AgIdDisc.map(graph->root, objtype, name, id, createflag);
	for (size_t i = 0; i < graph->graph_name_count; i++) {
		if (graph->graph_names[i] != NULL && strcmp(graph->graph_names[i], name) == 0) {
			*id = 2 * (IDTYPE)(i + 1);
			return 1;
		}
	}
	if (!createflag)
		return 0;
	if (graph->graph_name_count == graph->graph_name_size) {
		size_t size = graph->graph_name_size == 0 ? 16 : 2 * graph->graph_name_size;
		char **names = realloc(graph->graph_names, size * sizeof *names);

		if (names == NULL)
			return 0;       /* cgraph then maps the name itself */
		graph->graph_names = names;
		graph->graph_name_size = size;
	}
	/* interned, as cgraph's own names are: agwrite looks for a flag before the text */
	graph->graph_names[graph->graph_name_count] = agstrdup(graph->root, name);
	if (graph->graph_names[graph->graph_name_count] == NULL)
		return 0;
	*id = 2 * (IDTYPE)++graph->graph_name_count;
	return 1;
}

/* The index in graph_names of a graph's ID, or graph_name_count for another ID. */
static size_t
graph_ids_index(const struct graph *graph, int objtype, IDTYPE id)
{
	if (objtype != AGRAPH || id % 2 != 0 || id == 0 || id / 2 > graph->graph_name_count)
		return graph->graph_name_count;
	return (size_t)(id / 2 - 1);
}

static long
graph_ids_alloc(void *state, int objtype, IDTYPE id)
{
	return AgIdDisc.alloc(((struct graph *)state)->root, objtype, id);
}

static void
graph_ids_free(void *state, int objtype, IDTYPE id)
{
	struct graph *graph = state;
	size_t i = graph_ids_index(graph, objtype, id);

	if (i < graph->graph_name_count) {
		agstrfree(graph->root, graph->graph_names[i]);
		graph->graph_names[i] = NULL;
	} else {
		AgIdDisc.free(graph->root, objtype, id);
	}
}

static char *
graph_ids_print(void *state, int objtype, IDTYPE id)
{
	struct graph *graph = state;
	size_t i = graph_ids_index(graph, objtype, id);

	if (i < graph->graph_name_count)
		return graph->graph_names[i];
	return AgIdDisc.print(graph->root, objtype, id);
}

static void
graph_ids_close(void *state)
{
	struct graph *graph = state;

	for (size_t i = 0; i < graph->graph_name_count; i++) {
		if (graph->graph_names[i] != NULL)
			agstrfree(graph->root, graph->graph_names[i]);
	}
	free(graph->graph_names);
	graph->graph_names = NULL;
	graph->graph_name_count = graph->graph_name_size = 0;
}

static void
graph_ids_register(void *state, int objtype, void *object)
{
	AgIdDisc.idregister(((struct graph *)state)->root, objtype, object);
}

static Agiddisc_t graph_ids = {
	.open = graph_ids_open,
	.map = graph_ids_map,
	.alloc = graph_ids_alloc,
	.free = graph_ids_free,
	.print = graph_ids_print,
	.close = graph_ids_close,
	.idregister = graph_ids_register,
};

const char *
graph_check(const struct topology *topology)
{
	if (topology->node_count > 0 && topology->nodes == NULL)
		return "the topology has nodes but no node array";
	if (topology->edge_count > 0 && topology->edges == NULL)
		return "the topology has edges but no edge array";
	for (size_t i = 0; i < topology->node_count; i++) {
		if (topology->nodes[i].id == NULL || topology->nodes[i].id[0] == '\0')
			return "a node of the topology has no id";
		if ((unsigned)topology->nodes[i].kind >= GRAPH_NODE_KIND_COUNT)
			return "a node of the topology has an unknown kind";
	}
	for (size_t i = 0; i < topology->edge_count; i++) {
		if (topology->edges[i].from >= topology->node_count ||
		    topology->edges[i].to >= topology->node_count)
			return "an edge of the topology points past its nodes";
	}
	return NULL;
}

static void
graph_set(void *object, const char *attribute, const char *value)
{
	agsafeset(object, (char *)attribute, (char *)value, "");
}

int
graph_build(struct graph *graph, const struct topology *topology, const char *engine,
            const struct graph_style *style, void *data, const char **problem)
{
	bool failed;

	memset(graph, 0, sizeof *graph);
	*problem = "out of memory";
	graph->clusters_drawn = strcmp(engine, "dot") == 0 || strcmp(engine, "fdp") == 0;
	graph->discipline = (Agdisc_t){ .mem = &AgMemDisc, .id = &graph_ids, .io = &AgIoDisc };
	graph->root = agopen("topology", Agdirected, &graph->discipline);
	graph->nodes = calloc(topology->node_count + 1, sizeof *graph->nodes);
	graph->edges = calloc(topology->edge_count + 1, sizeof *graph->edges);
	failed = graph->root == NULL || graph->nodes == NULL || graph->edges == NULL;
	if (!failed) {
		graph_set(graph->root, "layout", engine);
		graph_set(graph->root, "rankdir", "LR");
		/* sfdp lets nodes overlap unless told not to. */
		if (!graph->clusters_drawn)
			graph_set(graph->root, "overlap", "prism");
		failed = (style->graph != NULL && style->graph(data, graph) < 0) ||
		         graph_groups_collect(&graph->teams, topology, true) < 0 ||
		         graph_groups_collect(&graph->clusters, topology, false) < 0 ||
		         graph_groups_make(&graph->teams, graph->root, true, style, data) < 0 ||
		         graph_groups_make(&graph->clusters, graph->root, false, style, data) < 0;
	}
	for (size_t i = 0; !failed && i < topology->node_count; i++) {
		const struct topology_node *node = &topology->nodes[i];
		Agraph_t *parent = node->kind == TOPOLOGY_SERVICE
			? graph_groups_find(&graph->teams, node->team)
			: graph_groups_find(&graph->clusters, node->cluster);

		if (agnode(graph->root, node->id, 0) != NULL) {
			*problem = "two nodes of the topology have the same id";
			failed = true;
			break;
		}
		graph->nodes[i] = agnode(parent != NULL ? parent : graph->root, node->id, 1);
		failed = graph->nodes[i] == NULL ||
		         (style->node != NULL &&
		          style->node(data, graph->nodes[i], node,
		                      graph->clusters_drawn && parent != NULL) < 0);
	}
	for (size_t i = 0; !failed && i < topology->edge_count; i++) {
		const struct topology_edge *edge = &topology->edges[i];

		graph->edges[i] = agedge(graph->root, graph->nodes[edge->from], graph->nodes[edge->to],
		                         NULL, 1);
		failed = graph->edges[i] == NULL ||
		         (style->edge != NULL &&
		          style->edge(data, graph->edges[i], topology, edge, graph->clusters_drawn) < 0);
	}
	if (failed) {
		graph_free(graph);
		return -1;
	}
	return 0;
}

void
graph_free(struct graph *graph)
{
	if (graph->root != NULL)
		agclose(graph->root);
	free(graph->nodes);
	free(graph->edges);
	graph_groups_free(&graph->teams);
	graph_groups_free(&graph->clusters);
	memset(graph, 0, sizeof *graph);
}
