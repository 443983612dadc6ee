/* kclient: librdkafka clients built from kfleet's settings. */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kfleet/kclient.h"
#include "kfleet/monotonic.h"
#include "kfleet/strfmt.h"

int
kclient_setting_is_secret(const char *key)
{
	static const char *const secret_words[] = { "password", "secret", ".pem", "ssl.key.", "token" };

	for (size_t i = 0; i < sizeof secret_words / sizeof secret_words[0]; i++)
		if (strstr(key, secret_words[i]) != NULL)
			return 1;
	return 0;
}

static kclient_log_sink *kclient_sink;

/* The last connection failure ("FAIL" at level 3 or worse) of the last few clients, and
 * when it was logged: an error attaches only a failure of the last KCLIENT_FAILURE_FRESH_MS
 * (a broker restart of days ago says nothing of today's timeout). kclient_destroy clears a
 * client's slot, as the next client may get the same address. */
#define KCLIENT_FAILURE_SLOTS 8
#define KCLIENT_FAILURE_FRESH_MS 60000
static struct {
	const rd_kafka_t *rk;
	long long logged_ms;
	char message[400];
} kclient_failures[KCLIENT_FAILURE_SLOTS];
static unsigned kclient_failure_next;
static pthread_mutex_t kclient_failure_lock = PTHREAD_MUTEX_INITIALIZER;


void
kclient_set_log_sink(kclient_log_sink *sink)
{
	kclient_sink = sink;
}

/* librdkafka's log_cb, on its threads: remembers connection failures for kclient_error and
 * hands every line to the sink, if any. */
static void
kclient_log(const rd_kafka_t *rk, int level, const char *facility, const char *message)
{
	/* "[thrd:127.0.0.1:9092/bootstrap]: 127.0.0.1:9092/bootstrap: Connect to ...": the
	 * thread says nothing the rest does not. */
	if (strncmp(message, "[thrd:", 6) == 0) {
		const char *end = strstr(message, "]: ");

		if (end != NULL)
			message = end + 3;
	}
	if (level <= 3 && strcmp(facility, "FAIL") == 0) {
		unsigned slot = KCLIENT_FAILURE_SLOTS;

		pthread_mutex_lock(&kclient_failure_lock);
		for (unsigned i = 0; i < KCLIENT_FAILURE_SLOTS; i++)
			if (kclient_failures[i].rk == rk)
				slot = i;
		if (slot == KCLIENT_FAILURE_SLOTS)
			slot = kclient_failure_next++ % KCLIENT_FAILURE_SLOTS;
		kclient_failures[slot].rk = rk;
		kclient_failures[slot].logged_ms = monotonic_ms();
		snprintf(kclient_failures[slot].message, sizeof kclient_failures[slot].message, "%s",
		         message);
		pthread_mutex_unlock(&kclient_failure_lock);
	}
	if (kclient_sink != NULL)
		kclient_sink(level, facility, message);
}

/* The errors that mean no broker answered, and what to check for each. */
static const struct {
	rd_kafka_resp_err_t err;
	const char *check;
} kclient_unanswered[] = {
	{ .err = RD_KAFKA_RESP_ERR__TRANSPORT, .check = NULL },
	{ .err = RD_KAFKA_RESP_ERR__TIMED_OUT, .check = NULL },
	{ .err = RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN, .check = NULL },
	{ .err = RD_KAFKA_RESP_ERR__RESOLVE, .check = NULL },
	{ .err = RD_KAFKA_RESP_ERR__SSL, .check = "check the kafka.ssl.* settings" },
	{ .err = RD_KAFKA_RESP_ERR__AUTHENTICATION, .check = "check the kafka.sasl.* settings" },
};

/* What to check for a failure librdkafka logged, when the error alone does not say. */
static const char *
kclient_check(const char *check, const char *failure)
{
	if (check != NULL)
		return check;
	if (strstr(failure, "SASL") != NULL || strstr(failure, "uthentication") != NULL)
		return "check the kafka.sasl.* settings";
	if (strstr(failure, "SSL") != NULL || strstr(failure, "certificate") != NULL)
		return "check the kafka.ssl.* settings";
	return "check kafka.bootstrap.servers and that the brokers run";
}

