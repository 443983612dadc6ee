/* Unit tests for kafka/kclient: settings become a librdkafka configuration, a refused
 * setting is reported by name without leaking secret values, and an error says what
 * librdkafka logged of the connection. No broker needed: one test connects to a port that
 * refuses (127.0.0.1:1). */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kfleet/kclient.h"

struct refused_case {
	struct kclient_setting setting;
	const char *message_has;     /* substring the error must contain */
	const char *message_lacks;   /* substring it must not (the secret), or NULL */
};

static const struct refused_case refused_cases[] = {
	{ .setting = { "no.such.property", "1" }, .message_has = "kafka.no.such.property:" },
	{ .setting = { "acks", "several" }, .message_has = "kafka.acks:" },
	/* librdkafka ends this message with a newline (found by fuzz_cluster_config). */
	{ .setting = { "acks", "-2" }, .message_has = "outside allowed range -1..1000" },
	{ .setting = { "security.protocol", "CARRIER_PIGEON" },
	  .message_has = "kafka.security.protocol:" },
	/* librdkafka would echo the value; a secret's must not reach logs or output. */
	{ .setting = { "ssl.key.password.bogus", "hunter2" }, .message_has = "value not shown",
	  .message_lacks = "hunter2" },
};

static void
test_refused_settings_are_named(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof refused_cases / sizeof refused_cases[0]; i++) {
		const struct refused_case *c = &refused_cases[i];
		char *err = NULL;
		rd_kafka_conf_t *conf = kclient_conf_new(&c->setting, 1, &err);

		assert_null(conf);
		assert_non_null(err);
		assert_non_null(strstr(err, c->message_has));
		if (c->message_lacks != NULL)
			assert_null(strstr(err, c->message_lacks));
		assert_null(strchr(err, '\n'));
		free(err);
	}
}

static void
test_settings_reach_librdkafka(void **state)
{
	static const struct kclient_setting settings[] = {
		{ "bootstrap.servers", "127.0.0.1:1" },
		{ "client.id", "kfleet-unit" },
		{ "isolation.level", "read_uncommitted" },
		{ "sasl.password", "s3cret" },
	};
	char value[128];
	size_t size = sizeof value;
	char *err = NULL;
	rd_kafka_conf_t *conf;
	rd_kafka_t *rk;

	(void)state;
	conf = kclient_conf_new(settings, sizeof settings / sizeof settings[0], &err);
	assert_non_null(conf);
	assert_null(err);
	assert_int_equal(rd_kafka_conf_get(conf, "client.id", value, &size), RD_KAFKA_CONF_OK);
	assert_string_equal(value, "kfleet-unit");
	size = sizeof value;
	assert_int_equal(rd_kafka_conf_get(conf, "isolation.level", value, &size), RD_KAFKA_CONF_OK);
	assert_string_equal(value, "read_uncommitted");

	rk = kclient_new(RD_KAFKA_CONSUMER, conf, &err);
	assert_non_null(rk);
	assert_null(err);
	assert_non_null(strstr(rd_kafka_name(rk), "kfleet-unit"));
	rd_kafka_destroy(rk);
}

struct secret_case {
	const char *key;
	int secret;
};

static const struct secret_case secret_cases[] = {
	{ "sasl.password", 1 },
	{ "ssl.key.password", 1 },
	{ "ssl.key.pem", 1 },
	{ "ssl.keystore.password", 1 },
	{ "sasl.oauthbearer.client.secret", 1 },
	{ "sasl.username", 0 },
	{ "bootstrap.servers", 0 },
	{ "ssl.ca.location", 0 },
};

static void
test_secret_settings(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof secret_cases / sizeof secret_cases[0]; i++) {
		if (kclient_setting_is_secret(secret_cases[i].key) != secret_cases[i].secret)
			fail_msg("%s: expected secret=%d", secret_cases[i].key, secret_cases[i].secret);
	}
}

/* A client that cannot be created (consumer settings invalid at creation) takes the conf,
 * made by kclient_new or kclient_open alike. */
static void
test_new_failure_reports(void **state)
{
	static const struct kclient_setting settings[] = {
		{ "bootstrap.servers", "127.0.0.1:1" },
		/* Valid for rd_kafka_conf_set, refused by rd_kafka_new: PLAIN needs a username. */
		{ "security.protocol", "SASL_PLAINTEXT" },
		{ "sasl.mechanism", "PLAIN" },
	};

	(void)state;
	for (int open = 0; open <= 1; open++) {
		char *err = NULL;
		rd_kafka_conf_t *conf = kclient_conf_new(settings, 3, &err);

		assert_non_null(conf);
		if (open)
			assert_null(kclient_open(RD_KAFKA_CONSUMER, conf, &err));
		else
			assert_null(kclient_new(RD_KAFKA_PRODUCER, conf, &err));
		assert_non_null(err);
		assert_non_null(strstr(err, "cannot create Kafka client"));
		free(err);
	}
}

