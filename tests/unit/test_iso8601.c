/* Unit tests for kafka/iso8601: every accepted form of a time and a duration with its
 * milliseconds, every refusal with its exact message, the formatting of any int64_t, and
 * parse(format(t)) == t checked against glibc's gmtime_r. */
#include "config.h"

#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "kfleet/iso8601.h"

#define COUNT(array) (sizeof (array) / sizeof (array)[0])
#define ERR_SIZE 256

/* TEXT parses to MS, or is refused with MESSAGE (exactly) when MESSAGE is set. */
struct parse_case {
	const char *text;
	int64_t ms;
	const char *message;
};

#define NO_ZONE ": no time zone; add Z (UTC) or an offset like +01:00"
#define BAD_DATE ": bad date; write YYYY-MM-DD and a time, e.g. 2026-11-24T10:00:00Z"
#define BAD_TIME ": bad time of day; write HH:MM or HH:MM:SS, e.g. 2026-11-24T10:00:00Z"
#define BAD_ZONE(zone) ": bad time zone `" zone "`; write Z (UTC) or an offset like " \
	"+01:00 or +0100"

static const struct parse_case time_cases[] = {
	/* Accepted. */
	{ .text = "2026-11-24T10:00:00Z", .ms = INT64_C(1795514400000) },
	{ .text = "2026-11-24T10:00:00.250+01:00", .ms = INT64_C(1795510800250) },
	{ .text = "2026-11-24T10:00Z", .ms = INT64_C(1795514400000) },
	{ .text = "2026-11-24 10:00:00Z", .ms = INT64_C(1795514400000) },
	{ .text = "2026-11-24t10:00:00z", .ms = INT64_C(1795514400000) },
	{ .text = "2026-11-24T10:00:00+0100", .ms = INT64_C(1795510800000) },
	{ .text = "2026-11-24T10:00+01:00", .ms = INT64_C(1795510800000) },
	{ .text = "2026-11-24T10:00:00-05:30", .ms = INT64_C(1795534200000) },
	{ .text = "2026-11-24T10:00:00-0530", .ms = INT64_C(1795534200000) },
	{ .text = "2026-11-24T10:00:00-00:00", .ms = INT64_C(1795514400000) },
	{ .text = "2026-11-24T10:00:00.5Z", .ms = INT64_C(1795514400500) },
	{ .text = "2026-11-24T10:00:00,25Z", .ms = INT64_C(1795514400250) },
	{ .text = "2026-11-24T10:00:00.123456789Z", .ms = INT64_C(1795514400123) },
	{ .text = "2026-11-24T10:00:00.9999Z", .ms = INT64_C(1795514400999) },
	{ .text = "2026-11-24T00:30:00+18:00", .ms = INT64_C(1795415400000) },
	{ .text = "2026-11-24T10:00:00-18:00", .ms = INT64_C(1795579200000) },
	{ .text = "2026-11-24T23:30:00-01:00", .ms = INT64_C(1795566600000) },
	{ .text = "2026-12-31T23:59:59Z", .ms = INT64_C(1798761599000) },
	{ .text = "2024-02-29T12:00:00Z", .ms = INT64_C(1709208000000) },
	{ .text = "2000-02-29T00:00:00Z", .ms = INT64_C(951782400000) },
	{ .text = "1970-01-01T00:00:00Z", .ms = 0 },
	{ .text = "1970-01-01T01:00:00+01:00", .ms = 0 },
	{ .text = "1970-01-01T00:00:00.001Z", .ms = 1 },
	{ .text = "9999-12-31T23:59:59.999Z", .ms = INT64_C(253402300799999) },
	/* Refused. */
	{ .text = "", .message = "empty time; write e.g. 2026-11-24T10:00:00Z" },
	{ .text = "2026-11-24T10:00:00", .message = "2026-11-24T10:00:00" NO_ZONE },
	{ .text = "2026-11-24T10:00:00.250", .message = "2026-11-24T10:00:00.250" NO_ZONE },
	{ .text = "2026-11-24T10:00", .message = "2026-11-24T10:00" NO_ZONE },
	{ .text = "2026-11-24",
	  .message = "2026-11-24: no time of day; add one and a zone, e.g. "
	             "2026-11-24T00:00:00Z" },
	{ .text = "2026-11-24X10:00Z",
	  .message = "2026-11-24X10:00Z: expected T or a space after the date; write e.g. "
	             "2026-11-24T10:00:00Z" },
	{ .text = "2026-11-24  10:00Z", .message = "2026-11-24  10:00Z" BAD_TIME },
	{ .text = "26-11-24T10:00Z", .message = "26-11-24T10:00Z" BAD_DATE },
	{ .text = "2026-1-24T10:00Z", .message = "2026-1-24T10:00Z" BAD_DATE },
	{ .text = "20261124T100000Z", .message = "20261124T100000Z" BAD_DATE },
	{ .text = "2026-11-244T10:00Z", .message = "2026-11-244T10:00Z" BAD_DATE },
	{ .text = "2026/11/24T10:00Z", .message = "2026/11/24T10:00Z" BAD_DATE },
	{ .text = "2026-13-01T00:00:00Z",
	  .message = "2026-13-01T00:00:00Z: there is no month 13; write 01 to 12" },
	{ .text = "2026-00-01T00:00:00Z",
	  .message = "2026-00-01T00:00:00Z: there is no month 00; write 01 to 12" },
	{ .text = "2026-02-29T00:00:00Z",
	  .message = "2026-02-29T00:00:00Z: 2026-02 has no day 29; write 01 to 28" },
	{ .text = "2100-02-29T00:00:00Z",
	  .message = "2100-02-29T00:00:00Z: 2100-02 has no day 29; write 01 to 28" },
	{ .text = "2024-02-30T00:00:00Z",
	  .message = "2024-02-30T00:00:00Z: 2024-02 has no day 30; write 01 to 29" },
	{ .text = "2026-04-31T00:00:00Z",
	  .message = "2026-04-31T00:00:00Z: 2026-04 has no day 31; write 01 to 30" },
	{ .text = "2026-11-00T00:00:00Z",
	  .message = "2026-11-00T00:00:00Z: 2026-11 has no day 00; write 01 to 30" },
	{ .text = "2026-11-24T24:00:00Z",
	  .message = "2026-11-24T24:00:00Z: there is no hour 24; write 00 to 23 (24:00 is "
	             "00:00 of the next day)" },
	{ .text = "2026-11-24T25:00:00Z",
	  .message = "2026-11-24T25:00:00Z: there is no hour 25; write 00 to 23" },
	{ .text = "2026-11-24T10:60:00Z",
	  .message = "2026-11-24T10:60:00Z: there is no minute 60; write 00 to 59" },
	{ .text = "2016-12-31T23:59:60Z",
	  .message = "2016-12-31T23:59:60Z: second 60 is a leap second, which Unix time and "
	             "Kafka timestamps do not count; write 00 to 59" },
	{ .text = "2026-11-24T10:00:61Z",
	  .message = "2026-11-24T10:00:61Z: there is no second 61; write 00 to 59" },
	{ .text = "2026-11-24T10Z", .message = "2026-11-24T10Z" BAD_TIME },
	{ .text = "2026-11-24T10:0Z", .message = "2026-11-24T10:0Z" BAD_TIME },
	{ .text = "2026-11-24T1:00Z", .message = "2026-11-24T1:00Z" BAD_TIME },
	{ .text = "2026-11-24T10:00:000Z", .message = "2026-11-24T10:00:000Z" BAD_TIME },
	{ .text = "2026-11-24T10:00:0Z",
	  .message = "2026-11-24T10:00:0Z: bad seconds; write two digits, e.g. "
	             "2026-11-24T10:00:00Z" },
	{ .text = "2026-11-24T10:00.5Z",
	  .message = "2026-11-24T10:00.5Z: a fraction needs seconds; write HH:MM:SS.fff, e.g. "
	             "2026-11-24T10:00:00.250Z" },
	{ .text = "2026-11-24T10:00:00.Z",
	  .message = "2026-11-24T10:00:00.Z: no digits after `.`; write e.g. "
	             "2026-11-24T10:00:00.250Z" },
	{ .text = "2026-11-24T10:00:00.1234567890Z",
	  .message = "2026-11-24T10:00:00.1234567890Z: more than 9 digits after `.`; write at "
	             "most 3 (milliseconds), e.g. 2026-11-24T10:00:00.250Z" },
	{ .text = "2026-11-24T10:00:00+1", .message = "2026-11-24T10:00:00+1" BAD_ZONE("+1") },
	{ .text = "2026-11-24T10:00:00+01", .message = "2026-11-24T10:00:00+01" BAD_ZONE("+01") },
	{ .text = "2026-11-24T10:00:00+01:0",
	  .message = "2026-11-24T10:00:00+01:0" BAD_ZONE("+01:0") },
	{ .text = "2026-11-24T10:00:00 Z", .message = "2026-11-24T10:00:00 Z" BAD_ZONE(" Z") },
	{ .text = "2026-11-24T10:00:00 UTC",
	  .message = "2026-11-24T10:00:00 UTC" BAD_ZONE(" UTC") },
	{ .text = "2026-11-24T10:00:00+19:00",
	  .message = "2026-11-24T10:00:00+19:00: offset +19:00 is more than 18 hours; write "
	             "-18:00 to +18:00" },
	{ .text = "2026-11-24T10:00:00-1801",
	  .message = "2026-11-24T10:00:00-1801: offset -1801 is more than 18 hours; write "
	             "-18:00 to +18:00" },
	{ .text = "2026-11-24T10:00:00+01:60",
	  .message = "2026-11-24T10:00:00+01:60: offset +01:60 has minute 60; write 00 to 59" },
	{ .text = "2026-11-24T10:00:00ZZ",
	  .message = "2026-11-24T10:00:00ZZ: text after the time zone: `Z`; remove it" },
	{ .text = "2026-11-24T10:00:00+01:00:00",
	  .message = "2026-11-24T10:00:00+01:00:00: text after the time zone: `:00`; remove it" },
	{ .text = "2026-11-24T10:00:00Z[Europe/Paris] and more text",
	  .message = "2026-11-24T10:00:00Z[Europe/Paris] and m...: text after the time zone: "
	             "`[Europe/Paris] a`; remove it" },
	{ .text = "1969-12-31T23:59:59.999Z",
	  .message = "1969-12-31T23:59:59.999Z: before 1970-01-01T00:00:00Z, where Kafka "
	             "timestamps begin; write a later time" },
	{ .text = "1970-01-01T00:30:00+01:00",
	  .message = "1970-01-01T00:30:00+01:00: before 1970-01-01T00:00:00Z, where Kafka "
	             "timestamps begin; write a later time" },
	{ .text = "2026-11-24T10:00:00\xe2\x88\x92" "01:00",   /* a Unicode minus */
	  .message = "the time has a byte 0xe2 at position 20 that is not printable ASCII; "
	             "write e.g. 2026-11-24T10:00:00Z" },
	{ .text = "2026-11-24T10:00:00Z\n",
	  .message = "the time has a byte 0x0a at position 21 that is not printable ASCII; "
	             "write e.g. 2026-11-24T10:00:00Z" },
};

