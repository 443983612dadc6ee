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
	} else if (now_ms <= oldest->at_ms) {
		/* Nothing but the present: no history says anything of the message's age. */
		lag = (struct lag_time){ .known = false };
	} else {
		lag.ms = lag_age(now_ms, oldest->at_ms, 0);
	}
	return lag;
}

/* ---------------------------------------------------------------- status */

/* What the rules look at, gathered in one pass over a window of at least two samples. */
struct lag_window_facts {
	const struct lag_sample *oldest, *newest;
	const struct lag_sample *rewind;        /* the newest sample whose committed offset is
	                                         * below the one before it, or NULL */
	const struct lag_sample *caught_up;     /* the newest sample with lag 0, or NULL */
	bool committed_unchanged;
	bool lag_never_decreased;
};

/* A sample's lag, at least 0: a committed offset read after the log end can be past it. */
static int64_t
lag_of(const struct lag_sample *sample)
{
	return sample->log_end_offset > sample->committed_offset
	       ? sample->log_end_offset - sample->committed_offset : 0;
}

static struct lag_window_facts
lag_window_facts(const struct lag_sample *window, size_t count)
{
	struct lag_window_facts facts = {
		.oldest = &window[0], .newest = &window[count - 1],
		.caught_up = lag_of(&window[0]) == 0 ? &window[0] : NULL,
		.committed_unchanged = true, .lag_never_decreased = true,
	};

	for (size_t i = 1; i < count; i++) {
		const struct lag_sample *sample = &window[i], *before = &window[i - 1];

		if (lag_of(sample) == 0)
			facts.caught_up = sample;
		/* A log end that went down too means the partition was recreated or truncated:
		 * the group's offset followed it, which is not the group's doing. */
		if (sample->committed_offset < before->committed_offset &&
		    sample->log_end_offset >= before->log_end_offset)
			facts.rewind = sample;
		if (sample->committed_offset != before->committed_offset)
			facts.committed_unchanged = false;
		if (lag_of(sample) < lag_of(before))
			facts.lag_never_decreased = false;
	}
	return facts;
}

