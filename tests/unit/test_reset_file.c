/* Unit tests for kafka/reset_file: every accepted form of a reset plan with the rows it
 * gives, every refusal with its exact message and line, write then parse for both forms,
 * and reading from files, standard input and pipes, with the 64 MiB limit. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "kfleet/reset_file.h"

#define COUNT(array) (sizeof (array) / sizeof (array)[0])
#define NAME "plan.csv"
#define ONE_GROUP "topic,partition,offset"
#define GROUPS "group,topic,partition,offset"
#define ANY_FORM ONE_GROUP " (one group) or " GROUPS " (several)"
#define BAD_TOPIC "has a character Kafka does not allow; a topic name is letters, " \
	"digits, `.`, `_` and `-`"

/* A topic name of 249 characters, the most Kafka allows, and one of 250. */
#define DIGITS_10 "0123456789"
#define DIGITS_50 DIGITS_10 DIGITS_10 DIGITS_10 DIGITS_10 DIGITS_10
#define TOPIC_249 "t" DIGITS_50 DIGITS_50 DIGITS_50 DIGITS_50 DIGITS_10 DIGITS_10 DIGITS_10 \
	DIGITS_10 "01234567"
#define TOPIC_250 TOPIC_249 "x"

/* DATA (SIZE bytes; strlen when 0) parses to ROWS, each row written as
 * "group|topic:partition=offset" ("topic:partition=offset" in the one-group form) and
 * joined by " ; ", or is refused with MESSAGE (exactly) when MESSAGE is set. */
struct parse_case {
	const char *name;
	const char *data;
	size_t size;
	bool has_groups;
	const char *rows;
	const char *message;
};

