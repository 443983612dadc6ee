/* Unit tests for tui/table, the model behind the terminal UI's lists: cells formatted as
 * the command line's tables format them, the filter, the sort, the cursor kept on its row
 * across refreshes, paging and scrolling, and lines as `kfleet lag` prints them. Most
 * tests are scripts of steps (a refresh, a keystroke's call) with what must be shown
 * after each. */
#include "config.h"

#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tui/output.h"
#include "tui/table.h"

#define COUNT(array) (sizeof (array) / sizeof (array)[0])

/* Groups as a lag list shows them; a row is told apart by cluster and group. */
static const struct output_column group_columns[] = {
	{ .field = "cluster", .heading = "CLUSTER" },
	{ .field = "group", .heading = "GROUP", .shrinks = true },
	{ .field = "lag", .heading = "LAG", .right = true },
	{ .field = "state", .heading = "STATE", .drop = 1 },
	{ .field = "topics", .heading = "TOPICS", .shrinks = true, .drop = 2 },
};
static const char *const group_keys[] = { "cluster", "group" };

enum { COLUMN_CLUSTER, COLUMN_GROUP, COLUMN_LAG, COLUMN_STATE, COLUMN_TOPICS };

/* Partitions: told apart by topic and partition (a number). */
static const struct output_column partition_columns[] = {
	{ .field = "topic", .heading = "TOPIC", .shrinks = true },
	{ .field = "partition", .heading = "PARTITION", .right = true },
};
static const char *const partition_keys[] = { "topic", "partition" };

/* The listing most tests start from, in the order the catalog gives it. */
#define GROUPS \
	"[{\"cluster\": \"prod\", \"group\": \"orders\", \"lag\": 120, \"state\": \"Stable\"," \
	"  \"topics\": [\"orders\"]}," \
	" {\"cluster\": \"prod\", \"group\": \"Orders-dlq\", \"lag\": null, \"state\": \"Empty\"," \
	"  \"topics\": [\"orders-dlq\"]}," \
	" {\"cluster\": \"prod\", \"group\": \"payments\", \"lag\": 5, \"state\": \"Stable\"," \
	"  \"topics\": [\"payments\", \"refunds\"]}," \
	" {\"cluster\": \"stage\", \"group\": \"orders\", \"lag\": 120, \"state\": \"Stable\"," \
	"  \"topics\": [\"orders\"]}," \
	" {\"cluster\": \"stage\", \"group\": \"billing\", \"lag\": 0, \"state\": \"Dead\"," \
	"  \"topics\": []}]"
#define ALL_GROUPS "prod/orders prod/Orders-dlq prod/payments stage/orders stage/billing"

/* Ten groups c/g0 .. c/g9 of lag 0 .. 9, for paging. */
#define TEN_GROUPS \
	"[{\"cluster\": \"c\", \"group\": \"g0\", \"lag\": 0}," \
	" {\"cluster\": \"c\", \"group\": \"g1\", \"lag\": 1}," \
	" {\"cluster\": \"c\", \"group\": \"g2\", \"lag\": 2}," \
	" {\"cluster\": \"c\", \"group\": \"g3\", \"lag\": 3}," \
	" {\"cluster\": \"c\", \"group\": \"g4\", \"lag\": 4}," \
	" {\"cluster\": \"c\", \"group\": \"g5\", \"lag\": 5}," \
	" {\"cluster\": \"c\", \"group\": \"g6\", \"lag\": 6}," \
	" {\"cluster\": \"c\", \"group\": \"g7\", \"lag\": 7}," \
	" {\"cluster\": \"c\", \"group\": \"g8\", \"lag\": 8}," \
	" {\"cluster\": \"c\", \"group\": \"g9\", \"lag\": 9}]"

static json_t *
parse(const char *text)
{
	json_error_t error;
	json_t *value = json_loads(text, 0, &error);

	if (value == NULL)
		fail_msg("bad JSON in the test: %s: %s", error.text, text);
	return value;
}

/* A table of COLUMNS (at least two) over ROWS_JSON. */
static void
table_of(struct table *table, const struct output_column *columns, size_t column_count,
         const char *const *keys, size_t key_count, const char *rows_json)
{
	table_init(table, columns, column_count, keys, key_count);
	table_set_rows(table, parse(rows_json));
}

/* The visible rows as "first/second" of their first two cells, one space apart (caller
 * frees): what a list shows, in its order. */
static char *
visible_rows(const struct table *table)
{
	char *text = NULL;
	size_t length = 0;
	FILE *out = open_memstream(&text, &length);

	assert_non_null(out);
	for (size_t i = 0; i < table->visible_count; i++)
		fprintf(out, "%s%s/%s", i ? " " : "", table_cell(table, i, 0), table_cell(table, i, 1));
	assert_int_equal(fclose(out), 0);
	return text;
}

/* The selected row as "first/second" of its first two fields, or NULL (caller frees):
 * read from the row itself, not from the cells. */
