/* audit: record offset resets in the catalog's audit log and read one back.
 *
 * A reset is one offset_resets row and one offset_reset_partitions row per partition,
 * written in one write transaction, so `offsets history` never shows half a reset. Its
 * outcome is computed here from the partitions' errors, once, so readers need not. Every
 * statement is a fixed string with bound parameters, cached on the store. */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/store_sql.h"
#include "kfleet/audit.h"

/* ?1 time, ?2 user, ?3 host, ?4 cluster, ?5 group, ?6 mode, ?7 undo_of, ?8 outcome.
 * Only what the broker was asked to do is recorded: executed is always 1 here. */
static const char sql_insert_reset[] =
	"INSERT INTO offset_resets (time_ms, user, host, cluster, group_name, mode, executed,"
	"  undo_of, outcome) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?8)";
static const char sql_insert_partition[] =
	"INSERT INTO offset_reset_partitions (offset_reset_id, topic, partition, before_offset,"
	"  after_offset, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char sql_select_reset[] =
	"SELECT time_ms, user, host, cluster, group_name, mode, undo_of"
	" FROM offset_resets WHERE id = ?1";
static const char sql_select_partitions[] =
	"SELECT topic, partition, before_offset, after_offset, error"
	" FROM offset_reset_partitions WHERE offset_reset_id = ?1 ORDER BY id";

/* The strings a partition of an audit_get entry points to. */
struct audit_partition_text {
	char *topic, *error;
};

/* An entry audit_get made, with what it owns; the entry comes first so that
 * audit_entry_free gets back from it to the rest. */
struct audit_owned {
	struct audit_entry entry;
	char *user, *host, *cluster, *group, *mode;
	struct audit_partition *partitions;       /* entry.partitions */
	struct audit_partition_text *texts;       /* one per partition */
	size_t capacity;                          /* of partitions and texts */
};

/* 'done' when no partition of ENTRY was refused, 'failed' when all were, else 'partial'. */
static const char *
audit_outcome(const struct audit_entry *entry)
{
	size_t refused = 0;

	for (size_t i = 0; i < entry->partition_count; i++)
		if (entry->partitions[i].error != NULL)
			refused++;
	if (refused == 0)
		return "done";
	return refused == entry->partition_count ? "failed" : "partial";
}

/* Refuse an ENTRY missing what every reset has, before anything is written (the messages
 * below name its group and cluster). */
static int
audit_check(struct store *store, const struct audit_entry *entry, char **err)
{
	if (entry->user == NULL || entry->host == NULL || entry->cluster == NULL ||
	    entry->group == NULL || entry->mode == NULL ||
	    (entry->partitions == NULL && entry->partition_count > 0)) {
		*err = strfmt("catalog %s: an offset reset needs a user, host, cluster, group, "
		              "mode and its partitions", store_path(store));
		return -1;
	}
	for (size_t i = 0; i < entry->partition_count; i++) {
		if (entry->partitions[i].topic == NULL) {
			*err = strfmt("catalog %s: offset reset of group %s on cluster %s: "
			              "partition %zu has no topic", store_path(store), entry->group,
			              entry->cluster, i);
			return -1;
		}
	}
	if (entry->undo_of < 0) {
		*err = strfmt("catalog %s: offset reset of group %s on cluster %s: "
		              "undo_of %" PRId64 " is not a reset id", store_path(store),
		              entry->group, entry->cluster, entry->undo_of);
		return -1;
	}
	return 0;
}

/* The first of the binding results RC and NEXT that failed, or SQLITE_OK: the binds of a
 * row read as a list of columns, and the step reports the first failure. */
static int
audit_bind(int rc, int next)
{
	return rc != SQLITE_OK ? rc : next;
}

/* Run STATEMENT, bound with result BIND_RC, to completion; a failure names ENTRY. */
static int
audit_step(struct store *store, sqlite3_stmt *statement, int bind_rc,
           const struct audit_entry *entry, char **err)
{
	int rc = bind_rc == SQLITE_OK ? sqlite3_step(statement) : bind_rc;

	if (rc != SQLITE_DONE) {
		if (bind_rc != SQLITE_OK)
			*err = strfmt("catalog %s: recording the offset reset of group %s on "
			              "cluster %s: %s", store_path(store), entry->group, entry->cluster,
			              sqlite3_errstr(bind_rc));
		else
			store_fail(store, err, "recording the offset reset of group %s on cluster %s",
			           entry->group, entry->cluster);
		sqlite3_reset(statement);
		return -1;
	}
	sqlite3_reset(statement);
	return 0;
}

