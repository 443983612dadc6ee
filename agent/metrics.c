/* metrics: the Prometheus text of a snapshot.
 *
 * Every family is one row of metrics_families: its name, help and the function that
 * writes its samples, so that a family's samples stay together as the format wants.
 * Consumer-group samples are written from one list of committed offsets sorted by group,
 * topic and partition, each with the partition it is a lag of. */
#include "config.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/metrics.h"

#define METRICS_FIRST_CAPACITY 65536

/* The text being written; FAILED once an allocation failed (everything after is dropped). */
struct metrics_text {
	char *data;
	size_t length, capacity;
	bool failed;
};

/* A committed offset with what the labels and the lag need. */
struct metrics_offset {
	size_t group;                               /* index into the snapshot's groups */
	const struct snapshot_offset *offset;
	const struct snapshot_partition *log;       /* the partition, or NULL: not collected */
	int64_t time_lag_ms;                        /* -1: unknown */
};

/* One rendering. */
struct metrics_run {
	const struct metrics_view *view;
	const struct snapshot *snapshot;            /* NULL: nothing collected yet */
	struct metrics_text text;
	struct metrics_offset *offsets;             /* sorted by group, topic, partition */
	size_t offset_count;
};

struct metrics_family;
typedef void (*metrics_emit_fn)(struct metrics_run *run, const struct metrics_family *family);

struct metrics_family {
	const char *name;
	const char *help;
	metrics_emit_fn emit;
	/* for the per-partition families: the value, false when there is none */
	bool (*partition_value)(const struct snapshot_partition *partition, int64_t *value);
	/* for the consumer-group families: the value of one committed offset */
	bool (*offset_value)(const struct metrics_offset *offset, int64_t *value);
	bool milliseconds;              /* the value is in ms, shown in seconds */
};

/* ---------------------------------------------------------------- text */

static void
metrics_reserve(struct metrics_text *text, size_t more)
{
	size_t capacity = text->capacity != 0 ? text->capacity : METRICS_FIRST_CAPACITY;
	char *grown;

	if (text->failed || text->length + more < text->capacity)
		return;
	while (text->length + more >= capacity) {
		if (capacity > SIZE_MAX / 2) {
			text->failed = true;
			return;
		}
		capacity *= 2;
	}
	grown = realloc(text->data, capacity);
	if (grown == NULL) {
		text->failed = true;
		return;
	}
	text->data = grown;
	text->capacity = capacity;
}

static void
metrics_append(struct metrics_text *text, const char *bytes, size_t length)
{
	metrics_reserve(text, length);
	if (text->failed)
		return;
	memcpy(text->data + text->length, bytes, length);
	text->length += length;
	text->data[text->length] = '\0';
}

static void
metrics_puts(struct metrics_text *text, const char *string)
{
	metrics_append(text, string, strlen(string));
}