#define NO_UNIT_ORDER ": units out of order or repeated; write each once, in the order D, " \
	"T, H, M, S"
#define AFTER_T ": hours, minutes and seconds come after T; write e.g. PT2H or P1DT2H"
#define TOO_LONG ": too long to count in milliseconds; write a shorter duration"
#define NO_SIGN ": a duration has no sign; write how far back as e.g. PT30M"

static const struct parse_case duration_cases[] = {
	/* Accepted. */
	{ .text = "PT30M", .ms = 30 * 60 * 1000 },
	{ .text = "P1DT2H", .ms = 26 * 3600 * 1000 },
	{ .text = "PT0.5S", .ms = 500 },
	{ .text = "P2W", .ms = INT64_C(14) * 86400 * 1000 },
	{ .text = "PT0S", .ms = 0 },
	{ .text = "P0D", .ms = 0 },
	{ .text = "P0W", .ms = 0 },
	{ .text = "P1D", .ms = 86400 * 1000 },
	{ .text = "PT1H30M", .ms = 90 * 60 * 1000 },
	{ .text = "P1DT1H1M1.001S", .ms = ((25 * 60 + 1) * 60 + 1) * 1000 + 1 },
	{ .text = "P1DT1S", .ms = 86401 * 1000 },
	{ .text = "PT36H", .ms = 36 * 3600 * 1000 },
	{ .text = "PT90M", .ms = 90 * 60 * 1000 },
	{ .text = "PT3600S", .ms = 3600 * 1000 },
	{ .text = "pt30m", .ms = 30 * 60 * 1000 },
	{ .text = "p1dt2h", .ms = 26 * 3600 * 1000 },
	{ .text = "PT1,5S", .ms = 1500 },
	{ .text = "PT0.123456789S", .ms = 123 },
	{ .text = "P007D", .ms = 7 * 86400 * 1000 },
	{ .text = "P106751991167DT7H12M55.807S", .ms = INT64_MAX },
	{ .text = "P15250284452W", .ms = INT64_C(15250284452) * 7 * 86400 * 1000 },
	/* Refused. */
	{ .text = "", .message = "empty duration; write e.g. PT30M" },
	{ .text = "30m",
	  .message = "30m: a duration starts with P; write e.g. PT30M (30 minutes), PT2H or P1D" },
	{ .text = "T30M",
	  .message = "T30M: a duration starts with P; write e.g. PT30M (30 minutes), PT2H or "
	             "P1D" },
	{ .text = "-PT30M", .message = "-PT30M" NO_SIGN },
	{ .text = "PT-30M", .message = "PT-30M" NO_SIGN },
	{ .text = "P", .message = "P: nothing after P; write e.g. PT30M" },
	{ .text = "PT", .message = "PT: nothing after T; write e.g. PT30M" },
	{ .text = "P1DT", .message = "P1DT: nothing after T; write e.g. PT30M" },
	{ .text = "P1Y", .message = "P1Y: years have no fixed length; write days, e.g. P365D" },
	{ .text = "P1Y2M3DT4H5M6S",
	  .message = "P1Y2M3DT4H5M6S: years have no fixed length; write days, e.g. P365D" },
	{ .text = "P5M",
	  .message = "P5M: months have no fixed length; write days, e.g. P30D (or PT5M for "
	             "minutes)" },
	{ .text = "P1W2D",
	  .message = "P1W2D: weeks go alone; write P2W, or days instead, e.g. P14DT2H" },
	{ .text = "P2WT1H",
	  .message = "P2WT1H: weeks go alone; write P2W, or days instead, e.g. P14DT2H" },
	{ .text = "P1DT2W",
	  .message = "P1DT2W: weeks go alone; write P2W, or days instead, e.g. P14DT2H" },
	{ .text = "P1.5W",
	  .message = "P1.5W: only seconds take a fraction; write e.g. P10D, not P1.5W" },
	{ .text = "PT30",
	  .message = "PT30: `30` has no unit; end it with D or W, or after T with H, M or S" },
	{ .text = "PT30X",
	  .message = "PT30X: unknown unit `X`; write D or W, or after T: H, M or S" },
	{ .text = "P1H", .message = "P1H" AFTER_T },
	{ .text = "P5S", .message = "P5S" AFTER_T },
	{ .text = "PT1D", .message = "PT1D: days come before T; write e.g. P1DT2H" },
	{ .text = "PT1S2M", .message = "PT1S2M" NO_UNIT_ORDER },
	{ .text = "PT1H1H", .message = "PT1H1H" NO_UNIT_ORDER },
	{ .text = "P1D2D", .message = "P1D2D" NO_UNIT_ORDER },
	{ .text = "P1DT2HT3M",
	  .message = "P1DT2HT3M: a second T; write one T before the hours, minutes and "
	             "seconds" },
	{ .text = "PT1.5H",
	  .message = "PT1.5H: only seconds take a fraction; write e.g. PT1H30M, not PT1.5H" },
	{ .text = "PT.5S",
	  .message = "PT.5S: expected a number at `.5S`; write e.g. PT30M, P1DT2H or PT0.5S" },
	{ .text = "PT1.S", .message = "PT1.S: no digits after `.`; write e.g. PT0.5S" },
	{ .text = "PT0.1234567890S",
	  .message = "PT0.1234567890S: more than 9 digits after `.`; write at most 3 "
	             "(milliseconds), e.g. PT0.5S" },
	{ .text = "PT30M ",
	  .message = "PT30M : expected a number at ` `; write e.g. PT30M, P1DT2H or PT0.5S" },
	{ .text = "P99999999999999999999D", .message = "P99999999999999999999D" TOO_LONG },
	{ .text = "P106751991168D", .message = "P106751991168D" TOO_LONG },
	{ .text = "P106751991167DT7H12M55.808S",
	  .message = "P106751991167DT7H12M55.808S" TOO_LONG },
	{ .text = "P15250284453W", .message = "P15250284453W" TOO_LONG },
	{ .text = "P1DT2H30M\t",
	  .message = "the duration has a byte 0x09 at position 10 that is not printable ASCII; "
	             "write e.g. PT30M" },
};