char *
kclient_error(rd_kafka_t *rk, const char *what, rd_kafka_resp_err_t err)
{
	char failure[sizeof kclient_failures[0].message] = "";
	const char *check = NULL;
	bool unanswered = false;

	for (size_t i = 0; i < sizeof kclient_unanswered / sizeof kclient_unanswered[0]; i++)
		if (kclient_unanswered[i].err == err) {
			unanswered = true;
			check = kclient_unanswered[i].check;
		}
	if (unanswered) {
		long long now = monotonic_ms();

		pthread_mutex_lock(&kclient_failure_lock);
		for (unsigned i = 0; i < KCLIENT_FAILURE_SLOTS; i++)
			if (rk != NULL && kclient_failures[i].rk == rk &&
			    now - kclient_failures[i].logged_ms <= KCLIENT_FAILURE_FRESH_MS)
				memcpy(failure, kclient_failures[i].message, sizeof failure);
		pthread_mutex_unlock(&kclient_failure_lock);
	}
	if (failure[0] != '\0')
		return strfmt("%s: %s (%s); %s", what, rd_kafka_err2str(err), failure,
		              kclient_check(check, failure));
	if (check != NULL)
		return strfmt("%s: %s; %s", what, rd_kafka_err2str(err), check);
	return strfmt("%s: %s", what, rd_kafka_err2str(err));
}

/* How long kclient_destroy waits for rd_kafka_destroy. */
#define KCLIENT_DESTROY_WAIT_MS 5000

static void *
kclient_end_run(void *rk)
{
	rd_kafka_destroy(rk);
	return NULL;
}

/* rd_kafka_destroy(RK), waited for KCLIENT_DESTROY_WAIT_MS at most. librdkafka 2.0.2 can
 * wait for ever: seen with every broker of a cluster stopped by SIGSTOP after a cycle that
 * gave up on group descriptions, rd_kafka_destroy joined its main thread while the thread
 * of the group coordinator's broker stayed, held by a reference (its coordinator-request
 * code keeps some across FindCoordinator answers and retries that a terminating client
 * never serves). Such a client is left to its threads (its memory with them), which is
 * better than a process that hangs. Returns whether it ended in time. */
static bool
kclient_end(rd_kafka_t *rk)
{
	struct timespec until;
	pthread_t thread;

	if (pthread_create(&thread, NULL, kclient_end_run, rk) != 0) {
		rd_kafka_destroy(rk);
		return true;
	}
	clock_gettime(CLOCK_REALTIME, &until);      /* pthread_timedjoin_np's clock */
	until.tv_sec += KCLIENT_DESTROY_WAIT_MS / 1000;
	if (pthread_timedjoin_np(thread, NULL, &until) == 0)
		return true;
	pthread_detach(thread);
	return false;
}

void
kclient_destroy(rd_kafka_t *rk)
{
	if (rk == NULL)
		return;
	if (!kclient_end(rk) && kclient_sink != NULL)
		kclient_sink(4, "DESTROY", "a client did not end within 5 s (librdkafka 2.0.2 "
		             "waiting on a group coordinator's broker): left to its threads");
	pthread_mutex_lock(&kclient_failure_lock);
	for (unsigned i = 0; i < KCLIENT_FAILURE_SLOTS; i++)
		if (kclient_failures[i].rk == rk) {
			kclient_failures[i].rk = NULL;
			kclient_failures[i].message[0] = '\0';
		}
	pthread_mutex_unlock(&kclient_failure_lock);
}

rd_kafka_conf_t *
kclient_conf_new(const struct kclient_setting *settings, size_t count, char **err)
{
	char errstr[512];
	rd_kafka_conf_t *conf = rd_kafka_conf_new();

	*err = NULL;
	rd_kafka_conf_set_log_cb(conf, kclient_log);
	for (size_t i = 0; i < count; i++) {
		const struct kclient_setting *s = &settings[i];

		if (rd_kafka_conf_set(conf, s->key, s->value, errstr, sizeof errstr) ==
		    RD_KAFKA_CONF_OK)
			continue;
		/* One line: librdkafka ends some of its messages with a newline. */
		for (char *c = errstr; *c != '\0'; c++)
			if (*c == '\n' || *c == '\r')
				*c = ' ';
		for (size_t n = strlen(errstr); n > 0 && errstr[n - 1] == ' '; n--)
			errstr[n - 1] = '\0';
		if (kclient_setting_is_secret(s->key))
			*err = strfmt("kafka.%s: librdkafka refused this setting's value "
			              "(value not shown: it is a secret)", s->key);
		else
			*err = strfmt("kafka.%s: %s", s->key, errstr);
		rd_kafka_conf_destroy(conf);
		return NULL;
	}
	return conf;
}

