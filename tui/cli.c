/* cli: usage errors and the catalog, the same way for every subcommand. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/cli.h"

int
cli_usage_error(const struct cli_command *command, const char *fmt, ...)
{
	const char *name = command != NULL ? command->name : NULL;
	va_list ap;

	fprintf(stderr, "kfleet%s%s: ", name != NULL ? " " : "", name != NULL ? name : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": see 'kfleet%s%s --help'\n", name != NULL ? " " : "",
	        name != NULL ? name : "");
	return CLI_EXIT_USAGE;
}

int
cli_option_error(const struct cli_command *command, int opt, char **argv)
{
	const char *arg = argv[optind - 1];

	if (opt == ':')
		return cli_usage_error(command, "option '%s' needs a value", arg);
	if (optopt != 0 && strncmp(arg, "--", 2) != 0)
		return cli_usage_error(command, "unknown option '-%c'", optopt);
	return cli_usage_error(command, "unknown option '%s'", arg);
}

const char *
cli_catalog_path(const char *option)
{
	const char *env = getenv("KFLEET_CATALOG");

	if (option != NULL && *option != '\0')
		return option;
	if (env != NULL && *env != '\0')
		return env;
	return CLI_DEFAULT_CATALOG;
}

struct store *
cli_open_catalog(const struct cli_command *command, const char *option, bool create)
{
	const char *path = cli_catalog_path(option);
	struct store *store;
	char *err = NULL;

	if (!create && access(path, F_OK) != 0) {
		fprintf(stderr, "kfleet %s: catalog %s: %s: run kfleet-agent or 'kfleet catalog "
		        "import' to create it, or name another with --catalog or $KFLEET_CATALOG\n",
		        command->name, path, strerror(errno));
		return NULL;
	}
	store = store_open(path, &err);
	if (store == NULL) {
		fprintf(stderr, "kfleet %s: %s\n", command->name, err);
		free(err);
	}
	return store;
}
