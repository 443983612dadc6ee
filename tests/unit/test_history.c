/* Unit tests for catalog/history: frames written each cycle and thinned by age, the
 * history read back into memory by a new writer, a write that fails leaving nothing
 * behind, what a generation carries from it (time lag per offset, status per group), and
 * a group's lag read back for the screens, all through simulated clocks on real
 * catalogs. */
#include "config.h"

#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kfleet/history.h"
#include "kfleet/listing.h"
#include "kfleet/snapshot.h"
#include "tests/unit/catalog_test.h"

#define T0 INT64_C(1764000000000)         /* 2025-11-24T16:00:00Z, a 10-minute boundary */
#define SECOND INT64_C(1000)
#define MINUTE (60 * SECOND)
#define HOUR (60 * MINUTE)
#define DAY (24 * HOUR)
#define CLUSTER "eu"
#define PARTITIONS 2

/* A cluster of one topic "orders" of PARTITIONS partitions and one group "billing",
 * described by numbers the tests move cycle by cycle. */
struct fleet {
	int64_t log_end[PARTITIONS];
	int64_t committed[PARTITIONS];
	bool members;                   /* billing has a member */
	struct snapshot_partition partitions[PARTITIONS];
	struct snapshot_topic topic;
	struct snapshot_offset offsets[PARTITIONS];
	struct snapshot_member member;
	struct snapshot_group group;
	struct snapshot snapshot;
};

static const int32_t replicas[] = { 1 };

/* F's snapshot at AT_MS. */
static const struct snapshot *
fleet_snapshot(struct fleet *f, int64_t at_ms)
{
	for (int p = 0; p < PARTITIONS; p++) {
		f->partitions[p] = (struct snapshot_partition){
			.partition = p, .leader_id = 1, .replicas = replicas, .replica_count = 1,
			.isr = replicas, .isr_count = 1, .low_watermark = 0, .high_watermark = f->log_end[p],
		};
		f->offsets[p] = (struct snapshot_offset){
			.topic = "orders", .partition = p, .committed_offset = f->committed[p],
		};
	}
	f->topic = (struct snapshot_topic){ .name = "orders", .replication_factor = 1,
	                                    .partitions = f->partitions,
	                                    .partition_count = PARTITIONS };
	f->member = (struct snapshot_member){ .member_id = "m-1", .client_id = "billing-1" };
	f->group = (struct snapshot_group){
		.name = "billing", .state = f->members ? "Stable" : "Empty", .coordinator_id = 1,
		.members = &f->member, .member_count = f->members ? 1 : 0,
		.offsets = f->offsets, .offset_count = PARTITIONS,
	};
	f->snapshot = (struct snapshot){
		.cluster = CLUSTER, .controller_id = 1, .collected_at_ms = at_ms,
		.topics = &f->topic, .topic_count = 1, .groups = &f->group, .group_count = 1,
	};
	return &f->snapshot;
}

static const struct history_policy policy = {
	.keep_ms = 7 * DAY,
	.lag = { .window = 5, .stopped_after_ms = 5 * MINUTE },
};

static struct history *
open_history(struct store *store)
{
	char *err = NULL;
	struct history *history = history_open(store, CLUSTER, &policy, &err);

	if (history == NULL)
		fail_msg("history_open: %s", err);
	return history;
}

static void
write_generation(struct store *store, struct history *history, const struct snapshot *snapshot)
{
	char *err = NULL;

	if (snapshot_write(store, snapshot, history, &err) < 0)
		fail_msg("snapshot_write: %s", err);
}

static void
record(struct store *store, struct history *history, const struct snapshot *snapshot)
{
	char *err = NULL;

	if (history_record(history, store, snapshot, &err) < 0)
		fail_msg("history_record: %s", err);
}

/* The evaluation of the one group of the last write. */
static const struct history_group_eval *
billing(const struct history *history)
{
	size_t count;
	const struct history_group_eval *evals = history_evaluation(history, &count);

	assert_non_null(evals);
	assert_int_equal(count, 1);
	return evals;
}

