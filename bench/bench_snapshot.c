/* bench_snapshot: how long the agent's write of one generation takes for a large cluster.
 *   bench/bench_snapshot [-g GENERATIONS] [-t TOPICS] [-p PARTITIONS] [-G GROUPS] [-o]
 *                        [CATALOG]
 * Builds a snapshot of TOPICS (default 5,000) x PARTITIONS (default 10) with 10 configs
 * each, and GROUPS (default 2,000) groups of 5 members consuming 3 topics each (30
 * committed offsets per group with 10 partitions), writes it GENERATIONS times (default 5;
 * the watermarks and offsets move each time) into CATALOG (default: a new file in a
 * temporary directory, removed afterwards; a CATALOG given is kept, and an existing one
 * gets the generations after its own), and prints the wall time of each generation, the
 * median and the maximum, and the size of the catalog. -o first imports ownership (not
 * timed; it replaces any the catalog had): 50 teams and one service per group, named
 * after it and claiming it, so that the lists show owners. The terminal UI's benchmark
 * wants -t 10000 -p 10 -G 5000 -o CATALOG: 100,000 partitions, 5,000 owned groups. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kfleet/monotonic.h"
#include "kfleet/ownership.h"
#include "kfleet/snapshot.h"
#include "kfleet/store.h"

#define BENCH_BROKERS 3
#define BENCH_TOPICS 5000
#define BENCH_PARTITIONS 10
#define BENCH_CONFIGS 10
#define BENCH_GROUPS 2000
#define BENCH_MEMBERS 5
#define BENCH_TOPICS_PER_GROUP 3
#define BENCH_MAX_GENERATIONS 1000
#define BENCH_MAX_TOPICS 1000000
#define BENCH_MAX_PARTITIONS 10000
#define BENCH_MAX_GROUPS 1000000
#define BENCH_MAX_PARTITIONS_TOTAL 10000000   /* topics x partitions */
#define BENCH_TEAMS 50

static const char *const config_names[BENCH_CONFIGS] = {
	"retention.ms", "retention.bytes", "cleanup.policy", "segment.bytes", "segment.ms",
	"min.insync.replicas", "max.message.bytes", "compression.type",
	"message.timestamp.type", "unclean.leader.election.enable",
};
static const char *const config_values[BENCH_CONFIGS] = {
	"604800000", "-1", "delete", "1073741824", "604800000", "2", "1048588", "producer",
	"CreateTime", "false",
};

/* Everything the snapshot points to, owned here. */
struct bench {
	int topic_count, partition_count, group_count;    /* as chosen */
	int topics_per_group, offset_count;                /* per group */
	struct snapshot snapshot;
	struct snapshot_topic *topics;
	struct snapshot_partition *partitions;
	struct snapshot_config *configs;
	struct snapshot_group *groups;
	struct snapshot_member *members;
	struct snapshot_assignment *assignments;
	struct snapshot_offset *offsets;
	struct snapshot_broker brokers[BENCH_BROKERS];
	int32_t replicas[BENCH_BROKERS];
	char **names;               /* every string made, to free */
	size_t name_count;
};

static void *
bench_calloc(size_t count, size_t size)
{
	void *p = calloc(count, size);

	if (p == NULL) {
		fprintf(stderr, "bench_snapshot: out of memory\n");
		exit(1);
	}
	return p;
}

/* A new string from FMT (exits if out of memory; caller frees). */
static char * __attribute__((format(printf, 1, 2)))
bench_strdupf(const char *fmt, ...)
{
	va_list ap;
	char *out = NULL;
	int rc;

	va_start(ap, fmt);
	rc = vasprintf(&out, fmt, ap);
	va_end(ap);
	if (rc < 0) {
		fprintf(stderr, "bench_snapshot: out of memory\n");
		exit(1);
	}
	return out;
}

/* Keep NAME for bench_free, and hand it out. */
static const char *
bench_keep(struct bench *b, char *name)
{
	b->names[b->name_count++] = name;
	return name;
}

