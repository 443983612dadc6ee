/* quotas: DescribeClientQuotas over the agent's own Kafka connection, and its decoder. */
#include "config.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agent/kconn.h"
#include "kfleet/monotonic.h"
#include "kfleet/strfmt.h"
#include "agent/kwire.h"
#include "agent/quotas.h"

#define QUOTAS_API_KEY 48
#define QUOTAS_MAX_VERSION 1
#define QUOTAS_DEFAULT_PORT 9092

static void
quotas_set_err(char **err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	*err = strfmt_v(fmt, ap);
	va_end(ap);
}

void
quotas_result_free(struct quotas_result *result)
{
	if (result == NULL)
		return;
	free(result->quotas);
	free(result->parts_storage);
	free(result->values_storage);
	free(result->strings_storage);
	free(result);
}

/* ------------------------------------------------------------------ decoding */

/* Sizes a decode pass counts, so the fill pass can allocate exactly. */
struct decode_sizes {
	size_t entries;
	size_t parts;
	size_t values;
	size_t string_bytes;    /* with terminating NULs */
};

/* Where the fill pass writes; NULL in the counting pass. */
struct decode_fill {
	struct quotas_result *result;
	size_t parts, values;
	size_t string_used;
};

/* A string of the response: refused if it holds a NUL; copied when filling. *OUT is
 * NULL for a null string. */
static int
decode_string(struct kwire_reader *reader, bool flexible, bool nullable,
              struct decode_sizes *sizes, struct decode_fill *fill, const char **out)
{
	const char *data;
	size_t length;

	*out = NULL;
	if (kwire_get_string(reader, flexible, nullable, &data, &length) < 0)
		return -1;
	if (data == NULL)
		return 0;
	if (memchr(data, '\0', length) != NULL) {
		reader->failed = true;
		return -1;
	}
	sizes->string_bytes += length + 1;
	if (fill != NULL) {
		char *copy = fill->result->strings_storage + fill->string_used;

		memcpy(copy, data, length);
		copy[length] = '\0';
		fill->string_used += length + 1;
		*out = copy;
	}
	return 0;
}

/* The entries array; counts into SIZES, and fills FILL's result when FILL is set. */
static int
decode_entries(struct kwire_reader *reader, bool flexible, struct decode_sizes *sizes,
               struct decode_fill *fill)
{
	size_t entry_count;
	bool is_null;

	if (kwire_get_array_length(reader, flexible, true, flexible ? 3 : 8, &entry_count,
	                           &is_null) < 0)
		return -1;
	sizes->entries = entry_count;
	for (size_t e = 0; e < entry_count; e++) {
		struct snapshot_quota *quota = fill ? &fill->result->quotas[e] : NULL;
		size_t part_count, value_count;

		if (kwire_get_array_length(reader, flexible, false, flexible ? 3 : 4, &part_count,
		                           &is_null) < 0)
			return -1;
		if (quota != NULL) {
			quota->parts = fill->result->parts_storage + fill->parts;
			quota->part_count = part_count;
		}
		for (size_t p = 0; p < part_count; p++) {
			struct snapshot_quota_part *part =
				fill ? &fill->result->parts_storage[fill->parts++] : NULL;
			const char *type, *name;

			if (decode_string(reader, flexible, false, sizes, fill, &type) < 0 ||
			    decode_string(reader, flexible, true, sizes, fill, &name) < 0 ||
			    (flexible && kwire_skip_tags(reader) < 0))
				return -1;
			if (part != NULL) {
				part->entity_type = type;
				part->entity_name = name;
			}
		}
		sizes->parts += part_count;

		if (kwire_get_array_length(reader, flexible, false, 10, &value_count,
		                           &is_null) < 0)
			return -1;
		if (quota != NULL) {
			quota->values = fill->result->values_storage + fill->values;
			quota->value_count = value_count;
		}
		for (size_t v = 0; v < value_count; v++) {
			struct snapshot_quota_value *value =
				fill ? &fill->result->values_storage[fill->values++] : NULL;
			const char *key;
			double number;

			if (decode_string(reader, flexible, false, sizes, fill, &key) < 0 ||
			    kwire_get_f64(reader, &number) < 0 ||
			    (flexible && kwire_skip_tags(reader) < 0))
				return -1;
			if (value != NULL) {
				value->key = key;
				value->value = number;
			}
		}
		sizes->values += value_count;
		if (flexible && kwire_skip_tags(reader) < 0)
			return -1;
	}
	if (flexible && kwire_skip_tags(reader) < 0)
		return -1;
	return reader->left == 0 ? 0 : -1; /* trailing bytes: not the version we asked for */
}

