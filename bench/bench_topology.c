/* bench_topology: how long the layout and rendering of a fleet's topology take, with dot
 * and with sfdp, to choose TOPOLOGY_SFDP_ABOVE (doc/benchmarks.md, "Topology layout"), and
 * how long the terminal UI waits for its text drawing.
 *   bench/bench_topology [-r RUNS] [-t SECONDS] [NODES...]
 * For each size (default 200, 1000 and 5000 nodes: tests/unit/topology_test.c's synthetic
 * fleets, services in teams of 8 producing 2 topics and consuming 3, topics on 3 clusters)
 * and each engine, runs topology_render_with_engine to SVG RUNS times (default 3; once when
 * a run takes over 20 s), each in a child process so that a run over SECONDS (default 120)
 * is stopped and reported as such, and prints the wall time (median, min, max), the size
 * of the SVG and of the drawing, and the peak RSS of the child. Then the same for
 * topology_canvas_draw (Unicode, the engine by size) at 200 and 1000 nodes (or NODES): the
 * size of its lines, and of the canvas in cells. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kfleet/monotonic.h"
#include "kfleet/topology_render.h"
#include "kfleet/topology_text.h"
#include "tests/unit/topology_test.h"

#define BENCH_MAX_RUNS 20
#define BENCH_ONE_RUN_ABOVE_S 20.0

static const size_t default_sizes[] = { 200, 1000, 5000 };
static const size_t default_text_sizes[] = { 200, 1000 };
static const char *const engines[] = { "dot", "sfdp" };

/* What a run draws: an SVG with an engine, or the text canvas (ENGINE NULL). */
#define BENCH_TEXT NULL

/* What a child reports of its run through a pipe. */
struct bench_run {
	int ok;
	double seconds;
	size_t bytes;
	double width, height;           /* the SVG's in points, the canvas's in cells */
	char engine[16];                /* the text canvas's, as topology_render_engine picks */
	char err[240];
};

struct bench_outcome {
	struct bench_run run;
	enum { BENCH_DONE, BENCH_FAILED, BENCH_TIMED_OUT } status;
	double max_rss_mib;
};

/* The width and height in points that the SVG's root element declares. */
static void
bench_svg_size(const char *svg, double *width, double *height)
{
	const char *w = strstr(svg, "<svg width=\"");
	const char *h = strstr(svg, " height=\"");

	*width = w != NULL ? strtod(w + strlen("<svg width=\""), NULL) : 0;
	*height = h != NULL ? strtod(h + strlen(" height=\""), NULL) : 0;
}

/* The text canvas of TOPOLOGY into RUN. */
static void
bench_text(const struct topology *topology, struct bench_run *run, char **err)
{
	struct topology_canvas *canvas = NULL;
	double start = monotonic_seconds();

	run->ok = topology_canvas_draw(topology, true, &canvas, err) == 0;
	run->seconds = monotonic_seconds() - start;
	if (run->ok) {
		for (int y = 0; y < canvas->height; y++)
			run->bytes += strlen(canvas->lines[y]) + 1;
		run->width = canvas->width;
		run->height = canvas->height;
	}
	/* after the drawing, which made the Graphviz context the choice may ask for */
	snprintf(run->engine, sizeof run->engine, "%s", topology_render_engine(topology));
	topology_canvas_free(canvas);
}

static void
bench_child(const struct topology *topology, const char *engine, int out)
{
	struct bench_run run = { 0 };
	char *data = NULL, *err = NULL;
	size_t length = 0;
	double start = monotonic_seconds();

	if (engine == BENCH_TEXT) {
		bench_text(topology, &run, &err);
	} else {
		run.ok = topology_render_with_engine(topology, TOPOLOGY_FORMAT_SVG, engine, &data,
		                                     &length, &err) == 0;
		run.seconds = monotonic_seconds() - start;
		run.bytes = length;
		if (run.ok)
			bench_svg_size(data, &run.width, &run.height);
	}
	if (!run.ok)
		snprintf(run.err, sizeof run.err, "%s", err != NULL ? err : "(no message)");
	free(data);
	free(err);
	if (write(out, &run, sizeof run) != (ssize_t)sizeof run)
		_exit(2);
	_exit(0);
}

/* One run of ENGINE on TOPOLOGY in a child, stopped after LIMIT seconds. */
static struct bench_outcome
bench_once(const struct topology *topology, const char *engine, int limit)
{
	struct bench_outcome outcome = { .status = BENCH_FAILED };
	struct rusage usage;
	struct pollfd wait_for;
	int pipe_fds[2], child_status;
	pid_t child;
	ssize_t got;

	if (pipe(pipe_fds) < 0) {
		perror("bench_topology: pipe");
		exit(1);
	}
	fflush(stdout);
	child = fork();
	if (child < 0) {
		perror("bench_topology: fork");
		exit(1);
	}
	if (child == 0) {
		close(pipe_fds[0]);
		bench_child(topology, engine, pipe_fds[1]);
	}
	close(pipe_fds[1]);
	wait_for = (struct pollfd){ .fd = pipe_fds[0], .events = POLLIN };
	while (poll(&wait_for, 1, limit * 1000) < 0 && errno == EINTR)
		;
	if (!(wait_for.revents & (POLLIN | POLLHUP))) {
		kill(child, SIGKILL);
		outcome.status = BENCH_TIMED_OUT;
	} else {
		got = read(pipe_fds[0], &outcome.run, sizeof outcome.run);
		if (got == (ssize_t)sizeof outcome.run && outcome.run.ok)
			outcome.status = BENCH_DONE;
		else if (got != (ssize_t)sizeof outcome.run)
			snprintf(outcome.run.err, sizeof outcome.run.err, "the run died");
	}
	close(pipe_fds[0]);
	if (wait4(child, &child_status, 0, &usage) == child)
		outcome.max_rss_mib = (double)usage.ru_maxrss / 1024.0;
	return outcome;
}

