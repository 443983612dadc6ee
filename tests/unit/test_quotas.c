/* Unit tests of agent/quotas and agent/scram without a broker: the DescribeClientQuotas
 * decoder on hand-built v0 and v1 responses (good, truncated, hostile, broker errors),
 * SCRAM against the RFC 7677 test vector, and settings refused before any connection. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agent/quotas.h"
#include "agent/scram.h"

/* A byte vector from string literals; hex escapes end at the literal's end, so a string
 * value starts a new literal: "\x00\x04" "user". */
#define BYTES(lit) .body = (const unsigned char *)(lit), .length = sizeof(lit) - 1

/* v0 primitives. */
#define I32_0 "\x00\x00\x00\x00"
#define NULL16 "\xff\xff"
/* Doubles, big-endian IEEE 754. */
#define F64_1048576 "\x41\x30\x00\x00\x00\x00\x00\x00"
#define F64_2097152 "\x41\x40\x00\x00\x00\x00\x00\x00"
#define F64_50_5 "\x40\x49\x40\x00\x00\x00\x00\x00"
#define F64_25 "\x40\x39\x00\x00\x00\x00\x00\x00"
#define F64_4096 "\x40\xb0\x00\x00\x00\x00\x00\x00"

struct want_part {
	const char *type;
	const char *name; /* NULL: default entity */
};

struct want_value {
	const char *key;
	double value;
};

struct want_quota {
	struct want_part parts[2];
	size_t part_count;
	struct want_value values[2];
	size_t value_count;
};

struct decode_case {
	const char *name;
	int version;
	const unsigned char *body;
	size_t length;
	int status;
	const char *err_has;            /* for failures */
	size_t count;                   /* for successes */
	struct want_quota quotas[3];
};

static const struct decode_case good_cases[] = {
	{ .name = "v0 user", .version = 0,
	  BYTES(I32_0 "\x00\x00" NULL16
	        "\x00\x00\x00\x01"                        /* 1 entry */
	        "\x00\x00\x00\x01" "\x00\x04" "user" "\x00\x05" "alice"
	        "\x00\x00\x00\x01" "\x00\x12" "producer_byte_rate" F64_1048576),
	  .count = 1,
	  .quotas = { { .parts = { { "user", "alice" } }, .part_count = 1,
	                .values = { { "producer_byte_rate", 1048576 } }, .value_count = 1 } } },
	{ .name = "v0 default user, user+client-id, ip", .version = 0,
	  BYTES("\x00\x00\x00\x07" "\x00\x00" NULL16
	        "\x00\x00\x00\x03"
	        "\x00\x00\x00\x01" "\x00\x04" "user" NULL16
	        "\x00\x00\x00\x02" "\x00\x12" "producer_byte_rate" F64_1048576
	        "\x00\x12" "consumer_byte_rate" F64_2097152
	        "\x00\x00\x00\x02" "\x00\x04" "user" "\x00\x03" "bob"
	        "\x00\x09" "client-id" "\x00\x03" "app"
	        "\x00\x00\x00\x01" "\x00\x12" "request_percentage" F64_50_5
	        "\x00\x00\x00\x01" "\x00\x02" "ip" "\x00\x09" "192.0.2.7"
	        "\x00\x00\x00\x01" "\x00\x18" "connection_creation_rate" F64_25),
	  .count = 3,
	  .quotas = { { .parts = { { "user", NULL } }, .part_count = 1,
	                .values = { { "producer_byte_rate", 1048576 },
	                            { "consumer_byte_rate", 2097152 } }, .value_count = 2 },
	              { .parts = { { "user", "bob" }, { "client-id", "app" } }, .part_count = 2,
	                .values = { { "request_percentage", 50.5 } }, .value_count = 1 },
	              { .parts = { { "ip", "192.0.2.7" } }, .part_count = 1,
	                .values = { { "connection_creation_rate", 25 } }, .value_count = 1 } } },
	{ .name = "v0 null entries", .version = 0,
	  BYTES(I32_0 "\x00\x00" NULL16 "\xff\xff\xff\xff"), .count = 0 },
	{ .name = "v0 no entries", .version = 0,
	  BYTES(I32_0 "\x00\x00" "\x00\x00" I32_0), .count = 0 },
	{ .name = "v1 client-id, default client-id with user, tagged fields", .version = 1,
	  BYTES(I32_0 "\x00\x00" "\x00"                  /* compact null message */
	        "\x03"                                    /* 2 entries */
	        "\x02" "\x0a" "client-id" "\x04" "app" "\x00"
	        "\x02" "\x13" "consumer_byte_rate" F64_2097152 "\x00"
	        "\x00"                                    /* entry tags */
	        "\x03" "\x05" "user" "\x06" "alice" "\x00"
	        "\x0a" "client-id" "\x00" "\x01" "\x07\x02" "xy" /* a tagged field to skip */
	        "\x02" "\x13" "producer_byte_rate" F64_4096 "\x00"
	        "\x00"
	        "\x01" "\x00\x01" "z"),                   /* top-level: one tagged field */
	  .count = 2,
	  .quotas = { { .parts = { { "client-id", "app" } }, .part_count = 1,
	                .values = { { "consumer_byte_rate", 2097152 } }, .value_count = 1 },
	              { .parts = { { "user", "alice" }, { "client-id", NULL } }, .part_count = 2,
	                .values = { { "producer_byte_rate", 4096 } }, .value_count = 1 } } },
	{ .name = "v1 empty entries", .version = 1,
	  BYTES(I32_0 "\x00\x00" "\x00" "\x01" "\x00"), .count = 0 },
	{ .name = "v1 null entries", .version = 1,
	  BYTES(I32_0 "\x00\x00" "\x00" "\x00" "\x00"), .count = 0 },
};

