/* http: the agent's HTTP server on libmicrohttpd 0.9.75.
 *
 * One internal polling thread answers every request (MHD_USE_AUTO picks epoll), so
 * requests never run at once; the main thread hands over each collected snapshot with
 * http_publish. Two locks: STATE guards what the main thread changes (the snapshot, the
 * token, the readiness); CATALOG guards the HTTP thread's own catalog connection, so that
 * a slow listing never holds the main thread up. /metrics is rendered once per published
 * snapshot (or failure) and that text served, without a copy, until the next one: a
 * fleet's text runs to megabytes and takes a fraction of a second to render. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <microhttpd.h>

#include "agent/http.h"
#include "agent/http_request.h"
#include "agent/log.h"
#include "kfleet/listing.h"
#include "kfleet/monotonic.h"
#include "kfleet/topology.h"
#include "kfleet/topology_render.h"
#include "kfleet/store.h"

#define HTTP_CONNECTION_LIMIT 64        /* at once, from everyone */
#define HTTP_PER_IP_LIMIT 16            /* at once, from one address */
#define HTTP_TIMEOUT_SECONDS 10         /* an idle or slow connection is closed after this */
#define HTTP_MEMORY_LIMIT 16384         /* per connection: request line and headers */
#define HTTP_BACKLOG 64
#define HTTP_READY_INTERVALS 3          /* /readyz: a successful cycle within this many */

/* A rendered /metrics, shared by the server and the responses being sent. */
struct http_metrics_text {
	atomic_size_t references;
	size_t length;
	char *data;
};

struct http {
	struct MHD_Daemon *daemon;
	char *listen;
	unsigned port;

	pthread_mutex_t state_lock;
	char *cluster;
	char *token;                            /* or NULL */
	int64_t interval_ms;
	struct collect_result *result;          /* the latest collected, or NULL */
	const struct metrics_group *groups;   /* in RESULT's arena */
	bool cluster_up;
	char *failure;                          /* why the latest cycle failed, or NULL */
	bool catalog_up;                        /* its generation was written */
	char *catalog_error;                    /* if not, why (NULL: out of memory) */
	int64_t collected_ms;                   /* monotonic time of the latest result; 0: none */
	unsigned long generation;               /* bumped by every publish */
	struct http_metrics_text *metrics;      /* /metrics for METRICS_GENERATION, or NULL */
	unsigned long metrics_generation;

	pthread_mutex_t catalog_lock;
	struct store *store;                    /* the HTTP thread's catalog connection */
};

/* What a handler answers: a status and a response, or NULL for "out of memory". */
typedef struct MHD_Response *(*http_handler_fn)(struct http *http, const struct http_route *route,
                                                unsigned *status);

static char *
http_strdup(const char *text)
{
	return text != NULL ? strdup(text) : NULL;
}

/* libmicrohttpd's messages, as the agent's warnings. */
static void
http_log(void *cls, const char *fmt, va_list ap)
{
	char message[512];
	size_t length;

	(void)cls;
	vsnprintf(message, sizeof message, fmt, ap);
	length = strlen(message);
	while (length > 0 && message[length - 1] == '\n')
		message[--length] = '\0';
	agent_log(LOG_WARN, "http: %s", message);
}

/* ---------------------------------------------------------------- responses */

