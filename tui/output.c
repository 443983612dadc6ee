/* output: tables, JSON and CSV from listing rows. JSON is jansson's, CSV quoting is
 * libcsv's; only the table layout is kfleet's own. */
#include "config.h"

#include <csv.h>
#include <langinfo.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

#include "tui/output.h"

#define OUTPUT_COMFORTABLE 20 /* names are cut to this before a column is dropped */
#define OUTPUT_MIN_SHRUNK 8   /* a cut column keeps at least this many cells */

int
output_format_parse(const char *text, enum output_format *format)
{
	static const struct {
		const char *name;
		enum output_format format;
	} formats[] = {
		{ "table", OUTPUT_TABLE },
		{ "json", OUTPUT_JSON },
		{ "csv", OUTPUT_CSV },
	};

	for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
		if (strcmp(text, formats[i].name) == 0) {
			*format = formats[i].format;
			return 0;
		}
	}
	return -1;
}

size_t
output_width(FILE *out)
{
	struct winsize size;
	const char *columns = getenv("COLUMNS");

	if (isatty(fileno(out)) && ioctl(fileno(out), TIOCGWINSZ, &size) == 0 && size.ws_col > 0)
		return size.ws_col;
	if (columns != NULL && atoi(columns) > 0)
		return (size_t)atoi(columns);
	return 0;
}

/* A growing string; out of memory aborts, as the binaries' allocations do. */
struct output_text {
	char *data;
	size_t length, capacity;
};

static void
output_append(struct output_text *text, const char *bytes, size_t length)
{
	if (text->length + length + 1 > text->capacity) {
		size_t capacity = text->capacity ? text->capacity : 64;

		while (capacity < text->length + length + 1)
			capacity *= 2;
		text->data = realloc(text->data, capacity);
		if (text->data == NULL) {
			fputs("kfleet: out of memory\n", stderr);
			abort();
		}
		text->capacity = capacity;
	}
	memcpy(text->data + text->length, bytes, length);
	text->length += length;
	text->data[text->length] = '\0';
}

static void
output_append_str(struct output_text *text, const char *s)
{
	output_append(text, s, strlen(s));
}

/* A scalar as text: NULL_TEXT for null; numbers as JSON writes them. */
static void
output_scalar(struct output_text *text, const json_t *value, const char *null_text)
{
	char number[64];

	switch (json_typeof(value)) {
	case JSON_STRING:
		output_append(text, json_string_value(value), json_string_length(value));
		break;
	case JSON_INTEGER:
		snprintf(number, sizeof number, "%" JSON_INTEGER_FORMAT, json_integer_value(value));
		output_append_str(text, number);
		break;
	case JSON_REAL:
		/* 15 digits: what a double holds exactly, so 14104 ms / 1000 reads 14.104 */
		snprintf(number, sizeof number, "%.15g", json_real_value(value));
		output_append_str(text, number);
		break;
	case JSON_TRUE:
		output_append_str(text, "true");
		break;
	case JSON_FALSE:
		output_append_str(text, "false");
		break;
	default:
		output_append_str(text, null_text);
		break;
	}
}

/* A partition's offset move ({topic, partition, before, after, error}, as `offsets history`
 * has them) as "topic[partition]:before->after", before "none" when there was no committed
 * offset, and " (refused: error)" when the broker refused it. 0 when ITEM is not one. */
static int
output_offset_move(struct output_text *text, const json_t *item)
{
	const json_t *topic = json_object_get(item, "topic");
	const json_t *partition = json_object_get(item, "partition");
	const json_t *before = json_object_get(item, "before");
	const json_t *after = json_object_get(item, "after");
	const json_t *error = json_object_get(item, "error");

	if (!json_is_string(topic) || !json_is_integer(partition) || !json_is_integer(after))
		return 0;
	output_scalar(text, topic, "");
	output_append_str(text, "[");
	output_scalar(text, partition, "");
	output_append_str(text, "]:");
	output_scalar(text, before != NULL ? before : json_null(), "none");
	output_append_str(text, "->");
	output_scalar(text, after, "");
	if (json_is_string(error)) {
		output_append_str(text, " (refused: ");
		output_scalar(text, error, "");
		output_append_str(text, ")");
	}
	return 1;
}

/* An item of a list: a scalar as such; an object in its compact form if it has one, else
 * as compact JSON (so no list of objects is shown as nulls). */
static void
output_item(struct output_text *text, const json_t *item, const char *null_text)
{
	char *dump;

	if (!json_is_object(item) && !json_is_array(item)) {
		output_scalar(text, item, null_text);
		return;
	}
	if (json_is_object(item) && output_offset_move(text, item))
		return;
	dump = json_dumps(item, JSON_COMPACT);
	if (dump == NULL) {
		fputs("kfleet: out of memory\n", stderr);
		abort();
	}
	output_append_str(text, dump);
	free(dump);
}

