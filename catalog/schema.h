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

/* A consumer group's total lag, as an SQL expression over the group row aliased G: the sum
 * over its committed offsets on partitions the catalog knows of log end - committed,
 * never below 0; NULL when it has no such offset. The snapshot writer stores it in
 * consumer_groups.lag at every generation (the listings read that column, and fall back
 * to this for a group written before the column existed). */
#define SCHEMA_GROUP_LAG(G) \
	"(SELECT sum(max(p.high_watermark - o.committed_offset, 0)) FROM committed_offsets o" \
	"   JOIN topics t ON t.cluster_id = " G ".cluster_id AND t.name = o.topic" \
	"   JOIN partitions p ON p.topic_id = t.id AND p.partition = o.partition" \
	"   WHERE o.consumer_group_id = " G ".id)"

#endif
