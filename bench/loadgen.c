/* kfleet-loadgen: fill a Kafka cluster with topics, messages and consumer groups, for the
 * demo fleet and the benchmarks.
 *   kfleet-loadgen -b BOOTSTRAP [-X key=value]... create TOPIC PARTITIONS [REPLICATION]
 *   kfleet-loadgen -b BOOTSTRAP [-X key=value]... produce TOPIC COUNT
 *   kfleet-loadgen -b BOOTSTRAP [-X key=value]... consume TOPIC GROUP COUNT
 * consume joins GROUP, reads COUNT messages, commits them and leaves the group, so the
 * group's lag is what was produced minus COUNT. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kfleet/kclient.h"

#define LOADGEN_EXIT_FAILED 1
#define LOADGEN_EXIT_USAGE 2
#define LOADGEN_MAX_SETTINGS 32
#define LOADGEN_TIMEOUT_MS 30000

struct loadgen {
	struct kclient_setting settings[LOADGEN_MAX_SETTINGS];
	size_t setting_count;
};

static void
usage(FILE *out)
{
	fprintf(out,
	        "usage: kfleet-loadgen -b BOOTSTRAP [-X key=value]... COMMAND ARGS\n"
	        "  create TOPIC PARTITIONS [REPLICATION]   create a topic (exists: not an error)\n"
	        "  produce TOPIC COUNT                     produce COUNT messages over all partitions\n"
	        "  consume TOPIC GROUP COUNT               consume COUNT messages in GROUP, commit, leave\n"
	        "  -b, --bootstrap LIST   Kafka bootstrap servers\n"
	        "  -X KEY=VALUE           any librdkafka setting (e.g. security.protocol)\n");
}

/* Parse a non-negative count or exit 2 naming WHAT. */
static long long
parse_count(const char *text, const char *what)
{
	char *end;
	long long value;

	errno = 0;
	value = strtoll(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || value < 0) {
		fprintf(stderr, "kfleet-loadgen: %s must be a non-negative number, not '%s'\n", what,
		        text);
		exit(LOADGEN_EXIT_USAGE);
	}
	return value;
}

static rd_kafka_t *
loadgen_client(rd_kafka_type_t type, rd_kafka_conf_t *conf)
{
	char *err = NULL;
	rd_kafka_t *rk = kclient_new(type, conf, &err);

	if (rk == NULL) {
		fprintf(stderr, "kfleet-loadgen: %s\n", err);
		exit(LOADGEN_EXIT_FAILED);
	}
	return rk;
}

static rd_kafka_conf_t *
loadgen_conf(struct loadgen *lg, const struct kclient_setting *extra, size_t extra_count)
{
	char *err = NULL;
	rd_kafka_conf_t *conf;
	size_t base = lg->setting_count;

	if (base + extra_count > LOADGEN_MAX_SETTINGS) {
		fprintf(stderr, "kfleet-loadgen: too many -X settings (at most %d)\n",
		        LOADGEN_MAX_SETTINGS - 4);
		exit(LOADGEN_EXIT_USAGE);
	}
	if (extra_count > 0)
		memcpy(&lg->settings[base], extra, extra_count * sizeof *extra);
	conf = kclient_conf_new(lg->settings, base + extra_count, &err);
	if (conf == NULL) {
		fprintf(stderr, "kfleet-loadgen: %s\n", err);
		exit(LOADGEN_EXIT_USAGE);
	}
	return conf;
}

