/* libFuzzer target for the cluster config parser: any bytes either give a config that
 * holds what load promises or fail with one line naming the file, without a crash, an
 * overread or a leak. */
/* fuzz-sources: kafka/cluster_config.c kafka/kclient.c */
/* fuzz-libs: -lrdkafka */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kafka/cluster_config_parse.h"

#define FUZZ_PATH "fuzz.conf"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *err = NULL;
	/* DATA is not NUL-terminated: the parser must keep to SIZE. */
	struct cluster_config *config = cluster_config_parse((const char *)data, size, FUZZ_PATH,
	                                                     &err);

	if (config == NULL) {
		if (err == NULL || strncmp(err, FUZZ_PATH ":", strlen(FUZZ_PATH ":")) != 0 ||
		    strchr(err, '\n') != NULL)
			abort();
	} else if (err != NULL || config->cluster == NULL || config->listen == NULL ||
	           config->interval_ms <= 0 || config->history_ms <= 0 ||
	           config->kafka_count == 0 || config->key_count < config->kafka_count + 1) {
		abort();
	}
	cluster_config_free(config);
	free(err);
	return 0;
}
