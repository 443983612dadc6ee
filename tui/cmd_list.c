/* cmd_list: kfleet clusters | brokers | topics | partitions | groups | members | lag | acls |
 * quotas | services | teams.
 * One function serves them all; what differs is a row of the table below. kfleet lag
 * adds a status filter, a verdict for scripts (--fail-on) and a refresh (--watch). */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kfleet/lag.h"
#include "kfleet/listing.h"
#include "tui/cli.h"
#include "tui/cmd_list.h"
#include "tui/output.h"
#include "tui/watch.h"

#define COLUMNS(...) \
	.columns = (const struct output_column[]){ __VA_ARGS__ }, \
	.column_count = sizeof((const struct output_column[]){ __VA_ARGS__ }) / \
	                sizeof(struct output_column)

struct list_view {
	enum listing_kind kind;
	const struct output_column *columns;
	size_t column_count;
};

static const struct list_view list_views[LISTING_KIND_COUNT] = {
	[LISTING_CLUSTERS] = { LISTING_CLUSTERS, COLUMNS(
		OUTPUT_TEXT("cluster", "CLUSTER"), OUTPUT_TEXT("status", "STATUS"),
		OUTPUT_NUMBER("brokers", "BROKERS", .drop = 3), OUTPUT_NUMBER("topics", "TOPICS"),
		OUTPUT_NUMBER("partitions", "PARTITIONS", .drop = 2), OUTPUT_NUMBER("groups", "GROUPS"),
		OUTPUT_TEXT("last_collected", "LAST COLLECTED", .drop = 1), OUTPUT_NAME("error", "ERROR")) },
	[LISTING_BROKERS] = { LISTING_BROKERS, COLUMNS(
		OUTPUT_TEXT("cluster", "CLUSTER"), OUTPUT_NUMBER("broker", "BROKER"), OUTPUT_NAME("host", "HOST"),
		OUTPUT_NUMBER("port", "PORT", .drop = 2), OUTPUT_TEXT("rack", "RACK", .drop = 1),
		OUTPUT_TEXT("controller", "CONTROLLER")) },
	[LISTING_TOPICS] = { LISTING_TOPICS, COLUMNS(
		OUTPUT_TEXT("cluster", "CLUSTER"), OUTPUT_NAME("topic", "TOPIC"),
		OUTPUT_NUMBER("partitions", "PARTITIONS"),
		OUTPUT_NUMBER("replication_factor", "RF", .drop = 2),
		OUTPUT_NUMBER("under_replicated", "UNDER-REPLICATED"),
		OUTPUT_NAME("team", "TEAM", .drop = 1), OUTPUT_NAME("service", "SERVICE", .drop = 3),
		OUTPUT_NAME("tags", "TAGS", .drop = 4)) },
	[LISTING_PARTITIONS] = { LISTING_PARTITIONS, COLUMNS(
		OUTPUT_TEXT("cluster", "CLUSTER"), OUTPUT_NAME("topic", "TOPIC"),
		OUTPUT_NUMBER("partition", "PARTITION"), OUTPUT_NUMBER("leader", "LEADER", .null_text = "none"),
		OUTPUT_NAME("replicas", "REPLICAS"), OUTPUT_NAME("isr", "ISR"),
		OUTPUT_TEXT("under_replicated", "UNDER-REPLICATED", .drop = 1),
		OUTPUT_NUMBER("log_start_offset", "LOG START", .drop = 3),
		OUTPUT_NUMBER("log_end_offset", "LOG END", .drop = 2),
		OUTPUT_NAME("team", "TEAM", .drop = 4), OUTPUT_NAME("service", "SERVICE", .drop = 5)) },
	[LISTING_GROUPS] = { LISTING_GROUPS, COLUMNS(
		OUTPUT_TEXT("cluster", "CLUSTER"), OUTPUT_NAME("group", "GROUP"),
		OUTPUT_TEXT("state", "STATE", .drop = 2), OUTPUT_NUMBER("members", "MEMBERS", .drop = 3),
		OUTPUT_NUMBER("lag", "LAG"), OUTPUT_NUMBER("max_time_lag_seconds", "TIME LAG (s)"),
		OUTPUT_TEXT("status", "STATUS"), OUTPUT_NAME("service", "SERVICE", .drop = 1),
		OUTPUT_NAME("team", "TEAM", .drop = 4)) },
	[LISTING_MEMBERS] = { LISTING_MEMBERS, COLUMNS(
		OUTPUT_TEXT("cluster", "CLUSTER"), OUTPUT_NAME("group", "GROUP"),
		OUTPUT_NAME("member_id", "MEMBER ID"),
		OUTPUT_NAME("client_id", "CLIENT ID", .drop = 2), OUTPUT_TEXT("host", "HOST", .drop = 3),
		OUTPUT_NAME("assignments", "ASSIGNMENTS"), OUTPUT_NAME("service", "SERVICE", .drop = 4),
		OUTPUT_NAME("team", "TEAM", .drop = 5)) },
	[LISTING_LAG] = { LISTING_LAG, COLUMNS(
		OUTPUT_TEXT("cluster", "CLUSTER"), OUTPUT_NAME("group", "GROUP"),
		OUTPUT_TEXT("status", "STATUS"), OUTPUT_NUMBER("lag", "LAG"),
		OUTPUT_NUMBER("max_time_lag_seconds", "TIME LAG (s)"),
		OUTPUT_TEXT("state", "STATE", .drop = 2), OUTPUT_NUMBER("members", "MEMBERS", .drop = 3),
		OUTPUT_NAME("service", "SERVICE", .drop = 1), OUTPUT_NAME("team", "TEAM", .drop = 4)) },
	[LISTING_LAG_PARTITIONS] = { LISTING_LAG_PARTITIONS, COLUMNS(
		OUTPUT_TEXT("cluster", "CLUSTER"), OUTPUT_NAME("group", "GROUP"), OUTPUT_NAME("topic", "TOPIC"),
		OUTPUT_NUMBER("partition", "PARTITION"),
		OUTPUT_NUMBER("committed_offset", "COMMITTED", .drop = 3),
		OUTPUT_NUMBER("log_end_offset", "LOG END", .drop = 2), OUTPUT_NUMBER("lag", "LAG"),
		OUTPUT_NUMBER("time_lag_seconds", "TIME LAG (s)"),
		OUTPUT_TEXT("status", "GROUP STATUS", .drop = 1),
		OUTPUT_NAME("service", "SERVICE", .drop = 4), OUTPUT_NAME("team", "TEAM", .drop = 5)) },
	[LISTING_ACLS] = { LISTING_ACLS, COLUMNS(
		OUTPUT_TEXT("cluster", "CLUSTER"), OUTPUT_NAME("principal", "PRINCIPAL"),
		OUTPUT_TEXT("permission", "PERMISSION"), OUTPUT_TEXT("operation", "OPERATION"),
		OUTPUT_TEXT("resource_type", "RESOURCE TYPE"), OUTPUT_NAME("resource_name", "RESOURCE"),
		OUTPUT_TEXT("pattern_type", "PATTERN", .drop = 2), OUTPUT_TEXT("host", "HOST", .drop = 3),
		OUTPUT_NAME("service", "SERVICE", .drop = 1)) },
	[LISTING_QUOTAS] = { LISTING_QUOTAS, COLUMNS(
		OUTPUT_TEXT("cluster", "CLUSTER"),
		OUTPUT_NAME("entity", "ENTITY", .null_text = "<default>"), OUTPUT_NAME("quotas", "QUOTAS")) },
	[LISTING_SERVICES] = { LISTING_SERVICES, COLUMNS(
		OUTPUT_NAME("service", "SERVICE"), OUTPUT_TEXT("team", "TEAM"),
		OUTPUT_TEXT("lifecycle", "LIFECYCLE", .drop = 1),
		OUTPUT_NAME("consumer_groups", "CONSUMER GROUPS"),
		OUTPUT_NAME("principals", "PRINCIPALS", .drop = 3),
		OUTPUT_NAME("produces", "PRODUCES", .drop = 2)) },
	/* kfleet offsets history's */
	[LISTING_OFFSET_RESETS] = { LISTING_OFFSET_RESETS, COLUMNS(
		OUTPUT_NUMBER("id", "ID"), OUTPUT_TEXT("time", "TIME"), OUTPUT_TEXT("cluster", "CLUSTER"),
		OUTPUT_NAME("group", "GROUP"), OUTPUT_NAME("mode", "MODE"), OUTPUT_TEXT("outcome", "OUTCOME"),
		OUTPUT_TEXT("user", "USER", .drop = 2), OUTPUT_TEXT("host", "HOST", .drop = 1),
		OUTPUT_NAME("partitions", "PARTITIONS", .drop = 3)) },
	[LISTING_TEAMS] = { LISTING_TEAMS, COLUMNS(
		OUTPUT_TEXT("team", "TEAM"), OUTPUT_NAME("email", "EMAIL", .drop = 1),
		OUTPUT_NAME("services", "SERVICES")) },
};