/* The headers every response has; RESPONSE is returned (NULL stays NULL). */
static struct MHD_Response *
http_headers(struct MHD_Response *response, const char *content_type)
{
	if (response != NULL) {
		MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
		MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
		MHD_add_response_header(response, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	}
	return response;
}

/* A response of LENGTH bytes of TEXT (copied) with CONTENT_TYPE. */
static struct MHD_Response *
http_response(const char *text, size_t length, const char *content_type)
{
	return http_headers(MHD_create_response_from_buffer(length, (void *)text,
	                                                    MHD_RESPMEM_MUST_COPY),
	                    content_type);
}

static struct MHD_Response *
http_text(const char *text)
{
	return http_response(text, strlen(text), "text/plain; charset=utf-8");
}

/* A JSON response that takes JSON (decref'd here). */
static struct MHD_Response *
http_json(json_t *json)
{
	char *text = json_dumps(json, JSON_COMPACT | JSON_ENSURE_ASCII);
	struct MHD_Response *response;
	size_t length;

	json_decref(json);
	if (text == NULL)
		return NULL;
	/* One line, as a terminal wants it. */
	length = strlen(text);
	text[length] = '\n';
	response = http_response(text, length + 1, "application/json");
	free(text);
	return response;
}

/* {"error": MESSAGE} with STATUS. */
static struct MHD_Response *
http_json_error(unsigned *status, unsigned code, const char *message)
{
	*status = code;
	return http_json(json_pack("{s:s}", "error", message));
}

/* ---------------------------------------------------------------- handlers */

static struct MHD_Response *
http_healthz(struct http *http, const struct http_route *route, unsigned *status)
{
	(void)http;
	(void)route;
	*status = MHD_HTTP_OK;
	return http_text("ok\n");
}

/* Ready when a cycle collected the cluster less than HTTP_READY_INTERVALS intervals ago. */
static struct MHD_Response *
http_readyz(struct http *http, const struct http_route *route, unsigned *status)
{
	char reason[768];
	int64_t age_ms;

	(void)route;
	pthread_mutex_lock(&http->state_lock);
	age_ms = http->collected_ms != 0 ? monotonic_ms() - http->collected_ms : -1;
	if (age_ms >= 0 && age_ms < HTTP_READY_INTERVALS * http->interval_ms) {
		*status = MHD_HTTP_OK;
		/* Collected, the metrics are current: a catalog not written is said, not unready. */
		snprintf(reason, sizeof reason, "ready: %s collected %lld ms ago%s%s\n", http->cluster,
		         (long long)age_ms, http->catalog_up ? "" : "; catalog not written: ",
		         http->catalog_up ? "" : http->catalog_error != NULL ? http->catalog_error
		                                                             : "out of memory");
	} else {
		int used;

		*status = MHD_HTTP_SERVICE_UNAVAILABLE;
		if (age_ms < 0)
			used = snprintf(reason, sizeof reason, "not ready: %s not collected yet",
			                http->cluster);
		else
			used = snprintf(reason, sizeof reason, "not ready: %s last collected %lld s ago, "
			                "more than %d intervals of %lld ms", http->cluster,
			                (long long)(age_ms / 1000), HTTP_READY_INTERVALS,
			                (long long)http->interval_ms);
		if (used > 0 && (size_t)used < sizeof reason)
			snprintf(reason + used, sizeof reason - (size_t)used, "%s%s\n",
			         http->failure != NULL ? "; latest cycle: unreachable: " : "",
			         http->failure != NULL ? http->failure : "");
	}
	pthread_mutex_unlock(&http->state_lock);
	return http_text(reason);
}

/* Drop one reference to TEXT (a libmicrohttpd free callback too); NULL is allowed. */
static void
http_metrics_release(void *text_ptr)
{
	struct http_metrics_text *text = text_ptr;

	if (text != NULL && atomic_fetch_sub(&text->references, 1) == 1) {
		free(text->data);
		free(text);
	}
}

/* The text of HTTP's state, with one reference; NULL when out of memory. */
static struct http_metrics_text *
http_metrics_render(const struct http *http)
{
	struct metrics_view view = {
		.cluster = http->cluster,
		.cluster_up = http->cluster_up,
		.catalog_up = http->catalog_up,
		.snapshot = http->result != NULL ? &http->result->snapshot : NULL,
		.requests = http->result != NULL ? &http->result->requests : NULL,
		.groups = http->groups,
	};
	struct http_metrics_text *text = malloc(sizeof *text);

	if (text == NULL)
		return NULL;
	text->data = metrics_render(&view, &text->length);
	if (text->data == NULL) {
		free(text);
		return NULL;
	}
	atomic_init(&text->references, 1);
	return text;
}

/* The Prometheus text of the latest result, rendered when it is first asked for. */
static struct MHD_Response *
http_metrics(struct http *http, const struct http_route *route, unsigned *status)
{
	struct http_metrics_text *text = NULL;
	struct MHD_Response *response;

	(void)route;
	pthread_mutex_lock(&http->state_lock);
	if (http->metrics == NULL || http->metrics_generation != http->generation) {
		http_metrics_release(http->metrics);
		http->metrics = http_metrics_render(http);
		http->metrics_generation = http->generation;
	}
	if (http->metrics != NULL) {
		text = http->metrics;
		atomic_fetch_add(&text->references, 1);
	}
	pthread_mutex_unlock(&http->state_lock);
	if (text == NULL)
		return NULL;
	response = MHD_create_response_from_buffer_with_free_callback_cls(
		text->length, text->data, http_metrics_release, text);
	if (response == NULL) {
		http_metrics_release(text);
		return NULL;
	}
	*status = MHD_HTTP_OK;
	return http_headers(response, "text/plain; version=0.0.4; charset=utf-8");
}

/* KIND's rows for this cluster (and GROUP when not NULL), or NULL with *ERR set. */
static json_t *
http_listing(struct http *http, enum listing_kind kind, const char *group, char **err)
{
	struct listing_filter filter = { .group = group };
	json_t *rows;

	pthread_mutex_lock(&http->state_lock);
	filter.cluster = strdup(http->cluster);
	pthread_mutex_unlock(&http->state_lock);
	if (filter.cluster == NULL) {
		*err = NULL;
		return NULL;
	}
	pthread_mutex_lock(&http->catalog_lock);
	rows = listing_query(http->store, kind, &filter, err);
	pthread_mutex_unlock(&http->catalog_lock);
	free((char *)filter.cluster);
	return rows;
}

/* JSON (taken) with 200, or when it is NULL 503 with ERR, the catalog's error (freed). */
static struct MHD_Response *
http_api_answer(json_t *json, char *err, unsigned *status)
{
	struct MHD_Response *response;

	if (json == NULL) {
		response = http_json_error(status, MHD_HTTP_SERVICE_UNAVAILABLE,
		                           err != NULL ? err : "out of memory");
		free(err);
		return response;
	}
	*status = MHD_HTTP_OK;
	return http_json(json);
}

/* KIND's rows for this cluster (and GROUP when not NULL). */
static struct MHD_Response *
http_api_rows(struct http *http, enum listing_kind kind, const char *group, unsigned *status)
{
	char *err = NULL;
	json_t *rows = http_listing(http, kind, group, &err);

	return http_api_answer(rows, err, status);
}

static struct MHD_Response *
http_api_topics(struct http *http, const struct http_route *route, unsigned *status)
{
	(void)route;
	return http_api_rows(http, LISTING_TOPICS, NULL, status);
}

static struct MHD_Response *
http_api_groups(struct http *http, const struct http_route *route, unsigned *status)
{
	(void)route;
	return http_api_rows(http, LISTING_GROUPS, NULL, status);
}

/* The cluster's row: an object, 503 until the agent has written it. */
static struct MHD_Response *
http_api_cluster(struct http *http, const struct http_route *route, unsigned *status)
{
	char *err = NULL;
	json_t *rows = http_listing(http, LISTING_CLUSTERS, NULL, &err), *row;

	(void)route;
	if (rows == NULL)
		return http_api_answer(NULL, err, status);
	row = json_array_get(rows, 0);
	if (row == NULL) {
		json_decref(rows);
		return http_json_error(status, MHD_HTTP_SERVICE_UNAVAILABLE,
		                       "the cluster is not in the catalog yet");
	}
	json_incref(row);
	json_decref(rows);
	return http_api_answer(row, NULL, status);
}

/* One group's lag per partition (the rows of `kfleet lag --by partition`); 404 when the
 * catalog has no such group on this cluster. */
static struct MHD_Response *
http_api_group(struct http *http, const struct http_route *route, unsigned *status)
{
	char *err = NULL;
	json_t *groups = http_listing(http, LISTING_GROUPS, route->argument, &err);
	size_t count = json_array_size(groups);

	if (groups == NULL)
		return http_api_answer(NULL, err, status);
	json_decref(groups);
	if (count == 0)
		return http_json_error(status, MHD_HTTP_NOT_FOUND, "no such consumer group");
	return http_api_rows(http, LISTING_LAG_PARTITIONS, route->argument, status);
}

/* The topology of this agent's cluster (kfleet topology export --cluster C), or NULL
 * with *ERR set. */
static struct topology *
http_topology(struct http *http, char **err)
{
	struct topology_filter filter = { .depth = -1 };
	struct topology *topology;

	pthread_mutex_lock(&http->state_lock);
	filter.cluster = strdup(http->cluster);
	pthread_mutex_unlock(&http->state_lock);
	if (filter.cluster == NULL) {
		*err = NULL;
		return NULL;
	}
	pthread_mutex_lock(&http->catalog_lock);
	topology = topology_build(http->store, &filter, err);
	pthread_mutex_unlock(&http->catalog_lock);
	free((char *)filter.cluster);
	return topology;
}

static struct MHD_Response *
http_api_topology_json(struct http *http, const struct http_route *route, unsigned *status)
{
	char *err = NULL;
	struct topology *topology = http_topology(http, &err);
	json_t *json;

	(void)route;
	if (topology == NULL)
		return http_api_answer(NULL, err, status);
	json = topology_json(topology);
	topology_free(topology);
	return http_api_answer(json, json == NULL ? strdup("out of memory") : NULL, status);
}

/* The topology as SVG; a failed layout is a 500 naming why. */
static struct MHD_Response *
http_api_topology_svg(struct http *http, const struct http_route *route, unsigned *status)
{
	char *err = NULL, *svg = NULL;
	struct topology *topology = http_topology(http, &err);
	struct MHD_Response *response;
	size_t length = 0;

	(void)route;
	if (topology == NULL)
		return http_api_answer(NULL, err, status);
	if (topology_render(topology, TOPOLOGY_FORMAT_SVG, &svg, &length, &err) < 0) {
		topology_free(topology);
		response = http_json_error(status, MHD_HTTP_INTERNAL_SERVER_ERROR,
		                           err != NULL ? err : "out of memory");
		free(err);
		return response;
	}
	topology_free(topology);
	*status = MHD_HTTP_OK;
	response = http_response(svg, length, "image/svg+xml");
	free(svg);
	return response;
}

static const http_handler_fn http_handlers[HTTP_ENDPOINT_COUNT] = {
	[HTTP_HEALTHZ] = http_healthz,
	[HTTP_READYZ] = http_readyz,
	[HTTP_METRICS] = http_metrics,
	[HTTP_API_CLUSTER] = http_api_cluster,
	[HTTP_API_TOPICS] = http_api_topics,
	[HTTP_API_GROUPS] = http_api_groups,
	[HTTP_API_GROUP] = http_api_group,
	[HTTP_API_TOPOLOGY_JSON] = http_api_topology_json,
	[HTTP_API_TOPOLOGY_SVG] = http_api_topology_svg,
};

/* ---------------------------------------------------------------- requests */

static bool
http_authorized(struct http *http, struct MHD_Connection *connection)
{
	const char *header = MHD_lookup_connection_value(connection, MHD_HEADER_KIND,
	                                                 MHD_HTTP_HEADER_AUTHORIZATION);
	bool authorized;

	pthread_mutex_lock(&http->state_lock);
	authorized = http->token == NULL || http_request_authorized(header, http->token);
	pthread_mutex_unlock(&http->state_lock);
	return authorized;
}

/* Answer a request. A bad one is answered as soon as its headers are in (and its
 * connection closed); a good one once its body, which no endpoint reads, is in, so that
 * the client may keep the connection alive. */
static enum MHD_Result
http_answer(void *cls, struct MHD_Connection *connection, const char *url, const char *method,
            const char *version, const char *upload_data, size_t *upload_data_size,
            void **request_state)
{
	static int headers_in, answered;
	struct http *http = cls;
	struct MHD_Response *response;
	struct http_route route;
	unsigned status;
	enum MHD_Result queued;

	(void)version;
	(void)upload_data;
	if (*request_state == &answered || *upload_data_size != 0) {
		*upload_data_size = 0; /* a body nobody asked for: dropped */
		return MHD_YES;
	}
	http_request_route(method, url, &route);
	if (route.status == 0 && *request_state == NULL) {
		*request_state = &headers_in;
		return MHD_YES;
	}
	*request_state = &answered;
	if (route.status == 0 && route.needs_token && !http_authorized(http, connection)) {
		status = MHD_HTTP_UNAUTHORIZED;
		response = http_text("a bearer token is required: Authorization: Bearer TOKEN\n");
		if (response != NULL)
			MHD_add_response_header(response, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
			                        "Bearer realm=\"kfleet-agent\"");
	} else if (route.status == 405) {
		status = MHD_HTTP_METHOD_NOT_ALLOWED;
		response = http_text("method not allowed: use GET or HEAD\n");
		if (response != NULL)
			MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW, HTTP_REQUEST_ALLOW);
	} else if (route.status == 414) {
		status = MHD_HTTP_URI_TOO_LONG;
		response = http_text("the path is too long\n");
	} else if (route.status != 0) {
		status = MHD_HTTP_NOT_FOUND;
		response = http_text("not found: see kfleet-agent(8), HTTP, for the endpoints\n");
	} else {
		response = http_handlers[route.endpoint](http, &route, &status);
	}
	if (response == NULL)
		return MHD_NO; /* out of memory: libmicrohttpd closes the connection */
	queued = MHD_queue_response(connection, status, response);
	MHD_destroy_response(response);
	return queued;
}

