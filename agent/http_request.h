/* http_request: what the agent's HTTP side makes of a request line and its Authorization
 * header, before any handler runs: which endpoint, which status if none (404, 405, 414),
 * and whether the bearer token matches. No I/O and no libmicrohttpd, so the fuzzer and the
 * unit tests can drive it. */
#ifndef KFLEET_HTTP_REQUEST_H
#define KFLEET_HTTP_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

/* Paths longer than this are refused with 414 (no endpoint takes one). */
#define HTTP_REQUEST_MAX_PATH 1024

enum http_endpoint {
	HTTP_HEALTHZ,
	HTTP_READYZ,
	HTTP_METRICS,
	HTTP_API_CLUSTER,
	HTTP_API_TOPICS,
	HTTP_API_GROUPS,
	HTTP_API_GROUP,         /* /api/v1/groups/{group}: the group is the route's argument */
	HTTP_API_TOPOLOGY_JSON, /* the cluster's topology, {nodes, edges} */
	HTTP_API_TOPOLOGY_SVG,  /* the same, drawn by Graphviz */
	HTTP_ENDPOINT_COUNT
};

struct http_route {
	int status;                     /* 0: routed to ENDPOINT; else the status to answer */
	enum http_endpoint endpoint;
	const char *argument;           /* HTTP_API_GROUP: the group, inside the path */
	bool needs_token;               /* every endpoint but /healthz, when a token is set */
};

/* The methods every endpoint allows, for the Allow header of a 405. */
#define HTTP_REQUEST_ALLOW "GET, HEAD"

/* Route METHOD and PATH (the decoded path, without the query string) into *ROUTE.
 * Unknown paths are 404, known ones with another method than GET or HEAD 405, paths over
 * HTTP_REQUEST_MAX_PATH bytes 414. */
void http_request_route(const char *method, const char *path, struct http_route *route);

/* Decode the %XX escapes of TEXT in place, as libmicrohttpd does by default, except %00,
 * which stays as written: a NUL would cut the path short, and a request for group "a%00b"
 * would be answered for group "a". libmicrohttpd's unescape callback. Returns the new
 * length. */
size_t http_request_unescape(char *text);

/* Whether AUTHORIZATION (the header's value, or NULL) is "Bearer TOKEN", the scheme in any
 * case, compared in time that does not depend on where it differs from TOKEN. */
bool http_request_authorized(const char *authorization, const char *token);

#endif
