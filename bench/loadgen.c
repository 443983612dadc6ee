/* kfleet-loadgen: fill a Kafka cluster with topics, messages and consumer groups, for the
 * demo fleet and the benchmarks.
 *   kfleet-loadgen -b BOOTSTRAP [-X key=value]... create TOPIC PARTITIONS [REPLICATION]
 *   kfleet-loadgen -b BOOTSTRAP [-X key=value]... produce TOPIC COUNT
 *   kfleet-loadgen -b BOOTSTRAP [-X key=value]... consume TOPIC GROUP COUNT
 *   kfleet-loadgen -b BOOTSTRAP [-X key=value]... rate TOPIC RATE SECONDS
 *   kfleet-loadgen -b BOOTSTRAP [-X key=value]... follow TOPIC GROUP SECONDS
 *   kfleet-loadgen -b BOOTSTRAP [-X key=value]... stall TOPIC GROUP COUNT
 *   kfleet-loadgen -b BOOTSTRAP [-X key=value]... timestamp TOPIC PARTITION OFFSET
 *   kfleet-loadgen -b BOOTSTRAP [-X key=value]... fleet PREFIX TOPICS PARTITIONS GROUPS MESSAGES
 * consume joins GROUP, reads COUNT messages, commits them and leaves the group, so the
 * group's lag is what was produced minus COUNT. fleet builds a whole fleet for the
 * benchmarks: TOPICS topics PREFIX-t00000.. of PARTITIONS partitions, MESSAGES messages on
 * every partition, and GROUPS groups PREFIX-g00000.., group i with offsets committed at
 * MESSAGES/2 on every partition of topics i, i+1 and i+2 (modulo TOPICS).
 *
 * rate, follow, stall and timestamp give the time-lag tests producers and consumers that
 * behave in known ways; SECONDS 0 means until SIGTERM or SIGINT, which also end a run
 * early. rate sends RATE messages a second to an existing TOPIC, message n at
 * start + n/RATE on the monotonic clock (a schedule, not a sleep per message, so it does
 * not drift) and to partition n modulo the partition count (round robin), with the
 * CreateTime librdkafka stamps as it is queued; a run of SECONDS sends RATE x SECONDS
 * messages, delivers them and prints "rate TOPIC: N messages in S s". follow reads GROUP
 * from the earliest offset, commits what it read every second (also when nothing moved),
 * and at the end commits once more and leaves the group. stall reads COUNT messages,
 * commits them, prints "stall GROUP: committed COUNT, holding" and stays a member that
 * reads and commits nothing (its partitions paused, still polling) until SIGTERM or
 * SIGINT, then leaves without committing. timestamp prints the timestamp (ms since the
 * epoch) of the message at OFFSET of TOPIC [PARTITION], read outside any group; no
 * message there is an error. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kfleet/kclient.h"
#include "kfleet/monotonic.h"

#define LOADGEN_EXIT_FAILED 1
#define LOADGEN_EXIT_USAGE 2
#define LOADGEN_MAX_SETTINGS 32
#define LOADGEN_TIMEOUT_MS 30000
#define LOADGEN_READY_TIMEOUT_MS 10000 /* until a topic's partitions all have a leader */
#define LOADGEN_POLL_MS 100         /* how often the live modes look for a stop signal */
#define RATE_MAX 1000000            /* messages per second */
#define FOLLOW_COMMIT_INTERVAL_MS 1000
#define LOADGEN_COMMIT_TIMEOUT_MS 10000 /* for the answer to a commit */
#define NS_PER_S INT64_C(1000000000)
#define NS_PER_MS INT64_C(1000000)
#define FLEET_CREATE_BATCH 100      /* topics per CreateTopics request */
#define FLEET_READY_TIMEOUT_MS 300000 /* until every partition has a leader, or acks */
#define FLEET_GROUPS_IN_FLIGHT 64   /* AlterConsumerGroupOffsets requests at once */
#define FLEET_COMMIT_ROUNDS 60      /* refused offsets are sent again, this many times */
#define FLEET_RETRY_DELAY_MS 500
#define FLEET_TOPICS_PER_GROUP 3
#define FLEET_NAME_SIZE 256
#define FLEET_PREFIX_MAX 200
#define FLEET_MAX_COUNT 100000      /* topics, groups: names have five digits */

struct loadgen {
	struct kclient_setting settings[LOADGEN_MAX_SETTINGS];
	size_t setting_count;
};

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

/* Ask for the COUNT topics NAMES (at most FLEET_CREATE_BATCH) of PARTITIONS partitions
 * and REPLICATION replicas (-1: the broker's default) in one CreateTopics request, whose
 * result comes on QUEUE. Returns 0, or LOADGEN_EXIT_USAGE for a topic librdkafka refuses. */
static int
loadgen_create_request(rd_kafka_t *rk, rd_kafka_queue_t *queue, const char *const *names,
                       size_t count, int partitions, int replication)
{
	rd_kafka_NewTopic_t *new_topics[FLEET_CREATE_BATCH];
	char errstr[256];
	size_t made;
	int status = 0;

	for (made = 0; made < count; made++) {
		new_topics[made] =
			rd_kafka_NewTopic_new(names[made], partitions, replication, errstr, sizeof errstr);
		if (new_topics[made] == NULL) {
			fprintf(stderr, "kfleet-loadgen: topic %s: %s\n", names[made], errstr);
			status = LOADGEN_EXIT_USAGE;
			break;
		}
	}
	if (status == 0)
		rd_kafka_CreateTopics(rk, new_topics, count, NULL, queue);
	for (size_t i = 0; i < made; i++)
		rd_kafka_NewTopic_destroy(new_topics[i]);
	return status;
}

/* Wait for REQUESTS CreateTopics results on QUEUE, counting the topics made and those
 * that existed already (not an error). Returns 0, or LOADGEN_EXIT_FAILED after printing
 * any other error. */
static int
loadgen_create_results(rd_kafka_queue_t *queue, int requests, size_t *created, size_t *existed)
{
	int status = 0;

	for (int r = 0; r < requests; r++) {
		rd_kafka_event_t *ev =
			kclient_wait_event(queue, RD_KAFKA_EVENT_CREATETOPICS_RESULT, LOADGEN_TIMEOUT_MS);
		const rd_kafka_topic_result_t **results;
		size_t count;

		if (ev == NULL) {
			fprintf(stderr, "kfleet-loadgen: create: %d of %d requests unanswered within %d s\n",
			        requests - r, requests, LOADGEN_TIMEOUT_MS / 1000);
			return LOADGEN_EXIT_FAILED;
		}
		if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
			fprintf(stderr, "kfleet-loadgen: create: %s\n", rd_kafka_event_error_string(ev));
			status = LOADGEN_EXIT_FAILED;
		}
		results = rd_kafka_CreateTopics_result_topics(rd_kafka_event_CreateTopics_result(ev),
		                                              &count);
		for (size_t i = 0; i < count; i++) {
			rd_kafka_resp_err_t err = rd_kafka_topic_result_error(results[i]);

			if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
				(*created)++;
			} else if (err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
				(*existed)++;
			} else {
				fprintf(stderr, "kfleet-loadgen: create %s: %s\n",
				        rd_kafka_topic_result_name(results[i]), rd_kafka_err2str(err));
				status = LOADGEN_EXIT_FAILED;
			}
		}
		rd_kafka_event_destroy(ev);
	}
	return status;
}

