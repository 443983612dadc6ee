/* cmd_offsets: kfleet offsets reset | history | undo. */
#ifndef KFLEET_CMD_OFFSETS_H
#define KFLEET_CMD_OFFSETS_H

#include "tui/cli.h"

/* Run `kfleet offsets SUBCOMMAND ARGS` (ARGV[0] is "offsets"); returns the exit status. */
int cmd_offsets_run(const struct cli_command *command, int argc, char **argv);

/* Run `kfleet app reset ARGS` (ARGV[0] is "app"); returns the exit status. */
int cmd_app_run(const struct cli_command *command, int argc, char **argv);

#endif
