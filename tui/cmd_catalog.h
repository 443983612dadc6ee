/* cmd_catalog: kfleet catalog import FILE... | export. */
#ifndef KFLEET_CMD_CATALOG_H
#define KFLEET_CMD_CATALOG_H

#include "tui/cli.h"

int cmd_catalog_run(const struct cli_command *command, int argc, char **argv);

#endif
