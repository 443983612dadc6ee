/* cmd_list: the listing subcommands (kfleet clusters, brokers, topics, partitions, groups,
 * members, lag, acls, quotas, services, teams); COMMAND->kind is the enum listing_kind to
 * show. */
#ifndef KFLEET_CMD_LIST_H
#define KFLEET_CMD_LIST_H

#include "tui/cli.h"

int cmd_list_run(const struct cli_command *command, int argc, char **argv);

#endif
