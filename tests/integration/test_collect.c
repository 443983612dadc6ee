/* One collection cycle against the real broker: a fleet made here with known contents
 * (topics with messages per partition and a topic config, an ACL created through the
 * SASL listener, a group with committed offsets and no members, a group with a live
 * member) is collected, checked value by value in the snapshot (brokers' racks too),
 * written into a catalog, and read back through the lag listing.
 * Also: an unreachable cluster fails the cycle with the reason, in bounded time. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "agent/collect.h"
#include "kfleet/listing.h"
#include "kfleet/store.h"

#define TIMEOUT_MS 10000

/* Messages produced to each partition of topic A; and what group EMPTY committed there. */
static const int64_t a_messages[] = { 10, 20, 30 };
static const int64_t a_committed[] = { 4, 20, 0 };
#define A_PARTITIONS 3
#define B_MESSAGES 5

struct fleet {
	const char *bootstrap;
	int brokers;
	char topic_a[96], topic_b[96], empty_group[96], live_group[96], principal[96];
	rd_kafka_t *admin;
	rd_kafka_queue_t *queue;
	rd_kafka_t *member;          /* the live group's consumer */
	char dir[64];
};

static rd_kafka_t *
fleet_client(const struct fleet *f, rd_kafka_type_t type, const struct kclient_setting *extra,
             size_t extra_count)
{
	struct kclient_setting settings[8] = { { "bootstrap.servers", f->bootstrap } };
	char *err = NULL;
	rd_kafka_conf_t *conf;
	rd_kafka_t *rk;

	for (size_t i = 0; i < extra_count; i++)
		settings[1 + i] = extra[i];
	conf = kclient_conf_new(settings, 1 + extra_count, &err);
	if (conf == NULL)
		fail_msg("%s", err);
	rk = kclient_new(type, conf, &err);
	if (rk == NULL)
		fail_msg("%s", err);
	return rk;
}

static rd_kafka_event_t *
admin_wait(struct fleet *f, rd_kafka_event_type_t type)
{
	rd_kafka_event_t *ev = kclient_wait_event(f->queue, type, TIMEOUT_MS + 5000);

	if (ev == NULL)
		fail_msg("no admin result of type %d", type);
	if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR)
		fail_msg("admin request failed: %s", rd_kafka_event_error_string(ev));
	return ev;
}

static void
create_topics(struct fleet *f)
{
	char errstr[256];
	rd_kafka_NewTopic_t *topics[2] = {
		rd_kafka_NewTopic_new(f->topic_a, A_PARTITIONS, -1, errstr, sizeof errstr),
		rd_kafka_NewTopic_new(f->topic_b, 1, -1, errstr, sizeof errstr),
	};
	const rd_kafka_topic_result_t **results;
	rd_kafka_event_t *ev;
	size_t count;

	assert_int_equal(rd_kafka_NewTopic_set_config(topics[1], "retention.ms", "3600000"),
	                 RD_KAFKA_RESP_ERR_NO_ERROR);
	rd_kafka_CreateTopics(f->admin, topics, 2, NULL, f->queue);
	ev = admin_wait(f, RD_KAFKA_EVENT_CREATETOPICS_RESULT);
	results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &count);
	for (size_t i = 0; i < count; i++)
		if (rd_kafka_topic_result_error(results[i]) != RD_KAFKA_RESP_ERR_NO_ERROR)
			fail_msg("CreateTopics: %s", rd_kafka_topic_result_error_string(results[i]));
	rd_kafka_event_destroy(ev);
	rd_kafka_NewTopic_destroy_array(topics, 2);
}

