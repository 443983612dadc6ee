/* Unit tests for catalog/audit and the offsets history listing: a reset recorded and read
 * back as it was (no committed offset before, a refused partition), its outcome from its
 * partitions' errors (table-driven), the message for an unknown id, an entry refused or a
 * write failing half way leaving nothing behind, undos, a catalog of schema version 1
 * migrated with its resets, and the listing's fields, order and filters. */
#include "config.h"

#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "kfleet/audit.h"
#include "kfleet/listing.h"
#include "tests/unit/catalog_test.h"

/* 2026-11-24T10:00:00Z, and a minute. */
#define T0 1795514400000LL
#define MINUTE 60000LL

static const struct audit_partition orders_moves[] = {
	{ .topic = "orders", .partition = 0, .before = 120, .after = 100 },
	{ .topic = "orders", .partition = 1, .before = -1, .after = 0 },  /* never committed */
	{ .topic = "orders.retry", .partition = 0, .before = 7, .after = 3,
	  .error = "NOT_COORDINATOR: the group coordinator moved" },
};

/* A reset of GROUP on CLUSTER at TIME_MS with the partitions above, by alice. */
static struct audit_entry
entry_for(const char *cluster, const char *group, int64_t time_ms)
{
	return (struct audit_entry){
		.time_ms = time_ms, .user = "alice", .host = "ops-1", .cluster = cluster,
		.group = group, .mode = "--to-datetime 2026-11-24T10:00:00Z",
		.partitions = orders_moves,
		.partition_count = sizeof orders_moves / sizeof orders_moves[0],
	};
}

/* Record ENTRY, failing the test with the catalog's message if it cannot. */
static int64_t
record(struct store *store, const struct audit_entry *entry)
{
	char *err = NULL;
	int64_t id = audit_record(store, entry, &err);

	if (id <= 0)
		fail_msg("audit_record: %s", err ? err : "no message");
	assert_null(err);
	return id;
}

/* The outcome recorded for reset ID (caller frees). */
static char *
outcome_of(struct store *store, int64_t id)
{
	char sql[128];

	snprintf(sql, sizeof sql, "SELECT outcome FROM offset_resets WHERE id = %" PRId64, id);
	return catalog_test_text(store, sql);
}

static void
assert_same_text(const char *got, const char *expected)
{
	if (expected == NULL)
		assert_null(got);
	else
		assert_string_equal(got, expected);
}

static void
test_round_trip(void **state)
{
	struct catalog_test_fixture *f = *state;
	struct audit_entry written = entry_for("prod-eu", "order-service", T0);
	int64_t id = record(f->store, &written);
	char *err = NULL;
	struct audit_entry *read = audit_get(f->store, id, &err);

	assert_non_null(read);
	assert_null(err);
	assert_int_equal(read->time_ms, written.time_ms);
	assert_string_equal(read->user, "alice");
	assert_string_equal(read->host, "ops-1");
	assert_string_equal(read->cluster, "prod-eu");
	assert_string_equal(read->group, "order-service");
	assert_string_equal(read->mode, written.mode);
	assert_int_equal(read->undo_of, 0);
	assert_int_equal(read->partition_count, written.partition_count);
	for (size_t i = 0; i < written.partition_count; i++) {
		const struct audit_partition *got = &read->partitions[i], *want = &orders_moves[i];

		assert_string_equal(got->topic, want->topic);
		assert_int_equal(got->partition, want->partition);
		assert_int_equal(got->before, want->before);
		assert_int_equal(got->after, want->after);
		assert_same_text(got->error, want->error);
	}
	audit_entry_free(read);
	audit_entry_free(NULL);

	/* As the schema keeps it: no committed offset is NULL, never -1. */
	const struct catalog_test_expectation rows[] = {
		{ "SELECT count(*) FROM offset_resets", 1 },
		{ "SELECT executed FROM offset_resets", 1 },
		{ "SELECT count(*) FROM offset_resets WHERE undo_of IS NULL", 1 },
		{ "SELECT count(*) FROM offset_reset_partitions", 3 },
		{ "SELECT count(*) FROM offset_reset_partitions WHERE before_offset IS NULL", 1 },
		{ "SELECT count(*) FROM offset_reset_partitions WHERE before_offset < 0", 0 },
		{ "SELECT count(*) FROM offset_reset_partitions WHERE error IS NOT NULL", 1 },
	};
	catalog_test_check(f->store, rows, sizeof rows / sizeof rows[0]);
}

