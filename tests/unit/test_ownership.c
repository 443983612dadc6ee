/* Unit tests for catalog/ownership: an import of several multi-document files lands the
 * expected rows, a re-import changes nothing and keeps ids, what leaves the files leaves
 * the catalog and what changes is applied, every bad input is refused with its exact
 * "file:line:column: ..." message and the catalog as it was, and an export reads back to
 * the same catalog and exports again byte for byte. Every catalog test runs on a catalog
 * file and on :memory:; the YAML files are written into the test's temporary directory. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kfleet/ownership.h"
#include "tests/unit/catalog_test.h"

#define COUNT(array) (sizeof (array) / sizeof (array)[0])

/* ---- the ownership of a small fleet, in three files */

static const char teams_yaml[] =
	"apiVersion: backstage.io/v1alpha1\n"
	"kind: Group\n"
	"metadata: {name: payments, description: Takes the money}\n"
	"spec: {type: team, profile: {email: payments@example.com}, children: []}\n"
	"---\n"
	"apiVersion: backstage.io/v1beta1\n"
	"kind: Group\n"
	"metadata:\n"
	"  name: billing\n"
	"spec:\n"
	"  type: team\n"
	"  profile:\n"
	"    email: billing@example.com\n"
	"---\n"
	"apiVersion: backstage.io/v1alpha1\n"
	"kind: User\n"
	"metadata: {name: alice}\n"
	"spec: {memberOf: [payments]}\n"
	"---\n"
	"apiVersion: backstage.io/v1alpha1\n"
	"kind: Location\n"
	"metadata: {name: everything}\n"
	"spec: {targets: [./a.yaml]}\n";

static const char services_yaml[] =
	"# order-service, as DESIGN.md writes it\n"
	"apiVersion: backstage.io/v1alpha1\n"
	"kind: Component\n"
	"metadata:\n"
	"  name: order-service\n"
	"  description: Takes orders\n"
	"  annotations:\n"
	"    kafka.apache.org/consumer-groups: prod-eu/order-service, prod-us/order-service\n"
	"    kfleet.io/consumer-groups: \"orders-*\"\n"
	"    kfleet.io/principals: \"User:order-service\"\n"
	"    kfleet.io/client-ids: \"order-service-*\"\n"
	"    kfleet.io/produces: \" orders ,orders.retry,, \"\n"
	"    backstage.io/techdocs-ref: dir:.\n"
	"spec: {type: service, owner: group:payments, lifecycle: production}\n"
	"---\n"
	"apiVersion: backstage.io/v1alpha1\n"
	"kind: Component\n"
	"metadata:\n"
	"  name: billing-api\n"
	"  annotations: {kfleet.io/principals: User:billing}\n"
	"spec: {type: service, owner: group:default/billing, lifecycle: experimental}\n"
	"---\n"
	"apiVersion: backstage.io/v1alpha1\n"
	"kind: Component\n"
	"metadata: {name: orphan}\n"
	"---\n"
	"apiVersion: backstage.io/v1alpha1\n"
	"kind: API\n"
	"metadata: {name: orders-api}\n"
	"spec: {type: asyncapi, owner: group:payments}\n"
	"---\n"
	"apiVersion: backstage.io/v1alpha1\n"
	"kind: System\n"
	"metadata: {name: shop}\n";

static const char topics_yaml[] =
	"apiVersion: backstage.io/v1alpha1\n"
	"kind: Resource\n"
	"metadata:\n"
	"  name: orders\n"
	"  description: Orders placed\n"
	"  annotations: {kfleet.io/cluster: prod-eu}\n"
	"  tags: [pii, tier-1]\n"
	"spec: {type: kafka-topic, owner: group:payments}\n"
	"---\n"
	"apiVersion: backstage.io/v1alpha1\n"
	"kind: Resource\n"
	"metadata:\n"
	"  name: orders-us\n"
	"  annotations: {kfleet.io/topic: orders, kfleet.io/cluster: prod-us}\n"
	"spec: {type: kafka-topic, owner: billing}\n"
	"---\n"
	"apiVersion: backstage.io/v1alpha1\n"
	"kind: Resource\n"
	"metadata:\n"
	"  name: invoices\n"
	"  tags: [pii]\n"
	"spec: {type: kafka-topic}\n"
	"---\n"
	"apiVersion: backstage.io/v1alpha1\n"
	"kind: Resource\n"
	"metadata: {name: orders-db}\n"
	"spec: {type: database, owner: group:payments}\n"
	"---\n";

/* The same fleet, edited: payments has a new address, order-service went to billing,
 * orders is tier-2 now; then without order-service and invoices. */
static const char teams_edited_yaml[] =
	"apiVersion: backstage.io/v1alpha1\n"
	"kind: Group\n"
	"metadata: {name: payments, description: Takes the money}\n"
	"spec: {type: team, profile: {email: money@example.com}}\n"
	"---\n"
	"apiVersion: backstage.io/v1alpha1\n"
	"kind: Group\n"
	"metadata: {name: billing}\n"
	"spec: {profile: {email: billing@example.com}}\n";