static const struct parse_case parse_cases[] = {
	/* Accepted. */
	{ .name = "one group", .data = "orders,0,42\norders,1,43\n",
	  .rows = "orders:0=42 ; orders:1=43" },
	{ .name = "no newline at the end", .data = "orders,0,42\norders,1,43",
	  .rows = "orders:0=42 ; orders:1=43" },
	{ .name = "CRLF", .data = "orders,0,42\r\norders,1,7\r\n",
	  .rows = "orders:0=42 ; orders:1=7" },
	{ .name = "a lone CR ends a row", .data = "orders,0,42\rorders,1,7",
	  .rows = "orders:0=42 ; orders:1=7" },
	{ .name = "empty lines", .data = "\n\norders,0,1\n\n\r\n\norders,1,2\n\n",
	  .rows = "orders:0=1 ; orders:1=2" },
	{ .name = "several groups", .data = "g1,orders,0,5\ng2,orders,0,6\ng1,clicks,3,0\n",
	  .has_groups = true, .rows = "g1|orders:0=5 ; g2|orders:0=6 ; g1|clicks:3=0" },
	{ .name = "quoted group with a comma and quotes",
	  .data = "\"team,a \"\"x\"\"\",orders,0,5\n", .has_groups = true,
	  .rows = "team,a \"x\"|orders:0=5" },
	{ .name = "quoted group with a line break",
	  .data = "\"two\r\nlines\",orders,0,5\ng,orders,0,6", .has_groups = true,
	  .rows = "two\r\nlines|orders:0=5 ; g|orders:0=6" },
	{ .name = "every field quoted", .data = "\"g\",\"orders\",\"0\",\"5\"\r\n",
	  .has_groups = true, .rows = "g|orders:0=5" },
	{ .name = "spaces in a group are kept", .data = " my group ,orders,0,5\n",
	  .has_groups = true, .rows = " my group |orders:0=5" },
	{ .name = "UTF-8 group", .data = "заказы,orders,0,1\n", .has_groups = true,
	  .rows = "заказы|orders:0=1" },
	{ .name = "largest numbers", .data = "orders,2147483647,9223372036854775807\n",
	  .rows = "orders:2147483647=9223372036854775807" },
	{ .name = "leading zeros", .data = "orders,007,000\n", .rows = "orders:7=0" },
	{ .name = "every character of a topic name", .data = "a.B_c-9,0,0\n...,1,1\n",
	  .rows = "a.B_c-9:0=0 ; ...:1=1" },
	{ .name = "longest topic name", .data = TOPIC_249 ",0,0", .rows = TOPIC_249 ":0=0" },
	{ .name = "a partition in two groups", .data = "g1,t,0,1\ng2,t,0,1\n",
	  .has_groups = true, .rows = "g1|t:0=1 ; g2|t:0=1" },
	/* Refused. */
	{ .name = "empty", .data = "",
	  .message = NAME ": no rows; write one line per partition: " ANY_FORM },
	{ .name = "only empty lines", .data = "\n\r\n\n",
	  .message = NAME ": no rows; write one line per partition: " ANY_FORM },
	{ .name = "one field", .data = "orders\n", .message = NAME ":1: 1 field; write " ANY_FORM },
	{ .name = "two fields", .data = "\norders,0\n",
	  .message = NAME ":2: 2 fields; write " ANY_FORM },
	{ .name = "five fields", .data = "g,orders,0,1,2\n",
	  .message = NAME ":1: 5 fields; write " ANY_FORM },
	{ .name = "three then four fields", .data = "orders,0,1\ng,orders,1,2\n",
	  .message = NAME ":2: 4 fields, but line 1 has 3; write " ONE_GROUP " on every line" },
	{ .name = "four then three fields", .data = "g,orders,0,1\norders,1,2\n",
	  .message = NAME ":2: 3 fields, but line 1 has 4; write " GROUPS " on every line" },
	{ .name = "mixed forms after empty lines", .data = "\n\norders,0,1\n\ng,orders,1,2",
	  .message = NAME ":5: 4 fields, but line 3 has 3; write " ONE_GROUP " on every line" },
	{ .name = "a line of spaces", .data = "orders,0,1\n  \n",
	  .message = NAME ":2: 1 field, but line 1 has 3; write " ONE_GROUP " on every line" },
	{ .name = "header line", .data = "topic,partition,offset\norders,0,1\n",
	  .message = NAME ":1: partition `partition` is not a number; write " ONE_GROUP },
	{ .name = "partition not a number", .data = "orders,0,1\norders,1,2\norders,x,3",
	  .message = NAME ":3: partition `x` is not a number; write " ONE_GROUP },
	{ .name = "partition not a number, four fields", .data = "g,orders,x,1\n",
	  .message = NAME ":1: partition `x` is not a number; write " GROUPS },
	{ .name = "empty partition", .data = "orders,,1\n",
	  .message = NAME ":1: partition `` is not a number; write " ONE_GROUP },
	{ .name = "partition with a space", .data = "orders, 0,1\n",
	  .message = NAME ":1: partition ` 0` is not a number; write " ONE_GROUP },
	{ .name = "partition with a plus", .data = "orders,+1,1\n",
	  .message = NAME ":1: partition `+1` is not a number; write " ONE_GROUP },
	{ .name = "partition a lone minus", .data = "orders,-,1\n",
	  .message = NAME ":1: partition `-` is not a number; write " ONE_GROUP },
	{ .name = "negative partition", .data = "orders,-1,1\n",
	  .message = NAME ":1: partition `-1` is out of range; write 0 to 2147483647" },
	{ .name = "partition over INT32_MAX", .data = "orders,2147483648,1\n",
	  .message = NAME ":1: partition `2147483648` is out of range; write 0 to 2147483647" },
	{ .name = "negative offset", .data = "orders,0,-1\n",
	  .message = NAME ":1: offset `-1` is out of range; write 0 to 9223372036854775807" },
	{ .name = "offset over INT64_MAX", .data = "orders,0,9223372036854775808\n",
	  .message = NAME ":1: offset `9223372036854775808` is out of range; write 0 to "
	             "9223372036854775807" },
	{ .name = "offset far over INT64_MAX", .data = "orders,0,99999999999999999999999\n",
	  .message = NAME ":1: offset `99999999999999999999999` is out of range; write 0 to "
	             "9223372036854775807" },
	{ .name = "offset in exponent form", .data = "orders,0,1e3\n",
	  .message = NAME ":1: offset `1e3` is not a number; write " ONE_GROUP },
	{ .name = "offset in hex", .data = "orders,0,0x10\n",
	  .message = NAME ":1: offset `0x10` is not a number; write " ONE_GROUP },
	{ .name = "topic with a space", .data = "my topic,0,1\n",
	  .message = NAME ":1: topic `my topic` " BAD_TOPIC },
	{ .name = "topic with a colon", .data = "g,t:1,0,1\n",
	  .message = NAME ":1: topic `t:1` " BAD_TOPIC },
	{ .name = "topic with a control character", .data = "or\x1b[31mders,0,1\n",
	  .message = NAME ":1: topic `or\\x1b[31mders` " BAD_TOPIC },
	{ .name = "empty topic", .data = ",0,1\n",
	  .message = NAME ":1: empty topic; write " ONE_GROUP },
	{ .name = "topic `.`", .data = "g,.,0,1\n",
	  .message = NAME ":1: `.` is not a topic name (Kafka refuses `.` and `..`); write "
	             GROUPS },
	{ .name = "topic `..`", .data = "..,0,1\n",
	  .message = NAME ":1: `..` is not a topic name (Kafka refuses `.` and `..`); write "
	             ONE_GROUP },
	{ .name = "topic too long", .data = TOPIC_250 ",0,1\n",
	  .message = NAME ":1: topic `t" DIGITS_50 "0123456789012...` has 250 characters; Kafka "
	             "allows at most 249" },
	{ .name = "empty group", .data = ",orders,0,1\n",
	  .message = NAME ":1: empty group id; write " GROUPS },
	{ .name = "empty quoted group", .data = "g,orders,0,1\n\"\",orders,0,1\n",
	  .message = NAME ":2: empty group id; write " GROUPS },
	{ .name = "duplicate partition", .data = "orders,0,1\norders,1,2\norders,0,3\n",
	  .message = NAME ":3: topic `orders`, partition 0 is already on line 1; keep one of "
	             "the two lines" },
	{ .name = "duplicate partition of a group", .data = "g,orders,0,1\nh,orders,0,1\n"
	                                                    "g,orders,0,2\n",
	  .message = NAME ":3: group `g`, topic `orders`, partition 0 is already on line 1; "
	             "keep one of the two lines" },
	{ .name = "the first repeat is named", .data = "a,0,1\nb,0,1\nb,0,2\na,0,2\n",
	  .message = NAME ":3: topic `b`, partition 0 is already on line 2; keep one of the "
	             "two lines" },
	{ .name = "three times the same", .data = "a,0,1\r\na,0,2\r\na,0,3\r\n",
	  .message = NAME ":2: topic `a`, partition 0 is already on line 1; keep one of the "
	             "two lines" },
	{ .name = "duplicate after a quoted line break",
	  .data = "\"x\ny\",t,0,1\n\"x\ny\",t,0,2\n",
	  .message = NAME ":3: group `x\\x0ay`, topic `t`, partition 0 is already on line 1; "
	             "keep one of the two lines" },
	{ .name = "the first error is named", .data = "a,x,1\nb,y,1\n",
	  .message = NAME ":1: partition `x` is not a number; write " ONE_GROUP },
	{ .name = "error line with CRLF", .data = "a,0,1\r\nb,0,1\r\nc,x,1\r\n",
	  .message = NAME ":3: partition `x` is not a number; write " ONE_GROUP },
	{ .name = "quote inside a field", .data = "orders,0,1\nord\"ers,0,1\n",
	  .message = NAME ":2: a `\"` inside a field that does not start with one; quote the "
	             "whole field and double the `\"`, e.g. \"a\"\"b\"" },
	{ .name = "text after a closing quote", .data = "\"g\"x,orders,0,1\n",
	  .message = NAME ":1: text after the closing `\"` of a field; put it inside the "
	             "quotes, or end the field with `,`" },
	{ .name = "space after a closing quote", .data = "\"a\nb\",t,0,1\n\"g\" ,orders,0,1\n",
	  .message = NAME ":3: text after the closing `\"` of a field; put it inside the "
	             "quotes, or end the field with `,`" },
	{ .name = "quote never closed", .data = "orders,0,1\n\"g,orders,0,1\n",
	  .message = NAME ":2: a quoted field is not closed; end it with `\"`" },
	{ .name = "quote never closed after a quoted line break",
	  .data = "\"a\nb\",t,0,1\ng,t,0,\"1\n\n",
	  .message = NAME ":3: a quoted field is not closed; end it with `\"`" },
	{ .name = "NUL byte", .data = "orders,0,1\nor\0ders,0,1\n",
	  .size = sizeof "orders,0,1\nor\0ders,0,1\n" - 1,
	  .message = NAME ":2: NUL byte in a field; a plan is a text file" },
};

