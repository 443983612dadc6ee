/* quotas: the agent's client-quota collector. librdkafka has no quota API, so this
 * speaks Kafka's DescribeClientQuotas (API key 48, v0 or v1) itself, over its own
 * connection to one bootstrap broker (agent/kconn), configured from the same kafka.*
 * settings the agent gives librdkafka. */
#ifndef KFLEET_QUOTAS_H
#define KFLEET_QUOTAS_H

#include <stddef.h>

#include "kfleet/kclient.h"
#include "kfleet/snapshot.h"

enum quotas_status {
	QUOTAS_OK = 0,
	QUOTAS_FAILED = -1,       /* unreachable, refused, or a broker error: retry later */
	QUOTAS_UNSUPPORTED = -2,  /* this configuration (e.g. SASL GSSAPI) or broker cannot be
	                           * served: record the message and stop asking */
};

/* What a describe returned. QUOTAS and everything they point to (parts, values,
 * strings) live in this result and die with quotas_result_free; copy what must outlive
 * it. An entity part's name is NULL for the type's default entity. */
struct quotas_result {
	struct snapshot_quota *quotas;
	size_t count;
	int version;            /* DescribeClientQuotas version used (0 or 1) */
	int requests;           /* requests sent: ApiVersions, SASL rounds, DescribeClientQuotas */
	/* Storage of the above (private). */
	struct snapshot_quota_part *parts_storage;
	struct snapshot_quota_value *values_storage;
	char *strings_storage;
};

/* Every client quota of the cluster: DescribeClientQuotas with an empty filter (match
 * everything) sent to the first broker of bootstrap.servers that answers, each tried in
 * turn, within TIMEOUT_MS in all.
 *
 * SETTINGS are librdkafka's property names (COUNT of them); read: bootstrap.servers,
 * security.protocol (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL), sasl.mechanism(s) (PLAIN,
 * SCRAM-SHA-256, SCRAM-SHA-512), sasl.username, sasl.password, client.id,
 * ssl.ca.location, ssl.certificate.location, ssl.key.location, ssl.key.password,
 * enable.ssl.certificate.verification, ssl.endpoint.identification.algorithm; other keys
 * are ignored, except TLS settings this client cannot honour.
 *
 * Returns QUOTAS_OK with *RESULT set (caller frees with quotas_result_free), or an error
 * status with *ERR set to one line starting "quotas: " (caller frees); secrets never
 * appear in it. QUOTAS_UNSUPPORTED's message names what is not supported, e.g.
 * "quotas: unsupported with GSSAPI".
 *
 * TLS writes use MSG_NOSIGNAL, so no SIGPIPE is raised. Name resolution (getaddrinfo)
 * is not bounded by TIMEOUT_MS. */
int quotas_describe(const struct kclient_setting *settings, size_t count, int timeout_ms,
                    struct quotas_result **result, char **err);

/* Free RESULT and all it owns (NULL is fine). */
void quotas_result_free(struct quotas_result *result);

/* Decode a DescribeClientQuotas response BODY (after the response header) of VERSION (0
 * or 1). Never trusts a length: a truncated or inconsistent body, trailing bytes, or a
 * string with a NUL byte is refused. The broker's error code becomes QUOTAS_FAILED with
 * a message naming it, e.g. "quotas: DescribeClientQuotas failed:
 * CLUSTER_AUTHORIZATION_FAILED (31): ...". Returns QUOTAS_OK with *RESULT set (caller
 * frees; its requests is 0), or QUOTAS_FAILED with *ERR set (caller frees). */
int quotas_decode(const unsigned char *body, size_t length, int version,
                  struct quotas_result **result, char **err);

#endif