static char *
selected_row(const struct table *table)
{
	const json_t *row = table_selected(table);
	char *first, *second, *text;

	if (row == NULL)
		return NULL;
	first = output_cell_text(json_object_get(row, table->columns[0].field), &table->columns[0]);
	second = output_cell_text(json_object_get(row, table->columns[1].field), &table->columns[1]);
	assert_true(asprintf(&text, "%s/%s", first, second) >= 0);
	free(first);
	free(second);
	return text;
}

/* What a step of a script does. */
enum step_action {
	STEP_ROWS,      /* table_set_rows(text) */
	STEP_FILTER,    /* table_set_filter(text) */
	STEP_SORT,      /* table_sort(number, descending) */
	STEP_MOVE,      /* table_move(number) */
	STEP_HOME,
	STEP_END,
	STEP_SCROLL,    /* table_scroll(number); then top is checked too */
};

/* A step and what the list shows after it: the visible rows in order (NULL: unchecked),
 * the row under the cursor (NULL: none) and the cursor's place. */
struct step {
	enum step_action action;
	const char *text;
	long number;
	bool descending;
	const char *visible;
	const char *selected;
	size_t cursor;
	size_t top;
};

/* Run STEPS on a table of COLUMNS told apart by KEYS, checking each. */
static void
run_script(const char *name, const struct output_column *columns, size_t column_count,
           const char *const *keys, size_t key_count, const struct step *steps, size_t count)
{
	struct table table;

	table_init(&table, columns, column_count, keys, key_count);
	for (size_t i = 0; i < count; i++) {
		const struct step *s = &steps[i];
		char *visible, *selected;

		switch (s->action) {
		case STEP_ROWS:
			table_set_rows(&table, parse(s->text));
			break;
		case STEP_FILTER:
			table_set_filter(&table, s->text);
			break;
		case STEP_SORT:
			table_sort(&table, (int)s->number, s->descending);
			break;
		case STEP_MOVE:
			table_move(&table, s->number);
			break;
		case STEP_HOME:
			table_home(&table);
			break;
		case STEP_END:
			table_end(&table);
			break;
		case STEP_SCROLL:
			table_scroll(&table, (size_t)s->number);
			break;
		}
		visible = visible_rows(&table);
		selected = selected_row(&table);
		if (s->visible != NULL && strcmp(visible, s->visible) != 0)
			fail_msg("%s, step %zu: shows \"%s\", expected \"%s\"", name, i + 1, visible,
			         s->visible);
		if ((s->selected == NULL) != (selected == NULL) ||
		    (selected != NULL && strcmp(selected, s->selected) != 0))
			fail_msg("%s, step %zu: selected %s, expected %s", name, i + 1,
			         selected ? selected : "nothing", s->selected ? s->selected : "nothing");
		if (table.cursor != s->cursor)
			fail_msg("%s, step %zu: cursor at %zu, expected %zu", name, i + 1, table.cursor,
			         s->cursor);
		if (s->action == STEP_SCROLL && table.top != s->top)
			fail_msg("%s, step %zu: top %zu, expected %zu", name, i + 1, table.top, s->top);
		free(visible);
		free(selected);
	}
	table_free(&table);
}

#define RUN_GROUP_SCRIPT(steps) \
	run_script(__func__, group_columns, COUNT(group_columns), group_keys, COUNT(group_keys), \
	           steps, COUNT(steps))

/* Each cell is output_cell_text of its field (lists joined, null as "-"), made once per
 * refresh: filtering and sorting reuse it. */
static void
test_cells(void **state)
{
	static const struct {
		size_t row, column;
		const char *text;
	} cells[] = {
		{ 0, COLUMN_LAG, "120" },
		{ 1, COLUMN_LAG, "-" },
		{ 2, COLUMN_TOPICS, "payments, refunds" },
		{ 4, COLUMN_TOPICS, "" },
		{ 4, COLUMN_STATE, "Dead" },
	};
	struct table table;
	const char *payments_topics;

	(void)state;
	table_of(&table, group_columns, COUNT(group_columns), group_keys, COUNT(group_keys), GROUPS);
	assert_int_equal(table.visible_count, 5);
	for (size_t i = 0; i < COUNT(cells); i++)
		assert_string_equal(table_cell(&table, cells[i].row, cells[i].column), cells[i].text);
	for (size_t r = 0; r < table.visible_count; r++) {
		for (size_t c = 0; c < COUNT(group_columns); c++) {
			char *expected = output_cell_text(
				json_object_get(json_array_get(table.rows, r), group_columns[c].field),
				&group_columns[c]);

			assert_string_equal(table_cell(&table, r, c), expected);
			free(expected);
		}
	}
	payments_topics = table_cell(&table, 2, COLUMN_TOPICS);
	table_sort(&table, COLUMN_LAG, true);
	table_set_filter(&table, "pay");
	assert_int_equal(table.visible_count, 1);
	assert_ptr_equal(table_cell(&table, 0, COLUMN_TOPICS), payments_topics);
	table_free(&table);
}