static int
loadgen_create(struct loadgen *lg, const char *topic, int partitions, int replication)
{
	rd_kafka_t *rk = loadgen_client(RD_KAFKA_PRODUCER, loadgen_conf(lg, NULL, 0));
	rd_kafka_queue_t *queue = rd_kafka_queue_new(rk);
	size_t created = 0, existed = 0;
	int status = loadgen_create_request(rk, queue, &topic, 1, partitions, replication);

	if (status == 0)
		status = loadgen_create_results(queue, 1, &created, &existed);
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

/* A producer that waits for every in-sync replica (acks=all) and counts failed
 * deliveries in *FAILED, which must outlive it. */
static rd_kafka_t *
loadgen_producer(struct loadgen *lg, long long *failed)
{
	static const struct kclient_setting extra[] = {
		{ "linger.ms", "20" },
		{ "acks", "all" },
	};
	rd_kafka_conf_t *conf = loadgen_conf(lg, extra, 2);

	rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
	rd_kafka_conf_set_opaque(conf, failed);
	return loadgen_client(RD_KAFKA_PRODUCER, conf);
}

/* Queue message SEQ for PARTITION of TOPIC (RD_KAFKA_PARTITION_UA: the partitioner
 * chooses), waiting while the producer's queue is full. Returns 0 or LOADGEN_EXIT_FAILED. */
static int
loadgen_send(rd_kafka_t *rk, const char *topic, int32_t partition, long long seq)
{
	char payload[128];
	int len = snprintf(payload, sizeof payload, "{\"seq\":%lld,\"at\":%lld}", seq,
	                   (long long)time(NULL));

	for (;;) {
		rd_kafka_resp_err_t err = rd_kafka_producev(
			rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(partition),
			RD_KAFKA_V_VALUE(payload, (size_t)len), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
			RD_KAFKA_V_END);

		if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
			rd_kafka_poll(rk, 100);
			continue;
		}
		if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
			fprintf(stderr, "kfleet-loadgen: produce to %s: %s\n", topic, rd_kafka_err2str(err));
			return LOADGEN_EXIT_FAILED;
		}
		rd_kafka_poll(rk, 0);
		return 0;
	}
}

/* Wait up to TIMEOUT_MS until everything queued on RK was delivered, and destroy it.
 * Returns 0 when nothing failed (FAILED: the producer's counter). */
static int
loadgen_producer_close(rd_kafka_t *rk, const char *what, long long *failed, int timeout_ms)
{
	if (rd_kafka_flush(rk, timeout_ms) != RD_KAFKA_RESP_ERR_NO_ERROR) {
		fprintf(stderr, "kfleet-loadgen: produce to %s: not all delivered within %d s\n", what,
		        timeout_ms / 1000);
		(*failed)++;
	}
	rd_kafka_destroy(rk);
	return *failed == 0 ? 0 : LOADGEN_EXIT_FAILED;
}

static int
loadgen_produce(struct loadgen *lg, const char *topic, long long count)
{
	long long failed = 0;
	rd_kafka_t *rk = loadgen_producer(lg, &failed);
	int status = 0;

	for (long long i = 0; i < count && status == 0; i++)
		status = loadgen_send(rk, topic, RD_KAFKA_PARTITION_UA, i);
	if (loadgen_producer_close(rk, topic, &failed, LOADGEN_TIMEOUT_MS) != 0)
		status = LOADGEN_EXIT_FAILED;
	return status;
}

/* A group member of follow or stall: the opaque of its rebalance callback. */
struct member {
	const char *mode;       /* "follow" or "stall", for messages */
	const char *group;
	bool announce;          /* print each assignment on stdout (follow) */
	bool hold;              /* pause whatever is assigned (stall, once it committed) */
};

/* Set RK's assignment as librdkafka's rebalance protocol wants (eager: all of it,
 * cooperative: by increments), so that stall can pause partitions as they are assigned
 * and follow can say when it has joined. */
static void
on_rebalance(rd_kafka_t *rk, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t *partitions,
             void *opaque)
{
	const struct member *m = opaque;
	bool cooperative = strcmp(rd_kafka_rebalance_protocol(rk), "COOPERATIVE") == 0;
	rd_kafka_error_t *error = NULL;
	rd_kafka_resp_err_t assign_err = RD_KAFKA_RESP_ERR_NO_ERROR;

	if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
		if (cooperative)
			error = rd_kafka_incremental_assign(rk, partitions);
		else
			assign_err = rd_kafka_assign(rk, partitions);
		if (m->hold && error == NULL && assign_err == RD_KAFKA_RESP_ERR_NO_ERROR)
			assign_err = rd_kafka_pause_partitions(rk, partitions);
		if (m->announce) {
			printf("%s %s: assigned %d partitions\n", m->mode, m->group, partitions->cnt);
			fflush(stdout);
		}
	} else {
		if (err != RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS)
			fprintf(stderr, "kfleet-loadgen: %s %s: rebalance: %s\n", m->mode, m->group,
			        rd_kafka_err2str(err));
		if (cooperative && err == RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS)
			error = rd_kafka_incremental_unassign(rk, partitions);
		else
			assign_err = rd_kafka_assign(rk, NULL);
	}
	if (error != NULL) {
		fprintf(stderr, "kfleet-loadgen: %s %s: assign: %s\n", m->mode, m->group,
		        rd_kafka_error_string(error));
		rd_kafka_error_destroy(error);
	} else if (assign_err != RD_KAFKA_RESP_ERR_NO_ERROR) {
		fprintf(stderr, "kfleet-loadgen: %s %s: assign: %s\n", m->mode, m->group,
		        rd_kafka_err2str(assign_err));
	}
}

/* A consumer in GROUP subscribed to TOPIC, committing only when told to (offsets are
 * stored as messages are handed over), starting from the earliest message when the group
 * has no offset. With MEMBER (NULL: librdkafka assigns by itself) it assigns through
 * on_rebalance. Exits 1 when the client cannot be made; returns NULL, after saying
 * why, when the subscription fails. */
static rd_kafka_t *
loadgen_group_consumer(struct loadgen *lg, const char *topic, const char *group,
                       struct member *member)
{
	const struct kclient_setting extra[] = {
		{ "group.id", group },
		{ "enable.auto.commit", "false" },
		{ "auto.offset.reset", "earliest" },
		{ "enable.partition.eof", "true" },
	};
	rd_kafka_conf_t *conf = loadgen_conf(lg, extra, 4);
	rd_kafka_topic_partition_list_t *subscription = rd_kafka_topic_partition_list_new(1);
	rd_kafka_resp_err_t err;
	rd_kafka_t *rk;

	if (member != NULL) {
		rd_kafka_conf_set_rebalance_cb(conf, on_rebalance);
		rd_kafka_conf_set_opaque(conf, member);
	}
	rk = loadgen_client(RD_KAFKA_CONSUMER, conf);
	rd_kafka_poll_set_consumer(rk);
	rd_kafka_topic_partition_list_add(subscription, topic, RD_KAFKA_PARTITION_UA);
	err = rd_kafka_subscribe(rk, subscription);
	rd_kafka_topic_partition_list_destroy(subscription);
	if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
		fprintf(stderr, "kfleet-loadgen: subscribe to %s: %s\n", topic, rd_kafka_err2str(err));
		rd_kafka_destroy(rk);
		return NULL;
	}
	return rk;
}

