/* ownership: import and export the catalog's ownership (teams, services and the Kafka
 * identities they show up as, topic metadata) as Backstage catalog YAML, the format
 * kfleet-ownership(5) describes.
 *
 * An import is one write transaction in two steps:
 *   1. each document of each file is checked and loaded into TEMP tables (ownership_*),
 *      which also find duplicate names, and owners that name no Group of the files;
 *   2. fixed statements bring the real tables to what the TEMP tables hold: rows that are
 *      gone are deleted, changed ones updated, new ones inserted. An unchanged row is not
 *      written, so importing the same files again changes nothing and row ids stay.
 * Files are read whole before the transaction starts, so a slow stdin never holds the
 * catalog's write lock. libyaml is used here only. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "catalog/ownership_text.h"
#include "catalog/store_sql.h"
#include "kfleet/ownership.h"

#define OWNERSHIP_COUNT(array) (sizeof (array) / sizeof (array)[0])

/* The apiVersions of the kinds kfleet reads; other kinds may have any. */
static const char *const ownership_api_versions[] = {
	"backstage.io/v1alpha1",
	"backstage.io/v1beta1",
};

/* A Component's annotations that bind it to Kafka identities (service_bindings). Each
 * value is a string of comma-separated items. */
static const struct ownership_annotation {
	const char *key;
	const char *kind;            /* service_bindings.kind */
	bool per_cluster;            /* items are CLUSTER/PATTERN; otherwise PATTERN, any cluster */
} ownership_annotations[] = {
	/* The Backstage Kafka plugin's own annotation. */
	{ .key = "kafka.apache.org/consumer-groups", .kind = "consumer_group", .per_cluster = true },
	{ .key = "kfleet.io/consumer-groups", .kind = "consumer_group" },
	{ .key = "kfleet.io/principals", .kind = "principal" },
	{ .key = "kfleet.io/client-ids", .kind = "client_id" },
	{ .key = "kfleet.io/produces", .kind = "produces" },
};

/* Where a Resource says which topic it is about (default: its name) and on which cluster
 * (default: every cluster). */
#define OWNERSHIP_TOPIC_ANNOTATION "kfleet.io/topic"
#define OWNERSHIP_CLUSTER_ANNOTATION "kfleet.io/cluster"

/* ---- SQL of an import */

/* What the files declare: made and dropped inside the import's transaction. file, line and
 * column say where, for messages. Bindings and tags listed twice count once. */
static const char sql_create_temp[] =
	"CREATE TEMP TABLE ownership_names (kind TEXT NOT NULL, name TEXT NOT NULL,"
	"  file TEXT NOT NULL, line INTEGER NOT NULL, PRIMARY KEY (kind, name));"
	"CREATE TEMP TABLE ownership_teams (name TEXT PRIMARY KEY, email TEXT, description TEXT);"
	"CREATE TEMP TABLE ownership_services (name TEXT PRIMARY KEY, team TEXT, lifecycle TEXT,"
	"  description TEXT);"
	"CREATE TEMP TABLE ownership_bindings (service TEXT NOT NULL, kind TEXT NOT NULL,"
	"  cluster TEXT, pattern TEXT NOT NULL);"
	"CREATE UNIQUE INDEX temp.ownership_bindings_once"
	"  ON ownership_bindings (service, kind, IFNULL(cluster, ''), pattern);"
	"CREATE TEMP TABLE ownership_topics (topic TEXT NOT NULL, cluster TEXT, team TEXT,"
	"  description TEXT, file TEXT NOT NULL, line INTEGER NOT NULL);"
	"CREATE TEMP TABLE ownership_tags (topic TEXT NOT NULL, cluster TEXT, tag TEXT NOT NULL);"
	"CREATE UNIQUE INDEX temp.ownership_tags_once"
	"  ON ownership_tags (topic, IFNULL(cluster, ''), tag);"
	/* Every spec.owner, checked against the Groups once all files are read. */
	"CREATE TEMP TABLE ownership_owners (team TEXT NOT NULL, owner TEXT NOT NULL,"
	"  file TEXT NOT NULL, line INTEGER NOT NULL, column INTEGER NOT NULL);";

static const char sql_drop_temp[] =
	"DROP TABLE temp.ownership_names; DROP TABLE temp.ownership_teams;"
	"DROP TABLE temp.ownership_services; DROP TABLE temp.ownership_bindings;"
	"DROP TABLE temp.ownership_topics; DROP TABLE temp.ownership_tags;"
	"DROP TABLE temp.ownership_owners;";

static const char sql_find_name[] =
	"SELECT file || ':' || line FROM temp.ownership_names WHERE kind = ?1 AND name = ?2";
static const char sql_insert_name[] =
	"INSERT INTO temp.ownership_names (kind, name, file, line) VALUES (?1, ?2, ?3, ?4)";
static const char sql_insert_team[] =
	"INSERT INTO temp.ownership_teams (name, email, description) VALUES (?1, ?2, ?3)";
static const char sql_insert_service[] =
	"INSERT INTO temp.ownership_services (name, team, lifecycle, description)"
	" VALUES (?1, ?2, ?3, ?4)";
static const char sql_insert_binding[] =
	"INSERT OR IGNORE INTO temp.ownership_bindings (service, kind, cluster, pattern)"
	" VALUES (?1, ?2, ?3, ?4)";
static const char sql_find_topic[] =
	"SELECT file || ':' || line FROM temp.ownership_topics WHERE topic = ?1 AND cluster IS ?2";
static const char sql_insert_topic[] =
	"INSERT INTO temp.ownership_topics (topic, cluster, team, description, file, line)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
static const char sql_insert_tag[] =
	"INSERT OR IGNORE INTO temp.ownership_tags (topic, cluster, tag) VALUES (?1, ?2, ?3)";
static const char sql_insert_owner[] =
	"INSERT INTO temp.ownership_owners (team, owner, file, line, column)"
	" VALUES (?1, ?2, ?3, ?4, ?5)";
/* The first owner, in the order of the files, that names no Group. */
static const char sql_unknown_owner[] =
	"SELECT file || ':' || line || ':' || column, owner FROM temp.ownership_owners"
	" WHERE team NOT IN (SELECT name FROM temp.ownership_teams) ORDER BY rowid LIMIT 1";

/* Bring the real tables to what the TEMP tables hold, writing only rows that differ (IS NOT
 * compares NULLs as values). Teams go first: services and topics point at them. A removed
 * service takes its bindings along, a removed topic its tags (ON DELETE CASCADE). */
