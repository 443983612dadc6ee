/* reset_file: reset plans as CSV, read and written through libcsv. libcsv reports fields
 * and rows but not where they are, so the parser counts lines itself: every '\n' of the
 * input reaches it, either inside a quoted field or as the end of a row (CSV_REPALL_NL
 * reports the ends of empty rows too). */
#include "config.h"

#include <csv.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kfleet/reset_file.h"
#include "kfleet/strfmt.h"

/* Kafka's own limit (org.apache.kafka.common.internals.Topic). */
#define RESET_FILE_MAX_TOPIC_LENGTH 249
#define RESET_FILE_TOPIC_CHARACTERS \
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-"
#define RESET_FILE_ONE_GROUP "topic,partition,offset"
#define RESET_FILE_GROUPS "group,topic,partition,offset"
#define RESET_FILE_MAX_FIELDS 4
/* How much of a field a message shows, and the room that takes with every byte escaped. */
#define RESET_FILE_SHOWN 64
#define RESET_FILE_SHOWN_SIZE (RESET_FILE_SHOWN * 4 + sizeof "...")
#define RESET_FILE_STDIN_NAME "standard input"

/* A field of the row being read, copied out of libcsv's buffer. */
struct reset_file_field {
	char *text;                 /* NUL-terminated */
	size_t length;
};

/* What a parse is working on. */
struct reset_file_parser {
	const char *name;
	struct reset_file *file;
	size_t capacity;            /* of file->rows and lines */
	size_t *lines;              /* the line of each row, for the duplicate check */
	size_t line;                /* the line libcsv has reached: 1 + the '\n' passed */
	size_t row_line;            /* the line the row being read began on */
	size_t field_count;         /* fields of that row so far, kept or not */
	struct reset_file_field fields[RESET_FILE_MAX_FIELDS];
	size_t form_line;           /* the first row's line, which sets the form; 0 before */
	char *err;                  /* the first error */
	bool failed;
};

static int reset_file_fail(struct reset_file_parser *parser, size_t line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Record the parse's first error as "NAME:LINE: MESSAGE" ("NAME: MESSAGE" for line 0).
 * Returns -1. */
static int
reset_file_fail(struct reset_file_parser *parser, size_t line, const char *fmt, ...)
{
	va_list ap;
	char *message;

	if (parser->failed)
		return -1;
	parser->failed = true;
	va_start(ap, fmt);
	message = strfmt_v(fmt, ap);
	va_end(ap);
	if (message == NULL)
		return -1;
	parser->err = line > 0 ? strfmt("%s:%zu: %s", parser->name, line, message)
	                       : strfmt("%s: %s", parser->name, message);
	free(message);
	return -1;
}

/* TEXT (LENGTH bytes) for a message of one line, in BUF: at most RESET_FILE_SHOWN bytes
 * of it, control characters as \xNN. Returns BUF. */
static const char *
reset_file_show(const char *text, size_t length, char buf[RESET_FILE_SHOWN_SIZE])
{
	char *p = buf;

	for (size_t i = 0; i < length && i < RESET_FILE_SHOWN; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c < 0x20 || c == 0x7f)
			p += sprintf(p, "\\x%02x", c);
		else
			*p++ = (char)c;
	}
	strcpy(p, length > RESET_FILE_SHOWN ? "..." : "");
	return buf;
}

static size_t
reset_file_count_newlines(const char *text, size_t length)
{
	size_t count = 0;

	if (length == 0)
		return 0;
	for (const char *p = text; (p = memchr(p, '\n', length - (size_t)(p - text))) != NULL;
	     p++)
		count++;
	return count;
}

/* FIELD as a number from 0 to MAX into *VALUE. Returns 0, -1 when it is not a number
 * (digits with an optional `-`), or -2 when it is out of range. */
static int
reset_file_number(const struct reset_file_field *field, int64_t max, int64_t *value)
{
	bool negative = field->length > 0 && field->text[0] == '-', too_large = false;
	int64_t number = 0;

	if (field->length == (size_t)negative)
		return -1;
	for (size_t i = negative; i < field->length; i++) {
		int digit = field->text[i] - '0';

		if (digit < 0 || digit > 9)
			return -1;
		if (number > (max - digit) / 10)
			too_large = true;
		else
			number = number * 10 + digit;
	}
	if (negative || too_large)
		return -2;
	*value = number;
	return 0;
}

