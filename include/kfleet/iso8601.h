/* iso8601: the times and durations of offset resets (`--to-datetime`, `--by-duration`),
 * parsed strictly: a time must carry its zone, since a reset at the wrong hour replays or
 * skips an hour of data. Pure functions, no time zone database, no locale. */
#ifndef KFLEET_ISO8601_H
#define KFLEET_ISO8601_H

#include <stddef.h>
#include <stdint.h>

/* Parse an ISO 8601 date and time with a zone, e.g. 2026-11-24T10:00:00Z,
 * 2026-11-24T10:00:00.250+01:00, 2026-11-24T10:00Z, 2026-11-24 10:00:00Z (space allowed for T),
 * into milliseconds since the Unix epoch (UTC). Returns 0, or -1 with a one-line message in
 * ERR (ERR_SIZE bytes) naming what is wrong and what to write, e.g.
 * "2026-11-24T10:00:00: no time zone; add Z (UTC) or an offset like +01:00".
 * Accepted: YYYY-MM-DD, then T, t or one space, then HH:MM or HH:MM:SS with an optional
 * fraction of 1 to 9 digits after `.` or `,` (truncated to milliseconds), then Z, z,
 * +HH:MM, -HH:MM, +HHMM or -HHMM (at most 18:00). Refused: second 60 (Unix time has no
 * leap seconds), hour 24, and times before 1970-01-01T00:00:00Z (Kafka timestamps are
 * never negative; -1 and -2 mean latest and earliest to a broker). */
int iso8601_parse_time(const char *text, int64_t *ms, char *err, size_t err_size);

/* Parse an ISO 8601 duration: PnW, or PnYnMnDTnHnMnS is NOT all allowed — accept
 * P[nD][T[nH][nM][n[.fff]S]] and PnW (years and months are ambiguous: refuse them with a
 * message saying to use days), e.g. PT30M, P1DT2H, PT0.5S, P2W; into milliseconds (> 0 not
 * required: PT0S is 0). Returns 0, or -1 with a one-line message as above.
 * A day is 24 hours; letters may be lower case and the fraction (seconds only, 1 to 9
 * digits, truncated to milliseconds) may follow `,`, as java.time.Duration.parse, which
 * kafka-consumer-groups.sh uses, allows. No signs: a duration is never negative. */
int iso8601_parse_duration(const char *text, int64_t *ms, char *err, size_t err_size);

/* MS as "2026-11-24T10:00:00Z", or "2026-11-24T10:00:00.250Z" when it has milliseconds;
 * BUF of at least ISO8601_TIME_SIZE bytes. Any int64_t is formatted (years after 9999
 * as +YYYYY, before year 0 with a `-`). Returns BUF. */
#define ISO8601_TIME_SIZE 32
const char *iso8601_format_time(int64_t ms, char *buf, size_t size);

#endif
