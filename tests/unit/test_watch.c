/* Unit tests for tui/watch: the intervals --watch accepts, table-driven, and a wait that
 * a signal ends (tests/cli/test_lag.sh drives the whole command). */
#include "config.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "kfleet/monotonic.h"
#include "tui/watch.h"

static const struct interval_case {
	const char *text;
	long ms;                /* expected; -1: refused */
} interval_cases[] = {
	{ "5", 5000 },
	{ "0.5", 500 },
	{ ".25", 250 },
	{ "1.125", 1125 },
	{ "0.1", 100 },         /* the lowest */
	{ "86400", 86400000 },  /* the highest: a day */
	{ "007", 7000 },
	{ "86400.000", 86400000 },
	{ "0.09", -1 },         /* below 0.1 */
	{ "0", -1 },
	{ "0.000", -1 },
	{ "86400.001", -1 },
	{ "86401", -1 },
	{ "99999999999999999999", -1 },
	{ "0.0001", -1 },       /* finer than a millisecond */
	{ "1.", -1 },
	{ ".", -1 },
	{ "", -1 },
	{ "-1", -1 },
	{ "+1", -1 },
	{ " 1", -1 },
	{ "1 ", -1 },
	{ "1e3", -1 },
	{ "5s", -1 },
	{ "0,5", -1 },          /* the point only, whatever the locale */
	{ "abc", -1 },
};

static void
test_parse_interval(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof interval_cases / sizeof interval_cases[0]; i++) {
		const struct interval_case *c = &interval_cases[i];
		long ms = -1;
		int rc = watch_parse_interval(c->text, &ms);

		if (c->ms < 0 && rc != -1)
			fail_msg("'%s' accepted as %ld ms", c->text, ms);
		if (c->ms >= 0 && (rc != 0 || ms != c->ms))
			fail_msg("'%s': rc %d, %ld ms, expected %ld ms", c->text, rc, ms, c->ms);
	}
}

/* A wait lasts the interval; a signal raised during a refresh (blocked then) ends the
 * next wait at once, and watch_stop leaves the process alive and its handlers as found.
 * The signalled wait is of a minute: ended in less than half of it, it was the signal
 * that ended it, however slow the machine. */
static void
test_wait_and_signal(void **state)
{
	struct watch watch;
	struct sigaction before, after;
	double start;

	(void)state;
	sigaction(SIGTERM, NULL, &before);
	assert_int_equal(watch_start(&watch, 200), 0);
	start = monotonic_seconds();
	assert_true(watch_wait(&watch));
	assert_true(monotonic_seconds() - start >= 0.19);
	watch_stop(&watch);

	assert_int_equal(watch_start(&watch, 60000), 0);
	raise(SIGTERM);         /* blocked: pending until the wait */
	start = monotonic_seconds();
	assert_false(watch_wait(&watch));
	assert_true(monotonic_seconds() - start < 30);
	watch_stop(&watch);
	sigaction(SIGTERM, NULL, &after);
	assert_true(after.sa_handler == before.sa_handler);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_interval),
		cmocka_unit_test(test_wait_and_signal),
	};

	return cmocka_run_group_tests_name("watch", tests, NULL, NULL);
}
