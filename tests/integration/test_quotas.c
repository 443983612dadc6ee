/* Integration test of agent/quotas against the real broker of tests/kafka/harness:
 * quotas set with Kafka's own kafka-configs come back from quotas_describe exactly, over
 * PLAINTEXT, SASL_PLAINTEXT with PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512, SSL (with and
 * without a client certificate) and SASL_SSL with the same mechanisms; a wrong password,
 * a denied user, an unsupported mechanism, an untrusted CA and a host name the
 * certificate does not name fail the way the agent expects.
 *
 * The tests share one fixture (the quotas set in setup, removed in teardown) and run
 * in order. Needs the harness's environment (tests/run-test or `harness run`). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "agent/quotas.h"

#define DESCRIBE_TIMEOUT_MS 10000
#define SETTLE_SECONDS 20 /* how long the broker may take to apply a change */

struct expected_part {
	const char *type;
	const char *name; /* NULL: the default entity */
};

struct expected_value {
	const char *key;
	double value;
};

/* One quota the test sets, as kafka-configs arguments and as quotas_describe's entry. */
struct expected_quota {
	const char *entity_args;        /* kafka-configs --entity-* arguments */
	const char *config;             /* --add-config value */
	const char *delete_keys;        /* --delete-config value */
	struct expected_part parts[2];
	size_t part_count;
	struct expected_value values[2];
	size_t value_count;
};

/* An IP from TEST-NET-1 (RFC 5737), so the quota never throttles the test's own
 * connections. */
static const struct expected_quota expected[] = {
	{ .entity_args = "--entity-type users --entity-name alice",
	  .config = "producer_byte_rate=1048576", .delete_keys = "producer_byte_rate",
	  .parts = { { "user", "alice" } }, .part_count = 1,
	  .values = { { "producer_byte_rate", 1048576 } }, .value_count = 1 },
	{ .entity_args = "--entity-type clients --entity-name app",
	  .config = "consumer_byte_rate=2097152", .delete_keys = "consumer_byte_rate",
	  .parts = { { "client-id", "app" } }, .part_count = 1,
	  .values = { { "consumer_byte_rate", 2097152 } }, .value_count = 1 },
	{ .entity_args = "--entity-type users --entity-name alice --entity-type clients "
	                 "--entity-name app",
	  .config = "producer_byte_rate=4096,request_percentage=50.5",
	  .delete_keys = "producer_byte_rate,request_percentage",
	  .parts = { { "user", "alice" }, { "client-id", "app" } }, .part_count = 2,
	  .values = { { "producer_byte_rate", 4096 }, { "request_percentage", 50.5 } },
	  .value_count = 2 },
	{ .entity_args = "--entity-type users --entity-default",
	  .config = "producer_byte_rate=104857600", .delete_keys = "producer_byte_rate",
	  .parts = { { "user", NULL } }, .part_count = 1,
	  .values = { { "producer_byte_rate", 104857600 } }, .value_count = 1 },
	{ .entity_args = "--entity-type ips --entity-name 192.0.2.7",
	  .config = "connection_creation_rate=25", .delete_keys = "connection_creation_rate",
	  .parts = { { "ip", "192.0.2.7" } }, .part_count = 1,
	  .values = { { "connection_creation_rate", 25 } }, .value_count = 1 },
};
#define EXPECTED_COUNT (sizeof expected / sizeof expected[0])

static const char *
env_required(const char *name)
{
	const char *value = getenv(name);

	if (value == NULL || *value == '\0') {
		fprintf(stderr, "test_quotas: %s is not set: run through tests/run-test or "
		                "tests/kafka/harness run\n", name);
		exit(1);
	}
	return value;
}

/* The harness script: from the source tree make check uses, or the one built against. */
static char *
harness_command(const char *tool)
{
	const char *srcdir = getenv("KFLEET_SRCDIR");
	char *command = NULL;

	if (asprintf(&command, "'%s/tests/kafka/harness' %s --dir '%s'",
	             srcdir && *srcdir ? srcdir : KFLEET_ABS_SRCDIR, tool,
	             env_required("KAFKA_HARNESS_DIR")) < 0)
		fail_msg("out of memory");
	return command;
}

