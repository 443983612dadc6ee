/* store: the catalog database (one SQLite file shared by every agent and kfleet on a host).
 * The catalog's other modules (snapshot writer, queries, import) work on an open store. */
#ifndef KFLEET_STORE_H
#define KFLEET_STORE_H

/* An open catalog: one connection, for one thread at a time. */
struct store;

/* Open the catalog at PATH (":memory:" for a private in-memory one), creating it if
 * needed, in WAL mode with foreign keys on and a busy timeout, and bring its schema up to
 * the version this kfleet knows. A catalog written by a newer kfleet is refused.
 * On failure return NULL and set *err to one line naming PATH (caller frees). */
struct store *store_open(const char *path, char **err);

/* Close STORE and free it; NULL is allowed. */
void store_close(struct store *store);

/* The path STORE was opened with, for messages. */
const char *store_path(const struct store *store);

/* A number that changes whenever another connection (an agent writing a generation, an
 * import) has committed to the catalog since STORE last looked: SQLite's data_version.
 * The terminal UI polls it to refresh by itself. Returns 0 with *VERSION set, or -1 with
 * *err set (caller frees). */
int store_data_version(struct store *store, long long *version, char **err);

/* The newest schema version this kfleet knows (what store_open migrates to). */
int store_schema_version(void);

#endif
