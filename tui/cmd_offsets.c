/* cmd_offsets: kfleet offsets reset | history | undo — consumer-group offset resets that
 * are dry runs by default, refused while a group is active, and recorded in the catalog's
 * audit log so that each can be undone. The engine is kfleet/reset.h. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kfleet/audit.h"
#include "kfleet/cluster_config.h"
#include "kfleet/iso8601.h"
#include "kfleet/listing.h"
#include "kfleet/reset.h"
#include "kfleet/reset_file.h"
#include "kfleet/strfmt.h"
#include "tui/cli.h"
#include "tui/cmd_list.h"
#include "tui/cmd_offsets.h"
#include "tui/output.h"

#define OFFSETS_MAX_GROUPS 1024
#define OFFSETS_MAX_TOPICS 1024
#define OFFSETS_MAX_PARTITIONS 65536

/* The plan's rows as the listings print them. */
static const char *const plan_fields[] = {
	"group", "topic", "partition", "current_offset", "new_offset", "log_start_offset",
	"log_end_offset", "skipped", "replayed", "note", "error",
};

static const struct output_column plan_columns[] = {
	{ .field = "group", .heading = "GROUP", .shrinks = true },
	{ .field = "topic", .heading = "TOPIC", .shrinks = true },
	{ .field = "partition", .heading = "PARTITION", .right = true },
	{ .field = "current_offset", .heading = "CURRENT", .right = true },
	{ .field = "new_offset", .heading = "NEW", .right = true },
	{ .field = "log_start_offset", .heading = "LOG START", .right = true, .drop = 2 },
	{ .field = "log_end_offset", .heading = "LOG END", .right = true, .drop = 1 },
	{ .field = "skipped", .heading = "SKIPPED", .right = true },
	{ .field = "replayed", .heading = "REPLAYED", .right = true },
	{ .field = "note", .heading = "NOTE", .shrinks = true, .null_text = "" },
	{ .field = "error", .heading = "ERROR", .shrinks = true, .null_text = "", .drop = 3 },
};


static void
offsets_usage(FILE *out)
{
	fprintf(out,
	        "usage: kfleet offsets reset --cluster C (--group G ... | --all-groups)\n"
	        "                            (--topic T[:P,P..] ... | --all-topics) MODE\n"
	        "                            [--dry-run | --execute] [--export FILE.csv]\n"
	        "                            [--format table|json|csv] [--config FILE] [--catalog FILE]\n"
	        "       kfleet offsets history [--cluster C] [--group G] [--format table|json|csv]\n"
	        "       kfleet offsets undo RESET_ID [--dry-run | --execute] [--config FILE]\n"
	        "\n"
	        "MODE is one of\n"
	        "  --to-earliest | --to-latest | --to-current | --to-offset N | --shift-by N\n"
	        "  --to-datetime 2026-11-24T10:00:00Z | --by-duration PT30M | --from-file FILE.csv\n"
	        "\n"
	        "reset prints the plan (current and new offset of every partition, and how many\n"
	        "messages the group will skip or read again) and changes nothing unless --execute\n"
	        "is given. Targets outside a partition's log are clamped to it, and the row says so.\n"
	        "A group that is not Empty is refused (exit 3), also when it becomes active between\n"
	        "the plan and --execute. Every executed reset is recorded in the catalog's audit\n"
	        "log; history lists them and undo restores the offsets one of them replaced.\n"
	        "\n"
	        "  --cluster C        the cluster, by its config file (see kfleet-agent(8))\n"
	        "  --config FILE      the cluster's config file (default: found by the cluster name)\n"
	        "  --group G          a group to reset (repeatable)\n"
	        "  --all-groups       every group of the cluster\n"
	        "  --topic T[:P,..]   a topic, all its partitions or those listed (repeatable)\n"
	        "  --all-topics       every partition the group has a committed offset on\n"
	        "  --from-file FILE   offsets from the CSV of kafka-consumer-groups.sh --export\n"
	        "                     (topic,partition,offset; or group,topic,partition,offset)\n"
	        "  --export FILE      write the plan's new offsets in that CSV\n"
	        "  --execute          apply the plan (default: --dry-run, print it only)\n"
	        "  --format FORMAT    table (default), json or csv\n"
	        "  --catalog FILE     the catalog for the audit log (default: the config's\n"
	        "                     catalog, else $KFLEET_CATALOG, else %s)\n"
	        "  -h, --help         show this help and exit\n"
	        "\n"
	        "A commit without a clear answer (a broker down, the coordinator moving) is read\n"
	        "back: each partition is then written, not written, or 'unknown whether written'\n"
	        "when it cannot be read back; each group is recorded as soon as it is known.\n"
	        "Every request to the cluster waits at most 30 s.\n"
	        "\n"
	        "exit status: 0 done, 1 failed at run time (some partitions not written or unknown:\n"
	        "each row says why), 2 bad usage or input, 3 refused for safety.\n",
	        CLI_DEFAULT_CATALOG);
}

/* ---------------------------------------------------------------- the cluster and catalog */

/* The cluster's configuration: --config FILE, or the file of cluster NAME. */
static struct cluster_config *
offsets_config(const struct cli_command *command, const char *name, const char *path,
               int *status)
{
	char *found = NULL, *err = NULL;
	struct cluster_config *config;

	if (path == NULL) {
		found = cluster_config_find(name, &err);
		if (found == NULL) {
			fprintf(stderr, "kfleet %s: %s\n", command->name, err);
			free(err);
			*status = CLI_EXIT_USAGE;
			return NULL;
		}
		path = found;
	}
	config = cluster_config_load(path, &err);
	free(found);
	if (config == NULL) {
		fprintf(stderr, "kfleet %s: %s\n", command->name, err != NULL ? err : "out of memory");
		free(err);
		*status = CLI_EXIT_USAGE;
		return NULL;
	}
	if (name != NULL && strcmp(config->cluster, name) != 0) {
		fprintf(stderr, "kfleet %s: %s is the config of cluster %s, not %s: give --cluster %s "
		        "or the config file of %s\n", command->name, config->path, config->cluster,
		        name, config->cluster, name);
		cluster_config_free(config);
		*status = CLI_EXIT_USAGE;
		return NULL;
	}
	return config;
}

/* The catalog an executed reset is recorded in: --catalog, else the cluster config's,
 * else $KFLEET_CATALOG or the default. */
static struct store *
offsets_catalog(const struct cli_command *command, const char *option,
                const struct cluster_config *config)
{
	if (option == NULL && getenv("KFLEET_CATALOG") == NULL && config != NULL)
		option = config->catalog;
	return cli_open_catalog(command, option, true);
}

