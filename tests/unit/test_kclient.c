/* Unit tests for kafka/kclient: settings become a librdkafka configuration, and a
 * refused setting is reported by name without leaking secret values. No broker needed:
 * creating a client does not connect. */
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

/* A client that cannot be created (consumer settings invalid at creation) takes the conf. */
static void
test_new_failure_reports(void **state)
{
	static const struct kclient_setting settings[] = {
		{ "bootstrap.servers", "127.0.0.1:1" },
		/* Valid for rd_kafka_conf_set, refused by rd_kafka_new: PLAIN needs a username. */
		{ "security.protocol", "SASL_PLAINTEXT" },
		{ "sasl.mechanism", "PLAIN" },
	};
	char *err = NULL;
	rd_kafka_conf_t *conf = kclient_conf_new(settings, 3, &err);
	rd_kafka_t *rk;

	(void)state;
	assert_non_null(conf);
	rk = kclient_new(RD_KAFKA_PRODUCER, conf, &err);
	assert_null(rk);
	assert_non_null(err);
	assert_non_null(strstr(err, "cannot create Kafka client"));
	free(err);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refused_settings_are_named),
		cmocka_unit_test(test_settings_reach_librdkafka),
		cmocka_unit_test(test_secret_settings),
		cmocka_unit_test(test_new_failure_reports),
	};

	return cmocka_run_group_tests_name("kclient", tests, NULL, NULL);
}
