/* Unit tests for topology/render: format names; the hand-made sample topology
 * (tests/unit/topology_test.c) in every format, by its magic bytes; what its SVG and DOT
 * say of each node and edge (ids, classes, colours by status, lag labels, tooltips, names
 * with " < > & and a backslash); an empty topology; dot up to TOPOLOGY_SFDP_ABOVE nodes and
 * sfdp above; malformed topologies as errors. XML validity and missing Graphviz plugins
 * are tests/cli/test_render.sh's. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kfleet/topology_render.h"
#include "tests/unit/topology_test.h"

#define COUNT(array) (sizeof (array) / sizeof (array)[0])

/* ---------------------------------------------------------------- format names */

static const struct format_case {
	const char *name;
	int rc;
	enum topology_format format;
} format_cases[] = {
	{ "svg", 0, TOPOLOGY_FORMAT_SVG },
	{ "png", 0, TOPOLOGY_FORMAT_PNG },
	{ "pdf", 0, TOPOLOGY_FORMAT_PDF },
	{ "dot", 0, TOPOLOGY_FORMAT_DOT },
	{ "SVG", 0, TOPOLOGY_FORMAT_SVG },
	{ "Dot", 0, TOPOLOGY_FORMAT_DOT },
	{ "json", -1, 0 },
	{ "svgz", -1, 0 },
	{ "jpg", -1, 0 },
	{ "", -1, 0 },
	{ NULL, -1, 0 },
};

static void
test_format_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < COUNT(format_cases); i++) {
		const struct format_case *c = &format_cases[i];
		enum topology_format format = TOPOLOGY_FORMAT_PNG;
		int rc = topology_format_parse(c->name, &format);

		if (rc != c->rc)
			fail_msg("topology_format_parse(\"%s\") = %d, expected %d",
			         c->name != NULL ? c->name : "(null)", rc, c->rc);
		if (rc == 0) {
			assert_int_equal(format, c->format);
			assert_string_equal(topology_format_name(format), format_cases[format].name);
		}
	}
	assert_null(topology_format_name((enum topology_format)99));
}

/* ---------------------------------------------------------------- every format */

static const struct magic_case {
	enum topology_format format;
	const char *magic;
	size_t magic_length;
} magic_cases[] = {
	{ TOPOLOGY_FORMAT_SVG, "<?xml", 5 },
	{ TOPOLOGY_FORMAT_PNG, "\x89PNG\r\n\x1a\n", 8 },
	{ TOPOLOGY_FORMAT_PDF, "%PDF-", 5 },
	{ TOPOLOGY_FORMAT_DOT, "digraph topology {", 18 },
};

/* TOPOLOGY in FORMAT, failing the test on an error (caller frees). */
static char *
rendered(const struct topology *topology, enum topology_format format, const char *engine,
         size_t *length)
{
	char *data = NULL, *err = NULL;
	int rc = topology_render_with_engine(topology, format, engine, &data, length, &err);

	if (rc != 0)
		fail_msg("topology_render(%s): %s", topology_format_name(format),
		         err != NULL ? err : "(no message)");
	assert_null(err);
	assert_non_null(data);
	assert_int_equal(data[*length], '\0');
	return data;
}

static void
check_magic(const struct topology *topology)
{
	for (size_t i = 0; i < COUNT(magic_cases); i++) {
		const struct magic_case *c = &magic_cases[i];
		size_t length = 0;
		char *data = rendered(topology, c->format, NULL, &length);

		if (length <= c->magic_length || memcmp(data, c->magic, c->magic_length) != 0)
			fail_msg("%s does not start with its magic (%zu bytes)",
			         topology_format_name(c->format), length);
		free(data);
	}
}

static void
test_sample_every_format(void **state)
{
	struct topology *topology = topology_test_sample();

	(void)state;
	check_magic(topology);
	topology_test_free(topology);
}

