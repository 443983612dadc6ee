/* bench_tui: how fast the terminal UI is on a large catalog.
 *   bench/bench_tui [-s COLUMNSxLINES] [-t TEXT] [-r ROUNDS] CATALOG
 * Opens CATALOG as `kfleet` does and draws the first frame (the Groups view: every group,
 * worst first) on a curses screen of 80x24 (-s) whose output goes to /dev/null, then
 * types '/' and TEXT (default "service-0042", a name bench_snapshot -o gives) into the
 * filter one key at a time, each key
 * followed by its frame, and erases it again with Backspace; ROUNDS times (default 5).
 * Prints the first frame's time and the median and worst time of a typed and of an
 * erased key. Make a catalog with bench/bench_snapshot, e.g. 100,000 partitions and
 * 5,000 groups: bench/bench_snapshot -g 2 -t 10000 -p 10 -G 5000 /tmp/big.db */
#include "config.h"

#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curses.h>

#include "kfleet/listing.h"
#include "kfleet/monotonic.h"
#include "kfleet/store.h"
#include "tui/tui.h"

#define BENCH_MAX_KEYS 4096

static int
bench_compare(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
bench_report(const char *what, double *times, size_t count)
{
	if (count == 0)
		return;
	qsort(times, count, sizeof *times, bench_compare);
	printf("%-26s median %7.2f ms   max %7.2f ms   (%zu keys)\n", what, times[count / 2],
	       times[count - 1], count);
}

/* The catalog's size, from the clusters listing. */
static void
bench_catalog_size(struct store *store, long long *partitions, long long *groups)
{
	char *err = NULL;
	json_t *rows = listing_query(store, LISTING_CLUSTERS, NULL, &err);
	const json_t *row;
	size_t index;

	*partitions = *groups = 0;
	if (rows == NULL) {
		free(err);
		return;
	}
	json_array_foreach(rows, index, row) {
		*partitions += json_integer_value(json_object_get(row, "partitions"));
		*groups += json_integer_value(json_object_get(row, "groups"));
	}
	json_decref(rows);
}

static void
bench_usage(FILE *out)
{
	fprintf(out, "usage: bench/bench_tui [-s COLUMNSxLINES] [-t TEXT] [-r ROUNDS] CATALOG\n");
}

int
main(int argc, char **argv)
{
	const char *text = "service-0042", *size = "80x24";
	int rounds = 5, opt, columns, lines;
	static double typed[BENCH_MAX_KEYS], erased[BENCH_MAX_KEYS];
	size_t typed_count = 0, erased_count = 0;
	long long partitions, groups;
	char term_columns[16], term_lines[16], *err = NULL;
	double start, first_frame;
	struct store *store, *probe;
	SCREEN *screen;
	FILE *out, *in;
	struct tui tui;

	setlocale(LC_ALL, "");
	while ((opt = getopt(argc, argv, "s:t:r:h")) != -1) {
		switch (opt) {
		case 's':
			size = optarg;
			break;
		case 't':
			text = optarg;
			break;
		case 'r':
			rounds = atoi(optarg);
			break;
		case 'h':
			bench_usage(stdout);
			return 0;
		default:
			bench_usage(stderr);
			return 2;
		}
	}
	if (optind + 1 != argc || sscanf(size, "%dx%d", &columns, &lines) != 2 || columns < 20 ||
	    lines < 5 || rounds < 1 || strlen(text) * (size_t)rounds > BENCH_MAX_KEYS) {
		bench_usage(stderr);
		return 2;
	}
	probe = store_open(argv[optind], &err);
	if (probe == NULL) {
		fprintf(stderr, "bench_tui: %s\n", err);
		free(err);
		return 1;
	}
	bench_catalog_size(probe, &partitions, &groups);
	store_close(probe);

	snprintf(term_columns, sizeof term_columns, "%d", columns);
	snprintf(term_lines, sizeof term_lines, "%d", lines);
	setenv("COLUMNS", term_columns, 1);
	setenv("LINES", term_lines, 1);
	out = fopen("/dev/null", "w");
	in = fopen("/dev/null", "r");
	if (out == NULL || in == NULL ||
	    (screen = newterm("xterm-256color", out, in)) == NULL) {
		fprintf(stderr, "bench_tui: no curses screen for xterm-256color\n");
		return 1;
	}
	set_term(screen);

	/* The first frame: what `kfleet` does from opening the catalog to its first draw. */
	start = monotonic_seconds();
	store = store_open(argv[optind], &err);
	if (store == NULL) {
		endwin();
		fprintf(stderr, "bench_tui: %s\n", err);
		free(err);
		return 1;
	}
	tui_open(&tui, store, false);
	tui_draw(&tui);
	first_frame = (monotonic_seconds() - start) * 1e3;

	for (int round = 0; round < rounds; round++) {
		tui_key(&tui, '/');
		tui_draw(&tui);
		for (const char *c = text; *c != '\0'; c++) {
			start = monotonic_seconds();
			tui_key(&tui, (unsigned char)*c);
			tui_draw(&tui);
			typed[typed_count++] = (monotonic_seconds() - start) * 1e3;
		}
		for (size_t i = 0; i < strlen(text); i++) {
			start = monotonic_seconds();
			tui_key(&tui, TUI_FUNCTION_KEY(KEY_BACKSPACE));
			tui_draw(&tui);
			erased[erased_count++] = (monotonic_seconds() - start) * 1e3;
		}
		tui_key(&tui, TUI_ESCAPE);
	}
	tui_close(&tui);
	endwin();
	delscreen(screen);
	fclose(out);
	fclose(in);

	printf("catalog: %s, %lld partitions, %lld groups; screen %dx%d\n", argv[optind],
	       partitions, groups, columns, lines);
	printf("%-26s %7.1f ms\n", "first frame (Groups view)", first_frame);
	bench_report("filter key typed", typed, typed_count);
	bench_report("filter key erased", erased, erased_count);
	return 0;
}
