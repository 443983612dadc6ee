/* Unit tests for tui/output: how lists nested in a row come out in tables and CSV, above
 * all the partitions of `kfleet offsets history` (a list of objects), table-driven. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tui/output.h"

static const char *const fields[] = { "group", "partitions" };
static const struct output_column columns[] = {
	{ .field = "group", .heading = "GROUP" },
	{ .field = "partitions", .heading = "PARTITIONS", .shrinks = true },
};

/* One row of ROW_JSON (fields group and partitions) and what each format prints of it. */
static const struct output_case {
	const char *name;
	const char *row_json;
	const char *csv, *table;
} output_cases[] = {
	{ "offset moves",
	  "{\"group\": \"g\", \"partitions\": ["
	  "{\"topic\": \"orders\", \"partition\": 0, \"before\": 5, \"after\": 2, \"error\": null},"
	  "{\"topic\": \"orders\", \"partition\": 1, \"before\": null, \"after\": 3,"
	  " \"error\": null}]}",
	  "group,partitions\ng,orders[0]:5->2;orders[1]:none->3\n",
	  "GROUP  PARTITIONS\ng      orders[0]:5->2, orders[1]:none->3\n" },
	{ "a refused partition",
	  "{\"group\": \"g\", \"partitions\": ["
	  "{\"topic\": \"orders\", \"partition\": 0, \"before\": 5, \"after\": 2,"
	  " \"error\": \"NOT_COORDINATOR, retry\"}]}",
	  "group,partitions\ng,\"orders[0]:5->2 (refused: NOT_COORDINATOR, retry)\"\n",
	  "GROUP  PARTITIONS\ng      orders[0]:5->2 (refused: NOT_COORDINATOR, retry)\n" },
	{ "no partitions",
	  "{\"group\": \"g\", \"partitions\": []}",
	  "group,partitions\ng,\n",
	  "GROUP  PARTITIONS\ng\n" },
	{ "strings and nulls, as before",
	  "{\"group\": \"g\", \"partitions\": [\"a\", null, \"b\"]}",
	  "group,partitions\ng,a;;b\n",
	  "GROUP  PARTITIONS\ng      a, -, b\n" },
	{ "another object: compact JSON",
	  "{\"group\": \"g\", \"partitions\": [{\"k\": 1}]}",
	  "group,partitions\ng,\"{\"\"k\"\":1}\"\n",
	  "GROUP  PARTITIONS\ng      {\"k\":1}\n" },
};

/* ROWS printed in FORMAT (caller frees). */
static char *
printed(const json_t *rows, enum output_format format)
{
	char *text = NULL;
	size_t length = 0;
	FILE *out = open_memstream(&text, &length);

	assert_non_null(out);
	assert_int_equal(output_rows(out, rows, format, fields, 2, columns, 2, 0), 0);
	fclose(out);
	return text;
}

static void
test_nested_lists(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof output_cases / sizeof output_cases[0]; i++) {
		const struct output_case *c = &output_cases[i];
		json_error_t error;
		json_t *row = json_loads(c->row_json, 0, &error), *rows = json_array();
		char *csv, *table;

		if (row == NULL)
			fail_msg("%s: %s", c->name, error.text);
		json_array_append_new(rows, row);
		csv = printed(rows, OUTPUT_CSV);
		table = printed(rows, OUTPUT_TABLE);
		if (strcmp(csv, c->csv) != 0)
			fail_msg("%s: CSV\n%s\nexpected\n%s", c->name, csv, c->csv);
		if (strcmp(table, c->table) != 0)
			fail_msg("%s: table\n%s\nexpected\n%s", c->name, table, c->table);
		free(csv);
		free(table);
		json_decref(rows);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nested_lists),
	};

	return cmocka_run_group_tests_name("output", tests, NULL, NULL);
}