static const char order_service_moved_yaml[] =
	"apiVersion: backstage.io/v1alpha1\n"
	"kind: Component\n"
	"metadata:\n"
	"  name: order-service\n"
	"  description: Takes orders\n"
	"  annotations:\n"
	"    kafka.apache.org/consumer-groups: prod-eu/order-service, prod-us/order-service\n"
	"    kfleet.io/consumer-groups: orders-*\n"
	"    kfleet.io/principals: User:order-service\n"
	"    kfleet.io/client-ids: order-service-*\n"
	"    kfleet.io/produces: orders, orders.retry\n"
	"spec: {type: service, owner: billing, lifecycle: production}\n"
	"---\n"
	"apiVersion: backstage.io/v1alpha1\n"
	"kind: Component\n"
	"metadata: {name: billing-api, annotations: {kfleet.io/principals: User:billing}}\n"
	"spec: {owner: group:default/billing, lifecycle: experimental}\n"
	"---\n"
	"apiVersion: backstage.io/v1alpha1\n"
	"kind: Component\n"
	"metadata: {name: orphan}\n";

static const char topics_retagged_yaml[] =
	"apiVersion: backstage.io/v1alpha1\n"
	"kind: Resource\n"
	"metadata: {name: orders, description: Orders placed, tags: [pii, tier-2],\n"
	"           annotations: {kfleet.io/cluster: prod-eu}}\n"
	"spec: {type: kafka-topic, owner: group:payments}\n"
	"---\n"
	"apiVersion: backstage.io/v1alpha1\n"
	"kind: Resource\n"
	"metadata: {name: orders-us,\n"
	"           annotations: {kfleet.io/topic: orders, kfleet.io/cluster: prod-us}}\n"
	"spec: {type: kafka-topic, owner: billing}\n"
	"---\n"
	"apiVersion: backstage.io/v1alpha1\n"
	"kind: Resource\n"
	"metadata: {name: invoices, tags: [pii]}\n"
	"spec: {type: kafka-topic}\n";

static const char services_shrunk_yaml[] =
	"apiVersion: backstage.io/v1alpha1\n"
	"kind: Component\n"
	"metadata: {name: billing-api, annotations: {kfleet.io/principals: User:billing}}\n"
	"spec: {type: service, owner: group:default/billing, lifecycle: experimental}\n"
	"---\n"
	"apiVersion: backstage.io/v1alpha1\n"
	"kind: Component\n"
	"metadata: {name: orphan}\n";

static const char topics_shrunk_yaml[] =
	"apiVersion: backstage.io/v1alpha1\n"
	"kind: Resource\n"
	"metadata: {name: orders, description: Orders placed, tags: [pii, tier-1],\n"
	"           annotations: {kfleet.io/cluster: prod-eu}}\n"
	"spec: {type: kafka-topic, owner: group:payments}\n"
	"---\n"
	"apiVersion: backstage.io/v1alpha1\n"
	"kind: Resource\n"
	"metadata: {name: orders-us,\n"
	"           annotations: {kfleet.io/topic: orders, kfleet.io/cluster: prod-us}}\n"
	"spec: {type: kafka-topic, owner: billing}\n";

/* A YAML file to import: its name in the fixture's directory and what it holds. */
struct yaml_file {
	const char *name;
	const char *text;
};

static void
write_text(const char *path, const char *text)
{
	FILE *out = fopen(path, "wb");

	assert_non_null(out);
	assert_int_equal(fwrite(text, 1, strlen(text), out), strlen(text));
	assert_int_equal(fclose(out), 0);
}

/* Write FILES (up to 4) into the fixture's directory and import them. Returns what
 * ownership_import returns; *err as it leaves it. */
static int
import(struct catalog_test_fixture *f, const struct yaml_file *files, size_t count,
       struct ownership_summary *summary, char **err)
{
	char *paths[4];
	int rc;

	assert_true(count <= COUNT(paths));
	for (size_t i = 0; i < count; i++) {
		paths[i] = catalog_test_path(f->dir, files[i].name);
		if (files[i].text != NULL)
			write_text(paths[i], files[i].text);
	}
	rc = ownership_import(f->store, (const char *const *)paths, count, summary, err);
	for (size_t i = 0; i < count; i++)
		free(paths[i]);
	return rc;
}

/* The same, failing the test with the message if the import fails; returns the changes. */
static long long
import_ok(struct catalog_test_fixture *f, const struct yaml_file *files, size_t count,
          struct ownership_summary *summary)
{
	struct ownership_summary local;
	char *err = NULL;

	if (summary == NULL)
		summary = &local;
	if (import(f, files, count, summary, &err) != 0)
		fail_msg("ownership_import: %s", err);
	assert_null(err);
	return summary->changes;
}

static const struct yaml_file fleet[] = {
	{ "teams.yaml", teams_yaml },
	{ "services.yaml", services_yaml },
	{ "topics.yaml", topics_yaml },
};

