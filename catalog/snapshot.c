/* snapshot: write one collection cycle of a cluster to the catalog as its new generation.
 *
 * A generation is written in one write transaction: the cluster row is bumped, the
 * cluster's current rows are deleted (children follow by ON DELETE CASCADE) and the
 * snapshot's rows inserted, lag samples are appended, and the section statuses updated.
 * Readers in WAL mode keep seeing the previous generation until COMMIT. Every statement
 * is a fixed string with bound parameters, prepared once and cached on the store. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/history_write.h"
#include "catalog/store_sql.h"
#include "kfleet/snapshot.h"

static const char *const snapshot_section_names[SNAPSHOT_SECTION_COUNT] = {
	[SNAPSHOT_BROKERS] = "brokers",
	[SNAPSHOT_TOPICS] = "topics",
	[SNAPSHOT_CONFIGS] = "configs",
	[SNAPSHOT_ACLS] = "acls",
	[SNAPSHOT_QUOTAS] = "quotas",
	[SNAPSHOT_GROUPS] = "groups",
};

/* ?1 name, ?2 kafka_cluster_id, ?3 controller_id, ?4 status, ?5 error, ?6 collected_at,
 * ?7 cycle duration. A cluster seen for the first time gets generation 1. */
static const char sql_upsert_cluster[] =
	"INSERT INTO clusters (name, kafka_cluster_id, controller_id, status, error,"
	"  last_collected_ms, cycle_duration_ms, generation)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 1)"
	" ON CONFLICT (name) DO UPDATE SET kafka_cluster_id = excluded.kafka_cluster_id,"
	"  controller_id = excluded.controller_id, status = excluded.status,"
	"  error = excluded.error, unreachable_since_ms = NULL,"
	"  last_collected_ms = excluded.last_collected_ms,"
	"  cycle_duration_ms = excluded.cycle_duration_ms, generation = generation + 1"
	" RETURNING id";

/* The cluster's current state; partitions, configs, quota parts and values, members,
 * assignments and committed offsets go with their parents. History stays. */
static const char *const sql_clear_current[] = {
	"DELETE FROM brokers WHERE cluster_id = ?1",
	"DELETE FROM topics WHERE cluster_id = ?1",
	"DELETE FROM acls WHERE cluster_id = ?1",
	"DELETE FROM quota_entities WHERE cluster_id = ?1",
	"DELETE FROM consumer_groups WHERE cluster_id = ?1",
};

/* Every group's total lag, once the generation's topics and offsets are written. */
static const char *const sql_group_lag[] = {
	"UPDATE consumer_groups AS g SET lag = " SCHEMA_GROUP_LAG("g") " WHERE g.cluster_id = ?1",
};

static const char sql_insert_broker[] =
	"INSERT INTO brokers (cluster_id, node_id, host, port, rack) VALUES (?1, ?2, ?3, ?4, ?5)";
static const char sql_insert_topic[] =
	"INSERT INTO topics (cluster_id, name, partition_count, replication_factor, internal)"
	" VALUES (?1, ?2, ?3, ?4, ?5)";
static const char sql_insert_partition[] =
	"INSERT INTO partitions (topic_id, partition, leader_id, replicas, isr, low_watermark,"
	"  high_watermark) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char sql_insert_config[] =
	"INSERT INTO topic_configs (topic_id, name, value, source, is_default, is_sensitive)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char sql_insert_acl[] =
	"INSERT INTO acls (cluster_id, principal, host, operation, permission, resource_type,"
	"  resource_name, pattern_type) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
static const char sql_insert_quota_entity[] =
	"INSERT INTO quota_entities (cluster_id) VALUES (?1)";
static const char sql_insert_quota_part[] =
	"INSERT INTO quota_entity_parts (quota_entity_id, entity_type, entity_name)"
	" VALUES (?1, ?2, ?3)";
static const char sql_insert_quota_value[] =
	"INSERT INTO quota_values (quota_entity_id, key, value) VALUES (?1, ?2, ?3)";