static void
bench_build_topics(struct bench *b)
{
	for (int t = 0; t < b->topic_count; t++) {
		struct snapshot_partition *partitions =
			&b->partitions[(size_t)t * (size_t)b->partition_count];
		struct snapshot_config *configs = &b->configs[(size_t)t * BENCH_CONFIGS];

		for (int p = 0; p < b->partition_count; p++)
			partitions[p] = (struct snapshot_partition){
				.partition = p, .leader_id = 1 + p % BENCH_BROKERS, .replicas = b->replicas,
				.replica_count = BENCH_BROKERS, .isr = b->replicas, .isr_count = BENCH_BROKERS,
			};
		for (int c = 0; c < BENCH_CONFIGS; c++)
			configs[c] = (struct snapshot_config){
				.name = config_names[c], .value = config_values[c],
				.source = c < 2 ? "DYNAMIC_TOPIC_CONFIG" : "DEFAULT_CONFIG",
				.is_default = c >= 2,
			};
		b->topics[t] = (struct snapshot_topic){
			.name = bench_keep(b, bench_strdupf("service-%04d.events", t)),
			.replication_factor = BENCH_BROKERS,
			.partitions = partitions, .partition_count = (size_t)b->partition_count,
			.configs = configs, .config_count = BENCH_CONFIGS,
		};
	}
}

/* Group G consumes topics 3G, 3G+1, 3G+2 (mod the topic count; fewer when there are
 * fewer topics); their partitions are shared among its 5 members and each has a committed
 * offset. */
static void
bench_build_groups(struct bench *b)
{
	for (int g = 0; g < b->group_count; g++) {
		struct snapshot_member *members = &b->members[(size_t)g * BENCH_MEMBERS];
		struct snapshot_assignment *assignments =
			&b->assignments[(size_t)g * (size_t)b->offset_count];
		struct snapshot_offset *offsets = &b->offsets[(size_t)g * (size_t)b->offset_count];

		for (int i = 0; i < b->offset_count; i++) {
			const char *topic =
				b->topics[((size_t)g * (size_t)b->topics_per_group +
				           (size_t)(i / b->partition_count)) % (size_t)b->topic_count].name;

			assignments[i] = (struct snapshot_assignment){ topic, i % b->partition_count };
			offsets[i] = (struct snapshot_offset){ .topic = topic,
				                               .partition = i % b->partition_count };
		}
		/* Member M gets the Mth fifth of them (6 each with 10 partitions). */
		for (int m = 0; m < BENCH_MEMBERS; m++) {
			int first = m * b->offset_count / BENCH_MEMBERS;
			int end = (m + 1) * b->offset_count / BENCH_MEMBERS;

			members[m] = (struct snapshot_member){
				.member_id = bench_keep(b, bench_strdupf("consumer-%07d", g * BENCH_MEMBERS + m)),
				.client_id = "consumer", .host = "/10.1.2.3",
				.assignments = &assignments[first], .assignment_count = (size_t)(end - first),
			};
		}
		b->groups[g] = (struct snapshot_group){
			.name = bench_keep(b, bench_strdupf("service-%04d", g)), .state = "Stable",
			.protocol_type = "consumer", .protocol = "range", .coordinator_id = 1 + g % BENCH_BROKERS,
			.members = members, .member_count = BENCH_MEMBERS,
			.offsets = offsets, .offset_count = (size_t)b->offset_count,
		};
	}
}

/* A snapshot of TOPICS x PARTITIONS and GROUPS. */
static void
bench_build(struct bench *b, int topics, int partitions, int groups)
{
	size_t topic_count = (size_t)topics, group_count = (size_t)groups;

	memset(b, 0, sizeof *b);
	b->topic_count = topics;
	b->partition_count = partitions;
	b->group_count = groups;
	b->topics_per_group = topics < BENCH_TOPICS_PER_GROUP ? topics : BENCH_TOPICS_PER_GROUP;
	b->offset_count = b->topics_per_group * partitions;
	b->topics = bench_calloc(topic_count, sizeof *b->topics);
	b->partitions = bench_calloc(topic_count * (size_t)partitions, sizeof *b->partitions);
	b->configs = bench_calloc(topic_count * BENCH_CONFIGS, sizeof *b->configs);
	b->groups = bench_calloc(group_count + 1, sizeof *b->groups);
	b->members = bench_calloc(group_count * BENCH_MEMBERS + 1, sizeof *b->members);
	b->assignments = bench_calloc(group_count * (size_t)b->offset_count + 1,
	                              sizeof *b->assignments);
	b->offsets = bench_calloc(group_count * (size_t)b->offset_count + 1, sizeof *b->offsets);
	b->names = bench_calloc(BENCH_BROKERS + topic_count + group_count * (1 + BENCH_MEMBERS),
	                        sizeof *b->names);
	for (int i = 0; i < BENCH_BROKERS; i++) {
		b->replicas[i] = i + 1;
		b->brokers[i] = (struct snapshot_broker){
			.node_id = i + 1, .host = bench_keep(b, bench_strdupf("broker-%d.example", i + 1)), .port = 9092,
		};
	}
	bench_build_topics(b);
	bench_build_groups(b);
	b->snapshot = (struct snapshot){
		.cluster = "bench", .kafka_cluster_id = "bench-cluster-id", .controller_id = 1,
		.brokers = b->brokers, .broker_count = BENCH_BROKERS,
		.topics = b->topics, .topic_count = topic_count,
		.groups = b->groups, .group_count = group_count,
	};
}

