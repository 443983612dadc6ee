/* Unit tests for catalog/lag: time lag from a partition's log end history (interpolation,
 * extrapolation, offsets near 2^62), a partition's status by Burrow's rules with the exact
 * reason each gives, the number and duration formats of those reasons, lag sparklines,
 * and the parsing of status names. Every case is one row of a table. */
#include "config.h"

#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "kfleet/lag.h"

#define COUNT(array) (sizeof (array) / sizeof (array)[0])

/* A real time (November 2023), so that times are as large as the catalog's. */
#define T0 INT64_C(1700000000000)
#define SECOND INT64_C(1000)
#define MINUTE (60 * SECOND)
#define HOUR (60 * MINUTE)
#define DAY (24 * HOUR)
#define WEEK (7 * DAY)
#define OFFSET_2_62 (INT64_C(1) << 62)

/* An array member of a case and its length, from one list of initialisers. */
#define POINTS(...) .history = { __VA_ARGS__ }, \
	.count = sizeof (struct lag_point[]){ __VA_ARGS__ } / sizeof (struct lag_point)
#define SAMPLES(...) .window = { __VA_ARGS__ }, \
	.count = sizeof (struct lag_sample[]){ __VA_ARGS__ } / sizeof (struct lag_sample)

/* ---------------------------------------------------------------- time lag */

struct time_case {
	const char *name;
	struct lag_point history[4];
	size_t count;
	int64_t committed, now_ms;
	struct lag_time expected;
};

static const struct time_case time_cases[] = {
	{ .name = "no history", .committed = 5, .now_ms = 1000,
	  .expected = { .known = false } },
	{ .name = "caught up", POINTS({ 0, 100 }, { 1000, 200 }), .committed = 200,
	  .now_ms = 1500, .expected = { .known = true, .ms = 0 } },
	{ .name = "committed past the log end", POINTS({ 0, 100 }, { 1000, 200 }),
	  .committed = 250, .now_ms = 1500, .expected = { .known = true, .ms = 0 } },
	/* 100 messages in 1 s, one every 10 ms: offset 149 is the 50th. */
	{ .name = "midpoint of a span", POINTS({ 0, 100 }, { 1000, 200 }), .committed = 149,
	  .now_ms = 1000, .expected = { .known = true, .ms = 500 } },
	{ .name = "first message after a point", POINTS({ 0, 100 }, { 1000, 200 }),
	  .committed = 100, .now_ms = 1000, .expected = { .known = true, .ms = 990 } },
	{ .name = "last message of a span, produced at its end",
	  POINTS({ 0, 100 }, { 1000, 200 }), .committed = 199, .now_ms = 1600,
	  .expected = { .known = true, .ms = 600 } },
	{ .name = "plateau: the last of the equal log ends",
	  POINTS({ 0, 100 }, { 1000, 100 }, { 2000, 100 }, { 3000, 200 }), .committed = 100,
	  .now_ms = 3000, .expected = { .known = true, .ms = 990 } },
	{ .name = "the span that holds the offset",
	  POINTS({ 0, 0 }, { 1000, 1000 }, { 2000, 1100 }, { 3000, 4100 }), .committed = 1050,
	  .now_ms = 3000, .expected = { .known = true, .ms = 1490 } },
	{ .name = "rounded to the millisecond", POINTS({ 0, 0 }, { 1000, 3 }), .committed = 0,
	  .now_ms = 1000, .expected = { .known = true, .ms = 667 } },
	{ .name = "clock behind the history: never negative", POINTS({ 0, 100 }, { 1000, 200 }),
	  .committed = 199, .now_ms = 900, .expected = { .known = true, .ms = 0 } },
	/* 1,000 messages in 10 s: offset 899 is 100 messages, 1 s, before offset 999. */
	{ .name = "extrapolated at the mean rate", POINTS({ 10000, 1000 }, { 20000, 2000 }),
	  .committed = 899, .now_ms = 20000,
	  .expected = { .known = true, .estimated = true, .ms = 11000 } },
	{ .name = "extrapolated: the message just below the oldest point",
	  POINTS({ 10000, 1000 }, { 20000, 2000 }), .committed = 999, .now_ms = 20000,
	  .expected = { .known = true, .estimated = true, .ms = 10000 } },
	{ .name = "extrapolated at the whole history's rate",
	  POINTS({ 0, 1000 }, { 1000, 1100 }, { 2000, 3000 }), .committed = 500,
	  .now_ms = 2000, .expected = { .known = true, .estimated = true, .ms = 2499 } },
	{ .name = "one point: its age, a lower bound", POINTS({ 5000, 100 }), .committed = 50,
	  .now_ms = 65000, .expected = { .known = true, .estimated = true, .ms = 60000 } },
	{ .name = "one point, taken now: nothing to say", POINTS({ 5000, 100 }), .committed = 50,
	  .now_ms = 5000, .expected = { .known = false } },
	{ .name = "no growth: the oldest point's age", POINTS({ 0, 100 }, { 1000, 100 }),
	  .committed = 50, .now_ms = 1000,
	  .expected = { .known = true, .estimated = true, .ms = 1000 } },
	{ .name = "offsets near 2^62 over a week",
	  POINTS({ T0, OFFSET_2_62 - 1000 }, { T0 + WEEK, OFFSET_2_62 }),
	  .committed = OFFSET_2_62 - 501, .now_ms = T0 + WEEK,
	  .expected = { .known = true, .ms = WEEK / 2 } },
	{ .name = "offsets from 0 to near 2^62 in a week",
	  POINTS({ T0, 0 }, { T0 + WEEK, 3 * (OFFSET_2_62 / 4) }),
	  .committed = OFFSET_2_62 / 4 - 1, .now_ms = T0 + WEEK,
	  .expected = { .known = true, .ms = 2 * WEEK / 3 } },
	/* 86,400 messages a day, one a second: 3,600 messages before the oldest is 1 h. */
	{ .name = "a day's rate, extrapolated an hour back",
	  POINTS({ T0, 1000000 }, { T0 + DAY, 1086400 }), .committed = 1000000 - 3601,
	  .now_ms = T0 + DAY, .expected = { .known = true, .estimated = true, .ms = DAY + HOUR } },
	{ .name = "an extrapolation past INT64_MAX stops there",
	  POINTS({ T0, OFFSET_2_62 - 1 }, { T0 + WEEK, OFFSET_2_62 }), .committed = 0,
	  .now_ms = T0 + WEEK, .expected = { .known = true, .estimated = true, .ms = INT64_MAX } },
};