/* Every ownership row with its id, as one text: equal texts, equal catalogs. */
static char *
ownership_rows(struct store *store)
{
	return catalog_test_text(store,
		"SELECT IFNULL(group_concat(row, char(10)), '') FROM ("
		" SELECT 'team ' || id || ' ' || name || ' ' || IFNULL(email, '-') || ' '"
		"  || IFNULL(description, '-') AS row FROM teams"
		" UNION ALL SELECT 'service ' || id || ' ' || name || ' ' || IFNULL(team_id, '-')"
		"  || ' ' || IFNULL(lifecycle, '-') || ' ' || IFNULL(description, '-') FROM services"
		" UNION ALL SELECT 'binding ' || id || ' ' || service_id || ' ' || kind || ' '"
		"  || IFNULL(cluster, '-') || ' ' || pattern FROM service_bindings"
		" UNION ALL SELECT 'topic ' || id || ' ' || topic || ' ' || IFNULL(cluster, '-')"
		"  || ' ' || IFNULL(team_id, '-') || ' ' || IFNULL(description, '-')"
		"  FROM topic_metadata"
		" UNION ALL SELECT 'tag ' || id || ' ' || topic_metadata_id || ' ' || tag"
		"  FROM topic_tags)");
}

/* ---- a whole import */

static const struct catalog_test_expectation fleet_rows[] = {
	{ "SELECT count(*) FROM teams", 2 },
	{ "SELECT count(*) FROM teams WHERE name = 'payments' AND email = 'payments@example.com'"
	  " AND description = 'Takes the money'", 1 },
	{ "SELECT count(*) FROM teams WHERE name = 'billing' AND email = 'billing@example.com'"
	  " AND description IS NULL", 1 },
	{ "SELECT count(*) FROM services", 3 },
	{ "SELECT count(*) FROM services s JOIN teams t ON t.id = s.team_id WHERE"
	  " s.name = 'order-service' AND t.name = 'payments' AND s.lifecycle = 'production'"
	  " AND s.description = 'Takes orders'", 1 },
	/* group:default/billing is billing. */
	{ "SELECT count(*) FROM services s JOIN teams t ON t.id = s.team_id WHERE"
	  " s.name = 'billing-api' AND t.name = 'billing' AND s.lifecycle = 'experimental'", 1 },
	{ "SELECT count(*) FROM services WHERE name = 'orphan' AND team_id IS NULL"
	  " AND lifecycle IS NULL AND description IS NULL", 1 },
	/* Every binding kind; unknown annotations (techdocs) are left alone. */
	{ "SELECT count(*) FROM service_bindings", 8 },
	{ "SELECT count(*) FROM service_bindings WHERE kind = 'consumer_group'"
	  " AND cluster = 'prod-eu' AND pattern = 'order-service'", 1 },
	{ "SELECT count(*) FROM service_bindings WHERE kind = 'consumer_group'"
	  " AND cluster = 'prod-us' AND pattern = 'order-service'", 1 },
	{ "SELECT count(*) FROM service_bindings WHERE kind = 'consumer_group'"
	  " AND cluster IS NULL AND pattern = 'orders-*'", 1 },
	{ "SELECT count(*) FROM service_bindings WHERE kind = 'principal' AND cluster IS NULL"
	  " AND pattern IN ('User:order-service', 'User:billing')", 2 },
	{ "SELECT count(*) FROM service_bindings WHERE kind = 'client_id' AND cluster IS NULL"
	  " AND pattern = 'order-service-*'", 1 },
	/* Items trimmed, empty ones ignored. */
	{ "SELECT count(*) FROM service_bindings WHERE kind = 'produces' AND cluster IS NULL"
	  " AND pattern IN ('orders', 'orders.retry')", 2 },
	{ "SELECT count(*) FROM service_bindings b JOIN services s ON s.id = b.service_id"
	  " WHERE s.name = 'order-service'", 7 },
	{ "SELECT count(*) FROM topic_metadata", 3 },
	{ "SELECT count(*) FROM topic_metadata m JOIN teams t ON t.id = m.team_id WHERE"
	  " m.topic = 'orders' AND m.cluster = 'prod-eu' AND t.name = 'payments'"
	  " AND m.description = 'Orders placed'", 1 },
	/* kfleet.io/topic names the topic; a bare owner is a Group. */
	{ "SELECT count(*) FROM topic_metadata m JOIN teams t ON t.id = m.team_id WHERE"
	  " m.topic = 'orders' AND m.cluster = 'prod-us' AND t.name = 'billing'", 1 },
	{ "SELECT count(*) FROM topic_metadata WHERE topic = 'invoices' AND cluster IS NULL"
	  " AND team_id IS NULL", 1 },
	{ "SELECT count(*) FROM topic_tags", 3 },
	{ "SELECT count(*) FROM topic_tags g JOIN topic_metadata m ON m.id = g.topic_metadata_id"
	  " WHERE m.cluster = 'prod-eu' AND g.tag IN ('pii', 'tier-1')", 2 },
	{ "SELECT count(*) FROM topic_tags g JOIN topic_metadata m ON m.id = g.topic_metadata_id"
	  " WHERE m.topic = 'invoices' AND g.tag = 'pii'", 1 },
};