/* Two days and an hour of 30-second cycles: the tiers hold exactly what they should. */
static void
test_thinning_by_age(void **state)
{
	struct catalog_test_fixture *f = *state;
	struct history *history = open_history(f->store);
	struct fleet fleet = { .members = true };
	int64_t now = T0 + 2 * DAY + HOUR;
	const struct catalog_test_expectation expected[] = {
		/* the last hour: every frame (at now - 1h exactly too) */
		{ "SELECT count(*) FROM lag_frames WHERE sampled_at_ms >= 1764172800000",
		  121 },
		/* nothing of tier 0 before that, nothing of tier 1 before a day */
		{ "SELECT count(*) FROM lag_frames WHERE tier = 0 AND sampled_at_ms < 1764172800000",
		  0 },
		{ "SELECT count(*) FROM lag_frames WHERE tier = 1 AND sampled_at_ms < 1764090000000",
		  0 },
		/* one frame per minute between an hour and a day old */
		{ "SELECT count(*) FROM lag_frames WHERE sampled_at_ms < 1764172800000"
		  " AND sampled_at_ms >= 1764090000000", 23 * 60 },
		{ "SELECT count(DISTINCT sampled_at_ms / 60000) FROM lag_frames"
		  " WHERE sampled_at_ms < 1764172800000", 23 * 60 + 25 * 6 },
		/* one per 10 minutes before: 25 hours of key frames */
		{ "SELECT count(*) FROM lag_frames WHERE sampled_at_ms < 1764090000000", 25 * 6 },
		{ "SELECT count(*) FROM lag_frames WHERE key_frame_id IS NULL", 2 * 24 * 6 + 6 + 1 },
		{ "SELECT count(*) FROM lag_frames WHERE key_frame_id IS NULL AND tier <> 2", 0 },
		/* 2 partitions and 2 group partitions, in every frame */
		{ "SELECT count(*) FROM lag_series", 4 },
		{ "SELECT min(series_count) FROM lag_frames", 4 },
	};

	/* now - 1 h = 1764172800000, now - 1 d = 1764090000000 */
	for (int64_t at = T0; at <= now; at += 30 * SECOND) {
		for (int p = 0; p < PARTITIONS; p++) {
			fleet.log_end[p] += 300;
			fleet.committed[p] = fleet.log_end[p] - 10;
		}
		record(f->store, history, fleet_snapshot(&fleet, at));
	}
	assert_int_equal(now, INT64_C(1764176400000));
	catalog_test_check(f->store, expected, sizeof expected / sizeof expected[0]);
	history_free(history);
}

/* Beyond `history`, frames and series go, in the catalog and in memory. */
static void
test_history_expires(void **state)
{
	struct catalog_test_fixture *f = *state;
	struct history_policy short_policy = policy;
	struct history *history;
	struct fleet fleet = { .members = true };
	char *err = NULL;
	size_t series, points;

	short_policy.keep_ms = 2 * HOUR;
	history = history_open(f->store, CLUSTER, &short_policy, &err);
	assert_non_null(history);
	for (int64_t at = T0; at < T0 + 3 * HOUR; at += MINUTE) {
		fleet.log_end[0] += 7;
		fleet.log_end[1] += (at / MINUTE) % 3;
		fleet.committed[0] = fleet.log_end[0] - 2;
		record(f->store, history, fleet_snapshot(&fleet, at));
	}
	assert_int_equal(catalog_test_int(f->store, "SELECT count(*) FROM lag_frames WHERE"
	                                            " sampled_at_ms < 1764000000000 + 3600000 - 60000"), 0);
	/* The group is gone; two hours later (past a key frame) its series are forgotten. */
	fleet.group.offset_count = 0;
	for (int64_t at = T0 + 3 * HOUR; at <= T0 + 5 * HOUR + 10 * MINUTE; at += MINUTE) {
		struct snapshot *s;

		fleet.log_end[0] += 7;
		s = (struct snapshot *)fleet_snapshot(&fleet, at);
		s->group_count = 0;
		record(f->store, history, s);
	}
	assert_int_equal(catalog_test_int(f->store, "SELECT count(*) FROM lag_series"), 2);
	history_memory(history, &series, &points);
	assert_int_equal(series, 2);
	/* Key frames rest on the one before, except the oldest, made whole before the one it
	 * rested on went; a new writer decodes the whole chain into the same memory. */
	assert_int_equal(catalog_test_int(f->store, "SELECT base_frame_id IS NULL FROM lag_frames"
	                                            " WHERE tier = 2 ORDER BY sampled_at_ms LIMIT 1"), 1);
	assert_int_equal(catalog_test_int(f->store, "SELECT count(*) FROM lag_frames WHERE tier = 2"
	                                            " AND base_frame_id IS NOT NULL"), 12);
	{
		struct history *reloaded = history_open(f->store, CLUSTER, &short_policy, &err);
		size_t reloaded_series, reloaded_points;

		assert_non_null(reloaded);
		history_memory(reloaded, &reloaded_series, &reloaded_points);
		assert_int_equal(reloaded_series, series);
		assert_int_equal(reloaded_points, points);
		history_free(reloaded);
	}
	history_free(history);
}