/* Paths and query arguments decoded by http_request_unescape, which keeps %00. */
static size_t
http_unescape(void *cls, struct MHD_Connection *connection, char *text)
{
	(void)cls;
	(void)connection;
	return http_request_unescape(text);
}

/* ---------------------------------------------------------------- the server */

/* A listening socket for LISTEN (HOST:PORT or [IPv6]:PORT), or -1 with *err set. */
static int
http_listen_socket(const char *listen_address, char **err)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV };
	struct addrinfo *found = NULL;
	char host[256];
	const char *port;
	size_t host_length;
	int fd, status, one = 1;

	if (listen_address[0] == '[') {
		const char *close = strchr(listen_address, ']');

		port = close != NULL && close[1] == ':' ? close + 2 : NULL;
		host_length = close != NULL ? (size_t)(close - listen_address - 1) : 0;
		listen_address++;
	} else {
		port = strrchr(listen_address, ':');
		host_length = port != NULL ? (size_t)(port - listen_address) : 0;
		port = port != NULL ? port + 1 : NULL;
	}
	if (port == NULL || host_length == 0 || host_length >= sizeof host) {
		if (asprintf(err, "not HOST:PORT") < 0)
			*err = NULL;
		return -1;
	}
	memcpy(host, listen_address, host_length);
	host[host_length] = '\0';
	status = getaddrinfo(host, port, &hints, &found);
	if (status != 0) {
		if (asprintf(err, "%s: %s", host, gai_strerror(status)) < 0)
			*err = NULL;
		return -1;
	}
	fd = socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
	            found->ai_protocol);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    (found->ai_family == AF_INET6 &&
	     setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) < 0) ||
	    bind(fd, found->ai_addr, found->ai_addrlen) < 0 || listen(fd, HTTP_BACKLOG) < 0) {
		if (asprintf(err, "%s", strerror(errno)) < 0)
			*err = NULL;
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(found);
	return fd;
}

