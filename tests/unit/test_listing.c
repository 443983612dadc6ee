/* Unit tests for catalog/owners and catalog/listing: which service owns a group, a
 * principal or a topic (the precedence rules, table-driven), and what the listings
 * compute from a generation: lag, under-replicated partitions, filters, nulls; the exact
 * rows of the broker, partition and member listings over two clusters. The
 * ownership rows are written with SQL here so these tests do not depend on the YAML
 * import; tests/cli/test_listings.sh covers the whole path. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kfleet/lag.h"
#include "kfleet/listing.h"
#include "kfleet/owners.h"
#include "kfleet/snapshot.h"
#include "tests/unit/catalog_test.h"

/* Ownership of the tests: teams t1, t2; services and their bindings. */
static const char ownership_sql[] =
	"INSERT INTO teams (id, name, email) VALUES (1, 't1', 't1@example.com'), (2, 't2', NULL);"
	"INSERT INTO services (id, name, team_id) VALUES"
	" (1, 'alpha', 1), (2, 'beta', 2), (3, 'gamma', NULL), (4, 'delta', 1);"
	"INSERT INTO service_bindings (service_id, kind, cluster, pattern) VALUES"
	" (1, 'consumer_group', NULL, 'orders-*'),"          /* a glob, any cluster */
	" (2, 'consumer_group', NULL, 'orders-audit'),"      /* exact beats the glob */
	" (3, 'consumer_group', 'eu', 'orders-*'),"          /* cluster beats any */
	" (4, 'consumer_group', NULL, 'orders-a*'),"         /* a longer glob beats a shorter */
	" (1, 'consumer_group', NULL, 'tie-*'),"             /* equal: alpha before beta */
	" (2, 'consumer_group', NULL, 'tie-?'),"
	" (1, 'principal', NULL, 'User:alpha'),"
	" (2, 'principal', 'eu', 'User:beta'),"
	" (1, 'produces', NULL, 'orders*'),"
	" (2, 'produces', NULL, 'payments');"
	"INSERT INTO topic_metadata (id, cluster, topic, team_id, description) VALUES"
	" (1, NULL, 'payments', 1, 'all clusters'), (2, 'eu', 'payments', 2, 'eu only');"
	"INSERT INTO topic_tags (topic_metadata_id, tag) VALUES (1, 'tier-1'), (2, 'pii'), (2, 'gdpr');";

/* The shared catalog fixture, with the ownership above written into it. */
static int
with_ownership(void **state, int (*setup)(void **))
{
	struct catalog_test_fixture *f;
	char *err = NULL;

	setup(state);
	f = *state;
	if (store_exec(f->store, ownership_sql, &err) < 0)
		fail_msg("%s", err);
	return 0;
}

static int
setup_file(void **state)
{
	return with_ownership(state, catalog_test_setup_file);
}

static int
setup_memory(void **state)
{
	return with_ownership(state, catalog_test_setup_memory);
}

enum lookup { GROUP, PRINCIPAL, PRODUCER };

static const struct owner_case {
	enum lookup lookup;
	const char *cluster, *name;
	const char *service, *team;   /* expected; NULL: none */
} owner_cases[] = {
	{ GROUP, "us", "orders-billing", "alpha", "t1" },       /* the glob */
	{ GROUP, "us", "orders-audit", "beta", "t2" },          /* exact beats glob */
	{ GROUP, "eu", "orders-billing", "gamma", NULL },       /* cluster-bound glob, no team */
	{ GROUP, "eu", "orders-audit", "beta", "t2" },          /* exact still beats it */
	{ GROUP, "us", "orders-archive", "delta", "t1" },       /* longer glob */
	{ GROUP, "us", "tie-x", "alpha", "t1" },                /* same length: name order */
	{ GROUP, "us", "payments", NULL, NULL },                /* nobody's */
	{ PRINCIPAL, "us", "User:alpha", "alpha", "t1" },
	{ PRINCIPAL, "us", "User:beta", NULL, NULL },           /* bound to eu only */
	{ PRINCIPAL, "eu", "User:beta", "beta", "t2" },
	{ PRODUCER, "eu", "orders.retry", "alpha", "t1" },
	{ PRODUCER, "eu", "payments", "beta", "t2" },
	{ PRODUCER, "eu", "inventory", NULL, NULL },
};

