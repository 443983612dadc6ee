/* cmd_list: kfleet clusters | topics | groups | lag | acls | quotas | services | teams.
 * One function serves them all; what differs is a row of the table below. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kfleet/listing.h"
#include "tui/cli.h"
#include "tui/cmd_list.h"
#include "tui/output.h"

#define COLUMNS(...) \
	.columns = (const struct output_column[]){ __VA_ARGS__ }, \
	.column_count = sizeof((const struct output_column[]){ __VA_ARGS__ }) / \
	                sizeof(struct output_column)

/* Kinds of table column: plain text, a number (right-aligned), a name or list that may be
 * cut to fit the terminal; then optionally `.drop = N` for a column a narrow terminal
 * goes without (the highest N first). */
#define TEXT(f, h, ...) { .field = f, .heading = h, __VA_ARGS__ }
#define NUMBER(f, h, ...) { .field = f, .heading = h, .right = true, __VA_ARGS__ }
#define NAME(f, h, ...) { .field = f, .heading = h, .shrinks = true, __VA_ARGS__ }

struct list_view {
	enum listing_kind kind;
	const struct output_column *columns;
	size_t column_count;
};

static const struct list_view list_views[LISTING_KIND_COUNT] = {
	[LISTING_CLUSTERS] = { LISTING_CLUSTERS, COLUMNS(
		TEXT("cluster", "CLUSTER"), TEXT("status", "STATUS"),
		NUMBER("brokers", "BROKERS", .drop = 3), NUMBER("topics", "TOPICS"),
		NUMBER("partitions", "PARTITIONS", .drop = 2), NUMBER("groups", "GROUPS"),
		TEXT("last_collected", "LAST COLLECTED", .drop = 1), NAME("error", "ERROR")) },
	[LISTING_TOPICS] = { LISTING_TOPICS, COLUMNS(
		TEXT("cluster", "CLUSTER"), NAME("topic", "TOPIC"),
		NUMBER("partitions", "PARTITIONS"),
		NUMBER("replication_factor", "RF", .drop = 2),
		NUMBER("under_replicated", "UNDER-REPLICATED"),
		NAME("team", "TEAM", .drop = 1), NAME("service", "SERVICE", .drop = 3),
		NAME("tags", "TAGS", .drop = 4)) },
	[LISTING_GROUPS] = { LISTING_GROUPS, COLUMNS(
		TEXT("cluster", "CLUSTER"), NAME("group", "GROUP"),
		TEXT("state", "STATE", .drop = 2), NUMBER("members", "MEMBERS", .drop = 3),
		NUMBER("lag", "LAG"), NUMBER("max_time_lag_seconds", "TIME LAG (s)"),
		TEXT("status", "STATUS"), NAME("service", "SERVICE", .drop = 1),
		NAME("team", "TEAM", .drop = 4)) },
	[LISTING_LAG] = { LISTING_LAG, COLUMNS(
		TEXT("cluster", "CLUSTER"), NAME("group", "GROUP"),
		TEXT("status", "STATUS"), NUMBER("lag", "LAG"),
		NUMBER("max_time_lag_seconds", "TIME LAG (s)"),
		TEXT("state", "STATE", .drop = 2), NUMBER("members", "MEMBERS", .drop = 3),
		NAME("service", "SERVICE", .drop = 1), NAME("team", "TEAM", .drop = 4)) },
	[LISTING_LAG_PARTITIONS] = { LISTING_LAG_PARTITIONS, COLUMNS(
		TEXT("cluster", "CLUSTER"), NAME("group", "GROUP"), NAME("topic", "TOPIC"),
		NUMBER("partition", "PARTITION"),
		NUMBER("committed_offset", "COMMITTED", .drop = 3),
		NUMBER("log_end_offset", "LOG END", .drop = 2), NUMBER("lag", "LAG"),
		NUMBER("time_lag_seconds", "TIME LAG (s)"),
		TEXT("status", "GROUP STATUS", .drop = 1),
		NAME("service", "SERVICE", .drop = 4), NAME("team", "TEAM", .drop = 5)) },
	[LISTING_ACLS] = { LISTING_ACLS, COLUMNS(
		TEXT("cluster", "CLUSTER"), NAME("principal", "PRINCIPAL"),
		TEXT("permission", "PERMISSION"), TEXT("operation", "OPERATION"),
		TEXT("resource_type", "RESOURCE TYPE"), NAME("resource_name", "RESOURCE"),
		TEXT("pattern_type", "PATTERN", .drop = 2), TEXT("host", "HOST", .drop = 3),
		NAME("service", "SERVICE", .drop = 1)) },
	[LISTING_QUOTAS] = { LISTING_QUOTAS, COLUMNS(
		TEXT("cluster", "CLUSTER"),
		NAME("entity", "ENTITY", .null_text = "<default>"), NAME("quotas", "QUOTAS")) },
	[LISTING_SERVICES] = { LISTING_SERVICES, COLUMNS(
		NAME("service", "SERVICE"), TEXT("team", "TEAM"),
		TEXT("lifecycle", "LIFECYCLE", .drop = 1),
		NAME("consumer_groups", "CONSUMER GROUPS"),
		NAME("principals", "PRINCIPALS", .drop = 3),
		NAME("produces", "PRODUCES", .drop = 2)) },
	[LISTING_TEAMS] = { LISTING_TEAMS, COLUMNS(
		TEXT("team", "TEAM"), NAME("email", "EMAIL", .drop = 1),
		NAME("services", "SERVICES")) },
};