/* Run kafka-configs once per expected quota, all at once (each is a JVM start); ADD
 * sets them, otherwise they are deleted. */
static void
configs_all(int add)
{
	char *tool = harness_command("configs");
	char script[8192] = "status=0; ";
	size_t used = strlen(script);

	for (size_t i = 0; i < EXPECTED_COUNT; i++)
		used += (size_t)snprintf(script + used, sizeof script - used,
		                         "%s --alter %s '%s' %s >/dev/null & p%zu=$!; ", tool,
		                         add ? "--add-config" : "--delete-config",
		                         add ? expected[i].config : expected[i].delete_keys,
		                         expected[i].entity_args, i);
	for (size_t i = 0; i < EXPECTED_COUNT; i++)
		used += (size_t)snprintf(script + used, sizeof script - used,
		                         "wait $p%zu || status=1; ", i);
	snprintf(script + used, sizeof script - used, "exit $status");
	assert_true(used < sizeof script - 16);
	free(tool);
	if (system(script) != 0)
		fail_msg("kafka-configs failed (%s the quotas)", add ? "setting" : "deleting");
}

static int
parts_match(const struct snapshot_quota *got, const struct expected_quota *want)
{
	if (got->part_count != want->part_count || got->value_count != want->value_count)
		return 0;
	for (size_t p = 0; p < want->part_count; p++) {
		int found = 0;

		for (size_t g = 0; g < got->part_count && !found; g++) {
			const struct snapshot_quota_part *part = &got->parts[g];

			found = strcmp(part->entity_type, want->parts[p].type) == 0 &&
			        (part->entity_name == NULL) == (want->parts[p].name == NULL) &&
			        (part->entity_name == NULL ||
			         strcmp(part->entity_name, want->parts[p].name) == 0);
		}
		if (!found)
			return 0;
	}
	for (size_t v = 0; v < want->value_count; v++) {
		int found = 0;

		for (size_t g = 0; g < got->value_count && !found; g++)
			found = strcmp(got->values[g].key, want->values[v].key) == 0 &&
			        got->values[g].value == want->values[v].value;
		if (!found)
			return 0;
	}
	return 1;
}

/* Whether every part of Q names an entity this test sets quotas on (alice, app,
 * 192.0.2.7 or a default): other tests share the broker and set quotas of their own. */
static int
is_ours(const struct snapshot_quota *q)
{
	static const char *const ours[] = { "alice", "app", "192.0.2.7" };

	for (size_t p = 0; p < q->part_count; p++) {
		int known = q->parts[p].entity_name == NULL;

		for (size_t i = 0; i < sizeof ours / sizeof ours[0] && !known; i++)
			known = strcmp(q->parts[p].entity_name, ours[i]) == 0;
		if (!known)
			return 0;
	}
	return 1;
}

/* Whether RESULT holds exactly the expected quotas among those on this test's
 * entities (any order). */
static int
result_is_expected(const struct quotas_result *result)
{
	size_t ours = 0;

	for (size_t i = 0; i < result->count; i++)
		ours += is_ours(&result->quotas[i]);
	if (ours != EXPECTED_COUNT)
		return 0;
	for (size_t e = 0; e < EXPECTED_COUNT; e++) {
		int found = 0;

		for (size_t i = 0; i < result->count && !found; i++)
			found = parts_match(&result->quotas[i], &expected[e]);
		if (!found)
			return 0;
	}
	return 1;
}

static void
print_result(const struct quotas_result *result)
{
	for (size_t i = 0; i < result->count; i++) {
		const struct snapshot_quota *q = &result->quotas[i];

		print_message("  entry %zu:", i);
		for (size_t p = 0; p < q->part_count; p++)
			print_message(" %s=%s", q->parts[p].entity_type,
			              q->parts[p].entity_name ? q->parts[p].entity_name : "<default>");
		for (size_t v = 0; v < q->value_count; v++)
			print_message(" %s:%g", q->values[v].key, q->values[v].value);
		print_message("\n");
	}
}

static double
elapsed_ms(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - since->tv_sec) * 1e3 + (double)(now.tv_nsec - since->tv_nsec) / 1e6;
}

