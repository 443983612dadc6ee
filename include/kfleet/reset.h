/* reset: the offset-reset engine: plan, check, apply. `kfleet offsets reset`, `kfleet
 * offsets undo`, `kfleet app reset` and the TUI's reset dialog all go through it.
 *
 * A plan is built from what the cluster says now (the groups' states and members, their
 * committed offsets, every partition's log start and end, the broker's time index), so
 * that printing it shows exactly what applying it would do. Targets outside the
 * partition's [log start, log end] are clamped and the row says so. Apply re-checks that
 * each group is still inactive right before it writes, since a consumer may have started
 * since the plan was printed. The audit log is the caller's (kfleet/audit.h): the engine
 * knows no catalog. */
#ifndef KFLEET_RESET_H
#define KFLEET_RESET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kfleet/cluster_config.h"

/* A connection to one cluster, for planning and applying. */
struct reset_client;

/* Connect to the cluster CONFIG describes (its kafka.* settings: SASL and TLS as the
 * agent uses them). NULL with *err set (caller frees) on a bad setting. */
struct reset_client *reset_client_new(const struct cluster_config *config, char **err);
void reset_client_free(struct reset_client *client);

enum reset_mode {
	RESET_TO_EARLIEST,
	RESET_TO_LATEST,
	RESET_TO_CURRENT,
	RESET_TO_OFFSET,                /* value: the offset */
	RESET_SHIFT_BY,                 /* value: added to the committed offset (may be < 0) */
	RESET_TO_TIME,                  /* value: ms since the epoch (--to-datetime, --by-duration) */
	RESET_EXPLICIT,                 /* the offsets of request->explicit_rows (--from-file, undo) */
};

/* What the engine's functions return; the CLI's exit statuses follow (0, 1, 2, 3). */
enum reset_status {
	RESET_OK = 0,
	RESET_FAILED = 1,               /* the cluster could not be asked or did not answer */
	RESET_BAD_INPUT = 2,            /* a topic or partition that does not exist, ... */
	RESET_REFUSED = 3,              /* a group has active members */
};

/* A topic in scope: all its partitions (PARTITION_COUNT 0) or those listed. */
struct reset_topic {
	const char *topic;
	const int32_t *partitions;
	size_t partition_count;
};

/* One offset of an explicit plan. GROUP NULL: every group of the request. */
struct reset_explicit {
	const char *group;
	const char *topic;
	int32_t partition;
	int64_t offset;
};

struct reset_request {
	enum reset_mode mode;
	int64_t value;
	/* groups: those named, or every group of the cluster */
	const char *const *groups;
	size_t group_count;
	bool all_groups;
	/* partitions: those named, or every one the group has a committed offset on; an
	 * explicit plan names its own */
	const struct reset_topic *topics;
	size_t topic_count;
	bool all_topics;
	const struct reset_explicit *explicit_rows;
	size_t explicit_count;
	/* leave out the group's Kafka Streams internal topics (reset_is_streams_internal) */
	bool skip_streams_internal;
	int timeout_ms;                 /* per request to the cluster; 0: 30 s */
};

/* What apply knows of a row once the broker has answered (or not). */
enum reset_row_state {
	RESET_ROW_PLANNED,              /* not sent (not applied yet, or its group was not) */
	RESET_ROW_WRITTEN,              /* the broker has the new offset */
	RESET_ROW_NOT_WRITTEN,          /* the broker refused it, or still has the offset before */
	RESET_ROW_UNKNOWN,              /* no clear answer, and it could not be read back */
};

/* One partition of a group's plan. */
struct reset_row {
	char *topic;
	int32_t partition;
	int64_t current;                /* the committed offset now; -1: none */
	int64_t log_start, log_end;
	int64_t requested;              /* what the mode asked for */
	int64_t target;                 /* the new offset: REQUESTED clamped to the log */
	char *note;                     /* why TARGET differs from REQUESTED, or NULL */
	enum reset_row_state state;     /* after apply */
	char *error;                    /* after apply: NULL written; else why not, in words
	                                 * ("unknown whether written: ..." when UNKNOWN) */
};

