/* Smoke test: Debian's librdkafka against the real broker started by tests/kafka/harness.
 * Proves every Kafka call kfleet is built on works with this broker version: metadata,
 * produce, a consumer group with commits, DescribeConfigs, CreateAcls/DescribeAcls,
 * ListConsumerGroups, DescribeConsumerGroups, ListConsumerGroupOffsets,
 * AlterConsumerGroupOffsets, high watermarks in one ListOffsets request per leader,
 * and SASL/PLAIN on the SASL_PLAINTEXT listener.
 *
 * The tests run in order and share one fixture: later ones use the topic and group
 * the earlier ones made. Needs KAFKA_BOOTSTRAP etc. (tests/run-test provides them). */
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
#include <jansson.h>

#include "kfleet/kclient.h"

#define SMOKE_PARTITIONS 12      /* the data topic */
#define SMOKE_WIDE_PARTITIONS 48 /* a second topic, so watermarks span 60 partitions */
#define SMOKE_PER_PARTITION 50
#define SMOKE_MESSAGES (SMOKE_PARTITIONS * SMOKE_PER_PARTITION)
#define SMOKE_ALTERED_OFFSET 10
#define ADMIN_TIMEOUT_MS 15000
/* Waits for the cluster to settle poll every 200 ms for up to 60 s: in CI this test's
 * three brokers share two cores with the suite's own broker and other tests, and a
 * 10 s budget was once too short there. */
#define WAIT_ATTEMPTS 300

struct smoke {
	const char *bootstrap;
	int brokers;       /* KAFKA_BROKERS: how many the harness started */
	char topic[96];    /* 12 partitions, SMOKE_PER_PARTITION messages each */
	char wide[96];     /* 48 partitions, empty */
	char group[96];
	rd_kafka_t *admin; /* producer handle used for admin requests */
	rd_kafka_queue_t *queue;
	rd_kafka_t *consumer; /* group member, alive from consume until describe */
};

static const char *
env_required(const char *name)
{
	const char *value = getenv(name);

	if (value == NULL || *value == '\0') {
		fprintf(stderr, "smoke_kafka: %s is not set: run through tests/run-test or "
		                "tests/kafka/harness run\n", name);
		exit(1);
	}
	return value;
}

/* A configuration for the PLAINTEXT listener with EXTRA settings added. */
static rd_kafka_conf_t *
smoke_conf(const struct smoke *s, const struct kclient_setting *extra, size_t extra_count)
{
	struct kclient_setting settings[16] = {
		{ "bootstrap.servers", s->bootstrap },
		{ "client.id", "kfleet-smoke" },
	};
	size_t count = 2;
	rd_kafka_conf_t *conf;
	char *err = NULL;

	assert_true(extra_count <= 14);
	for (size_t i = 0; i < extra_count; i++)
		settings[count++] = extra[i];
	conf = kclient_conf_new(settings, count, &err);
	if (conf == NULL)
		fail_msg("kclient_conf_new: %s", err);
	return conf;
}

/* A client of TYPE from CONF (taken). */
static rd_kafka_t *
smoke_new(rd_kafka_type_t type, rd_kafka_conf_t *conf)
{
	char *err = NULL;
	rd_kafka_t *rk = kclient_new(type, conf, &err);

	if (rk == NULL)
		fail_msg("kclient_new: %s", err);
	return rk;
}

static rd_kafka_AdminOptions_t *
admin_options(const struct smoke *s, rd_kafka_admin_op_t op)
{
	rd_kafka_AdminOptions_t *options = kclient_admin_options(s->admin, op, ADMIN_TIMEOUT_MS);

	assert_non_null(options);
	return options;
}

/* Wait for the admin result of TYPE and fail the test on a request-level error. */
static rd_kafka_event_t *
admin_result(const struct smoke *s, rd_kafka_event_type_t type)
{
	rd_kafka_event_t *ev = kclient_wait_event(s->queue, type, ADMIN_TIMEOUT_MS + 5000);

	if (ev == NULL)
		fail_msg("no admin result of type %d within %d ms", type, ADMIN_TIMEOUT_MS + 5000);
	if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR)
		fail_msg("admin request failed: %s", rd_kafka_event_error_string(ev));
	return ev;
}

