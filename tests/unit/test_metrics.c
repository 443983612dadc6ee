/* The agent's Prometheus text from a hand-built snapshot (families, labels, escaping,
 * values, what is left out when unknown), and its request routing and token check. */
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

#include "agent/http_request.h"
#include "agent/metrics.h"

/* ---------------------------------------------------------------- the snapshot */

static const int32_t replicas_12[] = { 1, 2 }, replicas_21[] = { 2, 1 }, isr_2[] = { 2 };

static const struct snapshot_partition orders_partitions[] = {
	{ .partition = 0, .leader_id = 1, .replicas = replicas_12, .replica_count = 2,
	  .isr = replicas_12, .isr_count = 2, .low_watermark = 5, .high_watermark = 100 },
	/* no leader, one replica out of sync, watermarks unknown */
	{ .partition = 1, .leader_id = -1, .replicas = replicas_21, .replica_count = 2,
	  .isr = isr_2, .isr_count = 1, .low_watermark = -1, .high_watermark = -1 },
	/* led by a replica that is not the preferred one */
	{ .partition = 2, .leader_id = 1, .replicas = replicas_21, .replica_count = 2,
	  .isr = replicas_12, .isr_count = 2, .low_watermark = 0, .high_watermark = 7 },
};

static const struct snapshot_partition audit_partitions[] = {
	{ .partition = 0, .leader_id = 2, .replicas = replicas_21, .replica_count = 2,
	  .isr = replicas_21, .isr_count = 2, .low_watermark = 0, .high_watermark = 3 },
};

/* Not sorted by name: the renderer must not rely on the collector's order. */
static const struct snapshot_topic topics[] = {
	{ .name = "orders", .replication_factor = 2, .partitions = orders_partitions,
	  .partition_count = 3 },
	{ .name = "audit", .replication_factor = 2, .partitions = audit_partitions,
	  .partition_count = 1 },
};

static const struct snapshot_broker brokers[] = {
	{ .node_id = 1, .host = "b1", .port = 9092 },
	{ .node_id = 2, .host = "b2", .port = 9092 },
};

static const struct snapshot_offset weird_offsets[] = {
	{ .topic = "orders", .partition = 2, .committed_offset = 9 },   /* ahead of the log: 0 */
	{ .topic = "orders", .partition = 0, .committed_offset = 40 },  /* lag 60 */
	{ .topic = "audit", .partition = 0, .committed_offset = 1 },    /* lag 2 */
	{ .topic = "orders", .partition = 1, .committed_offset = 10 },  /* log end unknown */
};

static const struct snapshot_offset plain_offsets[] = {
	{ .topic = "gone", .partition = 0, .committed_offset = 7 },     /* topic deleted */
};

static const struct snapshot_member members[2];

static const struct snapshot_group groups[] = {
	{ .name = "we\"ird\\grp\nx", .state = "Stable", .members = members, .member_count = 2,
	  .offsets = weird_offsets, .offset_count = 4 },
	{ .name = "plain", .state = "Empty", .offsets = plain_offsets, .offset_count = 1 },
};

/* Time lags of weird's offsets, in their order; the last is unknown. */
static const int64_t weird_time_lags[] = { 0, 61500, 2000, -1 };

static const struct metrics_group owners[] = {
	{ .service = "svc", .team = "pay\"ments", .status = LAG_STATUS_STALLED,
	  .max_time_lag_ms = 61500, .time_lag_ms = weird_time_lags },
	{ .status = LAG_STATUS_UNKNOWN, .max_time_lag_ms = -1 },   /* not evaluated */
};

static const struct collect_requests requests = {
	.metadata = 1, .list_offsets = 2, .describe_configs = 3, .describe_acls = 4,
	.list_groups = 5, .describe_groups = 6, .list_group_offsets = 7,
};

static const struct snapshot snapshot = {
	.cluster = "prod-eu",
	.controller_id = 1,
	.collected_at_ms = INT64_C(1764000000123),
	.cycle_duration_ms = 2045,
	.section_errors = { [SNAPSHOT_ACLS] = "no authorizer configured" },
	.brokers = brokers, .broker_count = 2,
	.topics = topics, .topic_count = 2,
	.groups = groups, .group_count = 2,
};

static char *
render(const struct metrics_view *view)
{
	size_t length = 0;
	char *text = metrics_render(view, &length);

	assert_non_null(text);
	assert_int_equal(strlen(text), length);
	return text;
}