static int
loadgen_consume(struct loadgen *lg, const char *topic, const char *group, long long count)
{
	rd_kafka_t *rk = loadgen_group_consumer(lg, topic, group, NULL);
	time_t deadline = time(NULL) + LOADGEN_TIMEOUT_MS / 1000;
	long long consumed = 0;
	int status = 0;
	rd_kafka_resp_err_t err;

	if (rk == NULL)
		return LOADGEN_EXIT_FAILED;
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

/* ---------------------------------------------------------------- live modes */

/* rate, follow and stall run until SIGTERM or SIGINT (or their time is up); the handler
 * only raises this flag, which their loops read at least every LOADGEN_POLL_MS. */
static volatile sig_atomic_t loadgen_stopping;

static void
on_stop_signal(int signo)
{
	(void)signo;
	loadgen_stopping = 1;
}

/* SIGTERM and SIGINT raise loadgen_stopping. No SA_RESTART: a sleep they interrupt ends
 * early. librdkafka's threads block every signal, so the main thread takes them. */
static void
loadgen_catch_stop_signals(void)
{
	struct sigaction action = { .sa_handler = on_stop_signal };

	sigemptyset(&action.sa_mask);
	sigaction(SIGTERM, &action, NULL);
	sigaction(SIGINT, &action, NULL);
}

/* Wait until TOPIC is in RK's metadata with a leader for each of its partitions, and set
 * *PARTITIONS to their number. Asks for all topics, so that asking never creates TOPIC
 * on a broker that creates topics on first use. Returns 0, or LOADGEN_EXIT_FAILED after
 * LOADGEN_READY_TIMEOUT_MS, saying why, with WHAT (the mode) first. */
static int
loadgen_topic_partitions(rd_kafka_t *rk, const char *what, const char *topic,
                         int32_t *partitions)
{
	int64_t deadline = monotonic_ms() + LOADGEN_READY_TIMEOUT_MS;
	char why[200];

	for (;;) {
		const struct rd_kafka_metadata *md;
		rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 1, NULL, &md, LOADGEN_READY_TIMEOUT_MS);

		snprintf(why, sizeof why, "no such topic");
		if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
			snprintf(why, sizeof why, "metadata: %s", rd_kafka_err2str(err));
		} else {
			for (int t = 0; t < md->topic_cnt; t++) {
				const struct rd_kafka_metadata_topic *mt = &md->topics[t];
				int led = 0;

				if (strcmp(mt->topic, topic) != 0)
					continue;
				for (int p = 0; p < mt->partition_cnt; p++)
					led += mt->partitions[p].leader >= 0;
				if (mt->err == RD_KAFKA_RESP_ERR_NO_ERROR && mt->partition_cnt > 0 &&
				    led == mt->partition_cnt) {
					*partitions = mt->partition_cnt;
					rd_kafka_metadata_destroy(md);
					return 0;
				}
				if (mt->err != RD_KAFKA_RESP_ERR_NO_ERROR)
					snprintf(why, sizeof why, "%s", rd_kafka_err2str(mt->err));
				else
					snprintf(why, sizeof why, "%d of %d partitions have a leader", led,
					         mt->partition_cnt);
			}
			rd_kafka_metadata_destroy(md);
		}
		if (monotonic_ms() > deadline) {
			fprintf(stderr, "kfleet-loadgen: %s: topic %s: %s (after %d s)\n", what, topic, why,
			        LOADGEN_READY_TIMEOUT_MS / 1000);
			return LOADGEN_EXIT_FAILED;
		}
		usleep(FLEET_RETRY_DELAY_MS * 1000);
	}
}

/* When message N of a run at RATE messages per second is due, in nanoseconds after the
 * start: exactly N/RATE seconds, so that rounding never accumulates into drift. */
static int64_t
rate_due_ns(long long n, long long rate)
{
	return (int64_t)(n / rate) * NS_PER_S + (int64_t)(n % rate) * NS_PER_S / rate;
}

/* Serve RK's delivery reports and sleep until DUE_NS on the monotonic clock, waking at
 * least every LOADGEN_POLL_MS to serve them again and to see a stop signal. Returns
 * whether DUE_NS was reached (false: a signal asked to stop). */
static bool
rate_wait_until(rd_kafka_t *rk, int64_t due_ns)
{
	for (;;) {
		int64_t now = monotonic_ns(), wake;
		struct timespec ts;

		rd_kafka_poll(rk, 0);
		if (loadgen_stopping)
			return false;
		if (now >= due_ns)
			return true;
		wake = due_ns - now > LOADGEN_POLL_MS * NS_PER_MS ? now + LOADGEN_POLL_MS * NS_PER_MS
		                                                   : due_ns;
		ts.tv_sec = (time_t)(wake / NS_PER_S);
		ts.tv_nsec = (long)(wake % NS_PER_S);
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);   /* EINTR: look again */
	}
}

/* RATE messages per second to TOPIC for SECONDS (0: until a signal), message n at
 * start + n/RATE and to partition n modulo the partition count (round robin), with the
 * CreateTime librdkafka gives it as it is queued. A run of SECONDS sends RATE x SECONDS
 * messages and lasts SECONDS; a signal ends it early. Everything queued is delivered
 * before the summary line. */
static int
loadgen_rate(struct loadgen *lg, const char *topic, long long rate, long long seconds)
{
	long long failed = 0, sent = 0, total = rate * seconds;
	rd_kafka_t *rk;
	int32_t partitions = 0;
	int64_t started, ended;
	int status;

	loadgen_catch_stop_signals();
	rk = loadgen_producer(lg, &failed);
	status = loadgen_topic_partitions(rk, "rate", topic, &partitions);
	if (status != 0) {
		rd_kafka_destroy(rk);
		return status;
	}
	started = monotonic_ns();
	while ((seconds == 0 || sent < total) && status == 0 &&
	       rate_wait_until(rk, started + rate_due_ns(sent, rate))) {
		status = loadgen_send(rk, topic, (int32_t)(sent % partitions), sent);
		sent += status == 0;
	}
	if (status == 0 && seconds > 0)
		rate_wait_until(rk, started + seconds * NS_PER_S);
	ended = monotonic_ns();
	if (loadgen_producer_close(rk, topic, &failed, LOADGEN_TIMEOUT_MS) != 0)
		status = LOADGEN_EXIT_FAILED;
	printf("rate %s: %lld messages in %.1f s\n", topic, sent,
	       (double)(ended - started) / NS_PER_S);
	return status;
}

/* One poll of RK, the consumer of MODE (follow, stall) in GROUP, for up to
 * LOADGEN_POLL_MS: whether it handed over a message (whose offset is stored as it is).
 * Errors other than reaching the end of a partition are printed. */
static bool
member_poll(rd_kafka_t *rk, const char *mode, const char *group)
{
	rd_kafka_message_t *msg = rd_kafka_consumer_poll(rk, LOADGEN_POLL_MS);
	bool delivered;

	if (msg == NULL)
		return false;
	delivered = msg->err == RD_KAFKA_RESP_ERR_NO_ERROR;
	if (!delivered && msg->err != RD_KAFKA_RESP_ERR__PARTITION_EOF)
		fprintf(stderr, "kfleet-loadgen: %s %s: %s\n", mode, group, rd_kafka_message_errstr(msg));
	rd_kafka_message_destroy(msg);
	return delivered;
}

