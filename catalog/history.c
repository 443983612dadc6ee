/* history: a cluster's lag history in the catalog and in the writer's memory, and the
 * evaluation of each generation against it (see kfleet/history.h).
 *
 * In the catalog, a frame is one cycle: the (series id, value) pairs of every series the
 * cycle saw, sorted by id, as varints: the gap from the previous id, then the value
 * minus the series' value in the frame's key frame (zigzag), or the value itself in a
 * key frame. Offsets move little between cycles, so a delta frame is mostly small
 * numbers, and deflate (zlib) makes an idle partition cost a few bits. A delta frame
 * refers to its key frame only, never to the frame before it: thinning deletes frames
 * without re-encoding any, and a key frame (the first of each 10 minutes) is thinned
 * last. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZLIB_CONST                      /* input it only reads is const */
#include <zlib.h>

#include "catalog/history_write.h"
#include "catalog/store_sql.h"

#define HISTORY_MINUTE_MS INT64_C(60000)
#define HISTORY_KEY_BUCKET_MS (10 * HISTORY_MINUTE_MS)        /* a key frame per 10 minutes */
#define HISTORY_WHOLE_KEY_MS (24 * 60 * HISTORY_MINUTE_MS)    /* a whole one a day */
#define HISTORY_EVERY_FRAME_MS (60 * HISTORY_MINUTE_MS)       /* every frame for an hour */
#define HISTORY_PER_MINUTE_MS (24 * 60 * HISTORY_MINUTE_MS)   /* then per minute for a day */
#define HISTORY_FRAME_FORMAT 1          /* the first byte of a frame's data */
#define HISTORY_VARINT_MAX 10
#define HISTORY_NONE SIZE_MAX
#define HISTORY_FIRST_POINTS 8
#define HISTORY_INFLATE_STEP 16384      /* bytes inflated before decoding them */

enum history_tier { HISTORY_TIER_FRAME, HISTORY_TIER_MINUTE, HISTORY_TIER_KEY };

struct history_series {
	char *group;                    /* NULL: the partition's log end offset */
	char *topic;
	int32_t partition;
	int64_t db_id;                  /* lag_series.id; 0: not in the catalog yet */
	bool new_id;                    /* db_id given by the write in progress */
	int64_t key_seen_ms;            /* the last key frame that had it (catalog's last_seen_ms) */
	bool seen;                      /* in the cycle being taken */
	int64_t value;
	/* a partition: its (time, log end offset) points, oldest first */
	struct lag_point *points;
	size_t point_count, point_capacity;
	int64_t min_committed;          /* lowest committed offset on it this cycle; -1: none */
	/* a group's partition: its newest samples, oldest first */
	size_t partition_series;        /* its partition's series, or HISTORY_NONE */
	struct lag_sample *window;
	size_t window_count;
	int64_t committed_since_ms, log_end_at_commit;
};

struct history_entry {
	int64_t db_id;
	int64_t value;
};

struct history_entries {
	struct history_entry *items;
	size_t count, capacity;
};

/* A walk along a cluster's frames, oldest first: the key frame delta frames refer to,
 * the frame decoded last (or, in the writer, being written), and the (de)compression
 * scratch. WANTED narrows decoding to a few series: every frame holds every series of
 * the cluster, and a reader of one group needs a handful of them. */
struct history_chain {
	int64_t key_id;                 /* 0: none */
	int64_t key_at_ms;
	struct history_entries key;
	struct history_entries frame;
	const int64_t *wanted;          /* catalog ids, sorted; NULL: every series */
	size_t wanted_count;
	unsigned char *raw;
	size_t raw_capacity;
	z_stream inflate;               /* reset for each frame */
	bool inflating;                 /* inflate initialised */
};

struct history {
	char *cluster;
	struct history_policy policy;
	size_t window_size;
	struct history_series *series;
	size_t series_count, series_capacity;
	size_t *slots;                  /* open addressing: series index + 1, 0 empty */
	size_t slot_count;
	size_t *seen;                   /* the series the cycle saw */
	size_t seen_count, seen_capacity;
	bool failed;                    /* out of memory somewhere in this cycle */
	int64_t cycle_at_ms;
	int64_t last_frame_at_ms;       /* -1: no frame yet */
	/* the key frame delta frames refer to and the frame being written, adopted by
	 * history_end_write */
	struct history_chain chain;
	bool frame_is_key;
	int64_t frame_id;
	/* the evaluation of the snapshot taken */
	struct history_group_eval *evals;
	size_t eval_count, eval_capacity;
	struct history_offset_eval *offset_evals;
	size_t *offset_series;          /* per snapshot offset: its series, or HISTORY_NONE */
	size_t offset_capacity;
	/* encoding scratch, beside chain.raw */
	unsigned char *packed;
	size_t packed_capacity;
};

/* ---------------------------------------------------------------- memory */

/* Grow *ITEMS (of SIZE bytes each) to hold at least NEED; false when out of memory. */
static bool
history_reserve(void **items, size_t *capacity, size_t need, size_t size)
{
	size_t grown = *capacity != 0 ? *capacity : 16;
	void *moved;

	if (need <= *capacity)
		return true;
	while (grown < need)
		grown *= 2;
	moved = realloc(*items, grown * size);
	if (moved == NULL)
		return false;
	*items = moved;
	*capacity = grown;
	return true;
}

static bool
history_entries_push(struct history_entries *entries, int64_t db_id, int64_t value)
{
	if (!history_reserve((void **)&entries->items, &entries->capacity, entries->count + 1,
	                     sizeof *entries->items))
		return false;
	entries->items[entries->count++] = (struct history_entry){ .db_id = db_id, .value = value };
	return true;
}

/* ---------------------------------------------------------------- series by name */

static size_t
history_hash(const char *group, const char *topic, int32_t partition)
{
	uint64_t hash = UINT64_C(14695981039346656037);   /* FNV-1a */

	if (group != NULL)
		for (const unsigned char *c = (const unsigned char *)group; *c; c++)
			hash = (hash ^ *c) * UINT64_C(1099511628211);
	hash = (hash ^ (group != NULL ? 0x01u : 0x02u)) * UINT64_C(1099511628211);
	for (const unsigned char *c = (const unsigned char *)topic; *c; c++)
		hash = (hash ^ *c) * UINT64_C(1099511628211);
	hash = (hash ^ (uint32_t)partition) * UINT64_C(1099511628211);
	return (size_t)(hash ^ (hash >> 32));
}

static bool
history_same(const struct history_series *s, const char *group, const char *topic,
             int32_t partition)
{
	if (s->partition != partition || strcmp(s->topic, topic) != 0)
		return false;
	if (s->group == NULL || group == NULL)
		return s->group == group;
	return strcmp(s->group, group) == 0;
}

static void
history_slot_insert(struct history *h, size_t index)
{
	const struct history_series *s = &h->series[index];
	size_t slot = history_hash(s->group, s->topic, s->partition) & (h->slot_count - 1);

	while (h->slots[slot] != 0)
		slot = (slot + 1) & (h->slot_count - 1);
	h->slots[slot] = index + 1;
}

/* Rebuild the table of slots for the series there are (after growth or removals). */
static bool
history_rehash(struct history *h)
{
	size_t count = 64;
	size_t *slots;

	while (count < h->series_count * 2 + 2)
		count *= 2;
	slots = calloc(count, sizeof *slots);
	if (slots == NULL)
		return false;
	free(h->slots);
	h->slots = slots;
	h->slot_count = count;
	for (size_t i = 0; i < h->series_count; i++)
		history_slot_insert(h, i);
	return true;
}

/* The series (GROUP, TOPIC, PARTITION), added when ADD; HISTORY_NONE when there is none
 * (or, adding, when out of memory: h->failed). */