static void metrics_printf(struct metrics_text *text, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
metrics_printf(struct metrics_text *text, const char *fmt, ...)
{
	char small[128];
	va_list ap;
	int length;

	va_start(ap, fmt);
	length = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (length < 0) {
		text->failed = true;
		return;
	}
	if ((size_t)length < sizeof small) {
		metrics_append(text, small, (size_t)length);
		return;
	}
	metrics_reserve(text, (size_t)length);
	if (text->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(text->data + text->length, (size_t)length + 1, fmt, ap);
	va_end(ap);
	text->length += (size_t)length;
}

/* NAME="VALUE", the value escaped as the format wants (\\, \" and \n); NULL is "". */
static void
metrics_label(struct metrics_text *text, const char *name, const char *value)
{
	metrics_puts(text, name);
	metrics_append(text, "=\"", 2);
	for (const char *run = value != NULL ? value : ""; *run != '\0';) {
		size_t plain = strcspn(run, "\\\"\n");

		metrics_append(text, run, plain);
		run += plain;
		if (*run == '\0')
			break;
		metrics_append(text, *run == '\\' ? "\\\\" : *run == '"' ? "\\\"" : "\\n", 2);
		run++;
	}
	metrics_append(text, "\"", 1);
}

/* The start of a sample: its name and "{". Labels follow, then metrics_value. */
static void
metrics_sample(struct metrics_run *run, const struct metrics_family *family)
{
	metrics_puts(&run->text, family->name);
	metrics_append(&run->text, "{", 1);
}

static void
metrics_value(struct metrics_run *run, int64_t value)
{
	metrics_printf(&run->text, "} %" PRId64 "\n", value);
}

static void
metrics_value_seconds(struct metrics_run *run, int64_t ms)
{
	metrics_printf(&run->text, "} %" PRId64 ".%03d\n", ms / 1000, (int)(ms % 1000));
}

/* ---------------------------------------------------------------- lookups */

static int
metrics_topic_compare(const void *a, const void *b)
{
	return strcmp((*(const struct snapshot_topic *const *)a)->name,
	              (*(const struct snapshot_topic *const *)b)->name);
}

/* The partition PARTITION of TOPIC in SORTED (COUNT topics by name), or NULL. */
static const struct snapshot_partition *
metrics_find_partition(const struct snapshot_topic *const *sorted, size_t count,
                       const char *topic, int32_t partition)
{
	struct snapshot_topic key = { .name = topic };
	const struct snapshot_topic *key_ptr = &key, *const *found;

	found = bsearch(&key_ptr, sorted, count, sizeof *sorted, metrics_topic_compare);
	if (found == NULL)
		return NULL;
	if (partition >= 0 && (size_t)partition < (*found)->partition_count &&
	    (*found)->partitions[partition].partition == partition)
		return &(*found)->partitions[partition];
	for (size_t i = 0; i < (*found)->partition_count; i++)
		if ((*found)->partitions[i].partition == partition)
			return &(*found)->partitions[i];
	return NULL;
}

static int
metrics_offset_compare(const void *a, const void *b)
{
	const struct metrics_offset *x = a, *y = b;
	int by_topic;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	by_topic = strcmp(x->offset->topic, y->offset->topic);
	if (by_topic != 0)
		return by_topic;
	return (x->offset->partition > y->offset->partition) -
	       (x->offset->partition < y->offset->partition);
}

/* RUN->offsets: every committed offset of the snapshot, sorted, with its partition. */
static int
metrics_index_offsets(struct metrics_run *run)
{
	const struct snapshot *snapshot = run->snapshot;
	const struct snapshot_topic **sorted;
	size_t total = 0, n = 0;

	for (size_t g = 0; g < snapshot->group_count; g++)
		total += snapshot->groups[g].offset_count;
	if (total == 0)
		return 0;
	sorted = calloc(snapshot->topic_count + 1, sizeof *sorted);
	run->offsets = calloc(total, sizeof *run->offsets);
	if (sorted == NULL || run->offsets == NULL) {
		free(sorted);
		return -1;
	}
	for (size_t t = 0; t < snapshot->topic_count; t++)
		sorted[t] = &snapshot->topics[t];
	qsort(sorted, snapshot->topic_count, sizeof *sorted, metrics_topic_compare);
	for (size_t g = 0; g < snapshot->group_count; g++) {
		const struct snapshot_group *group = &snapshot->groups[g];
		const int64_t *time_lags = run->view->groups != NULL ? run->view->groups[g].time_lag_ms
		                                                     : NULL;

		for (size_t o = 0; o < group->offset_count; o++)
			run->offsets[n++] = (struct metrics_offset){
				.time_lag_ms = time_lags != NULL ? time_lags[o] : -1,
				.group = g,
				.offset = &group->offsets[o],
				.log = metrics_find_partition(sorted, snapshot->topic_count,
				                              group->offsets[o].topic,
				                              group->offsets[o].partition),
			};
	}
	free(sorted);
	run->offset_count = n;
	qsort(run->offsets, n, sizeof *run->offsets, metrics_offset_compare);
	return 0;
}

/* ---------------------------------------------------------------- values */

static bool
metrics_current_offset(const struct snapshot_partition *p, int64_t *value)
{
	*value = p->high_watermark;
	return p->high_watermark >= 0;
}

static bool
metrics_oldest_offset(const struct snapshot_partition *p, int64_t *value)
{
	*value = p->low_watermark;
	return p->low_watermark >= 0;
}

static bool
metrics_in_sync_replicas(const struct snapshot_partition *p, int64_t *value)
{
	*value = (int64_t)p->isr_count;
	return true;
}

static bool
metrics_leader(const struct snapshot_partition *p, int64_t *value)
{
	*value = p->leader_id;
	return p->leader_id >= 0;
}

static bool
metrics_leader_is_preferred(const struct snapshot_partition *p, int64_t *value)
{
	*value = p->leader_id >= 0 && p->replica_count > 0 && p->replicas[0] == p->leader_id;
	return true;
}

static bool
metrics_replicas(const struct snapshot_partition *p, int64_t *value)
{
	*value = (int64_t)p->replica_count;
	return true;
}

static bool
metrics_under_replicated(const struct snapshot_partition *p, int64_t *value)
{
	*value = p->isr_count < p->replica_count;
	return true;
}

static bool
metrics_committed_offset(const struct metrics_offset *o, int64_t *value)
{
	*value = o->offset->committed_offset;
	return o->offset->committed_offset >= 0;
}

/* Log end offset - committed offset, never below 0 (as the catalog's listings count it);
 * none when either is unknown. */
static bool
metrics_lag(const struct metrics_offset *o, int64_t *value)
{
	if (o->log == NULL || o->log->high_watermark < 0 || o->offset->committed_offset < 0)
		return false;
	*value = o->log->high_watermark - o->offset->committed_offset;
	if (*value < 0)
		*value = 0;
	return true;
}

/* ---------------------------------------------------------------- kafka_* families */

static void
metrics_emit_brokers(struct metrics_run *run, const struct metrics_family *family)
{
	if (run->snapshot == NULL)
		return;
	metrics_printf(&run->text, "%s %zu\n", family->name, run->snapshot->broker_count);
}

static void
metrics_emit_broker_info(struct metrics_run *run, const struct metrics_family *family)
{
	for (size_t b = 0; run->snapshot != NULL && b < run->snapshot->broker_count; b++) {
		const struct snapshot_broker *broker = &run->snapshot->brokers[b];
		char id[16], address[300];

		snprintf(id, sizeof id, "%" PRId32, broker->node_id);
		snprintf(address, sizeof address, "%s:%d", broker->host != NULL ? broker->host : "",
		         broker->port);
		metrics_sample(run, family);
		metrics_label(&run->text, "id", id);
		metrics_append(&run->text, ",", 1);
		metrics_label(&run->text, "address", address);
		metrics_value(run, 1);
	}
}

static void
metrics_emit_topic_partitions(struct metrics_run *run, const struct metrics_family *family)
{
	for (size_t t = 0; run->snapshot != NULL && t < run->snapshot->topic_count; t++) {
		metrics_sample(run, family);
		metrics_label(&run->text, "topic", run->snapshot->topics[t].name);
		metrics_value(run, (int64_t)run->snapshot->topics[t].partition_count);
	}
}

static void
metrics_emit_partition(struct metrics_run *run, const struct metrics_family *family)
{
	for (size_t t = 0; run->snapshot != NULL && t < run->snapshot->topic_count; t++) {
		const struct snapshot_topic *topic = &run->snapshot->topics[t];

		for (size_t p = 0; p < topic->partition_count; p++) {
			char partition[16];
			int64_t value;

			if (!family->partition_value(&topic->partitions[p], &value))
				continue;
			snprintf(partition, sizeof partition, "%" PRId32, topic->partitions[p].partition);
			metrics_sample(run, family);
			metrics_label(&run->text, "topic", topic->name);
			metrics_append(&run->text, ",", 1);
			metrics_label(&run->text, "partition", partition);
			metrics_value(run, value);
		}
	}
}

/* consumergroup="G"[,topic="T"[,partition="P"]],team="..",service=".." (no braces). */
static void
metrics_group_labels(struct metrics_run *run, size_t group, const char *topic,
                     const int32_t *partition)
{
	const struct metrics_group *owner =
		run->view->groups != NULL ? &run->view->groups[group] : NULL;

	metrics_label(&run->text, "consumergroup", run->snapshot->groups[group].name);
	if (topic != NULL) {
		metrics_append(&run->text, ",", 1);
		metrics_label(&run->text, "topic", topic);
	}
	if (partition != NULL) {
		char number[16];

		snprintf(number, sizeof number, "%" PRId32, *partition);
		metrics_append(&run->text, ",", 1);
		metrics_label(&run->text, "partition", number);
	}
	metrics_append(&run->text, ",", 1);
	metrics_label(&run->text, "team", owner != NULL ? owner->team : NULL);
	metrics_append(&run->text, ",", 1);
	metrics_label(&run->text, "service", owner != NULL ? owner->service : NULL);
}

static void
metrics_emit_group_partition(struct metrics_run *run, const struct metrics_family *family)
{
	for (size_t i = 0; i < run->offset_count; i++) {
		const struct metrics_offset *o = &run->offsets[i];
		int64_t value;

		if (!family->offset_value(o, &value))
			continue;
		metrics_sample(run, family);
		metrics_group_labels(run, o->group, o->offset->topic, &o->offset->partition);
		if (family->milliseconds)
			metrics_value_seconds(run, value);
		else
			metrics_value(run, value);
	}
}

/* The sum over each group's partitions of a topic, as kafka_exporter's *_sum series. */
static void
metrics_emit_group_topic_sum(struct metrics_run *run, const struct metrics_family *family)
{
	for (size_t first = 0, end; first < run->offset_count; first = end) {
		const struct metrics_offset *o = &run->offsets[first];
		int64_t sum = 0, value;
		bool any = false;

		for (end = first; end < run->offset_count && run->offsets[end].group == o->group &&
		     strcmp(run->offsets[end].offset->topic, o->offset->topic) == 0; end++) {
			if (family->offset_value(&run->offsets[end], &value)) {
				sum += value;
				any = true;
			}
		}
		if (!any)
			continue;
		metrics_sample(run, family);
		metrics_group_labels(run, o->group, o->offset->topic, NULL);
		metrics_value(run, sum);
	}
}

static void
metrics_emit_group_members(struct metrics_run *run, const struct metrics_family *family)
{
	for (size_t g = 0; run->snapshot != NULL && g < run->snapshot->group_count; g++) {
		metrics_sample(run, family);
		metrics_group_labels(run, g, NULL, NULL);
		metrics_value(run, (int64_t)run->snapshot->groups[g].member_count);
	}
}

static bool
metrics_time_lag(const struct metrics_offset *o, int64_t *value)
{
	*value = o->time_lag_ms;
	return o->time_lag_ms >= 0;
}

/* The group's largest time lag over its partitions. */
static void
metrics_emit_group_max_time_lag(struct metrics_run *run, const struct metrics_family *family)
{
	for (size_t g = 0; run->snapshot != NULL && run->view->groups != NULL &&
	     g < run->snapshot->group_count; g++) {
		if (run->view->groups[g].max_time_lag_ms < 0)
			continue;
		metrics_sample(run, family);
		metrics_group_labels(run, g, NULL, NULL);
		metrics_value_seconds(run, run->view->groups[g].max_time_lag_ms);
	}
}

/* One sample per evaluated group: the status as a label, its severity as the value, so
 * both `{status="STALLED"}` and `>= 3` (REWIND or worse) select what to alert on. */
static void
metrics_emit_group_status(struct metrics_run *run, const struct metrics_family *family)
{
	for (size_t g = 0; run->snapshot != NULL && run->view->groups != NULL &&
	     g < run->snapshot->group_count; g++) {
		enum lag_status status = run->view->groups[g].status;

		if (lag_status_name(status) == NULL)
			continue;
		metrics_sample(run, family);
		metrics_group_labels(run, g, NULL, NULL);
		metrics_append(&run->text, ",", 1);
		metrics_label(&run->text, "status", lag_status_name(status));
		metrics_value(run, (int64_t)status);
	}
}

/* ---------------------------------------------------------------- kfleet_* families */

static void
metrics_cluster_sample(struct metrics_run *run, const struct metrics_family *family)
{
	metrics_sample(run, family);
	metrics_label(&run->text, "cluster", run->view->cluster);
}

static void
metrics_emit_cluster_up(struct metrics_run *run, const struct metrics_family *family)
{
	metrics_cluster_sample(run, family);
	metrics_value(run, run->view->cluster_up);
}

static void
metrics_emit_catalog_up(struct metrics_run *run, const struct metrics_family *family)
{
	if (run->snapshot == NULL)
		return;
	metrics_cluster_sample(run, family);
	metrics_value(run, run->view->catalog_up);
}

static void
metrics_emit_last_collection(struct metrics_run *run, const struct metrics_family *family)
{
	if (run->snapshot == NULL)
		return;
	metrics_cluster_sample(run, family);
	metrics_value_seconds(run, run->snapshot->collected_at_ms);
}

static void
metrics_emit_duration(struct metrics_run *run, const struct metrics_family *family)
{
	if (run->snapshot == NULL)
		return;
	metrics_cluster_sample(run, family);
	metrics_value_seconds(run, run->snapshot->cycle_duration_ms);
}

static void
metrics_emit_section_up(struct metrics_run *run, const struct metrics_family *family)
{
	for (int s = 0; run->snapshot != NULL && s < SNAPSHOT_SECTION_COUNT; s++) {
		metrics_cluster_sample(run, family);
		metrics_append(&run->text, ",", 1);
		metrics_label(&run->text, "section", snapshot_section_name(s));
		metrics_value(run, run->snapshot->section_errors[s] == NULL);
	}
}

/* The request kinds of struct collect_requests, by the name the label gives them. */
static const struct {
	const char *kind;
	size_t offset;
} metrics_request_kinds[] = {
	{ .kind = "metadata", .offset = offsetof(struct collect_requests, metadata) },
	{ .kind = "list_offsets", .offset = offsetof(struct collect_requests, list_offsets) },
	{ .kind = "describe_configs", .offset = offsetof(struct collect_requests, describe_configs) },
	{ .kind = "describe_acls", .offset = offsetof(struct collect_requests, describe_acls) },
	{ .kind = "list_groups", .offset = offsetof(struct collect_requests, list_groups) },
	{ .kind = "describe_groups", .offset = offsetof(struct collect_requests, describe_groups) },
	{ .kind = "offset_fetch", .offset = offsetof(struct collect_requests, list_group_offsets) },
};

static void
metrics_emit_requests(struct metrics_run *run, const struct metrics_family *family)
{
	const struct collect_requests *requests = run->view->requests;

	for (size_t k = 0; requests != NULL && k < sizeof metrics_request_kinds /
	     sizeof metrics_request_kinds[0]; k++) {
		int count;

		memcpy(&count, (const char *)requests + metrics_request_kinds[k].offset, sizeof count);
		metrics_cluster_sample(run, family);
		metrics_append(&run->text, ",", 1);
		metrics_label(&run->text, "kind", metrics_request_kinds[k].kind);
		metrics_value(run, count);
	}
}

/* ---------------------------------------------------------------- the families */

static const struct metrics_family metrics_families[] = {
	{ .name = "kafka_brokers", .help = "Number of Brokers in the Kafka Cluster.",
	  .emit = metrics_emit_brokers },
	{ .name = "kafka_broker_info", .help = "Information about the Kafka Broker.",
	  .emit = metrics_emit_broker_info },
	{ .name = "kafka_topic_partitions", .help = "Number of partitions for this Topic",
	  .emit = metrics_emit_topic_partitions },
	{ .name = "kafka_topic_partition_current_offset",
	  .help = "Current Offset of a Broker at Topic/Partition",
	  .emit = metrics_emit_partition, .partition_value = metrics_current_offset },
	{ .name = "kafka_topic_partition_oldest_offset",
	  .help = "Oldest Offset of a Broker at Topic/Partition",
	  .emit = metrics_emit_partition, .partition_value = metrics_oldest_offset },
	{ .name = "kafka_topic_partition_in_sync_replica",
	  .help = "Number of In-Sync Replicas for this Topic/Partition",
	  .emit = metrics_emit_partition, .partition_value = metrics_in_sync_replicas },
	{ .name = "kafka_topic_partition_leader", .help = "Leader Broker ID of this Topic/Partition",
	  .emit = metrics_emit_partition, .partition_value = metrics_leader },
	{ .name = "kafka_topic_partition_leader_is_preferred",
	  .help = "1 if Topic/Partition is using the Preferred Broker",
	  .emit = metrics_emit_partition, .partition_value = metrics_leader_is_preferred },
	{ .name = "kafka_topic_partition_replicas",
	  .help = "Number of Replicas for this Topic/Partition",
	  .emit = metrics_emit_partition, .partition_value = metrics_replicas },
	{ .name = "kafka_topic_partition_under_replicated_partition",
	  .help = "1 if Topic/Partition is under Replicated",
	  .emit = metrics_emit_partition, .partition_value = metrics_under_replicated },
	{ .name = "kafka_consumergroup_current_offset",
	  .help = "Current Offset of a ConsumerGroup at Topic/Partition",
	  .emit = metrics_emit_group_partition, .offset_value = metrics_committed_offset },
	{ .name = "kafka_consumergroup_current_offset_sum",
	  .help = "Current Offset of a ConsumerGroup at Topic for all partitions",
	  .emit = metrics_emit_group_topic_sum, .offset_value = metrics_committed_offset },
	{ .name = "kafka_consumergroup_lag",
	  .help = "Current Approximate Lag of a ConsumerGroup at Topic/Partition",
	  .emit = metrics_emit_group_partition, .offset_value = metrics_lag },
	{ .name = "kafka_consumergroup_lag_sum",
	  .help = "Current Approximate Lag of a ConsumerGroup at Topic for all partitions",
	  .emit = metrics_emit_group_topic_sum, .offset_value = metrics_lag },
	{ .name = "kafka_consumergroup_members", .help = "Amount of members in a consumer group",
	  .emit = metrics_emit_group_members },
	{ .name = "kfleet_consumergroup_time_lag_seconds",
	  .help = "Age of the next message a ConsumerGroup would read at Topic/Partition, "
	          "interpolated over the log end offset history",
	  .emit = metrics_emit_group_partition, .offset_value = metrics_time_lag,
	  .milliseconds = true },
	{ .name = "kfleet_consumergroup_max_time_lag_seconds",
	  .help = "Largest time lag of a ConsumerGroup over its partitions",
	  .emit = metrics_emit_group_max_time_lag },
	{ .name = "kfleet_consumergroup_status",
	  .help = "Status of a ConsumerGroup over its lag window, as a label; the value is its "
	          "severity (1 OK, 2 WARNING, 3 REWIND, 4 STALLED, 5 STOPPED)",
	  .emit = metrics_emit_group_status },
	{ .name = "kfleet_cluster_up",
	  .help = "1 if the agent's latest collection cycle reached the cluster, else 0",
	  .emit = metrics_emit_cluster_up },
	{ .name = "kfleet_catalog_up",
	  .help = "1 if the agent wrote its latest collected generation to the catalog, 0 if "
	          "the catalog could not be written (the metrics come from memory)",
	  .emit = metrics_emit_catalog_up },
	{ .name = "kfleet_last_collection_timestamp_seconds",
	  .help = "When the latest successful collection cycle ended (Unix time)",
	  .emit = metrics_emit_last_collection },
	{ .name = "kfleet_collection_duration_seconds",
	  .help = "How long the latest successful collection cycle took",
	  .emit = metrics_emit_duration },
	{ .name = "kfleet_collection_requests",
	  .help = "Kafka requests the latest successful collection cycle sent, by kind",
	  .emit = metrics_emit_requests },
	{ .name = "kfleet_collection_section_up",
	  .help = "1 if the section was collected in the latest successful cycle, 0 if it failed",
	  .emit = metrics_emit_section_up },
};

char *
metrics_render(const struct metrics_view *view, size_t *length)
{
	struct metrics_run run = { .view = view, .snapshot = view->snapshot };

	if (run.snapshot != NULL && metrics_index_offsets(&run) < 0)
		return NULL;
	metrics_reserve(&run.text, 0);
	for (size_t f = 0; f < sizeof metrics_families / sizeof metrics_families[0]; f++) {
		const struct metrics_family *family = &metrics_families[f];

		metrics_printf(&run.text, "# HELP %s %s\n# TYPE %s gauge\n", family->name,
		               family->help, family->name);
		family->emit(&run, family);
	}
	free(run.offsets);
	if (run.text.failed) {
		free(run.text.data);
		return NULL;
	}
	*length = run.text.length;
	return run.text.data;
}