static int
bench_compare_doubles(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One line of a table: RUNS runs of ENGINE (or BENCH_TEXT) on TOPOLOGY. */
static void
bench_line(const struct topology *topology, const char *engine, int runs, int limit)
{
	double seconds[BENCH_MAX_RUNS], max_rss = 0;
	struct bench_outcome outcome = { 0 };
	int done = 0;

	for (int r = 0; r < runs; r++) {
		outcome = bench_once(topology, engine, limit);
		if (outcome.status != BENCH_DONE)
			break;
		seconds[done++] = outcome.run.seconds;
		if (outcome.max_rss_mib > max_rss)
			max_rss = outcome.max_rss_mib;
		if (outcome.run.seconds > BENCH_ONE_RUN_ABOVE_S)
			break;
	}
	printf("| %6zu | %6zu | %-6s |", topology->node_count, topology->edge_count,
	       engine != BENCH_TEXT ? engine : done > 0 ? outcome.run.engine : "?");
	if (done == 0) {
		if (outcome.status == BENCH_TIMED_OUT)
			printf(" stopped after %d s |\n", limit);
		else
			printf(" failed: %s |\n", outcome.run.err);
		fflush(stdout);
		return;
	}
	qsort(seconds, (size_t)done, sizeof seconds[0], bench_compare_doubles);
	printf(" %4d | %8.2f | %8.2f | %8.2f | %7.1f | %6.0f x %-7.0f | %8.1f |\n", done,
	       seconds[done / 2], seconds[0], seconds[done - 1],
	       (double)outcome.run.bytes / (1024.0 * 1024.0), outcome.run.width,
	       outcome.run.height, max_rss);
	fflush(stdout);
}

static void
bench_size(size_t nodes, int runs, int limit)
{
	struct topology *topology = topology_test_synthetic(nodes);

	for (size_t e = 0; e < sizeof engines / sizeof engines[0]; e++)
		bench_line(topology, engines[e], runs, limit);
	topology_test_free(topology);
}

static void
bench_text_size(size_t nodes, int runs, int limit)
{
	struct topology *topology = topology_test_synthetic(nodes);

	bench_line(topology, BENCH_TEXT, runs, limit);
	topology_test_free(topology);
}

int
main(int argc, char **argv)
{
	int runs = 3, limit = 120, opt;

	while ((opt = getopt(argc, argv, "r:t:")) != -1) {
		switch (opt) {
		case 'r':
			runs = atoi(optarg);
			break;
		case 't':
			limit = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: bench_topology [-r RUNS] [-t SECONDS] [NODES...]\n");
			return 2;
		}
	}
	if (runs < 1 || runs > BENCH_MAX_RUNS || limit < 1) {
		fprintf(stderr, "bench_topology: RUNS is 1 to %d, SECONDS at least 1\n",
		        BENCH_MAX_RUNS);
		return 2;
	}
	printf("SVG of synthetic fleets, layout + render, %d run(s) each, stopped after %d s\n\n",
	       runs, limit);
	printf("|  nodes |  edges | engine | runs | median s |    min s |    max s | SVG MiB |"
	       " drawing (pt)     | peak RSS MiB |\n");
	printf("|--------|--------|--------|------|----------|----------|----------|---------|"
	       "------------------|--------------|\n");
	if (optind == argc) {
		for (size_t i = 0; i < sizeof default_sizes / sizeof default_sizes[0]; i++)
			bench_size(default_sizes[i], runs, limit);
	} else {
		for (int i = optind; i < argc; i++)
			bench_size(strtoul(argv[i], NULL, 10), runs, limit);
	}

	printf("\nText canvas of synthetic fleets for the terminal (topology_canvas_draw, Unicode),"
	       " %d run(s) each\n\n", runs);
	printf("|  nodes |  edges | engine | runs | median s |    min s |    max s | txt MiB |"
	       " canvas (cells)   | peak RSS MiB |\n");
	printf("|--------|--------|--------|------|----------|----------|----------|---------|"
	       "------------------|--------------|\n");
	if (optind == argc) {
		for (size_t i = 0; i < sizeof default_text_sizes / sizeof default_text_sizes[0]; i++)
			bench_text_size(default_text_sizes[i], runs, limit);
	} else {
		for (int i = optind; i < argc; i++)
			bench_text_size(strtoul(argv[i], NULL, 10), runs, limit);
	}
	return 0;
}