static void
produce(struct fleet *f)
{
	rd_kafka_t *producer = fleet_client(f, RD_KAFKA_PRODUCER,
	                                    &(struct kclient_setting){ "linger.ms", "5" }, 1);

	for (int p = 0; p < A_PARTITIONS; p++)
		for (int64_t i = 0; i < a_messages[p]; i++)
			assert_int_equal(rd_kafka_producev(producer, RD_KAFKA_V_TOPIC(f->topic_a),
			                                   RD_KAFKA_V_PARTITION(p),
			                                   RD_KAFKA_V_VALUE("m", 1), RD_KAFKA_V_END),
			                 RD_KAFKA_RESP_ERR_NO_ERROR);
	for (int i = 0; i < B_MESSAGES; i++)
		assert_int_equal(rd_kafka_producev(producer, RD_KAFKA_V_TOPIC(f->topic_b),
		                                   RD_KAFKA_V_PARTITION(0), RD_KAFKA_V_VALUE("m", 1),
		                                   RD_KAFKA_V_END),
		                 RD_KAFKA_RESP_ERR_NO_ERROR);
	assert_int_equal(rd_kafka_flush(producer, TIMEOUT_MS), RD_KAFKA_RESP_ERR_NO_ERROR);
	rd_kafka_destroy(producer);
}

/* F's admin client and queue made again: destroying the old client ends a coordinator
 * request it still holds (see kclient_admin_options). */
static void
renew_admin(struct fleet *f)
{
	rd_kafka_queue_destroy(f->queue);
	kclient_destroy(f->admin);
	f->admin = fleet_client(f, RD_KAFKA_PRODUCER, NULL, 0);
	f->queue = rd_kafka_queue_new(f->admin);
}

/* Commit the empty group's offsets through the admin API, as try ATTEMPT; the error of
 * the first partition that failed, or NO_ERROR. */
static rd_kafka_resp_err_t
try_commit_empty_group(struct fleet *f, int attempt)
{
	rd_kafka_topic_partition_list_t *offsets = rd_kafka_topic_partition_list_new(A_PARTITIONS);
	rd_kafka_AlterConsumerGroupOffsets_t *request;
	rd_kafka_AdminOptions_t *options;
	const rd_kafka_group_result_t **groups;
	const rd_kafka_topic_partition_list_t *result;
	rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
	rd_kafka_event_t *ev;
	size_t count;

	for (int p = 0; p < A_PARTITIONS; p++)
		rd_kafka_topic_partition_list_add(offsets, f->topic_a, p)->offset = a_committed[p];
	request = rd_kafka_AlterConsumerGroupOffsets_new(f->empty_group, offsets);
	options = kclient_admin_options(f->admin, RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS,
	                                TIMEOUT_MS);
	rd_kafka_AdminOptions_set_opaque(options, (void *)(intptr_t)attempt);
	rd_kafka_AlterConsumerGroupOffsets(f->admin, &request, 1, options, f->queue);
	rd_kafka_AdminOptions_destroy(options);
	/* No answer at all happens too (librdkafka 2.0.2, a coordinator still loading on a
	 * busy 3-broker cluster): waited for by our own clock, as librdkafka's timeout would
	 * abort the process when the coordinator answers late; the caller asks again, on a
	 * new client. */
	for (;;) {
		ev = kclient_wait_event(f->queue, RD_KAFKA_EVENT_ALTERCONSUMERGROUPOFFSETS_RESULT,
		                        TIMEOUT_MS);
		if (ev == NULL || rd_kafka_event_opaque(ev) == (void *)(intptr_t)attempt)
			break;
		rd_kafka_event_destroy(ev);     /* an earlier try's answer */
	}
	if (ev == NULL) {
		renew_admin(f);
		rd_kafka_AlterConsumerGroupOffsets_destroy(request);
		rd_kafka_topic_partition_list_destroy(offsets);
		return RD_KAFKA_RESP_ERR__TIMED_OUT;
	}
	if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR)
		err = rd_kafka_event_error(ev);
	groups = rd_kafka_AlterConsumerGroupOffsets_result_groups(
		rd_kafka_event_AlterConsumerGroupOffsets_result(ev), &count);
	if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
		assert_int_equal(count, 1);
		if (rd_kafka_group_result_error(groups[0]) != NULL)
			err = rd_kafka_error_code(rd_kafka_group_result_error(groups[0]));
	}
	result = err == RD_KAFKA_RESP_ERR_NO_ERROR ? rd_kafka_group_result_partitions(groups[0])
	                                           : NULL;
	for (int i = 0; result != NULL && i < result->cnt && !err; i++)
		err = result->elems[i].err;
	rd_kafka_event_destroy(ev);
	rd_kafka_AlterConsumerGroupOffsets_destroy(request);
	rd_kafka_topic_partition_list_destroy(offsets);
	return err;
}

