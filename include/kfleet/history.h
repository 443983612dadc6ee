/* history: a cluster's lag history, and what it says of each new generation.
 *
 * Every cycle appends one frame to the catalog: per partition its log end offset, per
 * group and partition its committed offset, at the cycle's time. Frames are compressed
 * (a key frame per 10 minutes, delta frames between) and thinned as they age: every
 * frame for the last hour, one per minute for the last day, one per 10 minutes up to
 * `history`. The writer also keeps, in memory, what evaluation needs: each partition's
 * (log end offset, time) points back to the oldest offset a group still has to read,
 * and each group partition's newest samples. From those it gives every committed offset
 * of a generation its time lag and every group its status (kfleet/lag.h).
 *
 * One struct history per cluster and writer (the agent); snapshot_write drives it.
 * Readers (the terminal UI) read a group's lag back from the catalog alone:
 * history_group_lag. */
#ifndef KFLEET_HISTORY_H
#define KFLEET_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kfleet/lag.h"
#include "kfleet/snapshot.h"
#include "kfleet/store.h"

struct history;

struct history_policy {
	int64_t keep_ms;                /* `history`: frames older than this are deleted */
	struct lag_policy lag;          /* the status window and the STOPPED threshold */
};

/* What the history says of one committed offset of a snapshot. */
struct history_offset_eval {
	int64_t time_lag_ms;            /* -1: unknown (no log end offset for its partition) */
	bool estimated;                 /* extrapolated beyond the history */
};

/* What the history says of one group of a snapshot. */
struct history_group_eval {
	enum lag_status status;
	char reason[LAG_REASON_SIZE];   /* "" with LAG_STATUS_UNKNOWN and no offsets */
	int64_t max_time_lag_ms;        /* -1: unknown */
	bool max_estimated;
	const struct history_offset_eval *offsets;   /* one per snapshot offset, same order */
};

/* The history of CLUSTER in STORE, its frames read back into memory (none yet is fine).
 * NULL with *err set (caller frees) when the catalog cannot be read. */
struct history *history_open(struct store *store, const char *cluster,
                             const struct history_policy *policy, char **err);

/* Apply a new POLICY (a reloaded configuration) from the next cycle on. */
void history_set_policy(struct history *history, const struct history_policy *policy);

void history_free(struct history *history);

/* The evaluation of the last snapshot written through HISTORY: one entry per group of
 * that snapshot, in its order (*COUNT set), valid until the next write; NULL before. */
const struct history_group_eval *history_evaluation(const struct history *history,
                                                    size_t *count);

/* How many series and partition points the history holds in memory (for the agent's
 * log and the benchmarks). */
void history_memory(const struct history *history, size_t *series, size_t *points);

/* Append SNAPSHOT to HISTORY and to the catalog without writing a generation, in its own
 * transaction: what snapshot_write does for history alone (the benchmarks simulate
 * weeks of cycles with it). Returns 0, or -1 with *err set (caller frees). */
int history_record(struct history *history, struct store *store, const struct snapshot *snapshot,
                   char **err);

/* A group's total lag at one frame of the history. */
struct history_point {
	int64_t time_ms;
	int64_t lag;                    /* messages, summed over the group's partitions */
};

/* The total lag of GROUP on CLUSTER in STORE at each frame of the history from SINCE_MS
 * on, oldest first: a new array *POINTS (caller frees; NULL when there are none), *COUNT
 * set. A frame's lag is the sum, over the partitions the frame has both a committed
 * offset of GROUP and the log end offset of, of log end - committed, each at least 0: a
 * partition whose log end its cycle did not get is left out of the sum, as generations
 * leave out its time lag, and a frame with no such partition (the group had no offset
 * then, or the cycle could not list topics) is left out. Decodes only the series of
 * GROUP and of the partitions it committed on, from the whole key frame (one a day)
 * before SINCE_MS on, so that a group's screen can call it as it opens. An unknown
 * cluster or group has no points. Returns 0, or -1 with *err set (caller frees). */
int history_group_lag(struct store *store, const char *cluster, const char *group,
                      int64_t since_ms, struct history_point **points, size_t *count,
                      char **err);

#endif