static void
assert_same(const char *got, const char *expected, const struct owner_case *c)
{
	if ((got == NULL) != (expected == NULL) || (got && strcmp(got, expected) != 0))
		fail_msg("%s on %s: got %s, expected %s", c->name, c->cluster, got ? got : "NULL",
		         expected ? expected : "NULL");
}

static void
test_owner_precedence(void **state)
{
	struct catalog_test_fixture *f = *state;
	char *err = NULL;
	struct owners *owners = owners_load(f->store, &err);

	assert_non_null(owners);
	for (size_t i = 0; i < sizeof owner_cases / sizeof owner_cases[0]; i++) {
		const struct owner_case *c = &owner_cases[i];
		struct owner got = c->lookup == GROUP ? owners_group(owners, c->cluster, c->name)
		                   : c->lookup == PRINCIPAL ? owners_principal(owners, c->cluster, c->name)
		                   : owners_producer(owners, c->cluster, c->name);

		assert_same(got.service, c->service, c);
		assert_same(got.team, c->team, c);
	}
	owners_free(owners);
}

static void
test_topic_metadata(void **state)
{
	struct catalog_test_fixture *f = *state;
	char *err = NULL;
	struct owners *owners = owners_load(f->store, &err);
	const struct owners_topic *eu, *us;

	assert_non_null(owners);
	eu = owners_topic(owners, "eu", "payments");
	us = owners_topic(owners, "us", "payments");
	assert_non_null(eu);
	assert_non_null(us);
	assert_string_equal(eu->team, "t2");           /* the cluster's own row */
	assert_string_equal(eu->description, "eu only");
	assert_int_equal(eu->tag_count, 2);
	assert_string_equal(eu->tags[0], "gdpr");      /* sorted */
	assert_string_equal(eu->tags[1], "pii");
	assert_string_equal(us->team, "t1");           /* the row for every cluster */
	assert_int_equal(us->tag_count, 1);
	assert_null(owners_topic(owners, "eu", "orders"));
	owners_free(owners);
}

/* A generation on cluster eu: brokers 1 (the controller) and 2 (no rack); topic orders
 * (2 partitions, one under-replicated), groups orders-billing (gamma's on eu, lag 30 + 0;
 * a member assigned orders and a topic this generation did not see, one with nothing
 * known), orders-audit (beta, partition 1 only), and payments-x (nobody's, committed on a
 * topic this generation did not see). */
static void
write_generation(struct store *store)
{
	static const struct snapshot_broker brokers[] = {
		{ .node_id = 2, .host = "eu-2", .port = 9093, .rack = NULL },
		{ .node_id = 1, .host = "eu-1", .port = 9092, .rack = "r1" },
	};
	static const int32_t r3[] = { 1, 2, 3 }, r2[] = { 1, 2 };
	static const struct snapshot_partition partitions[] = {
		{ .partition = 0, .leader_id = 1, .replicas = r3, .replica_count = 3, .isr = r3,
		  .isr_count = 3, .low_watermark = 0, .high_watermark = 100 },
		{ .partition = 1, .leader_id = 2, .replicas = r3, .replica_count = 3, .isr = r2,
		  .isr_count = 2, .low_watermark = 0, .high_watermark = 50 },
	};
	static const struct snapshot_topic topics[] = {
		{ .name = "orders", .replication_factor = 3, .partitions = partitions,
		  .partition_count = 2 },
	};
	static const struct snapshot_offset billing[] = {
		{ "orders", 0, 70, NULL }, { "orders", 1, 60, NULL }, /* 60 > 50: no negative lag */
	}, audit[] = {
		{ "orders", 1, 45, NULL },
	}, stray[] = {
		{ "gone", 0, 5, NULL },
	};
	/* Out of order: the listing sorts them. */
	static const struct snapshot_assignment billing_assigned[] = {
		{ "orders", 1 }, { "gone", 0 }, { "orders", 0 },
	};
	static const struct snapshot_member billing_members[] = {
		{ .member_id = "m-b", .client_id = "billing", .host = "/10.0.0.1",
		  .assignments = billing_assigned, .assignment_count = 3 },
		{ .member_id = "m-a" },
	};
	static const struct snapshot_group groups[] = {
		{ .name = "orders-billing", .state = "Stable", .coordinator_id = 1,
		  .members = billing_members, .member_count = 2,
		  .offsets = billing, .offset_count = 2 },
		{ .name = "orders-audit", .state = "Empty", .coordinator_id = 1,
		  .offsets = audit, .offset_count = 1 },
		{ .name = "payments-x", .state = "Empty", .coordinator_id = 1,
		  .offsets = stray, .offset_count = 1 },
	};
	const struct snapshot snapshot = {
		.cluster = "eu", .controller_id = 1, .collected_at_ms = 1795514400000LL,
		.brokers = brokers, .broker_count = 2,
		.topics = topics, .topic_count = 1, .groups = groups, .group_count = 3,
	};
	char *err = NULL;

	if (snapshot_write(store, &snapshot, NULL, &err) < 0)
		fail_msg("%s", err);
}

