/* collect: a cluster's state through librdkafka 2.0.2 (see doc/kafka-compat.md).
 *
 * One cycle: metadata (brokers, topics, partitions, leaders, ISR); then, all in flight
 * together on one queue, DescribeConfigs of topics in batches and of each broker (its
 * rack), DescribeAcls and ListConsumerGroups, while the watermarks are read with
 * ListOffsets batched per partition leader and the client quotas with the agent's own
 * DescribeClientQuotas client (agent/quotas); then
 * DescribeConsumerGroups in batches and ListConsumerGroupOffsets, one group per request
 * (2.0.2's limit) but COLLECT_GROUPS_IN_FLIGHT at a time. Results are told apart by the
 * names they carry, a group's committed offsets by the request's opaque.
 *
 * The requests to group coordinators are never timed out by librdkafka (see
 * kclient_admin_options): the cycle waits for them by its own clock, a request's
 * timeout after it was sent, and gives up on what is late. A client on which the cycle
 * gave up waiting for anything is replaced after the cycle (kclient_refresh), which ends
 * those requests. */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent/collect.h"
#include "agent/log.h"
#include "agent/quotas.h"
#include "kfleet/monotonic.h"
#include "kfleet/strfmt.h"

#define COLLECT_CONFIG_BATCH 200       /* topics per DescribeConfigs request */
#define COLLECT_DESCRIBE_BATCH 100     /* groups per DescribeConsumerGroups request */
#define COLLECT_GROUPS_IN_FLIGHT 64    /* ListConsumerGroupOffsets requests at once */
#define COLLECT_WATERMARK_TRIES 5      /* new leaders answer NOT_LEADER for a moment */
#define COLLECT_MAX_SILENT 64          /* silent leaders remembered in a cycle */

struct collector {
	char *cluster;
	struct kclient *admin;      /* metadata, admin requests and ListOffsets: one client and so
	                             * one metadata cache, which the cycle's metadata request
	                             * keeps current for ListOffsets (a consumer: see
	                             * collector_admin_settings) */
	struct kclient_setting *settings;  /* a copy, for the quota collector's own connection */
	size_t setting_count;
	char *quotas_unsupported;   /* why quotas cannot be collected with these settings */
};

/* One cycle in progress. */
struct cycle {
	struct collector *collector;
	rd_kafka_t *rk;                     /* the collector's client, for this cycle */
	struct collect_result *result;
	struct arena *arena;
	/* Admin results: a queue of the cycle's own, so that the late answers of a cycle that
	 * gave up waiting are dropped with it instead of being read as the next cycle's. */
	rd_kafka_queue_t *queue;
	int timeout_ms;
	int64_t deadline_ms;
	const struct rd_kafka_metadata *metadata;
	struct snapshot_broker *brokers;
	int32_t silent_leaders[COLLECT_MAX_SILENT];  /* leaders that did not answer ListOffsets */
	size_t brokers_described;           /* brokers whose configs came back */
	size_t brokers_with_authorizer;     /* ...of which with an authorizer.class.name */
	size_t silent_leader_count;
	struct snapshot_topic *topics;      /* sorted by name */
	struct snapshot_group *groups;      /* sorted by name */
	size_t group_count;
	int64_t *offsets_asked_ms;          /* per group: when its offsets were asked, 0 once
	                                     * answered or given up on */
	size_t offsets_settled;             /* groups answered or given up on */
	int describes_answered;             /* DescribeConsumerGroups results served */
};

int64_t
collect_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A section's error, in the cycle's arena. */
static void
collect_section_error(struct cycle *cycle, enum snapshot_section section, const char *fmt, ...)
{
	char *text;
	va_list ap;

	if (cycle->result->snapshot.section_errors[section] != NULL)
		return; /* the first reason is the one to read */
	va_start(ap, fmt);
	text = strfmt_v(fmt, ap);
	va_end(ap);
	cycle->result->snapshot.section_errors[section] =
		arena_strdup(cycle->arena, text != NULL ? text : fmt);
	free(text);
}

/* ---------------------------------------------------------------- clients */

/* The client is a consumer with a group of its own, never joined: librdkafka 2.0.2
 * answers NOT_COORDINATOR to ListConsumerGroupOffsets by asking the handle's consumer
 * group to find its coordinator again, and without one dereferences NULL
 * (rd_kafka_handle_OffsetFetch -> rd_kafka_cgrp_op): a crash whenever a group
 * coordinator moves, e.g. a broker restarts. read_uncommitted: ListOffsets gives the
 * true high watermark, not the last stable offset. */
static const struct kclient_setting collector_admin_settings[] = {
	{ "group.id", "kfleet-agent-admin" },
	{ "enable.auto.commit", "false" },
	{ "isolation.level", "read_uncommitted" },
};

/* C's client: the config's settings, a client.id unless they name one, and
 * collector_admin_settings. */
static struct kclient *
collector_admin_new(const struct collector *c, char **err)
{
	size_t extra = sizeof collector_admin_settings / sizeof collector_admin_settings[0];
	struct kclient_setting *all = calloc(c->setting_count + extra + 1, sizeof *all);
	size_t n = 0;
	int has_client_id = 0;
	rd_kafka_conf_t *conf;

	if (all == NULL) {
		*err = strdup("out of memory");
		return NULL;
	}
	for (size_t i = 0; i < c->setting_count; i++) {
		has_client_id |= strcmp(c->settings[i].key, "client.id") == 0;
		all[n++] = c->settings[i];
	}
	if (!has_client_id)
		all[n++] = (struct kclient_setting){ "client.id", "kfleet-agent" };
	for (size_t i = 0; i < extra; i++)
		all[n++] = collector_admin_settings[i];
	conf = kclient_conf_new(all, n, err);
	free(all);
	return conf != NULL ? kclient_open(RD_KAFKA_CONSUMER, conf, err) : NULL;
}

