/* schema: the catalog's tables, as forward migrations applied by store_open.
 *
 * Conventions: every table has an INTEGER PRIMARY KEY `id`; times are milliseconds since
 * the Unix epoch (UTC) in columns ending in _ms; a missing value is NULL, never -1 or "".
 * Three kinds of rows live here:
 *   - a cluster's current state (brokers, topics, groups...), replaced as a whole by each
 *     generation the agent writes; it hangs off clusters with ON DELETE CASCADE;
 *   - history (lag_series, lag_frames), appended by each generation and thinned as it ages
 *     (catalog/history.c);
 *   - ownership (teams, services...) and the offset-reset audit log, which name clusters,
 *     topics and groups by text: they are written by people, may name a cluster no agent
 *     has reported yet, and must outlive the generation (or cluster) they talk about.
 * A released migration is never edited: a change is a new entry at the end. */
#include "config.h"

#include "catalog/schema.h"

static const char schema_v1[] =
	/* ---- a cluster's current state */
	"CREATE TABLE clusters ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"                 /* kfleet's name for it (config `cluster`) */
	"  kafka_cluster_id TEXT,"
	"  controller_id INTEGER,"
	"  status TEXT NOT NULL DEFAULT 'unknown'"
	"    CHECK (status IN ('unknown', 'ok', 'degraded', 'unreachable')),"
	"  error TEXT,"                                /* why not ok */
	"  unreachable_since_ms INTEGER,"
	"  last_collected_ms INTEGER,"                 /* collected_at of the current generation */
	"  cycle_duration_ms INTEGER,"
	"  generation INTEGER NOT NULL DEFAULT 0"      /* 0: never collected */
	");"
	/* One row per collector section: whether it worked in the last cycle, and since when. */
	"CREATE TABLE cluster_sections ("
	"  id INTEGER PRIMARY KEY,"
	"  cluster_id INTEGER NOT NULL REFERENCES clusters(id) ON DELETE CASCADE,"
	"  section TEXT NOT NULL,"
	"  error TEXT,"                                /* NULL: collected */
	"  since_ms INTEGER NOT NULL,"                 /* when it last went from ok to failing or back */
	"  updated_ms INTEGER NOT NULL,"
	"  UNIQUE (cluster_id, section)"
	");"
	"CREATE TABLE brokers ("
	"  id INTEGER PRIMARY KEY,"
	"  cluster_id INTEGER NOT NULL REFERENCES clusters(id) ON DELETE CASCADE,"
	"  node_id INTEGER NOT NULL,"
	"  host TEXT NOT NULL,"
	"  port INTEGER NOT NULL,"
	"  rack TEXT,"
	"  UNIQUE (cluster_id, node_id)"
	");"
	"CREATE TABLE topics ("
	"  id INTEGER PRIMARY KEY,"
	"  cluster_id INTEGER NOT NULL REFERENCES clusters(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  partition_count INTEGER NOT NULL,"
	"  replication_factor INTEGER NOT NULL,"
	"  internal INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0, 1)),"
	"  UNIQUE (cluster_id, name)"
	");"
	/* replicas and isr: broker ids, comma-separated, in Kafka's order (leader first). */
	"CREATE TABLE partitions ("
	"  id INTEGER PRIMARY KEY,"
	"  topic_id INTEGER NOT NULL REFERENCES topics(id) ON DELETE CASCADE,"
	"  partition INTEGER NOT NULL,"
	"  leader_id INTEGER,"                         /* NULL: leaderless */
	"  replicas TEXT NOT NULL,"
	"  isr TEXT NOT NULL,"
	"  low_watermark INTEGER,"
	"  high_watermark INTEGER,"                    /* the log end offset */
	"  UNIQUE (topic_id, partition)"
	");"
	/* A sensitive config's value is never stored: the schema refuses it too. */
	"CREATE TABLE topic_configs ("
	"  id INTEGER PRIMARY KEY,"
	"  topic_id INTEGER NOT NULL REFERENCES topics(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  value TEXT,"
	"  source TEXT,"                               /* e.g. DYNAMIC_TOPIC_CONFIG, DEFAULT_CONFIG */
	"  is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),"
	"  is_sensitive INTEGER NOT NULL DEFAULT 0 CHECK (is_sensitive IN (0, 1)),"
	"  CHECK (is_sensitive = 0 OR value IS NULL),"
	"  UNIQUE (topic_id, name)"
	");"
	"CREATE TABLE acls ("
	"  id INTEGER PRIMARY KEY,"
	"  cluster_id INTEGER NOT NULL REFERENCES clusters(id) ON DELETE CASCADE,"
	"  principal TEXT NOT NULL,"
	"  host TEXT NOT NULL,"
	"  operation TEXT NOT NULL,"
	"  permission TEXT NOT NULL,"
	"  resource_type TEXT NOT NULL,"
	"  resource_name TEXT NOT NULL,"
	"  pattern_type TEXT NOT NULL"
	");"
	"CREATE INDEX acls_by_principal ON acls (cluster_id, principal);"
	"CREATE INDEX acls_by_resource ON acls (cluster_id, resource_type, resource_name);"
	/* Client quotas as Kafka describes them: an entity is one or more (type, name) parts,
	 * e.g. user=alice + client-id=app; a NULL name is that type's default entity. */
	"CREATE TABLE quota_entities ("
	"  id INTEGER PRIMARY KEY,"
	"  cluster_id INTEGER NOT NULL REFERENCES clusters(id) ON DELETE CASCADE"
	");"
	"CREATE TABLE quota_entity_parts ("
	"  id INTEGER PRIMARY KEY,"
	"  quota_entity_id INTEGER NOT NULL REFERENCES quota_entities(id) ON DELETE CASCADE,"
	"  entity_type TEXT NOT NULL,"                 /* user, client-id, ip */
	"  entity_name TEXT,"
	"  UNIQUE (quota_entity_id, entity_type)"
	");"
	"CREATE TABLE quota_values ("
	"  id INTEGER PRIMARY KEY,"
	"  quota_entity_id INTEGER NOT NULL REFERENCES quota_entities(id) ON DELETE CASCADE,"
	"  key TEXT NOT NULL,"                         /* e.g. producer_byte_rate */
	"  value REAL NOT NULL,"
	"  UNIQUE (quota_entity_id, key)"
	");"
	"CREATE INDEX quota_entities_by_cluster ON quota_entities (cluster_id);"
	"CREATE TABLE consumer_groups ("
	"  id INTEGER PRIMARY KEY,"
	"  cluster_id INTEGER NOT NULL REFERENCES clusters(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  state TEXT,"
	"  protocol_type TEXT,"                        /* consumer, connect, ... */
	"  protocol TEXT,"                             /* the assignor, e.g. range */
	"  coordinator_id INTEGER,"
	"  UNIQUE (cluster_id, name)"
	");"
	/* member_id is Kafka's; id is the row's, which assignments point to. */
	"CREATE TABLE group_members ("
	"  id INTEGER PRIMARY KEY,"
	"  consumer_group_id INTEGER NOT NULL REFERENCES consumer_groups(id) ON DELETE CASCADE,"
	"  member_id TEXT NOT NULL,"
	"  client_id TEXT,"
	"  host TEXT"
	");"
	"CREATE INDEX group_members_by_group ON group_members (consumer_group_id);"
	/* Topics by name, not topics(id): a group may be assigned or have committed offsets
	 * on a topic the same cycle did not see (deleted, or the topics section failed). */
	"CREATE TABLE member_assignments ("
	"  id INTEGER PRIMARY KEY,"
	"  group_member_id INTEGER NOT NULL REFERENCES group_members(id) ON DELETE CASCADE,"
	"  topic TEXT NOT NULL,"
	"  partition INTEGER NOT NULL"
	");"
	"CREATE INDEX member_assignments_by_member ON member_assignments (group_member_id);"
	"CREATE TABLE committed_offsets ("
	"  id INTEGER PRIMARY KEY,"
	"  consumer_group_id INTEGER NOT NULL REFERENCES consumer_groups(id) ON DELETE CASCADE,"
	"  topic TEXT NOT NULL,"
	"  partition INTEGER NOT NULL,"
	"  committed_offset INTEGER NOT NULL,"
	"  metadata TEXT,"
	"  UNIQUE (consumer_group_id, topic, partition)"
	");"
	"CREATE INDEX committed_offsets_by_topic ON committed_offsets (topic, partition);"
	/* ---- history: appended each generation, kept across generations.
	 * group_name NULL: the partition's log end offset alone, which time lag interpolates
	 * over; otherwise a group's committed offset with the log end offset of that cycle.
	 * Indexed by time only: each cycle's samples go at the end of the index, so a write
	 * costs the same however long the history; an index by series would take a write to
	 * every page of it each cycle (measured: 0.8 s growing to 1.4 s per generation of the
	 * benchmark after 20 cycles). Readers take a time window, then pick their series. */
	"CREATE TABLE lag_samples ("
	"  id INTEGER PRIMARY KEY,"
	"  cluster_id INTEGER NOT NULL REFERENCES clusters(id) ON DELETE CASCADE,"
	"  group_name TEXT,"
	"  topic TEXT NOT NULL,"
	"  partition INTEGER NOT NULL,"
	"  committed_offset INTEGER,"
	"  log_end_offset INTEGER,"
	"  sampled_at_ms INTEGER NOT NULL"
	");"
	"CREATE INDEX lag_samples_by_time ON lag_samples (cluster_id, sampled_at_ms);"
	/* ---- ownership, imported from YAML */
	"CREATE TABLE teams ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  email TEXT,"
	"  description TEXT"
	");"
	"CREATE TABLE services ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  team_id INTEGER REFERENCES teams(id) ON DELETE SET NULL,"
	"  lifecycle TEXT,"
	"  description TEXT"
	");"
	"CREATE INDEX services_by_team ON services (team_id);"
	/* How a service shows up in Kafka. cluster NULL: on every cluster. */
	"CREATE TABLE service_bindings ("
	"  id INTEGER PRIMARY KEY,"
	"  service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,"
	"  kind TEXT NOT NULL"
	"    CHECK (kind IN ('consumer_group', 'principal', 'client_id', 'produces')),"
	"  cluster TEXT,"
	"  pattern TEXT NOT NULL"                      /* a glob, or an exact name */
	");"
	"CREATE INDEX service_bindings_by_service ON service_bindings (service_id);"
	"CREATE INDEX service_bindings_by_kind ON service_bindings (kind, pattern);"
	/* cluster NULL: the topic of that name on every cluster. */
	"CREATE TABLE topic_metadata ("
	"  id INTEGER PRIMARY KEY,"
	"  cluster TEXT,"
	"  topic TEXT NOT NULL,"
	"  team_id INTEGER REFERENCES teams(id) ON DELETE SET NULL,"
	"  description TEXT"
	");"
	"CREATE UNIQUE INDEX topic_metadata_by_topic ON topic_metadata (topic, IFNULL(cluster, ''));"
	"CREATE TABLE topic_tags ("
	"  id INTEGER PRIMARY KEY,"
	"  topic_metadata_id INTEGER NOT NULL REFERENCES topic_metadata(id) ON DELETE CASCADE,"
	"  tag TEXT NOT NULL,"
	"  UNIQUE (topic_metadata_id, tag)"
	");"
	"CREATE INDEX topic_tags_by_tag ON topic_tags (tag);"
	/* ---- the offset-reset audit log: one row per group a reset touched. */
	"CREATE TABLE offset_resets ("
	"  id INTEGER PRIMARY KEY,"
	"  time_ms INTEGER NOT NULL,"
	"  user TEXT NOT NULL,"
	"  host TEXT NOT NULL,"
	"  cluster TEXT NOT NULL,"
	"  group_name TEXT NOT NULL,"
	"  mode TEXT NOT NULL,"                        /* e.g. --to-datetime 2026-11-24T10:00:00Z */
	"  executed INTEGER NOT NULL CHECK (executed IN (0, 1))"
	");"
	"CREATE INDEX offset_resets_by_group ON offset_resets (cluster, group_name, time_ms);"
	"CREATE TABLE offset_reset_partitions ("
	"  id INTEGER PRIMARY KEY,"
	"  offset_reset_id INTEGER NOT NULL REFERENCES offset_resets(id) ON DELETE CASCADE,"
	"  topic TEXT NOT NULL,"
	"  partition INTEGER NOT NULL,"
	"  before_offset INTEGER,"                     /* NULL: the group had no commit there */
	"  after_offset INTEGER NOT NULL,"
	"  UNIQUE (offset_reset_id, topic, partition)"
	");";

