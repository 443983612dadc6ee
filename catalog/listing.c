/* listing: the catalog's listings as rows of DESIGN.md's fields.
 *
 * Each listing is one SELECT whose column aliases are field names (columns whose alias
 * starts with '_' are only for the listing's own use) and, where a field needs more than
 * SQL (ownership by glob, a topic's configs), a function that completes each row. */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog/store_sql.h"
#include "kfleet/lag.h"
#include "kfleet/listing.h"
#include "kfleet/owners.h"

struct listing_job {
	struct store *store;
	struct owners *owners;
	const struct listing_filter *filter;
	/* The owner last resolved, and of which topic or group (row id): listings of
	 * partitions and members resolve it once for the consecutive rows of one. */
	bool owner_cached;
	sqlite3_int64 owner_of;
	struct owner owner;
};

/* Add the fields SQL cannot give to ROW, from STATEMENT's current row. */
typedef int (*listing_complete_fn)(struct listing_job *job, json_t *row, sqlite3_stmt *statement,
                                   char **err);

struct listing_spec {
	const char *const *fields;
	size_t field_count;
	const char *sql;
	listing_complete_fn complete;   /* or NULL */
	int needs_owners;
	int group_status;               /* field status is a consumer group's (enum lag_status) */
};

#define LISTING_FIELDS(...) \
	.fields = (const char *const[]){ __VA_ARGS__ }, \
	.field_count = sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *)

/* ---------------------------------------------------------------- SQL */

/* controller: null while the cluster's controller is unknown. */
static const char sql_brokers[] =
	"SELECT c.name AS cluster, b.node_id AS broker, b.host AS host, b.port AS port,"
	" b.rack AS rack,"
	" CASE WHEN c.controller_id IS NULL THEN NULL ELSE c.controller_id = b.node_id END"
	"   AS _controller"
	" FROM brokers b JOIN clusters c ON c.id = b.cluster_id"
	" WHERE (:cluster IS NULL OR c.name = :cluster) ORDER BY c.name, b.node_id";

static const char sql_clusters[] =
	"SELECT c.name AS cluster, c.kafka_cluster_id AS kafka_cluster_id, c.status AS status,"
	" c.error AS error,"
	" (SELECT count(*) FROM brokers b WHERE b.cluster_id = c.id) AS brokers,"
	" c.controller_id AS controller,"
	" (SELECT count(*) FROM topics t WHERE t.cluster_id = c.id) AS topics,"
	" (SELECT count(*) FROM partitions p JOIN topics t ON t.id = p.topic_id"
	"   WHERE t.cluster_id = c.id) AS \"partitions\","
	" (SELECT count(*) FROM consumer_groups g WHERE g.cluster_id = c.id) AS \"groups\","
	" c.last_collected_ms AS _last_collected_ms"
	" FROM clusters c WHERE (:cluster IS NULL OR c.name = :cluster) ORDER BY c.name";

/* Replicas and ISR are comma-separated broker ids: count the commas. */
#define LISTING_ID_COUNT(column) \
	"(CASE WHEN " column " = '' THEN 0" \
	" ELSE length(" column ") - length(replace(" column ", ',', '')) + 1 END)"

static const char sql_topics[] =
	"SELECT c.name AS cluster, t.name AS topic, t.partition_count AS \"partitions\","
	" t.replication_factor AS replication_factor,"
	" (SELECT count(*) FROM partitions p WHERE p.topic_id = t.id"
	"   AND " LISTING_ID_COUNT("p.isr") " < " LISTING_ID_COUNT("p.replicas") ") AS under_replicated,"
	" t.internal AS _internal, t.id AS _topic_id"
	" FROM topics t JOIN clusters c ON c.id = t.cluster_id"
	" WHERE (:cluster IS NULL OR c.name = :cluster) AND (:topic IS NULL OR t.name = :topic)"
	" ORDER BY c.name, t.name";

