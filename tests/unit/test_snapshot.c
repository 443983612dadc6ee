/* Unit tests for catalog/snapshot: a generation holds what its snapshot holds, replaces
 * the previous one of its cluster only, appends lag history, never stores a sensitive
 * value, and a failing write leaves the previous generation as it was. Every test runs
 * on a catalog file and on :memory:. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kfleet/snapshot.h"
#include "tests/unit/catalog_test.h"

#define COUNT(array) (sizeof (array) / sizeof (array)[0])

/* 2025-11-24T16:00:00Z, and the next cycles. */
#define T0 1764000000000LL
#define T1 (T0 + 30000)
#define T2 (T0 + 60000)

#define SECRET "hunter2-jaas-secret"

/* ---- prod-eu, generation A */

static const int32_t replicas_123[] = { 1, 2, 3 };
static const int32_t replicas_231[] = { 2, 3, 1 };
static const int32_t isr_12[] = { 1, 2 };

static const struct snapshot_broker brokers[] = {
	{ .node_id = 1, .host = "b1.example", .port = 9092, .rack = "eu-1a" },
	{ .node_id = 2, .host = "b2.example", .port = 9092, .rack = "eu-1b" },
	{ .node_id = 3, .host = "b3.example", .port = 9092 },
};

static const struct snapshot_partition orders_partitions[] = {
	{ .partition = 0, .leader_id = 1, .replicas = replicas_123, .replica_count = 3,
	  .isr = replicas_123, .isr_count = 3, .low_watermark = 0, .high_watermark = 1000 },
	{ .partition = 1, .leader_id = 2, .replicas = replicas_231, .replica_count = 3,
	  .isr = isr_12, .isr_count = 2, .low_watermark = 10, .high_watermark = 2000 },
	/* Offline, and its watermarks could not be read. */
	{ .partition = 2, .leader_id = -1, .replicas = replicas_123, .replica_count = 3,
	  .isr = NULL, .isr_count = 0, .low_watermark = -1, .high_watermark = -1 },
};

static const struct snapshot_config orders_configs[] = {
	{ .name = "retention.ms", .value = "604800000", .source = "DYNAMIC_TOPIC_CONFIG" },
	{ .name = "cleanup.policy", .value = "delete", .source = "DEFAULT_CONFIG",
	  .is_default = true },
	/* A collector handing over a sensitive value by mistake must not get it stored. */
	{ .name = "sasl.jaas.config", .value = SECRET, .source = "DYNAMIC_TOPIC_CONFIG",
	  .is_sensitive = true },
};

static const struct snapshot_partition payments_partitions[] = {
	{ .partition = 0, .leader_id = 3, .replicas = replicas_123, .replica_count = 3,
	  .isr = replicas_123, .isr_count = 3, .low_watermark = 0, .high_watermark = 50 },
	{ .partition = 1, .leader_id = 1, .replicas = replicas_123, .replica_count = 3,
	  .isr = replicas_123, .isr_count = 3, .low_watermark = 0, .high_watermark = 70 },
};

static const struct snapshot_config payments_configs[] = {
	{ .name = "retention.ms", .value = "86400000", .source = "DYNAMIC_TOPIC_CONFIG" },
};

static const struct snapshot_topic topics_a[] = {
	{ .name = "orders", .replication_factor = 3, .partitions = orders_partitions,
	  .partition_count = COUNT(orders_partitions), .configs = orders_configs,
	  .config_count = COUNT(orders_configs) },
	{ .name = "payments", .replication_factor = 3, .partitions = payments_partitions,
	  .partition_count = COUNT(payments_partitions), .configs = payments_configs,
	  .config_count = COUNT(payments_configs) },
};

static const struct snapshot_acl acls[] = {
	{ .principal = "User:order-service", .host = "*", .operation = "READ",
	  .permission = "ALLOW", .resource_type = "TOPIC", .resource_name = "orders",
	  .pattern_type = "LITERAL" },
	{ .principal = "User:billing", .host = "*", .operation = "WRITE", .permission = "ALLOW",
	  .resource_type = "TOPIC", .resource_name = "pay", .pattern_type = "PREFIXED" },
};