/* The empty group: offsets committed, no member ever. A coordinator that has not yet
 * learnt of the new topic refuses the commit (UNKNOWN_TOPIC_OR_PART) for a moment; asked
 * again for up to a minute. */
static void
commit_empty_group(struct fleet *f)
{
	rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
	time_t deadline = time(NULL) + 60;

	for (int attempt = 0; attempt < 50 && time(NULL) < deadline; attempt++) {
		err = try_commit_empty_group(f, attempt + 1);
		if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
			return;
		usleep(200 * 1000);
	}
	fail_msg("AlterConsumerGroupOffsets %s: %s", f->empty_group, rd_kafka_err2str(err));
}

/* The live group: a consumer subscribed to topic B, polled until it has its assignment. */
static void
join_live_group(struct fleet *f)
{
	const struct kclient_setting settings[] = {
		{ "group.id", f->live_group },
		{ "client.id", "collect-test-member" },
		{ "auto.offset.reset", "earliest" },
	};
	rd_kafka_topic_partition_list_t *subscription = rd_kafka_topic_partition_list_new(1);
	rd_kafka_topic_partition_list_t *assignment = NULL;

	f->member = fleet_client(f, RD_KAFKA_CONSUMER, settings, 3);
	rd_kafka_topic_partition_list_add(subscription, f->topic_b, RD_KAFKA_PARTITION_UA);
	assert_int_equal(rd_kafka_subscribe(f->member, subscription), RD_KAFKA_RESP_ERR_NO_ERROR);
	rd_kafka_topic_partition_list_destroy(subscription);
	for (int i = 0; i < 150; i++) {
		rd_kafka_message_t *msg = rd_kafka_consumer_poll(f->member, 100);

		if (msg != NULL)
			rd_kafka_message_destroy(msg);
		if (rd_kafka_assignment(f->member, &assignment) == RD_KAFKA_RESP_ERR_NO_ERROR &&
		    assignment->cnt > 0)
			break;
		if (assignment != NULL)
			rd_kafka_topic_partition_list_destroy(assignment);
		assignment = NULL;
	}
	assert_non_null(assignment);
	rd_kafka_topic_partition_list_destroy(assignment);
}

/* The ACL is created through the SASL_PLAINTEXT listener, as the super user. */
static void
create_acl(struct fleet *f)
{
	const struct kclient_setting sasl[] = {
		{ "bootstrap.servers", getenv("KAFKA_SASL_BOOTSTRAP") },
		{ "security.protocol", "SASL_PLAINTEXT" },
		{ "sasl.mechanism", "PLAIN" },
		{ "sasl.username", getenv("KAFKA_SASL_USER") },
		{ "sasl.password", getenv("KAFKA_SASL_PASSWORD") },
	};
	char *error = NULL;
	rd_kafka_conf_t *conf;
	rd_kafka_t *admin;
	rd_kafka_queue_t *queue;
	const rd_kafka_acl_result_t **results;
	size_t count;
	char errstr[256];
	rd_kafka_AclBinding_t *acl = rd_kafka_AclBinding_new(
		RD_KAFKA_RESOURCE_TOPIC, f->topic_a, RD_KAFKA_RESOURCE_PATTERN_LITERAL, f->principal,
		"*", RD_KAFKA_ACL_OPERATION_READ, RD_KAFKA_ACL_PERMISSION_TYPE_ALLOW, errstr,
		sizeof errstr);
	rd_kafka_event_t *ev;

	assert_non_null(acl);
	for (size_t i = 0; i < sizeof sasl / sizeof sasl[0]; i++)
		if (sasl[i].value == NULL)
			fail_msg("%s: the harness's SASL settings are not in the environment", sasl[i].key);
	conf = kclient_conf_new(sasl, sizeof sasl / sizeof sasl[0], &error);
	if (conf == NULL || (admin = kclient_new(RD_KAFKA_PRODUCER, conf, &error)) == NULL)
		fail_msg("SASL admin client: %s", error);
	queue = rd_kafka_queue_new(admin);
	rd_kafka_CreateAcls(admin, &acl, 1, NULL, queue);
	ev = kclient_wait_event(queue, RD_KAFKA_EVENT_CREATEACLS_RESULT, TIMEOUT_MS + 5000);
	if (ev == NULL || rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR)
		fail_msg("CreateAcls over SASL: %s", ev ? rd_kafka_event_error_string(ev) : "no answer");
	results = rd_kafka_CreateAcls_result_acls(rd_kafka_event_CreateAcls_result(ev), &count);
	if (count != 1 || rd_kafka_acl_result_error(results[0]) != NULL)
		fail_msg("CreateAcls over SASL: %s", count != 1 ? "no result"
		         : rd_kafka_error_string(rd_kafka_acl_result_error(results[0])));
	rd_kafka_event_destroy(ev);
	rd_kafka_AclBinding_destroy(acl);
	rd_kafka_queue_destroy(queue);
	rd_kafka_destroy(admin);
}

