/* dialog_reset: the terminal UI's offset reset of one consumer group, through the reset
 * engine (kfleet/reset.h) as `kfleet offsets reset` does it: choose the mode and the
 * topics, see the dry-run plan, confirm by typing the group's name, then the result and
 * its audit id. The cluster is reached through its config file (cluster_config_find),
 * the reset recorded in the catalog being browsed. */
#ifndef KFLEET_DIALOG_RESET_H
#define KFLEET_DIALOG_RESET_H

#include "tui/tui.h"

/* A new dialog for GROUP on CLUSTER, to push. */
struct screen *dialog_reset_new(const char *cluster, const char *group);

#endif