/* A committed offset held still while 10 messages a second arrive: its time lag is the age
 * of the message it stopped at, and a writer reading the history back says the same. */
static void
test_time_lag_and_reload(void **state)
{
	struct catalog_test_fixture *f = *state;
	struct history *history = open_history(f->store);
	struct history *reloaded;
	struct fleet fleet = { .members = true };
	const struct history_group_eval *eval;
	int64_t at = T0;

	/* 10 minutes consuming everything, then partition 0 stops at offset 6,000
	 * (produced at T0 + 600 s), partition 1 goes on. */
	for (; at <= T0 + 10 * MINUTE; at += 30 * SECOND) {
		fleet.log_end[0] = fleet.log_end[1] = (at - T0) / 100;
		fleet.committed[0] = fleet.committed[1] = fleet.log_end[0];
		write_generation(f->store, history, fleet_snapshot(&fleet, at));
	}
	for (; at <= T0 + 20 * MINUTE; at += 30 * SECOND) {
		fleet.log_end[0] = fleet.log_end[1] = (at - T0) / 100;
		fleet.committed[1] = fleet.log_end[1];
		write_generation(f->store, history, fleet_snapshot(&fleet, at));
	}
	at -= 30 * SECOND;
	eval = billing(history);
	/* The message at 6,000 was produced at T0 + 600.1 s (10 a second since T0). */
	assert_int_equal(eval->offsets[0].time_lag_ms, at - (T0 + 600 * SECOND + 100));
	assert_false(eval->offsets[0].estimated);
	assert_int_equal(eval->offsets[1].time_lag_ms, 0);
	assert_int_equal(eval->max_time_lag_ms, eval->offsets[0].time_lag_ms);
	assert_int_equal(eval->status, LAG_STATUS_STALLED);
	assert_non_null(strstr(eval->reason, "orders[0]: "));
	/* The generation carries it. */
	assert_int_equal(catalog_test_int(f->store, "SELECT time_lag_ms FROM committed_offsets"
	                                            " WHERE partition = 0"), eval->offsets[0].time_lag_ms);
	assert_int_equal(catalog_test_int(f->store, "SELECT status = 'STALLED' AND status_reason"
	                                            " LIKE 'orders[0]: %' AND max_time_lag_ms > 0"
	                                            " FROM consumer_groups"), 1);

	/* A new writer (an agent restarted) reads the frames back and agrees, next cycle. */
	reloaded = open_history(f->store);
	at += 30 * SECOND;
	fleet.log_end[0] = fleet.log_end[1] = (at - T0) / 100;
	fleet.committed[1] = fleet.log_end[1];
	write_generation(f->store, history, fleet_snapshot(&fleet, at));
	{
		const struct history_group_eval *live = billing(history);
		struct history_group_eval first = *live;
		int64_t first_lag = live->offsets[0].time_lag_ms;
		const struct history_group_eval *again;
		char *err = NULL;

		/* The same cycle through the reloaded history (its frame is a second one for that
		 * time, which nothing here reads). */
		assert_int_equal(history_record(reloaded, f->store, fleet_snapshot(&fleet, at), &err), 0);
		again = billing(reloaded);
		assert_int_equal(again->offsets[0].time_lag_ms, first_lag);
		assert_int_equal(again->status, first.status);
		assert_string_equal(again->reason, first.reason);
	}
	history_free(reloaded);
	history_free(history);
}

