/* libFuzzer target for the ownership YAML import (kfleet catalog import): any bytes either
 * fail with one line "fuzz.yaml:LINE:COLUMN: ..." or are
 * imported with a summary that adds up; then what export writes of that catalog imports
 * back without changing a row, as kfleet-ownership(5) promises. Into an in-memory catalog
 * kept across inputs: an import replaces the whole ownership, so none depends on the last. */
/* fuzz-sources: catalog/ownership.c catalog/store.c catalog/schema.c */
/* fuzz-libs: -lsqlite3 -lyaml */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/ownership_text.h"
#include "kfleet/store.h"

#define FUZZ_NAME "fuzz.yaml"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct store *fuzz_store;

/* Whether ERR is one line about the file, as the import promises. */
static int
fuzz_good_error(const char *err, const char *name)
{
	return err != NULL && strncmp(err, name, strlen(name)) == 0 && err[strlen(name)] == ':' &&
	       strchr(err, '\n') == NULL;
}

/* Export the catalog and import that: it must be read back, the same entities, and
 * change no row. */
static void
fuzz_round_trip(const struct ownership_summary *imported)
{
	struct ownership_summary again;
	char *text = NULL, *err = NULL;
	size_t length = 0;
	FILE *out = open_memstream(&text, &length);

	if (out == NULL)
		return;
	if (ownership_export(fuzz_store, out, &err) < 0) {
		fprintf(stderr, "export failed: %s\n", err);
		abort();
	}
	fclose(out);
	if (ownership_import_text(fuzz_store, "export.yaml", text, length, &again, &err) < 0) {
		fprintf(stderr, "the export does not import: %s\n%s", err, text);
		abort();
	}
	if (again.changes != 0 || again.teams != imported->teams ||
	    again.services != imported->services || again.topics != imported->topics ||
	    again.ignored != 0) {
		fprintf(stderr, "the export imports to another catalog: %lld changes, %zu/%zu teams, "
		        "%zu/%zu services, %zu/%zu topics\n%s", again.changes, again.teams,
		        imported->teams, again.services, imported->services, again.topics,
		        imported->topics, text);
		abort();
	}
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ownership_summary summary;
	char *err = NULL;

	if (fuzz_store == NULL && (fuzz_store = store_open(":memory:", &err)) == NULL) {
		fprintf(stderr, "store_open: %s\n", err);
		abort();
	}
	/* DATA is not NUL-terminated: the import must keep to SIZE. */
	if (ownership_import_text(fuzz_store, FUZZ_NAME, (const char *)data, size, &summary,
	                          &err) < 0) {
		if (!fuzz_good_error(err, FUZZ_NAME)) {
			fprintf(stderr, "not one line about " FUZZ_NAME ": %s\n", err);
			abort();
		}
		free(err);
		return 0;
	}
	if (err != NULL || summary.files != 1 ||
	    summary.documents != summary.teams + summary.services + summary.topics + summary.ignored)
		abort();
	fuzz_round_trip(&summary);
	return 0;
}
