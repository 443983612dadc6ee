/* kfleet: browse and operate a Kafka fleet from its catalog (TUI and subcommands). */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#define KFLEET_EXIT_USAGE 2

static void
usage(FILE *out)
{
	fprintf(out,
	        "usage: kfleet [--help] [--version]\n"
	        "\n"
	        "Operator tooling for Kafka fleets. The catalog, the listing commands, offset\n"
	        "resets, topology export and the terminal UI are being built; see kfleet(1).\n"
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

	/* '+': stop at the first non-option, which will be the subcommand. */
	while ((opt = getopt_long(argc, argv, "+hV", options, NULL)) != -1) {
		switch (opt) {
		case 'h':
			usage(stdout);
			return EXIT_SUCCESS;
		case 'V':
			printf("kfleet %s\n", PACKAGE_VERSION);
			return EXIT_SUCCESS;
		default:
			fprintf(stderr, "kfleet: see 'kfleet --help' for the options\n");
			return KFLEET_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "kfleet: unknown command '%s': see 'kfleet --help'\n", argv[optind]);
		return KFLEET_EXIT_USAGE;
	}
	usage(stderr);
	return KFLEET_EXIT_USAGE;
}