static int
fleet_setup(void **state)
{
	static struct fleet f;
	const char *brokers = getenv("KAFKA_BROKERS");
	unsigned long long unique = (unsigned long long)time(NULL) * 100000 + (unsigned)getpid();

	f.bootstrap = getenv("KAFKA_BOOTSTRAP");
	if (f.bootstrap == NULL || brokers == NULL) {
		fprintf(stderr, "test_collect: KAFKA_BOOTSTRAP is not set: run through tests/run-test\n");
		return -1;
	}
	f.brokers = atoi(brokers);
	snprintf(f.topic_a, sizeof f.topic_a, "collect-a-%llu", unique);
	snprintf(f.topic_b, sizeof f.topic_b, "collect-b-%llu", unique);
	snprintf(f.empty_group, sizeof f.empty_group, "collect-empty-%llu", unique);
	snprintf(f.live_group, sizeof f.live_group, "collect-live-%llu", unique);
	snprintf(f.principal, sizeof f.principal, "User:collect-%llu", unique);
	snprintf(f.dir, sizeof f.dir, "%s/kfleet-collect-XXXXXX",
	         getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(f.dir) == NULL)
		return -1;
	f.admin = fleet_client(&f, RD_KAFKA_PRODUCER, NULL, 0);
	f.queue = rd_kafka_queue_new(f.admin);
	create_topics(&f);
	produce(&f);
	commit_empty_group(&f);
	join_live_group(&f);
	create_acl(&f);
	*state = &f;
	return 0;
}

static int
fleet_teardown(void **state)
{
	struct fleet *f = *state;
	char command[160];

	if (f == NULL)                      /* the setup failed before it had a fleet */
		return 0;
	if (f->member != NULL) {
		rd_kafka_consumer_close(f->member);
		rd_kafka_destroy(f->member);
	}
	rd_kafka_queue_destroy(f->queue);
	kclient_destroy(f->admin);
	snprintf(command, sizeof command, "rm -rf '%s'", f->dir);
	return system(command) == 0 ? 0 : -1;
}

static const struct snapshot_topic *
find_topic(const struct snapshot *s, const char *name)
{
	for (size_t i = 0; i < s->topic_count; i++)
		if (strcmp(s->topics[i].name, name) == 0)
			return &s->topics[i];
	fail_msg("topic %s not collected", name);
	return NULL;
}

static const struct snapshot_group *
find_group(const struct snapshot *s, const char *name)
{
	for (size_t i = 0; i < s->group_count; i++)
		if (strcmp(s->groups[i].name, name) == 0)
			return &s->groups[i];
	for (size_t i = 0; i < s->group_count; i++)
		print_message("collected group %s (%s)\n", s->groups[i].name,
		              s->groups[i].state ? s->groups[i].state : "not described");
	fail_msg("group %s not collected", name);
	return NULL;
}

