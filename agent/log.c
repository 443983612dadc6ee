/* log: the agent's log lines. */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "agent/log.h"

static const char *const agent_log_levels[] = {
	[LOG_ERROR] = "error", [LOG_WARN] = "warn", [LOG_INFO] = "info", [LOG_DEBUG] = "debug",
};

static enum agent_log_level agent_log_level = LOG_INFO;

int
agent_log_level_named(const char *name)
{
	for (int level = LOG_ERROR; level <= LOG_DEBUG; level++)
		if (strcmp(name, agent_log_levels[level]) == 0)
			return level;
	return -1;
}

void
agent_log_set_level(enum agent_log_level level)
{
	agent_log_level = level;
}

void
agent_log(enum agent_log_level level, const char *fmt, ...)
{
	char line[2048];
	va_list ap;
	int n;

	if (level > agent_log_level)
		return;
	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	/* A line cut short says so. */
	if (n >= (int)sizeof line)
		memcpy(line + sizeof line - 4, "...", 4);
	fprintf(stderr, "kfleet-agent: %s: %s\n", agent_log_levels[level], line);
}

void
agent_log_librdkafka(int level, const char *facility, const char *message)
{
	bool warns = strcmp(facility, "CONFWARN") == 0 || strcmp(facility, "DESTROY") == 0;
	enum agent_log_level ours = level <= 4 && warns ? LOG_WARN : LOG_DEBUG;

	agent_log(ours, "librdkafka: %s: %s", facility, message);
}