/* The port FD listens on. */
static unsigned
http_socket_port(int fd)
{
	struct sockaddr_storage address;
	socklen_t length = sizeof address;

	if (getsockname(fd, (struct sockaddr *)&address, &length) < 0)
		return 0;
	if (address.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&address)->sin6_port);
	return ntohs(((struct sockaddr_in *)&address)->sin_port);
}

/* Copy SETTINGS' cluster, token and interval into HTTP (under its lock). -1 when out of
 * memory, nothing changed. */
static int
http_apply(struct http *http, const struct http_settings *settings)
{
	char *cluster = strdup(settings->cluster), *token = http_strdup(settings->token);

	if (cluster == NULL || (settings->token != NULL && token == NULL)) {
		free(cluster);
		free(token);
		return -1;
	}
	pthread_mutex_lock(&http->state_lock);
	free(http->cluster);
	http->cluster = cluster;
	free(http->token);
	http->token = token;
	http->interval_ms = settings->interval_ms;
	http->generation++;
	pthread_mutex_unlock(&http->state_lock);
	return 0;
}

static void
http_free(struct http *http)
{
	store_close(http->store);
	collect_result_free(http->result);
	http_metrics_release(http->metrics);
	free(http->failure);
	free(http->catalog_error);
	free(http->cluster);
	free(http->token);
	free(http->listen);
	pthread_mutex_destroy(&http->state_lock);
	pthread_mutex_destroy(&http->catalog_lock);
	free(http);
}