/* The filters, each an option named after the field it filters on. */
enum list_filter_option { LIST_CLUSTER, LIST_TEAM, LIST_SERVICE, LIST_GROUP, LIST_TOPIC,
	                  LIST_FILTER_COUNT };
static const char *const list_filter_fields[LIST_FILTER_COUNT] = {
	[LIST_CLUSTER] = "cluster", [LIST_TEAM] = "team", [LIST_SERVICE] = "service",
	[LIST_GROUP] = "group", [LIST_TOPIC] = "topic",
};

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
		fprintf(out, " [--by group|partition]");
	fprintf(out, "\n\n%s.\n\n", command->summary);
	fprintf(out,
	        "  --catalog FILE   the catalog (default: $KFLEET_CATALOG, else %s)\n"
	        "  --format FORMAT  table (default; fits the terminal), json or csv\n"
	        "  --cluster, --team, --service, --group, --topic NAME\n"
	        "                   only rows with that value (ownership resolved)\n",
	        CLI_DEFAULT_CATALOG);
	if (kind == LISTING_LAG)
		fprintf(out, "  --by partition   one row per group and partition instead of per group\n");
	fprintf(out, "  -h, --help       show this help and exit\n");
}

int
cmd_list_run(const struct cli_command *command, int argc, char **argv)
{
	enum { OPT_CATALOG = 256, OPT_FORMAT, OPT_BY, OPT_FILTER };
	static const struct option options[] = {
		{ .name = "catalog", .has_arg = required_argument, .val = OPT_CATALOG },
		{ .name = "format", .has_arg = required_argument, .val = OPT_FORMAT },
		{ .name = "by", .has_arg = required_argument, .val = OPT_BY },
		{ .name = "cluster", .has_arg = required_argument, .val = OPT_FILTER + LIST_CLUSTER },
		{ .name = "team", .has_arg = required_argument, .val = OPT_FILTER + LIST_TEAM },
		{ .name = "service", .has_arg = required_argument, .val = OPT_FILTER + LIST_SERVICE },
		{ .name = "group", .has_arg = required_argument, .val = OPT_FILTER + LIST_GROUP },
		{ .name = "topic", .has_arg = required_argument, .val = OPT_FILTER + LIST_TOPIC },
		{ .name = "help", .has_arg = no_argument, .val = 'h' },
		{ 0 },
	};
	enum listing_kind kind = (enum listing_kind)command->kind;
	enum output_format format = OUTPUT_TABLE;
	const char *catalog = NULL, *values[LIST_FILTER_COUNT] = { 0 };
	const struct list_view *view;
	struct listing_filter filter;
	const char *const *fields;
	size_t field_count;
	struct store *store;
	json_t *rows;
	char *err = NULL;
	int opt, status;

	opterr = 0;
	optind = 0;
	while ((opt = getopt_long(argc, argv, ":h", options, NULL)) != -1) {
		if (opt == 'h') {
			list_usage(command, stdout);
			return CLI_EXIT_OK;
		} else if (opt == OPT_CATALOG) {
			catalog = optarg;
		} else if (opt == OPT_FORMAT) {
			if (output_format_parse(optarg, &format) < 0)
				return cli_usage_error(command, "unknown format '%s' (use table, json "
				                       "or csv)", optarg);
		} else if (opt == OPT_BY) {
			if (command->kind != LISTING_LAG)
				return cli_usage_error(command, "--by applies to kfleet lag only");
			if (strcmp(optarg, "partition") == 0)
				kind = LISTING_LAG_PARTITIONS;
			else if (strcmp(optarg, "group") != 0)
				return cli_usage_error(command, "--by %s: use group or partition", optarg);
		} else if (opt >= OPT_FILTER && opt < OPT_FILTER + LIST_FILTER_COUNT) {
			values[opt - OPT_FILTER] = optarg;
		} else {
			return cli_option_error(command, opt, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error(command, "unexpected argument '%s'", argv[optind]);
	for (int f = 0; f < LIST_FILTER_COUNT; f++)
		if (values[f] != NULL && !listing_has_field(kind, list_filter_fields[f]))
			return cli_usage_error(command, "--%s does not apply here%s",
			                       list_filter_fields[f],
			                       kind == LISTING_LAG ? " (but to --by partition)" : "");

	store = cli_open_catalog(command, catalog, false);
	if (store == NULL)
		return CLI_EXIT_FAILED;
	filter = (struct listing_filter){
		.cluster = values[LIST_CLUSTER], .team = values[LIST_TEAM],
		.service = values[LIST_SERVICE], .group = values[LIST_GROUP],
		.topic = values[LIST_TOPIC],
	};
	rows = listing_query(store, kind, &filter, &err);
	if (rows == NULL) {
		fprintf(stderr, "kfleet %s: %s\n", command->name, err);
		free(err);
		store_close(store);
		return CLI_EXIT_FAILED;
	}
	view = &list_views[kind];
	fields = listing_fields(kind, &field_count);
	status = CLI_EXIT_OK;
	if (output_rows(stdout, rows, format, fields, field_count, view->columns,
	                view->column_count, output_width(stdout)) < 0 || fflush(stdout) != 0) {
		fprintf(stderr, "kfleet %s: writing the listing failed\n", command->name);
		status = CLI_EXIT_FAILED;
	}
	json_decref(rows);
	store_close(store);
	return status;
}
