/* owners: resolve Kafka identities to the services and teams of the ownership YAML.
 * Everything is loaded in three queries and matched in memory with fnmatch(3): a fleet
 * has thousands of groups but only hundreds of bindings. */
#include "config.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/store_sql.h"
#include "kfleet/owners.h"

enum owners_kind {
	OWNERS_CONSUMER_GROUP,
	OWNERS_PRINCIPAL,
	OWNERS_CLIENT_ID,
	OWNERS_PRODUCES,
	OWNERS_KIND_COUNT
};

static const char *const owners_kind_names[OWNERS_KIND_COUNT] = {
	[OWNERS_CONSUMER_GROUP] = "consumer_group",
	[OWNERS_PRINCIPAL] = "principal",
	[OWNERS_CLIENT_ID] = "client_id",
	[OWNERS_PRODUCES] = "produces",
};

struct owners_service {
	char *name;
	char *team;                    /* or NULL */
};

struct owners_binding {
	size_t service;                /* index into services */
	enum owners_kind kind;
	char *cluster;                 /* or NULL: every cluster */
	char *pattern;
	size_t head;                   /* the pattern's length before its first special
	                                  character: what every match starts with */
};

struct owners_topic_row {
	char *cluster;                 /* or NULL: every cluster */
	char *topic;
	char *team;
	char *description;
	char **tags;
	struct owners_topic view;
};

struct owners {
	struct owners_service *services;   /* sorted by name */
	size_t service_count;
	struct owners_binding *bindings;
	size_t binding_count;
	/* The bindings again, by index: those whose pattern is a plain name sorted by (kind,
	 * pattern, order), so a name finds them by binary search, and the globs in order.
	 * Thousands of groups are matched against thousands of services' bindings. */
	size_t *exact;
	size_t exact_count;
	size_t *globs;
	size_t glob_count;
	struct owners_topic_row *topics;
	size_t topic_count;
};

static const char sql_services[] =
	"SELECT s.name, t.name FROM services s LEFT JOIN teams t ON t.id = s.team_id"
	" ORDER BY s.name";
static const char sql_bindings[] =
	"SELECT s.name, b.kind, b.cluster, b.pattern FROM service_bindings b"
	" JOIN services s ON s.id = b.service_id ORDER BY s.name, b.id";
/* One row per (topic metadata, tag); tag NULL when the topic has none. */
static const char sql_topics[] =
	"SELECT m.id, m.cluster, m.topic, t.name, m.description, g.tag FROM topic_metadata m"
	" LEFT JOIN teams t ON t.id = m.team_id LEFT JOIN topic_tags g ON g.topic_metadata_id = m.id"
	" ORDER BY m.id, g.tag";

/* A copy of column I of STATEMENT's row, NULL for SQL NULL; *failed set on out of memory. */
static char *
owners_column(sqlite3_stmt *statement, int i, int *failed)
{
	const unsigned char *text = sqlite3_column_text(statement, i);
	char *copy;

	if (text == NULL)
		return NULL;
	copy = strdup((const char *)text);
	if (copy == NULL)
		*failed = 1;
	return copy;
}

/* Grow *ARRAY of *COUNT elements of SIZE bytes by one zeroed element; NULL if out of memory. */
static void *
owners_grow(void *array_ptr, size_t *count, size_t size)
{
	void **array = array_ptr;
	char *grown = realloc(*array, (*count + 1) * size);

	if (grown == NULL)
		return NULL;
	*array = grown;
	memset(grown + *count * size, 0, size);
	return grown + (*count)++ * size;
}

static size_t
owners_service_index(const struct owners *owners, const char *name)
{
	size_t low = 0, high = owners->service_count;

	while (low < high) {
		size_t mid = low + (high - low) / 2;
		int cmp = strcmp(owners->services[mid].name, name);

		if (cmp == 0)
			return mid;
		if (cmp < 0)
			low = mid + 1;
		else
			high = mid;
	}
	return owners->service_count;
}

static int
owners_load_services(struct store *store, struct owners *owners, char **err)
{
	sqlite3_stmt *statement = store_statement(store, sql_services, err);
	int rc, failed = 0;

	if (statement == NULL)
		return -1;
	while (!failed && (rc = sqlite3_step(statement)) == SQLITE_ROW) {
		struct owners_service *s = owners_grow(&owners->services, &owners->service_count,
		                                       sizeof *s);
		if (s == NULL)
			break;
		s->name = owners_column(statement, 0, &failed);
		s->team = owners_column(statement, 1, &failed);
	}
	sqlite3_reset(statement);
	if (failed || rc != SQLITE_DONE)
		return store_fail(store, err, "reading services");
	return 0;
}