static void
test_import_lands_rows(void **state)
{
	struct catalog_test_fixture *f = *state;
	struct ownership_summary summary;

	import_ok(f, fleet, COUNT(fleet), &summary);
	catalog_test_check(f->store, fleet_rows, COUNT(fleet_rows));
	assert_int_equal(summary.files, 3);
	assert_int_equal(summary.documents, 4 + 5 + 4);
	assert_int_equal(summary.teams, 2);
	assert_int_equal(summary.services, 3);
	assert_int_equal(summary.topics, 3);
	/* User, Location, API, System and a database Resource. */
	assert_int_equal(summary.ignored, 5);
	/* 2 teams, 3 services, 8 bindings, 3 topics, 3 tags. */
	assert_int_equal(summary.changes, 2 + 3 + 8 + 3 + 3);
}

static const char *const ownership_tables[] = {
	"teams", "services", "service_bindings", "topic_metadata", "topic_tags",
};

/* Count, in temp.writes, every row written to the ownership tables from now on: a check
 * of the import's own count that does not rely on it. */
static void
count_writes(struct store *store)
{
	static const char *const events[] = { "INSERT", "UPDATE", "DELETE" };
	char *err = NULL;

	assert_int_equal(store_exec(store, "CREATE TEMP TABLE writes (n INTEGER);"
	                                   "INSERT INTO writes VALUES (0)", &err), 0);
	for (size_t t = 0; t < COUNT(ownership_tables); t++) {
		for (size_t e = 0; e < COUNT(events); e++) {
			char *sql = NULL;

			assert_true(asprintf(&sql, "CREATE TEMP TRIGGER count_%s_%s AFTER %s ON main.%s"
			                           " BEGIN UPDATE writes SET n = n + 1; END",
			                     ownership_tables[t], events[e], events[e],
			                     ownership_tables[t]) > 0);
			assert_int_equal(store_exec(store, sql, &err), 0);
			free(sql);
		}
	}
}

static void
test_reimport_changes_nothing(void **state)
{
	struct catalog_test_fixture *f = *state;
	const struct yaml_file reordered[] = { fleet[2], fleet[0], fleet[1] };
	char *before;
	char *after;

	import_ok(f, fleet, COUNT(fleet), NULL);
	before = ownership_rows(f->store);
	count_writes(f->store);
	assert_int_equal(import_ok(f, fleet, COUNT(fleet), NULL), 0);
	/* The files in another order declare the same. */
	assert_int_equal(import_ok(f, reordered, COUNT(reordered), NULL), 0);
	after = ownership_rows(f->store);
	assert_string_equal(after, before);
	assert_int_equal(catalog_test_int(f->store, "SELECT n FROM writes"), 0);
	free(before);
	free(after);
}

/* ---- edits */

static const struct catalog_test_expectation edited_rows[] = {
	{ "SELECT count(*) FROM teams WHERE name = 'payments' AND email = 'money@example.com'", 1 },
	{ "SELECT count(*) FROM services s JOIN teams t ON t.id = s.team_id"
	  " WHERE s.name = 'order-service' AND t.name = 'billing'", 1 },
	{ "SELECT count(*) FROM topic_tags g JOIN topic_metadata m ON m.id = g.topic_metadata_id"
	  " WHERE m.cluster = 'prod-eu' AND g.tag IN ('pii', 'tier-2')", 2 },
	{ "SELECT count(*) FROM topic_tags WHERE tag = 'tier-1'", 0 },
	/* Edited rows keep their ids; the old tag's row went, the new one is new. */
	{ "SELECT id FROM teams WHERE name = 'payments'", 1 },
	{ "SELECT id FROM services WHERE name = 'order-service'", 1 },
	{ "SELECT id FROM topic_tags WHERE tag = 'pii' AND topic_metadata_id = 1", 1 },
	{ "SELECT id FROM topic_tags WHERE tag = 'tier-2'", 4 },
	{ "SELECT count(*) FROM service_bindings", 8 },
};

static void
test_edits_applied(void **state)
{
	struct catalog_test_fixture *f = *state;
	const struct yaml_file edited[] = {
		{ "teams.yaml", teams_edited_yaml },
		{ "services.yaml", order_service_moved_yaml },
		{ "topics.yaml", topics_retagged_yaml },
	};

	import_ok(f, fleet, COUNT(fleet), NULL);
	/* An email, an owner, and a tag out and another in. */
	assert_int_equal(import_ok(f, edited, COUNT(edited), NULL), 1 + 1 + 2);
	catalog_test_check(f->store, edited_rows, COUNT(edited_rows));
	assert_int_equal(import_ok(f, edited, COUNT(edited), NULL), 0);
}