/* The filter: a substring of any shown cell, in any case; cells do not run together. */
static void
test_filter(void **state)
{
	static const struct {
		const char *filter, *visible;
	} cases[] = {
		{ "", ALL_GROUPS },
		{ NULL, ALL_GROUPS },
		{ "ORD", "prod/orders prod/Orders-dlq stage/orders" },
		{ "orders-", "prod/Orders-dlq" },
		{ "dlq", "prod/Orders-dlq" },
		{ "stAGE", "stage/orders stage/billing" },
		{ "stable", "prod/orders prod/payments stage/orders" },   /* the STATE column */
		{ "refunds", "prod/payments" },                         /* an item of a list */
		{ "s, r", "prod/payments" },                            /* as the list is shown */
		{ "12", "prod/orders stage/orders" },                   /* a number as shown */
		{ "-", "prod/Orders-dlq" },
		{ "prodorders", "" },
		{ "zzz", "" },
	};

	(void)state;
	for (size_t i = 0; i < COUNT(cases); i++) {
		struct table table;
		char *visible;

		table_of(&table, group_columns, COUNT(group_columns), group_keys, COUNT(group_keys),
		         GROUPS);
		table_set_filter(&table, cases[i].filter);
		visible = visible_rows(&table);
		if (strcmp(visible, cases[i].visible) != 0)
			fail_msg("filter \"%s\": shows \"%s\", expected \"%s\"",
			         cases[i].filter ? cases[i].filter : "(null)", visible, cases[i].visible);
		free(visible);
		table_free(&table);
	}
}

/* Typing narrows the list one character at a time; backspace and a new word widen it
 * again; the cursor stays on its row while that row is shown, else keeps its place. */
static void
test_filter_typing(void **state)
{
	static const struct step steps[] = {
		{ STEP_ROWS, GROUPS, .visible = ALL_GROUPS, .selected = "prod/orders", .cursor = 0 },
		{ STEP_MOVE, .number = 3, .selected = "stage/orders", .cursor = 3 },
		{ STEP_FILTER, "o", .visible = "prod/orders prod/Orders-dlq prod/payments stage/orders",
		  .selected = "stage/orders", .cursor = 3 },
		{ STEP_FILTER, "or", .visible = "prod/orders prod/Orders-dlq stage/orders",
		  .selected = "stage/orders", .cursor = 2 },
		{ STEP_FILTER, "ORD", .visible = "prod/orders prod/Orders-dlq stage/orders",
		  .selected = "stage/orders", .cursor = 2 },
		{ STEP_FILTER, "ORDE", .visible = "prod/orders prod/Orders-dlq stage/orders",
		  .selected = "stage/orders", .cursor = 2 },
		{ STEP_FILTER, "ORDERS-", .visible = "prod/Orders-dlq", .selected = "prod/Orders-dlq",
		  .cursor = 0 },
		{ STEP_FILTER, "ORDERS-x", .visible = "", .selected = NULL, .cursor = 0 },
		{ STEP_FILTER, "ORDERS-", .visible = "prod/Orders-dlq", .selected = "prod/Orders-dlq",
		  .cursor = 0 },
		{ STEP_FILTER, "ORD", .visible = "prod/orders prod/Orders-dlq stage/orders",
		  .selected = "prod/Orders-dlq", .cursor = 1 },
		{ STEP_FILTER, "", .visible = ALL_GROUPS, .selected = "prod/Orders-dlq", .cursor = 1 },
		{ STEP_FILTER, "stable", .visible = "prod/orders prod/payments stage/orders",
		  .selected = "prod/payments", .cursor = 1 },
		{ STEP_FILTER, "pay", .visible = "prod/payments", .selected = "prod/payments",
		  .cursor = 0 },
		{ STEP_FILTER, "bill", .visible = "stage/billing", .selected = "stage/billing",
		  .cursor = 0 },
		{ STEP_FILTER, "bil", .visible = "stage/billing", .selected = "stage/billing",
		  .cursor = 0 },
		{ STEP_FILTER, NULL, .visible = ALL_GROUPS, .selected = "stage/billing", .cursor = 4 },
		/* With a sort: the filtered rows in the sort's order. */
		{ STEP_SORT, .number = COLUMN_LAG, .descending = true,
		  .visible = "prod/orders stage/orders prod/payments stage/billing prod/Orders-dlq",
		  .selected = "stage/billing", .cursor = 3 },
		{ STEP_FILTER, "ord", .visible = "prod/orders stage/orders prod/Orders-dlq",
		  .selected = "prod/Orders-dlq", .cursor = 2 },
		{ STEP_FILTER, "or", .visible = "prod/orders stage/orders prod/Orders-dlq",
		  .selected = "prod/Orders-dlq", .cursor = 2 },
		/* A refresh keeps the filter. */
		{ STEP_ROWS, GROUPS, .visible = "prod/orders stage/orders prod/Orders-dlq",
		  .selected = "prod/Orders-dlq", .cursor = 2 },
	};

	(void)state;
	RUN_GROUP_SCRIPT(steps);
}

/* A listing of groups c/NAME with lags LAG_JSON, for the sort cases. */
#define LAGS(a, b, c, d) \
	"[{\"cluster\": \"c\", \"group\": \"a\", \"lag\": " a "}," \
	" {\"cluster\": \"c\", \"group\": \"b\", \"lag\": " b "}," \
	" {\"cluster\": \"c\", \"group\": \"c\", \"lag\": " c "}," \
	" {\"cluster\": \"c\", \"group\": \"d\", \"lag\": " d "}]"