/* C on a new client if the last cycle gave up on a request (see kclient_refresh): the old
 * one is destroyed with the requests it still holds. One that cannot be made is tried
 * again before the next cycle. */
static void
collector_refresh(struct collector *c)
{
	char *err = NULL;
	int renewed = kclient_refresh(c->admin, &err);

	if (renewed < 0)
		agent_log(LOG_WARN, "%s: cannot replace the client that gave up on requests "
		          "(tried again next cycle): %s", c->cluster,
		          err != NULL ? err : "out of memory");
	else if (renewed > 0)
		agent_log(LOG_INFO, "%s: a new Kafka client, as requests to a group coordinator "
		          "went unanswered in time", c->cluster);
	free(err);
}

struct collector *
collector_new(const char *cluster, const struct kclient_setting *settings, size_t count,
              char **err)
{
	struct collector *c = calloc(1, sizeof *c);
	bool copied;

	*err = NULL;
	if (c == NULL || (c->cluster = strdup(cluster)) == NULL) {
		free(c);
		*err = strdup("out of memory");
		return NULL;
	}
	c->settings = calloc(count + 1, sizeof *c->settings);
	copied = c->settings != NULL;
	for (size_t i = 0; copied && i < count; i++) {
		c->settings[i].key = strdup(settings[i].key);
		c->settings[i].value = strdup(settings[i].value);
		c->setting_count++;
		copied = c->settings[i].key != NULL && c->settings[i].value != NULL;
	}
	if (!copied) {
		collector_free(c);
		*err = strdup("out of memory");
		return NULL;
	}
	c->admin = collector_admin_new(c, err);
	if (c->admin == NULL) {
		collector_free(c);
		return NULL;
	}
	return c;
}

void
collector_free(struct collector *c)
{
	if (c == NULL)
		return;
	kclient_close(c->admin);
	for (size_t i = 0; i < c->setting_count; i++) {
		free((char *)c->settings[i].key);
		free((char *)c->settings[i].value);
	}
	free(c->settings);
	free(c->quotas_unsupported);
	free(c->cluster);
	free(c);
}

void
collect_result_free(struct collect_result *result)
{
	if (result == NULL)
		return;
	quotas_result_free(result->quotas);
	arena_free(&result->arena);
	free(result);
}

/* Admin options for OP with the cycle's request timeout (none for a coordinator's). */
static rd_kafka_AdminOptions_t *
collect_options(struct cycle *cycle, rd_kafka_admin_op_t op)
{
	return kclient_admin_options(cycle->rk, op, cycle->timeout_ms);
}

/* ---------------------------------------------------------------- metadata */

static int
collect_by_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Kafka's own internal topics (2.0.2's metadata does not carry the flag). */
static bool
collect_is_internal(const char *topic)
{
	static const char *const internal[] = {
		"__consumer_offsets", "__transaction_state", "__share_group_state",
	};

	for (size_t i = 0; i < sizeof internal / sizeof internal[0]; i++)
		if (strcmp(topic, internal[i]) == 0)
			return true;
	return false;
}

static void
collect_brokers(struct cycle *cycle)
{
	const struct rd_kafka_metadata *md = cycle->metadata;
	struct snapshot *s = &cycle->result->snapshot;
	struct snapshot_broker *brokers = arena_array(cycle->arena, (size_t)md->broker_cnt,
	                                              sizeof *brokers);

	for (int i = 0; i < md->broker_cnt; i++)
		brokers[i] = (struct snapshot_broker){
			.node_id = md->brokers[i].id,
			.host = arena_strdup(cycle->arena, md->brokers[i].host),
			.port = md->brokers[i].port,
		};
	cycle->brokers = brokers;
	s->brokers = brokers;
	s->broker_count = (size_t)md->broker_cnt;
}

static int32_t *
collect_ids(struct cycle *cycle, const int32_t *ids, int count)
{
	int32_t *copy = arena_array(cycle->arena, (size_t)count, sizeof *copy);

	memcpy(copy, ids, (size_t)count * sizeof *copy);
	return copy;
}

/* Topics and partitions from the metadata, sorted by topic name; watermarks unknown. */
static void
collect_topics(struct cycle *cycle)
{
	const struct rd_kafka_metadata *md = cycle->metadata;
	struct snapshot *s = &cycle->result->snapshot;
	struct snapshot_topic *topics = arena_array(cycle->arena, (size_t)md->topic_cnt,
	                                            sizeof *topics);

	for (int t = 0; t < md->topic_cnt; t++) {
		const struct rd_kafka_metadata_topic *mt = &md->topics[t];
		struct snapshot_partition *partitions =
			arena_array(cycle->arena, (size_t)mt->partition_cnt, sizeof *partitions);
		int replication_factor = 0;

		for (int p = 0; p < mt->partition_cnt; p++) {
			const struct rd_kafka_metadata_partition *mp = &mt->partitions[p];

			partitions[p] = (struct snapshot_partition){
				.partition = mp->id,
				.leader_id = mp->leader,
				.replicas = collect_ids(cycle, mp->replicas, mp->replica_cnt),
				.replica_count = (size_t)mp->replica_cnt,
				.isr = collect_ids(cycle, mp->isrs, mp->isr_cnt),
				.isr_count = (size_t)mp->isr_cnt,
				.low_watermark = -1,
				.high_watermark = -1,
			};
			if (mp->replica_cnt > replication_factor)
				replication_factor = mp->replica_cnt;
		}
		topics[t] = (struct snapshot_topic){
			.name = arena_strdup(cycle->arena, mt->topic),
			.internal = collect_is_internal(mt->topic),
			.replication_factor = replication_factor,
			.partitions = partitions,
			.partition_count = (size_t)mt->partition_cnt,
		};
	}
	/* name is the first member: sort and search topics by it. */
	qsort(topics, (size_t)md->topic_cnt, sizeof *topics, collect_by_name);
	cycle->topics = topics;
	s->topics = topics;
	s->topic_count = (size_t)md->topic_cnt;
}

