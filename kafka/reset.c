/* reset: plan, check and apply consumer-group offset resets (see kfleet/reset.h).
 *
 * Requests, in order: metadata (which topics and partitions exist), ListConsumerGroups
 * for --all-groups, DescribeConsumerGroups (state and members), ListConsumerGroupOffsets
 * per group (the committed offsets), then ListOffsets for every partition in scope: the
 * log start and end, and for a time the broker's time index (offsetsForTimes). Apply
 * describes the groups again and sends one AlterConsumerGroupOffsets per group, all at
 * once; a commit whose answer leaves open whether it was applied is read back with
 * ListConsumerGroupOffsets. Every wait has a deadline, so a dead broker costs a bounded
 * time whatever the number of groups. */
#include "config.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "kfleet/kclient.h"
#include "kfleet/monotonic.h"
#include "kfleet/reset.h"
#include "kfleet/strfmt.h"

#define RESET_DEFAULT_TIMEOUT_MS 30000
#define RESET_MAX_SETTINGS 64
#define RESET_OFFSETS_TRY_MS 5000       /* per ListOffsets try: a dead leader is not waited on */
#define RESET_READ_BACK_TRY_MS 5000     /* per read back: each asks where the coordinator is now */

struct reset_client {
	struct kclient *kafka;  /* renewed after a step that gave up on a request */
};

struct reset_client *
reset_client_new(const struct cluster_config *config, char **err)
{
	/* A consumer with a group of its own that it never joins: librdkafka 2.0.2 needs one
	 * for ListConsumerGroupOffsets to survive a coordinator move (see agent/collect.c),
	 * and read_uncommitted makes ListOffsets give the true log end. */
	static const struct kclient_setting own[] = {
		{ "group.id", "kfleet-reset-admin" },
		{ "enable.auto.commit", "false" },
		{ "isolation.level", "read_uncommitted" },
	};
	struct kclient_setting settings[RESET_MAX_SETTINGS];
	struct reset_client *client;
	rd_kafka_conf_t *conf;
	size_t n = 0;

	*err = NULL;
	for (size_t i = 0; i < config->kafka_count && n < RESET_MAX_SETTINGS - 3; i++)
		settings[n++] = config->kafka[i];
	for (size_t i = 0; i < sizeof own / sizeof own[0]; i++)
		settings[n++] = own[i];
	conf = kclient_conf_new(settings, n, err);
	if (conf == NULL)
		return NULL;
	client = calloc(1, sizeof *client);
	if (client == NULL) {
		rd_kafka_conf_destroy(conf);
		*err = strdup("out of memory");
		return NULL;
	}
	client->kafka = kclient_open(RD_KAFKA_CONSUMER, conf, err);
	if (client->kafka == NULL) {
		free(client);
		return NULL;
	}
	return client;
}

/* CLIENT on a new librdkafka client if a step gave up on a request (see kclient_refresh):
 * destroying the old one ends the requests it still holds, which are then never sent.
 * Every queue of the old one must be gone. Returns -1 when a new one cannot be made, with
 * *ERR set if ERR is not NULL (caller frees): it is tried again at the next step, and
 * meanwhile the old one serves. */
static int
reset_client_refresh(struct reset_client *client, char **err)
{
	char *why = NULL;
	int renewed = kclient_refresh(client->kafka, &why);

	if (err != NULL)
		*err = why;
	else
		free(why);
	return renewed < 0 ? -1 : 0;
}

void
reset_client_free(struct reset_client *client)
{
	if (client == NULL)
		return;
	kclient_close(client->kafka);
	free(client);
}

/* What building a plan works with. */
struct reset_build {
	struct kclient *kafka;
	rd_kafka_t *rk;         /* KAFKA's handle */
	const struct reset_request *request;
	int timeout_ms;
	rd_kafka_queue_t *queue;
	const rd_kafka_metadata_t *metadata;
	struct reset_plan *plan;
	char **err;
};

static const char *const reset_mode_options[] = {
	[RESET_TO_EARLIEST] = "--to-earliest",
	[RESET_TO_LATEST] = "--to-latest",
	[RESET_TO_CURRENT] = "--to-current",
	[RESET_TO_OFFSET] = "--to-offset",
	[RESET_SHIFT_BY] = "--shift-by",
	[RESET_TO_TIME] = "--to-datetime",
	[RESET_EXPLICIT] = "--from-file",
};

const char *
reset_mode_option(enum reset_mode mode)
{
	return (size_t)mode < sizeof reset_mode_options / sizeof reset_mode_options[0]
	       ? reset_mode_options[mode] : "?";
}

static char *
reset_strdup(const char *text)
{
	return text != NULL ? strdup(text) : NULL;
}

/* ---------------------------------------------------------------- plan memory */

static void
reset_group_free(struct reset_group *g)
{
	for (size_t i = 0; i < g->member_count; i++) {
		free(g->members[i].member_id);
		free(g->members[i].client_id);
		free(g->members[i].host);
	}
	free(g->members);
	for (size_t i = 0; i < g->row_count; i++) {
		free(g->rows[i].topic);
		free(g->rows[i].note);
		free(g->rows[i].error);
	}
	free(g->rows);
	free(g->group);
	free(g->state);
}

void
reset_plan_free(struct reset_plan *plan)
{
	if (plan == NULL)
		return;
	for (size_t i = 0; i < plan->group_count; i++)
		reset_group_free(&plan->groups[i]);
	free(plan->groups);
	free(plan);
}

/* A new row of G for TOPIC/PARTITION, or NULL when out of memory. */
static struct reset_row *
reset_add_row(struct reset_group *g, const char *topic, int32_t partition)
{
	struct reset_row *rows = realloc(g->rows, (g->row_count + 1) * sizeof *rows);

	if (rows == NULL)
		return NULL;
	g->rows = rows;
	rows[g->row_count] = (struct reset_row){
		.topic = strdup(topic), .partition = partition, .current = -1, .log_start = -1,
		.log_end = -1, .requested = -1, .target = -1,
	};
	if (rows[g->row_count].topic == NULL)
		return NULL;
	return &rows[g->row_count++];
}

static struct reset_row *
reset_find_row(struct reset_group *g, const char *topic, int32_t partition)
{
	for (size_t i = 0; i < g->row_count; i++)
		if (g->rows[i].partition == partition && strcmp(g->rows[i].topic, topic) == 0)
			return &g->rows[i];
	return NULL;
}

static enum reset_status
reset_out_of_memory(struct reset_build *b)
{
	free(*b->err);
	*b->err = strdup("out of memory");
	return RESET_FAILED;
}

/* ---------------------------------------------------------------- the cluster */

/* Wait for the answer of type TYPE to the request just sent on KAFKA, named WHAT in
 * errors. */
static rd_kafka_event_t *
reset_wait(struct kclient *kafka, rd_kafka_queue_t *queue, rd_kafka_event_type_t type,
           int timeout_ms, const char *what, char **err)
{
	rd_kafka_event_t *ev = kclient_wait_event(queue, type, timeout_ms + 5000);

	if (ev == NULL) {
		kclient_gave_up(kafka);
		*err = strfmt("%s: no answer from the cluster within %d s", what, timeout_ms / 1000);
		return NULL;
	}
	if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
		*err = strfmt("%s: %s", what, rd_kafka_event_error_string(ev));
		rd_kafka_event_destroy(ev);
		return NULL;
	}
	return ev;
}

