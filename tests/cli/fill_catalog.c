/* fill_catalog: write a known fleet into a catalog through the snapshot writer, as an
 * agent would, for the command-line tests of the listings.
 *   tests/cli/fill_catalog CATALOG
 * prod-eu: 3 brokers, 4 topics (one partition under-replicated), 4 groups, 3 ACLs,
 * 2 quotas; prod-us: 1 topic, 1 group; staging: never reached. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "kfleet/snapshot.h"
#include "kfleet/store.h"

#define COLLECTED_AT_MS 1795514400000LL /* 2026-11-24T10:00:00Z */
#define COUNT(array) (sizeof(array) / sizeof((array)[0]))

static const int32_t all3[] = { 1, 2, 3 }, two3[] = { 2, 3 }, one[] = { 1 };

static const struct snapshot_broker eu_brokers[] = {
	{ .node_id = 1, .host = "eu-1.kafka", .port = 9092, .rack = "a" },
	{ .node_id = 2, .host = "eu-2.kafka", .port = 9092, .rack = "b" },
	{ .node_id = 3, .host = "eu-3.kafka", .port = 9092, .rack = NULL },
};

static const struct snapshot_partition orders_partitions[] = {
	{ .partition = 0, .leader_id = 1, .replicas = all3, .replica_count = 3, .isr = all3,
	  .isr_count = 3, .low_watermark = 0, .high_watermark = 1000 },
	{ .partition = 1, .leader_id = 2, .replicas = all3, .replica_count = 3, .isr = two3,
	  .isr_count = 2, .low_watermark = 0, .high_watermark = 1200 },
	{ .partition = 2, .leader_id = 3, .replicas = all3, .replica_count = 3, .isr = all3,
	  .isr_count = 3, .low_watermark = 0, .high_watermark = 800 },
};
static const struct snapshot_partition retry_partitions[] = {
	{ .partition = 0, .leader_id = 1, .replicas = all3, .replica_count = 3, .isr = all3,
	  .isr_count = 3, .low_watermark = 0, .high_watermark = 50 },
};
static const struct snapshot_partition payments_partitions[] = {
	{ .partition = 0, .leader_id = 2, .replicas = all3, .replica_count = 3, .isr = all3,
	  .isr_count = 3, .low_watermark = 0, .high_watermark = 500 },
	{ .partition = 1, .leader_id = 3, .replicas = all3, .replica_count = 3, .isr = all3,
	  .isr_count = 3, .low_watermark = 100, .high_watermark = 700 },
};
static const struct snapshot_partition offsets_partitions[] = {
	{ .partition = 0, .leader_id = 1, .replicas = one, .replica_count = 1, .isr = one,
	  .isr_count = 1, .low_watermark = 0, .high_watermark = 10 },
};

static const struct snapshot_config orders_configs[] = {
	{ .name = "cleanup.policy", .value = "delete", .source = "DEFAULT_CONFIG",
	  .is_default = true },
	{ .name = "retention.ms", .value = "86400000", .source = "DYNAMIC_TOPIC_CONFIG" },
	{ .name = "min.insync.replicas", .value = "2", .source = "DYNAMIC_TOPIC_CONFIG" },
};

static const struct snapshot_topic eu_topics[] = {
	{ .name = "__consumer_offsets", .internal = true, .replication_factor = 1,
	  .partitions = offsets_partitions, .partition_count = COUNT(offsets_partitions) },
	{ .name = "orders", .replication_factor = 3, .partitions = orders_partitions,
	  .partition_count = COUNT(orders_partitions), .configs = orders_configs,
	  .config_count = COUNT(orders_configs) },
	{ .name = "orders.retry", .replication_factor = 3, .partitions = retry_partitions,
	  .partition_count = COUNT(retry_partitions) },
	{ .name = "payments", .replication_factor = 3, .partitions = payments_partitions,
	  .partition_count = COUNT(payments_partitions) },
};

static const struct snapshot_assignment payment_service_a[] = {
	{ "orders", 0 }, { "orders", 1 },
}, payment_service_b[] = {
	{ "orders", 2 },
}, order_service_a[] = {
	{ "payments", 0 }, { "payments", 1 },
};
static const struct snapshot_member payment_service_members[] = {
	{ .member_id = "m-1", .client_id = "payment-service", .host = "/10.0.0.1",
	  .assignments = payment_service_a, .assignment_count = COUNT(payment_service_a) },
	{ .member_id = "m-2", .client_id = "payment-service", .host = "/10.0.0.2",
	  .assignments = payment_service_b, .assignment_count = COUNT(payment_service_b) },
};
static const struct snapshot_member order_service_members[] = {
	{ .member_id = "m-3", .client_id = "order-service", .host = "/10.0.0.3",
	  .assignments = order_service_a, .assignment_count = COUNT(order_service_a) },
};

static const struct snapshot_offset payment_service_offsets[] = {
	{ "orders", 0, 900, NULL }, { "orders", 1, 1000, NULL }, { "orders", 2, 800, NULL },
};
static const struct snapshot_offset order_service_offsets[] = {
	{ "payments", 0, 450, NULL }, { "payments", 1, 700, NULL },
};
static const struct snapshot_offset analytics_offsets[] = {
	{ "orders", 0, 100, NULL },
};
static const struct snapshot_offset audit_offsets[] = {
	{ "orders.retry", 0, 50, NULL },
};

