/* table: a listing as the terminal UI's lists hold it. Cells are formatted once per
 * refresh (as the command line's tables format them, tui/output.h); what a keystroke
 * changes then costs little: the filter (a substring of any shown cell, any case), the
 * sort, and a cursor that stays on its row when the rows are refreshed.
 *
 * No ncurses here: the lists draw what table_line gives, and the tests and the
 * benchmark drive a table directly. Out of memory aborts, as the binaries' allocations do. */
#ifndef KFLEET_TABLE_H
#define KFLEET_TABLE_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "tui/output.h"

struct table {
	const struct output_column *columns;
	size_t column_count;
	const char *const *key_fields;  /* the fields that tell a row from the others */
	size_t key_count;

	json_t *rows;                   /* the listing (owned) */
	size_t row_count;
	char **cells;                   /* row_count x column_count, as shown */
	char **keys;                    /* per row: its key fields joined */
	char **haystacks;               /* per row: its cells in lower case, joined by '\n' */
	size_t *natural;                /* per column: its widest cell or heading */

	size_t *order;                  /* every row, in the sort's order */
	size_t *visible;                /* the rows that pass the filter, in that order */
	size_t visible_count;
	char *filter;                   /* lower case; "" shows every row */

	int sort_column;                /* -1: the listing's own order */
	bool sort_descending;

	size_t cursor;                  /* index into visible */
	size_t top;                     /* the first visible row on screen */
};

/* An empty table of COLUMNS whose rows are told apart by KEY_FIELDS (arrays that outlive
 * the table). */
void table_init(struct table *table, const struct output_column *columns, size_t column_count,
                const char *const *key_fields, size_t key_count);

/* Replace the rows with ROWS (a listing: taken over). The filter and sort apply to them;
 * the cursor stays on the row with the same key if it is still shown, else at the same
 * place. */
void table_set_rows(struct table *table, json_t *rows);

/* Show only the rows one of whose cells holds TEXT, in any case ("" or NULL: all). The
 * cursor stays on its row when that row still passes. */
void table_set_filter(struct table *table, const char *text);

/* Sort by COLUMN (-1: the listing's own order), DESCENDING or not. Numbers (right-aligned
 * columns) sort as numbers, with null below every number; text in byte order. Ties keep
 * the listing's order. The cursor stays on its row. */
void table_sort(struct table *table, int column, bool descending);

/* Move the cursor by DELTA rows (clamped), or to the first or last row. */
void table_move(struct table *table, long delta);
void table_home(struct table *table);
void table_end(struct table *table);

/* Scroll so that the cursor is within HEIGHT lines from top. */
void table_scroll(struct table *table, size_t height);

/* The row under the cursor, or NULL when no row is shown (borrowed). */
const json_t *table_selected(const struct table *table);

/* Lay the columns out in WIDTH cells (output_layout): WIDTHS and HIDDEN of column_count. */
void table_layout(const struct table *table, size_t width, size_t *widths, bool *hidden);

/* Visible row INDEX (< visible_count), or the headings when INDEX is (size_t)-1, as one
 * line laid out by table_layout. A new string (caller frees). */
char *table_line(const struct table *table, size_t index, const size_t *widths,
                 const bool *hidden);

/* The shown cell of visible row INDEX in COLUMN (borrowed). */
const char *table_cell(const struct table *table, size_t index, size_t column);

void table_free(struct table *table);

#endif
