/* Unit tests for catalog/topology: the exact JSON graph of a known fleet (two clusters
 * with a topic of the same name, owned and unowned groups, ACLs of every kind the model
 * reads or ignores, produces declarations), the filters (seeds, depth, cluster), the
 * names, and a large fleet (counts, and the time it takes). Ownership is written with
 * SQL, generations through snapshot_write, statuses and time lags with SQL UPDATEs (what
 * the lag history would have written). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "kfleet/snapshot.h"
#include "kfleet/topology.h"
#include "tests/unit/catalog_test.h"

/* ---------------------------------------------------------------- the known fleet */

/* Teams payments and data; order-service owns its groups by a glob on every cluster,
 * billing its group by name on eu only; idle-service has no binding at all. */
static const char ownership_sql[] =
	"INSERT INTO teams (id, name) VALUES (1, 'payments'), (2, 'data');"
	"INSERT INTO services (id, name, team_id) VALUES"
	" (1, 'order-service', 1), (2, 'billing', 1), (3, 'analytics', 2), (4, 'idle-service', NULL);"
	"INSERT INTO service_bindings (service_id, kind, cluster, pattern) VALUES"
	" (1, 'consumer_group', NULL, 'orders-*'),"
	" (2, 'consumer_group', 'eu', 'billing'),"
	" (3, 'consumer_group', NULL, 'analytics'),"
	" (1, 'principal', NULL, 'User:order-service'),"
	" (2, 'principal', NULL, 'User:billing'),"
	" (3, 'principal', NULL, 'User:analytics'),"
	" (1, 'produces', NULL, 'orders'),"           /* exact, every cluster */
	" (2, 'produces', 'eu', 'inv*'),"             /* a glob on eu */
	" (3, 'produces', NULL, 'reports');"          /* no such topic: no edge */
	"INSERT INTO topic_metadata (cluster, topic, team_id) VALUES (NULL, 'payments.audit', 2);";

/* What the lag history would say of the generations below. */
static const char evaluation_sql[] =
	"UPDATE consumer_groups SET status = 'STALLED' WHERE name = 'orders-ingest'"
	" AND cluster_id = (SELECT id FROM clusters WHERE name = 'eu');"
	"UPDATE consumer_groups SET status = 'WARNING' WHERE name = 'orders-replay';"
	"UPDATE consumer_groups SET status = 'OK' WHERE name = 'billing'"
	" AND cluster_id = (SELECT id FROM clusters WHERE name = 'eu');"
	"UPDATE consumer_groups SET status = 'OK' WHERE name = 'orders-ingest'"
	" AND cluster_id = (SELECT id FROM clusters WHERE name = 'us');"
	"UPDATE committed_offsets SET time_lag_ms = CASE"
	"  WHEN consumer_group_id = (SELECT g.id FROM consumer_groups g JOIN clusters c"
	"   ON c.id = g.cluster_id WHERE c.name = 'eu' AND g.name = 'orders-ingest')"
	"   AND partition = 0 THEN 4000"
	"  WHEN consumer_group_id = (SELECT g.id FROM consumer_groups g JOIN clusters c"
	"   ON c.id = g.cluster_id WHERE c.name = 'us' AND g.name = 'orders-ingest') THEN 12500"
	"  WHEN consumer_group_id = (SELECT id FROM consumer_groups WHERE name = 'orders-replay')"
	"   THEN 0 END;";

static const int32_t replicas[] = { 1 };

#define PARTITION(number, log_end)                                                           \
	{ .partition = (number), .leader_id = 1, .replicas = replicas, .replica_count = 1,     \
	  .isr = replicas, .isr_count = 1, .low_watermark = 0, .high_watermark = (log_end) }

#define ACL(principal, operation, permission, type, name, pattern)                           \
	{ (principal), "*", (operation), (permission), (type), (name), (pattern) }

#define COUNT(array) (sizeof (array) / sizeof (array)[0])

