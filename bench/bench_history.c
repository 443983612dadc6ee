/* bench_history: what a week of lag history costs, simulated.
 *   bench/bench_history [-d DAYS] [-i INTERVAL_S] [-p PARTITIONS] [-q QUIET_PERCENT] [CATALOG]
 * A cluster of PARTITIONS partitions (default 10,000: 1,000 topics x 10), one consumer
 * group per topic, collected every INTERVAL_S seconds (default 30) for DAYS days
 * (default 7) on a simulated clock, through the agent's own history writer. QUIET_PERCENT
 * of the topics (default 50) receive nothing most of the time; the others 1 to 100
 * messages a second, their groups keep up within a few seconds, and one group in 50
 * falls hours behind. Prints the catalog's size and its lag history's share, the frames
 * kept per tier, the mean time per cycle, what the writer holds in memory, how long an
 * agent takes to read the history back, and how long one group's lag series takes to
 * read (what a group's screen in the terminal UI waits for). CATALOG defaults to a new
 * file in a temporary directory, removed afterwards. */
#include "config.h"

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "kfleet/history.h"
#include "kfleet/monotonic.h"
#include "kfleet/snapshot.h"
#include "kfleet/store.h"

#define BENCH_PARTITIONS_PER_TOPIC 10
#define BENCH_START_MS INT64_C(1764000000000)
#define BENCH_DAY_MS INT64_C(86400000)

struct bench {
	size_t topic_count;
	struct snapshot_topic *topics;
	struct snapshot_partition *partitions;
	struct snapshot_group *groups;
	struct snapshot_offset *offsets;
	char **names;
	int64_t *rate;                  /* messages per second per partition, by topic */
	struct snapshot snapshot;
};

static void *
bench_calloc(size_t count, size_t size)
{
	void *p = calloc(count, size);

	if (p == NULL) {
		fprintf(stderr, "bench_history: out of memory\n");
		exit(1);
	}
	return p;
}

static void
bench_build(struct bench *b, size_t partition_count, int quiet_percent)
{
	static const int32_t replicas[] = { 1, 2, 3 };

	b->topic_count = partition_count / BENCH_PARTITIONS_PER_TOPIC;
	b->topics = bench_calloc(b->topic_count, sizeof *b->topics);
	b->partitions = bench_calloc(partition_count, sizeof *b->partitions);
	b->groups = bench_calloc(b->topic_count, sizeof *b->groups);
	b->offsets = bench_calloc(partition_count, sizeof *b->offsets);
	b->names = bench_calloc(2 * b->topic_count, sizeof *b->names);
	b->rate = bench_calloc(b->topic_count, sizeof *b->rate);
	srand(42);
	for (size_t t = 0; t < b->topic_count; t++) {
		char name[64];

		snprintf(name, sizeof name, "orders.events-%05zu", t);
		b->names[2 * t] = strdup(name);
		snprintf(name, sizeof name, "orders-consumer-%05zu", t);
		b->names[2 * t + 1] = strdup(name);
		b->rate[t] = (int)(t % 100) < quiet_percent ? 0 : 1 + rand() % 100;
		for (size_t p = 0; p < BENCH_PARTITIONS_PER_TOPIC; p++) {
			size_t i = t * BENCH_PARTITIONS_PER_TOPIC + p;

			b->partitions[i] = (struct snapshot_partition){
				.partition = (int32_t)p, .leader_id = 1, .replicas = replicas,
				.replica_count = 3, .isr = replicas, .isr_count = 3, .low_watermark = 0,
				.high_watermark = 1000000000 + rand() % 1000000,
			};
			b->offsets[i] = (struct snapshot_offset){
				.topic = b->names[2 * t], .partition = (int32_t)p,
				.committed_offset = b->partitions[i].high_watermark,
			};
		}
		b->topics[t] = (struct snapshot_topic){
			.name = b->names[2 * t], .replication_factor = 3,
			.partitions = &b->partitions[t * BENCH_PARTITIONS_PER_TOPIC],
			.partition_count = BENCH_PARTITIONS_PER_TOPIC,
		};
		b->groups[t] = (struct snapshot_group){
			.name = b->names[2 * t + 1], .state = "Stable", .coordinator_id = 1,
			.offsets = &b->offsets[t * BENCH_PARTITIONS_PER_TOPIC],
			.offset_count = BENCH_PARTITIONS_PER_TOPIC,
		};
	}
	b->snapshot = (struct snapshot){
		.cluster = "bench", .controller_id = 1, .topics = b->topics,
		.topic_count = b->topic_count, .groups = b->groups, .group_count = b->topic_count,
	};
}