/* quotas_describe with SETTINGS until it returns the expected quotas (the broker applies
 * kafka-configs changes a moment after they return); fails the test otherwise. Returns
 * the requests of the last describe. */
static int
describe_expected(const struct kclient_setting *settings, size_t count, const char *label)
{
	time_t deadline = time(NULL) + SETTLE_SECONDS;

	for (;;) {
		struct quotas_result *result = NULL;
		struct timespec start;
		char *err = NULL;
		int status, requests;
		double ms;

		clock_gettime(CLOCK_MONOTONIC, &start);
		status = quotas_describe(settings, count, DESCRIBE_TIMEOUT_MS, &result, &err);
		ms = elapsed_ms(&start);
		if (status != QUOTAS_OK)
			fail_msg("%s: quotas_describe: %d: %s", label, status, err);
		if (result_is_expected(result)) {
			print_message("%s: %zu quotas in %.1f ms, %d requests, DescribeClientQuotas v%d\n",
			              label, result->count, ms, result->requests, result->version);
			requests = result->requests;
			quotas_result_free(result);
			return requests;
		}
		if (time(NULL) >= deadline) {
			print_message("%s: got %zu entries:\n", label, result->count);
			print_result(result);
			quotas_result_free(result);
			fail_msg("%s: not the expected quotas after %d s", label, SETTLE_SECONDS);
		}
		quotas_result_free(result);
		usleep(200 * 1000);
	}
}

static int
quotas_setup(void **state)
{
	(void)state;
	configs_all(1);
	return 0;
}

static int
quotas_teardown(void **state)
{
	(void)state;
	configs_all(0);
	return 0;
}

/* PLAINTEXT: ApiVersions and DescribeClientQuotas, nothing else. */
static void
test_plaintext(void **state)
{
	const struct kclient_setting settings[] = {
		{ "bootstrap.servers", env_required("KAFKA_BOOTSTRAP") },
		{ "client.id", "kfleet-test-quotas" },
		{ "statistics.interval.ms", "1000" }, /* a librdkafka key: ignored */
	};

	(void)state;
	assert_int_equal(describe_expected(settings, 3, "PLAINTEXT"), 2);
}

/* A dead first bootstrap server is skipped for the next. */
static void
test_bootstrap_failover(void **state)
{
	char *servers = NULL;

	(void)state;
	if (asprintf(&servers, "127.0.0.1:1, PLAINTEXT://%s", env_required("KAFKA_BOOTSTRAP")) < 0)
		fail_msg("out of memory");
	{
		const struct kclient_setting settings[] = { { "bootstrap.servers", servers } };

		describe_expected(settings, 1, "failover");
	}
	free(servers);
}

/* No broker answers: one message naming each. */
static void
test_unreachable(void **state)
{
	const struct kclient_setting settings[] = { { "bootstrap.servers", "127.0.0.1:1,127.0.0.1:2" } };
	struct quotas_result *result = NULL;
	char *err = NULL;

	(void)state;
	assert_int_equal(quotas_describe(settings, 1, 2000, &result, &err), QUOTAS_FAILED);
	assert_null(result);
	assert_non_null(strstr(err, "quotas: no broker answered"));
	assert_non_null(strstr(err, "127.0.0.1:1"));
	assert_non_null(strstr(err, "127.0.0.1:2"));
	free(err);
}

static void
sasl_settings(struct kclient_setting *settings, const char *mechanism, const char *user,
              const char *password)
{
	settings[0] = (struct kclient_setting){ "bootstrap.servers",
		                                env_required("KAFKA_SASL_BOOTSTRAP") };
	settings[1] = (struct kclient_setting){ "security.protocol", "SASL_PLAINTEXT" };
	settings[2] = (struct kclient_setting){ "sasl.mechanism", mechanism };
	settings[3] = (struct kclient_setting){ "sasl.username", user };
	settings[4] = (struct kclient_setting){ "sasl.password", password };
}

/* The SASL mechanisms this client speaks, the harness's user for each, and the requests
 * a describe takes: ApiVersions, SaslHandshake, SaslAuthenticate (once for PLAIN, twice
 * for SCRAM), DescribeClientQuotas. */
