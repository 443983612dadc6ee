/* topology: who produces and consumes what across the fleet, as a graph the catalog
 * builds (catalog/topology.c) and Graphviz draws (topology/render.c).
 *
 * Nodes are services (with their team), topics (one per cluster and name: the same name
 * on two clusters is two nodes; a topic the catalog has no row of is one too when
 * committed offsets or a LITERAL ACL name it), and the consumer groups and principals no
 * service claims ("unowned", so that gaps in ownership show). Edges follow the data:
 * producer -> topic, topic -> consumer. One edge per (from, to, kind), whatever the number
 * of sources that tell of it: consumer-group offsets, ACL grants (READ consumes, WRITE
 * produces, ALL both) and declarations (kfleet.io/produces). */
#ifndef KFLEET_TOPOLOGY_H
#define KFLEET_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "kfleet/lag.h"
#include "kfleet/store.h"

enum topology_node_kind {
	TOPOLOGY_SERVICE,
	TOPOLOGY_TOPIC,
	TOPOLOGY_GROUP,                 /* a consumer group no service claims */
	TOPOLOGY_PRINCIPAL,             /* an ACL principal no service claims */
};

enum topology_edge_kind {
	TOPOLOGY_PRODUCES,              /* service or principal -> topic */
	TOPOLOGY_CONSUMES,              /* topic -> service, group or principal */
};

/* Where an edge comes from (a bit mask). */
enum topology_source {
	TOPOLOGY_FROM_OFFSETS = 1 << 0,     /* a consumer group committed offsets on the topic */
	TOPOLOGY_FROM_ACL = 1 << 1,         /* an ALLOW ACL on the topic for the principal */
	TOPOLOGY_FROM_DECLARATION = 1 << 2, /* the service declares it produces the topic */
};

struct topology_node {
	char *id;                       /* stable and unique: "service:order-service",
	                                   "topic:prod-eu/orders", "group:prod-eu/legacy-etl",
	                                   "principal:prod-eu/User:batch" */
	enum topology_node_kind kind;
	char *name;                     /* the service, topic, group id or principal */
	char *cluster;                  /* topics, groups, principals; NULL for services */
	char *team;                     /* a service's team, a topic's owning team; or NULL */
};

struct topology_edge {
	size_t from, to;                /* indices into nodes */
	enum topology_edge_kind kind;
	unsigned sources;               /* enum topology_source bits */
	/* consumes edges known from offsets (else -1 / LAG_STATUS_UNKNOWN / NULL and 0): the
	 * sum of the consuming groups' lag on the topic, their largest time lag, their worst
	 * status, and the groups, sorted: "g1,g2" for labels, and one by one in group_names,
	 * since a group id may itself hold a comma */
	int64_t lag;
	int64_t max_time_lag_ms;
	enum lag_status status;
	char *groups;
	char **group_names;
	size_t group_count;
};

struct topology {
	struct topology_node *nodes;    /* sorted by id */
	size_t node_count;
	struct topology_edge *edges;    /* sorted by (from id, to id, kind) */
	size_t edge_count;
};

/* Which part of the graph: the nodes the set fields choose (services of TEAM, SERVICE,
 * topics named TOPIC, on every cluster: the nodes any of them chooses; all nodes when
 * none is set; no node when the ones set choose none), then their neighbourhood up to
 * DEPTH hops along edges in either direction. CLUSTER restricts topics, groups and principals
 * to that cluster (and services to those linked to it) before anything else. */
struct topology_filter {
	const char *team;
	const char *service;
	const char *cluster;
	const char *topic;
	int depth;                      /* hops; < 0: TOPOLOGY_DEFAULT_DEPTH */
};

#define TOPOLOGY_DEFAULT_DEPTH 2

/* The topology of STORE's current generations and ownership, cut by FILTER (NULL: all).
 * NULL with *err set (caller frees) on a catalog error. */
struct topology *topology_build(struct store *store, const struct topology_filter *filter,
                                char **err);

void topology_free(struct topology *topology);

/* TOPOLOGY as {"nodes": [...], "edges": [...]} for other tools: nodes with id, kind
 * ("service", "topic", "group", "principal"), name, cluster, team, unowned; edges with
 * from, to (node ids), kind ("produces", "consumes"), sources (["offsets", "acl",
 * "declaration"]), lag, max_time_lag_seconds, status, groups ([..]); null where unknown.
 * A new reference (caller decrefs), or NULL when out of memory. */
json_t *topology_json(const struct topology *topology);

/* "service", "topic", ... and "produces", "consumes", as the JSON has them. */
const char *topology_node_kind_name(enum topology_node_kind kind);
const char *topology_edge_kind_name(enum topology_edge_kind kind);

#endif
