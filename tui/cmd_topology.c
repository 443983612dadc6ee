/* cmd_topology: kfleet topology export — the fleet's producers, topics and consumers,
 * cut to what an incident needs, as SVG, PNG, PDF, DOT (laid out by Graphviz) or JSON. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kfleet/topology.h"
#include "kfleet/topology_render.h"
#include "tui/cli.h"
#include "tui/cmd_topology.h"

static void
topology_usage(FILE *out)
{
	fprintf(out,
	        "usage: kfleet topology export [--team T] [--service S] [--cluster C] [--topic T]\n"
	        "                              [--depth N] --format svg|png|pdf|dot|json\n"
	        "                              [-o FILE] [--catalog FILE]\n"
	        "\n"
	        "Who produces and consumes what: services (grouped by team), topics (grouped by\n"
	        "cluster) and the consumer groups and principals no service claims, linked by\n"
	        "consumer-group offsets, ACL grants and produces declarations; consumers coloured\n"
	        "by their lag status. --team, --service and --topic choose nodes and --depth keeps\n"
	        "their neighbourhood (default %d hops); --cluster keeps one cluster. Laid out by\n"
	        "Graphviz (dot; sfdp above %d nodes).\n"
	        "\n"
	        "  --team T           the services of team T\n"
	        "  --service S        service S\n"
	        "  --cluster C        only cluster C's topics, groups and principals\n"
	        "  --topic T          topic T (on every cluster, or on --cluster)\n"
	        "  --depth N          hops from the chosen nodes (default %d)\n"
	        "  --format FORMAT    svg, png, pdf, dot or json ({nodes: [...], edges: [...]})\n"
	        "  -o, --output FILE  write to FILE (default: standard output; png and pdf need -o\n"
	        "                     on a terminal)\n"
	        "  --catalog FILE     the catalog (default: $KFLEET_CATALOG, else %s)\n"
	        "  -h, --help         show this help and exit\n",
	        TOPOLOGY_DEFAULT_DEPTH, TOPOLOGY_SFDP_ABOVE, TOPOLOGY_DEFAULT_DEPTH,
	        CLI_DEFAULT_CATALOG);
}

/* Write LENGTH bytes of DATA to PATH (NULL: standard output). Returns the exit status. */
static int
topology_write(const struct cli_command *command, const char *path, const char *data,
               size_t length)
{
	FILE *out = path != NULL ? fopen(path, "wb") : stdout;

	if (out == NULL) {
		fprintf(stderr, "kfleet %s: -o %s: %s\n", command->name, path, strerror(errno));
		return CLI_EXIT_FAILED;
	}
	if (fwrite(data, 1, length, out) != length || fflush(out) != 0 ||
	    (path != NULL && fclose(out) != 0)) {
		fprintf(stderr, "kfleet %s: writing %s failed: %s\n", command->name,
		        path != NULL ? path : "standard output", strerror(errno));
		return CLI_EXIT_FAILED;
	}
	return CLI_EXIT_OK;
}

