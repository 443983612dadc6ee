/* kfleet: browse and operate a Kafka fleet from its catalog (TUI and subcommands). */
#include "config.h"

#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kfleet/listing.h"
#include "tui/cli.h"
#include "tui/cmd_catalog.h"
#include "tui/cmd_list.h"
#include "tui/cmd_offsets.h"
#include "tui/cmd_topology.h"
#include "tui/tui.h"

static const struct cli_command commands[] = {
	{ "clusters", "Clusters, their status and the age of their last collection",
	  cmd_list_run, LISTING_CLUSTERS },
	{ "brokers", "Brokers with host, port, rack and which one is the controller",
	  cmd_list_run, LISTING_BROKERS },
	{ "topics", "Topics with partitions, replication, non-default configs, owner and tags",
	  cmd_list_run, LISTING_TOPICS },
	{ "partitions", "Partitions with leader, replicas, ISR, log offsets and the topic's owner",
	  cmd_list_run, LISTING_PARTITIONS },
	{ "groups", "Consumer groups with state, members, lag and owning service",
	  cmd_list_run, LISTING_GROUPS },
	{ "members", "Consumer-group members with client id, host and assigned partitions",
	  cmd_list_run, LISTING_MEMBERS },
	{ "lag", "Consumer lag, worst first, per group or per partition", cmd_list_run,
	  LISTING_LAG },
	{ "acls", "ACL bindings and the service of each principal", cmd_list_run, LISTING_ACLS },
	{ "quotas", "Client quotas per user, client id or IP", cmd_list_run, LISTING_QUOTAS },
	{ "services", "Services, their team and Kafka identities", cmd_list_run,
	  LISTING_SERVICES },
	{ "teams", "Teams and their services", cmd_list_run, LISTING_TEAMS },
	{ "catalog", "Import the ownership YAML into the catalog, or export it",
	  cmd_catalog_run, 0 },
	{ "offsets", "Reset consumer-group offsets (dry run first); list and undo resets",
	  cmd_offsets_run, 0 },
	{ "app", "Reset every consumer group of a service, for application rebuilds",
	  cmd_app_run, 0 },
	{ "topology", "Export who produces and consumes what, drawn by Graphviz or as JSON",
	  cmd_topology_run, 0 },
	{ "tui", "Browse the fleet in the terminal (what kfleet alone opens on a terminal)",
	  tui_command_run, 0 },
};

static void
usage(FILE *out)
{
	fprintf(out,
	        "usage: kfleet [--help] [--version] [COMMAND [ARGS]]\n"
	        "\n"
	        "Operator tooling for Kafka fleets: reads the catalog kfleet-agent keeps.\n"
	        "Without a command, on a terminal, opens the terminal UI (kfleet tui).\n"
	        "\n"
	        "commands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
	        "\n"
	        "'kfleet COMMAND --help' shows a command's options; see kfleet(1).\n"
	        "\n"
	        "  -h, --help      show this help and exit\n"
	        "  -V, --version   show the version and exit\n");
}

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		{ .name = "help", .has_arg = no_argument, .val = 'h' },
		{ .name = "version", .has_arg = no_argument, .val = 'V' },
		{ 0 },
	};
	int opt;

	setlocale(LC_ALL, "");
	opterr = 0;
	/* '+': stop at the first non-option, which is the subcommand. */
	while ((opt = getopt_long(argc, argv, "+:hV", options, NULL)) != -1) {
		switch (opt) {
		case 'h':
			usage(stdout);
			return CLI_EXIT_OK;
		case 'V':
			printf("kfleet %s\n", PACKAGE_VERSION);
			return CLI_EXIT_OK;
		default:
			return cli_option_error(NULL, opt, argv);
		}
	}
	if (optind < argc) {
		for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
			if (strcmp(argv[optind], commands[i].name) == 0)
				return commands[i].run(&commands[i], argc - optind, argv + optind);
		return cli_usage_error(NULL, "unknown command '%s'", argv[optind]);
	}
	if (isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		static const struct cli_command *tui_command;

		for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
			if (strcmp(commands[i].name, "tui") == 0)
				tui_command = &commands[i];
		return tui_command->run(tui_command, argc - optind + 1, argv + optind - 1);
	}
	return cli_usage_error(NULL, "name a command (the terminal UI, kfleet alone, needs a "
	                       "terminal)");
}