static const struct decode_case bad_cases[] = {
	{ .name = "cluster authorization failed", .version = 0,
	  BYTES(I32_0 "\x00\x1f" "\x00\x1d" "Cluster authorization failed." "\xff\xff\xff\xff"),
	  .status = QUOTAS_FAILED,
	  .err_has = "quotas: DescribeClientQuotas failed: CLUSTER_AUTHORIZATION_FAILED (31): "
	             "Cluster authorization failed." },
	{ .name = "unsupported version, no message, v1", .version = 1,
	  BYTES(I32_0 "\x00\x23" "\x00" "\x00" "\x00"), .status = QUOTAS_FAILED,
	  .err_has = "DescribeClientQuotas failed: UNSUPPORTED_VERSION (35)" },
	{ .name = "an error code no table knows", .version = 0,
	  BYTES(I32_0 "\x27\x0f" NULL16 "\xff\xff\xff\xff"), .status = QUOTAS_FAILED,
	  .err_has = "unknown error (9999)" },
	{ .name = "version 2", .version = 2, BYTES(I32_0 "\x00\x00" "\x00" "\x01" "\x00"),
	  .status = QUOTAS_FAILED, .err_has = "v2 is not supported" },
	{ .name = "empty body", .version = 0, BYTES(""), .status = QUOTAS_FAILED,
	  .err_has = "truncated" },
	{ .name = "2^31-1 entries in 4 bytes", .version = 0,
	  BYTES(I32_0 "\x00\x00" NULL16 "\x7f\xff\xff\xff" I32_0), .status = QUOTAS_FAILED,
	  .err_has = "malformed" },
	{ .name = "entry count -2", .version = 0,
	  BYTES(I32_0 "\x00\x00" NULL16 "\xff\xff\xff\xfe"), .status = QUOTAS_FAILED,
	  .err_has = "malformed" },
	{ .name = "string longer than the body", .version = 0,
	  BYTES(I32_0 "\x00\x00" NULL16 "\x00\x00\x00\x01"
	        "\x00\x00\x00\x01" "\x7f\xff" "user" "\x00\x00" "\x00\x00\x00\x00"),
	  .status = QUOTAS_FAILED, .err_has = "malformed" },
	{ .name = "string length -2", .version = 0,
	  BYTES(I32_0 "\x00\x00" NULL16 "\x00\x00\x00\x01"
	        "\x00\x00\x00\x01" "\xff\xfe" "user" "\x00\x00" "\x00\x00\x00\x00"),
	  .status = QUOTAS_FAILED, .err_has = "malformed" },
	{ .name = "null entity type", .version = 0,
	  BYTES(I32_0 "\x00\x00" NULL16 "\x00\x00\x00\x01"
	        "\x00\x00\x00\x01" NULL16 NULL16 "\x00\x00\x00\x00"),
	  .status = QUOTAS_FAILED, .err_has = "malformed" },
	{ .name = "null entity array", .version = 0,
	  BYTES(I32_0 "\x00\x00" NULL16 "\x00\x00\x00\x01" "\xff\xff\xff\xff" I32_0),
	  .status = QUOTAS_FAILED, .err_has = "malformed" },
	{ .name = "NUL inside a name", .version = 0,
	  BYTES(I32_0 "\x00\x00" NULL16 "\x00\x00\x00\x01"
	        "\x00\x00\x00\x01" "\x00\x04" "user" "\x00\x03" "a\0b" I32_0),
	  .status = QUOTAS_FAILED, .err_has = "malformed" },
	{ .name = "trailing byte", .version = 0,
	  BYTES(I32_0 "\x00\x00" NULL16 I32_0 "\x00"), .status = QUOTAS_FAILED,
	  .err_has = "malformed" },
	{ .name = "v1 varint longer than 5 bytes", .version = 1,
	  BYTES(I32_0 "\x00\x00" "\x00" "\xff\xff\xff\xff\xff\x01" "\x00"),
	  .status = QUOTAS_FAILED, .err_has = "malformed" },
	{ .name = "v1 2^32-1 entries", .version = 1,
	  BYTES(I32_0 "\x00\x00" "\x00" "\xff\xff\xff\xff\x0f" "\x00"),
	  .status = QUOTAS_FAILED, .err_has = "malformed" },
	{ .name = "v1 tagged field longer than the body", .version = 1,
	  BYTES(I32_0 "\x00\x00" "\x00" "\x01" "\x01" "\x00\x7f" "ab"),
	  .status = QUOTAS_FAILED, .err_has = "malformed" },
	{ .name = "v1 a million tagged fields", .version = 1,
	  BYTES(I32_0 "\x00\x00" "\x00" "\x01" "\xc0\x84\x3d" "\x00\x00"),
	  .status = QUOTAS_FAILED, .err_has = "malformed" },
	{ .name = "v1 message longer than the body", .version = 1,
	  BYTES(I32_0 "\x00\x00" "\x40" "abc"), .status = QUOTAS_FAILED, .err_has = "truncated" },
};