/* Allocate RESULT's arrays for SIZES (at least one byte each, so NULL means failure). */
static int
decode_allocate(struct quotas_result *result, const struct decode_sizes *sizes)
{
	result->quotas = calloc(sizes->entries + 1, sizeof *result->quotas);
	result->parts_storage = calloc(sizes->parts + 1, sizeof *result->parts_storage);
	result->values_storage = calloc(sizes->values + 1, sizeof *result->values_storage);
	result->strings_storage = malloc(sizes->string_bytes + 1);
	return result->quotas && result->parts_storage && result->values_storage &&
	       result->strings_storage ? 0 : -1;
}

int
quotas_decode(const unsigned char *body, size_t length, int version,
              struct quotas_result **result, char **err)
{
	bool flexible = version >= 1;
	struct kwire_reader reader;
	struct decode_sizes sizes = { 0 }, filled = { 0 };
	struct decode_fill fill = { 0 };
	const unsigned char *entries_at;
	size_t entries_left;
	int32_t throttle_ms;
	int16_t error_code;
	const char *message;
	size_t message_length;

	*result = NULL;
	if (version < 0 || version > QUOTAS_MAX_VERSION) {
		quotas_set_err(err, "quotas: DescribeClientQuotas v%d is not supported", version);
		return QUOTAS_FAILED;
	}
	kwire_reader_init(&reader, body, length);
	if (kwire_get_i32(&reader, &throttle_ms) < 0 || kwire_get_i16(&reader, &error_code) < 0 ||
	    kwire_get_string(&reader, flexible, true, &message, &message_length) < 0) {
		quotas_set_err(err, "quotas: malformed DescribeClientQuotas response (truncated "
		               "header)");
		return QUOTAS_FAILED;
	}
	if (error_code != 0) {
		const char *name = kwire_error_name(error_code);

		quotas_set_err(err, "quotas: DescribeClientQuotas failed: %s (%d)%s%.*s",
		               name ? name : "unknown error", error_code, message ? ": " : "",
		               (int)message_length, message ? message : "");
		return QUOTAS_FAILED;
	}
	/* Pass 1 counts and validates; pass 2 fills exactly sized arrays. */
	entries_at = reader.at;
	entries_left = reader.left;
	if (decode_entries(&reader, flexible, &sizes, NULL) < 0) {
		quotas_set_err(err, "quotas: malformed DescribeClientQuotas v%d response (%zu bytes)",
		               version, length);
		return QUOTAS_FAILED;
	}
	fill.result = calloc(1, sizeof *fill.result);
	if (fill.result == NULL || decode_allocate(fill.result, &sizes) < 0) {
		quotas_result_free(fill.result);
		quotas_set_err(err, "quotas: out of memory");
		return QUOTAS_FAILED;
	}
	kwire_reader_init(&reader, entries_at, entries_left);
	decode_entries(&reader, flexible, &filled, &fill); /* cannot fail: the bytes passed */
	fill.result->count = sizes.entries;
	fill.result->version = version;
	*result = fill.result;
	return QUOTAS_OK;
}

/* ------------------------------------------------------------------ settings */

/* The settings this client reads, as given (borrowed from the caller's array). */
struct quotas_settings {
	const char *bootstrap;
	const char *protocol;
	const char *mechanism;
	const char *username;
	const char *password;
	const char *client_id;
	const char *ca_location;
	const char *certificate_location;
	const char *key_location;
	const char *key_password;
	const char *verify;
	const char *identification;
	const char *unsupported_tls;    /* the first TLS setting this client cannot honour */
};