static size_t
history_find(struct history *h, const char *group, const char *topic, int32_t partition,
             bool add)
{
	struct history_series *s;

	if (h->slot_count != 0) {
		size_t slot = history_hash(group, topic, partition) & (h->slot_count - 1);

		for (; h->slots[slot] != 0; slot = (slot + 1) & (h->slot_count - 1))
			if (history_same(&h->series[h->slots[slot] - 1], group, topic, partition))
				return h->slots[slot] - 1;
	}
	if (!add)
		return HISTORY_NONE;
	if (!history_reserve((void **)&h->series, &h->series_capacity, h->series_count + 1,
	                     sizeof *h->series))
		goto failed;
	s = &h->series[h->series_count];
	*s = (struct history_series){
		.group = group != NULL ? strdup(group) : NULL, .topic = strdup(topic),
		.partition = partition, .min_committed = -1, .partition_series = HISTORY_NONE,
		.committed_since_ms = -1, .log_end_at_commit = -1,
	};
	if (s->topic == NULL || (group != NULL && s->group == NULL)) {
		free(s->group);
		free(s->topic);
		goto failed;
	}
	h->series_count++;
	if (h->series_count * 2 >= h->slot_count) {
		if (!history_rehash(h)) {           /* the new series is in the new table */
			h->series_count--;
			free(s->group);
			free(s->topic);
			goto failed;
		}
	} else {
		history_slot_insert(h, h->series_count - 1);
	}
	return h->series_count - 1;
failed:
	h->failed = true;
	return HISTORY_NONE;
}

static void
history_series_free(struct history_series *s)
{
	free(s->group);
	free(s->topic);
	free(s->points);
	free(s->window);
}

/* ---------------------------------------------------------------- what memory keeps */

/* The time bucket that decides whether a point AGE_MS old is kept: every point for an
 * hour, one per minute for a day, one per 10 minutes after (the catalog's tiers). */
static int64_t
history_bucket(int64_t at_ms, int64_t age_ms)
{
	if (age_ms <= HISTORY_EVERY_FRAME_MS)
		return INT64_MIN;                   /* every point its own */
	return age_ms <= HISTORY_PER_MINUTE_MS ? at_ms / HISTORY_MINUTE_MS
	                                       : at_ms / HISTORY_KEY_BUCKET_MS;
}

/* Thin S's points by the tiers and drop what is older than the history keeps; the newest
 * point always stays. */
static void
history_thin_points(const struct history *h, struct history_series *s)
{
	size_t kept = 0;
	int64_t last_bucket = INT64_MIN;

	for (size_t i = 0; i < s->point_count; i++) {
		const struct lag_point *p = &s->points[i];
		int64_t age = h->cycle_at_ms - p->at_ms;
		int64_t bucket = history_bucket(p->at_ms, age);
		bool newest = i + 1 == s->point_count;

		if (!newest && (age > h->policy.keep_ms ||
		                (bucket != INT64_MIN && bucket == last_bucket && kept > 0)))
			continue;
		last_bucket = bucket;
		s->points[kept++] = *p;
	}
	s->point_count = kept;
}

/* Drop S's points no group needs: time lag looks up the last point at or below a
 * committed offset, so everything before the last point at or below the lowest one goes.
 * With no group on the partition, two points are enough. Called when the cycle has the
 * groups; moves memory only when it frees at least half. */
static void
history_prune_points(struct history_series *s)
{
	size_t first = 0;

	if (s->min_committed < 0) {
		first = s->point_count > 2 ? s->point_count - 2 : 0;
	} else {
		size_t low = 0, high = s->point_count;   /* the first point above min_committed */

		while (low < high) {
			size_t mid = low + (high - low) / 2;

			if (s->points[mid].log_end_offset <= s->min_committed)
				low = mid + 1;
			else
				high = mid;
		}
		first = low > 0 ? low - 1 : 0;
	}
	if (first == 0 || first * 2 < s->point_count)
		return;
	memmove(s->points, s->points + first, (s->point_count - first) * sizeof *s->points);
	s->point_count -= first;
}

/* Add the partition's log end offset VALUE at AT_MS to S. A run of equal values keeps its
 * first and last points only (where it began and how long it lasted is all time lag
 * needs); a value lower than the last means the partition started again. */
static void
history_add_point(struct history *h, struct history_series *s, int64_t at_ms, int64_t value)
{
	size_t n = s->point_count;

	if (n > 0 && at_ms <= s->points[n - 1].at_ms)
		return;                             /* not newer: a clock that went back */
	if (n > 0 && value < s->points[n - 1].log_end_offset)
		n = s->point_count = 0;
	if (n >= 2 && s->points[n - 1].log_end_offset == value &&
	    s->points[n - 2].log_end_offset == value) {
		s->points[n - 1].at_ms = at_ms;
		return;
	}
	if (n == s->point_capacity) {
		history_thin_points(h, s);
		n = s->point_count;
		if ((n == s->point_capacity || n * 4 > s->point_capacity * 3) &&
		    !history_reserve((void **)&s->points, &s->point_capacity,
		                     n < HISTORY_FIRST_POINTS ? HISTORY_FIRST_POINTS : n + 1,
		                     sizeof *s->points)) {
			h->failed = true;
			return;
		}
	}
	s->points[s->point_count++] = (struct lag_point){ .at_ms = at_ms, .log_end_offset = value };
}

/* Add a sample of a group's partition to its window (the newest WINDOW_SIZE are kept),
 * and note when its committed offset last changed. */
static void
history_add_sample(struct history *h, struct history_series *s, int64_t at_ms, int64_t committed,
                   int64_t log_end)
{
	struct lag_sample *last = s->window_count > 0 ? &s->window[s->window_count - 1] : NULL;

	if (last != NULL && at_ms <= last->at_ms)
		return;
	if (s->window == NULL) {
		s->window = calloc(h->window_size, sizeof *s->window);
		if (s->window == NULL) {
			h->failed = true;
			return;
		}
	}
	if (last == NULL || last->committed_offset != committed) {
		s->committed_since_ms = at_ms;
		s->log_end_at_commit = log_end;
	}
	if (s->window_count == h->window_size) {
		memmove(s->window, s->window + 1, (h->window_size - 1) * sizeof *s->window);
		s->window_count--;
	}
	s->window[s->window_count++] = (struct lag_sample){
		.at_ms = at_ms, .committed_offset = committed, .log_end_offset = log_end,
	};
}

/* Mark series INDEX as seen this cycle with VALUE. */
static void
history_see(struct history *h, size_t index, int64_t value)
{
	struct history_series *s = &h->series[index];

	if (!s->seen) {
		if (!history_reserve((void **)&h->seen, &h->seen_capacity, h->seen_count + 1,
		                     sizeof *h->seen)) {
			h->failed = true;
			return;
		}
		h->seen[h->seen_count++] = index;
		s->seen = true;
		s->min_committed = -1;
	}
	s->value = value;
}

static void
history_forget_seen(struct history *h)
{
	for (size_t i = 0; i < h->seen_count; i++)
		h->series[h->seen[i]].seen = false;
	h->seen_count = 0;
}

/* Fold the cycle's values (the seen series) into memory at H->cycle_at_ms: partitions
 * first, whose values the group samples need. PRUNE: the cycle has every group, so
 * points below every group's offset may go. */
static void
history_apply(struct history *h, bool prune)
{
	for (size_t i = 0; i < h->seen_count; i++) {
		struct history_series *s = &h->series[h->seen[i]];
		struct history_series *p;

		if (s->group == NULL || s->partition_series == HISTORY_NONE)
			continue;
		p = &h->series[s->partition_series];
		if (p->seen && (p->min_committed < 0 || s->value < p->min_committed))
			p->min_committed = s->value;
	}
	for (size_t i = 0; i < h->seen_count; i++) {
		struct history_series *s = &h->series[h->seen[i]];

		if (s->group != NULL)
			continue;
		history_add_point(h, s, h->cycle_at_ms, s->value);
		if (prune)
			history_prune_points(s);
	}
	for (size_t i = 0; i < h->seen_count; i++) {
		struct history_series *s = &h->series[h->seen[i]];
		const struct history_series *p;

		if (s->group == NULL || s->partition_series == HISTORY_NONE)
			continue;
		p = &h->series[s->partition_series];
		if (p->seen)
			history_add_sample(h, s, h->cycle_at_ms, s->value, p->value);
	}
}

