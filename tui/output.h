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

/* Kinds of table column, for tables of them: plain text, a number (right-aligned), a name
 * or list that may be cut to fit the terminal; then optionally `.drop = N` for a column a
 * narrow terminal goes without (the highest N first). */
#define OUTPUT_TEXT(f, h, ...) { .field = f, .heading = h, __VA_ARGS__ }
#define OUTPUT_NUMBER(f, h, ...) { .field = f, .heading = h, .right = true, __VA_ARGS__ }
#define OUTPUT_NAME(f, h, ...) { .field = f, .heading = h, .shrinks = true, __VA_ARGS__ }

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

/* The pieces of the table format, for the terminal UI's lists, which lay out a table
 * once and draw only the lines on screen. */

/* VALUE (NULL: null) as COLUMN's table cell: lists joined by ", ", nested objects as
 * key=value, null as the column's null text. A new string (caller frees). */
char *output_cell_text(const json_t *value, const struct output_column *column);

/* Display cells of the UTF-8 text S (invalid bytes count one each). */
size_t output_cells(const char *s);

/* Fit COUNT columns of NATURAL widths into WIDTH (0: no limit), losing as little as
 * possible: cut long names down to a comfortable width; if that is not enough, hide a
 * droppable column (highest .drop first) and start again; with nothing left to hide, cut
 * names further. Sets WIDTHS and HIDDEN (HIDDEN all false on the first call). */
void output_layout(const struct output_column *columns, size_t count, const size_t *natural,
                   size_t *widths, bool *hidden, size_t width);

/* One line of a table laid out by output_layout: TEXTS[c] for every shown column, cut or
 * padded to its width, without trailing blanks or newline. A new string (caller frees). */
char *output_line(const struct output_column *columns, size_t count, const size_t *widths,
                  const bool *hidden, char *const *texts);

#endif
