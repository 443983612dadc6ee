/* topology: who produces and consumes what across the fleet, as a graph built from the
 * catalog's current generations and ownership (include/kfleet/topology.h).
 *
 * Five queries in one read transaction give every fact: the services, the known topics,
 * the committed offsets (a row per group and topic, its lag summed in SQL), the ACLs and
 * the produces declarations. Nodes are gathered as the facts name them, repeats and all,
 * then sorted by id and made unique; facts name nodes by index and are sorted and merged
 * into edges, one per (from, to, kind). The filter then cuts the finished graph. Nothing
 * is queried per row, and ownership is matched in memory (kfleet/owners.h). */
#include "config.h"

#include <fnmatch.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/store_sql.h"
#include "kfleet/owners.h"
#include "kfleet/topology.h"

static const char *const topology_node_kind_names[] = {
	[TOPOLOGY_SERVICE] = "service",
	[TOPOLOGY_TOPIC] = "topic",
	[TOPOLOGY_GROUP] = "group",
	[TOPOLOGY_PRINCIPAL] = "principal",
};

static const char *const topology_edge_kind_names[] = {
	[TOPOLOGY_PRODUCES] = "produces",
	[TOPOLOGY_CONSUMES] = "consumes",
};

/* The sources in the order the JSON lists them. */
static const struct {
	enum topology_source source;
	const char *name;
} topology_sources[] = {
	{ TOPOLOGY_FROM_OFFSETS, "offsets" },
	{ TOPOLOGY_FROM_ACL, "acl" },
	{ TOPOLOGY_FROM_DECLARATION, "declaration" },
};

/* ---------------------------------------------------------------- SQL
 * ?1 is the filter's cluster (NULL: every cluster): it restricts before anything else. */

static const char sql_services[] =
	"SELECT s.name, t.name FROM services s LEFT JOIN teams t ON t.id = s.team_id"
	" ORDER BY s.name";

/* In the order topology_topic_lower_bound searches (BINARY collation is strcmp's order). */
static const char sql_topics[] =
	"SELECT c.name, t.name FROM topics t JOIN clusters c ON c.id = t.cluster_id"
	" WHERE (?1 IS NULL OR c.name = ?1) ORDER BY c.name, t.name";

/* A group's lag on a topic: the sum over its partitions whose log end is known of
 * max(log end - committed, 0) (max() of a NULL is NULL, which sum() skips; NULL when none
 * is known). Rows of one group come together, so its owner is matched once. */
static const char sql_offsets[] =
	"SELECT g.id, c.name, g.name, g.status, o.topic,"
	" sum(max(p.high_watermark - o.committed_offset, 0)), max(o.time_lag_ms)"
	" FROM committed_offsets o JOIN consumer_groups g ON g.id = o.consumer_group_id"
	" JOIN clusters c ON c.id = g.cluster_id"
	" LEFT JOIN topics t ON t.cluster_id = g.cluster_id AND t.name = o.topic"
	" LEFT JOIN partitions p ON p.topic_id = t.id AND p.partition = o.partition"
	" WHERE (?1 IS NULL OR c.name = ?1)"
	" GROUP BY g.id, o.topic ORDER BY g.id, o.topic";

/* The grants that move data on topics; IDEMPOTENT_WRITE is a cluster operation. A DENY is
 * not subtracted: the graph shows what is granted. Rows of one principal come together. */
static const char sql_acls[] =
	"SELECT c.id, c.name, a.principal, a.operation, a.resource_name, a.pattern_type"
	" FROM acls a JOIN clusters c ON c.id = a.cluster_id"
	" WHERE a.permission = 'ALLOW' AND a.resource_type = 'TOPIC'"
	" AND a.operation IN ('READ', 'WRITE', 'ALL') AND (?1 IS NULL OR c.name = ?1)"
	" ORDER BY c.id, a.principal, a.id";

static const char sql_declarations[] =
	"SELECT s.name, b.cluster, b.pattern FROM service_bindings b"
	" JOIN services s ON s.id = b.service_id WHERE b.kind = 'produces' ORDER BY s.name, b.id";

/* ---------------------------------------------------------------- gathering */

/* What one source says of one edge, before merging. */
struct topology_fact {
	size_t from, to;                /* indices into the builder's nodes */
	enum topology_edge_kind kind;
	unsigned source;                /* one enum topology_source bit */
	int64_t lag;                    /* from offsets, else -1 */
	int64_t max_time_lag_ms;        /* from offsets, else -1 */
	enum lag_status status;
	char *group;                    /* from offsets: the group id (owned), else NULL */
};