static void
test_time_lag(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(time_cases); i++) {
		const struct time_case *c = &time_cases[i];
		struct lag_time got = lag_time_lag(c->history, c->count, c->committed, c->now_ms);

		if (got.known != c->expected.known || got.estimated != c->expected.estimated ||
		    got.ms != c->expected.ms)
			fail_msg("%s: got known %d estimated %d ms %" PRId64
			         ", expected known %d estimated %d ms %" PRId64, c->name, got.known,
			         got.estimated, got.ms, c->expected.known, c->expected.estimated,
			         c->expected.ms);
	}
}

/* ---------------------------------------------------------------- status */

#define AT(minute) (T0 + (minute) * MINUTE)
#define SAMPLE(minute, committed, log_end) \
	{ .at_ms = AT(minute), .committed_offset = (committed), .log_end_offset = (log_end) }
/* Evaluated at MINUTE, since when the offset is committed and the log end then unknown. */
#define MEMBERS_AT(minute) { .has_members = true, .committed_since_ms = -1, \
	.log_end_at_commit = -1, .now_ms = AT(minute) }
#define NO_MEMBER_AT(minute) { .has_members = false, .committed_since_ms = -1, \
	.log_end_at_commit = -1, .now_ms = AT(minute) }

struct status_case {
	const char *name;
	struct lag_sample window[12];
	size_t count;
	struct lag_partition_context context;
	struct lag_policy policy;               /* zero: the defaults */
	enum lag_status status;
	const char *reason;
};