static const struct {
	const char *key;
	size_t offset;
} quotas_keys[] = {
	{ .key = "bootstrap.servers", .offset = offsetof(struct quotas_settings, bootstrap) },
	{ .key = "metadata.broker.list", .offset = offsetof(struct quotas_settings, bootstrap) },
	{ .key = "security.protocol", .offset = offsetof(struct quotas_settings, protocol) },
	{ .key = "sasl.mechanism", .offset = offsetof(struct quotas_settings, mechanism) },
	{ .key = "sasl.mechanisms", .offset = offsetof(struct quotas_settings, mechanism) },
	{ .key = "sasl.username", .offset = offsetof(struct quotas_settings, username) },
	{ .key = "sasl.password", .offset = offsetof(struct quotas_settings, password) },
	{ .key = "client.id", .offset = offsetof(struct quotas_settings, client_id) },
	{ .key = "ssl.ca.location", .offset = offsetof(struct quotas_settings, ca_location) },
	{ .key = "ssl.certificate.location",
	  .offset = offsetof(struct quotas_settings, certificate_location) },
	{ .key = "ssl.key.location", .offset = offsetof(struct quotas_settings, key_location) },
	{ .key = "ssl.key.password", .offset = offsetof(struct quotas_settings, key_password) },
	{ .key = "enable.ssl.certificate.verification",
	  .offset = offsetof(struct quotas_settings, verify) },
	{ .key = "ssl.endpoint.identification.algorithm",
	  .offset = offsetof(struct quotas_settings, identification) },
};

/* TLS settings that change whom we trust or who we are, which this client does not
 * implement: honouring none of them silently would be wrong. */
static const char *const quotas_unsupported_tls[] = {
	"ssl.keystore.location", "ssl.ca.pem", "ssl.certificate.pem", "ssl.key.pem",
	"ssl.crl.location", "ssl.engine.location", "ssl.engine.id", "ssl.providers",
	"ssl.ca.certificate.stores",
};

static void
quotas_read_settings(const struct kclient_setting *settings, size_t count,
                     struct quotas_settings *out)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < count; i++) {
		const char *key = settings[i].key;

		if (key == NULL)
			continue;
		for (size_t k = 0; k < sizeof quotas_keys / sizeof quotas_keys[0]; k++)
			if (strcmp(key, quotas_keys[k].key) == 0)
				*(const char **)((char *)out + quotas_keys[k].offset) = settings[i].value;
		for (size_t k = 0; k < sizeof quotas_unsupported_tls / sizeof quotas_unsupported_tls[0];
		     k++)
			if (out->unsupported_tls == NULL && strcmp(key, quotas_unsupported_tls[k]) == 0)
				out->unsupported_tls = quotas_unsupported_tls[k];
	}
}

/* A librdkafka boolean: *OUT, or -1 when VALUE is none. */
static int
quotas_parse_bool(const char *value, bool *out)
{
	if (strcasecmp(value, "true") == 0 || strcmp(value, "1") == 0)
		*out = true;
	else if (strcasecmp(value, "false") == 0 || strcmp(value, "0") == 0)
		*out = false;
	else
		return -1;
	return 0;
}

