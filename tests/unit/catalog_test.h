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

/* The integer in the first column of the first row SQL returns (0 when NULL); fails the
 * test on an SQL error or no row. SQL is a fixed string of the test's. */
long long catalog_test_int(struct store *store, const char *sql);

/* The same on a bare connection (another process's view). */
long long catalog_test_db_int(sqlite3 *db, const char *sql);

/* The text in the first column of the first row, or NULL (caller frees). */
char *catalog_test_text(struct store *store, const char *sql);

/* Whether the bytes of FILE contain TEXT (a missing file contains nothing). */
int catalog_test_file_contains(const char *file, const char *text);

#endif