static const struct status_case status_cases[] = {
	{ .name = "no samples", .context = MEMBERS_AT(0),
	  .status = LAG_STATUS_UNKNOWN, .reason = "no samples" },
	{ .name = "one sample, caught up", SAMPLES(SAMPLE(0, 100, 100)), .context = MEMBERS_AT(0),
	  .status = LAG_STATUS_OK, .reason = "caught up" },
	{ .name = "one sample with lag", SAMPLES(SAMPLE(0, 100, 220)), .context = MEMBERS_AT(0),
	  .status = LAG_STATUS_UNKNOWN, .reason = "lag 120, one sample: not enough to judge" },
	{ .name = "committed past the log end is lag 0",
	  SAMPLES(SAMPLE(0, 90, 100), SAMPLE(1, 101, 100)), .context = MEMBERS_AT(1),
	  .status = LAG_STATUS_OK, .reason = "caught up" },
	{ .name = "caught up now",
	  SAMPLES(SAMPLE(0, 100, 300), SAMPLE(1, 200, 300), SAMPLE(2, 300, 300)),
	  .context = MEMBERS_AT(2), .status = LAG_STATUS_OK, .reason = "caught up" },
	{ .name = "lag 0 in the window beats WARNING",
	  SAMPLES(SAMPLE(0, 100, 100), SAMPLE(1, 100, 200), SAMPLE(2, 150, 400),
	          SAMPLE(3, 200, 500)),
	  .context = MEMBERS_AT(3), .status = LAG_STATUS_OK,
	  .reason = "lag 300, caught up 3m ago" },
	{ .name = "lag 0 in the window beats STALLED",
	  SAMPLES(SAMPLE(0, 100, 100), SAMPLE(1, 100, 150), SAMPLE(2, 100, 150)),
	  .context = MEMBERS_AT(2), .status = LAG_STATUS_OK, .reason = "lag 50, caught up 2m ago" },
	{ .name = "REWIND",
	  SAMPLES(SAMPLE(0, 4500, 6000), SAMPLE(1, 5000, 6100), SAMPLE(2, 1200, 6200),
	          SAMPLE(3, 1300, 6300)),
	  .context = MEMBERS_AT(3), .status = LAG_STATUS_REWIND,
	  .reason = "committed offset went back from 5,000 to 1,200" },
	{ .name = "REWIND beats an earlier lag 0",
	  SAMPLES(SAMPLE(0, 5000, 5000), SAMPLE(1, 1200, 5100), SAMPLE(2, 1300, 5200)),
	  .context = MEMBERS_AT(2), .status = LAG_STATUS_REWIND,
	  .reason = "committed offset went back from 5,000 to 1,200" },
	{ .name = "lag 0 now beats REWIND",
	  SAMPLES(SAMPLE(0, 5000, 5100), SAMPLE(1, 1200, 5200), SAMPLE(2, 5200, 5200)),
	  .context = MEMBERS_AT(2), .status = LAG_STATUS_OK, .reason = "caught up" },
	{ .name = "REWIND: the newest step back",
	  SAMPLES(SAMPLE(0, 900, 1000), SAMPLE(1, 500, 1100), SAMPLE(2, 800, 1200),
	          SAMPLE(3, 300, 1300)),
	  .context = MEMBERS_AT(3), .status = LAG_STATUS_REWIND,
	  .reason = "committed offset went back from 800 to 300" },
	{ .name = "log end down too: recreated, not REWIND",
	  SAMPLES(SAMPLE(0, 5000, 5100), SAMPLE(1, 40, 100), SAMPLE(2, 80, 150)),
	  .context = MEMBERS_AT(2), .status = LAG_STATUS_OK, .reason = "lag 70, consuming" },
	{ .name = "STALLED over the window",
	  SAMPLES(SAMPLE(0, 1200, 2000), SAMPLE(1, 1200, 2000), SAMPLE(3, 1200, 2000),
	          SAMPLE(5, 1200, 2000)),
	  .context = MEMBERS_AT(5), .status = LAG_STATUS_STALLED,
	  .reason = "committed offset stuck at 1,200 for 5m with lag 800" },
	{ .name = "stuck, but the window is not full: no verdict yet",
	  SAMPLES(SAMPLE(0, 1200, 2000), SAMPLE(1, 1200, 2000), SAMPLE(3, 1200, 2000)),
	  .context = MEMBERS_AT(3), .policy = { .window = 10 }, .status = LAG_STATUS_UNKNOWN,
	  .reason = "lag 800, 3 of 10 samples so far" },
	{ .name = "growing, but the window is not full: no verdict yet",
	  SAMPLES(SAMPLE(0, 100, 200), SAMPLE(1, 150, 300), SAMPLE(2, 200, 450)),
	  .context = MEMBERS_AT(2), .policy = { .window = 10 }, .status = LAG_STATUS_UNKNOWN,
	  .reason = "lag 250, 3 of 10 samples so far" },
	{ .name = "consuming, window not full: OK",
	  SAMPLES(SAMPLE(0, 100, 200), SAMPLE(1, 190, 300), SAMPLE(2, 300, 350)),
	  .context = MEMBERS_AT(2), .policy = { .window = 10 }, .status = LAG_STATUS_OK,
	  .reason = "lag 50, consuming" },
	{ .name = "STALLED since a commit older than the window",
	  SAMPLES(SAMPLE(0, 1200, 1900), SAMPLE(1, 1200, 1950), SAMPLE(2, 1200, 2000)),
	  .context = { .has_members = true, .committed_since_ms = AT(-63),
	               .log_end_at_commit = 1200, .now_ms = AT(2) },
	  .status = LAG_STATUS_STALLED,
	  .reason = "committed offset stuck at 1,200 for 1h5m with lag 800" },
	{ .name = "STOPPED",
	  SAMPLES(SAMPLE(10, 1000, 5000), SAMPLE(11, 1000, 6000), SAMPLE(12, 1000, 6400)),
	  .context = { .committed_since_ms = AT(0), .log_end_at_commit = 1000, .now_ms = AT(12) },
	  .status = LAG_STATUS_STOPPED,
	  .reason = "no member and no commit for 12m while 5,400 messages arrived" },
	{ .name = "STOPPED from the window alone",
	  SAMPLES(SAMPLE(0, 500, 1000), SAMPLE(4, 500, 1600), SAMPLE(8, 500, 2200),
	          SAMPLE(12, 500, 2800)),
	  .context = NO_MEMBER_AT(12), .status = LAG_STATUS_STOPPED,
	  .reason = "no member and no commit for 12m while 1,800 messages arrived" },
	{ .name = "STOPPED at exactly stopped_after",
	  SAMPLES(SAMPLE(8, 1000, 1300), SAMPLE(9, 1000, 1400), SAMPLE(10, 1000, 1500)),
	  .context = { .committed_since_ms = AT(0), .log_end_at_commit = 1000, .now_ms = AT(10) },
	  .status = LAG_STATUS_STOPPED,
	  .reason = "no member and no commit for 10m while 500 messages arrived" },
	{ .name = "STOPPED after a shorter stopped_after",
	  SAMPLES(SAMPLE(0, 1000, 1100), SAMPLE(1, 1000, 1200), SAMPLE(2, 1000, 1300)),
	  .context = NO_MEMBER_AT(2), .policy = { .stopped_after_ms = 2 * MINUTE },
	  .status = LAG_STATUS_STOPPED,
	  .reason = "no member and no commit for 2m while 200 messages arrived" },
	{ .name = "no member, not for long: WARNING as lag grows",
	  SAMPLES(SAMPLE(7, 1000, 1200), SAMPLE(8, 1000, 1500), SAMPLE(9, 1000, 1700)),
	  .context = { .committed_since_ms = AT(0), .log_end_at_commit = 1000, .now_ms = AT(9) },
	  .status = LAG_STATUS_WARNING,
	  .reason = "lag grew from 200 to 700 over 2m with no member" },
	{ .name = "no member for long, nothing new since the commit: OK",
	  SAMPLES(SAMPLE(20, 1200, 2000), SAMPLE(21, 1200, 2000), SAMPLE(22, 1200, 2000)),
	  .context = { .committed_since_ms = AT(0), .log_end_at_commit = 2000, .now_ms = AT(22) },
	  .status = LAG_STATUS_OK, .reason = "lag 800, no member and no commit for 22m" },
	{ .name = "WARNING: lag never decreased and grew",
	  SAMPLES(SAMPLE(0, 1000, 1120), SAMPLE(5, 2000, 2120), SAMPLE(10, 3000, 8400)),
	  .context = MEMBERS_AT(10), .status = LAG_STATUS_WARNING,
	  .reason = "lag grew from 120 to 5,400 over 10m" },
	{ .name = "lag decreased once: OK",
	  SAMPLES(SAMPLE(0, 1000, 1100), SAMPLE(1, 1100, 1300), SAMPLE(2, 1250, 1350),
	          SAMPLE(3, 1300, 1500)),
	  .context = MEMBERS_AT(3), .status = LAG_STATUS_OK, .reason = "lag 200, consuming" },
	{ .name = "lag steady: OK", SAMPLES(SAMPLE(0, 100, 220), SAMPLE(1, 200, 320)),
	  .context = MEMBERS_AT(1), .status = LAG_STATUS_OK, .reason = "lag 120, consuming" },
	{ .name = "the default window: the newest 10 samples",
	  SAMPLES(SAMPLE(0, 1000, 1000), SAMPLE(1, 1100, 1100), SAMPLE(2, 1200, 1210),
	          SAMPLE(3, 1300, 1320), SAMPLE(4, 1400, 1430), SAMPLE(5, 1500, 1540),
	          SAMPLE(6, 1600, 1650), SAMPLE(7, 1700, 1760), SAMPLE(8, 1800, 1870),
	          SAMPLE(9, 1900, 1980), SAMPLE(10, 2000, 2090), SAMPLE(11, 2100, 2200)),
	  .context = MEMBERS_AT(11), .status = LAG_STATUS_WARNING,
	  .reason = "lag grew from 10 to 100 over 9m" },
	{ .name = "policy window: the rewind has left it",
	  SAMPLES(SAMPLE(0, 5000, 5100), SAMPLE(1, 1000, 5200), SAMPLE(2, 1100, 5300),
	          SAMPLE(3, 1200, 5400), SAMPLE(4, 1300, 5500)),
	  .context = MEMBERS_AT(4), .policy = { .window = 3 }, .status = LAG_STATUS_OK,
	  .reason = "lag 4,200, consuming" },
	{ .name = "policy window of one sample",
	  SAMPLES(SAMPLE(0, 100, 100), SAMPLE(1, 100, 300)),
	  .context = MEMBERS_AT(1), .policy = { .window = 1 }, .status = LAG_STATUS_UNKNOWN,
	  .reason = "lag 200, one sample: not enough to judge" },
};