/* What moves between cycles: watermarks grow, groups commit, time passes. */
static void
bench_advance(struct bench *b, int generation)
{
	for (size_t i = 0; i < (size_t)b->topic_count * (size_t)b->partition_count; i++) {
		b->partitions[i].low_watermark = generation * 10;
		b->partitions[i].high_watermark = 1000 + generation * 100 + (int64_t)i % 7;
	}
	for (size_t i = 0; i < (size_t)b->group_count * (size_t)b->offset_count; i++)
		b->offsets[i].committed_offset = 1000 + generation * 95;
	b->snapshot.collected_at_ms = 1764000000000LL + generation * 30000LL;
}

static void
bench_free(struct bench *b)
{
	for (size_t i = 0; i < b->name_count; i++)
		free(b->names[i]);
	free(b->names);
	free(b->topics);
	free(b->partitions);
	free(b->configs);
	free(b->groups);
	free(b->members);
	free(b->assignments);
	free(b->offsets);
}

static int
compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Bytes of PATH plus its WAL. */
static long long
catalog_bytes(const char *path)
{
	char *wal = bench_strdupf("%s-wal", path);
	struct stat st;
	long long total = 0;

	if (stat(path, &st) == 0)
		total += st.st_size;
	if (stat(wal, &st) == 0)
		total += st.st_size;
	free(wal);
	return total;
}

/* Remove the catalog PATH made in DIR, with its WAL and shared-memory files. */
static void
remove_catalog(const char *dir, const char *path)
{
	static const char *const suffixes[] = { "", "-wal", "-shm" };

	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		char *file = bench_strdupf("%s%s", path, suffixes[i]);

		unlink(file);
		free(file);
	}
	rmdir(dir);
}

/* Write GENERATIONS generations of B into STORE; times in SECONDS. */
static int
bench_run(struct store *store, struct bench *b, int generations, double *seconds)
{
	for (int g = 0; g < generations; g++) {
		char *err = NULL;
		double start;

		bench_advance(b, g + 1);
		start = monotonic_seconds();
		if (snapshot_write(store, &b->snapshot, NULL, &err) != 0) {
			fprintf(stderr, "bench_snapshot: %s\n", err);
			free(err);
			return -1;
		}
		seconds[g] = monotonic_seconds() - start;
		printf("generation %d: %.3f s\n", g + 1, seconds[g]);
		fflush(stdout);
	}
	return 0;
}

/* Import ownership for B's groups into STORE: BENCH_TEAMS teams, and per group a service
 * of its name claiming it on every cluster, owned by team G mod BENCH_TEAMS. The YAML goes
 * through a temporary file, as kfleet catalog import reads it. */
static int
bench_import_ownership(struct store *store, const struct bench *b)
{
	char file[] = "/tmp/kfleet-bench-ownership-XXXXXX";
	const char *const files[] = { file };
	struct ownership_summary summary;
	char *err = NULL;
	int fd = mkstemp(file);
	FILE *out;
	double start;
	int rc;

	if (fd < 0 || (out = fdopen(fd, "w")) == NULL) {
		perror("bench_snapshot: ownership file");
		if (fd >= 0) {
			close(fd);
			unlink(file);
		}
		return -1;
	}
	for (int t = 0; t < BENCH_TEAMS; t++)
		fprintf(out, "apiVersion: backstage.io/v1alpha1\nkind: Group\n"
		        "metadata: {name: team-%02d}\n"
		        "spec: {type: team, profile: {email: team-%02d@example.com}, children: []}\n"
		        "---\n", t, t);
	for (int g = 0; g < b->group_count; g++)
		fprintf(out, "apiVersion: backstage.io/v1alpha1\nkind: Component\n"
		        "metadata:\n  name: %s\n"
		        "  annotations: {kfleet.io/consumer-groups: %s}\n"
		        "spec: {type: service, owner: group:team-%02d, lifecycle: production}\n"
		        "---\n", b->groups[g].name, b->groups[g].name, g % BENCH_TEAMS);
	if (fclose(out) != 0) {
		perror("bench_snapshot: ownership file");
		unlink(file);
		return -1;
	}
	start = monotonic_seconds();
	rc = ownership_import(store, files, 1, &summary, &err);
	unlink(file);
	if (rc != 0) {
		fprintf(stderr, "bench_snapshot: ownership: %s\n", err);
		free(err);
		return -1;
	}
	printf("ownership: %zu teams, %zu services (one per group), imported in %.3f s\n",
	       summary.teams, summary.services, monotonic_seconds() - start);
	return 0;
}

