/* libFuzzer target for what reaches the agent's routing from the wire: DATA is sent as is
 * to libmicrohttpd (the version the agent links, with the agent's per-connection memory
 * limit) over a socket pair, and the request it parses (request line, query string,
 * percent-escapes, headers) is routed and authorised the way agent/http.c does it. The
 * agent never reads the query string: http_request.h promises that routing sees the decoded
 * path without it. Checked: routing gives a status it promises; for a plain request line
 * (no spaces or control characters in the target) the path routed is the target before
 * its first '?', decoded, so neither a query string nor an escaped '?' ("%3F") or NUL
 * ("%00") changes what is asked for; the query's arguments can be read; and what the
 * client gets back first is the status the handler queued. */
/* fuzz-sources: agent/http_request.c */
/* fuzz-libs: -lmicrohttpd */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "agent/http_request.h"

#define FUZZ_TOKEN "s3cret-token"
#define FUZZ_MEMORY_LIMIT 16384    /* agent/http.c's HTTP_MEMORY_LIMIT */
#define FUZZ_MAX_ROUNDS 8          /* of MHD_run without progress before giving up */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input being run, for the handler. */
static struct {
	char plain_path[HTTP_REQUEST_MAX_PATH + 2];  /* the first request's target before '?' */
	int plain;                    /* whether the first request line is plain */
	int first_status;             /* what the handler queued first; 0: not called */
} fuzz;

static void
fuzz_quiet(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	(void)fmt;
	(void)ap;
}

/* The agent's unescape callback (agent/http.c's http_unescape). */
static size_t
fuzz_unescape(void *cls, struct MHD_Connection *connection, char *text)
{
	(void)cls;
	(void)connection;
	return http_request_unescape(text);
}

/* Each argument of the query string: MHD gives a key, maybe no value. */
static enum MHD_Result
fuzz_argument(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)value;
	if (kind != MHD_GET_ARGUMENT_KIND || key == NULL)
		abort();
	(*(size_t *)cls)++;
	return MHD_YES;
}

/* The route's promises, as tests/fuzz/fuzz_http_path.c checks them. */
static void
fuzz_check_route(const char *method, const char *url, const struct http_route *route)
{
	size_t length = strlen(url);

	switch (route->status) {
	case 0:
	case 405:
		if (route->endpoint >= HTTP_ENDPOINT_COUNT || length > HTTP_REQUEST_MAX_PATH ||
		    (route->endpoint == HTTP_API_GROUP) != (route->argument != NULL) ||
		    (route->argument != NULL && (route->argument <= url || route->argument >= url + length)) ||
		    (route->status == 0) != (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0))
			abort();
		break;
	case 404:
		if (length > HTTP_REQUEST_MAX_PATH)
			abort();
		break;
	case 414:
		if (length <= HTTP_REQUEST_MAX_PATH)
			abort();
		break;
	default:
		abort();
	}
}

/* agent/http.c's http_answer with an empty body for every status. */
static enum MHD_Result
fuzz_answer(void *cls, struct MHD_Connection *connection, const char *url, const char *method,
            const char *version, const char *upload_data, size_t *upload_data_size,
            void **request_state)
{
	static int headers_in, answered;
	struct MHD_Response *response;
	struct http_route route;
	size_t arguments = 0;
	int status;
	enum MHD_Result queued;

	(void)cls;
	(void)version;
	(void)upload_data;
	if (*request_state == &answered || *upload_data_size != 0) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	http_request_route(method, url, &route);
	if (route.status == 0 && *request_state == NULL) {
		*request_state = &headers_in;
		return MHD_YES;
	}
	*request_state = &answered;
	fuzz_check_route(method, url, &route);
	if (fuzz.first_status == 0 && fuzz.plain && strcmp(url, fuzz.plain_path) != 0) {
		fprintf(stderr, "routed \"%s\", the request's path is \"%s\"\n", url, fuzz.plain_path);
		abort();
	}
	MHD_get_connection_values(connection, MHD_GET_ARGUMENT_KIND, fuzz_argument, &arguments);
	if (route.status == 0 && route.needs_token &&
	    !http_request_authorized(MHD_lookup_connection_value(connection, MHD_HEADER_KIND,
	                                                         MHD_HTTP_HEADER_AUTHORIZATION),
	                             FUZZ_TOKEN))
		status = MHD_HTTP_UNAUTHORIZED;
	else
		status = route.status != 0 ? route.status : MHD_HTTP_OK;
	if (fuzz.first_status == 0)
		fuzz.first_status = status;
	response = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (response == NULL)
		return MHD_NO;
	queued = MHD_queue_response(connection, (unsigned)status, response);
	MHD_destroy_response(response);
	return queued;
}