/* The node the last group or principal asked for resolved to: their rows come together. */
struct topology_party {
	sqlite3_int64 key;              /* the group's row id, or the principal's cluster's */
	char *name;                     /* or NULL: none yet */
	size_t node;
};

struct topology_builder {
	struct store *store;
	const struct topology_filter *filter;
	struct owners *owners;
	struct topology_node *nodes;    /* in the order they come, with repeats */
	size_t node_count, node_capacity;
	size_t service_end;             /* nodes [0, service_end): the services, by name */
	size_t topic_end;               /* nodes [service_end, topic_end): the known topics, by
	                                   (cluster, name) */
	const char **clusters;          /* the known topics' clusters, in order (borrowed) */
	size_t cluster_count, cluster_capacity;
	struct topology_fact *facts;
	size_t fact_count, fact_capacity;
	struct topology_party group, principal;
	bool failed;                    /* out of memory */
};

/* Make room in *ARRAY (of *CAPACITY elements of SIZE bytes) for COUNT + 1 elements. */
static bool
topology_reserve(void *array_ptr, size_t *capacity, size_t count, size_t size)
{
	void **array = array_ptr;
	size_t grown_capacity = *capacity > 0 ? *capacity * 2 : 64;
	void *grown;

	if (count < *capacity)
		return true;
	if ((grown = realloc(*array, grown_capacity * size)) == NULL)
		return false;
	*array = grown;
	*capacity = grown_capacity;
	return true;
}

static char *
topology_strdup_or_null(const char *text, bool *failed)
{
	char *copy;

	if (text == NULL)
		return NULL;
	if ((copy = strdup(text)) == NULL)
		*failed = true;
	return copy;
}

static void
topology_node_clear(struct topology_node *node)
{
	free(node->id);
	free(node->name);
	free(node->cluster);
	free(node->team);
}

static void
topology_edge_clear(struct topology_edge *edge)
{
	for (size_t i = 0; i < edge->group_count; i++)
		free(edge->group_names[i]);
	free(edge->group_names);
	free(edge->groups);
}

/* A new node; its index, or SIZE_MAX when out of memory. */
static size_t
topology_add_node(struct topology_builder *b, enum topology_node_kind kind, const char *cluster,
                  const char *name, const char *team)
{
	struct topology_node *node;

	if (b->failed || !topology_reserve(&b->nodes, &b->node_capacity, b->node_count,
	                                   sizeof *node)) {
		b->failed = true;
		return SIZE_MAX;
	}
	node = &b->nodes[b->node_count++];
	*node = (struct topology_node){
		.id = cluster != NULL
		      ? strfmt("%s:%s/%s", topology_node_kind_name(kind), cluster, name)
		      : strfmt("%s:%s", topology_node_kind_name(kind), name),
		.kind = kind,
		.name = topology_strdup_or_null(name, &b->failed),
		.cluster = topology_strdup_or_null(cluster, &b->failed),
		.team = topology_strdup_or_null(team, &b->failed),
	};
	if (node->id == NULL)
		b->failed = true;
	return b->failed ? SIZE_MAX : b->node_count - 1;
}

static int
topology_service_compare(const void *name, const void *node)
{
	return strcmp(name, ((const struct topology_node *)node)->name);
}

/* The node of service NAME (a service owners.h matched, so one the catalog has). */
static size_t
topology_service(struct topology_builder *b, const char *name)
{
	const struct topology_node *found = b->service_end == 0 ? NULL
		: bsearch(name, b->nodes, b->service_end, sizeof *b->nodes, topology_service_compare);

	if (found != NULL)
		return (size_t)(found - b->nodes);
	return topology_add_node(b, TOPOLOGY_SERVICE, NULL, name, NULL);
}

/* The first known topic at or after (CLUSTER, NAME). */
static size_t
topology_topic_lower_bound(const struct topology_builder *b, const char *cluster,
                           const char *name)
{
	size_t low = b->service_end, high = b->topic_end;

	while (low < high) {
		size_t mid = low + (high - low) / 2;
		int cmp = strcmp(b->nodes[mid].cluster, cluster);

		if (cmp == 0)
			cmp = strcmp(b->nodes[mid].name, name);
		if (cmp < 0)
			low = mid + 1;
		else
			high = mid;
	}
	return low;
}