/* The sort: numbers as numbers with null below them, text by bytes, ties in the
 * listing's order, either way. */
static void
test_sort(void **state)
{
	static const struct {
		const char *name, *rows;
		int column;
		bool descending;
		const char *visible;
	} cases[] = {
		{ "listing's order", GROUPS, -1, false, ALL_GROUPS },
		{ "listing's order, descending ignored", GROUPS, -1, true, ALL_GROUPS },
		{ "no such column: listing's order", GROUPS, 99, false, ALL_GROUPS },
		{ "lag, null lowest, ties as listed", GROUPS, COLUMN_LAG, false,
		  "prod/Orders-dlq stage/billing prod/payments prod/orders stage/orders" },
		{ "lag descending, null last, ties still as listed", GROUPS, COLUMN_LAG, true,
		  "prod/orders stage/orders prod/payments stage/billing prod/Orders-dlq" },
		{ "group by bytes: capitals first", GROUPS, COLUMN_GROUP, false,
		  "prod/Orders-dlq stage/billing prod/orders stage/orders prod/payments" },
		{ "group descending", GROUPS, COLUMN_GROUP, true,
		  "prod/payments prod/orders stage/orders stage/billing prod/Orders-dlq" },
		{ "state, ties as listed", GROUPS, COLUMN_STATE, false,
		  "stage/billing prod/Orders-dlq prod/orders prod/payments stage/orders" },
		{ "cluster descending", GROUPS, COLUMN_CLUSTER, true,
		  "stage/orders stage/billing prod/orders prod/Orders-dlq prod/payments" },
		{ "a list as shown", GROUPS, COLUMN_TOPICS, false,
		  "stage/billing prod/orders stage/orders prod/Orders-dlq prod/payments" },
		{ "numbers, not their text", LAGS("100", "9", "-3", "20"), COLUMN_LAG, false,
		  "c/c c/b c/d c/a" },
		{ "reals among integers", LAGS("2.5", "2", "null", "3"), COLUMN_LAG, false,
		  "c/c c/b c/a c/d" },
		{ "reals among integers, descending", LAGS("2.5", "2", "null", "3"), COLUMN_LAG, true,
		  "c/d c/a c/b c/c" },
		{ "nulls among themselves as listed", LAGS("null", "1", "null", "0"), COLUMN_LAG, true,
		  "c/b c/d c/a c/c" },
		{ "integers beyond a double's precision",
		  LAGS("9007199254740993", "9007199254740992", "9223372036854775807",
		       "9223372036854775806"), COLUMN_LAG, false, "c/b c/a c/d c/c" },
		{ "text by bytes, not by locale",
		  "[{\"cluster\": \"c\", \"group\": \"\\u00e9t\\u00e9\"},"
		  " {\"cluster\": \"c\", \"group\": \"zulu\"},"
		  " {\"cluster\": \"c\", \"group\": \"Zulu\"},"
		  " {\"cluster\": \"c\", \"group\": \"alpha\"}]", COLUMN_GROUP, false,
		  "c/Zulu c/alpha c/zulu c/\xc3\xa9t\xc3\xa9" },
	};

	(void)state;
	for (size_t i = 0; i < COUNT(cases); i++) {
		struct table table;
		char *visible;

		table_of(&table, group_columns, COUNT(group_columns), group_keys, COUNT(group_keys),
		         cases[i].rows);
		table_sort(&table, cases[i].column, cases[i].descending);
		visible = visible_rows(&table);
		if (strcmp(visible, cases[i].visible) != 0)
			fail_msg("%s: shows \"%s\", expected \"%s\"", cases[i].name, visible,
			         cases[i].visible);
		free(visible);
		table_free(&table);
	}
}

/* The cursor stays on its row (by cluster and group) across refreshes that move it, sorts
 * and filters; when its row goes, it keeps its place, clamped to the rows left. */