/* ENTRY's rows, inside the caller's write transaction; the reset's id or -1. */
static int64_t
audit_insert(struct store *store, const struct audit_entry *entry, char **err)
{
	sqlite3_stmt *reset = store_statement(store, sql_insert_reset, err);
	sqlite3_stmt *partition = reset ? store_statement(store, sql_insert_partition, err) : NULL;
	int64_t id;
	int rc;

	if (partition == NULL)
		return -1;
	/* The strings outlive the step: no copies. */
	rc = sqlite3_bind_int64(reset, 1, entry->time_ms);
	rc = audit_bind(rc, sqlite3_bind_text(reset, 2, entry->user, -1, SQLITE_STATIC));
	rc = audit_bind(rc, sqlite3_bind_text(reset, 3, entry->host, -1, SQLITE_STATIC));
	rc = audit_bind(rc, sqlite3_bind_text(reset, 4, entry->cluster, -1, SQLITE_STATIC));
	rc = audit_bind(rc, sqlite3_bind_text(reset, 5, entry->group, -1, SQLITE_STATIC));
	rc = audit_bind(rc, sqlite3_bind_text(reset, 6, entry->mode, -1, SQLITE_STATIC));
	rc = audit_bind(rc, entry->undo_of > 0 ? sqlite3_bind_int64(reset, 7, entry->undo_of)
	                                       : sqlite3_bind_null(reset, 7));
	rc = audit_bind(rc, sqlite3_bind_text(reset, 8, audit_outcome(entry), -1, SQLITE_STATIC));
	if (audit_step(store, reset, rc, entry, err) < 0)
		return -1;
	id = sqlite3_last_insert_rowid(store_sqlite(store));
	for (size_t i = 0; i < entry->partition_count; i++) {
		const struct audit_partition *p = &entry->partitions[i];

		rc = sqlite3_bind_int64(partition, 1, id);
		rc = audit_bind(rc, sqlite3_bind_text(partition, 2, p->topic, -1, SQLITE_STATIC));
		rc = audit_bind(rc, sqlite3_bind_int(partition, 3, p->partition));
		/* Any negative is "no committed offset": NULL, as the schema keeps it. */
		rc = audit_bind(rc, p->before >= 0 ? sqlite3_bind_int64(partition, 4, p->before)
		                                   : sqlite3_bind_null(partition, 4));
		rc = audit_bind(rc, sqlite3_bind_int64(partition, 5, p->after));
		rc = audit_bind(rc, sqlite3_bind_text(partition, 6, p->error, -1, SQLITE_STATIC));
		if (audit_step(store, partition, rc, entry, err) < 0)
			return -1;
	}
	return id;
}

int64_t
audit_record(struct store *store, const struct audit_entry *entry, char **err)
{
	int64_t id;

	*err = NULL;
	if (audit_check(store, entry, err) < 0 || store_begin_write(store, err) < 0)
		return -1;
	id = audit_insert(store, entry, err);
	if (id > 0 && store_commit(store, err) < 0)
		id = -1;
	if (id < 0)
		store_rollback(store);
	return id;
}

/* A copy of STATEMENT's text in COLUMN into *COPY (NULL for SQL NULL); -1 when out of
 * memory. */
static int
audit_copy_text(sqlite3_stmt *statement, int column, char **copy)
{
	const unsigned char *text = sqlite3_column_text(statement, column);

	*copy = NULL;
	if (text == NULL)
		return sqlite3_column_type(statement, column) == SQLITE_NULL ? 0 : -1;
	*copy = strdup((const char *)text);
	return *copy != NULL ? 0 : -1;
}

/* Make room in OWNED for one more partition; -1 when out of memory. */
static int
audit_grow(struct audit_owned *owned)
{
	size_t capacity = owned->capacity ? 2 * owned->capacity : 16;
	struct audit_partition *partitions;
	struct audit_partition_text *texts;

	if (owned->entry.partition_count < owned->capacity)
		return 0;
	partitions = realloc(owned->partitions, capacity * sizeof *partitions);
	if (partitions == NULL)
		return -1;
	owned->partitions = partitions;
	owned->entry.partitions = partitions;
	texts = realloc(owned->texts, capacity * sizeof *texts);
	if (texts == NULL)
		return -1;
	owned->texts = texts;
	owned->capacity = capacity;
	return 0;
}

