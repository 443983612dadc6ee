/* Unit tests for catalog/store: opening a catalog (file and :memory:), its connection
 * settings, and schema migrations: fresh, from an older catalog keeping its rows, a failed
 * step leaving the catalog as it was, and the refusal of a catalog from a newer kfleet. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/catalog_test.h"

/* A small schema's history, standing in for future kfleet versions: version 2 adds a
 * column (with a default, as a real migration adding a column must) and a table. */
static const struct schema_migration test_migrations[] = {
	{ .version = 1, .sql = "CREATE TABLE services (id INTEGER PRIMARY KEY, name TEXT NOT NULL);" },
	{ .version = 2,
	  .sql = "ALTER TABLE services ADD COLUMN lifecycle TEXT NOT NULL DEFAULT 'production';"
	         "CREATE TABLE teams (id INTEGER PRIMARY KEY, name TEXT NOT NULL);" },
};

/* Version 2 fails on its second statement, after its first one changed the schema. */
static const struct schema_migration broken_migrations[] = {
	{ .version = 1, .sql = "CREATE TABLE services (id INTEGER PRIMARY KEY, name TEXT NOT NULL);" },
	{ .version = 2,
	  .sql = "ALTER TABLE services ADD COLUMN lifecycle TEXT;"
	         "INSERT INTO no_such_table VALUES (1);" },
};

struct fixture {
	char *dir;
	char *path;       /* a catalog file in DIR, not created yet */
};

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);

	assert_non_null(f);
	f->dir = catalog_test_make_dir();
	f->path = catalog_test_path(f->dir, "catalog.db");
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	catalog_test_remove_dir(f->dir);
	free(f->path);
	free(f->dir);
	free(f);
	return 0;
}

/* Open PATH with MIGRATIONS, failing the test if it cannot. */
static struct store *
open_with(const char *path, const struct schema_migration *migrations, size_t count)
{
	char *err = NULL;
	struct store *store = store_open_migrations(path, migrations, count, &err);

	if (store == NULL)
		fail_msg("store_open_migrations(%s): %s", path, err);
	return store;
}

/* Open PATH with MIGRATIONS expecting a refusal; returns the message (caller frees). */
static char *
open_refused(const char *path, const struct schema_migration *migrations, size_t count)
{
	char *err = NULL;
	struct store *store = store_open_migrations(path, migrations, count, &err);

	assert_null(store);
	assert_non_null(err);
	assert_null(strchr(err, '\n'));
	return err;
}

struct setting_case {
	const char *sql;
	long long expected;
};

/* What every connection store_open makes is set up with. */
static const struct setting_case setting_cases[] = {
	{ .sql = "PRAGMA foreign_keys", .expected = 1 },
	{ .sql = "PRAGMA busy_timeout", .expected = 5000 },
	{ .sql = "PRAGMA synchronous", .expected = 1 },          /* NORMAL */
};

static void
check_settings(struct store *store)
{
	for (size_t i = 0; i < sizeof setting_cases / sizeof setting_cases[0]; i++) {
		long long value = catalog_test_int(store, setting_cases[i].sql);

		if (value != setting_cases[i].expected)
			fail_msg("%s: %lld, expected %lld", setting_cases[i].sql, value,
			         setting_cases[i].expected);
	}
}

static void
test_open_file_creates_current_schema(void **state)
{
	struct fixture *f = *state;
	struct store *store = catalog_test_open(f->path);
	char *mode = catalog_test_text(store, "PRAGMA journal_mode");

	assert_string_equal(store_path(store), f->path);
	assert_int_equal(catalog_test_int(store, "PRAGMA user_version"), store_schema_version());
	assert_true(store_schema_version() >= 1);
	assert_int_equal(catalog_test_int(store, "SELECT count(*) FROM sqlite_schema WHERE name = "
	                                         "'lag_frames'"), 1);
	/* WAL really is on, so readers never wait for an agent's write. */
	assert_string_equal(mode, "wal");
	check_settings(store);
	free(mode);
	store_close(store);
}

static void
test_open_memory(void **state)
{
	struct store *store = catalog_test_open(":memory:");
	char *mode = catalog_test_text(store, "PRAGMA journal_mode");

	(void)state;
	assert_string_equal(mode, "memory");
	assert_int_equal(catalog_test_int(store, "PRAGMA user_version"), store_schema_version());
	check_settings(store);
	free(mode);
	store_close(store);
}

/* Opening an up-to-date catalog again changes nothing and keeps its rows. */
static void
test_reopen_is_idempotent(void **state)
{
	struct fixture *f = *state;
	struct store *store = catalog_test_open(f->path);
	char *err = NULL;

	assert_int_equal(store_exec(store, "INSERT INTO teams (name) VALUES ('payments')", &err), 0);
	store_close(store);
	store = catalog_test_open(f->path);
	assert_int_equal(catalog_test_int(store, "SELECT count(*) FROM teams"), 1);
	assert_int_equal(catalog_test_int(store, "PRAGMA user_version"), store_schema_version());
	store_close(store);
}