static void
test_cursor_kept(void **state)
{
	static const struct step steps[] = {
		{ STEP_ROWS, GROUPS, .visible = ALL_GROUPS, .selected = "prod/orders", .cursor = 0 },
		{ STEP_MOVE, .number = 2, .selected = "prod/payments", .cursor = 2 },
		/* Its row moved to the end of the listing, its lag changed. */
		{ STEP_ROWS,
		  "[{\"cluster\": \"stage\", \"group\": \"orders\"},"
		  " {\"cluster\": \"stage\", \"group\": \"billing\"},"
		  " {\"cluster\": \"prod\", \"group\": \"orders\"},"
		  " {\"cluster\": \"prod\", \"group\": \"Orders-dlq\"},"
		  " {\"cluster\": \"prod\", \"group\": \"payments\", \"lag\": 7}]",
		  .visible = "stage/orders stage/billing prod/orders prod/Orders-dlq prod/payments",
		  .selected = "prod/payments", .cursor = 4 },
		/* Its row is gone: same place, clamped to the last row. */
		{ STEP_ROWS,
		  "[{\"cluster\": \"prod\", \"group\": \"orders\"},"
		  " {\"cluster\": \"prod\", \"group\": \"Orders-dlq\"},"
		  " {\"cluster\": \"stage\", \"group\": \"orders\"},"
		  " {\"cluster\": \"stage\", \"group\": \"billing\"}]",
		  .visible = "prod/orders prod/Orders-dlq stage/orders stage/billing",
		  .selected = "stage/billing", .cursor = 3 },
		{ STEP_MOVE, .number = -2, .selected = "prod/Orders-dlq", .cursor = 1 },
		/* Its row is gone and one came before it: same place, whichever row is there. */
		{ STEP_ROWS,
		  "[{\"cluster\": \"prod\", \"group\": \"audit\"},"
		  " {\"cluster\": \"prod\", \"group\": \"orders\"},"
		  " {\"cluster\": \"stage\", \"group\": \"orders\"},"
		  " {\"cluster\": \"stage\", \"group\": \"billing\"}]",
		  .visible = "prod/audit prod/orders stage/orders stage/billing",
		  .selected = "prod/orders", .cursor = 1 },
		/* The same group in another cluster is another row. */
		{ STEP_ROWS,
		  "[{\"cluster\": \"stage\", \"group\": \"orders\"},"
		  " {\"cluster\": \"prod\", \"group\": \"audit\"},"
		  " {\"cluster\": \"prod\", \"group\": \"orders\"}]",
		  .visible = "stage/orders prod/audit prod/orders", .selected = "prod/orders",
		  .cursor = 2 },
		{ STEP_ROWS, "[]", .visible = "", .selected = NULL, .cursor = 0 },
		{ STEP_ROWS, GROUPS, .visible = ALL_GROUPS, .selected = "prod/orders", .cursor = 0 },
		/* Sorts. */
		{ STEP_SORT, .number = COLUMN_GROUP,
		  .visible = "prod/Orders-dlq stage/billing prod/orders stage/orders prod/payments",
		  .selected = "prod/orders", .cursor = 2 },
		{ STEP_MOVE, .number = 2, .selected = "prod/payments", .cursor = 4 },
		{ STEP_SORT, .number = COLUMN_LAG, .descending = true,
		  .visible = "prod/orders stage/orders prod/payments stage/billing prod/Orders-dlq",
		  .selected = "prod/payments", .cursor = 2 },
		/* A refresh sorts the new rows: the cursor follows its row up. */
		{ STEP_ROWS,
		  "[{\"cluster\": \"prod\", \"group\": \"orders\", \"lag\": 120, \"state\": \"Stable\"},"
		  " {\"cluster\": \"prod\", \"group\": \"Orders-dlq\", \"state\": \"Empty\"},"
		  " {\"cluster\": \"prod\", \"group\": \"payments\", \"lag\": 500, \"state\": \"Stable\"},"
		  " {\"cluster\": \"stage\", \"group\": \"orders\", \"lag\": 120, \"state\": \"Stable\"},"
		  " {\"cluster\": \"stage\", \"group\": \"billing\", \"lag\": 0, \"state\": \"Dead\"}]",
		  .visible = "prod/payments prod/orders stage/orders stage/billing prod/Orders-dlq",
		  .selected = "prod/payments", .cursor = 0 },
		{ STEP_FILTER, "stable", .visible = "prod/payments prod/orders stage/orders",
		  .selected = "prod/payments", .cursor = 0 },
		{ STEP_MOVE, .number = 1, .selected = "prod/orders", .cursor = 1 },
		/* Its row no longer passes the filter: same place. */
		{ STEP_ROWS,
		  "[{\"cluster\": \"prod\", \"group\": \"orders\", \"lag\": 120, \"state\": \"Empty\"},"
		  " {\"cluster\": \"prod\", \"group\": \"payments\", \"lag\": 500, \"state\": \"Stable\"},"
		  " {\"cluster\": \"stage\", \"group\": \"orders\", \"lag\": 120, \"state\": \"Stable\"}]",
		  .visible = "prod/payments stage/orders", .selected = "stage/orders", .cursor = 1 },
		{ STEP_SORT, .number = -1, .visible = "prod/payments stage/orders",
		  .selected = "stage/orders", .cursor = 1 },
		{ STEP_FILTER, "", .visible = "prod/orders prod/payments stage/orders",
		  .selected = "stage/orders", .cursor = 2 },
	};

	(void)state;
	RUN_GROUP_SCRIPT(steps);
}

/* Keys of several fields, numbers among them, do not run together: topic "t1" partition
 * 1 is not topic "t" partition 11. */
