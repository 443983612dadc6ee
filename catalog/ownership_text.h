/* ownership_text: ownership_import on text already in memory, for the unit tests and the
 * fuzz target (tests/fuzz/fuzz_ownership.c). */
#ifndef KFLEET_OWNERSHIP_TEXT_H
#define KFLEET_OWNERSHIP_TEXT_H

#include <stddef.h>

#include "kfleet/ownership.h"

/* ownership_import of one file NAME (for messages) whose LENGTH bytes are TEXT, which
 * needs no terminating NUL. The same all-or-nothing replacement, summary and errors. */
int ownership_import_text(struct store *store, const char *name, const char *text,
                          size_t length, struct ownership_summary *summary, char **err);

#endif