static void
usage(FILE *out)
{
	fprintf(out, "usage: bench_snapshot [-g GENERATIONS] [-t TOPICS] [-p PARTITIONS] "
	        "[-G GROUPS] [-o] [CATALOG]\n");
}

/* OPTARG of option OPT as a number from MIN to MAX into *VALUE; 0, or -1 with a message. */
static int
parse_count(int opt, const char *text, long min, long max, int *value)
{
	char *end;
	long number;

	errno = 0;
	number = strtol(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || number < min || number > max) {
		fprintf(stderr, "bench_snapshot: -%c takes %ld to %ld\n", opt, min, max);
		return -1;
	}
	*value = (int)number;
	return 0;
}

int
main(int argc, char **argv)
{
	char dir[] = "/tmp/kfleet-bench-XXXXXX";
	char *path;
	double seconds[BENCH_MAX_GENERATIONS];
	int generations = 5;
	int topics = BENCH_TOPICS, partitions = BENCH_PARTITIONS, groups = BENCH_GROUPS;
	int with_ownership = 0;
	int own_catalog = 0;
	struct bench b;
	struct store *store;
	char *err = NULL;
	int opt, rc;
	long long bytes;

	while ((opt = getopt(argc, argv, "g:t:p:G:oh")) != -1) {
		switch (opt) {
		case 'g':
			if (parse_count(opt, optarg, 1, BENCH_MAX_GENERATIONS, &generations) != 0)
				return 2;
			break;
		case 't':
			if (parse_count(opt, optarg, 1, BENCH_MAX_TOPICS, &topics) != 0)
				return 2;
			break;
		case 'p':
			if (parse_count(opt, optarg, 1, BENCH_MAX_PARTITIONS, &partitions) != 0)
				return 2;
			break;
		case 'G':
			if (parse_count(opt, optarg, 0, BENCH_MAX_GROUPS, &groups) != 0)
				return 2;
			break;
		case 'o':
			with_ownership = 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind > 1) {
		usage(stderr);
		return 2;
	}
	if ((long long)topics * partitions > BENCH_MAX_PARTITIONS_TOTAL) {
		fprintf(stderr, "bench_snapshot: -t x -p: at most %d partitions\n",
		        BENCH_MAX_PARTITIONS_TOTAL);
		return 2;
	}
	if (optind < argc) {
		path = bench_strdupf("%s", argv[optind]);
	} else {
		if (mkdtemp(dir) == NULL) {
			perror("bench_snapshot: mkdtemp");
			return 1;
		}
		path = bench_strdupf("%s/catalog.db", dir);
		own_catalog = 1;
	}

	bench_build(&b, topics, partitions, groups);
	printf("snapshot: %d topics x %d partitions, %d configs each; %d groups x %d members, "
	       "%d committed offsets each\n", b.topic_count, b.partition_count, BENCH_CONFIGS,
	       b.group_count, BENCH_MEMBERS, b.offset_count);
	store = store_open(path, &err);
	if (store == NULL) {
		fprintf(stderr, "bench_snapshot: %s\n", err);
		free(err);
		bench_free(&b);
		if (own_catalog)
			rmdir(dir);
		free(path);
		return 1;
	}
	rc = with_ownership ? bench_import_ownership(store, &b) : 0;
	if (rc == 0)
		rc = bench_run(store, &b, generations, seconds);
	bytes = catalog_bytes(path);
	store_close(store);
	bench_free(&b);
	if (rc == 0) {
		double max;

		qsort(seconds, (size_t)generations, sizeof seconds[0], compare_doubles);
		max = seconds[generations - 1];
		printf("median %.3f s, max %.3f s per generation over %d; catalog %s: %.1f MiB "
		       "(file + WAL)\n", seconds[generations / 2], max, generations, path,
		       bytes / 1048576.0);
	}
	if (own_catalog)
		remove_catalog(dir, path);
	free(path);
	return rc == 0 ? 0 : 1;
}
