/* cmd_offsets: kfleet offsets reset | history | undo. */
#ifndef KFLEET_CMD_OFFSETS_H
#define KFLEET_CMD_OFFSETS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "kfleet/reset.h"
#include "kfleet/store.h"
#include "tui/cli.h"
#include "tui/output.h"

/* Run `kfleet offsets SUBCOMMAND ARGS` (ARGV[0] is "offsets"); returns the exit status. */
int cmd_offsets_run(const struct cli_command *command, int argc, char **argv);

/* Run `kfleet app reset ARGS` (ARGV[0] is "app"); returns the exit status. */
int cmd_app_run(const struct cli_command *command, int argc, char **argv);

/* What the reset commands and the terminal UI's reset dialog share. */

/* PLAN's rows as the plan is printed: group, topic, partition, current_offset,
 * new_offset, log_start_offset, log_end_offset, skipped, replayed, note, error. A new
 * array (caller decrefs). */
json_t *offsets_plan_rows(const struct reset_plan *plan);

/* The table columns of a plan (*COUNT set). */
const struct output_column *offsets_plan_columns(size_t *count);

/* Record GROUP's reset, as applied, in STORE's audit log under the user and host running
 * kfleet: the new reset's id, or -1 with *err set (caller frees). */
int64_t offsets_record_group(struct store *store, const char *cluster,
                             const struct reset_group *group, const char *mode, int64_t undo_of,
                             char **err);

#endif