/* Whether TEXT has LINE as a whole line. */
static int
has_line(const char *text, const char *line)
{
	size_t length = strlen(line);

	for (const char *at = strstr(text, line); at != NULL; at = strstr(at + 1, line))
		if ((at == text || at[-1] == '\n') && at[length] == '\n')
			return 1;
	return 0;
}

static const char *const expected_lines[] = {
	"kafka_brokers 2",
	"kafka_broker_info{id=\"2\",address=\"b2:9092\"} 1",
	"kafka_topic_partitions{topic=\"orders\"} 3",
	"kafka_topic_partitions{topic=\"audit\"} 1",
	"kafka_topic_partition_current_offset{topic=\"orders\",partition=\"0\"} 100",
	"kafka_topic_partition_oldest_offset{topic=\"orders\",partition=\"0\"} 5",
	"kafka_topic_partition_in_sync_replica{topic=\"orders\",partition=\"1\"} 1",
	"kafka_topic_partition_leader{topic=\"audit\",partition=\"0\"} 2",
	"kafka_topic_partition_leader_is_preferred{topic=\"orders\",partition=\"0\"} 1",
	"kafka_topic_partition_leader_is_preferred{topic=\"orders\",partition=\"1\"} 0",
	"kafka_topic_partition_leader_is_preferred{topic=\"orders\",partition=\"2\"} 0",
	"kafka_topic_partition_replicas{topic=\"orders\",partition=\"1\"} 2",
	"kafka_topic_partition_under_replicated_partition{topic=\"orders\",partition=\"1\"} 1",
	"kafka_topic_partition_under_replicated_partition{topic=\"orders\",partition=\"0\"} 0",
	"kafka_consumergroup_current_offset{consumergroup=\"we\\\"ird\\\\grp\\nx\",topic=\"orders\","
	"partition=\"1\",team=\"pay\\\"ments\",service=\"svc\"} 10",
	"kafka_consumergroup_current_offset{consumergroup=\"plain\",topic=\"gone\",partition=\"0\","
	"team=\"\",service=\"\"} 7",
	"kafka_consumergroup_lag{consumergroup=\"we\\\"ird\\\\grp\\nx\",topic=\"orders\","
	"partition=\"0\",team=\"pay\\\"ments\",service=\"svc\"} 60",
	"kafka_consumergroup_lag{consumergroup=\"we\\\"ird\\\\grp\\nx\",topic=\"orders\","
	"partition=\"2\",team=\"pay\\\"ments\",service=\"svc\"} 0",
	"kafka_consumergroup_current_offset_sum{consumergroup=\"we\\\"ird\\\\grp\\nx\",topic=\"orders\","
	"team=\"pay\\\"ments\",service=\"svc\"} 59",
	"kafka_consumergroup_lag_sum{consumergroup=\"we\\\"ird\\\\grp\\nx\",topic=\"orders\","
	"team=\"pay\\\"ments\",service=\"svc\"} 60",
	"kafka_consumergroup_lag_sum{consumergroup=\"we\\\"ird\\\\grp\\nx\",topic=\"audit\","
	"team=\"pay\\\"ments\",service=\"svc\"} 2",
	"kafka_consumergroup_members{consumergroup=\"we\\\"ird\\\\grp\\nx\",team=\"pay\\\"ments\","
	"service=\"svc\"} 2",
	"kafka_consumergroup_members{consumergroup=\"plain\",team=\"\",service=\"\"} 0",
	"kfleet_consumergroup_time_lag_seconds{consumergroup=\"we\\\"ird\\\\grp\\nx\",topic=\"orders\","
	"partition=\"0\",team=\"pay\\\"ments\",service=\"svc\"} 61.500",
	"kfleet_consumergroup_time_lag_seconds{consumergroup=\"we\\\"ird\\\\grp\\nx\",topic=\"orders\","
	"partition=\"2\",team=\"pay\\\"ments\",service=\"svc\"} 0.000",
	"kfleet_consumergroup_time_lag_seconds{consumergroup=\"we\\\"ird\\\\grp\\nx\",topic=\"audit\","
	"partition=\"0\",team=\"pay\\\"ments\",service=\"svc\"} 2.000",
	"kfleet_consumergroup_max_time_lag_seconds{consumergroup=\"we\\\"ird\\\\grp\\nx\","
	"team=\"pay\\\"ments\",service=\"svc\"} 61.500",
	"kfleet_consumergroup_status{consumergroup=\"we\\\"ird\\\\grp\\nx\",team=\"pay\\\"ments\","
	"service=\"svc\",status=\"STALLED\"} 4",
	"kfleet_cluster_up{cluster=\"prod-eu\"} 1",
	"kfleet_catalog_up{cluster=\"prod-eu\"} 1",
	"kfleet_last_collection_timestamp_seconds{cluster=\"prod-eu\"} 1764000000.123",
	"kfleet_collection_duration_seconds{cluster=\"prod-eu\"} 2.045",
	"kfleet_collection_requests{cluster=\"prod-eu\",kind=\"offset_fetch\"} 7",
	"kfleet_collection_requests{cluster=\"prod-eu\",kind=\"metadata\"} 1",
	"kfleet_collection_section_up{cluster=\"prod-eu\",section=\"acls\"} 0",
	"kfleet_collection_section_up{cluster=\"prod-eu\",section=\"groups\"} 1",
};

