/* watch: refresh every N seconds until SIGINT or SIGTERM (see tui/watch.h). */
#include "config.h"

#include <errno.h>
#include <sys/select.h>
#include <time.h>

#include "tui/watch.h"
#include "kfleet/monotonic.h"

static const int watch_signals[] = { SIGINT, SIGTERM };
#define WATCH_SIGNAL_COUNT (sizeof watch_signals / sizeof watch_signals[0])
_Static_assert(WATCH_SIGNAL_COUNT == sizeof ((struct watch *)0)->saved_actions /
               sizeof ((struct watch *)0)->saved_actions[0], "one saved action per signal");

static volatile sig_atomic_t watch_signalled;

static void
watch_on_signal(int signal_number)
{
	(void)signal_number;
	watch_signalled = 1;
}

int
watch_parse_interval(const char *text, long *ms)
{
	long whole = 0, fraction = 0;
	int digits = 0, decimals = 0;
	const char *p = text;

	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		if (whole > WATCH_MAX_MS / 1000)
			return -1;
		whole = whole * 10 + (*p - '0');
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, decimals++) {
			if (decimals == 3)
				return -1;
			fraction = fraction * 10 + (*p - '0');
		}
		if (decimals == 0)
			return -1;
	}
	if (*p != '\0' || digits + decimals == 0)
		return -1;
	for (int scale = decimals; scale < 3; scale++)
		fraction *= 10;
	if (whole > WATCH_MAX_MS / 1000 || whole * 1000 + fraction < WATCH_MIN_MS ||
	    whole * 1000 + fraction > WATCH_MAX_MS)
		return -1;
	*ms = whole * 1000 + fraction;
	return 0;
}

int
watch_start(struct watch *watch, long interval_ms)
{
	struct sigaction action = { .sa_handler = watch_on_signal };
	sigset_t block;

	watch_signalled = 0;
	watch->interval_ms = interval_ms;
	watch->next_ms = monotonic_ms();
	sigemptyset(&action.sa_mask);
	sigemptyset(&block);
	for (size_t i = 0; i < WATCH_SIGNAL_COUNT; i++)
		sigaddset(&block, watch_signals[i]);
	if (sigprocmask(SIG_BLOCK, &block, &watch->saved_mask) < 0)
		return -1;
	for (size_t i = 0; i < WATCH_SIGNAL_COUNT; i++) {
		if (sigaction(watch_signals[i], NULL, &watch->saved_actions[i]) < 0 ||
		    (watch->saved_actions[i].sa_handler != SIG_IGN &&
		     sigaction(watch_signals[i], &action, NULL) < 0)) {
			int saved_errno = errno;

			while (i-- > 0)
				sigaction(watch_signals[i], &watch->saved_actions[i], NULL);
			sigprocmask(SIG_SETMASK, &watch->saved_mask, NULL);
			errno = saved_errno;
			return -1;
		}
	}
	return 0;
}

bool
watch_wait(struct watch *watch)
{
	sigset_t waiting = watch->saved_mask, block;
	int64_t now;

	sigemptyset(&block);
	for (size_t i = 0; i < WATCH_SIGNAL_COUNT; i++) {
		sigdelset(&waiting, watch_signals[i]);
		sigaddset(&block, watch_signals[i]);
	}
	/* A signal that came during the refresh is delivered here, even when the next
	 * refresh is already due and pselect is not reached. */
	sigprocmask(SIG_SETMASK, &waiting, NULL);
	sigprocmask(SIG_BLOCK, &block, NULL);

	now = monotonic_ms();
	watch->next_ms += watch->interval_ms;
	if (watch->next_ms < now)
		watch->next_ms = now;
	while (!watch_signalled && now < watch->next_ms) {
		int64_t left = watch->next_ms - now;
		struct timespec timeout = {
			.tv_sec = (time_t)(left / 1000), .tv_nsec = (long)(left % 1000) * 1000000,
		};

		pselect(0, NULL, NULL, NULL, &timeout, &waiting);   /* woken early by EINTR */
		now = monotonic_ms();
	}
	return !watch_signalled;
}

void
watch_header(FILE *out, const struct watch *watch, int argc, char **argv)
{
	time_t seconds = time(NULL);
	struct tm tm;
	char when[32] = "";

	if (gmtime_r(&seconds, &tm) != NULL)
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	fputs("\033[H\033[2J", out);
	if (watch->interval_ms % 1000 == 0) {
		fprintf(out, "Every %lds:", watch->interval_ms / 1000);
	} else {
		char fraction[8];
		int length = snprintf(fraction, sizeof fraction, "%03ld", watch->interval_ms % 1000);

		while (length > 1 && fraction[length - 1] == '0')
			fraction[--length] = '\0';
		fprintf(out, "Every %ld.%ss:", watch->interval_ms / 1000, fraction);
	}
	fputs(" kfleet", out);
	for (int i = 0; i < argc; i++)
		fprintf(out, " %s", argv[i]);
	fprintf(out, "   %s\n", when);
}

void
watch_stop(struct watch *watch)
{
	/* The mask first: a signal still pending goes to our handler, not to a default
	 * action that would kill the process before it exits with its own status. */
	sigprocmask(SIG_SETMASK, &watch->saved_mask, NULL);
	for (size_t i = 0; i < WATCH_SIGNAL_COUNT; i++)
		sigaction(watch_signals[i], &watch->saved_actions[i], NULL);
}
