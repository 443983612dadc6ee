/* catalog_test: helpers for the catalog's unit tests. */
#include "config.h"

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/unit/catalog_test.h"

char *
catalog_test_make_dir(void)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = NULL;

	if (tmp == NULL || tmp[0] == '\0')
		tmp = "/tmp";
	if (asprintf(&dir, "%s/kfleet-catalog-XXXXXX", tmp) < 0)
		fail_msg("out of memory");
	if (mkdtemp(dir) == NULL)
		fail_msg("cannot create a temporary directory under %s", tmp);
	return dir;
}

void
catalog_test_remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *entry;

	if (d == NULL)
		return;
	while ((entry = readdir(d)) != NULL) {
		char *path;

		if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
			continue;
		path = catalog_test_path(dir, entry->d_name);
		unlink(path);
		free(path);
	}
	closedir(d);
	rmdir(dir);
}

char *
catalog_test_path(const char *dir, const char *name)
{
	char *path = NULL;

	if (asprintf(&path, "%s/%s", dir, name) < 0)
		fail_msg("out of memory");
	return path;
}

struct store *
catalog_test_open(const char *path)
{
	char *err = NULL;
	struct store *store = store_open(path, &err);

	if (store == NULL)
		fail_msg("store_open(%s): %s", path, err);
	assert_null(err);
	return store;
}

/* A fixture with its directory, and no catalog yet. */
static struct catalog_test_fixture *
catalog_test_fixture_new(void)
{
	struct catalog_test_fixture *f = calloc(1, sizeof *f);

	assert_non_null(f);
	f->dir = catalog_test_make_dir();
	return f;
}

int
catalog_test_setup_file(void **state)
{
	struct catalog_test_fixture *f = catalog_test_fixture_new();

	f->path = catalog_test_path(f->dir, "catalog.db");
	f->store = catalog_test_open(f->path);
	*state = f;
	return 0;
}

int
catalog_test_setup_memory(void **state)
{
	struct catalog_test_fixture *f = catalog_test_fixture_new();

	f->store = catalog_test_open(":memory:");
	*state = f;
	return 0;
}

int
catalog_test_teardown(void **state)
{
	struct catalog_test_fixture *f = *state;

	store_close(f->store);
	catalog_test_remove_dir(f->dir);
	free(f->path);
	free(f->dir);
	free(f);
	return 0;
}

long long
catalog_test_db_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *statement;
	long long value;

	if (sqlite3_prepare_v2(db, sql, -1, &statement, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(statement) != SQLITE_ROW)
		fail_msg("%s: no row (%s)", sql, sqlite3_errmsg(db));
	value = sqlite3_column_int64(statement, 0);
	sqlite3_finalize(statement);
	return value;
}

long long
catalog_test_int(struct store *store, const char *sql)
{
	return catalog_test_db_int(store_sqlite(store), sql);
}

char *
catalog_test_text(struct store *store, const char *sql)
{
	sqlite3 *db = store_sqlite(store);
	sqlite3_stmt *statement;
	const unsigned char *text;
	char *copy = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &statement, NULL) != SQLITE_OK)
		fail_msg("%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(statement) != SQLITE_ROW)
		fail_msg("%s: no row (%s)", sql, sqlite3_errmsg(db));
	text = sqlite3_column_text(statement, 0);
	if (text != NULL)
		copy = strdup((const char *)text);
	sqlite3_finalize(statement);
	return copy;
}

void
catalog_test_check(struct store *store, const struct catalog_test_expectation *expectations,
                   size_t count)
{
	for (size_t i = 0; i < count; i++) {
		long long value = catalog_test_int(store, expectations[i].sql);

		if (value != expectations[i].value)
			fail_msg("%s: %lld, expected %lld", expectations[i].sql, value,
			         expectations[i].value);
	}
}

int
catalog_test_file_contains(const char *file, const char *text)
{
	FILE *f = fopen(file, "rb");
	size_t text_length = strlen(text);
	char buffer[65536];
	size_t kept = 0;
	int found = 0;

	if (f == NULL)
		return 0;
	/* Read in blocks, keeping the last text_length - 1 bytes so a match across two
	 * blocks is seen. */
	for (;;) {
		size_t got = fread(buffer + kept, 1, sizeof buffer - kept, f);
		size_t have = kept + got;

		if (got == 0)
			break;
		if (memmem(buffer, have, text, text_length) != NULL) {
			found = 1;
			break;
		}
		kept = have < text_length - 1 ? have : text_length - 1;
		memmove(buffer, buffer + have - kept, kept);
	}
	fclose(f);
	return found;
}