static const struct snapshot_group eu_groups[] = {
	{ .name = "analytics-etl", .state = "Empty", .protocol_type = "consumer",
	  .coordinator_id = 2, .offsets = analytics_offsets, .offset_count = COUNT(analytics_offsets) },
	{ .name = "order-service", .state = "Stable", .protocol_type = "consumer",
	  .protocol = "range", .coordinator_id = 1, .members = order_service_members,
	  .member_count = COUNT(order_service_members), .offsets = order_service_offsets,
	  .offset_count = COUNT(order_service_offsets) },
	{ .name = "orders-audit", .state = "Empty", .protocol_type = "consumer",
	  .coordinator_id = 3, .offsets = audit_offsets, .offset_count = COUNT(audit_offsets) },
	{ .name = "payment-service", .state = "Stable", .protocol_type = "consumer",
	  .protocol = "cooperative-sticky", .coordinator_id = 1,
	  .members = payment_service_members, .member_count = COUNT(payment_service_members),
	  .offsets = payment_service_offsets, .offset_count = COUNT(payment_service_offsets) },
};

static const struct snapshot_acl eu_acls[] = {
	{ "User:order-service", "*", "READ", "ALLOW", "TOPIC", "payments", "LITERAL" },
	{ "User:payment-service", "*", "WRITE", "ALLOW", "TOPIC", "payments", "LITERAL" },
	{ "User:mystery", "10.0.0.9", "READ", "DENY", "TOPIC", "orders", "PREFIXED" },
};

static const struct snapshot_quota_part alice[] = { { "user", "alice" } };
static const struct snapshot_quota_part default_user[] = { { "user", NULL } };
static const struct snapshot_quota_value alice_values[] = {
	{ "producer_byte_rate", 1048576 }, { "request_percentage", 12.5 },
};
static const struct snapshot_quota_value default_values[] = {
	{ "consumer_byte_rate", 2097152 },
};
static const struct snapshot_quota eu_quotas[] = {
	{ .parts = alice, .part_count = 1, .values = alice_values,
	  .value_count = COUNT(alice_values) },
	{ .parts = default_user, .part_count = 1, .values = default_values,
	  .value_count = COUNT(default_values) },
};

static const struct snapshot_broker us_brokers[] = {
	{ .node_id = 7, .host = "us-7.kafka", .port = 9093 },
};
static const int32_t us_replica[] = { 7 };
static const struct snapshot_partition us_orders_partitions[] = {
	{ .partition = 0, .leader_id = 7, .replicas = us_replica, .replica_count = 1,
	  .isr = us_replica, .isr_count = 1, .low_watermark = 0, .high_watermark = 100 },
};
static const struct snapshot_topic us_topics[] = {
	{ .name = "orders", .replication_factor = 1, .partitions = us_orders_partitions,
	  .partition_count = COUNT(us_orders_partitions) },
};
static const struct snapshot_offset us_order_service_offsets[] = {
	{ "orders", 0, 40, NULL },
};
static const struct snapshot_group us_groups[] = {
	{ .name = "order-service", .state = "Empty", .protocol_type = "consumer",
	  .coordinator_id = 7, .offsets = us_order_service_offsets,
	  .offset_count = COUNT(us_order_service_offsets) },
};

int
main(int argc, char **argv)
{
	const struct snapshot snapshots[] = {
		{ .cluster = "prod-eu", .kafka_cluster_id = "eu-cluster-id", .controller_id = 1,
		  .collected_at_ms = COLLECTED_AT_MS, .cycle_duration_ms = 420,
		  .brokers = eu_brokers, .broker_count = COUNT(eu_brokers),
		  .topics = eu_topics, .topic_count = COUNT(eu_topics),
		  .acls = eu_acls, .acl_count = COUNT(eu_acls),
		  .quotas = eu_quotas, .quota_count = COUNT(eu_quotas),
		  .groups = eu_groups, .group_count = COUNT(eu_groups) },
		{ .cluster = "prod-us", .kafka_cluster_id = "us-cluster-id", .controller_id = 7,
		  .collected_at_ms = COLLECTED_AT_MS - 30000, .cycle_duration_ms = 90,
		  .section_errors[SNAPSHOT_ACLS] = "no authorizer is configured on the broker",
		  .brokers = us_brokers, .broker_count = COUNT(us_brokers),
		  .topics = us_topics, .topic_count = COUNT(us_topics),
		  .groups = us_groups, .group_count = COUNT(us_groups) },
	};
	struct store *store;
	char *err = NULL;

	if (argc != 2) {
		fprintf(stderr, "usage: fill_catalog CATALOG\n");
		return 2;
	}
	store = store_open(argv[1], &err);
	if (store == NULL) {
		fprintf(stderr, "fill_catalog: %s\n", err);
		return 1;
	}
	for (size_t i = 0; i < COUNT(snapshots); i++) {
		if (snapshot_write(store, &snapshots[i], NULL, &err) < 0) {
			fprintf(stderr, "fill_catalog: %s\n", err);
			return 1;
		}
	}
	if (snapshot_mark_unreachable(store, "staging", "connect to 127.0.0.1:9: Connection refused",
	                              COLLECTED_AT_MS - 600000, &err) < 0) {
		fprintf(stderr, "fill_catalog: %s\n", err);
		return 1;
	}
	store_close(store);
	return 0;
}
