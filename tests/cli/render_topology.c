/* render_topology: the render module's output for tests/cli/test_render.sh.
 *   render_topology FORMAT [NODES [ENGINE]]
 *                                    the sample topology (or a synthetic one of NODES nodes)
 *                                    in FORMAT on stdout, laid out by ENGINE (default: by
 *                                    size); the error on stderr, exit 1
 *   render_topology --ids [NODES]    the node ids, one a line
 *   render_topology --names          the sample's node names, one a line
 *   render_topology --engine NODES   the layout engine for a synthetic topology */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kfleet/topology_render.h"
#include "tests/unit/topology_test.h"

int
main(int argc, char **argv)
{
	struct topology *topology;
	enum topology_format format;
	char *data = NULL, *err = NULL;
	size_t length = 0;
	int status = 0;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: render_topology FORMAT|--ids|--names|--engine [NODES [ENGINE]]\n");
		return 2;
	}
	topology = argc >= 3 ? topology_test_synthetic(strtoul(argv[2], NULL, 10))
	                     : topology_test_sample();
	if (strcmp(argv[1], "--names") == 0) {
		for (size_t i = 0; topology_test_sample_names[i] != NULL; i++)
			printf("%s\n", topology_test_sample_names[i]);
	} else if (strcmp(argv[1], "--ids") == 0) {
		for (size_t i = 0; i < topology->node_count; i++)
			printf("%s\n", topology->nodes[i].id);
	} else if (strcmp(argv[1], "--engine") == 0) {
		printf("%s\n", topology_render_engine(topology));
	} else if (topology_format_parse(argv[1], &format) < 0) {
		fprintf(stderr, "render_topology: unknown format %s\n", argv[1]);
		status = 2;
	} else if (topology_render_with_engine(topology, format, argc == 4 ? argv[3] : NULL, &data,
	                                       &length, &err) < 0) {
		fprintf(stderr, "%s\n", err != NULL ? err : "(no message)");
		status = 1;
	} else if (fwrite(data, 1, length, stdout) != length) {
		status = 1;
	}
	free(data);
	free(err);
	topology_test_free(topology);
	return status;
}