static const struct snapshot_quota_part user_default[] = {
	{ .entity_type = "user", .entity_name = NULL },
};
static const struct snapshot_quota_part alice_app[] = {
	{ .entity_type = "user", .entity_name = "alice" },
	{ .entity_type = "client-id", .entity_name = "app" },
};
static const struct snapshot_quota_value default_rates[] = {
	{ .key = "producer_byte_rate", .value = 1048576 },
	{ .key = "consumer_byte_rate", .value = 2097152 },
};
static const struct snapshot_quota_value alice_rates[] = {
	{ .key = "request_percentage", .value = 12.5 },
};

static const struct snapshot_quota quotas[] = {
	{ .parts = user_default, .part_count = COUNT(user_default), .values = default_rates,
	  .value_count = COUNT(default_rates) },
	{ .parts = alice_app, .part_count = COUNT(alice_app), .values = alice_rates,
	  .value_count = COUNT(alice_rates) },
};

static const struct snapshot_assignment assigned_0[] = { { "orders", 0 }, { "orders", 1 } };
static const struct snapshot_assignment assigned_1[] = { { "orders", 2 } };

static const struct snapshot_member order_members[] = {
	{ .member_id = "consumer-1-aaaa", .client_id = "consumer-1", .host = "/10.0.0.1",
	  .assignments = assigned_0, .assignment_count = COUNT(assigned_0) },
	{ .member_id = "consumer-2-bbbb", .client_id = "consumer-2", .host = "/10.0.0.2",
	  .assignments = assigned_1, .assignment_count = COUNT(assigned_1) },
};

static const struct snapshot_offset order_offsets[] = {
	{ .topic = "orders", .partition = 0, .committed_offset = 900 },
	{ .topic = "orders", .partition = 1, .committed_offset = 1990, .metadata = "m" },
	/* A topic this cycle did not see: the sample has no log end offset. */
	{ .topic = "orders.gone", .partition = 0, .committed_offset = 5 },
};

static const struct snapshot_offset billing_offsets[] = {
	{ .topic = "payments", .partition = 0, .committed_offset = 50 },
	{ .topic = "payments", .partition = 1, .committed_offset = 60 },
};

static const struct snapshot_group groups_a[] = {
	{ .name = "order-service", .state = "Stable", .protocol_type = "consumer",
	  .protocol = "range", .coordinator_id = 2, .members = order_members,
	  .member_count = COUNT(order_members), .offsets = order_offsets,
	  .offset_count = COUNT(order_offsets) },
	{ .name = "billing", .state = "Empty", .protocol_type = "consumer", .coordinator_id = -1,
	  .offsets = billing_offsets, .offset_count = COUNT(billing_offsets) },
};

static const struct snapshot generation_a = {
	.cluster = "prod-eu", .kafka_cluster_id = "eu-cluster-id", .controller_id = 1,
	.collected_at_ms = T0, .cycle_duration_ms = 420,
	.brokers = brokers, .broker_count = COUNT(brokers),
	.topics = topics_a, .topic_count = COUNT(topics_a),
	.acls = acls, .acl_count = COUNT(acls),
	.quotas = quotas, .quota_count = COUNT(quotas),
	.groups = groups_a, .group_count = COUNT(groups_a),
};

/* ---- prod-eu, generation B: payments and billing are gone, refunds is new. */

static const struct snapshot_topic topics_b[] = {
	topics_a[0],
	{ .name = "refunds", .replication_factor = 3, .partitions = payments_partitions,
	  .partition_count = 1 },
};

static const struct snapshot generation_b = {
	.cluster = "prod-eu", .kafka_cluster_id = "eu-cluster-id", .controller_id = 2,
	.collected_at_ms = T1, .cycle_duration_ms = 380,
	.brokers = brokers, .broker_count = COUNT(brokers),
	.topics = topics_b, .topic_count = COUNT(topics_b),
	.groups = groups_a, .group_count = 1,
};

/* ---- prod-us: another cluster in the same catalog. */