/* The listing shows what the generation carries, worst first. */
static void
test_listing_shows_status(void **state)
{
	struct catalog_test_fixture *f = *state;
	struct history *history = open_history(f->store);
	struct fleet fleet = { .members = false };
	json_t *rows, *row;
	char *err = NULL;

	/* No member and no commit for 6 minutes while messages arrive: STOPPED. */
	for (int64_t at = T0; at <= T0 + 6 * MINUTE; at += 30 * SECOND) {
		fleet.log_end[0] = fleet.log_end[1] = 100 + (at - T0) / SECOND;
		fleet.committed[0] = fleet.committed[1] = 100;
		write_generation(f->store, history, fleet_snapshot(&fleet, at));
	}
	assert_int_equal(billing(history)->status, LAG_STATUS_STOPPED);
	rows = listing_query(f->store, LISTING_LAG, NULL, &err);
	assert_non_null(rows);
	row = json_array_get(rows, 0);
	assert_string_equal(json_string_value(json_object_get(row, "status")), "STOPPED");
	assert_non_null(strstr(json_string_value(json_object_get(row, "status_reason")),
	                       "no member"));
	assert_true(json_number_value(json_object_get(row, "max_time_lag_seconds")) >= 359.0);
	json_decref(rows);
	rows = listing_query(f->store, LISTING_LAG_PARTITIONS, NULL, &err);
	assert_non_null(rows);
	row = json_array_get(rows, 0);
	assert_true(json_is_boolean(json_object_get(row, "time_lag_estimated")));
	json_decref(rows);
	history_free(history);
}

/* A write that fails (here: the catalog refuses the frame) leaves neither the generation
 * nor its frame nor new series ids; the next write works and the history reads back. */
static void
test_failed_write_forgets(void **state)
{
	struct catalog_test_fixture *f = *state;
	struct history *history = open_history(f->store);
	struct history *reloaded;
	struct fleet fleet = { .members = true };
	char *err = NULL;

	if (store_exec(f->store, "CREATE TEMP TRIGGER refuse BEFORE INSERT ON lag_frames"
	                         " BEGIN SELECT RAISE(ABORT, 'disk says no'); END", &err) < 0)
		fail_msg("%s", err);
	assert_int_equal(snapshot_write(f->store, fleet_snapshot(&fleet, T0), history, &err), -1);
	assert_non_null(strstr(err, "disk says no"));
	free(err);
	err = NULL;
	assert_int_equal(catalog_test_int(f->store, "SELECT count(*) FROM lag_series"), 0);
	assert_int_equal(catalog_test_int(f->store, "SELECT count(*) FROM clusters"), 0);
	if (store_exec(f->store, "DROP TRIGGER refuse", &err) < 0)
		fail_msg("%s", err);
	for (int64_t at = T0 + 30 * SECOND; at <= T0 + 2 * MINUTE; at += 30 * SECOND) {
		fleet.log_end[0] += 5;
		write_generation(f->store, history, fleet_snapshot(&fleet, at));
	}
	assert_int_equal(catalog_test_int(f->store, "SELECT count(*) FROM lag_series"), 4);
	assert_int_equal(catalog_test_int(f->store, "SELECT count(*) FROM lag_frames"), 4);
	reloaded = open_history(f->store);
	{
		size_t series, points;

		history_memory(reloaded, &series, &points);
		assert_int_equal(series, 4);
		assert_true(points > 0);
	}
	history_free(reloaded);
	history_free(history);
}

/* ---------------------------------------------------------------- a group's lag read back */

#define GROUPS 3
#define MAX_CYCLES 3200

static const char *const group_names[GROUPS] = { "billing", "audit", "shipping" };

