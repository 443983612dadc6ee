/* Unit tests for catalog/history: frames written each cycle and thinned by age, the
 * history read back into memory by a new writer, a write that fails leaving nothing
 * behind, and what a generation carries from it (time lag per offset, status per group),
 * all through simulated clocks on real catalogs. */
#include "config.h"

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
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