static const char *
config_of(const struct snapshot_topic *t, const char *name, const struct snapshot_config **out)
{
	for (size_t i = 0; i < t->config_count; i++) {
		if (strcmp(t->configs[i].name, name) == 0) {
			*out = &t->configs[i];
			return t->configs[i].value;
		}
	}
	fail_msg("topic %s: no config %s", t->name, name);
	return NULL;
}

/* ACLs become visible a moment after CreateAcls, a group once its coordinator has it:
 * collect until the new ACL and both groups are there. */
static struct collect_result *
collect_with_acl(struct collector *collector, const struct fleet *f)
{
	for (int attempt = 0; attempt < 25; attempt++) {
		struct collect_result *r = NULL;
		char *err = NULL;

		if (collector_run(collector, TIMEOUT_MS, &r, &err) < 0)
			fail_msg("collector_run: %s", err);
		int groups = 0;

		for (size_t i = 0; i < r->snapshot.group_count; i++)
			groups += strcmp(r->snapshot.groups[i].name, f->empty_group) == 0 ||
			          strcmp(r->snapshot.groups[i].name, f->live_group) == 0;
		for (size_t i = 0; i < r->snapshot.acl_count; i++)
			if (strcmp(r->snapshot.acls[i].principal, f->principal) == 0 && groups == 2)
				return r;
		collect_result_free(r);
		usleep(200 * 1000);
	}
	fail_msg("the ACL of %s or a group never collected", f->principal);
	return NULL;
}

