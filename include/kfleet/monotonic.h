/* monotonic: the clock kfleet measures time on, for deadlines, timeouts, waits and
 * durations. CLOCK_MONOTONIC does not step when the wall clock is set; the times kfleet
 * stores or shows (when a snapshot was collected, an audit entry) come from the wall
 * clock instead. Header-only, like strfmt.h, so every library, benchmark and test can
 * use it without linking another. */
#ifndef KFLEET_MONOTONIC_H
#define KFLEET_MONOTONIC_H

#include <stdint.h>
#include <time.h>

/* Nanoseconds on the monotonic clock, from an arbitrary start. */
static inline int64_t
monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The same in milliseconds. */
static inline int64_t
monotonic_ms(void)
{
	return monotonic_ns() / 1000000;
}

/* The same in seconds, for durations printed with a fraction. */
static inline double
monotonic_seconds(void)
{
	return (double)monotonic_ns() / 1e9;
}

#endif