enum lag_status
lag_partition_status(const struct lag_sample *window, size_t count,
                     const struct lag_partition_context *context,
                     const struct lag_policy *policy, char *reason)
{
	size_t limit = policy->window > 0 ? policy->window : LAG_POLICY_DEFAULT_WINDOW;
	int64_t stopped_after_ms = policy->stopped_after_ms > 0 ? policy->stopped_after_ms
	                           : LAG_POLICY_DEFAULT_STOPPED_AFTER_MS;
	struct lag_window_facts facts;
	int64_t committed_since_ms, log_end_at_commit;
	char lag[LAG_COUNT_SIZE], stuck_for[LAG_DURATION_SIZE];

	if (count > limit) {
		window += count - limit;
		count = limit;
	}
	if (count == 0) {
		snprintf(reason, LAG_REASON_SIZE, "no samples");
		return LAG_STATUS_UNKNOWN;
	}
	if (lag_of(&window[count - 1]) == 0) {
		snprintf(reason, LAG_REASON_SIZE, "caught up");
		return LAG_STATUS_OK;
	}
	lag_format_count(lag_of(&window[count - 1]), lag, sizeof lag);
	if (count == 1) {
		snprintf(reason, LAG_REASON_SIZE, "lag %s, one sample: not enough to judge", lag);
		return LAG_STATUS_UNKNOWN;
	}

	facts = lag_window_facts(window, count);
	if (facts.rewind != NULL) {
		char from[LAG_COUNT_SIZE], to[LAG_COUNT_SIZE];

		lag_format_count(facts.rewind[-1].committed_offset, from, sizeof from);
		lag_format_count(facts.rewind->committed_offset, to, sizeof to);
		snprintf(reason, LAG_REASON_SIZE, "committed offset went back from %s to %s", from,
		         to);
		return LAG_STATUS_REWIND;
	}
	if (facts.caught_up != NULL) {
		char ago[LAG_DURATION_SIZE];

		lag_format_duration(context->now_ms - facts.caught_up->at_ms, ago, sizeof ago);
		snprintf(reason, LAG_REASON_SIZE, "lag %s, caught up %s ago", lag, ago);
		return LAG_STATUS_OK;
	}

	/* When the caller does not know since when, the window itself shows the offset
	 * unchanged since its oldest sample. */
	committed_since_ms = context->committed_since_ms >= 0 ? context->committed_since_ms
	                     : facts.oldest->at_ms;
	log_end_at_commit = context->log_end_at_commit >= 0 ? context->log_end_at_commit
	                    : facts.oldest->log_end_offset;
	lag_format_duration(context->now_ms - committed_since_ms, stuck_for, sizeof stuck_for);
	if (facts.committed_unchanged && context->has_members && count == limit) {
		char committed[LAG_COUNT_SIZE];

		lag_format_count(facts.newest->committed_offset, committed, sizeof committed);
		snprintf(reason, LAG_REASON_SIZE, "committed offset stuck at %s for %s with lag %s",
		         committed, stuck_for, lag);
		return LAG_STATUS_STALLED;
	}
	if (facts.committed_unchanged && context->now_ms - committed_since_ms >= stopped_after_ms &&
	    facts.newest->log_end_offset > log_end_at_commit) {
		char arrived[LAG_COUNT_SIZE];

		lag_format_count(facts.newest->log_end_offset - log_end_at_commit, arrived,
		                 sizeof arrived);
		snprintf(reason, LAG_REASON_SIZE,
		         "no member and no commit for %s while %s messages arrived", stuck_for,
		         arrived);
		return LAG_STATUS_STOPPED;
	}

	if (count < limit && (facts.committed_unchanged || (facts.lag_never_decreased &&
	                                                    lag_of(facts.newest) > lag_of(facts.oldest)))) {
		/* Stalled or growing so far, but a window is what a verdict needs: a consumer
		 * that commits every few cycles is not stalled. */
		snprintf(reason, LAG_REASON_SIZE, "lag %s, %zu of %zu samples so far", lag, count,
		         limit);
		return LAG_STATUS_UNKNOWN;
	}
	if (facts.lag_never_decreased && lag_of(facts.newest) > lag_of(facts.oldest)) {
		char from[LAG_COUNT_SIZE], over[LAG_DURATION_SIZE];

		lag_format_count(lag_of(facts.oldest), from, sizeof from);
		lag_format_duration(facts.newest->at_ms - facts.oldest->at_ms, over, sizeof over);
		snprintf(reason, LAG_REASON_SIZE, "lag grew from %s to %s over %s%s", from, lag,
		         over, context->has_members ? "" : " with no member");
		return LAG_STATUS_WARNING;
	}
	/* Unchanged here means no member (members would be STALLED) and nothing new since
	 * the commit, or not for long enough to call it stopped. */
	if (facts.committed_unchanged)
		snprintf(reason, LAG_REASON_SIZE, "lag %s, no member and no commit for %s", lag,
		         stuck_for);
	else
		snprintf(reason, LAG_REASON_SIZE, "lag %s, consuming", lag);
	return LAG_STATUS_OK;
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

/* ---------------------------------------------------------------- sparkline */

/* Glyphs by level, lowest first: level 0 is lag 0 only, so a caught-up group draws a
 * flat floor and any lag at all stands above it. The blocks are U+2581..U+2588 as UTF-8
 * bytes, whatever the compiler's execution character set. */
static const char *const lag_spark_blocks[LAG_SPARK_LEVELS] = {
	"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
	"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88",
};
static const char lag_spark_ascii[LAG_SPARK_LEVELS + 1] = "_.:-=+*#";

/* The level (1 to LAG_SPARK_LEVELS - 1) of VALUE, 0 < VALUE <= MAX: rounded up, so only
 * the largest values reach the top and the smallest still show. */
static int
lag_spark_level(int64_t value, int64_t max)
{
	const int64_t steps = LAG_SPARK_LEVELS - 1;
	int64_t level;

	/* Lags beyond 2^59 lose their low bits rather than overflow value * steps. */
	while (max > INT64_MAX / steps) {
		value >>= 3;
		max >>= 3;
	}
	level = (value * steps + max - 1) / max;
	return level < 1 ? 1 : (int)level;
}

/* Where the CELL-th of CELLS buckets of COUNT values starts; computed so that no
 * product exceeds COUNT or CELLS squared. */
static size_t
lag_spark_bucket(size_t cell, size_t count, size_t cells)
{
	return cell * (count / cells) + cell * (count % cells) / cells;
}

size_t
lag_sparkline(const int64_t *values, size_t count, size_t width, bool unicode, char *out,
              size_t out_size)
{
	size_t cells = count < width ? count : width;
	size_t used = 0, written = 0;
	int64_t max = 0;

	if (out_size == 0)
		return 0;
	for (size_t i = 0; i < count; i++)
		if (values[i] > max)
			max = values[i];
	for (; written < cells; written++) {
		size_t first = lag_spark_bucket(written, count, cells);
		size_t last = lag_spark_bucket(written + 1, count, cells);
		const char *glyph;
		size_t length;
		int64_t peak = 0;

		for (size_t i = first; i < last; i++)
			if (values[i] > peak)
				peak = values[i];
		glyph = unicode ? lag_spark_blocks[peak > 0 ? lag_spark_level(peak, max) : 0]
		                : &lag_spark_ascii[peak > 0 ? lag_spark_level(peak, max) : 0];
		length = unicode ? strlen(glyph) : 1;
		if (used + length >= out_size)
			break;                      /* what fits, whole cells only */
		memcpy(out + used, glyph, length);
		used += length;
	}
	out[used] = '\0';
	return written;
}