/* Write SNAPSHOT (its cluster, topics, groups and ACLs) as its cluster's generation. */
static void
write_cluster(struct store *store, struct snapshot *snapshot)
{
	char *err = NULL;

	snapshot->controller_id = 1;
	snapshot->collected_at_ms = 1795514400000LL;
	if (snapshot_write(store, snapshot, NULL, &err) < 0)
		fail_msg("%s", err);
}

/* eu: orders (lag 30 + 0 for orders-ingest, 0 for orders-replay, 5 for billing),
 * invoices, payments.audit (lag 2 for legacy-etl, which also committed on a topic this
 * generation does not have), and ACLs: literal, prefixed with ALL, '*', a DENY, an
 * unowned principal, a literal topic the catalog does not know, and grants the model
 * does not read (a group, a cluster operation). */
static void
write_eu(struct store *store)
{
	static const struct snapshot_partition orders_partitions[] = {
		PARTITION(0, 100), PARTITION(1, 50),
	}, invoices_partitions[] = {
		PARTITION(0, 10),
	}, audit_partitions[] = {
		PARTITION(0, 5),
	};
	static const struct snapshot_topic topics[] = {
		{ .name = "orders", .replication_factor = 1, .partitions = orders_partitions,
		  .partition_count = 2 },
		{ .name = "invoices", .replication_factor = 1, .partitions = invoices_partitions,
		  .partition_count = 1 },
		{ .name = "payments.audit", .replication_factor = 1, .partitions = audit_partitions,
		  .partition_count = 1 },
	};
	static const struct snapshot_offset ingest[] = {
		{ "orders", 0, 70, NULL }, { "orders", 1, 60, NULL },   /* 60 > 50: lag 0 */
	}, replay[] = {
		{ "orders", 0, 100, NULL },
	}, billing[] = {
		{ "orders", 1, 45, NULL }, { "invoices", 0, 10, NULL },
	}, legacy[] = {
		{ "payments.audit", 0, 3, NULL }, { "gone", 0, 1, NULL },
	};
	static const struct snapshot_group groups[] = {
		{ .name = "orders-ingest", .coordinator_id = 1, .offsets = ingest, .offset_count = 2 },
		{ .name = "orders-replay", .coordinator_id = 1, .offsets = replay, .offset_count = 1 },
		{ .name = "billing", .coordinator_id = 1, .offsets = billing, .offset_count = 2 },
		{ .name = "legacy-etl", .coordinator_id = 1, .offsets = legacy, .offset_count = 2 },
	};
	static const struct snapshot_acl acls[] = {
		ACL("User:order-service", "WRITE", "ALLOW", "TOPIC", "orders", "LITERAL"),
		ACL("User:order-service", "READ", "ALLOW", "TOPIC", "orders", "LITERAL"),
		ACL("User:order-service", "IDEMPOTENT_WRITE", "ALLOW", "CLUSTER", "kafka-cluster",
		    "LITERAL"),
		ACL("User:billing", "ALL", "ALLOW", "TOPIC", "inv", "PREFIXED"),
		ACL("User:analytics", "READ", "ALLOW", "TOPIC", "*", "LITERAL"),
		ACL("User:analytics", "READ", "DENY", "TOPIC", "secret", "LITERAL"),
		ACL("User:batch", "WRITE", "ALLOW", "TOPIC", "payments.audit", "LITERAL"),
		ACL("User:batch", "READ", "ALLOW", "GROUP", "legacy-etl", "LITERAL"),
		ACL("User:ghost", "READ", "ALLOW", "TOPIC", "ghost-topic", "LITERAL"),
	};
	write_cluster(store, &(struct snapshot){
		.cluster = "eu", .topics = topics, .topic_count = COUNT(topics), .groups = groups,
		.group_count = COUNT(groups), .acls = acls, .acl_count = COUNT(acls),
	});
}

/* us: orders again (lag 50 for orders-ingest; billing is nobody's here), an ACL the model
 * does not read (DESCRIBE) and a prefixed READ. */