/* Three groups on two topics: billing on orders[0] and orders[1], audit on orders[1] and
 * payments[0], shipping on payments[0] with its offset stuck. Offsets move by rules of
 * the cycle number, so that every group's lag differs from frame to frame. */
struct group_fleet {
	struct snapshot_partition orders[2], payments[1];
	struct snapshot_topic topics[2];
	struct snapshot_offset offsets[5];
	struct snapshot_group groups[GROUPS];
	struct snapshot snapshot;
};

/* What each cycle recorded should read back as: per group, its lag (-1: no point). */
struct group_expectation {
	int64_t at[MAX_CYCLES];
	int64_t lag[GROUPS][MAX_CYCLES];
	size_t count;
};

static struct snapshot_partition
group_partition(int32_t partition, int64_t log_end)
{
	return (struct snapshot_partition){
		.partition = partition, .leader_id = 1, .replicas = replicas, .replica_count = 1,
		.isr = replicas, .isr_count = 1, .low_watermark = 0, .high_watermark = log_end,
	};
}

/* F's snapshot at AT, a cycle of a 30-second grid from T0 (which a coarser grid skips). */
static struct snapshot *
group_fleet_snapshot(struct group_fleet *f, int64_t at)
{
	int64_t k = (at - T0) / (30 * SECOND);
	int64_t orders0 = 1000 + 7 * k, orders1 = 2000 + 11 * k + k % 5, payments0 = 500 + 3 * k;

	f->orders[0] = group_partition(0, orders0);
	f->orders[1] = group_partition(1, orders1);
	f->payments[0] = group_partition(0, payments0);
	f->topics[0] = (struct snapshot_topic){ .name = "orders", .replication_factor = 1,
	                                        .partitions = f->orders, .partition_count = 2 };
	f->topics[1] = (struct snapshot_topic){ .name = "payments", .replication_factor = 1,
	                                        .partitions = f->payments, .partition_count = 1 };
	f->offsets[0] = (struct snapshot_offset){ .topic = "orders", .partition = 0,
	                                          .committed_offset = orders0 - k % 7 };
	/* Now and then a commit ahead of the log end read in the same cycle: lag 0, not -1. */
	f->offsets[1] = (struct snapshot_offset){
		.topic = "orders", .partition = 1,
		.committed_offset = k % 10 == 0 ? orders1 + 1 : orders1 - 2 * (k % 3),
	};
	f->offsets[2] = (struct snapshot_offset){ .topic = "orders", .partition = 1,
	                                          .committed_offset = orders1 - 100 - k % 50 };
	f->offsets[3] = (struct snapshot_offset){ .topic = "payments", .partition = 0,
	                                          .committed_offset = payments0 - k % 4 };
	f->offsets[4] = (struct snapshot_offset){ .topic = "payments", .partition = 0,
	                                          .committed_offset = 500 };
	for (int g = 0; g < GROUPS; g++)
		f->groups[g] = (struct snapshot_group){ .name = group_names[g], .state = "Empty",
		                                        .coordinator_id = 1 };
	f->groups[0].offsets = &f->offsets[0];
	f->groups[0].offset_count = 2;
	f->groups[1].offsets = &f->offsets[2];
	f->groups[1].offset_count = 2;
	f->groups[2].offsets = &f->offsets[4];
	f->groups[2].offset_count = 1;
	f->snapshot = (struct snapshot){
		.cluster = CLUSTER, .controller_id = 1, .collected_at_ms = at,
		.topics = f->topics, .topic_count = 2, .groups = f->groups, .group_count = GROUPS,
	};
	return &f->snapshot;
}

/* The lag of group G of SNAPSHOT as its frame should read back, worked out from the
 * snapshot alone: the sum over its offsets whose partition has a log end offset in the
 * snapshot; -1 when none has. */