/* The filters, each an option named after the field it filters on. */
enum list_filter_option { LIST_CLUSTER, LIST_TEAM, LIST_SERVICE, LIST_GROUP, LIST_TOPIC,
	                  LIST_FILTER_COUNT };
static const char *const list_filter_fields[LIST_FILTER_COUNT] = {
	[LIST_CLUSTER] = "cluster", [LIST_TEAM] = "team", [LIST_SERVICE] = "service",
	[LIST_GROUP] = "group", [LIST_TOPIC] = "topic",
};

/* What each status means, for kfleet lag --help (lag.h's rules, shortened). */
static const char *const list_status_meanings[LAG_STATUS_COUNT] = {
	[LAG_STATUS_OK] = "caught up within the window, or lag not growing",
	[LAG_STATUS_WARNING] = "lag grew across the whole window",
	[LAG_STATUS_REWIND] = "a committed offset went backwards",
	[LAG_STATUS_STALLED] = "members, but the committed offset does not move while lag > 0",
	[LAG_STATUS_STOPPED] = "no member, no commit for lag.stopped_after (10m), the topic moved",
};

/* "OK, WARNING, REWIND, STALLED, STOPPED or ERROR": the names --status and --fail-on
 * take, lag.h's statuses and its ERROR set, for usage errors. */