/* Replicas and ISR stay text here: the row's completion makes them arrays. */
static const char sql_partitions[] =
	"SELECT c.name AS cluster, t.name AS topic, p.partition AS partition,"
	" p.leader_id AS leader, p.replicas AS _replicas, p.isr AS _isr,"
	" p.low_watermark AS log_start_offset, p.high_watermark AS log_end_offset,"
	" t.id AS _topic_id"
	" FROM partitions p JOIN topics t ON t.id = p.topic_id JOIN clusters c ON c.id = t.cluster_id"
	" WHERE (:cluster IS NULL OR c.name = :cluster) AND (:topic IS NULL OR t.name = :topic)"
	" ORDER BY c.name, t.name, p.partition";

static const char sql_topic_configs[] =
	"SELECT name, value FROM topic_configs WHERE topic_id = ?1 AND is_default = 0 ORDER BY name";

/* A group's lag: the sum over its committed partitions of log end - committed offset. */
#define LISTING_GROUPS_SELECT \
	"SELECT c.name AS cluster, g.name AS \"group\", g.state AS state," \
	" (SELECT count(*) FROM group_members m WHERE m.consumer_group_id = g.id) AS members," \
	" coalesce(g.lag, " SCHEMA_GROUP_LAG("g") ") AS lag," \
	" g.max_time_lag_ms / 1000.0 AS max_time_lag_seconds, g.status AS status," \
	" g.status_reason AS status_reason" \
	" FROM consumer_groups g JOIN clusters c ON c.id = g.cluster_id" \
	" WHERE (:cluster IS NULL OR c.name = :cluster) AND (:group IS NULL OR g.name = :group)"

static const char sql_groups[] = LISTING_GROUPS_SELECT " ORDER BY c.name, g.name";
/* Worst first: by status (the order of enum lag_status), then time lag, then lag. */
#define LISTING_STATUS_RANK(column) \
	"CASE " column " WHEN 'STOPPED' THEN 5 WHEN 'STALLED' THEN 4 WHEN 'REWIND' THEN 3" \
	" WHEN 'WARNING' THEN 2 WHEN 'OK' THEN 1 ELSE 0 END"

static const char sql_lag[] =
	LISTING_GROUPS_SELECT " ORDER BY " LISTING_STATUS_RANK("g.status") " DESC,"
	" g.max_time_lag_ms IS NULL, g.max_time_lag_ms DESC, lag IS NULL, lag DESC, c.name, g.name";

static const char sql_lag_partitions[] =
	"SELECT c.name AS cluster, g.name AS \"group\", o.topic AS topic, o.partition AS partition,"
	" o.committed_offset AS committed_offset, p.high_watermark AS log_end_offset,"
	" max(p.high_watermark - o.committed_offset, 0) AS lag,"
	" o.time_lag_ms / 1000.0 AS time_lag_seconds,"
	" o.time_lag_estimated AS _time_lag_estimated, g.status AS status"
	" FROM committed_offsets o JOIN consumer_groups g ON g.id = o.consumer_group_id"
	" JOIN clusters c ON c.id = g.cluster_id"
	" LEFT JOIN topics t ON t.cluster_id = g.cluster_id AND t.name = o.topic"
	" LEFT JOIN partitions p ON p.topic_id = t.id AND p.partition = o.partition"
	" WHERE (:cluster IS NULL OR c.name = :cluster) AND (:group IS NULL OR g.name = :group)"
	" AND (:topic IS NULL OR o.topic = :topic)"
	" ORDER BY o.time_lag_ms IS NULL, o.time_lag_ms DESC, lag IS NULL, lag DESC, c.name,"
	" g.name, o.topic, o.partition";

static const char sql_members[] =
	"SELECT c.name AS cluster, g.name AS \"group\", m.member_id AS member_id,"
	" m.client_id AS client_id, m.host AS host, m.id AS _member_row_id, g.id AS _group_id"
	" FROM group_members m JOIN consumer_groups g ON g.id = m.consumer_group_id"
	" JOIN clusters c ON c.id = g.cluster_id"
	" WHERE (:cluster IS NULL OR c.name = :cluster) AND (:group IS NULL OR g.name = :group)"
	" ORDER BY c.name, g.name, m.member_id, m.id";

static const char sql_member_assignments[] =
	"SELECT topic, partition FROM member_assignments WHERE group_member_id = ?1"
	" ORDER BY topic, partition";