/* Check FIELD, read on LINE, as a number from 0 to MAX named WHAT; FORM is the line to
 * write. Returns 0, or -1 after reset_file_fail. */
static int
reset_file_parse_number(struct reset_file_parser *parser, size_t line,
                        const struct reset_file_field *field, const char *what, int64_t max,
                        const char *form, int64_t *value)
{
	char shown[RESET_FILE_SHOWN_SIZE];

	switch (reset_file_number(field, max, value)) {
	case 0:
		return 0;
	case -1:
		return reset_file_fail(parser, line, "%s `%s` is not a number; write %s", what,
		                       reset_file_show(field->text, field->length, shown), form);
	default:
		return reset_file_fail(parser, line, "%s `%s` is out of range; write 0 to %" PRId64,
		                       what, reset_file_show(field->text, field->length, shown),
		                       max);
	}
}

/* Check a topic name as Kafka does. Returns 0, or -1 after reset_file_fail. */
static int
reset_file_check_topic(struct reset_file_parser *parser, size_t line,
                       const struct reset_file_field *topic, const char *form)
{
	char shown[RESET_FILE_SHOWN_SIZE];

	if (topic->length == 0)
		return reset_file_fail(parser, line, "empty topic; write %s", form);
	reset_file_show(topic->text, topic->length, shown);
	if (topic->length > RESET_FILE_MAX_TOPIC_LENGTH)
		return reset_file_fail(parser, line, "topic `%s` has %zu characters; Kafka allows "
		                       "at most %d", shown, topic->length,
		                       RESET_FILE_MAX_TOPIC_LENGTH);
	if (strspn(topic->text, RESET_FILE_TOPIC_CHARACTERS) != topic->length)
		return reset_file_fail(parser, line, "topic `%s` has a character Kafka does not "
		                       "allow; a topic name is letters, digits, `.`, `_` and `-`",
		                       shown);
	if (strcmp(topic->text, ".") == 0 || strcmp(topic->text, "..") == 0)
		return reset_file_fail(parser, line, "`%s` is not a topic name (Kafka refuses `.` "
		                       "and `..`); write %s", shown, form);
	return 0;
}

/* Make room for one more row. Returns 0, or -1 after reset_file_fail. */
static int
reset_file_grow(struct reset_file_parser *parser)
{
	struct reset_file *file = parser->file;
	size_t capacity = parser->capacity == 0 ? 64 : parser->capacity * 2;
	struct reset_file_row *rows;
	size_t *lines;

	if (file->count < parser->capacity)
		return 0;
	if ((rows = realloc(file->rows, capacity * sizeof *rows)) == NULL)
		return reset_file_fail(parser, 0, "out of memory");
	file->rows = rows;
	if ((lines = realloc(parser->lines, capacity * sizeof *lines)) == NULL)
		return reset_file_fail(parser, 0, "out of memory");
	parser->lines = lines;
	parser->capacity = capacity;
	return 0;
}

/* Check the fields of the row that began on parser->row_line and add it. Returns 0, or
 * -1 after reset_file_fail. */