/* Who is resetting, for the audit log. */
static void
offsets_identity(char *user, size_t user_size, char *host, size_t host_size)
{
	const struct passwd *pw = getpwuid(getuid());
	const char *name = getenv("SUDO_USER");

	if (name == NULL || *name == '\0')
		name = pw != NULL ? pw->pw_name : getenv("USER");
	snprintf(user, user_size, "%s", name != NULL ? name : "?");
	if (gethostname(host, host_size) != 0)
		snprintf(host, host_size, "?");
	host[host_size - 1] = '\0';
}

static int64_t
offsets_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---------------------------------------------------------------- printing a plan */

static json_t *
offsets_number_or_null(int64_t value)
{
	return value >= 0 ? json_integer(value) : json_null();
}

static json_t *
offsets_text_or_null(const char *text)
{
	return text != NULL ? json_string(text) : json_null();
}

json_t *
offsets_plan_rows(const struct reset_plan *plan)
{
	json_t *rows = json_array();

	for (size_t g = 0; g < plan->group_count; g++) {
		const struct reset_group *group = &plan->groups[g];

		for (size_t i = 0; i < group->row_count; i++) {
			const struct reset_row *r = &group->rows[i];
			bool known = r->current >= 0;
			json_t *row = json_object();

			json_object_set_new(row, "group", json_string(group->group));
			json_object_set_new(row, "topic", json_string(r->topic));
			json_object_set_new(row, "partition", json_integer(r->partition));
			json_object_set_new(row, "current_offset", offsets_number_or_null(r->current));
			json_object_set_new(row, "new_offset", json_integer(r->target));
			json_object_set_new(row, "log_start_offset", offsets_number_or_null(r->log_start));
			json_object_set_new(row, "log_end_offset", offsets_number_or_null(r->log_end));
			json_object_set_new(row, "skipped", known ? json_integer(r->target > r->current ?
			                                            r->target - r->current : 0) : json_null());
			json_object_set_new(row, "replayed", known ? json_integer(r->current > r->target ?
			                                             r->current - r->target : 0) : json_null());
			json_object_set_new(row, "note", offsets_text_or_null(r->note));
			json_object_set_new(row, "error", offsets_text_or_null(r->error));
			json_array_append_new(rows, row);
		}
	}
	return rows;
}

const struct output_column *
offsets_plan_columns(size_t *count)
{
	*count = sizeof plan_columns / sizeof plan_columns[0];
	return plan_columns;
}

static int
offsets_print_plan(const struct reset_plan *plan, enum output_format format)
{
	json_t *rows = offsets_plan_rows(plan);
	int rc = output_rows(stdout, rows, format, plan_fields,
	                     sizeof plan_fields / sizeof plan_fields[0], plan_columns,
	                     sizeof plan_columns / sizeof plan_columns[0], output_width(stdout));

	json_decref(rows);
	return rc < 0 || fflush(stdout) != 0 ? -1 : 0;
}

/* Write the plan's new offsets as kafka-consumer-groups.sh --export does. */
static int
offsets_export(const struct cli_command *command, const struct reset_plan *plan, const char *path)
{
	struct reset_file_row *rows;
	size_t count = 0, n = 0;
	FILE *out;
	int rc;

	for (size_t g = 0; g < plan->group_count; g++)
		count += plan->groups[g].row_count;
	rows = calloc(count + 1, sizeof *rows);
	if (rows == NULL)
		return -1;
	for (size_t g = 0; g < plan->group_count; g++)
		for (size_t i = 0; i < plan->groups[g].row_count; i++)
			rows[n++] = (struct reset_file_row){
				.group = plan->groups[g].group, .topic = plan->groups[g].rows[i].topic,
				.partition = plan->groups[g].rows[i].partition,
				.offset = plan->groups[g].rows[i].target,
			};
	out = strcmp(path, "-") == 0 ? stdout : fopen(path, "w");
	if (out == NULL) {
		fprintf(stderr, "kfleet %s: --export %s: %s\n", command->name, path, strerror(errno));
		free(rows);
		return -1;
	}
	rc = reset_file_write(out, rows, n, plan->group_count > 1);
	if ((out != stdout && fclose(out) != 0) || rc < 0) {
		fprintf(stderr, "kfleet %s: --export %s: writing failed: %s\n", command->name, path,
		        strerror(errno));
		rc = -1;
	}
	free(rows);
	return rc;
}

/* ---------------------------------------------------------------- executing */

int64_t
offsets_record_group(struct store *store, const char *cluster, const struct reset_group *group,
                     const char *mode, int64_t undo_of, char **err)
{
	char user[256], host[256];
	struct audit_partition *partitions;
	struct audit_entry entry;
	int64_t id;

	offsets_identity(user, sizeof user, host, sizeof host);
	partitions = calloc(group->row_count + 1, sizeof *partitions);
	if (partitions == NULL) {
		*err = strdup("out of memory");
		return -1;
	}
	for (size_t i = 0; i < group->row_count; i++)
		partitions[i] = (struct audit_partition){
			.topic = group->rows[i].topic, .partition = group->rows[i].partition,
			.before = group->rows[i].current, .after = group->rows[i].target,
			.error = group->rows[i].error,
		};
	entry = (struct audit_entry){
		.time_ms = offsets_now_ms(), .user = user, .host = host, .cluster = cluster,
		.group = group->group, .mode = mode, .undo_of = undo_of,
		.partitions = partitions, .partition_count = group->row_count,
	};
	id = audit_record(store, &entry, err);
	free(partitions);
	return id;
}

/* Where each group a reset sent is recorded, as soon as apply knows its rows. */
struct offsets_recorder {
	const struct cli_command *command;
	struct store *store;
	const char *cluster, *mode;
	int64_t undo_of;
	int status;                     /* -1 once a group could not be recorded */
};

/* Record GROUP in the audit log and say what was done (reset_applied_fn): at once, so
 * that a reset cut short still leaves the groups it wrote in the log. */
static void
offsets_record(const struct reset_group *group, void *opaque)
{
	struct offsets_recorder *recorder = opaque;
	const struct cli_command *command = recorder->command;
	size_t written = 0, unknown = 0;
	char unknown_text[64] = "", *err = NULL;
	int64_t id;

	for (size_t i = 0; i < group->row_count; i++) {
		written += group->rows[i].state == RESET_ROW_WRITTEN;
		unknown += group->rows[i].state == RESET_ROW_UNKNOWN;
	}
	if (unknown > 0)
		snprintf(unknown_text, sizeof unknown_text, ", %zu unknown", unknown);
	id = offsets_record_group(recorder->store, recorder->cluster, group, recorder->mode,
	                          recorder->undo_of, &err);
	if (id < 0) {
		fprintf(stderr, "kfleet %s: %s: the reset of %s WAS sent but is not in the audit log: "
		        "%s\n", command->name, group->group, group->group, err);
		free(err);
		recorder->status = -1;
		return;
	}
	fprintf(stderr, "kfleet %s: %s: %zu of %zu partition%s written%s; recorded as reset %lld "
	        "(undo: kfleet offsets undo %lld --execute)\n", command->name, group->group,
	        written, group->row_count, group->row_count == 1 ? "" : "s", unknown_text,
	        (long long)id, (long long)id);
	fflush(stderr);
}