static void
test_migrate_fresh(void **state)
{
	struct fixture *f = *state;
	struct store *store = open_with(f->path, test_migrations, 2);

	assert_int_equal(catalog_test_int(store, "PRAGMA user_version"), 2);
	assert_int_equal(catalog_test_int(store, "SELECT count(*) FROM sqlite_schema WHERE name IN "
	                                         "('services', 'teams')"), 2);
	store_close(store);
}

/* A catalog left at version 1 by an older kfleet, with rows, is migrated by a newer one
 * and keeps every row. */
static void
test_migrate_older_keeps_rows(void **state)
{
	struct fixture *f = *state;
	struct store *store = open_with(f->path, test_migrations, 1);
	char *err = NULL;
	char *lifecycle;

	assert_int_equal(catalog_test_int(store, "PRAGMA user_version"), 1);
	assert_int_equal(store_exec(store, "INSERT INTO services (name) VALUES ('order-service'), "
	                                   "('billing')", &err), 0);
	store_close(store);

	store = open_with(f->path, test_migrations, 2);
	assert_int_equal(catalog_test_int(store, "PRAGMA user_version"), 2);
	assert_int_equal(catalog_test_int(store, "SELECT count(*) FROM services"), 2);
	lifecycle = catalog_test_text(store, "SELECT lifecycle FROM services WHERE name = 'billing'");
	assert_string_equal(lifecycle, "production");
	assert_int_equal(catalog_test_int(store, "SELECT count(*) FROM teams"), 0);
	free(lifecycle);
	store_close(store);
}

/* The same with the real schema: a catalog of this kfleet's version, with rows in it,
 * goes through a later (test) step without losing them. */
static void
test_migrate_real_schema_keeps_rows(void **state)
{
	struct fixture *f = *state;
	int current = store_schema_version();
	struct schema_migration steps[64];
	struct store *store = catalog_test_open(f->path);
	char *err = NULL;

	assert_true((size_t)current < sizeof steps / sizeof steps[0]);
	memcpy(steps, schema_migrations, schema_migration_count * sizeof steps[0]);
	steps[current] = (struct schema_migration){
		.version = current + 1, .sql = "ALTER TABLE teams ADD COLUMN chat_channel TEXT;"
	};
	assert_int_equal(store_exec(store,
		"INSERT INTO clusters (name, generation) VALUES ('prod-eu', 7);"
		"INSERT INTO topics (cluster_id, name, partition_count, replication_factor)"
		" VALUES (1, 'orders', 3, 3);"
		"INSERT INTO teams (name, email) VALUES ('payments', 'payments@example.com');",
		&err), 0);
	store_close(store);

	store = open_with(f->path, steps, (size_t)current + 1);
	assert_int_equal(catalog_test_int(store, "PRAGMA user_version"), current + 1);
	assert_int_equal(catalog_test_int(store, "SELECT generation FROM clusters"), 7);
	assert_int_equal(catalog_test_int(store, "SELECT count(*) FROM topics"), 1);
	assert_int_equal(catalog_test_int(store, "SELECT count(*) FROM teams WHERE "
	                                         "chat_channel IS NULL"), 1);
	store_close(store);
}

/* A step that fails half way leaves the catalog at its old version with its old schema. */
static void
test_migrate_failure_rolls_back(void **state)
{
	struct fixture *f = *state;
	struct store *store = open_with(f->path, broken_migrations, 1);
	char *err = NULL;
	char *message;

	assert_int_equal(store_exec(store, "INSERT INTO services (name) VALUES ('billing')", &err), 0);
	store_close(store);

	message = open_refused(f->path, broken_migrations, 2);
	assert_non_null(strstr(message, f->path));
	assert_non_null(strstr(message, "migrating to schema version 2"));
	assert_non_null(strstr(message, "no such table: no_such_table"));
	free(message);

	store = open_with(f->path, broken_migrations, 1);
	assert_int_equal(catalog_test_int(store, "PRAGMA user_version"), 1);
	assert_int_equal(catalog_test_int(store, "SELECT count(*) FROM pragma_table_info('services')"
	                                         " WHERE name = 'lifecycle'"), 0);
	assert_int_equal(catalog_test_int(store, "SELECT count(*) FROM services"), 1);
	store_close(store);
}

/* A catalog from a newer kfleet is refused with one exact line, and left as it is. */
static void
test_newer_catalog_refused(void **state)
{
	struct fixture *f = *state;
	struct store *store = catalog_test_open(f->path);
	char *err = NULL;
	char *message;
	char *expected = NULL;

	assert_int_equal(store_exec(store, "PRAGMA user_version = 99", &err), 0);
	store_close(store);

	assert_null(store_open(f->path, &err));
	assert_true(asprintf(&expected, "catalog %s has schema version 99, this kfleet knows up "
	                                "to %d: upgrade kfleet", f->path, store_schema_version()) > 0);
	assert_string_equal(err, expected);
	free(err);
	free(expected);

	/* The smaller test history is refused the same way. */
	message = open_refused(f->path, test_migrations, 2);
	assert_non_null(strstr(message, "has schema version 99, this kfleet knows up to 2"));
	free(message);
}