static const rd_kafka_metadata_topic_t *
reset_metadata_topic(const struct reset_build *b, const char *topic)
{
	for (int t = 0; t < b->metadata->topic_cnt; t++)
		if (strcmp(b->metadata->topics[t].topic, topic) == 0)
			return &b->metadata->topics[t];
	return NULL;
}

/* Every group of the cluster, for --all-groups, as the plan's groups. */
static enum reset_status
reset_list_groups(struct reset_build *b)
{
	rd_kafka_AdminOptions_t *options =
		kclient_admin_options(b->rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS, b->timeout_ms);
	const rd_kafka_ConsumerGroupListing_t **listings;
	rd_kafka_event_t *ev;
	size_t count;

	rd_kafka_ListConsumerGroups(b->rk, options, b->queue);
	rd_kafka_AdminOptions_destroy(options);
	ev = reset_wait(b->kafka, b->queue, RD_KAFKA_EVENT_LISTCONSUMERGROUPS_RESULT,
	                b->timeout_ms, "listing the consumer groups", b->err);
	if (ev == NULL)
		return RESET_FAILED;
	listings = rd_kafka_ListConsumerGroups_result_valid(rd_kafka_event_ListConsumerGroups_result(ev),
	                                                    &count);
	b->plan->groups = calloc(count + 1, sizeof *b->plan->groups);
	for (size_t i = 0; b->plan->groups != NULL && i < count; i++) {
		b->plan->groups[b->plan->group_count].group =
			strdup(rd_kafka_ConsumerGroupListing_group_id(listings[i]));
		if (b->plan->groups[b->plan->group_count++].group == NULL)
			break;
	}
	rd_kafka_event_destroy(ev);
	if (b->plan->groups == NULL)
		return reset_out_of_memory(b);
	return RESET_OK;
}

/* What to do when a group's coordinator does not answer, after what went wrong. */
#define RESET_COORDINATOR_ADVICE \
	"a broker may be down or the group's coordinator moving: check the cluster (kfleet " \
	"clusters) and run the reset again"

/* D's state and members into G. */
static void
reset_take_description(struct reset_group *g, const rd_kafka_ConsumerGroupDescription_t *d)
{
	for (size_t m = 0; m < g->member_count; m++) {
		free(g->members[m].member_id);
		free(g->members[m].client_id);
		free(g->members[m].host);
	}
	free(g->members);
	free(g->state);
	g->state = strdup(rd_kafka_consumer_group_state_name(rd_kafka_ConsumerGroupDescription_state(d)));
	g->member_count = rd_kafka_ConsumerGroupDescription_member_count(d);
	g->members = calloc(g->member_count + 1, sizeof *g->members);
	for (size_t m = 0; g->members != NULL && m < g->member_count; m++) {
		const rd_kafka_MemberDescription_t *md = rd_kafka_ConsumerGroupDescription_member(d, m);

		g->members[m] = (struct reset_member){
			.member_id = reset_strdup(rd_kafka_MemberDescription_consumer_id(md)),
			.client_id = reset_strdup(rd_kafka_MemberDescription_client_id(md)),
			.host = reset_strdup(rd_kafka_MemberDescription_host(md)),
		};
	}
	if (g->members == NULL)
		g->member_count = 0;
}

/* The answer EV for group G: whether its state was taken, else *WHY says why not (caller
 * frees; NULL when out of memory). */
static bool
reset_describe_answer(struct reset_group *g, rd_kafka_event_t *ev, char **why)
{
	const rd_kafka_ConsumerGroupDescription_t **described;
	size_t count;

	*why = NULL;
	if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
		*why = strfmt("group %s: its state could not be read (%s); %s", g->group,
		              rd_kafka_event_error_string(ev), RESET_COORDINATOR_ADVICE);
		return false;
	}
	described = rd_kafka_DescribeConsumerGroups_result_groups(
		rd_kafka_event_DescribeConsumerGroups_result(ev), &count);
	for (size_t i = 0; i < count; i++) {
		const rd_kafka_ConsumerGroupDescription_t *d = described[i];
		const rd_kafka_error_t *error = rd_kafka_ConsumerGroupDescription_error(d);

		if (strcmp(g->group, rd_kafka_ConsumerGroupDescription_group_id(d)) != 0)
			continue;
		if (error != NULL) {
			*why = strfmt("group %s: its state could not be read (%s); %s", g->group,
			              rd_kafka_error_string(error), RESET_COORDINATOR_ADVICE);
			return false;
		}
		reset_take_description(g, d);
		return true;
	}
	*why = strfmt("group %s: its state could not be read (the broker's answer did not name "
	              "it); %s", g->group, RESET_COORDINATOR_ADVICE);
	return false;
}

/* State and members of every group of PLAN (their names set), one request each, all at
 * once (librdkafka 2.0.2 sends one DescribeGroups per group anyway), waited for by a
 * deadline of our own (see kclient_admin_options). With GROUP_ERRORS (one per group,
 * caller frees each), a group whose state cannot be read gets its error there and the
 * others are described; without, the first such group fails the whole. */
static enum reset_status
reset_describe(struct kclient *kafka, rd_kafka_queue_t *queue, int timeout_ms,
               struct reset_plan *plan, char **group_errors, char **err)
{
	rd_kafka_t *rk = kclient_handle(kafka);
	bool *answered = calloc(plan->group_count + 1, sizeof *answered);
	enum reset_status status = RESET_OK;
	size_t waiting = plan->group_count;
	int64_t deadline = monotonic_ms() + timeout_ms + 5000;

	if (answered == NULL) {
		*err = strdup("out of memory");
		return RESET_FAILED;
	}
	for (size_t i = 0; i < plan->group_count; i++) {
		const char *name = plan->groups[i].group;
		rd_kafka_AdminOptions_t *options =
			kclient_admin_options(rk, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS, timeout_ms);

		rd_kafka_AdminOptions_set_opaque(options, (void *)(uintptr_t)(i + 1));
		rd_kafka_DescribeConsumerGroups(rk, &name, 1, options, queue);
		rd_kafka_AdminOptions_destroy(options);
	}
	while (waiting > 0 && status == RESET_OK) {
		int64_t left = deadline - monotonic_ms();
		rd_kafka_event_t *ev = kclient_wait_event(queue,
		                                          RD_KAFKA_EVENT_DESCRIBECONSUMERGROUPS_RESULT,
		                                          left > 0 ? (int)left : 0);
		uintptr_t asked;
		bool taken;
		char *why;

		if (ev == NULL)
			break;
		asked = (uintptr_t)rd_kafka_event_opaque(ev);
		if (asked == 0 || asked > plan->group_count || answered[asked - 1]) {
			rd_kafka_event_destroy(ev);
			continue;
		}
		answered[asked - 1] = true;
		waiting--;
		taken = reset_describe_answer(&plan->groups[asked - 1], ev, &why);
		rd_kafka_event_destroy(ev);
		if (taken)
			continue;
		if (group_errors != NULL && why != NULL) {
			group_errors[asked - 1] = why;
		} else {
			*err = why;
			status = RESET_FAILED;
		}
	}
	for (size_t i = 0; i < plan->group_count && status == RESET_OK; i++) {
		char *why;

		if (answered[i])
			continue;
		why = strfmt("group %s: its state could not be read (no answer within %d s); %s",
		             plan->groups[i].group, timeout_ms / 1000, RESET_COORDINATOR_ADVICE);
		if (group_errors != NULL && why != NULL) {
			group_errors[i] = why;
		} else {
			*err = why;
			status = RESET_FAILED;
		}
	}
	free(answered);
	if (waiting > 0)
		kclient_gave_up(kafka);     /* unanswered, or not waited for after a failure */
	if (status == RESET_FAILED && *err == NULL)
		*err = strdup("out of memory");
	return status;
}