static const char sql_insert_group[] =
	"INSERT INTO consumer_groups (cluster_id, name, state, protocol_type, protocol,"
	"  coordinator_id, status, status_reason, max_time_lag_ms)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
static const char sql_insert_member[] =
	"INSERT INTO group_members (consumer_group_id, member_id, client_id, host)"
	" VALUES (?1, ?2, ?3, ?4)";
static const char sql_insert_assignment[] =
	"INSERT INTO member_assignments (group_member_id, topic, partition) VALUES (?1, ?2, ?3)";
static const char sql_insert_offset[] =
	"INSERT INTO committed_offsets (consumer_group_id, topic, partition, committed_offset,"
	"  metadata, time_lag_ms, time_lag_estimated) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

/* ?1 cluster id, ?2 section, ?3 error, ?4 now. since_ms moves only when the section goes
 * from collected to failing or back, so "failing since" survives repeated failures. */
static const char sql_upsert_section[] =
	"INSERT INTO cluster_sections (cluster_id, section, error, since_ms, updated_ms)"
	" VALUES (?1, ?2, ?3, ?4, ?4)"
	" ON CONFLICT (cluster_id, section) DO UPDATE SET"
	"  since_ms = CASE WHEN (error IS NULL) = (excluded.error IS NULL) THEN since_ms"
	"   ELSE excluded.since_ms END,"
	"  error = excluded.error, updated_ms = excluded.updated_ms";

/* ?1 name, ?2 error, ?3 time. The first failure's time is kept while it lasts. */
static const char sql_mark_unreachable[] =
	"INSERT INTO clusters (name, status, error, unreachable_since_ms)"
	" VALUES (?1, 'unreachable', ?2, ?3)"
	" ON CONFLICT (name) DO UPDATE SET status = 'unreachable', error = excluded.error,"
	"  unreachable_since_ms = IFNULL(unreachable_since_ms, excluded.unreachable_since_ms)";

/* One snapshot_write in progress. */
struct snapshot_job {
	struct store *store;
	const struct snapshot *snapshot;
	struct history *history;     /* or NULL */
	const struct history_group_eval *evals;   /* one per group, or NULL */
	sqlite3_int64 cluster_id;
	int bind_rc;                 /* the first bind that failed in this write, or SQLITE_OK */
	char *ids_text;              /* scratch for "1,2,3" replica lists */
	size_t ids_capacity;
};

const char *
snapshot_section_name(enum snapshot_section section)
{
	return section < SNAPSHOT_SECTION_COUNT ? snapshot_section_names[section] : "?";
}

/* Whether the snapshot collected SECTION (its rows are to be written). */
static bool
snapshot_has(const struct snapshot_job *job, enum snapshot_section section)
{
	return job->snapshot->section_errors[section] == NULL;
}

/* Binding helpers: a failed bind (out of memory, too big) is remembered and reported by
 * the next step, so row-writing code reads as a list of columns. */
static void
snapshot_bind_rc(struct snapshot_job *job, int rc)
{
	if (rc != SQLITE_OK && job->bind_rc == SQLITE_OK)
		job->bind_rc = rc;
}

static void
snapshot_bind_text(struct snapshot_job *job, sqlite3_stmt *statement, int index, const char *text)
{
	/* The snapshot outlives the step: no copy. NULL binds SQL NULL. */
	snapshot_bind_rc(job, sqlite3_bind_text(statement, index, text, -1, SQLITE_STATIC));
}

static void
snapshot_bind_int(struct snapshot_job *job, sqlite3_stmt *statement, int index, sqlite3_int64 value)
{
	snapshot_bind_rc(job, sqlite3_bind_int64(statement, index, value));
}

/* VALUE, or NULL when it is -1 (or any negative: "unknown"). */
static void
snapshot_bind_known(struct snapshot_job *job, sqlite3_stmt *statement, int index,
                    sqlite3_int64 value)
{
	snapshot_bind_rc(job, value < 0 ? sqlite3_bind_null(statement, index)
	                                 : sqlite3_bind_int64(statement, index, value));
}

