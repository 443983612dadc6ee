/* schema: the catalog's tables, as forward migrations. Internal to catalog/. */
#ifndef KFLEET_SCHEMA_H
#define KFLEET_SCHEMA_H

#include <stddef.h>

/* One step of the schema: applying SQL to a catalog at version - 1 brings it to VERSION.
 * Versions in a table of migrations run 1, 2, 3... with no gaps. */
struct schema_migration {
	int version;
	const char *sql;
};

/* The schema this kfleet knows, oldest step first. */
extern const struct schema_migration schema_migrations[];
extern const size_t schema_migration_count;

#endif