static int
reset_file_add_row(struct reset_file_parser *parser)
{
	struct reset_file *file = parser->file;
	struct reset_file_field *fields = parser->fields;
	size_t count = parser->field_count, line = parser->row_line, first;
	struct reset_file_row *row;
	const char *form;
	int64_t partition, offset;

	if (parser->form_line == 0) {
		if (count != 3 && count != 4)
			return reset_file_fail(parser, line, "%zu field%s; write "
			                       RESET_FILE_ONE_GROUP " (one group) or "
			                       RESET_FILE_GROUPS " (several)", count,
			                       count == 1 ? "" : "s");
		parser->form_line = line;
		file->has_groups = count == 4;
	} else if (count != (file->has_groups ? 4u : 3u)) {
		return reset_file_fail(parser, line, "%zu field%s, but line %zu has %d; write %s "
		                       "on every line", count, count == 1 ? "" : "s",
		                       parser->form_line, file->has_groups ? 4 : 3,
		                       file->has_groups ? RESET_FILE_GROUPS : RESET_FILE_ONE_GROUP);
	}
	form = file->has_groups ? RESET_FILE_GROUPS : RESET_FILE_ONE_GROUP;
	first = file->has_groups ? 1 : 0;
	for (size_t i = 0; i < count; i++)
		if (memchr(fields[i].text, '\0', fields[i].length) != NULL)
			return reset_file_fail(parser, line, "NUL byte in a field; a plan is a text "
			                       "file");
	if (file->has_groups && fields[0].length == 0)
		return reset_file_fail(parser, line, "empty group id; write %s", form);
	if (reset_file_check_topic(parser, line, &fields[first], form) < 0 ||
	    reset_file_parse_number(parser, line, &fields[first + 1], "partition", INT32_MAX,
	                            form, &partition) < 0 ||
	    reset_file_parse_number(parser, line, &fields[first + 2], "offset", INT64_MAX, form,
	                            &offset) < 0 ||
	    reset_file_grow(parser) < 0)
		return -1;
	parser->lines[file->count] = line;
	row = &file->rows[file->count++];
	row->group = file->has_groups ? fields[0].text : NULL;
	row->topic = fields[first].text;
	row->partition = (int32_t)partition;
	row->offset = offset;
	if (file->has_groups)
		fields[0].text = NULL;
	fields[first].text = NULL;
	return 0;
}

/* libcsv's end of a field: keep a copy of it (the first four of a row). */
static void
reset_file_on_field(void *text, size_t length, void *data)
{
	struct reset_file_parser *parser = data;
	struct reset_file_field *field;

	if (parser->field_count++ == 0)
		parser->row_line = parser->line;
	if (parser->failed)
		return;
	parser->line += reset_file_count_newlines(text, length);
	if (parser->field_count > RESET_FILE_MAX_FIELDS)
		return;
	field = &parser->fields[parser->field_count - 1];
	if ((field->text = malloc(length + 1)) == NULL) {
		reset_file_fail(parser, 0, "out of memory");
		return;
	}
	if (length > 0)
		memcpy(field->text, text, length);
	field->text[length] = '\0';
	field->length = length;
}

static void
reset_file_clear_fields(struct reset_file_parser *parser)
{
	for (size_t i = 0; i < RESET_FILE_MAX_FIELDS; i++) {
		free(parser->fields[i].text);
		parser->fields[i].text = NULL;
	}
	parser->field_count = 0;
}

/* libcsv's end of a row, by TERMINATOR ('\r', '\n', or -1 at the end of the data); a row
 * without fields is an empty line. */
static void
reset_file_on_row(int terminator, void *data)
{
	struct reset_file_parser *parser = data;

	if (!parser->failed && parser->field_count > 0)
		reset_file_add_row(parser);
	reset_file_clear_fields(parser);
	if (terminator == '\n')
		parser->line++;
}

/* Keep spaces: libcsv would trim them from unquoted fields, and a group id may hold
 * them. */
static int
reset_file_no_space(unsigned char c)
{
	(void)c;
	return 0;
}

/* Why libcsv stopped at DATA[AT] in strict mode. Returns -1 after reset_file_fail. */
static int
reset_file_syntax_error(struct reset_file_parser *parser, const char *data, size_t at)
{
	size_t line = 1 + reset_file_count_newlines(data, at);

	if (data[at] == '"')
		return reset_file_fail(parser, line, "a `\"` inside a field that does not start "
		                       "with one; quote the whole field and double the `\"`, e.g. "
		                       "\"a\"\"b\"");
	return reset_file_fail(parser, line, "text after the closing `\"` of a field; put it "
	                       "inside the quotes, or end the field with `,`");
}

/* The order of rows for the duplicate check: group, topic, partition, then line. */
struct reset_file_key {
	const struct reset_file_row *row;
	size_t line;
};