static struct snapshot_topic *
collect_find_topic(struct cycle *cycle, const char *name)
{
	return bsearch(&name, cycle->topics, cycle->result->snapshot.topic_count,
	               sizeof *cycle->topics, collect_by_name);
}

static struct snapshot_partition *
collect_find_partition(struct cycle *cycle, const char *topic, int32_t partition)
{
	struct snapshot_topic *t = collect_find_topic(cycle, topic);

	for (size_t p = 0; t != NULL && p < t->partition_count; p++)
		if (t->partitions[p].partition == partition)
			return (struct snapshot_partition *)&t->partitions[p];
	return NULL;
}

/* ---------------------------------------------------------------- watermarks */

/* Learn the partitions' current leaders again before asking refused partitions anew. */
static void
collect_refresh_leaders(struct cycle *cycle)
{
	const struct rd_kafka_metadata *metadata = NULL;

	cycle->result->requests.metadata++;
	if (rd_kafka_metadata(cycle->rk, 1, NULL, &metadata,
	                      cycle->timeout_ms) == RD_KAFKA_RESP_ERR_NO_ERROR)
		rd_kafka_metadata_destroy(metadata);
}

/* Ask LEADER's partitions in LIST for their WHICH watermark in one ListOffsets request;
 * record the answers, and add the partitions that answered with an error to AGAIN.
 * Returns 0, or -1 when the request itself failed (the leader did not answer): then
 * none of its partitions is asked again this cycle, so a dead broker costs one timeout. */
static int
collect_leader_watermarks(struct cycle *cycle, rd_kafka_topic_partition_list_t *list,
                          int64_t which, rd_kafka_topic_partition_list_t *again,
                          const char **last_error)
{
	rd_kafka_resp_err_t err;

	rd_kafka_topic_partition_list_sort(list, NULL, NULL);
	cycle->result->requests.list_offsets++;
	err = rd_kafka_offsets_for_times(cycle->rk, list, cycle->timeout_ms);
	if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
		*last_error = rd_kafka_err2str(err);
		return -1;
	}
	for (int i = 0; i < list->cnt; i++) {
		const rd_kafka_topic_partition_t *tp = &list->elems[i];
		struct snapshot_partition *p = collect_find_partition(cycle, tp->topic, tp->partition);

		if (tp->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
			*last_error = rd_kafka_err2str(tp->err);
			rd_kafka_topic_partition_list_add(again, tp->topic, tp->partition)->offset = which;
		} else if (p != NULL && which == RD_KAFKA_OFFSET_END) {
			p->high_watermark = tp->offset;
		} else if (p != NULL) {
			p->low_watermark = tp->offset;
		}
	}
	return 0;
}

/* Low (BEGINNING) or high (END) watermarks of every partition with a leader: one
 * ListOffsets request per leader (librdkafka fails a whole offsets_for_times call when
 * one leader does not answer, so each leader gets its own call: a dead broker costs its
 * own partitions only). Partitions that answer with an error (a new leader not yet
 * acting as one) are asked again after a metadata refresh. */
static void
collect_watermarks(struct cycle *cycle, int64_t which)
{
	rd_kafka_topic_partition_list_t *pending = rd_kafka_topic_partition_list_new(64);
	const char *last_error = NULL;
	int failed_leaders = 0;

	for (size_t t = 0; t < cycle->result->snapshot.topic_count; t++)
		for (size_t p = 0; p < cycle->topics[t].partition_count; p++)
			if (cycle->topics[t].partitions[p].leader_id >= 0)
				rd_kafka_topic_partition_list_add(pending, cycle->topics[t].name,
				                                  cycle->topics[t].partitions[p].partition)
					->offset = which;
	for (int attempt = 0; attempt < COLLECT_WATERMARK_TRIES && pending->cnt > 0; attempt++) {
		rd_kafka_topic_partition_list_t *again = rd_kafka_topic_partition_list_new(8);

		if (attempt > 0) {
			usleep(200 * 1000);
			collect_refresh_leaders(cycle);
		}
		/* Split by leader, as the cycle's metadata saw them. */
		while (pending->cnt > 0) {
			rd_kafka_topic_partition_list_t *mine = rd_kafka_topic_partition_list_new(64);
			rd_kafka_topic_partition_list_t *rest = rd_kafka_topic_partition_list_new(64);
			struct snapshot_partition *first =
				collect_find_partition(cycle, pending->elems[0].topic,
				                       pending->elems[0].partition);
			int32_t leader = first != NULL ? first->leader_id : -1;

			for (int i = 0; i < pending->cnt; i++) {
				const rd_kafka_topic_partition_t *tp = &pending->elems[i];
				struct snapshot_partition *p =
					collect_find_partition(cycle, tp->topic, tp->partition);

				rd_kafka_topic_partition_list_add(
					(p != NULL ? p->leader_id : -1) == leader ? mine : rest,
					tp->topic, tp->partition)->offset = which;
			}
			if (collect_leader_watermarks(cycle, mine, which, again, &last_error) < 0) {
				failed_leaders++;
				if (cycle->silent_leader_count < COLLECT_MAX_SILENT)
					cycle->silent_leaders[cycle->silent_leader_count++] = leader;
			}
			rd_kafka_topic_partition_list_destroy(mine);
			rd_kafka_topic_partition_list_destroy(pending);
			pending = rest;
		}
		rd_kafka_topic_partition_list_destroy(pending);
		pending = again;
	}
	if (pending->cnt > 0 || failed_leaders > 0)
		agent_log(LOG_WARN, "%s: some %s watermarks unknown (%d partitions still "
		        "refused, %d leaders did not answer): %s", cycle->collector->cluster,
		        which == RD_KAFKA_OFFSET_END ? "high" : "low", pending->cnt, failed_leaders,
		        last_error);
	rd_kafka_topic_partition_list_destroy(pending);
}