/* Whether node I is a known topic of CLUSTER whose name starts with PREFIX (LENGTH bytes). */
static bool
topology_topic_has_prefix(const struct topology_builder *b, size_t i, const char *cluster,
                          const char *prefix, size_t length)
{
	return i < b->topic_end && strcmp(b->nodes[i].cluster, cluster) == 0 &&
	       strncmp(b->nodes[i].name, prefix, length) == 0;
}

/* The node of topic NAME on CLUSTER: the known one, or a new one for a topic the catalog
 * has no row of (offsets committed on a deleted topic, an ACL on one not created yet):
 * the source names it on that cluster, so it is part of the graph. */
static size_t
topology_topic(struct topology_builder *b, const char *cluster, const char *name)
{
	size_t i = topology_topic_lower_bound(b, cluster, name);

	if (i < b->topic_end && strcmp(b->nodes[i].cluster, cluster) == 0 &&
	    strcmp(b->nodes[i].name, name) == 0)
		return i;
	return topology_add_node(b, TOPOLOGY_TOPIC, cluster, name, NULL);
}

/* The node consumer group or principal NAME on CLUSTER stands for: the service that owns
 * it, or a node of its own (KIND). KEY tells it from the last one asked for. */
static size_t
topology_party(struct topology_builder *b, struct topology_party *party, sqlite3_int64 key,
               enum topology_node_kind kind, const char *cluster, const char *name)
{
	struct owner owner;

	if (party->name != NULL && party->key == key && strcmp(party->name, name) == 0)
		return party->node;
	owner = kind == TOPOLOGY_GROUP ? owners_group(b->owners, cluster, name)
	                               : owners_principal(b->owners, cluster, name);
	free(party->name);
	party->name = topology_strdup_or_null(name, &b->failed);
	party->key = key;
	party->node = owner.service != NULL ? topology_service(b, owner.service)
	                                    : topology_add_node(b, kind, cluster, name, NULL);
	return party->node;
}

/* A copy of FACT, with a copy of GROUP (or NULL) as its group. */
static void
topology_add_fact(struct topology_builder *b, const struct topology_fact *fact,
                  const char *group)
{
	struct topology_fact *f;

	if (b->failed || !topology_reserve(&b->facts, &b->fact_capacity, b->fact_count,
	                                   sizeof *f)) {
		b->failed = true;
		return;
	}
	f = &b->facts[b->fact_count];
	*f = *fact;
	f->group = topology_strdup_or_null(group, &b->failed);
	if (!b->failed)
		b->fact_count++;
}

/* A fact of an ACL or a declaration, which say nothing of lag. */
static void
topology_link(struct topology_builder *b, size_t from, size_t to, enum topology_edge_kind kind,
              enum topology_source source)
{
	topology_add_fact(b, &(struct topology_fact){
		.from = from, .to = to, .kind = kind, .source = source,
		.lag = -1, .max_time_lag_ms = -1, .status = LAG_STATUS_UNKNOWN,
	}, NULL);
}

static const char *
topology_text(sqlite3_stmt *row, int i)
{
	return (const char *)sqlite3_column_text(row, i);
}

static int64_t
topology_int_or_unknown(sqlite3_stmt *row, int i)
{
	return sqlite3_column_type(row, i) == SQLITE_NULL ? -1 : sqlite3_column_int64(row, i);
}

static void
topology_add_service(struct topology_builder *b, sqlite3_stmt *row)
{
	topology_add_node(b, TOPOLOGY_SERVICE, NULL, topology_text(row, 0), topology_text(row, 1));
	b->service_end = b->topic_end = b->node_count;
}

static void
topology_add_known_topic(struct topology_builder *b, sqlite3_stmt *row)
{
	size_t i = topology_add_node(b, TOPOLOGY_TOPIC, topology_text(row, 0),
	                             topology_text(row, 1), NULL);

	if (i == SIZE_MAX)
		return;
	b->topic_end = b->node_count;
	if (b->cluster_count > 0 && strcmp(b->clusters[b->cluster_count - 1], b->nodes[i].cluster) == 0)
		return;
	if (!topology_reserve(&b->clusters, &b->cluster_capacity, b->cluster_count,
	                      sizeof *b->clusters))
		b->failed = true;
	else
		b->clusters[b->cluster_count++] = b->nodes[i].cluster;
}