static const struct snapshot_topic topics_us[] = {
	{ .name = "orders", .replication_factor = 1, .partitions = payments_partitions,
	  .partition_count = 1 },
};

static const struct snapshot generation_us = {
	.cluster = "prod-us", .controller_id = -1, .collected_at_ms = T0,
	.topics = topics_us, .topic_count = COUNT(topics_us),
	.groups = groups_a, .group_count = 1,
};

static void
write_ok(struct store *store, const struct snapshot *snapshot)
{
	char *err = NULL;

	if (snapshot_write(store, snapshot, NULL, &err) != 0)
		fail_msg("snapshot_write(%s): %s", snapshot->cluster, err);
	assert_null(err);
}

/* prod-eu's row after generation A (also after a write that failed on top of it)... */
static const struct catalog_test_expectation cluster_after_a[] = {
	{ "SELECT generation FROM clusters WHERE name = 'prod-eu'", 1 },
	{ "SELECT count(*) FROM clusters WHERE name = 'prod-eu' AND status = 'ok' AND error IS NULL"
	  " AND kafka_cluster_id = 'eu-cluster-id' AND controller_id = 1"
	  " AND last_collected_ms = 1764000000000 AND cycle_duration_ms = 420", 1 },
};

/* ...and its rows. */
static const struct catalog_test_expectation rows_after_a[] = {
	{ "SELECT count(*) FROM brokers", 3 },
	{ "SELECT count(*) FROM brokers WHERE rack IS NULL", 1 },
	{ "SELECT count(*) FROM topics", 2 },
	{ "SELECT partition_count FROM topics WHERE name = 'orders'", 3 },
	{ "SELECT count(*) FROM partitions", 5 },
	{ "SELECT count(*) FROM partitions WHERE replicas = '2,3,1' AND isr = '1,2'", 1 },
	{ "SELECT count(*) FROM partitions WHERE leader_id IS NULL AND isr = ''"
	  " AND low_watermark IS NULL AND high_watermark IS NULL", 1 },
	{ "SELECT count(*) FROM topic_configs", 4 },
	{ "SELECT count(*) FROM topic_configs WHERE is_default = 1 AND name = 'cleanup.policy'", 1 },
	{ "SELECT count(*) FROM acls", 2 },
	{ "SELECT count(*) FROM quota_entities", 2 },
	{ "SELECT count(*) FROM quota_entity_parts WHERE entity_name IS NULL", 1 },
	{ "SELECT count(*) FROM quota_values WHERE key = 'request_percentage' AND value = 12.5", 1 },
	{ "SELECT count(*) FROM consumer_groups", 2 },
	{ "SELECT count(*) FROM consumer_groups WHERE name = 'billing' AND coordinator_id IS NULL"
	  " AND protocol IS NULL", 1 },
	{ "SELECT count(*) FROM group_members", 2 },
	{ "SELECT count(*) FROM member_assignments", 3 },
	{ "SELECT count(*) FROM committed_offsets", 5 },
	/* Each group's lag, stored: the partitions with a log end offset (not orders.gone). */
	{ "SELECT lag FROM consumer_groups WHERE name = 'billing'", (50 - 50) + (70 - 60) },
	{ "SELECT sum(lag) FROM consumer_groups", (1000 - 900) + (2000 - 1990) + 10 },
	{ "SELECT count(*) FROM cluster_sections WHERE error IS NULL AND since_ms = 1764000000000",
	  6 },
};

static void
check_after_a(struct store *store)
{
	catalog_test_check(store, cluster_after_a, COUNT(cluster_after_a));
	catalog_test_check(store, rows_after_a, COUNT(rows_after_a));
}

static void
test_first_generation(void **state)
{
	struct catalog_test_fixture *f = *state;

	write_ok(f->store, &generation_a);
	check_after_a(f->store);
}