bool
reset_is_streams_internal(const char *group, const char *topic)
{
	size_t group_length = strlen(group), topic_length = strlen(topic);
	static const char *const suffixes[] = { "-changelog", "-repartition" };

	if (group_length == 0 || topic_length <= group_length + 1 ||
	    strncmp(topic, group, group_length) != 0 ||
	    topic[group_length] != '-')
		return false;
	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		size_t suffix_length = strlen(suffixes[i]);

		/* GROUP-<name>-changelog: a name between the two dashes */
		if (topic_length > group_length + 1 + suffix_length &&
		    strcmp(topic + topic_length - suffix_length, suffixes[i]) == 0)
			return true;
	}
	return false;
}

/* The committed offsets of G, into rows (every partition, for --all-topics) or into the
 * rows already in scope (CURRENT of each). */
static enum reset_status
reset_committed(struct reset_build *b, struct reset_group *g, bool add_rows)
{
	rd_kafka_ListConsumerGroupOffsets_t *request = rd_kafka_ListConsumerGroupOffsets_new(g->group, NULL);
	rd_kafka_AdminOptions_t *options =
		kclient_admin_options(b->rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, b->timeout_ms);
	const rd_kafka_group_result_t **results;
	const rd_kafka_topic_partition_list_t *offsets;
	char *what = strfmt("reading group %s's committed offsets", g->group);
	rd_kafka_event_t *ev;
	size_t count;

	rd_kafka_ListConsumerGroupOffsets(b->rk, &request, 1, options, b->queue);
	rd_kafka_AdminOptions_destroy(options);
	rd_kafka_ListConsumerGroupOffsets_destroy(request);
	ev = reset_wait(b->kafka, b->queue, RD_KAFKA_EVENT_LISTCONSUMERGROUPOFFSETS_RESULT,
	                b->timeout_ms, what != NULL ? what : "reading committed offsets", b->err);
	free(what);
	if (ev == NULL) {
		char *advised = strfmt("%s; %s", *b->err, RESET_COORDINATOR_ADVICE);

		if (advised != NULL) {
			free(*b->err);
			*b->err = advised;
		}
		return RESET_FAILED;
	}
	results = rd_kafka_ListConsumerGroupOffsets_result_groups(
		rd_kafka_event_ListConsumerGroupOffsets_result(ev), &count);
	if (count == 1 && rd_kafka_group_result_error(results[0]) != NULL) {
		*b->err = strfmt("reading group %s's committed offsets: %s; %s", g->group,
		                 rd_kafka_error_string(rd_kafka_group_result_error(results[0])),
		                 RESET_COORDINATOR_ADVICE);
		rd_kafka_event_destroy(ev);
		return RESET_FAILED;
	}
	offsets = count == 1 ? rd_kafka_group_result_partitions(results[0]) : NULL;
	for (int i = 0; offsets != NULL && i < offsets->cnt; i++) {
		const rd_kafka_topic_partition_t *tp = &offsets->elems[i];
		struct reset_row *row = reset_find_row(g, tp->topic, tp->partition);

		if (tp->offset < 0 || tp->err != RD_KAFKA_RESP_ERR_NO_ERROR)
			continue;                   /* no committed offset there */
		if (add_rows && b->request->skip_streams_internal &&
		    reset_is_streams_internal(g->group, tp->topic))
			continue;                   /* deleted, not reset */
		if (row == NULL && add_rows) {
			row = reset_add_row(g, tp->topic, tp->partition);
			if (row == NULL) {
				rd_kafka_event_destroy(ev);
				return reset_out_of_memory(b);
			}
		}
		if (row != NULL)
			row->current = tp->offset;
	}
	rd_kafka_event_destroy(ev);
	return RESET_OK;
}

/* Check that TOPIC/PARTITION exists; RESET_BAD_INPUT naming it (and what there is) if not. */
static enum reset_status
reset_check_partition(struct reset_build *b, const char *group, const char *topic,
                      int32_t partition)
{
	const rd_kafka_metadata_topic_t *t = reset_metadata_topic(b, topic);

	if (t == NULL || t->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
		*b->err = strfmt("topic %s does not exist on this cluster%s%s", topic,
		                 group != NULL ? " (group " : "", group != NULL ? group : "");
		if (*b->err != NULL && group != NULL) {
			char *closed = strfmt("%s)", *b->err);

			free(*b->err);
			*b->err = closed;
		}
		return RESET_BAD_INPUT;
	}
	if (partition < 0 || partition >= t->partition_cnt) {
		*b->err = strfmt("topic %s has %d partition%s (0 to %d): there is no partition %d",
		                 topic, t->partition_cnt, t->partition_cnt == 1 ? "" : "s",
		                 t->partition_cnt - 1, (int)partition);
		return RESET_BAD_INPUT;
	}
	return RESET_OK;
}

/* The rows of G in scope of the request: named topics and partitions, or explicit ones. */
static enum reset_status
reset_scope(struct reset_build *b, struct reset_group *g)
{
	const struct reset_request *r = b->request;
	enum reset_status status;

	if (r->mode == RESET_EXPLICIT) {
		for (size_t i = 0; i < r->explicit_count; i++) {
			const struct reset_explicit *e = &r->explicit_rows[i];
			struct reset_row *row;

			if (e->group != NULL && strcmp(e->group, g->group) != 0)
				continue;
			if ((status = reset_check_partition(b, g->group, e->topic, e->partition)) != RESET_OK)
				return status;
			row = reset_find_row(g, e->topic, e->partition);
			if (row == NULL && (row = reset_add_row(g, e->topic, e->partition)) == NULL)
				return reset_out_of_memory(b);
			row->requested = e->offset;
		}
		return reset_committed(b, g, false);
	}
	if (r->all_topics)
		return reset_committed(b, g, true);
	for (size_t i = 0; i < r->topic_count; i++) {
		const struct reset_topic *t = &r->topics[i];
		const rd_kafka_metadata_topic_t *m = reset_metadata_topic(b, t->topic);

		if ((status = reset_check_partition(b, NULL, t->topic,
		                                    t->partition_count > 0 ? t->partitions[0] : 0)) != RESET_OK)
			return status;
		if (t->partition_count == 0) {
			for (int p = 0; p < m->partition_cnt; p++)
				if (reset_find_row(g, t->topic, p) == NULL &&
				    reset_add_row(g, t->topic, p) == NULL)
					return reset_out_of_memory(b);
			continue;
		}
		for (size_t p = 0; p < t->partition_count; p++) {
			if ((status = reset_check_partition(b, NULL, t->topic, t->partitions[p])) != RESET_OK)
				return status;
			if (reset_find_row(g, t->topic, t->partitions[p]) == NULL &&
			    reset_add_row(g, t->topic, t->partitions[p]) == NULL)
				return reset_out_of_memory(b);
		}
	}
	return reset_committed(b, g, false);
}