/* One cluster's reset in progress: its connection, plan and audit catalog. */
struct offsets_job {
	const struct cluster_config *config;
	struct reset_client *client;
	struct reset_plan *plan;
	struct store *store;            /* with --execute only */
};

static void
offsets_job_free(struct offsets_job *job)
{
	reset_plan_free(job->plan);
	reset_client_free(job->client);
	store_close(job->store);
	*job = (struct offsets_job){ 0 };
}

/* Connect to CONFIG's cluster, plan REQUEST, print the plan (and export it) and check it
 * may be applied. Returns the exit status so far (0: it may). */
static int
offsets_prepare(const struct cli_command *command, struct offsets_job *job,
                const struct cluster_config *config, const char *catalog,
                const struct reset_request *request, bool execute, const char *export_path,
                enum output_format format)
{
	enum reset_status status;
	char *err = NULL;

	*job = (struct offsets_job){ .config = config };
	job->client = reset_client_new(config, &err);
	if (job->client == NULL) {
		fprintf(stderr, "kfleet %s: %s: %s\n", command->name, config->path, err);
		free(err);
		return CLI_EXIT_USAGE;
	}
	/* The catalog first: a reset that could not be recorded must not happen. */
	if (execute && (job->store = offsets_catalog(command, catalog, config)) == NULL)
		return CLI_EXIT_FAILED;
	status = reset_plan_build(job->client, request, &job->plan, &err);
	if (status != RESET_OK) {
		fprintf(stderr, "kfleet %s: %s: %s\n", command->name, config->cluster, err);
		free(err);
		return (int)status;
	}
	if (offsets_print_plan(job->plan, format) < 0 ||
	    (export_path != NULL && offsets_export(command, job->plan, export_path) < 0))
		return CLI_EXIT_FAILED;
	status = reset_plan_check(job->plan, &err);
	if (status != RESET_OK) {
		fprintf(stderr, "kfleet %s: %s\n", command->name, err);
		free(err);
		return CLI_EXIT_REFUSED;
	}
	return CLI_EXIT_OK;
}

/* Apply JOB's plan and record it as MODE. Returns the exit status. */
static int
offsets_apply(const struct cli_command *command, struct offsets_job *job, int timeout_ms,
              const char *mode, int64_t undo_of, enum output_format format)
{
	struct offsets_recorder recorder = {
		.command = command, .store = job->store, .cluster = job->config->cluster,
		.mode = mode, .undo_of = undo_of,
	};
	enum reset_status status;
	char *err = NULL;

	status = reset_plan_apply(job->client, job->plan, timeout_ms, offsets_record, &recorder,
	                          &err);
	if (status != RESET_OK) {
		fprintf(stderr, "kfleet %s: %s\n", command->name, err);
		free(err);
		/* The rows say which partitions were written, which not and which are unknown. */
		offsets_print_plan(job->plan, format);
	}
	if (recorder.status < 0)
		return CLI_EXIT_FAILED;
	return (int)status;
}

static void
offsets_dry_run_note(const struct cli_command *command)
{
	fprintf(stderr, "kfleet %s: dry run: nothing changed; add --execute to apply\n",
	        command->name);
}

/* Plan REQUEST on CONFIG's cluster, print it (and export it), and with EXECUTE apply and
 * record it. MODE is what the audit log says of it. Returns the exit status. */
static int
offsets_run_plan(const struct cli_command *command, const struct cluster_config *config,
                 const char *catalog, const struct reset_request *request, const char *mode,
                 bool execute, const char *export_path, enum output_format format,
                 int64_t undo_of)
{
	struct offsets_job job;
	int status = offsets_prepare(command, &job, config, catalog, request, execute, export_path,
	                             format);

	if (status == CLI_EXIT_OK && !execute)
		offsets_dry_run_note(command);
	else if (status == CLI_EXIT_OK)
		status = offsets_apply(command, &job, request->timeout_ms, mode, undo_of, format);
	offsets_job_free(&job);
	return status;
}

/* ---------------------------------------------------------------- reset's arguments */

/* Parse "T" or "T:0,3,5" into *TOPIC. Returns 0, or -1 with a message printed. */
static int
offsets_parse_topic(const struct cli_command *command, char *text, struct reset_topic *topic,
                    int32_t **partitions)
{
	char *colon = strchr(text, ':');
	size_t count = 0;

	*topic = (struct reset_topic){ .topic = text };
	if (colon == NULL)
		return 0;
	*colon = '\0';
	if (text[0] == '\0') {
		cli_usage_error(command, "--topic :%s: the topic name is missing", colon + 1);
		return -1;
	}
	*partitions = calloc(OFFSETS_MAX_PARTITIONS, sizeof **partitions);
	if (*partitions == NULL)
		return -1;
	for (char *item = colon + 1;; ) {
		char *end;
		long value;

		errno = 0;
		value = strtol(item, &end, 10);
		if (item[0] < '0' || item[0] > '9' || errno != 0 || value > INT32_MAX ||
		    (*end != ',' && *end != '\0') || count == OFFSETS_MAX_PARTITIONS) {
			size_t length = strcspn(item, ",");

			cli_usage_error(command, "--topic %s:%s: partition '%.*s' is not a number; write "
			                "--topic %s:0,3,5", text, colon + 1, (int)length, item, text);
			return -1;
		}
		(*partitions)[count++] = (int32_t)value;
		if (*end == '\0')
			break;
		item = end + 1;
	}
	topic->partitions = *partitions;
	topic->partition_count = count;
	return 0;
}

/* Parse an offset or shift for OPTION ("--to-offset" takes >= 0, "--shift-by" any). */
static int
offsets_parse_number(const struct cli_command *command, const char *option, const char *text,
                     bool negative_ok, int64_t *value)
{
	char *end;
	long long number;

	errno = 0;
	number = strtoll(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || (!negative_ok && number < 0))
		return cli_usage_error(command, "%s %s: write a whole number%s", option, text,
		                       negative_ok ? " (negative to go back)" : " (an offset, 0 or more)");
	*value = number;
	return 0;
}

/* The reset-plan file as the engine's explicit rows (borrowing the file's strings). */
static struct reset_explicit *
offsets_explicit_rows(const struct reset_file *file)
{
	struct reset_explicit *rows = calloc(file->count + 1, sizeof *rows);

	for (size_t i = 0; rows != NULL && i < file->count; i++)
		rows[i] = (struct reset_explicit){
			.group = file->rows[i].group, .topic = file->rows[i].topic,
			.partition = file->rows[i].partition, .offset = file->rows[i].offset,
		};
	return rows;
}

