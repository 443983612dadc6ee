/* lag: what a consumer group's lag history means. Time lag (how old the next message a
 * group would read is) from a partition's (log end offset, time) history, a group
 * status over a sliding window of samples, with Burrow's rules as the anchor, and a
 * group's lag over time as a sparkline.
 *
 * Pure functions over arrays: the catalog's history module feeds them, the listings and
 * the agent's metrics show their results, and the unit tests drive them with synthetic
 * histories. Times are milliseconds since the Unix epoch (UTC). */
#ifndef KFLEET_LAG_H
#define KFLEET_LAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A group's (or one of its partitions') status, from best to worst: the order is the
 * severity used by sorting and by `kfleet lag --fail-on`. UNKNOWN: not enough samples yet
 * (or no committed offset) to say. STALLED, STOPPED and REWIND are Burrow's ERROR. */
enum lag_status {
	LAG_STATUS_UNKNOWN,
	LAG_STATUS_OK,
	LAG_STATUS_WARNING,     /* lag grew across the whole window */
	LAG_STATUS_REWIND,      /* a committed offset went backwards */
	LAG_STATUS_STALLED,     /* members are there, the committed offset does not move, lag > 0 */
	LAG_STATUS_STOPPED,     /* no member and no commit for longer than stopped_after, while
	                         * the topic moved */
	LAG_STATUS_COUNT
};

/* The longest reason, with its NUL ("orders[3]: lag grew from 120 to 5,400 over 10m"). */
#define LAG_REASON_SIZE 160

/* "OK", "WARNING", "REWIND", "STALLED", "STOPPED"; NULL for UNKNOWN (shown as null). */
const char *lag_status_name(enum lag_status status);

/* The status named NAME (case-insensitive), or -1. "ERROR" is not a status but the set
 * REWIND, STALLED, STOPPED: lag_status_parse_set takes it. */
int lag_status_parse(const char *name);

/* A set of statuses as a bit mask (1u << status) from a comma-separated list of names,
 * where ERROR stands for REWIND,STALLED,STOPPED; e.g. "WARNING,ERROR". Returns 0 and sets
 * *MASK, or -1 with the offending name copied to BAD (BAD_SIZE bytes, NUL-terminated). */
int lag_status_parse_set(const char *list, unsigned *mask, char *bad, size_t bad_size);

/* The lowest status that "at STATUS or worse" means for NAME: a status name, or ERROR
 * (= REWIND). -1 when NAME is neither. */
int lag_status_parse_threshold(const char *name);

/* ---------------------------------------------------------------- time lag */

/* A partition's log end offset at a time. A history is sorted by time, oldest first;
 * log end offsets do not decrease (a truncated or recreated partition starts again). */
struct lag_point {
	int64_t at_ms;
	int64_t log_end_offset;
};

/* The age at NOW_MS of the message at COMMITTED (the next one the group reads). */
struct lag_time {
	bool known;             /* false: no history to estimate from */
	bool estimated;         /* extrapolated beyond the oldest point of the history */
	int64_t ms;             /* >= 0, rounded; 0 when caught up (COMMITTED >= the newest
	                         * log end); INT64_MAX if an extrapolation goes beyond */
};

/* Time lag from HISTORY (COUNT points, the newest being the current log end offset):
 * the message at COMMITTED was produced between the last point whose log end offset is
 * <= COMMITTED and the next one, at the time linear interpolation between the two gives
 * (as kafka-lag-exporter does). A log end L at t means offsets below L existed at t, so
 * of the L1 - L0 messages produced between (t0, L0) and (t1, L1), COMMITTED is number
 * COMMITTED - L0 + 1 and the last is produced at t1. Before the oldest point it is
 * extrapolated at the history's mean rate, with the same spacing (the message at the
 * oldest log end - 1 is produced at the oldest point), and flagged estimated; with no rate
 * to use, the oldest point's age is a lower bound, flagged estimated too; when that age
 * is 0 (the history is only the present), the time lag is not known. */
struct lag_time lag_time_lag(const struct lag_point *history, size_t count, int64_t committed,
                             int64_t now_ms);

/* ---------------------------------------------------------------- status */

/* One sample of a group's partition: its committed offset and the partition's log end
 * offset in the same cycle (lag = log_end_offset - committed_offset, at least 0). */
struct lag_sample {
	int64_t at_ms;
	int64_t committed_offset;
	int64_t log_end_offset;
};