/* ListOffsets for every row of the plan, asking for WHICH (a time in ms, or
 * RD_KAFKA_OFFSET_BEGINNING/END); SET stores each answer in its row. */
static enum reset_status
reset_list_offsets(struct reset_build *b, int64_t which,
                   void (*set)(struct reset_row *row, int64_t offset))
{
	rd_kafka_topic_partition_list_t *list = rd_kafka_topic_partition_list_new(64);
	rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
	enum reset_status status = RESET_OK;

	/* Each partition once, whatever the number of groups. */
	for (size_t g = 0; g < b->plan->group_count; g++)
		for (size_t i = 0; i < b->plan->groups[g].row_count; i++) {
			const struct reset_row *row = &b->plan->groups[g].rows[i];

			if (rd_kafka_topic_partition_list_find(list, row->topic, row->partition) == NULL)
				rd_kafka_topic_partition_list_add(list, row->topic, row->partition)->offset =
					which;
		}
	/* A leader that died a moment ago stays in librdkafka's metadata until it is asked
	 * again: short tries, the metadata read again between them, until the deadline. */
	for (int64_t deadline = monotonic_ms() + b->timeout_ms; list->cnt > 0; ) {
		int64_t left = deadline - monotonic_ms();
		const rd_kafka_metadata_t *fresh;
		bool refused = false;

		for (int i = 0; i < list->cnt; i++)
			list->elems[i].offset = which;
		err = rd_kafka_offsets_for_times(b->rk, list, (int)(left < RESET_OFFSETS_TRY_MS ?
		                                                    left : RESET_OFFSETS_TRY_MS));
		for (int i = 0; err == RD_KAFKA_RESP_ERR_NO_ERROR && i < list->cnt; i++)
			if (list->elems[i].err != RD_KAFKA_RESP_ERR_NO_ERROR) {
				err = list->elems[i].err;
				refused = true;
			}
		if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
			break;
		if (!refused && err != RD_KAFKA_RESP_ERR__TIMED_OUT)
			break;
		if (monotonic_ms() + 500 >= deadline)
			break;
		rd_kafka_poll(b->rk, 500);      /* a leader changing: ask again in a moment */
		if (rd_kafka_metadata(b->rk, 1, NULL, &fresh,
		                      (int)(deadline - monotonic_ms())) == RD_KAFKA_RESP_ERR_NO_ERROR)
			rd_kafka_metadata_destroy(fresh);
	}
	if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
		*b->err = strfmt("reading the partitions' %s: %s (within %d s); a broker may be down "
		                 "or a leader moving: check the cluster (kfleet clusters) and run the "
		                 "reset again",
		                 which == RD_KAFKA_OFFSET_BEGINNING ? "log start offsets" :
		                 which == RD_KAFKA_OFFSET_END ? "log end offsets" :
		                 "offsets for the time", rd_kafka_err2str(err), b->timeout_ms / 1000);
		status = RESET_FAILED;
	}
	for (size_t g = 0; status == RESET_OK && g < b->plan->group_count; g++)
		for (size_t i = 0; i < b->plan->groups[g].row_count; i++) {
			struct reset_row *row = &b->plan->groups[g].rows[i];

			set(row, rd_kafka_topic_partition_list_find(list, row->topic, row->partition)->offset);
		}
	rd_kafka_topic_partition_list_destroy(list);
	return status;
}

static void
reset_set_log_start(struct reset_row *row, int64_t offset)
{
	row->log_start = offset;
}

static void
reset_set_log_end(struct reset_row *row, int64_t offset)
{
	row->log_end = offset;
}

/* offsetsForTimes: the first offset whose timestamp is at or after the time; -1 when
 * there is none (every message is older): the log end then. */
static void
reset_set_for_time(struct reset_row *row, int64_t offset)
{
	row->requested = offset >= 0 ? offset : row->log_end;
}

/* What the mode asks of ROW, before clamping; RESET_BAD_INPUT when it cannot say. */
static enum reset_status
reset_requested(struct reset_build *b, const struct reset_group *g, struct reset_row *row)
{
	const struct reset_request *r = b->request;

	switch (r->mode) {
	case RESET_TO_EARLIEST:
		row->requested = row->log_start;
		break;
	case RESET_TO_LATEST:
		row->requested = row->log_end;
		break;
	case RESET_TO_OFFSET:
		row->requested = r->value;
		break;
	case RESET_TO_CURRENT:
	case RESET_SHIFT_BY:
		if (row->current < 0) {
			*b->err = strfmt("group %s has no committed offset on %s[%d] to %s; choose "
			                 "--to-earliest, --to-latest, --to-offset or --to-datetime for it",
			                 g->group, row->topic, (int)row->partition,
			                 r->mode == RESET_SHIFT_BY ? "shift" : "keep");
			return RESET_BAD_INPUT;
		}
		row->requested = r->mode == RESET_SHIFT_BY ? row->current + r->value : row->current;
		break;
	case RESET_TO_TIME:
	case RESET_EXPLICIT:
		break;                          /* set by ListOffsets, or given */
	}
	return RESET_OK;
}

/* TARGET from REQUESTED, clamped to [log start, log end] with a note saying so. */
static enum reset_status
reset_clamp(struct reset_build *b, struct reset_row *row)
{
	row->target = row->requested;
	if (row->requested < row->log_start) {
		row->target = row->log_start;
		row->note = strfmt("%lld is before the log start: clamped to %lld",
		                   (long long)row->requested, (long long)row->log_start);
	} else if (row->requested > row->log_end) {
		row->target = row->log_end;
		row->note = strfmt("%lld is past the log end: clamped to %lld",
		                   (long long)row->requested, (long long)row->log_end);
	} else {
		return RESET_OK;
	}
	return row->note != NULL ? RESET_OK : reset_out_of_memory(b);
}

/* Groups named by the request, in its order, without repeats. */
static enum reset_status
reset_named_groups(struct reset_build *b)
{
	const struct reset_request *r = b->request;
	size_t count = r->group_count;

	if (r->mode == RESET_EXPLICIT)
		for (size_t i = 0; i < r->explicit_count; i++)
			count += r->explicit_rows[i].group != NULL;
	b->plan->groups = calloc(count + 1, sizeof *b->plan->groups);
	if (b->plan->groups == NULL)
		return reset_out_of_memory(b);
	for (size_t i = 0; i < count; i++) {
		const char *name = i < r->group_count ? r->groups[i] : NULL;
		bool seen = false;

		if (name == NULL) {             /* the groups an explicit plan names */
			size_t k = i - r->group_count, j = 0;

			for (; j < r->explicit_count; j++)
				if (r->explicit_rows[j].group != NULL && k-- == 0)
					break;
			name = r->explicit_rows[j].group;
		}
		for (size_t j = 0; j < b->plan->group_count && !seen; j++)
			seen = strcmp(b->plan->groups[j].group, name) == 0;
		if (seen)
			continue;
		b->plan->groups[b->plan->group_count].group = strdup(name);
		if (b->plan->groups[b->plan->group_count++].group == NULL)
			return reset_out_of_memory(b);
	}
	return RESET_OK;
}

static int
reset_row_order(const void *a, const void *b)
{
	const struct reset_row *x = a, *y = b;
	int by_topic = strcmp(x->topic, y->topic);

	return by_topic != 0 ? by_topic : (x->partition > y->partition) - (x->partition < y->partition);
}

