/* kconn: one connection to one Kafka broker for the agent's own requests (those
 * librdkafka lacks): TCP with a deadline, TLS through OpenSSL, SASL PLAIN and
 * SCRAM-SHA-256/512, ApiVersions, and request/response framing. Blocking from the
 * caller's view; every wait is bounded by the connection's deadline. */
#ifndef KFLEET_KCONN_H
#define KFLEET_KCONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "agent/kwire.h"

enum kconn_status {
	KCONN_OK = 0,
	KCONN_NETWORK = -1,     /* could not reach or talk to this broker: try another */
	KCONN_REFUSED = -2,     /* the broker answered no (authentication, error code):
	                         * another broker of the cluster would say the same */
};

enum kconn_security {
	KCONN_PLAINTEXT,
	KCONN_SSL,
	KCONN_SASL_PLAINTEXT,
	KCONN_SASL_SSL,
};

enum kconn_mechanism {
	KCONN_PLAIN,
	KCONN_SCRAM_SHA_256,
	KCONN_SCRAM_SHA_512,
};

/* How to reach and authenticate to a broker. Strings are borrowed; NULL = not set. */
struct kconn_config {
	enum kconn_security security;
	enum kconn_mechanism mechanism;     /* for the SASL protocols */
	const char *username;
	const char *password;
	const char *client_id;
	const char *ssl_ca_location;        /* CA file or directory; NULL: system defaults */
	const char *ssl_certificate_location; /* client certificate (PEM), or NULL */
	const char *ssl_key_location;       /* its key (PEM), or NULL */
	const char *ssl_key_password;
	bool ssl_verify;                    /* enable.ssl.certificate.verification */
	bool ssl_check_hostname;            /* ssl.endpoint.identification.algorithm=https */
};

#define KCONN_API_COUNT 100 /* API keys tracked from ApiVersions */

struct kconn;

/* Connect to HOST:PORT, then TLS, ApiVersions (v0) and SASL as CONFIG says, all before
 * DEADLINE_MS (on monotonic_ms's clock, kfleet/monotonic.h). Returns the status; on
 * success *CONN is the connection (kconn_close), otherwise *ERR says why (caller frees). */
enum kconn_status kconn_open(const struct kconn_config *config, const char *host, int port,
                             int64_t deadline_ms, struct kconn **conn, char **err);

void kconn_close(struct kconn *conn);

/* The highest version of API_KEY in [MIN, MAX] that the broker supports, or -1. */
int kconn_api_version(const struct kconn *conn, int api_key, int min, int max);

/* Send one request: header v1 (v2 if FLEXIBLE) with API_KEY/VERSION, then BODY, and
 * wait for its response; *RESPONSE receives the body after the response header (v0, or
 * v1 if FLEXIBLE) and is owned by the caller (kwire_buf_free). */
enum kconn_status kconn_request(struct kconn *conn, int api_key, int version, bool flexible,
                                const struct kwire_buf *body, struct kwire_buf *response,
                                char **err);

/* Requests sent on CONN so far (ApiVersions and SASL included). */
int kconn_requests(const struct kconn *conn);

#endif