static void
expect_quotas(const struct decode_case *c, const struct quotas_result *result)
{
	assert_int_equal(result->count, c->count);
	assert_int_equal(result->version, c->version);
	assert_int_equal(result->requests, 0);
	for (size_t i = 0; i < c->count; i++) {
		const struct snapshot_quota *got = &result->quotas[i];
		const struct want_quota *want = &c->quotas[i];

		assert_int_equal(got->part_count, want->part_count);
		for (size_t p = 0; p < want->part_count; p++) {
			assert_string_equal(got->parts[p].entity_type, want->parts[p].type);
			if (want->parts[p].name == NULL)
				assert_null(got->parts[p].entity_name);
			else
				assert_string_equal(got->parts[p].entity_name, want->parts[p].name);
		}
		assert_int_equal(got->value_count, want->value_count);
		for (size_t v = 0; v < want->value_count; v++) {
			assert_string_equal(got->values[v].key, want->values[v].key);
			assert_true(got->values[v].value == want->values[v].value);
		}
	}
}

/* Run the decoder on LENGTH bytes copied to a heap block of exactly that size, so
 * AddressSanitizer sees any read past the end. */
static int
decode_exact(const unsigned char *body, size_t length, int version,
             struct quotas_result **result, char **err)
{
	unsigned char *copy = malloc(length ? length : 1);
	int status;

	assert_non_null(copy);
	if (length > 0)
		memcpy(copy, body, length);
	status = quotas_decode(copy, length, version, result, err);
	free(copy);
	return status;
}

static void
test_decode_good(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof good_cases / sizeof good_cases[0]; i++) {
		const struct decode_case *c = &good_cases[i];
		struct quotas_result *result = NULL;
		char *err = NULL;
		int status = decode_exact(c->body, c->length, c->version, &result, &err);

		if (status != QUOTAS_OK)
			fail_msg("%s: %d: %s", c->name, status, err);
		assert_null(err);
		expect_quotas(c, result);
		quotas_result_free(result);
	}
}

/* Every strict prefix of a good response is refused cleanly (nothing returned). */
static void
test_decode_truncated(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof good_cases / sizeof good_cases[0]; i++) {
		const struct decode_case *c = &good_cases[i];

		for (size_t length = 0; length < c->length; length++) {
			struct quotas_result *result = NULL;
			char *err = NULL;

			if (decode_exact(c->body, length, c->version, &result, &err) != QUOTAS_FAILED)
				fail_msg("%s cut to %zu bytes was accepted", c->name, length);
			assert_null(result);
			assert_non_null(err);
			assert_int_equal(strncmp(err, "quotas: ", 8), 0);
			free(err);
		}
	}
}