static const struct catalog_test_expectation shrunk_rows[] = {
	{ "SELECT count(*) FROM services WHERE name = 'order-service'", 0 },
	{ "SELECT count(*) FROM services", 2 },
	/* order-service's bindings went with it; billing-api's stayed, with its id. */
	{ "SELECT count(*) FROM service_bindings", 1 },
	{ "SELECT count(*) FROM service_bindings b JOIN services s ON s.id = b.service_id"
	  " WHERE s.name = 'billing-api' AND b.id = 8", 1 },
	{ "SELECT count(*) FROM topic_metadata WHERE topic = 'invoices'", 0 },
	{ "SELECT count(*) FROM topic_tags", 2 },
	{ "SELECT count(*) FROM teams", 2 },
};

static void
test_removed_entities_leave(void **state)
{
	struct catalog_test_fixture *f = *state;
	const struct yaml_file shrunk[] = {
		{ "teams.yaml", teams_yaml },
		{ "services.yaml", services_shrunk_yaml },
		{ "topics.yaml", topics_shrunk_yaml },
	};
	struct ownership_summary summary;
	char *err = NULL;

	import_ok(f, fleet, COUNT(fleet), NULL);
	/* A service with its 7 bindings, a topic with its tag. */
	assert_int_equal(import_ok(f, shrunk, COUNT(shrunk), &summary), 1 + 7 + 1 + 1);
	assert_int_equal(summary.services, 2);
	assert_int_equal(summary.topics, 2);
	catalog_test_check(f->store, shrunk_rows, COUNT(shrunk_rows));

	/* No files at all: no ownership left. */
	assert_int_equal(ownership_import(f->store, NULL, 0, NULL, &err), 0);
	assert_null(err);
	assert_int_equal(catalog_test_int(f->store, "SELECT (SELECT count(*) FROM teams)"
	                                            " + (SELECT count(*) FROM services)"
	                                            " + (SELECT count(*) FROM topic_metadata)"), 0);
}

/* ---- bad input: each refused with its message, nothing applied */

struct bad_case {
	const char *name;
	const char *text;            /* bad.yaml */
	const char *other;           /* other.yaml, imported before bad.yaml when not NULL */
	const char *message;         /* $D stands for the directory of the files */
};

#define HEAD "apiVersion: backstage.io/v1alpha1\n"
#define COMPONENT HEAD "kind: Component\n"
#define RESOURCE HEAD "kind: Resource\n"