static void
test_cycle(void **state)
{
	struct fleet *f = *state;
	const struct kclient_setting settings[] = { { "bootstrap.servers", f->bootstrap } };
	char *err = NULL;
	struct collector *collector = collector_new("test", settings, 1, &err);
	struct collect_result *r;
	const struct snapshot *s;
	const struct snapshot_topic *a, *b;
	const struct snapshot_group *empty, *live;
	const struct snapshot_config *retention;
	const struct snapshot_acl *acl = NULL;

	assert_non_null(collector);
	r = collect_with_acl(collector, f);
	s = &r->snapshot;

	assert_string_equal(s->cluster, "test");
	assert_non_null(s->kafka_cluster_id);
	assert_true(s->controller_id >= 1);
	assert_int_equal(s->broker_count, f->brokers);
	/* The harness puts node N in rack-N: 2.0.2's metadata has no rack, its configs do. */
	for (size_t i = 0; i < s->broker_count; i++) {
		char rack[32];

		snprintf(rack, sizeof rack, "rack-%d", (int)s->brokers[i].node_id);
		assert_non_null(s->brokers[i].rack);
		assert_string_equal(s->brokers[i].rack, rack);
	}
	for (int i = 0; i < SNAPSHOT_SECTION_COUNT; i++)
		if (s->section_errors[i] != NULL)
			fail_msg("section %s failed: %s", snapshot_section_name(i), s->section_errors[i]);

	/* Partitions with leaders, replicas and the true watermarks. */
	a = find_topic(s, f->topic_a);
	assert_int_equal(a->partition_count, A_PARTITIONS);
	assert_int_equal(a->replication_factor, f->brokers);
	assert_false(a->internal);
	for (size_t p = 0; p < a->partition_count; p++) {
		const struct snapshot_partition *part = &a->partitions[p];

		assert_true(part->leader_id >= 1);
		assert_int_equal(part->replica_count, f->brokers);
		assert_int_equal(part->isr_count, f->brokers);
		assert_int_equal(part->low_watermark, 0);
		assert_int_equal(part->high_watermark, a_messages[part->partition]);
	}
	assert_true(find_topic(s, "__consumer_offsets")->internal);

	/* Configs: the override and its source, a default marked as one. */
	b = find_topic(s, f->topic_b);
	assert_int_equal(b->partitions[0].high_watermark, B_MESSAGES);
	assert_string_equal(config_of(b, "retention.ms", &retention), "3600000");
	assert_string_equal(retention->source, "DYNAMIC_TOPIC_CONFIG");
	assert_false(retention->is_default);
	assert_string_equal(config_of(a, "retention.ms", &retention), "604800000");
	assert_true(retention->is_default);

	/* The ACL, as the authorizer stores it. */
	for (size_t i = 0; i < s->acl_count; i++)
		if (strcmp(s->acls[i].principal, f->principal) == 0)
			acl = &s->acls[i];
	assert_non_null(acl);
	assert_string_equal(acl->operation, "READ");
	assert_string_equal(acl->permission, "ALLOW");
	assert_string_equal(acl->resource_type, "TOPIC");
	assert_string_equal(acl->resource_name, f->topic_a);
	assert_string_equal(acl->pattern_type, "LITERAL");
	assert_string_equal(acl->host, "*");

	/* The empty group: its committed offsets, no member. */
	empty = find_group(s, f->empty_group);
	assert_string_equal(empty->state, "Empty");
	assert_int_equal(empty->member_count, 0);
	assert_int_equal(empty->offset_count, A_PARTITIONS);
	for (size_t i = 0; i < empty->offset_count; i++) {
		assert_string_equal(empty->offsets[i].topic, f->topic_a);
		assert_int_equal(empty->offsets[i].committed_offset,
		                 a_committed[empty->offsets[i].partition]);
	}

	/* The live group: one member with its client id and assignment. */
	live = find_group(s, f->live_group);
	assert_string_equal(live->state, "Stable");
	assert_string_equal(live->protocol_type, "consumer");
	assert_non_null(live->protocol);
	assert_true(live->coordinator_id >= 1);
	assert_int_equal(live->member_count, 1);
	assert_string_equal(live->members[0].client_id, "collect-test-member");
	assert_non_null(live->members[0].host);
	assert_int_equal(live->members[0].assignment_count, 1);
	assert_string_equal(live->members[0].assignments[0].topic, f->topic_b);
	assert_int_equal(live->members[0].assignments[0].partition, 0);

	/* Requests: one ListConsumerGroupOffsets per group, a handful of the others. */
	assert_int_equal(r->requests.metadata, 1);
	assert_int_equal(r->requests.list_groups, 1);
	assert_int_equal(r->requests.list_group_offsets, (int)s->group_count);
	assert_true(r->requests.describe_quotas >= 2); /* ApiVersions + DescribeClientQuotas */
	assert_true(r->requests.list_offsets >= 2 && r->requests.list_offsets <= 2 * f->brokers + 8);
	assert_true(s->cycle_duration_ms >= 0 && s->cycle_duration_ms < 3 * TIMEOUT_MS);

	/* Into a catalog, and back out through the lag listing. */
	{
		char path[128];
		struct store *store;
		json_t *rows;

		snprintf(path, sizeof path, "%s/catalog.db", f->dir);
		store = store_open(path, &err);
		assert_non_null(store);
		if (snapshot_write(store, s, NULL, &err) < 0)
			fail_msg("snapshot_write: %s", err);
		rows = listing_query(store, LISTING_LAG,
		                     &(struct listing_filter){ .group = f->empty_group }, &err);
		assert_non_null(rows);
		assert_int_equal(json_array_size(rows), 1);
		assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "lag")),
		                 (10 - 4) + (20 - 20) + (30 - 0));
		json_decref(rows);
		store_close(store);
	}
	collect_result_free(r);
	collector_free(collector);
}

/* Nothing listens on the discard port: the cycle fails with the reason, in bounded time. */
static void
test_unreachable(void **state)
{
	const struct kclient_setting settings[] = {
		{ "bootstrap.servers", "127.0.0.1:9" },
		{ "log_level", "0" },
	};
	char *err = NULL;
	struct collector *collector = collector_new("nowhere", settings, 2, &err);
	struct collect_result *r = NULL;
	time_t started = time(NULL);

	(void)state;
	assert_non_null(collector);
	assert_int_equal(collector_run(collector, 2000, &r, &err), -1);
	assert_null(r);
	assert_non_null(err);
	assert_true(strncmp(err, "metadata: ", 10) == 0);
	assert_true(time(NULL) - started < 10);
	free(err);
	collector_free(collector);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cycle),
		cmocka_unit_test(test_unreachable),
	};

	return cmocka_run_group_tests_name("collect", tests, fleet_setup, fleet_teardown);
}