static void
test_decode_bad(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
		const struct decode_case *c = &bad_cases[i];
		struct quotas_result *result = NULL;
		char *err = NULL;
		int status = decode_exact(c->body, c->length, c->version, &result, &err);

		if (status != c->status)
			fail_msg("%s: status %d, expected %d", c->name, status, c->status);
		assert_null(result);
		assert_non_null(err);
		if (strstr(err, c->err_has) == NULL)
			fail_msg("%s: '%s' lacks '%s'", c->name, err, c->err_has);
		free(err);
	}
}

/* RFC 7677 section 3: user "user", password "pencil", SCRAM-SHA-256. */
#define RFC7677_NONCE "rOprNGfwEbeRWgbNEkqO"
#define RFC7677_SERVER_FIRST \
	"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"
#define RFC7677_CLIENT_FINAL \
	"c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0," \
	"p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
#define RFC7677_SERVER_FINAL "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="

static void
test_scram_rfc7677(void **state)
{
	struct scram *scram = scram_new("SCRAM-SHA-256");
	char *err = NULL, *first, *final;

	(void)state;
	assert_non_null(scram);
	first = scram_client_first(scram, "user", RFC7677_NONCE, &err);
	assert_string_equal(first, "n,,n=user,r=" RFC7677_NONCE);
	final = scram_client_final(scram, "pencil", RFC7677_SERVER_FIRST,
	                           strlen(RFC7677_SERVER_FIRST), &err);
	assert_non_null(final);
	assert_string_equal(final, RFC7677_CLIENT_FINAL);
	assert_int_equal(scram_verify_server_final(scram, RFC7677_SERVER_FINAL,
	                                           strlen(RFC7677_SERVER_FINAL), &err), 0);
	/* A server that does not know the password cannot sign. */
	{
		static const char forged[] = "v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

		assert_int_equal(scram_verify_server_final(scram, forged, strlen(forged), &err), -1);
	}
	assert_non_null(strstr(err, "signature is wrong"));
	free(err);
	err = NULL;
	assert_int_equal(scram_verify_server_final(scram, "e=invalid-proof", 15, &err), -1);
	assert_non_null(strstr(err, "invalid-proof"));
	free(err);
	free(first);
	free(final);
	scram_free(scram);
}

struct scram_refusal {
	const char *server_first;
	const char *err_has;
};

static const struct scram_refusal scram_refusals[] = {
	{ .server_first = "r=someone-elses-nonce,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
	  .err_has = "does not extend ours" },
	{ .server_first = "r=" RFC7677_NONCE "x,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=1024",
	  .err_has = "iteration count 1024" },
	{ .server_first = "r=" RFC7677_NONCE "x,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=999999999",
	  .err_has = "iteration count" },
	{ .server_first = "r=" RFC7677_NONCE "x,s=not base64!,i=4096", .err_has = "salt" },
	{ .server_first = "r=" RFC7677_NONCE "x,i=4096", .err_has = "lacks" },
	{ .server_first = "m=ext,r=" RFC7677_NONCE "x,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
	  .err_has = "extension" },
	{ .server_first = "garbage", .err_has = "malformed" },
};

static void
test_scram_refusals(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof scram_refusals / sizeof scram_refusals[0]; i++) {
		struct scram *scram = scram_new("SCRAM-SHA-512");
		char *err = NULL, *first = scram_client_first(scram, "user", RFC7677_NONCE, &err);
		const char *server_first = scram_refusals[i].server_first;

		free(first);
		assert_null(scram_client_final(scram, "pencil", server_first, strlen(server_first),
		                               &err));
		if (err == NULL || strstr(err, scram_refusals[i].err_has) == NULL)
			fail_msg("'%s': '%s' lacks '%s'", server_first, err ? err : "(none)",
			         scram_refusals[i].err_has);
		free(err);
		scram_free(scram);
	}
}

/* ',' and '=' in a user name are escaped (RFC 5802 5.1); a random nonce is used. */
static void
test_scram_user_escaping(void **state)
{
	struct scram *scram = scram_new("SCRAM-SHA-512");
	char *err = NULL, *first = scram_client_first(scram, "a=b,c", NULL, &err);

	(void)state;
	assert_non_null(first);
	assert_int_equal(strncmp(first, "n,,n=a=3Db=2Cc,r=", 17), 0);
	assert_true(strlen(first) > 17 + 24);
	free(first);
	scram_free(scram);
	assert_null(scram_new("SCRAM-SHA-1"));
}