struct http *
http_start(const struct http_settings *settings, struct store *catalog, char **err)
{
	struct http *http = calloc(1, sizeof *http);
	char *why = NULL;
	int fd;

	*err = NULL;
	if (http == NULL) {
		store_close(catalog);
		return NULL;
	}
	pthread_mutex_init(&http->state_lock, NULL);
	pthread_mutex_init(&http->catalog_lock, NULL);
	http->store = catalog;
	http->listen = strdup(settings->listen);
	if (http->listen == NULL || http_apply(http, settings) < 0) {
		http_free(http);
		return NULL;
	}
	fd = http_listen_socket(settings->listen, &why);
	if (fd < 0) {
		if (asprintf(err, "cannot listen on %s: %s", settings->listen,
		             why != NULL ? why : "out of memory") < 0)
			*err = NULL;
		free(why);
		http_free(http);
		return NULL;
	}
	http->port = http_socket_port(fd);
	http->daemon = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_USE_ERROR_LOG, 0, NULL, NULL,
		http_answer, http,
		MHD_OPTION_EXTERNAL_LOGGER, http_log, NULL, /* first, or MHD warns */
		MHD_OPTION_LISTEN_SOCKET, fd,
		MHD_OPTION_UNESCAPE_CALLBACK, http_unescape, NULL,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_CONNECTION_LIMIT,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)HTTP_PER_IP_LIMIT,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_TIMEOUT_SECONDS,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_MEMORY_LIMIT,
		MHD_OPTION_END);
	if (http->daemon == NULL) {
		/* FD is left as it is: whether libmicrohttpd closed it on the way out is not
		 * said, and the agent exits. */
		if (asprintf(err, "cannot serve HTTP on %s: libmicrohttpd failed to start",
		             settings->listen) < 0)
			*err = NULL;
		http_free(http);
		return NULL;
	}
	return http;
}