/* kclient_error: what it says for each kind of error, by table. No client failed here,
 * so only the error's own text and the hint appear. */
static const struct {
	rd_kafka_resp_err_t err;
	const char *expected;
} error_cases[] = {
	{ .err = RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART,
	  .expected = "reading: Broker: Unknown topic or partition" },
	{ .err = RD_KAFKA_RESP_ERR__SSL,
	  .expected = "reading: Local: SSL error; check the kafka.ssl.* settings" },
	{ .err = RD_KAFKA_RESP_ERR__AUTHENTICATION,
	  .expected = "reading: Local: Authentication failure; check the kafka.sasl.* settings" },
	{ .err = RD_KAFKA_RESP_ERR__TRANSPORT, .expected = "reading: Local: Broker transport failure" },
};

static void
test_error_texts(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof error_cases / sizeof error_cases[0]; i++) {
		char *text = kclient_error(NULL, "reading", error_cases[i].err);

		assert_string_equal(text, error_cases[i].expected);
		free(text);
	}
}

/* A client whose broker refuses connections: its metadata error names the refusal, which
 * only librdkafka's log said, and what to check; librdkafka's own line went nowhere. */
static void
test_error_names_the_connection_failure(void **state)
{
	static const struct kclient_setting settings[] = {
		{ "bootstrap.servers", "127.0.0.1:1" },
		{ "reconnect.backoff.ms", "10" },
	};
	const struct rd_kafka_metadata *metadata = NULL;
	char *err = NULL, *text;
	rd_kafka_conf_t *conf = kclient_conf_new(settings, 2, &err);
	rd_kafka_t *rk;
	rd_kafka_resp_err_t rc;

	(void)state;
	assert_non_null(conf);
	rk = kclient_new(RD_KAFKA_PRODUCER, conf, &err);
	assert_non_null(rk);
	rc = rd_kafka_metadata(rk, 1, NULL, &metadata, 2000);
	assert_int_not_equal(rc, RD_KAFKA_RESP_ERR_NO_ERROR);
	text = kclient_error(rk, "metadata", rc);
	assert_non_null(strstr(text, "127.0.0.1:1"));
	assert_non_null(strstr(text, "Connection refused"));
	assert_non_null(strstr(text, "; check kafka.bootstrap.servers and that the brokers run"));
	free(text);
	kclient_destroy(rk);
	/* No client, no failure of its own: not the one just logged. */
	text = kclient_error(NULL, "metadata", RD_KAFKA_RESP_ERR__TRANSPORT);
	assert_string_equal(text, "metadata: Local: Broker transport failure");
	free(text);
}

/* The client.id RK was made with. */
static void
assert_client_id(rd_kafka_t *rk, const char *expected)
{
	char value[64];
	size_t size = sizeof value;

	assert_int_equal(rd_kafka_conf_get(rd_kafka_conf(rk), "client.id", value, &size),
	                 RD_KAFKA_CONF_OK);
	assert_string_equal(value, expected);
}

/* kclient_refresh: nothing to do until a request is given up on; then a new handle with
 * the same settings, once; counted. */
static void
test_refresh_renews_after_a_give_up(void **state)
{
	static const struct kclient_setting settings[] = {
		{ "bootstrap.servers", "127.0.0.1:1" },
		{ "client.id", "kfleet-refresh" },
	};
	char *err = NULL;
	rd_kafka_conf_t *conf = kclient_conf_new(settings, 2, &err);
	struct kclient *client;
	rd_kafka_t *first;

	(void)state;
	assert_non_null(conf);
	client = kclient_open(RD_KAFKA_CONSUMER, conf, &err);
	assert_non_null(client);
	first = kclient_handle(client);
	assert_non_null(first);
	assert_int_equal(kclient_refresh(client, &err), 0);
	assert_null(err);
	assert_ptr_equal(kclient_handle(client), first);
	assert_int_equal(kclient_renewals(client), 0);

	kclient_gave_up(client);
	assert_int_equal(kclient_refresh(client, &err), 1);
	assert_null(err);
	assert_ptr_not_equal(kclient_handle(client), first);
	assert_client_id(kclient_handle(client), "kfleet-refresh");
	assert_int_equal(kclient_renewals(client), 1);
	first = kclient_handle(client);
	assert_int_equal(kclient_refresh(client, &err), 0);     /* once per give-up */
	assert_ptr_equal(kclient_handle(client), first);
	kclient_close(client);
	kclient_close(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refused_settings_are_named),
		cmocka_unit_test(test_settings_reach_librdkafka),
		cmocka_unit_test(test_secret_settings),
		cmocka_unit_test(test_new_failure_reports),
		cmocka_unit_test(test_error_texts),
		cmocka_unit_test(test_error_names_the_connection_failure),
		cmocka_unit_test(test_refresh_renews_after_a_give_up),
	};

	return cmocka_run_group_tests_name("kclient", tests, NULL, NULL);
}