static const char sql_acls[] =
	"SELECT c.name AS cluster, a.principal AS principal, a.host AS host,"
	" a.operation AS operation, a.permission AS permission, a.resource_type AS resource_type,"
	" a.resource_name AS resource_name, a.pattern_type AS pattern_type"
	" FROM acls a JOIN clusters c ON c.id = a.cluster_id"
	" WHERE (:cluster IS NULL OR c.name = :cluster)"
	" AND (:topic IS NULL OR (a.resource_type = 'TOPIC' AND a.resource_name = :topic))"
	" ORDER BY c.name, a.principal, a.resource_type, a.resource_name, a.operation, a.id";

static const char sql_quotas[] =
	"SELECT c.name AS cluster, q.id AS _quota_entity_id"
	" FROM quota_entities q JOIN clusters c ON c.id = q.cluster_id"
	" WHERE (:cluster IS NULL OR c.name = :cluster) ORDER BY c.name, q.id";

static const char sql_quota_parts[] =
	"SELECT entity_type, entity_name FROM quota_entity_parts WHERE quota_entity_id = ?1"
	" ORDER BY entity_type";

static const char sql_quota_values[] =
	"SELECT key, value FROM quota_values WHERE quota_entity_id = ?1 ORDER BY key";

static const char sql_services[] =
	"SELECT s.name AS service, t.name AS team, s.lifecycle AS lifecycle, s.id AS _service_id"
	" FROM services s LEFT JOIN teams t ON t.id = s.team_id ORDER BY s.name";

static const char sql_service_bindings[] =
	"SELECT kind, cluster, pattern FROM service_bindings WHERE service_id = ?1 ORDER BY id";

static const char sql_teams[] =
	"SELECT t.name AS team, t.email AS email, t.id AS _team_id FROM teams t ORDER BY t.name";

static const char sql_team_services[] =
	"SELECT name FROM services WHERE team_id = ?1 ORDER BY name";

/* The audit log, newest first (ids break ties within a millisecond). */
static const char sql_offset_resets[] =
	"SELECT r.id AS id, r.time_ms AS _time_ms, r.user AS user, r.host AS host,"
	" r.cluster AS cluster, r.group_name AS \"group\", r.mode AS mode, r.executed AS _executed,"
	" r.outcome AS outcome, r.undo_of AS undo_of"
	" FROM offset_resets r"
	" WHERE (:cluster IS NULL OR r.cluster = :cluster)"
	" AND (:group IS NULL OR r.group_name = :group)"
	" ORDER BY r.time_ms DESC, r.id DESC";

/* A reset's partitions in the order the reset recorded them. */
static const char sql_offset_reset_partitions[] =
	"SELECT topic, partition, before_offset, after_offset, error"
	" FROM offset_reset_partitions WHERE offset_reset_id = ?1 ORDER BY id";

/* ---------------------------------------------------------------- helpers */

/* Column I of STATEMENT as JSON (NULL → null). */
static json_t *
listing_value(sqlite3_stmt *statement, int i)
{
	switch (sqlite3_column_type(statement, i)) {
	case SQLITE_INTEGER:
		return json_integer(sqlite3_column_int64(statement, i));
	case SQLITE_FLOAT:
		return json_real(sqlite3_column_double(statement, i));
	case SQLITE_TEXT:
		return json_string((const char *)sqlite3_column_text(statement, i));
	default:
		return json_null();
	}
}

/* The index of the column aliased NAME in STATEMENT, or -1. */
static int
listing_column(sqlite3_stmt *statement, const char *name)
{
	for (int i = 0; i < sqlite3_column_count(statement); i++)
		if (strcmp(sqlite3_column_name(statement, i), name) == 0)
			return i;
	return -1;
}

/* The integer of the column aliased NAME in STATEMENT's row (0 when absent). */
static sqlite3_int64
listing_column_int(sqlite3_stmt *statement, const char *name)
{
	int i = listing_column(statement, name);

	return i >= 0 ? sqlite3_column_int64(statement, i) : 0;
}

/* A string field of ROW, or NULL when it is null or absent. */
static const char *
listing_text(const json_t *row, const char *field)
{
	return json_string_value(json_object_get(row, field));
}