/* Turn SETTINGS into a connection configuration; a status and *ERR when they cannot. */
static int
quotas_config(const struct quotas_settings *s, struct kconn_config *config, char **err)
{
	static const struct {
		const char *name;
		enum kconn_security security;
	} protocols[] = {
		{ .name = "PLAINTEXT", .security = KCONN_PLAINTEXT },
		{ .name = "SSL", .security = KCONN_SSL },
		{ .name = "SASL_PLAINTEXT", .security = KCONN_SASL_PLAINTEXT },
		{ .name = "SASL_SSL", .security = KCONN_SASL_SSL },
	};
	static const struct {
		const char *name;
		enum kconn_mechanism mechanism;
	} mechanisms[] = {
		{ .name = "PLAIN", .mechanism = KCONN_PLAIN },
		{ .name = "SCRAM-SHA-256", .mechanism = KCONN_SCRAM_SHA_256 },
		{ .name = "SCRAM-SHA-512", .mechanism = KCONN_SCRAM_SHA_512 },
	};
	const char *protocol = s->protocol ? s->protocol : "PLAINTEXT";
	bool found = false, sasl, tls;

	memset(config, 0, sizeof *config);
	for (size_t i = 0; i < sizeof protocols / sizeof protocols[0]; i++)
		if (strcasecmp(protocol, protocols[i].name) == 0) {
			config->security = protocols[i].security;
			found = true;
		}
	if (!found) {
		quotas_set_err(err, "quotas: kafka.security.protocol: unknown value '%s'", protocol);
		return QUOTAS_FAILED;
	}
	sasl = config->security == KCONN_SASL_PLAINTEXT || config->security == KCONN_SASL_SSL;
	tls = config->security == KCONN_SSL || config->security == KCONN_SASL_SSL;
	if (sasl) {
		/* librdkafka's default mechanism is GSSAPI. */
		const char *mechanism = s->mechanism ? s->mechanism : "GSSAPI";

		found = false;
		for (size_t i = 0; i < sizeof mechanisms / sizeof mechanisms[0]; i++)
			if (strcasecmp(mechanism, mechanisms[i].name) == 0) {
				config->mechanism = mechanisms[i].mechanism;
				found = true;
			}
		if (!found) {
			quotas_set_err(err, "quotas: unsupported with %s", mechanism);
			return QUOTAS_UNSUPPORTED;
		}
		if (s->username == NULL || s->password == NULL) {
			quotas_set_err(err, "quotas: kafka.sasl.username and kafka.sasl.password are "
			               "needed for %s", mechanism);
			return QUOTAS_FAILED;
		}
		config->username = s->username;
		config->password = s->password;
	}
	if (tls) {
		if (s->unsupported_tls != NULL) {
			quotas_set_err(err, "quotas: unsupported with %s", s->unsupported_tls);
			return QUOTAS_UNSUPPORTED;
		}
		config->ssl_verify = true;
		if (s->verify != NULL && quotas_parse_bool(s->verify, &config->ssl_verify) < 0) {
			quotas_set_err(err, "quotas: kafka.enable.ssl.certificate.verification: not a "
			               "boolean: '%s'", s->verify);
			return QUOTAS_FAILED;
		}
		/* librdkafka 2.x checks the host name by default. */
		config->ssl_check_hostname = true;
		if (s->identification != NULL) {
			if (strcasecmp(s->identification, "none") == 0) {
				config->ssl_check_hostname = false;
			} else if (strcasecmp(s->identification, "https") != 0) {
				quotas_set_err(err, "quotas: kafka.ssl.endpoint.identification.algorithm: "
				               "unknown value '%s'", s->identification);
				return QUOTAS_FAILED;
			}
		}
		/* "probe" asks librdkafka to search the usual places: OpenSSL's defaults. */
		if (s->ca_location != NULL && strcmp(s->ca_location, "probe") != 0)
			config->ssl_ca_location = s->ca_location;
		config->ssl_certificate_location = s->certificate_location;
		config->ssl_key_location = s->key_location;
		config->ssl_key_password = s->key_password;
	}
	config->client_id = s->client_id ? s->client_id : "kfleet-agent";
	return QUOTAS_OK;
}

/* One bootstrap server: HOST (owned) and PORT. */
struct quotas_server {
	char *host;
	int port;
};

/* Split LIST ("host:port,[v6]:port,SASL_SSL://host:port") into servers (caller frees
 * with quotas_free_servers); -1 when an entry is malformed or memory ran out. */
static int
quotas_parse_servers(const char *list, struct quotas_server **out, size_t *count)
{
	struct quotas_server *servers = NULL;
	size_t n = 0;
	const char *at = list;

	*out = NULL;
	*count = 0;
	while (*at) {
		size_t length = strcspn(at, ", \t");
		const char *entry = at, *scheme, *host, *colon;
		size_t host_length;
		long port = QUOTAS_DEFAULT_PORT;
		struct quotas_server *grown;

		at += length;
		at += strspn(at, ", \t");
		if (length == 0)
			continue;
		scheme = memmem(entry, length, "://", 3);
		if (scheme != NULL) {
			length -= (size_t)(scheme + 3 - entry);
			entry = scheme + 3;
		}
		host = entry;
		host_length = length;
		if (length > 0 && entry[0] == '[') {
			const char *close = memchr(entry, ']', length);

			if (close == NULL)
				goto malformed;
			host = entry + 1;
			host_length = (size_t)(close - host);
			colon = close + 1 < entry + length && close[1] == ':' ? close + 1 : NULL;
			if (close + 1 < entry + length && colon == NULL)
				goto malformed;
		} else {
			colon = memchr(entry, ':', length);
			/* An IPv6 address without brackets has more colons: no port then. */
			if (colon != NULL && memchr(colon + 1, ':', length - (size_t)(colon + 1 - entry)))
				colon = NULL;
			else if (colon != NULL)
				host_length = (size_t)(colon - entry);
		}
		if (colon != NULL) {
			char digits[8];
			size_t digits_length = length - (size_t)(colon + 1 - entry);
			char *tail;

			if (digits_length == 0 || digits_length >= sizeof digits)
				goto malformed;
			memcpy(digits, colon + 1, digits_length);
			digits[digits_length] = '\0';
			port = strtol(digits, &tail, 10);
			if (*tail != '\0' || port < 1 || port > 65535)
				goto malformed;
		}
		if (host_length == 0)
			goto malformed;
		grown = realloc(servers, (n + 1) * sizeof *servers);
		if (grown == NULL)
			goto malformed;
		servers = grown;
		servers[n].host = strndup(host, host_length);
		servers[n].port = (int)port;
		if (servers[n++].host == NULL)
			goto malformed;
	}
	*out = servers;
	*count = n;
	return n > 0 ? 0 : -1;

malformed:
	for (size_t i = 0; i < n; i++)
		free(servers[i].host);
	free(servers);
	return -1;
}