/* ERR, or else the first partition's error in OFFSETS (may be NULL), of a commit's
 * answer. */
static rd_kafka_resp_err_t
commit_error(rd_kafka_resp_err_t err, const rd_kafka_topic_partition_list_t *offsets)
{
	for (int i = 0; err == RD_KAFKA_RESP_ERR_NO_ERROR && offsets != NULL && i < offsets->cnt; i++)
		err = offsets->elems[i].err;
	return err;
}

/* Commit OFFSETS (NULL: those stored as messages were handed over) and wait up to
 * LOADGEN_COMMIT_TIMEOUT_MS for the answer, where a synchronous commit would wait for
 * ever for a coordinator that is gone. Returns the error, RD_KAFKA_RESP_ERR__TIMED_OUT
 * when there was no answer in time. */
static rd_kafka_resp_err_t
loadgen_commit_wait(rd_kafka_t *rk, const rd_kafka_topic_partition_list_t *offsets)
{
	rd_kafka_queue_t *queue = rd_kafka_queue_new(rk);
	rd_kafka_resp_err_t err = rd_kafka_commit_queue(rk, offsets, queue, NULL, NULL);

	if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
		rd_kafka_event_t *ev =
			kclient_wait_event(queue, RD_KAFKA_EVENT_OFFSET_COMMIT, LOADGEN_COMMIT_TIMEOUT_MS);

		if (ev == NULL) {
			err = RD_KAFKA_RESP_ERR__TIMED_OUT;
		} else {
			err = commit_error(rd_kafka_event_error(ev), rd_kafka_event_topic_partition_list(ev));
			rd_kafka_event_destroy(ev);
		}
	}
	rd_kafka_queue_destroy(queue);
	return err;
}

/* follow's commits: asynchronous, so that a coordinator out of reach never blocks its
 * loop, one at a time, answered on their own queue (nothing else comes there). */
struct follow_commits {
	const char *group;
	rd_kafka_queue_t *queue;
	bool in_flight;
	rd_kafka_resp_err_t answer;     /* the last answer */
	long long taken;                /* commits the coordinator took */
};

/* Take the answer to the commit in flight, waiting up to TIMEOUT_MS (0: only look). */
static void
follow_answer(struct follow_commits *c, int timeout_ms)
{
	rd_kafka_event_t *ev;

	if (!c->in_flight || (ev = rd_kafka_queue_poll(c->queue, timeout_ms)) == NULL)
		return;
	c->in_flight = false;
	c->answer = commit_error(rd_kafka_event_error(ev), rd_kafka_event_topic_partition_list(ev));
	if (c->answer == RD_KAFKA_RESP_ERR_NO_ERROR)
		c->taken++;
	else
		fprintf(stderr, "kfleet-loadgen: follow %s: commit: %s\n", c->group,
		        rd_kafka_err2str(c->answer));
	rd_kafka_event_destroy(ev);
}

/* Commit the positions of RK's whole assignment, what it has read, also when they have
 * not moved: the commit itself says the member is alive. Partitions it has read nothing
 * from are left out; with none left nothing is sent. Call with no commit in flight.
 * Returns whether one is now. */
static bool
follow_commit(rd_kafka_t *rk, struct follow_commits *c)
{
	rd_kafka_topic_partition_list_t *assignment = NULL, *positions;
	rd_kafka_resp_err_t err;

	if (rd_kafka_assignment(rk, &assignment) != RD_KAFKA_RESP_ERR_NO_ERROR)
		return false;
	positions = rd_kafka_topic_partition_list_new(assignment->cnt);
	if (rd_kafka_position(rk, assignment) == RD_KAFKA_RESP_ERR_NO_ERROR)
		for (int i = 0; i < assignment->cnt; i++)
			if (assignment->elems[i].offset >= 0)
				rd_kafka_topic_partition_list_add(positions, assignment->elems[i].topic,
				                                  assignment->elems[i].partition)->offset =
					assignment->elems[i].offset;
	if (positions->cnt > 0) {
		err = rd_kafka_commit_queue(rk, positions, c->queue, NULL, NULL);
		c->in_flight = err == RD_KAFKA_RESP_ERR_NO_ERROR;
		if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
			fprintf(stderr, "kfleet-loadgen: follow %s: commit: %s\n", c->group,
			        rd_kafka_err2str(err));
	}
	rd_kafka_topic_partition_list_destroy(positions);
	rd_kafka_topic_partition_list_destroy(assignment);
	return c->in_flight;
}

/* Read TOPIC in GROUP for SECONDS (0: until a signal), committing what was read every
 * FOLLOW_COMMIT_INTERVAL_MS and once more at the end, then leave the group. With the
 * coordinator out of reach the last commit fails after LOADGEN_COMMIT_TIMEOUT_MS, and
 * librdkafka's shutdown waits for the commits in flight (socket.timeout.ms, 60 s by
 * default). */
static int
loadgen_follow(struct loadgen *lg, const char *topic, const char *group, long long seconds)
{
	struct member m = { .mode = "follow", .group = group, .announce = true };
	struct follow_commits commits = { .group = group };
	int64_t started = monotonic_ms();
	int64_t next_commit = started + FOLLOW_COMMIT_INTERVAL_MS;
	long long consumed = 0;
	rd_kafka_t *rk;
	int status = 0;

	loadgen_catch_stop_signals();
	rk = loadgen_group_consumer(lg, topic, group, &m);
	if (rk == NULL)
		return LOADGEN_EXIT_FAILED;
	commits.queue = rd_kafka_queue_new(rk);
	while (!loadgen_stopping && (seconds == 0 || monotonic_ms() < started + seconds * 1000)) {
		consumed += member_poll(rk, "follow", group);
		/* A commit refused (in a rebalance) is made again a second later. */
		follow_answer(&commits, 0);
		if (!commits.in_flight && monotonic_ms() >= next_commit && follow_commit(rk, &commits))
			next_commit = monotonic_ms() + FOLLOW_COMMIT_INTERVAL_MS;
	}
	/* The last commit, after the one in flight if any. */
	follow_answer(&commits, LOADGEN_COMMIT_TIMEOUT_MS);
	if (!commits.in_flight && follow_commit(rk, &commits)) {
		follow_answer(&commits, LOADGEN_COMMIT_TIMEOUT_MS);
		if (commits.answer != RD_KAFKA_RESP_ERR_NO_ERROR)
			status = LOADGEN_EXIT_FAILED;
	}
	if (commits.in_flight) {
		fprintf(stderr, "kfleet-loadgen: follow %s: the last commit was unanswered after %d s\n",
		        group, LOADGEN_COMMIT_TIMEOUT_MS / 1000);
		status = LOADGEN_EXIT_FAILED;
	}
	rd_kafka_queue_destroy(commits.queue);
	rd_kafka_consumer_close(rk);
	rd_kafka_destroy(rk);
	printf("follow %s: %lld messages, %lld commits in %.1f s\n", group, consumed, commits.taken,
	       (double)(monotonic_ms() - started) / 1000);
	return status;
}