/* Run STATEMENT, which writes WHAT, to completion. */
static int
snapshot_step(struct snapshot_job *job, sqlite3_stmt *statement, const char *what, char **err)
{
	int rc = job->bind_rc;

	if (rc == SQLITE_OK)
		rc = sqlite3_step(statement);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		if (job->bind_rc != SQLITE_OK)
			*err = strfmt("catalog %s: writing cluster %s's %s: %s",
			                     store_path(job->store), job->snapshot->cluster, what,
			                     sqlite3_errstr(job->bind_rc));
		else
			store_fail(job->store, err, "writing cluster %s's %s", job->snapshot->cluster,
			           what);
		sqlite3_reset(statement);
		return -1;
	}
	sqlite3_reset(statement);
	return 0;
}

/* The row id of the last row a step inserted. */
static sqlite3_int64
snapshot_last_id(const struct snapshot_job *job)
{
	return sqlite3_last_insert_rowid(store_sqlite(job->store));
}

/* Bind IDS as "1,2,3" (how partitions keep replica lists) at INDEX. */
static void
snapshot_bind_ids(struct snapshot_job *job, sqlite3_stmt *statement, int index,
                  const int32_t *ids, size_t count)
{
	/* An int32 takes at most 11 characters, plus a comma; one more for the NUL. */
	size_t need = count * 12 + 1;
	size_t used = 0;

	if (need > job->ids_capacity) {
		char *grown = realloc(job->ids_text, need);

		if (grown == NULL) {
			snapshot_bind_rc(job, SQLITE_NOMEM);
			return;
		}
		job->ids_text = grown;
		job->ids_capacity = need;
	}
	job->ids_text[0] = '\0';
	for (size_t i = 0; i < count; i++)
		used += (size_t)snprintf(job->ids_text + used, need - used, i ? ",%d" : "%d",
		                         (int)ids[i]);
	snapshot_bind_rc(job, sqlite3_bind_text(statement, index, job->ids_text, (int)used,
	                                        SQLITE_TRANSIENT));
}

/* The status and error to show for the cluster: the first failed section names why it is
 * degraded. *ERROR is NULL or a new string (caller frees). */
static const char *
snapshot_status(const struct snapshot *snapshot, char **error)
{
	*error = NULL;
	for (int section = 0; section < SNAPSHOT_SECTION_COUNT; section++) {
		if (snapshot->section_errors[section] != NULL) {
			*error = strfmt("%s: %s", snapshot_section_names[section],
			                       snapshot->section_errors[section]);
			return "degraded";
		}
	}
	return "ok";
}

/* Bump the cluster's generation (creating its row on the first one) and learn its id. */
static int
snapshot_write_cluster(struct snapshot_job *job, char **err)
{
	const struct snapshot *s = job->snapshot;
	sqlite3_stmt *upsert = store_statement(job->store, sql_upsert_cluster, err);
	char *error;
	const char *status = snapshot_status(s, &error);
	int rc;

	if (upsert == NULL) {
		free(error);
		return -1;
	}
	snapshot_bind_text(job, upsert, 1, s->cluster);
	snapshot_bind_text(job, upsert, 2, s->kafka_cluster_id);
	snapshot_bind_known(job, upsert, 3, s->controller_id);
	snapshot_bind_text(job, upsert, 4, status);
	snapshot_bind_text(job, upsert, 5, error);
	snapshot_bind_int(job, upsert, 6, s->collected_at_ms);
	snapshot_bind_int(job, upsert, 7, s->cycle_duration_ms);
	rc = job->bind_rc == SQLITE_OK ? sqlite3_step(upsert) : job->bind_rc;
	if (rc == SQLITE_ROW)
		job->cluster_id = sqlite3_column_int64(upsert, 0);
	sqlite3_reset(upsert);   /* before freeing ERROR: the binding points at it */
	free(error);
	if (rc != SQLITE_ROW)
		return store_fail(job->store, err, "writing cluster %s", s->cluster);
	return 0;
}