/* A group's committed offsets on a topic: topic -> the group's service, or the group. */
static void
topology_add_offsets(struct topology_builder *b, sqlite3_stmt *row)
{
	const char *cluster = topology_text(row, 1), *group = topology_text(row, 2);
	const char *status = topology_text(row, 3);
	int parsed = status != NULL ? lag_status_parse(status) : -1;
	size_t topic = topology_topic(b, cluster, topology_text(row, 4));
	size_t consumer = topology_party(b, &b->group, sqlite3_column_int64(row, 0), TOPOLOGY_GROUP,
	                                 cluster, group);

	topology_add_fact(b, &(struct topology_fact){
		.from = topic, .to = consumer, .kind = TOPOLOGY_CONSUMES,
		.source = TOPOLOGY_FROM_OFFSETS,
		.lag = topology_int_or_unknown(row, 5),
		.max_time_lag_ms = topology_int_or_unknown(row, 6),
		.status = parsed >= 0 ? (enum lag_status)parsed : LAG_STATUS_UNKNOWN,
	}, group);
}

static void
topology_grant(struct topology_builder *b, size_t topic, size_t principal, bool reads,
               bool writes)
{
	if (reads)
		topology_link(b, topic, principal, TOPOLOGY_CONSUMES, TOPOLOGY_FROM_ACL);
	if (writes)
		topology_link(b, principal, topic, TOPOLOGY_PRODUCES, TOPOLOGY_FROM_ACL);
}

/* An ALLOW on topics: READ consumes, WRITE produces, ALL both, for the principal's
 * service or the principal. A LITERAL name is that topic, known or not; LITERAL "*" and
 * PREFIXED match the cluster's known topics. */
static void
topology_add_acl(struct topology_builder *b, sqlite3_stmt *row)
{
	const char *cluster = topology_text(row, 1), *operation = topology_text(row, 3);
	const char *resource = topology_text(row, 4), *pattern_type = topology_text(row, 5);
	bool all = strcmp(operation, "ALL") == 0;
	bool reads = all || strcmp(operation, "READ") == 0;
	bool writes = all || strcmp(operation, "WRITE") == 0;
	bool literal = strcmp(pattern_type, "LITERAL") == 0;
	size_t principal = topology_party(b, &b->principal, sqlite3_column_int64(row, 0),
	                                  TOPOLOGY_PRINCIPAL, cluster, topology_text(row, 2));
	const char *prefix;
	size_t length;

	if (literal && strcmp(resource, "*") != 0) {
		topology_grant(b, topology_topic(b, cluster, resource), principal, reads, writes);
		return;
	}
	if (!literal && strcmp(pattern_type, "PREFIXED") != 0)
		return; /* MATCH and ANY are filters, not stored bindings */
	prefix = literal ? "" : resource;
	length = strlen(prefix);
	for (size_t i = topology_topic_lower_bound(b, cluster, prefix);
	     topology_topic_has_prefix(b, i, cluster, prefix, length); i++)
		topology_grant(b, i, principal, reads, writes);
}

/* Every known topic of CLUSTER that PATTERN (a glob) matches, produced by SERVICE. Only
 * topics starting with the pattern's literal HEAD can match: a binary search finds them. */
static void
topology_declare(struct topology_builder *b, size_t service, const char *cluster,
                 const char *pattern, const char *head)
{
	size_t length = strlen(head);

	for (size_t i = topology_topic_lower_bound(b, cluster, head);
	     topology_topic_has_prefix(b, i, cluster, head, length); i++) {
		const char *topic = b->nodes[i].name;

		/* owners.h's test: the exact name, or the glob */
		if (strcmp(pattern, topic) == 0 || fnmatch(pattern, topic, 0) == 0)
			topology_link(b, service, i, TOPOLOGY_PRODUCES, TOPOLOGY_FROM_DECLARATION);
	}
}

/* A produces declaration: on its cluster, or on every cluster with known topics. */
static void
topology_add_declaration(struct topology_builder *b, sqlite3_stmt *row)
{
	size_t service = topology_service(b, topology_text(row, 0));
	const char *cluster = topology_text(row, 1), *pattern = topology_text(row, 2);
	char *head = strndup(pattern, strcspn(pattern, "*?[\\"));

	if (head == NULL || service == SIZE_MAX) {
		b->failed = true;
		free(head);
		return;
	}
	for (size_t c = 0; c < b->cluster_count && !b->failed; c++)
		if (cluster == NULL || strcmp(cluster, b->clusters[c]) == 0)
			topology_declare(b, service, b->clusters[c], pattern, head);
	free(head);
}

static const struct topology_query {
	const char *sql;
	void (*add)(struct topology_builder *b, sqlite3_stmt *row);
	const char *what;
} topology_queries[] = {
	/* In this order: the services and known topics are the ones the facts look up. */
	{ sql_services, topology_add_service, "reading services" },
	{ sql_topics, topology_add_known_topic, "reading topics" },
	{ sql_offsets, topology_add_offsets, "reading committed offsets" },
	{ sql_acls, topology_add_acl, "reading ACLs" },
	{ sql_declarations, topology_add_declaration, "reading produces declarations" },
};