static enum reset_status
reset_build_plan(struct reset_build *b)
{
	const struct reset_request *r = b->request;
	enum reset_status status;
	rd_kafka_resp_err_t err;

	err = rd_kafka_metadata(b->rk, 1, NULL, &b->metadata, b->timeout_ms);
	if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
		*b->err = kclient_error(b->rk, "reading the cluster's metadata", err);
		return RESET_FAILED;
	}
	status = r->all_groups ? reset_list_groups(b) : reset_named_groups(b);
	if (status != RESET_OK)
		return status;
	if (b->plan->group_count == 0) {
		*b->err = strdup(r->all_groups ? "the cluster has no consumer group"
		                               : "no consumer group named");
		return RESET_BAD_INPUT;
	}
	status = reset_describe(b->kafka, b->queue, b->timeout_ms, b->plan, NULL, b->err);
	for (size_t g = 0; status == RESET_OK && g < b->plan->group_count; g++)
		status = reset_scope(b, &b->plan->groups[g]);
	if (status != RESET_OK)
		return status;
	status = reset_list_offsets(b, RD_KAFKA_OFFSET_BEGINNING, reset_set_log_start);
	if (status == RESET_OK)
		status = reset_list_offsets(b, RD_KAFKA_OFFSET_END, reset_set_log_end);
	if (status == RESET_OK && r->mode == RESET_TO_TIME)
		status = reset_list_offsets(b, r->value, reset_set_for_time);
	for (size_t g = 0; status == RESET_OK && g < b->plan->group_count; g++) {
		struct reset_group *group = &b->plan->groups[g];

		qsort(group->rows, group->row_count, sizeof *group->rows, reset_row_order);
		for (size_t i = 0; status == RESET_OK && i < group->row_count; i++) {
			status = reset_requested(b, group, &group->rows[i]);
			if (status == RESET_OK)
				status = reset_clamp(b, &group->rows[i]);
		}
	}
	return status;
}

enum reset_status
reset_plan_build(struct reset_client *client, const struct reset_request *request,
                 struct reset_plan **plan, char **err)
{
	struct reset_build b = {
		.kafka = client->kafka, .request = request,
		.timeout_ms = request->timeout_ms > 0 ? request->timeout_ms : RESET_DEFAULT_TIMEOUT_MS,
		.plan = calloc(1, sizeof *b.plan), .err = err,
	};
	enum reset_status status;

	*err = NULL;
	*plan = NULL;
	reset_client_refresh(client, NULL);
	b.rk = kclient_handle(client->kafka);
	b.queue = rd_kafka_queue_new(b.rk);
	if (b.plan == NULL)
		status = reset_out_of_memory(&b);
	else
		status = reset_build_plan(&b);
	if (b.metadata != NULL)
		rd_kafka_metadata_destroy(b.metadata);
	rd_kafka_queue_destroy(b.queue);
	reset_client_refresh(client, NULL);
	if (status != RESET_OK) {
		if (*err == NULL)
			*err = strdup("out of memory");
		reset_plan_free(b.plan);
		return status;
	}
	*plan = b.plan;
	return RESET_OK;
}

/* ---------------------------------------------------------------- check and apply */

/* Whether G may be reset: Kafka lets a group's offsets be changed only when it has no
 * active member (Empty), or it does not exist yet (Dead). */
static bool
reset_group_inactive(const struct reset_group *g)
{
	return g->member_count == 0 && g->state != NULL &&
	       (strcasecmp(g->state, "Empty") == 0 || strcasecmp(g->state, "Dead") == 0);
}

/* "G is Stable with 2 members: c1@/10.0.0.7, c2@/10.0.0.8" appended to *TEXT. */
static void
reset_describe_active(char **text, const struct reset_group *g)
{
	char *line = strfmt("%s%s%s is %s with %zu member%s", *text != NULL ? *text : "",
	                    *text != NULL ? "; " : "", g->group, g->state != NULL ? g->state : "?",
	                    g->member_count, g->member_count == 1 ? "" : "s");

	for (size_t m = 0; line != NULL && m < g->member_count; m++) {
		char *longer = strfmt("%s%s%s@%s", line, m == 0 ? ": " : ", ",
		                      g->members[m].client_id != NULL ? g->members[m].client_id : "?",
		                      g->members[m].host != NULL ? g->members[m].host : "?");

		free(line);
		line = longer;
	}
	free(*text);
	*text = line;
}

enum reset_status
reset_plan_check(const struct reset_plan *plan, char **err)
{
	char *active = NULL;

	*err = NULL;
	for (size_t g = 0; g < plan->group_count; g++)
		if (!reset_group_inactive(&plan->groups[g]))
			reset_describe_active(&active, &plan->groups[g]);
	if (active == NULL)
		return RESET_OK;
	*err = strfmt("refused: %s; stop its consumers first (a group's offsets can be reset only "
	              "when it is Empty)", active);
	free(active);
	if (*err == NULL)
		*err = strdup("refused: a group has active members");
	return RESET_REFUSED;
}

/* The broker's refusal of a commit, in words an SRE can act on. */
static const char *
reset_refusal(rd_kafka_resp_err_t err)
{
	switch (err) {
	case RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID:
	case RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION:
	case RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS:
		return "the group became active (a consumer joined); stop its consumers and run the "
		       "reset again";
	case RD_KAFKA_RESP_ERR_GROUP_SUBSCRIBED_TO_TOPIC:
		return "a consumer of the group is subscribed to this topic; stop it first";
	case RD_KAFKA_RESP_ERR_GROUP_AUTHORIZATION_FAILED:
		return "not authorized on the group (an ACL allowing READ on it is needed)";
	case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
		return "not authorized on the topic (an ACL allowing READ on it is needed)";
	case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
		return "the partition does not exist any more";
	case RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE:
	case RD_KAFKA_RESP_ERR_NOT_COORDINATOR:
	case RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS:
		return "the group's coordinator is moving or loading; run the reset again";
	default:
		return NULL;
	}
}

static char *
reset_refusal_text(rd_kafka_resp_err_t err)
{
	const char *words = reset_refusal(err);

	return words != NULL ? strfmt("%s (%s)", words, rd_kafka_err2name(err))
	                     : strfmt("%s (%s)", rd_kafka_err2str(err), rd_kafka_err2name(err));
}

/* Whether ERR, the answer to a commit, leaves open whether the broker applied it: the
 * request may have been written before the connection, the coordinator or the time ran
 * out. librdkafka sends it again after NOT_COORDINATOR, so a coordinator still loading
 * may answer the second try of a commit whose first one its dead predecessor wrote. */
static bool
reset_ambiguous(rd_kafka_resp_err_t err)
{
	switch (err) {
	case RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE:
	case RD_KAFKA_RESP_ERR_NOT_COORDINATOR:
	case RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS:
	case RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT:
	case RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION:
	case RD_KAFKA_RESP_ERR__TIMED_OUT:
	case RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE:
	case RD_KAFKA_RESP_ERR__TRANSPORT:
	case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
	case RD_KAFKA_RESP_ERR__DESTROY:
	case RD_KAFKA_RESP_ERR__FAIL:
		return true;
	default:
		return false;
	}
}

/* ROW's outcome: STATE and its error in words (ERROR taken, may be NULL). */
static void
reset_row_set(struct reset_row *row, enum reset_row_state state, char *error)
{
	free(row->error);
	row->state = state;
	row->error = error;
	if (state != RESET_ROW_WRITTEN && row->error == NULL)
		row->error = strdup("out of memory");
}

