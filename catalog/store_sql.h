/* store_sql: what the catalog's modules need from an open store to talk SQL to it.
 * Internal to catalog/ (and its unit tests): sqlite3 appears nowhere else. */
#ifndef KFLEET_STORE_SQL_H
#define KFLEET_STORE_SQL_H

#include <stdarg.h>
#include <stddef.h>
#include <sqlite3.h>

#include "catalog/schema.h"
#include "kfleet/store.h"
#include "kfleet/strfmt.h"

/* store_open with another table of migrations than the schema's (tests use it to build an
 * older catalog, then migrate it). */
struct store *store_open_migrations(const char *path, const struct schema_migration *migrations,
                                    size_t count, char **err);

/* The connection behind STORE. */
sqlite3 *store_sqlite(struct store *store);

/* The prepared statement for SQL, prepared on first use and cached on STORE, so a writer
 * repeating the same statements every cycle prepares them once. SQL is kept by address:
 * it must outlive the store (a string literal or a static table). The statement comes
 * back reset with its bindings cleared; reset it after use so it holds no read lock.
 * On failure return NULL and set *err (caller frees). */
sqlite3_stmt *store_statement(struct store *store, const char *sql, char **err);

/* Run SQL, a fixed statement (never text built from input), e.g. "BEGIN IMMEDIATE".
 * Returns 0, or -1 with *err set (caller frees). */
int store_exec(struct store *store, const char *sql, char **err);

/* Write transactions: BEGIN IMMEDIATE takes the write lock up front (waiting up to the
 * busy timeout for another writer) so a write never fails half way on a lock.
 * store_rollback cannot fail in a way a caller could act on, so it reports nothing. */
int store_begin_write(struct store *store, char **err);
int store_commit(struct store *store, char **err);
void store_rollback(struct store *store);

/* Set *err to "catalog PATH: WHAT: SQLITE MESSAGE", WHAT from FMT (caller frees).
 * Always returns -1, so failures read `return store_fail(...)`. */
int store_fail(struct store *store, char **err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
