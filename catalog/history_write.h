/* history_write: how snapshot_write drives a history inside its own write transaction.
 * Internal to catalog/. */
#ifndef KFLEET_HISTORY_WRITE_H
#define KFLEET_HISTORY_WRITE_H

#include <stdbool.h>
#include <stdint.h>

#include "kfleet/history.h"

/* Take in SNAPSHOT: its values join the memory of HISTORY and its groups are evaluated
 * (history_evaluation). Returns 0, or -1 with *err set (out of memory). */
int history_take(struct history *history, const struct snapshot *snapshot, char **err);

/* Write the frame of the snapshot just taken for cluster CLUSTER_ID, then thin the
 * cluster's frames, inside the caller's transaction. Returns 0, or -1 with *err set. */
int history_write_frame(struct history *history, struct store *store, int64_t cluster_id,
                        char **err);

/* The caller's transaction is over: COMMITTED or rolled back (the frame and any new
 * series ids with it are forgotten, so the next write inserts them again). */
void history_end_write(struct history *history, bool committed);

#endif