/* ---------------------------------------------------------------- configs and ACLs */

/* The opaque of broker config requests: their failure costs a rack, not the section. */
static char collect_broker_configs;

/* Ask for the configs of every topic, COLLECT_CONFIG_BATCH per request, and of every
 * broker (for its rack, which 2.0.2's metadata lacks), one per request as librdkafka
 * wants; returns how many requests are in flight. */
static int
collect_configs_request(struct cycle *cycle)
{
	size_t count = cycle->result->snapshot.topic_count;
	int requests = 0;

	for (size_t start = 0; start < count; start += COLLECT_CONFIG_BATCH) {
		size_t n = count - start < COLLECT_CONFIG_BATCH ? count - start : COLLECT_CONFIG_BATCH;
		rd_kafka_ConfigResource_t *resources[COLLECT_CONFIG_BATCH];
		rd_kafka_AdminOptions_t *options =
			collect_options(cycle, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS);

		for (size_t i = 0; i < n; i++)
			resources[i] = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC,
			                                           cycle->topics[start + i].name);
		rd_kafka_DescribeConfigs(cycle->rk, resources, n, options,
		                         cycle->queue);
		rd_kafka_ConfigResource_destroy_array(resources, n);
		rd_kafka_AdminOptions_destroy(options);
		requests++;
	}
	for (size_t b = 0; b < cycle->result->snapshot.broker_count; b++) {
		char id[16];
		rd_kafka_ConfigResource_t *resource;
		rd_kafka_AdminOptions_t *options =
			collect_options(cycle, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS);

		rd_kafka_AdminOptions_set_opaque(options, &collect_broker_configs);
		snprintf(id, sizeof id, "%d", (int)cycle->brokers[b].node_id);
		resource = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_BROKER, id);
		rd_kafka_DescribeConfigs(cycle->rk, &resource, 1, options,
		                         cycle->queue);
		rd_kafka_ConfigResource_destroy(resource);
		rd_kafka_AdminOptions_destroy(options);
		requests++;
	}
	cycle->result->requests.describe_configs += requests;
	return requests;
}

/* What a broker's configs tell that its metadata does not: its rack, and whether it has
 * an authorizer. A broker that cannot say keeps no rack and counts for neither. */
static void
collect_broker_configs_result(struct cycle *cycle, const rd_kafka_ConfigResource_t *resource)
{
	const rd_kafka_ConfigEntry_t **entries;
	int32_t node_id = (int32_t)atoi(rd_kafka_ConfigResource_name(resource));
	size_t count;

	if (rd_kafka_ConfigResource_error(resource) != RD_KAFKA_RESP_ERR_NO_ERROR)
		return;
	entries = rd_kafka_ConfigResource_configs(resource, &count);
	cycle->brokers_described++;
	for (size_t e = 0; e < count; e++) {
		const char *name = rd_kafka_ConfigEntry_name(entries[e]);
		const char *value = rd_kafka_ConfigEntry_value(entries[e]);

		if (value == NULL || value[0] == '\0')
			continue;
		if (strcmp(name, "authorizer.class.name") == 0)
			cycle->brokers_with_authorizer++;
		for (size_t b = 0; b < cycle->result->snapshot.broker_count; b++)
			if (cycle->brokers[b].node_id == node_id && strcmp(name, "broker.rack") == 0)
				cycle->brokers[b].rack = arena_strdup(cycle->arena, value);
	}
}

/* librdkafka 2.0.2 drops DescribeAcls' error code, so SECURITY_DISABLED reads as "no
 * ACLs": when every broker described says it has no authorizer, the section failed. */
static void
collect_check_authorizer(struct cycle *cycle)
{
	if (cycle->brokers_described > 0 && cycle->brokers_with_authorizer == 0) {
		cycle->result->snapshot.acl_count = 0;
		collect_section_error(cycle, SNAPSHOT_ACLS, "no authorizer is configured on the broker");
	}
}

static void
collect_configs_result(struct cycle *cycle, rd_kafka_event_t *ev)
{
	const rd_kafka_ConfigResource_t **resources;
	size_t count;

	if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
		if (rd_kafka_event_opaque(ev) != &collect_broker_configs)
			collect_section_error(cycle, SNAPSHOT_CONFIGS, "%s",
			                      rd_kafka_event_error_string(ev));
		return;
	}
	resources = rd_kafka_DescribeConfigs_result_resources(
		rd_kafka_event_DescribeConfigs_result(ev), &count);
	for (size_t i = 0; i < count; i++) {
		struct snapshot_topic *t;
		const rd_kafka_ConfigEntry_t **entries;
		struct snapshot_config *configs;
		size_t entry_count;

		if (rd_kafka_ConfigResource_type(resources[i]) == RD_KAFKA_RESOURCE_BROKER) {
			collect_broker_configs_result(cycle, resources[i]);
			continue;
		}
		t = collect_find_topic(cycle, rd_kafka_ConfigResource_name(resources[i]));
		if (rd_kafka_ConfigResource_error(resources[i]) != RD_KAFKA_RESP_ERR_NO_ERROR) {
			collect_section_error(cycle, SNAPSHOT_CONFIGS, "topic %s: %s",
			                      rd_kafka_ConfigResource_name(resources[i]),
			                      rd_kafka_ConfigResource_error_string(resources[i]));
			continue;
		}
		if (t == NULL)
			continue;
		entries = rd_kafka_ConfigResource_configs(resources[i], &entry_count);
		configs = arena_array(cycle->arena, entry_count, sizeof *configs);
		for (size_t e = 0; e < entry_count; e++) {
			int sensitive = rd_kafka_ConfigEntry_is_sensitive(entries[e]);

			configs[e] = (struct snapshot_config){
				.name = arena_strdup(cycle->arena, rd_kafka_ConfigEntry_name(entries[e])),
				.value = sensitive ? NULL
				         : arena_strdup(cycle->arena, rd_kafka_ConfigEntry_value(entries[e])),
				.source = rd_kafka_ConfigSource_name(rd_kafka_ConfigEntry_source(entries[e])),
				.is_default = rd_kafka_ConfigEntry_is_default(entries[e]),
				.is_sensitive = sensitive,
			};
		}
		t->configs = configs;
		t->config_count = entry_count;
	}
}