/* ---------------------------------------------------------------- evaluation */

static bool
history_reserve_evaluation(struct history *h, const struct snapshot *snapshot)
{
	size_t offsets = 0;

	for (size_t g = 0; g < snapshot->group_count; g++)
		offsets += snapshot->groups[g].offset_count;
	if (!history_reserve((void **)&h->evals, &h->eval_capacity, snapshot->group_count + 1,
	                     sizeof *h->evals))
		return false;
	if (offsets + 1 > h->offset_capacity) {
		size_t capacity = h->offset_capacity;

		if (!history_reserve((void **)&h->offset_evals, &capacity, offsets + 1,
		                     sizeof *h->offset_evals))
			return false;
		capacity = h->offset_capacity;
		if (!history_reserve((void **)&h->offset_series, &capacity, offsets + 1,
		                     sizeof *h->offset_series))
			return false;
		h->offset_capacity = capacity;
	}
	return true;
}

/* Whether partition verdict (STATUS, LAG) is worse than the group's so far. */
static bool
history_worse(enum lag_status status, int64_t lag, enum lag_status worst, int64_t worst_lag)
{
	return status > worst || (status == worst && lag > worst_lag);
}

/* A group's reason: its worst partition's, "topic[partition]: " first, cut to fit. */
static void
history_reason(char *out, const struct snapshot_offset *offset, const char *reason)
{
	int prefix = snprintf(out, LAG_REASON_SIZE, "%s[%d]: ", offset->topic, (int)offset->partition);
	size_t used = prefix < 0 ? 0 : (size_t)prefix;
	size_t length = strlen(reason);

	if (used >= LAG_REASON_SIZE - 1)
		return;
	if (length > LAG_REASON_SIZE - 1 - used)
		length = LAG_REASON_SIZE - 1 - used;
	memcpy(out + used, reason, length);
	out[used + length] = '\0';
}

/* Evaluate the snapshot's groups, their offsets' series being in h->offset_series. */
static void
history_evaluate(struct history *h, const struct snapshot *snapshot)
{
	size_t k = 0;

	for (size_t g = 0; g < snapshot->group_count; g++) {
		const struct snapshot_group *group = &snapshot->groups[g];
		struct history_group_eval *eval = &h->evals[g];
		int64_t worst_lag = -1;

		*eval = (struct history_group_eval){ .status = LAG_STATUS_UNKNOWN, .max_time_lag_ms = -1,
		                                     .offsets = &h->offset_evals[k] };
		for (size_t o = 0; o < group->offset_count; o++, k++) {
			const struct snapshot_offset *offset = &group->offsets[o];
			struct history_offset_eval *oe = &h->offset_evals[k];
			const struct history_series *s, *p;
			struct lag_partition_context context;
			char reason[LAG_REASON_SIZE];
			enum lag_status status;
			struct lag_time time_lag;
			int64_t lag;

			*oe = (struct history_offset_eval){ .time_lag_ms = -1 };
			if (h->offset_series[k] == HISTORY_NONE)
				continue;
			s = &h->series[h->offset_series[k]];
			if (s->partition_series == HISTORY_NONE || !h->series[s->partition_series].seen)
				continue;                   /* a topic this cycle did not see */
			p = &h->series[s->partition_series];
			time_lag = lag_time_lag(p->points, p->point_count, offset->committed_offset,
			                        h->cycle_at_ms);
			if (time_lag.known) {
				oe->time_lag_ms = time_lag.ms;
				oe->estimated = time_lag.estimated;
				if (time_lag.ms > eval->max_time_lag_ms) {
					eval->max_time_lag_ms = time_lag.ms;
					eval->max_estimated = time_lag.estimated;
				}
			}
			context = (struct lag_partition_context){
				.has_members = group->member_count > 0,
				.committed_since_ms = s->committed_since_ms,
				.log_end_at_commit = s->log_end_at_commit,
				.now_ms = h->cycle_at_ms,
			};
			status = lag_partition_status(s->window, s->window_count, &context,
			                              &h->policy.lag, reason);
			lag = p->value > offset->committed_offset ? p->value - offset->committed_offset : 0;
			if (worst_lag < 0 || history_worse(status, lag, eval->status, worst_lag)) {
				eval->status = status;
				worst_lag = lag;
				history_reason(eval->reason, offset, reason);
			}
		}
	}
	h->eval_count = snapshot->group_count;
}

int
history_take(struct history *h, const struct snapshot *snapshot, char **err)
{
	bool has_topics = snapshot->section_errors[SNAPSHOT_TOPICS] == NULL;
	bool has_groups = snapshot->section_errors[SNAPSHOT_GROUPS] == NULL;
	size_t k = 0;

	*err = NULL;
	h->failed = false;
	history_forget_seen(h);
	h->eval_count = 0;
	h->cycle_at_ms = snapshot->collected_at_ms;
	if (!history_reserve_evaluation(h, snapshot))
		goto failed;
	for (size_t t = 0; has_topics && t < snapshot->topic_count; t++) {
		const struct snapshot_topic *topic = &snapshot->topics[t];

		for (size_t i = 0; i < topic->partition_count; i++) {
			const struct snapshot_partition *p = &topic->partitions[i];
			size_t index;

			if (p->high_watermark < 0)
				continue;
			index = history_find(h, NULL, topic->name, p->partition, true);
			if (index != HISTORY_NONE)
				history_see(h, index, p->high_watermark);
		}
	}
	for (size_t g = 0; g < snapshot->group_count; g++) {
		const struct snapshot_group *group = &snapshot->groups[g];

		for (size_t o = 0; o < group->offset_count; o++, k++) {
			const struct snapshot_offset *offset = &group->offsets[o];
			size_t index = history_find(h, group->name, offset->topic, offset->partition, true);

			h->offset_series[k] = index;
			if (index == HISTORY_NONE)
				continue;
			h->series[index].partition_series =
				history_find(h, NULL, offset->topic, offset->partition, false);
			history_see(h, index, offset->committed_offset);
		}
	}
	if (h->failed)
		goto failed;
	history_apply(h, has_groups);
	if (h->failed)
		goto failed;
	history_evaluate(h, snapshot);
	return 0;
failed:
	*err = strfmt("cluster %s: lag history: out of memory", h->cluster);
	history_forget_seen(h);
	return -1;
}

/* ---------------------------------------------------------------- frames */

static size_t
history_put_varint(unsigned char *out, uint64_t value)
{
	size_t n = 0;

	while (value >= 0x80) {
		out[n++] = (unsigned char)(value | 0x80);
		value >>= 7;
	}
	out[n++] = (unsigned char)value;
	return n;
}

/* A varint from *IN (up to END); false when it runs past END or is too long. */
static bool
history_get_varint(const unsigned char **in, const unsigned char *end, uint64_t *value)
{
	*value = 0;
	for (unsigned shift = 0; *in < end && shift < 64; shift += 7) {
		unsigned char byte = *(*in)++;

		*value |= (uint64_t)(byte & 0x7f) << shift;
		if ((byte & 0x80) == 0)
			return true;
	}
	return false;
}

static uint64_t
history_zigzag(int64_t value)
{
	return ((uint64_t)value << 1) ^ (uint64_t)(value >> 63);
}

static int64_t
history_unzigzag(uint64_t value)
{
	return (int64_t)(value >> 1) ^ -(int64_t)(value & 1);
}

static int
history_entry_order(const void *a, const void *b)
{
	int64_t x = ((const struct history_entry *)a)->db_id;
	int64_t y = ((const struct history_entry *)b)->db_id;

	return (x > y) - (x < y);
}