static const struct {
	const char *mechanism;
	const char *user_env, *password_env;
	int requests;
} sasl_cases[] = {
	{ .mechanism = "PLAIN", .user_env = "KAFKA_SASL_USER",
	  .password_env = "KAFKA_SASL_PASSWORD", .requests = 4 },
	{ .mechanism = "SCRAM-SHA-256", .user_env = "KAFKA_SCRAM_USER",
	  .password_env = "KAFKA_SCRAM_PASSWORD", .requests = 5 },
	{ .mechanism = "SCRAM-SHA-512", .user_env = "KAFKA_SCRAM_USER",
	  .password_env = "KAFKA_SCRAM_PASSWORD", .requests = 5 },
};
#define SASL_CASE_COUNT (sizeof sasl_cases / sizeof sasl_cases[0])

/* SASL over SASL_PLAINTEXT, each mechanism. */
static void
test_sasl(void **state)
{
	(void)state;
	for (size_t i = 0; i < SASL_CASE_COUNT; i++) {
		struct kclient_setting settings[5];

		sasl_settings(settings, sasl_cases[i].mechanism, env_required(sasl_cases[i].user_env),
		              env_required(sasl_cases[i].password_env));
		assert_int_equal(describe_expected(settings, 5, sasl_cases[i].mechanism),
		                 sasl_cases[i].requests);
	}
}

/* SETTINGS for TLS to BOOTSTRAP (a host:port list) with PROTOCOL, trusting CA; SASL
 * credentials when MECHANISM is not NULL. Returns how many settings were set (at most
 * 8). */
static size_t
tls_settings(struct kclient_setting *settings, const char *bootstrap, const char *protocol,
             const char *ca, const char *mechanism, const char *user, const char *password)
{
	size_t n = 0;

	settings[n++] = (struct kclient_setting){ "bootstrap.servers", bootstrap };
	settings[n++] = (struct kclient_setting){ "security.protocol", protocol };
	settings[n++] = (struct kclient_setting){ "ssl.ca.location", ca };
	if (mechanism != NULL) {
		settings[n++] = (struct kclient_setting){ "sasl.mechanism", mechanism };
		settings[n++] = (struct kclient_setting){ "sasl.username", user };
		settings[n++] = (struct kclient_setting){ "sasl.password", password };
	}
	return n;
}

/* SSL: the TLS handshake (the broker's certificate checked against KAFKA_SSL_CA, its
 * host name too, librdkafka's default), then ApiVersions and DescribeClientQuotas; also
 * with the client certificate the listener requests (mutual TLS). */
static void
test_ssl(void **state)
{
	struct kclient_setting settings[10];
	size_t n;

	(void)state;
	n = tls_settings(settings, env_required("KAFKA_SSL_BOOTSTRAP"), "SSL",
	                 env_required("KAFKA_SSL_CA"), NULL, NULL, NULL);
	assert_int_equal(describe_expected(settings, n, "SSL"), 2);

	settings[n++] = (struct kclient_setting){ "ssl.certificate.location",
		                                  env_required("KAFKA_SSL_CLIENT_CERT") };
	settings[n++] = (struct kclient_setting){ "ssl.key.location",
		                                  env_required("KAFKA_SSL_CLIENT_KEY") };
	assert_int_equal(describe_expected(settings, n, "SSL, client certificate"), 2);
}

/* SASL_SSL: the SASL exchange of test_sasl inside TLS. */
static void
test_sasl_ssl(void **state)
{
	(void)state;
	for (size_t i = 0; i < SASL_CASE_COUNT; i++) {
		struct kclient_setting settings[8];
		char label[64];
		size_t n = tls_settings(settings, env_required("KAFKA_SASL_SSL_BOOTSTRAP"), "SASL_SSL",
		                        env_required("KAFKA_SSL_CA"), sasl_cases[i].mechanism,
		                        env_required(sasl_cases[i].user_env),
		                        env_required(sasl_cases[i].password_env));

		snprintf(label, sizeof label, "SASL_SSL %s", sasl_cases[i].mechanism);
		assert_int_equal(describe_expected(settings, n, label), sasl_cases[i].requests);
	}
}