static int
owners_load_bindings(struct store *store, struct owners *owners, char **err)
{
	sqlite3_stmt *statement = store_statement(store, sql_bindings, err);
	int rc, failed = 0;

	if (statement == NULL)
		return -1;
	while (!failed && (rc = sqlite3_step(statement)) == SQLITE_ROW) {
		const char *service = (const char *)sqlite3_column_text(statement, 0);
		const char *kind = (const char *)sqlite3_column_text(statement, 1);
		struct owners_binding *b;
		int k;

		for (k = 0; k < OWNERS_KIND_COUNT && strcmp(kind, owners_kind_names[k]) != 0; k++)
			;
		if (k == OWNERS_KIND_COUNT)
			continue; /* a kind from a newer kfleet */
		b = owners_grow(&owners->bindings, &owners->binding_count, sizeof *b);
		if (b == NULL)
			break;
		b->service = owners_service_index(owners, service);
		b->kind = (enum owners_kind)k;
		b->cluster = owners_column(statement, 2, &failed);
		b->pattern = owners_column(statement, 3, &failed);
		if (b->pattern != NULL)
			b->head = strcspn(b->pattern, "*?[\\");
	}
	sqlite3_reset(statement);
	if (failed || rc != SQLITE_DONE)
		return store_fail(store, err, "reading service bindings");
	return 0;
}

static int
owners_load_topics(struct store *store, struct owners *owners, char **err)
{
	sqlite3_stmt *statement = store_statement(store, sql_topics, err);
	sqlite3_int64 last_id = -1;
	struct owners_topic_row *t = NULL;
	size_t tag_count = 0;
	int rc, failed = 0;

	if (statement == NULL)
		return -1;
	while (!failed && (rc = sqlite3_step(statement)) == SQLITE_ROW) {
		sqlite3_int64 id = sqlite3_column_int64(statement, 0);

		if (id != last_id) {
			t = owners_grow(&owners->topics, &owners->topic_count, sizeof *t);
			if (t == NULL)
				break;
			last_id = id;
			tag_count = 0;
			t->cluster = owners_column(statement, 1, &failed);
			t->topic = owners_column(statement, 2, &failed);
			t->team = owners_column(statement, 3, &failed);
			t->description = owners_column(statement, 4, &failed);
		}
		if (sqlite3_column_type(statement, 5) != SQLITE_NULL) {
			char **tag = owners_grow(&t->tags, &tag_count, sizeof *tag);

			if (tag == NULL)
				break;
			*tag = owners_column(statement, 5, &failed);
		}
		t->view = (struct owners_topic){
			.team = t->team,
			.description = t->description,
			.tags = (const char *const *)t->tags,
			.tag_count = tag_count,
		};
	}
	sqlite3_reset(statement);
	if (failed || rc != SQLITE_DONE)
		return store_fail(store, err, "reading topic metadata");
	return 0;
}

static int
owners_exact_compare(const void *a, const void *b, void *context)
{
	const struct owners *owners = context;
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const struct owners_binding *x = &owners->bindings[i], *y = &owners->bindings[j];
	int cmp;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	cmp = strcmp(x->pattern, y->pattern);
	if (cmp != 0)
		return cmp;
	return i < j ? -1 : i > j;
}

/* Index the bindings for owners_match. */
static int
owners_index(struct owners *owners)
{
	owners->exact = calloc(owners->binding_count + 1, sizeof *owners->exact);
	owners->globs = calloc(owners->binding_count + 1, sizeof *owners->globs);
	if (owners->exact == NULL || owners->globs == NULL)
		return -1;
	for (size_t i = 0; i < owners->binding_count; i++) {
		const struct owners_binding *b = &owners->bindings[i];

		if (b->pattern == NULL || b->service >= owners->service_count)
			continue;
		if (b->pattern[b->head] == '\0')
			owners->exact[owners->exact_count++] = i;
		else
			owners->globs[owners->glob_count++] = i;
	}
	qsort_r(owners->exact, owners->exact_count, sizeof *owners->exact, owners_exact_compare,
	        owners);
	return 0;
}

struct owners *
owners_load(struct store *store, char **err)
{
	struct owners *owners = calloc(1, sizeof *owners);

	if (owners == NULL) {
		*err = strfmt("catalog %s: out of memory", store_path(store));
		return NULL;
	}
	if (owners_load_services(store, owners, err) < 0 ||
	    owners_load_bindings(store, owners, err) < 0 ||
	    owners_load_topics(store, owners, err) < 0) {
		owners_free(owners);
		return NULL;
	}
	if (owners_index(owners) < 0) {
		*err = strfmt("catalog %s: out of memory", store_path(store));
		owners_free(owners);
		return NULL;
	}
	return owners;
}