/* FILE's rows as struct parse_case writes them (caller frees). */
static char *
rows_text(const struct reset_file *file)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	assert_non_null(out);
	for (size_t i = 0; i < file->count; i++) {
		const struct reset_file_row *row = &file->rows[i];

		fprintf(out, "%s%s%s%s:%" PRId32 "=%" PRId64, i > 0 ? " ; " : "",
		        row->group != NULL ? row->group : "", row->group != NULL ? "|" : "",
		        row->topic, row->partition, row->offset);
	}
	assert_int_equal(fclose(out), 0);
	return text;
}

static void
test_parse_cases(void **state)
{
	(void)state;
	assert_true(COUNT(parse_cases) >= 25);
	for (size_t i = 0; i < COUNT(parse_cases); i++) {
		const struct parse_case *c = &parse_cases[i];
		size_t size = c->size > 0 ? c->size : strlen(c->data);
		static struct reset_file untouched;
		struct reset_file *file = &untouched;   /* must be set to NULL on an error */
		char *err = NULL, *rows;
		int rc = reset_file_parse(c->data, size, NAME, &file, &err);

		if (c->message != NULL) {
			if (rc != -1)
				fail_msg("%s: accepted", c->name);
			assert_null(file);
			assert_non_null(err);
			if (strcmp(err, c->message) != 0)
				fail_msg("%s:\n got      %s\n expected %s", c->name, err, c->message);
			free(err);
			continue;
		}
		if (rc != 0)
			fail_msg("%s: refused: %s", c->name, err);
		assert_null(err);
		rows = rows_text(file);
		if (strcmp(rows, c->rows) != 0)
			fail_msg("%s:\n got      %s\n expected %s", c->name, rows, c->rows);
		if (file->has_groups != c->has_groups)
			fail_msg("%s: has_groups %d", c->name, file->has_groups);
		for (size_t j = 0; j < file->count; j++)
			if ((file->rows[j].group != NULL) != file->has_groups)
				fail_msg("%s: row %zu: group does not match the form", c->name, j);
		free(rows);
		reset_file_free(file);
	}
}