/* quotas_describe with SETTINGS fails before any request, with a message holding WANT. */
static void
describe_refused(const struct kclient_setting *settings, size_t count, const char *label,
                 const char *want)
{
	struct quotas_result *result = NULL;
	char *err = NULL;

	assert_int_equal(quotas_describe(settings, count, DESCRIBE_TIMEOUT_MS, &result, &err),
	                 QUOTAS_FAILED);
	assert_null(result);
	print_message("%s: %s\n", label, err);
	if (strstr(err, want) == NULL)
		fail_msg("%s: '%s' is not in: %s", label, want, err);
	free(err);
}

/* A CA that did not sign the broker's certificate: refused during the handshake, on
 * either TLS listener, with a message that says it was the certificate. */
static void
test_ssl_untrusted_ca(void **state)
{
	struct kclient_setting settings[8];
	size_t n;

	(void)state;
	n = tls_settings(settings, env_required("KAFKA_SSL_BOOTSTRAP"), "SSL",
	                 env_required("KAFKA_SSL_UNTRUSTED_CA"), NULL, NULL, NULL);
	describe_refused(settings, n, "SSL, untrusted CA",
	                 "TLS: certificate verification failed: self-signed certificate in "
	                 "certificate chain");
	n = tls_settings(settings, env_required("KAFKA_SASL_SSL_BOOTSTRAP"), "SASL_SSL",
	                 env_required("KAFKA_SSL_UNTRUSTED_CA"), "SCRAM-SHA-512",
	                 env_required("KAFKA_SCRAM_USER"), env_required("KAFKA_SCRAM_PASSWORD"));
	describe_refused(settings, n, "SASL_SSL, untrusted CA", "TLS: certificate verification failed");
}

/* BOOTSTRAP_ENV's first server, its host replaced by HOST: "HOST:port" (caller frees). */
static char *
first_server_as(const char *bootstrap_env, const char *host)
{
	const char *servers = env_required(bootstrap_env);
	const char *colon = strchr(servers, ':');
	char *server = NULL;

	assert_non_null(colon);
	if (asprintf(&server, "%s:%d", host, atoi(colon + 1)) < 0)
		fail_msg("out of memory");
	return server;
}

/* Host name verification (ssl.endpoint.identification.algorithm=https): the certificate
 * names IP:127.0.0.1 and DNS:localhost, so both pass; "127.1" reaches the same broker
 * (getaddrinfo reads it as 127.0.0.1) but is a name the certificate lacks, so it is
 * refused, and accepted again once the check is off. */