static void
test_cursor_key_fields(void **state)
{
	static const struct step steps[] = {
		{ STEP_ROWS,
		  "[{\"topic\": \"t\", \"partition\": 11}, {\"topic\": \"t1\", \"partition\": 1},"
		  " {\"topic\": \"t\", \"partition\": 2}]",
		  .visible = "t/11 t1/1 t/2", .selected = "t/11", .cursor = 0 },
		{ STEP_MOVE, .number = 1, .selected = "t1/1", .cursor = 1 },
		{ STEP_ROWS,
		  "[{\"topic\": \"t\", \"partition\": 2}, {\"topic\": \"t\", \"partition\": 11},"
		  " {\"topic\": \"t1\", \"partition\": 1}]",
		  .visible = "t/2 t/11 t1/1", .selected = "t1/1", .cursor = 2 },
		{ STEP_MOVE, .number = -1, .selected = "t/11", .cursor = 1 },
		{ STEP_ROWS,
		  "[{\"topic\": \"t1\", \"partition\": 1}, {\"topic\": \"t\", \"partition\": 2},"
		  " {\"topic\": \"t\", \"partition\": 11}]",
		  .visible = "t1/1 t/2 t/11", .selected = "t/11", .cursor = 2 },
		{ STEP_SORT, .number = 1, .visible = "t1/1 t/2 t/11", .selected = "t/11", .cursor = 2 },
		{ STEP_SORT, .number = 1, .descending = true, .visible = "t/11 t/2 t1/1",
		  .selected = "t/11", .cursor = 0 },
	};

	(void)state;
	run_script("key fields", partition_columns, COUNT(partition_columns), partition_keys,
	           COUNT(partition_keys), steps, COUNT(steps));
}

/* Moves are clamped to the rows shown, however far they go. */
static void
test_move(void **state)
{
	static const struct step steps[] = {
		{ STEP_ROWS, GROUPS, .selected = "prod/orders", .cursor = 0 },
		{ STEP_MOVE, .number = 1, .selected = "prod/Orders-dlq", .cursor = 1 },
		{ STEP_MOVE, .number = 2, .selected = "stage/orders", .cursor = 3 },
		{ STEP_MOVE, .number = 0, .selected = "stage/orders", .cursor = 3 },
		{ STEP_MOVE, .number = 10, .selected = "stage/billing", .cursor = 4 },
		{ STEP_MOVE, .number = -1, .selected = "stage/orders", .cursor = 3 },
		{ STEP_MOVE, .number = -10, .selected = "prod/orders", .cursor = 0 },
		{ STEP_MOVE, .number = -1, .selected = "prod/orders", .cursor = 0 },
		{ STEP_END, .selected = "stage/billing", .cursor = 4 },
		{ STEP_END, .selected = "stage/billing", .cursor = 4 },
		{ STEP_HOME, .selected = "prod/orders", .cursor = 0 },
		{ STEP_MOVE, .number = 1, .selected = "prod/Orders-dlq", .cursor = 1 },
		{ STEP_MOVE, .number = LONG_MAX, .selected = "stage/billing", .cursor = 4 },
		{ STEP_MOVE, .number = LONG_MIN, .selected = "prod/orders", .cursor = 0 },
		{ STEP_MOVE, .number = LONG_MAX, .selected = "stage/billing", .cursor = 4 },
		{ STEP_MOVE, .number = -3, .selected = "prod/Orders-dlq", .cursor = 1 },
		{ STEP_MOVE, .number = LONG_MIN, .selected = "prod/orders", .cursor = 0 },
		/* Within the filtered rows. */
		{ STEP_FILTER, "ord", .visible = "prod/orders prod/Orders-dlq stage/orders",
		  .selected = "prod/orders", .cursor = 0 },
		{ STEP_MOVE, .number = 5, .selected = "stage/orders", .cursor = 2 },
		{ STEP_HOME, .selected = "prod/orders", .cursor = 0 },
		{ STEP_END, .selected = "stage/orders", .cursor = 2 },
		/* Nothing shown: the cursor stays at 0, on nothing. */
		{ STEP_FILTER, "zzz", .visible = "", .selected = NULL, .cursor = 0 },
		{ STEP_MOVE, .number = 1, .selected = NULL, .cursor = 0 },
		{ STEP_MOVE, .number = -1, .selected = NULL, .cursor = 0 },
		{ STEP_MOVE, .number = LONG_MAX, .selected = NULL, .cursor = 0 },
		{ STEP_END, .selected = NULL, .cursor = 0 },
		{ STEP_HOME, .selected = NULL, .cursor = 0 },
	};

	(void)state;
	RUN_GROUP_SCRIPT(steps);
}

/* Scrolling keeps the cursor within the lines on screen, moving as little as it can, and
 * never leaves blank lines below the last row while rows above are out of sight. */
