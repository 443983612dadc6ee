/* topology_test: topologies made by hand for the render module's tests and benchmark. */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kfleet/strfmt.h"
#include "tests/unit/topology_test.h"

#ifdef KFLEET_ABS_SRCDIR
/* Under AddressSanitizer: whole stacks at malloc (Graphviz's libraries have no frame
 * pointers, so the fast unwinder stops inside them and no suppression would match), and
 * tests/lsan-graphviz.supp, the leaks inside Graphviz and fontconfig. Ignored otherwise. */
const char *__asan_default_options(void);
const char *__lsan_default_options(void);

const char *
__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}

const char *
__lsan_default_options(void)
{
	return "print_suppressions=0:suppressions=" KFLEET_ABS_SRCDIR "/tests/lsan-graphviz.supp";
}
#endif

static void
test_out_of_memory(void)
{
	fprintf(stderr, "topology_test: out of memory\n");
	abort();
}

static void *
test_calloc(size_t count, size_t size)
{
	void *p = calloc(count == 0 ? 1 : count, size);

	if (p == NULL)
		test_out_of_memory();
	return p;
}

/* A new string from FMT (caller frees). */
static char * __attribute__((format(printf, 1, 2)))
test_strdupf(const char *fmt, ...)
{
	va_list ap;
	char *out;

	va_start(ap, fmt);
	out = strfmt_v(fmt, ap);
	va_end(ap);
	if (out == NULL)
		test_out_of_memory();
	return out;
}

static char *
test_strdup(const char *s)
{
	return s != NULL ? test_strdupf("%s", s) : NULL;
}

/* Node ids as the catalog makes them: "service:NAME", "KIND:CLUSTER/NAME". */
static const char *const test_id_prefixes[] = {
	[TOPOLOGY_SERVICE] = "service", [TOPOLOGY_TOPIC] = "topic",
	[TOPOLOGY_GROUP] = "group", [TOPOLOGY_PRINCIPAL] = "principal",
};

static void
test_set_node(struct topology_node *node, enum topology_node_kind kind, const char *cluster,
              const char *name, const char *team)
{
	node->kind = kind;
	node->id = kind == TOPOLOGY_SERVICE ? test_strdupf("service:%s", name)
	                                    : test_strdupf("%s:%s/%s", test_id_prefixes[kind],
	                                                   cluster, name);
	node->name = test_strdup(name);
	node->cluster = test_strdup(cluster);
	node->team = test_strdup(team);
}

static void
test_set_edge(struct topology_edge *edge, size_t from, size_t to, enum topology_edge_kind kind,
              unsigned sources, int64_t lag, int64_t max_time_lag_ms, enum lag_status status,
              const char *groups)
{
	edge->from = from;
	edge->to = to;
	edge->kind = kind;
	edge->sources = sources;
	edge->lag = lag;
	edge->max_time_lag_ms = max_time_lag_ms;
	edge->status = status;
	edge->groups = test_strdup(groups);
}

/* ---------------------------------------------------------------- the sample */

#define WEIRD_SERVICE "we\"ird <svc> & co\\N"
#define WEIRD_TEAM "R&D <\"core\"> \\n"

static const struct {
	enum topology_node_kind kind;
	const char *cluster, *name, *team;
} sample_nodes[] = {
	{ TOPOLOGY_SERVICE, NULL, "billing", "payments" },
	{ TOPOLOGY_SERVICE, NULL, "order-service", "payments" },
	{ TOPOLOGY_SERVICE, NULL, "orphan-job", NULL },
	{ TOPOLOGY_SERVICE, NULL, "reporting", "analytics" },
	{ TOPOLOGY_SERVICE, NULL, WEIRD_SERVICE, WEIRD_TEAM },
	{ TOPOLOGY_TOPIC, "prod-eu", "orders", "payments" },
	{ TOPOLOGY_TOPIC, "prod-eu", "payments", NULL },
	{ TOPOLOGY_TOPIC, "prod-us", "orders", "payments" },
	{ TOPOLOGY_GROUP, "prod-eu", "legacy-etl", NULL },
	{ TOPOLOGY_PRINCIPAL, "prod-eu", "User:batch", NULL },
};

enum {
	BILLING, ORDER_SERVICE, ORPHAN_JOB, REPORTING, WEIRD, EU_ORDERS, EU_PAYMENTS, US_ORDERS,
	LEGACY_ETL, BATCH, SAMPLE_NODE_COUNT
};

const char *const topology_test_sample_names[] = {
	"billing", "order-service", "orphan-job", "reporting", WEIRD_SERVICE, "orders",
	"payments", "legacy-etl", "User:batch", NULL,
};

#define MINUTE (60 * 1000)