static const struct bad_case bad_cases[] = {
	{ .name = "YAML syntax",
	  .text = HEAD "kind: Group\nmetadata: {name: x\n",
	  .message = "$D/bad.yaml:4:1: invalid YAML: did not find expected ',' or '}'"
	             " (while parsing a flow mapping at line 3)" },
	{ .name = "a tab for indentation",
	  .text = HEAD "kind: Group\nmetadata:\n\tname: x\n",
	  .message = "$D/bad.yaml:4:1: invalid YAML: found character that cannot start any"
	             " token (while scanning for the next token at line 4)" },
	{ .name = "not UTF-8",
	  .text = HEAD "kind: Group\nmetadata: {name: caf\xe9}\n",
	  .message = "$D/bad.yaml:3:22: invalid YAML: invalid trailing UTF-8 octet" },
	{ .name = "a document that is a sequence",
	  .text = "- kind: Group\n",
	  .message = "$D/bad.yaml:1:1: the document is a sequence; expected a mapping with"
	             " apiVersion, kind and metadata" },
	{ .name = "the second document a string",
	  .text = HEAD "kind: System\nmetadata: {name: shop}\n---\nhello\n",
	  .message = "$D/bad.yaml:5:1: the document is a string; expected a mapping with"
	             " apiVersion, kind and metadata" },
	{ .name = "no apiVersion",
	  .text = "kind: Group\nmetadata: {name: x}\n",
	  .message = "$D/bad.yaml:1:1: apiVersion is missing; expected a string" },
	{ .name = "apiVersion not a string",
	  .text = "apiVersion: [backstage.io/v1alpha1]\nkind: Group\nmetadata: {name: x}\n",
	  .message = "$D/bad.yaml:1:13: apiVersion is a sequence; expected a string" },
	{ .name = "an apiVersion kfleet does not know",
	  .text = "apiVersion: backstage.io/v2\nkind: Group\nmetadata: {name: x}\n",
	  .message = "$D/bad.yaml:1:13: apiVersion backstage.io/v2 is not supported; expected"
	             " backstage.io/v1alpha1 or backstage.io/v1beta1" },
	{ .name = "no kind",
	  .text = HEAD "metadata: {name: x}\n",
	  .message = "$D/bad.yaml:1:1: kind is missing; expected a string" },
	{ .name = "no metadata.name",
	  .text = HEAD "kind: Template\nmetadata:\n  title: x\n",
	  .message = "$D/bad.yaml:4:3: metadata.name is missing; expected a string" },
	{ .name = "metadata.name null",
	  .text = COMPONENT "metadata:\n  name: ~\n",
	  .message = "$D/bad.yaml:4:9: metadata.name is missing; expected a string" },
	{ .name = "metadata.name not a string",
	  .text = COMPONENT "metadata:\n  name: {first: order}\n",
	  .message = "$D/bad.yaml:4:9: metadata.name is a mapping; expected a string" },
	{ .name = "spec not a mapping",
	  .text = COMPONENT "metadata: {name: s}\nspec: service\n",
	  .message = "$D/bad.yaml:4:7: spec is a string; expected a mapping" },
	{ .name = "email not a string",
	  .text = HEAD "kind: Group\nmetadata: {name: g}\nspec: {profile: {email: [a, b]}}\n",
	  .message = "$D/bad.yaml:4:25: spec.profile.email is a sequence; expected a string" },
	{ .name = "tags not a sequence",
	  .text = RESOURCE "metadata: {name: t, tags: pii}\nspec: {type: kafka-topic}\n",
	  .message = "$D/bad.yaml:3:27: metadata.tags is a string; expected a sequence of strings" },
	{ .name = "a tag not a string",
	  .text = RESOURCE "metadata:\n  name: t\n  tags: [pii, [a]]\nspec: {type: kafka-topic}\n",
	  .message = "$D/bad.yaml:5:15: a tag is a sequence; expected a sequence of strings" },
	{ .name = "annotations not a mapping",
	  .text = COMPONENT "metadata: {name: s, annotations: [a]}\n",
	  .message = "$D/bad.yaml:3:34: metadata.annotations is a sequence; expected a mapping" },
	{ .name = "an annotation not a string",
	  .text = COMPONENT "metadata:\n  name: s\n  annotations:\n"
	          "    kfleet.io/principals: [User:a]\n",
	  .message = "$D/bad.yaml:6:27: metadata.annotations.kfleet.io/principals is a"
	             " sequence; expected a string of comma-separated items" },
	{ .name = "a Kafka plugin consumer group without its cluster",
	  .text = COMPONENT "metadata:\n  name: s\n  annotations:\n"
	          "    kafka.apache.org/consumer-groups: prod-eu/a, b\n",
	  .message = "$D/bad.yaml:6:39: kafka.apache.org/consumer-groups item \"b\" names no"
	             " cluster; expected CLUSTER/GROUP, e.g. prod-eu/order-service" },
	{ .name = "an owner naming no Group of the files",
	  .text = COMPONENT "metadata: {name: s}\nspec: {owner: group:marketing}\n",
	  .message = "$D/bad.yaml:4:15: owner group:marketing is not a Group of the imported"
	             " files; expected the metadata.name of a Group they define" },
	{ .name = "an owner that is a User",
	  .text = RESOURCE "metadata: {name: t}\nspec: {type: kafka-topic, owner: user:alice}\n",
	  .message = "$D/bad.yaml:4:34: owner user:alice is not a Group of the default namespace;"
	             " expected group:NAME, group:default/NAME or NAME" },
	{ .name = "an owner in another namespace",
	  .text = COMPONENT "metadata: {name: s}\nspec: {owner: group:ops/payments}\n",
	  .message = "$D/bad.yaml:4:15: owner group:ops/payments is not a Group of the default"
	             " namespace; expected group:NAME, group:default/NAME or NAME" },
	{ .name = "a Component defined in two files",
	  .other = COMPONENT "metadata: {name: shop}\n",
	  .text = HEAD "kind: Group\nmetadata: {name: shop}\n---\n"
	          COMPONENT "metadata:\n  name: shop\n",
	  .message = "$D/bad.yaml:8:9: Component shop is also defined at $D/other.yaml:3;"
	             " expected one Component of each name" },
	{ .name = "a topic described twice",
	  .text = RESOURCE "metadata:\n  name: orders\n  annotations: {kfleet.io/cluster: eu}\n"
	          "spec: {type: kafka-topic}\n---\n"
	          RESOURCE "metadata:\n  name: orders-eu\n"
	          "  annotations: {kfleet.io/cluster: eu, kfleet.io/topic: orders}\n"
	          "spec: {type: kafka-topic}\n",
	  .message = "$D/bad.yaml:11:9: topic orders on cluster eu is also described at"
	             " $D/bad.yaml:4; expected one Resource per topic and cluster" },
	/* Found by tests/fuzz/fuzz_ownership: the name was cut at the NUL ("shop"), and a
	 * name of only "\0" was imported as "", which export wrote and import then refused. */
	{ .name = "a NUL inside a string",
	  .text = COMPONENT "metadata: {name: \"shop\\0x\"}\n",
	  .message = "$D/bad.yaml:3:18: a string holds a NUL character (\\0); expected text"
	             " without one" },
	{ .name = "a NUL in a key",
	  .text = COMPONENT "metadata: {\"name\\0\": shop}\n",
	  .message = "$D/bad.yaml:3:12: a string holds a NUL character (\\0); expected text"
	             " without one" },
	/* Found by tests/fuzz/fuzz_ownership: messages quoting the file's text were several
	 * lines when the text was. */
	{ .name = "a newline in a value a message quotes",
	  .text = "apiVersion: \"backstage.io/v1alpha1\\nx\"\nkind: Group\nmetadata: {name: x}\n",
	  .message = "$D/bad.yaml:1:13: apiVersion backstage.io/v1alpha1\\x0ax is not supported;"
	             " expected backstage.io/v1alpha1 or backstage.io/v1beta1" },
	{ .name = "a tab in an owner naming no Group",
	  .text = COMPONENT "metadata: {name: s}\nspec: {owner: \"group:a\\tb\"}\n",
	  .message = "$D/bad.yaml:4:15: owner group:a\\x09b is not a Group of the imported"
	             " files; expected the metadata.name of a Group they define" },
};