/* Run each of the fixed STATEMENTS with ?1 the cluster id and ?2 the collection time. */
static int
snapshot_run_for_cluster(struct snapshot_job *job, const char *const *statements, size_t count,
                         const char *what, char **err)
{
	for (size_t i = 0; i < count; i++) {
		sqlite3_stmt *statement = store_statement(job->store, statements[i], err);

		if (statement == NULL)
			return -1;
		snapshot_bind_int(job, statement, 1, job->cluster_id);
		if (sqlite3_bind_parameter_count(statement) >= 2)
			snapshot_bind_int(job, statement, 2, job->snapshot->collected_at_ms);
		if (snapshot_step(job, statement, what, err) < 0)
			return -1;
	}
	return 0;
}

static int
snapshot_write_brokers(struct snapshot_job *job, char **err)
{
	sqlite3_stmt *insert = store_statement(job->store, sql_insert_broker, err);

	if (insert == NULL)
		return -1;
	for (size_t i = 0; i < job->snapshot->broker_count; i++) {
		const struct snapshot_broker *b = &job->snapshot->brokers[i];

		snapshot_bind_int(job, insert, 1, job->cluster_id);
		snapshot_bind_int(job, insert, 2, b->node_id);
		snapshot_bind_text(job, insert, 3, b->host);
		snapshot_bind_int(job, insert, 4, b->port);
		snapshot_bind_text(job, insert, 5, b->rack);
		if (snapshot_step(job, insert, "brokers", err) < 0)
			return -1;
	}
	return 0;
}

static int
snapshot_write_partitions(struct snapshot_job *job, const struct snapshot_topic *t,
                          sqlite3_int64 topic_id, char **err)
{
	sqlite3_stmt *insert = store_statement(job->store, sql_insert_partition, err);

	if (insert == NULL)
		return -1;
	for (size_t i = 0; i < t->partition_count; i++) {
		const struct snapshot_partition *p = &t->partitions[i];

		snapshot_bind_int(job, insert, 1, topic_id);
		snapshot_bind_int(job, insert, 2, p->partition);
		snapshot_bind_known(job, insert, 3, p->leader_id);
		snapshot_bind_ids(job, insert, 4, p->replicas, p->replica_count);
		snapshot_bind_ids(job, insert, 5, p->isr, p->isr_count);
		snapshot_bind_known(job, insert, 6, p->low_watermark);
		snapshot_bind_known(job, insert, 7, p->high_watermark);
		if (snapshot_step(job, insert, "partitions", err) < 0)
			return -1;
	}
	return 0;
}

static int
snapshot_write_configs(struct snapshot_job *job, const struct snapshot_topic *t,
                       sqlite3_int64 topic_id, char **err)
{
	sqlite3_stmt *insert = store_statement(job->store, sql_insert_config, err);

	if (insert == NULL)
		return -1;
	for (size_t i = 0; i < t->config_count; i++) {
		const struct snapshot_config *c = &t->configs[i];

		snapshot_bind_int(job, insert, 1, topic_id);
		snapshot_bind_text(job, insert, 2, c->name);
		/* The one place a secret could enter the catalog: it does not. */
		snapshot_bind_text(job, insert, 3, c->is_sensitive ? NULL : c->value);
		snapshot_bind_text(job, insert, 4, c->source);
		snapshot_bind_int(job, insert, 5, c->is_default);
		snapshot_bind_int(job, insert, 6, c->is_sensitive);
		if (snapshot_step(job, insert, "topic configs", err) < 0)
			return -1;
	}
	return 0;
}

