/* store: open the catalog, keep its schema current, and hand SQL to the catalog modules. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog/store_sql.h"
#include "kfleet/monotonic.h"

/* Several agents and kfleet share one catalog; a writer holds the lock for one cycle's
 * transaction (well under a second), so waiting this long means something is wrong. */
#define STORE_BUSY_TIMEOUT_MS 5000

struct store_cached_statement {
	const char *sql;             /* the caller's string, compared by address */
	sqlite3_stmt *statement;
};

struct store {
	sqlite3 *db;
	char *path;
	struct store_cached_statement *statements;
	size_t statement_count;
	size_t statement_capacity;
};

/* Connection settings applied on every open, before the schema is looked at. None of
 * them can be set inside a transaction. WAL lets readers go on while one agent writes;
 * synchronous=NORMAL is safe in WAL (a power cut loses at most the last commits, never
 * consistency) and spares a sync per generation. A generation of a large cluster
 * touches tens of MiB of b-tree: a 64 MiB page cache (negative: KiB) instead of the
 * default 2 MiB keeps a write from re-reading its own pages. */
static const char *const store_settings[] = {
	"PRAGMA foreign_keys = ON",
	"PRAGMA synchronous = NORMAL",
	"PRAGMA cache_size = -65536",
};

int
store_fail(struct store *store, char **err, const char *fmt, ...)
{
	va_list ap;
	char *what;

	va_start(ap, fmt);
	what = strfmt_v(fmt, ap);
	va_end(ap);
	*err = strfmt("catalog %s: %s: %s", store->path, what != NULL ? what : fmt,
	                     sqlite3_errmsg(store->db));
	free(what);
	return -1;
}

const char *
store_path(const struct store *store)
{
	return store->path;
}

sqlite3 *
store_sqlite(struct store *store)
{
	return store->db;
}

int
store_schema_version(void)
{
	return schema_migrations[schema_migration_count - 1].version;
}