static void
test_scroll(void **state)
{
	static const struct step steps[] = {
		{ STEP_ROWS, TEN_GROUPS, .selected = "c/g0", .cursor = 0 },
		{ STEP_SCROLL, .number = 4, .selected = "c/g0", .cursor = 0, .top = 0 },
		{ STEP_MOVE, .number = 3, .selected = "c/g3", .cursor = 3 },
		{ STEP_SCROLL, .number = 4, .selected = "c/g3", .cursor = 3, .top = 0 },
		{ STEP_MOVE, .number = 1, .selected = "c/g4", .cursor = 4 },
		{ STEP_SCROLL, .number = 4, .selected = "c/g4", .cursor = 4, .top = 1 },
		{ STEP_MOVE, .number = 4, .selected = "c/g8", .cursor = 8 },          /* page down */
		{ STEP_SCROLL, .number = 4, .selected = "c/g8", .cursor = 8, .top = 5 },
		{ STEP_END, .selected = "c/g9", .cursor = 9 },
		{ STEP_SCROLL, .number = 4, .selected = "c/g9", .cursor = 9, .top = 6 },
		{ STEP_MOVE, .number = -2, .selected = "c/g7", .cursor = 7 },
		{ STEP_SCROLL, .number = 4, .selected = "c/g7", .cursor = 7, .top = 6 },
		{ STEP_MOVE, .number = -2, .selected = "c/g5", .cursor = 5 },
		{ STEP_SCROLL, .number = 4, .selected = "c/g5", .cursor = 5, .top = 5 },
		{ STEP_MOVE, .number = -4, .selected = "c/g1", .cursor = 1 },         /* page up */
		{ STEP_SCROLL, .number = 4, .selected = "c/g1", .cursor = 1, .top = 1 },
		{ STEP_HOME, .selected = "c/g0", .cursor = 0 },
		{ STEP_SCROLL, .number = 4, .selected = "c/g0", .cursor = 0, .top = 0 },
		{ STEP_END, .selected = "c/g9", .cursor = 9 },
		{ STEP_SCROLL, .number = 4, .selected = "c/g9", .cursor = 9, .top = 6 },
		{ STEP_MOVE, .number = -2, .selected = "c/g7", .cursor = 7 },
		{ STEP_SCROLL, .number = 4, .selected = "c/g7", .cursor = 7, .top = 6 },
		/* Two rows went: the cursor's row is still on screen, but lines 8 and 9 would be
		 * blank. */
		{ STEP_ROWS,
		  "[{\"cluster\": \"c\", \"group\": \"g0\"}, {\"cluster\": \"c\", \"group\": \"g1\"},"
		  " {\"cluster\": \"c\", \"group\": \"g2\"}, {\"cluster\": \"c\", \"group\": \"g3\"},"
		  " {\"cluster\": \"c\", \"group\": \"g4\"}, {\"cluster\": \"c\", \"group\": \"g5\"},"
		  " {\"cluster\": \"c\", \"group\": \"g6\"}, {\"cluster\": \"c\", \"group\": \"g7\"}]",
		  .selected = "c/g7", .cursor = 7 },
		{ STEP_SCROLL, .number = 4, .selected = "c/g7", .cursor = 7, .top = 4 },
		/* The window grew taller than the list. */
		{ STEP_SCROLL, .number = 20, .selected = "c/g7", .cursor = 7, .top = 0 },
		{ STEP_SCROLL, .number = 8, .selected = "c/g7", .cursor = 7, .top = 0 },
		{ STEP_SCROLL, .number = 3, .selected = "c/g7", .cursor = 7, .top = 5 },
		/* No lines at all: nothing moves. */
		{ STEP_SCROLL, .number = 0, .selected = "c/g7", .cursor = 7, .top = 5 },
		/* The filter leaves fewer rows than lines. */
		{ STEP_FILTER, "g6", .visible = "c/g6", .selected = "c/g6", .cursor = 0 },
		{ STEP_SCROLL, .number = 3, .selected = "c/g6", .cursor = 0, .top = 0 },
		{ STEP_FILTER, "", .selected = "c/g6", .cursor = 6 },
		{ STEP_SCROLL, .number = 3, .selected = "c/g6", .cursor = 6, .top = 4 },
		{ STEP_ROWS, "[]", .visible = "", .selected = NULL, .cursor = 0 },
		{ STEP_SCROLL, .number = 3, .selected = NULL, .cursor = 0, .top = 0 },
	};

	(void)state;
	RUN_GROUP_SCRIPT(steps);
}

/* The lines of TABLE's visible rows at WIDTH, headings first, each ending in '\n'
 * (caller frees). */
static char *
table_lines(const struct table *table, size_t width)
{
	size_t widths[COUNT(group_columns)];
	bool hidden[COUNT(group_columns)];
	char *text = NULL;
	size_t length = 0;
	FILE *out = open_memstream(&text, &length);

	assert_int_equal(table->column_count, COUNT(group_columns));
	assert_non_null(out);
	table_layout(table, width, widths, hidden);
	for (size_t i = (size_t)-1; i == (size_t)-1 || i < table->visible_count; i++) {
		char *line = table_line(table, i, widths, hidden);

		fprintf(out, "%s\n", line);
		free(line);
	}
	assert_int_equal(fclose(out), 0);
	return text;
}

/* A list's lines are the command line's table at the same width: droppable columns go
 * (the highest first), then names are cut with an ellipsis ("~" outside UTF-8). */
