/* libFuzzer target for the agent's request routing and bearer-token check: any method,
 * path and Authorization header give one of the statuses routing promises, an argument
 * inside the path, and a token check that accepts exactly "Bearer TOKEN". */
/* fuzz-sources: agent/http_request.c */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agent/http_request.h"

#define FUZZ_TOKEN "s3cret-token"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* DATA as three NUL-terminated strings split at the first two '\n': method, path, header. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1), *method, *path, *header, *newline;
	struct http_route route;
	size_t path_length;
	int exact;

	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	method = copy;
	path = (newline = strchr(method, '\n')) != NULL ? (*newline = '\0', newline + 1) : "";
	header = (newline = strchr(path, '\n')) != NULL ? (*newline = '\0', newline + 1) : NULL;
	path_length = strlen(path);

	http_request_route(method, path, &route);
	switch (route.status) {
	case 0:
	case 405:
		if (route.endpoint >= HTTP_ENDPOINT_COUNT || path_length > HTTP_REQUEST_MAX_PATH)
			abort();
		if ((route.endpoint == HTTP_API_GROUP) != (route.argument != NULL))
			abort();
		if (route.argument != NULL && (route.argument <= path || route.argument >= path + path_length))
			abort();
		if ((route.status == 0) != (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0))
			abort();
		break;
	case 404:
		if (path_length > HTTP_REQUEST_MAX_PATH)
			abort();
		break;
	case 414:
		if (path_length <= HTTP_REQUEST_MAX_PATH)
			abort();
		break;
	default:
		abort();
	}

	/* "Bearer", blanks, the token and nothing else. */
	exact = header != NULL && strncasecmp(header, "Bearer ", 7) == 0 &&
	        strcmp(header + 7 + strspn(header + 7, " "), FUZZ_TOKEN) == 0;
	if (http_request_authorized(header, FUZZ_TOKEN) != exact)
		abort();
	free(copy);
	return 0;
}
