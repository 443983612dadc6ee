/* collect: one collection cycle of a Kafka cluster through librdkafka, as a snapshot the
 * catalog can write. Sections fail on their own (recorded in the snapshot's
 * section_errors); only a cluster that cannot be reached at all fails the cycle. */
#ifndef KFLEET_COLLECT_H
#define KFLEET_COLLECT_H

#include <stddef.h>
#include <stdint.h>

#include "agent/arena.h"
#include "kfleet/kclient.h"
#include "kfleet/snapshot.h"

/* The long-lived clients of one cluster, reused cycle after cycle. */
struct collector;

/* Requests a cycle sent, per kind (what the benchmark and /metrics report). */
struct collect_requests {
	int metadata, list_offsets, describe_configs, describe_acls;
	int list_groups, describe_groups, list_group_offsets;
	int describe_quotas;        /* with the connection's ApiVersions and SASL rounds */
};

/* What a cycle saw: SNAPSHOT points into ARENA and QUOTAS, which the result owns. */
struct quotas_result;

struct collect_result {
	struct snapshot snapshot;
	struct collect_requests requests;
	struct arena arena;
	struct quotas_result *quotas;   /* what snapshot.quotas points into, or NULL */
};

/* Clients for CLUSTER (kfleet's name for it) from COUNT librdkafka SETTINGS (the
 * config's kafka.* keys). NULL with *err set (caller frees) when they cannot be made. */
struct collector *collector_new(const char *cluster, const struct kclient_setting *settings,
                                size_t count, char **err);

/* Wait for outstanding requests and free COLLECTOR; NULL is allowed. */
void collector_free(struct collector *collector);

/* Collect the cluster once, each request given at most TIMEOUT_MS. Returns 0 with
 * *RESULT set (caller frees with collect_result_free), or -1 with *err set (caller frees)
 * when the cluster could not be reached: no broker answered the metadata request. */
int collector_run(struct collector *collector, int timeout_ms, struct collect_result **result,
                  char **err);

void collect_result_free(struct collect_result *result);

/* The wall clock in milliseconds since the epoch, as snapshots carry times (durations
 * and deadlines: monotonic_ms, kfleet/monotonic.h). */
int64_t collect_now_ms(void);

#endif