/* TEXT with each $D replaced by DIR (caller frees). */
static char *
expand(const char *text, const char *dir)
{
	size_t length = strlen(text) + 1;
	char *out = malloc(length + 4 * strlen(dir));
	char *end = out;

	assert_non_null(out);
	for (const char *p = text; *p != '\0'; p++) {
		if (p[0] == '$' && p[1] == 'D') {
			end = stpcpy(end, dir);
			p++;
		} else {
			*end++ = *p;
		}
	}
	*end = '\0';
	return out;
}

/* Import FILES, which must fail with MESSAGE ($D: the directory) and leave the catalog as
 * the fleet's import left it. */
static void
import_fails(struct catalog_test_fixture *f, const char *name, const struct yaml_file *files,
             size_t count, const char *message)
{
	char *before = ownership_rows(f->store);
	char *expected = expand(message, f->dir);
	struct ownership_summary summary = { .changes = -1 };
	char *err = NULL;
	char *after;

	if (import(f, files, count, &summary, &err) != -1)
		fail_msg("%s: the import should fail", name);
	if (err == NULL || strcmp(err, expected) != 0)
		fail_msg("%s: message\n  \"%s\", expected\n  \"%s\"", name, err, expected);
	after = ownership_rows(f->store);
	if (strcmp(after, before) != 0)
		fail_msg("%s: the catalog changed:\n%s\nwas:\n%s", name, after, before);
	/* Spelled out: the edited email of the same import did not land. */
	catalog_test_check(f->store, fleet_rows, 2);
	assert_int_equal(summary.changes, -1);
	free(err);
	free(expected);
	free(before);
	free(after);
}

static void
test_bad_input_refused(void **state)
{
	struct catalog_test_fixture *f = *state;

	import_ok(f, fleet, COUNT(fleet), NULL);
	for (size_t i = 0; i < COUNT(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];
		/* With a good file first, whose edit must not land either. */
		struct yaml_file files[] = {
			{ "teams.yaml", teams_edited_yaml },
			{ "other.yaml", c->other != NULL ? c->other : "" },
			{ "bad.yaml", c->text },
		};

		import_fails(f, c->name, files, COUNT(files), c->message);
	}
	/* The store still works. */
	assert_int_equal(import_ok(f, fleet, COUNT(fleet), NULL), 0);
}

static void
test_unreadable_file_refused(void **state)
{
	struct catalog_test_fixture *f = *state;
	const struct yaml_file files[] = {
		{ "teams.yaml", teams_edited_yaml },
		{ "absent.yaml", NULL },
	};

	import_ok(f, fleet, COUNT(fleet), NULL);
	import_fails(f, "absent file", files, COUNT(files),
	             "$D/absent.yaml: cannot open: No such file or directory");
}

/* "-" reads stdin, which messages call <stdin>. */
static void
test_stdin(void **state)
{
	struct catalog_test_fixture *f = *state;
	const char *const dash[] = { "-" };
	char *path = catalog_test_path(f->dir, "stdin.yaml");
	char *err = NULL;

	write_text(path, teams_yaml);
	assert_non_null(freopen(path, "r", stdin));
	assert_int_equal(ownership_import(f->store, dash, 1, NULL, &err), 0);
	assert_int_equal(catalog_test_int(f->store, "SELECT count(*) FROM teams"), 2);

	write_text(path, "- not a document\n");
	assert_non_null(freopen(path, "r", stdin));
	assert_int_equal(ownership_import(f->store, dash, 1, NULL, &err), -1);
	assert_string_equal(err, "<stdin>:1:1: the document is a sequence; expected a mapping"
	                         " with apiVersion, kind and metadata");
	free(err);
	free(path);
}

/* ---- export */

/* Export the catalog into DIR/NAME; returns the text (caller frees). */
static char *
export_to(struct catalog_test_fixture *f, const char *name)
{
	char *path = catalog_test_path(f->dir, name);
	FILE *out = fopen(path, "w+b");
	char *err = NULL;
	char *text;
	long length;

	assert_non_null(out);
	if (ownership_export(f->store, out, &err) != 0)
		fail_msg("ownership_export: %s", err);
	assert_null(err);
	length = ftell(out);
	text = calloc(1, (size_t)length + 1);
	assert_non_null(text);
	rewind(out);
	assert_int_equal(fread(text, 1, (size_t)length, out), (size_t)length);
	fclose(out);
	free(path);
	return text;
}