static void
collect_acls_request(struct cycle *cycle)
{
	char errstr[256];
	rd_kafka_AclBindingFilter_t *any = rd_kafka_AclBindingFilter_new(
		RD_KAFKA_RESOURCE_ANY, NULL, RD_KAFKA_RESOURCE_PATTERN_ANY, NULL, NULL,
		RD_KAFKA_ACL_OPERATION_ANY, RD_KAFKA_ACL_PERMISSION_TYPE_ANY, errstr, sizeof errstr);
	rd_kafka_AdminOptions_t *options = collect_options(cycle, RD_KAFKA_ADMIN_OP_DESCRIBEACLS);

	rd_kafka_DescribeAcls(cycle->rk, any, options, cycle->queue);
	rd_kafka_AclBinding_destroy(any);
	rd_kafka_AdminOptions_destroy(options);
	cycle->result->requests.describe_acls++;
}

static void
collect_acls_result(struct cycle *cycle, rd_kafka_event_t *ev)
{
	struct snapshot *s = &cycle->result->snapshot;
	const rd_kafka_AclBinding_t **acls;
	struct snapshot_acl *rows;
	size_t count;

	if (rd_kafka_event_error(ev) == RD_KAFKA_RESP_ERR_SECURITY_DISABLED) {
		collect_section_error(cycle, SNAPSHOT_ACLS, "no authorizer is configured on the broker");
		return;
	}
	if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
		collect_section_error(cycle, SNAPSHOT_ACLS, "%s", rd_kafka_event_error_string(ev));
		return;
	}
	acls = rd_kafka_DescribeAcls_result_acls(rd_kafka_event_DescribeAcls_result(ev), &count);
	rows = arena_array(cycle->arena, count, sizeof *rows);
	for (size_t i = 0; i < count; i++) {
		const rd_kafka_AclBinding_t *a = acls[i];

		rows[i] = (struct snapshot_acl){
			.principal = arena_strdup(cycle->arena, rd_kafka_AclBinding_principal(a)),
			.host = arena_strdup(cycle->arena, rd_kafka_AclBinding_host(a)),
			.operation = rd_kafka_AclOperation_name(rd_kafka_AclBinding_operation(a)),
			.permission = rd_kafka_AclPermissionType_name(rd_kafka_AclBinding_permission_type(a)),
			.resource_type = rd_kafka_ResourceType_name(rd_kafka_AclBinding_restype(a)),
			.resource_name = arena_strdup(cycle->arena, rd_kafka_AclBinding_name(a)),
			.pattern_type = rd_kafka_ResourcePatternType_name(
				rd_kafka_AclBinding_resource_pattern_type(a)),
		};
	}
	s->acls = rows;
	s->acl_count = count;
}

/* ---------------------------------------------------------------- groups */

static void
collect_list_groups_request(struct cycle *cycle)
{
	rd_kafka_AdminOptions_t *options =
		collect_options(cycle, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS);

	rd_kafka_ListConsumerGroups(cycle->rk, options, cycle->queue);
	rd_kafka_AdminOptions_destroy(options);
	cycle->result->requests.list_groups++;
}

/* Whether every partition of __consumer_offsets is led by a broker of this cycle's
 * metadata that answered its ListOffsets request: those leaders are the group
 * coordinators, so a listing they all answered is whole even if another broker (one
 * librdkafka still remembers) did not. */
static bool
collect_coordinators_known(struct cycle *cycle)
{
	const struct snapshot_topic *offsets = collect_find_topic(cycle, "__consumer_offsets");

	for (size_t p = 0; offsets != NULL && p < offsets->partition_count; p++) {
		int32_t leader = offsets->partitions[p].leader_id;
		bool known = false;

		for (size_t b = 0; b < cycle->result->snapshot.broker_count && !known; b++)
			known = cycle->brokers[b].node_id == leader;
		for (size_t i = 0; i < cycle->silent_leader_count && known; i++)
			known = cycle->silent_leaders[i] != leader;
		if (!known)
			return false;
	}
	return true;
}

static void
collect_list_groups_result(struct cycle *cycle, rd_kafka_event_t *ev)
{
	const rd_kafka_ListConsumerGroups_result_t *result = rd_kafka_event_ListConsumerGroups_result(ev);
	const rd_kafka_ConsumerGroupListing_t **listings;
	const rd_kafka_error_t **errors;
	size_t count, error_count;

	if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
		collect_section_error(cycle, SNAPSHOT_GROUPS, "%s", rd_kafka_event_error_string(ev));
		return;
	}
	/* A broker that did not answer makes the list incomplete, unless it coordinates no
	 * group: librdkafka 2.0.2 asks every broker it ever knew, a dead one too. */
	errors = rd_kafka_ListConsumerGroups_result_errors(result, &error_count);
	if (error_count > 0 && !collect_coordinators_known(cycle)) {
		collect_section_error(cycle, SNAPSHOT_GROUPS, "listing groups: %s",
		                      rd_kafka_error_string(errors[0]));
		return;
	}
	if (error_count > 0)
		agent_log(LOG_WARN, "%s: listing groups: %zu broker(s) did not answer, "
		        "none of them a group coordinator: %s", cycle->collector->cluster,
		        error_count, rd_kafka_error_string(errors[0]));
	listings = rd_kafka_ListConsumerGroups_result_valid(result, &count);
	cycle->groups = arena_array(cycle->arena, count, sizeof *cycle->groups);
	for (size_t i = 0; i < count; i++)
		cycle->groups[i].name = arena_strdup(cycle->arena,
		                                     rd_kafka_ConsumerGroupListing_group_id(listings[i]));
	qsort(cycle->groups, count, sizeof *cycle->groups, collect_by_name);
	cycle->group_count = count;
}