/* The value of DB_ID in KEY (sorted), from position *AT on (entries are visited in order);
 * 0 when the key frame does not have it. */
static int64_t
history_key_value(const struct history_entries *key, size_t *at, int64_t db_id)
{
	while (*at < key->count && key->items[*at].db_id < db_id)
		(*at)++;
	return *at < key->count && key->items[*at].db_id == db_id ? key->items[*at].value : 0;
}

/* Encode ENTRIES (sorted) against REFERENCE (NULL: whole values) and deflate them into
 * h->packed; *SIZE set. False when out of memory. */
static bool
history_encode(struct history *h, const struct history_entries *entries,
               const struct history_entries *reference_frame, size_t *size)
{
	size_t need = 1 + entries->count * 2 * HISTORY_VARINT_MAX, used = 0, at = 0;
	uLongf packed_size;
	int64_t previous = 0;

	if (!history_reserve((void **)&h->chain.raw, &h->chain.raw_capacity, need, 1))
		return false;
	for (size_t i = 0; i < entries->count; i++) {
		const struct history_entry *e = &entries->items[i];
		int64_t reference = reference_frame != NULL ?
		                    history_key_value(reference_frame, &at, e->db_id) : 0;

		used += history_put_varint(h->chain.raw + used, (uint64_t)(e->db_id - previous));
		used += history_put_varint(h->chain.raw + used,
		                           history_zigzag((int64_t)((uint64_t)e->value -
		                                                    (uint64_t)reference)));
		previous = e->db_id;
	}
	packed_size = compressBound((uLong)used);
	if (!history_reserve((void **)&h->packed, &h->packed_capacity, packed_size + 1, 1))
		return false;
	h->packed[0] = HISTORY_FRAME_FORMAT;
	if (compress2(h->packed + 1, &packed_size, h->chain.raw, (uLong)used,
	              Z_DEFAULT_COMPRESSION) != Z_OK)
		return false;
	*size = packed_size + 1;
	return true;
}

/* Inflate more of the frame CHAIN->inflate reads into CHAIN->raw (RAW_SIZE bytes at
 * most), up to *END; *FINISHED once it is all inflated (and its checksum checked).
 * Returns 0, 1 when the frame does not inflate (or holds more than RAW_SIZE bytes), -1
 * out of memory. */
static int
history_inflate_step(struct history_chain *chain, size_t raw_size, const unsigned char **end,
                     bool *finished)
{
	size_t room = raw_size - (size_t)(*end - chain->raw);
	int rc;

	if (room == 0)
		return 1;
	/* In steps only when decoding may stop early: a whole frame in one go. */
	if (chain->wanted != NULL && room > HISTORY_INFLATE_STEP)
		room = HISTORY_INFLATE_STEP;
	if (room > UINT_MAX)
		room = UINT_MAX;
	chain->inflate.avail_out = (uInt)room;
	rc = inflate(&chain->inflate, Z_NO_FLUSH);
	if (rc == Z_MEM_ERROR)
		return -1;
	if (rc != Z_OK && rc != Z_STREAM_END)
		return 1;
	*end = chain->inflate.next_out;
	*finished = rc == Z_STREAM_END;
	return 0;
}

/* Decode a frame's DATA (SIZE bytes, COUNT entries) against KEY (NULL: a key frame) into
 * OUT, only the series CHAIN wants. It inflates step by step as it decodes, so that
 * wanting a few series stops inflating past the last of them. Returns 0, 1 for a frame
 * that does not decode (skipped), -1 out of memory. */
static int
history_decode(struct history_chain *chain, const unsigned char *data, size_t size,
               size_t count, const struct history_entries *key, struct history_entries *out)
{
	size_t raw_size = count * 2 * HISTORY_VARINT_MAX + 1;
	const unsigned char *in, *end;
	int64_t db_id = 0;
	size_t at = 0, wanted = 0;
	bool finished = false;

	out->count = 0;
	if (size < 1 || data[0] != HISTORY_FRAME_FORMAT || size - 1 > UINT_MAX)
		return 1;
	if (!history_reserve((void **)&chain->raw, &chain->raw_capacity, raw_size, 1))
		return -1;
	if (!chain->inflating) {
		if (inflateInit(&chain->inflate) != Z_OK)
			return -1;
		chain->inflating = true;
	} else if (inflateReset(&chain->inflate) != Z_OK) {
		return 1;
	}
	chain->inflate.next_in = data + 1;
	chain->inflate.avail_in = (uInt)(size - 1);
	chain->inflate.next_out = chain->raw;
	in = end = chain->raw;
	for (;;) {
		const unsigned char *pair = in;
		uint64_t gap, delta;
		int64_t reference;

		if (!history_get_varint(&in, end, &gap) || !history_get_varint(&in, end, &delta)) {
			int inflated;

			/* Past what is inflated so far: the end of the frame, or inflate more. */
			in = pair;
			if (finished) {
				if (in == end)
					break;
				return 1;               /* a pair cut short */
			}
			inflated = history_inflate_step(chain, raw_size, &end, &finished);
			if (inflated != 0)
				return inflated;
			continue;
		}
		db_id += (int64_t)gap;
		if (chain->wanted != NULL) {
			while (wanted < chain->wanted_count && chain->wanted[wanted] < db_id)
				wanted++;
			if (wanted == chain->wanted_count)
				break;                  /* ids are sorted: nothing wanted is left */
			if (chain->wanted[wanted] != db_id)
				continue;
		}
		reference = key != NULL ? history_key_value(key, &at, db_id) : 0;
		if (!history_entries_push(out, db_id,
		                          (int64_t)((uint64_t)history_unzigzag(delta) +
		                                    (uint64_t)reference)))
			return -1;
	}
	return 0;
}

/* ?1 cluster id, ?2 group, ?3 topic, ?4 partition, ?5 now */
static const char sql_insert_series[] =
	"INSERT INTO lag_series (cluster_id, group_name, topic, partition, last_seen_ms)"
	" VALUES (?1, ?2, ?3, ?4, ?5)";
static const char sql_insert_frame[] =
	"INSERT INTO lag_frames (cluster_id, sampled_at_ms, tier, key_frame_id, series_count, data,"
	"  base_frame_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
/* ?1 cluster id, ?2 now, ?3 what the history keeps: the oldest key frame thinning keeps. */
static const char sql_oldest_kept_key[] =
	"SELECT id, sampled_at_ms, base_frame_id FROM lag_frames"
	" WHERE cluster_id = ?1 AND tier = 2 AND sampled_at_ms >= ?2 - ?3"
	" ORDER BY sampled_at_ms, id LIMIT 1";
/* ?1 cluster id, ?2 up to when: the chain of key frames to decode. */
static const char sql_key_chain[] =
	"SELECT id, base_frame_id, series_count, data FROM lag_frames"
	" WHERE cluster_id = ?1 AND tier = 2 AND sampled_at_ms <= ?2 ORDER BY sampled_at_ms, id";
static const char sql_make_whole[] =
	"UPDATE lag_frames SET base_frame_id = NULL, data = ?2 WHERE id = ?1";
static const char sql_series_seen[] = "UPDATE lag_series SET last_seen_ms = ?2 WHERE id = ?1";
/* Thinning: ?1 cluster id, ?2 now, ?3 what the history keeps. Deleting a key frame deletes
 * its delta frames (ON DELETE CASCADE). */
static const char *const sql_thin[] = {
	"DELETE FROM lag_frames WHERE cluster_id = ?1 AND tier = 0 AND sampled_at_ms < ?2 - 3600000",
	"DELETE FROM lag_frames WHERE cluster_id = ?1 AND tier = 1 AND sampled_at_ms < ?2 - 86400000",
	"DELETE FROM lag_frames WHERE cluster_id = ?1 AND tier IN (0, 1, 2) AND sampled_at_ms < ?2 - ?3",
};
static const char sql_forget_series[] =
	"DELETE FROM lag_series WHERE cluster_id = ?1 AND last_seen_ms < ?2 - ?3";