/* The mode options, their values from BASE: BASE + enum reset_mode, and --by-duration
 * (a time too) after them. */
#define OFFSETS_BY_DURATION (RESET_EXPLICIT + 1)
#define OFFSETS_MODE_OPTIONS(base) \
	{ .name = "to-earliest", .has_arg = no_argument, .val = (base) + RESET_TO_EARLIEST }, \
	{ .name = "to-latest", .has_arg = no_argument, .val = (base) + RESET_TO_LATEST }, \
	{ .name = "to-current", .has_arg = no_argument, .val = (base) + RESET_TO_CURRENT }, \
	{ .name = "to-offset", .has_arg = required_argument, .val = (base) + RESET_TO_OFFSET }, \
	{ .name = "shift-by", .has_arg = required_argument, .val = (base) + RESET_SHIFT_BY }, \
	{ .name = "to-datetime", .has_arg = required_argument, .val = (base) + RESET_TO_TIME }, \
	{ .name = "by-duration", .has_arg = required_argument, .val = (base) + OFFSETS_BY_DURATION }, \
	{ .name = "from-file", .has_arg = required_argument, .val = (base) + RESET_EXPLICIT }

/* Take mode option WHICH (an enum reset_mode, or OFFSETS_BY_DURATION) with ARGUMENT into
 * REQUEST (and *FILE for --from-file). Returns 0, or CLI_EXIT_USAGE (printed). */
static int
offsets_take_mode(const struct cli_command *command, int which, const char *argument,
                  struct reset_request *request, struct reset_file **file)
{
	char message[256], *err = NULL;

	if (which == OFFSETS_BY_DURATION) {
		int64_t duration;

		if (iso8601_parse_duration(argument, &duration, message, sizeof message) < 0)
			return cli_usage_error(command, "--by-duration %s", message);
		request->mode = RESET_TO_TIME;
		request->value = offsets_now_ms() - duration;
		return 0;
	}
	request->mode = (enum reset_mode)which;
	if (request->mode == RESET_TO_TIME &&
	    iso8601_parse_time(argument, &request->value, message, sizeof message) < 0)
		return cli_usage_error(command, "--to-datetime %s", message);
	if (request->mode == RESET_TO_OFFSET || request->mode == RESET_SHIFT_BY)
		return offsets_parse_number(command, request->mode == RESET_TO_OFFSET ? "--to-offset"
		                            : "--shift-by", argument, request->mode == RESET_SHIFT_BY,
		                            &request->value);
	if (request->mode == RESET_EXPLICIT && reset_file_read(argument, file, &err) < 0) {
		fprintf(stderr, "kfleet %s: --from-file %s\n", command->name, err);
		free(err);
		return CLI_EXIT_USAGE;
	}
	return 0;
}

/* A second mode option, SECOND after FIRST: refused before it is taken (a second
 * --from-file would replace the first file). Returns CLI_EXIT_USAGE. */
static int
offsets_second_mode(const struct cli_command *command, const char *first, const char *second)
{
	if (strcmp(first, second) == 0)
		return cli_usage_error(command, "--%s given twice: give only one mode", first);
	return cli_usage_error(command, "--%s and --%s: give only one mode", first, second);
}

/* The mode the audit log records, as typed: "--to-datetime 2026-11-24T10:00:00Z". */
static char *
offsets_mode_text(const char *option, const char *argument)
{
	return argument != NULL ? strfmt("--%s %s", option, argument) : strfmt("--%s", option);
}

