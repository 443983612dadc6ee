/* cluster_config: the per-cluster configuration file, read by kfleet-agent and by the
 * kfleet subcommands that talk to Kafka. The format is in kfleet-agent(8), CONFIGURATION. */
#ifndef KFLEET_CLUSTER_CONFIG_H
#define KFLEET_CLUSTER_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "kfleet/kclient.h"

/* Where a key was set: for the messages of checks made after loading (binding the
 * listen address, opening the catalog). */
struct cluster_config_key {
	char *key;                  /* as written: "listen", "kafka.sasl.username" */
	unsigned line;
};

/* One cluster's configuration, every value owned by the struct. */
struct cluster_config {
	char *path;                 /* the file it was read from */
	char *cluster;              /* `cluster`, required: kfleet's name for the cluster */
	char *catalog;              /* `catalog`, or NULL: not set */
	int64_t interval_ms;        /* `interval`, default 30 s */
	int64_t history_ms;         /* `history`, default 7 d */
	size_t lag_window;          /* `lag.window`: samples per group status, default 10 */
	int64_t lag_stopped_after_ms;  /* `lag.stopped_after`, default 10 m */
	char *listen;               /* `listen`, default "127.0.0.1:9308" (host:port;
	                               IPv6 as [::1]:9308) */
	char *http_token;           /* `http.token`, or NULL (may be @file) */
	struct kclient_setting *kafka;   /* every `kafka.X` key as {X, value}, in file order */
	size_t kafka_count;
	/* each key's line, for messages of later checks: */
	struct cluster_config_key *keys; /* every key the file sets, in file order */
	size_t key_count;
};

#define CLUSTER_CONFIG_DEFAULT_INTERVAL_MS INT64_C(30000)
#define CLUSTER_CONFIG_DEFAULT_HISTORY_MS  INT64_C(604800000)
#define CLUSTER_CONFIG_DEFAULT_LISTEN      "127.0.0.1:9308"
#define CLUSTER_CONFIG_DEFAULT_LAG_WINDOW  10
#define CLUSTER_CONFIG_MAX_LAG_WINDOW      1000
#define CLUSTER_CONFIG_DEFAULT_LAG_STOPPED_AFTER_MS INT64_C(600000)

/* Read PATH. On failure return NULL and set *err to one line "PATH:LINE: what is wrong;
 * what to do" (or "PATH: strerror" if unreadable; NULL only when out of memory); caller
 * frees. Values of secret keys never appear in a message. */
struct cluster_config *cluster_config_load(const char *path, char **err);

/* Free CONFIG and everything in it; NULL is a no-op. */
void cluster_config_free(struct cluster_config *config);

/* The line on which CONFIG's file sets KEY ("listen", "kafka.acks"), or 0 if it does not. */
unsigned cluster_config_line(const struct cluster_config *config, const char *key);

/* Parse a duration: a whole number and a unit, "500ms", "30s", "5m", "2h", "7d" (a bare
 * number is an error). Returns 0 and sets *MS, or -1. */
int cluster_config_parse_duration(const char *text, int64_t *ms);

/* Find the config of cluster NAME: DIR/NAME.conf for DIR in $KFLEET_CONFIG_DIR,
 * ~/.config/kfleet/clusters ($XDG_CONFIG_HOME/kfleet/clusters when set),
 * /etc/kfleet/clusters, the first that exists. Returns a new path (caller frees), or
 * NULL and sets *err (caller frees) naming every place looked at. */
char *cluster_config_find(const char *name, char **err);

#endif