/* Every row of G: not written, for WHY (nothing was sent for it). */
static void
reset_group_not_sent(struct reset_group *g, const char *why)
{
	for (size_t i = 0; i < g->row_count; i++)
		reset_row_set(&g->rows[i], RESET_ROW_NOT_WRITTEN, strfmt("not written: %s", why));
}

/* A group being applied: its commit, then, if that had no clear answer, its read back. */
struct reset_pending {
	struct reset_group *group;
	bool answered;                  /* every row's state is known (or unknown for good) */
	char **why;                     /* per row: the ambiguous answer, while read back */
};

/* Send G's targets in one AlterConsumerGroupOffsets on QUEUE, P as its opaque. */
static void
reset_send_commit(rd_kafka_t *rk, rd_kafka_queue_t *queue, int timeout_ms,
                  struct reset_pending *p)
{
	struct reset_group *g = p->group;
	rd_kafka_topic_partition_list_t *offsets = rd_kafka_topic_partition_list_new((int)g->row_count);
	rd_kafka_AlterConsumerGroupOffsets_t *request;
	rd_kafka_AdminOptions_t *options;

	for (size_t i = 0; i < g->row_count; i++)
		rd_kafka_topic_partition_list_add(offsets, g->rows[i].topic, g->rows[i].partition)->offset =
			g->rows[i].target;
	request = rd_kafka_AlterConsumerGroupOffsets_new(g->group, offsets);
	rd_kafka_topic_partition_list_destroy(offsets);
	options = kclient_admin_options(rk, RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS, timeout_ms);
	rd_kafka_AdminOptions_set_opaque(options, p);
	rd_kafka_AlterConsumerGroupOffsets(rk, &request, 1, options, queue);
	rd_kafka_AdminOptions_destroy(options);
	rd_kafka_AlterConsumerGroupOffsets_destroy(request);
	g->applied = true;
}

/* Row I of P: written, refused (ERR), or to be read back (an ambiguous ERR, in WORDS). */
static void
reset_take_answer(struct reset_pending *p, size_t i, rd_kafka_resp_err_t err, const char *words)
{
	struct reset_row *row = &p->group->rows[i];

	if (err == RD_KAFKA_RESP_ERR_NO_ERROR)
		reset_row_set(row, RESET_ROW_WRITTEN, NULL);
	else if (reset_ambiguous(err))
		p->why[i] = words != NULL ? strdup(words) : reset_refusal_text(err);
	else
		reset_row_set(row, RESET_ROW_NOT_WRITTEN, words != NULL ? strdup(words)
		                                                        : reset_refusal_text(err));
}

/* The answer EV (NULL: none in time) to P's commit into P's rows. */
static void
reset_take_commit(struct reset_pending *p, rd_kafka_event_t *ev, int timeout_ms)
{
	struct reset_group *g = p->group;
	const rd_kafka_topic_partition_list_t *written = NULL;
	rd_kafka_resp_err_t whole = RD_KAFKA_RESP_ERR_NO_ERROR;
	char *words = NULL;

	if (ev == NULL) {
		whole = RD_KAFKA_RESP_ERR__TIMED_OUT;
		words = strfmt("no answer to the commit within %d s", timeout_ms / 1000);
	} else if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
		whole = rd_kafka_event_error(ev);
		words = strfmt("committing: %s (%s)", rd_kafka_event_error_string(ev),
		               rd_kafka_err2name(whole));
	} else {
		size_t count;
		const rd_kafka_group_result_t **results = rd_kafka_AlterConsumerGroupOffsets_result_groups(
			rd_kafka_event_AlterConsumerGroupOffsets_result(ev), &count);

		if (count == 1 && rd_kafka_group_result_error(results[0]) != NULL) {
			whole = rd_kafka_error_code(rd_kafka_group_result_error(results[0]));
			words = reset_refusal_text(whole);
		} else if (count == 1) {
			written = rd_kafka_group_result_partitions(results[0]);
		} else {
			whole = RD_KAFKA_RESP_ERR__FAIL;
			words = strdup("the broker's answer named no group");
		}
	}
	for (size_t i = 0; i < g->row_count; i++) {
		const struct reset_row *row = &g->rows[i];
		const rd_kafka_topic_partition_t *tp =
			written != NULL ? rd_kafka_topic_partition_list_find(written, row->topic,
			                                                     row->partition) : NULL;

		if (whole != RD_KAFKA_RESP_ERR_NO_ERROR)
			reset_take_answer(p, i, whole, words);
		else if (tp == NULL)
			reset_take_answer(p, i, RD_KAFKA_RESP_ERR__FAIL,
			                  "the broker did not answer for this partition");
		else
			reset_take_answer(p, i, tp->err, NULL);
	}
	free(words);
}

/* Whether a row of P waits for its read back. */
static bool
reset_reading_back(const struct reset_pending *p)
{
	for (size_t i = 0; i < p->group->row_count; i++)
		if (p->why[i] != NULL)
			return true;
	return false;
}

/* Ask for the committed offsets of P's rows waiting for their read back. */
static void
reset_send_read_back(rd_kafka_t *rk, rd_kafka_queue_t *queue, int timeout_ms,
                     struct reset_pending *p)
{
	struct reset_group *g = p->group;
	rd_kafka_topic_partition_list_t *wanted = rd_kafka_topic_partition_list_new((int)g->row_count);
	rd_kafka_ListConsumerGroupOffsets_t *request;
	rd_kafka_AdminOptions_t *options;

	for (size_t i = 0; i < g->row_count; i++)
		if (p->why[i] != NULL)
			rd_kafka_topic_partition_list_add(wanted, g->rows[i].topic, g->rows[i].partition);
	request = rd_kafka_ListConsumerGroupOffsets_new(g->group, wanted);
	rd_kafka_topic_partition_list_destroy(wanted);
	options = kclient_admin_options(rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, timeout_ms);
	rd_kafka_AdminOptions_set_opaque(options, p);
	rd_kafka_ListConsumerGroupOffsets(rk, &request, 1, options, queue);
	rd_kafka_AdminOptions_destroy(options);
	rd_kafka_ListConsumerGroupOffsets_destroy(request);
}

enum reset_row_state
reset_read_back_state(int64_t current, int64_t target, int64_t committed)
{
	if (committed < 0)
		committed = -1;
	if (current < 0)
		current = -1;
	if (committed == target)
		return RESET_ROW_WRITTEN;
	return committed == current ? RESET_ROW_NOT_WRITTEN : RESET_ROW_UNKNOWN;
}

/* The read back EV of P's rows: each is where the broker says it is. Returns 0, or -1 when
 * the broker could not say (the rows keep waiting), with *WHY set (caller frees). */
