/* watch: run a listing again every N seconds until SIGINT or SIGTERM (kfleet lag --watch).
 *
 * The signals' handler only sets a flag. Between watch_start and watch_stop the two
 * signals are blocked except while watch_wait sleeps (pselect unblocks them), so a refresh
 * is never cut short half printed and a signal that comes during one is not missed. */
#ifndef KFLEET_WATCH_H
#define KFLEET_WATCH_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* The intervals --watch accepts, as watch(1)'s lower bound and a day. */
#define WATCH_MIN_MS 100
#define WATCH_MAX_MS (24L * 60 * 60 * 1000)

/* Parse an interval in seconds: a whole number, or one with one to three decimals after
 * a '.' ("5", "0.5", ".25", "1.125"; never the locale's comma), from WATCH_MIN_MS to
 * WATCH_MAX_MS. Returns 0 with *MS set, or -1. */
int watch_parse_interval(const char *text, long *ms);

struct watch {
	long interval_ms;
	int64_t next_ms;                /* CLOCK_MONOTONIC: when the current refresh began */
	sigset_t saved_mask;            /* restored by watch_stop */
	struct sigaction saved_actions[2];  /* SIGINT's and SIGTERM's */
};

/* Begin watching every INTERVAL_MS: catch SIGINT and SIGTERM (leaving a signal ignored
 * when it was, as a shell ignores SIGINT for background jobs) and block them. Returns 0,
 * or -1 with errno set. */
int watch_start(struct watch *watch, long interval_ms);

/* Sleep until the next refresh is due, INTERVAL_MS after the previous one began (at once
 * when it is overdue). Returns false when SIGINT or SIGTERM came: stop watching. */
bool watch_wait(struct watch *watch);

/* For a terminal: clear OUT and print the one-line header above a refresh,
 * "Every 5s: kfleet ARGV...   2026-11-25T10:00:00Z" (ARGC words of ARGV, UTC now). */
void watch_header(FILE *out, const struct watch *watch, int argc, char **argv);

/* Put back the handlers and the signal mask watch_start found. */
void watch_stop(struct watch *watch);

#endif