rd_kafka_t *
kclient_new(rd_kafka_type_t type, rd_kafka_conf_t *conf, char **err)
{
	char errstr[512];
	rd_kafka_t *rk;

	*err = NULL;
	/* rd_kafka_new takes the conf only when it succeeds. */
	rk = rd_kafka_new(type, conf, errstr, sizeof errstr);
	if (rk == NULL) {
		*err = strfmt("cannot create Kafka client: %s", errstr);
		rd_kafka_conf_destroy(conf);
	}
	return rk;
}

struct kclient {
	rd_kafka_t *rk;
	rd_kafka_type_t type;
	rd_kafka_conf_t *conf;  /* a copy, for the next handle */
	bool gave_up;           /* a coordinator request was given up on */
	unsigned renewals;
};

struct kclient *
kclient_open(rd_kafka_type_t type, rd_kafka_conf_t *conf, char **err)
{
	struct kclient *client = calloc(1, sizeof *client);

	*err = NULL;
	if (client == NULL || (client->conf = rd_kafka_conf_dup(conf)) == NULL) {
		free(client);
		rd_kafka_conf_destroy(conf);
		*err = strdup("out of memory");
		return NULL;
	}
	client->type = type;
	client->rk = kclient_new(type, conf, err);
	if (client->rk == NULL) {
		rd_kafka_conf_destroy(client->conf);
		free(client);
		return NULL;
	}
	return client;
}

rd_kafka_t *
kclient_handle(const struct kclient *client)
{
	return client->rk;
}

void
kclient_gave_up(struct kclient *client)
{
	client->gave_up = true;
}

int
kclient_refresh(struct kclient *client, char **err)
{
	rd_kafka_conf_t *conf;
	rd_kafka_t *rk;

	*err = NULL;
	if (!client->gave_up)
		return 0;
	conf = rd_kafka_conf_dup(client->conf);
	if (conf == NULL) {
		*err = strdup("out of memory");
		return -1;
	}
	rk = kclient_new(client->type, conf, err);
	if (rk == NULL)
		return -1;
	kclient_destroy(client->rk);
	client->rk = rk;
	client->gave_up = false;
	client->renewals++;
	return 1;
}

unsigned
kclient_renewals(const struct kclient *client)
{
	return client->renewals;
}

void
kclient_close(struct kclient *client)
{
	if (client == NULL)
		return;
	kclient_destroy(client->rk);
	rd_kafka_conf_destroy(client->conf);
	free(client);
}

rd_kafka_event_t *
kclient_wait_event(rd_kafka_queue_t *queue, rd_kafka_event_type_t type, int timeout_ms)
{
	long long deadline = monotonic_ms() + timeout_ms;

	for (;;) {
		long long left = deadline - monotonic_ms();
		rd_kafka_event_t *ev;

		if (left <= 0)
			return NULL;
		ev = rd_kafka_queue_poll(queue, (int)left);
		if (ev == NULL)
			continue;
		if (rd_kafka_event_type(ev) == type)
			return ev;
		rd_kafka_event_destroy(ev);
	}
}

/* The coordinator requests' timeout: the longest librdkafka takes (see kclient.h). */
#define KCLIENT_COORDINATOR_TIMEOUT_MS (3600 * 1000)

rd_kafka_AdminOptions_t *
kclient_admin_options(rd_kafka_t *rk, rd_kafka_admin_op_t op, int timeout_ms)
{
	rd_kafka_AdminOptions_t *options = rd_kafka_AdminOptions_new(rk, op);
	char errstr[256];

	switch (op) {
	case RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS:
	case RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS:
	case RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS:
	case RD_KAFKA_ADMIN_OP_DELETECONSUMERGROUPOFFSETS:
	case RD_KAFKA_ADMIN_OP_DELETEGROUPS:
		timeout_ms = KCLIENT_COORDINATOR_TIMEOUT_MS;
		break;
	default:
		break;
	}
	if (options != NULL)
		rd_kafka_AdminOptions_set_request_timeout(options, timeout_ms, errstr, sizeof errstr);
	return options;
}