/* Whether DATA starts with "METHOD TARGET HTTP/1.x" and a line end, TARGET without spaces
 * or control characters; then its path before any '?', decoded, is in fuzz.plain_path. */
static int
fuzz_plain_request_line(const uint8_t *data, size_t size)
{
	size_t i = 0, start, end;

	while (i < size && data[i] >= 'A' && data[i] <= 'Z')
		i++;
	if (i == 0 || i >= size || data[i] != ' ')
		return 0;
	start = ++i;
	while (i < size && data[i] > ' ' && data[i] < 0x7f)
		i++;
	end = i;
	if (end == start || data[start] != '/' || size - i < sizeof " HTTP/1.x\n" - 1 ||
	    memcmp(data + i, " HTTP/1.", 8) != 0 || (data[i + 8] != '0' && data[i + 8] != '1') ||
	    (data[i + 9] != '\n' && (data[i + 9] != '\r' || i + 10 >= size || data[i + 10] != '\n')))
		return 0;
	for (i = start; i < end && data[i] != '?'; i++)
		;
	if (i - start >= sizeof fuzz.plain_path)
		return 0;
	memcpy(fuzz.plain_path, data + start, i - start);
	fuzz.plain_path[i - start] = '\0';
	http_request_unescape(fuzz.plain_path);
	return 1;
}

/* Read what the server end wrote into BUF (at most SIZE - 1 bytes kept); its length. */
static size_t
fuzz_read(int fd, char *buf, size_t size, size_t length, int *progress)
{
	char scratch[4096];
	ssize_t got;

	while ((got = recv(fd, scratch, sizeof scratch, MSG_DONTWAIT)) > 0) {
		size_t keep = (size_t)got < size - 1 - length ? (size_t)got : size - 1 - length;

		memcpy(buf + length, scratch, keep);
		length += keep;
		*progress = 1;
	}
	buf[length] = '\0';
	return length;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct MHD_Daemon *daemon;
	struct sockaddr_in peer = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	char response[256];
	size_t sent = 0, received = 0;
	int fds[2], idle = 0;

	if (daemon == NULL) {
		daemon = MHD_start_daemon(MHD_USE_NO_LISTEN_SOCKET | MHD_USE_ERROR_LOG, 0, NULL, NULL,
		                          fuzz_answer, NULL,
		                          MHD_OPTION_EXTERNAL_LOGGER, fuzz_quiet, NULL,
		                          MHD_OPTION_UNESCAPE_CALLBACK, fuzz_unescape, NULL,
		                          MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)FUZZ_MEMORY_LIMIT,
		                          MHD_OPTION_END);
		if (daemon == NULL)
			abort();
	}
	fuzz.first_status = 0;
	fuzz.plain = fuzz_plain_request_line(data, size);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) < 0)
		abort();
	if (MHD_add_connection(daemon, fds[1], (const struct sockaddr *)&peer, sizeof peer) != MHD_YES)
		abort();
	/* Send it all, then half-close: an incomplete request ends there. */
	while (idle < FUZZ_MAX_ROUNDS) {
		int progress = 0;

		if (sent < size) {
			ssize_t put = send(fds[0], data + sent, size - sent, MSG_DONTWAIT | MSG_NOSIGNAL);

			if (put > 0) {
				sent += (size_t)put;
				progress = 1;
				if (sent == size)
					shutdown(fds[0], SHUT_WR);
			} else if (put < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
				sent = size;   /* the server end closed already */
			}
		} else if (size == 0 && idle == 0) {
			shutdown(fds[0], SHUT_WR);
		}
		MHD_run(daemon);
		received = fuzz_read(fds[0], response, sizeof response, received, &progress);
		idle = progress ? 0 : idle + 1;
	}
	close(fds[0]);
	for (int round = 0; round < FUZZ_MAX_ROUNDS; round++) {
		const union MHD_DaemonInfo *info =
			MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);

		if (info == NULL || info->num_connections == 0)
			break;
		MHD_run(daemon);
	}

	/* The first answer is the handler's when the handler ran, unless libmicrohttpd closed
	 * the connection without one: it does when the request (a query string of a few
	 * hundred '&' is enough) left the connection's memory pool no room for the response
	 * headers ("failed to create response header"). */
	if (fuzz.first_status != 0 && received > 0) {
		char expected[32];

		snprintf(expected, sizeof expected, " %d ", fuzz.first_status);
		if (strncmp(response, "HTTP/1.", 7) != 0 || strncmp(response + 8, expected,
		                                                     strlen(expected)) != 0) {
			fprintf(stderr, "queued %d, the client read \"%.40s\"\n", fuzz.first_status,
			        response);
			abort();
		}
	}
	return 0;
}