/* Move the fleet on by INTERVAL_S seconds: quiet topics get a message now and then,
 * busy ones their rate; groups follow, one in 50 only at a tenth of the rate. */
static void
bench_advance(struct bench *b, int interval_s)
{
	for (size_t t = 0; t < b->topic_count; t++) {
		for (size_t p = 0; p < BENCH_PARTITIONS_PER_TOPIC; p++) {
			size_t i = t * BENCH_PARTITIONS_PER_TOPIC + p;
			int64_t produced = b->rate[t] != 0 ? b->rate[t] * interval_s
			                                   : (rand() % 1000 == 0 ? 1 : 0);

			b->partitions[i].high_watermark += produced;
			if (t % 50 == 7)
				b->offsets[i].committed_offset += produced / 10;
			else
				b->offsets[i].committed_offset =
					b->partitions[i].high_watermark - (b->rate[t] != 0 ? rand() % 50 : 0);
		}
	}
}

static long long
bench_file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

/* Print LABEL and the one value SQL gives on the catalog at PATH. */
static void
bench_print_sql(const char *path, const char *label, const char *sql)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *statement = NULL;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, sql, -1, &statement, NULL) == SQLITE_OK &&
	    sqlite3_step(statement) == SQLITE_ROW)
		printf("%s: %s\n", label, (const char *)sqlite3_column_text(statement, 0));
	else
		printf("%s: %s\n", label, db != NULL ? sqlite3_errmsg(db) : "cannot open");
	sqlite3_finalize(statement);
	sqlite3_close(db);
}

/* Time history_group_lag on STORE for three groups (the first, one that falls behind,
 * the last) over the whole run, its last day and its last hour, up to END_MS. */
static void
bench_group_lag(struct store *store, const struct bench *b, int days, int64_t end_ms)
{
	static const struct bench_span {
		const char *label;
		int64_t span_ms;                /* 0: the whole run */
	} spans[] = {
		{ .label = "the whole run", .span_ms = 0 },
		{ .label = "the last day", .span_ms = BENCH_DAY_MS },
		{ .label = "the last hour", .span_ms = BENCH_DAY_MS / 24 },
	};
	const size_t groups[] = { 0, 7, b->topic_count - 1 };   /* topic 7 falls behind */
	const int runs = 5;

	for (size_t s = 0; s < sizeof spans / sizeof spans[0]; s++) {
		int64_t since = spans[s].span_ms != 0 ? end_ms - spans[s].span_ms
		                                      : end_ms - days * BENCH_DAY_MS;
		double total = 0, slowest = 0;
		size_t points = 0;

		for (size_t g = 0; g < sizeof groups / sizeof groups[0]; g++) {
			const char *group = b->groups[groups[g] < b->topic_count ? groups[g] : 0].name;

			for (int run = 0; run < runs; run++) {
				struct history_point *series = NULL;
				size_t count = 0;
				char *err = NULL;
				double started = monotonic_seconds(), took;

				if (history_group_lag(store, "bench", group, since, &series, &count,
				                      &err) < 0) {
					fprintf(stderr, "bench_history: %s\n", err);
					free(err);
					return;
				}
				took = monotonic_seconds() - started;
				total += took;
				if (took > slowest)
					slowest = took;
				points = count;
				free(series);
			}
		}
		printf("one group's lag over %s (history_group_lag): %.1f ms mean, %.1f ms max, "
		       "%zu points\n", spans[s].label,
		       total * 1000.0 / (double)(runs * (int)(sizeof groups / sizeof groups[0])),
		       slowest * 1000.0, points);
	}
}