struct topology *
topology_test_sample(void)
{
	struct topology *topology = test_calloc(1, sizeof *topology);
	struct topology_edge *edges;

	topology->node_count = SAMPLE_NODE_COUNT;
	topology->nodes = test_calloc(SAMPLE_NODE_COUNT, sizeof *topology->nodes);
	for (size_t i = 0; i < SAMPLE_NODE_COUNT; i++)
		test_set_node(&topology->nodes[i], sample_nodes[i].kind, sample_nodes[i].cluster,
		              sample_nodes[i].name, sample_nodes[i].team);

	topology->edge_count = 9;
	edges = topology->edges = test_calloc(topology->edge_count, sizeof *edges);
	test_set_edge(&edges[0], ORDER_SERVICE, EU_ORDERS, TOPOLOGY_PRODUCES,
	              TOPOLOGY_FROM_DECLARATION | TOPOLOGY_FROM_ACL, -1, -1, LAG_STATUS_UNKNOWN, NULL);
	test_set_edge(&edges[1], WEIRD, EU_PAYMENTS, TOPOLOGY_PRODUCES, TOPOLOGY_FROM_ACL, -1, -1,
	              LAG_STATUS_UNKNOWN, NULL);
	test_set_edge(&edges[2], EU_ORDERS, BILLING, TOPOLOGY_CONSUMES, TOPOLOGY_FROM_OFFSETS, 0, 0,
	              LAG_STATUS_OK, "billing");
	test_set_edge(&edges[3], EU_ORDERS, REPORTING, TOPOLOGY_CONSUMES,
	              TOPOLOGY_FROM_OFFSETS | TOPOLOGY_FROM_ACL, 5400, 12 * MINUTE,
	              LAG_STATUS_WARNING, "reporting,reporting-backfill");
	test_set_edge(&edges[4], EU_PAYMENTS, BILLING, TOPOLOGY_CONSUMES, TOPOLOGY_FROM_OFFSETS, 12,
	              1500, LAG_STATUS_REWIND, "billing");
	test_set_edge(&edges[5], US_ORDERS, ORPHAN_JOB, TOPOLOGY_CONSUMES, TOPOLOGY_FROM_OFFSETS,
	              200, 10 * MINUTE, LAG_STATUS_STALLED, "orphan-job");
	test_set_edge(&edges[6], EU_PAYMENTS, LEGACY_ETL, TOPOLOGY_CONSUMES, TOPOLOGY_FROM_OFFSETS,
	              1234567, 125 * MINUTE, LAG_STATUS_STOPPED, "legacy-etl");
	test_set_edge(&edges[7], EU_ORDERS, BATCH, TOPOLOGY_CONSUMES, TOPOLOGY_FROM_ACL, -1, -1,
	              LAG_STATUS_UNKNOWN, NULL);
	test_set_edge(&edges[8], EU_PAYMENTS, WEIRD, TOPOLOGY_CONSUMES, TOPOLOGY_FROM_OFFSETS, 7, -1,
	              LAG_STATUS_OK, "we\"ird\\group");
	return topology;
}

/* ---------------------------------------------------------------- synthetic fleets */

#define SYNTHETIC_CLUSTERS 3
#define SYNTHETIC_TEAM_SIZE 8

static const char *const synthetic_clusters[SYNTHETIC_CLUSTERS] = {
	"prod-eu", "prod-us", "staging",
};

/* A small deterministic generator (64-bit LCG, high bits), so that a size is one fleet. */
static uint64_t
synthetic_next(uint64_t *state)
{
	*state = *state * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
	return *state >> 33;
}

/* A topic index: on HOME cluster 85% of the time, anywhere otherwise. */
static size_t
synthetic_topic(uint64_t *state, size_t topics, size_t home)
{
	size_t per_cluster = topics / SYNTHETIC_CLUSTERS;

	if (per_cluster > 0 && synthetic_next(state) % 100 < 85)
		return home * per_cluster + synthetic_next(state) % per_cluster;
	return synthetic_next(state) % topics;
}

static enum lag_status
synthetic_status(uint64_t *state)
{
	unsigned roll = (unsigned)(synthetic_next(state) % 100);

	if (roll < 80)
		return LAG_STATUS_OK;
	if (roll < 90)
		return LAG_STATUS_WARNING;
	if (roll < 95)
		return LAG_STATUS_UNKNOWN;
	return (enum lag_status)(LAG_STATUS_REWIND + roll % 3);
}

/* Add an edge of KIND from FROM to TO unless there is one already (one edge per pair). */
static void
synthetic_edge(struct topology *topology, size_t from, size_t to, enum topology_edge_kind kind,
               uint64_t *state)
{
	struct topology_edge *edge;

	for (size_t i = 0; i < topology->edge_count; i++) {
		edge = &topology->edges[i];
		if (edge->from == from && edge->to == to && edge->kind == kind)
			return;
	}
	edge = &topology->edges[topology->edge_count++];
	if (kind == TOPOLOGY_PRODUCES) {
		test_set_edge(edge, from, to, kind, TOPOLOGY_FROM_DECLARATION | TOPOLOGY_FROM_ACL, -1,
		              -1, LAG_STATUS_UNKNOWN, NULL);
	} else {
		enum lag_status status = synthetic_status(state);
		int64_t lag = status == LAG_STATUS_UNKNOWN ? -1 : (int64_t)(synthetic_next(state) % 100000);

		test_set_edge(edge, from, to, kind, TOPOLOGY_FROM_OFFSETS | TOPOLOGY_FROM_ACL, lag,
		              lag < 0 ? -1 : (int64_t)(synthetic_next(state) % (3600 * 1000)), status,
		              topology->nodes[to].name);
	}
}