static int
reset_take_read_back(struct reset_pending *p, rd_kafka_event_t *ev, char **why)
{
	struct reset_group *g = p->group;
	const rd_kafka_group_result_t **results;
	const rd_kafka_topic_partition_list_t *offsets;
	size_t count;

	if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
		*why = strdup(rd_kafka_event_error_string(ev));
		return -1;
	}
	results = rd_kafka_ListConsumerGroupOffsets_result_groups(
		rd_kafka_event_ListConsumerGroupOffsets_result(ev), &count);
	if (count != 1 || rd_kafka_group_result_error(results[0]) != NULL) {
		*why = strdup(count == 1 ? rd_kafka_error_string(rd_kafka_group_result_error(results[0]))
		                         : "the broker's answer named no group");
		return -1;
	}
	offsets = rd_kafka_group_result_partitions(results[0]);
	for (size_t i = 0; i < g->row_count; i++) {
		struct reset_row *row = &g->rows[i];
		const rd_kafka_topic_partition_t *tp;
		enum reset_row_state state;

		if (p->why[i] == NULL)
			continue;
		tp = offsets != NULL ? rd_kafka_topic_partition_list_find(offsets, row->topic,
		                                                          row->partition) : NULL;
		if (tp == NULL || tp->err != RD_KAFKA_RESP_ERR_NO_ERROR)
			continue;                   /* not said: stays waiting, unknown in the end */
		state = reset_read_back_state(row->current, row->target, tp->offset);
		if (state == RESET_ROW_WRITTEN)
			reset_row_set(row, RESET_ROW_WRITTEN, NULL);
		else if (state == RESET_ROW_NOT_WRITTEN)
			reset_row_set(row, RESET_ROW_NOT_WRITTEN,
			              strfmt("not written: %s; read back: the group is still at %s",
			                     p->why[i], tp->offset >= 0 ? "its offset before" : "no offset"));
		else
			reset_row_set(row, RESET_ROW_UNKNOWN,
			              strfmt("unknown whether written: %s; read back: the group is at %lld, "
			                     "neither before nor after (another client committed?)",
			                     p->why[i], (long long)tp->offset));
		if (row->state != RESET_ROW_PLANNED) {
			free(p->why[i]);
			p->why[i] = NULL;
		}
	}
	return 0;
}

/* Rows of P still waiting for their read back: unknown, for good, for WHY. */
static void
reset_give_up_read_back(struct reset_pending *p, const char *why)
{
	for (size_t i = 0; i < p->group->row_count; i++) {
		if (p->why[i] == NULL)
			continue;
		reset_row_set(&p->group->rows[i], RESET_ROW_UNKNOWN,
		              strfmt("unknown whether written: %s; reading it back failed: %s; check "
		                     "with kfleet lag --by partition --group %s", p->why[i],
		                     why != NULL ? why : "no answer", p->group->group));
		free(p->why[i]);
		p->why[i] = NULL;
	}
}

/* P is done: say so to APPLIED. */
static void
reset_answered(struct reset_pending *p, reset_applied_fn *applied, void *opaque)
{
	p->answered = true;
	if (applied != NULL)
		applied(p->group, opaque);
}

/* Commit every group of PENDING at once and wait for all answers; then read back, at once
 * and until the deadline, the rows whose answer was not clear. A commit still unanswered
 * at the deadline is ended with CLIENT's librdkafka client (a new one reads back): it is
 * then sent, if at all, before the read back, never during it. */
static void
reset_commit_all(struct reset_client *client, rd_kafka_queue_t **queuep, int timeout_ms,
                 struct reset_pending *pending, size_t count, reset_applied_fn *applied,
                 void *opaque)
{
	int64_t deadline = monotonic_ms() + timeout_ms + 5000;
	size_t waiting = count;
	char **last_why = calloc(count + 1, sizeof *last_why);
	rd_kafka_t *rk = kclient_handle(client->kafka);
	rd_kafka_queue_t *queue = *queuep;

	for (size_t i = 0; i < count; i++)
		reset_send_commit(rk, queue, timeout_ms, &pending[i]);
	while (waiting > 0) {
		int64_t left = deadline - monotonic_ms();
		rd_kafka_event_t *ev = kclient_wait_event(queue,
		                                          RD_KAFKA_EVENT_ALTERCONSUMERGROUPOFFSETS_RESULT,
		                                          left > 0 ? (int)left : 0);
		struct reset_pending *p;

		if (ev == NULL)
			break;
		p = rd_kafka_event_opaque(ev);
		if (p != NULL && !p->answered) {
			reset_take_commit(p, ev, timeout_ms);
			waiting--;
			if (!reset_reading_back(p))
				reset_answered(p, applied, opaque);
		}
		rd_kafka_event_destroy(ev);
	}
	/* No answer at all by the deadline: as ambiguous as a lost connection. */
	for (size_t i = 0; i < count; i++)
		if (!pending[i].answered && !reset_reading_back(&pending[i]))
			reset_take_commit(&pending[i], NULL, timeout_ms);
	if (waiting > 0) {
		char *why = NULL;

		kclient_gave_up(client->kafka);
		rd_kafka_queue_destroy(queue);
		if (reset_client_refresh(client, &why) < 0) {
			/* The unanswered commits may still land: a read back proves nothing. */
			char *text = strfmt("cannot make a new Kafka client to read back with: %s",
			                    why != NULL ? why : "out of memory");

			for (size_t i = 0; i < count; i++)
				if (!pending[i].answered) {
					reset_give_up_read_back(&pending[i], text);
					reset_answered(&pending[i], applied, opaque);
				}
			free(text);
		}
		free(why);
		rk = kclient_handle(client->kafka);
		queue = *queuep = rd_kafka_queue_new(rk);
	}

	/* The read backs: short tries, each finding the coordinator again (it moves to
	 * another broker once the cluster sees its broker dead), until a second deadline. */
	deadline = monotonic_ms() + timeout_ms;
	for (;;) {
		size_t asked = 0;
		int64_t left = deadline - monotonic_ms(), round_end;
		int try_ms = (int)(left < RESET_READ_BACK_TRY_MS ? left : RESET_READ_BACK_TRY_MS);

		if (try_ms <= 0)
			break;
		for (size_t i = 0; i < count; i++)
			if (!pending[i].answered && reset_reading_back(&pending[i])) {
				reset_send_read_back(rk, queue, try_ms, &pending[i]);
				asked++;
			}
		if (asked == 0)
			break;
		round_end = monotonic_ms() + try_ms + 2000;
		while (asked > 0) {
			int64_t round_left = round_end - monotonic_ms();
			rd_kafka_event_t *ev = kclient_wait_event(queue,
			                                          RD_KAFKA_EVENT_LISTCONSUMERGROUPOFFSETS_RESULT,
			                                          round_left > 0 ? (int)round_left : 0);
			struct reset_pending *p;
			char *why = NULL;

			if (ev == NULL) {
				kclient_gave_up(client->kafka);     /* read backs still out */
				break;
			}
			p = rd_kafka_event_opaque(ev);
			if (p != NULL && !p->answered) {
				size_t index = (size_t)(p - pending);

				asked--;
				if (reset_take_read_back(p, ev, &why) < 0 && last_why != NULL) {
					free(last_why[index]);
					last_why[index] = why;
					why = NULL;
				}
				if (!reset_reading_back(p))
					reset_answered(p, applied, opaque);
			}
			free(why);
			rd_kafka_event_destroy(ev);
		}
		if (monotonic_ms() + 500 < deadline)
			rd_kafka_poll(rk, 500);     /* before asking again: the cluster moves on */
	}
	for (size_t i = 0; i < count; i++) {
		if (pending[i].answered)
			continue;
		reset_give_up_read_back(&pending[i], last_why != NULL ? last_why[i] : NULL);
		reset_answered(&pending[i], applied, opaque);
	}
	for (size_t i = 0; last_why != NULL && i < count; i++)
		free(last_why[i]);
	free(last_why);
}