static int64_t
snapshot_group_lag(const struct snapshot *snapshot, size_t g)
{
	const struct snapshot_group *group = &snapshot->groups[g];
	int64_t lag = -1;

	for (size_t o = 0; o < group->offset_count; o++) {
		const struct snapshot_offset *offset = &group->offsets[o];

		for (size_t t = 0; snapshot->section_errors[SNAPSHOT_TOPICS] == NULL &&
		                   t < snapshot->topic_count; t++) {
			const struct snapshot_topic *topic = &snapshot->topics[t];

			for (size_t p = 0; strcmp(topic->name, offset->topic) == 0 &&
			                   p < topic->partition_count; p++) {
				int64_t log_end = topic->partitions[p].high_watermark;

				if (topic->partitions[p].partition != offset->partition || log_end < 0)
					continue;
				lag = (lag < 0 ? 0 : lag) +
				      (log_end > offset->committed_offset ?
				       log_end - offset->committed_offset : 0);
			}
		}
	}
	return lag;
}

/* Record SNAPSHOT and what each group's lag in its frame is. */
static void
record_expecting(struct store *store, struct history *history, const struct snapshot *snapshot,
                 struct group_expectation *expected)
{
	assert_true(expected->count < MAX_CYCLES);
	record(store, history, snapshot);
	expected->at[expected->count] = snapshot->collected_at_ms;
	for (size_t g = 0; g < GROUPS; g++)
		expected->lag[g][expected->count] = snapshot_group_lag(snapshot, g);
	expected->count++;
}

/* Whether the frame of the cycle at AT (on a grid from T0, a 10-minute boundary) is in
 * the catalog at NOW, by the thinning rules of kfleet/history.h: every frame for an
 * hour, the first of each minute for a day, the first of each 10 minutes (the key
 * frames) for KEEP_MS; a delta frame goes with its key frame. */
static bool
frame_kept(int64_t at, int64_t now, int64_t keep_ms)
{
	int64_t key_at = at - (at - T0) % (10 * MINUTE);

	if (key_at < now - keep_ms)
		return false;
	return at == key_at || at >= now - HOUR || (at % MINUTE == 0 && at >= now - DAY);
}

/* history_group_lag of group G from SINCE gives exactly the expected points of the frames
 * kept at NOW; returns how many. */
static size_t
check_group_lag(struct store *store, const struct group_expectation *expected, size_t g,
                int64_t since, int64_t now, int64_t keep_ms)
{
	struct history_point *points = NULL;
	size_t count = 0, matched = 0;
	char *err = NULL;

	if (history_group_lag(store, CLUSTER, group_names[g], since, &points, &count, &err) < 0)
		fail_msg("history_group_lag: %s", err);
	for (size_t i = 0; i < expected->count; i++) {
		int64_t at = expected->at[i], lag = expected->lag[g][i];

		if (at < since || lag < 0 || !frame_kept(at, now, keep_ms))
			continue;
		if (i + 1 < expected->count && expected->at[i + 1] == at && expected->lag[g][i + 1] >= 0)
			continue;                   /* two frames of one cycle: the later stands */
		if (matched >= count)
			fail_msg("%s from %+" PRId64 " ms: %zu points, expected more, the next at "
			         "%+" PRId64 " ms", group_names[g], since - now, count, at - now);
		if (points[matched].time_ms != at || points[matched].lag != lag)
			fail_msg("%s from %+" PRId64 " ms: point %zu is (%+" PRId64 " ms, %" PRId64
			         "), expected (%+" PRId64 " ms, %" PRId64 ")", group_names[g],
			         since - now, matched, points[matched].time_ms - now,
			         points[matched].lag, at - now, lag);
		matched++;
	}
	if (count != matched)
		fail_msg("%s from %+" PRId64 " ms: %zu points, expected %zu", group_names[g],
		         since - now, count, matched);
	free(points);
	return count;
}

/* A group, cluster or time with nothing to read: no points, and no array. */
static void
check_no_group_lag(struct store *store, const char *cluster, const char *group, int64_t since)
{
	static struct history_point untouched;
	struct history_point *points = &untouched;
	size_t count = 1;
	char *err = NULL;

	assert_int_equal(history_group_lag(store, cluster, group, since, &points, &count, &err), 0);
	assert_int_equal(count, 0);
	assert_null(points);
	assert_null(err);
}