static void
write_us(struct store *store)
{
	static const struct snapshot_partition orders_partitions[] = { PARTITION(0, 200) };
	static const struct snapshot_topic topics[] = {
		{ .name = "orders", .replication_factor = 1, .partitions = orders_partitions,
		  .partition_count = 1 },
	};
	static const struct snapshot_offset ingest[] = {
		{ "orders", 0, 150, NULL },
	}, billing[] = {
		{ "orders", 0, 200, NULL },
	};
	static const struct snapshot_group groups[] = {
		{ .name = "orders-ingest", .coordinator_id = 1, .offsets = ingest, .offset_count = 1 },
		{ .name = "billing", .coordinator_id = 1, .offsets = billing, .offset_count = 1 },
	};
	static const struct snapshot_acl acls[] = {
		ACL("User:order-service", "DESCRIBE", "ALLOW", "TOPIC", "orders", "LITERAL"),
		ACL("User:analytics", "READ", "ALLOW", "TOPIC", "ord", "PREFIXED"),
	};
	write_cluster(store, &(struct snapshot){
		.cluster = "us", .topics = topics, .topic_count = COUNT(topics), .groups = groups,
		.group_count = COUNT(groups), .acls = acls, .acl_count = COUNT(acls),
	});
}

static void
exec_sql(struct store *store, const char *sql)
{
	char *err = NULL;

	if (store_exec(store, sql, &err) < 0)
		fail_msg("%s", err);
}

/* The fixture's catalog with the known fleet in it. */
static int
with_fleet(void **state, int (*setup)(void **))
{
	struct catalog_test_fixture *f;

	setup(state);
	f = *state;
	exec_sql(f->store, ownership_sql);
	write_eu(f->store);
	write_us(f->store);
	exec_sql(f->store, evaluation_sql);
	return 0;
}

static int
setup_fleet_file(void **state)
{
	return with_fleet(state, catalog_test_setup_file);
}

static int
setup_fleet_memory(void **state)
{
	return with_fleet(state, catalog_test_setup_memory);
}

static struct topology *
build(struct store *store, const struct topology_filter *filter)
{
	char *err = NULL;
	struct topology *topology = topology_build(store, filter, &err);

	if (topology == NULL)
		fail_msg("topology_build: %s", err ? err : "NULL without a message");
	assert_null(err);
	return topology;
}

/* What the header promises of every topology: nodes sorted by id, one per id; edges
 * between them sorted by (from id, to id, kind), one per key. */
static void
check_order(const struct topology *t)
{
	for (size_t i = 1; i < t->node_count; i++)
		if (strcmp(t->nodes[i - 1].id, t->nodes[i].id) >= 0)
			fail_msg("node %zu (%s) after %s", i, t->nodes[i].id, t->nodes[i - 1].id);
	for (size_t i = 0; i < t->edge_count; i++) {
		const struct topology_edge *e = &t->edges[i], *before;
		int cmp;

		assert_true(e->from < t->node_count && e->to < t->node_count);
		if (i == 0)
			continue;
		before = &t->edges[i - 1];
		cmp = strcmp(t->nodes[before->from].id, t->nodes[e->from].id);
		if (cmp == 0)
			cmp = strcmp(t->nodes[before->to].id, t->nodes[e->to].id);
		if (cmp == 0)
			cmp = (int)before->kind - (int)e->kind;
		if (cmp >= 0)
			fail_msg("edge %zu out of order", i);
	}
}

/* ---------------------------------------------------------------- the exact graph */

#define SERVICE(name, team) \
	"{\"id\": \"service:" name "\", \"kind\": \"service\", \"name\": \"" name "\"," \
	" \"cluster\": null, \"team\": " team ", \"unowned\": false}"
#define TOPIC(cluster, name, team) \
	"{\"id\": \"topic:" cluster "/" name "\", \"kind\": \"topic\", \"name\": \"" name "\"," \
	" \"cluster\": \"" cluster "\", \"team\": " team ", \"unowned\": false}"
#define UNOWNED(kind, cluster, name) \
	"{\"id\": \"" kind ":" cluster "/" name "\", \"kind\": \"" kind "\", \"name\": \"" name "\"," \
	" \"cluster\": \"" cluster "\", \"team\": null, \"unowned\": true}"