static const char *
list_status_names(void)
{
	static char names[96];  /* room for twice as many */
	size_t length = 0;

	for (int status = 0; status < LAG_STATUS_COUNT; status++) {
		const char *name = lag_status_name((enum lag_status)status);

		if (name != NULL)
			length += (size_t)snprintf(names + length, sizeof names - length, "%s, ", name);
	}
	snprintf(names + length - 2, sizeof names - (length - 2), " or ERROR");
	return names;
}

static void
list_lag_usage(FILE *out)
{
	fprintf(out,
	        "  --by partition   one row per group and partition instead of per group\n"
	        "  --status LIST    only groups whose status is in LIST: comma-separated names,\n"
	        "                   any case; ERROR stands for REWIND,STALLED,STOPPED\n"
	        "  --fail-on STATUS exit 1 when a row shown is at STATUS or worse (ERROR: at\n"
	        "                   REWIND or worse) or not yet evaluated, or when no row is shown\n"
	        "  --watch SECONDS  print again every SECONDS (0.1 to 86400, e.g. 5 or 0.5) until\n"
	        "                   SIGINT or SIGTERM; with --fail-on, exit 0 at the first refresh\n"
	        "                   that has rows and none failing\n");
}

static void
list_lag_epilogue(FILE *out)
{
	fprintf(out, "\nStatuses, best to worst (a group has its worst partition's; null: not yet "
	        "evaluated):\n");
	for (int status = 0; status < LAG_STATUS_COUNT; status++)
		if (lag_status_name((enum lag_status)status) != NULL)
			fprintf(out, "  %-8s %s\n", lag_status_name((enum lag_status)status),
			        list_status_meanings[status]);
	fprintf(out,
	        "\n"
	        "Exit status: 0 done; 1 --fail-on failed, or a run-time failure (catalog);\n"
	        "2 bad usage. Fields, order, time lag and the rules: kfleet(1).\n"
	        "\n"
	        "After a rebuild, wait until the group has caught up, for 10 minutes at most:\n"
	        "  timeout 600 kfleet lag --group G --watch 5 --fail-on WARNING\n");
}