/* The outcome of a reset from which of its partitions the broker refused. */
static const struct outcome_case {
	const char *name;
	size_t partition_count;
	const char *errors[3];     /* per partition; NULL: applied */
	const char *outcome;
} outcome_cases[] = {
	{ "all applied", 3, { NULL, NULL, NULL }, "done" },
	{ "one refused", 3, { NULL, "UNKNOWN_MEMBER_ID", NULL }, "partial" },
	{ "all but one refused", 3, { "GROUP_AUTHORIZATION_FAILED", "REBALANCE_IN_PROGRESS",
	                              NULL }, "partial" },
	{ "all refused", 2, { "GROUP_AUTHORIZATION_FAILED", "GROUP_AUTHORIZATION_FAILED" },
	  "failed" },
	{ "one partition, refused", 1, { "OFFSET_OUT_OF_RANGE" }, "failed" },
	{ "no partition", 0, { NULL }, "done" },
};

static void
test_outcomes(void **state)
{
	struct catalog_test_fixture *f = *state;

	for (size_t i = 0; i < sizeof outcome_cases / sizeof outcome_cases[0]; i++) {
		const struct outcome_case *c = &outcome_cases[i];
		struct audit_partition partitions[3];
		struct audit_entry entry = entry_for("prod-eu", c->name, T0 + (int64_t)i);
		int64_t id;
		char *outcome;

		for (size_t p = 0; p < c->partition_count; p++)
			partitions[p] = (struct audit_partition){
				.topic = "orders", .partition = (int32_t)p, .before = 10, .after = 0,
				.error = c->errors[p],
			};
		entry.partitions = c->partition_count > 0 ? partitions : NULL;
		entry.partition_count = c->partition_count;
		id = record(f->store, &entry);
		outcome = outcome_of(f->store, id);
		if (strcmp(outcome, c->outcome) != 0)
			fail_msg("%s: outcome %s, expected %s", c->name, outcome, c->outcome);
		free(outcome);
	}
}

static void
test_unknown_id(void **state)
{
	struct catalog_test_fixture *f = *state;
	struct audit_entry entry = entry_for("prod-eu", "order-service", T0);
	const char *path = f->path != NULL ? f->path : ":memory:";
	char *err = NULL, *expected = NULL;

	record(f->store, &entry);
	assert_null(audit_get(f->store, 42, &err));
	assert_true(asprintf(&expected, "catalog %s: no offset reset 42; "
	                     "see kfleet offsets history", path) > 0);
	assert_string_equal(err, expected);
	free(err);
	free(expected);
	err = NULL;
	assert_null(audit_get(f->store, 0, &err));
	assert_non_null(strstr(err, "no offset reset 0;"));
	free(err);
}

/* Entries audit_record refuses, and why; nothing of them is written. */
static const struct refused_case {
	const char *name;
	struct audit_entry entry;
	const char *message;       /* a part of the message */
} refused_cases[] = {
	{ "no user", { .host = "h", .cluster = "c", .group = "g", .mode = "--to-earliest" },
	  "an offset reset needs a user" },
	{ "partitions missing", { .user = "u", .host = "h", .cluster = "c", .group = "g",
	                          .mode = "--to-earliest", .partition_count = 2 },
	  "needs a user, host, cluster, group, mode and its partitions" },
	{ "partition without topic", { .user = "u", .host = "h", .cluster = "c", .group = "g",
	                               .mode = "--to-earliest",
	                               .partitions = (const struct audit_partition[]){
	                                       { .partition = 0, .after = 1 } },
	                               .partition_count = 1 },
	  "offset reset of group g on cluster c: partition 0 has no topic" },
	{ "negative undo_of", { .user = "u", .host = "h", .cluster = "c", .group = "g",
	                        .mode = "--to-earliest", .undo_of = -3 },
	  "undo_of -3 is not a reset id" },
	/* Passes the checks, fails in SQL half way: the reset row is rolled back. */
	{ "same partition twice", { .user = "u", .host = "h", .cluster = "c", .group = "g",
	                            .mode = "--to-earliest",
	                            .partitions = (const struct audit_partition[]){
	                                    { .topic = "t", .partition = 0, .after = 1 },
	                                    { .topic = "t", .partition = 0, .after = 2 } },
	                            .partition_count = 2 },
	  "recording the offset reset of group g on cluster c: UNIQUE constraint failed" },
};

static void
test_refused(void **state)
{
	struct catalog_test_fixture *f = *state;

	for (size_t i = 0; i < sizeof refused_cases / sizeof refused_cases[0]; i++) {
		const struct refused_case *c = &refused_cases[i];
		char *err = NULL;

		assert_int_equal(audit_record(f->store, &c->entry, &err), -1);
		if (err == NULL || strstr(err, c->message) == NULL)
			fail_msg("%s: message \"%s\", expected it to contain \"%s\"", c->name,
			         err ? err : "(none)", c->message);
		free(err);
	}
	assert_int_equal(catalog_test_int(f->store, "SELECT count(*) FROM offset_resets"), 0);
	assert_int_equal(catalog_test_int(f->store,
	                                  "SELECT count(*) FROM offset_reset_partitions"), 0);
	/* The store is usable after a rolled-back write. */
	struct audit_entry entry = entry_for("prod-eu", "order-service", T0);
	record(f->store, &entry);
}