/* Every node and fact of the catalog, within the filter's cluster. 0, or -1 with *err set
 * (b->failed: out of memory, left to the caller to say). */
static int
topology_gather(struct topology_builder *b, char **err)
{
	for (size_t q = 0; q < sizeof topology_queries / sizeof topology_queries[0]; q++) {
		const struct topology_query *query = &topology_queries[q];
		sqlite3_stmt *statement = store_statement(b->store, query->sql, err);
		int rc = SQLITE_DONE;

		if (statement == NULL)
			return -1;
		if (sqlite3_bind_parameter_count(statement) > 0 && b->filter->cluster != NULL)
			sqlite3_bind_text(statement, 1, b->filter->cluster, -1, SQLITE_STATIC);
		while (!b->failed && (rc = sqlite3_step(statement)) == SQLITE_ROW)
			query->add(b, statement);
		sqlite3_reset(statement);
		if (b->failed)
			return -1;
		if (rc != SQLITE_DONE)
			return store_fail(b->store, err, "%s", query->what);
	}
	return 0;
}

/* ---------------------------------------------------------------- merging */

struct topology_order {
	const char *id;
	size_t index;
};

static int
topology_order_compare(const void *left, const void *right)
{
	const struct topology_order *a = left, *b = right;
	int cmp = strcmp(a->id, b->id);

	if (cmp != 0)
		return cmp;
	return (a->index > b->index) - (a->index < b->index);
}

/* Facts by (from, to, kind) (node indices follow ids), then their groups, none first. */
static int
topology_fact_compare(const void *left, const void *right)
{
	const struct topology_fact *a = left, *b = right;

	if (a->from != b->from)
		return a->from < b->from ? -1 : 1;
	if (a->to != b->to)
		return a->to < b->to ? -1 : 1;
	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if (a->group == NULL || b->group == NULL)
		return (a->group != NULL) - (b->group != NULL);
	return strcmp(a->group, b->group);
}

/* Move the builder's nodes into T, sorted by id, one per id (the first gathered of each),
 * and point the facts at them. */
static bool
topology_take_nodes(struct topology_builder *b, struct topology *t)
{
	struct topology_order *order = malloc((b->node_count + 1) * sizeof *order);
	size_t *final = malloc((b->node_count + 1) * sizeof *final);

	t->nodes = malloc((b->node_count + 1) * sizeof *t->nodes);
	if (order == NULL || final == NULL || t->nodes == NULL) {
		free(order);
		free(final);
		return false;
	}
	for (size_t i = 0; i < b->node_count; i++)
		order[i] = (struct topology_order){ .id = b->nodes[i].id, .index = i };
	qsort(order, b->node_count, sizeof *order, topology_order_compare);
	for (size_t i = 0; i < b->node_count; i++) {
		struct topology_node *node = &b->nodes[order[i].index];

		if (t->node_count > 0 && strcmp(node->id, t->nodes[t->node_count - 1].id) == 0) {
			topology_node_clear(node);
		} else {
			t->nodes[t->node_count++] = *node;
		}
		final[order[i].index] = t->node_count - 1;
	}
	b->node_count = 0; /* all moved or freed */
	for (size_t i = 0; i < b->fact_count; i++) {
		b->facts[i].from = final[b->facts[i].from];
		b->facts[i].to = final[b->facts[i].to];
	}
	free(order);
	free(final);
	return true;
}

/* "g1,g2" of EDGE's group names. */
static bool
topology_join_groups(struct topology_edge *edge)
{
	size_t length = 0;

	for (size_t i = 0; i < edge->group_count; i++)
		length += strlen(edge->group_names[i]) + 1;
	if ((edge->groups = malloc(length)) == NULL)
		return false;
	length = 0;
	for (size_t i = 0; i < edge->group_count; i++) {
		size_t size = strlen(edge->group_names[i]);

		memcpy(edge->groups + length, edge->group_names[i], size);
		length += size;
		edge->groups[length++] = i + 1 < edge->group_count ? ',' : '\0';
	}
	return true;
}

/* The edge of facts FACTS[0, COUNT), which share (from, to, kind): their sources, the sum
 * of their known lags, the largest time lag, the worst status; the groups move to it. */