/* What ROWS write to (caller frees). */
static char *
write_text(const struct reset_file_row *rows, size_t count, bool with_groups)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);

	assert_non_null(out);
	assert_int_equal(reset_file_write(out, rows, count, with_groups), 0);
	assert_int_equal(fclose(out), 0);
	return text;
}

/* ROWS written as EXPECTED parse back to themselves. */
static void
round_trip(const struct reset_file_row *rows, size_t count, bool with_groups,
           const char *expected)
{
	char *text = write_text(rows, count, with_groups), *err = NULL;
	struct reset_file *file = NULL;

	assert_string_equal(text, expected);
	if (reset_file_parse(text, strlen(text), NAME, &file, &err) != 0)
		fail_msg("%s", err);
	assert_int_equal(file->count, count);
	assert_int_equal(file->has_groups, with_groups);
	for (size_t i = 0; i < count; i++) {
		if (with_groups)
			assert_string_equal(file->rows[i].group, rows[i].group);
		else
			assert_null(file->rows[i].group);
		assert_string_equal(file->rows[i].topic, rows[i].topic);
		assert_int_equal(file->rows[i].partition, rows[i].partition);
		assert_int_equal(file->rows[i].offset, rows[i].offset);
	}
	reset_file_free(file);
	free(text);
}