static struct snapshot_group *
collect_find_group(struct cycle *cycle, const char *name)
{
	return bsearch(&name, cycle->groups, cycle->group_count, sizeof *cycle->groups,
	               collect_by_name);
}

static int
collect_describe_groups_request(struct cycle *cycle)
{
	int requests = 0;

	for (size_t start = 0; start < cycle->group_count; start += COLLECT_DESCRIBE_BATCH) {
		size_t n = cycle->group_count - start < COLLECT_DESCRIBE_BATCH
		           ? cycle->group_count - start : COLLECT_DESCRIBE_BATCH;
		const char *names[COLLECT_DESCRIBE_BATCH];
		rd_kafka_AdminOptions_t *options =
			collect_options(cycle, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS);

		for (size_t i = 0; i < n; i++)
			names[i] = cycle->groups[start + i].name;
		rd_kafka_DescribeConsumerGroups(cycle->rk, names, n, options,
		                                cycle->queue);
		rd_kafka_AdminOptions_destroy(options);
		requests++;
	}
	cycle->result->requests.describe_groups += requests;
	return requests;
}

static struct snapshot_assignment *
collect_assignments(struct cycle *cycle, const rd_kafka_topic_partition_list_t *list,
                    size_t *count)
{
	struct snapshot_assignment *rows;

	*count = list != NULL ? (size_t)list->cnt : 0;
	rows = arena_array(cycle->arena, *count, sizeof *rows);
	for (size_t i = 0; i < *count; i++)
		rows[i] = (struct snapshot_assignment){
			.topic = arena_strdup(cycle->arena, list->elems[i].topic),
			.partition = list->elems[i].partition,
		};
	return rows;
}

static void
collect_describe_groups_result(struct cycle *cycle, rd_kafka_event_t *ev)
{
	const rd_kafka_ConsumerGroupDescription_t **groups;
	size_t count;

	cycle->describes_answered++;
	if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
		collect_section_error(cycle, SNAPSHOT_GROUPS, "%s", rd_kafka_event_error_string(ev));
		return;
	}
	groups = rd_kafka_DescribeConsumerGroups_result_groups(
		rd_kafka_event_DescribeConsumerGroups_result(ev), &count);
	for (size_t i = 0; i < count; i++) {
		const rd_kafka_ConsumerGroupDescription_t *d = groups[i];
		struct snapshot_group *g =
			collect_find_group(cycle, rd_kafka_ConsumerGroupDescription_group_id(d));
		const rd_kafka_Node_t *coordinator = rd_kafka_ConsumerGroupDescription_coordinator(d);
		struct snapshot_member *members;
		size_t member_count;

		if (g == NULL)
			continue;
		if (rd_kafka_ConsumerGroupDescription_error(d) != NULL) {
			agent_log(LOG_WARN, "%s: group %s: %s", cycle->collector->cluster,
			        g->name, rd_kafka_error_string(rd_kafka_ConsumerGroupDescription_error(d)));
			continue;
		}
		member_count = rd_kafka_ConsumerGroupDescription_member_count(d);
		members = arena_array(cycle->arena, member_count, sizeof *members);
		for (size_t m = 0; m < member_count; m++) {
			const rd_kafka_MemberDescription_t *md = rd_kafka_ConsumerGroupDescription_member(d, m);
			const rd_kafka_MemberAssignment_t *a = rd_kafka_MemberDescription_assignment(md);

			members[m] = (struct snapshot_member){
				.member_id = arena_strdup(cycle->arena, rd_kafka_MemberDescription_consumer_id(md)),
				.client_id = arena_strdup(cycle->arena, rd_kafka_MemberDescription_client_id(md)),
				.host = arena_strdup(cycle->arena, rd_kafka_MemberDescription_host(md)),
			};
			members[m].assignments = collect_assignments(
				cycle, a != NULL ? rd_kafka_MemberAssignment_partitions(a) : NULL,
				&members[m].assignment_count);
		}
		g->state = rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupDescription_state(d));
		g->protocol_type = rd_kafka_ConsumerGroupDescription_is_simple_consumer_group(d)
		                   ? NULL : "consumer";
		g->protocol = arena_strdup(cycle->arena,
		                           rd_kafka_ConsumerGroupDescription_partition_assignor(d));
		if (g->protocol != NULL && g->protocol[0] == '\0')
			g->protocol = NULL;
		g->coordinator_id = coordinator != NULL ? rd_kafka_Node_id(coordinator) : -1;
		g->members = members;
		g->member_count = member_count;
	}
}

static void
collect_group_offsets_request(struct cycle *cycle, size_t index)
{
	rd_kafka_ListConsumerGroupOffsets_t *request =
		rd_kafka_ListConsumerGroupOffsets_new(cycle->groups[index].name, NULL);
	rd_kafka_AdminOptions_t *options =
		collect_options(cycle, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS);

	rd_kafka_AdminOptions_set_opaque(options, (void *)(uintptr_t)(index + 1));
	cycle->offsets_asked_ms[index] = monotonic_ms();
	rd_kafka_ListConsumerGroupOffsets(cycle->rk, &request, 1, options,
	                                  cycle->queue);
	rd_kafka_ListConsumerGroupOffsets_destroy(request);
	rd_kafka_AdminOptions_destroy(options);
	cycle->result->requests.list_group_offsets++;
}