/* An undo names the reset it undid, and is itself read back with it. */
static void
test_undo_of(void **state)
{
	struct catalog_test_fixture *f = *state;
	struct audit_entry reset = entry_for("prod-eu", "order-service", T0);
	int64_t reset_id = record(f->store, &reset);
	char *err = NULL;
	struct audit_entry *original = audit_get(f->store, reset_id, &err);
	struct audit_partition back[3];
	struct audit_entry undo = entry_for("prod-eu", "order-service", T0 + MINUTE);
	struct audit_entry *read;
	int64_t undo_id;
	json_t *rows;

	/* What `offsets undo` does: each partition back to its offset before, where it had one. */
	assert_non_null(original);
	for (size_t i = 0; i < original->partition_count; i++)
		back[i] = (struct audit_partition){
			.topic = original->partitions[i].topic,
			.partition = original->partitions[i].partition,
			.before = original->partitions[i].after,
			.after = original->partitions[i].before,
		};
	undo.mode = "undo";
	undo.undo_of = reset_id;
	undo.partitions = back;
	undo.partition_count = original->partition_count;
	undo_id = record(f->store, &undo);
	audit_entry_free(original);
	assert_true(undo_id > reset_id);

	read = audit_get(f->store, undo_id, &err);
	assert_non_null(read);
	assert_int_equal(read->undo_of, reset_id);
	assert_int_equal(read->partitions[0].after, 120);
	audit_entry_free(read);

	rows = listing_query(f->store, LISTING_OFFSET_RESETS, NULL, &err);
	assert_non_null(rows);
	assert_int_equal(json_array_size(rows), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "undo_of")),
	                 reset_id);
	assert_true(json_is_null(json_object_get(json_array_get(rows, 1), "undo_of")));
	json_decref(rows);
}

/* The history: two clusters, three groups, two resets in the same millisecond. */
static const struct history_reset {
	const char *cluster, *group;
	int64_t time_ms;
} history_resets[] = {
	{ "prod-eu", "order-service", T0 },                 /* id 1 */
	{ "prod-eu", "billing", T0 + 2 * MINUTE },          /* id 2 */
	{ "prod-us", "order-service", T0 + MINUTE },        /* id 3 */
	{ "prod-eu", "order-service", T0 + 2 * MINUTE },    /* id 4: same time as 2 */
};

/* Which resets (ids, newest first) a filter lists. */
static const struct history_case {
	struct listing_filter filter;
	size_t count;
	json_int_t ids[4];
} history_cases[] = {
	{ { 0 }, 4, { 4, 2, 3, 1 } },                     /* time desc, then id desc */
	{ { .cluster = "prod-eu" }, 3, { 4, 2, 1 } },
	{ { .group = "order-service" }, 3, { 4, 3, 1 } },
	{ { .cluster = "prod-us", .group = "order-service" }, 1, { 3 } },
	{ { .cluster = "prod-us", .group = "billing" }, 0, { 0 } },
	{ { .cluster = "staging" }, 0, { 0 } },
	{ { .team = "payments" }, 0, { 0 } },                 /* no such field: nothing */
};

static void
record_history(struct store *store)
{
	for (size_t i = 0; i < sizeof history_resets / sizeof history_resets[0]; i++) {
		struct audit_entry entry = entry_for(history_resets[i].cluster,
		                                     history_resets[i].group,
		                                     history_resets[i].time_ms);

		assert_int_equal(record(store, &entry), (int64_t)i + 1);
	}
}

static void
test_history_order_and_filters(void **state)
{
	struct catalog_test_fixture *f = *state;

	record_history(f->store);
	for (size_t i = 0; i < sizeof history_cases / sizeof history_cases[0]; i++) {
		const struct history_case *c = &history_cases[i];
		char *err = NULL;
		json_t *rows = listing_query(f->store, LISTING_OFFSET_RESETS, &c->filter, &err);

		if (rows == NULL)
			fail_msg("case %zu: %s", i, err);
		if (json_array_size(rows) != c->count)
			fail_msg("case %zu: %zu rows, expected %zu", i, json_array_size(rows), c->count);
		for (size_t r = 0; r < c->count; r++) {
			json_int_t id = json_integer_value(json_object_get(json_array_get(rows, r),
			                                                   "id"));

			if (id != c->ids[r])
				fail_msg("case %zu, row %zu: reset %" JSON_INTEGER_FORMAT ", expected %"
				         JSON_INTEGER_FORMAT, i, r, id, c->ids[r]);
		}
		json_decref(rows);
	}
}

