/* log: the agent's log lines, "kfleet-agent: LEVEL: message" on stderr, one write each
 * (librdkafka's threads and the collector child log through it too); systemd's journal
 * adds the time. */
#ifndef KFLEET_AGENT_LOG_H
#define KFLEET_AGENT_LOG_H

enum agent_log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };

/* The level named NAME ("error", "warn", "info", "debug"); -1 for another name. */
int agent_log_level_named(const char *name);

/* Lines above LEVEL are dropped (default LOG_INFO). */
void agent_log_set_level(enum agent_log_level level);

void agent_log(enum agent_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A kclient_log_sink: librdkafka's lines at debug level, its configuration warnings
 * (facility CONFWARN: a property ignored or deprecated) at warn. */
void agent_log_librdkafka(int level, const char *facility, const char *message);

#endif