/* An edge of ACLs and declarations only: nothing known of lag. */
#define LINK(from, to, kind, sources) \
	"{\"from\": \"" from "\", \"to\": \"" to "\", \"kind\": \"" kind "\"," \
	" \"sources\": [" sources "], \"lag\": null, \"max_time_lag_seconds\": null," \
	" \"status\": null, \"groups\": null}"
#define CONSUMED(from, to, sources, lag, seconds, status, groups) \
	"{\"from\": \"" from "\", \"to\": \"" to "\", \"kind\": \"consumes\"," \
	" \"sources\": [" sources "], \"lag\": " lag ", \"max_time_lag_seconds\": " seconds "," \
	" \"status\": " status ", \"groups\": [" groups "]}"

static const char expected_graph[] =
	"{\"nodes\": ["
	UNOWNED("group", "eu", "legacy-etl") ","
	UNOWNED("group", "us", "billing") ","
	UNOWNED("principal", "eu", "User:batch") ","
	UNOWNED("principal", "eu", "User:ghost") ","
	SERVICE("analytics", "\"data\"") ","
	SERVICE("billing", "\"payments\"") ","
	SERVICE("idle-service", "null") ","
	SERVICE("order-service", "\"payments\"") ","
	TOPIC("eu", "ghost-topic", "null") ","          /* named by a literal ACL only */
	TOPIC("eu", "gone", "null") ","                 /* named by committed offsets only */
	TOPIC("eu", "invoices", "\"payments\"") ","     /* billing's declaration */
	TOPIC("eu", "orders", "\"payments\"") ","
	TOPIC("eu", "payments.audit", "\"data\"") ","   /* its Resource's team */
	TOPIC("us", "orders", "\"payments\"")
	"], \"edges\": ["
	LINK("principal:eu/User:batch", "topic:eu/payments.audit", "produces", "\"acl\"") ","
	LINK("service:billing", "topic:eu/invoices", "produces", "\"acl\", \"declaration\"") ","
	LINK("service:order-service", "topic:eu/orders", "produces",
	     "\"acl\", \"declaration\"") ","
	LINK("service:order-service", "topic:us/orders", "produces", "\"declaration\"") ","
	LINK("topic:eu/ghost-topic", "principal:eu/User:ghost", "consumes", "\"acl\"") ","
	CONSUMED("topic:eu/gone", "group:eu/legacy-etl", "\"offsets\"", "null", "null", "null",
	         "\"legacy-etl\"") ","
	LINK("topic:eu/invoices", "service:analytics", "consumes", "\"acl\"") ","
	CONSUMED("topic:eu/invoices", "service:billing", "\"offsets\", \"acl\"", "0", "null",
	         "\"OK\"", "\"billing\"") ","
	LINK("topic:eu/orders", "service:analytics", "consumes", "\"acl\"") ","
	CONSUMED("topic:eu/orders", "service:billing", "\"offsets\"", "5", "null", "\"OK\"",
	         "\"billing\"") ","
	CONSUMED("topic:eu/orders", "service:order-service", "\"offsets\", \"acl\"", "30", "4.0",
	         "\"STALLED\"", "\"orders-ingest\", \"orders-replay\"") ","
	CONSUMED("topic:eu/payments.audit", "group:eu/legacy-etl", "\"offsets\"", "2", "null",
	         "null", "\"legacy-etl\"") ","
	LINK("topic:eu/payments.audit", "service:analytics", "consumes", "\"acl\"") ","
	CONSUMED("topic:us/orders", "group:us/billing", "\"offsets\"", "0", "null", "null",
	         "\"billing\"") ","
	LINK("topic:us/orders", "service:analytics", "consumes", "\"acl\"") ","
	CONSUMED("topic:us/orders", "service:order-service", "\"offsets\"", "50", "12.5",
	         "\"OK\"", "\"orders-ingest\"")
	"]}";

/* JSON as one line, fields in their order, for comparing to the letter (caller frees). */
static char *
dump(const json_t *json)
{
	char *text = json_dumps(json, JSON_COMPACT);

	assert_non_null(text);
	return text;
}