/* One row of the history: DESIGN.md's fields in order, then outcome and undo_of; the
 * partitions as objects with before null where there was none and the refusal in words. */
static void
test_history_row(void **state)
{
	static const char expected[] =
		"{\"id\": 1, \"time\": \"2026-11-24T10:00:00Z\", \"user\": \"alice\","
		" \"host\": \"ops-1\", \"cluster\": \"prod-eu\", \"group\": \"order-service\","
		" \"mode\": \"--to-datetime 2026-11-24T10:00:00Z\", \"executed\": true,"
		" \"outcome\": \"partial\", \"undo_of\": null, \"partitions\": ["
		"{\"topic\": \"orders\", \"partition\": 0, \"before\": 120, \"after\": 100,"
		" \"error\": null}, "
		"{\"topic\": \"orders\", \"partition\": 1, \"before\": null, \"after\": 0,"
		" \"error\": null}, "
		"{\"topic\": \"orders.retry\", \"partition\": 0, \"before\": 7, \"after\": 3,"
		" \"error\": \"NOT_COORDINATOR: the group coordinator moved\"}]}";
	struct catalog_test_fixture *f = *state;
	struct audit_entry entry = entry_for("prod-eu", "order-service", T0 + 999);
	size_t field_count, i = 0;
	const char *const *fields = listing_fields(LISTING_OFFSET_RESETS, &field_count);
	char *err = NULL, *text;
	json_t *rows, *row, *value;
	const char *key;

	record(f->store, &entry);
	rows = listing_query(f->store, LISTING_OFFSET_RESETS, NULL, &err);
	assert_non_null(rows);
	assert_int_equal(json_array_size(rows), 1);
	row = json_array_get(rows, 0);
	json_object_foreach(row, key, value) {
		assert_true(i < field_count);
		assert_string_equal(key, fields[i]);
		i++;
	}
	assert_int_equal(i, field_count);
	text = json_dumps(row, JSON_PRESERVE_ORDER);   /* key order is the listing's */
	assert_string_equal(text, expected);
	free(text);
	json_decref(rows);
	assert_true(listing_has_field(LISTING_OFFSET_RESETS, "outcome"));
	assert_false(listing_has_field(LISTING_OFFSET_RESETS, "team"));
}

/* A catalog of schema version 1 with a reset in it: after migration the reset is 'done',
 * undoes nothing, and its partitions were applied. */
static void
test_migrated_resets(void **state)
{
	struct catalog_test_fixture *f = *state;
	char *err = NULL;
	struct store *old;
	struct audit_entry *read;
	json_t *rows;

	store_close(f->store);
	f->store = NULL;
	unlink(f->path);
	old = store_open_migrations(f->path, schema_migrations, 1, &err);
	if (old == NULL)
		fail_msg("%s", err);
	if (store_exec(old,
	               "INSERT INTO offset_resets (time_ms, user, host, cluster, group_name, mode,"
	               " executed) VALUES (1795514400000, 'bob', 'ops-2', 'prod-eu', 'billing',"
	               " '--to-earliest', 1);"
	               "INSERT INTO offset_reset_partitions (offset_reset_id, topic, partition,"
	               " before_offset, after_offset) VALUES (1, 'invoices', 0, 40, 0);",
	               &err) < 0)
		fail_msg("%s", err);
	store_close(old);

	f->store = catalog_test_open(f->path);
	read = audit_get(f->store, 1, &err);
	assert_non_null(read);
	assert_int_equal(read->undo_of, 0);
	assert_int_equal(read->partition_count, 1);
	assert_null(read->partitions[0].error);
	audit_entry_free(read);
	rows = listing_query(f->store, LISTING_OFFSET_RESETS, NULL, &err);
	assert_non_null(rows);
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "outcome")),
	                    "done");
	json_decref(rows);
	/* New resets go on from there. */
	struct audit_entry entry = entry_for("prod-eu", "billing", T0 + MINUTE);
	assert_int_equal(record(f->store, &entry), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		CATALOG_TEST_ON_BOTH(test_round_trip, "record and get"),
		CATALOG_TEST_ON_BOTH(test_outcomes, "outcomes"),
		CATALOG_TEST_ON_BOTH(test_unknown_id, "unknown id"),
		CATALOG_TEST_ON_BOTH(test_refused, "refused entries"),
		CATALOG_TEST_ON_BOTH(test_undo_of, "undo_of"),
		CATALOG_TEST_ON_BOTH(test_history_order_and_filters, "history order and filters"),
		CATALOG_TEST_ON_BOTH(test_history_row, "history row"),
		{ .name = "resets of a version 1 catalog (file)", .test_func = test_migrated_resets,
		  .setup_func = catalog_test_setup_file, .teardown_func = catalog_test_teardown },
	};

	return cmocka_run_group_tests_name("audit", tests, NULL, NULL);
}