/* A generation on cluster us, whose controller is unknown: broker 3; topic orders with
 * a leaderless partition whose ISR is empty and offsets unknown, topic payments (owned by
 * t1 on every cluster, produced by beta); group orders-billing (alpha's here) with one
 * member. */
static void
write_second_cluster(struct store *store)
{
	static const struct snapshot_broker brokers[] = {
		{ .node_id = 3, .host = "us-3", .port = 9092, .rack = "r2" },
	};
	static const int32_t r1[] = { 3 };
	static const struct snapshot_partition orders[] = {
		{ .partition = 0, .leader_id = -1, .replicas = r1, .replica_count = 1, .isr = NULL,
		  .isr_count = 0, .low_watermark = -1, .high_watermark = -1 },
	}, payments[] = {
		{ .partition = 0, .leader_id = 3, .replicas = r1, .replica_count = 1, .isr = r1,
		  .isr_count = 1, .low_watermark = 2, .high_watermark = 7 },
	};
	static const struct snapshot_topic topics[] = {
		{ .name = "orders", .replication_factor = 1, .partitions = orders,
		  .partition_count = 1 },
		{ .name = "payments", .replication_factor = 1, .partitions = payments,
		  .partition_count = 1 },
	};
	static const struct snapshot_assignment assigned[] = { { "orders", 0 } };
	static const struct snapshot_member members[] = {
		{ .member_id = "m-c", .client_id = "billing-us", .host = "/10.1.0.1",
		  .assignments = assigned, .assignment_count = 1 },
	};
	static const struct snapshot_group groups[] = {
		{ .name = "orders-billing", .state = "Stable", .coordinator_id = 3,
		  .members = members, .member_count = 1 },
	};
	const struct snapshot snapshot = {
		.cluster = "us", .controller_id = -1, .collected_at_ms = 1795514400000LL,
		.brokers = brokers, .broker_count = 1,
		.topics = topics, .topic_count = 2, .groups = groups, .group_count = 1,
	};
	char *err = NULL;

	if (snapshot_write(store, &snapshot, NULL, &err) < 0)
		fail_msg("%s", err);
}

/* Row I of ROWS' FIELD, as an integer (-1 for null). */
static json_int_t
row_int(json_t *rows, size_t i, const char *field)
{
	json_t *value = json_object_get(json_array_get(rows, i), field);

	assert_non_null(value);
	return json_is_null(value) ? -1 : json_integer_value(value);
}

static const char *
row_text(json_t *rows, size_t i, const char *field)
{
	return json_string_value(json_object_get(json_array_get(rows, i), field));
}

static void
test_lag_listings(void **state)
{
	struct catalog_test_fixture *f = *state;
	char *err = NULL;
	json_t *rows;

	write_generation(f->store);

	/* Worst first; a group whose partitions the generation does not know has no lag. */
	rows = listing_query(f->store, LISTING_LAG, NULL, &err);
	assert_non_null(rows);
	assert_int_equal(json_array_size(rows), 3);
	assert_string_equal(row_text(rows, 0, "group"), "orders-billing");
	assert_int_equal(row_int(rows, 0, "lag"), 30);
	assert_string_equal(row_text(rows, 0, "service"), "gamma");
	assert_null(row_text(rows, 0, "team"));
	assert_string_equal(row_text(rows, 1, "group"), "orders-audit");
	assert_int_equal(row_int(rows, 1, "lag"), 5);
	assert_string_equal(row_text(rows, 1, "service"), "beta");
	assert_string_equal(row_text(rows, 2, "group"), "payments-x");
	assert_int_equal(row_int(rows, 2, "lag"), -1);
	assert_null(row_text(rows, 2, "service"));
	assert_int_equal(row_int(rows, 0, "max_time_lag_seconds"), -1);
	json_decref(rows);

	/* Per partition: the stray commit is listed with unknown log end and lag. */
	rows = listing_query(f->store, LISTING_LAG_PARTITIONS,
	                     &(struct listing_filter){ .group = "payments-x" }, &err);
	assert_non_null(rows);
	assert_int_equal(json_array_size(rows), 1);
	assert_int_equal(row_int(rows, 0, "committed_offset"), 5);
	assert_int_equal(row_int(rows, 0, "log_end_offset"), -1);
	assert_int_equal(row_int(rows, 0, "lag"), -1);
	json_decref(rows);

	/* Filters on resolved ownership. */
	rows = listing_query(f->store, LISTING_GROUPS, &(struct listing_filter){ .team = "t2" },
	                     &err);
	assert_non_null(rows);
	assert_int_equal(json_array_size(rows), 1);
	assert_string_equal(row_text(rows, 0, "group"), "orders-audit");
	json_decref(rows);
	rows = listing_query(f->store, LISTING_GROUPS, &(struct listing_filter){ .cluster = "us" },
	                     &err);
	assert_non_null(rows);
	assert_int_equal(json_array_size(rows), 0);
	json_decref(rows);
}