static void
list_usage(const struct cli_command *command, FILE *out)
{
	enum listing_kind kind = (enum listing_kind)command->kind;

	fprintf(out, "usage: kfleet %s [--catalog FILE] [--format table|json|csv]", command->name);
	for (int f = 0; f < LIST_FILTER_COUNT; f++) {
		if (listing_has_field(kind, list_filter_fields[f]) ||
		    (kind == LISTING_LAG && listing_has_field(LISTING_LAG_PARTITIONS,
		                                              list_filter_fields[f])))
			fprintf(out, " [--%s NAME]", list_filter_fields[f]);
	}
	if (kind == LISTING_LAG)
		fprintf(out, " [--by group|partition] [--status LIST] [--fail-on STATUS]"
		        " [--watch SECONDS]");
	fprintf(out, "\n\n%s.\n\n", command->summary);
	fprintf(out,
	        "  --catalog FILE   the catalog (default: $KFLEET_CATALOG, else %s)\n"
	        "  --format FORMAT  table (default; fits the terminal), json or csv\n"
	        "  --cluster, --team, --service, --group, --topic NAME\n"
	        "                   only rows with that value (ownership resolved)\n",
	        CLI_DEFAULT_CATALOG);
	if (kind == LISTING_LAG)
		list_lag_usage(out);
	fprintf(out, "  -h, --help       show this help and exit\n");
	if (kind == LISTING_LAG)
		list_lag_epilogue(out);
}

/* What to show, and how kfleet lag judges it. */
struct list_request {
	enum listing_kind kind;
	struct listing_filter filter;
	enum output_format format;
	int fail_on;            /* --fail-on: the lowest failing enum lag_status; -1: none */
};

/* Whether ROW is at FAIL_ON or worse; a status not yet evaluated cannot be shown to be
 * fine, so it fails too. */
static bool
list_row_fails(const json_t *row, int fail_on)
{
	const char *name = json_string_value(json_object_get(row, "status"));
	int status = name != NULL ? lag_status_parse(name) : -1;

	return status < 0 || status >= fail_on;
}

const struct output_column *
cmd_list_columns(enum listing_kind kind, size_t *count)
{
	if ((unsigned)kind >= LISTING_KIND_COUNT || list_views[kind].columns == NULL) {
		*count = 0;
		return NULL;
	}
	*count = list_views[kind].column_count;
	return list_views[kind].columns;
}

/* Query REQUEST's listing once and print it; *SHOWN rows, *FAILING of them failing
 * --fail-on (0 without it). Returns 0, or -1 after printing why. */