static int
offsets_reset(const struct cli_command *command, int argc, char **argv)
{
	enum {
		OPT_CLUSTER = 256, OPT_CONFIG, OPT_CATALOG, OPT_GROUP, OPT_ALL_GROUPS, OPT_TOPIC,
		OPT_ALL_TOPICS, OPT_EXECUTE, OPT_DRY_RUN, OPT_EXPORT, OPT_FORMAT,
		OPT_MODE,       /* + enum reset_mode, and --by-duration after */
		OPT_MODE_LAST = OPT_MODE + OFFSETS_BY_DURATION,
	};
	static const struct option options[] = {
		{ .name = "cluster", .has_arg = required_argument, .val = OPT_CLUSTER },
		{ .name = "config", .has_arg = required_argument, .val = OPT_CONFIG },
		{ .name = "catalog", .has_arg = required_argument, .val = OPT_CATALOG },
		{ .name = "group", .has_arg = required_argument, .val = OPT_GROUP },
		{ .name = "all-groups", .has_arg = no_argument, .val = OPT_ALL_GROUPS },
		{ .name = "topic", .has_arg = required_argument, .val = OPT_TOPIC },
		{ .name = "all-topics", .has_arg = no_argument, .val = OPT_ALL_TOPICS },
		{ .name = "execute", .has_arg = no_argument, .val = OPT_EXECUTE },
		{ .name = "dry-run", .has_arg = no_argument, .val = OPT_DRY_RUN },
		{ .name = "export", .has_arg = required_argument, .val = OPT_EXPORT },
		{ .name = "format", .has_arg = required_argument, .val = OPT_FORMAT },
		OFFSETS_MODE_OPTIONS(OPT_MODE),
		{ .name = "help", .has_arg = no_argument, .val = 'h' },
		{ 0 },
	};
	const char *cluster = NULL, *config_path = NULL, *catalog = NULL, *export_path = NULL;
	const char *groups[OFFSETS_MAX_GROUPS], *mode_option = NULL, *mode_argument = NULL;
	struct reset_topic topics[OFFSETS_MAX_TOPICS];
	int32_t *topic_partitions[OFFSETS_MAX_TOPICS] = { 0 };
	struct reset_request request = { .groups = groups, .topics = topics };
	struct reset_file *file = NULL;
	struct reset_explicit *explicit_rows = NULL;
	enum output_format format = OUTPUT_TABLE;
	struct cluster_config *config = NULL;
	bool execute = false, dry_run = false;
	int opt, status = CLI_EXIT_USAGE, index = 0;

	opterr = 0;
	optind = 0;
	while ((opt = getopt_long(argc, argv, ":h", options, &index)) != -1) {
		if (opt == 'h') {
			offsets_usage(stdout);
			status = CLI_EXIT_OK;
			goto done;
		} else if (opt == OPT_CLUSTER) {
			cluster = optarg;
		} else if (opt == OPT_CONFIG) {
			config_path = optarg;
		} else if (opt == OPT_CATALOG) {
			catalog = optarg;
		} else if (opt == OPT_GROUP) {
			if (request.group_count == OFFSETS_MAX_GROUPS) {
				cli_usage_error(command, "more than %d --group: use --all-groups or a file",
				                OFFSETS_MAX_GROUPS);
				goto done;
			}
			groups[request.group_count++] = optarg;
		} else if (opt == OPT_ALL_GROUPS) {
			request.all_groups = true;
		} else if (opt == OPT_TOPIC) {
			if (request.topic_count == OFFSETS_MAX_TOPICS) {
				cli_usage_error(command, "more than %d --topic: use --all-topics or a file",
				                OFFSETS_MAX_TOPICS);
				goto done;
			}
			if (offsets_parse_topic(command, optarg, &topics[request.topic_count],
			                        &topic_partitions[request.topic_count]) < 0)
				goto done;
			request.topic_count++;
		} else if (opt == OPT_ALL_TOPICS) {
			request.all_topics = true;
		} else if (opt == OPT_EXECUTE) {
			execute = true;
		} else if (opt == OPT_DRY_RUN) {
			dry_run = true;
		} else if (opt == OPT_EXPORT) {
			export_path = optarg;
		} else if (opt == OPT_FORMAT) {
			if (output_format_parse(optarg, &format) < 0) {
				cli_usage_error(command, "unknown format '%s' (use table, json or csv)", optarg);
				goto done;
			}
		} else if (opt >= OPT_MODE && opt <= OPT_MODE_LAST) {
			if (mode_option != NULL) {
				offsets_second_mode(command, mode_option, options[index].name);
				goto done;
			}
			mode_option = options[index].name;
			mode_argument = optarg;
			if (offsets_take_mode(command, opt - OPT_MODE, optarg, &request, &file) != 0)
				goto done;
		} else {
			cli_option_error(command, opt, argv);
			goto done;
		}
	}
	if (optind < argc) {
		cli_usage_error(command, "unexpected argument '%s'", argv[optind]);
		goto done;
	}
	if (cluster == NULL && config_path == NULL) {
		cli_usage_error(command, "which cluster? give --cluster NAME (or --config FILE)");
		goto done;
	}
	if (mode_option == NULL) {
		cli_usage_error(command, "give one mode, e.g. --to-earliest or "
		                "--to-datetime 2026-11-24T10:00:00Z");
		goto done;
	}
	if (execute && dry_run) {
		cli_usage_error(command, "--execute and --dry-run: choose one");
		goto done;
	}
	if (request.all_groups && request.group_count > 0) {
		cli_usage_error(command, "--group and --all-groups: choose one");
		goto done;
	}
	if (request.mode == RESET_EXPLICIT) {
		if (request.topic_count > 0 || request.all_topics) {
			cli_usage_error(command, "--from-file names its own partitions: drop --topic and "
			                "--all-topics");
			goto done;
		}
		if (!file->has_groups && request.group_count != 1) {
			cli_usage_error(command, "%s has topic,partition,offset lines: give the one group "
			                "with --group", mode_argument);
			goto done;
		}
		if (file->has_groups && (request.group_count > 0 || request.all_groups)) {
			cli_usage_error(command, "%s names its groups (group,topic,partition,offset): drop "
			                "--group and --all-groups", mode_argument);
			goto done;
		}
		explicit_rows = offsets_explicit_rows(file);
		if (explicit_rows == NULL)
			goto done;
		request.explicit_rows = explicit_rows;
		request.explicit_count = file->count;
	} else {
		if (request.group_count == 0 && !request.all_groups) {
			cli_usage_error(command, "which groups? give --group G (repeatable) or --all-groups");
			goto done;
		}
		if ((request.topic_count == 0) == !request.all_topics) {
			cli_usage_error(command, request.all_topics ? "--topic and --all-topics: choose one"
			                : "which partitions? give --topic T[:P,P..] (repeatable) or "
			                "--all-topics");
			goto done;
		}
	}
	config = offsets_config(command, cluster, config_path, &status);
	if (config == NULL)
		goto done;
	{
		char *mode = offsets_mode_text(mode_option, mode_argument);

		status = offsets_run_plan(command, config, catalog, &request, mode != NULL ? mode : "?",
		                          execute, export_path, format, 0);
		free(mode);
	}
done:
	for (size_t i = 0; i < OFFSETS_MAX_TOPICS; i++)
		free(topic_partitions[i]);
	free(explicit_rows);
	reset_file_free(file);
	cluster_config_free(config);
	return status;
}

/* ---------------------------------------------------------------- undo */

static int
offsets_undo(const struct cli_command *command, int argc, char **argv)
{
	enum { OPT_CONFIG = 256, OPT_CATALOG, OPT_EXECUTE, OPT_DRY_RUN, OPT_FORMAT };
	static const struct option options[] = {
		{ .name = "config", .has_arg = required_argument, .val = OPT_CONFIG },
		{ .name = "catalog", .has_arg = required_argument, .val = OPT_CATALOG },
		{ .name = "execute", .has_arg = no_argument, .val = OPT_EXECUTE },
		{ .name = "dry-run", .has_arg = no_argument, .val = OPT_DRY_RUN },
		{ .name = "format", .has_arg = required_argument, .val = OPT_FORMAT },
		{ .name = "help", .has_arg = no_argument, .val = 'h' },
		{ 0 },
	};
	const char *config_path = NULL, *catalog = NULL;
	enum output_format format = OUTPUT_TABLE;
	struct cluster_config *config = NULL;
	struct reset_explicit *rows = NULL;
	struct audit_entry *entry = NULL;
	struct store *store = NULL;
	bool execute = false;
	char *end, *err = NULL, *mode = NULL;
	int opt, status = CLI_EXIT_USAGE;
	long long id;
	size_t count = 0;

	opterr = 0;
	optind = 0;
	while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		if (opt == 'h') {
			offsets_usage(stdout);
			return CLI_EXIT_OK;
		} else if (opt == OPT_CONFIG) {
			config_path = optarg;
		} else if (opt == OPT_CATALOG) {
			catalog = optarg;
		} else if (opt == OPT_EXECUTE) {
			execute = true;
		} else if (opt == OPT_DRY_RUN) {
			execute = false;
		} else if (opt == OPT_FORMAT) {
			if (output_format_parse(optarg, &format) < 0)
				return cli_usage_error(command, "unknown format '%s' (use table, json or csv)",
				                       optarg);
		} else {
			return cli_option_error(command, opt, argv);
		}
	}
	if (optind == argc)
		return cli_usage_error(command, "which reset? give its id (see kfleet offsets history)");
	if (optind + 1 < argc)
		return cli_usage_error(command, "unexpected argument '%s' (one reset id only)",
		                       argv[optind + 1]);
	errno = 0;
	id = strtoll(argv[optind], &end, 10);
	if (errno != 0 || *end != '\0' || id <= 0)
		return cli_usage_error(command, "'%s' is not a reset id (a number from kfleet offsets "
		                       "history)", argv[optind]);
	store = cli_open_catalog(command, catalog, false);
	if (store == NULL)
		return CLI_EXIT_FAILED;
	entry = audit_get(store, id, &err);
	store_close(store);
	if (entry == NULL) {
		status = strstr(err != NULL ? err : "", "no offset reset") != NULL ? CLI_EXIT_USAGE
		                                                                     : CLI_EXIT_FAILED;
		fprintf(stderr, "kfleet %s: %s\n", command->name, err != NULL ? err : "out of memory");
		free(err);
		return status;
	}
	rows = calloc(entry->partition_count + 1, sizeof *rows);
	for (size_t i = 0; rows != NULL && i < entry->partition_count; i++) {
		const struct audit_partition *p = &entry->partitions[i];

		/* A partition without a commit before, or that the reset did not write, stays. */
		if (p->before < 0 || p->error != NULL) {
			fprintf(stderr, "kfleet %s: %s[%d]: %s; left as it is\n", command->name, p->topic,
			        (int)p->partition,
			        p->error == NULL ? "the group had no offset there before"
			        : strncmp(p->error, "unknown", 7) == 0 ? "whether the reset wrote it is unknown"
			        : "the reset did not write it");
			continue;
		}
		rows[count++] = (struct reset_explicit){
			.group = entry->group, .topic = p->topic, .partition = p->partition,
			.offset = p->before,
		};
	}
	if (rows == NULL || count == 0) {
		fprintf(stderr, "kfleet %s: reset %lld changed nothing that can be restored\n",
		        command->name, id);
		status = rows == NULL ? CLI_EXIT_FAILED : CLI_EXIT_USAGE;
		goto done;
	}
	config = offsets_config(command, entry->cluster, config_path, &status);
	if (config != NULL) {
		struct reset_request request = {
			.mode = RESET_EXPLICIT, .explicit_rows = rows, .explicit_count = count,
		};

		mode = strfmt("undo %lld", id);
		status = offsets_run_plan(command, config, catalog, &request, mode != NULL ? mode : "undo",
		                          execute, NULL, format, id);
	}