/* Topics with their partitions, and their configs when that section was collected. */
static int
snapshot_write_topics(struct snapshot_job *job, char **err)
{
	sqlite3_stmt *insert = store_statement(job->store, sql_insert_topic, err);

	if (insert == NULL)
		return -1;
	for (size_t i = 0; i < job->snapshot->topic_count; i++) {
		const struct snapshot_topic *t = &job->snapshot->topics[i];
		sqlite3_int64 topic_id;

		snapshot_bind_int(job, insert, 1, job->cluster_id);
		snapshot_bind_text(job, insert, 2, t->name);
		snapshot_bind_int(job, insert, 3, (sqlite3_int64)t->partition_count);
		snapshot_bind_int(job, insert, 4, t->replication_factor);
		snapshot_bind_int(job, insert, 5, t->internal);
		if (snapshot_step(job, insert, "topics", err) < 0)
			return -1;
		topic_id = snapshot_last_id(job);
		if (snapshot_write_partitions(job, t, topic_id, err) < 0)
			return -1;
		if (snapshot_has(job, SNAPSHOT_CONFIGS) &&
		    snapshot_write_configs(job, t, topic_id, err) < 0)
			return -1;
	}
	return 0;
}

static int
snapshot_write_acls(struct snapshot_job *job, char **err)
{
	sqlite3_stmt *insert = store_statement(job->store, sql_insert_acl, err);

	if (insert == NULL)
		return -1;
	for (size_t i = 0; i < job->snapshot->acl_count; i++) {
		const struct snapshot_acl *a = &job->snapshot->acls[i];

		snapshot_bind_int(job, insert, 1, job->cluster_id);
		snapshot_bind_text(job, insert, 2, a->principal);
		snapshot_bind_text(job, insert, 3, a->host);
		snapshot_bind_text(job, insert, 4, a->operation);
		snapshot_bind_text(job, insert, 5, a->permission);
		snapshot_bind_text(job, insert, 6, a->resource_type);
		snapshot_bind_text(job, insert, 7, a->resource_name);
		snapshot_bind_text(job, insert, 8, a->pattern_type);
		if (snapshot_step(job, insert, "acls", err) < 0)
			return -1;
	}
	return 0;
}

/* One quota entity: its row, then its parts and values. */
static int
snapshot_write_quota(struct snapshot_job *job, const struct snapshot_quota *q, char **err)
{
	sqlite3_stmt *entity = store_statement(job->store, sql_insert_quota_entity, err);
	sqlite3_stmt *part = entity ? store_statement(job->store, sql_insert_quota_part, err) : NULL;
	sqlite3_stmt *value = part ? store_statement(job->store, sql_insert_quota_value, err) : NULL;
	sqlite3_int64 entity_id;

	if (value == NULL)
		return -1;
	snapshot_bind_int(job, entity, 1, job->cluster_id);
	if (snapshot_step(job, entity, "quotas", err) < 0)
		return -1;
	entity_id = snapshot_last_id(job);
	for (size_t i = 0; i < q->part_count; i++) {
		snapshot_bind_int(job, part, 1, entity_id);
		snapshot_bind_text(job, part, 2, q->parts[i].entity_type);
		snapshot_bind_text(job, part, 3, q->parts[i].entity_name);
		if (snapshot_step(job, part, "quotas", err) < 0)
			return -1;
	}
	for (size_t i = 0; i < q->value_count; i++) {
		snapshot_bind_int(job, value, 1, entity_id);
		snapshot_bind_text(job, value, 2, q->values[i].key);
		snapshot_bind_rc(job, sqlite3_bind_double(value, 3, q->values[i].value));
		if (snapshot_step(job, value, "quotas", err) < 0)
			return -1;
	}
	return 0;
}

static int
snapshot_write_quotas(struct snapshot_job *job, char **err)
{
	for (size_t i = 0; i < job->snapshot->quota_count; i++)
		if (snapshot_write_quota(job, &job->snapshot->quotas[i], err) < 0)
			return -1;
	return 0;
}

