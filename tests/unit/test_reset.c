/* Unit tests for the pure parts of kafka/reset: which topics are a Kafka Streams
 * application's internal topics (what kfleet app reset --delete-internal-topics deletes),
 * what the read back of a commit without a clear answer says, and the modes' names. The engine itself is tested on the real broker
 * (tests/integration/test_offsets.sh). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "kfleet/reset.h"

static const struct {
	const char *group, *topic;
	bool internal;
} internal_cases[] = {
	{ "orders-app", "orders-app-store-changelog", true },
	{ "orders-app", "orders-app-KSTREAM-AGGREGATE-0000000003-repartition", true },
	{ "orders-app", "orders-app-KSTREAM-AGGREGATE-STATE-STORE-0000000002-changelog", true },
	{ "orders-app", "orders-app-changelog", false },        /* no name between the dashes */
	{ "orders-app", "orders-app--changelog", false },
	{ "orders-app", "orders-app-repartition", false },
	{ "orders-app", "orders-app", false },
	{ "orders-app", "orders-app-store", false },
	{ "orders-app", "orders-application-store-changelog", false },  /* another application */
	{ "orders-app", "other-orders-app-store-changelog", false },
	{ "orders-app", "orders-app-store-changelog-backup", false },
	{ "orders", "orders-app-store-changelog", true },      /* "orders" is a prefix too: */
	/* kafka-streams-application-reset matches the same way, by application.id + "-" */
	{ "a", "a-b-changelog", true },
	{ "", "-b-changelog", false },
};

static void
test_streams_internal(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof internal_cases / sizeof internal_cases[0]; i++)
		if (reset_is_streams_internal(internal_cases[i].group, internal_cases[i].topic) !=
		    internal_cases[i].internal)
			fail_msg("group %s, topic %s: expected %s", internal_cases[i].group,
			         internal_cases[i].topic, internal_cases[i].internal ? "internal" : "not");
}

static void
test_mode_options(void **state)
{
	(void)state;
	assert_string_equal(reset_mode_option(RESET_TO_EARLIEST), "--to-earliest");
	assert_string_equal(reset_mode_option(RESET_SHIFT_BY), "--shift-by");
	assert_string_equal(reset_mode_option(RESET_TO_TIME), "--to-datetime");
	assert_string_equal(reset_mode_option(RESET_EXPLICIT), "--from-file");
	assert_string_equal(reset_mode_option((enum reset_mode)99), "?");
}

static const struct {
	int64_t current, target, committed;
	enum reset_row_state state;
} read_back_cases[] = {
	{ .current = 50, .target = 20, .committed = 20, .state = RESET_ROW_WRITTEN },
	{ .current = 50, .target = 20, .committed = 50, .state = RESET_ROW_NOT_WRITTEN },
	{ .current = 50, .target = 20, .committed = 35, .state = RESET_ROW_UNKNOWN },
	{ .current = 50, .target = 20, .committed = -1, .state = RESET_ROW_UNKNOWN },
	{ .current = -1, .target = 0, .committed = -1, .state = RESET_ROW_NOT_WRITTEN },
	{ .current = -1, .target = 0, .committed = -1001, .state = RESET_ROW_NOT_WRITTEN },
	{ .current = -1, .target = 0, .committed = 0, .state = RESET_ROW_WRITTEN },
	{ .current = 7, .target = 7, .committed = 7, .state = RESET_ROW_WRITTEN },  /* either way */
};

static void
test_read_back_state(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof read_back_cases / sizeof read_back_cases[0]; i++)
		if (reset_read_back_state(read_back_cases[i].current, read_back_cases[i].target,
		                          read_back_cases[i].committed) != read_back_cases[i].state)
			fail_msg("before %lld, target %lld, read back %lld: expected state %d",
			         (long long)read_back_cases[i].current, (long long)read_back_cases[i].target,
			         (long long)read_back_cases[i].committed, (int)read_back_cases[i].state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_streams_internal),
		cmocka_unit_test(test_read_back_state),
		cmocka_unit_test(test_mode_options),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