/* ISO 8601 UTC of MS since the epoch. */
static json_t *
listing_time(sqlite3_int64 ms)
{
	char text[32];
	time_t seconds = (time_t)(ms / 1000);
	struct tm tm;

	if (gmtime_r(&seconds, &tm) == NULL)
		return json_null();
	strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(text);
}

static json_t *
listing_string_or_null(const char *text)
{
	return text != NULL ? json_string(text) : json_null();
}

/* Set ROW's FIELD to the truth of the column aliased NAME, leaving it null when that is. */
static void
listing_set_boolean(json_t *row, const char *field, sqlite3_stmt *statement, const char *name)
{
	int i = listing_column(statement, name);

	if (i >= 0 && sqlite3_column_type(statement, i) != SQLITE_NULL)
		json_object_set_new(row, field, json_boolean(sqlite3_column_int(statement, i)));
}

/* The broker ids of the column aliased NAME ("1,2,3", as the schema keeps replicas and
 * ISR) as a JSON array of integers. */
static json_t *
listing_ids(sqlite3_stmt *statement, const char *name)
{
	int i = listing_column(statement, name);
	const char *text = i >= 0 ? (const char *)sqlite3_column_text(statement, i) : NULL;
	json_t *ids = json_array();

	while (text != NULL && *text != '\0') {
		char *end;
		long long id = strtoll(text, &end, 10);

		if (end == text)
			break;
		json_array_append_new(ids, json_integer(id));
		text = *end == ',' ? end + 1 : end;
	}
	return ids;
}

/* Run the per-row STATEMENT (SQL with ?1 = ID) and hand each result row to ADD. */
static int
listing_each(struct listing_job *job, const char *sql, sqlite3_int64 id,
             void (*add)(json_t *target, sqlite3_stmt *statement), json_t *target, char **err)
{
	sqlite3_stmt *statement = store_statement(job->store, sql, err);
	int rc;

	if (statement == NULL)
		return -1;
	sqlite3_bind_int64(statement, 1, id);
	while ((rc = sqlite3_step(statement)) == SQLITE_ROW)
		add(target, statement);
	sqlite3_reset(statement);
	if (rc != SQLITE_DONE)
		return store_fail(job->store, err, "listing");
	return 0;
}

static void
listing_add_pair(json_t *object, sqlite3_stmt *statement)
{
	json_object_set_new(object, (const char *)sqlite3_column_text(statement, 0),
	                    listing_value(statement, 1));
}

static void
listing_add_first(json_t *array, sqlite3_stmt *statement)
{
	json_array_append_new(array, listing_value(statement, 0));
}

/* ---------------------------------------------------------------- completions */

static int
listing_complete_cluster(struct listing_job *job, json_t *row, sqlite3_stmt *statement, char **err)
{
	int i = listing_column(statement, "_last_collected_ms");

	(void)job;
	(void)err;
	if (i >= 0 && sqlite3_column_type(statement, i) != SQLITE_NULL)
		json_object_set_new(row, "last_collected",
		                    listing_time(sqlite3_column_int64(statement, i)));
	return 0;
}

/* A topic's owner: the team of its Resource, else that of the service producing it;
 * the service producing it. */
static struct owner
listing_topic_owner(const struct owners *owners, const char *cluster, const char *topic)
{
	const struct owners_topic *meta = owners_topic(owners, cluster, topic);
	struct owner producer = owners_producer(owners, cluster, topic);

	if (meta != NULL && meta->team != NULL)
		producer.team = meta->team;
	return producer;
}

/* The owner of the topic or group whose row id is in the column aliased KEY of STATEMENT,
 * resolved by RESOLVE from ROW's cluster and NAME field unless it was for the row before. */
static struct owner
listing_cached_owner(struct listing_job *job, const json_t *row, sqlite3_stmt *statement,
                     const char *key, const char *name,
                     struct owner (*resolve)(const struct owners *, const char *, const char *))
{
	sqlite3_int64 id = listing_column_int(statement, key);

	if (!job->owner_cached || job->owner_of != id) {
		job->owner = resolve(job->owners, listing_text(row, "cluster"), listing_text(row, name));
		job->owner_of = id;
		job->owner_cached = true;
	}
	return job->owner;
}