int
main(int argc, char **argv)
{
	int days = 7, interval_s = 30, quiet_percent = 50, opt;
	size_t partitions = 10000;
	char dir[] = "/tmp/kfleet-bench-history.XXXXXX", path[512];
	const char *catalog;
	struct history_policy policy = { .keep_ms = 7 * BENCH_DAY_MS };
	struct bench bench = { 0 };
	struct history *history;
	struct store *store;
	char *err = NULL;
	size_t series, points, cycles = 0;
	int64_t last_at = BENCH_START_MS;
	double started, elapsed;
	bool own_dir = false;

	while ((opt = getopt(argc, argv, "d:i:p:q:")) != -1) {
		if (opt == 'd')
			days = atoi(optarg);
		else if (opt == 'i')
			interval_s = atoi(optarg);
		else if (opt == 'p')
			partitions = (size_t)atol(optarg);
		else if (opt == 'q')
			quiet_percent = atoi(optarg);
		else
			goto usage;
	}
	if (days < 1 || interval_s < 1 || partitions < BENCH_PARTITIONS_PER_TOPIC ||
	    quiet_percent < 0 || quiet_percent > 100 || argc - optind > 1)
		goto usage;
	if (optind < argc) {
		catalog = argv[optind];
	} else {
		if (mkdtemp(dir) == NULL) {
			perror("bench_history: mkdtemp");
			return 1;
		}
		snprintf(path, sizeof path, "%s/catalog.db", dir);
		catalog = path;
		own_dir = true;
	}
	store = store_open(catalog, &err);
	if (store == NULL) {
		fprintf(stderr, "bench_history: %s\n", err);
		return 1;
	}
	history = history_open(store, "bench", &policy, &err);
	if (history == NULL) {
		fprintf(stderr, "bench_history: %s\n", err);
		return 1;
	}
	bench_build(&bench, partitions, quiet_percent);
	printf("# %zu partitions (%zu topics, %zu groups, %d%% quiet), a cycle every %d s for "
	       "%d days\n", bench.topic_count * BENCH_PARTITIONS_PER_TOPIC, bench.topic_count,
	       bench.topic_count, quiet_percent, interval_s, days);
	started = monotonic_seconds();
	for (int64_t at = BENCH_START_MS; at < BENCH_START_MS + days * BENCH_DAY_MS;
	     at += interval_s * INT64_C(1000)) {
		bench_advance(&bench, interval_s);
		bench.snapshot.collected_at_ms = at;
		if (history_record(history, store, &bench.snapshot, &err) < 0) {
			fprintf(stderr, "bench_history: %s\n", err);
			return 1;
		}
		cycles++;
		last_at = at;
	}
	elapsed = monotonic_seconds() - started;
	history_memory(history, &series, &points);
	printf("cycles: %zu, %.2f ms per cycle (history only: frame, thinning, evaluation)\n",
	       cycles, elapsed * 1000.0 / (double)cycles);
	bench_print_sql(catalog, "frames kept (tier 2 = 10 min, 1 = minute, 0 = every cycle)",
	                "SELECT group_concat(tier || ': ' || n, ', ') FROM (SELECT tier, count(*) AS n"
	                " FROM lag_frames GROUP BY tier ORDER BY tier DESC)");
	bench_print_sql(catalog, "lag history bytes (frame data)",
	                "SELECT sum(length(data)) FROM lag_frames");
	bench_print_sql(catalog, "bytes per key frame / delta frame",
	                "SELECT (SELECT avg(length(data)) FROM lag_frames WHERE key_frame_id IS NULL)"
	                " || ' / ' || (SELECT avg(length(data)) FROM lag_frames"
	                " WHERE key_frame_id IS NOT NULL)");
	printf("writer memory: %zu series, %zu points and samples\n", series, points);
	history_free(history);
	store_close(store);
	store = store_open(catalog, &err);
	if (store != NULL) {
		started = monotonic_seconds();
		history = history_open(store, "bench", &policy, &err);
		printf("reading the history back (an agent starting): %.2f s\n", monotonic_seconds() - started);
		history_free(history);
		bench_group_lag(store, &bench, days, last_at);
		store_close(store);
	}
	printf("catalog file: %.1f MiB\n", (double)bench_file_size(catalog) / 1048576.0);
	if (own_dir) {
		char wal[600];

		snprintf(wal, sizeof wal, "%s-wal", catalog);
		unlink(wal);
		snprintf(wal, sizeof wal, "%s-shm", catalog);
		unlink(wal);
		unlink(catalog);
		rmdir(dir);
	}
	return 0;
usage:
	fprintf(stderr, "usage: bench/bench_history [-d DAYS] [-i INTERVAL_S] [-p PARTITIONS] "
	        "[-q QUIET_PERCENT] [CATALOG]\n");
	return 2;
}