static void
create_topic(struct smoke *s, const char *name, int partitions)
{
	char errstr[256];
	rd_kafka_NewTopic_t *topic = rd_kafka_NewTopic_new(name, partitions, -1, errstr,
	                                                   sizeof errstr);
	rd_kafka_AdminOptions_t *options = admin_options(s, RD_KAFKA_ADMIN_OP_CREATETOPICS);
	const rd_kafka_topic_result_t **results;
	rd_kafka_event_t *ev;
	size_t count;

	assert_non_null(topic);
	rd_kafka_CreateTopics(s->admin, &topic, 1, options, s->queue);
	ev = admin_result(s, RD_KAFKA_EVENT_CREATETOPICS_RESULT);
	results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &count);
	assert_int_equal(count, 1);
	if (rd_kafka_topic_result_error(results[0]) != RD_KAFKA_RESP_ERR_NO_ERROR)
		fail_msg("CreateTopics %s: %s", name, rd_kafka_topic_result_error_string(results[0]));
	rd_kafka_event_destroy(ev);
	rd_kafka_AdminOptions_destroy(options);
	rd_kafka_NewTopic_destroy(topic);
}

/* Metadata for TOPIC once every partition has a leader; caller destroys. */
static const struct rd_kafka_metadata *
metadata_with_leaders(rd_kafka_t *rk, const char *topic, int partitions)
{
	for (int attempt = 0; attempt < WAIT_ATTEMPTS; attempt++) {
		const struct rd_kafka_metadata *md = NULL;
		rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
		rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 0, rkt, &md, 5000);
		int ready;

		rd_kafka_topic_destroy(rkt);
		ready = err == RD_KAFKA_RESP_ERR_NO_ERROR && md->topic_cnt == 1 &&
		        md->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR &&
		        md->topics[0].partition_cnt == partitions;
		for (int p = 0; ready && p < partitions; p++)
			ready = md->topics[0].partitions[p].leader >= 0;
		if (ready)
			return md;
		if (md != NULL)
			rd_kafka_metadata_destroy(md);
		usleep(200 * 1000);
	}
	fail_msg("topic %s: no leader for every partition after %d s", topic, WAIT_ATTEMPTS / 5);
	return NULL;
}

static int
smoke_setup(void **state)
{
	static struct smoke s;
	unsigned long long unique = (unsigned long long)time(NULL) * 100000 + (unsigned)getpid();

	s.bootstrap = env_required("KAFKA_BOOTSTRAP");
	s.brokers = atoi(env_required("KAFKA_BROKERS"));
	snprintf(s.topic, sizeof s.topic, "kfleet-smoke-%llu", unique);
	snprintf(s.wide, sizeof s.wide, "kfleet-smoke-wide-%llu", unique);
	snprintf(s.group, sizeof s.group, "kfleet-smoke-group-%llu", unique);
	s.admin = smoke_new(RD_KAFKA_PRODUCER, smoke_conf(&s, NULL, 0));
	s.queue = rd_kafka_queue_new(s.admin);
	*state = &s;
	return 0;
}

static int
smoke_teardown(void **state)
{
	struct smoke *s = *state;

	if (s->consumer != NULL) {
		rd_kafka_consumer_close(s->consumer);
		rd_kafka_destroy(s->consumer);
	}
	rd_kafka_queue_destroy(s->queue);
	rd_kafka_destroy(s->admin);
	return 0;
}

/* Metadata: every broker the harness started is listed; new topics get leaders. */
static void
test_metadata(void **state)
{
	struct smoke *s = *state;
	const struct rd_kafka_metadata *md;

	create_topic(s, s->topic, SMOKE_PARTITIONS);
	create_topic(s, s->wide, SMOKE_WIDE_PARTITIONS);
	md = metadata_with_leaders(s->admin, s->topic, SMOKE_PARTITIONS);
	assert_int_equal(md->broker_cnt, s->brokers);
	for (int b = 0; b < md->broker_cnt; b++) {
		assert_string_equal(md->brokers[b].host, "127.0.0.1");
		assert_true(md->brokers[b].port > 0);
	}
	assert_string_equal(md->topics[0].topic, s->topic);
	/* The harness sets default.replication.factor to its node count. */
	for (int p = 0; p < md->topics[0].partition_cnt; p++)
		assert_int_equal(md->topics[0].partitions[p].replica_cnt, s->brokers);
	rd_kafka_metadata_destroy(md);
	rd_kafka_metadata_destroy(metadata_with_leaders(s->admin, s->wide, SMOKE_WIDE_PARTITIONS));
}

struct delivery {
	int delivered;
	int failed;
};

static void
on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque)
{
	struct delivery *d = opaque;

	(void)rk;
	if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR)
		d->delivered++;
	else
		d->failed++;
}