static int
loadgen_create(struct loadgen *lg, const char *topic, int partitions, int replication)
{
	rd_kafka_t *rk = loadgen_client(RD_KAFKA_PRODUCER, loadgen_conf(lg, NULL, 0));
	rd_kafka_queue_t *queue = rd_kafka_queue_new(rk);
	char errstr[256];
	rd_kafka_NewTopic_t *new_topic =
		rd_kafka_NewTopic_new(topic, partitions, replication, errstr, sizeof errstr);
	rd_kafka_event_t *ev;
	int status = 0;

	if (new_topic == NULL) {
		fprintf(stderr, "kfleet-loadgen: topic %s: %s\n", topic, errstr);
		status = LOADGEN_EXIT_USAGE;
		goto out;
	}
	rd_kafka_CreateTopics(rk, &new_topic, 1, NULL, queue);
	ev = kclient_wait_event(queue, RD_KAFKA_EVENT_CREATETOPICS_RESULT, LOADGEN_TIMEOUT_MS);
	if (ev == NULL) {
		fprintf(stderr, "kfleet-loadgen: create %s: no answer within %d s\n", topic,
		        LOADGEN_TIMEOUT_MS / 1000);
		status = LOADGEN_EXIT_FAILED;
	} else {
		size_t count;
		const rd_kafka_topic_result_t **results =
			rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev), &count);
		rd_kafka_resp_err_t err = rd_kafka_event_error(ev);

		if (err == RD_KAFKA_RESP_ERR_NO_ERROR && count == 1)
			err = rd_kafka_topic_result_error(results[0]);
		if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
			fprintf(stderr, "kfleet-loadgen: create %s: %s\n", topic, rd_kafka_err2str(err));
			status = LOADGEN_EXIT_FAILED;
		}
		rd_kafka_event_destroy(ev);
	}
	rd_kafka_NewTopic_destroy(new_topic);
out:
	rd_kafka_queue_destroy(queue);
	rd_kafka_destroy(rk);
	return status;
}

static void
on_delivery(rd_kafka_t *rk, const rd_kafka_message_t *msg, void *opaque)
{
	long long *failed = opaque;

	(void)rk;
	if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
		if (*failed == 0)
			fprintf(stderr, "kfleet-loadgen: delivery failed: %s\n", rd_kafka_err2str(msg->err));
		(*failed)++;
	}
}

static int
loadgen_produce(struct loadgen *lg, const char *topic, long long count)
{
	static const struct kclient_setting extra[] = {
		{ "linger.ms", "20" },
		{ "acks", "all" },
	};
	rd_kafka_conf_t *conf = loadgen_conf(lg, extra, 2);
	long long failed = 0;
	rd_kafka_t *rk;

	rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
	rd_kafka_conf_set_opaque(conf, &failed);
	rk = loadgen_client(RD_KAFKA_PRODUCER, conf);

	for (long long i = 0; i < count;) {
		char payload[128];
		int len = snprintf(payload, sizeof payload, "{\"seq\":%lld,\"at\":%lld}", i,
		                   (long long)time(NULL));
		rd_kafka_resp_err_t err = rd_kafka_producev(
			rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_VALUE(payload, (size_t)len),
			RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_END);

		if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
			rd_kafka_poll(rk, 100);
			continue;
		}
		if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
			fprintf(stderr, "kfleet-loadgen: produce to %s: %s\n", topic, rd_kafka_err2str(err));
			rd_kafka_destroy(rk);
			return LOADGEN_EXIT_FAILED;
		}
		rd_kafka_poll(rk, 0);
		i++;
	}
	if (rd_kafka_flush(rk, LOADGEN_TIMEOUT_MS) != RD_KAFKA_RESP_ERR_NO_ERROR) {
		fprintf(stderr, "kfleet-loadgen: produce to %s: not all delivered within %d s\n", topic,
		        LOADGEN_TIMEOUT_MS / 1000);
		failed++;
	}
	rd_kafka_destroy(rk);
	return failed == 0 ? 0 : LOADGEN_EXIT_FAILED;
}

