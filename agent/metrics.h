/* metrics: the agent's Prometheus text (exposition format 0.0.4) from the latest
 * snapshot. kafka_exporter's names and labels for what it covers, so its dashboards work;
 * the consumer-group series also carry team and service; kfleet_* series describe the
 * collection itself and carry the cluster. */
#ifndef KFLEET_METRICS_H
#define KFLEET_METRICS_H

#include <stdbool.h>
#include <stddef.h>

#include "agent/collect.h"
#include "kfleet/lag.h"
#include "kfleet/snapshot.h"

/* What the agent knows of a consumer group beyond the snapshot: who owns it (either may
 * be NULL: unowned, the label is "") and what its lag history says (kfleet/history.h). */
struct metrics_group {
	const char *service;
	const char *team;
	enum lag_status status;         /* UNKNOWN: no kfleet_consumergroup_status sample */
	int64_t max_time_lag_ms;        /* -1: unknown */
	const int64_t *time_lag_ms;     /* one per snapshot offset of the group (-1: unknown),
	                                   or NULL */
};

/* What the text is made from; every pointer is borrowed. */
struct metrics_view {
	const char *cluster;                    /* kfleet's name for the cluster */
	bool cluster_up;                        /* the latest cycle reached the cluster */
	bool catalog_up;                        /* and its generation was written */
	const struct snapshot *snapshot;        /* the latest collected one, or NULL: none yet */
	const struct collect_requests *requests;   /* that cycle's requests, or NULL */
	const struct metrics_group *groups;  /* one per snapshot group, or NULL */
};

/* The text of VIEW, NUL-terminated, *LENGTH set to its length without the NUL. Caller
 * frees. NULL when out of memory. */
char *metrics_render(const struct metrics_view *view, size_t *length);

#endif