/* A day and two hours of 30-second cycles, thinned: each group reads back its lag at
 * exactly the frames kept, from any time on, its own offsets only. */
static void
test_group_lag_thinned(void **state)
{
	struct catalog_test_fixture *f = *state;
	struct history *history = open_history(f->store);
	struct group_expectation *expected = calloc(1, sizeof *expected);
	struct group_fleet fleet;
	int64_t now = T0 + DAY + 2 * HOUR;
	const struct since_case {
		const char *name;
		int64_t since;
		bool some;                      /* points expected */
	} cases[] = {
		{ "the whole history", INT64_MIN, true },
		{ "the oldest frame on", T0, true },
		/* key frames and the first frame of each minute, from between two cycles */
		{ "90 minutes and a bit back", now - 90 * MINUTE + 15 * SECOND, true },
		{ "the last half hour", now - 30 * MINUTE, true },
		/* key frames only, then per minute; from a delta frame the thinning took */
		{ "a day and 35 minutes back", now - DAY - 35 * MINUTE + 30 * SECOND, true },
		{ "the last frame", now, true },
		{ "after the last frame", now + 1, false },
	};

	assert_non_null(expected);
	for (int64_t at = T0; at <= now; at += 30 * SECOND) {
		struct snapshot *snapshot = group_fleet_snapshot(&fleet, at);

		/* Now and then audit has no committed offset: no point of its own then. */
		if ((at - T0) / (30 * SECOND) % 13 == 5)
			fleet.groups[1].offset_count = 0;
		record_expecting(f->store, history, snapshot, expected);
	}
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		for (size_t g = 0; g < GROUPS; g++) {
			size_t count = check_group_lag(f->store, expected, g, cases[c].since, now,
			                               policy.keep_ms);

			if ((count > 0) != cases[c].some)
				fail_msg("%s, %s: %zu points", cases[c].name, group_names[g], count);
		}
	}
	/* billing has a point at every frame: the thinning rules above are the catalog's. */
	assert_int_equal(check_group_lag(f->store, expected, 0, INT64_MIN, now, policy.keep_ms),
	                 catalog_test_int(f->store, "SELECT count(*) FROM lag_frames"));
	check_no_group_lag(f->store, CLUSTER, "nobody", INT64_MIN);
	check_no_group_lag(f->store, "us", "billing", INT64_MIN);
	free(expected);
	history_free(history);
}

/* A history kept for 2 hours: the oldest key frame left was made whole when the one it
 * rested on expired, and the frames on it read back as they were written. */
static void
test_group_lag_made_whole(void **state)
{
	struct catalog_test_fixture *f = *state;
	struct history_policy short_policy = policy;
	struct group_expectation *expected = calloc(1, sizeof *expected);
	struct history *history;
	struct group_fleet fleet;
	int64_t now = T0 + 3 * HOUR - MINUTE;
	char *err = NULL;

	assert_non_null(expected);
	short_policy.keep_ms = 2 * HOUR;
	history = history_open(f->store, CLUSTER, &short_policy, &err);
	assert_non_null(history);
	for (int64_t at = T0; at <= now; at += MINUTE)
		record_expecting(f->store, history, group_fleet_snapshot(&fleet, at), expected);
	/* Only T0's key frame was written whole, and it has expired. */
	assert_int_equal(catalog_test_int(f->store, "SELECT min(sampled_at_ms) = 1764003600000"
	                                            " AND base_frame_id IS NULL FROM lag_frames"
	                                            " WHERE tier = 2"), 1);
	assert_int_equal(catalog_test_int(f->store, "SELECT count(*) FROM lag_frames WHERE tier = 2"
	                                            " AND base_frame_id IS NOT NULL"), 11);
	for (size_t g = 0; g < GROUPS; g++) {
		assert_int_equal(check_group_lag(f->store, expected, g, INT64_MIN, now,
		                                 short_policy.keep_ms), 2 * 60);
		assert_int_equal(check_group_lag(f->store, expected, g, T0 + 2 * HOUR + 5 * MINUTE, now,
		                                 short_policy.keep_ms), 55);
	}
	free(expected);
	history_free(history);
}