/* What has no value is left out rather than written as -1. */
static const char *const absent_prefixes[] = {
	"kafka_topic_partition_current_offset{topic=\"orders\",partition=\"1\"}",
	"kafka_topic_partition_oldest_offset{topic=\"orders\",partition=\"1\"}",
	"kafka_topic_partition_leader{topic=\"orders\",partition=\"1\"}",
	"kafka_consumergroup_lag{consumergroup=\"we\\\"ird\\\\grp\\nx\",topic=\"orders\",partition=\"1\"",
	"kafka_consumergroup_lag{consumergroup=\"plain\"",
	"kafka_consumergroup_lag_sum{consumergroup=\"plain\"",
	/* an unknown time lag, and a group the history has not judged */
	"kfleet_consumergroup_time_lag_seconds{consumergroup=\"we\\\"ird\\\\grp\\nx\",topic=\"orders\","
	"partition=\"1\"",
	"kfleet_consumergroup_time_lag_seconds{consumergroup=\"plain\"",
	"kfleet_consumergroup_max_time_lag_seconds{consumergroup=\"plain\"",
	"kfleet_consumergroup_status{consumergroup=\"plain\"",
};

static const struct metrics_view full_view = {
	.cluster = "prod-eu", .cluster_up = true, .catalog_up = true, .snapshot = &snapshot,
	.requests = &requests, .groups = owners,
};

static void
test_values_and_labels(void **state)
{
	char *text = render(&full_view);

	(void)state;
	for (size_t i = 0; i < sizeof expected_lines / sizeof expected_lines[0]; i++)
		if (!has_line(text, expected_lines[i]))
			fail_msg("missing line: %s\n--- text:\n%s", expected_lines[i], text);
	for (size_t i = 0; i < sizeof absent_prefixes / sizeof absent_prefixes[0]; i++)
		if (strstr(text, absent_prefixes[i]) != NULL)
			fail_msg("unexpected sample: %s", absent_prefixes[i]);
	free(text);
}

/* Every family once, HELP then TYPE gauge, its samples right after, in kafka_exporter's
 * names; the consumer-group samples in group, topic, partition order. */