/* The reset row STATEMENT is on into OWNED; -1 when out of memory. */
static int
audit_read_reset(struct audit_owned *owned, sqlite3_stmt *statement)
{
	struct audit_entry *entry = &owned->entry;

	entry->time_ms = sqlite3_column_int64(statement, 0);
	entry->undo_of = sqlite3_column_int64(statement, 6);   /* NULL reads 0 */
	if (audit_copy_text(statement, 1, &owned->user) < 0 ||
	    audit_copy_text(statement, 2, &owned->host) < 0 ||
	    audit_copy_text(statement, 3, &owned->cluster) < 0 ||
	    audit_copy_text(statement, 4, &owned->group) < 0 ||
	    audit_copy_text(statement, 5, &owned->mode) < 0)
		return -1;
	entry->user = owned->user;
	entry->host = owned->host;
	entry->cluster = owned->cluster;
	entry->group = owned->group;
	entry->mode = owned->mode;
	return 0;
}

/* The partition row STATEMENT is on, added to OWNED; -1 when out of memory. */
static int
audit_read_partition(struct audit_owned *owned, sqlite3_stmt *statement)
{
	struct audit_partition *p;
	struct audit_partition_text *text;

	if (audit_grow(owned) < 0)
		return -1;
	p = &owned->partitions[owned->entry.partition_count];
	text = &owned->texts[owned->entry.partition_count];
	/* Counted before the copies, so audit_entry_free frees whatever was copied. */
	owned->entry.partition_count++;
	*text = (struct audit_partition_text){ 0 };
	*p = (struct audit_partition){
		.partition = sqlite3_column_int(statement, 1),
		.before = sqlite3_column_type(statement, 2) == SQLITE_NULL
		          ? -1 : sqlite3_column_int64(statement, 2),
		.after = sqlite3_column_int64(statement, 3),
	};
	if (audit_copy_text(statement, 0, &text->topic) < 0 ||
	    audit_copy_text(statement, 4, &text->error) < 0)
		return -1;
	p->topic = text->topic;
	p->error = text->error;
	return 0;
}

/* Run the per-reset query SQL (?1 = ID) and hand each row to READ, into OWNED. Returns
 * 1 when there was a row, 0 when none, -1 with *err set. */
static int
audit_read(struct store *store, const char *sql, int64_t id, struct audit_owned *owned,
           int (*read)(struct audit_owned *, sqlite3_stmt *), char **err)
{
	sqlite3_stmt *statement = store_statement(store, sql, err);
	int rc, rows = 0;

	if (statement == NULL)
		return -1;
	sqlite3_bind_int64(statement, 1, id);
	while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
		rows = 1;
		if (read(owned, statement) < 0) {
			sqlite3_reset(statement);
			*err = strfmt("catalog %s: reading offset reset %" PRId64 ": out of memory",
			              store_path(store), id);
			return -1;
		}
	}
	if (rc != SQLITE_DONE) {
		store_fail(store, err, "reading offset reset %" PRId64, id);
		sqlite3_reset(statement);
		return -1;
	}
	sqlite3_reset(statement);
	return rows;
}

/* No read transaction around the two queries: a reset's rows are committed together and
 * never change, so the second query cannot see another version of them. */
struct audit_entry *
audit_get(struct store *store, int64_t id, char **err)
{
	struct audit_owned *owned = calloc(1, sizeof *owned);
	int found;

	*err = NULL;
	if (owned == NULL) {
		*err = strfmt("catalog %s: out of memory", store_path(store));
		return NULL;
	}
	found = audit_read(store, sql_select_reset, id, owned, audit_read_reset, err);
	if (found == 0)
		*err = strfmt("catalog %s: no offset reset %" PRId64 "; see kfleet offsets history",
		              store_path(store), id);
	if (found <= 0 ||
	    audit_read(store, sql_select_partitions, id, owned, audit_read_partition, err) < 0) {
		audit_entry_free(&owned->entry);
		return NULL;
	}
	return &owned->entry;
}

void
audit_entry_free(struct audit_entry *entry)
{
	struct audit_owned *owned = (struct audit_owned *)entry;

	if (owned == NULL)
		return;
	for (size_t i = 0; i < entry->partition_count; i++) {
		free(owned->texts[i].topic);
		free(owned->texts[i].error);
	}
	free(owned->texts);
	free(owned->partitions);
	free(owned->user);
	free(owned->host);
	free(owned->cluster);
	free(owned->group);
	free(owned->mode);
	free(owned);
}
