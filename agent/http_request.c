/* http_request: routing and the bearer token, from one table of endpoints. */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "agent/http_request.h"

static const struct {
	const char *path;
	enum http_endpoint endpoint;
	bool prefix;                    /* PATH is followed by a non-empty argument */
	bool public;                    /* answered without the token */
} http_request_routes[] = {
	{ .path = "/healthz", .endpoint = HTTP_HEALTHZ, .public = true },
	{ .path = "/readyz", .endpoint = HTTP_READYZ },
	{ .path = "/metrics", .endpoint = HTTP_METRICS },
	{ .path = "/api/v1/cluster", .endpoint = HTTP_API_CLUSTER },
	{ .path = "/api/v1/topics", .endpoint = HTTP_API_TOPICS },
	{ .path = "/api/v1/groups", .endpoint = HTTP_API_GROUPS },
	{ .path = "/api/v1/groups/", .endpoint = HTTP_API_GROUP, .prefix = true },
	{ .path = "/api/v1/topology.json", .endpoint = HTTP_API_TOPOLOGY_JSON },
	{ .path = "/api/v1/topology.svg", .endpoint = HTTP_API_TOPOLOGY_SVG },
};

void
http_request_route(const char *method, const char *path, struct http_route *route)
{
	size_t length = strnlen(path, HTTP_REQUEST_MAX_PATH + 1);

	*route = (struct http_route){ .status = 404 };
	if (length > HTTP_REQUEST_MAX_PATH) {
		route->status = 414;
		return;
	}
	for (size_t r = 0; r < sizeof http_request_routes / sizeof http_request_routes[0]; r++) {
		const char *want = http_request_routes[r].path;
		size_t want_length = strlen(want);

		if (http_request_routes[r].prefix ? length <= want_length ||
		                                    strncmp(path, want, want_length) != 0
		                                  : strcmp(path, want) != 0)
			continue;
		route->endpoint = http_request_routes[r].endpoint;
		route->argument = http_request_routes[r].prefix ? path + want_length : NULL;
		route->needs_token = !http_request_routes[r].public;
		route->status = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0 ? 0 : 405;
		return;
	}
}

/* The value of hex digit C, or -1. */
static int
http_request_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

size_t
http_request_unescape(char *text)
{
	char *to = text;

	for (const char *from = text; *from != '\0';) {
		int high = from[0] == '%' ? http_request_hex(from[1]) : -1;
		int low = high >= 0 ? http_request_hex(from[2]) : -1;

		if (low >= 0 && (high | low) != 0) {
			*to++ = (char)(high << 4 | low);
			from += 3;
		} else {
			*to++ = *from++;
		}
	}
	*to = '\0';
	return (size_t)(to - text);
}

bool
http_request_authorized(const char *authorization, const char *token)
{
	static const char scheme[] = "Bearer ";
	size_t given_length, token_length = strlen(token);
	unsigned char differ;

	if (authorization == NULL || strncasecmp(authorization, scheme, sizeof scheme - 1) != 0)
		return false;
	authorization += sizeof scheme - 1;
	authorization += strspn(authorization, " ");
	given_length = strlen(authorization);
	if (given_length == 0)
		return false;
	/* Every byte of the token is looked at whatever the given one holds. */
	differ = given_length != token_length;
	for (size_t i = 0; i < token_length; i++)
		differ |= (unsigned char)(token[i] ^ authorization[i % given_length]);
	return differ == 0;
}