static void
test_lines(void **state)
{
	static const struct {
		size_t width;
		const char *lines;
	} cases[] = {
		{ 0,
		  "CLUSTER  GROUP       LAG  STATE   TOPICS\n"
		  "prod     orders      120  Stable  orders\n"
		  "prod     Orders-dlq    -  Empty   orders-dlq\n"
		  "prod     payments      5  Stable  payments, refunds\n"
		  "stage    orders      120  Stable  orders\n"
		  "stage    billing       0  Dead\n" },
		{ 51,
		  "CLUSTER  GROUP       LAG  STATE   TOPICS\n"
		  "prod     orders      120  Stable  orders\n"
		  "prod     Orders-dlq    -  Empty   orders-dlq\n"
		  "prod     payments      5  Stable  payments, refunds\n"
		  "stage    orders      120  Stable  orders\n"
		  "stage    billing       0  Dead\n" },
		{ 50,
		  "CLUSTER  GROUP       LAG  STATE\n"
		  "prod     orders      120  Stable\n"
		  "prod     Orders-dlq    -  Empty\n"
		  "prod     payments      5  Stable\n"
		  "stage    orders      120  Stable\n"
		  "stage    billing       0  Dead\n" },
		{ 31,
		  "CLUSTER  GROUP       LAG\n"
		  "prod     orders      120\n"
		  "prod     Orders-dlq    -\n"
		  "prod     payments      5\n"
		  "stage    orders      120\n"
		  "stage    billing       0\n" },
		{ 22,
		  "CLUSTER  GROUP     LAG\n"
		  "prod     orders    120\n"
		  "prod     Orders-~    -\n"
		  "prod     payments    5\n"
		  "stage    orders    120\n"
		  "stage    billing     0\n" },
		/* Narrower than the columns that cannot go: names cut to 8, no further. */
		{ 10,
		  "CLUSTER  GROUP     LAG\n"
		  "prod     orders    120\n"
		  "prod     Orders-~    -\n"
		  "prod     payments    5\n"
		  "stage    orders    120\n"
		  "stage    billing     0\n" },
	};
	struct table table;

	(void)state;
	table_of(&table, group_columns, COUNT(group_columns), group_keys, COUNT(group_keys), GROUPS);
	for (size_t i = 0; i < COUNT(cases); i++) {
		char *lines = table_lines(&table, cases[i].width), *printed = NULL;
		size_t length = 0;
		FILE *out = open_memstream(&printed, &length);

		if (strcmp(lines, cases[i].lines) != 0)
			fail_msg("width %zu:\n%s\nexpected\n%s", cases[i].width, lines, cases[i].lines);
		/* As kfleet lag prints the same rows. */
		assert_non_null(out);
		assert_int_equal(output_rows(out, table.rows, OUTPUT_TABLE, NULL, 0, group_columns,
		                             COUNT(group_columns), cases[i].width), 0);
		assert_int_equal(fclose(out), 0);
		if (strcmp(lines, printed) != 0)
			fail_msg("width %zu:\n%s\nbut the command line prints\n%s", cases[i].width, lines,
			         printed);
		free(printed);
		free(lines);
	}

	/* The lines of the rows shown, and the widths of the rows now listed. */
	table_set_filter(&table, "stage");
	table_sort(&table, COLUMN_GROUP, false);
	{
		char *lines = table_lines(&table, 22);

		assert_string_equal(lines, "CLUSTER  GROUP     LAG\n"
		                           "stage    billing     0\n"
		                           "stage    orders    120\n");
		free(lines);
	}
	table_set_rows(&table, parse("[{\"cluster\": \"stage\", \"group\": \"billing\", \"lag\": 0,"
	                             "  \"state\": \"Dead\", \"topics\": []}]"));
	{
		char *lines = table_lines(&table, 0);

		assert_string_equal(lines, "CLUSTER  GROUP    LAG  STATE  TOPICS\n"
		                           "stage    billing    0  Dead\n");
		free(lines);
	}
	table_free(&table);
}

/* A table with no rows, before its first refresh and after an empty one: nothing
 * selected, every move a no-op, and its headings laid out as they are. */
static void
test_empty(void **state)
{
	static const struct {
		size_t width;
		const char *lines;
	} cases[] = {
		{ 0, "CLUSTER  GROUP  LAG  STATE  TOPICS\n" },
		{ 30, "CLUSTER  GROUP  LAG  STATE\n" },
		{ 20, "CLUSTER  GROUP  LAG\n" },
	};
	struct table table;

	(void)state;
	table_init(&table, group_columns, COUNT(group_columns), group_keys, COUNT(group_keys));
	for (int refreshed = 0; refreshed < 2; refreshed++) {
		if (refreshed)
			table_set_rows(&table, json_array());
		assert_int_equal(table.visible_count, 0);
		assert_null(table_selected(&table));
		for (size_t i = 0; i < COUNT(cases); i++) {
			char *lines = table_lines(&table, cases[i].width);

			if (strcmp(lines, cases[i].lines) != 0)
				fail_msg("%s, width %zu: \"%s\", expected \"%s\"",
				         refreshed ? "refreshed" : "new", cases[i].width, lines,
				         cases[i].lines);
			free(lines);
		}
		table_move(&table, 1);
		table_end(&table);
		table_scroll(&table, 5);
		assert_int_equal(table.cursor, 0);
		assert_int_equal(table.top, 0);
		table_set_filter(&table, "x");
		table_sort(&table, COLUMN_LAG, true);
		assert_int_equal(table.visible_count, 0);
		assert_null(table_selected(&table));
		table_set_filter(&table, "");
		table_sort(&table, -1, false);
	}
	table_free(&table);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cells),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_filter_typing),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_cursor_kept),
		cmocka_unit_test(test_cursor_key_fields),
		cmocka_unit_test(test_move),
		cmocka_unit_test(test_scroll),
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests_name("table", tests, NULL, NULL);
}