/* Step STATEMENT to completion and reset it; WHAT names it in the error. */
static int
history_step(struct history *h, struct store *store, sqlite3_stmt *statement, const char *what,
             char **err)
{
	int rc = sqlite3_step(statement);

	sqlite3_reset(statement);
	sqlite3_clear_bindings(statement);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return store_fail(store, err, "writing cluster %s's lag history (%s)", h->cluster, what);
	return 0;
}

/* Give every seen series without one its lag_series id. */
static int
history_insert_series(struct history *h, struct store *store, int64_t cluster_id, char **err)
{
	sqlite3_stmt *insert = store_statement(store, sql_insert_series, err);

	if (insert == NULL)
		return -1;
	for (size_t i = 0; i < h->seen_count; i++) {
		struct history_series *s = &h->series[h->seen[i]];

		if (s->db_id != 0)
			continue;
		sqlite3_bind_int64(insert, 1, cluster_id);
		sqlite3_bind_text(insert, 2, s->group, -1, SQLITE_STATIC);
		sqlite3_bind_text(insert, 3, s->topic, -1, SQLITE_STATIC);
		sqlite3_bind_int(insert, 4, s->partition);
		sqlite3_bind_int64(insert, 5, h->cycle_at_ms);
		if (history_step(h, store, insert, "series", err) < 0)
			return -1;
		s->db_id = sqlite3_last_insert_rowid(store_sqlite(store));
		s->new_id = true;
		s->key_seen_ms = h->cycle_at_ms;
	}
	return 0;
}

/* On a key frame: the catalog's last_seen_ms of every series it has, and the series
 * nothing has seen for as long as the history keeps, forgotten. */
static int
history_mark_seen(struct history *h, struct store *store, int64_t cluster_id, char **err)
{
	sqlite3_stmt *seen = store_statement(store, sql_series_seen, err);
	sqlite3_stmt *forget = seen != NULL ? store_statement(store, sql_forget_series, err) : NULL;

	if (forget == NULL)
		return -1;
	for (size_t i = 0; i < h->seen_count; i++) {
		const struct history_series *s = &h->series[h->seen[i]];

		if (s->new_id)
			continue;
		sqlite3_bind_int64(seen, 1, s->db_id);
		sqlite3_bind_int64(seen, 2, h->cycle_at_ms);
		if (history_step(h, store, seen, "series", err) < 0)
			return -1;
	}
	sqlite3_bind_int64(forget, 1, cluster_id);
	sqlite3_bind_int64(forget, 2, h->cycle_at_ms);
	sqlite3_bind_int64(forget, 3, h->policy.keep_ms);
	return history_step(h, store, forget, "old series", err);
}

/* Before thinning deletes the key frames older than the history keeps, make the oldest
 * key frame it keeps whole: decode the chain of key frames up to it and write its values
 * without a base. A chain that does not decode (a frame lost) is left as it is: loading
 * skips what cannot be decoded up to the next whole key frame. */