static void
test_exact_graph(void **state)
{
	struct catalog_test_fixture *f = *state;
	struct topology *topology = build(f->store, NULL);
	json_error_t error;
	json_t *expected = json_loads(expected_graph, 0, &error), *got;
	char *expected_text, *got_text;

	if (expected == NULL)
		fail_msg("expected graph, line %d: %s", error.line, error.text);
	check_order(topology);
	got = topology_json(topology);
	assert_non_null(got);
	expected_text = dump(expected);
	got_text = dump(got);
	if (strcmp(got_text, expected_text) != 0) {
		char *pretty = json_dumps(got, JSON_INDENT(2));

		fail_msg("got:\n%s", pretty);
	}
	/* The labels' form of the groups, beside the list. */
	for (size_t i = 0; i < topology->edge_count; i++) {
		const struct topology_edge *e = &topology->edges[i];

		if (e->group_count == 2)
			assert_string_equal(e->groups, "orders-ingest,orders-replay");
		else if (e->group_count == 0)
			assert_null(e->groups);
	}
	free(expected_text);
	free(got_text);
	json_decref(expected);
	json_decref(got);
	topology_free(topology);
}

/* ---------------------------------------------------------------- filters */

static const struct filter_case {
	const char *what;
	struct topology_filter filter;
	const char *nodes;      /* the node ids, space-separated */
	size_t edges;
} filter_cases[] = {
	{ "service, depth 0", { .service = "order-service", .depth = 0 },
	  "service:order-service", 0 },
	{ "service, depth 1", { .service = "order-service", .depth = 1 },
	  "service:order-service topic:eu/orders topic:us/orders", 4 },
	{ "service, depth 2", { .service = "order-service", .depth = 2 },
	  "group:us/billing service:analytics service:billing service:order-service"
	  " topic:eu/orders topic:us/orders", 8 },
	{ "service, default depth", { .service = "order-service", .depth = -1 },
	  "group:us/billing service:analytics service:billing service:order-service"
	  " topic:eu/orders topic:us/orders", 8 },
	{ "service with no edge", { .service = "idle-service", .depth = 2 },
	  "service:idle-service", 0 },
	{ "team, depth 1", { .team = "data", .depth = 1 },
	  "service:analytics topic:eu/invoices topic:eu/orders topic:eu/payments.audit"
	  " topic:us/orders", 4 },
	{ "team, depth 0", { .team = "payments", .depth = 0 },
	  "service:billing service:order-service", 0 },
	{ "team or service", { .team = "payments", .service = "analytics", .depth = 0 },
	  "service:analytics service:billing service:order-service", 0 },
	{ "topic on two clusters, depth 0", { .topic = "orders", .depth = 0 },
	  "topic:eu/orders topic:us/orders", 0 },
	{ "topic on two clusters, depth 1", { .topic = "orders", .depth = 1 },
	  "group:us/billing service:analytics service:billing service:order-service"
	  " topic:eu/orders topic:us/orders", 8 },
	{ "cluster", { .cluster = "us", .depth = -1 },
	  "group:us/billing service:analytics service:order-service topic:us/orders", 4 },
	{ "cluster, depth ignored without seeds", { .cluster = "eu", .depth = 0 },
	  "group:eu/legacy-etl principal:eu/User:batch principal:eu/User:ghost service:analytics"
	  " service:billing service:order-service topic:eu/ghost-topic topic:eu/gone"
	  " topic:eu/invoices topic:eu/orders topic:eu/payments.audit", 12 },
	{ "cluster and topic", { .cluster = "eu", .topic = "orders", .depth = 0 },
	  "topic:eu/orders", 0 },
	{ "cluster and service", { .cluster = "eu", .service = "order-service", .depth = 1 },
	  "service:order-service topic:eu/orders", 2 },
	{ "cluster the service is not on", { .cluster = "us", .service = "billing", .depth = 2 },
	  "", 0 },
	{ "unknown cluster", { .cluster = "nowhere", .depth = -1 }, "", 0 },
	{ "unknown service", { .service = "nobody", .depth = -1 }, "", 0 },
	{ "unknown team", { .team = "nobody", .depth = -1 }, "", 0 },
	{ "unknown topic", { .topic = "nothing", .depth = -1 }, "", 0 },
};