/* The status filter of the consumer-group listings, a set of enum lag_status. */
static const struct status_case {
	enum listing_kind kind;
	unsigned statuses;
	size_t rows;            /* expected; the first of them is FIRST's */
	const char *first;
} status_cases[] = {
	{ LISTING_LAG, 1u << LAG_STATUS_STALLED, 1, "orders-billing" },
	{ LISTING_LAG, 1u << LAG_STATUS_UNKNOWN, 1, "payments-x" },   /* not yet evaluated */
	{ LISTING_LAG, 1u << LAG_STATUS_WARNING, 0, NULL },
	{ LISTING_GROUPS, (1u << LAG_STATUS_OK) | (1u << LAG_STATUS_STALLED), 2, "orders-audit" },
	{ LISTING_LAG_PARTITIONS, 1u << LAG_STATUS_STALLED, 2, "orders-billing" }, /* its group's */
	{ LISTING_LAG_PARTITIONS, 1u << LAG_STATUS_OK, 1, "orders-audit" },
	{ LISTING_CLUSTERS, 1u << LAG_STATUS_OK, 0, NULL },          /* not a group's status */
};

static void
test_status_filter(void **state)
{
	struct catalog_test_fixture *f = *state;
	char *err = NULL;

	write_generation(f->store);
	if (store_exec(f->store, "UPDATE consumer_groups SET status = 'STALLED'"
	               " WHERE name = 'orders-billing';"
	               "UPDATE consumer_groups SET status = 'OK' WHERE name = 'orders-audit'",
	               &err) < 0)
		fail_msg("%s", err);
	for (size_t i = 0; i < sizeof status_cases / sizeof status_cases[0]; i++) {
		const struct status_case *c = &status_cases[i];
		json_t *rows = listing_query(f->store, c->kind,
		                             &(struct listing_filter){ .statuses = c->statuses }, &err);

		assert_non_null(rows);
		if (json_array_size(rows) != c->rows)
			fail_msg("case %zu: %zu rows, expected %zu", i, json_array_size(rows), c->rows);
		if (c->first != NULL)
			assert_string_equal(row_text(rows, 0, "group"), c->first);
		json_decref(rows);
	}
}

static void
test_topic_listing(void **state)
{
	struct catalog_test_fixture *f = *state;
	char *err = NULL;
	json_t *rows, *tags;

	write_generation(f->store);
	rows = listing_query(f->store, LISTING_TOPICS, NULL, &err);
	assert_non_null(rows);
	assert_int_equal(json_array_size(rows), 1);
	assert_int_equal(row_int(rows, 0, "under_replicated"), 1);
	assert_true(json_is_false(json_object_get(json_array_get(rows, 0), "internal")));
	/* No Resource for orders: the team of the service that produces it. */
	assert_string_equal(row_text(rows, 0, "service"), "alpha");
	assert_string_equal(row_text(rows, 0, "team"), "t1");
	tags = json_object_get(json_array_get(rows, 0), "tags");
	assert_true(json_is_array(tags) && json_array_size(tags) == 0);
	json_decref(rows);
}