static int
history_make_oldest_whole(struct history *h, struct store *store, int64_t cluster_id,
                          char **err)
{
	sqlite3_stmt *oldest = store_statement(store, sql_oldest_kept_key, err);
	sqlite3_stmt *chain, *update;
	struct history_entries values = { 0 }, next = { 0 };
	int64_t oldest_id = 0, oldest_at = 0, previous_id = 0;
	bool based = false, decoded = false;
	int rc, status = 0;
	size_t size;

	if (oldest == NULL)
		return -1;
	sqlite3_bind_int64(oldest, 1, cluster_id);
	sqlite3_bind_int64(oldest, 2, h->cycle_at_ms);
	sqlite3_bind_int64(oldest, 3, h->policy.keep_ms);
	if ((rc = sqlite3_step(oldest)) == SQLITE_ROW) {
		oldest_id = sqlite3_column_int64(oldest, 0);
		oldest_at = sqlite3_column_int64(oldest, 1);
		based = sqlite3_column_type(oldest, 2) != SQLITE_NULL;
	}
	sqlite3_reset(oldest);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(store, err, "reading cluster %s's lag history", h->cluster);
	if (!based)
		return 0;
	chain = store_statement(store, sql_key_chain, err);
	if (chain == NULL)
		return -1;
	sqlite3_bind_int64(chain, 1, cluster_id);
	sqlite3_bind_int64(chain, 2, oldest_at);
	while ((rc = sqlite3_step(chain)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(chain, 0);
		bool whole = sqlite3_column_type(chain, 1) == SQLITE_NULL;
		struct history_entries swap;
		int result;

		if (!whole && (!decoded || sqlite3_column_int64(chain, 1) != previous_id)) {
			decoded = false;            /* its base is not what was decoded */
			continue;
		}
		result = history_decode(&h->chain, sqlite3_column_blob(chain, 3),
		                        (size_t)sqlite3_column_bytes(chain, 3),
		                        (size_t)sqlite3_column_int64(chain, 2), whole ? NULL : &values,
		                        &next);
		if (result < 0) {
			status = -1;
			break;
		}
		decoded = result == 0;
		previous_id = id;
		swap = values;
		values = next;
		next = swap;
	}
	sqlite3_reset(chain);
	if (status == 0 && rc != SQLITE_DONE)
		status = store_fail(store, err, "reading cluster %s's lag history", h->cluster);
	if (status == 0 && decoded && previous_id == oldest_id) {
		update = store_statement(store, sql_make_whole, err);
		if (update == NULL || !history_encode(h, &values, NULL, &size)) {
			status = -1;
		} else {
			sqlite3_bind_int64(update, 1, oldest_id);
			sqlite3_bind_blob(update, 2, h->packed, (int)size, SQLITE_STATIC);
			status = history_step(h, store, update, "rebasing", err);
		}
	}
	if (status < 0 && *err == NULL)
		*err = strfmt("cluster %s: lag history: out of memory", h->cluster);
	free(values.items);
	free(next.items);
	return status;
}

static int
history_thin(struct history *h, struct store *store, int64_t cluster_id, char **err)
{
	if (history_make_oldest_whole(h, store, cluster_id, err) < 0)
		return -1;
	for (size_t i = 0; i < sizeof sql_thin / sizeof sql_thin[0]; i++) {
		sqlite3_stmt *thin = store_statement(store, sql_thin[i], err);

		if (thin == NULL)
			return -1;
		sqlite3_bind_int64(thin, 1, cluster_id);
		sqlite3_bind_int64(thin, 2, h->cycle_at_ms);
		if (sqlite3_bind_parameter_count(thin) >= 3)
			sqlite3_bind_int64(thin, 3, h->policy.keep_ms);
		if (history_step(h, store, thin, "thinning", err) < 0)
			return -1;
	}
	return 0;
}

int
history_write_frame(struct history *h, struct store *store, int64_t cluster_id, char **err)
{
	sqlite3_stmt *insert;
	enum history_tier tier;
	size_t size;
	bool whole;

	*err = NULL;
	h->chain.frame.count = 0;
	h->frame_id = 0;
	if (h->last_frame_at_ms >= h->cycle_at_ms)
		return 0;                           /* not newer than the last frame */
	if (history_insert_series(h, store, cluster_id, err) < 0)
		return -1;
	for (size_t i = 0; i < h->seen_count; i++) {
		const struct history_series *s = &h->series[h->seen[i]];

		if (!history_entries_push(&h->chain.frame, s->db_id, s->value))
			goto failed;
	}
	if (h->chain.frame.count > 1)   /* items is NULL when there are none */
		qsort(h->chain.frame.items, h->chain.frame.count, sizeof *h->chain.frame.items,
		      history_entry_order);
	h->frame_is_key = h->chain.key_id == 0 || h->cycle_at_ms / HISTORY_KEY_BUCKET_MS !=
	                                          h->chain.key_at_ms / HISTORY_KEY_BUCKET_MS;
	if (h->frame_is_key)
		tier = HISTORY_TIER_KEY;
	else if (h->last_frame_at_ms < 0 ||
	         h->cycle_at_ms / HISTORY_MINUTE_MS != h->last_frame_at_ms / HISTORY_MINUTE_MS)
		tier = HISTORY_TIER_MINUTE;
	else
		tier = HISTORY_TIER_FRAME;
	/* A key frame rests on the one before, but one a day is whole, so that a frame the
	 * catalog lost breaks at most a day of history. */
	whole = h->frame_is_key && (h->chain.key_id == 0 || h->cycle_at_ms / HISTORY_WHOLE_KEY_MS !=
	                                                   h->chain.key_at_ms / HISTORY_WHOLE_KEY_MS);
	if (!history_encode(h, &h->chain.frame, whole ? NULL : &h->chain.key, &size))
		goto failed;
	insert = store_statement(store, sql_insert_frame, err);
	if (insert == NULL)
		return -1;
	sqlite3_bind_int64(insert, 1, cluster_id);
	sqlite3_bind_int64(insert, 2, h->cycle_at_ms);
	sqlite3_bind_int(insert, 3, (int)tier);
	if (h->frame_is_key)
		sqlite3_bind_null(insert, 4);
	else
		sqlite3_bind_int64(insert, 4, h->chain.key_id);
	sqlite3_bind_int64(insert, 5, (sqlite3_int64)h->chain.frame.count);
	sqlite3_bind_blob(insert, 6, h->packed, (int)size, SQLITE_STATIC);
	if (h->frame_is_key && !whole)
		sqlite3_bind_int64(insert, 7, h->chain.key_id);
	else
		sqlite3_bind_null(insert, 7);
	if (history_step(h, store, insert, "frame", err) < 0)
		return -1;
	h->frame_id = sqlite3_last_insert_rowid(store_sqlite(store));
	if (h->frame_is_key && history_mark_seen(h, store, cluster_id, err) < 0)
		return -1;
	return history_thin(h, store, cluster_id, err);
failed:
	*err = strfmt("cluster %s: lag history: out of memory", h->cluster);
	return -1;
}

/* Forget the series nobody has seen in a key frame for as long as the history keeps (the
 * catalog forgets them in the same write). */
static void
history_forget_old(struct history *h)
{
	size_t kept = 0;

	for (size_t i = 0; i < h->series_count; i++) {
		struct history_series *s = &h->series[i];

		if (s->db_id != 0 && s->key_seen_ms < h->cycle_at_ms - h->policy.keep_ms)
			history_series_free(s);
		else
			h->series[kept++] = *s;
	}
	if (kept == h->series_count)
		return;
	h->series_count = kept;
	history_forget_seen(h);   /* indices moved; the cycle is over anyway */
	h->eval_count = 0;
	if (!history_rehash(h))
		h->failed = true;
	for (size_t i = 0; i < h->series_count; i++) {
		struct history_series *s = &h->series[i];

		if (s->group != NULL)
			s->partition_series = history_find(h, NULL, s->topic, s->partition, false);
	}
}

void
history_end_write(struct history *h, bool committed)
{
	for (size_t i = 0; i < h->seen_count; i++) {
		struct history_series *s = &h->series[h->seen[i]];

		if (s->new_id && !committed)
			s->db_id = 0;
		s->new_id = false;
		if (committed && h->frame_is_key && h->frame_id != 0)
			s->key_seen_ms = h->cycle_at_ms;
	}
	if (!committed || h->frame_id == 0)
		return;
	h->last_frame_at_ms = h->cycle_at_ms;
	if (h->frame_is_key) {
		struct history_entries swap = h->chain.key;

		h->chain.key = h->chain.frame;
		h->chain.frame = swap;
		h->chain.key_id = h->frame_id;
		h->chain.key_at_ms = h->cycle_at_ms;
		history_forget_old(h);
	}
}

/* ---------------------------------------------------------------- loading */

static const char sql_load_series[] =
	"SELECT s.id, s.group_name, s.topic, s.partition, s.last_seen_ms"
	" FROM lag_series s JOIN clusters c ON c.id = s.cluster_id WHERE c.name = ?1"
	" ORDER BY s.id";
static const char sql_load_frames[] =
	"SELECT f.id, f.sampled_at_ms, f.key_frame_id, f.series_count, f.data, f.base_frame_id"
	" FROM lag_frames f JOIN clusters c ON c.id = f.cluster_id WHERE c.name = ?1"
	" ORDER BY f.sampled_at_ms, f.id";

/* The series with catalog id DB_ID (the loaded series are sorted by it), or HISTORY_NONE. */
static size_t
history_by_db_id(const struct history *h, size_t loaded, int64_t db_id)
{
	size_t low = 0, high = loaded;

	while (low < high) {
		size_t mid = low + (high - low) / 2;

		if (h->series[mid].db_id < db_id)
			low = mid + 1;
		else
			high = mid;
	}
	return low < loaded && h->series[low].db_id == db_id ? low : HISTORY_NONE;
}

static int
history_load_series(struct history *h, struct store *store, size_t *loaded, char **err)
{
	sqlite3_stmt *select = store_statement(store, sql_load_series, err);
	int rc;

	if (select == NULL)
		return -1;
	sqlite3_bind_text(select, 1, h->cluster, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(select)) == SQLITE_ROW) {
		const char *group = (const char *)sqlite3_column_text(select, 1);
		const char *topic = (const char *)sqlite3_column_text(select, 2);
		size_t index;

		/* Appended in id order: the loaded series stay sorted by db_id. */
		index = history_find(h, group, topic != NULL ? topic : "", sqlite3_column_int(select, 3),
		                     true);
		if (index == HISTORY_NONE)
			break;
		if (index + 1 != h->series_count)
			continue;                   /* a duplicate row: the first one stands */
		h->series[index].db_id = sqlite3_column_int64(select, 0);
		h->series[index].key_seen_ms = sqlite3_column_int64(select, 4);
	}
	sqlite3_reset(select);
	if (h->failed)
		return -1;
	if (rc != SQLITE_DONE)
		return store_fail(store, err, "reading cluster %s's lag series", h->cluster);
	*loaded = h->series_count;
	for (size_t i = 0; i < h->series_count; i++) {
		struct history_series *s = &h->series[i];

		if (s->group != NULL)
			s->partition_series = history_find(h, NULL, s->topic, s->partition, false);
	}
	return 0;
}

/* What a walk along the frames does with each frame it decodes: VALUES (sorted by
 * catalog id) at AT_MS. Returns 0 to go on, -1 when out of memory. */
typedef int history_frame_fn(void *context, int64_t at_ms, const struct history_entries *values);

/* Walk the frames SELECT returns, oldest first, as columns (id, sampled_at_ms,
 * key_frame_id, series_count, data, base_frame_id), along CHAIN: decode each against the
 * key frame it refers to and hand it to ON_FRAME. A frame whose key (or base) frame was
 * not decoded (thinned away, or lost) is skipped, and so is what rests on it, up to the
 * next whole key frame. Resets SELECT; returns 0, or -1 with *err set. */