/* Read COUNT messages of TOPIC in GROUP and commit them, then stay a member that reads and
 * commits nothing (its partitions paused, polled so that it keeps its place) until a
 * signal, and leave without committing. */
static int
loadgen_stall(struct loadgen *lg, const char *topic, const char *group, long long count)
{
	struct member m = { .mode = "stall", .group = group };
	rd_kafka_topic_partition_list_t *assignment = NULL;
	long long consumed = 0;
	rd_kafka_resp_err_t err;
	rd_kafka_t *rk;
	int status = 0;

	loadgen_catch_stop_signals();
	rk = loadgen_group_consumer(lg, topic, group, &m);
	if (rk == NULL)
		return LOADGEN_EXIT_FAILED;
	while (consumed < count && !loadgen_stopping)
		consumed += member_poll(rk, "stall", group);
	if (consumed < count) {
		fprintf(stderr, "kfleet-loadgen: stall %s: stopped after reading %lld of %lld messages, "
		        "nothing committed\n", group, consumed, count);
		status = LOADGEN_EXIT_FAILED;
	} else {
		/* Pause before committing: nothing is read past COUNT, and partitions assigned
		 * from now on are paused as they come. The stored offsets are exactly the COUNT
		 * messages handed over, as no poll came between. */
		m.hold = true;
		err = rd_kafka_assignment(rk, &assignment);
		if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
			err = rd_kafka_pause_partitions(rk, assignment);
		if (assignment != NULL)
			rd_kafka_topic_partition_list_destroy(assignment);
		if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
			err = loadgen_commit_wait(rk, NULL);
		if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
			fprintf(stderr, "kfleet-loadgen: stall %s: pause and commit: %s\n", group,
			        rd_kafka_err2str(err));
			status = LOADGEN_EXIT_FAILED;
		} else {
			printf("stall %s: committed %lld, holding\n", group, count);
			fflush(stdout);
		}
	}
	while (status == 0 && !loadgen_stopping)
		member_poll(rk, "stall", group);    /* paused: keeps the membership alive */
	rd_kafka_consumer_close(rk);   /* enable.auto.commit=false: commits nothing */
	rd_kafka_destroy(rk);
	return status;
}

/* Say why TOPIC [PARTITION] has no message at OFFSET: past the end or before the start
 * when its watermarks say so, else WHY (librdkafka's error, or a gap), with the offsets it
 * holds. */
static void
timestamp_none(rd_kafka_t *rk, const char *topic, int32_t partition, long long offset,
               const char *why)
{
	int64_t low = -1, high = -1;
	rd_kafka_resp_err_t err =
		rd_kafka_query_watermark_offsets(rk, topic, partition, &low, &high, LOADGEN_TIMEOUT_MS);
	char holds[100];

	if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
		fprintf(stderr, "kfleet-loadgen: timestamp %s [%" PRId32 "]: no message at offset %lld: "
		        "%s\n", topic, partition, offset, why);
		return;
	}
	if (offset >= high)
		why = "past the end";
	else if (offset < low)
		why = "before the start";
	if (low == high)
		snprintf(holds, sizeof holds, "the partition is empty (log end offset %" PRId64 ")",
		         high);
	else
		snprintf(holds, sizeof holds, "the partition holds offsets %" PRId64 " to %" PRId64,
		         low, high - 1);
	fprintf(stderr, "kfleet-loadgen: timestamp %s [%" PRId32 "]: no message at offset %lld: "
	        "%s; %s\n", topic, partition, offset, why, holds);
}

/* Print the timestamp (ms since the epoch) of the message at OFFSET of TOPIC [PARTITION],
 * read from there with librdkafka's simple consumer: no group.id, which assign() would
 * need in 2.0.2. No message there (past the end, before the start, a gap) is an error, as
 * is no answer within LOADGEN_TIMEOUT_MS. */
static int
loadgen_timestamp(struct loadgen *lg, const char *topic, int32_t partition, long long offset)
{
	static const struct kclient_setting extra[] = {
		{ "enable.partition.eof", "true" },
		{ "auto.offset.reset", "error" },      /* no silent jump to another offset */
	};
	rd_kafka_t *rk = loadgen_client(RD_KAFKA_CONSUMER, loadgen_conf(lg, extra, 2));
	rd_kafka_topic_t *rkt = NULL;
	int64_t deadline = monotonic_ms() + LOADGEN_TIMEOUT_MS;
	int32_t partitions = 0;
	bool started = false;
	int status = loadgen_topic_partitions(rk, "timestamp", topic, &partitions);

	if (status == 0 && partition >= partitions) {
		fprintf(stderr, "kfleet-loadgen: timestamp: topic %s has %" PRId32 " partitions, "
		        "no partition %" PRId32 "\n", topic, partitions, partition);
		status = LOADGEN_EXIT_FAILED;
	}
	if (status == 0) {
		rkt = rd_kafka_topic_new(rk, topic, NULL);
		started = rkt != NULL && rd_kafka_consume_start(rkt, partition, offset) == 0;
		if (!started) {
			fprintf(stderr, "kfleet-loadgen: timestamp %s [%" PRId32 "]: %s\n", topic,
			        partition, rd_kafka_err2str(rd_kafka_last_error()));
			status = LOADGEN_EXIT_FAILED;
		}
	}
	while (started && status == 0) {
		rd_kafka_message_t *msg = rd_kafka_consume(rkt, partition, LOADGEN_POLL_MS);
		rd_kafka_timestamp_type_t type;
		int64_t timestamp;
		char why[200];

		if (msg == NULL) {
			if (monotonic_ms() > deadline) {
				fprintf(stderr, "kfleet-loadgen: timestamp %s [%" PRId32 "]: no message at "
				        "offset %lld within %d s\n", topic, partition, offset,
				        LOADGEN_TIMEOUT_MS / 1000);
				status = LOADGEN_EXIT_FAILED;
			}
			continue;
		}
		status = LOADGEN_EXIT_FAILED;
		if (msg->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) {
			timestamp_none(rk, topic, partition, offset, "past the end");
		} else if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
			timestamp_none(rk, topic, partition, offset, rd_kafka_message_errstr(msg));
		} else if (msg->offset != offset) {
			snprintf(why, sizeof why, "the next one is at %" PRId64, msg->offset);
			timestamp_none(rk, topic, partition, offset, why);
		} else if ((timestamp = rd_kafka_message_timestamp(msg, &type)) < 0 ||
		           type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE) {
			fprintf(stderr, "kfleet-loadgen: timestamp %s [%" PRId32 "]: the message at offset "
			        "%lld has no timestamp\n", topic, partition, offset);
		} else {
			printf("%" PRId64 "\n", timestamp);
			status = 0;
		}
		rd_kafka_message_destroy(msg);
		break;
	}
	if (started)
		rd_kafka_consume_stop(rkt, partition);
	if (rkt != NULL)
		rd_kafka_topic_destroy(rkt);
	rd_kafka_destroy(rk);
	return status;
}

/* ---------------------------------------------------------------- fleet */

/* A fleet being built: what was asked for, the admin client, and the summary of the
 * last phase. */
struct fleet {
	struct loadgen *lg;
	const char *prefix;
	int topics, partitions, groups;
	long long messages;
	rd_kafka_t *admin;
	rd_kafka_queue_t *queue;    /* admin results */
	char summary[200];
};