/* VALUE as one cell: nested objects as key=value joined by SEPARATOR, arrays joined by it
 * (objects in them as output_item shows them). */
static void
output_cell(struct output_text *text, const json_t *value, const char *separator,
            const char *null_text)
{
	const char *key;
	const json_t *item;
	size_t index, n = 0;

	if (json_is_object(value)) {
		json_object_foreach((json_t *)value, key, item) {
			if (n++)
				output_append_str(text, separator);
			output_append_str(text, key);
			output_append_str(text, "=");
			output_scalar(text, item, null_text);
		}
	} else if (json_is_array(value)) {
		json_array_foreach(value, index, item) {
			if (n++)
				output_append_str(text, separator);
			output_item(text, item, null_text);
		}
	} else {
		output_scalar(text, value, null_text);
	}
}

static int
output_json(FILE *out, const json_t *rows)
{
	if (json_dumpf(rows, out, JSON_INDENT(2)) < 0)
		return -1;
	return fputc('\n', out) == EOF ? -1 : 0;
}

/* One CSV field, quoted by libcsv when it holds a comma, a quote or a line break. */
static void
output_csv_field(FILE *out, const char *field, size_t length)
{
	if (strpbrk(field, ",\"\r\n") != NULL || (length > 0 && (field[0] == ' ' ||
	                                                           field[length - 1] == ' ')))
		csv_fwrite(out, field, length);
	else
		fwrite(field, 1, length, out);
}

static int
output_csv(FILE *out, const json_t *rows, const char *const *fields, size_t count)
{
	struct output_text cell = { 0 };
	const json_t *row;
	size_t index;

	for (size_t i = 0; i < count; i++) {
		if (i)
			fputc(',', out);
		output_csv_field(out, fields[i], strlen(fields[i]));
	}
	fputc('\n', out);
	json_array_foreach(rows, index, row) {
		for (size_t i = 0; i < count; i++) {
			cell.length = 0;
			output_append_str(&cell, "");
			output_cell(&cell, json_object_get(row, fields[i]), ";", "");
			if (i)
				fputc(',', out);
			output_csv_field(out, cell.data, cell.length);
		}
		fputc('\n', out);
	}
	free(cell.data);
	return ferror(out) ? -1 : 0;
}

size_t
output_cells(const char *s)
{
	mbstate_t state = { 0 };
	size_t cells = 0, length = strlen(s);

	while (length > 0) {
		wchar_t wc;
		size_t used = mbrtowc(&wc, s, length, &state);
		int w;

		if (used == (size_t)-1 || used == (size_t)-2) {
			memset(&state, 0, sizeof state);
			used = 1;
			w = 1;
		} else {
			if (used == 0)
				used = 1;
			w = wcwidth(wc);
			if (w < 0)
				w = 1;
		}
		cells += (size_t)w;
		s += used;
		length -= used;
	}
	return cells;
}

/* Print S in exactly WIDTH cells: padded, or cut with an ellipsis. */
static void
output_fit(FILE *out, const char *s, size_t width, bool right)
{
	static const char *ellipsis;
	size_t cells = output_cells(s);

	if (ellipsis == NULL)
		ellipsis = strcmp(nl_langinfo(CODESET), "UTF-8") == 0 ? "\u2026" : "~";
	if (cells <= width) {
		if (right)
			fprintf(out, "%*s%s", (int)(width - cells), "", s);
		else
			fprintf(out, "%s%*s", s, (int)(width - cells), "");
		return;
	}
	/* Keep whole characters while they fit in WIDTH - 1 cells, then the ellipsis. */
	mbstate_t state = { 0 };
	size_t used_cells = 0, length = strlen(s);
	const char *p = s;

	while (length > 0 && width > 0) {
		wchar_t wc;
		size_t used = mbrtowc(&wc, p, length, &state);
		int w = 1;

		if (used == (size_t)-1 || used == (size_t)-2 || used == 0) {
			memset(&state, 0, sizeof state);
			used = 1;
		} else if ((w = wcwidth(wc)) < 0) {
			w = 1;
		}
		if (used_cells + (size_t)w > width - 1)
			break;
		used_cells += (size_t)w;
		p += used;
		length -= used;
	}
	fwrite(s, 1, (size_t)(p - s), out);
	if (width > 0)
		fputs(ellipsis, out);
	fprintf(out, "%*s", (int)(width - 1 - used_cells), "");
}

/* A table cell: TEXT in WIDTH cells after the column gap; the last column is not padded,
 * so lines carry no trailing blanks. */
static void
output_table_cell(FILE *out, const struct output_column *column, bool first, bool last,
                  size_t width, const char *text)
{
	if (!first)
		fputs("  ", out);
	if (last && !column->right && output_cells(text) <= width)
		fputs(text, out);
	else
		output_fit(out, text, width, column->right);
}