static int
list_show(const struct cli_command *command, struct store *store,
          const struct list_request *request, size_t *shown, size_t *failing)
{
	const struct list_view *view = &list_views[request->kind];
	const char *const *fields;
	size_t field_count, index;
	json_t *rows, *row;
	char *err = NULL;
	int status = 0;

	rows = listing_query(store, request->kind, &request->filter, &err);
	if (rows == NULL) {
		fprintf(stderr, "kfleet %s: %s\n", command->name, err);
		free(err);
		return -1;
	}
	fields = listing_fields(request->kind, &field_count);
	if (output_rows(stdout, rows, request->format, fields, field_count, view->columns,
	                view->column_count, output_width(stdout)) < 0 || fflush(stdout) != 0) {
		fprintf(stderr, "kfleet %s: writing the listing failed\n", command->name);
		status = -1;
	}
	*shown = json_array_size(rows);
	*failing = 0;
	if (request->fail_on >= 0)
		json_array_foreach(rows, index, row)
			if (list_row_fails(row, request->fail_on))
				(*failing)++;
	json_decref(rows);
	return status;
}

/* A runbook waiting on a group that does not exist must not pass. */
static void
list_report_empty(const struct cli_command *command)
{
	fprintf(stderr, "kfleet %s: no consumer group matches; nothing to check\n", command->name);
}

/* --watch: show REQUEST every INTERVAL_MS until SIGINT or SIGTERM (exit 0, or 1 with
 * --fail-on, whose condition was not met) or, with --fail-on, until a refresh has rows
 * and none failing (exit 0). On a terminal each refresh replaces the last under a header
 * naming ARGV; elsewhere refreshes follow each other, tables and CSV after a blank line. */
static int
list_watch(const struct cli_command *command, struct store *store,
           const struct list_request *request, long interval_ms, int argc, char **argv)
{
	bool terminal = isatty(STDOUT_FILENO), was_empty = false;
	struct watch watch;
	int status;

	if (watch_start(&watch, interval_ms) < 0) {
		fprintf(stderr, "kfleet %s: --watch: %s\n", command->name, strerror(errno));
		return CLI_EXIT_FAILED;
	}
	for (bool first = true;; first = false) {
		size_t shown, failing;

		if (terminal)
			watch_header(stdout, &watch, argc, argv);
		else if (!first && request->format != OUTPUT_JSON)
			putchar('\n');
		if (list_show(command, store, request, &shown, &failing) < 0) {
			status = CLI_EXIT_FAILED;
			break;
		}
		if (request->fail_on >= 0) {
			if (shown > 0 && failing == 0) {
				status = CLI_EXIT_OK;
				break;
			}
			/* Said once while nothing matches, except where the screen is redrawn. */
			if (shown == 0 && (terminal || !was_empty))
				list_report_empty(command);
			was_empty = shown == 0;
		}
		if (!watch_wait(&watch)) {
			status = request->fail_on >= 0 ? CLI_EXIT_FAILED : CLI_EXIT_OK;
			break;
		}
	}
	watch_stop(&watch);
	return status;
}