static int
history_walk(struct store *store, sqlite3_stmt *select, struct history_chain *chain,
             const char *cluster, history_frame_fn *on_frame, void *context, char **err)
{
	bool failed = false;
	int rc;

	while ((rc = sqlite3_step(select)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(select, 0);
		int64_t at_ms = sqlite3_column_int64(select, 1);
		bool is_key = sqlite3_column_type(select, 2) == SQLITE_NULL;
		int64_t count = sqlite3_column_int64(select, 3);
		const unsigned char *data = sqlite3_column_blob(select, 4);
		size_t size = (size_t)sqlite3_column_bytes(select, 4);
		bool whole = is_key && sqlite3_column_type(select, 5) == SQLITE_NULL;
		int decoded = 1;

		if (whole || (is_key ? sqlite3_column_int64(select, 5) : sqlite3_column_int64(select, 2))
		             == chain->key_id) {
			if (count >= 0)
				decoded = history_decode(chain, data, size, (size_t)count,
				                         whole ? NULL : &chain->key, &chain->frame);
		}
		if (decoded < 0) {
			failed = true;
			break;
		}
		if (decoded > 0) {
			if (is_key)
				chain->key_id = 0;      /* neither can what rests on it be decoded */
			continue;
		}
		if (is_key) {
			struct history_entries swap = chain->key;

			chain->key = chain->frame;
			chain->frame = swap;
			chain->key_id = id;
			chain->key_at_ms = at_ms;
		}
		if (on_frame(context, at_ms, is_key ? &chain->key : &chain->frame) < 0) {
			failed = true;
			break;
		}
	}
	sqlite3_reset(select);
	if (failed) {
		*err = strfmt("cluster %s: lag history: out of memory", cluster);
		return -1;
	}
	if (rc != SQLITE_DONE)
		return store_fail(store, err, "reading cluster %s's lag history", cluster);
	return 0;
}

static void
history_chain_free(struct history_chain *chain)
{
	free(chain->key.items);
	free(chain->frame.items);
	free(chain->raw);
	if (chain->inflating)
		inflateEnd(&chain->inflate);
}

struct history_load {
	struct history *history;
	size_t loaded;                  /* the series read from the catalog, by db_id */
};

/* Replay a frame read back into the writer's memory, as if its cycle were taken now. */
static int
history_replay(void *context, int64_t at_ms, const struct history_entries *entries)
{
	struct history_load *load = context;
	struct history *h = load->history;

	history_forget_seen(h);
	h->cycle_at_ms = at_ms;
	for (size_t i = 0; i < entries->count; i++) {
		size_t index = history_by_db_id(h, load->loaded, entries->items[i].db_id);

		if (index != HISTORY_NONE)
			history_see(h, index, entries->items[i].value);
	}
	history_apply(h, true);
	history_forget_seen(h);
	h->last_frame_at_ms = at_ms;
	return h->failed ? -1 : 0;
}

static int
history_load_frames(struct history *h, struct store *store, size_t loaded, char **err)
{
	sqlite3_stmt *select = store_statement(store, sql_load_frames, err);
	struct history_load load = { .history = h, .loaded = loaded };

	if (select == NULL)
		return -1;
	sqlite3_bind_text(select, 1, h->cluster, -1, SQLITE_STATIC);
	return history_walk(store, select, &h->chain, h->cluster, history_replay, &load, err);
}

/* ---------------------------------------------------------------- the history */

void
history_set_policy(struct history *h, const struct history_policy *policy)
{
	h->policy = *policy;
	if (h->policy.lag.window == 0)
		h->policy.lag.window = LAG_POLICY_DEFAULT_WINDOW;
	if (h->policy.lag.stopped_after_ms <= 0)
		h->policy.lag.stopped_after_ms = LAG_POLICY_DEFAULT_STOPPED_AFTER_MS;
	if (h->window_size == h->policy.lag.window)
		return;
	/* A new window size: the windows fill again from the next cycle. */
	for (size_t i = 0; i < h->series_count; i++) {
		free(h->series[i].window);
		h->series[i].window = NULL;
		h->series[i].window_count = 0;
	}
	h->window_size = h->policy.lag.window;
}

struct history *
history_open(struct store *store, const char *cluster, const struct history_policy *policy,
             char **err)
{
	struct history *h = calloc(1, sizeof *h);
	size_t loaded = 0;

	*err = NULL;
	if (h == NULL || (h->cluster = strdup(cluster)) == NULL) {
		free(h);
		*err = strfmt("cluster %s: lag history: out of memory", cluster);
		return NULL;
	}
	h->last_frame_at_ms = -1;
	history_set_policy(h, policy);
	if (store_exec(store, "BEGIN", err) < 0)
		goto failed;
	if (history_load_series(h, store, &loaded, err) < 0 ||
	    history_load_frames(h, store, loaded, err) < 0) {
		store_rollback(store);
		goto failed;
	}
	store_rollback(store);
	return h;
failed:
	if (*err == NULL)
		*err = strfmt("cluster %s: lag history: out of memory", cluster);
	history_free(h);
	return NULL;
}

void
history_free(struct history *h)
{
	if (h == NULL)
		return;
	for (size_t i = 0; i < h->series_count; i++)
		history_series_free(&h->series[i]);
	free(h->series);
	free(h->slots);
	free(h->seen);
	history_chain_free(&h->chain);
	free(h->evals);
	free(h->offset_evals);
	free(h->offset_series);
	free(h->packed);
	free(h->cluster);
	free(h);
}

const struct history_group_eval *
history_evaluation(const struct history *h, size_t *count)
{
	*count = h->eval_count;
	return h->eval_count != 0 ? h->evals : NULL;
}

void
history_memory(const struct history *h, size_t *series, size_t *points)
{
	*series = h->series_count;
	*points = 0;
	for (size_t i = 0; i < h->series_count; i++)
		*points += h->series[i].point_count + h->series[i].window_count;
}

/* ?1 name. The cluster's row, created when it has none yet (history before any
 * generation), and its id. */
static const char sql_history_cluster[] =
	"INSERT INTO clusters (name) VALUES (?1)"
	" ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id";

int
history_record(struct history *h, struct store *store, const struct snapshot *snapshot,
               char **err)
{
	sqlite3_stmt *cluster;
	int64_t cluster_id = 0;
	int rc;

	if (history_take(h, snapshot, err) < 0)
		return -1;
	if (store_begin_write(store, err) < 0)
		return -1;
	cluster = store_statement(store, sql_history_cluster, err);
	if (cluster == NULL)
		goto failed;
	sqlite3_bind_text(cluster, 1, h->cluster, -1, SQLITE_STATIC);
	rc = sqlite3_step(cluster);
	if (rc == SQLITE_ROW)
		cluster_id = sqlite3_column_int64(cluster, 0);
	sqlite3_reset(cluster);
	if (rc != SQLITE_ROW) {
		store_fail(store, err, "writing cluster %s", h->cluster);
		goto failed;
	}
	if (history_write_frame(h, store, cluster_id, err) < 0 || store_commit(store, err) < 0)
		goto failed;
	history_end_write(h, true);
	return 0;
failed:
	store_rollback(store);
	history_end_write(h, false);
	return -1;
}

/* ---------------------------------------------------------------- a group's lag */

/* One series a group's lag reads: which of the group's partitions, and which offset. */
struct history_group_series {
	size_t partition;               /* the partition's rank among the group's */
	bool committed;                 /* the group's committed offset; else the log end */
};

/* A walk along the frames for history_group_lag. Offsets are never negative, so -1 says
 * "none". */
struct history_group_walk {
	int64_t *ids;                   /* the series read, sorted: the chain's wanted */
	struct history_group_series *series;    /* in the order of ids */
	size_t series_count;
	int64_t *log_end;               /* per partition, in the frame at hand; -1: none */
	int64_t *committed;             /* the same for the group's committed offsets */
	size_t partition_count;
	int64_t since_ms;
	struct history_point *points;
	size_t point_count, point_capacity;
};

/* ?1 cluster name */
static const char sql_group_cluster[] = "SELECT id FROM clusters WHERE name = ?1";
/* ?1 cluster id, ?2 group: the group's series and those of the partitions it committed
 * on, by id, each with its partition's rank by (topic, partition). */
static const char sql_group_series[] =
	"SELECT id, group_name IS NOT NULL, dense_rank() OVER (ORDER BY topic, partition) - 1"
	" FROM lag_series WHERE cluster_id = ?1 AND (group_name = ?2 OR (group_name IS NULL"
	"  AND (topic, partition) IN (SELECT topic, partition FROM lag_series"
	"   WHERE cluster_id = ?1 AND group_name = ?2)))"
	" ORDER BY id";
/* ?1 cluster id, ?2 since: the newest whole key frame at or before ?2, where a walk that
 * decodes the frames from ?2 on has to start. */
static const char sql_group_start[] =
	"SELECT max(sampled_at_ms) FROM lag_frames WHERE cluster_id = ?1 AND tier = 2"
	" AND base_frame_id IS NULL AND sampled_at_ms <= ?2";
/* ?1 cluster id, ?2 start, ?3 since: the key frames from ?2 on (what the frames from ?3
 * rest on), every frame from ?3 on; the columns history_walk reads. */
static const char sql_group_frames[] =
	"SELECT id, sampled_at_ms, key_frame_id, series_count, data, base_frame_id FROM lag_frames"
	" WHERE cluster_id = ?1 AND sampled_at_ms >= ?2 AND (tier = 2 OR sampled_at_ms >= ?3)"
	" ORDER BY sampled_at_ms, id";

/* Read which series GROUP's lag needs into WALK (none: an unknown group). */
static int
history_group_series_read(struct store *store, const char *cluster, int64_t cluster_id,
                          const char *group, struct history_group_walk *walk, char **err)
{
	sqlite3_stmt *select = store_statement(store, sql_group_series, err);
	size_t ids_capacity = 0, series_capacity = 0;
	bool failed = false;
	int rc;

	if (select == NULL)
		return -1;
	sqlite3_bind_int64(select, 1, cluster_id);
	sqlite3_bind_text(select, 2, group, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(select)) == SQLITE_ROW) {
		size_t n = walk->series_count;
		size_t partition = (size_t)sqlite3_column_int64(select, 2);

		if (!history_reserve((void **)&walk->ids, &ids_capacity, n + 1, sizeof *walk->ids) ||
		    !history_reserve((void **)&walk->series, &series_capacity, n + 1,
		                     sizeof *walk->series)) {
			failed = true;
			break;
		}
		walk->ids[n] = sqlite3_column_int64(select, 0);
		walk->series[n] = (struct history_group_series){
			.partition = partition, .committed = sqlite3_column_int(select, 1) != 0,
		};
		walk->series_count++;
		if (partition >= walk->partition_count)
			walk->partition_count = partition + 1;
	}
	sqlite3_reset(select);
	if (!failed && rc != SQLITE_DONE)
		return store_fail(store, err, "reading cluster %s's lag series", cluster);
	if (!failed && walk->partition_count > 0) {
		walk->log_end = malloc(walk->partition_count * sizeof *walk->log_end);
		walk->committed = malloc(walk->partition_count * sizeof *walk->committed);
		failed = walk->log_end == NULL || walk->committed == NULL;
	}
	if (failed) {
		*err = strfmt("cluster %s: lag history: out of memory", cluster);
		return -1;
	}
	return 0;
}

