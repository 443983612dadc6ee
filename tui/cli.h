/* cli: what kfleet's subcommands share: exit statuses, the command table entry, usage
 * errors, and finding and opening the catalog. */
#ifndef KFLEET_CLI_H
#define KFLEET_CLI_H

#include <stdbool.h>

#include "kfleet/store.h"

/* Exit statuses of DESIGN.md's command line contract. */
enum {
	CLI_EXIT_OK = 0,
	CLI_EXIT_FAILED = 1,   /* failed at run time: catalog error, cluster unreachable */
	CLI_EXIT_USAGE = 2,    /* bad usage or bad input */
	CLI_EXIT_REFUSED = 3,  /* refused for safety */
};

/* The catalog used when neither --catalog nor $KFLEET_CATALOG names one. */
#define CLI_DEFAULT_CATALOG "/var/lib/kfleet/catalog.db"

struct cli_command {
	const char *name;          /* e.g. "clusters", or "catalog import" */
	const char *summary;       /* one line for `kfleet --help` */
	int (*run)(const struct cli_command *command, int argc, char **argv);
	int kind;                  /* the command's own selector (e.g. which listing) */
};

/* Print "kfleet COMMAND: MESSAGE: see 'kfleet COMMAND --help'" on stderr; returns
 * CLI_EXIT_USAGE. COMMAND NULL is kfleet itself: "kfleet: MESSAGE: see 'kfleet --help'". */
int cli_usage_error(const struct cli_command *command, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Report what getopt_long (opterr 0, optstring starting with ':', after any '+') found
 * wrong in ARGV when it returned OPT, '?' or ':', as a usage error of COMMAND (NULL:
 * kfleet itself); returns CLI_EXIT_USAGE. */
int cli_option_error(const struct cli_command *command, int opt, char **argv);

/* The catalog path: OPTION (from --catalog) if set, else $KFLEET_CATALOG, else
 * CLI_DEFAULT_CATALOG. */
const char *cli_catalog_path(const char *option);

/* Open the catalog named by OPTION as cli_catalog_path finds it. A reader (CREATE false)
 * refuses a catalog that does not exist rather than making an empty one. On failure
 * print one line and return NULL. */
struct store *cli_open_catalog(const struct cli_command *command, const char *option,
                               bool create);

#endif