static void
test_filters(void **state)
{
	struct catalog_test_fixture *f = *state;

	for (size_t i = 0; i < COUNT(filter_cases); i++) {
		const struct filter_case *c = &filter_cases[i];
		struct topology *topology = build(f->store, &c->filter);
		char ids[1024] = "";
		size_t length = 0;

		check_order(topology);
		for (size_t n = 0; n < topology->node_count; n++)
			length += (size_t)snprintf(ids + length, sizeof ids - length, "%s%s",
			                           n > 0 ? " " : "", topology->nodes[n].id);
		assert_true(length < sizeof ids);
		if (strcmp(ids, c->nodes) != 0 || topology->edge_count != c->edges)
			fail_msg("%s: nodes \"%s\" and %zu edges, expected \"%s\" and %zu", c->what,
			         ids, topology->edge_count, c->nodes, c->edges);
		topology_free(topology);
	}
}

/* An edge of a cut graph is the whole graph's edge, with its indices remapped. */
static void
test_cut_keeps_edges(void **state)
{
	struct catalog_test_fixture *f = *state;
	struct topology *topology = build(f->store, &(struct topology_filter){
		.cluster = "us", .topic = "orders", .depth = 1 });
	json_t *got = topology_json(topology);
	char *text = dump(json_array_get(json_object_get(got, "edges"), 3));

	assert_int_equal(topology->edge_count, 4);
	assert_string_equal(text,
	                    "{\"from\":\"topic:us/orders\",\"to\":\"service:order-service\","
	                    "\"kind\":\"consumes\",\"sources\":[\"offsets\"],\"lag\":50,"
	                    "\"max_time_lag_seconds\":12.5,\"status\":\"OK\","
	                    "\"groups\":[\"orders-ingest\"]}");
	free(text);
	json_decref(got);
	topology_free(topology);
}

/* An empty catalog, and a catalog with ownership but no generation yet. */
static void
test_empty(void **state)
{
	struct catalog_test_fixture *f = *state;
	struct topology *topology = build(f->store, NULL);
	json_t *got = topology_json(topology);
	char *text = dump(got);

	assert_int_equal(topology->node_count, 0);
	assert_int_equal(topology->edge_count, 0);
	assert_string_equal(text, "{\"nodes\":[],\"edges\":[]}");
	free(text);
	json_decref(got);
	topology_free(topology);

	exec_sql(f->store, ownership_sql);
	topology = build(f->store, NULL);
	assert_int_equal(topology->node_count, 4);      /* the services, with no edge */
	assert_int_equal(topology->edge_count, 0);
	topology_free(topology);
	topology = build(f->store, &(struct topology_filter){ .cluster = "eu", .depth = -1 });
	assert_int_equal(topology->node_count, 0);
	topology_free(topology);
}

static void
test_names(void **state)
{
	const struct {
		const char *got, *expected;
	} cases[] = {
		{ topology_node_kind_name(TOPOLOGY_SERVICE), "service" },
		{ topology_node_kind_name(TOPOLOGY_TOPIC), "topic" },
		{ topology_node_kind_name(TOPOLOGY_GROUP), "group" },
		{ topology_node_kind_name(TOPOLOGY_PRINCIPAL), "principal" },
		{ topology_node_kind_name((enum topology_node_kind)99), "?" },
		{ topology_edge_kind_name(TOPOLOGY_PRODUCES), "produces" },
		{ topology_edge_kind_name(TOPOLOGY_CONSUMES), "consumes" },
		{ topology_edge_kind_name((enum topology_edge_kind)99), "?" },
	};

	(void)state;
	for (size_t i = 0; i < COUNT(cases); i++)
		assert_string_equal(cases[i].got, cases[i].expected);
}

/* ---------------------------------------------------------------- a large fleet */

/* SERVICES services svc0000... (ten teams), each owning its group svcNNNN-main by a glob,
 * its principal, and the topics svcNNNN.* it declares and may WRITE (PREFIXED); topic k of
 * TOPICS belongs to service k % SERVICES. Each service's group reads, and its principal
 * may READ, the next service's topics, each with lag 100. So every topic has one produces
 * edge (acl, declaration) and one consumes edge (offsets, acl). */
