/* libFuzzer target for the ISO 8601 times and durations of offset resets: any text is
 * either accepted, as a time from 1970 on that formats and parses back to itself or as a
 * duration of 0 or more, or refused with one line that fits the buffer it is given; and
 * any int64_t formats within ISO8601_TIME_SIZE. */
/* fuzz-sources: kafka/iso8601.c */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kfleet/iso8601.h"

/* 9999-12-31T23:59:59.999Z: the last time a formatted one parses back from. */
#define FUZZ_LAST_FOUR_DIGIT_YEAR INT64_C(253402300799999)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef int parse_fn(const char *text, int64_t *ms, char *err, size_t err_size);

/* Parse TEXT with PARSE into a large buffer, then into one of SMALL bytes (none when 0):
 * both give the same answer, a message of one line, and the second the first cut to fit.
 * Returns the answer and *MS. */
static int
parse_twice(parse_fn *parse, const char *text, size_t small, int64_t *ms)
{
	char err[512] = "", cut[64];
	int64_t again = -1;
	int rc = parse(text, ms, err, sizeof err);
	size_t len = strnlen(err, sizeof err);

	if ((rc != 0 && rc != -1) || len == sizeof err ||
	    (rc == -1 && (len == 0 || strchr(err, '\n') != NULL)))
		abort();
	if (small > 0) {
		size_t cut_len = len < small - 1 ? len : small - 1;

		memset(cut, 'x', sizeof cut);
		if (parse(text, &again, cut, small) != rc)
			abort();
		if (rc == 0 && again != *ms)
			abort();
		if (rc == -1 && (strnlen(cut, small) != cut_len || memcmp(cut, err, cut_len) != 0))
			abort();
	}
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), buf[ISO8601_TIME_SIZE];
	size_t small = size > 0 ? data[0] % 64 : 0;
	int64_t ms, value = 0;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	if (parse_twice(iso8601_parse_time, text, small, &ms) == 0) {
		if (ms < 0 || ms > FUZZ_LAST_FOUR_DIGIT_YEAR + INT64_C(18) * 3600 * 1000)
			abort();
		if (ms <= FUZZ_LAST_FOUR_DIGIT_YEAR) {
			char err[256];
			int64_t again;

			if (iso8601_parse_time(iso8601_format_time(ms, buf, sizeof buf), &again, err,
			                       sizeof err) != 0 || again != ms)
				abort();
		}
	}
	if (parse_twice(iso8601_parse_duration, text, small, &ms) == 0 && ms < 0)
		abort();

	/* The first bytes as a time in milliseconds, whatever its sign and size. */
	memcpy(&value, data, size < sizeof value ? size : sizeof value);
	if (strlen(iso8601_format_time(value, buf, sizeof buf)) >= sizeof buf - 1)
		abort();
	free(text);
	return 0;
}