typedef int parse_fn(const char *text, int64_t *ms, char *err, size_t err_size);

/* Run CASES through PARSE. */
static void
run_cases(const char *what, parse_fn *parse, const struct parse_case *cases, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		const struct parse_case *c = &cases[i];
		char err[ERR_SIZE] = "";
		int64_t ms = -42;
		int rc = parse(c->text, &ms, err, sizeof err);

		if (c->message == NULL) {
			if (rc != 0)
				fail_msg("%s `%s`: refused: %s", what, c->text, err);
			if (ms != c->ms)
				fail_msg("%s `%s`: %" PRId64 ", expected %" PRId64, what, c->text, ms,
				         c->ms);
		} else {
			if (rc != -1)
				fail_msg("%s `%s`: accepted as %" PRId64, what, c->text, ms);
			if (strcmp(err, c->message) != 0)
				fail_msg("%s `%s`:\n got      %s\n expected %s", what, c->text, err,
				         c->message);
			if (ms != -42)
				fail_msg("%s `%s`: *ms changed on an error", what, c->text);
		}
	}
}

static void
test_time_cases(void **state)
{
	(void)state;
	assert_true(COUNT(time_cases) >= 25);
	run_cases("time", iso8601_parse_time, time_cases, COUNT(time_cases));
}