/* Produce: SMOKE_PER_PARTITION messages to each partition, all acknowledged. */
static void
test_produce(void **state)
{
	struct smoke *s = *state;
	static const struct kclient_setting extra[] = {
		{ "acks", "all" },
		{ "linger.ms", "5" },
	};
	struct delivery d = { 0 };
	rd_kafka_conf_t *conf = smoke_conf(s, extra, 2);
	rd_kafka_t *producer;

	rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
	rd_kafka_conf_set_opaque(conf, &d);
	producer = smoke_new(RD_KAFKA_PRODUCER, conf);

	for (int i = 0; i < SMOKE_MESSAGES; i++) {
		char payload[64];
		int len = snprintf(payload, sizeof payload, "order-%d", i);
		rd_kafka_resp_err_t rc;

		rc = rd_kafka_producev(producer, RD_KAFKA_V_TOPIC(s->topic),
		                       RD_KAFKA_V_PARTITION(i % SMOKE_PARTITIONS),
		                       RD_KAFKA_V_VALUE(payload, (size_t)len),
		                       RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);
		assert_int_equal(rc, RD_KAFKA_RESP_ERR_NO_ERROR);
		rd_kafka_poll(producer, 0);
	}
	assert_int_equal(rd_kafka_flush(producer, 20000), RD_KAFKA_RESP_ERR_NO_ERROR);
	rd_kafka_destroy(producer);
	assert_int_equal(d.failed, 0);
	assert_int_equal(d.delivered, SMOKE_MESSAGES);
}

/* A subscribed consumer reads everything, commits synchronously, stays in the group. */
static void
test_consume_in_group(void **state)
{
	struct smoke *s = *state;
	const struct kclient_setting extra[] = {
		{ "group.id", s->group },
		{ "enable.auto.commit", "false" },
		{ "auto.offset.reset", "earliest" },
	};
	rd_kafka_topic_partition_list_t *subscription, *committed;
	int consumed = 0;
	time_t deadline = time(NULL) + 60;
	int64_t total = 0;

	s->consumer = smoke_new(RD_KAFKA_CONSUMER, smoke_conf(s, extra, 3));
	rd_kafka_poll_set_consumer(s->consumer);
	subscription = rd_kafka_topic_partition_list_new(1);
	rd_kafka_topic_partition_list_add(subscription, s->topic, RD_KAFKA_PARTITION_UA);
	assert_int_equal(rd_kafka_subscribe(s->consumer, subscription), RD_KAFKA_RESP_ERR_NO_ERROR);
	rd_kafka_topic_partition_list_destroy(subscription);

	while (consumed < SMOKE_MESSAGES && time(NULL) < deadline) {
		rd_kafka_message_t *msg = rd_kafka_consumer_poll(s->consumer, 500);

		if (msg == NULL)
			continue;
		if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR)
			consumed++;
		else if (msg->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
			fail_msg("consume: %s", rd_kafka_message_errstr(msg));
		rd_kafka_message_destroy(msg);
	}
	assert_int_equal(consumed, SMOKE_MESSAGES);
	assert_int_equal(rd_kafka_commit(s->consumer, NULL, 0), RD_KAFKA_RESP_ERR_NO_ERROR);

	committed = rd_kafka_topic_partition_list_new(SMOKE_PARTITIONS);
	for (int p = 0; p < SMOKE_PARTITIONS; p++)
		rd_kafka_topic_partition_list_add(committed, s->topic, p);
	assert_int_equal(rd_kafka_committed(s->consumer, committed, 10000),
	                 RD_KAFKA_RESP_ERR_NO_ERROR);
	for (int i = 0; i < committed->cnt; i++) {
		assert_int_equal(committed->elems[i].err, RD_KAFKA_RESP_ERR_NO_ERROR);
		total += committed->elems[i].offset;
	}
	rd_kafka_topic_partition_list_destroy(committed);
	assert_int_equal(total, SMOKE_MESSAGES);
}

/* ListConsumerGroups: the group is there, stable, and not a simple (assign-only) group. */
static void
test_list_consumer_groups(void **state)
{
	struct smoke *s = *state;
	rd_kafka_AdminOptions_t *options = admin_options(s, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS);
	const rd_kafka_ConsumerGroupListing_t **groups;
	const rd_kafka_ListConsumerGroups_result_t *result;
	rd_kafka_event_t *ev;
	size_t count, errors;
	int found = 0;

	rd_kafka_ListConsumerGroups(s->admin, options, s->queue);
	ev = admin_result(s, RD_KAFKA_EVENT_LISTCONSUMERGROUPS_RESULT);
	result = rd_kafka_event_ListConsumerGroups_result(ev);
	rd_kafka_ListConsumerGroups_result_errors(result, &errors);
	assert_int_equal(errors, 0);
	groups = rd_kafka_ListConsumerGroups_result_valid(result, &count);
	for (size_t i = 0; i < count; i++) {
		if (strcmp(rd_kafka_ConsumerGroupListing_group_id(groups[i]), s->group) != 0)
			continue;
		found = 1;
		assert_int_equal(rd_kafka_ConsumerGroupListing_state(groups[i]),
		                 RD_KAFKA_CONSUMER_GROUP_STATE_STABLE);
		assert_false(rd_kafka_ConsumerGroupListing_is_simple_consumer_group(groups[i]));
	}
	rd_kafka_event_destroy(ev);
	rd_kafka_AdminOptions_destroy(options);
	assert_true(found);
}