/* prod-eu after A, prod-us, then B. */
static const struct catalog_test_expectation after_b[] = {
	{ "SELECT generation FROM clusters WHERE name = 'prod-eu'", 2 },
	{ "SELECT controller_id FROM clusters WHERE name = 'prod-eu'", 2 },
	{ "SELECT count(*) FROM topics t JOIN clusters c ON c.id = t.cluster_id"
	  " WHERE c.name = 'prod-eu'", 2 },
	{ "SELECT count(*) FROM topics WHERE name = 'payments'", 0 },
	{ "SELECT count(*) FROM topics WHERE name = 'refunds'", 1 },
	/* Children of what disappeared went with it. */
	{ "SELECT count(*) FROM partitions", 3 + 1 + 1 },
	{ "SELECT count(*) FROM topic_configs", 3 },
	{ "SELECT count(*) FROM consumer_groups WHERE name = 'billing'", 0 },
	{ "SELECT count(*) FROM committed_offsets", 3 + 3 },
	{ "SELECT count(*) FROM group_members", 2 + 2 },
	{ "SELECT count(*) FROM member_assignments", 3 + 3 },
	/* B collected no ACLs or quotas: none are left. */
	{ "SELECT count(*) FROM acls", 0 },
	{ "SELECT count(*) FROM quota_entities", 0 },
	{ "SELECT count(*) FROM quota_values", 0 },
	/* prod-us untouched. */
	{ "SELECT generation FROM clusters WHERE name = 'prod-us'", 1 },
	{ "SELECT count(*) FROM topics t JOIN clusters c ON c.id = t.cluster_id"
	  " WHERE c.name = 'prod-us'", 1 },
	{ "SELECT count(*) FROM consumer_groups g JOIN clusters c ON c.id = g.cluster_id"
	  " WHERE c.name = 'prod-us'", 1 },
};

static void
test_generation_replaces_previous(void **state)
{
	struct catalog_test_fixture *f = *state;

	write_ok(f->store, &generation_a);
	write_ok(f->store, &generation_us);
	write_ok(f->store, &generation_b);
	catalog_test_check(f->store, after_b, COUNT(after_b));
}

/* Statements are prepared once per store, not per generation. */
static void
test_statements_prepared_once(void **state)
{
	struct catalog_test_fixture *f = *state;
	sqlite3 *db = store_sqlite(f->store);
	int after_first = 0;
	int after_third = 0;

	write_ok(f->store, &generation_a);
	for (sqlite3_stmt *s = sqlite3_next_stmt(db, NULL); s != NULL; s = sqlite3_next_stmt(db, s))
		after_first++;
	write_ok(f->store, &generation_a);
	write_ok(f->store, &generation_a);
	for (sqlite3_stmt *s = sqlite3_next_stmt(db, NULL); s != NULL; s = sqlite3_next_stmt(db, s))
		after_third++;
	assert_true(after_first > 10);
	assert_int_equal(after_third, after_first);
	assert_int_equal(catalog_test_int(f->store, "SELECT generation FROM clusters"), 3);
}

/* ---- a write that fails half way */

static const struct snapshot_topic duplicate_topics[] = {
	{ .name = "orders", .replication_factor = 3, .partitions = orders_partitions,
	  .partition_count = 1 },
	{ .name = "orders", .replication_factor = 3 },
};

static const struct snapshot_partition duplicate_partitions[] = {
	orders_partitions[0], orders_partitions[0],
};
static const struct snapshot_topic topics_duplicate_partition[] = {
	{ .name = "refunds", .replication_factor = 3, .partitions = duplicate_partitions,
	  .partition_count = 2 },
};

static const struct snapshot_group nameless_group[] = { { .name = NULL, .coordinator_id = 1 } };

struct failing_case {
	const char *name;
	struct snapshot snapshot;
	const char *message_has;
};

/* Each fails after the previous generation's rows were already deleted. */
static const struct failing_case failing_cases[] = {
	{ .name = "duplicate topic",
	  .snapshot = { .cluster = "prod-eu", .collected_at_ms = T1, .brokers = brokers,
	                .broker_count = COUNT(brokers), .topics = duplicate_topics,
	                .topic_count = COUNT(duplicate_topics) },
	  .message_has = "writing cluster prod-eu's topics: UNIQUE constraint failed: topics." },
	{ .name = "duplicate partition",
	  .snapshot = { .cluster = "prod-eu", .collected_at_ms = T1,
	                .topics = topics_duplicate_partition, .topic_count = 1 },
	  .message_has = "writing cluster prod-eu's partitions: UNIQUE constraint failed" },
	{ .name = "group without a name",
	  .snapshot = { .cluster = "prod-eu", .collected_at_ms = T1, .topics = topics_b,
	                .topic_count = COUNT(topics_b), .groups = nameless_group,
	                .group_count = 1 },
	  .message_has = "writing cluster prod-eu's consumer groups: NOT NULL constraint failed" },
};