enum reset_status
reset_plan_apply(struct reset_client *client, struct reset_plan *plan, int timeout_ms,
                 reset_applied_fn *applied, void *opaque, char **err)
{
	rd_kafka_queue_t *queue;
	struct reset_pending *pending = calloc(plan->group_count + 1, sizeof *pending);
	char **group_errors = calloc(plan->group_count + 1, sizeof *group_errors);
	enum reset_status status;
	char *refused = NULL;
	size_t not_written = 0, unknown = 0, failed_groups = 0, count = 0;

	*err = NULL;
	if (timeout_ms <= 0)
		timeout_ms = RESET_DEFAULT_TIMEOUT_MS;
	if (pending == NULL || group_errors == NULL) {
		free(pending);
		free(group_errors);
		*err = strdup("out of memory");
		return RESET_FAILED;
	}
	reset_client_refresh(client, NULL);
	queue = rd_kafka_queue_new(kclient_handle(client->kafka));
	/* The plan may have been printed minutes ago: describe the groups again. A group
	 * whose state cannot be read is not written; the others go on. */
	status = reset_describe(client->kafka, queue, timeout_ms, plan, group_errors, err);
	for (size_t g = 0; g < plan->group_count; g++) {
		struct reset_group *group = &plan->groups[g];

		for (size_t i = 0; i < group->row_count; i++)
			reset_row_set(&group->rows[i], RESET_ROW_PLANNED, NULL);
		group->applied = false;
		if (status != RESET_OK) {
			reset_group_not_sent(group, *err != NULL ? *err : "describing the groups failed");
		} else if (group_errors[g] != NULL) {
			reset_group_not_sent(group, group_errors[g]);
		} else if (!reset_group_inactive(group)) {
			reset_describe_active(&refused, group);
			reset_group_not_sent(group, "the group became active: stop its consumers first");
		} else {
			pending[count].group = group;
			pending[count].why = calloc(group->row_count + 1, sizeof *pending[count].why);
			if (pending[count].why == NULL)
				reset_group_not_sent(group, "out of memory");
			else
				count++;
		}
	}
	if (status == RESET_OK)
		reset_commit_all(client, &queue, timeout_ms, pending, count, applied, opaque);
	for (size_t i = 0; i < count; i++)
		free(pending[i].why);
	free(pending);
	for (size_t g = 0; g < plan->group_count; g++)
		free(group_errors[g]);
	free(group_errors);
	rd_kafka_queue_destroy(queue);
	reset_client_refresh(client, NULL);
	if (status != RESET_OK)
		return status;
	for (size_t g = 0; g < plan->group_count; g++) {
		const struct reset_group *group = &plan->groups[g];
		size_t before = not_written + unknown;

		for (size_t i = 0; i < group->row_count; i++) {
			not_written += group->rows[i].state == RESET_ROW_NOT_WRITTEN;
			unknown += group->rows[i].state == RESET_ROW_UNKNOWN;
		}
		failed_groups += not_written + unknown > before;
	}
	if (refused != NULL) {
		*err = strfmt("refused at execute time: %s; stop its consumers first (nothing was "
		              "written for it)", refused);
		free(refused);
		return RESET_REFUSED;
	}
	if (not_written + unknown > 0) {
		*err = strfmt("%zu partition%s not written and %zu unknown, of %zu group%s (see each "
		              "row's error)", not_written, not_written == 1 ? "" : "s", unknown,
		              failed_groups, failed_groups == 1 ? "" : "s");
		return RESET_FAILED;
	}
	return RESET_OK;
}

/* ---------------------------------------------------------------- Kafka Streams */

static int
reset_name_order(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

enum reset_status
reset_streams_topics(struct reset_client *client, const char *group, char ***names,
                     size_t *count, char **err)
{
	rd_kafka_t *rk = kclient_handle(client->kafka);
	const rd_kafka_metadata_t *metadata;
	rd_kafka_resp_err_t rc;
	char **found;
	size_t n = 0;

	*err = NULL;
	*names = NULL;
	*count = 0;
	rc = rd_kafka_metadata(rk, 1, NULL, &metadata, RESET_DEFAULT_TIMEOUT_MS);
	if (rc != RD_KAFKA_RESP_ERR_NO_ERROR) {
		*err = kclient_error(rk, "reading the cluster's metadata", rc);
		return RESET_FAILED;
	}
	found = calloc((size_t)metadata->topic_cnt + 1, sizeof *found);
	for (int t = 0; found != NULL && t < metadata->topic_cnt; t++)
		if (reset_is_streams_internal(group, metadata->topics[t].topic) &&
		    (found[n] = strdup(metadata->topics[t].topic)) != NULL)
			n++;
	rd_kafka_metadata_destroy(metadata);
	if (found == NULL) {
		*err = strdup("out of memory");
		return RESET_FAILED;
	}
	qsort(found, n, sizeof *found, reset_name_order);
	*names = found;
	*count = n;
	return RESET_OK;
}

enum reset_status
reset_delete_topics(struct reset_client *client, char *const *names, size_t count,
                    int timeout_ms, char **err)
{
	rd_kafka_DeleteTopic_t **topics = calloc(count + 1, sizeof *topics);
	rd_kafka_t *rk = kclient_handle(client->kafka);
	rd_kafka_queue_t *queue;
	rd_kafka_AdminOptions_t *options;
	const rd_kafka_topic_result_t **results;
	rd_kafka_event_t *ev;
	char *failed = NULL;
	size_t result_count;

	*err = NULL;
	if (count == 0) {
		free(topics);
		return RESET_OK;
	}
	if (topics == NULL) {
		*err = strdup("out of memory");
		return RESET_FAILED;
	}
	if (timeout_ms <= 0)
		timeout_ms = RESET_DEFAULT_TIMEOUT_MS;
	for (size_t i = 0; i < count; i++)
		topics[i] = rd_kafka_DeleteTopic_new(names[i]);
	queue = rd_kafka_queue_new(rk);
	options = kclient_admin_options(rk, RD_KAFKA_ADMIN_OP_DELETETOPICS, timeout_ms);
	rd_kafka_DeleteTopics(rk, topics, count, options, queue);
	rd_kafka_AdminOptions_destroy(options);
	rd_kafka_DeleteTopic_destroy_array(topics, count);
	free(topics);
	ev = reset_wait(client->kafka, queue, RD_KAFKA_EVENT_DELETETOPICS_RESULT, timeout_ms,
	                "deleting the topics", err);
	rd_kafka_queue_destroy(queue);
	if (ev == NULL)
		return RESET_FAILED;
	results = rd_kafka_DeleteTopics_result_topics(rd_kafka_event_DeleteTopics_result(ev),
	                                              &result_count);
	for (size_t i = 0; i < result_count; i++) {
		char *more;

		if (rd_kafka_topic_result_error(results[i]) == RD_KAFKA_RESP_ERR_NO_ERROR)
			continue;
		more = strfmt("%s%s%s: %s", failed != NULL ? failed : "", failed != NULL ? "; " : "",
		              rd_kafka_topic_result_name(results[i]),
		              rd_kafka_topic_result_error_string(results[i]));
		free(failed);
		failed = more;
	}
	rd_kafka_event_destroy(ev);
	if (failed != NULL) {
		*err = strfmt("topics not deleted: %s", failed);
		free(failed);
		return RESET_FAILED;
	}
	return RESET_OK;
}