struct lag_policy {
	size_t window;                  /* samples evaluated, the newest last (0: default 10) */
	int64_t stopped_after_ms;       /* 0: default 10 minutes */
};

#define LAG_POLICY_DEFAULT_WINDOW 10
#define LAG_POLICY_DEFAULT_STOPPED_AFTER_MS (10 * 60 * 1000)

/* What the evaluation of one partition needs beyond its window. */
struct lag_partition_context {
	bool has_members;               /* the group has members now */
	int64_t committed_since_ms;     /* since when the committed offset has had its current
	                                 * value (may be older than the window); -1: unknown */
	int64_t log_end_at_commit;      /* the log end offset at committed_since_ms; -1: unknown */
	int64_t now_ms;
};

/* The status of one partition of a group over WINDOW (COUNT samples, oldest first, the
 * newest being now; only the newest policy->window count), with a one-line reason
 * written to REASON (LAG_REASON_SIZE bytes), e.g. "lag grew from 120 to 5,400 over 10m".
 * Rules, first match wins:
 *   no sample -> UNKNOWN;
 *   lag 0 in the newest sample -> OK; one sample with lag -> UNKNOWN;
 *   a committed offset lower than the one before it, while the log end offset did not go
 *     down (a recreated or truncated partition is not the group's doing) -> REWIND;
 *   a sample with lag 0 -> OK (Burrow: caught up within the window);
 *   committed offset the same across a full window (policy->window samples; so lag > 0
 *     throughout) and members -> STALLED;
 *   committed offset the same across the window, no member, unchanged for >= stopped_after
 *     while the log end grew since the commit -> STOPPED (committed_since_ms -1: since the
 *     oldest sample; log_end_at_commit -1: the oldest sample's);
 *   a window not full yet whose offset has not moved or whose lag only grew -> UNKNOWN
 *     ("lag 120, 3 of 10 samples so far": a verdict needs a window);
 *   lag never decreased and grew across the window -> WARNING;
 *   otherwise OK.
 * REWIND comes before the window's lag 0, unlike in Burrow: a caught-up group that rewinds
 * does so right after a sample with lag 0, which stays in the window as long as the step
 * back does, so the other order would never report a caught-up group's rewind. */
enum lag_status lag_partition_status(const struct lag_sample *window, size_t count,
                                     const struct lag_partition_context *context,
                                     const struct lag_policy *policy, char *reason);

/* Sizes that hold any count ("-9,223,372,036,854,775,808") and any duration
 * ("106751991167d7h") with their NUL. */
#define LAG_COUNT_SIZE 28
#define LAG_DURATION_SIZE 24

/* Format COUNT with thousands separators ("5,400") into BUF (SIZE bytes, at least
 * LAG_COUNT_SIZE for every count to fit); returns BUF. */
const char *lag_format_count(int64_t count, char *buf, size_t size);

/* Format a duration as reasons show it: "45s", "12m", "3h20m", "2d4h": the largest unit
 * and the next one unless it is 0, rounded down; "0s" under a second. Into BUF (SIZE
 * bytes, at least LAG_DURATION_SIZE for every duration to fit); returns BUF. */
const char *lag_format_duration(int64_t ms, char *buf, size_t size);

/* ---------------------------------------------------------------- sparkline */

/* A sparkline's levels, and the most bytes one cell takes (a Unicode block in UTF-8):
 * OUT of WIDTH * LAG_SPARK_CELL_SIZE + 1 bytes holds any sparkline of WIDTH cells. */
#define LAG_SPARK_LEVELS 8
#define LAG_SPARK_CELL_SIZE 3

/* VALUES (COUNT lags, oldest first) as a sparkline of at most WIDTH cells, for a group's
 * lag history on a screen: with more values than WIDTH, cell i shows the largest of the
 * i-th of WIDTH consecutive, nearly equal runs of values; with fewer, one cell each.
 * Lag 0 (or below) is the lowest glyph, "▁" (UNICODE) or '_', and nothing else is:
 * a lag above 0 is one of the 7 levels above it, "▂".."█" or ".:-=+*#",
 * ceil(7 * lag / the largest of VALUES), so an all-zero history is a flat floor and the
 * smallest lag still shows above it. Writes into OUT (OUT_SIZE bytes, NUL-terminated;
 * when too small, the whole cells that fit, oldest first) and returns the cells
 * written; 0 for COUNT 0 or WIDTH 0 (OUT then ""). */
size_t lag_sparkline(const int64_t *values, size_t count, size_t width, bool unicode,
                     char *out, size_t out_size);

#endif