static void
test_duration_cases(void **state)
{
	(void)state;
	assert_true(COUNT(duration_cases) >= 15);
	run_cases("duration", iso8601_parse_duration, duration_cases, COUNT(duration_cases));
}

/* A message is cut to the buffer it is given, and always ends with a NUL. */
static void
test_small_error_buffer(void **state)
{
	char err[12];
	int64_t ms;

	(void)state;
	memset(err, 'x', sizeof err);
	assert_int_equal(iso8601_parse_time("2026-11-24T10:00:00", &ms, err, sizeof err), -1);
	assert_string_equal(err, "2026-11-24T");
	memset(err, 'x', sizeof err);
	assert_int_equal(iso8601_parse_duration("", &ms, err, sizeof err), -1);
	assert_string_equal(err, "empty durat");
	assert_int_equal(iso8601_parse_time("x", &ms, err, 1), -1);
	assert_string_equal(err, "");
	assert_int_equal(iso8601_parse_time("x", &ms, NULL, 0), -1);
	assert_int_equal(iso8601_parse_duration("x", &ms, NULL, 0), -1);
}

struct format_case {
	int64_t ms;
	const char *text;
};

static const struct format_case format_cases[] = {
	{ .ms = 0, .text = "1970-01-01T00:00:00Z" },
	{ .ms = 250, .text = "1970-01-01T00:00:00.250Z" },
	{ .ms = 1, .text = "1970-01-01T00:00:00.001Z" },
	{ .ms = INT64_C(1795514400000), .text = "2026-11-24T10:00:00Z" },
	{ .ms = INT64_C(1795510800250), .text = "2026-11-24T09:00:00.250Z" },
	{ .ms = INT64_C(1709208000000), .text = "2024-02-29T12:00:00Z" },
	{ .ms = -1, .text = "1969-12-31T23:59:59.999Z" },
	{ .ms = INT64_C(-86400000), .text = "1969-12-31T00:00:00Z" },
	{ .ms = INT64_C(253402300799999), .text = "9999-12-31T23:59:59.999Z" },
	{ .ms = INT64_C(253402300800000), .text = "+10000-01-01T00:00:00Z" },
	{ .ms = INT64_C(-62167219200000), .text = "0000-01-01T00:00:00Z" },
	{ .ms = INT64_C(-62167219200001), .text = "-0001-12-31T23:59:59.999Z" },
	/* The ends of int64_t, as java.time.Instant.ofEpochMilli writes them. */
	{ .ms = INT64_MAX, .text = "+292278994-08-17T07:12:55.807Z" },
	{ .ms = INT64_MIN, .text = "-292275055-05-16T16:47:04.192Z" },
};

