/* cmd_list: the listing subcommands (kfleet clusters, brokers, topics, partitions, groups,
 * members, lag, acls, quotas, services, teams); COMMAND->kind is the enum listing_kind to
 * show. */
#ifndef KFLEET_CMD_LIST_H
#define KFLEET_CMD_LIST_H

#include <stddef.h>

#include "kfleet/listing.h"
#include "tui/cli.h"
#include "tui/output.h"

int cmd_list_run(const struct cli_command *command, int argc, char **argv);

/* The table columns the listing KIND is shown with (*COUNT set), here and in the terminal
 * UI's lists, so that both show a listing alike; NULL when KIND has no table. */
const struct output_column *cmd_list_columns(enum listing_kind kind, size_t *count);

#endif