static void
test_round_trip_groups(void **state)
{
	static const struct reset_file_row rows[] = {
		{ .group = "plain", .topic = "orders", .partition = 0, .offset = 42 },
		{ .group = "team,a \"x\"", .topic = "orders", .partition = 1, .offset = 0 },
		{ .group = " spaced ", .topic = "orders.retry", .partition = 2, .offset = 7 },
		{ .group = "two\nlines", .topic = "a_b-c", .partition = INT32_MAX,
		  .offset = INT64_MAX },
		{ .group = "\ttab", .topic = "t", .partition = 0, .offset = 1 },
		{ .group = "cr\r", .topic = "t", .partition = 0, .offset = 1 },
	};

	(void)state;
	round_trip(rows, COUNT(rows), true,
	           "plain,orders,0,42\n"
	           "\"team,a \"\"x\"\"\",orders,1,0\n"
	           "\" spaced \",orders.retry,2,7\n"
	           "\"two\nlines\",a_b-c,2147483647,9223372036854775807\n"
	           "\"\ttab\",t,0,1\n"
	           "\"cr\r\",t,0,1\n");
}

static void
test_round_trip_one_group(void **state)
{
	static const struct reset_file_row rows[] = {
		{ .group = "ignored", .topic = "orders", .partition = 0, .offset = 42 },
		{ .topic = "orders", .partition = 1, .offset = 43 },
		{ .topic = "...", .partition = 2, .offset = 0 },
	};

	(void)state;
	round_trip(rows, COUNT(rows), false, "orders,0,42\norders,1,43\n...,2,0\n");
}

static void
test_write_nothing(void **state)
{
	char *text;

	(void)state;
	text = write_text(NULL, 0, true);
	assert_string_equal(text, "");
	free(text);
}

/* A full disk shows, though stdio holds the text back until it is flushed. */
static void
test_write_error(void **state)
{
	static const struct reset_file_row row = { .topic = "orders", .partition = 0,
	                                           .offset = 1 };
	FILE *full = fopen("/dev/full", "w");

	(void)state;
	if (full == NULL)
		skip();
	assert_int_equal(reset_file_write(full, &row, 1, false), -1);
	fclose(full);
}

/* Where the tests write their files: $TMPDIR, or /tmp. */
static const char *
temp_dir(void)
{
	const char *tmp = getenv("TMPDIR");

	return tmp != NULL && tmp[0] != '\0' ? tmp : "/tmp";
}