/* DescribeConsumerGroups: one member, our client id, owning all partitions; then it leaves. */
static void
test_describe_consumer_groups(void **state)
{
	struct smoke *s = *state;
	rd_kafka_AdminOptions_t *options = admin_options(s, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS);
	const rd_kafka_ConsumerGroupDescription_t **groups;
	const rd_kafka_MemberDescription_t *member;
	const rd_kafka_topic_partition_list_t *assigned;
	const char *group_ids[] = { s->group };
	rd_kafka_event_t *ev;
	size_t count;

	rd_kafka_DescribeConsumerGroups(s->admin, group_ids, 1, options, s->queue);
	ev = admin_result(s, RD_KAFKA_EVENT_DESCRIBECONSUMERGROUPS_RESULT);
	groups = rd_kafka_DescribeConsumerGroups_result_groups(
		rd_kafka_event_DescribeConsumerGroups_result(ev), &count);
	assert_int_equal(count, 1);
	assert_null(rd_kafka_ConsumerGroupDescription_error(groups[0]));
	assert_string_equal(rd_kafka_ConsumerGroupDescription_group_id(groups[0]), s->group);
	assert_int_equal(rd_kafka_ConsumerGroupDescription_state(groups[0]),
	                 RD_KAFKA_CONSUMER_GROUP_STATE_STABLE);
	assert_non_null(rd_kafka_ConsumerGroupDescription_coordinator(groups[0]));
	assert_int_equal(rd_kafka_ConsumerGroupDescription_member_count(groups[0]), 1);
	member = rd_kafka_ConsumerGroupDescription_member(groups[0], 0);
	assert_string_equal(rd_kafka_MemberDescription_client_id(member), "kfleet-smoke");
	assert_non_null(rd_kafka_MemberDescription_host(member));
	assigned = rd_kafka_MemberAssignment_partitions(rd_kafka_MemberDescription_assignment(member));
	assert_non_null(assigned);
	assert_int_equal(assigned->cnt, SMOKE_PARTITIONS);
	rd_kafka_event_destroy(ev);
	rd_kafka_AdminOptions_destroy(options);

	/* Leave the group so the offsets can be altered (only Empty groups can be). */
	assert_int_equal(rd_kafka_consumer_close(s->consumer), RD_KAFKA_RESP_ERR_NO_ERROR);
	rd_kafka_destroy(s->consumer);
	s->consumer = NULL;
}

static rd_kafka_topic_partition_list_t *
all_partitions(const char *topic, int partitions, int64_t offset)
{
	rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(partitions);

	for (int p = 0; p < partitions; p++)
		rd_kafka_topic_partition_list_add(list, topic, p)->offset = offset;
	return list;
}

/* ListConsumerGroupOffsets for the group, every partition's offset checked. */
static void
expect_group_offsets(struct smoke *s, int64_t expected)
{
	rd_kafka_AdminOptions_t *options =
		admin_options(s, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS);
	rd_kafka_topic_partition_list_t *wanted = all_partitions(s->topic, SMOKE_PARTITIONS, 0);
	rd_kafka_ListConsumerGroupOffsets_t *request =
		rd_kafka_ListConsumerGroupOffsets_new(s->group, wanted);
	const rd_kafka_group_result_t **groups;
	const rd_kafka_topic_partition_list_t *offsets;
	rd_kafka_event_t *ev;
	size_t count;

	rd_kafka_ListConsumerGroupOffsets(s->admin, &request, 1, options, s->queue);
	ev = admin_result(s, RD_KAFKA_EVENT_LISTCONSUMERGROUPOFFSETS_RESULT);
	groups = rd_kafka_ListConsumerGroupOffsets_result_groups(
		rd_kafka_event_ListConsumerGroupOffsets_result(ev), &count);
	assert_int_equal(count, 1);
	assert_null(rd_kafka_group_result_error(groups[0]));
	offsets = rd_kafka_group_result_partitions(groups[0]);
	assert_int_equal(offsets->cnt, SMOKE_PARTITIONS);
	for (int i = 0; i < offsets->cnt; i++) {
		assert_int_equal(offsets->elems[i].err, RD_KAFKA_RESP_ERR_NO_ERROR);
		assert_int_equal(offsets->elems[i].offset, expected);
	}
	rd_kafka_event_destroy(ev);
	rd_kafka_ListConsumerGroupOffsets_destroy(request);
	rd_kafka_topic_partition_list_destroy(wanted);
	rd_kafka_AdminOptions_destroy(options);
}