static void
collect_group_offsets_result(struct cycle *cycle, rd_kafka_event_t *ev)
{
	uintptr_t asked = (uintptr_t)rd_kafka_event_opaque(ev);
	const rd_kafka_group_result_t **results;
	size_t count;

	/* The answer for a group given up on comes too late: its warning is out. */
	if (asked == 0 || asked > cycle->group_count || cycle->offsets_asked_ms[asked - 1] == 0)
		return;
	cycle->offsets_asked_ms[asked - 1] = 0;
	cycle->offsets_settled++;
	if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
		agent_log(LOG_WARN, "%s: committed offsets: %s", cycle->collector->cluster,
		        rd_kafka_event_error_string(ev));
		return;
	}
	results = rd_kafka_ListConsumerGroupOffsets_result_groups(
		rd_kafka_event_ListConsumerGroupOffsets_result(ev), &count);
	for (size_t i = 0; i < count; i++) {
		struct snapshot_group *g = collect_find_group(cycle, rd_kafka_group_result_name(results[i]));
		const rd_kafka_topic_partition_list_t *list = rd_kafka_group_result_partitions(results[i]);
		struct snapshot_offset *offsets;
		size_t n = 0;

		if (g == NULL)
			continue;
		if (rd_kafka_group_result_error(results[i]) != NULL || list == NULL) {
			agent_log(LOG_WARN, "%s: group %s: committed offsets: %s",
			        cycle->collector->cluster, g->name,
			        list == NULL ? "none returned"
			        : rd_kafka_error_string(rd_kafka_group_result_error(results[i])));
			continue;
		}
		offsets = arena_array(cycle->arena, (size_t)list->cnt, sizeof *offsets);
		for (int p = 0; p < list->cnt; p++) {
			const rd_kafka_topic_partition_t *tp = &list->elems[p];

			if (tp->err != RD_KAFKA_RESP_ERR_NO_ERROR || tp->offset < 0)
				continue; /* no commit on that partition */
			offsets[n++] = (struct snapshot_offset){
				.topic = arena_strdup(cycle->arena, tp->topic),
				.partition = tp->partition,
				.committed_offset = tp->offset,
			};
		}
		g->offsets = offsets;
		g->offset_count = n;
	}
}

/* ---------------------------------------------------------------- quotas */

/* Client quotas through the agent's own DescribeClientQuotas client. Settings it cannot
 * serve (e.g. GSSAPI) are reported every cycle without asking again. */
static void
collect_quotas(struct cycle *cycle)
{
	struct collector *c = cycle->collector;
	struct quotas_result *quotas = NULL;
	char *err = NULL;
	int status;

	if (c->quotas_unsupported != NULL) {
		collect_section_error(cycle, SNAPSHOT_QUOTAS, "%s", c->quotas_unsupported);
		return;
	}
	status = quotas_describe(c->settings, c->setting_count, cycle->timeout_ms, &quotas, &err);
	if (status == QUOTAS_OK) {
		cycle->result->quotas = quotas;
		cycle->result->snapshot.quotas = quotas->quotas;
		cycle->result->snapshot.quota_count = quotas->count;
		cycle->result->requests.describe_quotas += quotas->requests;
		return;
	}
	/* The section is named where the error is shown: drop the module's own prefix. */
	collect_section_error(cycle, SNAPSHOT_QUOTAS, "%s",
	                      strncmp(err, "quotas: ", 8) == 0 ? err + 8 : err);
	if (status == QUOTAS_UNSUPPORTED)
		c->quotas_unsupported = strdup(strncmp(err, "quotas: ", 8) == 0 ? err + 8 : err);
	free(err);
}

/* ---------------------------------------------------------------- the cycle */

/* The result handlers, by event type. */
static const struct {
	rd_kafka_event_type_t type;
	void (*handle)(struct cycle *, rd_kafka_event_t *);
} collect_handlers[] = {
	{ RD_KAFKA_EVENT_DESCRIBECONFIGS_RESULT, collect_configs_result },
	{ RD_KAFKA_EVENT_DESCRIBEACLS_RESULT, collect_acls_result },
	{ RD_KAFKA_EVENT_LISTCONSUMERGROUPS_RESULT, collect_list_groups_result },
	{ RD_KAFKA_EVENT_DESCRIBECONSUMERGROUPS_RESULT, collect_describe_groups_result },
	{ RD_KAFKA_EVENT_LISTCONSUMERGROUPOFFSETS_RESULT, collect_group_offsets_result },
};

/* Serve one admin result, waiting until UNTIL_MS at most. Returns 0, or -1 when nothing
 * came in time. */
static int
collect_serve_one(struct cycle *cycle, int64_t until_ms)
{
	int64_t left = until_ms - monotonic_ms();
	rd_kafka_event_t *ev;

	/* Past the deadline, still take what has already come. */
	ev = rd_kafka_queue_poll(cycle->queue, left > 0 ? (int)left : 0);
	if (ev == NULL) {
		kclient_gave_up(cycle->collector->admin);
		return -1;
	}
	for (size_t i = 0; i < sizeof collect_handlers / sizeof collect_handlers[0]; i++)
		if (rd_kafka_event_type(ev) == collect_handlers[i].type)
			collect_handlers[i].handle(cycle, ev);
	rd_kafka_event_destroy(ev);
	return 0;
}

/* Serve COUNT results; what did not come by the deadline is reported on SECTION. */
static void
collect_serve(struct cycle *cycle, int count, enum snapshot_section section)
{
	for (int i = 0; i < count; i++) {
		if (collect_serve_one(cycle, cycle->deadline_ms) < 0) {
			collect_section_error(cycle, section, "%d of %d requests unanswered after %d ms",
			                      count - i, count, cycle->timeout_ms);
			return;
		}
	}
}