/* Frames without a group's offsets, or without some or all log end offsets: a point
 * sums the partitions its frame has both offsets of, and a frame with none has no point.
 * Two frames of one cycle (a second writer) give one point, the later frame's. */
static void
test_group_lag_gaps(void **state)
{
	struct catalog_test_fixture *f = *state;
	struct history *history = open_history(f->store);
	struct history *second;
	struct group_expectation *expected = calloc(1, sizeof *expected);
	struct group_fleet fleet;
	struct history_point *points = NULL;
	size_t count = 0;
	char *err = NULL;

	assert_non_null(expected);
	for (int64_t k = 0; k < 4; k++) {
		struct snapshot *snapshot = group_fleet_snapshot(&fleet, T0 + k * 30 * SECOND);

		if (k == 1)
			fleet.groups[1].offset_count = 0;          /* audit: no committed offset */
		if (k == 2) {
			snapshot->section_errors[SNAPSHOT_TOPICS] = "timed out";
			snapshot->topic_count = 0;              /* no log end at all */
		}
		if (k == 3)
			fleet.orders[1].high_watermark = -1;    /* one log end unknown */
		record_expecting(f->store, history, snapshot, expected);
	}
	second = open_history(f->store);
	record_expecting(f->store, history, group_fleet_snapshot(&fleet, T0 + 120 * SECOND),
	                 expected);
	fleet.offsets[0].committed_offset -= 50;
	record_expecting(f->store, second, &fleet.snapshot, expected);
	assert_int_equal(catalog_test_int(f->store, "SELECT count(*) FROM lag_frames"), 6);
	assert_int_equal(check_group_lag(f->store, expected, 0, INT64_MIN, T0, policy.keep_ms), 4);
	assert_int_equal(check_group_lag(f->store, expected, 1, INT64_MIN, T0, policy.keep_ms), 3);
	assert_int_equal(check_group_lag(f->store, expected, 2, INT64_MIN, T0, policy.keep_ms), 4);
	assert_int_equal(check_group_lag(f->store, expected, 0, T0 + 60 * SECOND, T0,
	                                 policy.keep_ms), 2);
	/* The rules worked out by hand for billing: k = 0 is 0 + 0 (ahead of the log end),
	 * k = 3 orders[0] alone (3 % 7), k = 4 4 % 7 + 2 * (4 % 3) and the second writer's
	 * 50 more. */
	assert_int_equal(history_group_lag(f->store, CLUSTER, "billing", INT64_MIN, &points, &count,
	                                   &err), 0);
	assert_int_equal(count, 4);
	assert_int_equal(points[0].time_ms, T0);
	assert_int_equal(points[0].lag, 0);
	assert_int_equal(points[2].time_ms, T0 + 90 * SECOND);
	assert_int_equal(points[2].lag, 3);
	assert_int_equal(points[3].time_ms, T0 + 120 * SECOND);
	assert_int_equal(points[3].lag, 4 + 2 + 50);
	free(points);
	free(expected);
	history_free(second);
	history_free(history);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		CATALOG_TEST_ON_BOTH(test_thinning_by_age, "frames are thinned by age"),
		CATALOG_TEST_ON_BOTH(test_history_expires, "history expires after `history`"),
		CATALOG_TEST_ON_BOTH(test_time_lag_and_reload,
		                     "time lag from the history, the same after a reload"),
		CATALOG_TEST_ON_BOTH(test_listing_shows_status, "the lag listing shows the status"),
		CATALOG_TEST_ON_BOTH(test_failed_write_forgets, "a failed write leaves no history"),
		CATALOG_TEST_ON_BOTH(test_group_lag_thinned,
		                     "a group's lag read back at the frames kept, from any time"),
		CATALOG_TEST_ON_BOTH(test_group_lag_made_whole,
		                     "a group's lag read back across a key frame made whole"),
		CATALOG_TEST_ON_BOTH(test_group_lag_gaps,
		                     "a group's lag read back from frames missing offsets"),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