static void
test_families(void **state)
{
	static const char *const families[] = {
		"kafka_brokers", "kafka_broker_info", "kafka_topic_partitions",
		"kafka_topic_partition_current_offset", "kafka_topic_partition_oldest_offset",
		"kafka_topic_partition_in_sync_replica", "kafka_topic_partition_leader",
		"kafka_topic_partition_leader_is_preferred", "kafka_topic_partition_replicas",
		"kafka_topic_partition_under_replicated_partition",
		"kafka_consumergroup_current_offset", "kafka_consumergroup_current_offset_sum",
		"kafka_consumergroup_lag", "kafka_consumergroup_lag_sum", "kafka_consumergroup_members",
		"kfleet_consumergroup_time_lag_seconds", "kfleet_consumergroup_max_time_lag_seconds",
		"kfleet_consumergroup_status", "kfleet_cluster_up", "kfleet_catalog_up",
		"kfleet_last_collection_timestamp_seconds",
		"kfleet_collection_duration_seconds", "kfleet_collection_requests",
		"kfleet_collection_section_up",
	};
	char *text = render(&full_view), *copy = strdup(text), *save = NULL;
	size_t family = 0, helps = 0;
	const char *current = NULL;
	char type[160];
	const char *p0, *p2;

	(void)state;
	for (char *line = strtok_r(copy, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "# HELP ", 7) == 0) {
			assert_true(family < sizeof families / sizeof families[0]);
			current = families[family++];
			assert_int_equal(strncmp(line + 7, current, strlen(current)), 0);
			assert_int_equal(line[7 + strlen(current)], ' ');
			helps++;
			continue;
		}
		assert_non_null(current);
		snprintf(type, sizeof type, "# TYPE %s gauge", current);
		if (strncmp(line, "# TYPE ", 7) == 0) {
			assert_string_equal(line, type);
			continue;
		}
		assert_int_equal(strncmp(line, current, strlen(current)), 0);
		assert_true(line[strlen(current)] == '{' || line[strlen(current)] == ' ');
	}
	assert_int_equal(helps, sizeof families / sizeof families[0]);
	p0 = strstr(text, "kafka_consumergroup_lag{consumergroup=\"we\\\"ird\\\\grp\\nx\",topic=\"orders\",partition=\"0\"");
	p2 = strstr(text, "kafka_consumergroup_lag{consumergroup=\"we\\\"ird\\\\grp\\nx\",topic=\"orders\",partition=\"2\"");
	assert_true(p0 != NULL && p2 != NULL && p0 < p2);
	assert_true(strstr(text, "topic=\"audit\",partition=\"0\",team") <
	            strstr(text, "topic=\"orders\",partition=\"0\",team"));
	free(copy);
	free(text);
}

/* Before any cycle reached the cluster: only kfleet_cluster_up has a sample. */
static void
test_nothing_collected(void **state)
{
	struct metrics_view view = { .cluster = "down" };
	char *text = render(&view), *copy = strdup(text), *save = NULL;
	size_t samples = 0;

	(void)state;
	for (char *line = strtok_r(copy, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save))
		samples += line[0] != '#';
	assert_int_equal(samples, 1);
	assert_true(has_line(text, "kfleet_cluster_up{cluster=\"down\"} 0"));
	free(copy);
	free(text);
}

/* A cycle collected but not written to the catalog is served all the same, and says so. */
static void
test_catalog_not_written(void **state)
{
	struct metrics_view view = full_view;
	char *text;

	(void)state;
	view.catalog_up = false;
	text = render(&view);
	assert_true(has_line(text, "kfleet_catalog_up{cluster=\"prod-eu\"} 0"));
	assert_true(has_line(text, "kfleet_cluster_up{cluster=\"prod-eu\"} 1"));
	assert_non_null(strstr(text, "\nkafka_consumergroup_lag{"));
	free(text);
}

/* Without owners (the catalog's ownership could not be read) the labels are empty. */
static void
test_no_owners(void **state)
{
	struct metrics_view view = full_view;
	char *text;

	(void)state;
	view.groups = NULL;
	view.requests = NULL;
	text = render(&view);
	assert_true(has_line(text, "kafka_consumergroup_members{consumergroup=\"we\\\"ird\\\\grp\\nx\","
	                           "team=\"\",service=\"\"} 2"));
	assert_null(strstr(text, "kfleet_collection_requests{"));
	free(text);
}

/* A fleet of 2,000 topics of 12 partitions and 1,000 groups: the text grows past the
 * first buffer and stays well formed; prints the time it took. */