static int
reset_file_compare_rows(const struct reset_file_row *a, const struct reset_file_row *b)
{
	int order = strcmp(a->group != NULL ? a->group : "", b->group != NULL ? b->group : "");

	if (order == 0)
		order = strcmp(a->topic, b->topic);
	if (order == 0)
		order = (a->partition > b->partition) - (a->partition < b->partition);
	return order;
}

static int
reset_file_compare_keys(const void *a, const void *b)
{
	const struct reset_file_key *left = a, *right = b;
	int order = reset_file_compare_rows(left->row, right->row);

	return order != 0 ? order : (left->line > right->line) - (left->line < right->line);
}

/* Refuse a plan that names a partition twice, at the first line that repeats one.
 * Returns 0, or -1 after reset_file_fail. */
static int
reset_file_check_duplicates(struct reset_file_parser *parser)
{
	const struct reset_file *file = parser->file;
	struct reset_file_key *keys = malloc(file->count * sizeof *keys);
	const struct reset_file_key *repeat = NULL;
	char group[RESET_FILE_SHOWN_SIZE];
	size_t first_line = 0;

	if (keys == NULL)
		return reset_file_fail(parser, 0, "out of memory");
	for (size_t i = 0; i < file->count; i++)
		keys[i] = (struct reset_file_key){ .row = &file->rows[i], .line = parser->lines[i] };
	qsort(keys, file->count, sizeof *keys, reset_file_compare_keys);
	for (size_t i = 1; i < file->count; i++) {
		if (reset_file_compare_rows(keys[i - 1].row, keys[i].row) == 0 &&
		    (repeat == NULL || keys[i].line < repeat->line)) {
			repeat = &keys[i];
			first_line = keys[i - 1].line;
		}
	}
	if (repeat != NULL) {
		const struct reset_file_row *row = repeat->row;

		if (row->group != NULL)
			reset_file_fail(parser, repeat->line, "group `%s`, topic `%s`, partition %"
			                PRId32 " is already on line %zu; keep one of the two lines",
			                reset_file_show(row->group, strlen(row->group), group),
			                row->topic, row->partition, first_line);
		else
			reset_file_fail(parser, repeat->line, "topic `%s`, partition %" PRId32 " is "
			                "already on line %zu; keep one of the two lines", row->topic,
			                row->partition, first_line);
	}
	free(keys);
	return repeat != NULL ? -1 : 0;
}

int
reset_file_parse(const char *data, size_t size, const char *name, struct reset_file **out,
                 char **err)
{
	struct reset_file_parser parser = { .name = name, .line = 1 };
	struct csv_parser csv;
	size_t parsed;

	*out = NULL;
	*err = NULL;
	if ((parser.file = calloc(1, sizeof *parser.file)) == NULL ||
	    csv_init(&csv, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL) != 0) {
		free(parser.file);
		return -1;
	}
	csv_set_space_func(&csv, reset_file_no_space);
	parsed = csv_parse(&csv, data, size, reset_file_on_field, reset_file_on_row, &parser);
	if (parsed < size && !parser.failed) {
		if (csv_error(&csv) == CSV_EPARSE)
			reset_file_syntax_error(&parser, data, parsed);
		else
			reset_file_fail(&parser, 0, "out of memory");
	}
	/* At the end, an error can only be a quoted field left open, and it opened on the
	 * line reached: the newlines inside it have not been counted. */
	if (!parser.failed && csv_fini(&csv, reset_file_on_field, reset_file_on_row, &parser) != 0)
		reset_file_fail(&parser, parser.line, "a quoted field is not closed; end it with "
		                "`\"`");
	csv_free(&csv);
	reset_file_clear_fields(&parser);   /* of a row an error cut short */
	if (!parser.failed && parser.file->count == 0)
		reset_file_fail(&parser, 0, "no rows; write one line per partition: "
		                RESET_FILE_ONE_GROUP " (one group) or " RESET_FILE_GROUPS
		                " (several)");
	if (!parser.failed)
		reset_file_check_duplicates(&parser);
	free(parser.lines);
	if (parser.failed) {
		reset_file_free(parser.file);
		*err = parser.err;
		return -1;
	}
	*out = parser.file;
	return 0;
}