unsigned
http_port(const struct http *http)
{
	return http->port;
}

int
http_reconfigure(struct http *http, const struct http_settings *settings, struct store *catalog)
{
	struct store *old;

	if (http_apply(http, settings) < 0) {
		store_close(catalog);
		return -1;
	}
	pthread_mutex_lock(&http->catalog_lock);
	old = http->store;
	http->store = catalog;
	pthread_mutex_unlock(&http->catalog_lock);
	store_close(old);
	return strcmp(settings->listen, http->listen) != 0;
}

void
http_publish(struct http *http, struct collect_result *result,
             const struct metrics_group *groups, const char *catalog_error)
{
	struct collect_result *old;
	char *old_failure, *old_catalog_error;
	char *catalog_copy = catalog_error != NULL ? strdup(catalog_error) : NULL;

	pthread_mutex_lock(&http->state_lock);
	old = http->result;
	old_failure = http->failure;
	old_catalog_error = http->catalog_error;
	http->result = result;
	http->groups = groups;
	http->cluster_up = true;
	http->failure = NULL;
	http->catalog_up = catalog_error == NULL;
	http->catalog_error = catalog_copy;
	http->collected_ms = monotonic_ms();
	http->generation++;
	pthread_mutex_unlock(&http->state_lock);
	collect_result_free(old);
	free(old_failure);
	free(old_catalog_error);
}

void
http_publish_failure(struct http *http, const char *reason)
{
	char *failure = strdup(reason), *old;

	pthread_mutex_lock(&http->state_lock);
	old = http->failure;
	http->failure = failure;
	http->cluster_up = false;
	http->generation++;
	pthread_mutex_unlock(&http->state_lock);
	free(old);
}

void
http_stop(struct http *http)
{
	if (http == NULL)
		return;
	MHD_stop_daemon(http->daemon);
	http_free(http);
}