static void
test_format(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(format_cases); i++) {
		char buf[ISO8601_TIME_SIZE];
		const char *text = iso8601_format_time(format_cases[i].ms, buf, sizeof buf);

		assert_ptr_equal(text, buf);
		if (strcmp(text, format_cases[i].text) != 0)
			fail_msg("%" PRId64 ": got %s, expected %s", format_cases[i].ms, text,
			         format_cases[i].text);
	}
}

/* A buffer too small gets what fits. */
static void
test_format_small_buffer(void **state)
{
	char buf[11];

	(void)state;
	assert_string_equal(iso8601_format_time(INT64_C(1795514400000), buf, sizeof buf),
	                    "2026-11-24");
}

/* Times from 1970 to 9999 as glibc's gmtime_r writes them parse to themselves, and
 * iso8601_format_time writes them the same way. */
static void
test_against_gmtime(void **state)
{
	uint64_t seed = 0x9e3779b97f4a7c15u;

	(void)state;
	for (int i = 0; i < 20000; i++) {
		char expected[80], text[32], buf[ISO8601_TIME_SIZE], err[ERR_SIZE];
		int64_t ms, parsed;
		time_t seconds;
		struct tm tm;

		seed = seed * 6364136223846793005u + 1442695040888963407u;
		ms = (int64_t)((seed >> 11) % UINT64_C(253402300800000));
		if (i % 3 == 0)
			ms -= ms % 1000;    /* whole seconds: written without a fraction */
		seconds = (time_t)(ms / 1000);
		assert_non_null(gmtime_r(&seconds, &tm));
		assert_true(strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm) > 0);
		if (ms % 1000 != 0)
			snprintf(expected, sizeof expected, "%s.%03dZ", text, (int)(ms % 1000));
		else
			snprintf(expected, sizeof expected, "%sZ", text);
		if (iso8601_parse_time(expected, &parsed, err, sizeof err) != 0)
			fail_msg("%s: %s", expected, err);
		if (parsed != ms)
			fail_msg("%s: %" PRId64 ", expected %" PRId64, expected, parsed, ms);
		if (strcmp(iso8601_format_time(ms, buf, sizeof buf), expected) != 0)
			fail_msg("%" PRId64 ": %s, expected %s", ms, buf, expected);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_cases),
		cmocka_unit_test(test_duration_cases),
		cmocka_unit_test(test_small_error_buffer),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_small_buffer),
		cmocka_unit_test(test_against_gmtime),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