int
store_exec(struct store *store, const char *sql, char **err)
{
	if (sqlite3_exec(store->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(store, err, "%s", sql);
	return 0;
}

int
store_begin_write(struct store *store, char **err)
{
	return store_exec(store, "BEGIN IMMEDIATE", err);
}

int
store_commit(struct store *store, char **err)
{
	return store_exec(store, "COMMIT", err);
}

/* Reset every cached statement, so none keeps a lock or a half-stepped state past the end
 * of a transaction. */
static void
store_reset_statements(struct store *store)
{
	for (size_t i = 0; i < store->statement_count; i++)
		sqlite3_reset(store->statements[i].statement);
}

void
store_rollback(struct store *store)
{
	store_reset_statements(store);
	/* Some errors (e.g. SQLITE_FULL) already rolled the transaction back. */
	if (!sqlite3_get_autocommit(store->db))
		sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Add a prepared statement to STORE's cache; -1 with *err if out of memory. */
static int
store_cache_statement(struct store *store, const char *sql, sqlite3_stmt *statement, char **err)
{
	if (store->statement_count == store->statement_capacity) {
		size_t capacity = store->statement_capacity ? 2 * store->statement_capacity : 32;
		struct store_cached_statement *grown =
			realloc(store->statements, capacity * sizeof *grown);

		if (grown == NULL) {
			*err = strfmt("catalog %s: out of memory", store->path);
			return -1;
		}
		store->statements = grown;
		store->statement_capacity = capacity;
	}
	store->statements[store->statement_count++] =
		(struct store_cached_statement){ .sql = sql, .statement = statement };
	return 0;
}

sqlite3_stmt *
store_statement(struct store *store, const char *sql, char **err)
{
	sqlite3_stmt *statement = NULL;

	for (size_t i = 0; i < store->statement_count; i++) {
		if (store->statements[i].sql == sql) {
			statement = store->statements[i].statement;
			sqlite3_reset(statement);
			sqlite3_clear_bindings(statement);
			return statement;
		}
	}
	if (sqlite3_prepare_v3(store->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, NULL) !=
	    SQLITE_OK) {
		store_fail(store, err, "preparing \"%.60s\"", sql);
		return NULL;
	}
	if (store_cache_statement(store, sql, statement, err) < 0) {
		sqlite3_finalize(statement);
		return NULL;
	}
	return statement;
}

/* Read an integer pragma (e.g. user_version) into *VALUE. */
static int
store_pragma_int(struct store *store, const char *pragma, int *value, char **err)
{
	sqlite3_stmt *statement;
	int rc;

	if (sqlite3_prepare_v2(store->db, pragma, -1, &statement, NULL) != SQLITE_OK)
		return store_fail(store, err, "%s", pragma);
	rc = sqlite3_step(statement);
	if (rc == SQLITE_ROW)
		*value = sqlite3_column_int(statement, 0);
	sqlite3_finalize(statement);
	if (rc != SQLITE_ROW)
		return store_fail(store, err, "%s", pragma);
	return 0;
}

int
store_data_version(struct store *store, long long *version, char **err)
{
	int value;

	if (store_pragma_int(store, "PRAGMA data_version", &value, err) < 0)
		return -1;
	*version = value;
	return 0;
}

/* Switch to WAL; a file catalog that cannot (e.g. on a file system without shared memory)
 * is refused, since readers would then block the agents. In-memory catalogs stay in
 * their own mode. */
static int
store_use_wal(struct store *store, char **err)
{
	sqlite3_stmt *statement;
	char mode[16] = "";
	const char *filename = sqlite3_db_filename(store->db, "main");
	int64_t deadline = monotonic_ms() + STORE_BUSY_TIMEOUT_MS;
	int rc;

	if (sqlite3_prepare_v2(store->db, "PRAGMA journal_mode = WAL", -1, &statement, NULL) !=
	    SQLITE_OK)
		return store_fail(store, err, "setting WAL journal mode");
	/* SQLite skips the busy handler where waiting could deadlock, as when another
	 * connection switches the same new file to WAL at the same time: such a SQLITE_BUSY
	 * is tried again, within the same busy timeout. */
	while ((rc = sqlite3_step(statement)) == SQLITE_BUSY && monotonic_ms() < deadline) {
		sqlite3_reset(statement);
		nanosleep(&(struct timespec){ .tv_nsec = 10 * 1000 * 1000 }, NULL);
	}
	if (rc == SQLITE_ROW)
		snprintf(mode, sizeof mode, "%s", (const char *)sqlite3_column_text(statement, 0));
	sqlite3_finalize(statement);
	if (filename == NULL || filename[0] == '\0' || strcmp(mode, "wal") == 0)
		return 0;
	if (mode[0] == '\0')
		return store_fail(store, err, "setting WAL journal mode");
	*err = strfmt("catalog %s: cannot use WAL journal mode (got '%s')", store->path, mode);
	return -1;
}

/* Refuse a catalog from a newer kfleet: its tables may mean things this one gets wrong. */
static int
store_refuse_newer(struct store *store, int version, int known, char **err)
{
	*err = strfmt("catalog %s has schema version %d, this kfleet knows up to %d: "
	                     "upgrade kfleet", store->path, version, known);
	return -1;
}

/* Apply MIGRATIONS newer than the catalog's version, inside the caller's transaction. */
static int
store_apply_migrations(struct store *store, const struct schema_migration *migrations,
                       size_t count, int version, char **err)
{
	char set_version[64];

	for (size_t i = 0; i < count; i++) {
		const struct schema_migration *m = &migrations[i];

		if (m->version <= version)
			continue;
		if (sqlite3_exec(store->db, m->sql, NULL, NULL, NULL) != SQLITE_OK)
			return store_fail(store, err, "migrating to schema version %d", m->version);
		/* PRAGMA takes no bound parameter; the version is our own integer. */
		snprintf(set_version, sizeof set_version, "PRAGMA user_version = %d", m->version);
		if (store_exec(store, set_version, err) < 0)
			return -1;
	}
	return 0;
}

/* Bring the catalog to the newest version in MIGRATIONS, all steps in one transaction:
 * a failed step leaves the catalog as it was. */
static int
store_migrate(struct store *store, const struct schema_migration *migrations, size_t count,
              char **err)
{
	int known = count > 0 ? migrations[count - 1].version : 0;
	int version;

	if (store_pragma_int(store, "PRAGMA user_version", &version, err) < 0)
		return -1;
	if (version > known)
		return store_refuse_newer(store, version, known, err);
	if (version == known)
		return 0;
	if (store_begin_write(store, err) < 0)
		return -1;
	/* Another process may have migrated while we waited for the write lock. */
	if (store_pragma_int(store, "PRAGMA user_version", &version, err) < 0 ||
	    (version > known && store_refuse_newer(store, version, known, err) < 0) ||
	    store_apply_migrations(store, migrations, count, version, err) < 0 ||
	    store_commit(store, err) < 0) {
		store_rollback(store);
		return -1;
	}
	return 0;
}

/* Check that MIGRATIONS run 1, 2, 3... so a version maps to exactly one step. */
static int
store_check_migrations(const char *path, const struct schema_migration *migrations, size_t count,
                       char **err)
{
	for (size_t i = 0; i < count; i++) {
		if (migrations[i].version != (int)i + 1) {
			*err = strfmt("catalog %s: schema migration %zu has version %d, "
			                     "expected %zu", path, i, migrations[i].version, i + 1);
			return -1;
		}
	}
	return 0;
}

/* Apply the connection settings, WAL and the schema to a freshly opened STORE. */
static int
store_prepare(struct store *store, const struct schema_migration *migrations, size_t count,
              char **err)
{
	int foreign_keys = 0;

	sqlite3_busy_timeout(store->db, STORE_BUSY_TIMEOUT_MS);
	for (size_t i = 0; i < sizeof store_settings / sizeof store_settings[0]; i++)
		if (store_exec(store, store_settings[i], err) < 0)
			return -1;
	/* A SQLite built without foreign keys ignores the pragma: cascades would silently not
	 * happen, and a generation would leave orphans. */
	if (store_pragma_int(store, "PRAGMA foreign_keys", &foreign_keys, err) < 0)
		return -1;
	if (foreign_keys != 1) {
		*err = strfmt("catalog %s: this SQLite does not enforce foreign keys",
		                     store->path);
		return -1;
	}
	if (store_use_wal(store, err) < 0)
		return -1;
	return store_migrate(store, migrations, count, err);
}

struct store *
store_open_migrations(const char *path, const struct schema_migration *migrations, size_t count,
                      char **err)
{
	struct store *store;
	int rc;

	*err = NULL;
	if (store_check_migrations(path, migrations, count, err) < 0)
		return NULL;
	store = calloc(1, sizeof *store);
	if (store == NULL || (store->path = strdup(path)) == NULL) {
		free(store);
		*err = strfmt("catalog %s: out of memory", path);
		return NULL;
	}
	rc = sqlite3_open_v2(path, &store->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK) {
		if (store->db != NULL)
			store_fail(store, err, "cannot open");
		else
			*err = strfmt("catalog %s: cannot open: %s", path, sqlite3_errstr(rc));
		store_close(store);
		return NULL;
	}
	if (store_prepare(store, migrations, count, err) < 0) {
		store_close(store);
		return NULL;
	}
	return store;
}

struct store *
store_open(const char *path, char **err)
{
	return store_open_migrations(path, schema_migrations, schema_migration_count, err);
}

void
store_close(struct store *store)
{
	if (store == NULL)
		return;
	for (size_t i = 0; i < store->statement_count; i++)
		sqlite3_finalize(store->statements[i].statement);
	free(store->statements);
	sqlite3_close(store->db);
	free(store->path);
	free(store);
}