struct topology *
topology_test_synthetic(size_t nodes)
{
	struct topology *topology = test_calloc(1, sizeof *topology);
	size_t services = nodes * 40 / 100, groups = nodes * 7 / 100, principals = nodes * 3 / 100;
	size_t topics = nodes - services - groups - principals;
	size_t node = 0, edge_capacity;
	uint64_t state = nodes;

	if (topics == 0 && nodes > 0) {
		topics = nodes;
		services = groups = principals = 0;
	}
	topology->nodes = test_calloc(nodes, sizeof *topology->nodes);
	edge_capacity = services * 5 + groups * 2 + principals * 2;
	topology->edges = test_calloc(edge_capacity, sizeof *topology->edges);

	for (size_t i = 0; i < services; i++) {
		char name[32], team[32];

		snprintf(name, sizeof name, "svc-%05zu", i);
		snprintf(team, sizeof team, "team-%03zu", i / SYNTHETIC_TEAM_SIZE);
		test_set_node(&topology->nodes[node++], TOPOLOGY_SERVICE, NULL, name, team);
	}
	for (size_t i = 0; i < topics; i++) {
		char name[32], team[32];
		size_t cluster = i * SYNTHETIC_CLUSTERS / topics;

		snprintf(name, sizeof name, "topic-%05zu", i);
		snprintf(team, sizeof team, "team-%03zu",
		         services > 0 ? (i % services) / SYNTHETIC_TEAM_SIZE : 0);
		test_set_node(&topology->nodes[node++], TOPOLOGY_TOPIC, synthetic_clusters[cluster],
		              name, services > 0 ? team : NULL);
	}
	for (size_t i = 0; i < groups; i++) {
		char name[32];

		snprintf(name, sizeof name, "legacy-%05zu", i);
		test_set_node(&topology->nodes[node++], TOPOLOGY_GROUP,
		              synthetic_clusters[i % SYNTHETIC_CLUSTERS], name, NULL);
	}
	for (size_t i = 0; i < principals; i++) {
		char name[32];

		snprintf(name, sizeof name, "User:batch-%05zu", i);
		test_set_node(&topology->nodes[node++], TOPOLOGY_PRINCIPAL,
		              synthetic_clusters[i % SYNTHETIC_CLUSTERS], name, NULL);
	}
	topology->node_count = node;

	/* Topics are nodes [services, services + topics); a team's home is one cluster. */
	for (size_t i = 0; i < services; i++) {
		size_t home = (i / SYNTHETIC_TEAM_SIZE) % SYNTHETIC_CLUSTERS;

		for (int k = 0; k < 2; k++)
			synthetic_edge(topology, i, services + synthetic_topic(&state, topics, home),
			               TOPOLOGY_PRODUCES, &state);
		for (int k = 0; k < 3; k++)
			synthetic_edge(topology, services + synthetic_topic(&state, topics, home), i,
			               TOPOLOGY_CONSUMES, &state);
	}
	for (size_t i = 0; i < groups; i++) {
		size_t self = services + topics + i;

		for (int k = 0; k < 2; k++)
			synthetic_edge(topology, services + synthetic_topic(&state, topics,
			                                                    i % SYNTHETIC_CLUSTERS),
			               self, TOPOLOGY_CONSUMES, &state);
	}
	for (size_t i = 0; i < principals; i++) {
		size_t self = services + topics + groups + i;

		synthetic_edge(topology, self,
		               services + synthetic_topic(&state, topics, i % SYNTHETIC_CLUSTERS),
		               TOPOLOGY_PRODUCES, &state);
		synthetic_edge(topology,
		               services + synthetic_topic(&state, topics, i % SYNTHETIC_CLUSTERS), self,
		               TOPOLOGY_CONSUMES, &state);
	}
	return topology;
}

void
topology_test_free(struct topology *topology)
{
	if (topology == NULL)
		return;
	for (size_t i = 0; i < topology->node_count; i++) {
		free(topology->nodes[i].id);
		free(topology->nodes[i].name);
		free(topology->nodes[i].cluster);
		free(topology->nodes[i].team);
	}
	for (size_t i = 0; i < topology->edge_count; i++)
		free(topology->edges[i].groups);
	free(topology->nodes);
	free(topology->edges);
	free(topology);
}