/* The exact rows of a listing, as JSON with ' for " (the fields in any order). */
static const struct rows_case {
	enum listing_kind kind;
	struct listing_filter filter;
	const char *rows;
} rows_cases[] = {
	/* Brokers: controller null where the cluster's is unknown; a filter on a field
	 * brokers do not have keeps nothing. */
	{ LISTING_BROKERS, { 0 },
	  "[{'cluster': 'eu', 'broker': 1, 'host': 'eu-1', 'port': 9092, 'rack': 'r1',"
	  "  'controller': true},"
	  " {'cluster': 'eu', 'broker': 2, 'host': 'eu-2', 'port': 9093, 'rack': null,"
	  "  'controller': false},"
	  " {'cluster': 'us', 'broker': 3, 'host': 'us-3', 'port': 9092, 'rack': 'r2',"
	  "  'controller': null}]" },
	{ LISTING_BROKERS, { .cluster = "us" },
	  "[{'cluster': 'us', 'broker': 3, 'host': 'us-3', 'port': 9092, 'rack': 'r2',"
	  "  'controller': null}]" },
	{ LISTING_BROKERS, { .topic = "orders" }, "[]" },
	/* Partitions: by cluster, topic, partition; the topic's owner (orders: its producer
	 * alpha's team; payments: its metadata's team t1, its producer beta). */
	{ LISTING_PARTITIONS, { 0 },
	  "[{'cluster': 'eu', 'topic': 'orders', 'partition': 0, 'leader': 1,"
	  "  'replicas': [1, 2, 3], 'isr': [1, 2, 3], 'under_replicated': false,"
	  "  'log_start_offset': 0, 'log_end_offset': 100, 'team': 't1', 'service': 'alpha'},"
	  " {'cluster': 'eu', 'topic': 'orders', 'partition': 1, 'leader': 2,"
	  "  'replicas': [1, 2, 3], 'isr': [1, 2], 'under_replicated': true,"
	  "  'log_start_offset': 0, 'log_end_offset': 50, 'team': 't1', 'service': 'alpha'},"
	  " {'cluster': 'us', 'topic': 'orders', 'partition': 0, 'leader': null,"
	  "  'replicas': [3], 'isr': [], 'under_replicated': true,"
	  "  'log_start_offset': null, 'log_end_offset': null, 'team': 't1', 'service': 'alpha'},"
	  " {'cluster': 'us', 'topic': 'payments', 'partition': 0, 'leader': 3,"
	  "  'replicas': [3], 'isr': [3], 'under_replicated': false,"
	  "  'log_start_offset': 2, 'log_end_offset': 7, 'team': 't1', 'service': 'beta'}]" },
	{ LISTING_PARTITIONS, { .cluster = "us", .topic = "orders" },
	  "[{'cluster': 'us', 'topic': 'orders', 'partition': 0, 'leader': null,"
	  "  'replicas': [3], 'isr': [], 'under_replicated': true,"
	  "  'log_start_offset': null, 'log_end_offset': null, 'team': 't1', 'service': 'alpha'}]" },
	{ LISTING_PARTITIONS, { .service = "beta" },
	  "[{'cluster': 'us', 'topic': 'payments', 'partition': 0, 'leader': 3,"
	  "  'replicas': [3], 'isr': [3], 'under_replicated': false,"
	  "  'log_start_offset': 2, 'log_end_offset': 7, 'team': 't1', 'service': 'beta'}]" },
	{ LISTING_PARTITIONS, { .topic = "gone" }, "[]" },
	{ LISTING_PARTITIONS, { .group = "orders-billing" }, "[]" },
	/* Members: by cluster, group, member id; assignments by topic, partitions sorted;
	 * the group's owner on each cluster (gamma on eu, alpha elsewhere). */
	{ LISTING_MEMBERS, { 0 },
	  "[{'cluster': 'eu', 'group': 'orders-billing', 'member_id': 'm-a', 'client_id': null,"
	  "  'host': null, 'assignments': [], 'service': 'gamma', 'team': null},"
	  " {'cluster': 'eu', 'group': 'orders-billing', 'member_id': 'm-b',"
	  "  'client_id': 'billing', 'host': '/10.0.0.1',"
	  "  'assignments': ['gone[0]', 'orders[0,1]'], 'service': 'gamma', 'team': null},"
	  " {'cluster': 'us', 'group': 'orders-billing', 'member_id': 'm-c',"
	  "  'client_id': 'billing-us', 'host': '/10.1.0.1', 'assignments': ['orders[0]'],"
	  "  'service': 'alpha', 'team': 't1'}]" },
	{ LISTING_MEMBERS, { .cluster = "us", .group = "orders-billing" },
	  "[{'cluster': 'us', 'group': 'orders-billing', 'member_id': 'm-c',"
	  "  'client_id': 'billing-us', 'host': '/10.1.0.1', 'assignments': ['orders[0]'],"
	  "  'service': 'alpha', 'team': 't1'}]" },
	{ LISTING_MEMBERS, { .team = "t1" },
	  "[{'cluster': 'us', 'group': 'orders-billing', 'member_id': 'm-c',"
	  "  'client_id': 'billing-us', 'host': '/10.1.0.1', 'assignments': ['orders[0]'],"
	  "  'service': 'alpha', 'team': 't1'}]" },
	{ LISTING_MEMBERS, { .group = "orders-audit" }, "[]" },   /* a group with no member */
	{ LISTING_MEMBERS, { .topic = "orders" }, "[]" },
};