static void
test_large_fleet(void **state)
{
	enum { TOPICS = 2000, PARTITIONS = 12, GROUPS = 1000, GROUP_TOPICS = 3 };
	struct snapshot_topic *many_topics = calloc(TOPICS, sizeof *many_topics);
	struct snapshot_partition *partitions = calloc(TOPICS * PARTITIONS, sizeof *partitions);
	struct snapshot_group *many_groups = calloc(GROUPS, sizeof *many_groups);
	struct snapshot_offset *offsets = calloc(GROUPS * GROUP_TOPICS * PARTITIONS, sizeof *offsets);
	char (*names)[32] = calloc(TOPICS + GROUPS, sizeof *names);
	struct snapshot large = snapshot;
	struct metrics_view view = { .cluster = "big", .cluster_up = true, .snapshot = &large };
	struct timespec start, end;
	size_t length = 0, lines = 0;
	char *text;

	(void)state;
	assert_true(many_topics && partitions && many_groups && offsets && names);
	for (size_t t = 0; t < TOPICS; t++) {
		snprintf(names[t], sizeof names[t], "topic-%05zu", t);
		for (size_t p = 0; p < PARTITIONS; p++)
			partitions[t * PARTITIONS + p] = (struct snapshot_partition){
				.partition = (int32_t)p, .leader_id = 1, .replicas = replicas_12,
				.replica_count = 2, .isr = replicas_12, .isr_count = 2,
				.low_watermark = 0, .high_watermark = 1000 };
		many_topics[t] = (struct snapshot_topic){ .name = names[t],
			.partitions = &partitions[t * PARTITIONS], .partition_count = PARTITIONS };
	}
	for (size_t g = 0; g < GROUPS; g++) {
		struct snapshot_offset *mine = &offsets[g * GROUP_TOPICS * PARTITIONS];

		snprintf(names[TOPICS + g], sizeof names[0], "group-%05zu", g);
		for (size_t o = 0; o < GROUP_TOPICS * PARTITIONS; o++)
			mine[o] = (struct snapshot_offset){ .topic = names[(g + o / PARTITIONS) % TOPICS],
				.partition = (int32_t)(o % PARTITIONS), .committed_offset = 900 };
		many_groups[g] = (struct snapshot_group){ .name = names[TOPICS + g], .offsets = mine,
			.offset_count = GROUP_TOPICS * PARTITIONS };
	}
	large.topics = many_topics;
	large.topic_count = TOPICS;
	large.groups = many_groups;
	large.group_count = GROUPS;
	clock_gettime(CLOCK_MONOTONIC, &start);
	text = metrics_render(&view, &length);
	clock_gettime(CLOCK_MONOTONIC, &end);
	assert_non_null(text);
	for (const char *c = text; *c != '\0'; c++)
		lines += *c == '\n';
	/* 7 partition families + 2 per offset + 2 per group and topic + 1 per group ... */
	assert_true(lines > (size_t)TOPICS * PARTITIONS * 7 + GROUPS * GROUP_TOPICS * PARTITIONS * 2);
	assert_true(has_line(text, "kafka_consumergroup_lag_sum{consumergroup=\"group-00999\","
	                           "topic=\"topic-01001\",team=\"\",service=\"\"} 1200"));
	print_message("# %d topics, %d partitions, %d groups, %d committed offsets: %zu bytes, "
	              "%zu lines in %.1f ms\n", TOPICS, TOPICS * PARTITIONS, GROUPS,
	              GROUPS * GROUP_TOPICS * PARTITIONS, length, lines,
	              (double)(end.tv_sec - start.tv_sec) * 1e3 +
	              (double)(end.tv_nsec - start.tv_nsec) / 1e6);
	free(text);
	free(names);
	free(offsets);
	free(many_groups);
	free(partitions);
	free(many_topics);
}

/* ---------------------------------------------------------------- routing */

static const struct {
	const char *method, *path;
	int status;
	enum http_endpoint endpoint;
	const char *argument;
	bool needs_token;
} routes[] = {
	{ .method = "GET", .path = "/healthz", .endpoint = HTTP_HEALTHZ },
	{ .method = "HEAD", .path = "/readyz", .endpoint = HTTP_READYZ, .needs_token = true },
	{ .method = "GET", .path = "/metrics", .endpoint = HTTP_METRICS, .needs_token = true },
	{ .method = "GET", .path = "/api/v1/cluster", .endpoint = HTTP_API_CLUSTER,
	  .needs_token = true },
	{ .method = "GET", .path = "/api/v1/topics", .endpoint = HTTP_API_TOPICS, .needs_token = true },
	{ .method = "GET", .path = "/api/v1/groups", .endpoint = HTTP_API_GROUPS, .needs_token = true },
	{ .method = "GET", .path = "/api/v1/groups/orders", .endpoint = HTTP_API_GROUP,
	  .argument = "orders", .needs_token = true },
	{ .method = "GET", .path = "/api/v1/groups/a/b c", .endpoint = HTTP_API_GROUP,
	  .argument = "a/b c", .needs_token = true },
	{ .method = "GET", .path = "/api/v1/groups/", .status = 404 },
	{ .method = "GET", .path = "/metrics/", .status = 404 },
	{ .method = "GET", .path = "/METRICS", .status = 404 },
	{ .method = "GET", .path = "", .status = 404 },
	{ .method = "GET", .path = "/", .status = 404 },
	{ .method = "POST", .path = "/metrics", .status = 405, .endpoint = HTTP_METRICS,
	  .needs_token = true },
	{ .method = "get", .path = "/healthz", .status = 405 },
	{ .method = "DELETE", .path = "/api/v1/groups/x", .status = 405, .endpoint = HTTP_API_GROUP,
	  .argument = "x", .needs_token = true },
	{ .method = "POST", .path = "/nope", .status = 404 },
};

