/* lag: time lag and group status from lag history (see kfleet/lag.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "kfleet/lag.h"

static const char *const lag_status_names[LAG_STATUS_COUNT] = {
	[LAG_STATUS_UNKNOWN] = NULL,
	[LAG_STATUS_OK] = "OK",
	[LAG_STATUS_WARNING] = "WARNING",
	[LAG_STATUS_REWIND] = "REWIND",
	[LAG_STATUS_STALLED] = "STALLED",
	[LAG_STATUS_STOPPED] = "STOPPED",
};

/* Burrow's ERROR: the statuses an SRE is paged for. */
#define LAG_ERROR_MASK ((1u << LAG_STATUS_REWIND) | (1u << LAG_STATUS_STALLED) | \
                        (1u << LAG_STATUS_STOPPED))

const char *
lag_status_name(enum lag_status status)
{
	return (unsigned)status < LAG_STATUS_COUNT ? lag_status_names[status] : NULL;
}

int
lag_status_parse(const char *name)
{
	for (int status = 0; status < LAG_STATUS_COUNT; status++)
		if (lag_status_names[status] != NULL && strcasecmp(name, lag_status_names[status]) == 0)
			return status;
	return -1;
}

int
lag_status_parse_threshold(const char *name)
{
	if (strcasecmp(name, "ERROR") == 0)
		return LAG_STATUS_REWIND;
	return lag_status_parse(name);
}

int
lag_status_parse_set(const char *list, unsigned *mask, char *bad, size_t bad_size)
{
	const char *item = list;

	*mask = 0;
	for (;;) {
		size_t length = strcspn(item, ",");
		char name[32];
		int status;

		if (length == 0 || length >= sizeof name) {
			snprintf(bad, bad_size, "%.*s", (int)length, item);
			return -1;
		}
		memcpy(name, item, length);
		name[length] = '\0';
		if (strcasecmp(name, "ERROR") == 0) {
			*mask |= LAG_ERROR_MASK;
		} else if ((status = lag_status_parse(name)) >= 0) {
			*mask |= 1u << status;
		} else {
			snprintf(bad, bad_size, "%s", name);
			return -1;
		}
		if (item[length] == '\0')
			return 0;
		item += length + 1;
	}
}