int
cmd_list_run(const struct cli_command *command, int argc, char **argv)
{
	enum { OPT_CATALOG = 256, OPT_FORMAT, OPT_BY, OPT_STATUS, OPT_FAIL_ON, OPT_WATCH,
	       OPT_FILTER };
	static const struct option options[] = {
		{ .name = "catalog", .has_arg = required_argument, .val = OPT_CATALOG },
		{ .name = "format", .has_arg = required_argument, .val = OPT_FORMAT },
		{ .name = "by", .has_arg = required_argument, .val = OPT_BY },
		{ .name = "status", .has_arg = required_argument, .val = OPT_STATUS },
		{ .name = "fail-on", .has_arg = required_argument, .val = OPT_FAIL_ON },
		{ .name = "watch", .has_arg = required_argument, .val = OPT_WATCH },
		{ .name = "cluster", .has_arg = required_argument, .val = OPT_FILTER + LIST_CLUSTER },
		{ .name = "team", .has_arg = required_argument, .val = OPT_FILTER + LIST_TEAM },
		{ .name = "service", .has_arg = required_argument, .val = OPT_FILTER + LIST_SERVICE },
		{ .name = "group", .has_arg = required_argument, .val = OPT_FILTER + LIST_GROUP },
		{ .name = "topic", .has_arg = required_argument, .val = OPT_FILTER + LIST_TOPIC },
		{ .name = "help", .has_arg = no_argument, .val = 'h' },
		{ 0 },
	};
	struct list_request request = {
		.kind = (enum listing_kind)command->kind, .format = OUTPUT_TABLE, .fail_on = -1,
	};
	const char *catalog = NULL, *values[LIST_FILTER_COUNT] = { 0 };
	long watch_ms = 0;
	struct store *store;
	size_t shown, failing;
	char bad[32];
	int opt, status, option_index = 0;

	opterr = 0;
	optind = 0;
	while ((opt = getopt_long(argc, argv, ":h", options, &option_index)) != -1) {
		if ((opt == OPT_BY || opt == OPT_STATUS || opt == OPT_FAIL_ON || opt == OPT_WATCH) &&
		    command->kind != LISTING_LAG)
			return cli_usage_error(command, "--%s applies to kfleet lag only",
			                       options[option_index].name);
		if (opt == 'h') {
			list_usage(command, stdout);
			return CLI_EXIT_OK;
		} else if (opt == OPT_CATALOG) {
			catalog = optarg;
		} else if (opt == OPT_FORMAT) {
			if (output_format_parse(optarg, &request.format) < 0)
				return cli_usage_error(command, "unknown format '%s' (use table, json "
				                       "or csv)", optarg);
		} else if (opt == OPT_BY) {
			if (strcmp(optarg, "partition") == 0)
				request.kind = LISTING_LAG_PARTITIONS;
			else if (strcmp(optarg, "group") != 0)
				return cli_usage_error(command, "--by %s: use group or partition", optarg);
		} else if (opt == OPT_STATUS) {
			if (lag_status_parse_set(optarg, &request.filter.statuses, bad, sizeof bad) < 0)
				return cli_usage_error(command, "--status %s: '%s' is not a status (use "
				                       "%s)", optarg, bad, list_status_names());
		} else if (opt == OPT_FAIL_ON) {
			if ((request.fail_on = lag_status_parse_threshold(optarg)) < 0)
				return cli_usage_error(command, "--fail-on %s: not a status (use %s)",
				                       optarg, list_status_names());
		} else if (opt == OPT_WATCH) {
			if (watch_parse_interval(optarg, &watch_ms) < 0)
				return cli_usage_error(command, "--watch %s: use seconds from 0.1 to "
				                       "86400, e.g. 5 or 0.5", optarg);
		} else if (opt >= OPT_FILTER && opt < OPT_FILTER + LIST_FILTER_COUNT) {
			values[opt - OPT_FILTER] = optarg;
		} else {
			return cli_option_error(command, opt, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error(command, "unexpected argument '%s'", argv[optind]);
	for (int f = 0; f < LIST_FILTER_COUNT; f++)
		if (values[f] != NULL && !listing_has_field(request.kind, list_filter_fields[f]))
			return cli_usage_error(command, "--%s does not apply here%s",
			                       list_filter_fields[f],
			                       request.kind == LISTING_LAG ? " (but to --by partition)"
			                                                   : "");
	request.filter.cluster = values[LIST_CLUSTER];
	request.filter.team = values[LIST_TEAM];
	request.filter.service = values[LIST_SERVICE];
	request.filter.group = values[LIST_GROUP];
	request.filter.topic = values[LIST_TOPIC];

	store = cli_open_catalog(command, catalog, false);
	if (store == NULL)
		return CLI_EXIT_FAILED;
	if (watch_ms > 0) {
		status = list_watch(command, store, &request, watch_ms, argc, argv);
	} else if (list_show(command, store, &request, &shown, &failing) < 0) {
		status = CLI_EXIT_FAILED;
	} else if (request.fail_on >= 0 && shown == 0) {
		list_report_empty(command);
		status = CLI_EXIT_FAILED;
	} else {
		status = failing > 0 ? CLI_EXIT_FAILED : CLI_EXIT_OK;
	}
	store_close(store);
	return status;
}
