/* cmd_topology: kfleet topology export. */
#ifndef KFLEET_CMD_TOPOLOGY_H
#define KFLEET_CMD_TOPOLOGY_H

#include "tui/cli.h"

/* Run `kfleet topology SUBCOMMAND ARGS` (ARGV[0] is "topology"); returns the exit status. */
int cmd_topology_run(const struct cli_command *command, int argc, char **argv);

#endif