static int
snapshot_write_members(struct snapshot_job *job, const struct snapshot_group *g,
                       sqlite3_int64 group_id, char **err)
{
	sqlite3_stmt *member = store_statement(job->store, sql_insert_member, err);
	sqlite3_stmt *assignment =
		member ? store_statement(job->store, sql_insert_assignment, err) : NULL;

	if (assignment == NULL)
		return -1;
	for (size_t i = 0; i < g->member_count; i++) {
		const struct snapshot_member *m = &g->members[i];
		sqlite3_int64 member_row_id;

		snapshot_bind_int(job, member, 1, group_id);
		snapshot_bind_text(job, member, 2, m->member_id);
		snapshot_bind_text(job, member, 3, m->client_id);
		snapshot_bind_text(job, member, 4, m->host);
		if (snapshot_step(job, member, "group members", err) < 0)
			return -1;
		member_row_id = snapshot_last_id(job);
		for (size_t j = 0; j < m->assignment_count; j++) {
			snapshot_bind_int(job, assignment, 1, member_row_id);
			snapshot_bind_text(job, assignment, 2, m->assignments[j].topic);
			snapshot_bind_int(job, assignment, 3, m->assignments[j].partition);
			if (snapshot_step(job, assignment, "member assignments", err) < 0)
				return -1;
		}
	}
	return 0;
}

/* G's offsets; EVAL (or NULL) has their time lags. */
static int
snapshot_write_offsets(struct snapshot_job *job, const struct snapshot_group *g,
                       const struct history_group_eval *eval, sqlite3_int64 group_id, char **err)
{
	sqlite3_stmt *insert = store_statement(job->store, sql_insert_offset, err);

	if (insert == NULL)
		return -1;
	for (size_t i = 0; i < g->offset_count; i++) {
		const struct snapshot_offset *o = &g->offsets[i];

		snapshot_bind_int(job, insert, 1, group_id);
		snapshot_bind_text(job, insert, 2, o->topic);
		snapshot_bind_int(job, insert, 3, o->partition);
		snapshot_bind_int(job, insert, 4, o->committed_offset);
		snapshot_bind_text(job, insert, 5, o->metadata);
		if (eval != NULL && eval->offsets[i].time_lag_ms >= 0) {
			snapshot_bind_int(job, insert, 6, eval->offsets[i].time_lag_ms);
			snapshot_bind_int(job, insert, 7, eval->offsets[i].estimated);
		} else {
			snapshot_bind_known(job, insert, 6, -1);
			snapshot_bind_known(job, insert, 7, -1);
		}
		if (snapshot_step(job, insert, "committed offsets", err) < 0)
			return -1;
	}
	return 0;
}

static int
snapshot_write_groups(struct snapshot_job *job, char **err)
{
	sqlite3_stmt *insert = store_statement(job->store, sql_insert_group, err);

	if (insert == NULL)
		return -1;
	for (size_t i = 0; i < job->snapshot->group_count; i++) {
		const struct snapshot_group *g = &job->snapshot->groups[i];
		const struct history_group_eval *eval = job->evals != NULL ? &job->evals[i] : NULL;
		sqlite3_int64 group_id;

		snapshot_bind_int(job, insert, 1, job->cluster_id);
		snapshot_bind_text(job, insert, 2, g->name);
		snapshot_bind_text(job, insert, 3, g->state);
		snapshot_bind_text(job, insert, 4, g->protocol_type);
		snapshot_bind_text(job, insert, 5, g->protocol);
		snapshot_bind_known(job, insert, 6, g->coordinator_id);
		snapshot_bind_text(job, insert, 7, eval != NULL ? lag_status_name(eval->status) : NULL);
		snapshot_bind_text(job, insert, 8,
		                   eval != NULL && eval->reason[0] != '\0' ? eval->reason : NULL);
		snapshot_bind_known(job, insert, 9, eval != NULL ? eval->max_time_lag_ms : -1);
		if (snapshot_step(job, insert, "consumer groups", err) < 0)
			return -1;
		group_id = snapshot_last_id(job);
		if (snapshot_write_members(job, g, group_id, err) < 0 ||
		    snapshot_write_offsets(job, g, eval, group_id, err) < 0)
			return -1;
	}
	return 0;
}

/* The sections whose rows a generation writes, in order; configs are written with the
 * topics they hang on. */