static void
test_list_consumer_group_offsets(void **state)
{
	expect_group_offsets(*state, SMOKE_PER_PARTITION);
}

/* AlterConsumerGroupOffsets on the now Empty group, read back through the list call. */
static void
test_alter_consumer_group_offsets(void **state)
{
	struct smoke *s = *state;
	rd_kafka_AdminOptions_t *options =
		admin_options(s, RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS);
	rd_kafka_topic_partition_list_t *target =
		all_partitions(s->topic, SMOKE_PARTITIONS, SMOKE_ALTERED_OFFSET);
	rd_kafka_AlterConsumerGroupOffsets_t *request =
		rd_kafka_AlterConsumerGroupOffsets_new(s->group, target);
	const rd_kafka_group_result_t **groups;
	const rd_kafka_topic_partition_list_t *result;
	rd_kafka_event_t *ev;
	size_t count;

	rd_kafka_AlterConsumerGroupOffsets(s->admin, &request, 1, options, s->queue);
	ev = admin_result(s, RD_KAFKA_EVENT_ALTERCONSUMERGROUPOFFSETS_RESULT);
	groups = rd_kafka_AlterConsumerGroupOffsets_result_groups(
		rd_kafka_event_AlterConsumerGroupOffsets_result(ev), &count);
	assert_int_equal(count, 1);
	if (rd_kafka_group_result_error(groups[0]) != NULL)
		fail_msg("AlterConsumerGroupOffsets: %s",
		         rd_kafka_error_string(rd_kafka_group_result_error(groups[0])));
	result = rd_kafka_group_result_partitions(groups[0]);
	for (int i = 0; i < result->cnt; i++)
		assert_int_equal(result->elems[i].err, RD_KAFKA_RESP_ERR_NO_ERROR);
	rd_kafka_event_destroy(ev);
	rd_kafka_AlterConsumerGroupOffsets_destroy(request);
	rd_kafka_topic_partition_list_destroy(target);
	rd_kafka_AdminOptions_destroy(options);

	expect_group_offsets(s, SMOKE_ALTERED_OFFSET);
}

/* The latest statistics JSON of a handle, kept by on_stats. */
struct stats {
	char *json;
	int emitted;
};

static int
on_stats(rd_kafka_t *rk, char *json, size_t len, void *opaque)
{
	struct stats *st = opaque;

	(void)rk;
	free(st->json);
	st->json = strndup(json, len);
	st->emitted++;
	return 0; /* librdkafka frees json */
}

/* Sum over brokers of the requests of type NAME sent so far, from statistics JSON. */
static json_int_t
stats_requests(const char *json, const char *name)
{
	json_error_t error;
	json_t *root = json_loads(json, 0, &error);
	json_t *brokers, *broker;
	const char *broker_name;
	json_int_t total = 0;

	if (root == NULL)
		fail_msg("statistics JSON: %s", error.text);
	brokers = json_object_get(root, "brokers");
	assert_non_null(brokers);
	json_object_foreach(brokers, broker_name, broker) {
		json_t *requests = json_object_get(broker, "req");

		assert_non_null(requests); /* per-request-type counters */
		total += json_integer_value(json_object_get(requests, name));
	}
	json_decref(root);
	return total;
}

/* A statistics report made after everything RK did so far. Reports queue up while the
 * test makes blocking calls: serve the queued ones first, then wait for a new one. */
static const char *
fresh_stats(rd_kafka_t *rk, struct stats *st)
{
	int seen;

	while (rd_kafka_poll(rk, 0) > 0)
		;
	for (seen = st->emitted; st->emitted == seen;)
		rd_kafka_poll(rk, 50);
	return st->json;
}

/* Wait until every partition of LIST answers ListOffsets without error. Metadata lists a
 * new partition's leader a moment before that broker acts as leader: meanwhile ListOffsets
 * answers NOT_LEADER_OR_FOLLOWER for it, and rd_kafka_offsets_for_times hands that error
 * back per partition rather than retrying (doc/kafka-compat.md). */