/* Read IN, at most RESET_FILE_MAX_BYTES, into *DATA (caller frees) and *SIZE. Returns 0,
 * or -1 with errno set (EFBIG when there is more). */
static int
reset_file_slurp(FILE *in, char **data, size_t *size)
{
	struct stat st;
	size_t capacity = 64 * 1024, length = 0;
	char *buf;
	int error = 0;

	/* A regular file says its size: refuse a large one before reading it. */
	if (fstat(fileno(in), &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size > RESET_FILE_MAX_BYTES) {
		errno = EFBIG;
		return -1;
	}
	if ((buf = malloc(capacity)) == NULL)
		return -1;
	while (error == 0) {
		size_t n;

		if (length == capacity) {
			char *bigger;

			if (capacity > RESET_FILE_MAX_BYTES) {
				error = EFBIG;
				break;
			}
			capacity = capacity * 2 > RESET_FILE_MAX_BYTES ? RESET_FILE_MAX_BYTES + 1
			                                                : capacity * 2;
			if ((bigger = realloc(buf, capacity)) == NULL) {
				error = ENOMEM;
				break;
			}
			buf = bigger;
		}
		errno = 0;
		n = fread(buf + length, 1, capacity - length, in);
		length += n;
		if (n == 0 && ferror(in))
			error = errno != 0 ? errno : EIO;
		else if (n == 0)
			break;
	}
	if (error != 0) {
		free(buf);
		errno = error;
		return -1;
	}
	*data = buf;
	*size = length;
	return 0;
}

int
reset_file_read(const char *path, struct reset_file **out, char **err)
{
	bool is_stdin = strcmp(path, "-") == 0;
	const char *name = is_stdin ? RESET_FILE_STDIN_NAME : path;
	FILE *in = is_stdin ? stdin : fopen(path, "rbe");
	char *data = NULL;
	size_t size;
	int rc;

	*out = NULL;
	if (in == NULL || reset_file_slurp(in, &data, &size) < 0) {
		int error = errno;

		if (in != NULL && !is_stdin)
			fclose(in);
		*err = error == EFBIG ? strfmt("%s: larger than 64 MiB; split the plan into "
		                               "smaller files", name)
		                      : strfmt("%s: %s", name, strerror(error));
		return -1;
	}
	if (!is_stdin)
		fclose(in);
	rc = reset_file_parse(data, size, name, out, err);
	free(data);
	return rc;
}

void
reset_file_free(struct reset_file *file)
{
	if (file == NULL)
		return;
	for (size_t i = 0; i < file->count; i++) {
		free(file->rows[i].group);
		free(file->rows[i].topic);
	}
	free(file->rows);
	free(file);
}

/* TEXT as one field: quoted by libcsv when a reader could take it otherwise (a comma, a
 * quote, a line break, or space at either end, which some readers trim). Returns 0, or
 * -1 on a write error. */
static int
reset_file_write_field(FILE *out, const char *text)
{
	size_t length = strlen(text);

	if (length == 0 || strpbrk(text, ",\"\r\n") != NULL || text[0] == ' ' ||
	    text[0] == '\t' || text[length - 1] == ' ' || text[length - 1] == '\t')
		return csv_fwrite(out, text, length) == 0 ? 0 : -1;
	return fwrite(text, 1, length, out) == length ? 0 : -1;
}

int
reset_file_write(FILE *out, const struct reset_file_row *rows, size_t count, bool with_groups)
{
	for (size_t i = 0; i < count; i++) {
		const struct reset_file_row *row = &rows[i];

		if (with_groups && (reset_file_write_field(out, row->group != NULL ? row->group : "")
		                    < 0 || fputc(',', out) == EOF))
			return -1;
		if (reset_file_write_field(out, row->topic != NULL ? row->topic : "") < 0 ||
		    fprintf(out, ",%" PRId32 ",%" PRId64 "\n", row->partition, row->offset) < 0)
			return -1;
	}
	return fflush(out) != 0 || ferror(out) ? -1 : 0;
}