static const struct {
	enum snapshot_section section;
	int (*write)(struct snapshot_job *, char **);
} snapshot_writers[] = {
	{ .section = SNAPSHOT_BROKERS, .write = snapshot_write_brokers },
	{ .section = SNAPSHOT_TOPICS, .write = snapshot_write_topics },
	{ .section = SNAPSHOT_ACLS, .write = snapshot_write_acls },
	{ .section = SNAPSHOT_QUOTAS, .write = snapshot_write_quotas },
	{ .section = SNAPSHOT_GROUPS, .write = snapshot_write_groups },
};

static int
snapshot_write_sections(struct snapshot_job *job, char **err)
{
	sqlite3_stmt *upsert = store_statement(job->store, sql_upsert_section, err);

	if (upsert == NULL)
		return -1;
	for (int section = 0; section < SNAPSHOT_SECTION_COUNT; section++) {
		snapshot_bind_int(job, upsert, 1, job->cluster_id);
		snapshot_bind_text(job, upsert, 2, snapshot_section_names[section]);
		snapshot_bind_text(job, upsert, 3, job->snapshot->section_errors[section]);
		snapshot_bind_int(job, upsert, 4, job->snapshot->collected_at_ms);
		if (snapshot_step(job, upsert, "section status", err) < 0)
			return -1;
	}
	return 0;
}

/* Everything a generation writes, inside the caller's transaction. */
static int
snapshot_write_generation(struct snapshot_job *job, char **err)
{
	if (job->history != NULL) {
		size_t count;

		if (history_take(job->history, job->snapshot, err) < 0)
			return -1;
		job->evals = history_evaluation(job->history, &count);
	}
	if (snapshot_write_cluster(job, err) < 0 ||
	    snapshot_run_for_cluster(job, sql_clear_current,
	                             sizeof sql_clear_current / sizeof sql_clear_current[0],
	                             "previous generation", err) < 0)
		return -1;
	for (size_t i = 0; i < sizeof snapshot_writers / sizeof snapshot_writers[0]; i++)
		if (snapshot_has(job, snapshot_writers[i].section) &&
		    snapshot_writers[i].write(job, err) < 0)
			return -1;
	if (snapshot_run_for_cluster(job, sql_group_lag,
	                             sizeof sql_group_lag / sizeof sql_group_lag[0], "group lag",
	                             err) < 0)
		return -1;
	if (job->history != NULL &&
	    history_write_frame(job->history, job->store, job->cluster_id, err) < 0)
		return -1;
	return snapshot_write_sections(job, err);
}

int
snapshot_write(struct store *store, const struct snapshot *snapshot, struct history *history,
               char **err)
{
	struct snapshot_job job = { .store = store, .snapshot = snapshot, .history = history,
	                            .bind_rc = SQLITE_OK };
	int rc;

	*err = NULL;
	if (snapshot->cluster == NULL || snapshot->cluster[0] == '\0') {
		*err = strfmt("catalog %s: a snapshot without a cluster name cannot be written",
		                     store_path(store));
		return -1;
	}
	if (store_begin_write(store, err) < 0)
		return -1;
	rc = snapshot_write_generation(&job, err);
	if (rc == 0)
		rc = store_commit(store, err);
	if (rc < 0)
		store_rollback(store);
	if (history != NULL)
		history_end_write(history, rc == 0);
	free(job.ids_text);
	return rc;
}

int
snapshot_mark_unreachable(struct store *store, const char *cluster, const char *error,
                          int64_t at_ms, char **err)
{
	struct snapshot unreachable = { .cluster = cluster };
	struct snapshot_job job = { .store = store, .snapshot = &unreachable, .bind_rc = SQLITE_OK };
	sqlite3_stmt *upsert;

	*err = NULL;
	upsert = store_statement(store, sql_mark_unreachable, err);
	if (upsert == NULL)
		return -1;
	snapshot_bind_text(&job, upsert, 1, cluster);
	snapshot_bind_text(&job, upsert, 2, error);
	snapshot_bind_int(&job, upsert, 3, at_ms);
	return snapshot_step(&job, upsert, "reachability", err);
}
