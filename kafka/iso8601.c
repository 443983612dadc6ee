/* iso8601: times and durations of offset resets, parsed strictly and by hand: the subset
 * is small, and strptime and timegm would bring the locale and the TZ variable in. */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "kfleet/iso8601.h"

#define ISO8601_MS_PER_MINUTE INT64_C(60000)
#define ISO8601_MS_PER_HOUR   INT64_C(3600000)
#define ISO8601_MS_PER_DAY    INT64_C(86400000)
/* The largest time zone offset, in minutes (java.time.ZoneOffset's too). */
#define ISO8601_MAX_OFFSET_MINUTES (18 * 60)
/* Digits of a fraction of a second: nanoseconds, as `date --iso-8601=ns` writes. */
#define ISO8601_MAX_FRACTION_DIGITS 9
/* How much of the text a message repeats. */
#define ISO8601_SHOWN 40

#define ISO8601_TIME_EXAMPLE "2026-11-24T10:00:00Z"
#define ISO8601_DURATION_EXAMPLE "PT30M"

static int iso8601_fail(char *err, size_t err_size, const char *text, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Write "TEXT: MESSAGE" into ERR (just MESSAGE when TEXT is NULL), TEXT cut to
 * ISO8601_SHOWN bytes. Returns -1. */
static int
iso8601_fail(char *err, size_t err_size, const char *text, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (err == NULL || err_size == 0)
		return -1;
	if (text != NULL) {
		size_t len = strlen(text);

		n = len > ISO8601_SHOWN
		    ? snprintf(err, err_size, "%.*s...: ", ISO8601_SHOWN, text)
		    : snprintf(err, err_size, "%s: ", text);
		if (n < 0 || (size_t)n >= err_size)
			return -1;
	}
	va_start(ap, fmt);
	vsnprintf(err + n, err_size - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

/* Check TEXT before it is parsed or repeated in a message: not empty, printable ASCII
 * only (which also catches a Unicode minus or a no-break space pasted from a document).
 * WHAT is "time" or "duration". Returns 0, or -1 after iso8601_fail. */
static int
iso8601_check_text(const char *text, const char *what, const char *example, char *err,
                   size_t err_size)
{
	if (text[0] == '\0')
		return iso8601_fail(err, err_size, NULL, "empty %s; write e.g. %s", what, example);
	for (size_t i = 0; text[i] != '\0'; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c < 0x20 || c > 0x7e)
			return iso8601_fail(err, err_size, NULL, "the %s has a byte 0x%02x at "
			                    "position %zu that is not printable ASCII; write e.g. %s",
			                    what, c, i + 1, example);
	}
	return 0;
}

static bool
iso8601_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Read exactly COUNT digits at TEXT into *VALUE. Returns whether they are there. */
static bool
iso8601_digits(const char *text, int count, int *value)
{
	*value = 0;
	for (int i = 0; i < count; i++) {
		if (!iso8601_is_digit(text[i]))
			return false;
		*value = *value * 10 + (text[i] - '0');
	}
	return true;
}

/* Read a fraction of a second after the `.` or `,` at *P, moving *P past it; *MS gets
 * its milliseconds (further digits are dropped). Returns 0, or -1 after iso8601_fail. */
static int
iso8601_fraction(const char *text, const char **p, int64_t *ms, const char *example,
                 char *err, size_t err_size)
{
	const char *digits = *p + 1;
	size_t count = 0;

	while (iso8601_is_digit(digits[count]))
		count++;
	if (count == 0)
		return iso8601_fail(err, err_size, text, "no digits after `%c`; write e.g. %s",
		                    **p, example);
	if (count > ISO8601_MAX_FRACTION_DIGITS)
		return iso8601_fail(err, err_size, text, "more than %d digits after `%c`; write "
		                    "at most 3 (milliseconds), e.g. %s",
		                    ISO8601_MAX_FRACTION_DIGITS, **p, example);
	*ms = 0;
	for (size_t i = 0; i < 3; i++)
		*ms = *ms * 10 + (i < count ? digits[i] - '0' : 0);
	*p = digits + count;
	return 0;
}

static bool
iso8601_is_leap_year(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int
iso8601_days_in_month(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return month == 2 && iso8601_is_leap_year(year) ? 29 : days[month - 1];
}

/* Days from 1970-01-01 to YEAR-MONTH-DAY of the proleptic Gregorian calendar (Howard
 * Hinnant's days_from_civil). */
static int64_t
iso8601_days_from_civil(int64_t year, int month, int day)
{
	int64_t era;
	int64_t year_of_era, day_of_year, day_of_era;

	year -= month <= 2;
	era = (year >= 0 ? year : year - 399) / 400;
	year_of_era = year - era * 400;
	day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
	day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
	return era * 146097 + day_of_era - 719468;
}

/* The date DAYS after 1970-01-01 (Hinnant's civil_from_days). */
static void
iso8601_civil_from_days(int64_t days, int64_t *year, int *month, int *day)
{
	int64_t era, day_of_era, year_of_era, day_of_year, month_index;

	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	day_of_era = days - era * 146097;
	year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 -
	               day_of_era / 146096) / 365;
	day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
	month_index = (5 * day_of_year + 2) / 153;
	*day = (int)(day_of_year - (153 * month_index + 2) / 5 + 1);
	*month = (int)(month_index < 10 ? month_index + 3 : month_index - 9);
	*year = year_of_era + era * 400 + (*month <= 2);
}

/* Read the zone at *P: Z, +HH:MM or +HHMM (or -), into *OFFSET_MINUTES east of UTC, moving
 * *P past it. Returns 0, or -1 after iso8601_fail. */
static int
iso8601_zone(const char *text, const char **p, int *offset_minutes, char *err,
             size_t err_size)
{
	const char *zone = *p;
	int hours, minutes, length;

	if (*zone == 'Z' || *zone == 'z') {
		*offset_minutes = 0;
		*p = zone + 1;
		return 0;
	}
	if (*zone == '\0')
		return iso8601_fail(err, err_size, text, "no time zone; add Z (UTC) or an offset "
		                    "like +01:00");
	if ((*zone == '+' || *zone == '-') && iso8601_digits(zone + 1, 2, &hours) &&
	    zone[3] == ':' && iso8601_digits(zone + 4, 2, &minutes))
		length = 6;
	else if ((*zone == '+' || *zone == '-') && iso8601_digits(zone + 1, 2, &hours) &&
	         iso8601_digits(zone + 3, 2, &minutes))
		length = 5;
	else
		return iso8601_fail(err, err_size, text, "bad time zone `%.8s`; write Z (UTC) or "
		                    "an offset like +01:00 or +0100", zone);
	if (minutes > 59)
		return iso8601_fail(err, err_size, text, "offset %.*s has minute %d; write 00 to 59",
		                    length, zone, minutes);
	if (hours * 60 + minutes > ISO8601_MAX_OFFSET_MINUTES)
		return iso8601_fail(err, err_size, text, "offset %.*s is more than 18 hours; "
		                    "write -18:00 to +18:00", length, zone);
	*offset_minutes = (*zone == '-' ? -1 : 1) * (hours * 60 + minutes);
	*p = zone + length;
	return 0;
}

int
iso8601_parse_time(const char *text, int64_t *ms, char *err, size_t err_size)
{
	int year, month, day, hour, minute, second = 0, offset_minutes = 0;
	int64_t fraction_ms = 0, result;
	bool has_seconds = false;
	const char *p = text;

	if (iso8601_check_text(text, "time", ISO8601_TIME_EXAMPLE, err, err_size) < 0)
		return -1;
	if (!iso8601_digits(p, 4, &year) || p[4] != '-' || !iso8601_digits(p + 5, 2, &month) ||
	    p[7] != '-' || !iso8601_digits(p + 8, 2, &day) || iso8601_is_digit(p[10]))
		return iso8601_fail(err, err_size, text, "bad date; write YYYY-MM-DD and a time, "
		                    "e.g. " ISO8601_TIME_EXAMPLE);
	if (month < 1 || month > 12)
		return iso8601_fail(err, err_size, text, "there is no month %02d; write 01 to 12",
		                    month);
	if (day < 1 || day > iso8601_days_in_month(year, month))
		return iso8601_fail(err, err_size, text, "%04d-%02d has no day %02d; write 01 to "
		                    "%02d", year, month, day, iso8601_days_in_month(year, month));
	p += 10;
	if (*p == '\0')
		return iso8601_fail(err, err_size, text, "no time of day; add one and a zone, "
		                    "e.g. %.10sT00:00:00Z", text);
	if (*p != 'T' && *p != 't' && *p != ' ')
		return iso8601_fail(err, err_size, text, "expected T or a space after the date; "
		                    "write e.g. " ISO8601_TIME_EXAMPLE);
	p++;
	if (!iso8601_digits(p, 2, &hour) || p[2] != ':' || !iso8601_digits(p + 3, 2, &minute))
		return iso8601_fail(err, err_size, text, "bad time of day; write HH:MM or "
		                    "HH:MM:SS, e.g. " ISO8601_TIME_EXAMPLE);
	p += 5;
	if (*p == ':') {
		if (!iso8601_digits(p + 1, 2, &second))
			return iso8601_fail(err, err_size, text, "bad seconds; write two digits, "
			                    "e.g. " ISO8601_TIME_EXAMPLE);
		has_seconds = true;
		p += 3;
	}
	if (iso8601_is_digit(*p))
		return iso8601_fail(err, err_size, text, "bad time of day; write HH:MM or "
		                    "HH:MM:SS, e.g. " ISO8601_TIME_EXAMPLE);
	if (hour == 24)
		return iso8601_fail(err, err_size, text, "there is no hour 24; write 00 to 23 "
		                    "(24:00 is 00:00 of the next day)");
	if (hour > 23)
		return iso8601_fail(err, err_size, text, "there is no hour %02d; write 00 to 23",
		                    hour);
	if (minute > 59)
		return iso8601_fail(err, err_size, text, "there is no minute %02d; write 00 to 59",
		                    minute);
	if (second == 60)
		return iso8601_fail(err, err_size, text, "second 60 is a leap second, which Unix "
		                    "time and Kafka timestamps do not count; write 00 to 59");
	if (second > 59)
		return iso8601_fail(err, err_size, text, "there is no second %02d; write 00 to 59",
		                    second);
	if (*p == '.' || *p == ',') {
		if (!has_seconds)
			return iso8601_fail(err, err_size, text, "a fraction needs seconds; write "
			                    "HH:MM:SS.fff, e.g. 2026-11-24T10:00:00.250Z");
		if (iso8601_fraction(text, &p, &fraction_ms, "2026-11-24T10:00:00.250Z", err,
		                     err_size) < 0)
			return -1;
	}
	if (iso8601_zone(text, &p, &offset_minutes, err, err_size) < 0)
		return -1;
	if (*p != '\0')
		return iso8601_fail(err, err_size, text, "text after the time zone: `%.16s`; "
		                    "remove it", p);
	/* Years have four digits, so none of this overflows. */
	result = iso8601_days_from_civil(year, month, day) * ISO8601_MS_PER_DAY +
	         hour * ISO8601_MS_PER_HOUR + minute * ISO8601_MS_PER_MINUTE + second * 1000 +
	         fraction_ms - offset_minutes * ISO8601_MS_PER_MINUTE;
	if (result < 0)
		return iso8601_fail(err, err_size, text, "before 1970-01-01T00:00:00Z, where Kafka "
		                    "timestamps begin; write a later time");
	*ms = result;
	return 0;
}

/* The parts of a duration, in the order they must come. */
enum iso8601_unit {
	ISO8601_DAYS = 1,
	ISO8601_HOURS,
	ISO8601_MINUTES,
	ISO8601_SECONDS,
};

static const int64_t iso8601_unit_ms[] = {
	[ISO8601_DAYS] = ISO8601_MS_PER_DAY,
	[ISO8601_HOURS] = ISO8601_MS_PER_HOUR,
	[ISO8601_MINUTES] = ISO8601_MS_PER_MINUTE,
	[ISO8601_SECONDS] = 1000,
};

/* Add COUNT units of UNIT_MS and FRACTION_MS to *TOTAL. Returns 0, or -1 when the sum
 * overflows. */
static int
iso8601_add(int64_t *total, uint64_t count, int64_t fraction_ms, int64_t unit_ms)
{
	int64_t part;

	if (count > (uint64_t)((INT64_MAX - fraction_ms) / unit_ms))
		return -1;
	part = (int64_t)count * unit_ms + fraction_ms;
	if (*total > INT64_MAX - part)
		return -1;
	*total += part;
	return 0;
}

/* The unit LETTER after the whole number NUMBER (NUMBER_LENGTH digits) names, or 0 with
 * the reason in ERR when it is not one allowed where it stands. */
static enum iso8601_unit
iso8601_duration_unit(const char *text, const char *number, int number_length, char letter,
                      bool in_time, char *err, size_t err_size)
{
	switch (letter) {
	case 'D':
		if (in_time)
			break;
		return ISO8601_DAYS;
	case 'H':
		if (in_time)
			return ISO8601_HOURS;
		break;
	case 'M':
		if (in_time)
			return ISO8601_MINUTES;
		iso8601_fail(err, err_size, text, "months have no fixed length; write days, "
		             "e.g. P30D (or PT%.*sM for minutes)", number_length, number);
		return 0;
	case 'S':
		if (in_time)
			return ISO8601_SECONDS;
		break;
	case 'Y':
		iso8601_fail(err, err_size, text, "years have no fixed length; write days, "
		             "e.g. P365D");
		return 0;
	case '\0':
		iso8601_fail(err, err_size, text, "`%.*s` has no unit; end it with D or W, or "
		             "after T with H, M or S", number_length, number);
		return 0;
	default:
		iso8601_fail(err, err_size, text, "unknown unit `%c`; write D or W, or after T: "
		             "H, M or S", letter);
		return 0;
	}
	if (letter == 'D')
		iso8601_fail(err, err_size, text, "days come before T; write e.g. P1DT2H");
	else
		iso8601_fail(err, err_size, text, "hours, minutes and seconds come after T; "
		             "write e.g. PT2H or P1DT2H");
	return 0;
}

static char
iso8601_upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

/* Parse the P2W form: COUNT weeks must be all there is. */
static int
iso8601_weeks(const char *text, const char *after, bool alone, uint64_t count,
              bool has_fraction, int64_t *ms, char *err, size_t err_size)
{
	int64_t total = 0;

	if (!alone || *after != '\0')
		return iso8601_fail(err, err_size, text, "weeks go alone; write P2W, or days "
		                    "instead, e.g. P14DT2H");
	if (has_fraction)
		return iso8601_fail(err, err_size, text, "only seconds take a fraction; write "
		                    "e.g. P10D, not P1.5W");
	if (iso8601_add(&total, count, 0, 7 * ISO8601_MS_PER_DAY) < 0)
		return iso8601_fail(err, err_size, text, "too long to count in milliseconds; "
		                    "write a shorter duration");
	*ms = total;
	return 0;
}

int
iso8601_parse_duration(const char *text, int64_t *ms, char *err, size_t err_size)
{
	enum iso8601_unit last = 0;
	bool in_time = false;
	int64_t total = 0;
	const char *p = text;

	if (iso8601_check_text(text, "duration", ISO8601_DURATION_EXAMPLE, err, err_size) < 0)
		return -1;
	if (*p == '-' || *p == '+')
		return iso8601_fail(err, err_size, text, "a duration has no sign; write how far "
		                    "back as e.g. " ISO8601_DURATION_EXAMPLE);
	if (iso8601_upper(*p) != 'P')
		return iso8601_fail(err, err_size, text, "a duration starts with P; write e.g. "
		                    "PT30M (30 minutes), PT2H or P1D");
	if (*++p == '\0')
		return iso8601_fail(err, err_size, text, "nothing after P; write e.g. "
		                    ISO8601_DURATION_EXAMPLE);
	while (*p != '\0') {
		const char *number = p, *number_end;
		uint64_t count = 0;
		int64_t fraction_ms = 0;
		bool has_fraction, too_long = false;
		enum iso8601_unit unit;

		if (iso8601_upper(*p) == 'T') {
			if (in_time)
				return iso8601_fail(err, err_size, text, "a second T; write one T "
				                    "before the hours, minutes and seconds");
			in_time = true;
			if (*++p == '\0')
				return iso8601_fail(err, err_size, text, "nothing after T; write e.g. "
				                    ISO8601_DURATION_EXAMPLE);
			continue;
		}
		if (*p == '-' || *p == '+')
			return iso8601_fail(err, err_size, text, "a duration has no sign; write how "
			                    "far back as e.g. " ISO8601_DURATION_EXAMPLE);
		if (!iso8601_is_digit(*p))
			return iso8601_fail(err, err_size, text, "expected a number at `%.8s`; write "
			                    "e.g. PT30M, P1DT2H or PT0.5S", p);
		for (; iso8601_is_digit(*p); p++) {
			if (count > (UINT64_MAX - 9) / 10)
				too_long = true;
			else
				count = count * 10 + (uint64_t)(*p - '0');
		}
		number_end = p;
		has_fraction = *p == '.' || *p == ',';
		if (has_fraction && iso8601_fraction(text, &p, &fraction_ms, "PT0.5S", err,
		                                     err_size) < 0)
			return -1;
		if (iso8601_upper(*p) == 'W')
			return iso8601_weeks(text, p + 1, number == text + 1, too_long ? UINT64_MAX :
			                     count, has_fraction, ms, err, err_size);
		unit = iso8601_duration_unit(text, number, (int)(number_end - number),
		                             iso8601_upper(*p), in_time, err, err_size);
		if (unit == 0)
			return -1;
		if (has_fraction && unit != ISO8601_SECONDS)
			return iso8601_fail(err, err_size, text, "only seconds take a fraction; "
			                    "write e.g. PT1H30M, not PT1.5H");
		if (unit <= last)
			return iso8601_fail(err, err_size, text, "units out of order or repeated; "
			                    "write each once, in the order D, T, H, M, S");
		last = unit;
		if (too_long || iso8601_add(&total, count, fraction_ms, iso8601_unit_ms[unit]) < 0)
			return iso8601_fail(err, err_size, text, "too long to count in milliseconds; "
			                    "write a shorter duration");
		p++;
	}
	*ms = total;
	return 0;
}

const char *
iso8601_format_time(int64_t ms, char *buf, size_t size)
{
	int64_t ms_of_day = ms % ISO8601_MS_PER_DAY, days = ms / ISO8601_MS_PER_DAY, year;
	char year_text[24], fraction[8] = "";
	int month, day;

	if (ms_of_day < 0) {
		ms_of_day += ISO8601_MS_PER_DAY;
		days--;
	}
	iso8601_civil_from_days(days, &year, &month, &day);
	if (year > 9999)
		snprintf(year_text, sizeof year_text, "+%" PRId64, year);
	else if (year < 0)
		snprintf(year_text, sizeof year_text, "-%04" PRId64, -year);
	else
		snprintf(year_text, sizeof year_text, "%04" PRId64, year);
	if (ms_of_day % 1000 != 0)
		snprintf(fraction, sizeof fraction, ".%03d", (int)(ms_of_day % 1000));
	snprintf(buf, size, "%s-%02d-%02dT%02d:%02d:%02d%sZ", year_text, month, day,
	         (int)(ms_of_day / ISO8601_MS_PER_HOUR),
	         (int)(ms_of_day / ISO8601_MS_PER_MINUTE % 60), (int)(ms_of_day / 1000 % 60),
	         fraction);
	return buf;
}
