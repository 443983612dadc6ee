/* topology_test: topologies made by hand for the render module's tests and its benchmark
 * (the catalog's topology_build is not needed to draw one). They own their strings; free
 * them with topology_test_free, not topology_free. Out of memory aborts. */
#ifndef KFLEET_TOPOLOGY_TEST_H
#define KFLEET_TOPOLOGY_TEST_H

#include <stddef.h>

#include "kfleet/topology.h"

/* A small fleet with every kind of node and every status of edge: services in two teams
 * and one without, a service whose name and team hold " < > & and a backslash (\N), the
 * same topic name on two clusters, an unowned group and an unowned principal. */
struct topology *topology_test_sample(void);

/* The display names of the sample's nodes, NULL-terminated, as labels show them. */
extern const char *const topology_test_sample_names[];

/* A synthetic fleet of about NODES nodes: services (40%) in teams of 8, topics (50%) on 3
 * clusters, unowned groups (7%) and principals (3%). Each service produces 2 topics and
 * consumes 3, mostly on its team's home cluster; each group consumes 2, each principal
 * produces 1 and consumes 1. Statuses: 80% OK, 10% WARNING, 5% UNKNOWN, 5% errors. The
 * same NODES gives the same fleet. */
struct topology *topology_test_synthetic(size_t nodes);

void topology_test_free(struct topology *topology);

#endif