static bool
topology_merge(struct topology_fact *facts, size_t count, struct topology_edge *edge)
{
	size_t group_count = 0;

	*edge = (struct topology_edge){
		.from = facts[0].from, .to = facts[0].to, .kind = facts[0].kind,
		.lag = -1, .max_time_lag_ms = -1, .status = LAG_STATUS_UNKNOWN,
	};
	for (size_t i = 0; i < count; i++) {
		const struct topology_fact *f = &facts[i];

		edge->sources |= f->source;
		if (f->lag >= 0)
			edge->lag = edge->lag < 0 ? f->lag
			            : f->lag > INT64_MAX - edge->lag ? INT64_MAX : edge->lag + f->lag;
		if (f->max_time_lag_ms > edge->max_time_lag_ms)
			edge->max_time_lag_ms = f->max_time_lag_ms;
		if (f->status > edge->status)
			edge->status = f->status;
		group_count += f->group != NULL;
	}
	if (group_count == 0)
		return true;
	if ((edge->group_names = malloc(group_count * sizeof *edge->group_names)) == NULL)
		return false;
	for (size_t i = 0; i < count; i++) {
		if (facts[i].group != NULL) {
			edge->group_names[edge->group_count++] = facts[i].group;
			facts[i].group = NULL;
		}
	}
	return topology_join_groups(edge);
}

/* The builder's graph as a topology: nodes by id, edges by (from, to, kind). NULL when
 * out of memory. */
static struct topology *
topology_finish(struct topology_builder *b)
{
	struct topology *t = calloc(1, sizeof *t);

	if (t == NULL || !topology_take_nodes(b, t) ||
	    (t->edges = malloc((b->fact_count + 1) * sizeof *t->edges)) == NULL) {
		topology_free(t);
		return NULL;
	}
	if (b->fact_count > 0) /* facts is NULL when there are none, and qsort wants an array */
		qsort(b->facts, b->fact_count, sizeof *b->facts, topology_fact_compare);
	for (size_t first = 0, end; first < b->fact_count; first = end) {
		const struct topology_fact *f = &b->facts[first];

		for (end = first + 1; end < b->fact_count && b->facts[end].from == f->from &&
		     b->facts[end].to == f->to && b->facts[end].kind == f->kind; end++)
			;
		if (!topology_merge(&b->facts[first], end - first, &t->edges[t->edge_count++])) {
			topology_free(t);
			return NULL;
		}
	}
	return t;
}

/* ---------------------------------------------------------------- cutting */

static bool
topology_is_seed(const struct topology_node *node, const struct topology_filter *filter)
{
	if (node->kind == TOPOLOGY_SERVICE)
		return (filter->service != NULL && strcmp(node->name, filter->service) == 0) ||
		       (filter->team != NULL && node->team != NULL &&
		        strcmp(node->team, filter->team) == 0);
	return node->kind == TOPOLOGY_TOPIC && filter->topic != NULL &&
	       strcmp(node->name, filter->topic) == 0;
}

/* Keep of T the nodes whose FINAL[i] (their distance from a seed) is not SIZE_MAX, and the
 * edges between them; FINAL becomes their new indices. */
static void
topology_keep(struct topology *t, size_t *final)
{
	size_t node_count = 0, edge_count = 0;

	for (size_t i = 0; i < t->node_count; i++) {
		if (final[i] == SIZE_MAX) {
			topology_node_clear(&t->nodes[i]);
			continue;
		}
		t->nodes[node_count] = t->nodes[i];
		final[i] = node_count++;
	}
	for (size_t i = 0; i < t->edge_count; i++) {
		struct topology_edge *edge = &t->edges[i];

		if (final[edge->from] == SIZE_MAX || final[edge->to] == SIZE_MAX) {
			topology_edge_clear(edge);
			continue;
		}
		edge->from = final[edge->from];
		edge->to = final[edge->to];
		t->edges[edge_count++] = *edge;
	}
	t->node_count = node_count;
	t->edge_count = edge_count;
}

/* T's edges as adjacency lists, both ways: node i's neighbours are NEIGHBOURS[FIRST[i]]
 * to NEIGHBOURS[FIRST[i + 1] - 1]. FIRST (zeroed) and NEXT have a place per node and one
 * more, NEIGHBOURS two per edge. */
static void
topology_adjacency(const struct topology *t, size_t *first, size_t *next, size_t *neighbours)
{
	for (size_t e = 0; e < t->edge_count; e++) {
		first[t->edges[e].from + 1]++;
		first[t->edges[e].to + 1]++;
	}
	for (size_t i = 0; i < t->node_count; i++) {
		first[i + 1] += first[i];
		next[i] = first[i];
	}
	for (size_t e = 0; e < t->edge_count; e++) {
		neighbours[next[t->edges[e].from]++] = t->edges[e].to;
		neighbours[next[t->edges[e].to]++] = t->edges[e].from;
	}
}

