/* catalog_test: what the catalog's unit tests share: a private temporary directory for
 * catalog files, and one-value queries to check what a catalog holds. */
#ifndef KFLEET_CATALOG_TEST_H
#define KFLEET_CATALOG_TEST_H

#include "catalog/store_sql.h"

/* Create a private directory for catalog files (caller frees; remove it with
 * catalog_test_remove_dir). Fails the test if it cannot. */
char *catalog_test_make_dir(void);

/* Remove DIR and the files in it (catalogs and their -wal and -shm files). */
void catalog_test_remove_dir(const char *dir);

/* DIR/NAME (caller frees). */
char *catalog_test_path(const char *dir, const char *name);

/* Open the catalog at PATH, failing the test with the store's message if it cannot. */
struct store *catalog_test_open(const char *path);

/* One test's catalog: a file in a private directory, or :memory: (PATH NULL; the directory
 * is made all the same, for other files the test writes). */
struct catalog_test_fixture {
	char *dir;
	char *path;
	struct store *store;
};

/* cmocka setups making *STATE a catalog_test_fixture, and the teardown removing it. */
int catalog_test_setup_file(void **state);
int catalog_test_setup_memory(void **state);
int catalog_test_teardown(void **state);

/* Two cmocka tests: TEST on a catalog file and on :memory:. */
#define CATALOG_TEST_ON_BOTH(test, what)                                                     \
	{ .name = what " (file)", .test_func = test, .setup_func = catalog_test_setup_file,    \
	  .teardown_func = catalog_test_teardown },                                            \
	{ .name = what " (memory)", .test_func = test, .setup_func = catalog_test_setup_memory, \
	  .teardown_func = catalog_test_teardown }

/* The integer in the first column of the first row SQL returns (0 when NULL); fails the
 * test on an SQL error or no row. SQL is a fixed string of the test's. */
long long catalog_test_int(struct store *store, const char *sql);

/* The same on a bare connection (another process's view). */
long long catalog_test_db_int(sqlite3 *db, const char *sql);

/* The text in the first column of the first row, or NULL (caller frees). */
char *catalog_test_text(struct store *store, const char *sql);

/* An expected value of a query, as a row of a test's table. */
struct catalog_test_expectation {
	const char *sql;
	long long value;
};

/* Check each of the COUNT EXPECTATIONS (catalog_test_int of its sql), failing the test with
 * the first that does not hold. */
void catalog_test_check(struct store *store, const struct catalog_test_expectation *expectations,
                        size_t count);

/* Whether the bytes of FILE contain TEXT (a missing file contains nothing). */
int catalog_test_file_contains(const char *file, const char *text);

#endif