/* Name number INDEX of KIND ('t' topic, 'g' group) into NAME (FLEET_NAME_SIZE bytes). */
static const char *
fleet_name(char *name, const struct fleet *f, char kind, int index)
{
	snprintf(name, FLEET_NAME_SIZE, "%s-%c%05d", f->prefix, kind, index);
	return name;
}

/* Whether TOPIC is one of the fleet's. */
static bool
fleet_is_topic(const struct fleet *f, const char *topic)
{
	size_t len = strlen(f->prefix);
	char name[FLEET_NAME_SIZE];
	char *end;
	long index;

	if (strncmp(topic, f->prefix, len) != 0 || strncmp(topic + len, "-t", 2) != 0)
		return false;
	index = strtol(topic + len + 2, &end, 10);
	return *end == '\0' && index >= 0 && index < f->topics &&
	       strcmp(topic, fleet_name(name, f, 't', (int)index)) == 0;
}

/* CreateTopics, FLEET_CREATE_BATCH topics per request, every request in flight at once. */
static int
fleet_create_topics(struct fleet *f)
{
	char names[FLEET_CREATE_BATCH][FLEET_NAME_SIZE];
	const char *batch[FLEET_CREATE_BATCH];
	size_t created = 0, existed = 0;
	int requests = 0, status = 0;

	for (int start = 0; start < f->topics && status == 0; start += FLEET_CREATE_BATCH) {
		int count = f->topics - start < FLEET_CREATE_BATCH ? f->topics - start
		                                                    : FLEET_CREATE_BATCH;

		for (int i = 0; i < count; i++)
			batch[i] = fleet_name(names[i], f, 't', start + i);
		status = loadgen_create_request(f->admin, f->queue, batch, (size_t)count, f->partitions,
		                                -1);
		requests += status == 0;
	}
	if (loadgen_create_results(f->queue, requests, &created, &existed) != 0 && status == 0)
		status = LOADGEN_EXIT_FAILED;
	snprintf(f->summary, sizeof f->summary, "%zu created, %zu existed already, in %d requests",
	         created, existed, requests);
	return status;
}

/* Wait until partitions 0..PARTITIONS-1 of every fleet topic have a leader. */
static int
fleet_wait_leaders(struct fleet *f)
{
	int64_t deadline = monotonic_ms() + FLEET_READY_TIMEOUT_MS;
	long long want = (long long)f->topics * f->partitions, ready = 0;
	int rounds = 0;

	for (;;) {
		const struct rd_kafka_metadata *md;
		rd_kafka_resp_err_t err = rd_kafka_metadata(f->admin, 1, NULL, &md, LOADGEN_TIMEOUT_MS);

		rounds++;
		ready = 0;
		if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
			for (int t = 0; t < md->topic_cnt; t++) {
				const struct rd_kafka_metadata_topic *mt = &md->topics[t];

				for (int p = 0; p < mt->partition_cnt && fleet_is_topic(f, mt->topic); p++)
					ready += mt->partitions[p].id < f->partitions &&
					         mt->partitions[p].leader >= 0 &&
					         mt->partitions[p].err == RD_KAFKA_RESP_ERR_NO_ERROR;
			}
			rd_kafka_metadata_destroy(md);
		}
		if (ready == want)
			break;
		if (monotonic_ms() > deadline) {
			fprintf(stderr, "kfleet-loadgen: fleet %s: %lld of %lld partitions have a leader "
			        "after %d s%s%s\n", f->prefix, ready, want, FLEET_READY_TIMEOUT_MS / 1000,
			        err != RD_KAFKA_RESP_ERR_NO_ERROR ? ": " : "",
			        err != RD_KAFKA_RESP_ERR_NO_ERROR ? rd_kafka_err2str(err) : "");
			return LOADGEN_EXIT_FAILED;
		}
		usleep(FLEET_RETRY_DELAY_MS * 1000);
	}
	snprintf(f->summary, sizeof f->summary, "%lld partitions led, after %d metadata requests",
	         want, rounds);
	return 0;
}

/* MESSAGES messages to every partition, named explicitly, through one producer. With
 * acks=all, new followers must first create their logs: wait as long as for leaders. */
static int
fleet_produce(struct fleet *f)
{
	long long failed = 0;
	rd_kafka_t *rk = loadgen_producer(f->lg, &failed);
	char name[FLEET_NAME_SIZE];
	int status = 0;

	for (int t = 0; t < f->topics && status == 0; t++) {
		fleet_name(name, f, 't', t);
		for (int32_t p = 0; p < f->partitions && status == 0; p++)
			for (long long i = 0; i < f->messages && status == 0; i++)
				status = loadgen_send(rk, name, p, i);
	}
	if (loadgen_producer_close(rk, f->prefix, &failed, FLEET_READY_TIMEOUT_MS) != 0)
		status = LOADGEN_EXIT_FAILED;
	snprintf(f->summary, sizeof f->summary, "%lld produced, %lld per partition, acks=all",
	         (long long)f->topics * f->partitions * f->messages, f->messages);
	return status;
}

/* Errors a group coordinator answers for a moment, e.g. on a topic it does not know yet:
 * the offsets are sent again. */
static const rd_kafka_resp_err_t fleet_retriable[] = {
	RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART,
	RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS,
	RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE,
	RD_KAFKA_RESP_ERR_NOT_COORDINATOR,
	RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
	RD_KAFKA_RESP_ERR__TIMED_OUT,
	RD_KAFKA_RESP_ERR__TRANSPORT,
};

static bool
fleet_is_retriable(rd_kafka_resp_err_t err)
{
	for (size_t i = 0; i < sizeof fleet_retriable / sizeof fleet_retriable[0]; i++)
		if (err == fleet_retriable[i])
			return true;
	return false;
}

/* Group GROUP's offsets: MESSAGES/2 on every partition of topics GROUP, GROUP+1 and
 * GROUP+2 (modulo TOPICS; fewer with fewer topics). Caller destroys. */
static rd_kafka_topic_partition_list_t *
fleet_group_offsets(const struct fleet *f, int group)
{
	int topics = f->topics < FLEET_TOPICS_PER_GROUP ? f->topics : FLEET_TOPICS_PER_GROUP;
	rd_kafka_topic_partition_list_t *list =
		rd_kafka_topic_partition_list_new(topics * f->partitions);
	char name[FLEET_NAME_SIZE];

	for (int k = 0; k < topics; k++) {
		fleet_name(name, f, 't', (group + k) % f->topics);
		for (int32_t p = 0; p < f->partitions; p++)
			rd_kafka_topic_partition_list_add(list, name, p)->offset = f->messages / 2;
	}
	return list;
}

/* One AlterConsumerGroupOffsets request (2.0.2 takes one group per request); the
 * group's number travels as the request's opaque. */