/* TEXT with every ' made ", parsed (caller json_decref's). */
static json_t *
rows_json(const char *text)
{
	char *quoted = strdup(text);
	json_error_t error;
	json_t *json;

	assert_non_null(quoted);
	for (char *p = quoted; *p != '\0'; p++)
		if (*p == '\'')
			*p = '"';
	json = json_loads(quoted, 0, &error);
	if (json == NULL)
		fail_msg("%s: %s at column %d", quoted, error.text, error.column);
	free(quoted);
	return json;
}

static void
test_broker_partition_member_rows(void **state)
{
	struct catalog_test_fixture *f = *state;
	char *err = NULL;

	write_generation(f->store);
	write_second_cluster(f->store);
	for (size_t i = 0; i < sizeof rows_cases / sizeof rows_cases[0]; i++) {
		const struct rows_case *c = &rows_cases[i];
		json_t *rows = listing_query(f->store, c->kind, &c->filter, &err);
		json_t *expected = rows_json(c->rows);

		if (rows == NULL)
			fail_msg("case %zu: %s", i, err);
		if (!json_equal(rows, expected)) {
			char *got = json_dumps(rows, JSON_COMPACT);

			fail_msg("case %zu: got %s", i, got);
		}
		json_decref(expected);
		json_decref(rows);
	}
}

static void
test_fields_in_order(void **state)
{
	struct catalog_test_fixture *f = *state;
	char *err = NULL;

	write_generation(f->store);
	for (int kind = 0; kind < LISTING_KIND_COUNT; kind++) {
		size_t count, i = 0;
		const char *const *fields = listing_fields((enum listing_kind)kind, &count);
		json_t *rows = listing_query(f->store, (enum listing_kind)kind, NULL, &err), *value;
		const char *key;

		assert_non_null(rows);
		assert_true(count > 0);
		if (json_array_size(rows) == 0) {
			json_decref(rows);
			continue;
		}
		/* Every field of DESIGN.md, in its order, nothing else. */
		json_object_foreach(json_array_get(rows, 0), key, value) {
			assert_true(i < count);
			assert_string_equal(key, fields[i]);
			i++;
		}
		assert_int_equal(i, count);
		assert_true(listing_has_field((enum listing_kind)kind, fields[0]));
		assert_false(listing_has_field((enum listing_kind)kind, "no_such_field"));
		json_decref(rows);
	}
}

#define LISTING_ON_BOTH(test, what)                                                          \
	{ .name = what " (file)", .test_func = test, .setup_func = setup_file,                 \
	  .teardown_func = catalog_test_teardown },                                            \
	{ .name = what " (memory)", .test_func = test, .setup_func = setup_memory,             \
	  .teardown_func = catalog_test_teardown }

int
main(void)
{
	const struct CMUnitTest tests[] = {
		LISTING_ON_BOTH(test_owner_precedence, "owner precedence"),
		LISTING_ON_BOTH(test_topic_metadata, "topic metadata"),
		LISTING_ON_BOTH(test_lag_listings, "lag listings"),
		LISTING_ON_BOTH(test_status_filter, "status filter"),
		LISTING_ON_BOTH(test_topic_listing, "topic listing"),
		LISTING_ON_BOTH(test_broker_partition_member_rows, "broker, partition, member rows"),
		LISTING_ON_BOTH(test_fields_in_order, "fields in order"),
	};

	return cmocka_run_group_tests_name("listing", tests, NULL, NULL);
}