static const char *const sql_apply[] = {
	"DELETE FROM teams WHERE name NOT IN (SELECT name FROM temp.ownership_teams)",
	"UPDATE teams SET email = i.email, description = i.description"
	" FROM temp.ownership_teams i WHERE i.name = teams.name"
	" AND (teams.email IS NOT i.email OR teams.description IS NOT i.description)",
	"INSERT INTO teams (name, email, description)"
	" SELECT name, email, description FROM temp.ownership_teams"
	" WHERE name NOT IN (SELECT name FROM teams) ORDER BY rowid",

	"DELETE FROM services WHERE name NOT IN (SELECT name FROM temp.ownership_services)",
	"UPDATE services SET team_id = t.id, lifecycle = i.lifecycle, description = i.description"
	" FROM temp.ownership_services i LEFT JOIN teams t ON t.name = i.team"
	" WHERE i.name = services.name AND (services.team_id IS NOT t.id"
	"  OR services.lifecycle IS NOT i.lifecycle OR services.description IS NOT i.description)",
	"INSERT INTO services (name, team_id, lifecycle, description)"
	" SELECT i.name, t.id, i.lifecycle, i.description"
	" FROM temp.ownership_services i LEFT JOIN teams t ON t.name = i.team"
	" WHERE i.name NOT IN (SELECT name FROM services) ORDER BY i.rowid",

	"DELETE FROM service_bindings WHERE NOT EXISTS (SELECT 1 FROM temp.ownership_bindings b"
	"  JOIN services s ON s.name = b.service WHERE s.id = service_bindings.service_id"
	"  AND b.kind = service_bindings.kind AND b.cluster IS service_bindings.cluster"
	"  AND b.pattern = service_bindings.pattern)",
	"INSERT INTO service_bindings (service_id, kind, cluster, pattern)"
	" SELECT s.id, b.kind, b.cluster, b.pattern"
	" FROM temp.ownership_bindings b JOIN services s ON s.name = b.service"
	" WHERE NOT EXISTS (SELECT 1 FROM service_bindings x WHERE x.service_id = s.id"
	"  AND x.kind = b.kind AND x.cluster IS b.cluster AND x.pattern = b.pattern)"
	" ORDER BY b.rowid",

	"DELETE FROM topic_metadata WHERE NOT EXISTS (SELECT 1 FROM temp.ownership_topics i"
	"  WHERE i.topic = topic_metadata.topic AND i.cluster IS topic_metadata.cluster)",
	"UPDATE topic_metadata SET team_id = t.id, description = i.description"
	" FROM temp.ownership_topics i LEFT JOIN teams t ON t.name = i.team"
	" WHERE i.topic = topic_metadata.topic AND i.cluster IS topic_metadata.cluster"
	" AND (topic_metadata.team_id IS NOT t.id"
	"  OR topic_metadata.description IS NOT i.description)",
	"INSERT INTO topic_metadata (cluster, topic, team_id, description)"
	" SELECT i.cluster, i.topic, t.id, i.description"
	" FROM temp.ownership_topics i LEFT JOIN teams t ON t.name = i.team"
	" WHERE NOT EXISTS (SELECT 1 FROM topic_metadata m"
	"  WHERE m.topic = i.topic AND m.cluster IS i.cluster) ORDER BY i.rowid",

	"DELETE FROM topic_tags WHERE NOT EXISTS (SELECT 1 FROM temp.ownership_tags g"
	"  JOIN topic_metadata m ON m.topic = g.topic AND m.cluster IS g.cluster"
	"  WHERE m.id = topic_tags.topic_metadata_id AND g.tag = topic_tags.tag)",
	"INSERT INTO topic_tags (topic_metadata_id, tag) SELECT m.id, g.tag"
	" FROM temp.ownership_tags g"
	" JOIN topic_metadata m ON m.topic = g.topic AND m.cluster IS g.cluster"
	" WHERE NOT EXISTS (SELECT 1 FROM topic_tags x"
	"  WHERE x.topic_metadata_id = m.id AND x.tag = g.tag) ORDER BY g.rowid",
};

/* ---- import */

/* One file of an import, read whole. */
struct ownership_file {
	const char *name;            /* for messages: the path, or <stdin> */
	const char *text;            /* LENGTH bytes, not NUL-terminated */
	size_t length;
	char *buffer;                /* what TEXT points to when it was read here; freed */
};

/* One ownership_import in progress. */
struct ownership_import_job {
	struct store *store;
	const char *file;            /* the file being read, for messages */
	yaml_document_t *document;   /* the document being read */
	struct ownership_summary summary;
	char **err;
};

/* The parts of a document every kind reads. */
struct ownership_entity {
	const char *kind;
	const char *name;
	const char *description;
	yaml_node_t *name_node;
	yaml_node_t *metadata;
	yaml_node_t *annotations;    /* NULL: none */
	yaml_node_t *spec;           /* NULL: none */
};

/* Where a node starts, 1-based, as text to bind. */
struct ownership_position {
	char line[24];
	char column[24];
};

static struct ownership_position
ownership_position(const yaml_node_t *node)
{
	struct ownership_position position;

	snprintf(position.line, sizeof position.line, "%zu", node->start_mark.line + 1);
	snprintf(position.column, sizeof position.column, "%zu", node->start_mark.column + 1);
	return position;
}

/* Set *err to MESSAGE (taken; NULL: out of memory) with every control character written
 * \xNN: messages quote what the files hold, and must stay one line. Returns -1. */
static int
ownership_set_error(struct ownership_import_job *job, char *message)
{
	size_t length = 0;
	char *line;

	if (message == NULL) {
		*job->err = strfmt("%s: out of memory", job->file);
		return -1;
	}
	line = malloc(4 * strlen(message) + 1);
	if (line == NULL) {
		*job->err = message;
		return -1;
	}
	for (const unsigned char *c = (const unsigned char *)message; *c != '\0'; c++) {
		if (*c < 0x20 || *c == 0x7f)
			length += (size_t)sprintf(line + length, "\\x%02x", *c);
		else
			line[length++] = (char)*c;
	}
	line[length] = '\0';
	free(message);
	*job->err = line;
	return -1;
}

/* Set *err to "FILE:LINE:COLUMN: " and the message from FMT, NODE giving the place.
 * Always returns -1. */