/* Cut T to FILTER: the services linked to its cluster (the queries kept the rest to it),
 * the seeds and their neighbourhood up to its depth, either way along the edges. */
static bool
topology_cut(struct topology *t, const struct topology_filter *filter)
{
	bool seeded = filter->team != NULL || filter->service != NULL || filter->topic != NULL;
	size_t depth = (size_t)(filter->depth < 0 ? TOPOLOGY_DEFAULT_DEPTH : filter->depth);
	size_t n = t->node_count, head = 0, tail = 0;
	size_t *first, *next, *neighbours, *distance, *queue;
	bool ok;

	if (!seeded && filter->cluster == NULL)
		return true; /* the whole graph */
	first = calloc(n + 1, sizeof *first);
	next = malloc((n + 1) * sizeof *next);
	neighbours = malloc((2 * t->edge_count + 1) * sizeof *neighbours);
	distance = malloc((n + 1) * sizeof *distance);
	queue = malloc((n + 1) * sizeof *queue);
	ok = first != NULL && next != NULL && neighbours != NULL && distance != NULL &&
	     queue != NULL;
	if (ok) {
		topology_adjacency(t, first, next, neighbours);
		for (size_t i = 0; i < n; i++) {
			bool linked = first[i + 1] > first[i];

			distance[i] = SIZE_MAX;
			if ((!seeded || topology_is_seed(&t->nodes[i], filter)) &&
			    (filter->cluster == NULL || t->nodes[i].kind != TOPOLOGY_SERVICE || linked)) {
				distance[i] = 0;
				queue[tail++] = i;
			}
		}
		while (seeded && head < tail) {
			size_t node = queue[head++];

			if (distance[node] >= depth)
				continue;
			for (size_t k = first[node]; k < first[node + 1]; k++) {
				if (distance[neighbours[k]] == SIZE_MAX) {
					distance[neighbours[k]] = distance[node] + 1;
					queue[tail++] = neighbours[k];
				}
			}
		}
		topology_keep(t, distance);
	}
	free(first);
	free(next);
	free(neighbours);
	free(distance);
	free(queue);
	return ok;
}

/* The team of each topic: its Resource's, else that of the service declaring it produces
 * it (as the topics listing has it). */
static bool
topology_topic_teams(struct topology *t, const struct owners *owners)
{
	bool failed = false;

	for (size_t i = 0; i < t->node_count && !failed; i++) {
		struct topology_node *node = &t->nodes[i];
		const struct owners_topic *meta;

		if (node->kind != TOPOLOGY_TOPIC)
			continue;
		meta = owners_topic(owners, node->cluster, node->name);
		node->team = topology_strdup_or_null(meta != NULL && meta->team != NULL
		                                     ? meta->team
		                                     : owners_producer(owners, node->cluster,
		                                                       node->name).team,
		                                     &failed);
	}
	return !failed;
}

/* ---------------------------------------------------------------- the API */

struct topology *
topology_build(struct store *store, const struct topology_filter *filter, char **err)
{
	static const struct topology_filter everything = { .depth = -1 };
	struct topology_builder b = { .store = store, .filter = filter ? filter : &everything };
	struct topology *t = NULL;
	int rc;

	/* One read transaction: every fact from the same generations and ownership. */
	if (store_exec(store, "BEGIN", err) < 0)
		return NULL;
	b.owners = owners_load(store, err);
	rc = b.owners != NULL ? topology_gather(&b, err) : -1;
	store_rollback(store);
	if (rc == 0 || b.failed) {
		t = b.failed ? NULL : topology_finish(&b);
		if (t != NULL && (!topology_cut(t, b.filter) || !topology_topic_teams(t, b.owners))) {
			topology_free(t);
			t = NULL;
		}
		if (t == NULL)
			*err = strfmt("catalog %s: out of memory", store_path(store));
	}
	for (size_t i = 0; i < b.node_count; i++)
		topology_node_clear(&b.nodes[i]);
	for (size_t i = 0; i < b.fact_count; i++)
		free(b.facts[i].group);
	free(b.nodes);
	free(b.facts);
	free(b.clusters);
	free(b.group.name);
	free(b.principal.name);
	owners_free(b.owners);
	return t;
}