static int
loadgen_consume(struct loadgen *lg, const char *topic, const char *group, long long count)
{
	const struct kclient_setting extra[] = {
		{ "group.id", group },
		{ "enable.auto.commit", "false" },
		{ "auto.offset.reset", "earliest" },
		{ "enable.partition.eof", "true" },
	};
	rd_kafka_t *rk = loadgen_client(RD_KAFKA_CONSUMER, loadgen_conf(lg, extra, 4));
	rd_kafka_topic_partition_list_t *subscription = rd_kafka_topic_partition_list_new(1);
	time_t deadline = time(NULL) + LOADGEN_TIMEOUT_MS / 1000;
	long long consumed = 0;
	int status = 0;
	rd_kafka_resp_err_t err;

	rd_kafka_poll_set_consumer(rk);
	rd_kafka_topic_partition_list_add(subscription, topic, RD_KAFKA_PARTITION_UA);
	err = rd_kafka_subscribe(rk, subscription);
	rd_kafka_topic_partition_list_destroy(subscription);
	if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
		fprintf(stderr, "kfleet-loadgen: subscribe to %s: %s\n", topic, rd_kafka_err2str(err));
		rd_kafka_destroy(rk);
		return LOADGEN_EXIT_FAILED;
	}
	while (consumed < count && time(NULL) < deadline) {
		rd_kafka_message_t *msg = rd_kafka_consumer_poll(rk, 200);

		if (msg == NULL)
			continue;
		/* A delivered message's offset is stored as it is handed over, so the commit
		 * at the end covers exactly what was read. */
		if (msg->err == RD_KAFKA_RESP_ERR_NO_ERROR)
			consumed++;
		else if (msg->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
			fprintf(stderr, "kfleet-loadgen: consume %s: %s\n", topic,
			        rd_kafka_message_errstr(msg));
		rd_kafka_message_destroy(msg);
	}
	if (consumed < count) {
		fprintf(stderr, "kfleet-loadgen: group %s read %lld of %lld messages of %s in %d s\n",
		        group, consumed, count, topic, LOADGEN_TIMEOUT_MS / 1000);
		status = LOADGEN_EXIT_FAILED;
	}
	if (consumed > 0) {
		err = rd_kafka_commit(rk, NULL, 0);
		if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
			fprintf(stderr, "kfleet-loadgen: commit for %s: %s\n", group, rd_kafka_err2str(err));
			status = LOADGEN_EXIT_FAILED;
		}
	}
	rd_kafka_consumer_close(rk);
	rd_kafka_destroy(rk);
	return status;
}

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		{ .name = "bootstrap", .has_arg = required_argument, .val = 'b' },
		{ .name = "help", .has_arg = no_argument, .val = 'h' },
		{ 0 },
	};
	struct loadgen lg = { .setting_count = 0 };
	const char *bootstrap = NULL;
	const char *command;
	int opt;

	/* -X settings first, bootstrap.servers appended after the options are read. */
	while ((opt = getopt_long(argc, argv, "+b:X:h", options, NULL)) != -1) {
		char *eq;

		switch (opt) {
		case 'b':
			bootstrap = optarg;
			break;
		case 'X':
			eq = strchr(optarg, '=');
			if (eq == NULL || eq == optarg) {
				fprintf(stderr, "kfleet-loadgen: -X takes KEY=VALUE, not '%s'\n", optarg);
				return LOADGEN_EXIT_USAGE;
			}
			if (lg.setting_count + 5 >= LOADGEN_MAX_SETTINGS) {
				fprintf(stderr, "kfleet-loadgen: too many -X settings\n");
				return LOADGEN_EXIT_USAGE;
			}
			*eq = '\0';
			lg.settings[lg.setting_count++] = (struct kclient_setting){ optarg, eq + 1 };
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return LOADGEN_EXIT_USAGE;
		}
	}
	if (bootstrap == NULL || optind >= argc) {
		fprintf(stderr, "kfleet-loadgen: need -b BOOTSTRAP and a command: see --help\n");
		return LOADGEN_EXIT_USAGE;
	}
	lg.settings[lg.setting_count++] = (struct kclient_setting){ "bootstrap.servers", bootstrap };
	lg.settings[lg.setting_count++] = (struct kclient_setting){ "client.id", "kfleet-loadgen" };

	command = argv[optind++];
	argc -= optind;
	argv += optind;
	if (strcmp(command, "create") == 0 && (argc == 2 || argc == 3))
		return loadgen_create(&lg, argv[0], (int)parse_count(argv[1], "PARTITIONS"),
		                      argc == 3 ? (int)parse_count(argv[2], "REPLICATION") : -1);
	if (strcmp(command, "produce") == 0 && argc == 2)
		return loadgen_produce(&lg, argv[0], parse_count(argv[1], "COUNT"));
	if (strcmp(command, "consume") == 0 && argc == 3)
		return loadgen_consume(&lg, argv[0], argv[1], parse_count(argv[2], "COUNT"));
	fprintf(stderr, "kfleet-loadgen: bad command or arguments '%s': see --help\n", command);
	return LOADGEN_EXIT_USAGE;
}
