/* owners: who owns what the catalog shows. Resolves consumer groups, principals and
 * topics to the service and team the ownership YAML binds them to (DESIGN.md, Ownership).
 * The listings use it, and kfleet-agent labels its consumer-group metrics with it. */
#ifndef KFLEET_OWNERS_H
#define KFLEET_OWNERS_H

#include <stddef.h>

#include "kfleet/store.h"

/* The ownership of the catalog, loaded once and matched in memory. */
struct owners;

/* A service and its team; either may be NULL (no service claims it, or no team owns it). */
struct owner {
	const char *service;
	const char *team;
};

/* What the catalog says of a topic: its owning team, tags and description. */
struct owners_topic {
	const char *team;              /* or NULL */
	const char *description;       /* or NULL */
	const char *const *tags;       /* sorted */
	size_t tag_count;
};

/* Load the ownership of STORE. NULL with *err set (caller frees) on failure. */
struct owners *owners_load(struct store *store, char **err);
void owners_free(struct owners *owners);

/* The service whose consumer-group binding matches GROUP on CLUSTER: an exact name beats a
 * glob, a binding for CLUSTER beats one for every cluster, a longer glob beats a shorter
 * one, then services in name order. No match: both fields NULL. */
struct owner owners_group(const struct owners *owners, const char *cluster, const char *group);

/* The service whose principal binding matches PRINCIPAL (e.g. "User:order-service"). */
struct owner owners_principal(const struct owners *owners, const char *cluster,
                              const char *principal);

/* The service that declares it produces TOPIC on CLUSTER. */
struct owner owners_producer(const struct owners *owners, const char *cluster, const char *topic);

/* The topic metadata for TOPIC on CLUSTER (a row for that cluster beats one for every
 * cluster), or NULL when the ownership files say nothing of it. */
const struct owners_topic *owners_topic(const struct owners *owners, const char *cluster,
                                        const char *topic);

#endif