void
topology_free(struct topology *topology)
{
	if (topology == NULL)
		return;
	for (size_t i = 0; i < topology->node_count; i++)
		topology_node_clear(&topology->nodes[i]);
	for (size_t i = 0; i < topology->edge_count; i++)
		topology_edge_clear(&topology->edges[i]);
	free(topology->nodes);
	free(topology->edges);
	free(topology);
}

const char *
topology_node_kind_name(enum topology_node_kind kind)
{
	return (unsigned)kind < sizeof topology_node_kind_names / sizeof topology_node_kind_names[0]
	       ? topology_node_kind_names[kind] : "?";
}

const char *
topology_edge_kind_name(enum topology_edge_kind kind)
{
	return (unsigned)kind < sizeof topology_edge_kind_names / sizeof topology_edge_kind_names[0]
	       ? topology_edge_kind_names[kind] : "?";
}

/* ---------------------------------------------------------------- JSON */

/* Set KEY of OBJECT to VALUE (a new reference; NULL: out of memory, noted in *FAILED). */
static void
topology_json_set(json_t *object, const char *key, json_t *value, bool *failed)
{
	if (value == NULL || json_object_set_new(object, key, value) < 0)
		*failed = true;
}

static json_t *
topology_json_text(const char *text)
{
	return text != NULL ? json_string(text) : json_null();
}

static json_t *
topology_node_json(const struct topology_node *node, bool *failed)
{
	json_t *object = json_object();

	if (object == NULL) {
		*failed = true;
		return NULL;
	}
	topology_json_set(object, "id", json_string(node->id), failed);
	topology_json_set(object, "kind", json_string(topology_node_kind_name(node->kind)), failed);
	topology_json_set(object, "name", json_string(node->name), failed);
	topology_json_set(object, "cluster", topology_json_text(node->cluster), failed);
	topology_json_set(object, "team", topology_json_text(node->team), failed);
	topology_json_set(object, "unowned", json_boolean(node->kind == TOPOLOGY_GROUP ||
	                                                  node->kind == TOPOLOGY_PRINCIPAL), failed);
	return object;
}

static json_t *
topology_edge_json(const struct topology *t, const struct topology_edge *edge, bool *failed)
{
	json_t *object = json_object(), *sources = json_array(), *groups = NULL;

	if (object == NULL || sources == NULL) {
		json_decref(object);
		json_decref(sources);
		*failed = true;
		return NULL;
	}
	topology_json_set(object, "from", json_string(t->nodes[edge->from].id), failed);
	topology_json_set(object, "to", json_string(t->nodes[edge->to].id), failed);
	topology_json_set(object, "kind", json_string(topology_edge_kind_name(edge->kind)), failed);
	for (size_t i = 0; i < sizeof topology_sources / sizeof topology_sources[0]; i++)
		if ((edge->sources & topology_sources[i].source) != 0 &&
		    json_array_append_new(sources, json_string(topology_sources[i].name)) < 0)
			*failed = true;
	topology_json_set(object, "sources", sources, failed);
	topology_json_set(object, "lag", edge->lag >= 0 ? json_integer(edge->lag) : json_null(),
	                  failed);
	topology_json_set(object, "max_time_lag_seconds", edge->max_time_lag_ms >= 0
	                  ? json_real((double)edge->max_time_lag_ms / 1000.0) : json_null(), failed);
	topology_json_set(object, "status", topology_json_text(lag_status_name(edge->status)),
	                  failed);
	if (edge->group_count > 0 && (groups = json_array()) != NULL)
		for (size_t i = 0; i < edge->group_count; i++)
			if (json_array_append_new(groups, json_string(edge->group_names[i])) < 0)
				*failed = true;
	topology_json_set(object, "groups", edge->group_count > 0 ? groups : json_null(), failed);
	return object;
}

json_t *
topology_json(const struct topology *topology)
{
	json_t *root = json_object(), *nodes = json_array(), *edges = json_array();
	bool failed = root == NULL;

	for (size_t i = 0; nodes != NULL && i < topology->node_count; i++)
		if (json_array_append_new(nodes, topology_node_json(&topology->nodes[i], &failed)) < 0)
			failed = true;
	for (size_t i = 0; edges != NULL && i < topology->edge_count; i++)
		if (json_array_append_new(edges, topology_edge_json(topology, &topology->edges[i],
		                                                    &failed)) < 0)
			failed = true;
	topology_json_set(root, "nodes", nodes, &failed);
	topology_json_set(root, "edges", edges, &failed);
	if (failed) {
		json_decref(root);
		return NULL;
	}
	return root;
}