static void
test_export_round_trip(void **state)
{
	struct catalog_test_fixture *f = *state;
	const struct yaml_file exported[] = { { "exported.yaml", NULL } };
	struct ownership_summary summary;
	char *rows;
	char *first;
	char *second;
	char *again;

	import_ok(f, fleet, COUNT(fleet), NULL);
	rows = ownership_rows(f->store);
	first = export_to(f, "exported.yaml");
	assert_int_equal(import_ok(f, exported, 1, &summary), 0);
	assert_int_equal(summary.documents, 2 + 3 + 3);
	assert_int_equal(summary.ignored, 0);
	again = ownership_rows(f->store);
	assert_string_equal(again, rows);
	second = export_to(f, "exported-again.yaml");
	assert_string_equal(second, first);
	free(rows);
	free(first);
	free(second);
	free(again);
}

/* Strings that need care: YAML's null words, lines, quotes, globs, and non-ASCII. */
static const char tricky_yaml[] =
	"apiVersion: backstage.io/v1alpha1\n"
	"kind: Group\n"
	"metadata:\n"
	"  name: équipe\n"
	"  description: \"null\"\n"
	"spec: {profile: {email: \"~\"}}\n"
	"---\n"
	"apiVersion: backstage.io/v1alpha1\n"
	"kind: Component\n"
	"metadata:\n"
	"  name: \"*\"\n"
	"  description: |\n"
	"    First line: with a colon.\n"
	"    'Second' line, \"quoted\".\n"
	"  annotations: {kfleet.io/client-ids: \"*, #x\", kfleet.io/produces: '[a]'}\n"
	"spec: {owner: équipe, lifecycle: \"- odd\"}\n"
	"---\n"
	"apiVersion: backstage.io/v1alpha1\n"
	"kind: Resource\n"
	"metadata: {name: t, tags: [\"true\", \"123\", \"a: b\"]}\n"
	"spec: {type: kafka-topic, owner: équipe}\n";

/* The export of tricky_yaml, to the byte. */
static const char tricky_exported[] =
	"---\n"
	"apiVersion: backstage.io/v1alpha1\n"
	"kind: Group\n"
	"metadata:\n"
	"  name: équipe\n"
	"  description: \"null\"\n"
	"spec:\n"
	"  type: team\n"
	"  profile:\n"
	"    email: \"~\"\n"
	"  children: []\n"
	"---\n"
	"apiVersion: backstage.io/v1alpha1\n"
	"kind: Component\n"
	"metadata:\n"
	"  name: '*'\n"
	"  description: |\n"
	"    First line: with a colon.\n"
	"    'Second' line, \"quoted\".\n"
	"  annotations:\n"
	"    kfleet.io/client-ids: '#x, *'\n"
	"    kfleet.io/produces: '[a]'\n"
	"spec:\n"
	"  type: service\n"
	"  owner: group:équipe\n"
	"  lifecycle: '- odd'\n"
	"---\n"
	"apiVersion: backstage.io/v1alpha1\n"
	"kind: Resource\n"
	"metadata:\n"
	"  name: t\n"
	"  tags:\n"
	"  - \"123\"\n"
	"  - 'a: b'\n"
	"  - \"true\"\n"
	"spec:\n"
	"  type: kafka-topic\n"
	"  owner: group:équipe\n";

static void
test_export_tricky_strings(void **state)
{
	struct catalog_test_fixture *f = *state;
	const struct yaml_file tricky[] = { { "tricky.yaml", tricky_yaml } };
	const struct yaml_file exported[] = { { "exported.yaml", NULL } };
	char *rows;
	char *again;
	char *text;

	import_ok(f, tricky, 1, NULL);
	rows = ownership_rows(f->store);
	text = export_to(f, "exported.yaml");
	assert_string_equal(text, tricky_exported);
	assert_int_equal(import_ok(f, exported, 1, NULL), 0);
	again = ownership_rows(f->store);
	assert_string_equal(again, rows);
	free(rows);
	free(again);
	free(text);
}

static void
test_export_empty(void **state)
{
	struct catalog_test_fixture *f = *state;
	char *text = export_to(f, "exported.yaml");

	assert_string_equal(text, "");
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		CATALOG_TEST_ON_BOTH(test_import_lands_rows, "an import lands the files' rows"),
		CATALOG_TEST_ON_BOTH(test_reimport_changes_nothing, "a re-import changes nothing"),
		CATALOG_TEST_ON_BOTH(test_edits_applied, "edits are applied, ids kept"),
		CATALOG_TEST_ON_BOTH(test_removed_entities_leave,
		                     "what leaves the files leaves the catalog"),
		CATALOG_TEST_ON_BOTH(test_bad_input_refused,
		                     "bad input is refused, nothing applied"),
		CATALOG_TEST_ON_BOTH(test_unreadable_file_refused, "an unreadable file is refused"),
		CATALOG_TEST_ON_BOTH(test_stdin, "- reads stdin"),
		CATALOG_TEST_ON_BOTH(test_export_round_trip,
		                     "export reads back to the same catalog"),
		CATALOG_TEST_ON_BOTH(test_export_tricky_strings, "export keeps every string"),
		CATALOG_TEST_ON_BOTH(test_export_empty, "an empty catalog exports nothing"),
	};

	return cmocka_run_group_tests_name("ownership", tests, NULL, NULL);
}
