/* kfleet-agent: collects one Kafka cluster into the catalog. */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#define AGENT_EXIT_USAGE 2

static void
usage(FILE *out)
{
	fprintf(out,
	        "usage: kfleet-agent [--help] [--version]\n"
	        "\n"
	        "Collects one Kafka cluster into the kfleet catalog. Collection is being built;\n"
	        "see kfleet-agent(8).\n"
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

	while ((opt = getopt_long(argc, argv, "hV", options, NULL)) != -1) {
		switch (opt) {
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		case 'V':
			printf("kfleet-agent %s\n", PACKAGE_VERSION);
			return EXIT_SUCCESS;
		default:
			fprintf(stderr, "kfleet-agent: see 'kfleet-agent --help' for the options\n");
			return AGENT_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "kfleet-agent: unexpected argument '%s': see 'kfleet-agent --help'\n",
		        argv[optind]);
		return AGENT_EXIT_USAGE;
	}
	usage(stderr);
	return AGENT_EXIT_USAGE;
}