/* A status as failures show it, UNKNOWN included. */
static const char *
status_text(enum lag_status status)
{
	return lag_status_name(status) != NULL ? lag_status_name(status) : "UNKNOWN";
}

static void
test_partition_status(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(status_cases); i++) {
		const struct status_case *c = &status_cases[i];
		struct lag_policy policy = c->policy;
		char reason[LAG_REASON_SIZE];
		enum lag_status got;

		/* A row's samples are a full window unless it sets one (or has more samples
		 * than the default window, which it then tests). */
		if (policy.window == 0 && c->count <= LAG_POLICY_DEFAULT_WINDOW)
			policy.window = c->count;
		got = lag_partition_status(c->window, c->count, &c->context, &policy, reason);

		if (got != c->status || strcmp(reason, c->reason) != 0)
			fail_msg("%s:\n got      %s \"%s\"\n expected %s \"%s\"", c->name,
			         status_text(got), reason, status_text(c->status), c->reason);
	}
}

/* ---------------------------------------------------------------- formats */

static const struct count_case {
	int64_t count;
	const char *text;
} count_cases[] = {
	{ .count = 0, .text = "0" },
	{ .count = 999, .text = "999" },
	{ .count = 1000, .text = "1,000" },
	{ .count = 5400, .text = "5,400" },
	{ .count = 1234567, .text = "1,234,567" },
	{ .count = -999, .text = "-999" },
	{ .count = -1234567, .text = "-1,234,567" },
	{ .count = INT64_MAX, .text = "9,223,372,036,854,775,807" },
	{ .count = INT64_MIN, .text = "-9,223,372,036,854,775,808" },
};