static void
test_failed_write_rolls_back(void **state)
{
	struct catalog_test_fixture *f = *state;

	write_ok(f->store, &generation_a);
	for (size_t i = 0; i < COUNT(failing_cases); i++) {
		const struct failing_case *c = &failing_cases[i];
		char *err = NULL;

		assert_int_equal(snapshot_write(f->store, &c->snapshot, NULL, &err), -1);
		assert_non_null(err);
		if (strstr(err, c->message_has) == NULL || strstr(err, store_path(f->store)) == NULL)
			fail_msg("%s: message \"%s\" should name the catalog and say \"%s\"", c->name,
			         err, c->message_has);
		assert_null(strchr(err, '\n'));
		free(err);
		check_after_a(f->store);
	}
	/* The store is still usable: the next good generation is number 2. */
	write_ok(f->store, &generation_b);
	assert_int_equal(catalog_test_int(f->store, "SELECT generation FROM clusters"), 2);
}

static void
test_snapshot_without_cluster_refused(void **state)
{
	struct catalog_test_fixture *f = *state;
	struct snapshot nameless = generation_a;
	char *err = NULL;

	nameless.cluster = "";
	assert_int_equal(snapshot_write(f->store, &nameless, NULL, &err), -1);
	assert_non_null(strstr(err, "without a cluster name"));
	free(err);
	assert_int_equal(catalog_test_int(f->store, "SELECT count(*) FROM clusters"), 0);
}

/* ---- secrets */

/* Whether the catalog at PATH or its WAL holds TEXT. */
static int
files_contain(const char *path, const char *text)
{
	char *wal = NULL;
	int found;

	assert_true(asprintf(&wal, "%s-wal", path) > 0);
	found = catalog_test_file_contains(path, text) || catalog_test_file_contains(wal, text);
	free(wal);
	return found;
}

static void
test_sensitive_value_never_stored(void **state)
{
	struct catalog_test_fixture *f = *state;
	char *err = NULL;

	write_ok(f->store, &generation_a);
	assert_int_equal(catalog_test_int(f->store, "SELECT count(*) FROM topic_configs WHERE"
	                                            " name = 'sasl.jaas.config' AND value IS NULL"
	                                            " AND is_sensitive = 1"), 1);
	/* The schema refuses one too, whoever writes it. */
	assert_int_equal(store_exec(f->store, "INSERT INTO topic_configs (topic_id, name, value,"
	                                      " is_sensitive) VALUES (1, 'x', 'secret', 1)", &err), -1);
	assert_non_null(strstr(err, "CHECK constraint failed"));
	free(err);
	if (f->path == NULL)
		return;
	/* Not a byte of it in the files, WAL included; a plain value is found there, so the
	 * search would see the secret if it were written. */
	assert_false(files_contain(f->path, SECRET));
	assert_true(files_contain(f->path, "604800000"));
}

/* ---- sections and reachability */