/* v2: lag history as compressed frames (one per cycle, thinned as they age) instead of a
 * row per sample, and what the history says of the current generation: time lag per
 * committed offset, status per group; the reset audit log's outcomes and undos. */
static const char schema_v2[] =
	"DROP TABLE lag_samples;"
	/* One series per partition (group_name NULL: its log end offset) and per group and
	 * partition (its committed offset); frames name series by id. */
	"CREATE TABLE lag_series ("
	"  id INTEGER PRIMARY KEY,"
	"  cluster_id INTEGER NOT NULL REFERENCES clusters(id) ON DELETE CASCADE,"
	"  group_name TEXT,"
	"  topic TEXT NOT NULL,"
	"  partition INTEGER NOT NULL,"
	"  last_seen_ms INTEGER NOT NULL"              /* updated with each key frame */
	");"
	"CREATE INDEX lag_series_by_cluster ON lag_series (cluster_id, last_seen_ms);"
	/* One cycle of a cluster: every series' value, encoded and compressed (history.c).
	 * A key frame (tier 2: the first frame of a 10-minute bucket; key_frame_id NULL)
	 * holds the differences from the key frame before it (base_frame_id), or values
	 * (base_frame_id NULL: the oldest key frame, and one a day); a delta frame the
	 * differences from its key frame (key_frame_id), at most 10 minutes older. tier 1
	 * is the first frame of a minute, 0 any other; thinning deletes tier 0 after an hour
	 * and tier 1 after a day. base_frame_id has no foreign key on purpose: the writer
	 * makes a key frame whole before the one it rests on is deleted. */
	"CREATE TABLE lag_frames ("
	"  id INTEGER PRIMARY KEY,"
	"  cluster_id INTEGER NOT NULL REFERENCES clusters(id) ON DELETE CASCADE,"
	"  sampled_at_ms INTEGER NOT NULL,"
	"  tier INTEGER NOT NULL CHECK (tier IN (0, 1, 2)),"
	"  key_frame_id INTEGER REFERENCES lag_frames(id) ON DELETE CASCADE,"
	"  base_frame_id INTEGER,"
	"  series_count INTEGER NOT NULL,"
	"  data BLOB NOT NULL"
	");"
	"CREATE INDEX lag_frames_by_tier ON lag_frames (cluster_id, tier, sampled_at_ms);"
	"CREATE INDEX lag_frames_by_key ON lag_frames (key_frame_id);"
	"ALTER TABLE committed_offsets ADD COLUMN time_lag_ms INTEGER;"
	"ALTER TABLE committed_offsets ADD COLUMN time_lag_estimated INTEGER"
	"  CHECK (time_lag_estimated IN (0, 1));"
	"ALTER TABLE consumer_groups ADD COLUMN status TEXT"
	"  CHECK (status IN ('OK', 'WARNING', 'REWIND', 'STALLED', 'STOPPED'));"
	"ALTER TABLE consumer_groups ADD COLUMN status_reason TEXT;"
	"ALTER TABLE consumer_groups ADD COLUMN max_time_lag_ms INTEGER;"
	/* The audit log as the reset engine executes it: a reset may apply to some partitions
	 * and be refused on others, and may undo an earlier reset. undo_of has no foreign key
	 * on purpose: a reset the broker executed is recorded even if what it undid is gone. */
	"ALTER TABLE offset_reset_partitions ADD COLUMN error TEXT;"   /* NULL: applied */
	"ALTER TABLE offset_resets ADD COLUMN undo_of INTEGER;"        /* offset_resets(id) */
	"ALTER TABLE offset_resets ADD COLUMN outcome TEXT NOT NULL DEFAULT 'done'"
	"  CHECK (outcome IN ('done', 'partial', 'failed'));";

/* Version 3: each group's total lag, computed once per generation by the writer rather
 * than by every reader (the terminal UI lists 5,000 groups over 150,000 offsets at once). */
static const char schema_v3[] =
	"ALTER TABLE consumer_groups ADD COLUMN lag INTEGER;";

const struct schema_migration schema_migrations[] = {
	{ .version = 1, .sql = schema_v1 },
	{ .version = 2, .sql = schema_v2 },
	{ .version = 3, .sql = schema_v3 },
};

const size_t schema_migration_count = sizeof schema_migrations / sizeof schema_migrations[0];