static void
fleet_commit_request(struct fleet *f, int group, const rd_kafka_topic_partition_list_t *offsets)
{
	char name[FLEET_NAME_SIZE];
	rd_kafka_AlterConsumerGroupOffsets_t *request =
		rd_kafka_AlterConsumerGroupOffsets_new(fleet_name(name, f, 'g', group), offsets);
	/* Not timed out by librdkafka (see kclient_admin_options): on a new cluster, still
	 * electing coordinators, a timeout followed by the coordinator's answer aborted the
	 * program. fleet_commit_round waits by its own clock. */
	rd_kafka_AdminOptions_t *options =
		kclient_admin_options(f->admin, RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS,
		                      FLEET_READY_TIMEOUT_MS);

	rd_kafka_AdminOptions_set_opaque(options, (void *)(intptr_t)group);
	rd_kafka_AlterConsumerGroupOffsets(f->admin, &request, 1, options, f->queue);
	rd_kafka_AlterConsumerGroupOffsets_destroy(request);
	rd_kafka_AdminOptions_destroy(options);
}

/* Read one AlterConsumerGroupOffsets result: PENDING[group] becomes what the coordinator
 * refused for a moment (NULL when it took everything); *REFUSED counts those offsets.
 * Returns 0, or LOADGEN_EXIT_FAILED for an error that will not pass. */
static int
fleet_commit_result(struct fleet *f, rd_kafka_event_t *ev, rd_kafka_topic_partition_list_t **pending,
                    long long *refused)
{
	int group = (int)(intptr_t)rd_kafka_event_opaque(ev);
	char name[FLEET_NAME_SIZE];
	const rd_kafka_group_result_t **results;
	const rd_kafka_topic_partition_list_t *list;
	rd_kafka_topic_partition_list_t *again;
	rd_kafka_resp_err_t err = rd_kafka_event_error(ev);
	size_t count = 0;
	int status = 0;

	fleet_name(name, f, 'g', group);
	if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
		results = rd_kafka_AlterConsumerGroupOffsets_result_groups(
			rd_kafka_event_AlterConsumerGroupOffsets_result(ev), &count);
		if (count == 1 && rd_kafka_group_result_error(results[0]) != NULL)
			err = rd_kafka_error_code(rd_kafka_group_result_error(results[0]));
	}
	if (err != RD_KAFKA_RESP_ERR_NO_ERROR || count != 1) {
		/* The whole group failed: send it all again, unless that cannot help. */
		if (!fleet_is_retriable(err)) {
			fprintf(stderr, "kfleet-loadgen: fleet: commit for %s: %s\n", name,
			        err != RD_KAFKA_RESP_ERR_NO_ERROR ? rd_kafka_err2str(err) : "no result");
			return LOADGEN_EXIT_FAILED;
		}
		*refused += pending[group]->cnt;
		return 0;
	}
	list = rd_kafka_group_result_partitions(results[0]);
	again = rd_kafka_topic_partition_list_new(0);
	for (int i = 0; list != NULL && i < list->cnt; i++) {
		const rd_kafka_topic_partition_t *tp = &list->elems[i];

		if (tp->err == RD_KAFKA_RESP_ERR_NO_ERROR)
			continue;
		if (!fleet_is_retriable(tp->err)) {
			fprintf(stderr, "kfleet-loadgen: fleet: commit for %s on %s [%" PRId32 "]: %s\n",
			        name, tp->topic, tp->partition, rd_kafka_err2str(tp->err));
			status = LOADGEN_EXIT_FAILED;
			continue;
		}
		rd_kafka_topic_partition_list_add(again, tp->topic, tp->partition)->offset = tp->offset;
		(*refused)++;
	}
	rd_kafka_topic_partition_list_destroy(pending[group]);
	pending[group] = again;
	if (again->cnt == 0 || status != 0) {
		rd_kafka_topic_partition_list_destroy(again);
		pending[group] = NULL;
	}
	return status;
}

/* Send every group's PENDING offsets once, FLEET_GROUPS_IN_FLIGHT requests at a time, and
 * read every answer (also after an error, so that none is outstanding). */
static int
fleet_commit_round(struct fleet *f, rd_kafka_topic_partition_list_t **pending, long long *refused)
{
	int next = 0, in_flight = 0, status = 0;

	for (;;) {
		rd_kafka_event_t *ev;

		for (; next < f->groups && in_flight < FLEET_GROUPS_IN_FLIGHT; next++)
			if (pending[next] != NULL) {
				fleet_commit_request(f, next, pending[next]);
				in_flight++;
			}
		if (in_flight == 0)
			return status;
		ev = kclient_wait_event(f->queue, RD_KAFKA_EVENT_ALTERCONSUMERGROUPOFFSETS_RESULT,
		                        FLEET_READY_TIMEOUT_MS);
		if (ev == NULL) {
			fprintf(stderr, "kfleet-loadgen: fleet: %d commits unanswered within %d s\n",
			        in_flight, FLEET_READY_TIMEOUT_MS / 1000);
			return LOADGEN_EXIT_FAILED;
		}
		in_flight--;
		if (fleet_commit_result(f, ev, pending, refused) != 0)
			status = LOADGEN_EXIT_FAILED;
		rd_kafka_event_destroy(ev);
	}
}

/* Commit every group's offsets; what a coordinator refuses for a moment goes again in the
 * next round, after a pause. */
static int
fleet_commit(struct fleet *f)
{
	rd_kafka_topic_partition_list_t **pending = calloc((size_t)f->groups + 1, sizeof *pending);
	long long refused = 0, offsets = 0;
	int rounds = 0, status = 0, left = f->groups;

	if (pending == NULL) {
		fprintf(stderr, "kfleet-loadgen: out of memory\n");
		return LOADGEN_EXIT_FAILED;
	}
	for (int g = 0; g < f->groups; g++) {
		pending[g] = fleet_group_offsets(f, g);
		offsets += pending[g]->cnt;
	}
	while (left > 0 && status == 0) {
		if (rounds == FLEET_COMMIT_ROUNDS) {
			fprintf(stderr, "kfleet-loadgen: fleet: %d groups still refused after %d rounds\n",
			        left, rounds);
			status = LOADGEN_EXIT_FAILED;
			break;
		}
		if (rounds++ > 0)
			usleep(FLEET_RETRY_DELAY_MS * 1000);
		status = fleet_commit_round(f, pending, &refused);
		left = 0;
		for (int g = 0; g < f->groups; g++)
			left += pending[g] != NULL;
	}
	for (int g = 0; g < f->groups; g++)
		if (pending[g] != NULL)
			rd_kafka_topic_partition_list_destroy(pending[g]);
	free(pending);
	snprintf(f->summary, sizeof f->summary,
	         "%d with %lld offsets committed at %lld, in %d rounds (%lld refused and sent again)",
	         f->groups, offsets, f->messages / 2, rounds, refused);
	return status;
}

/* The fleet's phases, in order; each leaves a line for the log in the fleet's summary. */
static const struct {
	const char *name;
	int (*run)(struct fleet *);
} fleet_phases[] = {
	{ "topics", fleet_create_topics },
	{ "leaders", fleet_wait_leaders },
	{ "messages", fleet_produce },
	{ "groups", fleet_commit },
};

