/* Concurrency of the catalog: a writer process writes generation after generation of one
 * cluster while this process reads in a loop, each read inside one read transaction, and
 * every read must see one whole generation, never a mix of two.
 *
 * Generation G has a shape only G has: TOPICS(G) topics of PARTITIONS(G) partitions whose
 * high watermarks are all G, GROUPS(G) groups each committed at G on every partition of
 * the first topic, and the history holds exactly the samples of generations 1..G. A read
 * that saw part of G and part of G+1 breaks one of these. Bounded to a few seconds. */
#include "config.h"

#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "kfleet/monotonic.h"
#include "kfleet/snapshot.h"
#include "tests/unit/catalog_test.h"

#define MAX_TOPICS 7
#define MAX_PARTITIONS 5
#define MAX_GROUPS 3
#define TOPICS(g) (1 + (g) % MAX_TOPICS)
#define PARTITIONS(g) (1 + (g) % MAX_PARTITIONS)
#define GROUPS(g) (1 + (g) % MAX_GROUPS)
/* Lag samples generation G appends: one per partition, one per committed offset. */

#define WRITER_GENERATIONS 400
#define WRITER_SECONDS 3.0
#define READER_GIVE_UP_SECONDS 30.0

static const char *const topic_names[MAX_TOPICS] = {
	"orders", "payments", "refunds", "invoices", "shipments", "returns", "audit",
};
static const char *const group_names[MAX_GROUPS] = { "order-service", "billing", "reporting" };

/* The whole of generation G, in the caller's arrays. */
struct generation {
	int32_t replicas[1];
	struct snapshot_partition partitions[MAX_PARTITIONS];
	struct snapshot_topic topics[MAX_TOPICS];
	struct snapshot_offset offsets[MAX_PARTITIONS];
	struct snapshot_group groups[MAX_GROUPS];
	struct snapshot snapshot;
};

static void
generation_fill(struct generation *gen, long long g)
{
	memset(gen, 0, sizeof *gen);
	gen->replicas[0] = 1;
	for (int p = 0; p < PARTITIONS(g); p++) {
		gen->partitions[p] = (struct snapshot_partition){
			.partition = p, .leader_id = 1, .replicas = gen->replicas, .replica_count = 1,
			.isr = gen->replicas, .isr_count = 1, .low_watermark = 0, .high_watermark = g,
		};
		gen->offsets[p] = (struct snapshot_offset){
			.topic = topic_names[0], .partition = p, .committed_offset = g,
		};
	}
	for (int t = 0; t < TOPICS(g); t++)
		gen->topics[t] = (struct snapshot_topic){
			.name = topic_names[t], .replication_factor = 1, .partitions = gen->partitions,
			.partition_count = (size_t)PARTITIONS(g),
		};
	for (int i = 0; i < GROUPS(g); i++)
		gen->groups[i] = (struct snapshot_group){
			.name = group_names[i], .state = "Stable", .coordinator_id = 1,
			.offsets = gen->offsets, .offset_count = (size_t)PARTITIONS(g),
		};
	gen->snapshot = (struct snapshot){
		.cluster = "prod-eu", .controller_id = 1, .collected_at_ms = 1764000000000LL + g,
		.topics = gen->topics, .topic_count = (size_t)TOPICS(g),
		.groups = gen->groups, .group_count = (size_t)GROUPS(g),
	};
}

/* The writer process: generations 1, 2, ... until its count or time is up. */
static int
writer_run(const char *path)
{
	char *err = NULL;
	struct store *store = store_open(path, &err);
	struct generation gen;
	double deadline = monotonic_seconds() + WRITER_SECONDS;

	if (store == NULL) {
		fprintf(stderr, "# writer: %s\n", err);
		return 1;
	}
	for (long long g = 1; g <= WRITER_GENERATIONS && monotonic_seconds() < deadline; g++) {
		generation_fill(&gen, g);
		if (snapshot_write(store, &gen.snapshot, NULL, &err) != 0) {
			fprintf(stderr, "# writer, generation %lld: %s\n", g, err);
			free(err);
			store_close(store);
			return 1;
		}
	}
	store_close(store);
	return 0;
}

/* One query of a read and the value generation G must give it. */
struct shape_check {
	const char *sql;
	long long (*expected)(long long g);
};

static long long
expect_topics(long long g)
{
	return TOPICS(g);
}

static long long
expect_partitions(long long g)
{
	return TOPICS(g) * PARTITIONS(g);
}

static long long
expect_groups(long long g)
{
	return GROUPS(g);
}

static long long
expect_offsets(long long g)
{
	return GROUPS(g) * PARTITIONS(g);
}

static long long
expect_generation(long long g)
{
	return g;
}

static const struct shape_check shape_checks[] = {
	{ "SELECT count(*) FROM topics", expect_topics },
	{ "SELECT count(*) FROM partitions", expect_partitions },
	{ "SELECT IFNULL(min(high_watermark), 0) FROM partitions", expect_generation },
	{ "SELECT IFNULL(max(high_watermark), 0) FROM partitions", expect_generation },
	{ "SELECT count(*) FROM consumer_groups", expect_groups },
	{ "SELECT count(*) FROM committed_offsets", expect_offsets },
	{ "SELECT IFNULL(min(committed_offset), 0) FROM committed_offsets", expect_generation },
	{ "SELECT IFNULL(max(committed_offset), 0) FROM committed_offsets", expect_generation },
};

