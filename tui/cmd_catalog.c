/* cmd_catalog: load the ownership YAML into the catalog, and write it back out. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kfleet/ownership.h"
#include "tui/cli.h"
#include "tui/cmd_catalog.h"

static void
catalog_usage(FILE *out)
{
	fprintf(out,
	        "usage: kfleet catalog import [--catalog FILE] YAML...\n"
	        "       kfleet catalog export [--catalog FILE] [-o FILE]\n"
	        "\n"
	        "import replaces the catalog's ownership (teams, services, their Kafka identities,\n"
	        "topic owners and tags) with what the YAML files declare, all or nothing; see\n"
	        "kfleet-ownership(5). '-' reads standard input. export writes it back as YAML.\n"
	        "\n"
	        "  --catalog FILE   the catalog (default: $KFLEET_CATALOG, else %s)\n"
	        "  -o, --output FILE  export: write to FILE instead of standard output\n"
	        "  -h, --help       show this help and exit\n",
	        CLI_DEFAULT_CATALOG);
}

static int
catalog_import(const struct cli_command *command, const char *catalog, int count,
               char **files)
{
	struct ownership_summary summary = { 0 };
	struct store *store;
	char *err = NULL;
	int status = CLI_EXIT_OK;

	if (count == 0)
		return cli_usage_error(command, "import needs at least one YAML file");
	store = cli_open_catalog(command, catalog, true);
	if (store == NULL)
		return CLI_EXIT_FAILED;
	if (ownership_import(store, (const char *const *)files, (size_t)count, &summary, &err) < 0) {
		/* A bad file is bad input; a catalog that cannot be written is a run-time failure. */
		fprintf(stderr, "kfleet %s: %s\n", command->name, err);
		status = strncmp(err, "catalog ", 8) == 0 ? CLI_EXIT_FAILED : CLI_EXIT_USAGE;
		free(err);
	} else {
		printf("imported %zu team%s, %zu service%s and %zu topic%s from %zu file%s "
		       "(%zu document%s ignored): %lld row%s changed\n",
		       summary.teams, summary.teams == 1 ? "" : "s",
		       summary.services, summary.services == 1 ? "" : "s",
		       summary.topics, summary.topics == 1 ? "" : "s",
		       summary.files, summary.files == 1 ? "" : "s",
		       summary.ignored, summary.ignored == 1 ? "" : "s",
		       summary.changes, summary.changes == 1 ? "" : "s");
	}
	store_close(store);
	return status;
}

static int
catalog_export(const struct cli_command *command, const char *catalog, const char *output)
{
	struct store *store = cli_open_catalog(command, catalog, false);
	FILE *out = stdout;
	char *err = NULL;
	int status = CLI_EXIT_OK;

	if (store == NULL)
		return CLI_EXIT_FAILED;
	if (output != NULL && (out = fopen(output, "w")) == NULL) {
		fprintf(stderr, "kfleet %s: %s: %s\n", command->name, output, strerror(errno));
		store_close(store);
		return CLI_EXIT_FAILED;
	}
	if (ownership_export(store, out, &err) < 0) {
		fprintf(stderr, "kfleet %s: %s\n", command->name, err);
		free(err);
		status = CLI_EXIT_FAILED;
	}
	if ((out != stdout ? fclose(out) : fflush(out)) != 0 && status == CLI_EXIT_OK) {
		fprintf(stderr, "kfleet %s: writing %s failed\n", command->name,
		        output ? output : "standard output");
		status = CLI_EXIT_FAILED;
	}
	store_close(store);
	return status;
}

/* Take the options of ARGV, up to the first other argument when OPTSTRING starts with '+',
 * into *CATALOG and *OUTPUT. Returns -1 to go on, or the exit status. */
static int
catalog_options(const struct cli_command *command, int argc, char **argv,
                const char *optstring, const char **catalog, const char **output)
{
	enum { OPT_CATALOG = 256 };
	static const struct option options[] = {
		{ .name = "catalog", .has_arg = required_argument, .val = OPT_CATALOG },
		{ .name = "output", .has_arg = required_argument, .val = 'o' },
		{ .name = "help", .has_arg = no_argument, .val = 'h' },
		{ 0 },
	};
	int opt;

	while ((opt = getopt_long(argc, argv, optstring, options, NULL)) != -1) {
		if (opt == 'h') {
			catalog_usage(stdout);
			return CLI_EXIT_OK;
		} else if (opt == OPT_CATALOG) {
			*catalog = optarg;
		} else if (opt == 'o') {
			*output = optarg;
		} else {
			return cli_option_error(command, opt, argv);
		}
	}
	return -1;
}

int
cmd_catalog_run(const struct cli_command *command, int argc, char **argv)
{
	const char *catalog = NULL, *output = NULL, *action;
	int status;

	opterr = 0;
	optind = 0;
	/* Options may come before the action ('+' stops there) and after it. */
	if ((status = catalog_options(command, argc, argv, "+:ho:", &catalog, &output)) >= 0)
		return status;
	if (optind >= argc)
		return cli_usage_error(command, "name an action: import or export");
	action = argv[optind];
	argc -= optind;
	argv += optind;
	optind = 0;
	if ((status = catalog_options(command, argc, argv, ":ho:", &catalog, &output)) >= 0)
		return status;
	if (strcmp(action, "import") == 0) {
		if (output != NULL)
			return cli_usage_error(command, "--output applies to export only");
		return catalog_import(command, catalog, argc - optind, argv + optind);
	}
	if (strcmp(action, "export") == 0) {
		if (optind < argc)
			return cli_usage_error(command, "unexpected argument '%s'", argv[optind]);
		return catalog_export(command, catalog, output);
	}
	return cli_usage_error(command, "unknown action '%s' (use import or export)", action);
}