static void
test_empty_every_format(void **state)
{
	struct topology empty = { 0 };
	size_t length;
	char *svg;

	(void)state;
	check_magic(&empty);
	svg = rendered(&empty, TOPOLOGY_FORMAT_SVG, NULL, &length);
	assert_non_null(strstr(svg, "</svg>"));
	free(svg);
}

/* ---------------------------------------------------------------- what the SVG says */

/* Graphviz's SVG writes names XML-escaped, and '-' as &#45;. */
static const char *const svg_expected[] = {
	/* a node with " < > & and \N in its name: id, label and tooltip show it as it is */
	"<g id=\"service:we&quot;ird &lt;svc&gt; &amp; co\\N\" class=\"node service\">",
	">we&quot;ird &lt;svc&gt; &amp; co\\N</text>",
	"xlink:title=\"service we&quot;ird &lt;svc&gt; &amp; co\\N&#10;"
	"team: R&amp;D &lt;&quot;core&quot;&gt; \\n\"",
	/* teams and Kafka clusters are Graphviz clusters, named in sorted order */
	"<title>cluster_team_0</title>",
	">R&amp;D &lt;&quot;core&quot;&gt; \\n</text>",
	"<g id=\"team:payments\" class=\"cluster team\">",
	"<title>cluster_kafka_1</title>",
	"<g id=\"kafka:prod&#45;us\" class=\"cluster kafka\">",
	/* kinds of node */
	"<g id=\"topic:prod&#45;eu/orders\" class=\"node topic\">",
	"<g id=\"group:prod&#45;eu/legacy&#45;etl\" class=\"node group unowned\">",
	"<g id=\"principal:prod&#45;eu/User:batch\" class=\"node principal unowned\">",
	">(unowned)</text>",
	"xlink:title=\"topic orders&#10;cluster: prod&#45;us&#10;team: payments\"",
	"xlink:title=\"service orphan&#45;job&#10;team: none\"",
	/* edges: lag labels and tooltips */
	">lag 5,400 \xc2\xb7 12m</text>",
	">lag 1,234,567 \xc2\xb7 2h5m</text>",
	">lag 7</text>",
	"xlink:title=\"reporting consumes prod&#45;eu/orders&#10;status: WARNING&#10;"
	"lag 5,400 \xc2\xb7 12m&#10;groups: reporting,reporting&#45;backfill&#10;"
	"from: offsets, ACL\"",
	"xlink:title=\"order&#45;service produces prod&#45;eu/orders&#10;from: ACL, declaration\"",
	"xlink:title=\"prod&#45;eu/User:batch consumes prod&#45;eu/orders&#10;status: unknown&#10;"
	"from: ACL\"",
	"groups: we&quot;ird\\group&#10;",
};

/* Each edge's colour by its kind and status, found in its element. */
static const struct edge_case {
	const char *id;                 /* as the SVG writes it */
	const char *class;
	const char *stroke;
} svg_edges[] = {
	{ "produces:service:order&#45;service&#45;&gt;topic:prod&#45;eu/orders", "edge produces",
	  "navy" },
	{ "consumes:topic:prod&#45;eu/orders&#45;&gt;service:billing", "edge consumes ok",
	  "forestgreen" },
	{ "consumes:topic:prod&#45;eu/orders&#45;&gt;service:reporting", "edge consumes warning",
	  "#ee7600" },
	{ "consumes:topic:prod&#45;eu/payments&#45;&gt;service:billing", "edge consumes rewind",
	  "#cd0000" },
	{ "consumes:topic:prod&#45;us/orders&#45;&gt;service:orphan&#45;job",
	  "edge consumes stalled", "#cd0000" },
	{ "consumes:topic:prod&#45;eu/payments&#45;&gt;group:prod&#45;eu/legacy&#45;etl",
	  "edge consumes stopped", "#cd0000" },
	{ "consumes:topic:prod&#45;eu/orders&#45;&gt;principal:prod&#45;eu/User:batch",
	  "edge consumes unknown", "#8c8c8c" },
};

