/* table: a listing's rows as the terminal UI's lists filter, sort and page through them. */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tui/table.h"

static void *
table_alloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size);

	if (p == NULL) {
		fputs("kfleet: out of memory\n", stderr);
		abort();
	}
	return p;
}

static char *
table_strdup(const char *s)
{
	char *copy = strdup(s);

	if (copy == NULL) {
		fputs("kfleet: out of memory\n", stderr);
		abort();
	}
	return copy;
}

void
table_init(struct table *table, const struct output_column *columns, size_t column_count,
           const char *const *key_fields, size_t key_count)
{
	*table = (struct table){
		.columns = columns, .column_count = column_count,
		.key_fields = key_fields, .key_count = key_count,
		.filter = table_strdup(""), .sort_column = -1,
	};
	table->natural = table_alloc(column_count, sizeof *table->natural);
	/* Before the first refresh the headings alone set the widths, so they show whole. */
	for (size_t c = 0; c < column_count; c++)
		table->natural[c] = output_cells(columns[c].heading);
	table->rows = json_array();
}

/* Free the rows and what was made of them, keeping the columns, filter and sort. */
static void
table_clear_rows(struct table *table)
{
	for (size_t r = 0; r < table->row_count; r++) {
		for (size_t c = 0; c < table->column_count; c++)
			free(table->cells[r * table->column_count + c]);
		free(table->keys[r]);
		free(table->haystacks[r]);
	}
	free(table->cells);
	free(table->keys);
	free(table->haystacks);
	free(table->order);
	free(table->visible);
	json_decref(table->rows);
	table->cells = NULL;
	table->keys = table->haystacks = NULL;
	table->order = table->visible = NULL;
	table->rows = NULL;
	table->row_count = table->visible_count = 0;
}

void
table_free(struct table *table)
{
	table_clear_rows(table);
	free(table->natural);
	free(table->filter);
	*table = (struct table){ 0 };
}

/* Row R's key: its key fields as text, joined by a byte no name holds. */
static char *
table_row_key(const struct table *table, const json_t *row)
{
	char *key = NULL;
	size_t length = 0;
	FILE *out = open_memstream(&key, &length);

	if (out == NULL) {
		fputs("kfleet: out of memory\n", stderr);
		abort();
	}
	for (size_t k = 0; k < table->key_count; k++) {
		const json_t *value = json_object_get(row, table->key_fields[k]);

		if (json_is_string(value))
			fputs(json_string_value(value), out);
		else if (json_is_integer(value))
			fprintf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(value));
		else if (value != NULL && !json_is_null(value))
			json_dumpf(value, out, JSON_COMPACT | JSON_SORT_KEYS);
		fputc('\x1f', out);
	}
	if (fclose(out) != 0 || key == NULL) {
		fputs("kfleet: out of memory\n", stderr);
		abort();
	}
	return key;
}

/* What the filter searches in row R: its shown cells, lower case, one per line. */
static char *
table_haystack(const struct table *table, size_t r)
{
	size_t length = 0;
	char *haystack, *p;

	for (size_t c = 0; c < table->column_count; c++)
		length += strlen(table->cells[r * table->column_count + c]) + 1;
	p = haystack = table_alloc(length + 1, 1);
	for (size_t c = 0; c < table->column_count; c++) {
		for (const char *s = table->cells[r * table->column_count + c]; *s != '\0'; s++)
			*p++ = (char)tolower((unsigned char)*s);
		*p++ = '\n';
	}
	*p = '\0';
	return haystack;
}

/* Compare two rows by the sort column; ties (and the listing's order) by position. */
static int
table_compare(const void *a, const void *b, void *context)
{
	const struct table *table = context;
	size_t left = *(const size_t *)a, right = *(const size_t *)b;
	int result = 0;

	if (table->sort_column >= 0) {
		const struct output_column *column = &table->columns[table->sort_column];

		if (column->right) {
			const json_t *x = json_object_get(json_array_get(table->rows, left), column->field);
			const json_t *y = json_object_get(json_array_get(table->rows, right), column->field);
			bool x_number = json_is_number(x), y_number = json_is_number(y);

			if (json_is_integer(x) && json_is_integer(y)) {
				/* Not as doubles: offsets past 2^53 would tie. */
				json_int_t ix = json_integer_value(x), iy = json_integer_value(y);

				result = ix < iy ? -1 : ix > iy;
			} else if (x_number && y_number) {
				double dx = json_number_value(x), dy = json_number_value(y);

				result = dx < dy ? -1 : dx > dy;
			} else {
				result = (int)x_number - (int)y_number;
			}
		} else {
			result = strcmp(table->cells[left * table->column_count + (size_t)table->sort_column],
			                table->cells[right * table->column_count + (size_t)table->sort_column]);
		}
		if (table->sort_descending)
			result = -result;
	}
	if (result == 0)
		result = left < right ? -1 : left > right;
	return result;
}

/* The key of the row under the cursor, or NULL (caller frees). */
static char *
table_cursor_key(const struct table *table)
{
	if (table->cursor >= table->visible_count)
		return NULL;
	return table_strdup(table->keys[table->visible[table->cursor]]);
}

/* Put the cursor on the row whose key is KEY if it is shown, else keep its place (clamped). */
static void
table_restore_cursor(struct table *table, char *key)
{
	if (key != NULL) {
		for (size_t i = 0; i < table->visible_count; i++) {
			if (strcmp(table->keys[table->visible[i]], key) == 0) {
				table->cursor = i;
				free(key);
				return;
			}
		}
		free(key);
	}
	if (table->cursor >= table->visible_count)
		table->cursor = table->visible_count ? table->visible_count - 1 : 0;
}