static int
listing_complete_topic(struct listing_job *job, json_t *row, sqlite3_stmt *statement, char **err)
{
	const char *cluster = listing_text(row, "cluster"), *topic = listing_text(row, "topic");
	const struct owners_topic *meta = owners_topic(job->owners, cluster, topic);
	struct owner owner = listing_topic_owner(job->owners, cluster, topic);
	json_t *configs = json_object(), *tags = json_array();

	json_object_set_new(row, "internal", json_boolean(listing_column_int(statement, "_internal")));
	json_object_set_new(row, "configs", configs);
	if (listing_each(job, sql_topic_configs, listing_column_int(statement, "_topic_id"),
	                 listing_add_pair, configs, err) < 0)
		return -1;
	json_object_set_new(row, "team", listing_string_or_null(owner.team));
	json_object_set_new(row, "service", listing_string_or_null(owner.service));
	for (size_t i = 0; meta != NULL && i < meta->tag_count; i++)
		json_array_append_new(tags, json_string(meta->tags[i]));
	json_object_set_new(row, "tags", tags);
	return 0;
}

static int
listing_complete_broker(struct listing_job *job, json_t *row, sqlite3_stmt *statement, char **err)
{
	(void)job;
	(void)err;
	listing_set_boolean(row, "controller", statement, "_controller");
	return 0;
}

/* A topic's partition: replicas and ISR as arrays, whether the ISR is short of the
 * replicas (as kfleet topics counts under-replicated partitions), the topic's owner. */
static int
listing_complete_topic_partition(struct listing_job *job, json_t *row, sqlite3_stmt *statement,
                                 char **err)
{
	json_t *replicas = listing_ids(statement, "_replicas"), *isr = listing_ids(statement, "_isr");
	struct owner owner = listing_cached_owner(job, row, statement, "_topic_id", "topic",
	                                          listing_topic_owner);

	(void)err;
	json_object_set_new(row, "under_replicated",
	                    json_boolean(json_array_size(isr) < json_array_size(replicas)));
	json_object_set_new(row, "replicas", replicas);
	json_object_set_new(row, "isr", isr);
	json_object_set_new(row, "team", listing_string_or_null(owner.team));
	json_object_set_new(row, "service", listing_string_or_null(owner.service));
	return 0;
}

static int
listing_complete_group(struct listing_job *job, json_t *row, sqlite3_stmt *statement, char **err)
{
	struct owner owner = owners_group(job->owners, listing_text(row, "cluster"),
	                                  listing_text(row, "group"));

	(void)statement;
	(void)err;
	json_object_set_new(row, "service", listing_string_or_null(owner.service));
	json_object_set_new(row, "team", listing_string_or_null(owner.team));
	return 0;
}

/* A group's partition: its owners, and whether its time lag is extrapolated. */
static int
listing_complete_partition(struct listing_job *job, json_t *row, sqlite3_stmt *statement,
                           char **err)
{
	listing_set_boolean(row, "time_lag_estimated", statement, "_time_lag_estimated");
	return listing_complete_group(job, row, statement, err);
}

/* One assigned partition into BY_TOPIC, an object of topic: [partition, ...]. */
static void
listing_add_assignment(json_t *by_topic, sqlite3_stmt *statement)
{
	const char *topic = (const char *)sqlite3_column_text(statement, 0);
	json_t *partitions = json_object_get(by_topic, topic);

	if (partitions == NULL) {
		partitions = json_array();
		json_object_set_new(by_topic, topic, partitions);
	}
	json_array_append_new(partitions, listing_value(statement, 1));
}