void
owners_free(struct owners *owners)
{
	if (owners == NULL)
		return;
	for (size_t i = 0; i < owners->service_count; i++) {
		free(owners->services[i].name);
		free(owners->services[i].team);
	}
	for (size_t i = 0; i < owners->binding_count; i++) {
		free(owners->bindings[i].cluster);
		free(owners->bindings[i].pattern);
	}
	for (size_t i = 0; i < owners->topic_count; i++) {
		struct owners_topic_row *t = &owners->topics[i];

		free(t->cluster);
		free(t->topic);
		free(t->team);
		free(t->description);
		for (size_t j = 0; j < t->view.tag_count; j++)
			free(t->tags[j]);
		free(t->tags);
	}
	free(owners->services);
	free(owners->bindings);
	free(owners->exact);
	free(owners->globs);
	free(owners->topics);
	free(owners);
}

/* How well binding B matches NAME on CLUSTER: 0 not at all; more is more specific. */
static size_t
owners_score(const struct owners_binding *b, const char *cluster, const char *name)
{
	size_t score;

	if (b->cluster != NULL && (cluster == NULL || strcmp(b->cluster, cluster) != 0))
		return 0;
	/* Neither the name nor a glob matches a name that does not start with the pattern's
	 * plain head; a pattern that is all head matches its name only: thousands of names
	 * are matched against thousands of bindings, most of which fail right here. */
	if (strncmp(b->pattern, name, b->head) != 0)
		return 0;
	if (strcmp(b->pattern, name) == 0)
		score = 1u << 20;                      /* exact */
	else if (b->pattern[b->head] != '\0' && fnmatch(b->pattern, name, 0) == 0)
		score = 1 + strlen(b->pattern);        /* a longer glob says more */
	else
		return 0;
	return b->cluster != NULL ? score * 2 : score;
}

/* The binding of KIND that fits NAME on CLUSTER best (owners_score), the first in service
 * order on a tie. A plain name always fits better than a glob, so the globs are tried only
 * when no plain name fits. */
static struct owner
owners_match(const struct owners *owners, enum owners_kind kind, const char *cluster,
             const char *name)
{
	const struct owners_binding *best = NULL, *plain;
	size_t best_score = 0, low = 0, high = owners->exact_count;

	if (name == NULL)
		return (struct owner){ 0 };
	/* The first plain binding of KIND whose pattern is not below NAME. */
	while (low < high) {
		size_t mid = low + (high - low) / 2;
		const struct owners_binding *b = &owners->bindings[owners->exact[mid]];

		if (b->kind < kind || (b->kind == kind && strcmp(b->pattern, name) < 0))
			low = mid + 1;
		else
			high = mid;
	}
	for (size_t i = low; i < owners->exact_count; i++) {
		const struct owners_binding *b = &owners->bindings[owners->exact[i]];
		size_t score;

		if (b->kind != kind || strcmp(b->pattern, name) != 0)
			break;
		score = owners_score(b, cluster, name);
		if (score > best_score) {
			best = b;
			best_score = score;
		}
	}
	plain = best;
	for (size_t i = 0; plain == NULL && i < owners->glob_count; i++) {
		const struct owners_binding *b = &owners->bindings[owners->globs[i]];
		size_t score;

		if (b->kind != kind)
			continue;
		score = owners_score(b, cluster, name);
		if (score > best_score) {
			best = b;
			best_score = score;
		}
	}
	if (best == NULL)
		return (struct owner){ 0 };
	return (struct owner){
		.service = owners->services[best->service].name,
		.team = owners->services[best->service].team,
	};
}

struct owner
owners_group(const struct owners *owners, const char *cluster, const char *group)
{
	return owners_match(owners, OWNERS_CONSUMER_GROUP, cluster, group);
}

struct owner
owners_principal(const struct owners *owners, const char *cluster, const char *principal)
{
	return owners_match(owners, OWNERS_PRINCIPAL, cluster, principal);
}

struct owner
owners_producer(const struct owners *owners, const char *cluster, const char *topic)
{
	return owners_match(owners, OWNERS_PRODUCES, cluster, topic);
}

const struct owners_topic *
owners_topic(const struct owners *owners, const char *cluster, const char *topic)
{
	const struct owners_topic *any_cluster = NULL;

	for (size_t i = 0; i < owners->topic_count; i++) {
		const struct owners_topic_row *t = &owners->topics[i];

		if (strcmp(t->topic, topic) != 0)
			continue;
		if (t->cluster == NULL)
			any_cluster = &t->view;
		else if (cluster != NULL && strcmp(t->cluster, cluster) == 0)
			return &t->view;
	}
	return any_cluster;
}