done:
	free(mode);
	free(rows);
	audit_entry_free(entry);
	cluster_config_free(config);
	return status;
}

/* ---------------------------------------------------------------- history */

static int
offsets_history(const struct cli_command *command, int argc, char **argv)
{
	enum { OPT_CATALOG = 256, OPT_CLUSTER, OPT_GROUP, OPT_FORMAT };
	static const struct option options[] = {
		{ .name = "catalog", .has_arg = required_argument, .val = OPT_CATALOG },
		{ .name = "cluster", .has_arg = required_argument, .val = OPT_CLUSTER },
		{ .name = "group", .has_arg = required_argument, .val = OPT_GROUP },
		{ .name = "format", .has_arg = required_argument, .val = OPT_FORMAT },
		{ .name = "help", .has_arg = no_argument, .val = 'h' },
		{ 0 },
	};
	struct listing_filter filter = { 0 };
	enum output_format format = OUTPUT_TABLE;
	const char *catalog = NULL;
	const char *const *fields;
	size_t field_count, column_count;
	const struct output_column *columns;
	struct store *store;
	json_t *rows;
	char *err = NULL;
	int opt, status = CLI_EXIT_OK;

	opterr = 0;
	optind = 0;
	while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		if (opt == 'h') {
			offsets_usage(stdout);
			return CLI_EXIT_OK;
		} else if (opt == OPT_CATALOG) {
			catalog = optarg;
		} else if (opt == OPT_CLUSTER) {
			filter.cluster = optarg;
		} else if (opt == OPT_GROUP) {
			filter.group = optarg;
		} else if (opt == OPT_FORMAT) {
			if (output_format_parse(optarg, &format) < 0)
				return cli_usage_error(command, "unknown format '%s' (use table, json or csv)",
				                       optarg);
		} else {
			return cli_option_error(command, opt, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error(command, "unexpected argument '%s'", argv[optind]);
	store = cli_open_catalog(command, catalog, false);
	if (store == NULL)
		return CLI_EXIT_FAILED;
	rows = listing_query(store, LISTING_OFFSET_RESETS, &filter, &err);
	if (rows == NULL) {
		fprintf(stderr, "kfleet %s: %s\n", command->name, err);
		free(err);
		store_close(store);
		return CLI_EXIT_FAILED;
	}
	fields = listing_fields(LISTING_OFFSET_RESETS, &field_count);
	columns = cmd_list_columns(LISTING_OFFSET_RESETS, &column_count);
	if (output_rows(stdout, rows, format, fields, field_count, columns, column_count,
	                output_width(stdout)) < 0 || fflush(stdout) != 0) {
		fprintf(stderr, "kfleet %s: writing the listing failed\n", command->name);
		status = CLI_EXIT_FAILED;
	}
	json_decref(rows);
	store_close(store);
	return status;
}

/* ---------------------------------------------------------------- app reset */

#define APP_MAX_CLUSTERS 16
#define APP_MAX_GROUPS 256

static void
app_usage(FILE *out)
{
	fprintf(out,
	        "usage: kfleet app reset --service S [--cluster C] MODE [--delete-internal-topics]\n"
	        "                        [--dry-run | --execute] [--yes] [--format table|json|csv]\n"
	        "                        [--config FILE] [--catalog FILE]\n"
	        "\n"
	        "Reset every consumer group of service S (its groups in the catalog, and the exact\n"
	        "group names its ownership declares) on cluster C, or on every cluster where it has\n"
	        "groups, with one MODE (as for kfleet offsets reset, but --from-file). Every plan is\n"
	        "printed first; --execute applies them all after one confirmation (on a terminal:\n"
	        "type the service's name; --yes skips it), and records one audit entry per group.\n"
	        "\n"
	        "  --delete-internal-topics  also delete the Kafka Streams internal topics of each\n"
	        "                     group (its application.id): GROUP-*-changelog and\n"
	        "                     GROUP-*-repartition, listed first, deleted only with --execute,\n"
	        "                     as kafka-streams-application-reset does; their offsets are not\n"
	        "                     reset\n"
	        "  --service S        the service (see kfleet services)\n"
	        "  --cluster C        only on cluster C\n"
	        "  --config FILE      the cluster's config file (with --cluster)\n"
	        "  --execute          apply (default: --dry-run)\n"
	        "  --yes              do not ask for confirmation\n"
	        "  --format FORMAT    table (default), json or csv\n"
	        "  --catalog FILE     the catalog (default: $KFLEET_CATALOG, else %s)\n"
	        "  -h, --help         show this help and exit\n",
	        CLI_DEFAULT_CATALOG);
}

/* Add NAME to the COUNT names of LIST (at most MAX) unless it is there. */
static void
app_add_name(const char **list, size_t *count, size_t max, const char *name)
{
	for (size_t i = 0; i < *count; i++)
		if (strcmp(list[i], name) == 0)
			return;
	if (*count < max)
		list[(*count)++] = name;
}

/* The service's groups on CLUSTER: those the catalog has seen that resolve to it, and the
 * exact names (no glob) its ownership binds to CLUSTER or to every cluster. The names
 * point into GROUP_ROWS and SERVICE_ROW. */
static size_t
app_groups(const json_t *group_rows, const json_t *service_row, const char *cluster,
           const char **groups, size_t max)
{
	size_t count = 0, i;
	const json_t *row, *binding;

	json_array_foreach(group_rows, i, row)
		if (strcmp(json_string_value(json_object_get(row, "cluster")), cluster) == 0)
			app_add_name(groups, &count, max, json_string_value(json_object_get(row, "group")));
	json_array_foreach(json_object_get(service_row, "consumer_groups"), i, binding) {
		const char *pattern = json_string_value(binding);
		size_t length = strlen(cluster);

		if (strncmp(pattern, cluster, length) == 0 && pattern[length] == '/')
			pattern += length + 1;
		else if (strchr(pattern, '/') != NULL)
			continue;                   /* bound to another cluster */
		if (strpbrk(pattern, "*?[") == NULL)
			app_add_name(groups, &count, max, pattern);
	}
	return count;
}

/* On a terminal, ask for the service's name before changing anything. */
static bool
app_confirm(const char *service, size_t groups, size_t clusters)
{
	char answer[256];

	if (!isatty(STDIN_FILENO))
		return true;
	fprintf(stderr, "Reset %zu group%s of %s on %zu cluster%s? Type the service's name to go "
	        "on: ", groups, groups == 1 ? "" : "s", service, clusters, clusters == 1 ? "" : "s");
	if (fgets(answer, sizeof answer, stdin) == NULL)
		return false;
	answer[strcspn(answer, "\r\n")] = '\0';
	return strcmp(answer, service) == 0;
}

static int
app_reset(const struct cli_command *command, int argc, char **argv)
{
	enum {
		OPT_SERVICE = 256, OPT_CLUSTER, OPT_CONFIG, OPT_CATALOG, OPT_EXECUTE, OPT_DRY_RUN,
		OPT_YES, OPT_FORMAT, OPT_DELETE, OPT_MODE, OPT_MODE_LAST = OPT_MODE + OFFSETS_BY_DURATION,
	};
	static const struct option options[] = {
		{ .name = "service", .has_arg = required_argument, .val = OPT_SERVICE },
		{ .name = "cluster", .has_arg = required_argument, .val = OPT_CLUSTER },
		{ .name = "config", .has_arg = required_argument, .val = OPT_CONFIG },
		{ .name = "catalog", .has_arg = required_argument, .val = OPT_CATALOG },
		{ .name = "execute", .has_arg = no_argument, .val = OPT_EXECUTE },
		{ .name = "dry-run", .has_arg = no_argument, .val = OPT_DRY_RUN },
		{ .name = "yes", .has_arg = no_argument, .val = OPT_YES },
		{ .name = "format", .has_arg = required_argument, .val = OPT_FORMAT },
		{ .name = "delete-internal-topics", .has_arg = no_argument, .val = OPT_DELETE },
		OFFSETS_MODE_OPTIONS(OPT_MODE),
		{ .name = "help", .has_arg = no_argument, .val = 'h' },
		{ 0 },
	};
	const char *service = NULL, *cluster = NULL, *config_path = NULL, *catalog = NULL;
	const char *mode_option = NULL, *mode_argument = NULL, *clusters[APP_MAX_CLUSTERS];
	const char *groups[APP_MAX_CLUSTERS][APP_MAX_GROUPS];
	size_t group_counts[APP_MAX_CLUSTERS] = { 0 }, cluster_count = 0, total = 0;
	struct cluster_config *configs[APP_MAX_CLUSTERS] = { 0 };
	struct offsets_job jobs[APP_MAX_CLUSTERS];
	char **internal[APP_MAX_CLUSTERS][APP_MAX_GROUPS];
	size_t internal_counts[APP_MAX_CLUSTERS][APP_MAX_GROUPS];
	struct reset_request request = { .all_topics = true };
	struct reset_file *file = NULL;
	enum output_format format = OUTPUT_TABLE;
	json_t *service_rows = NULL, *group_rows = NULL;
	bool execute = false, yes = false, delete_internal = false;
	int opt, index = 0, status = CLI_EXIT_USAGE;
	struct store *store = NULL;
	char *err = NULL, *mode = NULL;
	size_t prepared = 0;

	memset(jobs, 0, sizeof jobs);
	memset(internal, 0, sizeof internal);
	memset(internal_counts, 0, sizeof internal_counts);
	opterr = 0;
	optind = 0;
	while ((opt = getopt_long(argc, argv, ":h", options, &index)) != -1) {
		if (opt == 'h') {
			app_usage(stdout);
			return CLI_EXIT_OK;
		} else if (opt == OPT_SERVICE) {
			service = optarg;
		} else if (opt == OPT_CLUSTER) {
			cluster = optarg;
		} else if (opt == OPT_CONFIG) {
			config_path = optarg;
		} else if (opt == OPT_CATALOG) {
			catalog = optarg;
		} else if (opt == OPT_EXECUTE) {
			execute = true;
		} else if (opt == OPT_DRY_RUN) {
			execute = false;
		} else if (opt == OPT_YES) {
			yes = true;
		} else if (opt == OPT_DELETE) {
			delete_internal = true;
		} else if (opt == OPT_FORMAT) {
			if (output_format_parse(optarg, &format) < 0)
				return cli_usage_error(command, "unknown format '%s' (use table, json or csv)",
				                       optarg);
		} else if (opt >= OPT_MODE && opt <= OPT_MODE_LAST) {
			if (opt - OPT_MODE == RESET_EXPLICIT)
				return cli_usage_error(command, "--from-file resets named groups: use kfleet "
				                       "offsets reset --from-file");
			if (mode_option != NULL)
				return offsets_second_mode(command, mode_option, options[index].name);
			mode_option = options[index].name;
			mode_argument = optarg;
			if (offsets_take_mode(command, opt - OPT_MODE, optarg, &request, &file) != 0)
				return CLI_EXIT_USAGE;
		} else {
			return cli_option_error(command, opt, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error(command, "unexpected argument '%s'", argv[optind]);
	if (service == NULL)
		return cli_usage_error(command, "which service? give --service S (see kfleet services)");
	if (mode_option == NULL)
		return cli_usage_error(command, "give one mode, e.g. --to-earliest");
	if (config_path != NULL && cluster == NULL)
		return cli_usage_error(command, "--config goes with --cluster");
	request.skip_streams_internal = delete_internal;

	/* The service and its groups, from the catalog. */
	store = cli_open_catalog(command, catalog, false);
	if (store == NULL)
		return CLI_EXIT_FAILED;
	service_rows = listing_query(store, LISTING_SERVICES,
	                             &(struct listing_filter){ .service = service }, &err);
	if (service_rows != NULL)
		group_rows = listing_query(store, LISTING_GROUPS,
		                           &(struct listing_filter){ .service = service, .cluster = cluster },
		                           &err);
	store_close(store);
	if (group_rows == NULL) {
		fprintf(stderr, "kfleet %s: %s\n", command->name, err);
		status = CLI_EXIT_FAILED;
		goto done;
	}
	if (json_array_size(service_rows) == 0) {
		fprintf(stderr, "kfleet %s: the catalog has no service %s (see kfleet services)\n",
		        command->name, service);
		goto done;
	}
	if (cluster != NULL) {
		clusters[cluster_count++] = cluster;
	} else {
		size_t i;
		const json_t *row;

		json_array_foreach(group_rows, i, row)
			app_add_name(clusters, &cluster_count, APP_MAX_CLUSTERS,
			             json_string_value(json_object_get(row, "cluster")));
	}
	for (size_t c = 0; c < cluster_count; c++) {
		group_counts[c] = app_groups(group_rows, json_array_get(service_rows, 0), clusters[c],
		                             groups[c], APP_MAX_GROUPS);
		total += group_counts[c];
	}
	if (total == 0) {
		fprintf(stderr, "kfleet %s: service %s has no consumer group%s%s in the catalog\n",
		        command->name, service, cluster != NULL ? " on " : "",
		        cluster != NULL ? cluster : "");
		goto done;
	}

	/* Every plan first; nothing is applied unless all may be. */
	status = CLI_EXIT_OK;
	for (size_t c = 0; c < cluster_count && status == CLI_EXIT_OK; c++) {
		if (group_counts[c] == 0)
			continue;
		configs[c] = offsets_config(command, clusters[c], config_path, &status);
		if (configs[c] == NULL)
			break;
		request.groups = groups[c];
		request.group_count = group_counts[c];
		fprintf(stderr, "kfleet %s: %s on %s: %zu group%s\n", command->name, service,
		        clusters[c], group_counts[c], group_counts[c] == 1 ? "" : "s");
		status = offsets_prepare(command, &jobs[c], configs[c], catalog, &request, execute,
		                         NULL, format);
		prepared = c + 1;
		for (size_t g = 0; delete_internal && status == CLI_EXIT_OK && g < group_counts[c]; g++) {
			if (reset_streams_topics(jobs[c].client, groups[c][g], &internal[c][g],
			                         &internal_counts[c][g], &err) != RESET_OK) {
				fprintf(stderr, "kfleet %s: %s: %s\n", command->name, clusters[c], err);
				free(err);
				err = NULL;
				status = CLI_EXIT_FAILED;
				break;
			}
			for (size_t t = 0; t < internal_counts[c][g]; t++)
				fprintf(stderr, "kfleet %s: %s: internal topic to delete: %s\n", command->name,
				        clusters[c], internal[c][g][t]);
		}
	}
	if (status != CLI_EXIT_OK)
		goto done;
	if (!execute) {
		offsets_dry_run_note(command);
		goto done;
	}
	if (!yes && !app_confirm(service, total, cluster_count)) {
		fprintf(stderr, "kfleet %s: not confirmed: nothing changed\n", command->name);
		status = CLI_EXIT_REFUSED;
		goto done;
	}
	mode = strfmt("--%s%s%s%s", mode_option, mode_argument != NULL ? " " : "",
	              mode_argument != NULL ? mode_argument : "",
	              delete_internal ? " --delete-internal-topics" : "");
	for (size_t c = 0; c < prepared; c++) {
		int applied;

		if (jobs[c].plan == NULL)
			continue;
		applied = offsets_apply(command, &jobs[c], request.timeout_ms, mode != NULL ? mode : "?",
		                        0, format);
		if (applied != CLI_EXIT_OK && status == CLI_EXIT_OK)
			status = applied;
		for (size_t g = 0; delete_internal && applied == CLI_EXIT_OK && g < group_counts[c]; g++) {
			if (reset_delete_topics(jobs[c].client, internal[c][g], internal_counts[c][g], 0,
			                        &err) != RESET_OK) {
				fprintf(stderr, "kfleet %s: %s: %s\n", command->name, clusters[c], err);
				free(err);
				err = NULL;
				status = CLI_EXIT_FAILED;
			} else if (internal_counts[c][g] > 0) {
				fprintf(stderr, "kfleet %s: %s: %zu internal topic%s of %s deleted\n",
				        command->name, clusters[c], internal_counts[c][g],
				        internal_counts[c][g] == 1 ? "" : "s", groups[c][g]);
			}
		}
	}
done:
	for (size_t c = 0; c < APP_MAX_CLUSTERS; c++) {
		offsets_job_free(&jobs[c]);
		cluster_config_free(configs[c]);
		for (size_t g = 0; g < APP_MAX_GROUPS; g++) {
			for (size_t t = 0; t < internal_counts[c][g]; t++)
				free(internal[c][g][t]);
			free(internal[c][g]);
		}
	}
	free(mode);
	free(err);
	reset_file_free(file);
	json_decref(service_rows);
	json_decref(group_rows);
	return status;
}

/* kfleet app reset: every group of a service, for application rebuilds. */
int
cmd_app_run(const struct cli_command *command, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error(command, "name a subcommand: reset");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		app_usage(stdout);
		return CLI_EXIT_OK;
	}
	if (strcmp(argv[1], "reset") == 0) {
		struct cli_command sub = *command;

		sub.name = "app reset";
		return app_reset(&sub, argc - 1, argv + 1);
	}
	return cli_usage_error(command, "unknown subcommand '%s' (use reset)", argv[1]);
}

/* ---------------------------------------------------------------- dispatch */

int
cmd_offsets_run(const struct cli_command *command, int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(const struct cli_command *, int, char **);
	} subcommands[] = {
		{ "reset", offsets_reset },
		{ "history", offsets_history },
		{ "undo", offsets_undo },
	};

	if (argc < 2)
		return cli_usage_error(command, "name a subcommand: reset, history or undo");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		offsets_usage(stdout);
		return CLI_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof subcommands / sizeof subcommands[0]; i++) {
		if (strcmp(argv[1], subcommands[i].name) == 0) {
			struct cli_command sub = *command;
			char name[64];

			snprintf(name, sizeof name, "%s %s", command->name, subcommands[i].name);
			sub.name = name;
			return subcommands[i].run(&sub, argc - 1, argv + 1);
		}
	}
	return cli_usage_error(command, "unknown subcommand '%s' (use reset, history or undo)",
	                       argv[1]);
}