static const struct duration_case {
	int64_t ms;
	const char *text;
} duration_cases[] = {
	{ .ms = -5000, .text = "0s" },
	{ .ms = 0, .text = "0s" },
	{ .ms = 999, .text = "0s" },
	{ .ms = 1000, .text = "1s" },
	{ .ms = 45 * SECOND + 999, .text = "45s" },
	{ .ms = 12 * MINUTE, .text = "12m" },
	{ .ms = 12 * MINUTE + 30 * SECOND, .text = "12m30s" },
	{ .ms = 3 * HOUR, .text = "3h" },
	{ .ms = 3 * HOUR + 59 * SECOND, .text = "3h" },
	{ .ms = 3 * HOUR + 20 * MINUTE + 59 * SECOND, .text = "3h20m" },
	{ .ms = 2 * DAY + 4 * HOUR + 59 * MINUTE, .text = "2d4h" },
	{ .ms = 2 * DAY + 59 * MINUTE, .text = "2d" },
	{ .ms = INT64_MAX, .text = "106751991167d7h" },
};

/* The buffers are of the sizes the header names, which the extreme rows must fit. */
static void
test_formats(void **state)
{
	char count[LAG_COUNT_SIZE], duration[LAG_DURATION_SIZE];

	(void)state;
	for (size_t i = 0; i < COUNT(count_cases); i++) {
		const struct count_case *c = &count_cases[i];

		if (strcmp(lag_format_count(c->count, count, sizeof count), c->text) != 0)
			fail_msg("count %" PRId64 ": got %s, expected %s", c->count, count,
			         c->text);
	}
	for (size_t i = 0; i < COUNT(duration_cases); i++) {
		const struct duration_case *c = &duration_cases[i];

		if (strcmp(lag_format_duration(c->ms, duration, sizeof duration), c->text) != 0)
			fail_msg("duration %" PRId64 " ms: got %s, expected %s", c->ms, duration,
			         c->text);
	}
	/* A short buffer gets what fits, terminated. */
	assert_string_equal(lag_format_count(1234567, count, 6), "1,234");
}