static void
wait_offsets_answer(rd_kafka_t *rk, const rd_kafka_topic_partition_list_t *list)
{
	for (int attempt = 0; attempt < WAIT_ATTEMPTS; attempt++) {
		rd_kafka_topic_partition_list_t *probe = rd_kafka_topic_partition_list_copy(list);
		int failed = 0;

		if (rd_kafka_offsets_for_times(rk, probe, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR)
			failed = 1;
		for (int i = 0; i < probe->cnt && !failed; i++)
			failed = probe->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR;
		rd_kafka_topic_partition_list_destroy(probe);
		if (!failed)
			return;
		usleep(200 * 1000);
	}
	fail_msg("ListOffsets still fails for some partition after %d s", WAIT_ATTEMPTS / 5);
}

/* High watermarks of 60 partitions over two topics from one ListOffsets request per
 * partition leader, with the true high watermark (read_uncommitted). */
static void
test_high_watermarks_batched(void **state)
{
	struct smoke *s = *state;
	static const struct kclient_setting extra[] = {
		{ "isolation.level", "read_uncommitted" },
		{ "statistics.interval.ms", "100" },
	};
	struct stats st = { 0 };
	rd_kafka_conf_t *conf = smoke_conf(s, extra, 2);
	rd_kafka_topic_partition_list_t *list;
	const struct rd_kafka_metadata *md_topic, *md_wide;
	int leaders[64] = { 0 }, leader_count = 0;
	json_int_t before, after;
	int64_t total = 0;
	rd_kafka_t *rk;

	rd_kafka_conf_set_stats_cb(conf, on_stats);
	rd_kafka_conf_set_opaque(conf, &st);
	rk = smoke_new(RD_KAFKA_CONSUMER, conf);

	/* Distinct leaders of both topics: the number of requests to expect. */
	md_topic = metadata_with_leaders(rk, s->topic, SMOKE_PARTITIONS);
	md_wide = metadata_with_leaders(rk, s->wide, SMOKE_WIDE_PARTITIONS);
	for (int t = 0; t < 2; t++) {
		const struct rd_kafka_metadata_topic *mt = t == 0 ? &md_topic->topics[0]
		                                                  : &md_wide->topics[0];
		for (int p = 0; p < mt->partition_cnt; p++) {
			int leader = mt->partitions[p].leader;

			assert_true(leader >= 0 && leader < 64);
			if (!leaders[leader]++)
				leader_count++;
		}
	}
	rd_kafka_metadata_destroy(md_topic);
	rd_kafka_metadata_destroy(md_wide);

	list = all_partitions(s->topic, SMOKE_PARTITIONS, RD_KAFKA_OFFSET_END);
	for (int p = 0; p < SMOKE_WIDE_PARTITIONS; p++)
		rd_kafka_topic_partition_list_add(list, s->wide, p)->offset = RD_KAFKA_OFFSET_END;
	rd_kafka_topic_partition_list_sort(list, NULL, NULL);
	wait_offsets_answer(rk, list);

	before = stats_requests(fresh_stats(rk, &st), "ListOffsets");

	assert_int_equal(rd_kafka_offsets_for_times(rk, list, 10000), RD_KAFKA_RESP_ERR_NO_ERROR);
	for (int i = 0; i < list->cnt; i++) {
		const rd_kafka_topic_partition_t *tp = &list->elems[i];

		if (tp->err != RD_KAFKA_RESP_ERR_NO_ERROR)
			fail_msg("ListOffsets %s [%d]: %s", tp->topic, (int)tp->partition,
			         rd_kafka_err2str(tp->err));
		if (strcmp(tp->topic, s->topic) == 0) {
			assert_int_equal(tp->offset, SMOKE_PER_PARTITION);
			total += tp->offset;
		} else {
			assert_int_equal(tp->offset, 0);
		}
	}
	assert_int_equal(total, SMOKE_MESSAGES);
	rd_kafka_topic_partition_list_destroy(list);

	after = stats_requests(fresh_stats(rk, &st), "ListOffsets");
	print_message("ListOffsets requests for 60 partitions: %lld (partition leaders: %d)\n",
	              (long long)(after - before), leader_count);
	assert_int_equal(after - before, leader_count);

	rd_kafka_destroy(rk);
	free(st.json);
}

static const char *
config_value(const rd_kafka_ConfigResource_t *resource, const char *name)
{
	size_t count;
	const rd_kafka_ConfigEntry_t **entries = rd_kafka_ConfigResource_configs(resource, &count);

	for (size_t i = 0; i < count; i++)
		if (strcmp(rd_kafka_ConfigEntry_name(entries[i]), name) == 0)
			return rd_kafka_ConfigEntry_value(entries[i]);
	return NULL;
}

/* DescribeConfigs: a topic's and a broker's configuration in one request. */
static void
test_describe_configs(void **state)
{
	struct smoke *s = *state;
	rd_kafka_AdminOptions_t *options = admin_options(s, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS);
	const struct rd_kafka_metadata *md;
	rd_kafka_ConfigResource_t *resources[2];
	const rd_kafka_ConfigResource_t **results;
	rd_kafka_event_t *ev;
	char broker_id[16];
	size_t count;

	assert_int_equal(rd_kafka_metadata(s->admin, 0, NULL, &md, 5000), RD_KAFKA_RESP_ERR_NO_ERROR);
	snprintf(broker_id, sizeof broker_id, "%d", md->brokers[0].id);
	rd_kafka_metadata_destroy(md);

	resources[0] = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, s->topic);
	resources[1] = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_BROKER, broker_id);
	rd_kafka_DescribeConfigs(s->admin, resources, 2, options, s->queue);
	ev = admin_result(s, RD_KAFKA_EVENT_DESCRIBECONFIGS_RESULT);
	results = rd_kafka_DescribeConfigs_result_resources(
		rd_kafka_event_DescribeConfigs_result(ev), &count);
	assert_int_equal(count, 2);
	for (size_t i = 0; i < count; i++) {
		assert_int_equal(rd_kafka_ConfigResource_error(results[i]), RD_KAFKA_RESP_ERR_NO_ERROR);
		if (rd_kafka_ConfigResource_type(results[i]) == RD_KAFKA_RESOURCE_TOPIC) {
			assert_string_equal(rd_kafka_ConfigResource_name(results[i]), s->topic);
			assert_string_equal(config_value(results[i], "cleanup.policy"), "delete");
			assert_non_null(config_value(results[i], "retention.ms"));
		} else {
			assert_int_equal(rd_kafka_ConfigResource_type(results[i]), RD_KAFKA_RESOURCE_BROKER);
			/* The harness starts every broker with two I/O threads. */
			assert_string_equal(config_value(results[i], "num.io.threads"), "2");
		}
	}
	rd_kafka_event_destroy(ev);
	rd_kafka_ConfigResource_destroy_array(resources, 2);
	rd_kafka_AdminOptions_destroy(options);
}

