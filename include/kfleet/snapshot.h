/* snapshot: what one collection cycle saw of a cluster, and writing it to the catalog as
 * that cluster's new generation.
 *
 * The agent fills a struct snapshot with plain arrays and counts; every pointer is
 * borrowed: snapshot_write reads the snapshot and keeps nothing, so the agent allocates it
 * however suits it. Strings may be NULL where the catalog allows a missing value (noted
 * "or NULL"); numbers use -1 for "unknown" where noted, and the catalog stores NULL. */
#ifndef KFLEET_SNAPSHOT_H
#define KFLEET_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kfleet/store.h"

struct history;

/* The collector's sections, each of which may fail on its own (e.g. ACLs: "no authorizer
 * configured"). A failed section writes no rows for this generation. */
enum snapshot_section {
	SNAPSHOT_BROKERS,
	SNAPSHOT_TOPICS,        /* topics, partitions, watermarks */
	SNAPSHOT_CONFIGS,
	SNAPSHOT_ACLS,
	SNAPSHOT_QUOTAS,
	SNAPSHOT_GROUPS,        /* groups, members, assignments, committed offsets */
	SNAPSHOT_SECTION_COUNT
};

struct snapshot_broker {
	int32_t node_id;
	const char *host;
	int port;
	const char *rack;               /* or NULL */
};

struct snapshot_partition {
	int32_t partition;
	int32_t leader_id;              /* -1: no leader */
	const int32_t *replicas;        /* broker ids, leader first */
	size_t replica_count;
	const int32_t *isr;
	size_t isr_count;
	int64_t low_watermark;          /* -1: unknown */
	int64_t high_watermark;         /* the log end offset; -1: unknown */
};

/* A sensitive config's value is never written, whatever VALUE holds. */
struct snapshot_config {
	const char *name;
	const char *value;              /* or NULL */
	const char *source;             /* e.g. "DYNAMIC_TOPIC_CONFIG", or NULL */
	bool is_default;
	bool is_sensitive;
};

struct snapshot_topic {
	const char *name;
	bool internal;
	int replication_factor;
	const struct snapshot_partition *partitions;
	size_t partition_count;
	const struct snapshot_config *configs;
	size_t config_count;
};

struct snapshot_acl {
	const char *principal;          /* e.g. "User:order-service" */
	const char *host;
	const char *operation;          /* e.g. "READ" */
	const char *permission;         /* "ALLOW" or "DENY" */
	const char *resource_type;      /* e.g. "TOPIC" */
	const char *resource_name;
	const char *pattern_type;       /* "LITERAL" or "PREFIXED" */
};

/* One part of a quota entity, e.g. user=alice; NAME NULL is the type's default entity. */
struct snapshot_quota_part {
	const char *entity_type;        /* "user", "client-id", "ip" */
	const char *entity_name;
};

struct snapshot_quota_value {
	const char *key;                /* e.g. "producer_byte_rate" */
	double value;
};

struct snapshot_quota {
	const struct snapshot_quota_part *parts;
	size_t part_count;
	const struct snapshot_quota_value *values;
	size_t value_count;
};

struct snapshot_assignment {
	const char *topic;
	int32_t partition;
};

struct snapshot_member {
	const char *member_id;
	const char *client_id;          /* or NULL */
	const char *host;               /* or NULL */
	const struct snapshot_assignment *assignments;
	size_t assignment_count;
};

struct snapshot_offset {
	const char *topic;
	int32_t partition;
	int64_t committed_offset;
	const char *metadata;           /* or NULL */
};

struct snapshot_group {
	const char *name;
	const char *state;              /* e.g. "Stable", or NULL */
	const char *protocol_type;      /* e.g. "consumer", or NULL */
	const char *protocol;           /* the assignor, e.g. "range", or NULL */
	int32_t coordinator_id;         /* -1: unknown */
	const struct snapshot_member *members;
	size_t member_count;
	const struct snapshot_offset *offsets;
	size_t offset_count;
};

struct snapshot {
	const char *cluster;            /* kfleet's name for the cluster */
	const char *kafka_cluster_id;   /* or NULL */
	int32_t controller_id;          /* -1: unknown */
	int64_t collected_at_ms;        /* when its log end offsets were read; Unix epoch, UTC */
	int64_t cycle_duration_ms;
	const char *section_errors[SNAPSHOT_SECTION_COUNT];   /* NULL: the section was collected */

	const struct snapshot_broker *brokers;
	size_t broker_count;
	const struct snapshot_topic *topics;
	size_t topic_count;
	const struct snapshot_acl *acls;
	size_t acl_count;
	const struct snapshot_quota *quotas;
	size_t quota_count;
	const struct snapshot_group *groups;
	size_t group_count;
};

/* The section's name as the catalog and the listings show it, e.g. "acls". */
const char *snapshot_section_name(enum snapshot_section section);

/* Replace SNAPSHOT->cluster's current state in STORE with SNAPSHOT, as its next generation,
 * in one transaction: what the snapshot no longer has (a deleted topic, a gone group) is
 * gone; other clusters, ownership and history are untouched. With HISTORY (the cluster's,
 * kfleet/history.h), the cycle is appended to the lag history in the same transaction and
 * the generation carries what the history says: each committed offset's time lag, each
 * group's status (history_evaluation has them too); NULL writes neither. Readers see the
 * previous generation or this one, never a mix. Returns 0, or -1 with *err set (caller
 * frees) and the previous generation intact. */
int snapshot_write(struct store *store, const struct snapshot *snapshot, struct history *history,
                   char **err);

/* Record that CLUSTER could not be reached at AT_MS (Unix epoch, UTC), with ERROR as the
 * reason, keeping its last collected generation as it is for readers. Returns 0, or -1
 * with *err set (caller frees). */
int snapshot_mark_unreachable(struct store *store, const char *cluster, const char *error,
                              int64_t at_ms, char **err);

#endif