static void
test_routes(void **state)
{
	char long_path[HTTP_REQUEST_MAX_PATH + 2];
	struct http_route route;

	(void)state;
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		http_request_route(routes[i].method, routes[i].path, &route);
		if (route.status != routes[i].status)
			fail_msg("%s %s: status %d, expected %d", routes[i].method, routes[i].path,
			         route.status, routes[i].status);
		if (routes[i].status == 404)
			continue;
		assert_int_equal(route.endpoint, routes[i].endpoint);
		assert_int_equal(route.needs_token, routes[i].needs_token);
		if (routes[i].argument != NULL)
			assert_string_equal(route.argument, routes[i].argument);
		else
			assert_null(route.argument);
	}
	memset(long_path, 'a', sizeof long_path - 1);
	long_path[0] = '/';
	long_path[sizeof long_path - 1] = '\0';
	http_request_route("GET", long_path, &route);
	assert_int_equal(route.status, 414);
	long_path[HTTP_REQUEST_MAX_PATH] = '\0';
	http_request_route("GET", long_path, &route);
	assert_int_equal(route.status, 404);
}

static const struct {
	const char *header;
	bool authorized;
} tokens[] = {
	{ .header = "Bearer s3cret", .authorized = true },
	{ .header = "bearer s3cret", .authorized = true },
	{ .header = "BEARER   s3cret", .authorized = true },
	{ .header = "Bearer s3cre", .authorized = false },
	{ .header = "Bearer s3cret!", .authorized = false },
	{ .header = "Bearer S3cret", .authorized = false },
	{ .header = "Bearer s3cret s3cret", .authorized = false },
	{ .header = "Bearer ", .authorized = false },
	{ .header = "Bearer", .authorized = false },
	{ .header = "Basic czNjcmV0", .authorized = false },
	{ .header = "s3cret", .authorized = false },
	{ .header = "", .authorized = false },
	{ .header = NULL, .authorized = false },
};

static void
test_tokens(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof tokens / sizeof tokens[0]; i++)
		if (http_request_authorized(tokens[i].header, "s3cret") != tokens[i].authorized)
			fail_msg("'%s': expected %s", tokens[i].header != NULL ? tokens[i].header : "(none)",
			         tokens[i].authorized ? "authorized" : "refused");
}

/* Paths as libmicrohttpd hands them to routing once the agent's callback decoded them. */
static const struct {
	const char *escaped;
	const char *decoded;
} escapes[] = {
	{ .escaped = "/api/v1/groups/orders", .decoded = "/api/v1/groups/orders" },
	{ .escaped = "/api/v1/groups/a%2Fb%3fc", .decoded = "/api/v1/groups/a/b?c" },
	{ .escaped = "%41%7e%C3%A9", .decoded = "A~\xc3\xa9" },
	/* Not escapes: left as written. */
	{ .escaped = "%zz%4%", .decoded = "%zz%4%" },
	{ .escaped = "a+b", .decoded = "a+b" },
	/* A NUL would cut the group short and answer for group "a": kept as written (found
	 * with tests/fuzz/fuzz_http_query). */
	{ .escaped = "/api/v1/groups/a%00b", .decoded = "/api/v1/groups/a%00b" },
	{ .escaped = "%2500", .decoded = "%00" },
	{ .escaped = "", .decoded = "" },
};

static void
test_unescape(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof escapes / sizeof escapes[0]; i++) {
		char text[64];
		size_t length;

		snprintf(text, sizeof text, "%s", escapes[i].escaped);
		length = http_request_unescape(text);
		if (strcmp(text, escapes[i].decoded) != 0 || length != strlen(escapes[i].decoded))
			fail_msg("'%s': '%s' (%zu bytes), expected '%s'", escapes[i].escaped, text,
			         length, escapes[i].decoded);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values_and_labels),
		cmocka_unit_test(test_families),
		cmocka_unit_test(test_nothing_collected),
		cmocka_unit_test(test_catalog_not_written),
		cmocka_unit_test(test_no_owners),
		cmocka_unit_test(test_large_fleet),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_tokens),
		cmocka_unit_test(test_unescape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
