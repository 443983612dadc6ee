/* output: print a listing's rows (a jansson array of flat objects) as a table that fits
 * the terminal, as JSON, or as CSV. */
#ifndef KFLEET_OUTPUT_H
#define KFLEET_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

enum output_format {
	OUTPUT_TABLE,
	OUTPUT_JSON,
	OUTPUT_CSV,
};

/* A column of the table format: which field, under which heading. */
struct output_column {
	const char *field;
	const char *heading;
	bool right;        /* numbers: aligned right */
	bool shrinks;      /* may be cut to fit the width (names, lists); others never are */
	const char *null_text;  /* what a null shows as, also inside lists (default "-") */
	int drop;          /* 0: always shown; else hidden when the table cannot fit otherwise,
	                    * the highest first */
};

/* Parse "table", "json" or "csv"; -1 when TEXT is none of them. */
int output_format_parse(const char *text, enum output_format *format);

/* The width to fit tables to: the terminal's when OUT is one, else $COLUMNS, else 0
 * (no limit). */
size_t output_width(FILE *out);

/* Print ROWS to OUT in FORMAT. JSON is the array itself; CSV has a heading line of the
 * field names FIELDS (COUNT of them), nested values written key=value;... and a;b, a
 * partition's offset move in a list as topic[partition]:before->after (the table joins
 * lists with ", " instead of ";"); the table shows COLUMNS (COLUMN_COUNT) within WIDTH
 * (0: no limit). Returns 0, or -1 when writing failed (errno set). */
int output_rows(FILE *out, const json_t *rows, enum output_format format,
                const char *const *fields, size_t count,
                const struct output_column *columns, size_t column_count, size_t width);

#endif