static void
test_ssl_hostname(void **state)
{
	static const struct {
		const char *host, *algorithm;
		const char *refused; /* NULL: describes */
	} cases[] = {
		{ .host = "127.0.0.1", .algorithm = "https" },
		{ .host = "localhost", .algorithm = "https" },
		{ .host = "127.1", .algorithm = "https",
		  .refused = "TLS: certificate verification failed: hostname mismatch" },
		{ .host = "127.1", .algorithm = "none" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *server = first_server_as("KAFKA_SSL_BOOTSTRAP", cases[i].host);
		struct kclient_setting settings[8];
		char label[128];
		size_t n = tls_settings(settings, server, "SSL", env_required("KAFKA_SSL_CA"), NULL,
		                        NULL, NULL);

		settings[n++] = (struct kclient_setting){ "ssl.endpoint.identification.algorithm",
			                                  cases[i].algorithm };
		snprintf(label, sizeof label, "SSL to %s, identification %s", server,
		         cases[i].algorithm);
		if (cases[i].refused != NULL)
			describe_refused(settings, n, label, cases[i].refused);
		else
			describe_expected(settings, n, label);
		free(server);
	}
}

/* A wrong password: QUOTAS_FAILED naming the authentication failure, without the
 * password. */
static void
test_wrong_password(void **state)
{
	static const struct {
		const char *mechanism, *user_env;
	} cases[] = {
		{ .mechanism = "PLAIN", .user_env = "KAFKA_SASL_USER" },
		{ .mechanism = "SCRAM-SHA-256", .user_env = "KAFKA_SCRAM_USER" },
		{ .mechanism = "SCRAM-SHA-512", .user_env = "KAFKA_SCRAM_USER" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct kclient_setting settings[5];
		struct quotas_result *result = NULL;
		char *err = NULL;

		sasl_settings(settings, cases[i].mechanism, env_required(cases[i].user_env),
		              "not-the-password");
		assert_int_equal(quotas_describe(settings, 5, DESCRIBE_TIMEOUT_MS, &result, &err),
		                 QUOTAS_FAILED);
		assert_null(result);
		print_message("%s, wrong password: %s\n", cases[i].mechanism, err);
		assert_non_null(strstr(err, "authentication failed: SASL_AUTHENTICATION_FAILED (58)"));
		assert_null(strstr(err, "not-the-password"));
		free(err);
	}
}

/* Mechanisms this client does not speak: QUOTAS_UNSUPPORTED, and nothing is sent. */
static void
test_unsupported_mechanism(void **state)
{
	static const char *const mechanisms[] = { "GSSAPI", "OAUTHBEARER" };

	(void)state;
	for (size_t i = 0; i < sizeof mechanisms / sizeof mechanisms[0]; i++) {
		struct kclient_setting settings[5];
		struct quotas_result *result = NULL;
		char *err = NULL, *want = NULL;

		sasl_settings(settings, mechanisms[i], "kfleet", "secret");
		assert_int_equal(quotas_describe(settings, 5, DESCRIBE_TIMEOUT_MS, &result, &err),
		                 QUOTAS_UNSUPPORTED);
		assert_null(result);
		if (asprintf(&want, "quotas: unsupported with %s", mechanisms[i]) < 0)
			fail_msg("out of memory");
		assert_string_equal(err, want);
		free(want);
		free(err);
	}
}

/* A user denied DescribeConfigs on the cluster: the broker's error code, by name. */
static void
test_cluster_authorization_failed(void **state)
{
	char *tool = harness_command("acls"), *command = NULL;
	struct kclient_setting settings[5];
	time_t deadline = time(NULL) + SETTLE_SECONDS;

	(void)state;
	if (asprintf(&command, "%s --add --deny-principal User:alice --operation DescribeConfigs "
	             "--cluster >/dev/null", tool) < 0)
		fail_msg("out of memory");
	assert_int_equal(system(command), 0);
	free(command);
	sasl_settings(settings, "PLAIN", "alice", env_required("KAFKA_ALICE_PASSWORD"));
	for (;;) {
		struct quotas_result *result = NULL;
		char *err = NULL;
		int status = quotas_describe(settings, 5, DESCRIBE_TIMEOUT_MS, &result, &err);

		quotas_result_free(result);
		if (status == QUOTAS_FAILED &&
		    strstr(err, "CLUSTER_AUTHORIZATION_FAILED (31)") != NULL) {
			print_message("denied: %s\n", err);
			free(err);
			break;
		}
		if (time(NULL) >= deadline)
			fail_msg("no CLUSTER_AUTHORIZATION_FAILED after %d s: %d %s", SETTLE_SECONDS,
			         status, err ? err : "(ok)");
		free(err);
		usleep(200 * 1000);
	}
	if (asprintf(&command, "%s --remove --force --deny-principal User:alice --operation "
	             "DescribeConfigs --cluster >/dev/null", tool) < 0)
		fail_msg("out of memory");
	assert_int_equal(system(command), 0);
	free(command);
	free(tool);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plaintext),
		cmocka_unit_test(test_bootstrap_failover),
		cmocka_unit_test(test_unreachable),
		cmocka_unit_test(test_sasl),
		cmocka_unit_test(test_ssl),
		cmocka_unit_test(test_sasl_ssl),
		cmocka_unit_test(test_ssl_untrusted_ca),
		cmocka_unit_test(test_ssl_hostname),
		cmocka_unit_test(test_wrong_password),
		cmocka_unit_test(test_unsupported_mechanism),
		cmocka_unit_test(test_cluster_authorization_failed),
	};

	return cmocka_run_group_tests_name("test_quotas", tests, quotas_setup, quotas_teardown);
}