struct fleet {
	struct snapshot_topic *topics;
	struct snapshot_partition *partitions;
	struct snapshot_group *groups;
	struct snapshot_offset *offsets;
	struct snapshot_acl *acls;
	char **names;
	size_t name_count;
};

static const char *fleet_name(struct fleet *fleet, const char *format, ...)
	__attribute__((format(printf, 2, 3)));

/* A name the fleet keeps until it is written. */
static const char *
fleet_name(struct fleet *fleet, const char *format, ...)
{
	char *name = NULL;
	va_list ap;
	int rc;

	va_start(ap, format);
	rc = vasprintf(&name, format, ap);
	va_end(ap);
	if (rc < 0)
		fail_msg("out of memory");
	fleet->names[fleet->name_count++] = name;
	return name;
}

static void
write_large_fleet(struct store *store, size_t services, size_t topics)
{
	struct fleet fleet = {
		.topics = calloc(topics, sizeof *fleet.topics),
		.partitions = calloc(topics, sizeof *fleet.partitions),
		.groups = calloc(services, sizeof *fleet.groups),
		.offsets = calloc(topics, sizeof *fleet.offsets),
		.acls = calloc(2 * services, sizeof *fleet.acls),
		.names = calloc(topics + 4 * services, sizeof *fleet.names),
	};
	char *sql = NULL;
	size_t offset_count = 0;
	struct snapshot snapshot = {
		.cluster = "big", .topics = fleet.topics, .topic_count = topics, .groups = fleet.groups,
		.group_count = services, .acls = fleet.acls, .acl_count = 2 * services,
	};

	assert_true(fleet.topics && fleet.partitions && fleet.groups && fleet.offsets &&
	            fleet.acls && fleet.names);
	if (asprintf(&sql,
	             "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 9)"
	             " INSERT INTO teams (id, name) SELECT i + 1, 'team-' || i FROM n;"
	             "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < %zu)"
	             " INSERT INTO services (id, name, team_id)"
	             " SELECT i + 1, printf('svc%%04d', i), i %% 10 + 1 FROM n;"
	             "INSERT INTO service_bindings (service_id, kind, pattern)"
	             " SELECT id, 'consumer_group', name || '-*' FROM services"
	             " UNION ALL SELECT id, 'principal', 'User:' || name FROM services"
	             " UNION ALL SELECT id, 'produces', name || '.*' FROM services;",
	             services - 1) < 0)
		fail_msg("out of memory");
	exec_sql(store, sql);
	free(sql);
	for (size_t k = 0; k < topics; k++) {
		fleet.partitions[k] = (struct snapshot_partition)PARTITION(0, 1000);
		fleet.topics[k] = (struct snapshot_topic){
			.name = fleet_name(&fleet, "svc%04zu.t%zu", k % services, k / services),
			.replication_factor = 1, .partitions = &fleet.partitions[k],
			.partition_count = 1,
		};
	}
	for (size_t i = 0; i < services; i++) {
		size_t next = (i + 1) % services;
		const char *own = fleet_name(&fleet, "svc%04zu.", i);
		const char *theirs = fleet_name(&fleet, "svc%04zu.", next);

		fleet.groups[i] = (struct snapshot_group){
			.name = fleet_name(&fleet, "svc%04zu-main", i), .coordinator_id = 1,
			.offsets = &fleet.offsets[offset_count],
		};
		for (size_t k = next; k < topics; k += services) {
			fleet.offsets[offset_count++] = (struct snapshot_offset){
				.topic = fleet.topics[k].name, .partition = 0, .committed_offset = 900,
			};
			fleet.groups[i].offset_count++;
		}
		fleet.acls[2 * i] = (struct snapshot_acl)ACL(fleet_name(&fleet, "User:svc%04zu", i),
		                                              "WRITE", "ALLOW", "TOPIC", own,
		                                              "PREFIXED");
		fleet.acls[2 * i + 1] = (struct snapshot_acl)ACL(fleet.acls[2 * i].principal, "READ",
		                                                  "ALLOW", "TOPIC", theirs,
		                                                  "PREFIXED");
	}
	write_cluster(store, &snapshot);
	for (size_t i = 0; i < fleet.name_count; i++)
		free(fleet.names[i]);
	free(fleet.names);
	free(fleet.topics);
	free(fleet.partitions);
	free(fleet.groups);
	free(fleet.offsets);
	free(fleet.acls);
}