/* Give up on the committed offsets of the groups asked TIMEOUT_MS or longer ago. */
static void
collect_offsets_give_up(struct cycle *cycle, size_t from, size_t to, int64_t now)
{
	for (size_t i = from; i < to; i++) {
		if (cycle->offsets_asked_ms[i] == 0 ||
		    now - cycle->offsets_asked_ms[i] < cycle->timeout_ms)
			continue;
		agent_log(LOG_WARN, "%s: group %s: committed offsets: no answer within %d ms",
		          cycle->collector->cluster, cycle->groups[i].name, cycle->timeout_ms);
		cycle->offsets_asked_ms[i] = 0;
		cycle->offsets_settled++;
	}
}

static void
collect_groups(struct cycle *cycle)
{
	int requests = collect_describe_groups_request(cycle);
	int64_t until = monotonic_ms() + cycle->timeout_ms;
	size_t next = 0, first = 0;

	/* The descriptions, for a request's timeout: a group whose coordinator does not answer
	 * is without a state this cycle, and the committed offsets are asked all the same.
	 * Counted as they come, as late answers of the phase before may come between them. */
	while (cycle->describes_answered < requests) {
		if (collect_serve_one(cycle, until < cycle->deadline_ms ? until : cycle->deadline_ms) < 0) {
			agent_log(LOG_WARN, "%s: %d of %d group descriptions unanswered after %d ms",
			          cycle->collector->cluster, requests - cycle->describes_answered,
			          requests, cycle->timeout_ms);
			break;
		}
	}
	cycle->offsets_asked_ms = arena_array(cycle->arena, cycle->group_count,
	                                      sizeof *cycle->offsets_asked_ms);
	/* Committed offsets: a window of requests in flight, refilled as answers come; a group
	 * asked a request's timeout ago is given up on. */
	while (cycle->offsets_settled < cycle->group_count) {
		int64_t oldest = INT64_MAX, now;

		while (next < cycle->group_count &&
		       next - cycle->offsets_settled < COLLECT_GROUPS_IN_FLIGHT)
			collect_group_offsets_request(cycle, next++);
		while (first < next && cycle->offsets_asked_ms[first] == 0)
			first++;
		for (size_t i = first; i < next; i++)
			if (cycle->offsets_asked_ms[i] != 0 && cycle->offsets_asked_ms[i] < oldest)
				oldest = cycle->offsets_asked_ms[i];
		until = oldest + cycle->timeout_ms;
		if (collect_serve_one(cycle, until < cycle->deadline_ms ? until : cycle->deadline_ms) == 0)
			continue;
		now = monotonic_ms();
		if (now >= cycle->deadline_ms) {
			collect_section_error(cycle, SNAPSHOT_GROUPS,
			                      "committed offsets of %zu groups unanswered after %d ms",
			                      cycle->group_count - cycle->offsets_settled,
			                      cycle->timeout_ms);
			return;
		}
		collect_offsets_give_up(cycle, first, next, now);
	}
}

int
collector_run(struct collector *c, int timeout_ms, struct collect_result **out, char **err)
{
	struct collect_result *result = calloc(1, sizeof *result);
	struct cycle cycle = { .collector = c, .result = result, .timeout_ms = timeout_ms };
	int64_t started = monotonic_ms(), log_ends_asked, log_ends_read;
	rd_kafka_resp_err_t rc;
	char *cluster_id;
	int pending;

	*err = NULL;
	*out = NULL;
	if (result == NULL) {
		*err = strdup("out of memory");
		return -1;
	}
	cycle.arena = &result->arena;
	collector_refresh(c);       /* a renewal that failed after the last cycle */
	cycle.rk = kclient_handle(c->admin);
	/* Each phase waits at most the request timeout; the cycle at most three of them. */
	cycle.deadline_ms = started + 3LL * timeout_ms;
	rc = rd_kafka_metadata(cycle.rk, 1, NULL, &cycle.metadata, timeout_ms);
	result->requests.metadata++;
	if (rc != RD_KAFKA_RESP_ERR_NO_ERROR) {
		*err = kclient_error(cycle.rk, "metadata", rc);
		free(result);
		return -1;
	}
	result->snapshot.cluster = arena_strdup(cycle.arena, c->cluster);
	cluster_id = rd_kafka_clusterid(cycle.rk, 0);
	result->snapshot.kafka_cluster_id = arena_strdup(cycle.arena, cluster_id);
	free(cluster_id);
	result->snapshot.controller_id = rd_kafka_controllerid(cycle.rk, 0);
	collect_brokers(&cycle);
	collect_topics(&cycle);
	cycle.queue = rd_kafka_queue_new(cycle.rk);

	/* Configs, ACLs and the group list travel while the watermarks and quotas are read. */
	pending = collect_configs_request(&cycle);
	collect_acls_request(&cycle);
	collect_list_groups_request(&cycle);
	pending += 2;
	log_ends_asked = collect_now_ms();
	collect_watermarks(&cycle, RD_KAFKA_OFFSET_END);
	log_ends_read = collect_now_ms();
	collect_watermarks(&cycle, RD_KAFKA_OFFSET_BEGINNING);
	collect_quotas(&cycle);
	collect_serve(&cycle, pending, SNAPSHOT_CONFIGS);
	collect_check_authorizer(&cycle);
	if (result->snapshot.section_errors[SNAPSHOT_GROUPS] == NULL)
		collect_groups(&cycle);
	result->snapshot.groups = cycle.groups;
	result->snapshot.group_count = cycle.group_count;

	rd_kafka_metadata_destroy(cycle.metadata);
	/* The snapshot's time is when its log end offsets were read (the middle of those
	 * requests), not when the cycle began: time lag interpolates between log end offsets
	 * by this time, and the metadata before them can take a while on a large cluster. */
	result->snapshot.collected_at_ms = log_ends_asked + (log_ends_read - log_ends_asked) / 2;
	result->snapshot.cycle_duration_ms = monotonic_ms() - started;
	rd_kafka_queue_destroy(cycle.queue);
	collector_refresh(c);
	*out = result;
	return 0;
}