/* The group's lag at one frame, from that frame alone (not from the frames before it,
 * which a walk from another SINCE_MS would not have read). */
static int
history_group_frame(void *context, int64_t at_ms, const struct history_entries *values)
{
	struct history_group_walk *walk = context;
	size_t next = 0;
	int64_t lag = 0;
	bool known = false;

	if (at_ms < walk->since_ms)
		return 0;                       /* a key frame read for what rests on it */
	for (size_t p = 0; p < walk->partition_count; p++)
		walk->log_end[p] = walk->committed[p] = -1;
	for (size_t i = 0; i < values->count; i++) {
		const struct history_entry *e = &values->items[i];
		const struct history_group_series *s;

		while (next < walk->series_count && walk->ids[next] < e->db_id)
			next++;
		if (next == walk->series_count)
			break;
		if (walk->ids[next] != e->db_id)
			continue;
		s = &walk->series[next];
		if (s->committed)
			walk->committed[s->partition] = e->value;
		else
			walk->log_end[s->partition] = e->value;
	}
	for (size_t p = 0; p < walk->partition_count; p++) {
		int64_t behind;

		if (walk->committed[p] < 0 || walk->log_end[p] < 0)
			continue;
		known = true;
		behind = walk->log_end[p] > walk->committed[p] ? walk->log_end[p] - walk->committed[p]
		                                               : 0;
		lag = behind > INT64_MAX - lag ? INT64_MAX : lag + behind;
	}
	if (!known)
		return 0;
	if (walk->point_count > 0 && walk->points[walk->point_count - 1].time_ms == at_ms) {
		/* Two frames of one cycle (a writer restarted in it): the later stands, so that
		 * times only grow. */
		walk->points[walk->point_count - 1].lag = lag;
		return 0;
	}
	if (!history_reserve((void **)&walk->points, &walk->point_capacity, walk->point_count + 1,
	                     sizeof *walk->points))
		return -1;
	walk->points[walk->point_count++] = (struct history_point){ .time_ms = at_ms, .lag = lag };
	return 0;
}

/* The one integer SELECT (bound by the caller) gives into *VALUE, left as it is when
 * there is no row or it is NULL. Resets SELECT; returns 0, or -1 with *err set. */
static int
history_select_int(struct store *store, sqlite3_stmt *select, const char *cluster,
                   int64_t *value, char **err)
{
	int rc = sqlite3_step(select);

	if (rc == SQLITE_ROW && sqlite3_column_type(select, 0) != SQLITE_NULL)
		*value = sqlite3_column_int64(select, 0);
	sqlite3_reset(select);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(store, err, "reading cluster %s's lag history", cluster);
	return 0;
}

/* Walk the frames of CLUSTER_ID from SINCE_MS on for WALK's series, from the whole key
 * frame they rest on. */
static int
history_group_walk_frames(struct store *store, const char *cluster, int64_t cluster_id,
                          struct history_group_walk *walk, char **err)
{
	struct history_chain chain = { .wanted = walk->ids, .wanted_count = walk->series_count };
	sqlite3_stmt *start = store_statement(store, sql_group_start, err);
	sqlite3_stmt *frames;
	int64_t start_ms = INT64_MIN;       /* no whole key frame that early: from the oldest */
	int status;

	if (start == NULL)
		return -1;
	sqlite3_bind_int64(start, 1, cluster_id);
	sqlite3_bind_int64(start, 2, walk->since_ms);
	if (history_select_int(store, start, cluster, &start_ms, err) < 0)
		return -1;
	frames = store_statement(store, sql_group_frames, err);
	if (frames == NULL)
		return -1;
	sqlite3_bind_int64(frames, 1, cluster_id);
	sqlite3_bind_int64(frames, 2, start_ms);
	sqlite3_bind_int64(frames, 3, walk->since_ms);
	status = history_walk(store, frames, &chain, cluster, history_group_frame, walk, err);
	history_chain_free(&chain);
	return status;
}

int
history_group_lag(struct store *store, const char *cluster, const char *group, int64_t since_ms,
                  struct history_point **points, size_t *count, char **err)
{
	struct history_group_walk walk = { .since_ms = since_ms };
	sqlite3_stmt *select;
	int64_t cluster_id = 0;
	int status = -1;

	*err = NULL;
	*points = NULL;
	*count = 0;
	/* One read transaction: the series and the frames of the same writes. */
	if (store_exec(store, "BEGIN", err) < 0)
		return -1;
	select = store_statement(store, sql_group_cluster, err);
	if (select == NULL)
		goto done;
	sqlite3_bind_text(select, 1, cluster, -1, SQLITE_STATIC);
	if (history_select_int(store, select, cluster, &cluster_id, err) < 0)
		goto done;
	status = 0;
	if (cluster_id == 0)
		goto done;                      /* no such cluster: no points */
	if (history_group_series_read(store, cluster, cluster_id, group, &walk, err) < 0 ||
	    (walk.series_count > 0 &&
	     history_group_walk_frames(store, cluster, cluster_id, &walk, err) < 0))
		status = -1;
done:
	store_rollback(store);
	if (status == 0) {
		*points = walk.points;
		*count = walk.point_count;
		walk.points = NULL;
	}
	free(walk.points);
	free(walk.ids);
	free(walk.series);
	free(walk.log_end);
	free(walk.committed);
	return status;
}