struct reset_member {
	char *member_id, *client_id, *host;
};

struct reset_group {
	char *group;
	char *state;                    /* Kafka's: Empty, Dead, Stable, ... */
	struct reset_member *members;
	size_t member_count;
	struct reset_row *rows;
	size_t row_count;
	bool applied;                   /* apply sent its commit (rows may still carry errors) */
};

struct reset_plan {
	struct reset_group *groups;
	size_t group_count;
};

/* Build the plan of REQUEST against CLIENT's cluster. Returns RESET_OK and *PLAN (caller
 * frees), or another status with *ERR set to one line (caller frees). */
enum reset_status reset_plan_build(struct reset_client *client, const struct reset_request *request,
                                   struct reset_plan **plan, char **err);

/* Whether every group of PLAN may be reset now: RESET_OK, or RESET_REFUSED with *ERR
 * naming each active group, its state and its members ("orders-app is Stable with 2
 * members: app-1@/10.0.0.7, app-2@/10.0.0.8; stop them first"). */
enum reset_status reset_plan_check(const struct reset_plan *plan, char **err);

/* What the read back of a partition whose commit had no clear answer says: WRITTEN when
 * the group's offset COMMITTED (-1: none) is the row's TARGET, NOT_WRITTEN when it is
 * still CURRENT (the offset before, -1: none), UNKNOWN otherwise (another client moved it). */
enum reset_row_state reset_read_back_state(int64_t current, int64_t target, int64_t committed);

/* Called by reset_plan_apply for each group it sent a commit for, as soon as the state
 * of every row of the group is known, so that the caller can record it at once. */
typedef void reset_applied_fn(const struct reset_group *group, void *opaque);

/* Write PLAN: each group is described again first and refused (RESET_REFUSED, nothing
 * written for it) if it has become active, or not written if its state cannot be read;
 * then the offsets of every group are committed, one request per group, all at once.
 * A commit whose answer does not say whether it was applied (no answer in time, the
 * connection lost, the coordinator moving) is read back from the broker: each row ends
 * WRITTEN, NOT_WRITTEN or, when it cannot be read back either, UNKNOWN, with its error
 * in words. Every request waits at most TIMEOUT_MS (0: 30 s), so a dead coordinator
 * costs at most three of them. APPLIED (may be NULL) gets each group sent. Returns
 * RESET_OK when every row was written, RESET_REFUSED when a group was refused,
 * RESET_FAILED otherwise, with *ERR summing up what was not written or is unknown. */
enum reset_status reset_plan_apply(struct reset_client *client, struct reset_plan *plan,
                                   int timeout_ms, reset_applied_fn *applied, void *opaque,
                                   char **err);

void reset_plan_free(struct reset_plan *plan);

/* Whether TOPIC is an internal topic of the Kafka Streams application whose
 * application.id (and group id) is GROUP: GROUP-...-changelog or GROUP-...-repartition,
 * the topics kafka-streams-application-reset deletes. */
bool reset_is_streams_internal(const char *group, const char *topic);

/* The internal topics of Streams application GROUP on CLIENT's cluster, sorted: a new
 * array of new strings in *NAMES (caller frees each and the array), *COUNT set. Returns
 * RESET_OK, or RESET_FAILED with *ERR set. */
enum reset_status reset_streams_topics(struct reset_client *client, const char *group,
                                       char ***names, size_t *count, char **err);

/* Delete the COUNT topics NAMES. Returns RESET_OK, or RESET_FAILED with *ERR naming each
 * topic that was not deleted and why. */
enum reset_status reset_delete_topics(struct reset_client *client, char *const *names,
                                      size_t count, int timeout_ms, char **err);

/* The mode as kafka-consumer-groups.sh spells it, e.g. "--to-earliest". */
const char *reset_mode_option(enum reset_mode mode);

#endif