/* The text of SVG's element with ID up to the comment before the next one (caller frees),
 * or NULL. */
static char *
svg_element(const char *svg, const char *id)
{
	char *start_tag = NULL, *element;
	const char *start, *end;

	assert_true(asprintf(&start_tag, "<g id=\"%s\"", id) > 0);
	start = strstr(svg, start_tag);
	free(start_tag);
	if (start == NULL)
		return NULL;
	end = strstr(start, "<!--");
	if (end == NULL)
		end = start + strlen(start);
	element = strndup(start, (size_t)(end - start));
	assert_non_null(element);
	return element;
}

static void
test_svg_content(void **state)
{
	struct topology *topology = topology_test_sample();
	size_t length;
	char *svg = rendered(topology, TOPOLOGY_FORMAT_SVG, NULL, &length);

	(void)state;
	for (size_t i = 0; i < COUNT(svg_expected); i++) {
		if (strstr(svg, svg_expected[i]) == NULL)
			fail_msg("the SVG lacks %s", svg_expected[i]);
	}
	for (size_t i = 0; i < COUNT(svg_edges); i++) {
		const struct edge_case *c = &svg_edges[i];
		char *element = svg_element(svg, c->id), *class = NULL, *stroke = NULL;

		if (element == NULL)
			fail_msg("the SVG has no edge %s", c->id);
		assert_true(asprintf(&class, "class=\"%s\"", c->class) > 0);
		assert_true(asprintf(&stroke, "stroke=\"%s\"", c->stroke) > 0);
		if (strstr(element, class) == NULL || strstr(element, stroke) == NULL)
			fail_msg("edge %s: expected %s and %s in %s", c->id, class, stroke, element);
		free(class);
		free(stroke);
		free(element);
	}
	/* dot draws cluster boxes; a caught-up consumer still says so */
	assert_non_null(strstr(svg, "class=\"cluster"));
	assert_non_null(strstr(svg, ">lag 0 \xc2\xb7 0s</text>"));
	free(svg);
	topology_test_free(topology);
}

/* ---------------------------------------------------------------- what the DOT says */

/* NAME as cgraph quotes it in DOT: in double quotes, with \" for ". */
static char *
dot_quoted(const char *name)
{
	char *out = malloc(2 * strlen(name) + 3), *p = out;

	assert_non_null(out);
	*p++ = '"';
	for (const char *s = name; *s != '\0'; s++) {
		if (*s == '"')
			*p++ = '\\';
		*p++ = *s;
	}
	*p++ = '"';
	*p = '\0';
	return out;
}

static void
test_dot_content(void **state)
{
	struct topology *topology = topology_test_sample();
	size_t length;
	char *dot = rendered(topology, TOPOLOGY_FORMAT_DOT, NULL, &length);

	(void)state;
	for (size_t i = 0; i < topology->node_count; i++) {
		char *quoted = dot_quoted(topology->nodes[i].id);

		if (strstr(dot, quoted) == NULL)
			fail_msg("the DOT lacks node %s", quoted);
		free(quoted);
	}
	/* the engine is in the graph, no layout was done, names are escStrings */
	assert_non_null(strstr(dot, "layout=dot"));
	assert_null(strstr(dot, "pos="));
	assert_non_null(strstr(dot, "subgraph cluster_team_0 {"));
	assert_non_null(strstr(dot, "label=\"we\\\"ird <svc> & co\\\\N\""));
	assert_non_null(strstr(dot, "tooltip=\"service we\\\"ird <svc> & co\\\\\\\\N\\nteam:"));
	free(dot);
	topology_test_free(topology);
}

/* ---------------------------------------------------------------- dot or sfdp */