/* Rebuild VISIBLE from the rows of FROM (COUNT of them, in order) that hold the filter. */
static void
table_apply_filter(struct table *table, const size_t *from, size_t count)
{
	size_t shown = 0;

	for (size_t i = 0; i < count; i++)
		if (table->filter[0] == '\0' || strstr(table->haystacks[from[i]], table->filter) != NULL)
			table->visible[shown++] = from[i];
	table->visible_count = shown;
}

void
table_set_rows(struct table *table, json_t *rows)
{
	char *key = table_cursor_key(table);
	size_t count = json_array_size(rows);

	table_clear_rows(table);
	table->rows = rows;
	table->row_count = count;
	table->cells = table_alloc(count * table->column_count, sizeof *table->cells);
	table->keys = table_alloc(count, sizeof *table->keys);
	table->haystacks = table_alloc(count, sizeof *table->haystacks);
	table->order = table_alloc(count, sizeof *table->order);
	table->visible = table_alloc(count, sizeof *table->visible);
	for (size_t c = 0; c < table->column_count; c++)
		table->natural[c] = output_cells(table->columns[c].heading);
	for (size_t r = 0; r < count; r++) {
		const json_t *row = json_array_get(rows, r);

		for (size_t c = 0; c < table->column_count; c++) {
			char *text = output_cell_text(json_object_get(row, table->columns[c].field),
			                              &table->columns[c]);
			size_t cells = output_cells(text);

			table->cells[r * table->column_count + c] = text;
			if (cells > table->natural[c])
				table->natural[c] = cells;
		}
		table->keys[r] = table_row_key(table, row);
		table->haystacks[r] = table_haystack(table, r);
		table->order[r] = r;
	}
	qsort_r(table->order, count, sizeof *table->order, table_compare, table);
	table_apply_filter(table, table->order, count);
	table_restore_cursor(table, key);
}

void
table_set_filter(struct table *table, const char *text)
{
	char *key = table_cursor_key(table);
	char *lower = table_strdup(text != NULL ? text : "");
	bool narrows;

	for (char *p = lower; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	/* Typing one more character only narrows what is shown: search only that. */
	narrows = strncmp(lower, table->filter, strlen(table->filter)) == 0;
	free(table->filter);
	table->filter = lower;
	if (narrows)
		table_apply_filter(table, table->visible, table->visible_count);
	else
		table_apply_filter(table, table->order, table->row_count);
	table_restore_cursor(table, key);
}

void
table_sort(struct table *table, int column, bool descending)
{
	char *key = table_cursor_key(table);

	if (column >= (int)table->column_count)
		column = -1;
	table->sort_column = column;
	table->sort_descending = descending;
	if (table->row_count > 0)   /* before the first refresh ORDER is NULL */
		qsort_r(table->order, table->row_count, sizeof *table->order, table_compare, table);
	table_apply_filter(table, table->order, table->row_count);
	table_restore_cursor(table, key);
}

void
table_move(struct table *table, long delta)
{
	size_t last = table->visible_count ? table->visible_count - 1 : 0;
	size_t cursor = table->cursor < last ? table->cursor : last;

	/* In size_t, so that no DELTA (LONG_MAX to jump to the end) overflows. */
	if (delta < 0) {
		size_t up = (size_t)-(delta + 1) + 1;

		table->cursor = up > cursor ? 0 : cursor - up;
	} else {
		size_t down = (size_t)delta;

		table->cursor = down > last - cursor ? last : cursor + down;
	}
}

void
table_home(struct table *table)
{
	table->cursor = 0;
}

void
table_end(struct table *table)
{
	table->cursor = table->visible_count ? table->visible_count - 1 : 0;
}

void
table_scroll(struct table *table, size_t height)
{
	if (height == 0)
		return;
	if (table->cursor < table->top)
		table->top = table->cursor;
	else if (table->cursor >= table->top + height)
		table->top = table->cursor - height + 1;
	/* No blank lines below the last row while rows above are hidden. */
	if (table->top + height > table->visible_count)
		table->top = table->visible_count > height ? table->visible_count - height : 0;
}

const json_t *
table_selected(const struct table *table)
{
	if (table->cursor >= table->visible_count)
		return NULL;
	return json_array_get(table->rows, table->visible[table->cursor]);
}

void
table_layout(const struct table *table, size_t width, size_t *widths, bool *hidden)
{
	memset(hidden, 0, table->column_count * sizeof *hidden);
	output_layout(table->columns, table->column_count, table->natural, widths, hidden, width);
}

char *
table_line(const struct table *table, size_t index, const size_t *widths, const bool *hidden)
{
	if (index == (size_t)-1) {
		char **headings = table_alloc(table->column_count, sizeof *headings);
		char *line;

		for (size_t c = 0; c < table->column_count; c++)
			headings[c] = (char *)table->columns[c].heading;
		line = output_line(table->columns, table->column_count, widths, hidden, headings);
		free(headings);
		return line;
	}
	return output_line(table->columns, table->column_count, widths, hidden,
	                   &table->cells[table->visible[index] * table->column_count]);
}

const char *
table_cell(const struct table *table, size_t index, size_t column)
{
	return table->cells[table->visible[index] * table->column_count + column];
}