/* DescribeAcls for the topic: 1 when the binding is there, 0 when not yet. */
static int
acl_present(struct smoke *s)
{
	char errstr[256];
	rd_kafka_AdminOptions_t *options = admin_options(s, RD_KAFKA_ADMIN_OP_DESCRIBEACLS);
	rd_kafka_AclBindingFilter_t *filter = rd_kafka_AclBindingFilter_new(
		RD_KAFKA_RESOURCE_TOPIC, s->topic, RD_KAFKA_RESOURCE_PATTERN_ANY, NULL, NULL,
		RD_KAFKA_ACL_OPERATION_ANY, RD_KAFKA_ACL_PERMISSION_TYPE_ANY, errstr, sizeof errstr);
	const rd_kafka_AclBinding_t **acls;
	rd_kafka_event_t *ev;
	size_t count;
	int found = 0;

	assert_non_null(filter);
	rd_kafka_DescribeAcls(s->admin, filter, options, s->queue);
	ev = admin_result(s, RD_KAFKA_EVENT_DESCRIBEACLS_RESULT);
	acls = rd_kafka_DescribeAcls_result_acls(rd_kafka_event_DescribeAcls_result(ev), &count);
	for (size_t i = 0; i < count; i++) {
		const rd_kafka_AclBinding_t *acl = acls[i];

		if (strcmp(rd_kafka_AclBinding_principal(acl), "User:alice") == 0 &&
		    strcmp(rd_kafka_AclBinding_name(acl), s->topic) == 0 &&
		    rd_kafka_AclBinding_operation(acl) == RD_KAFKA_ACL_OPERATION_READ &&
		    rd_kafka_AclBinding_permission_type(acl) == RD_KAFKA_ACL_PERMISSION_TYPE_ALLOW &&
		    rd_kafka_AclBinding_resource_pattern_type(acl) == RD_KAFKA_RESOURCE_PATTERN_LITERAL &&
		    strcmp(rd_kafka_AclBinding_host(acl), "*") == 0)
			found = 1;
	}
	rd_kafka_event_destroy(ev);
	rd_kafka_AclBinding_destroy(filter);
	rd_kafka_AdminOptions_destroy(options);
	return found;
}