static void
test_sfdp_above_threshold(void **state)
{
	struct topology *at = topology_test_synthetic(TOPOLOGY_SFDP_ABOVE);
	struct topology *above = topology_test_synthetic(TOPOLOGY_SFDP_ABOVE + 1);
	size_t length;
	char *dot, *svg;

	(void)state;
	assert_int_equal(at->node_count, TOPOLOGY_SFDP_ABOVE);
	assert_int_equal(above->node_count, TOPOLOGY_SFDP_ABOVE + 1);
	assert_string_equal(topology_render_engine(at), "dot");
	assert_string_equal(topology_render_engine(above), "sfdp");

	dot = rendered(at, TOPOLOGY_FORMAT_DOT, NULL, &length);
	assert_non_null(strstr(dot, "layout=dot"));
	free(dot);
	dot = rendered(above, TOPOLOGY_FORMAT_DOT, NULL, &length);
	assert_non_null(strstr(dot, "layout=sfdp"));
	assert_non_null(strstr(dot, "overlap=prism"));
	free(dot);

	/* sfdp's drawing: no cluster boxes, so the labels name the cluster */
	svg = rendered(above, TOPOLOGY_FORMAT_SVG, NULL, &length);
	assert_null(strstr(svg, "class=\"cluster"));
	assert_non_null(strstr(svg, ">prod&#45;eu/topic&#45;00000</text>"));
	free(svg);
	topology_test_free(at);
	topology_test_free(above);
}

static void
test_engine_chosen_by_caller(void **state)
{
	struct topology *topology = topology_test_sample();
	char *data = NULL, *err = NULL;
	size_t length;
	char *svg = rendered(topology, TOPOLOGY_FORMAT_SVG, "sfdp", &length);

	(void)state;
	assert_null(strstr(svg, "class=\"cluster"));
	assert_non_null(strstr(svg, ">prod&#45;eu/orders</text>"));
	/* sfdp labels only the edges that are not OK */
	assert_non_null(strstr(svg, ">lag 5,400 \xc2\xb7 12m</text>"));
	assert_null(strstr(svg, ">lag 7</text>"));
	free(svg);

	assert_int_equal(topology_render_with_engine(topology, TOPOLOGY_FORMAT_SVG, "nosuch", &data,
	                                             &length, &err), -1);
	assert_null(data);
	assert_string_equal(err, "Graphviz cannot lay graphs out with nosuch here: no such layout engine");
	free(err);
	topology_test_free(topology);
}

/* ---------------------------------------------------------------- malformed topologies */

static void
check_refused(const struct topology *topology, enum topology_format format, const char *message)
{
	char *data = NULL, *err = NULL;
	size_t length = 99;

	assert_int_equal(topology_render(topology, format, &data, &length, &err), -1);
	assert_null(data);
	assert_int_equal(length, 0);
	assert_non_null(err);
	assert_string_equal(err, message);
	free(err);
}

static void
test_malformed(void **state)
{
	struct topology *topology = topology_test_sample();
	char *id;

	(void)state;
	topology->edges[0].to = topology->node_count;
	check_refused(topology, TOPOLOGY_FORMAT_SVG, "an edge of the topology points past its nodes");
	topology->edges[0].to = 0;

	id = topology->nodes[1].id;
	topology->nodes[1].id = topology->nodes[0].id;
	check_refused(topology, TOPOLOGY_FORMAT_DOT, "two nodes of the topology have the same id");
	topology->nodes[1].id = NULL;
	check_refused(topology, TOPOLOGY_FORMAT_DOT, "a node of the topology has no id");
	topology->nodes[1].id = id;

	check_refused(topology, (enum topology_format)42, "unknown topology format");
	topology_test_free(topology);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_parse),
		cmocka_unit_test(test_sample_every_format),
		cmocka_unit_test(test_empty_every_format),
		cmocka_unit_test(test_svg_content),
		cmocka_unit_test(test_dot_content),
		cmocka_unit_test(test_sfdp_above_threshold),
		cmocka_unit_test(test_engine_chosen_by_caller),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