/* "topic[0,1,2]": TOPIC and its PARTITIONS (caller frees), or NULL when out of memory. */
static char *
listing_assignment_text(const char *topic, const json_t *partitions)
{
	char *text = NULL;
	size_t length = 0, index;
	FILE *out = open_memstream(&text, &length);
	const json_t *partition;

	if (out == NULL)
		return NULL;
	fprintf(out, "%s[", topic);
	json_array_foreach(partitions, index, partition)
		fprintf(out, "%s%" JSON_INTEGER_FORMAT, index > 0 ? "," : "",
		        json_integer_value(partition));
	fputc(']', out);
	if (fclose(out) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* A group's member: its assignments as "topic[partitions]" by topic name, its group's
 * owner. */
static int
listing_complete_member(struct listing_job *job, json_t *row, sqlite3_stmt *statement,
                        char **err)
{
	struct owner owner = listing_cached_owner(job, row, statement, "_group_id", "group",
	                                          owners_group);
	json_t *by_topic = json_object(), *assignments = json_array(), *partitions;
	const char *topic;
	int rc;

	json_object_set_new(row, "assignments", assignments);
	json_object_set_new(row, "service", listing_string_or_null(owner.service));
	json_object_set_new(row, "team", listing_string_or_null(owner.team));
	rc = listing_each(job, sql_member_assignments, listing_column_int(statement, "_member_row_id"),
	                  listing_add_assignment, by_topic, err);
	if (rc == 0) {
		json_object_foreach(by_topic, topic, partitions) {
			char *text = listing_assignment_text(topic, partitions);

			if (text == NULL) {
				*err = strfmt("catalog %s: listing: out of memory", store_path(job->store));
				rc = -1;
				break;
			}
			json_array_append_new(assignments, json_string(text));
			free(text);
		}
	}
	json_decref(by_topic);
	return rc;
}

static int
listing_complete_acl(struct listing_job *job, json_t *row, sqlite3_stmt *statement, char **err)
{
	struct owner owner = owners_principal(job->owners, listing_text(row, "cluster"),
	                                      listing_text(row, "principal"));

	(void)statement;
	(void)err;
	json_object_set_new(row, "service", listing_string_or_null(owner.service));
	return 0;
}

static int
listing_complete_quota(struct listing_job *job, json_t *row, sqlite3_stmt *statement, char **err)
{
	sqlite3_int64 id = listing_column_int(statement, "_quota_entity_id");
	json_t *entity = json_object(), *quotas = json_object();

	json_object_set_new(row, "entity", entity);
	json_object_set_new(row, "quotas", quotas);
	if (listing_each(job, sql_quota_parts, id, listing_add_pair, entity, err) < 0)
		return -1;
	return listing_each(job, sql_quota_values, id, listing_add_pair, quotas, err);
}

/* A service's bindings into the row's arrays: consumer groups bound to one cluster read
 * "cluster/group", as in the Backstage Kafka plugin's annotation. */
static void
listing_add_binding(json_t *row, sqlite3_stmt *statement)
{
	static const struct {
		const char *kind, *field;
	} fields[] = {
		{ "consumer_group", "consumer_groups" },
		{ "principal", "principals" },
		{ "client_id", "client_ids" },
		{ "produces", "produces" },
	};
	const char *kind = (const char *)sqlite3_column_text(statement, 0);
	const char *cluster = (const char *)sqlite3_column_text(statement, 1);
	const char *pattern = (const char *)sqlite3_column_text(statement, 2);

	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		if (strcmp(kind, fields[i].kind) != 0)
			continue;
		json_array_append_new(json_object_get(row, fields[i].field),
		                      cluster != NULL ? json_sprintf("%s/%s", cluster, pattern)
		                                      : json_string(pattern));
	}
}

static int
listing_complete_service(struct listing_job *job, json_t *row, sqlite3_stmt *statement,
                         char **err)
{
	json_object_set_new(row, "consumer_groups", json_array());
	json_object_set_new(row, "principals", json_array());
	json_object_set_new(row, "client_ids", json_array());
	json_object_set_new(row, "produces", json_array());
	return listing_each(job, sql_service_bindings, listing_column_int(statement, "_service_id"),
	                    listing_add_binding, row, err);
}

static int
listing_complete_team(struct listing_job *job, json_t *row, sqlite3_stmt *statement, char **err)
{
	json_t *services = json_array();

	json_object_set_new(row, "services", services);
	return listing_each(job, sql_team_services, listing_column_int(statement, "_team_id"),
	                    listing_add_first, services, err);
}

/* One partition of a reset, as {topic, partition, before, after, error}. */
static void
listing_add_reset_partition(json_t *partitions, sqlite3_stmt *statement)
{
	json_array_append_new(partitions, json_pack("{s:o, s:o, s:o, s:o, s:o}",
		"topic", listing_value(statement, 0), "partition", listing_value(statement, 1),
		"before", listing_value(statement, 2), "after", listing_value(statement, 3),
		"error", listing_value(statement, 4)));
}

static int
listing_complete_offset_reset(struct listing_job *job, json_t *row, sqlite3_stmt *statement,
                              char **err)
{
	json_t *partitions = json_array();

	json_object_set_new(row, "time", listing_time(listing_column_int(statement, "_time_ms")));
	json_object_set_new(row, "executed",
	                    json_boolean(listing_column_int(statement, "_executed")));
	json_object_set_new(row, "partitions", partitions);
	return listing_each(job, sql_offset_reset_partitions, listing_column_int(statement, "id"),
	                    listing_add_reset_partition, partitions, err);
}

/* ---------------------------------------------------------------- the listings */

#define LISTING_GROUP_FIELDS \
	"cluster", "group", "state", "members", "lag", "max_time_lag_seconds", "status", \
	"status_reason", "service", "team"

static const struct listing_spec listing_specs[LISTING_KIND_COUNT] = {
	[LISTING_CLUSTERS] = {
		LISTING_FIELDS("cluster", "kafka_cluster_id", "status", "error", "brokers",
		               "controller", "topics", "partitions", "groups", "last_collected"),
		.sql = sql_clusters,
		.complete = listing_complete_cluster,
	},
	[LISTING_TOPICS] = {
		LISTING_FIELDS("cluster", "topic", "partitions", "replication_factor",
		               "under_replicated", "internal", "configs", "team", "service", "tags"),
		.sql = sql_topics,
		.complete = listing_complete_topic,
		.needs_owners = 1,
	},
	[LISTING_GROUPS] = {
		LISTING_FIELDS(LISTING_GROUP_FIELDS),
		.sql = sql_groups,
		.complete = listing_complete_group,
		.needs_owners = 1,
		.group_status = 1,
	},
	[LISTING_LAG] = {
		LISTING_FIELDS(LISTING_GROUP_FIELDS),
		.sql = sql_lag,
		.complete = listing_complete_group,
		.needs_owners = 1,
		.group_status = 1,
	},
	[LISTING_LAG_PARTITIONS] = {
		LISTING_FIELDS("cluster", "group", "topic", "partition", "committed_offset",
		               "log_end_offset", "lag", "time_lag_seconds", "time_lag_estimated",
		               "status", "service", "team"),
		.sql = sql_lag_partitions,
		.complete = listing_complete_partition,
		.needs_owners = 1,
		.group_status = 1,
	},
	[LISTING_ACLS] = {
		LISTING_FIELDS("cluster", "principal", "host", "operation", "permission",
		               "resource_type", "resource_name", "pattern_type", "service"),
		.sql = sql_acls,
		.complete = listing_complete_acl,
		.needs_owners = 1,
	},
	[LISTING_QUOTAS] = {
		LISTING_FIELDS("cluster", "entity", "quotas"),
		.sql = sql_quotas,
		.complete = listing_complete_quota,
	},
	[LISTING_SERVICES] = {
		LISTING_FIELDS("service", "team", "lifecycle", "consumer_groups", "principals",
		               "client_ids", "produces"),
		.sql = sql_services,
		.complete = listing_complete_service,
	},
	[LISTING_TEAMS] = {
		LISTING_FIELDS("team", "email", "services"),
		.sql = sql_teams,
		.complete = listing_complete_team,
	},
	[LISTING_OFFSET_RESETS] = {
		LISTING_FIELDS("id", "time", "user", "host", "cluster", "group", "mode", "executed",
		               "outcome", "undo_of", "partitions"),
		.sql = sql_offset_resets,
		.complete = listing_complete_offset_reset,
	},
	[LISTING_BROKERS] = {
		LISTING_FIELDS("cluster", "broker", "host", "port", "rack", "controller"),
		.sql = sql_brokers,
		.complete = listing_complete_broker,
	},
	[LISTING_PARTITIONS] = {
		LISTING_FIELDS("cluster", "topic", "partition", "leader", "replicas", "isr",
		               "under_replicated", "log_start_offset", "log_end_offset", "team",
		               "service"),
		.sql = sql_partitions,
		.complete = listing_complete_topic_partition,
		.needs_owners = 1,
	},
	[LISTING_MEMBERS] = {
		LISTING_FIELDS("cluster", "group", "member_id", "client_id", "host", "assignments",
		               "service", "team"),
		.sql = sql_members,
		.complete = listing_complete_member,
		.needs_owners = 1,
	},
};

const char *const *
listing_fields(enum listing_kind kind, size_t *count)
{
	*count = listing_specs[kind].field_count;
	return listing_specs[kind].fields;
}

int
listing_has_field(enum listing_kind kind, const char *field)
{
	const struct listing_spec *spec = &listing_specs[kind];

	for (size_t i = 0; i < spec->field_count; i++)
		if (strcmp(spec->fields[i], field) == 0)
			return 1;
	return 0;
}

/* Whether ROW of SPEC passes the filters SQL did not apply (ownership is resolved in C,
 * statuses are lag.h's). */
static int
listing_keep(const struct listing_spec *spec, const json_t *row,
             const struct listing_filter *filter)
{
	const struct {
		const char *field, *wanted;
	} checks[] = {
		{ "cluster", filter->cluster },
		{ "team", filter->team },
		{ "service", filter->service },
		{ "group", filter->group },
		{ "topic", filter->topic },
	};

	for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++) {
		const char *value;

		if (checks[i].wanted == NULL)
			continue;
		value = listing_text(row, checks[i].field);
		if (value == NULL || strcmp(value, checks[i].wanted) != 0)
			return 0;
	}
	if (filter->statuses != 0) {
		const char *name = listing_text(row, "status");
		int status = name != NULL ? lag_status_parse(name) : LAG_STATUS_UNKNOWN;

		if (!spec->group_status || status < 0 || !(filter->statuses & (1u << status)))
			return 0;
	}
	return 1;
}