/* How many topics of the large fleet service S owns. */
static size_t
fleet_topics_of(size_t s, size_t services, size_t topics)
{
	return (topics - s + services - 1) / services;
}

static void
check_large_fleet(struct store *store, size_t services, size_t topics)
{
	struct timespec start, end;
	struct topology *topology;
	size_t produces = 0;
	int64_t lag = 0;
	double ms;

	write_large_fleet(store, services, topics);
	clock_gettime(CLOCK_MONOTONIC, &start);
	topology = build(store, NULL);
	clock_gettime(CLOCK_MONOTONIC, &end);
	ms = (double)(end.tv_sec - start.tv_sec) * 1e3 + (double)(end.tv_nsec - start.tv_nsec) / 1e6;
	print_message("# topology of %zu services and %zu topics: %zu nodes, %zu edges,"
	              " built in %.0f ms\n", services, topics, topology->node_count,
	              topology->edge_count, ms);
	check_order(topology);
	assert_int_equal(topology->node_count, services + topics);
	assert_int_equal(topology->edge_count, 2 * topics);
	for (size_t i = 0; i < topology->edge_count; i++) {
		const struct topology_edge *e = &topology->edges[i];

		if (e->kind == TOPOLOGY_PRODUCES) {
			produces++;
			assert_int_equal(e->sources, TOPOLOGY_FROM_ACL | TOPOLOGY_FROM_DECLARATION);
		} else {
			assert_int_equal(e->sources, TOPOLOGY_FROM_OFFSETS | TOPOLOGY_FROM_ACL);
			assert_int_equal(e->group_count, 1);
			lag += e->lag;
		}
	}
	assert_int_equal(produces, topics);
	assert_int_equal(lag, 100 * (int64_t)topics);
	topology_free(topology);

	/* One service's neighbourhood: its topics, their consumer, the topics it reads and
	 * their producer. */
	topology = build(store, &(struct topology_filter){ .service = "svc0001", .depth = 2 });
	assert_int_equal(topology->node_count, 3 + fleet_topics_of(1, services, topics) +
	                                       fleet_topics_of(2, services, topics));
	topology_free(topology);
}

static void
test_large_fleet(void **state)
{
	struct catalog_test_fixture *f = *state;

	check_large_fleet(f->store, 500, 2000);
}

/* The size the model is meant for: well under a second to build (printed, not asserted:
 * a sanitized build is slower). */
static void
test_fleet_of_the_design(void **state)
{
	struct catalog_test_fixture *f = *state;

	check_large_fleet(f->store, 2000, 5000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		{ .name = "exact graph (file)", .test_func = test_exact_graph,
		  .setup_func = setup_fleet_file, .teardown_func = catalog_test_teardown },
		{ .name = "exact graph (memory)", .test_func = test_exact_graph,
		  .setup_func = setup_fleet_memory, .teardown_func = catalog_test_teardown },
		{ .name = "filters", .test_func = test_filters, .setup_func = setup_fleet_memory,
		  .teardown_func = catalog_test_teardown },
		{ .name = "a cut keeps its edges whole", .test_func = test_cut_keeps_edges,
		  .setup_func = setup_fleet_memory, .teardown_func = catalog_test_teardown },
		CATALOG_TEST_ON_BOTH(test_empty, "empty"),
		{ .name = "kind names", .test_func = test_names },
		CATALOG_TEST_ON_BOTH(test_large_fleet, "500 services, 2,000 topics"),
		{ .name = "2,000 services, 5,000 topics (file)", .test_func = test_fleet_of_the_design,
		  .setup_func = catalog_test_setup_file, .teardown_func = catalog_test_teardown },
	};

	return cmocka_run_group_tests_name("topology", tests, NULL, NULL);
}