/* Cut the shrinkable columns of WIDTHS, widest first, down to FLOOR cells each, until
 * *TOTAL fits WIDTH or nothing more can be cut. */
static void
output_shrink(const struct output_column *columns, size_t count, const bool *hidden,
              size_t *widths, size_t *total, size_t width, size_t floor)
{
	while (*total > width) {
		size_t widest = count;

		for (size_t c = 0; c < count; c++)
			if (!hidden[c] && columns[c].shrinks && widths[c] > floor &&
			    (widest == count || widths[c] > widths[widest]))
				widest = c;
		if (widest == count)
			return;
		widths[widest]--;
		(*total)--;
	}
}

void
output_layout(const struct output_column *columns, size_t count, const size_t *natural,
              size_t *widths, bool *hidden, size_t width)
{
	for (;;) {
		size_t total = 0, shown = 0, drop = count;

		for (size_t c = 0; c < count; c++) {
			if (hidden[c])
				continue;
			widths[c] = natural[c];
			total += widths[c] + (shown++ ? 2 : 0);
		}
		if (width == 0)
			return;
		output_shrink(columns, count, hidden, widths, &total, width, OUTPUT_COMFORTABLE);
		if (total <= width)
			return;
		for (size_t c = 0; c < count; c++)
			if (!hidden[c] && columns[c].drop > 0 &&
			    (drop == count || columns[c].drop > columns[drop].drop))
				drop = c;
		if (drop == count) {
			output_shrink(columns, count, hidden, widths, &total, width, OUTPUT_MIN_SHRUNK);
			return;
		}
		hidden[drop] = true;
	}
}

char *
output_line(const struct output_column *columns, size_t count, const size_t *widths,
            const bool *hidden, char *const *texts)
{
	char *line = NULL;
	size_t length = 0, last = count;
	FILE *buffer = open_memstream(&line, &length);
	bool first = true;

	if (buffer == NULL) {
		fputs("kfleet: out of memory\n", stderr);
		abort();
	}
	for (size_t c = 0; c < count; c++)
		if (!hidden[c])
			last = c;
	for (size_t c = 0; c < count; c++) {
		if (hidden[c])
			continue;
		output_table_cell(buffer, &columns[c], first, c == last, widths[c], texts[c]);
		first = false;
	}
	if (fclose(buffer) != 0 || line == NULL) {
		fputs("kfleet: out of memory\n", stderr);
		abort();
	}
	while (length > 0 && line[length - 1] == ' ')
		length--;
	line[length] = '\0';
	return line;
}

char *
output_cell_text(const json_t *value, const struct output_column *column)
{
	struct output_text text = { 0 };

	output_append_str(&text, "");
	if (value == NULL)
		value = json_null();
	output_cell(&text, value, ", ", column->null_text ? column->null_text : "-");
	return text.data;
}

static int
output_table(FILE *out, const json_t *rows, const struct output_column *columns, size_t count,
             size_t width)
{
	size_t row_count = json_array_size(rows);
	size_t *natural = calloc(count, sizeof *natural), *widths = calloc(count, sizeof *widths);
	bool *hidden = calloc(count, sizeof *hidden);
	char **cells = calloc((row_count + 1) * count, sizeof *cells);

	if (natural == NULL || widths == NULL || hidden == NULL || cells == NULL) {
		fputs("kfleet: out of memory\n", stderr);
		abort();
	}
	/* Line 0 holds the headings, then one line per row. */
	for (size_t r = 0; r <= row_count; r++) {
		for (size_t c = 0; c < count; c++) {
			char *text = r == 0 ? strdup(columns[c].heading)
			                    : output_cell_text(json_object_get(json_array_get(rows, r - 1),
			                                                       columns[c].field),
			                                       &columns[c]);
			size_t here;

			if (text == NULL) {
				fputs("kfleet: out of memory\n", stderr);
				abort();
			}
			cells[r * count + c] = text;
			here = output_cells(text);
			if (here > natural[c])
				natural[c] = here;
		}
	}

	output_layout(columns, count, natural, widths, hidden, width);
	for (size_t r = 0; r <= row_count; r++) {
		char *line = output_line(columns, count, widths, hidden, &cells[r * count]);

		fputs(line, out);
		fputc('\n', out);
		free(line);
	}
	for (size_t i = 0; i < (row_count + 1) * count; i++)
		free(cells[i]);
	free(cells);
	free(hidden);
	free(widths);
	free(natural);
	return ferror(out) ? -1 : 0;
}

int
output_rows(FILE *out, const json_t *rows, enum output_format format, const char *const *fields,
            size_t count, const struct output_column *columns, size_t column_count, size_t width)
{
	switch (format) {
	case OUTPUT_JSON:
		return output_json(out, rows);
	case OUTPUT_CSV:
		return output_csv(out, rows, fields, count);
	case OUTPUT_TABLE:
	default:
		return output_table(out, rows, columns, column_count, width);
	}
}
