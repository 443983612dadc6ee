/* graph: a topology as a Graphviz graph, for the two modules that lay it out: render.c
 * (SVG, PNG, PDF, DOT) and text.c (a character canvas for the terminal). The graph's
 * shape is made here, once: one node per topology node inside a cluster subgraph per team
 * (services) or per Kafka cluster (topics, groups, principals), one edge per topology edge.
 * How each part looks is the caller's, through a table of functions. Also the process's
 * one Graphviz context and the capture of Graphviz's messages.
 *
 * Internal to libkftopology.a. Graphviz keeps its state in globals: one thread at a time. */
#ifndef KFLEET_TOPOLOGY_GRAPH_H
#define KFLEET_TOPOLOGY_GRAPH_H

#include <stdbool.h>
#include <stddef.h>

#include <gvc.h>

#include "kfleet/topology.h"

/* ---------------------------------------------------------------- the context */

/* The process's Graphviz context, made on first use (kept until exit), or NULL when
 * Graphviz cannot start. */
GVC_t *graph_context(void);

/* Whether the context has the device (output format) or the layout engine NAME. */
bool graph_has_device(const char *name);
bool graph_has_layout(const char *name);

/* ---------------------------------------------------------------- Graphviz's messages */

/* Between graph_capture_start and graph_capture_end Graphviz's warnings are dropped and
 * its first error line is kept for graph_fail. */
struct graph_capture {
	agusererrf previous_function;
	agerrlevel_t previous_level;
};

void graph_capture_start(struct graph_capture *capture);
void graph_capture_end(const struct graph_capture *capture);

/* The errors Graphviz reported since graph_capture_start: dot carries on after some
 * ("trouble in init_rank", a lost edge), but its drawing is then incomplete. */
unsigned graph_errors(void);

/* *ERR = "WHAT: Graphviz's first error", or WHAT alone when it said nothing (caller frees). */
void graph_fail(char **err, const char *what);

/* ---------------------------------------------------------------- the graph */

/* The distinct teams or Kafka clusters of a topology's nodes, sorted, each with its
 * cluster subgraph ("cluster_team_<n>", "cluster_kafka_<n>", n in this order). The names
 * are the topology's. */
struct graph_groups {
	const char **names;
	Agraph_t **subgraphs;
	size_t count;
};

struct graph {
	Agraph_t *root;
	Agnode_t **nodes;               /* by index in topology->nodes */
	Agedge_t **edges;               /* by index in topology->edges */
	struct graph_groups teams;      /* of services */
	struct graph_groups clusters;   /* of topics, groups and principals */
	bool clusters_drawn;            /* the engine draws cluster boxes (dot and fdp) */
	/* how cgraph names the graph and its subgraphs (graph.c's graph_ids) */
	Agdisc_t discipline;
	char **graph_names;             /* by ID: 2, 4, 6... */
	size_t graph_name_count, graph_name_size;
};

/* How the caller's drawing looks: the attributes of each part as graph_build makes it
 * (NULL: none). Each returns 0, or -1 to fail the build (out of memory). IN_CLUSTER: the node is drawn
 * inside its team's or cluster's box (the box then names it). */
struct graph_style {
	int (*graph)(void *data, const struct graph *graph);
	int (*group)(void *data, Agraph_t *subgraph, const char *name, bool by_team);
	int (*node)(void *data, Agnode_t *drawn, const struct topology_node *node, bool in_cluster);
	int (*edge)(void *data, Agedge_t *line, const struct topology *topology,
	            const struct topology_edge *edge, bool clusters_drawn);
};

/* What is wrong with TOPOLOGY (edges past its nodes, a node without id or of an unknown
 * kind), or NULL: a malformed topology is an error, not a crash. */
const char *graph_check(const struct topology *topology);

/* GRAPH made of TOPOLOGY (checked by graph_check) for the layout engine ENGINE, styled by
 * STYLE with DATA. Returns 0, or -1 with *PROBLEM set (out of memory, two nodes with the
 * same id) and nothing to free. Graphviz keeps pointers into GRAPH: it stays where it is
 * until graph_free. */
int graph_build(struct graph *graph, const struct topology *topology, const char *engine,
                const struct graph_style *style, void *data, const char **problem);

/* Close GRAPH's Graphviz graph and free its arrays (its layout must be freed before). */
void graph_free(struct graph *graph);

#endif