/* ---------------------------------------------------------------- sparkline */

#define VALUES(...) .values = { __VA_ARGS__ }, \
	.count = sizeof (int64_t[]){ __VA_ARGS__ } / sizeof (int64_t)

static const struct spark_case {
	const char *name;
	int64_t values[12];
	size_t count;
	size_t width;
	bool unicode;
	size_t out_size;                /* 0: a buffer large enough */
	const char *text;
	size_t cells;
} spark_cases[] = {
	{ .name = "no values", .width = 10, .unicode = true, .text = "", .cells = 0 },
	{ .name = "width 0", VALUES(5, 7), .width = 0, .unicode = true, .text = "", .cells = 0 },
	{ .name = "one value", VALUES(5), .width = 10, .unicode = true, .text = "█", .cells = 1 },
	{ .name = "one value, ASCII", VALUES(5), .width = 10, .text = "#", .cells = 1 },
	{ .name = "one zero", VALUES(0), .width = 10, .unicode = true, .text = "▁", .cells = 1 },
	{ .name = "all zero", VALUES(0, 0, 0, 0), .width = 4, .unicode = true, .text = "▁▁▁▁",
	  .cells = 4 },
	{ .name = "all zero, ASCII", VALUES(0, 0, 0, 0), .width = 4, .text = "____", .cells = 4 },
	{ .name = "every level", VALUES(0, 1, 2, 3, 4, 5, 6, 7), .width = 8, .unicode = true,
	  .text = "▁▂▃▄▅▆▇█", .cells = 8 },
	{ .name = "every level, ASCII", VALUES(0, 1, 2, 3, 4, 5, 6, 7), .width = 8,
	  .text = "_.:-=+*#", .cells = 8 },
	{ .name = "the smallest lag stands above zero", VALUES(0, 1, 1000), .width = 3,
	  .unicode = true, .text = "▁▂█", .cells = 3 },
	{ .name = "levels round up", VALUES(142, 143, 1000), .width = 3, .unicode = true,
	  .text = "▂▃█", .cells = 3 },
	{ .name = "width larger than count", VALUES(0, 7), .width = 10, .unicode = true,
	  .text = "▁█", .cells = 2 },
	{ .name = "below zero is zero", VALUES(-5, 7), .width = 2, .unicode = true, .text = "▁█",
	  .cells = 2 },
	{ .name = "resampled: the max of each bucket",
	  VALUES(0, 7, 0, 0, 3, 1, 7, 0, 0, 0), .width = 5, .unicode = true,
	  .text = "█▁▄█▁", .cells = 5 },
	{ .name = "resampled, ASCII", VALUES(0, 7, 0, 0, 3, 1, 7, 0, 0, 0), .width = 5,
	  .text = "#_-#_", .cells = 5 },
	{ .name = "resampled unevenly: buckets of 2, 2, 3", VALUES(1, 0, 0, 0, 0, 0, 7),
	  .width = 3, .unicode = true, .text = "▂▁█", .cells = 3 },
	{ .name = "lags near INT64_MAX", VALUES(INT64_MAX, INT64_MAX / 2, 1), .width = 3,
	  .unicode = true, .text = "█▅▂", .cells = 3 },
	{ .name = "buffer too small: whole cells only", VALUES(0, 1, 2, 3, 4, 5, 6, 7),
	  .width = 8, .unicode = true, .out_size = 8, .text = "▁▂", .cells = 2 },
	{ .name = "buffer too small, ASCII", VALUES(0, 1, 2, 3, 4, 5, 6, 7), .width = 8,
	  .out_size = 4, .text = "_.:", .cells = 3 },
	{ .name = "buffer for the NUL only", VALUES(0, 1, 2), .width = 3, .unicode = true,
	  .out_size = 1, .text = "", .cells = 0 },
};

