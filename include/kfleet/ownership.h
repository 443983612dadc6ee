/* ownership: who owns what, read from Backstage-style YAML (see kfleet-ownership(5)) into the
 * catalog's teams, services, service bindings and topic metadata, and written back out. */
#ifndef KFLEET_OWNERSHIP_H
#define KFLEET_OWNERSHIP_H

#include <stddef.h>
#include <stdio.h>

#include "kfleet/store.h"

/* What an import read and did. */
struct ownership_summary {
	size_t files, documents;        /* read */
	size_t teams, services, topics; /* entities now in the catalog's ownership */
	size_t ignored;                 /* documents of kinds kfleet does not use */
	long long changes;              /* catalog rows added, changed or removed: 0 when the
	                                 * import changed nothing */
};

/* Replace the catalog's whole ownership (teams, services, service bindings, topic metadata
 * and tags) with what FILES (COUNT paths; "-" is stdin) declare, in one transaction: all or
 * nothing. Entities absent from the files are removed. Re-importing the same files changes
 * no row (summary->changes == 0, row ids stay). SUMMARY may be NULL. On a bad file return -1
 * with *err = one line "FILE:LINE:COLUMN: what is wrong; what was expected" (caller frees)
 * and the catalog untouched. */
int ownership_import(struct store *store, const char *const *files, size_t count,
                     struct ownership_summary *summary, char **err);

/* Write the catalog's ownership to OUT as multi-document YAML (Groups, then Components, then
 * Resources, each sorted by name) that ownership_import reads back to the same catalog.
 * Returns 0 or -1 with *err (caller frees). */
int ownership_export(struct store *store, FILE *out, char **err);

#endif