static int ownership_fail(struct ownership_import_job *job, const yaml_node_t *node,
                          const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
ownership_fail(struct ownership_import_job *job, const yaml_node_t *node, const char *fmt, ...)
{
	struct ownership_position at = ownership_position(node);
	va_list ap;
	char *what;
	int rc;

	va_start(ap, fmt);
	what = strfmt_v(fmt, ap);
	va_end(ap);
	rc = ownership_set_error(job, strfmt("%s:%s:%s: %s", job->file, at.line, at.column,
	                                     what != NULL ? what : "out of memory"));
	free(what);
	return rc;
}

/* Run SQL, a fixed statement of this module, with the COUNT TEXTS bound to ?1, ?2...
 * (NULL binds SQL NULL). When ROW is not NULL it receives the first ROW_COUNT columns of
 * the first row as new strings (caller frees), all NULL when there is no row.
 * Returns 0, or -1 with *err. */
static int
ownership_sql(struct ownership_import_job *job, const char *sql, size_t count,
              const char *const *texts, char **row, size_t row_count)
{
	sqlite3_stmt *statement = store_statement(job->store, sql, job->err);
	int rc = SQLITE_OK;

	if (statement == NULL)
		return -1;
	for (size_t i = 0; i < count && rc == SQLITE_OK; i++)
		rc = sqlite3_bind_text(statement, (int)i + 1, texts[i], -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(statement);
	for (size_t i = 0; i < row_count; i++) {
		const unsigned char *text = rc == SQLITE_ROW ? sqlite3_column_text(statement, (int)i)
		                                             : NULL;

		row[i] = text != NULL ? strdup((const char *)text) : NULL;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_fail(job->store, job->err, "importing ownership");
		sqlite3_reset(statement);
		return -1;
	}
	sqlite3_reset(statement);
	return 0;
}

/* Whether TEXT is one of WORDS, ignoring case. */
static bool
ownership_one_of(const char *text, const char *const *words, size_t count)
{
	for (size_t i = 0; i < count; i++)
		if (strcasecmp(text, words[i]) == 0)
			return true;
	return false;
}

/* Whether TEXT, written plain, is YAML's null. Import reads these as "no value"; export
 * quotes a string that looks like one so it comes back a string. */
static bool
ownership_null_text(const char *text)
{
	static const char *const nulls[] = { "", "~", "null" };

	return ownership_one_of(text, nulls, OWNERSHIP_COUNT(nulls));
}

/* Whether TEXT, written plain, could be something else than a string to YAML's usual
 * schemas (null, a boolean, a number), so export quotes it: kfleet reads a plain scalar as
 * text, but Backstage would not take a tag `true` or a name `123` for a string. Anything
 * that starts like a number counts (no strtod: it depends on the locale). */
static bool
ownership_plain_is_not_string(const char *text)
{
	static const char *const booleans[] = { "true", "false", "yes", "no", "on", "off" };
	const char *digits = text;

	if (*digits == '+' || *digits == '-' || *digits == '.')
		digits++;
	return ownership_null_text(text) || isdigit((unsigned char)*digits) ||
	       ownership_one_of(text, booleans, OWNERSHIP_COUNT(booleans));
}

/* Whether NODE holds no value: absent, null, or an empty string. */
static bool
ownership_is_null(const yaml_node_t *node)
{
	if (node == NULL || node->type != YAML_SCALAR_NODE)
		return node == NULL;
	return node->data.scalar.length == 0 ||
	       (node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	        ownership_null_text((const char *)node->data.scalar.value));
}

static const char *
ownership_node_type(const yaml_node_t *node)
{
	switch (node->type) {
	case YAML_MAPPING_NODE:
		return "a mapping";
	case YAML_SEQUENCE_NODE:
		return "a sequence";
	default:
		return "a string";
	}
}

/* The text of a scalar NODE, or NULL when it holds no value. */
static const char *
ownership_text(const yaml_node_t *node)
{
	return ownership_is_null(node) ? NULL : (const char *)node->data.scalar.value;
}

/* The value of KEY in MAPPING; NULL when MAPPING is NULL or has no such key. */
static yaml_node_t *
ownership_lookup(struct ownership_import_job *job, const yaml_node_t *mapping, const char *key)
{
	if (mapping == NULL)
		return NULL;
	for (yaml_node_pair_t *pair = mapping->data.mapping.pairs.start;
	     pair < mapping->data.mapping.pairs.top; pair++) {
		const yaml_node_t *name = yaml_document_get_node(job->document, pair->key);

		if (name != NULL && name->type == YAML_SCALAR_NODE &&
		    strcmp((const char *)name->data.scalar.value, key) == 0)
			return yaml_document_get_node(job->document, pair->value);
	}
	return NULL;
}

/* *VALUE = the node at KEY of MAPPING, which must be of TYPE (LABEL names it in messages,
 * e.g. "spec.profile"); NULL when it holds no value, an error when it is REQUIRED. */
static int
ownership_field(struct ownership_import_job *job, yaml_node_t *mapping, const char *key,
                const char *label, yaml_node_type_t type, bool required, yaml_node_t **value)
{
	yaml_node_t *node = ownership_lookup(job, mapping, key);
	const char *expected = type == YAML_MAPPING_NODE    ? "a mapping"
	                       : type == YAML_SEQUENCE_NODE ? "a sequence of strings"
	                                                    : "a string";

	*value = NULL;
	if (ownership_is_null(node)) {
		if (required)
			return ownership_fail(job, node != NULL ? node : mapping,
			                      "%s is missing; expected %s", label, expected);
		return 0;
	}
	if (node->type != type)
		return ownership_fail(job, node, "%s is %s; expected %s", label,
		                      ownership_node_type(node), expected);
	*value = node;
	return 0;
}

/* *VALUE = the string at KEY of MAPPING, as ownership_field. */
static int
ownership_string(struct ownership_import_job *job, yaml_node_t *mapping, const char *key,
                 const char *label, bool required, const char **value)
{
	yaml_node_t *node;

	*value = NULL;
	if (ownership_field(job, mapping, key, label, YAML_SCALAR_NODE, required, &node) < 0)
		return -1;
	*value = ownership_text(node);
	return 0;
}

/* Record that this document defines ENTITY, refusing a second entity of its kind and name. */
static int
ownership_claim(struct ownership_import_job *job, const struct ownership_entity *entity)
{
	struct ownership_position at = ownership_position(entity->name_node);
	char *other = NULL;
	int rc;

	if (ownership_sql(job, sql_find_name, 2, (const char *const[]){ entity->kind, entity->name },
	                  &other, 1) < 0)
		return -1;
	if (other != NULL) {
		rc = ownership_fail(job, entity->name_node, "%s %s is also defined at %s; expected one "
		                    "%s of each name", entity->kind, entity->name, other, entity->kind);
		free(other);
		return rc;
	}
	return ownership_sql(job, sql_insert_name, 4,
	                     (const char *const[]){ entity->kind, entity->name, job->file, at.line },
	                     NULL, 0);
}

/* *TEAM = the team ENTITY's spec.owner names (NULL: no owner), the text after a "group:"
 * kind and a "default/" namespace, which point into the document. The owner is recorded to
 * be checked once every file is read: its Group may come later. */
static int
ownership_owner(struct ownership_import_job *job, const struct ownership_entity *entity,
                const char **team)
{
	yaml_node_t *node;
	const char *owner;
	const char *name;
	struct ownership_position at;

	*team = NULL;
	if (ownership_field(job, entity->spec, "owner", "spec.owner", YAML_SCALAR_NODE, false,
	                    &node) < 0)
		return -1;
	if (node == NULL)
		return 0;
	owner = ownership_text(node);
	name = owner;
	if (strncasecmp(name, "group:", strlen("group:")) == 0)
		name += strlen("group:");
	if (strncmp(name, "default/", strlen("default/")) == 0)
		name += strlen("default/");
	if (name[0] == '\0' || strchr(name, ':') != NULL || strchr(name, '/') != NULL)
		return ownership_fail(job, node, "owner %s is not a Group of the default namespace; "
		                      "expected group:NAME, group:default/NAME or NAME", owner);
	at = ownership_position(node);
	*team = name;
	return ownership_sql(job, sql_insert_owner, 5,
	                     (const char *const[]){ name, owner, job->file, at.line, at.column },
	                     NULL, 0);
}

static int
ownership_load_group(struct ownership_import_job *job, const struct ownership_entity *entity)
{
	yaml_node_t *profile;
	const char *email;

	if (ownership_field(job, entity->spec, "profile", "spec.profile", YAML_MAPPING_NODE, false,
	                    &profile) < 0 ||
	    ownership_string(job, profile, "email", "spec.profile.email", false, &email) < 0 ||
	    ownership_claim(job, entity) < 0)
		return -1;
	job->summary.teams++;
	return ownership_sql(job, sql_insert_team, 3,
	                     (const char *const[]){ entity->name, email, entity->description },
	                     NULL, 0);
}

/* Strip the white space around TEXT, in place. */
static char *
ownership_trim(char *text)
{
	char *end = text + strlen(text);

	while (isspace((unsigned char)*text))
		text++;
	while (end > text && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return text;
}

/* The bindings one of SERVICE's annotations (VALUE, a string) declares. */
static int
ownership_load_annotation(struct ownership_import_job *job, const char *service,
                          const struct ownership_annotation *annotation, const yaml_node_t *value)
{
	const char *text = ownership_text(value);
	char *items = strdup(text != NULL ? text : "");
	char *rest = NULL;
	int rc = items != NULL ? 0 : ownership_fail(job, value, "out of memory");

	for (char *item = strtok_r(items, ",", &rest); item != NULL && rc == 0;
	     item = strtok_r(NULL, ",", &rest)) {
		char *pattern = ownership_trim(item);
		char *cluster = NULL;
		char *slash = strchr(pattern, '/');

		if (pattern[0] == '\0')
			continue;
		if (annotation->per_cluster) {
			if (slash == NULL || slash == pattern || slash[1] == '\0') {
				rc = ownership_fail(job, value, "%s item \"%s\" names no cluster; expected "
				                    "CLUSTER/GROUP, e.g. prod-eu/order-service",
				                    annotation->key, pattern);
				break;
			}
			*slash = '\0';
			cluster = pattern;
			pattern = slash + 1;
		}
		rc = ownership_sql(job, sql_insert_binding, 4,
		                   (const char *const[]){ service, annotation->kind, cluster, pattern },
		                   NULL, 0);
	}
	free(items);
	return rc;
}

/* The service bindings ENTITY's annotations declare; annotations kfleet does not know are
 * left to others. */
static int
ownership_load_bindings(struct ownership_import_job *job, const struct ownership_entity *entity)
{
	if (entity->annotations == NULL)
		return 0;
	for (yaml_node_pair_t *pair = entity->annotations->data.mapping.pairs.start;
	     pair < entity->annotations->data.mapping.pairs.top; pair++) {
		const yaml_node_t *key = yaml_document_get_node(job->document, pair->key);
		const yaml_node_t *value = yaml_document_get_node(job->document, pair->value);

		if (key == NULL || key->type != YAML_SCALAR_NODE)
			continue;
		for (size_t i = 0; i < OWNERSHIP_COUNT(ownership_annotations); i++) {
			const struct ownership_annotation *annotation = &ownership_annotations[i];

			if (strcmp((const char *)key->data.scalar.value, annotation->key) != 0)
				continue;
			if (value->type != YAML_SCALAR_NODE)
				return ownership_fail(job, value, "metadata.annotations.%s is %s; expected "
				                      "a string of comma-separated items", annotation->key,
				                      ownership_node_type(value));
			if (ownership_load_annotation(job, entity->name, annotation, value) < 0)
				return -1;
		}
	}
	return 0;
}

static int
ownership_load_component(struct ownership_import_job *job, const struct ownership_entity *entity)
{
	const char *lifecycle;
	const char *team;

	if (ownership_claim(job, entity) < 0 ||
	    ownership_string(job, entity->spec, "lifecycle", "spec.lifecycle", false, &lifecycle) < 0 ||
	    ownership_owner(job, entity, &team) < 0 ||
	    ownership_sql(job, sql_insert_service, 4,
	                  (const char *const[]){ entity->name, team, lifecycle, entity->description },
	                  NULL, 0) < 0)
		return -1;
	job->summary.services++;
	return ownership_load_bindings(job, entity);
}

/* The tags of TOPIC on CLUSTER: TAGS, a sequence of strings, or NULL. */
static int
ownership_load_tags(struct ownership_import_job *job, const yaml_node_t *tags, const char *topic,
                    const char *cluster)
{
	if (tags == NULL)
		return 0;
	for (yaml_node_item_t *item = tags->data.sequence.items.start;
	     item < tags->data.sequence.items.top; item++) {
		const yaml_node_t *tag = yaml_document_get_node(job->document, *item);

		if (tag->type != YAML_SCALAR_NODE || ownership_is_null(tag))
			return ownership_fail(job, tag, "a tag is %s; expected a sequence of strings",
			                      tag->type != YAML_SCALAR_NODE ? ownership_node_type(tag)
			                                                    : "empty");
		if (ownership_sql(job, sql_insert_tag, 3,
		                  (const char *const[]){ topic, cluster, ownership_text(tag) },
		                  NULL, 0) < 0)
			return -1;
	}
	return 0;
}

/* A Resource: a topic's metadata when its spec.type is kafka-topic; 1 when it is another
 * type of resource, which kfleet ignores. */
static int
ownership_load_resource(struct ownership_import_job *job, const struct ownership_entity *entity)
{
	struct ownership_position at = ownership_position(entity->name_node);
	const char *type;
	const char *topic;
	const char *cluster;
	const char *team;
	yaml_node_t *tags;
	char *other = NULL;
	int rc;

	if (ownership_string(job, entity->spec, "type", "spec.type", false, &type) < 0)
		return -1;
	if (type == NULL || strcmp(type, "kafka-topic") != 0)
		return 1;
	if (ownership_claim(job, entity) < 0 ||
	    ownership_string(job, entity->annotations, OWNERSHIP_TOPIC_ANNOTATION,
	                     "metadata.annotations." OWNERSHIP_TOPIC_ANNOTATION, false, &topic) < 0 ||
	    ownership_string(job, entity->annotations, OWNERSHIP_CLUSTER_ANNOTATION,
	                     "metadata.annotations." OWNERSHIP_CLUSTER_ANNOTATION, false,
	                     &cluster) < 0 ||
	    ownership_field(job, entity->metadata, "tags", "metadata.tags", YAML_SEQUENCE_NODE,
	                    false, &tags) < 0 ||
	    ownership_owner(job, entity, &team) < 0)
		return -1;
	if (topic == NULL)
		topic = entity->name;
	if (ownership_sql(job, sql_find_topic, 2, (const char *const[]){ topic, cluster }, &other,
	                  1) < 0)
		return -1;
	if (other != NULL) {
		rc = ownership_fail(job, entity->name_node, "topic %s on %s%s is also described at %s; "
		                    "expected one Resource per topic and cluster", topic,
		                    cluster != NULL ? "cluster " : "every cluster",
		                    cluster != NULL ? cluster : "", other);
		free(other);
		return rc;
	}
	if (ownership_sql(job, sql_insert_topic, 6,
	                  (const char *const[]){ topic, cluster, team, entity->description,
	                                         job->file, at.line }, NULL, 0) < 0 ||
	    ownership_load_tags(job, tags, topic, cluster) < 0)
		return -1;
	job->summary.topics++;
	return 0;
}

/* The kinds kfleet reads; a loader returns 0, 1 when it ignores the entity after all, or -1. */
static const struct {
	const char *kind;
	int (*load)(struct ownership_import_job *, const struct ownership_entity *);
} ownership_kinds[] = {
	{ .kind = "Group", .load = ownership_load_group },
	{ .kind = "Component", .load = ownership_load_component },
	{ .kind = "Resource", .load = ownership_load_resource },
};

/* Check that ROOT, a document of a kind kfleet reads, has an apiVersion it knows. */
static int
ownership_check_api_version(struct ownership_import_job *job, yaml_node_t *root)
{
	yaml_node_t *node = ownership_lookup(job, root, "apiVersion");

	for (size_t i = 0; i < OWNERSHIP_COUNT(ownership_api_versions); i++)
		if (strcmp(ownership_text(node), ownership_api_versions[i]) == 0)
			return 0;
	return ownership_fail(job, node, "apiVersion %s is not supported; expected %s or %s",
	                      ownership_text(node), ownership_api_versions[0],
	                      ownership_api_versions[1]);
}

/* One document: what every entity has, then what its kind says. */
static int
ownership_load_document(struct ownership_import_job *job, yaml_node_t *root)
{
	struct ownership_entity entity = { .kind = NULL };
	const char *api_version;

	if (root->type != YAML_MAPPING_NODE)
		return ownership_fail(job, root, "the document is %s; expected a mapping with "
		                      "apiVersion, kind and metadata", ownership_node_type(root));
	if (ownership_string(job, root, "apiVersion", "apiVersion", true, &api_version) < 0 ||
	    ownership_string(job, root, "kind", "kind", true, &entity.kind) < 0 ||
	    ownership_field(job, root, "metadata", "metadata", YAML_MAPPING_NODE, true,
	                    &entity.metadata) < 0 ||
	    ownership_field(job, entity.metadata, "name", "metadata.name", YAML_SCALAR_NODE, true,
	                    &entity.name_node) < 0)
		return -1;
	entity.name = ownership_text(entity.name_node);
	job->summary.documents++;
	for (size_t i = 0; i < OWNERSHIP_COUNT(ownership_kinds); i++) {
		int rc;

		if (strcmp(entity.kind, ownership_kinds[i].kind) != 0)
			continue;
		if (ownership_check_api_version(job, root) < 0 ||
		    ownership_string(job, entity.metadata, "description", "metadata.description",
		                     false, &entity.description) < 0 ||
		    ownership_field(job, entity.metadata, "annotations", "metadata.annotations",
		                    YAML_MAPPING_NODE, false, &entity.annotations) < 0 ||
		    ownership_field(job, root, "spec", "spec", YAML_MAPPING_NODE, false,
		                    &entity.spec) < 0)
			return -1;
		rc = ownership_kinds[i].load(job, &entity);
		if (rc <= 0)
			return rc;
		break;
	}
	job->summary.ignored++;
	return 0;
}

/* Set *err for the syntax error PARSER met in FILE. */
static int
ownership_syntax_error(struct ownership_import_job *job, const struct ownership_file *file,
                       const yaml_parser_t *parser)
{
	yaml_mark_t mark = parser->problem_mark;

	/* A reader error (bad encoding) has a byte offset instead of a mark. */
	if (parser->error == YAML_READER_ERROR) {
		mark = (yaml_mark_t){ .line = 0, .column = 0 };
		for (size_t i = 0; i < parser->problem_offset && i < file->length; i++) {
			mark.column++;
			if (file->text[i] == '\n')
				mark = (yaml_mark_t){ .line = mark.line + 1, .column = 0 };
		}
	}
	if (parser->context != NULL)
		return ownership_set_error(job, strfmt("%s:%zu:%zu: invalid YAML: %s (%s at line %zu)",
		                                       job->file, mark.line + 1, mark.column + 1,
		                                       parser->problem, parser->context,
		                                       parser->context_mark.line + 1));
	return ownership_set_error(job, strfmt("%s:%zu:%zu: invalid YAML: %s", job->file,
	                                       mark.line + 1, mark.column + 1,
	                                       parser->problem != NULL ? parser->problem
	                                                               : "out of memory"));
}

/* Refuse a string holding a NUL byte ("\0" in a quoted scalar): kfleet's strings end
 * there, so the catalog would hold another name than the file, and export could not give
 * it back. */
static int
ownership_check_scalars(struct ownership_import_job *job)
{
	for (yaml_node_t *node = job->document->nodes.start; node < job->document->nodes.top;
	     node++)
		if (node->type == YAML_SCALAR_NODE &&
		    strlen((const char *)node->data.scalar.value) != node->data.scalar.length)
			return ownership_fail(job, node, "a string holds a NUL character (\\0); "
			                      "expected text without one");
	return 0;
}

/* Every document of FILE. An empty document (a lone "---") declares nothing. */
static int
ownership_load_file(struct ownership_import_job *job, const struct ownership_file *file)
{
	yaml_parser_t parser;
	int rc = 0;

	job->file = file->name;
	if (!yaml_parser_initialize(&parser))
		return ownership_syntax_error(job, file, &parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)file->text, file->length);
	while (rc == 0) {
		yaml_document_t document;
		yaml_node_t *root;

		if (!yaml_parser_load(&parser, &document)) {
			rc = ownership_syntax_error(job, file, &parser);
			break;
		}
		root = yaml_document_get_root_node(&document);
		job->document = &document;
		if (root != NULL)
			rc = ownership_check_scalars(job);
		if (rc == 0 && root != NULL && !ownership_is_null(root))
			rc = ownership_load_document(job, root);
		job->document = NULL;
		yaml_document_delete(&document);
		if (root == NULL)
			break;   /* the end of the stream */
	}
	yaml_parser_delete(&parser);
	return rc;
}

/* Fail with the first owner, in file order, that names no Group of the files. */
static int
ownership_check_owners(struct ownership_import_job *job)
{
	char *unknown[2] = { NULL, NULL };    /* where, and the owner as written */

	if (ownership_sql(job, sql_unknown_owner, 0, NULL, unknown, 2) < 0)
		return -1;
	if (unknown[0] != NULL)
		ownership_set_error(job, strfmt("%s: owner %s is not a Group of the imported files; "
		                                "expected the metadata.name of a Group they define",
		                                unknown[0], unknown[1]));
	free(unknown[0]);
	free(unknown[1]);
	return *job->err != NULL ? -1 : 0;
}

/* Load FILES into the TEMP tables and apply them, inside the caller's transaction. */
static int
ownership_replace(struct ownership_import_job *job, const struct ownership_file *files,
                  size_t count)
{
	sqlite3 *db = store_sqlite(job->store);
	int before;

	if (store_exec(job->store, sql_create_temp, job->err) < 0)
		return -1;
	for (size_t i = 0; i < count; i++) {
		if (ownership_load_file(job, &files[i]) < 0)
			return -1;
		job->summary.files++;
	}
	if (ownership_check_owners(job) < 0)
		return -1;
	before = sqlite3_total_changes(db);
	for (size_t i = 0; i < OWNERSHIP_COUNT(sql_apply); i++)
		if (ownership_sql(job, sql_apply[i], 0, NULL, NULL, 0) < 0)
			return -1;
	job->summary.changes = sqlite3_total_changes(db) - before;
	return store_exec(job->store, sql_drop_temp, job->err);
}

/* Read PATH ("-": stdin) whole into FILE. */
static int
ownership_read_file(const char *path, struct ownership_file *file, char **err)
{
	bool is_stdin = strcmp(path, "-") == 0;
	FILE *in = is_stdin ? stdin : fopen(path, "rb");
	size_t capacity = 0;
	int rc = 0;

	file->name = is_stdin ? "<stdin>" : path;
	if (in == NULL) {
		*err = strfmt("%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (file->length == capacity) {
			char *grown = realloc(file->buffer, capacity = capacity ? 2 * capacity : 65536);

			if (grown == NULL) {
				*err = strfmt("%s: out of memory", file->name);
				rc = -1;
				break;
			}
			file->buffer = grown;
		}
		file->length += fread(file->buffer + file->length, 1, capacity - file->length, in);
		if (file->length < capacity)
			break;
	}
	if (rc == 0 && ferror(in)) {
		*err = strfmt("%s: cannot read: %s", file->name, strerror(errno));
		rc = -1;
	}
	if (!is_stdin)
		fclose(in);
	file->text = file->buffer;
	return rc;
}

/* Import the COUNT files of INPUTS, read already, in one write transaction. */
static int
ownership_import_files(struct store *store, const struct ownership_file *inputs, size_t count,
                       struct ownership_summary *summary, char **err)
{
	struct ownership_import_job job = { .store = store, .err = err };
	int rc = store_begin_write(store, err);

	if (rc == 0) {
		rc = ownership_replace(&job, inputs, count);
		if (rc == 0)
			rc = store_commit(store, err);
		if (rc < 0)
			store_rollback(store);
	}
	if (rc == 0 && summary != NULL)
		*summary = job.summary;
	return rc;
}

int
ownership_import(struct store *store, const char *const *files, size_t count,
                 struct ownership_summary *summary, char **err)
{
	struct ownership_file *inputs = calloc(count + 1, sizeof *inputs);
	int rc = 0;

	*err = NULL;
	if (inputs == NULL) {
		*err = strfmt("catalog %s: out of memory", store_path(store));
		return -1;
	}
	for (size_t i = 0; i < count && rc == 0; i++)
		rc = ownership_read_file(files[i], &inputs[i], err);
	if (rc == 0)
		rc = ownership_import_files(store, inputs, count, summary, err);
	for (size_t i = 0; i < count; i++)
		free(inputs[i].buffer);
	free(inputs);
	return rc;
}

int
ownership_import_text(struct store *store, const char *name, const char *text, size_t length,
                      struct ownership_summary *summary, char **err)
{
	const struct ownership_file input = { .name = name, .text = text, .length = length };

	*err = NULL;
	return ownership_import_files(store, &input, 1, summary, err);
}

/* ---- export */

static const char sql_export_teams[] =
	"SELECT id, name, description, email FROM teams ORDER BY name";
static const char sql_export_services[] =
	"SELECT s.id, s.name, s.description, t.name, s.lifecycle"
	" FROM services s LEFT JOIN teams t ON t.id = s.team_id ORDER BY s.name";
/* A topic on one cluster is the Resource TOPIC@CLUSTER: '@' is in no Kafka topic name, so
 * names do not collide with those of topics on every cluster, or each other. */
static const char sql_export_topics[] =
	"SELECT m.id, IIF(m.cluster IS NULL, m.topic, m.topic || '@' || m.cluster) AS name,"
	"  m.description, t.name, m.topic, m.cluster"
	" FROM topic_metadata m LEFT JOIN teams t ON t.id = m.team_id ORDER BY name";
/* ?1 service id, ?2 kind, ?3 whether per cluster: the items of that annotation, sorted.
 * (A binding to one cluster of another kind than consumer_group has no annotation: import
 * writes none.) */
static const char sql_export_bindings[] =
	"SELECT group_concat(item, ', ') FROM (SELECT IIF(?3, cluster || '/' || pattern, pattern)"
	"  AS item FROM service_bindings WHERE service_id = ?1 AND kind = ?2"
	"  AND (cluster IS NOT NULL) = ?3 ORDER BY item)";
static const char sql_export_tags[] =
	"SELECT tag FROM topic_tags WHERE topic_metadata_id = ?1 ORDER BY tag";

/* One ownership_export in progress. Emitting stops at the first failure, reported at the
 * end, so the writers read as lists of fields. */
struct ownership_writer {
	struct store *store;
	yaml_emitter_t emitter;
	bool failed;
	char **err;
};

/* Emit EVENT (INITIALIZED: whether making it worked). */
static void
ownership_emit(struct ownership_writer *writer, yaml_event_t *event, int initialized)
{
	if (!initialized) {
		writer->failed = true;
		return;
	}
	if (writer->failed) {
		yaml_event_delete(event);
		return;
	}
	/* The emitter owns the event from here, whatever happens. */
	if (!yaml_emitter_emit(&writer->emitter, event))
		writer->failed = true;
}

static void
ownership_emit_scalar(struct ownership_writer *writer, const char *text)
{
	yaml_event_t event;
	yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE;

	/* A string YAML would read as something else is quoted, so it comes back a string;
	 * one of several lines is written as a block of lines, as people write descriptions. */
	if (ownership_plain_is_not_string(text))
		style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
	else if (strchr(text, '\n') != NULL)
		style = YAML_LITERAL_SCALAR_STYLE;

	ownership_emit(writer, &event,
	               yaml_scalar_event_initialize(&event, NULL, NULL, (yaml_char_t *)text,
	                                            (int)strlen(text), 1, 1, style));
}

/* KEY: VALUE, left out when VALUE is NULL. */
static void
ownership_emit_pair(struct ownership_writer *writer, const char *key, const char *value)
{
	if (value == NULL)
		return;
	ownership_emit_scalar(writer, key);
	ownership_emit_scalar(writer, value);
}

/* Open a block mapping, as the value of KEY unless KEY is NULL. */
static void
ownership_emit_mapping(struct ownership_writer *writer, const char *key)
{
	yaml_event_t event;

	if (key != NULL)
		ownership_emit_scalar(writer, key);
	ownership_emit(writer, &event, yaml_mapping_start_event_initialize(
		&event, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE));
}

/* Open a sequence as the value of KEY. */
static void
ownership_emit_sequence(struct ownership_writer *writer, const char *key,
                        yaml_sequence_style_t style)
{
	yaml_event_t event;

	ownership_emit_scalar(writer, key);
	ownership_emit(writer, &event,
	               yaml_sequence_start_event_initialize(&event, NULL, NULL, 1, style));
}

static void
ownership_emit_end_mapping(struct ownership_writer *writer)
{
	yaml_event_t event;

	ownership_emit(writer, &event, yaml_mapping_end_event_initialize(&event));
}

static void
ownership_emit_end_sequence(struct ownership_writer *writer)
{
	yaml_event_t event;

	ownership_emit(writer, &event, yaml_sequence_end_event_initialize(&event));
}

/* Start a document of KIND: "---", apiVersion, kind, and metadata with name and
 * description, left open for the kind's own fields. */
static void
ownership_emit_head(struct ownership_writer *writer, const char *kind, const char *name,
                    const char *description)
{
	yaml_event_t event;

	ownership_emit(writer, &event,
	               yaml_document_start_event_initialize(&event, NULL, NULL, NULL, 0));
	ownership_emit_mapping(writer, NULL);
	ownership_emit_pair(writer, "apiVersion", ownership_api_versions[0]);
	ownership_emit_pair(writer, "kind", kind);
	ownership_emit_mapping(writer, "metadata");
	ownership_emit_pair(writer, "name", name);
	ownership_emit_pair(writer, "description", description);
}

/* End the document's spec, the document's mapping and the document. */
static void
ownership_emit_tail(struct ownership_writer *writer)
{
	yaml_event_t event;

	ownership_emit_end_mapping(writer);
	ownership_emit_end_mapping(writer);
	ownership_emit(writer, &event, yaml_document_end_event_initialize(&event, 1));
}

/* Text of column INDEX of ROW, or NULL. */
static const char *
ownership_column(sqlite3_stmt *row, int index)
{
	return (const char *)sqlite3_column_text(row, index);
}

/* A Group; ROW: id, name, description, email. */
static int
ownership_write_group(struct ownership_writer *writer, sqlite3_stmt *row)
{
	ownership_emit_head(writer, "Group", ownership_column(row, 1), ownership_column(row, 2));
	ownership_emit_end_mapping(writer);
	ownership_emit_mapping(writer, "spec");
	ownership_emit_pair(writer, "type", "team");
	if (ownership_column(row, 3) != NULL) {
		ownership_emit_mapping(writer, "profile");
		ownership_emit_pair(writer, "email", ownership_column(row, 3));
		ownership_emit_end_mapping(writer);
	}
	/* Backstage wants a Group's children, even none. */
	ownership_emit_sequence(writer, "children", YAML_FLOW_SEQUENCE_STYLE);
	ownership_emit_end_sequence(writer);
	ownership_emit_tail(writer);
	return 0;
}

/* spec.owner, when TEAM is not NULL. */
static void
ownership_emit_owner(struct ownership_writer *writer, const char *team)
{
	char *owner;

	if (team == NULL)
		return;
	owner = strfmt("group:%s", team);
	if (owner == NULL)
		writer->failed = true;
	else
		ownership_emit_pair(writer, "owner", owner);
	free(owner);
}

/* The annotations of service ID, one for each entry of ownership_annotations it has
 * bindings of. */
static int
ownership_write_bindings(struct ownership_writer *writer, sqlite3_int64 id)
{
	sqlite3_stmt *statement = store_statement(writer->store, sql_export_bindings, writer->err);
	bool opened = false;

	if (statement == NULL)
		return -1;
	for (size_t i = 0; i < OWNERSHIP_COUNT(ownership_annotations); i++) {
		const struct ownership_annotation *annotation = &ownership_annotations[i];

		if (sqlite3_bind_int64(statement, 1, id) != SQLITE_OK ||
		    sqlite3_bind_text(statement, 2, annotation->kind, -1, SQLITE_STATIC) != SQLITE_OK ||
		    sqlite3_bind_int(statement, 3, annotation->per_cluster) != SQLITE_OK ||
		    sqlite3_step(statement) != SQLITE_ROW) {
			sqlite3_reset(statement);
			return store_fail(writer->store, writer->err, "reading service bindings");
		}
		if (ownership_column(statement, 0) != NULL) {
			if (!opened)
				ownership_emit_mapping(writer, "annotations");
			opened = true;
			ownership_emit_pair(writer, annotation->key, ownership_column(statement, 0));
		}
		sqlite3_reset(statement);
	}
	if (opened)
		ownership_emit_end_mapping(writer);
	return 0;
}

/* A Component; ROW: id, name, description, team, lifecycle. */
static int
ownership_write_component(struct ownership_writer *writer, sqlite3_stmt *row)
{
	ownership_emit_head(writer, "Component", ownership_column(row, 1),
	                    ownership_column(row, 2));
	if (ownership_write_bindings(writer, sqlite3_column_int64(row, 0)) < 0)
		return -1;
	ownership_emit_end_mapping(writer);
	ownership_emit_mapping(writer, "spec");
	ownership_emit_pair(writer, "type", "service");
	ownership_emit_owner(writer, ownership_column(row, 3));
	ownership_emit_pair(writer, "lifecycle", ownership_column(row, 4));
	ownership_emit_tail(writer);
	return 0;
}

/* metadata.tags of topic metadata ID, when it has any. */
static int
ownership_write_tags(struct ownership_writer *writer, sqlite3_int64 id)
{
	sqlite3_stmt *statement = store_statement(writer->store, sql_export_tags, writer->err);
	bool opened = false;
	int rc;

	if (statement == NULL)
		return -1;
	if (sqlite3_bind_int64(statement, 1, id) != SQLITE_OK)
		return store_fail(writer->store, writer->err, "reading topic tags");
	while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
		if (!opened)
			ownership_emit_sequence(writer, "tags", YAML_BLOCK_SEQUENCE_STYLE);
		opened = true;
		ownership_emit_scalar(writer, ownership_column(statement, 0));
	}
	sqlite3_reset(statement);
	if (rc != SQLITE_DONE)
		return store_fail(writer->store, writer->err, "reading topic tags");
	if (opened)
		ownership_emit_end_sequence(writer);
	return 0;
}

/* A Resource of type kafka-topic; ROW: id, name, description, team, topic, cluster. */
static int
ownership_write_topic(struct ownership_writer *writer, sqlite3_stmt *row)
{
	const char *cluster = ownership_column(row, 5);

	ownership_emit_head(writer, "Resource", ownership_column(row, 1), ownership_column(row, 2));
	if (cluster != NULL) {
		ownership_emit_mapping(writer, "annotations");
		ownership_emit_pair(writer, OWNERSHIP_TOPIC_ANNOTATION, ownership_column(row, 4));
		ownership_emit_pair(writer, OWNERSHIP_CLUSTER_ANNOTATION, cluster);
		ownership_emit_end_mapping(writer);
	}
	if (ownership_write_tags(writer, sqlite3_column_int64(row, 0)) < 0)
		return -1;
	ownership_emit_end_mapping(writer);
	ownership_emit_mapping(writer, "spec");
	ownership_emit_pair(writer, "type", "kafka-topic");
	ownership_emit_owner(writer, ownership_column(row, 3));
	ownership_emit_tail(writer);
	return 0;
}

/* What export writes, in order: each kind's rows, sorted by name, and its writer. */
static const struct {
	const char *sql;
	int (*write)(struct ownership_writer *, sqlite3_stmt *);
} ownership_exports[] = {
	{ .sql = sql_export_teams, .write = ownership_write_group },
	{ .sql = sql_export_services, .write = ownership_write_component },
	{ .sql = sql_export_topics, .write = ownership_write_topic },
};

/* Every document, inside the caller's read transaction. */
static int
ownership_write_all(struct ownership_writer *writer)
{
	yaml_event_t event;

	ownership_emit(writer, &event, yaml_stream_start_event_initialize(&event, YAML_UTF8_ENCODING));
	for (size_t i = 0; i < OWNERSHIP_COUNT(ownership_exports); i++) {
		sqlite3_stmt *row = store_statement(writer->store, ownership_exports[i].sql,
		                                    writer->err);
		int rc;

		if (row == NULL)
			return -1;
		while ((rc = sqlite3_step(row)) == SQLITE_ROW && !writer->failed)
			if (ownership_exports[i].write(writer, row) < 0) {
				sqlite3_reset(row);
				return -1;
			}
		sqlite3_reset(row);
		if (rc != SQLITE_DONE && rc != SQLITE_ROW)
			return store_fail(writer->store, writer->err, "reading ownership");
	}
	ownership_emit(writer, &event, yaml_stream_end_event_initialize(&event));
	return 0;
}

int
ownership_export(struct store *store, FILE *out, char **err)
{
	struct ownership_writer writer = { .store = store, .err = err };
	int rc;

	*err = NULL;
	if (!yaml_emitter_initialize(&writer.emitter)) {
		*err = strfmt("ownership export: out of memory");
		return -1;
	}
	yaml_emitter_set_output_file(&writer.emitter, out);
	yaml_emitter_set_unicode(&writer.emitter, 1);
	yaml_emitter_set_width(&writer.emitter, -1);   /* never fold a long string */
	/* One read transaction: the export is one state of the catalog. */
	rc = store_exec(store, "BEGIN", err);
	if (rc == 0) {
		rc = ownership_write_all(&writer);
		store_rollback(store);
	}
	if (rc == 0 && writer.failed) {
		*err = strfmt("ownership export: %s", writer.emitter.problem != NULL
		                     ? writer.emitter.problem : "out of memory");
		rc = -1;
	}
	if (rc == 0 && (fflush(out) != 0 || ferror(out))) {
		*err = strfmt("ownership export: cannot write: %s", strerror(errno));
		rc = -1;
	}
	yaml_emitter_delete(&writer.emitter);
	return rc;
}