/* A new temporary file holding TEXT; returns its path (caller unlinks and frees). */
static char *
write_temp(const char *text)
{
	char *path = NULL;
	int fd;

	assert_true(asprintf(&path, "%s/kfleet-reset-XXXXXX", temp_dir()) > 0);
	assert_true((fd = mkstemp(path)) >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	assert_int_equal(close(fd), 0);
	return path;
}

/* The message reset_file_read gives for PATH (caller frees), failing if it reads it. */
static char *
read_error(const char *path)
{
	struct reset_file *file = NULL;
	char *err = NULL;

	if (reset_file_read(path, &file, &err) == 0)
		fail_msg("%s: read", path);
	assert_null(file);
	assert_non_null(err);
	return err;
}

static void
test_read_file(void **state)
{
	char *path = write_temp("orders,0,1\norders,1,2\n"), *err = NULL;
	char *expected = NULL, *message;
	struct reset_file *file = NULL;

	(void)state;
	if (reset_file_read(path, &file, &err) != 0)
		fail_msg("%s", err);
	assert_int_equal(file->count, 2);
	assert_string_equal(file->rows[1].topic, "orders");
	reset_file_free(file);
	unlink(path);
	free(path);

	path = write_temp("orders,0,1\norders,x,2\n");
	message = read_error(path);
	assert_true(asprintf(&expected, "%s:2: partition `x` is not a number; write "
	                     ONE_GROUP, path) > 0);
	assert_string_equal(message, expected);
	free(expected);
	free(message);
	unlink(path);
	free(path);
}

static void
test_read_errors(void **state)
{
	char *path = write_temp(""), *expected = NULL, *message;

	(void)state;
	unlink(path);
	message = read_error(path);
	assert_true(asprintf(&expected, "%s: No such file or directory", path) > 0);
	assert_string_equal(message, expected);
	free(expected);
	free(message);
	free(path);

	message = read_error(temp_dir());
	assert_true(asprintf(&expected, "%s: Is a directory", temp_dir()) > 0);
	assert_string_equal(message, expected);
	free(expected);
	free(message);
}

/* A file of one byte more than 64 MiB is refused before it is read (it is sparse). */
static void
test_read_too_large(void **state)
{
	char *path = write_temp(""), *expected = NULL, *message;

	(void)state;
	assert_int_equal(truncate(path, RESET_FILE_MAX_BYTES + 1), 0);
	message = read_error(path);
	assert_true(asprintf(&expected, "%s: larger than 64 MiB; split the plan into smaller "
	                     "files", path) > 0);
	assert_string_equal(message, expected);
	free(expected);
	free(message);
	unlink(path);
	free(path);
}

/* Run reset_file_read("-") with standard input reading FD. */
static int
read_stdin_from(int fd, struct reset_file **file, char **err)
{
	int saved = dup(STDIN_FILENO), rc;

	assert_true(saved >= 0);
	assert_int_equal(dup2(fd, STDIN_FILENO), STDIN_FILENO);
	clearerr(stdin);
	rc = reset_file_read("-", file, err);
	assert_int_equal(dup2(saved, STDIN_FILENO), STDIN_FILENO);
	close(saved);
	clearerr(stdin);
	return rc;
}

static void
test_read_stdin(void **state)
{
	char *path = write_temp("g,orders,0,1\n\"h,i\",orders,0,1\n");
	struct reset_file *file = NULL;
	char *err = NULL;
	int fd = open(path, O_RDONLY);

	(void)state;
	assert_true(fd >= 0);
	if (read_stdin_from(fd, &file, &err) != 0)
		fail_msg("%s", err);
	close(fd);
	assert_int_equal(file->count, 2);
	assert_string_equal(file->rows[1].group, "h,i");
	reset_file_free(file);
	unlink(path);
	free(path);

	path = write_temp("orders,0\n");
	assert_true((fd = open(path, O_RDONLY)) >= 0);
	assert_int_equal(read_stdin_from(fd, &file, &err), -1);
	close(fd);
	assert_string_equal(err, "standard input:1: 2 fields; write " ANY_FORM);
	free(err);
	unlink(path);
	free(path);
}

/* Write SIZE bytes of empty lines into FD from a child process. */
static pid_t
feed(int fd, size_t size)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		char buf[64 * 1024];

		memset(buf, '\n', sizeof buf);
		while (size > 0) {
			size_t n = size < sizeof buf ? size : sizeof buf;
			ssize_t written = write(fd, buf, n);

			if (written <= 0)
				_exit(1);
			size -= (size_t)written;
		}
		_exit(0);
	}
	return pid;
}

/* A pipe does not say its size: it is read up to the limit, and refused past it. */
static void
test_read_pipe_limit(void **state)
{
	struct reset_file *file = NULL;
	char *err = NULL;
	int fds[2], status;
	pid_t pid;

	(void)state;
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(pipe(fds), 0);
	pid = feed(fds[1], RESET_FILE_MAX_BYTES + 1);
	close(fds[1]);
	assert_int_equal(read_stdin_from(fds[0], &file, &err), -1);
	close(fds[0]);
	assert_string_equal(err, "standard input: larger than 64 MiB; split the plan into "
	                    "smaller files");
	free(err);
	assert_int_equal(waitpid(pid, &status, 0), pid);

	/* Exactly 64 MiB is read, and refused for having no row. */
	assert_int_equal(pipe(fds), 0);
	pid = feed(fds[1], RESET_FILE_MAX_BYTES);
	close(fds[1]);
	assert_int_equal(read_stdin_from(fds[0], &file, &err), -1);
	close(fds[0]);
	assert_string_equal(err, "standard input: no rows; write one line per partition: "
	                    ANY_FORM);
	free(err);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_cases),
		cmocka_unit_test(test_round_trip_groups),
		cmocka_unit_test(test_round_trip_one_group),
		cmocka_unit_test(test_write_nothing),
		cmocka_unit_test(test_write_error),
		cmocka_unit_test(test_read_file),
		cmocka_unit_test(test_read_errors),
		cmocka_unit_test(test_read_too_large),
		cmocka_unit_test(test_read_stdin),
		cmocka_unit_test(test_read_pipe_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
