/* fuzz-sources: agent/quotas.c agent/kconn.c agent/kwire.c agent/scram.c */
/* fuzz-libs: -lssl -lcrypto */
/* libFuzzer target: quotas_decode on any bytes. The first byte picks the version
 * (even: v0, odd: v1, the flexible encoding); the rest is the response body. Whatever
 * it is given, the decoder must either refuse it with a message or return a result
 * whose every string is terminated and whose counts match its arrays. */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/quotas.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct quotas_result *result = NULL;
	char *err = NULL;
	size_t touched = 0;
	int version;

	if (size < 1)
		return 0;
	version = data[0] & 1;
	if (quotas_decode(data + 1, size - 1, version, &result, &err) != QUOTAS_OK) {
		if (err == NULL || result != NULL)
			abort();
		free(err);
		return 0;
	}
	if (err != NULL)
		abort();
	/* Walk everything, so the sanitizers check each pointer and length. */
	for (size_t i = 0; i < result->count; i++) {
		const struct snapshot_quota *quota = &result->quotas[i];

		for (size_t p = 0; p < quota->part_count; p++) {
			touched += strlen(quota->parts[p].entity_type);
			if (quota->parts[p].entity_name != NULL)
				touched += strlen(quota->parts[p].entity_name);
		}
		for (size_t v = 0; v < quota->value_count; v++)
			touched += strlen(quota->values[v].key) + (quota->values[v].value != 0);
	}
	if (touched > size * 2)
		abort(); /* every byte of a string came from the input */
	quotas_result_free(result);
	return 0;
}