static int
topology_export(const struct cli_command *command, int argc, char **argv)
{
	enum { OPT_TEAM = 256, OPT_SERVICE, OPT_CLUSTER, OPT_TOPIC, OPT_DEPTH, OPT_FORMAT,
	       OPT_CATALOG };
	static const struct option options[] = {
		{ .name = "team", .has_arg = required_argument, .val = OPT_TEAM },
		{ .name = "service", .has_arg = required_argument, .val = OPT_SERVICE },
		{ .name = "cluster", .has_arg = required_argument, .val = OPT_CLUSTER },
		{ .name = "topic", .has_arg = required_argument, .val = OPT_TOPIC },
		{ .name = "depth", .has_arg = required_argument, .val = OPT_DEPTH },
		{ .name = "format", .has_arg = required_argument, .val = OPT_FORMAT },
		{ .name = "output", .has_arg = required_argument, .val = 'o' },
		{ .name = "catalog", .has_arg = required_argument, .val = OPT_CATALOG },
		{ .name = "help", .has_arg = no_argument, .val = 'h' },
		{ 0 },
	};
	struct topology_filter filter = { .depth = -1 };
	enum topology_format format = TOPOLOGY_FORMAT_SVG;
	const char *catalog = NULL, *output = NULL, *format_name = NULL;
	struct topology *topology;
	struct store *store;
	char *data = NULL, *err = NULL, *end;
	size_t length = 0;
	int opt, status;
	long depth;

	opterr = 0;
	optind = 0;
	while ((opt = getopt_long(argc, argv, ":ho:", options, NULL)) != -1) {
		if (opt == 'h') {
			topology_usage(stdout);
			return CLI_EXIT_OK;
		} else if (opt == OPT_TEAM) {
			filter.team = optarg;
		} else if (opt == OPT_SERVICE) {
			filter.service = optarg;
		} else if (opt == OPT_CLUSTER) {
			filter.cluster = optarg;
		} else if (opt == OPT_TOPIC) {
			filter.topic = optarg;
		} else if (opt == OPT_DEPTH) {
			errno = 0;
			depth = strtol(optarg, &end, 10);
			if (errno != 0 || end == optarg || *end != '\0' || depth < 0 || depth > 100)
				return cli_usage_error(command, "--depth %s: write a number of hops from 0 "
				                       "to 100", optarg);
			filter.depth = (int)depth;
		} else if (opt == OPT_FORMAT) {
			format_name = optarg;
			if (strcmp(optarg, "json") != 0 && topology_format_parse(optarg, &format) < 0)
				return cli_usage_error(command, "unknown format '%s' (use svg, png, pdf, dot or "
				                       "json)", optarg);
		} else if (opt == 'o') {
			output = optarg;
		} else if (opt == OPT_CATALOG) {
			catalog = optarg;
		} else {
			return cli_option_error(command, opt, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error(command, "unexpected argument '%s'", argv[optind]);
	if (format_name == NULL)
		return cli_usage_error(command, "which format? give --format svg, png, pdf, dot or json");
	if (output == NULL && (format == TOPOLOGY_FORMAT_PNG || format == TOPOLOGY_FORMAT_PDF) &&
	    strcmp(format_name, "json") != 0 && isatty(STDOUT_FILENO))
		return cli_usage_error(command, "%s is binary: write it to a file with -o FILE",
		                       format_name);

	store = cli_open_catalog(command, catalog, false);
	if (store == NULL)
		return CLI_EXIT_FAILED;
	topology = topology_build(store, &filter, &err);
	store_close(store);
	if (topology == NULL) {
		fprintf(stderr, "kfleet %s: %s\n", command->name, err);
		free(err);
		return CLI_EXIT_FAILED;
	}
	if (topology->node_count == 0 && (filter.team || filter.service || filter.topic))
		fprintf(stderr, "kfleet %s: nothing in the catalog matches%s%s%s%s%s%s: the graph is "
		        "empty\n", command->name,
		        filter.team ? " team " : "", filter.team ? filter.team : "",
		        filter.service ? " service " : "", filter.service ? filter.service : "",
		        filter.topic ? " topic " : "", filter.topic ? filter.topic : "");
	if (strcmp(format_name, "json") == 0) {
		json_t *json = topology_json(topology);

		data = json != NULL ? json_dumps(json, JSON_INDENT(2)) : NULL;
		json_decref(json);
		if (data == NULL) {
			err = strdup("out of memory");
		} else {
			length = strlen(data);
			data[length++] = '\n';      /* json_dumps' NUL: the text ends with a newline */
		}
	} else if (topology_render(topology, format, &data, &length, &err) < 0) {
		data = NULL;
	}
	topology_free(topology);
	if (data == NULL) {
		fprintf(stderr, "kfleet %s: %s\n", command->name, err != NULL ? err : "out of memory");
		free(err);
		return CLI_EXIT_FAILED;
	}
	status = topology_write(command, output, data, length);
	free(data);
	return status;
}

int
cmd_topology_run(const struct cli_command *command, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error(command, "name a subcommand: export");
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		topology_usage(stdout);
		return CLI_EXIT_OK;
	}
	if (strcmp(argv[1], "export") == 0) {
		struct cli_command sub = *command;

		sub.name = "topology export";
		return topology_export(&sub, argc - 1, argv + 1);
	}
	return cli_usage_error(command, "unknown subcommand '%s' (use export)", argv[1]);
}