static int
loadgen_fleet(struct fleet *f)
{
	int64_t started = monotonic_ms();
	int status = 0;

	f->admin = loadgen_client(RD_KAFKA_PRODUCER, loadgen_conf(f->lg, NULL, 0));
	f->queue = rd_kafka_queue_new(f->admin);
	printf("fleet %s: %d topics x %d partitions, %d groups, %lld messages per partition\n",
	       f->prefix, f->topics, f->partitions, f->groups, f->messages);
	for (size_t i = 0; i < sizeof fleet_phases / sizeof fleet_phases[0] && status == 0; i++) {
		int64_t phase_started = monotonic_ms();

		f->summary[0] = '\0';
		status = fleet_phases[i].run(f);
		printf("fleet %s: %-8s %s (%.1f s)\n", f->prefix, fleet_phases[i].name, f->summary,
		       (double)(monotonic_ms() - phase_started) / 1000);
		fflush(stdout);
	}
	if (status == 0)
		printf("fleet %s: done in %.1f s\n", f->prefix,
		       (double)(monotonic_ms() - started) / 1000);
	rd_kafka_queue_destroy(f->queue);
	rd_kafka_destroy(f->admin);
	return status;
}

/* ---------------------------------------------------------------- commands */

/* Parse a count between MIN and MAX or exit 2 naming WHAT. */
static int
parse_bounded(const char *text, const char *what, long long min, long long max)
{
	long long value = parse_count(text, what);

	if (value < min || value > max) {
		fprintf(stderr, "kfleet-loadgen: %s must be between %lld and %lld, not %lld\n", what,
		        min, max, value);
		exit(LOADGEN_EXIT_USAGE);
	}
	return (int)value;
}

static int
command_create(struct loadgen *lg, int argc, char **argv)
{
	return loadgen_create(lg, argv[0], parse_bounded(argv[1], "PARTITIONS", 1, INT32_MAX),
	                      argc == 3 ? parse_bounded(argv[2], "REPLICATION", 1, INT16_MAX) : -1);
}

static int
command_produce(struct loadgen *lg, int argc, char **argv)
{
	(void)argc;
	return loadgen_produce(lg, argv[0], parse_count(argv[1], "COUNT"));
}

static int
command_consume(struct loadgen *lg, int argc, char **argv)
{
	(void)argc;
	return loadgen_consume(lg, argv[0], argv[1], parse_count(argv[2], "COUNT"));
}

static int
command_rate(struct loadgen *lg, int argc, char **argv)
{
	(void)argc;
	return loadgen_rate(lg, argv[0], parse_bounded(argv[1], "RATE", 1, RATE_MAX),
	                    parse_bounded(argv[2], "SECONDS", 0, INT32_MAX));
}

static int
command_follow(struct loadgen *lg, int argc, char **argv)
{
	(void)argc;
	return loadgen_follow(lg, argv[0], argv[1], parse_bounded(argv[2], "SECONDS", 0, INT32_MAX));
}

static int
command_stall(struct loadgen *lg, int argc, char **argv)
{
	(void)argc;
	return loadgen_stall(lg, argv[0], argv[1], parse_bounded(argv[2], "COUNT", 1, INT32_MAX));
}

static int
command_timestamp(struct loadgen *lg, int argc, char **argv)
{
	(void)argc;
	return loadgen_timestamp(lg, argv[0], parse_bounded(argv[1], "PARTITION", 0, INT32_MAX),
	                         parse_count(argv[2], "OFFSET"));
}

static int
command_fleet(struct loadgen *lg, int argc, char **argv)
{
	struct fleet f = {
		.lg = lg,
		.prefix = argv[0],
		.topics = parse_bounded(argv[1], "TOPICS", 1, FLEET_MAX_COUNT),
		.partitions = parse_bounded(argv[2], "PARTITIONS", 1, FLEET_MAX_COUNT),
		.groups = parse_bounded(argv[3], "GROUPS", 0, FLEET_MAX_COUNT),
		.messages = parse_count(argv[4], "MESSAGES"),
	};

	(void)argc;
	if (*f.prefix == '\0' || strlen(f.prefix) > FLEET_PREFIX_MAX) {
		fprintf(stderr, "kfleet-loadgen: PREFIX must have 1 to %d characters\n",
		        FLEET_PREFIX_MAX);
		return LOADGEN_EXIT_USAGE;
	}
	return loadgen_fleet(&f);
}

static const struct loadgen_command {
	const char *name, *args, *help;
	int min_args, max_args;
	int (*run)(struct loadgen *lg, int argc, char **argv);
} loadgen_commands[] = {
	{ .name = "create", .args = "TOPIC PARTITIONS [REPLICATION]", .min_args = 2, .max_args = 3,
	  .help = "create a topic (exists: not an error)", .run = command_create },
	{ .name = "produce", .args = "TOPIC COUNT", .min_args = 2, .max_args = 2,
	  .help = "produce COUNT messages over all partitions", .run = command_produce },
	{ .name = "consume", .args = "TOPIC GROUP COUNT", .min_args = 3, .max_args = 3,
	  .help = "consume COUNT messages in GROUP, commit, leave", .run = command_consume },
	{ .name = "rate", .args = "TOPIC RATE SECONDS", .min_args = 3, .max_args = 3,
	  .run = command_rate,
	  .help = "produce RATE messages a second for SECONDS (0: until SIGTERM/SIGINT), message n\n"
	          "      at start + n/RATE, round robin over the partitions; prints the count" },
	{ .name = "follow", .args = "TOPIC GROUP SECONDS", .min_args = 3, .max_args = 3,
	  .run = command_follow,
	  .help = "consume in GROUP from the earliest offset, committing every second, for\n"
	          "      SECONDS (0: until SIGTERM/SIGINT); then commit and leave the group" },
	{ .name = "stall", .args = "TOPIC GROUP COUNT", .min_args = 3, .max_args = 3,
	  .run = command_stall,
	  .help = "consume COUNT messages in GROUP, commit, print 'stall GROUP: committed COUNT,\n"
	          "      holding', then stay a member reading nothing until SIGTERM/SIGINT" },
	{ .name = "timestamp", .args = "TOPIC PARTITION OFFSET", .min_args = 3, .max_args = 3,
	  .run = command_timestamp,
	  .help = "print the timestamp (ms since the epoch) of the message at OFFSET" },
	{ .name = "fleet", .args = "PREFIX TOPICS PARTITIONS GROUPS MESSAGES", .min_args = 5,
	  .max_args = 5, .run = command_fleet,
	  .help = "topics PREFIX-t00000.., MESSAGES on each partition, groups PREFIX-g00000..\n"
	          "      with offsets at MESSAGES/2 on 3 topics each; prints what it made" },
};

static void
usage(FILE *out)
{
	fprintf(out, "usage: kfleet-loadgen -b BOOTSTRAP [-X key=value]... COMMAND ARGS\n");
	for (size_t i = 0; i < sizeof loadgen_commands / sizeof loadgen_commands[0]; i++)
		fprintf(out, "  %s %s\n      %s\n", loadgen_commands[i].name, loadgen_commands[i].args,
		        loadgen_commands[i].help);
	fprintf(out, "  -b, --bootstrap LIST   Kafka bootstrap servers\n"
	             "  -X KEY=VALUE           any librdkafka setting (e.g. security.protocol)\n");
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
	for (size_t i = 0; i < sizeof loadgen_commands / sizeof loadgen_commands[0]; i++)
		if (strcmp(command, loadgen_commands[i].name) == 0 &&
		    argc >= loadgen_commands[i].min_args && argc <= loadgen_commands[i].max_args)
			return loadgen_commands[i].run(&lg, argc, argv);
	fprintf(stderr, "kfleet-loadgen: bad command or arguments '%s': see --help\n", command);
	return LOADGEN_EXIT_USAGE;
}