static void
test_sparkline(void **state)
{
	char out[12 * LAG_SPARK_CELL_SIZE + 1];

	(void)state;
	for (size_t i = 0; i < COUNT(spark_cases); i++) {
		const struct spark_case *c = &spark_cases[i];
		size_t cells;

		memset(out, 'X', sizeof out);
		cells = lag_sparkline(c->values, c->count, c->width, c->unicode, out,
		                      c->out_size != 0 ? c->out_size : sizeof out);
		if (cells != c->cells || strcmp(out, c->text) != 0)
			fail_msg("%s: got %zu cells \"%s\", expected %zu \"%s\"", c->name, cells, out,
			         c->cells, c->text);
	}
	/* No room at all: nothing is written. */
	out[0] = 'X';
	assert_int_equal(lag_sparkline(spark_cases[2].values, 1, 10, true, out, 0), 0);
	assert_int_equal(out[0], 'X');
}

/* ---------------------------------------------------------------- names */

#define BIT(status) (1u << LAG_STATUS_##status)

static const struct set_case {
	const char *list;
	int result;
	unsigned mask;                  /* when RESULT is 0 */
	const char *bad;                /* when RESULT is -1 */
} set_cases[] = {
	{ .list = "WARNING,ERROR",
	  .mask = BIT(WARNING) | BIT(REWIND) | BIT(STALLED) | BIT(STOPPED) },
	{ .list = "ok", .mask = BIT(OK) },
	{ .list = "Stalled,stopped,STALLED", .mask = BIT(STALLED) | BIT(STOPPED) },
	{ .list = "OK,BOGUS", .result = -1, .bad = "BOGUS" },
	{ .list = "UNKNOWN", .result = -1, .bad = "UNKNOWN" },
	{ .list = "", .result = -1, .bad = "" },
	{ .list = "OK,", .result = -1, .bad = "" },
	{ .list = "WARNING,,OK", .result = -1, .bad = "" },
};

static const struct threshold_case {
	const char *name;
	int status;
} threshold_cases[] = {
	{ .name = "ERROR", .status = LAG_STATUS_REWIND },
	{ .name = "error", .status = LAG_STATUS_REWIND },
	{ .name = "warning", .status = LAG_STATUS_WARNING },
	{ .name = "OK", .status = LAG_STATUS_OK },
	{ .name = "STOPPED", .status = LAG_STATUS_STOPPED },
	{ .name = "UNKNOWN", .status = -1 },
	{ .name = "", .status = -1 },
};

static void
test_names(void **state)
{
	(void)state;
	assert_null(lag_status_name(LAG_STATUS_UNKNOWN));
	assert_null(lag_status_name(LAG_STATUS_COUNT));
	for (int status = LAG_STATUS_OK; status < LAG_STATUS_COUNT; status++)
		assert_int_equal(lag_status_parse(lag_status_name(status)), status);

	for (size_t i = 0; i < COUNT(set_cases); i++) {
		const struct set_case *c = &set_cases[i];
		char bad[32] = "untouched";
		unsigned mask = 0;
		int result = lag_status_parse_set(c->list, &mask, bad, sizeof bad);

		if (result != c->result)
			fail_msg("\"%s\": got %d, expected %d", c->list, result, c->result);
		if (result == 0 && mask != c->mask)
			fail_msg("\"%s\": got mask %#x, expected %#x", c->list, mask, c->mask);
		if (result < 0 && strcmp(bad, c->bad) != 0)
			fail_msg("\"%s\": got bad \"%s\", expected \"%s\"", c->list, bad, c->bad);
	}
	for (size_t i = 0; i < COUNT(threshold_cases); i++) {
		const struct threshold_case *c = &threshold_cases[i];
		int got = lag_status_parse_threshold(c->name);

		if (got != c->status)
			fail_msg("threshold \"%s\": got %d, expected %d", c->name, got, c->status);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_lag),
		cmocka_unit_test(test_partition_status),
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_sparkline),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests_name("lag", tests, NULL, NULL);
}
