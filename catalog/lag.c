/* lag: time lag and group status from lag history (see kfleet/lag.h). */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "kfleet/lag.h"

static const char *const lag_status_names[LAG_STATUS_COUNT] = {
	[LAG_STATUS_UNKNOWN] = NULL,
	[LAG_STATUS_OK] = "OK",
	[LAG_STATUS_WARNING] = "WARNING",
	[LAG_STATUS_REWIND] = "REWIND",
	[LAG_STATUS_STALLED] = "STALLED",
	[LAG_STATUS_STOPPED] = "STOPPED",
};

/* Burrow's ERROR: the statuses an SRE is paged for. */
#define LAG_ERROR_MASK ((1u << LAG_STATUS_REWIND) | (1u << LAG_STATUS_STALLED) | \
                        (1u << LAG_STATUS_STOPPED))

const char *
lag_status_name(enum lag_status status)
{
	return (unsigned)status < LAG_STATUS_COUNT ? lag_status_names[status] : NULL;
}

int
lag_status_parse(const char *name)
{
	for (int status = 0; status < LAG_STATUS_COUNT; status++)
		if (lag_status_names[status] != NULL && strcasecmp(name, lag_status_names[status]) == 0)
			return status;
	return -1;
}

int
lag_status_parse_threshold(const char *name)
{
	if (strcasecmp(name, "ERROR") == 0)
		return LAG_STATUS_REWIND;
	return lag_status_parse(name);
}

int
lag_status_parse_set(const char *list, unsigned *mask, char *bad, size_t bad_size)
{
	const char *item = list;

	*mask = 0;
	for (;;) {
		size_t length = strcspn(item, ",");
		char name[32];
		int status;

		if (length == 0 || length >= sizeof name) {
			snprintf(bad, bad_size, "%.*s", (int)length, item);
			return -1;
		}
		memcpy(name, item, length);
		name[length] = '\0';
		if (strcasecmp(name, "ERROR") == 0) {
			*mask |= LAG_ERROR_MASK;
		} else if ((status = lag_status_parse(name)) >= 0) {
			*mask |= 1u << status;
		} else {
			snprintf(bad, bad_size, "%s", name);
			return -1;
		}
		if (item[length] == '\0')
			return 0;
		item += length + 1;
	}
}

/* ---------------------------------------------------------------- time lag */

/* The age at NOW_MS, rounded to the millisecond, of a message produced AFTER_POINT_MS
 * after POINT_MS (before it when negative); never negative, at most INT64_MAX.
 * AFTER_POINT_MS is long double because offsets up to 2^62 times spans of days do not
 * fit in 64 bits. */
static int64_t
lag_age(int64_t now_ms, int64_t point_ms, long double after_point_ms)
{
	long double age = (long double)(now_ms - point_ms) - after_point_ms + 0.5L;

	if (age < 1)
		return 0;
	if (age >= (long double)INT64_MAX)
		return INT64_MAX;
	return (int64_t)age;
}

/* PART / WHOLE of SPAN_MS: where in a span the PART-th of WHOLE evenly spaced messages was
 * produced. */
static long double
lag_share(int64_t part, int64_t whole, int64_t span_ms)
{
	return (long double)part * span_ms / whole;
}

struct lag_time
lag_time_lag(const struct lag_point *history, size_t count, int64_t committed, int64_t now_ms)
{
	struct lag_time lag = { .known = count > 0 };
	const struct lag_point *oldest, *newest;
	size_t after;

	if (count == 0)
		return lag;
	oldest = &history[0];
	newest = &history[count - 1];
	if (committed >= newest->log_end_offset)
		return lag;

	/* The first point whose log end is past COMMITTED, looked for from the newest back
	 * because a consumer is usually near the head. */
	for (after = count - 1; after > 0 && history[after - 1].log_end_offset > committed; after--)
		;
	if (after > 0) {
		const struct lag_point *from = &history[after - 1], *to = &history[after];

		/* A log end L at t means offsets below L existed at t: COMMITTED is message
		 * number COMMITTED - L0 + 1 of the L1 - L0 produced after FROM, the last of
		 * them at TO. */
		lag.ms = lag_age(now_ms, from->at_ms,
		                 lag_share(committed - from->log_end_offset + 1,
		                           to->log_end_offset - from->log_end_offset,
		                           to->at_ms - from->at_ms));
		return lag;
	}

	lag.estimated = true;
	if (newest->log_end_offset > oldest->log_end_offset && newest->at_ms > oldest->at_ms) {
		/* The spacing of the interpolation, backwards: the message at the oldest log
		 * end - 1 was produced at the oldest point, and each one before it a message's
		 * time at the mean rate earlier. */
		lag.ms = lag_age(now_ms, oldest->at_ms,
		                 -lag_share(oldest->log_end_offset - committed - 1,
		                            newest->log_end_offset - oldest->log_end_offset,
		                            newest->at_ms - oldest->at_ms));
	} else {
		lag.ms = lag_age(now_ms, oldest->at_ms, 0);
	}
	return lag;
}

/* ---------------------------------------------------------------- formats */

const char *
lag_format_count(int64_t count, char *buf, size_t size)
{
	/* Unsigned, so that INT64_MIN has a magnitude too. */
	uint64_t magnitude = count < 0 ? -(uint64_t)count : (uint64_t)count;
	char text[LAG_COUNT_SIZE], *start = text + sizeof text;
	int digits = 0;

	*--start = '\0';
	do {
		if (digits > 0 && digits % 3 == 0)
			*--start = ',';
		*--start = (char)('0' + magnitude % 10);
		magnitude /= 10;
		digits++;
	} while (magnitude > 0);
	if (count < 0)
		*--start = '-';
	snprintf(buf, size, "%s", start);
	return buf;
}

/* The units of durations, largest first: a duration shows its largest unit and the next
 * one when that is not zero. */
static const struct lag_duration_unit {
	int64_t ms;
	char suffix;
} lag_duration_units[] = {
	{ .ms = 24 * 60 * 60 * 1000, .suffix = 'd' },
	{ .ms = 60 * 60 * 1000, .suffix = 'h' },
	{ .ms = 60 * 1000, .suffix = 'm' },
	{ .ms = 1000, .suffix = 's' },
};

#define LAG_DURATION_UNIT_COUNT (sizeof lag_duration_units / sizeof lag_duration_units[0])

const char *
lag_format_duration(int64_t ms, char *buf, size_t size)
{
	for (size_t i = 0; i + 1 < LAG_DURATION_UNIT_COUNT; i++) {
		const struct lag_duration_unit *unit = &lag_duration_units[i], *next = unit + 1;
		int64_t rest;

		if (ms < unit->ms)
			continue;
		rest = ms % unit->ms / next->ms;
		if (rest > 0)
			snprintf(buf, size, "%" PRId64 "%c%" PRId64 "%c", ms / unit->ms,
			         unit->suffix, rest, next->suffix);
		else
			snprintf(buf, size, "%" PRId64 "%c", ms / unit->ms, unit->suffix);
		return buf;
	}
	/* Seconds, the smallest unit, alone; under a second (or negative) is 0s. */
	snprintf(buf, size, "%" PRId64 "s", ms > 0 ? ms / 1000 : 0);
	return buf;
}
