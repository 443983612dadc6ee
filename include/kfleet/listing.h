/* listing: what `kfleet clusters | brokers | topics | partitions | groups | members | lag |
 * acls | quotas | services | teams` and `kfleet offsets history` show, read from the catalog with ownership resolved (a group
 * matched by a service's glob shows that service and its team).
 *
 * A listing is a jansson array of flat objects whose fields are those of DESIGN.md, in
 * the order listing_fields gives; a missing value is JSON null, times are ISO 8601 UTC.
 * jansson is the catalog's row format here so that every output (table, JSON, CSV) is
 * made from one representation. */
#ifndef KFLEET_LISTING_H
#define KFLEET_LISTING_H

#include <stddef.h>

#include <jansson.h>

#include "kfleet/store.h"

enum listing_kind {
	LISTING_CLUSTERS,
	LISTING_TOPICS,
	LISTING_GROUPS,         /* by cluster and name */
	LISTING_LAG,            /* the groups again, worst first */
	LISTING_LAG_PARTITIONS, /* one row per group and partition, worst first */
	LISTING_ACLS,
	LISTING_QUOTAS,
	LISTING_SERVICES,
	LISTING_TEAMS,
	LISTING_OFFSET_RESETS,  /* the reset audit log (kfleet/audit.h), newest first */
	LISTING_BROKERS,        /* by cluster and broker id */
	LISTING_PARTITIONS,     /* by cluster, topic and partition; owners are the topic's */
	LISTING_MEMBERS,        /* consumer-group members by cluster, group and member id */
	LISTING_KIND_COUNT
};

/* Rows are kept when they match every field set here (NULL: no filter). A filter on a
 * field the listing does not have keeps nothing; listing_has_field tells beforehand. */
struct listing_filter {
	const char *cluster;
	const char *team;
	const char *service;
	const char *group;
	const char *topic;
	/* The consumer-group listings (groups, lag, lag by partition, where a row's status is
	 * its group's): keep rows whose status is in this set of 1u << enum lag_status
	 * (kfleet/lag.h; null, not yet evaluated, is LAG_STATUS_UNKNOWN). 0: no filter; on
	 * other listings any other value keeps nothing. */
	unsigned statuses;
};

/* The fields of KIND's rows, in order; *COUNT set to how many. */
const char *const *listing_fields(enum listing_kind kind, size_t *count);

/* Whether KIND's rows have FIELD (e.g. "team"). */
int listing_has_field(enum listing_kind kind, const char *field);

/* KIND's rows in STORE that match FILTER (NULL: all). A new array (caller json_decref's),
 * or NULL with *err set (caller frees). */
json_t *listing_query(struct store *store, enum listing_kind kind,
                      const struct listing_filter *filter, char **err);

#endif