static void
listing_bind(sqlite3_stmt *statement, const char *name, const char *value)
{
	int index = sqlite3_bind_parameter_index(statement, name);

	if (index > 0 && value != NULL)
		sqlite3_bind_text(statement, index, value, -1, SQLITE_STATIC);
}

/* One row of SPEC from STATEMENT: every field in order, null until set. */
static json_t *
listing_row(const struct listing_spec *spec, sqlite3_stmt *statement)
{
	json_t *row = json_object();

	for (size_t i = 0; i < spec->field_count; i++)
		json_object_set_new(row, spec->fields[i], json_null());
	for (int i = 0; i < sqlite3_column_count(statement); i++) {
		const char *name = sqlite3_column_name(statement, i);

		if (name[0] != '_')
			json_object_set_new(row, name, listing_value(statement, i));
	}
	return row;
}

json_t *
listing_query(struct store *store, enum listing_kind kind, const struct listing_filter *filter,
              char **err)
{
	static const struct listing_filter no_filter = { 0 };
	const struct listing_spec *spec = &listing_specs[kind];
	struct listing_job job = { .store = store, .filter = filter ? filter : &no_filter };
	sqlite3_stmt *statement;
	json_t *rows;
	int rc;

	/* One read transaction, so every row comes from the same generation and ownership. */
	if (store_exec(store, "BEGIN", err) < 0)
		return NULL;
	if (spec->needs_owners && (job.owners = owners_load(store, err)) == NULL) {
		store_rollback(store);
		return NULL;
	}
	statement = store_statement(store, spec->sql, err);
	if (statement == NULL) {
		store_rollback(store);
		owners_free(job.owners);
		return NULL;
	}
	listing_bind(statement, ":cluster", job.filter->cluster);
	listing_bind(statement, ":group", job.filter->group);
	listing_bind(statement, ":topic", job.filter->topic);
	rows = json_array();
	while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
		json_t *row = listing_row(spec, statement);

		if (spec->complete != NULL && spec->complete(&job, row, statement, err) < 0) {
			json_decref(row);
			break;
		}
		if (listing_keep(spec, row, job.filter))
			json_array_append_new(rows, row);
		else
			json_decref(row);
	}
	sqlite3_reset(statement);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		store_fail(store, err, "listing");
	store_rollback(store);
	owners_free(job.owners);
	if (rc != SQLITE_DONE) {
		json_decref(rows);
		return NULL;
	}
	return rows;
}