/* A table of migrations must number its steps 1, 2, 3... */
static void
test_migrations_out_of_order_refused(void **state)
{
	static const struct schema_migration gap[] = {
		{ .version = 1, .sql = "CREATE TABLE a (id INTEGER PRIMARY KEY);" },
		{ .version = 3, .sql = "CREATE TABLE b (id INTEGER PRIMARY KEY);" },
	};
	struct fixture *f = *state;
	char *message = open_refused(f->path, gap, 2);

	assert_non_null(strstr(message, "schema migration 1 has version 3, expected 2"));
	free(message);
}

struct unopenable_case {
	const char *name;             /* file name in the test's directory */
	const char *content;          /* written there first, or NULL for none */
	const char *message_has;
};

static const struct unopenable_case unopenable_cases[] = {
	{ .name = "missing-dir/catalog.db", .message_has = "cannot open" },
	{ .name = "garbage.db", .content = "this is not an SQLite database, not even close, and "
	                                   "it is long enough to have a header\n",
	  .message_has = "file is not a database" },
};

static void
test_unopenable_catalogs_named(void **state)
{
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof unopenable_cases / sizeof unopenable_cases[0]; i++) {
		const struct unopenable_case *c = &unopenable_cases[i];
		char *path = catalog_test_path(f->dir, c->name);
		char *err = NULL;

		if (c->content != NULL) {
			FILE *out = fopen(path, "w");

			assert_non_null(out);
			fputs(c->content, out);
			fclose(out);
		}
		assert_null(store_open(path, &err));
		assert_non_null(err);
		if (strstr(err, path) == NULL || strstr(err, c->message_has) == NULL)
			fail_msg("%s: message \"%s\" should name the file and say \"%s\"", c->name, err,
			         c->message_has);
		assert_null(strchr(err, '\n'));
		free(err);
		free(path);
	}
}

/* The statement cache gives back the same prepared statement for the same SQL. */
static void
test_statement_cache(void **state)
{
	static const char count_topics[] = "SELECT count(*) FROM topics";
	static const char count_groups[] = "SELECT count(*) FROM consumer_groups";
	struct store *store = catalog_test_open(":memory:");
	char *err = NULL;
	sqlite3_stmt *first = store_statement(store, count_topics, &err);
	sqlite3_stmt *other = store_statement(store, count_groups, &err);

	(void)state;
	assert_non_null(first);
	assert_non_null(other);
	assert_ptr_not_equal(first, other);
	assert_ptr_equal(store_statement(store, count_topics, &err), first);
	assert_null(err);
	assert_null(store_statement(store, "SELECT nonsense FROM nowhere", &err));
	assert_non_null(strstr(err, "no such table: nowhere"));
	free(err);
	store_close(store);
}

/* The data version moves when another connection commits, not for the store's own
 * writes: what the terminal UI polls to refresh when an agent writes a generation. */
static void
test_data_version(void **state)
{
	struct fixture *f = *state;
	struct store *reader, *writer;
	long long first, again, after;
	char *err = NULL;

	reader = store_open(f->path, &err);
	assert_non_null(reader);
	writer = store_open(f->path, &err);
	assert_non_null(writer);
	assert_int_equal(store_data_version(reader, &first, &err), 0);
	assert_int_equal(store_data_version(reader, &again, &err), 0);
	assert_true(first == again);
	assert_int_equal(store_exec(reader, "INSERT INTO teams (name) VALUES ('mine')", &err), 0);
	assert_int_equal(store_data_version(reader, &again, &err), 0);
	assert_true(first == again);
	assert_int_equal(store_exec(writer, "INSERT INTO teams (name) VALUES ('payments')", &err), 0);
	assert_int_equal(store_data_version(reader, &after, &err), 0);
	assert_true(after != first);
	store_close(writer);
	store_close(reader);
}

#define FILE_TEST(test) cmocka_unit_test_setup_teardown(test, setup, teardown)

int
main(void)
{
	const struct CMUnitTest tests[] = {
		FILE_TEST(test_open_file_creates_current_schema),
		cmocka_unit_test(test_open_memory),
		FILE_TEST(test_reopen_is_idempotent),
		FILE_TEST(test_migrate_fresh),
		FILE_TEST(test_migrate_older_keeps_rows),
		FILE_TEST(test_migrate_real_schema_keeps_rows),
		FILE_TEST(test_migrate_failure_rolls_back),
		FILE_TEST(test_newer_catalog_refused),
		FILE_TEST(test_migrations_out_of_order_refused),
		FILE_TEST(test_unopenable_catalogs_named),
		cmocka_unit_test(test_statement_cache),
		FILE_TEST(test_data_version),
	};

	return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
