/* libFuzzer target for the reset-plan CSV: any bytes either give rows that hold what
 * reset_file_parse promises, and that reset_file_write writes as a plan parsing back to
 * the same rows, or fail with one line naming the file, without a crash, an overread or
 * a leak. */
/* fuzz-sources: kafka/reset_file.c */
/* fuzz-libs: -lcsv */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kfleet/reset_file.h"

#define FUZZ_NAME "fuzz.csv"
#define FUZZ_TOPIC_CHARACTERS \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* ERR as a failed parse leaves it: one line naming the file. */
static void
check_error(const char *err)
{
	if (err == NULL || strncmp(err, FUZZ_NAME ":", strlen(FUZZ_NAME ":")) != 0 ||
	    strchr(err, '\n') != NULL || strchr(err, '\r') != NULL)
		abort();
}

/* The rows of FILE keep the promises of reset_file_parse. */
static void
check_rows(const struct reset_file *file)
{
	if (file->count == 0)
		abort();
	for (size_t i = 0; i < file->count; i++) {
		const struct reset_file_row *row = &file->rows[i];
		size_t topic_length = strlen(row->topic);

		if ((row->group != NULL) != file->has_groups ||
		    (row->group != NULL && row->group[0] == '\0') ||
		    topic_length == 0 || topic_length > 249 ||
		    strspn(row->topic, FUZZ_TOPIC_CHARACTERS) != topic_length ||
		    strcmp(row->topic, ".") == 0 || strcmp(row->topic, "..") == 0 ||
		    row->partition < 0 || row->offset < 0)
			abort();
		for (size_t j = 0; j < i; j++)
			if (row->partition == file->rows[j].partition &&
			    strcmp(row->topic, file->rows[j].topic) == 0 &&
			    (row->group == NULL || strcmp(row->group, file->rows[j].group) == 0))
				abort();
	}
}

/* FILE written and parsed again gives the same rows. */
static void
check_round_trip(const struct reset_file *file)
{
	struct reset_file *again = NULL;
	char *text = NULL, *err = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	if (out == NULL)
		return;
	if (reset_file_write(out, file->rows, file->count, file->has_groups) != 0 ||
	    fclose(out) != 0)
		abort();
	if (reset_file_parse(text, size, FUZZ_NAME, &again, &err) != 0 ||
	    again->count != file->count || again->has_groups != file->has_groups)
		abort();
	for (size_t i = 0; i < file->count; i++) {
		const struct reset_file_row *a = &file->rows[i], *b = &again->rows[i];

		if (strcmp(a->topic, b->topic) != 0 || a->partition != b->partition ||
		    a->offset != b->offset ||
		    (a->group != NULL && strcmp(a->group, b->group) != 0))
			abort();
	}
	reset_file_free(again);
	free(text);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reset_file *file = NULL;
	char *err = NULL;

	/* DATA is not NUL-terminated: the parser must keep to SIZE. */
	if (reset_file_parse((const char *)data, size, FUZZ_NAME, &file, &err) != 0) {
		if (file != NULL)
			abort();
		check_error(err);
	} else {
		if (err != NULL)
			abort();
		check_rows(file);
		check_round_trip(file);
	}
	reset_file_free(file);
	free(err);
	return 0;
}