/* One read transaction: which generation it saw (*GENERATION), and a message naming the
 * first query that does not fit that generation (caller frees), or NULL. */
static char *
read_once(struct store *store, long long *generation)
{
	char *err = NULL;
	char *mismatch = NULL;

	if (store_exec(store, "BEGIN", &err) < 0)
		return err;
	*generation = catalog_test_int(store, "SELECT IFNULL(max(generation), 0) FROM clusters");
	for (size_t i = 0; i < sizeof shape_checks / sizeof shape_checks[0] && mismatch == NULL; i++) {
		const struct shape_check *c = &shape_checks[i];
		long long expected = *generation > 0 ? c->expected(*generation) : 0;
		long long seen = catalog_test_int(store, c->sql);

		if (seen != expected)
			mismatch = strfmt("generation %lld: %s gave %lld, expected %lld",
			                         *generation, c->sql, seen, expected);
	}
	if (store_exec(store, "COMMIT", &err) < 0 && mismatch == NULL)
		return err;
	free(err);
	return mismatch;
}

static void
test_readers_see_whole_generations(void **state)
{
	char *dir = catalog_test_make_dir();
	char *path = catalog_test_path(dir, "catalog.db");
	struct store *store = catalog_test_open(path);
	double give_up = monotonic_seconds() + READER_GIVE_UP_SECONDS;
	long long reads = 0, generations_seen = 0, last_seen = -1;
	char *mismatch = NULL;
	int status = 0;
	pid_t writer;

	(void)state;
	/* No connection crosses the fork: the writer opens its own, this one reopens. */
	store_close(store);
	fflush(NULL);
	writer = fork();
	assert_true(writer >= 0);
	if (writer == 0)
		_exit(writer_run(path));
	store = catalog_test_open(path);
	for (;;) {
		long long generation = 0;

		/* Checked before the read, so the last read comes after the last write. */
		if (waitpid(writer, &status, WNOHANG) == writer)
			writer = 0;
		mismatch = read_once(store, &generation);
		reads++;
		if (generation != last_seen) {
			generations_seen++;
			last_seen = generation;
		}
		if (mismatch != NULL || writer == 0)
			break;
		if (monotonic_seconds() > give_up) {
			mismatch = strfmt("the writer did not finish in %.0f s",
			                         READER_GIVE_UP_SECONDS);
			break;
		}
	}
	if (writer != 0) {
		kill(writer, SIGKILL);
		waitpid(writer, &status, 0);
	}
	print_message("# %lld reads saw %lld different generations, the last %lld\n", reads,
	              generations_seen, last_seen);
	store_close(store);
	catalog_test_remove_dir(dir);
	free(path);
	free(dir);
	if (mismatch != NULL)
		fail_msg("%s", mismatch);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* The reads overlapped the writes, or the test proved nothing. */
	assert_true(generations_seen >= 3);
}

#define OPENERS 8
#define OPEN_ROUNDS 25

/* OPENERS processes open one new catalog file at the same instant (as two agents and the
 * TUI started together do), OPEN_ROUNDS times: every open must succeed, none may see the
 * file locked while another one switches it to WAL or creates its schema. */
static void
test_new_catalog_opened_at_once(void **state)
{
	char *dir = catalog_test_make_dir();
	int failed = 0;

	(void)state;
	for (int round = 0; round < OPEN_ROUNDS && failed == 0; round++) {
		char name[32];
		char *path;
		int go[2];
		pid_t openers[OPENERS];

		snprintf(name, sizeof name, "new-%d.db", round);
		path = catalog_test_path(dir, name);
		assert_int_equal(pipe(go), 0);
		fflush(NULL);
		for (int i = 0; i < OPENERS; i++) {
			openers[i] = fork();
			assert_true(openers[i] >= 0);
			if (openers[i] == 0) {
				char byte, *err = NULL;
				struct store *store;

				close(go[1]);
				/* All wait on the pipe, and start when it is closed. */
				if (read(go[0], &byte, 1) < 0)
					_exit(3);
				store = store_open(path, &err);
				if (store == NULL) {
					fprintf(stderr, "# round %d: %s\n", round, err);
					_exit(1);
				}
				store_close(store);
				_exit(0);
			}
		}
		close(go[0]);
		close(go[1]);
		for (int i = 0; i < OPENERS; i++) {
			int status = 0;

			waitpid(openers[i], &status, 0);
			failed += !WIFEXITED(status) || WEXITSTATUS(status) != 0;
		}
		free(path);
	}
	catalog_test_remove_dir(dir);
	free(dir);
	assert_int_equal(failed, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_readers_see_whole_generations),
		cmocka_unit_test(test_new_catalog_opened_at_once),
	};

	return cmocka_run_group_tests_name("store concurrency", tests, NULL, NULL);
}