static void
quotas_free_servers(struct quotas_server *servers, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(servers[i].host);
	free(servers);
}

/* ------------------------------------------------------------------ describe */

/* DescribeClientQuotas with an empty filter, on CONN. */
static int
quotas_describe_on(struct kconn *conn, struct quotas_result **result, char **err)
{
	int version = kconn_api_version(conn, QUOTAS_API_KEY, 0, QUOTAS_MAX_VERSION);
	bool flexible = version >= 1;
	struct kwire_buf body = { 0 }, response = { 0 };
	char *cause = NULL;
	int status;

	if (version < 0) {
		quotas_set_err(err, "quotas: unsupported by the broker (no DescribeClientQuotas "
		               "v0-1: Kafka 2.6 or later is needed)");
		return QUOTAS_UNSUPPORTED;
	}
	/* Components = [] with Strict = false matches every entity (see doc/kafka-compat.md). */
	kwire_put_array_length(&body, 0, flexible);
	kwire_put_i8(&body, 0);
	if (flexible)
		kwire_put_no_tags(&body);
	status = kconn_request(conn, QUOTAS_API_KEY, version, flexible, &body, &response, &cause);
	kwire_buf_free(&body);
	if (status != KCONN_OK) {
		quotas_set_err(err, "quotas: %s", cause ? cause : "request failed");
		free(cause);
		return QUOTAS_FAILED;
	}
	status = quotas_decode(response.data, response.length, version, result, err);
	kwire_buf_free(&response);
	return status;
}

int
quotas_describe(const struct kclient_setting *settings, size_t count, int timeout_ms,
                struct quotas_result **result, char **err)
{
	struct quotas_settings s;
	struct kconn_config config;
	struct quotas_server *servers;
	size_t server_count;
	int64_t deadline = monotonic_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	char *failures = NULL;
	int status;

	*result = NULL;
	quotas_read_settings(settings, count, &s);
	status = quotas_config(&s, &config, err);
	if (status != QUOTAS_OK)
		return status;
	if (s.bootstrap == NULL ||
	    quotas_parse_servers(s.bootstrap, &servers, &server_count) < 0) {
		quotas_set_err(err, "quotas: kafka.bootstrap.servers: %s",
		               s.bootstrap ? "malformed" : "not set");
		return QUOTAS_FAILED;
	}
	status = QUOTAS_FAILED;
	for (size_t i = 0; i < server_count; i++) {
		int64_t now = monotonic_ms(), left = deadline - now;
		struct kconn *conn = NULL;
		char *cause = NULL, *joined = NULL;
		enum kconn_status opened;

		if (left <= 0) {
			opened = KCONN_NETWORK;
			if (asprintf(&cause, "%s:%d: not tried, out of time", servers[i].host,
			             servers[i].port) < 0)
				cause = NULL;
		} else {
			/* Share the time left among the servers still to try. */
			opened = kconn_open(&config, servers[i].host, servers[i].port,
			                    now + left / (int64_t)(server_count - i), &conn, &cause);
		}
		if (opened == KCONN_OK) {
			status = quotas_describe_on(conn, result, err);
			if (*result != NULL)
				(*result)->requests = kconn_requests(conn);
			kconn_close(conn);
			free(cause);
			break;
		}
		if (asprintf(&joined, "%s%s%s", failures ? failures : "", failures ? "; " : "",
		             cause ? cause : "failed") < 0)
			joined = NULL;
		free(failures);
		free(cause);
		failures = joined;
		if (opened == KCONN_REFUSED) {
			quotas_set_err(err, "quotas: %s", failures ? failures : "refused");
			break;
		}
		if (i + 1 == server_count)
			quotas_set_err(err, "quotas: no broker answered: %s", failures ? failures : "");
	}
	free(failures);
	quotas_free_servers(servers, server_count);
	return status;
}