/* CreateAcls then DescribeAcls through the StandardAuthorizer. */
static void
test_acls(void **state)
{
	struct smoke *s = *state;
	char errstr[256];
	rd_kafka_AdminOptions_t *options = admin_options(s, RD_KAFKA_ADMIN_OP_CREATEACLS);
	rd_kafka_AclBinding_t *binding = rd_kafka_AclBinding_new(
		RD_KAFKA_RESOURCE_TOPIC, s->topic, RD_KAFKA_RESOURCE_PATTERN_LITERAL, "User:alice", "*",
		RD_KAFKA_ACL_OPERATION_READ, RD_KAFKA_ACL_PERMISSION_TYPE_ALLOW, errstr, sizeof errstr);
	const rd_kafka_acl_result_t **results;
	rd_kafka_event_t *ev;
	size_t count;
	int found = 0;

	assert_false(acl_present(s));
	assert_non_null(binding);
	rd_kafka_CreateAcls(s->admin, &binding, 1, options, s->queue);
	ev = admin_result(s, RD_KAFKA_EVENT_CREATEACLS_RESULT);
	results = rd_kafka_CreateAcls_result_acls(rd_kafka_event_CreateAcls_result(ev), &count);
	assert_int_equal(count, 1);
	if (rd_kafka_acl_result_error(results[0]) != NULL)
		fail_msg("CreateAcls: %s", rd_kafka_error_string(rd_kafka_acl_result_error(results[0])));
	rd_kafka_event_destroy(ev);
	rd_kafka_AclBinding_destroy(binding);
	rd_kafka_AdminOptions_destroy(options);

	/* The authorizer applies new ACLs from the metadata log: allow it some seconds. */
	for (int attempt = 0; attempt < WAIT_ATTEMPTS && !found; attempt++) {
		found = acl_present(s);
		if (!found)
			usleep(200 * 1000);
	}
	assert_true(found);
}

struct auth_errors {
	int authentication;
};

static void
on_error(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
	struct auth_errors *errors = opaque;

	(void)rk;
	(void)reason;
	if (err == RD_KAFKA_RESP_ERR__AUTHENTICATION)
		errors->authentication++;
}

/* Metadata over SASL_PLAINTEXT with PASSWORD; returns the metadata error, counts auth errors. */
static rd_kafka_resp_err_t
sasl_metadata(const char *password, struct auth_errors *errors)
{
	const struct kclient_setting settings[] = {
		{ "bootstrap.servers", env_required("KAFKA_SASL_BOOTSTRAP") },
		{ "security.protocol", "SASL_PLAINTEXT" },
		{ "sasl.mechanism", "PLAIN" },
		{ "sasl.username", env_required("KAFKA_SASL_USER") },
		{ "sasl.password", password },
	};
	const struct rd_kafka_metadata *md = NULL;
	rd_kafka_resp_err_t err;
	char *error = NULL;
	rd_kafka_conf_t *conf = kclient_conf_new(settings, sizeof settings / sizeof settings[0],
	                                         &error);
	rd_kafka_t *rk;

	assert_non_null(conf);
	rd_kafka_conf_set_error_cb(conf, on_error);
	rd_kafka_conf_set_opaque(conf, errors);
	rk = smoke_new(RD_KAFKA_PRODUCER, conf);
	err = rd_kafka_metadata(rk, 1, NULL, &md, 5000);
	if (md != NULL)
		rd_kafka_metadata_destroy(md);
	rd_kafka_poll(rk, 100); /* serve the error callback */
	rd_kafka_destroy(rk);
	return err;
}

/* SASL/PLAIN: the admin's password works, a wrong one is refused as an auth failure. */
static void
test_sasl_plain(void **state)
{
	struct auth_errors good = { 0 }, bad = { 0 };

	(void)state;
	assert_int_equal(sasl_metadata(env_required("KAFKA_SASL_PASSWORD"), &good),
	                 RD_KAFKA_RESP_ERR_NO_ERROR);
	assert_int_equal(good.authentication, 0);
	assert_int_not_equal(sasl_metadata("not-the-password", &bad), RD_KAFKA_RESP_ERR_NO_ERROR);
	assert_true(bad.authentication > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_metadata),
		cmocka_unit_test(test_produce),
		cmocka_unit_test(test_consume_in_group),
		cmocka_unit_test(test_list_consumer_groups),
		cmocka_unit_test(test_describe_consumer_groups),
		cmocka_unit_test(test_list_consumer_group_offsets),
		cmocka_unit_test(test_alter_consumer_group_offsets),
		cmocka_unit_test(test_high_watermarks_batched),
		cmocka_unit_test(test_describe_configs),
		cmocka_unit_test(test_acls),
		cmocka_unit_test(test_sasl_plain),
	};

	return cmocka_run_group_tests_name("smoke_kafka", tests, smoke_setup, smoke_teardown);
}
