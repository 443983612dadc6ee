/* http: kfleet-agent's HTTP side (libmicrohttpd lives here only): /healthz, /readyz,
 * /metrics from the latest collected snapshot kept in memory, and the JSON API read from
 * the catalog through the HTTP thread's own connection. See kfleet-agent(8), HTTP. */
#ifndef KFLEET_HTTP_H
#define KFLEET_HTTP_H

#include <stdint.h>

#include "agent/collect.h"
#include "agent/metrics.h"
#include "kfleet/store.h"

struct http;

/* What the HTTP side needs of the configuration; copied, nothing kept. */
struct http_settings {
	const char *cluster;            /* kfleet's name for the cluster */
	const char *listen;             /* HOST:PORT, or [IPv6]:PORT */
	const char *token;              /* the bearer token, or NULL: none asked */
	int64_t interval_ms;            /* /readyz wants a cycle younger than 3 of these */
};

/* Listen on SETTINGS->listen and serve from a thread of libmicrohttpd's, the API read
 * through CATALOG: a connection of its own, which it takes (SQLite connections are not
 * shared between threads). NULL with *err set (caller frees; NULL when out of memory)
 * when the address cannot be used; CATALOG is closed then too. */
struct http *http_start(const struct http_settings *settings, struct store *catalog,
                        char **err);

/* The port it listens on. */
unsigned http_port(const struct http *http);

/* Apply new SETTINGS (cluster, token, interval) and CATALOG (taken, as by http_start) to
 * a running server. A new listen address needs a restart: returns 1 when SETTINGS->listen
 * differs and was not applied, 0 when everything was, -1 when out of memory (nothing
 * changed, CATALOG closed). */
int http_reconfigure(struct http *http, const struct http_settings *settings,
                     struct store *catalog);

/* A cycle collected RESULT: serve it from now on. Takes ownership of RESULT (and of
 * GROUP_OWNERS, one per snapshot group, which must live in RESULT's arena or be NULL);
 * the previous result is freed. CATALOG_ERROR says why the generation could not be
 * written to the catalog (copied), or is NULL: it was. */
void http_publish(struct http *http, struct collect_result *result,
                  const struct metrics_group *groups, const char *catalog_error);

/* A cycle could not reach the cluster, for REASON: kfleet_cluster_up is 0 and /readyz
 * says why; the last collected result is still served. */
void http_publish_failure(struct http *http, const char *reason);

/* Stop serving (waiting for the request in progress) and free HTTP; NULL is allowed. */
void http_stop(struct http *http);

#endif
