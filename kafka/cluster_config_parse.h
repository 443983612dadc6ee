/* cluster_config_parse: the parser behind cluster_config_load, for its unit tests and
 * its fuzz target (tests/fuzz/fuzz_cluster_config.c). */
#ifndef KFLEET_CLUSTER_CONFIG_PARSE_H
#define KFLEET_CLUSTER_CONFIG_PARSE_H

#include <stddef.h>

#include "kfleet/cluster_config.h"

/* Parse the LEN bytes of TEXT (no terminating NUL needed) as a cluster config; PATH is
 * the file they came from, for the config and for messages. @file values are read.
 * Returns the config, or NULL and sets *err as cluster_config_load does. */
struct cluster_config *cluster_config_parse(const char *text, size_t len, const char *path,
                                            char **err);

#endif