static void
test_failed_section(void **state)
{
	struct catalog_test_fixture *f = *state;
	struct snapshot degraded = generation_a;
	char *error;

	degraded.section_errors[SNAPSHOT_ACLS] = "no authorizer configured";
	degraded.collected_at_ms = T1;
	write_ok(f->store, &generation_a);
	write_ok(f->store, &degraded);
	error = catalog_test_text(f->store, "SELECT error FROM clusters");
	assert_string_equal(error, "acls: no authorizer configured");
	free(error);
	assert_int_equal(catalog_test_int(f->store, "SELECT count(*) FROM clusters WHERE"
	                                            " status = 'degraded'"), 1);
	/* The failed section writes no rows, even if the snapshot carries some. */
	assert_int_equal(catalog_test_int(f->store, "SELECT count(*) FROM acls"), 0);
	assert_int_equal(catalog_test_int(f->store, "SELECT count(*) FROM topics"), 2);
	assert_int_equal(catalog_test_int(f->store, "SELECT since_ms FROM cluster_sections WHERE"
	                                            " section = 'acls'"), T1);
	assert_int_equal(catalog_test_int(f->store, "SELECT since_ms FROM cluster_sections WHERE"
	                                            " section = 'topics'"), T0);

	/* Failing again: "failing since" stays at the first failure. */
	degraded.collected_at_ms = T2;
	write_ok(f->store, &degraded);
	assert_int_equal(catalog_test_int(f->store, "SELECT since_ms FROM cluster_sections WHERE"
	                                            " section = 'acls' AND updated_ms = "
	                                            "1764000060000"), T1);
}

static void
test_unreachable_keeps_last_generation(void **state)
{
	struct catalog_test_fixture *f = *state;
	char *err = NULL;
	char *error;

	write_ok(f->store, &generation_a);
	assert_int_equal(snapshot_mark_unreachable(f->store, "prod-eu", "all brokers down", T1, &err),
	                 0);
	assert_int_equal(snapshot_mark_unreachable(f->store, "prod-eu", "still down", T2, &err), 0);
	error = catalog_test_text(f->store, "SELECT error FROM clusters");
	assert_string_equal(error, "still down");
	free(error);
	assert_int_equal(catalog_test_int(f->store, "SELECT count(*) FROM clusters WHERE status ="
	                                            " 'unreachable' AND generation = 1 AND"
	                                            " last_collected_ms = 1764000000000"), 1);
	assert_int_equal(catalog_test_int(f->store, "SELECT unreachable_since_ms FROM clusters"), T1);
	/* The last good data is still there for readers. */
	catalog_test_check(f->store, rows_after_a, COUNT(rows_after_a));

	/* Back: a generation clears it. */
	write_ok(f->store, &generation_b);
	assert_int_equal(catalog_test_int(f->store, "SELECT count(*) FROM clusters WHERE status ="
	                                            " 'ok' AND error IS NULL AND"
	                                            " unreachable_since_ms IS NULL"), 1);

	/* A cluster never reached has a row, with no generation. */
	assert_int_equal(snapshot_mark_unreachable(f->store, "prod-ap", "no route", T0, &err), 0);
	assert_int_equal(catalog_test_int(f->store, "SELECT generation FROM clusters WHERE"
	                                            " name = 'prod-ap'"), 0);
}

static void
test_section_names(void **state)
{
	(void)state;
	for (int section = 0; section < SNAPSHOT_SECTION_COUNT; section++)
		assert_non_null(snapshot_section_name((enum snapshot_section)section));
	assert_string_equal(snapshot_section_name(SNAPSHOT_ACLS), "acls");
	assert_string_equal(snapshot_section_name(SNAPSHOT_SECTION_COUNT), "?");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		CATALOG_TEST_ON_BOTH(test_first_generation, "first generation holds the snapshot"),
		CATALOG_TEST_ON_BOTH(test_generation_replaces_previous,
		                     "a generation replaces the previous one"),
		CATALOG_TEST_ON_BOTH(test_statements_prepared_once, "statements are prepared once"),
		CATALOG_TEST_ON_BOTH(test_failed_write_rolls_back,
		                     "a failed write leaves the previous generation"),
		CATALOG_TEST_ON_BOTH(test_snapshot_without_cluster_refused,
		                     "a snapshot needs a cluster"),
		CATALOG_TEST_ON_BOTH(test_sensitive_value_never_stored,
		                     "sensitive values are never stored"),
		CATALOG_TEST_ON_BOTH(test_failed_section, "a failed section is recorded"),
		CATALOG_TEST_ON_BOTH(test_unreachable_keeps_last_generation,
		                     "unreachable keeps the last generation"),
		cmocka_unit_test(test_section_names),
	};

	return cmocka_run_group_tests_name("snapshot", tests, NULL, NULL);
}