struct settings_case {
	const char *name;
	struct kclient_setting settings[4];
	size_t count;
	int status;
	const char *err;                /* the whole message */
};

static const struct settings_case settings_cases[] = {
	{ .name = "SASL without a mechanism is librdkafka's GSSAPI",
	  .settings = { { "bootstrap.servers", "127.0.0.1:1" },
	                { "security.protocol", "SASL_SSL" } },
	  .count = 2, .status = QUOTAS_UNSUPPORTED, .err = "quotas: unsupported with GSSAPI" },
	{ .name = "OAUTHBEARER",
	  .settings = { { "bootstrap.servers", "127.0.0.1:1" },
	                { "security.protocol", "sasl_plaintext" },
	                { "sasl.mechanisms", "OAUTHBEARER" } },
	  .count = 3, .status = QUOTAS_UNSUPPORTED, .err = "quotas: unsupported with OAUTHBEARER" },
	{ .name = "a PKCS#12 keystore",
	  .settings = { { "bootstrap.servers", "127.0.0.1:1" }, { "security.protocol", "SSL" },
	                { "ssl.keystore.location", "/etc/kfleet/client.p12" } },
	  .count = 3, .status = QUOTAS_UNSUPPORTED,
	  .err = "quotas: unsupported with ssl.keystore.location" },
	{ .name = "unknown protocol",
	  .settings = { { "bootstrap.servers", "127.0.0.1:1" },
	                { "security.protocol", "CARRIER_PIGEON" } },
	  .count = 2, .status = QUOTAS_FAILED,
	  .err = "quotas: kafka.security.protocol: unknown value 'CARRIER_PIGEON'" },
	{ .name = "no password",
	  .settings = { { "bootstrap.servers", "127.0.0.1:1" },
	                { "security.protocol", "SASL_PLAINTEXT" }, { "sasl.mechanism", "PLAIN" },
	                { "sasl.username", "kfleet" } },
	  .count = 4, .status = QUOTAS_FAILED,
	  .err = "quotas: kafka.sasl.username and kafka.sasl.password are needed for PLAIN" },
	{ .name = "no bootstrap servers", .settings = { { "client.id", "x" } }, .count = 1,
	  .status = QUOTAS_FAILED, .err = "quotas: kafka.bootstrap.servers: not set" },
	{ .name = "a port that is no port",
	  .settings = { { "bootstrap.servers", "broker:90x2" } }, .count = 1,
	  .status = QUOTAS_FAILED, .err = "quotas: kafka.bootstrap.servers: malformed" },
	{ .name = "only commas", .settings = { { "bootstrap.servers", " , ," } }, .count = 1,
	  .status = QUOTAS_FAILED, .err = "quotas: kafka.bootstrap.servers: malformed" },
	{ .name = "a bad boolean",
	  .settings = { { "bootstrap.servers", "127.0.0.1:1" }, { "security.protocol", "SSL" },
	                { "enable.ssl.certificate.verification", "perhaps" } },
	  .count = 3, .status = QUOTAS_FAILED,
	  .err = "quotas: kafka.enable.ssl.certificate.verification: not a boolean: 'perhaps'" },
};

/* Settings refused before any connection is tried. */
static void
test_settings_refused(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof settings_cases / sizeof settings_cases[0]; i++) {
		const struct settings_case *c = &settings_cases[i];
		struct quotas_result *result = NULL;
		char *err = NULL;
		int status = quotas_describe(c->settings, c->count, 1000, &result, &err);

		if (status != c->status)
			fail_msg("%s: status %d (%s), expected %d", c->name, status, err, c->status);
		assert_null(result);
		assert_string_equal(err, c->err);
		free(err);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_good),
		cmocka_unit_test(test_decode_truncated),
		cmocka_unit_test(test_decode_bad),
		cmocka_unit_test(test_scram_rfc7677),
		cmocka_unit_test(test_scram_refusals),
		cmocka_unit_test(test_scram_user_escaping),
		cmocka_unit_test(test_settings_refused),
	};

	return cmocka_run_group_tests_name("test_quotas", tests, NULL, NULL);
}
